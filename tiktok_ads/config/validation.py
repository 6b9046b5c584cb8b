"""Validation of the user's settings, before any request is made.

dlt resolves ``sources.tiktok_ads.*`` (defined once in :mod:`tiktok_ads.config.source_settings`) from ``.dlt/*.toml``,
environment variables (``SOURCES__TIKTOK_ADS__START_DATE`` ...) or explicit arguments, and converts them to
their types; :func:`validate_config` checks what they mean (ranges, dates, ids, settings that need each other)
and returns a frozen :class:`SourceConfig`, or raises :class:`~tiktok_ads.errors.ConfigError` naming the
setting, e.g. ``sources.tiktok_ads.start_date: 2024-02-30 is not a real date``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from typing import Any

from tiktok_ads.config.defaults import DEFAULT_HISTORY_DAYS, MAX_CONCURRENCY
from tiktok_ads.config.source_settings import setting_values
from tiktok_ads.errors import ConfigError
from tiktok_ads.limits import EARLIEST_START_DATE, MAX_PAGE_SIZE, PRODUCTION_BASE_URL, SANDBOX_BASE_URL
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads.tables.report_grid import ALL_TABLES
from tiktok_ads.windows import latest_today

ASYNC_MODES = ("auto", "always", "never")
"""Values of the ``async_reports`` setting (:mod:`.async_reports` says what each does)."""

_ID_RE = re.compile(r"^[0-9]{1,32}$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_US_DATE_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MAX_ATTRIBUTION_WINDOW_DAYS = 365


@dataclasses.dataclass(frozen=True)
class SourceConfig:
    """What the settings mean, after :func:`validate_config` (secrets are hidden from ``repr``).

    Each attribute is the setting of the same name (see :class:`~tiktok_ads.config.source_settings.TikTokAdsSettings`
    for what it does and its default) in its checked form: ids and tables as tuples, dates as dates,
    ``base_url`` with ``sandbox`` applied. ``start_date_is_default`` says that ``start_date`` was not set (a
    year back); ``metrics``, ``custom_reports`` and the refresh-token settings are read by their own modules.
    """

    access_token: str = dataclasses.field(repr=False)
    advertiser_ids: tuple[str, ...]
    start_date: dt.date
    end_date: dt.date | None
    include_deleted: bool
    attribution_window_days: int
    base_url: str
    tables: tuple[str, ...]
    max_qps: float
    max_concurrency: int
    page_size: int
    app_id: str | None
    secret: str | None = dataclasses.field(repr=False)
    sandbox: bool
    request_timeout: float
    max_retries: int
    retry_backoff_seconds: float
    allow_external_schedulers: bool
    start_date_is_default: bool
    advertiser_names: tuple[str, ...]
    skip_inaccessible_advertisers: bool
    bc_ids: tuple[str, ...]
    async_reports: str
    share_report_requests: bool = True

    def __repr__(self) -> str:
        fields = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            secret = f.name in ("access_token", "secret")
            shown = ("'***'" if value else "None") if secret else repr(value)
            fields.append(f"{f.name}={shown}")
        return f"SourceConfig({', '.join(fields)})"

    __str__ = __repr__

    @property
    def is_backfill(self) -> bool:
        """Whether this run reloads a fixed past range and leaves incremental state alone."""
        return self.end_date is not None

    @property
    def has_app_credentials(self) -> bool:
        """Whether ``app_id`` and ``secret`` are both set."""
        return bool(self.app_id and self.secret)


def parse_date(value: Any, setting: str) -> dt.date:
    """Parse a date setting: ``YYYY-MM-DD`` (also with a time part) or the seed connector's ``MM/DD/YYYY``.

    Args:
        value: a string, ``date`` or ``datetime``.
        setting: setting name for the error message.

    Returns:
        The date.

    Raises:
        ConfigError: malformed or impossible date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ConfigError(setting, f"expected a date like 2024-01-31 or 01/31/2024, got {value!r}")
    text = value.strip()
    match = _ISO_DATE_RE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _US_DATE_RE.match(text)
        if not match:
            raise ConfigError(setting, f"{value!r} is not a date; use YYYY-MM-DD (or MM/DD/YYYY)")
        month, day, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ConfigError(setting, f"{value!r} is not a real date") from None


def _as_list(value: Any, setting: str) -> list[Any]:
    """A list from a list, tuple, JSON array string or comma/space separated string."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return [value]
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise ConfigError(setting, f"{value!r} is not a valid JSON list") from None
            if not isinstance(parsed, list):
                raise ConfigError(setting, f"{value!r} is not a list")
            return parsed
        return [part for part in re.split(r"[,\s;]+", text) if part]
    raise ConfigError(setting, f"expected a list or a comma-separated string, got {type(value).__name__}")


def _parse_ids(value: Any, setting: str, what: str, example: str) -> tuple[str, ...]:
    """Unique ids, in the given order, from a list or a comma-separated string; each a string of digits."""
    ids: list[str] = []
    for item in _as_list(value, setting):
        is_id_like = isinstance(item, (str, int)) and not isinstance(item, bool)
        text = str(item).strip() if is_id_like else ""
        if not _ID_RE.match(text):
            shown = text if is_id_like else item
            raise ConfigError(setting, f"{shown!r} is not {what} (a string of digits, e.g. {example})")
        if text not in ids:
            ids.append(text)
    return tuple(ids)


def parse_bc_ids(value: Any) -> tuple[str, ...]:
    """Parse ``bc_ids``: Business Center ids (strings or ints), a list or a string ``"123, 456"``; unique, in
    order. Raises :class:`ConfigError` for an id that is not a string of digits."""
    return _parse_ids(value, "bc_ids", "a Business Center id", "7300000000000001001")


def parse_advertiser_ids(value: Any) -> tuple[str, ...]:
    """Parse ``advertiser_ids``: a list of ids (strings or ints), a JSON list or a comma-separated string like
    the seed's "Accounts" (``"123, 456"``); unique, in order. Raises :class:`ConfigError` for an id that is not
    a string of digits."""
    return _parse_ids(value, "advertiser_ids", "an advertiser id", "7002238017842757633")


def parse_advertiser_names(value: Any) -> tuple[str, ...]:
    """Parse ``advertiser_names``: a list, a JSON list, or a string of names separated by commas or new lines.

    Names may contain spaces (``"Acme US #1"``), so a plain string is split on commas and new lines only.

    Args:
        value: list of names or a string ``"Acme US, Acme EU"``.

    Returns:
        Unique, stripped names in the given order.

    Raises:
        ConfigError: an entry is not a string.
    """
    if isinstance(value, str) and not value.strip().startswith("["):
        items: list[Any] = [part for part in re.split(r"[,\n]+", value) if part.strip()]
    else:
        items = _as_list(value, "advertiser_names")
    names: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ConfigError("advertiser_names", f"{item!r} is not an advertiser name (a non-empty text)")
        name = item.strip()
        if name not in names:
            names.append(name)
    return tuple(names)


def parse_tables(
    value: Any, known: Sequence[str] | None = None, default: Sequence[str] | None = None
) -> tuple[str, ...]:
    """Parse ``tables``: a list or comma-separated string of table names; None means the default tables.

    Args:
        value: the setting.
        known: every table that may be named, in registry order (default: the built-in tables, seed tables
            and report grid; the source adds its custom reports).
        default: the tables loaded when the setting is unset (default: the nine seed tables).

    Returns:
        Table names in registry order.

    Raises:
        ConfigError: unknown table or empty list.
    """
    tables = list(ALL_TABLES if known is None else known)
    if value is None:
        return tuple(DEFAULT_TABLES if default is None else default)
    names = [str(v).strip() for v in _as_list(value, "tables")]
    if not names:
        raise ConfigError(
            "tables", f"is empty; leave it unset to load the default tables ({', '.join(DEFAULT_TABLES)})"
        )
    unknown = [n for n in names if n not in tables]
    if unknown:
        raise ConfigError(
            "tables", f"unknown table(s) {', '.join(unknown)}; known tables: {', '.join(tables)}"
        )
    return tuple(n for n in tables if n in names)


def parse_base_url(base_url: Any, sandbox: Any = False) -> str:
    """The API host: ``base_url`` when set, else TikTok's sandbox host when ``sandbox``, else production.

    Args:
        base_url: ``sources.tiktok_ads.base_url`` (a trailing ``/open_api/...`` path is dropped).
        sandbox: ``sources.tiktok_ads.sandbox``.

    Returns:
        Scheme and host without a trailing slash, e.g. ``https://sandbox-ads.tiktok.com``.

    Raises:
        ConfigError: not an http(s) URL, or ``sandbox`` is not a boolean.
    """
    use_sandbox = _bool_setting(sandbox, "sandbox")
    url = _optional_str(base_url) or (SANDBOX_BASE_URL if use_sandbox else PRODUCTION_BASE_URL)
    if not re.match(r"^https?://[^\s/]+", url):
        raise ConfigError("base_url", f"{url!r} is not an http(s) URL like {PRODUCTION_BASE_URL}")
    url = url.rstrip("/")
    if "/open_api/" in url or url.endswith("/open_api"):
        url = url.split("/open_api")[0]
    return url


def _int_setting(value: Any, setting: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise ConfigError(setting, f"expected a whole number, got {value!r}")
    try:
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ConfigError(setting, f"expected a whole number, got {value!r}") from None
    if isinstance(value, float) and value != number:
        raise ConfigError(setting, f"expected a whole number, got {value!r}")
    if number < minimum:
        raise ConfigError(setting, f"must be at least {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise ConfigError(setting, f"must be at most {maximum}, got {number}")
    return number


def _float_setting(value: Any, setting: str, *, minimum: float) -> float:
    if isinstance(value, bool):
        raise ConfigError(setting, f"expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(setting, f"expected a number, got {value!r}") from None
    if number != number or number < minimum:  # NaN or too small
        raise ConfigError(setting, f"must be at least {minimum:g}, got {value!r}")
    return number


def _bool_setting(value: Any, setting: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (
        "true",
        "1",
        "yes",
        "on",
        "false",
        "0",
        "no",
        "off",
    ):
        return value.strip().lower() in ("true", "1", "yes", "on")
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ConfigError(setting, f"expected true or false, got {value!r}")


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def validate_config(
    *,
    now: dt.datetime | None = None,
    known_tables: Sequence[str] | None = None,
    default_tables: Sequence[str] | None = None,
    **settings: Any,
) -> SourceConfig:
    """Check what every setting means and build a :class:`SourceConfig`. Makes no request.

    Args:
        now: the current instant (tests).
        known_tables: every table ``tables`` may name (default: the built-in tables).
        default_tables: the tables loaded when ``tables`` is unset (default: the nine seed tables).
        **settings: settings by name (:class:`~tiktok_ads.config.source_settings.TikTokAdsSettings`; the others
            take their defaults), as dlt resolved them or as given (text is accepted too).

    Returns:
        The validated settings.

    Raises:
        ConfigError: naming the first bad setting.
        TypeError: a name that is no setting.
    """
    raw = setting_values(settings)
    access_token, app_id, secret = raw["access_token"], raw["app_id"], raw["secret"]
    start_date, end_date, sandbox = raw["start_date"], raw["end_date"], raw["sandbox"]
    token = _optional_str(access_token)
    if not token:
        raise ConfigError(
            "access_token",
            "is not set; set SOURCES__TIKTOK_ADS__ACCESS_TOKEN or access_token under [sources.tiktok_ads] "
            "in .dlt/secrets.toml",
        )
    if any(ch.isspace() for ch in token):
        raise ConfigError("access_token", "contains whitespace; paste the token exactly as TikTok issued it")

    app = _optional_str(app_id)
    app_secret = _optional_str(secret)
    if app is not None and not _ID_RE.match(app):
        raise ConfigError("app_id", "is not a TikTok app id (a string of digits)")

    ids = parse_advertiser_ids(raw["advertiser_ids"])
    names = parse_advertiser_names(raw["advertiser_names"])
    if names and not (app and app_secret):
        raise ConfigError(
            "advertiser_names",
            "needs sources.tiktok_ads.app_id and sources.tiktok_ads.secret (names are looked up with "
            "oauth2/advertiser/get/); set them, or list the ids in sources.tiktok_ads.advertiser_ids",
        )
    bcs = parse_bc_ids(raw["bc_ids"])
    if not ids and not names and not bcs and not (app and app_secret):
        missing = "app_id" if not app else "secret"
        problem = (
            'is empty; list the advertiser ids to load (e.g. "7002238017842757633,7001035076276387841") or '
            "set sources.tiktok_ads.bc_ids to load a Business Center's ad accounts"
        )
        if app or app_secret:
            problem += (
                f", or also set sources.tiktok_ads.{missing} to load every advertiser the token can read"
            )
        else:
            problem += (
                ", or set sources.tiktok_ads.app_id and secret to load every advertiser the token can read"
            )
        raise ConfigError("advertiser_ids", problem)

    today_latest = latest_today(now)
    earliest = dt.date.fromisoformat(EARLIEST_START_DATE)
    start_is_default = start_date is None or (isinstance(start_date, str) and not start_date.strip())
    if start_is_default:
        utc_today = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).date()
        start = utc_today - dt.timedelta(days=DEFAULT_HISTORY_DAYS)
    else:
        start = parse_date(start_date, "start_date")
    if start < earliest:
        raise ConfigError(
            "start_date", f"{start.isoformat()} is before {EARLIEST_START_DATE}; TikTok has no data that old"
        )
    if start > today_latest:
        raise ConfigError("start_date", f"{start.isoformat()} is in the future")

    end: dt.date | None = None
    if end_date is not None and not (isinstance(end_date, str) and not end_date.strip()):
        end = parse_date(end_date, "end_date")
        if end < start:
            raise ConfigError("end_date", f"{end.isoformat()} is before start_date {start.isoformat()}")

    window = _int_setting(
        raw["attribution_window_days"],
        "attribution_window_days",
        minimum=0,
        maximum=MAX_ATTRIBUTION_WINDOW_DAYS,
    )
    use_sandbox = _bool_setting(sandbox, "sandbox")
    url = parse_base_url(raw["base_url"], use_sandbox)

    return SourceConfig(
        access_token=token,
        advertiser_ids=ids,
        start_date=start,
        end_date=end,
        include_deleted=_bool_setting(raw["include_deleted"], "include_deleted"),
        attribution_window_days=window,
        base_url=url,
        tables=parse_tables(raw["tables"], known_tables, default_tables),
        max_qps=_float_setting(raw["max_qps"], "max_qps", minimum=0.0),
        max_concurrency=_int_setting(
            raw["max_concurrency"], "max_concurrency", minimum=1, maximum=MAX_CONCURRENCY
        ),
        page_size=_int_setting(raw["page_size"], "page_size", minimum=1, maximum=MAX_PAGE_SIZE),
        app_id=app,
        secret=app_secret,
        sandbox=use_sandbox,
        request_timeout=_float_setting(raw["request_timeout"], "request_timeout", minimum=1.0),
        max_retries=_int_setting(raw["max_retries"], "max_retries", minimum=0, maximum=50),
        retry_backoff_seconds=_float_setting(
            raw["retry_backoff_seconds"], "retry_backoff_seconds", minimum=0.0
        ),
        allow_external_schedulers=_bool_setting(
            raw["allow_external_schedulers"], "allow_external_schedulers"
        ),
        start_date_is_default=start_is_default,
        advertiser_names=names,
        skip_inaccessible_advertisers=_bool_setting(
            raw["skip_inaccessible_advertisers"], "skip_inaccessible_advertisers"
        ),
        bc_ids=bcs,
        async_reports=_async_mode(raw["async_reports"]),
        share_report_requests=_bool_setting(raw["share_report_requests"], "share_report_requests"),
    )


def _async_mode(value: Any) -> str:
    """The ``async_reports`` setting: ``auto`` (default when empty), ``always`` or ``never``."""
    text = "auto" if value is None else str(value).strip().lower() or "auto"
    if text not in ASYNC_MODES:
        raise ConfigError("async_reports", f"expected one of {', '.join(ASYNC_MODES)}, got {value!r}")
    return text

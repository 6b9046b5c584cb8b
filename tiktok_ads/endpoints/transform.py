"""Raw API rows -> flat rows with the pinned column types.

Reports: ``{"dimensions": {...}, "metrics": {...}}`` becomes one flat row (dimensions win on a name
clash), ``advertiser_id`` is added, every metric placeholder (``"-"``, ``"N/A"``, ``""`` ...) becomes
NULL, numbers are accepted as JSON numbers or strings, ``stat_time_day`` ``"YYYY-MM-DD 00:00:00"``
becomes a ``date``. Breakdown dimensions (``country_code``, ``age``, ``gender`` ...) keep TikTok's values
as sent: ``"None"`` is TikTok's bucket of unattributed delivery and ``"NA"`` is Namibia, not NULLs, so a
key built from them stays whole (:func:`to_bucket`). Entities: ids become text, ``create_time``/``modify_time`` become UTC datetimes.
Advertisers: unix ``create_time`` becomes a UTC datetime.

A value that cannot be converted, or a missing key column, raises
:class:`~tiktok_ads.errors.TikTokBadResponseError`: the run fails loudly instead of loading a wrong or
partial row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable
from typing import Any

from tiktok_ads.errors import TikTokBadResponseError
from tiktok_ads.tables.columns import NULL_METRIC_VALUES, ZERO_IS_NULL_COLUMNS
from tiktok_ads.tables.metric_catalogue import DIMENSIONS
from tiktok_ads.tables.records import AdvertiserTable, EntityTable, ReportTable, SparkPostsTable, TableSpec

Converter = Callable[[Any, str], Any]
"""A column's converter, ``(raw value, column name) -> typed value``: TikTok's placeholders (``"-"`` ...)
become None, and a value not of the column's type raises :class:`TikTokBadResponseError` naming the column
(the ``to_*`` functions below)."""

_UTC = dt.timezone.utc
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=_UTC)


def _bad(column: str, value: Any, expected: str) -> TikTokBadResponseError:
    return TikTokBadResponseError(f"column {column}: {value!r} is not {expected}", code=0, reason="bad_value")


def is_null(value: Any) -> bool:
    """Whether a raw value means "no value" (None or a placeholder like ``"-"``).

    Args:
        value: the raw value.

    Returns:
        True for None and placeholder strings.
    """
    return value is None or (isinstance(value, str) and value.strip() in NULL_METRIC_VALUES)


def to_int(value: Any, column: str) -> int | None:
    """A count: int, integral float, or a string of digits; placeholders become None."""
    # fast paths for what TikTok sends (a string of digits, or "-"); everything else below
    kind = type(value)
    if kind is str:
        if value in NULL_METRIC_VALUES:
            return None
        try:
            return int(value)
        except ValueError:
            pass
    elif kind is int:
        return value
    if is_null(value):
        return None
    if isinstance(value, bool):
        raise _bad(column, value, "an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _bad(column, value, "an integer")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise _bad(column, value, "an integer") from None
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
    raise _bad(column, value, "an integer")


def to_decimal(value: Any, column: str) -> decimal.Decimal | None:
    """Money or a ratio: exact decimal from a string, int or float; placeholders become None.

    Floats are converted through their shortest repr, i.e. exactly the digits in the JSON text.
    """
    if type(value) is str:  # fast path: TikTok's decimal strings
        if value in NULL_METRIC_VALUES:
            return None
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    if is_null(value):
        return None
    if isinstance(value, bool):
        raise _bad(column, value, "a number")
    if isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, decimal.Decimal):
        text = str(value)
    else:
        raise _bad(column, value, "a number")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise _bad(column, value, "a number") from None
    if not number.is_finite():
        raise _bad(column, value, "a finite number")
    return number


def to_text(value: Any, column: str) -> str | None:
    """Text (ids, names, enums): numbers become their decimal string; placeholders become None."""
    if type(value) is str:
        return None if value in NULL_METRIC_VALUES or value.strip() in NULL_METRIC_VALUES else value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, decimal.Decimal)):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def to_bucket(value: Any, column: str) -> str | None:
    """A breakdown dimension's value (``country_code``, ``age`` ...) exactly as TikTok sends it.

    TikTok's own placeholders here are buckets, not missing values: ``"None"`` (spend it cannot attribute to a
    country), ``"NONE"`` (unknown age or gender), and ``"NA"`` is Namibia. Turning them into NULL would put a
    NULL into a key column (and mix Namibia with nothing). Only JSON ``null`` is NULL; numbers become text.
    """
    if type(value) is str or value is None:
        return value
    return to_text(value, column)


def to_app_text(value: Any, column: str) -> str | None:
    """An app attribute (``tt_app_id`` ...): text, with TikTok's ``0``/``"0"`` for "no app" as None."""
    text = to_text(value, column)
    return None if text == "0" else text


def to_bool(value: Any, column: str) -> bool | None:
    """A boolean from a JSON bool, 0/1 or ``"true"``/``"false"``."""
    if is_null(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "0", "1"):
        return value.strip().lower() in ("true", "1")
    raise _bad(column, value, "a boolean")


def to_stat_day(value: Any, column: str) -> dt.date | None:
    """A report day: ``"YYYY-MM-DD 00:00:00"`` (TikTok's format) or ``"YYYY-MM-DD"``."""
    if is_null(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise _bad(column, value, "a day (YYYY-MM-DD 00:00:00)")
    text = value.strip()
    rest = text[10:]
    if rest not in ("", " 00:00:00", "T00:00:00", "T00:00:00Z"):
        raise _bad(column, value, "a day at midnight (YYYY-MM-DD 00:00:00)")
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise _bad(column, value, "a day (YYYY-MM-DD 00:00:00)") from None


def to_timestamp(value: Any, column: str) -> dt.datetime | None:
    """A UTC timestamp from ``"YYYY-MM-DD HH:MM:SS"`` (TikTok's entity format, UTC), ISO 8601 or unix seconds."""
    if is_null(value):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(_UTC) if value.tzinfo else value.replace(tzinfo=_UTC)
    if isinstance(value, bool):
        raise _bad(column, value, "a time")
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            return _EPOCH + dt.timedelta(seconds=float(value))
        except (OverflowError, ValueError):
            raise _bad(column, value, "a unix time") from None
    if not isinstance(value, str):
        raise _bad(column, value, "a time")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad(column, value, "a time (YYYY-MM-DD HH:MM:SS)") from None
    return parsed.astimezone(_UTC) if parsed.tzinfo else parsed.replace(tzinfo=_UTC)


def to_wall_clock(value: Any, column: str) -> dt.datetime | None:
    """A report hour as TikTok sends it: ``"YYYY-MM-DD HH:00:00"`` in the advertiser's zone, kept without zone.

    The hour is the advertiser's local wall clock (like ``stat_time_day`` is its local day); converting it to
    UTC would need the zone's offset at that hour, which TikTok does not send.
    """
    if is_null(value):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        raise _bad(column, value, "an hour (YYYY-MM-DD HH:00:00)")
    try:
        return dt.datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        raise _bad(column, value, "an hour (YYYY-MM-DD HH:00:00)") from None


def _identity(value: Any, column: str) -> Any:
    return value


_BY_TYPE: dict[str, Converter] = {
    "bigint": to_int,
    "decimal": to_decimal,
    "double": to_decimal,
    "text": to_text,
    "date": to_stat_day,
    "timestamp": to_timestamp,
    "bool": to_bool,
    "json": _identity,
}


@functools.lru_cache(maxsize=64)
def converters(spec: TableSpec) -> dict[str, Converter]:
    """Converter per pinned column of a table.

    Args:
        spec: the table.

    Returns:
        ``{column: converter}``.
    """
    out: dict[str, Converter] = {}
    buckets = bucket_columns(spec) if spec.kind == "report" else frozenset()
    for name, hint in spec.columns.items():
        kind = str(hint.get("data_type"))
        if name in buckets and kind == "text":
            out[name] = to_bucket
            continue
        if name in ZERO_IS_NULL_COLUMNS and kind == "text":
            out[name] = to_app_text
            continue
        out[name] = (
            to_wall_clock
            if kind == "timestamp" and hint.get("timezone") is False
            else _BY_TYPE.get(kind, _identity)
        )
    return out


@functools.lru_cache(maxsize=256)
def bucket_columns(spec: ReportTable) -> frozenset[str]:
    """The report's breakdown dimensions (not its id or time dimension): kept as TikTok sends them.

    Args:
        spec: the table (entity tables have none).

    Returns:
        The column names.
    """
    return frozenset(d for d in spec.dimensions if d in DIMENSIONS and DIMENSIONS[d].role == "breakdown")


def _check_keys(spec: TableSpec, row: dict[str, Any]) -> None:
    for key in spec.primary_key:
        if row.get(key) is None:
            raise TikTokBadResponseError(
                f"row has no {key} (a key column of {spec.name}): {_short(row)}", code=0, reason="bad_row"
            )


def row_id(row: Any, field: str, endpoint: str) -> str:
    """The id ``row[field]`` of a row of ``endpoint`` as text (for lists read for their ids, not loaded).

    Raises:
        TikTokBadResponseError: the row is not an object or has no ``field``.
    """
    value = row.get(field) if isinstance(row, dict) else None
    if value is None:
        raise TikTokBadResponseError(
            f"{endpoint} returned a row without {field}: {row!r:.200}", code=0, reason="bad_row"
        )
    return str(value)


def _short(row: dict[str, Any]) -> str:
    text = repr({k: row[k] for k in list(row)[:8]})
    return text if len(text) < 300 else text[:300] + "..."


def flatten_report_row(raw: dict[str, Any]) -> dict[str, Any]:
    """Merge a report row's ``metrics`` and ``dimensions`` into one dict (dimensions win).

    Args:
        raw: ``{"dimensions": {...}, "metrics": {...}}``.

    Returns:
        The flat dict (not yet typed).

    Raises:
        TikTokBadResponseError: the row has no ``dimensions`` object.
    """
    if not isinstance(raw, dict):
        raise TikTokBadResponseError(f"report row is not an object: {raw!r:.200}", code=0, reason="bad_row")
    dims = raw.get("dimensions")
    metrics = raw.get("metrics") or {}
    if not isinstance(dims, dict) or not isinstance(metrics, dict):
        raise TikTokBadResponseError(
            f"report row without dimensions/metrics objects: {_short(raw)}", code=0, reason="bad_row"
        )
    flat = dict(metrics)
    flat.update(dims)
    return flat


def transform_report_rows(
    spec: ReportTable, advertiser_id: str, rows: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Flatten and type one page of report rows.

    Hourly rows also get the day column (``stat_time_day``): the day of their ``stat_time_hour``, by which a
    run replaces them.

    Args:
        spec: the report table.
        advertiser_id: added to every row.
        rows: raw rows from ``data.list``.

    Returns:
        Typed flat rows.

    Raises:
        TikTokBadResponseError: unconvertible value or missing key column.
    """
    convert = converters(spec)
    hour_column, day_column = spec.hour_column, spec.day_column
    out: list[dict[str, Any]] = []
    try:
        for raw in rows:
            flat = flatten_report_row(raw)
            row: dict[str, Any] = {}
            for key, value in flat.items():
                conv = convert.get(key)
                row[key] = conv(value, key) if conv is not None else _unpinned(value, key)
            row["advertiser_id"] = advertiser_id
            if hour_column is not None and day_column is not None:
                hour = row.get(hour_column)
                row[day_column] = hour.date() if hour is not None else None
            _check_keys(spec, row)
            out.append(row)
    except TikTokBadResponseError as err:
        raise _located(err, spec, advertiser_id) from None
    return out


def _unpinned(value: Any, column: str) -> Any:
    """A report field we did not pin (TikTok added a metric): ``"-"`` is NULL, scalars are text.

    TikTok sends metrics as strings; keeping every unpinned scalar as text means a value that switches
    between ``12`` and ``"12"`` across pages cannot change the column's type (report tables freeze types).
    Objects and lists stay as they are (a json column).
    """
    if is_null(value):
        return None
    if isinstance(value, (dict, list)):
        return value
    return to_text(value, column)


def _located(
    err: TikTokBadResponseError, spec: TableSpec, advertiser_id: str | None
) -> TikTokBadResponseError:
    """Name the table and advertiser of a row that could not be typed (the caller adds the window)."""
    if err.advertiser_id is None and advertiser_id is not None:
        err.advertiser_id = str(advertiser_id)
    err.add_context(table=spec.name)
    return err


def transform_entity_rows(
    spec: EntityTable | SparkPostsTable, advertiser_id: str, rows: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Type one page of campaigns, ad groups, ads or other listed objects (ad_images ...).

    The cursor (``modify_time``, ``update_time``) falls back to ``create_time`` when TikTok leaves it out
    (Smart+ ads do; for campaigns, ad groups and ads it is part of the primary key); other unpinned
    ``*_id`` fields are made text.

    Args:
        spec: the entity table.
        advertiser_id: set when the row lacks it.
        rows: raw rows from ``data.list``.

    Returns:
        Typed rows.

    Raises:
        TikTokBadResponseError: unconvertible value or missing key column.
    """
    convert = converters(spec)
    out: list[dict[str, Any]] = []
    try:
        for raw in rows:
            if not isinstance(raw, dict):
                raise TikTokBadResponseError(f"row is not an object: {raw!r:.200}", code=0, reason="bad_row")
            row: dict[str, Any] = {}
            for key, value in raw.items():
                conv = convert.get(key)
                if conv is not None:
                    row[key] = conv(value, key)
                elif key.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
                    row[key] = str(value)
                else:
                    row[key] = value
            if row.get("advertiser_id") is None:
                row["advertiser_id"] = advertiser_id
            cursor = spec.cursor
            if cursor is not None and row.get(cursor) is None:
                row[cursor] = row.get("create_time")
            _check_keys(spec, row)
            if cursor is not None and row[cursor] is None:
                raise TikTokBadResponseError(
                    f"row has neither {cursor} (the cursor of {spec.name}) nor create_time: {_short(row)}",
                    code=0,
                    reason="bad_row",
                )
            out.append(row)
    except TikTokBadResponseError as err:
        raise _located(err, spec, advertiser_id) from None
    return out


def transform_advertiser_row(spec: AdvertiserTable, raw: dict[str, Any]) -> dict[str, Any]:
    """Type one ``advertiser/info/`` row (unix ``create_time`` -> UTC datetime).

    Args:
        spec: the advertisers table.
        raw: the raw row.

    Returns:
        The typed row.

    Raises:
        TikTokBadResponseError: unconvertible value or missing key column.
    """
    convert = converters(spec)
    try:
        if not isinstance(raw, dict):
            raise TikTokBadResponseError(f"row is not an object: {raw!r:.200}", code=0, reason="bad_row")
        row = {key: (convert[key](value, key) if key in convert else value) for key, value in raw.items()}
        _check_keys(spec, row)
    except TikTokBadResponseError as err:
        adv = raw.get("advertiser_id") if isinstance(raw, dict) else None
        raise _located(err, spec, None if adv is None else str(adv)) from None
    return row

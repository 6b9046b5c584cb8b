"""The source's settings, each defined once: name, type, default and one-line help.

:class:`TikTokAdsSettings` is the dlt spec of :func:`tiktok_ads.tiktok_ads` (``@dlt.source(spec=...)``): dlt
resolves every field from ``[sources.tiktok_ads]`` in ``.dlt/*.toml``, ``SOURCES__TIKTOK_ADS__<NAME>`` or an
explicit argument, and converts it to the field's type (``"20"`` -> ``20.0`` for ``max_qps``). Everything else
reads this one definition:

- the source's signature and the settings in its docstring (:func:`with_setting_arguments`);
- :func:`tiktok_ads.config.validation.validate_config`, which checks what a value means (ranges, dates, ids, settings
  that need each other) and fills unset settings with the defaults here (:func:`setting_values`);
- the pipeline script's options (``tiktok_ads_cli.source_options``).

A new setting is a field here (with :func:`setting`), its meaning checked in ``config.py``.
"""

from __future__ import annotations

import dataclasses
import inspect
import textwrap
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from tiktok_ads.config.defaults import (
    DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_QPS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_RETRY_BACKOFF_SECONDS,
)

HELP = "help"
"""The key of a field's help text in its ``dataclasses.field`` metadata."""


def setting(default: Any, help: str) -> Any:
    """A field of :class:`TikTokAdsSettings`: its default and its one-line help (docstring and ``--help``).

    Args:
        default: the value when the setting is not set anywhere.
        help: what the setting does, in one sentence (reST literals allowed).

    Returns:
        The dataclass field.
    """
    return dataclasses.field(default=default, metadata={HELP: help})


@configspec
class TikTokAdsSettings(BaseConfiguration):
    """Every setting of the ``tiktok_ads`` source (``[sources.tiktok_ads]``), in the order ``--help`` shows them.

    A field typed as a secret (``TSecretStrValue``) belongs in ``.dlt/secrets.toml`` and has no command-line
    option; ``access_token`` is the one setting without a default (dlt reports it missing).
    """

    access_token: TSecretStrValue = setting(None, "long-lived TikTok access token (secret).")
    advertiser_ids: str | Sequence[str] | None = setting(
        None,
        "advertiser ids, as a list or a comma-separated string; empty = every advertiser the token may read "
        "(needs ``app_id`` and ``secret``).",
    )
    start_date: str | None = setting(
        None, "first report day, ``YYYY-MM-DD`` or ``MM/DD/YYYY``; default 365 days ago."
    )
    end_date: str | None = setting(
        None,
        "last report day of a backfill (inclusive); a backfill leaves incremental state untouched.",
    )
    include_deleted: bool = setting(
        False, "also load deleted campaigns, ad groups and ads, and their spend in the reports."
    )
    attribution_window_days: int = setting(
        DEFAULT_ATTRIBUTION_WINDOW_DAYS,
        "days before the last loaded day that every run re-reads (late conversions).",
    )
    tables: str | Sequence[str] | None = setting(
        None,
        "the tables to load (list or comma-separated): any of the nine seed tables, the opt-in "
        "``ad_images``, ``ad_videos``, ``custom_audiences`` and ``pixels``, the account tables "
        "(``saved_audiences``, ``creative_portfolios``, ``automated_rules``, ``automated_rule_results``, "
        "``apps``), "
        "the Business Center tables "
        "(``business_centers``, ``bc_advertisers``, ``bc_balances``, ``advertiser_balances``, "
        "``bc_transactions``, ``advertiser_transactions``, ``bc_advertiser_insights``), the Spark Ads "
        "tables (``identities``, ``spark_ad_posts``, ``spark_authorized_posts``), the TikTok Shop / GMV Max "
        "and Smart+ tables (``gmv_max_stores``, ``gmv_max_campaigns``, ``gmv_max_*_insights``, "
        "``tt_shop_campaign_insights``, ``smart_plus_*``), the report grid "
        "(``campaign_insights_hourly``, ``adgroup_insights_by_language`` ...) and custom reports; default the "
        "nine seed tables and every custom report.",
    )
    app_id: str | None = setting(None, "TikTok app id (for advertiser discovery).")
    secret: TSecretStrValue | None = setting(None, "TikTok app secret (secret; for advertiser discovery).")
    base_url: str | None = setting(
        None, "API host; default production (``https://business-api.tiktok.com``)."
    )
    sandbox: bool = setting(
        False, "use TikTok's sandbox host (``https://sandbox-ads.tiktok.com``) unless ``base_url`` is set."
    )
    max_qps: float = setting(
        DEFAULT_MAX_QPS, "requests per second this app may use (TikTok's basic tier: 10); 0 = no pacing."
    )
    max_concurrency: int = setting(
        DEFAULT_MAX_CONCURRENCY,
        "requests in flight at once, all tables and advertisers together (1..256).",
    )
    page_size: int = setting(DEFAULT_PAGE_SIZE, "rows per page, 1..1000.")
    request_timeout: float = setting(DEFAULT_REQUEST_TIMEOUT, "seconds to wait for one answer.")
    max_retries: int = setting(
        DEFAULT_MAX_RETRIES,
        "retries of one failed request (rate limits, server errors) before the run fails.",
    )
    retry_backoff_seconds: float = setting(
        DEFAULT_RETRY_BACKOFF_SECONDS, "base of the exponential backoff between retries."
    )
    allow_external_schedulers: bool = setting(
        False, "take the report date range from an Airflow (or dlt) schedule interval."
    )
    advertiser_names: str | Sequence[str] | None = setting(
        None,
        "advertisers to load given by name (list or comma-separated), resolved with "
        "``oauth2/advertiser/get/`` (needs ``app_id`` and ``secret``); added to ``advertiser_ids``.",
    )
    skip_inaccessible_advertisers: bool = setting(
        False,
        "leave out, with a warning, an advertiser the token may not read (40001) instead of failing the run.",
    )
    async_reports: str = setting(
        "auto",
        "``auto``: read a range of at least five 30-day windows (a first load, a long backfill) with one "
        "async report task instead of a request per window and page, synchronously if the task fails; "
        "``always``: every range of a table tasks can answer; ``never``: synchronous requests only.",
    )
    share_report_requests: bool = setting(
        True,
        "read up to five advertisers with the same window in one report request (``advertiser_ids``), split "
        "back per advertiser: fewer requests for agencies. Each answer is checked (rows' ``timezone`` and "
        "``currency`` against ``advertiser/info/``; money in whole units only, which TikTok's 'no decimal "
        "point' could mean rounded): what fails a check is read one advertiser per request. ``false``: one "
        "advertiser per request always.",
    )
    metrics: str | dict[str, list[str] | str] | None = setting(
        None,
        'metrics per report table, replacing its default list, e.g. ``{"ad_insights": ["spend", '
        '"impressions"]}``; any metric of ``settings.METRIC_TYPES`` (see ``tiktok_ads.tables.custom_metrics``); '
        '``"all"`` as a table\'s value requests every metric TikTok allows there, ``"all"`` alone does so '
        "for every report table.",
    )
    custom_reports: dict[str, dict[str, Any]] | list[dict[str, Any]] | None = setting(
        None,
        'reports of your own, ``{name: {"report_type", "data_level", "dimensions", "metrics", "filters", '
        '"lifetime"}}`` (see ``tiktok_ads.tables.custom_reports``); each becomes a merged, incremental table keyed '
        "by advertiser_id and its dimensions, checked against TikTok's rules before any request.",
    )
    bc_ids: str | Sequence[str] | None = setting(
        None,
        "Business Center ids (list or comma-separated): their ad accounts (``bc/asset/get/``) are loaded too "
        "(only they when ``advertiser_ids`` is empty), and the Business Center tables (``business_centers``, "
        "``bc_balances`` ...) read these BCs (default: every BC of ``bc/get/``).",
    )
    refresh_token: TSecretStrValue | None = setting(
        None,
        "the refresh token of an expiring access token (secret; the newer OAuth flow, stored by the auth "
        "command): the source refreshes the access token before it expires and keeps the rotated pair (see "
        "``tiktok_ads.api.token_refresh``); unset for TikTok's long-lived token.",
    )
    access_token_expires_at: str | None = setting(
        None, "when the access token expires (ISO 8601, stored by the auth command)."
    )
    refresh_token_expires_at: str | None = setting(
        None, "when the refresh token expires (ISO 8601, stored by the auth command)."
    )


SETTINGS: tuple[dataclasses.Field[Any], ...] = tuple(
    f for f in dataclasses.fields(TikTokAdsSettings) if HELP in f.metadata
)
"""The settings' fields, in definition order (dlt's own bookkeeping fields have no help and are left out)."""

SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in SETTINGS)


def setting_hints() -> dict[str, Any]:
    """Each setting's type (the annotation dlt converts values to), by name."""
    hints = typing.get_type_hints(TikTokAdsSettings, include_extras=True)
    return {name: hints[name] for name in SETTING_NAMES}


def setting_values(given: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting's value: the given ones, the default for the others.

    Args:
        given: settings by name (the source's resolved arguments, or a caller's subset).

    Returns:
        ``{name: value}`` for every setting, in definition order.

    Raises:
        TypeError: a name that is no setting (like a wrong keyword argument).
    """
    unknown = [name for name in given if name not in SETTING_NAMES]
    if unknown:
        raise TypeError(f"not a setting of the tiktok_ads source: {', '.join(unknown)}")
    return {f.name: given.get(f.name, f.default) for f in SETTINGS}


def _docstring_lines() -> list[str]:
    """The settings as Google-style ``Args:`` entries (8-space continuation), one entry per setting."""
    lines: list[str] = []
    for f in SETTINGS:
        lines += textwrap.wrap(
            f"{f.name}: {f.metadata[HELP]}",
            width=110,
            initial_indent="    ",
            subsequent_indent="        ",
            break_on_hyphens=False,
        )
    return lines


F = TypeVar("F", bound=Callable[..., Any])


def with_setting_arguments(func: F) -> F:
    """Give ``func(*, <own keyword arguments>, **settings)`` one keyword argument per setting.

    The signature (what dlt binds arguments to and ``help()`` shows) lists every setting first, with its type
    and default, then ``func``'s own arguments; the docstring's ``Args:`` section gets one entry per setting
    before those of ``func``'s own arguments. Apply it under ``@dlt.source(spec=TikTokAdsSettings)``.

    Args:
        func: a function whose own arguments are keyword-only and that takes the settings as ``**settings``.

    Returns:
        ``func`` itself, with ``__signature__`` and ``__doc__`` set.
    """
    own = inspect.signature(func)
    hints = setting_hints()
    params = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hints[f.name])
        for f in SETTINGS
    ]
    params += [p for p in own.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    func.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    doc = inspect.cleandoc(func.__doc__ or "").splitlines()
    at = doc.index("Args:") + 1 if "Args:" in doc else len(doc)
    func.__doc__ = "\n".join([*doc[:at], *_docstring_lines(), *doc[at:]])
    return func


DEFAULTS = TikTokAdsSettings()
"""Every setting at its default (the client takes its own defaults from here)."""

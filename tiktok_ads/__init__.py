"""TikTok Ads (Business API v1.3) source for dlt: advertisers, campaigns, ad groups, ads and their reports.

Usage::

    import dlt
    from tiktok_ads import tiktok_ads

    pipeline = dlt.pipeline("tiktok_ads", destination="duckdb", dataset_name="tiktok_ads_data")
    pipeline.run(tiktok_ads())          # settings from .dlt/*.toml or SOURCES__TIKTOK_ADS__* env vars

The default tables, their keys and cursors are those of the Stitch/Qlik TikTok Ads connector (see
``settings.TABLES``); the report grid (every level; hourly, lifetime and audience variants) is opt-in
(``report_grid.GRID_TABLES``), and users may declare their own reports (``custom_reports``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dlt
from dlt.common.typing import TSecretStrValue
from dlt.extract.resource import DltResource

from .async_reports import TaskSwitch
from .auth import build_refresher
from .client import TikTokClient
from .config import SourceConfig, validate_config
from .custom_metrics import table_specs
from .custom_reports import custom_report_specs
from .errors import (
    ConfigError,
    TikTokAdsError,
    TikTokAPIError,
    TikTokAppMismatchError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokPermissionError,
    TikTokQueryTooLargeError,
    TikTokRateLimitError,
    TikTokTransientError,
)
from .extract import AdvertiserDirectory
from .report_grid import ALL_TABLES, GRID_TABLES
from .resources import make_resources, select_tables
from .run_summary import RunSummary
from .server_clock import tiktok_now
from .settings import (
    DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_QPS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_RETRY_BACKOFF_SECONDS,
    DEFAULT_TABLES,
    PACKAGE_VERSION,
    TABLES,
    TableSpec,
)
from .source_context import SourceContext
from .token_refresh import TokenNotPersistedError, TokenPair

__version__ = PACKAGE_VERSION

__all__ = [
    "ALL_TABLES",
    "ConfigError",
    "GRID_TABLES",
    "RunSummary",
    "SourceConfig",
    "TABLES",
    "TableSpec",
    "TikTokAPIError",
    "TikTokAdsError",
    "TikTokAppMismatchError",
    "TikTokAuthError",
    "TikTokBadResponseError",
    "TikTokClient",
    "TikTokPermissionError",
    "TikTokQueryTooLargeError",
    "TikTokRateLimitError",
    "TikTokTransientError",
    "TokenNotPersistedError",
    "TokenPair",
    "build_resources",
    "select_tables",
    "tiktok_ads",
]


def build_resources(
    config: SourceConfig,
    client: TikTokClient,
    *,
    clock: Callable[[], dt.datetime] | None = None,
    summary: RunSummary | None = None,
    specs: Mapping[str, TableSpec] | None = None,
) -> list[DltResource]:
    """The resources of the selected tables, sharing one client and one advertiser lookup.

    Args:
        config: validated settings.
        client: the API client.
        clock: current instant (default: TikTok's, from the ``Date`` header of its answers; the machine's
            clock, with a warning, while no answer carried one).
        summary: filled with the run's counters.
        specs: the table registry to use (default :data:`ALL_TABLES`; see ``custom_metrics.table_specs``).

    Returns:
        The resources of each table in ``config.tables``, in registry order: one per advertiser for a table
        with a cursor (``<table>__<advertiser_id>``), one for the others (:mod:`.resources`).
    """
    summary = summary if summary is not None else RunSummary()
    summary.client = client
    ctx = SourceContext(
        config=config,
        client=client,
        directory=AdvertiserDirectory(
            client,
            config.advertiser_ids,
            config.advertiser_names,
            skip_inaccessible=config.skip_inaccessible_advertisers,
            bc_ids=config.bc_ids,
        ),
        summary=summary,
        tasks=TaskSwitch(config.async_reports),
    )
    # "today" is TikTok's: the Date of its answers (advertiser/info/ comes before any window is planned)
    ctx.clock = clock if clock is not None else tiktok_now(getattr(client, "server_clock", None))
    registry = ALL_TABLES if specs is None else specs
    # per-advertiser resources need the ids now: configured ones cost nothing, discovery one lookup
    advertiser_ids = ctx.directory.ids()
    return [
        resource for name in config.tables for resource in make_resources(registry[name], ctx, advertiser_ids)
    ]


@dlt.source(name="tiktok_ads", max_table_nesting=0)
def tiktok_ads(
    access_token: TSecretStrValue = dlt.secrets.value,
    advertiser_ids: str | Sequence[str] | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    include_deleted: bool = False,
    attribution_window_days: int = DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    tables: str | Sequence[str] | None = None,
    app_id: str | None = None,
    secret: TSecretStrValue | None = None,
    base_url: str | None = None,
    sandbox: bool = False,
    max_qps: float = DEFAULT_MAX_QPS,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    page_size: int = DEFAULT_PAGE_SIZE,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff_seconds: float = DEFAULT_RETRY_BACKOFF_SECONDS,
    allow_external_schedulers: bool = False,
    advertiser_names: str | Sequence[str] | None = None,
    skip_inaccessible_advertisers: bool = False,
    async_reports: str = "auto",
    metrics: str | dict[str, list[str] | str] | None = None,
    custom_reports: dict[str, dict[str, Any]] | list[dict[str, Any]] | None = None,
    bc_ids: str | Sequence[str] | None = None,
    refresh_token: TSecretStrValue | None = None,
    access_token_expires_at: str | None = None,
    refresh_token_expires_at: str | None = None,
    on_token_refresh: Callable[[TokenPair], None] | None = None,
    client: TikTokClient | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    summary: RunSummary | None = None,
) -> Any:
    """Replicate a TikTok Ads account: the nine tables of the Stitch/Qlik connector (and any grid or custom
    report chosen), merged on their keys.

    Every argument is a dlt setting under ``sources.tiktok_ads`` (``.dlt/config.toml``, ``.dlt/secrets.toml``
    or env vars such as ``SOURCES__TIKTOK_ADS__START_DATE``); explicit arguments win. Settings are validated
    here, before any request; no request is made until the pipeline extracts.

    Args:
        access_token: long-lived TikTok access token (secret).
        advertiser_ids: advertiser ids, as a list or a comma-separated string; empty = every advertiser the
            token may read (needs ``app_id`` and ``secret``).
        start_date: first report day, ``YYYY-MM-DD`` or ``MM/DD/YYYY``; default 365 days ago.
        end_date: last report day of a backfill (inclusive); a backfill leaves incremental state untouched.
        include_deleted: also load deleted campaigns, ad groups and ads, and their spend in the reports.
        attribution_window_days: days before the last loaded day that every run re-reads (late conversions).
        tables: the tables to load (list or comma-separated): any of the nine seed tables, the opt-in
            ``ad_images``, ``ad_videos``, ``custom_audiences`` and ``pixels``, the Business Center tables
            (``business_centers``, ``bc_advertisers``, ``bc_balances``, ``advertiser_balances``,
            ``bc_transactions``, ``advertiser_transactions``), the Spark Ads tables (``identities``,
            ``spark_ad_posts``), the TikTok Shop / GMV Max and Smart+ tables (``gmv_max_stores``,
            ``gmv_max_campaigns``, ``gmv_max_*_insights``, ``smart_plus_*``), the report grid
            (``campaign_insights_hourly``, ``adgroup_insights_by_language`` ...) and custom reports; default the
            nine seed tables and every custom report.
        app_id: TikTok app id (for advertiser discovery).
        secret: TikTok app secret (secret; for advertiser discovery).
        base_url: API host; default production (``https://business-api.tiktok.com``).
        sandbox: use TikTok's sandbox host (``https://sandbox-ads.tiktok.com``) unless ``base_url`` is set.
        max_qps: requests per second this app may use (TikTok's basic tier: 10); 0 = no pacing.
        max_concurrency: requests in flight at once, all tables and advertisers together (1..256).
        page_size: rows per page, 1..1000.
        request_timeout: seconds to wait for one answer.
        max_retries: retries of one failed request (rate limits, server errors) before the run fails.
        retry_backoff_seconds: base of the exponential backoff between retries.
        allow_external_schedulers: take the report date range from an Airflow (or dlt) schedule interval.
        advertiser_names: advertisers to load given by name (list or comma-separated), resolved with
            ``oauth2/advertiser/get/`` (needs ``app_id`` and ``secret``); added to ``advertiser_ids``.
        skip_inaccessible_advertisers: leave out, with a warning, an advertiser the token may not read (40001)
            instead of failing the run.
        async_reports: ``auto``: read a range of at least five 30-day windows (a first load, a long backfill)
            with one async report task instead of a request per window and page, synchronously if the task
            fails; ``always``: every range of a table tasks can answer; ``never``: synchronous requests only.
        metrics: metrics per report table, replacing its default list, e.g. ``{"ad_insights": ["spend",
            "impressions"]}``; any metric of ``settings.METRIC_TYPES`` (see ``tiktok_ads.custom_metrics``);
            ``"all"`` as a table's value requests every metric TikTok allows there, ``"all"`` alone does so
            for every report table.
        custom_reports: reports of your own, ``{name: {"report_type", "data_level", "dimensions", "metrics",
            "filters", "lifetime"}}`` (see ``tiktok_ads.custom_reports``); each becomes a merged, incremental
            table keyed by advertiser_id and its dimensions, checked against TikTok's rules before any request.
        bc_ids: Business Center ids (list or comma-separated): their ad accounts (``bc/asset/get/``) are loaded
            too (only they when ``advertiser_ids`` is empty), and the Business Center tables
            (``business_centers``, ``bc_balances`` ...) read these BCs (default: every BC of ``bc/get/``).
        refresh_token: the refresh token of an expiring access token (secret; the newer OAuth flow, stored by
            the auth command): the source refreshes the access token before it expires and keeps the rotated
            pair (see ``tiktok_ads.token_refresh``); unset for TikTok's long-lived token.
        access_token_expires_at: when the access token expires (ISO 8601, stored by the auth command).
        refresh_token_expires_at: when the refresh token expires (ISO 8601, stored by the auth command).
        on_token_refresh: called with the new :class:`TokenPair` after each refresh when the refresh token did not
            come from ``.dlt/secrets.toml`` (which is rewritten then), to store it elsewhere (not a setting).
        client: a ready :class:`TikTokClient` to use instead of building one (not a setting).
        clock: returns the current instant; default TikTok's, from the Date header of its answers (not a
            setting; tests may inject one).
        summary: a :class:`RunSummary` to fill with row and request counters (not a setting).

    Returns:
        The resources of the selected tables.

    Raises:
        ConfigError: a setting is missing or malformed (the message names it).
    """
    custom = custom_report_specs(custom_reports)
    registry = {**ALL_TABLES, **custom}
    config = validate_config(
        access_token=access_token,
        advertiser_ids=advertiser_ids,
        start_date=start_date,
        end_date=end_date,
        include_deleted=include_deleted,
        attribution_window_days=attribution_window_days,
        base_url=base_url,
        sandbox=sandbox,
        tables=tables,
        max_qps=max_qps,
        max_concurrency=max_concurrency,
        page_size=page_size,
        app_id=app_id,
        secret=secret,
        request_timeout=request_timeout,
        max_retries=max_retries,
        retry_backoff_seconds=retry_backoff_seconds,
        allow_external_schedulers=allow_external_schedulers,
        advertiser_names=advertiser_names,
        skip_inaccessible_advertisers=skip_inaccessible_advertisers,
        bc_ids=bc_ids,
        async_reports=async_reports,
        now=clock() if clock is not None else None,
        known_tables=list(registry),
        default_tables=[*DEFAULT_TABLES, *custom],
    )
    specs = table_specs(metrics, registry)
    if client is None:

        def tiktok_now() -> dt.datetime:
            """TikTok's clock (its answers' ``Date``), the machine's before the first answer."""
            seen = client.server_clock.now() if client is not None else None
            return seen or dt.datetime.now(dt.timezone.utc)

        refresher = build_refresher(
            refresh_token=refresh_token,
            access_token=config.access_token,
            access_token_expires_at=access_token_expires_at,
            refresh_token_expires_at=refresh_token_expires_at,
            app_id=config.app_id,
            secret=config.secret,
            on_token_refresh=on_token_refresh,
            clock=clock or tiktok_now,
        )
        client = TikTokClient(
            config.access_token,
            base_url=config.base_url,
            app_id=config.app_id,
            secret=config.secret,
            max_qps=config.max_qps,
            max_concurrency=config.max_concurrency,
            timeout=config.request_timeout,
            max_retries=config.max_retries,
            backoff_base=config.retry_backoff_seconds,
            token_refresher=refresher,
        )
    return build_resources(config, client, clock=clock, summary=summary, specs=specs)

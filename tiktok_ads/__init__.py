"""TikTok Ads (Business API v1.3) source for dlt: advertisers, campaigns, ad groups, ads and their reports.

Usage::

    import dlt
    from tiktok_ads import tiktok_ads

    pipeline = dlt.pipeline("tiktok_ads", destination="duckdb", dataset_name="tiktok_ads_data")
    pipeline.run(tiktok_ads())          # settings from .dlt/*.toml or SOURCES__TIKTOK_ADS__* env vars

The default tables, their keys and cursors are those of the Stitch/Qlik TikTok Ads connector (see
``registry.TABLES``); the report grid (every level; hourly, lifetime and audience variants) is opt-in
(``report_grid.GRID_TABLES``), and users may declare their own reports (``custom_reports``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.server_clock import tiktok_now
from tiktok_ads.api.token_refresh import TokenNotPersistedError, TokenPair
from tiktok_ads.config.defaults import PACKAGE_VERSION
from tiktok_ads.config.source_settings import TikTokAdsSettings, with_setting_arguments
from tiktok_ads.config.validation import SourceConfig, validate_config
from tiktok_ads.endpoints.async_reports import TaskSwitch
from tiktok_ads.endpoints.auth import build_refresher
from tiktok_ads.endpoints.extract import AdvertiserDirectory
from tiktok_ads.errors import (
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
from tiktok_ads.resources.factory import make_resources, select_tables
from tiktok_ads.resources.run_summary import RunSummary
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.tables.custom_metrics import table_specs
from tiktok_ads.tables.custom_reports import custom_report_specs
from tiktok_ads.tables.records import TableSpec
from tiktok_ads.tables.registry import DEFAULT_TABLES, TABLES
from tiktok_ads.tables.report_grid import ALL_TABLES, GRID_TABLES

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
    "TikTokAdsSettings",
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


@dlt.source(name="tiktok_ads", max_table_nesting=0, spec=TikTokAdsSettings)
@with_setting_arguments
def tiktok_ads(
    *,
    on_token_refresh: Callable[[TokenPair], None] | None = None,
    client: TikTokClient | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    summary: RunSummary | None = None,
    **settings: Any,
) -> Any:
    """Replicate a TikTok Ads account: the nine tables of the Stitch/Qlik connector (and any grid or custom
    report chosen), merged on their keys.

    Every setting (the arguments before ``on_token_refresh``, defined once in
    :class:`~tiktok_ads.config.source_settings.TikTokAdsSettings`) is a dlt setting under ``sources.tiktok_ads``
    (``.dlt/config.toml``, ``.dlt/secrets.toml`` or env vars such as ``SOURCES__TIKTOK_ADS__START_DATE``);
    explicit arguments win. Settings are validated here, before any request; no request is made until the
    pipeline extracts. The last four arguments are no settings: dlt never resolves them from config.

    Args:
        on_token_refresh: called with the new :class:`TokenPair` after each refresh when the refresh token did not
            come from ``.dlt/secrets.toml`` (which is rewritten then), to store it elsewhere.
        client: a ready :class:`TikTokClient` to use instead of building one.
        clock: returns the current instant; default TikTok's, from the Date header of its answers (tests may
            inject one).
        summary: a :class:`RunSummary` to fill with row and request counters.

    Returns:
        The resources of the selected tables.

    Raises:
        ConfigError: a setting is missing or malformed (the message names it).
    """
    custom = custom_report_specs(settings["custom_reports"])
    registry = {**ALL_TABLES, **custom}
    config = validate_config(
        **settings,
        now=clock() if clock is not None else None,
        known_tables=list(registry),
        default_tables=[*DEFAULT_TABLES, *custom],
    )
    specs = table_specs(settings["metrics"], registry)
    if client is None:

        def tiktok_now() -> dt.datetime:
            """TikTok's clock (its answers' ``Date``), the machine's before the first answer."""
            seen = client.server_clock.now() if client is not None else None
            return seen or dt.datetime.now(dt.timezone.utc)

        refresher = build_refresher(
            refresh_token=settings["refresh_token"],
            access_token=config.access_token,
            access_token_expires_at=settings["access_token_expires_at"],
            refresh_token_expires_at=settings["refresh_token_expires_at"],
            app_id=config.app_id,
            secret=config.secret,
            on_token_refresh=on_token_refresh,
            clock=clock or tiktok_now,
        )
        client = TikTokClient.from_config(config, token_refresher=refresher)
    return build_resources(config, client, clock=clock, summary=summary, specs=specs)

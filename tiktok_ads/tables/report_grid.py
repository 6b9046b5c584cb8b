"""The report grid: BASIC and AUDIENCE reports at every data level, generated from levels x variants.

Names follow one scheme, ``<level>_insights<variant>``:

- level: ``advertiser``, ``campaign``, ``adgroup``, ``ad`` (``AUCTION_*``);
- BASIC variants: ``""`` (daily), ``_hourly`` (``stat_time_hour``, one-day requests), ``_lifetime``
  (``query_lifetime``);
- AUDIENCE variants (daily): ``_by_age_and_gender``, ``_by_country``, ``_by_platform``, ``_by_language``,
  ``_by_placement``, and ``_by_province`` at campaign and ad level;
- lifetime AUDIENCE variant: ``_lifetime_by_age_and_gender`` (``query_lifetime``, no time dimension).

The seed tables (``ad_insights``, ``ad_insights_by_age_and_gender``, ``ad_insights_by_country``,
``ad_insights_by_platform``, ``campaign_insights_by_province``) are cells of this grid too: they keep their
entries (and keys) in :data:`~tiktok_ads.tables.registry.TABLES`. Every other cell is generated here, opt-in via the
``tables`` setting. Cells TikTok refuses are absent: AUDIENCE reports have no hourly variant (40002). Lifetime
AUDIENCE reports exist (Airbyte's ``advertisers_audience_reports_lifetime`` reads them: rows of age and gender,
``"NONE"`` included, with no day); the grid offers them by age and gender, the breakdown they are known to
work with, at every level (UNSURE below the advertiser level, where no peer reads them). Each generated spec
passes :func:`~tiktok_ads.tables.metric_catalogue.report_problems`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tiktok_ads.tables.columns import AD_AUDIENCE_METRICS, AD_BASIC_METRICS
from tiktok_ads.tables.metric_catalogue import (
    AUCTION_AD,
    AUCTION_ADGROUP,
    AUCTION_ADVERTISER,
    AUCTION_CAMPAIGN,
    LEVEL_ID_DIMENSION,
    allowed_metrics,
)
from tiktok_ads.tables.records import ReportTable, TableSpec, report_spec
from tiktok_ads.tables.registry import TABLES

LEVELS: Mapping[str, str] = MappingProxyType(
    {
        "advertiser": AUCTION_ADVERTISER,
        "campaign": AUCTION_CAMPAIGN,
        "adgroup": AUCTION_ADGROUP,
        "ad": AUCTION_AD,
    }
)
"""Table-name prefix -> data level."""

BASIC_VARIANTS: Mapping[str, tuple[str, ...] | None] = MappingProxyType(
    {"": ("stat_time_day",), "_hourly": ("stat_time_hour",), "_lifetime": None}
)
"""BASIC variant suffix -> time dimension (None: lifetime)."""

AUDIENCE_VARIANTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "_by_age_and_gender": ("age", "gender"),
        "_by_country": ("country_code",),
        "_by_platform": ("platform",),
        "_by_language": ("language",),
        "_by_placement": ("placement",),
        "_by_province": ("province_id",),
    }
)
"""AUDIENCE variant suffix -> breakdown dimensions (daily)."""

AUDIENCE_VARIANT_LEVELS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"_by_province": frozenset({"campaign", "ad"})}
)
"""Variants offered at some levels only (default: every level)."""

LIFETIME_AUDIENCE_VARIANTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"_lifetime_by_age_and_gender": ("age", "gender")}
)
"""Lifetime AUDIENCE variant suffix -> breakdown dimensions (``query_lifetime``, no time dimension)."""

EXTRA_BASIC_METRICS: tuple[str, ...] = ("cash_spend", "voucher_spend")
"""Metrics only some levels have (the advertiser's cash/voucher split), added to the BASIC lists there."""

_GRANULARITY_WORD = {"": "Daily", "_hourly": "Hourly", "_lifetime": "Lifetime"}


def grid_metrics(report_type: str, data_level: str) -> tuple[str, ...]:
    """The metrics a grid table requests: the ad report's list, less what TikTok refuses at the level.

    Args:
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: the data level.

    Returns:
        The metric names, in request order.
    """
    candidates = (*AD_BASIC_METRICS, *EXTRA_BASIC_METRICS) if report_type == "BASIC" else AD_AUDIENCE_METRICS
    return allowed_metrics(report_type, data_level, candidates)


def _basic(prefix: str, level: str, suffix: str, time_dims: tuple[str, ...] | None) -> ReportTable:
    id_dim = LEVEL_ID_DIMENSION[level]
    return report_spec(
        f"{prefix}_insights{suffix}",
        "BASIC",
        level,
        (id_dim, *(time_dims or ())),
        grid_metrics("BASIC", level),
        lifetime=time_dims is None,
        description=f"{_GRANULARITY_WORD[suffix]} {prefix}-level basic report",
    )


def _audience(prefix: str, level: str, suffix: str, breakdown: tuple[str, ...]) -> ReportTable:
    id_dim = LEVEL_ID_DIMENSION[level]
    return report_spec(
        f"{prefix}_insights{suffix}",
        "AUDIENCE",
        level,
        (id_dim, "stat_time_day", *breakdown),
        grid_metrics("AUDIENCE", level),
        description=f"Daily {prefix}-level audience report by {suffix[4:].replace('_', ' ')}",
    )


def _lifetime_audience(prefix: str, level: str, suffix: str, breakdown: tuple[str, ...]) -> ReportTable:
    return report_spec(
        f"{prefix}_insights{suffix}",
        "AUDIENCE",
        level,
        (LEVEL_ID_DIMENSION[level], *breakdown),
        grid_metrics("AUDIENCE", level),
        lifetime=True,
        description=f"Lifetime {prefix}-level audience report by {suffix[13:].replace('_', ' ')}",
    )


def _generate() -> dict[str, ReportTable]:
    specs: list[ReportTable] = []
    for prefix, level in LEVELS.items():
        for suffix, time_dims in BASIC_VARIANTS.items():
            specs.append(_basic(prefix, level, suffix, time_dims))
        for suffix, breakdown in AUDIENCE_VARIANTS.items():
            if prefix in AUDIENCE_VARIANT_LEVELS.get(suffix, LEVELS.keys()):
                specs.append(_audience(prefix, level, suffix, breakdown))
        for suffix, breakdown in LIFETIME_AUDIENCE_VARIANTS.items():
            specs.append(_lifetime_audience(prefix, level, suffix, breakdown))
    # the seed tables are cells of the grid with their own entries (and keys)
    return {spec.name: spec for spec in specs if spec.name not in TABLES}


GRID_TABLES: Mapping[str, ReportTable] = MappingProxyType(_generate())
"""The generated report tables (every grid cell except the seed tables), opt-in via ``tables``."""

ALL_TABLES: Mapping[str, TableSpec] = MappingProxyType({**TABLES, **GRID_TABLES})
"""Every built-in table: the nine seed tables (the default), then the report grid."""

GRID_CELLS: tuple[str, ...] = tuple(
    f"{prefix}_insights{suffix}"
    for prefix in LEVELS
    for suffix in (*BASIC_VARIANTS, *AUDIENCE_VARIANTS, *LIFETIME_AUDIENCE_VARIANTS)
    if f"{prefix}_insights{suffix}" in ALL_TABLES
)
"""Every table of the grid, seed tables included, level by level."""

"""The source's catalogue of report metrics and dimensions, and TikTok's rules for combining them.

One entry per metric the source can request: its column type and where TikTok allows it (data levels,
BASIC and/or AUDIENCE reports). One entry per dimension: its column type and its role (the level's id, a
time dimension, an audience breakdown). :func:`report_problems` checks a report definition against
TikTok's v1.3 rules (see ``shared/reference/tiktok_business_api_v1_3.md`` §4) and says, in words, what
TikTok would refuse; the built-in tables, the ``metrics`` setting and custom reports all go through it.

The metrics themselves are data (``metrics.toml`` next to this module: name, group, kind, role, levels,
AUDIENCE or not, and the source of each group), read by :mod:`tiktok_ads.tables.metrics_file` and re-exported here;
the emulator reads the same file through that reader, so the source and the emulated TikTok cannot disagree
on what exists. This module never imports the emulator.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from tiktok_ads.tables.metrics_file import (
    _AD as _AD,
)
from tiktok_ads.tables.metrics_file import (
    _ADGROUP_AND_AD as _ADGROUP_AND_AD,
)
from tiktok_ads.tables.metrics_file import (
    _ADVERTISER as _ADVERTISER,
)
from tiktok_ads.tables.metrics_file import (
    _ALL as _ALL,
)
from tiktok_ads.tables.metrics_file import (
    _BELOW_ADVERTISER as _BELOW_ADVERTISER,
)
from tiktok_ads.tables.metrics_file import (
    AUCTION_AD as AUCTION_AD,
)
from tiktok_ads.tables.metrics_file import (
    AUCTION_ADGROUP as AUCTION_ADGROUP,
)
from tiktok_ads.tables.metrics_file import (
    AUCTION_ADVERTISER as AUCTION_ADVERTISER,
)
from tiktok_ads.tables.metrics_file import (
    AUCTION_CAMPAIGN as AUCTION_CAMPAIGN,
)
from tiktok_ads.tables.metrics_file import (
    AUDIENCE_BREAKDOWNS as AUDIENCE_BREAKDOWNS,
)
from tiktok_ads.tables.metrics_file import (
    BASIC_BREAKDOWNS as BASIC_BREAKDOWNS,
)
from tiktok_ads.tables.metrics_file import (
    CATALOGUE_FILE as CATALOGUE_FILE,
)
from tiktok_ads.tables.metrics_file import (
    DATA_LEVELS as DATA_LEVELS,
)
from tiktok_ads.tables.metrics_file import (
    LEVEL_ID_DIMENSION as LEVEL_ID_DIMENSION,
)
from tiktok_ads.tables.metrics_file import (
    METRIC_GROUPS as METRIC_GROUPS,
)
from tiktok_ads.tables.metrics_file import (
    METRICS as METRICS,
)
from tiktok_ads.tables.metrics_file import (
    REPORT_TYPES as REPORT_TYPES,
)
from tiktok_ads.tables.metrics_file import (
    TIME_DIMENSIONS as TIME_DIMENSIONS,
)
from tiktok_ads.tables.metrics_file import (
    ColumnKind as ColumnKind,
)
from tiktok_ads.tables.metrics_file import (
    DimensionRole as DimensionRole,
)
from tiktok_ads.tables.metrics_file import (
    MetricGroup as MetricGroup,
)
from tiktok_ads.tables.metrics_file import (
    MetricInfo as MetricInfo,
)
from tiktok_ads.tables.metrics_file import (
    MetricKind as MetricKind,
)
from tiktok_ads.tables.metrics_file import (
    MetricRole as MetricRole,
)


def _names(kind: str) -> tuple[str, ...]:
    return tuple(n for n, m in METRICS.items() if m.kind == kind)


# Attribute "metrics": returned inside ``metrics`` but descriptive, never numeric. The first thirteen are
# what the seed connector's ad report requests first (in its order).
ATTRIBUTE_METRICS: tuple[str, ...] = (
    "campaign_name",
    "campaign_id",
    "adgroup_name",
    "adgroup_id",
    "ad_name",
    "ad_text",
    "placement_type",
    "promotion_type",
    "objective_type",
    "tt_app_id",
    "tt_app_name",
    "mobile_app_id",
    "dpa_target_audience_type",
)

EXTRA_ATTRIBUTE_METRICS: tuple[str, ...] = tuple(n for n in _names("attribute") if n not in ATTRIBUTE_METRICS)
"""The other attributes (Singer's campaign, ad group and ad settings, ``currency``)."""

COUNT_METRICS: tuple[str, ...] = _names("count")
MONEY_METRICS: tuple[str, ...] = _names("money")
RATIO_METRICS: tuple[str, ...] = _names("ratio")

NOT_IN_AUDIENCE: frozenset[str] = frozenset(n for n, m in METRICS.items() if not m.audience)
"""Metrics TikTok refuses in AUDIENCE reports (40002 "Invalid metric fields")."""


def all_metrics(report_type: str, data_level: str) -> tuple[str, ...]:
    """Every metric TikTok allows in a report of ``report_type`` at ``data_level`` (the ``"all"`` setting).

    Args:
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: one of :data:`DATA_LEVELS`.

    Returns:
        The metric names, in catalogue order.
    """
    return tuple(n for n, m in METRICS.items() if m.allowed_in(report_type, data_level))


# --------------------------------------------------------------------------------------------------
# Dimensions
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DimensionInfo:
    """One report dimension.

    Attributes:
        name: the dimension's name on the wire.
        column_type: the pinned column type.
        role: ``id`` (the data level's object), ``time`` or ``breakdown`` (audience or country buckets).
        wall_clock: a timestamp in the advertiser's local time, without zone (``stat_time_hour``).
        description: column description.
    """

    name: str
    column_type: ColumnKind
    role: DimensionRole
    wall_clock: bool = False
    description: str = ""


DIMENSIONS: Mapping[str, DimensionInfo] = MappingProxyType(
    {
        d.name: d
        for d in (
            DimensionInfo("advertiser_id", "text", "id"),
            DimensionInfo("campaign_id", "text", "id"),
            DimensionInfo("adgroup_id", "text", "id"),
            DimensionInfo("ad_id", "text", "id"),
            DimensionInfo("stat_time_day", "date", "time", description="Day in the advertiser's time zone"),
            DimensionInfo(
                "stat_time_hour",
                "timestamp",
                "time",
                wall_clock=True,
                description="Start of the hour, advertiser's local wall-clock time (no time zone)",
            ),
            DimensionInfo("age", "text", "breakdown"),
            DimensionInfo("gender", "text", "breakdown"),
            DimensionInfo("country_code", "text", "breakdown", description="ISO 3166-1 alpha-2"),
            DimensionInfo("platform", "text", "breakdown"),
            DimensionInfo("province_id", "text", "breakdown", description="Region id (geoname id)"),
            DimensionInfo("language", "text", "breakdown", description="Language code"),
            DimensionInfo("placement", "text", "breakdown"),
            DimensionInfo("ac", "text", "breakdown", description="Network connection type"),
            DimensionInfo("interest_category", "text", "breakdown", description="Interest category id"),
        )
    }
)
"""Every dimension the source can request, by name (ids are text: TikTok's ids exceed 2**53)."""

RULES = (
    "TikTok's rules: report_type BASIC or AUDIENCE; data_level AUCTION_ADVERTISER, AUCTION_CAMPAIGN, "
    "AUCTION_ADGROUP or AUCTION_AD, with exactly that level's id among the dimensions (advertiser_id, "
    "campaign_id, adgroup_id, ad_id); one time dimension, stat_time_day or stat_time_hour (hourly: BASIC "
    "only), or none with lifetime = true (BASIC with no breakdown, or AUDIENCE); BASIC breaks down by country_code at "
    "most; AUDIENCE by age and gender, or one of age, gender, country_code, platform, province_id, "
    "language, placement, ac, interest_category (the last without a time dimension); AUDIENCE refuses "
    "secondary-goal, cash/voucher, in-app event (app installs, purchases ...), web and shop purchase "
    "(complete_payment, onsite_shopping ...), SKAN, offline and LIVE metrics and most unique-visitor figures "
    "(not reach, frequency, cost_per_1000_reached); attributes exist only at their own level and below"
)
"""TikTok's report rules in one sentence, for error messages."""


def report_problems(
    report_type: str,
    data_level: str,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    *,
    lifetime: bool = False,
) -> list[str]:
    """What TikTok would refuse in a report definition (the source loads only per-day or lifetime tables).

    Args:
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: one of :data:`DATA_LEVELS`.
        dimensions: the requested dimensions.
        metrics: the requested metrics.
        lifetime: a ``query_lifetime`` report (no time dimension).

    Returns:
        One sentence per problem; empty when TikTok accepts the report.
    """
    problems: list[str] = []
    if report_type not in REPORT_TYPES:
        problems.append(f"report_type {report_type!r} is not one of {', '.join(REPORT_TYPES)}")
    if data_level not in DATA_LEVELS:
        problems.append(f"data_level {data_level!r} is not one of {', '.join(DATA_LEVELS)}")
    dims = list(dimensions)
    if len(set(dims)) != len(dims):
        problems.append(f"dimensions {dims} name a dimension twice")
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        problems.append(f"unknown dimension(s) {', '.join(unknown)}; known: {', '.join(DIMENSIONS)}")
    ids = [d for d in dims if d in DIMENSIONS and DIMENSIONS[d].role == "id"]
    wanted = LEVEL_ID_DIMENSION.get(data_level)
    if wanted is not None and ids != [wanted]:
        problems.append(f"data_level {data_level} needs exactly one id dimension, {wanted}; got {ids}")
    times = [d for d in dims if d in TIME_DIMENSIONS]
    breakdowns = frozenset(d for d in dims if d in DIMENSIONS and DIMENSIONS[d].role == "breakdown")
    if len(times) > 1:
        problems.append(f"at most one time dimension; got {times}")
    if lifetime and times:
        problems.append(f"a lifetime report has no time dimension; got {times}")
    if lifetime and report_type != "AUDIENCE" and breakdowns:
        problems.append(f"a BASIC lifetime report has no breakdown dimension; got {sorted(breakdowns)}")
    if not lifetime and not times:
        problems.append("needs stat_time_day or stat_time_hour among its dimensions (or lifetime = true)")
    if report_type == "AUDIENCE":
        if "stat_time_hour" in times:
            problems.append(
                "AUDIENCE reports have no hourly breakdown (stat_time_hour): TikTok answers 40002"
            )
        if breakdowns not in AUDIENCE_BREAKDOWNS:
            problems.append(
                f"AUDIENCE breakdown {sorted(breakdowns)} is not a supported combination "
                "(age and gender together, or one of age, gender, country_code, platform, province_id, "
                "language, placement, ac, interest_category)"
            )
        if times and "interest_category" in breakdowns:
            problems.append(
                "interest_category has no time breakdown (TikTok: 'breakdown by time not supported'): use "
                "lifetime = true"
            )
    elif report_type == "BASIC" and breakdowns - BASIC_BREAKDOWNS:
        problems.append(
            f"BASIC reports cannot break down by {', '.join(sorted(breakdowns - BASIC_BREAKDOWNS))}"
        )
    problems.extend(metric_problems(report_type, data_level, metrics, dimensions=dims))
    return problems


def metric_problems(
    report_type: str, data_level: str, metrics: Sequence[str], *, dimensions: Sequence[str] = ()
) -> list[str]:
    """What TikTok would refuse in a report's metric list.

    Args:
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: the report's data level.
        metrics: the requested metrics.
        dimensions: the report's dimensions (a metric may not also be one).

    Returns:
        One sentence per problem; empty when every metric is allowed.
    """
    problems: list[str] = []
    if not metrics:
        problems.append("no metrics: name at least one")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        problems.append(f"unknown metric(s) {', '.join(unknown)}; known: {', '.join(sorted(METRICS))}")
    known = [METRICS[m] for m in metrics if m in METRICS]
    if report_type == "AUDIENCE":
        refused = [m.name for m in known if not m.audience]
        if refused:
            problems.append(f"TikTok refuses {', '.join(refused)} in AUDIENCE reports")
    wrong_level = [m.name for m in known if data_level in DATA_LEVELS and data_level not in m.levels]
    if wrong_level:
        problems.append(f"TikTok refuses {', '.join(wrong_level)} at data_level {data_level}")
    both = [m for m in metrics if m in dimensions]
    if both:
        problems.append(f"{', '.join(both)} is a dimension of this report, not a metric")
    return problems


def allowed_metrics(report_type: str, data_level: str, candidates: Sequence[str]) -> tuple[str, ...]:
    """The candidates TikTok accepts in a report of ``report_type`` at ``data_level``, in their order.

    Args:
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: the data level.
        candidates: metric names (unknown ones are dropped).

    Returns:
        The allowed metrics.
    """
    return tuple(m for m in candidates if m in METRICS and METRICS[m].allowed_in(report_type, data_level))

"""The source's catalogue of report metrics and dimensions, and TikTok's rules for combining them.

One entry per metric the source can request: its column type and where TikTok allows it (data levels,
BASIC and/or AUDIENCE reports). One entry per dimension: its column type and its role (the level's id, a
time dimension, an audience breakdown). :func:`report_problems` checks a report definition against
TikTok's v1.3 rules (see ``shared/reference/tiktok_business_api_v1_3.md`` §4) and says, in words, what
TikTok would refuse; the built-in tables, the ``metrics`` setting and custom reports all go through it.

This module is the source's own knowledge and never imports the emulator; a test checks that the two
catalogues agree, so a mistake in one is caught by the other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

ColumnKind = Literal["bigint", "decimal", "text", "date", "timestamp", "bool", "json"]
"""dlt data types the source pins."""

MetricKind = Literal["attribute", "count", "money", "ratio"]
DimensionRole = Literal["id", "time", "breakdown"]

AUCTION_ADVERTISER = "AUCTION_ADVERTISER"
AUCTION_CAMPAIGN = "AUCTION_CAMPAIGN"
AUCTION_ADGROUP = "AUCTION_ADGROUP"
AUCTION_AD = "AUCTION_AD"

DATA_LEVELS: tuple[str, ...] = (AUCTION_ADVERTISER, AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD)
"""The synchronous report data levels (``RESERVATION_*`` are deprecated)."""

REPORT_TYPES: tuple[str, ...] = ("BASIC", "AUDIENCE")
"""The report types the source loads."""

LEVEL_ID_DIMENSION: Mapping[str, str] = MappingProxyType(
    {
        AUCTION_ADVERTISER: "advertiser_id",
        AUCTION_CAMPAIGN: "campaign_id",
        AUCTION_ADGROUP: "adgroup_id",
        AUCTION_AD: "ad_id",
    }
)
"""The one id dimension a report at each data level is broken down by."""

_ALL = frozenset(DATA_LEVELS)
_BELOW_ADVERTISER = frozenset({AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD})
_ADGROUP_AND_AD = frozenset({AUCTION_ADGROUP, AUCTION_AD})
_AD = frozenset({AUCTION_AD})
_ADVERTISER = frozenset({AUCTION_ADVERTISER})

# --------------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------------

# Attribute "metrics": returned inside ``metrics`` but descriptive, never numeric (in request order of the
# seed connector's ad report).
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

EXTRA_ATTRIBUTE_METRICS: tuple[str, ...] = ("currency",)
"""Attributes the source can request but no built-in table does."""

COUNT_METRICS: tuple[str, ...] = (
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "real_time_conversion",
    "result",
    "real_time_result",
    "secondary_goal_result",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
    "clicks_on_music_disc",
    "app_install",
    "real_time_app_install",
    "complete_payment",
    "purchase",
    "registration",
    "sales_lead",
    "engaged_view",
    "engaged_view_15s",
)

MONEY_METRICS: tuple[str, ...] = (
    "spend",
    "cpc",
    "cpm",
    "cost_per_1000_reached",
    "cost_per_conversion",
    "real_time_cost_per_conversion",
    "cost_per_result",
    "real_time_cost_per_result",
    "cost_per_secondary_goal_result",
    "cost_per_app_install",
    "real_time_app_install_cost",
    "cost_per_complete_payment",
    "cost_per_purchase",
    "total_purchase_value",
    "cost_per_registration",
    "cost_per_sales_lead",
    "cash_spend",
    "voucher_spend",
)

RATIO_METRICS: tuple[str, ...] = (
    "ctr",
    "frequency",
    "conversion_rate",
    "conversion_rate_v2",
    "real_time_conversion_rate",
    "result_rate",
    "real_time_result_rate",
    "secondary_goal_result_rate",
    "average_video_play",
    "average_video_play_per_user",
    "profile_visits_rate",
    "complete_payment_roas",
)

NOT_IN_AUDIENCE: frozenset[str] = frozenset(
    {
        # unique-visitor metrics
        "reach",
        "frequency",
        "cost_per_1000_reached",
        "average_video_play_per_user",
        # secondary goals
        "secondary_goal_result",
        "cost_per_secondary_goal_result",
        "secondary_goal_result_rate",
        # account-level money
        "cash_spend",
        "voucher_spend",
        # app installs
        "app_install",
        "cost_per_app_install",
        "real_time_app_install",
        "real_time_app_install_cost",
    }
)
"""Metrics TikTok refuses in AUDIENCE reports (40002 "Invalid metric fields")."""

_LEVELS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        # attributes exist only where their object does (campaign_id is a *dimension* at campaign level)
        "campaign_name": _BELOW_ADVERTISER,
        "objective_type": _BELOW_ADVERTISER,
        "campaign_id": _ADGROUP_AND_AD,
        "adgroup_name": _ADGROUP_AND_AD,
        "placement_type": _ADGROUP_AND_AD,
        "promotion_type": _ADGROUP_AND_AD,
        "tt_app_id": _ADGROUP_AND_AD,
        "tt_app_name": _ADGROUP_AND_AD,
        "mobile_app_id": _ADGROUP_AND_AD,
        "dpa_target_audience_type": _ADGROUP_AND_AD,
        "adgroup_id": _AD,
        "ad_name": _AD,
        "ad_text": _AD,
        # the account's cash and voucher split exists only for the whole account
        "cash_spend": _ADVERTISER,
        "voucher_spend": _ADVERTISER,
    }
)


@dataclasses.dataclass(frozen=True)
class MetricInfo:
    """One metric the source can request.

    Attributes:
        name: the metric's name on the wire.
        kind: ``attribute`` (text), ``count`` (integer), ``money`` or ``ratio`` (exact decimals).
        levels: the data levels at which TikTok accepts it.
        audience: whether AUDIENCE reports accept it (BASIC reports accept every metric).
    """

    name: str
    kind: MetricKind
    levels: frozenset[str] = _ALL
    audience: bool = True

    @property
    def column_type(self) -> ColumnKind:
        """The pinned column type: text, bigint or decimal."""
        if self.kind == "attribute":
            return "text"
        return "bigint" if self.kind == "count" else "decimal"

    def allowed_in(self, report_type: str, data_level: str) -> bool:
        """Whether TikTok accepts this metric in a report of ``report_type`` at ``data_level``."""
        return data_level in self.levels and (report_type != "AUDIENCE" or self.audience)


def _entries(kind: MetricKind, names: Sequence[str]) -> list[MetricInfo]:
    return [
        MetricInfo(name=n, kind=kind, levels=_LEVELS.get(n, _ALL), audience=n not in NOT_IN_AUDIENCE)
        for n in names
    ]


METRICS: Mapping[str, MetricInfo] = MappingProxyType(
    {
        m.name: m
        for m in (
            *_entries("attribute", ATTRIBUTE_METRICS + EXTRA_ATTRIBUTE_METRICS),
            *_entries("count", COUNT_METRICS),
            *_entries("money", MONEY_METRICS),
            *_entries("ratio", RATIO_METRICS),
        )
    }
)
"""Every metric the source can request, by name."""

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
        )
    }
)
"""Every dimension the source can request, by name (ids are text: TikTok's ids exceed 2**53)."""

AUDIENCE_BREAKDOWNS: tuple[frozenset[str], ...] = (
    frozenset({"age", "gender"}),
    frozenset({"age"}),
    frozenset({"gender"}),
    frozenset({"country_code"}),
    frozenset({"platform"}),
    frozenset({"province_id"}),
    frozenset({"language"}),
    frozenset({"placement"}),
    frozenset({"ac"}),
)
"""The breakdowns an AUDIENCE report may have: age and gender together, or any single one (TikTok's full
matrix is not public; these are the combinations known to work)."""

BASIC_BREAKDOWNS: frozenset[str] = frozenset({"country_code"})
"""The breakdowns a BASIC report accepts besides its id and time dimension."""

TIME_DIMENSIONS: tuple[str, ...] = ("stat_time_day", "stat_time_hour")

RULES = (
    "TikTok's rules: report_type BASIC or AUDIENCE; data_level AUCTION_ADVERTISER, AUCTION_CAMPAIGN, "
    "AUCTION_ADGROUP or AUCTION_AD, with exactly that level's id among the dimensions (advertiser_id, "
    "campaign_id, adgroup_id, ad_id); one time dimension, stat_time_day or stat_time_hour (hourly: BASIC "
    "only), or none with lifetime = true (BASIC with no breakdown, or AUDIENCE); BASIC breaks down by country_code at "
    "most; AUDIENCE by age and gender, or one of age, gender, country_code, platform, province_id, "
    "language, placement, ac; AUDIENCE refuses reach, frequency and other unique-visitor, secondary-goal, "
    "cash/voucher and app-install metrics; attributes exist only at their own level and below"
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
                "language, placement, ac)"
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

"""The emulator's catalogue of report dimensions and metrics.

This is the emulated TikTok's own knowledge (what it accepts and how it computes each metric); the
dlt source keeps a separate catalogue of column types, so a mistake in one is caught by the other.

Every metric is computed from a vector of integer *base fields* (see ``BASE_FIELDS``) that the model
produces per ad and day; money is held in cents so that sums across ads, days and audience buckets
are exact. A metric is one of:

- ``count``: a base field, summed;
- ``money``: a base field in cents, summed, sent with two decimals;
- ``ratio``: ``numerator / denominator * scale`` of two base fields, rounded half-up to two decimals,
  ``"0.00"`` when the denominator is zero (what TikTok sends, e.g. ``cpc`` with no clicks);
- ``attribute``: a property of the entity (``campaign_name``, ``adgroup_id``, ...), which TikTok returns
  inside ``metrics``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

AUCTION_ADVERTISER = "AUCTION_ADVERTISER"
AUCTION_CAMPAIGN = "AUCTION_CAMPAIGN"
AUCTION_ADGROUP = "AUCTION_ADGROUP"
AUCTION_AD = "AUCTION_AD"

DATA_LEVELS: tuple[str, ...] = (AUCTION_ADVERTISER, AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD)
REPORT_TYPES: tuple[str, ...] = ("BASIC", "AUDIENCE")

ID_DIMENSION: dict[str, str] = {
    AUCTION_ADVERTISER: "advertiser_id",
    AUCTION_CAMPAIGN: "campaign_id",
    AUCTION_ADGROUP: "adgroup_id",
    AUCTION_AD: "ad_id",
}
ID_DIMENSIONS: frozenset[str] = frozenset(ID_DIMENSION.values())
TIME_DIMENSIONS: tuple[str, ...] = ("stat_time_day", "stat_time_hour")

#: The report filter field that carries the status of objects at each level. The advertiser level has
#: none: TikTok returns everything there.
LEVEL_STATUS_FIELD: dict[str, str] = {
    AUCTION_CAMPAIGN: "campaign_status",
    AUCTION_ADGROUP: "adgroup_status",
    AUCTION_AD: "ad_status",
}

#: Values of each audience (and the BASIC ``country_code``) breakdown dimension the emulator emits.
BREAKDOWN_VALUES: dict[str, tuple[str, ...]] = {
    "age": ("AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100", "NONE"),
    "gender": ("MALE", "FEMALE", "NONE"),
    "country_code": ("US", "CA", "GB", "DE", "FR", "JP", "BR", "IN", "AU", "MX"),
    # UNSURE: the reference lists ANDROID/IOS/PC (PC deprecated) for reports; we emit those three.
    "platform": ("ANDROID", "IOS", "PC"),
    # Province ids are geoname ids as strings (California, Texas, New York, Florida, Ontario, Bavaria).
    "province_id": ("5332921", "4736286", "5128638", "4155751", "6093943", "2951839"),
    "language": ("en", "es", "de", "fr", "ja", "pt", "hi"),
    "placement": ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"),
    "ac": ("WIFI", "2G", "3G", "4G", "5G"),
}
AUDIENCE_DIMENSIONS: frozenset[str] = frozenset(BREAKDOWN_VALUES)

#: Allowed combinations of audience dimensions (besides the id and time dimensions). UNSURE: TikTok's
#: full combination matrix is not public in our sources; age+gender is the only multi-dimension combo
#: every connector uses, the others are requested alone.
AUDIENCE_DIMENSION_SETS: tuple[frozenset[str], ...] = (
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
#: Extra (non id, non time) dimensions a BASIC report accepts.
BASIC_EXTRA_DIMENSIONS: frozenset[str] = frozenset({"country_code"})

ALL_DIMENSIONS: frozenset[str] = ID_DIMENSIONS | frozenset(TIME_DIMENSIONS) | AUDIENCE_DIMENSIONS

#: Integer base fields the model generates per ad and day (money in cents, play time in ms).
BASE_FIELDS: tuple[str, ...] = (
    "impressions",
    "clicks",
    "spend",
    "reach",
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "play_time_ms",
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
    "clicks_on_music_disc",
    "engaged_view",
    "engaged_view_15s",
    "conversion",
    "real_time_conversion",
    "result",
    "real_time_result",
    "secondary_goal_result",
    "app_install",
    "real_time_app_install",
    "purchase",
    "complete_payment",
    "total_purchase_value",
    "registration",
    "sales_lead",
    "voucher_spend",
)
BASE_INDEX: dict[str, int] = {name: i for i, name in enumerate(BASE_FIELDS)}

#: Base fields whose value for a day keeps changing for ``ATTRIBUTION_DAYS`` days (late conversions).
RESTATED_FIELDS: tuple[str, ...] = (
    "conversion",
    "result",
    "secondary_goal_result",
    "app_install",
    "purchase",
    "complete_payment",
    "total_purchase_value",
    "registration",
    "sales_lead",
)
#: A day's restated fields are final once the day is this many days old (in the advertiser's zone).
ATTRIBUTION_DAYS = 7

ALL_LEVELS: frozenset[str] = frozenset(DATA_LEVELS)
BELOW_ADVERTISER: frozenset[str] = frozenset({AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD})
ADGROUP_AND_AD: frozenset[str] = frozenset({AUCTION_ADGROUP, AUCTION_AD})


@dataclass(frozen=True)
class MetricDef:
    """One metric the emulated API accepts.

    Attributes:
        name: The metric's name on the wire.
        kind: ``count``, ``money``, ``ratio`` or ``attribute``.
        audience: Whether AUDIENCE reports accept it (UV metrics and a few others are refused there).
        levels: The data levels at which it may be requested.
        base: For count/money, the base field it sums.
        numerator: For ratios, the base field on top.
        denominator: For ratios, the base field below.
        scale: For ratios, the factor applied (100 for percentages, 1000 for per-mille, 1/1000 for ms).
        dash_without_secondary_goal: ``"-"`` unless the ad group has a secondary goal.
    """

    name: str
    kind: str
    audience: bool = True
    levels: frozenset[str] = ALL_LEVELS
    base: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    dash_without_secondary_goal: bool = False
    uv: bool = field(default=False)


def _count(name: str, **kw: object) -> MetricDef:
    return MetricDef(name=name, kind="count", base=name, **kw)  # type: ignore[arg-type]


def _money(name: str, base: str | None = None, **kw: object) -> MetricDef:
    return MetricDef(name=name, kind="money", base=base or name, **kw)  # type: ignore[arg-type]


def _ratio(name: str, numerator: str, denominator: str, scale: float = 1.0, **kw: object) -> MetricDef:
    return MetricDef(
        name=name,
        kind="ratio",
        numerator=numerator,
        denominator=denominator,
        scale=scale,
        **kw,  # type: ignore[arg-type]
    )


def _attr(name: str, levels: frozenset[str]) -> MetricDef:
    return MetricDef(name=name, kind="attribute", levels=levels)


_NOT_AUDIENCE = {"audience": False}
_SECONDARY = {"audience": False, "dash_without_secondary_goal": True}

_METRIC_LIST: list[MetricDef] = [
    # delivery
    _money("spend"),
    _count("impressions"),
    _count("clicks"),
    _ratio("ctr", "clicks", "impressions", 100),
    _ratio("cpc", "spend", "clicks", 0.01),
    _ratio("cpm", "spend", "impressions", 10),
    MetricDef(name="reach", kind="count", base="reach", audience=False, uv=True),
    _ratio("frequency", "impressions", "reach", audience=False, uv=True),
    _ratio("cost_per_1000_reached", "spend", "reach", 10, audience=False, uv=True),
    _money("cash_spend", base="spend", audience=False, levels=frozenset({AUCTION_ADVERTISER})),
    _money("voucher_spend", audience=False, levels=frozenset({AUCTION_ADVERTISER})),
    # conversions and results
    _count("conversion"),
    _ratio("cost_per_conversion", "spend", "conversion", 0.01),
    _ratio("conversion_rate", "conversion", "clicks", 100),
    _ratio("conversion_rate_v2", "conversion", "impressions", 100),
    _count("real_time_conversion"),
    _ratio("real_time_cost_per_conversion", "spend", "real_time_conversion", 0.01),
    _ratio("real_time_conversion_rate", "real_time_conversion", "clicks", 100),
    _count("result"),
    _ratio("cost_per_result", "spend", "result", 0.01),
    _ratio("result_rate", "result", "impressions", 100),
    _count("real_time_result"),
    _ratio("real_time_cost_per_result", "spend", "real_time_result", 0.01),
    _ratio("real_time_result_rate", "real_time_result", "impressions", 100),
    MetricDef(name="secondary_goal_result", kind="count", base="secondary_goal_result", **_SECONDARY),  # type: ignore[arg-type]
    _ratio("cost_per_secondary_goal_result", "spend", "secondary_goal_result", 0.01, **_SECONDARY),
    _ratio("secondary_goal_result_rate", "secondary_goal_result", "impressions", 100, **_SECONDARY),
    # app
    _count("app_install", **_NOT_AUDIENCE),
    _count("real_time_app_install", **_NOT_AUDIENCE),
    _ratio("real_time_app_install_cost", "spend", "real_time_app_install", 0.01, **_NOT_AUDIENCE),
    _ratio("cost_per_app_install", "spend", "app_install", 0.01, **_NOT_AUDIENCE),
    # web / shop events
    _count("purchase"),
    _ratio("cost_per_purchase", "spend", "purchase", 0.01),
    _count("complete_payment"),
    _ratio("cost_per_complete_payment", "spend", "complete_payment", 0.01),
    _money("total_purchase_value"),
    _ratio("complete_payment_roas", "total_purchase_value", "spend", 1),
    _count("registration"),
    _ratio("cost_per_registration", "spend", "registration", 0.01),
    _count("sales_lead"),
    _ratio("cost_per_sales_lead", "spend", "sales_lead", 0.01),
    # video
    _count("video_play_actions"),
    _count("video_watched_2s"),
    _count("video_watched_6s"),
    _count("video_views_p25"),
    _count("video_views_p50"),
    _count("video_views_p75"),
    _count("video_views_p100"),
    _ratio("average_video_play", "play_time_ms", "video_play_actions", 0.001),
    _ratio("average_video_play_per_user", "play_time_ms", "reach", 0.001, audience=False, uv=True),
    _count("engaged_view"),
    _count("engaged_view_15s"),
    # engagement
    _count("likes"),
    _count("comments"),
    _count("shares"),
    _count("follows"),
    _count("profile_visits"),
    _count("clicks_on_music_disc"),
    _ratio("profile_visits_rate", "profile_visits", "impressions", 100),
    # attributes (returned inside ``metrics``)
    _attr("campaign_name", BELOW_ADVERTISER),
    _attr("objective_type", BELOW_ADVERTISER),
    _attr("campaign_id", ADGROUP_AND_AD),
    _attr("adgroup_name", ADGROUP_AND_AD),
    _attr("placement_type", ADGROUP_AND_AD),
    _attr("promotion_type", ADGROUP_AND_AD),
    _attr("adgroup_id", frozenset({AUCTION_AD})),
    _attr("ad_name", frozenset({AUCTION_AD})),
    _attr("ad_text", frozenset({AUCTION_AD})),
    _attr("currency", ALL_LEVELS),
    # app attributes: "-" unless the campaign promotes an app
    _attr("tt_app_id", ADGROUP_AND_AD),
    _attr("tt_app_name", ADGROUP_AND_AD),
    _attr("mobile_app_id", ADGROUP_AND_AD),
    # dynamic product ads only; "-" for every emulated ad (no catalogue ads are modelled)
    _attr("dpa_target_audience_type", ADGROUP_AND_AD),
]

METRICS: dict[str, MetricDef] = {m.name: m for m in _METRIC_LIST}

#: Metrics that are plain sums of base fields (exactly additive across levels, days and buckets).
ADDITIVE_METRICS: tuple[str, ...] = tuple(
    m.name for m in _METRIC_LIST if m.kind in ("count", "money") and not m.uv
)

"""The emulator's report dimensions, and how it computes each metric of TikTok's catalogue.

Which metrics exist, where TikTok accepts them and what they are come from the one catalogue,
``tiktok_ads/tables/metrics.toml`` (read through :mod:`tiktok_ads.tables.metrics_file`); this module keeps only the
*generation*: how each figure is made from integer base fields.

Every metric is computed from a vector of integer *base fields* that the model produces per ad and day;
money is held in cents so that sums across ads, days and audience buckets are exact. The vector starts
with the *core* fields (``BASE_FIELDS``, always generated) and continues with the *extension* fields a
request needs (``EXT_FIELDS``: one per count or value metric beyond the core, derived from a core or
earlier field with a fixed per-ad fraction, so they restate with their parent and stay exact sums).
Only the fields the requested metrics need are computed (:func:`ext_fields_for`). Hours and audience buckets
split each field on its own (largest remainder), so a small bucket can show a value without an event; whole
days and their sums are consistent. A metric is one of:

- ``count``: a base field, summed;
- ``money``: a base field in cents, summed, sent with two decimals;
- ``ratio``: ``numerator / denominator * scale`` of two base fields, rounded half-up to two decimals,
  ``"0.00"`` when the denominator is zero (what TikTok sends, e.g. ``cpc`` with no clicks);
- ``attribute``: a property of the entity (``campaign_name``, ``adgroup_id``, ...), which TikTok returns
  inside ``metrics``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

# the one metric catalogue and TikTok's report levels and breakdowns (data shared with the source; the
# reader imports nothing else of the source)
from tiktok_ads.tables.metrics_file import AUCTION_AD as AUCTION_AD
from tiktok_ads.tables.metrics_file import AUCTION_ADGROUP as AUCTION_ADGROUP
from tiktok_ads.tables.metrics_file import AUCTION_ADVERTISER as AUCTION_ADVERTISER
from tiktok_ads.tables.metrics_file import AUCTION_CAMPAIGN as AUCTION_CAMPAIGN
from tiktok_ads.tables.metrics_file import AUDIENCE_BREAKDOWNS as AUDIENCE_BREAKDOWNS
from tiktok_ads.tables.metrics_file import BASIC_BREAKDOWNS as BASIC_BREAKDOWNS
from tiktok_ads.tables.metrics_file import DATA_LEVELS as DATA_LEVELS
from tiktok_ads.tables.metrics_file import LEVEL_ID_DIMENSION, MetricInfo
from tiktok_ads.tables.metrics_file import METRICS as CATALOGUE
from tiktok_ads.tables.metrics_file import REPORT_TYPES as REPORT_TYPES
from tiktok_ads.tables.metrics_file import TIME_DIMENSIONS as TIME_DIMENSIONS

#: the id dimension of each data level
ID_DIMENSION: Mapping[str, str] = LEVEL_ID_DIMENSION
ID_DIMENSIONS: frozenset[str] = frozenset(ID_DIMENSION.values())

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
    # Interest categories answer as compact 3-digit ids, "101".."119" (datapoints-hotelplus/get-ads-main
    # lib/tiktok-ads.ts, confirmed live: ids found in neither tree of tool/interest_category/); that dashboard saw
    # reach "consistently" 0 by this breakdown (NO_REACH_BREAKDOWNS).
    "interest_category": tuple(str(i) for i in range(101, 120)),
}
#: Breakdowns by which TikTok answers reach 0 (the interest report above; UNSURE: the figures of reach follow).
NO_REACH_BREAKDOWNS: frozenset[str] = frozenset({"interest_category"})
#: Breakdowns whose advertiser weights come from the world's hash, not its random stream, so that adding one leaves
#: every other draw of the world as it was.
HASHED_WEIGHTS: frozenset[str] = frozenset({"interest_category"})
AUDIENCE_DIMENSIONS: frozenset[str] = frozenset(BREAKDOWN_VALUES)

ALL_DIMENSIONS: frozenset[str] = ID_DIMENSIONS | frozenset(TIME_DIMENSIONS) | AUDIENCE_DIMENSIONS

#: Video counts: plays, watched at least 2 s / 6 s, and viewed to each quartile.
VIDEO_COUNTS: tuple[str, ...] = (
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    *(f"video_views_p{quartile}" for quartile in (25, 50, 75, 100)),
)
#: Engagement counts.
ENGAGEMENT_COUNTS = ("likes", "comments", "shares", "follows", "profile_visits", "clicks_on_music_disc")

#: Integer base fields the model generates per ad and day (money in cents, play time in ms).
BASE_FIELDS: tuple[str, ...] = (
    "impressions",
    "clicks",
    "spend",
    "reach",
    *VIDEO_COUNTS,
    "play_time_ms",
    *ENGAGEMENT_COUNTS,
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


def _event(name: str) -> tuple[MetricDef, MetricDef]:
    """An event count and its ``cost_per_<event>`` (spend in cents per event, in currency units)."""
    return _count(name), _ratio(f"cost_per_{name}", "spend", name, 0.01)


def _outcome(prefix: str, name: str, per: str) -> tuple[MetricDef, MetricDef, MetricDef]:
    """A conversion-like count (``real_time_`` or no ``prefix``), its cost (``<prefix>cost_per_<name>``) and
    its rate in % of ``per`` (``<prefix><name>_rate``)."""
    count = f"{prefix}{name}"
    return (
        _count(count),
        _ratio(f"{prefix}cost_per_{name}", "spend", count, 0.01),
        _ratio(f"{count}_rate", count, per, 100),
    )


# Where TikTok accepts each metric (levels, AUDIENCE) is the catalogue's; these are generation formulas only.
_SECONDARY = {"dash_without_secondary_goal": True}

_METRIC_LIST: list[MetricDef] = [
    # delivery
    _money("spend"),
    _count("impressions"),
    _count("clicks"),
    _ratio("ctr", "clicks", "impressions", 100),
    _ratio("cpc", "spend", "clicks", 0.01),
    _ratio("cpm", "spend", "impressions", 10),
    MetricDef(name="reach", kind="count", base="reach", uv=True),
    _ratio("frequency", "impressions", "reach", uv=True),
    _ratio("cost_per_1000_reached", "spend", "reach", 10, uv=True),
    _money("cash_spend", base="spend"),
    _money("voucher_spend"),
    # conversions and results
    *_outcome("", "conversion", "clicks"),
    _ratio("conversion_rate_v2", "conversion", "impressions", 100),
    *_outcome("real_time_", "conversion", "clicks"),
    *_outcome("", "result", "impressions"),
    *_outcome("real_time_", "result", "impressions"),
    MetricDef(name="secondary_goal_result", kind="count", base="secondary_goal_result", **_SECONDARY),  # type: ignore[arg-type]
    _ratio("cost_per_secondary_goal_result", "spend", "secondary_goal_result", 0.01, **_SECONDARY),
    _ratio("secondary_goal_result_rate", "secondary_goal_result", "impressions", 100, **_SECONDARY),
    # app
    _count("app_install"),
    _count("real_time_app_install"),
    _ratio("real_time_app_install_cost", "spend", "real_time_app_install", 0.01),
    _ratio("cost_per_app_install", "spend", "app_install", 0.01),
    # web / shop events
    *_event("purchase"),
    *_event("complete_payment"),
    _money("total_purchase_value"),
    _ratio("complete_payment_roas", "total_purchase_value", "spend", 1),
    *_event("registration"),
    *_event("sales_lead"),
    # video
    *(_count(name) for name in VIDEO_COUNTS),
    _ratio("average_video_play", "play_time_ms", "video_play_actions", 0.001),
    _ratio("average_video_play_per_user", "play_time_ms", "reach", 0.001, uv=True),
    _count("engaged_view"),
    _count("engaged_view_15s"),
    # engagement
    *(_count(name) for name in ENGAGEMENT_COUNTS),
    _ratio("profile_visits_rate", "profile_visits", "impressions", 100),
]

_CORE: dict[str, MetricDef] = {m.name: m for m in _METRIC_LIST}
"""The hand-written formulas of the core metrics (the ones the model's base fields were made for)."""


@dataclass(frozen=True)
class ExtField:
    """An extension base field: derived per ad-day from ``parent`` (a core or earlier extension field).

    ``scale`` mode: ``parent * f // 10000``; ``unit`` mode (money values, play time): ``parent * f``, with
    ``f`` drawn once per ad in ``[lo, hi]``. ``app_only``: zero unless the ad promotes an app.
    """

    name: str
    parent: str
    lo: int
    hi: int
    mode: str = "scale"
    app_only: bool = False


# Parent field and per-10000 fraction range of new count metrics, per catalogue group. Plausible shapes,
# not TikTok's: web events follow clicks, app/SKAN events follow conversions and installs of app campaigns,
# LIVE figures are 0 (no LIVE ads are emulated), gross impressions are a few % above impressions.
_GROUP_PARENT: dict[str, tuple[str, int, int, bool]] = {
    "basic": ("impressions", 10000, 10600, False),
    "conversion": ("conversion", 0, 8000, False),
    "video_play": ("engaged_view", 4000, 10000, False),
    "engagement": ("video_play_actions", 0, 300, False),
    "interactive_add_on": ("impressions", 0, 100, False),
    "instant_page": ("clicks", 0, 3000, False),
    "in_app_event": ("conversion", 0, 6000, True),
    "skan": ("app_install", 0, 8000, True),
    "page_event": ("clicks", 0, 2000, False),
    "onsite_event": ("conversion", 0, 4000, False),
    "offline": ("conversion", 0, 1000, False),
    "live": ("impressions", 0, 0, False),
    "messaging": ("clicks", 0, 500, False),
    "attribution": ("conversion", 0, 5000, False),
}
_VALUE_UNIT = (300, 9000)  # cents per event
_AVERAGE_UNIT = (1000, 20000)  # ms per event (averages are sent in seconds)
_RATE_PER_IMPRESSION_GROUPS = frozenset({"interactive_add_on", "engagement"})


def _derived(info: MetricInfo, ext: dict[str, ExtField], core_unique_of: dict[str, str]) -> MetricDef:
    """The formula of a catalogue metric beyond the core, by its role; registers the fields it needs."""
    name, role, of = info.name, info.role, info.of
    common = {"audience": info.audience, "levels": info.levels, "uv": info.uv}
    if role == "attribute":
        return MetricDef(name=name, kind="attribute", **common)  # type: ignore[arg-type]
    if role == "count":
        if name in core_unique_of:  # a total whose unique figure is core: at least that many events
            ext.setdefault(name, ExtField(name, core_unique_of[name], 10000, 15000))
        else:
            parent, lo, hi, app_only = _GROUP_PARENT[info.group]
            ext.setdefault(name, ExtField(name, parent, lo, hi, app_only=app_only))
        return MetricDef(name=name, kind="count", base=name, **common)  # type: ignore[arg-type]
    if role == "money":  # spend-like (billed_cost): UNSURE, sent as the spend
        return MetricDef(name=name, kind="money", base="spend", **common)  # type: ignore[arg-type]
    assert of is not None, name
    if role == "unique":
        ext.setdefault(name, ExtField(name, of, 5000, 10000))
        return MetricDef(name=name, kind="count", base=name, **common)  # type: ignore[arg-type]
    if role == "value":
        ext.setdefault(name, ExtField(name, of, *_VALUE_UNIT, mode="unit"))
        return MetricDef(name=name, kind="money", base=name, **common)  # type: ignore[arg-type]
    if role == "cost":
        return MetricDef(name=name, kind="ratio", numerator="spend", denominator=of, scale=0.01, **common)  # type: ignore[arg-type]
    if role == "rate":
        per = "impressions" if name.endswith("_v2") or info.group in _RATE_PER_IMPRESSION_GROUPS else "clicks"
        return MetricDef(name=name, kind="ratio", numerator=of, denominator=per, scale=100, **common)  # type: ignore[arg-type]
    if role in ("value_per", "roas"):
        value = info.value
        if value is None:  # no value metric of its own in the catalogue: a hidden value field
            value = f"{of}__value"
            ext.setdefault(value, ExtField(value, of, *_VALUE_UNIT, mode="unit"))
        if role == "roas":
            return MetricDef(name=name, kind="ratio", numerator=value, denominator="spend", **common)  # type: ignore[arg-type]
        return MetricDef(name=name, kind="ratio", numerator=value, denominator=of, scale=0.01, **common)  # type: ignore[arg-type]
    if role == "average":
        total = f"{name}__total"
        ext.setdefault(total, ExtField(total, of, *_AVERAGE_UNIT, mode="unit"))
        return MetricDef(name=name, kind="ratio", numerator=total, denominator=of, scale=0.001, **common)  # type: ignore[arg-type]
    raise ValueError(f"metric {name}: no formula for role {role!r}")


def _build() -> tuple[dict[str, MetricDef], dict[str, ExtField]]:
    ext: dict[str, ExtField] = {}
    core_unique_of = {
        info.of: n for n, info in CATALOGUE.items() if n in _CORE and info.role == "unique" and info.of
    }
    defs: dict[str, MetricDef] = {}
    for name, info in CATALOGUE.items():
        if info.same:
            continue  # below: the formula of the figure it names
        core = _CORE.get(name)
        if core is not None:
            # the catalogue decides where TikTok accepts it; the core formula how it is computed
            defs[name] = MetricDef(**{**core.__dict__, "levels": info.levels, "audience": info.audience})
        else:
            defs[name] = _derived(info, ext, core_unique_of)
    for name, info in CATALOGUE.items():
        if info.same:  # a renamed metric: the same fields, so the same values (metrics.toml)
            defs[name] = replace(
                defs[info.same], name=name, levels=info.levels, audience=info.audience, uv=info.uv
            )
    return {name: defs[name] for name in CATALOGUE}, ext  # in the catalogue's order


METRICS, EXT_FIELDS = _build()
"""Every catalogue metric's formula, by name; the extension base fields they use."""

#: Metrics that are plain sums of base fields (exactly additive across levels, days and buckets).
ADDITIVE_METRICS: tuple[str, ...] = tuple(
    n for n, d in METRICS.items() if d.kind in ("count", "money") and not d.uv
)


def _fields_of(d: MetricDef) -> tuple[str, ...]:
    if d.name == "cash_spend":
        return ("spend", "voucher_spend")
    return tuple(f for f in (d.base, d.numerator, d.denominator) if f)


def ext_fields_for(metrics: Sequence[str]) -> tuple[str, ...]:
    """The extension fields a metric list needs, parents before children (empty for core-only lists)."""
    out: dict[str, None] = {}

    def need(f: str) -> None:
        spec = EXT_FIELDS.get(f)
        if spec is None or f in out:
            return
        need(spec.parent)
        out[f] = None

    for name in metrics:
        for f in _fields_of(METRICS[name]):
            need(f)
    return tuple(out)

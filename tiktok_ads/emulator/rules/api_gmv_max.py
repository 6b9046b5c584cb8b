"""API rules of the TikTok Shop / GMV Max endpoints (data in :mod:`.gmv_max`).

Sources: the official SDK (``tiktok-business-api-sdk-official``: ``StoreApi.gmv_max_store_list``,
``CampaignCreationApi.campaign_gmv_max_info``, ``ReportingApi.gmv_max_report_get`` and
``FilteringGmvMaxReportGet``), TikTok's own operation file ``yml_files/gmv_max_report_get.yml`` in
``tiktok/tiktok-business-api-sdk`` (required parameters and limits), the Go SDK ``bububa/tiktok-business``
(``model/campaign/gmvmax/{store_list,get,info,report_get}.go``) and Airbyte's GMV Max tests.

- ``GET gmv_max/store/list/``: ``advertiser_id``; ``data.store_list``, **no paging** (store_list.go).
- ``GET gmv_max/campaign/get/``: ``advertiser_id``, ``fields``, ``filtering`` (``gmv_max_promotion_types``
  PRODUCT_GMV_MAX / LIVE_GMV_MAX, ``store_ids`` <= 10, ``campaign_ids`` <= 100, ``campaign_name`` fuzzy,
  ``primary_status``, ``creation_filter_start_time`` / ``_end_time`` UTC), ``page``, ``page_size`` 1..100
  default 10 (get.go); ``data.list`` + ``page_info``. UNSURE: ``gmv_max_promotion_types`` is answered as
  required: every peer we know (Airbyte, hotglue's tap, several tools) sends exactly one type per request.
- ``GET campaign/gmv_max/info/``: ``advertiser_id``, ``campaign_id`` (both required); ``data`` is the
  campaign (info.go). UNSURE: an unknown campaign id is answered 40002.
- ``GET gmv_max/report/get/``: ``advertiser_id``, ``store_ids`` (exactly one), ``dimensions`` (1..3; 4 in
  the one documented creative grouping), ``metrics`` (1..100), ``start_date`` / ``end_date`` (all required,
  yml); at most 30 days with ``stat_time_day``, 1 with ``stat_time_hour``, 365 without a time dimension (report_get.go);
  ``filtering`` (``gmv_max_promotion_types`` PRODUCT / LIVE, ``campaign_ids``, ``item_group_ids``,
  ``room_ids`` <= 100, ``campaign_statuses``, ``campaign_name``); ``sort_field`` / ``sort_type``;
  ``enable_total_metrics``; ``page``, ``page_size`` 1..1000 default 10. Rows ``{"dimensions", "metrics"}``,
  ``stat_time_day`` as ``YYYY-MM-DD 00:00:00`` (report_get.go).
  UNSURE: a (campaign, day) without figures has no row (as in ``report/integrated/get/``); a ratio over zero
  (``roi`` without cost, ``cost_per_order`` without orders) is ``"0.00"``; ``metrics`` is answered as required (the yml's parameter list says required, its rule list not);
  ``item_group_id`` rows exist only for PRODUCT campaigns and ``room_id`` rows only for LIVE ones (both
  also by ``stat_time_hour``, Doc ID 1824722485971009); LIVE metrics of product campaigns (and
  product-card metrics of LIVE ones) are ``"-"``. The creative (``item_id``) and duration levels follow
  TikTok's "Metrics in GMV Max Campaign reports" (Doc ID 1824722485971009): :mod:`.api_gmv_max_levels`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tiktok_ads.emulator.data import gmv_max as g
from tiktok_ads.emulator.data import gmv_max_posts as gp
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.api_gmv_max_levels import (
    CAMPAIGN_ATTRIBUTES,
    CREATIVE_RATES,
    CREATIVE_TEXT,
    PART_ATTRIBUTES,
    Level,
    level_of,
)
from tiktok_ads.emulator.rules.params import (
    AdvertiserLister,
    created_between,
    get_bool,
    get_date_range,
    get_filtering,
    get_id,
    get_id_list,
    get_json,
    get_str,
    get_str_list,
    missing,
    page_of,
    page_with_fields,
    param_error,
    parse_json_list,
)

DIMENSIONS = (
    "advertiser_id",
    "campaign_id",
    "stat_time_day",
    "stat_time_hour",
    "item_group_id",
    "item_id",
    "room_id",
    "duration",
)
MONEY = ("cost", "net_cost", "gross_revenue")
_PRODUCT_COUNTS = ("product_impressions", "product_clicks")
_LIVE_COUNTS = ("live_views", "10_second_live_views", "live_follows")
COUNTS = ("orders", *_PRODUCT_COUNTS, *_LIVE_COUNTS)
#: ratio metric -> (numerator, denominator, scale): value = numerator / denominator * scale
RATIOS: dict[str, tuple[str, str, int]] = {
    "roi": ("gross_revenue", "cost", 1),
    "cost_per_order": ("cost", "orders", 1),
    "product_click_rate": ("product_clicks", "product_impressions", 100),
    "cost_per_live_view": ("cost", "live_views", 1),
    "cost_per_10_second_live_views": ("cost", "10_second_live_views", 1),  # the Go SDK's spelling
    "cost_per_10_second_live_view": ("cost", "10_second_live_views", 1),  # Doc ID 1824722485971009's
}
#: LIVE "all shops" metrics -> the current-shop metric they equal. UNSURE: they differ when a livestream sells
#: other shops' products (Doc ID 1824722485971009); no modelled LIVE room does.
ALL_SHOPS = {f"all_shops_{m}": m for m in ("orders", "gross_revenue", "roi", "cost_per_order")}
#: text metrics (``bid_type``: every modelled campaign optimizes for a target ROI, Doc ID 1824722485971009)
ATTRIBUTES = tuple(dict.fromkeys((*CAMPAIGN_ATTRIBUTES, *PART_ATTRIBUTES, "bid_type", *CREATIVE_TEXT)))
METRICS = (*MONEY, *COUNTS, *RATIOS, *ALL_SHOPS, *CREATIVE_RATES, *ATTRIBUTES)
#: metrics of one promotion type only
_PRODUCT_ONLY = (*_PRODUCT_COUNTS, "product_click_rate")
_LIVE_ONLY = (*_LIVE_COUNTS, *ALL_SHOPS, "cost_per_live_view", *(r for r in RATIOS if "10_second" in r))
PROMOTION_TYPES = {"PRODUCT_GMV_MAX": "PRODUCT", "LIVE_GMV_MAX": "LIVE"}
CAMPAIGN_STATUSES = (
    "STATUS_DELIVERY_OK",
    "STATUS_DISABLE",
    "STATUS_DELETE",
    "STATUS_NOT_DELIVERY",
    "STATUS_ALL",
)
MAX_SPAN = {"stat_time_day": 30, "stat_time_hour": 1, None: 365}


# ------------------------------------------------------------------------------------------------ stores


def list_stores(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``gmv_max/store/list/``: every shop the advertiser sees, in one answer (no ``page_info``)."""
    rows = [g.store_dict(s) for s in g.stores(world, adv)]
    return {"store_list": rows}, len(rows)


# --------------------------------------------------------------------------------------------- campaigns


def list_campaigns(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``gmv_max/campaign/get/``."""
    filtering = get_filtering(params)
    if "gmv_max_promotion_types" not in filtering:
        raise missing("filtering.gmv_max_promotion_types")
    types = parse_json_list("filtering.gmv_max_promotion_types", filtering["gmv_max_promotion_types"])
    if not types or any(t not in PROMOTION_TYPES for t in types):
        raise param_error(
            f"filtering.gmv_max_promotion_types: Must be one of {', '.join(PROMOTION_TYPES)}. Got {types!r}."
        )
    wanted = {PROMOTION_TYPES[t] for t in types}
    found = [c for c in g.campaigns(world, adv) if c.promotion in wanted]
    if "store_ids" in filtering:
        store_ids = set(get_id_list("filtering.store_ids", filtering["store_ids"], max_len=10))
        found = [c for c in found if c.store.store_id in store_ids]
    if "campaign_ids" in filtering:
        ids = set(get_id_list("filtering.campaign_ids", filtering["campaign_ids"]))
        found = [c for c in found if c.campaign_id in ids]
    status = filtering.get("primary_status")
    if status is not None and status not in ("STATUS_DELIVERY_OK", "STATUS_DISABLE", "STATUS_DELETE"):
        raise param_error(f"filtering.primary_status: Invalid enum value {status!r}.")
    if status in ("STATUS_DISABLE", "STATUS_DELETE"):
        found = []  # every modelled campaign is delivering
    rows = [g.campaign_summary(world, c) for c in found]
    name = filtering.get("campaign_name")
    if name:
        rows = [r for r in rows if str(name).lower() in r["campaign_name"].lower()]
    return page_with_fields(created_between(rows, filtering), params, 100)


def campaign_info(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``campaign/gmv_max/info/``: one campaign's details."""
    campaign_id = get_id(params, "campaign_id", required=True)
    for c in g.campaigns(world, adv):
        if c.campaign_id == campaign_id:
            return g.campaign_info(world, c), 1
    raise param_error(f"campaign_id: GMV Max campaign {campaign_id} does not exist in this advertiser.")


# ------------------------------------------------------------------------------------------------ report


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _metric_values(
    metrics: list[str], figures: dict[str, int], promotion: str, attrs: dict[str, str]
) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in metrics:
        if (name in _LIVE_ONLY and promotion != "LIVE") or (name in _PRODUCT_ONLY and promotion != "PRODUCT"):
            out[name] = "-"
        elif name in ALL_SHOPS:
            out[name] = _metric_values([ALL_SHOPS[name]], figures, promotion, attrs)[ALL_SHOPS[name]]
        elif name in CREATIVE_RATES:  # creative level only: there the figures carry the video counts
            num, den = CREATIVE_RATES[name]
            if den not in figures:
                out[name] = "-"
            else:
                base = Decimal(figures[den])
                ratio = Decimal(figures[num]) / base * 100 if base else Decimal(0)
                out[name] = str(ratio.quantize(Decimal("0.01"), ROUND_HALF_UP))
        elif name in MONEY:
            out[name] = _money(figures.get(name, 0))
        elif name in COUNTS:
            out[name] = str(figures.get(name, 0))
        elif name in RATIOS:
            num, den, scale = RATIOS[name]
            num_is_money = num in MONEY
            den_is_money = den in MONEY
            value = Decimal(figures.get(num, 0)) * (Decimal(1) / 100 if num_is_money else 1)
            base = Decimal(figures.get(den, 0)) * (Decimal(1) / 100 if den_is_money else 1)
            out[name] = (
                "0.00" if base == 0 else str((value / base * scale).quantize(Decimal("0.01"), ROUND_HALF_UP))
            )
        else:
            out[name] = attrs.get(name, "-")
    return out


def _dates(params: Mapping[str, str], time_dim: str | None) -> tuple[dt.date, dt.date]:
    start, end = get_date_range(params, "Must be on or after start_date.")
    span = (end - start).days + 1
    limit = MAX_SPAN[time_dim]
    if span > limit:
        raise param_error(
            f"end_date: The time span between start_date and end_date must be at most {limit} days "
            f"{'with ' + time_dim if time_dim else 'without a time dimension'}. Got {span} days."
        )
    return start, end


def _names(
    params: Mapping[str, str],
    field: str,
    noun: str,
    allowed: Sequence[str],
    most: int,
    *,
    say_allowed: bool = False,
) -> list[str]:
    """The required list ``field``: 1 to ``most`` names, each one of ``allowed`` (the refusal of another lists
    them when ``say_allowed``)."""
    names = get_str_list(params, field, required=True) or []
    if not 1 <= len(names) <= most:
        raise param_error(f"{field}: Length must be between 1 and {most}. Got {len(names)}.")
    for name in names:
        if name not in allowed:
            listed = f"; allowed: {', '.join(allowed)}" if say_allowed else ""
            raise param_error(f"{field}: Invalid {noun} {name!r}{listed}.")
    return names


Record = tuple[dict[str, str], dict[str, int], dict[str, str]]


def _records(
    world: World,
    c: g.GmvCampaign,
    day: dt.date,
    time_dim: str | None,
    part_dim: str | None,
    part_filter: set[str] | None,
    level: Level,
) -> list[Record]:
    """One campaign-day's records to group: (dimension values, figures, creative text metrics).

    A record without figures has no row; at the creative level with ``stat_time_day`` a record without cost
    has none, and without a time dimension every post of the products is answered (Doc ID 1824722485971009,
    see :mod:`.api_gmv_max_levels`).
    """
    out: list[Record] = []
    if (
        time_dim == "stat_time_hour"
    ):  # the parts' hours add up to the campaign's, so they serve every grouping
        for part, hours in g.part_hour_figures(world, c, day).items():
            if part_filter is None or part in part_filter:
                for hour, figures in enumerate(hours):
                    stamp = f"{day.isoformat()} {hour:02d}:00:00"
                    out.append(({"stat_time_hour": stamp, part_dim or "_part": part}, figures, {}))
    elif level.kind == "creative":  # the posts add up to their product exactly (split_int)
        for part, posts in gp.post_figures(world, c, day).items():
            if part_filter is not None and part not in part_filter:
                continue
            for post, figures in posts:
                if level.keeps(post) and (figures["cost"] or not time_dim):
                    text = {**post.attributes(), "creative_delivery_status": post.delivery_status}
                    out.append(({"item_group_id": part, "item_id": post.item_id}, figures, text))
        return out
    else:  # the parts add up to the day exactly (split_int), so they serve every grouping
        for part, figures in g.part_figures(world, c, day).items():
            if part_filter is None or part in part_filter:
                out.append(({part_dim or "_part": part}, figures, {}))
    return [r for r in out if any(r[1].get(k, 0) for k in g.BASE_FIELDS)]  # no figures, no row


def run_report(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``gmv_max/report/get/``."""
    raw_stores = get_json(params, "store_ids", required=True)
    store_ids = get_id_list("store_ids", raw_stores, max_len=1)
    if len(store_ids) != 1:
        raise param_error("store_ids: Length must be 1.")
    known = {s.store_id: s for s in g.stores(world, adv)}
    store = known.get(store_ids[0])
    if store is None:
        raise param_error(f"store_ids: The advertiser has no access to store {store_ids[0]}.")
    # 4 only in the creative level's [campaign_id, item_group_id, item_id, stat_time_day] (level_of checks)
    dimensions = _names(params, "dimensions", "dimension", DIMENSIONS, 4, say_allowed=True)
    times = [d for d in dimensions if d in ("stat_time_day", "stat_time_hour")]
    if len(times) > 1:
        raise param_error("dimensions: stat_time_day and stat_time_hour cannot be combined.")
    time_dim = times[0] if times else None
    part_dim = next((d for d in dimensions if d in ("item_group_id", "room_id")), None)
    if "item_group_id" in dimensions and "room_id" in dimensions:
        raise param_error("dimensions: item_group_id and room_id cannot be combined.")
    metrics = _names(params, "metrics", "metric", METRICS, 100)
    start, end = _dates(params, time_dim)
    filtering = get_filtering(params)
    level = level_of(dimensions, metrics, filtering)
    found = [c for c in g.campaigns(world, adv) if c.store.store_id == store.store_id]
    if "gmv_max_promotion_types" in filtering:
        types = parse_json_list("filtering.gmv_max_promotion_types", filtering["gmv_max_promotion_types"])
        if not 1 <= len(types) <= 2 or any(t not in ("PRODUCT", "LIVE") for t in types):
            raise param_error(
                f"filtering.gmv_max_promotion_types: Must be PRODUCT and/or LIVE. Got {types!r}."
            )
        found = [c for c in found if c.promotion in types]
    if "campaign_ids" in filtering:
        ids = set(get_id_list("filtering.campaign_ids", filtering["campaign_ids"]))
        found = [c for c in found if c.campaign_id in ids]
    if "campaign_statuses" in filtering:
        statuses = parse_json_list("filtering.campaign_statuses", filtering["campaign_statuses"])
        bad = [s for s in statuses if s not in CAMPAIGN_STATUSES]
        if bad:
            raise param_error(f"filtering.campaign_statuses: Invalid enum value {bad[0]!r}.")
        if not {"STATUS_DELIVERY_OK", "STATUS_ALL"} & set(statuses):
            found = []  # every modelled campaign is delivering
    if part_dim == "item_group_id":
        found = [c for c in found if c.promotion == "PRODUCT"]
    elif part_dim == "room_id":
        found = [c for c in found if c.promotion == "LIVE"]
    if level.promotion:
        found = [c for c in found if c.promotion == level.promotion]
    # item_group_ids select products (PRODUCT campaigns), room_ids LIVE rooms (LIVE campaigns)
    part_filter: set[str] | None = None
    for name, promotion in (("item_group_ids", "PRODUCT"), ("room_ids", "LIVE")):
        if name in filtering:
            part_filter = set(get_id_list(f"filtering.{name}", filtering[name]))
            found = [c for c in found if c.promotion == promotion]
    name_filter = str(filtering.get("campaign_name") or "").lower()

    groups: dict[tuple[str, ...], dict[str, int]] = {}
    promos: dict[tuple[str, ...], set[str]] = {}
    attrs: dict[tuple[str, ...], dict[str, str]] = {}
    for c in found:
        campaign_attrs = g.report_attributes(world, c, None)
        if name_filter and name_filter not in campaign_attrs["campaign_name"].lower():
            continue
        day = start
        while day <= end:
            for extra, figures, text in _records(world, c, day, time_dim, part_dim, part_filter, level):
                values = {
                    "advertiser_id": adv.advertiser_id,
                    "campaign_id": c.campaign_id,
                    "stat_time_day": f"{day.isoformat()} 00:00:00",
                    "duration": f"{start.isoformat()} ~ {end.isoformat()}",
                    **extra,
                }
                key = tuple(values.get(d, "") for d in dimensions)
                acc = groups.setdefault(key, {})
                for k, v in figures.items():
                    acc[k] = acc.get(k, 0) + v
                promos.setdefault(key, set()).add(c.promotion)
                texts = attrs.setdefault(key, {"bid_type": "CUSTOM"})
                if "campaign_id" in dimensions:
                    texts.update(campaign_attrs)
                if part_dim and part_dim in dimensions and level.kind == "":
                    texts.update(g.report_attributes(world, c, extra[part_dim]))
                texts.update(text)
            day += dt.timedelta(days=1)

    rows: list[dict[str, Any]] = []
    for key, figures in groups.items():
        kinds = promos[key]
        promotion = next(iter(kinds)) if len(kinds) == 1 else "MIXED"
        rows.append(
            {
                "dimensions": dict(zip(dimensions, key, strict=True)),
                "metrics": _metric_values(metrics, figures, promotion, attrs.get(key, {})),
            }
        )
    sort_field = get_str(params, "sort_field")
    if sort_field:
        if sort_field not in metrics or sort_field in ATTRIBUTES:
            raise param_error(f"sort_field: {sort_field!r} is not a requested numeric metric.")
        descending = (get_str(params, "sort_type") or "DESC") == "DESC"

        def number(row: dict[str, Any]) -> Decimal:
            text = row["metrics"][sort_field]
            return Decimal(text) if text != "-" else Decimal(-1)

        rows.sort(key=number, reverse=descending)
    data, count = page_of(rows, params, 1000)
    if get_bool(params, "enable_total_metrics"):
        total: dict[str, int] = {}
        every: set[str] = set()
        for key, figures in groups.items():
            every |= promos[key]
            for k, v in figures.items():
                total[k] = total.get(k, 0) + v
        promotion = next(iter(every)) if len(every) == 1 else "MIXED"
        numeric = [m for m in metrics if m not in ATTRIBUTES]
        data["total_metrics"] = _metric_values(numeric, total, promotion, {})
    return data, count


#: route -> handler, for :class:`.api.Api` (each answers for one authorized advertiser)
GMV_MAX_ROUTES: dict[str, AdvertiserLister] = {
    "gmv_max/store/list/": list_stores,
    "gmv_max/campaign/get/": list_campaigns,
    "campaign/gmv_max/info/": campaign_info,
    "gmv_max/report/get/": run_report,
}

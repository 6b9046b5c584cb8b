"""The truth of the GMV Max and Smart+ tables: what a correct loader holds, straight from the model.

Computed from :mod:`.gmv_max` and :mod:`.smart_plus` without HTTP and without the API modules' grouping
code (only their wire formats are shared knowledge). Report rows are typed like :mod:`.truth`'s: counts
``int``, money and ratios ``Decimal`` (two decimals, half up), ``stat_time_day`` a ``date``, ``"-"``
``None``. Object rows are the API dicts, untyped, with ``advertiser_id``; a Smart+ ad TikTok answers without
``modify_time`` has its ``create_time`` there (the source's cursor rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tiktok_ads.emulator.data import gmv_max as g
from tiktok_ads.emulator.data import gmv_max_posts as gp
from tiktok_ads.emulator.data import smart_plus as sp
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.truth import loaded_rows

_CENT = Decimal("0.01")


def _adv(world: World, advertiser_id: str) -> Advertiser:
    adv = world.advertiser(advertiser_id)
    if adv is None:
        raise KeyError(advertiser_id)
    return adv


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(_CENT)


def _ratio(top: Decimal, bottom: Decimal, scale: int = 1) -> Decimal:
    return Decimal("0.00") if bottom == 0 else (top / bottom * scale).quantize(_CENT, ROUND_HALF_UP)


# ------------------------------------------------------------------------------------------------ GMV Max


def gmv_max_store_rows(world: World, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every shop of every advertiser, as ``gmv_max/store/list/`` lists it, with ``advertiser_id``."""
    return [
        {**g.store_dict(s), "advertiser_id": adv_id}
        for adv_id in advertiser_ids
        for s in g.stores(world, _adv(world, adv_id))
    ]


def gmv_max_campaign_rows(world: World, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every GMV Max campaign that exists now, with its details (``campaign/gmv_max/info/``)."""
    return [
        g.campaign_info(world, c)
        for adv_id in advertiser_ids
        for c in g.campaigns(world, _adv(world, adv_id))
    ]


def _gmv_metrics(metrics: Sequence[str], f: dict[str, int], promotion: str) -> dict[str, Any]:
    money = {k: _money(f.get(k, 0)) for k in ("cost", "net_cost", "gross_revenue")}
    values: dict[str, Any] = {
        **money,
        "orders": f.get("orders", 0),
        "cost_per_order": _ratio(money["cost"], Decimal(f.get("orders", 0))),
        "roi": _ratio(money["gross_revenue"], money["cost"]),
    }
    if promotion == "LIVE":
        values.update(
            {
                "live_views": f["live_views"],
                "10_second_live_views": f["10_second_live_views"],
                "live_follows": f["live_follows"],
                "cost_per_live_view": _ratio(money["cost"], Decimal(f["live_views"])),
            }
        )
    if "product_impressions" in f:
        values.update(
            {
                "product_impressions": f["product_impressions"],
                "product_clicks": f["product_clicks"],
                "product_click_rate": _ratio(
                    Decimal(f["product_clicks"]), Decimal(f["product_impressions"]), 100
                ),
            }
        )
    if "ad_views" in f:  # a post (creative level): the rates of its video counts, in percent
        views, clicks = Decimal(f["ad_views"]), Decimal(f["ad_clicks"])
        values["ad_click_rate"] = _ratio(clicks, views, 100)
        values["ad_conversion_rate"] = _ratio(Decimal(f["ad_conversions"]), clicks, 100)
        for depth in ("2s", "6s", "p25", "p50", "p75", "p100"):
            values[f"ad_video_view_rate_{depth}"] = _ratio(Decimal(f[f"video_views_{depth}"]), views, 100)
    return {name: values.get(name) for name in metrics}


def gmv_max_report_rows(
    world: World,
    *,
    advertiser_ids: Sequence[str],
    promotion: str | None,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Every row of a daily or hourly GMV Max report table (one shop at a time, rows with ``store_id``).

    ``promotion`` is ``PRODUCT``, ``LIVE`` or None (both); ``dimensions`` are the table's (``store_id``,
    ``campaign_id``, optionally ``item_group_id`` (and ``item_id``: posts, days with cost) or ``room_id``, then ``stat_time_day`` or ``stat_time_hour``;
    hourly rows also get their ``stat_time_day``). Each advertiser's range runs to ``end_date`` or its local
    today; a (campaign, day or hour[, part]) without figures has no row. Only shops usable for GMV Max.
    """
    part_dim = next((d for d in ("item_group_id", "room_id") if d in dimensions), None)
    hourly = "stat_time_hour" in dimensions
    if "campaign_id" not in dimensions:  # the advertiser level: each shop's campaigns added up per day
        return _advertiser_level(world, advertiser_ids, metrics, start_date, end_date)
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        end = end_date or world.local_today(adv_id)
        for c in g.campaigns(world, _adv(world, adv_id)):
            if (promotion is not None and c.promotion != promotion) or not c.store.available:
                continue
            day = start_date
            while day <= end:
                stamp = dt.datetime.combine(day, dt.time(0))
                records: list[tuple[dict[str, Any], dict[str, int]]]
                if hourly:
                    records = [
                        ({"stat_time_hour": stamp + dt.timedelta(hours=h)}, f)
                        for h, f in enumerate(g.hour_figures(world, c, day))
                    ]
                elif "item_id" in dimensions:  # posts: the days with cost only (Doc ID 1824722485971009)
                    records = [
                        ({"item_group_id": p, "item_id": post.item_id,
                          "creative_delivery_status": post.delivery_status}, f)
                        for p, found in gp.post_figures(world, c, day).items()
                        for post, f in found
                        if f["cost"]
                    ]  # fmt: skip
                elif part_dim:
                    records = [({part_dim: p}, f) for p, f in g.part_figures(world, c, day).items()]
                else:
                    records = [({}, g.day_figures(world, c, day))]
                for extra, figures in records:
                    if not any(figures.get(k, 0) for k in g.BASE_FIELDS):
                        continue
                    row: dict[str, Any] = {
                        "advertiser_id": adv_id,
                        "store_id": c.store.store_id,
                        "campaign_id": c.campaign_id,
                        "stat_time_day": day,
                        **extra,
                    }
                    row.update(
                        {k: v for k, v in _gmv_metrics(metrics, figures, c.promotion).items() if k not in row}
                    )
                    out.append(row)
                day += dt.timedelta(days=1)
    return out


def _advertiser_level(
    world: World,
    advertiser_ids: Sequence[str],
    metrics: Sequence[str],
    start_date: dt.date,
    end_date: dt.date | None,
) -> list[dict[str, Any]]:
    """Rows of the advertiser-level GMV Max table: per (advertiser, shop, day), all campaigns' figures summed."""
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        adv = _adv(world, adv_id)
        end = end_date or world.local_today(adv_id)
        for store in g.stores(world, adv):
            found = [c for c in g.campaigns(world, adv) if c.store == store]
            if not store.available or not found:
                continue
            day = start_date
            while day <= end:
                total: dict[str, int] = {}
                for c in found:
                    for k, v in g.day_figures(world, c, day).items():
                        total[k] = total.get(k, 0) + v
                if any(total.get(k, 0) for k in g.BASE_FIELDS):
                    row = {"advertiser_id": adv_id, "store_id": store.store_id, "stat_time_day": day}
                    out.append({**row, **_gmv_metrics(metrics, total, "MIXED")})
                day += dt.timedelta(days=1)
    return out


# ------------------------------------------------------------------------------------------------ Smart+


def tt_shop_rows(world: World, advertiser_ids: Sequence[str], start_date: dt.date) -> list[dict[str, Any]]:
    """The ``tt_shop_campaign_insights`` table (``report_type = TT_SHOP`` by campaign, country and day): each
    GMV Max campaign's days with cost from ``start_date`` to the advertiser's local today; ``spend`` is the
    day's cost, ``billed_cost`` its net cost, ``country_code`` the shops' (the advertiser's) country."""
    out: list[dict[str, Any]] = []
    for advertiser_id in advertiser_ids:
        adv = _adv(world, advertiser_id)
        today = world.local_today(advertiser_id)
        for c in g.campaigns(world, adv):
            for offset in range((today - max(start_date, g.first_day(c))).days + 1):
                day = max(start_date, g.first_day(c)) + dt.timedelta(days=offset)
                f = g.day_figures(world, c, day)
                if f["cost"]:
                    out.append(
                        {"advertiser_id": advertiser_id, "campaign_id": c.campaign_id, "stat_time_day": day,
                         "country_code": adv.country, "spend": _money(f["cost"]),
                         "billed_cost": _money(f["net_cost"])}
                    )  # fmt: skip
    return out


def smart_plus_rows(
    world: World,
    kind: str,
    advertiser_ids: Sequence[str],
    *,
    include_deleted: bool = False,
    seen_at: Iterable[dt.datetime] | None = None,
) -> list[dict[str, Any]]:
    """The Smart+ campaigns / ad groups / ads (``kind``) a loader keeping one row per object holds.

    ``seen_at`` lists the instants the loader ran (default: only the world's clock): each object keeps the
    state of the last run that listed it (a deleted one is listed only with ``include_deleted``).
    """
    id_key = {"campaign": "campaign_id", "adgroup": "adgroup_id", "ad": "smart_plus_ad_id"}[kind]

    def listed(adv_id: str, when: dt.datetime) -> Iterator[dict[str, Any]]:
        for obj in sp.objects(world, _adv(world, adv_id), kind, when):
            if include_deleted or not obj.is_deleted(when):
                api = sp.object_dict(world, obj, when)
                api.setdefault("modify_time", api["create_time"])
                yield api

    moments = sorted(seen_at) if seen_at is not None else [world.now]
    return loaded_rows(moments, advertiser_ids, listed, lambda api: str(api[id_key]))


def _material_metrics(metrics: Sequence[str], f: dict[str, int]) -> dict[str, Any]:
    spend = _money(f["spend"])
    values: dict[str, Any] = {
        "spend": spend,
        "impressions": f["impressions"],
        "clicks": f["clicks"],
        "conversion": f["conversion"],
        "ctr": _ratio(Decimal(f["clicks"]), Decimal(f["impressions"]), 100),
        "cpc": _ratio(spend, Decimal(f["clicks"])),
        "cpm": _ratio(spend, Decimal(f["impressions"]), 1000),
        "cost_per_conversion": _ratio(spend, Decimal(f["conversion"])),
    }
    return {name: values[name] for name in metrics}


def smart_plus_material_rows(
    world: World,
    *,
    advertiser_ids: Sequence[str],
    metrics: Sequence[str],
    start_date: dt.date | None,
    end_date: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Rows of a Smart+ material table: per (ad, main material) and day, or (``start_date`` None) lifetime.

    Deleted ads keep their figures (the material reports have no status filter).
    """
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        adv = _adv(world, adv_id)
        for ad in sp.objects(world, adv, "ad"):
            first, today = sp.lifetime_range(world, ad)
            for material in sp.materials(world, ad):
                base = {
                    "advertiser_id": adv_id,
                    "smart_plus_ad_id": ad.object_id,
                    "main_material_id": material,
                    "main_material_type": "VIDEO_NON_SPARK_ADS",
                }
                days: list[dt.date] = []
                day = first if start_date is None else max(first, start_date)
                last = today if end_date is None else min(today, end_date)
                while day <= last:
                    days.append(day)
                    day += dt.timedelta(days=1)
                if start_date is None:
                    total = dict.fromkeys(sp.FIELDS, 0)
                    for d in days:
                        for k, v in sp.day_figures(world, ad, material, d).items():
                            total[k] += v
                    if any(total.values()):
                        out.append({**base, **_material_metrics(metrics, total)})
                    continue
                for d in days:
                    figures = sp.day_figures(world, ad, material, d)
                    if any(figures.values()):
                        out.append({**base, "stat_time_day": d, **_material_metrics(metrics, figures)})
    return out

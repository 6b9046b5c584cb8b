"""The emulator's TikTok Shop / GMV Max data: stores, GMV Max campaigns and their daily figures.

Like the rest of the model, every object is a pure function of the seed, the advertiser and its index, and
exists once the clock passes its ``create_time``. The API rules (parameters, filters, paging) are in
:mod:`.api_gmv_max`.

What is modelled, and from where:

- Stores (``gmv_max/store/list/``, fields from the Go SDK ``bububa/tiktok-business``
  ``model/campaign/gmvmax/store_list.go``): every advertiser has one shop usable for GMV Max; every other
  advertiser also sees a second shop that is not (``is_gmv_max_available = false``, ``INACTIVE``), which runs
  no campaign.
- GMV Max campaigns (``gmv_max/campaign/get/`` and ``campaign/gmv_max/info/``, fields from
  ``model/campaign/gmvmax/campaign.go``): per usable shop, :data:`CAMPAIGNS_PER_STORE` campaigns,
  alternately PRODUCT and LIVE (``shopping_ads_type``), created over the history and modified once.
  They are not deleted (UNSURE: how deleted GMV Max campaigns show is not in our sources, so the model has
  none). They are not in ``campaign/get/`` nor in ``report/integrated/get/`` AUCTION reports: GMV Max data is
  only in ``gmv_max/report/get/`` (singer-io/tap-tiktok-ads#32: ``ad_insights`` returns nothing for GMV Max
  campaigns; the Go SDK ``model/ad/smartplus/get.go`` notes GMV Max ads are left out of ad lists).
- Daily figures per campaign and local day (``gmv_max/report/get/`` metrics, names from
  ``model/campaign/gmvmax/report_get.go`` and Airbyte's ``unit_tests/integration/test_gmv_max.py``): cost,
  net cost, orders and gross revenue; a product campaign's day splits over its products (``item_group_id``),
  a LIVE campaign's over its LIVE rooms (``room_id``). **Spend without impressions or clicks is normal
  here**: GMV Max spends on videos and LIVE rooms, so a product's ``product_impressions`` and
  ``product_clicks`` (the product card's) are often 0 while it has cost, and many days have cost but no
  order. Today holds the hours elapsed so far (in the advertiser's time zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tiktok_ads.emulator.data.delivery import split_int
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.model import stable_hash as _h

UTC = dt.timezone.utc
PLAIN = "%Y-%m-%d %H:%M:%S"

CAMPAIGNS_PER_STORE = 2
"""GMV Max campaigns per usable shop: PRODUCT, LIVE, PRODUCT, ..."""

ITEM_GROUPS_PER_CAMPAIGN = 3
"""Products (SPUs, ``item_group_id``) a product campaign promotes."""

ROOMS_PER_CAMPAIGN = 2
"""LIVE rooms (``room_id``) a LIVE campaign's days split over."""

#: base figures of a (campaign, day): cost, net_cost, orders, gross_revenue (cents for money)
BASE_FIELDS = ("cost", "net_cost", "orders", "gross_revenue")
#: product-level extras (item_group_id rows of product campaigns)
PRODUCT_FIELDS = ("product_impressions", "product_clicks")
#: LIVE extras
LIVE_FIELDS = ("live_views", "10_second_live_views", "live_follows")


@dataclass(frozen=True)
class Store:
    """A TikTok Shop an advertiser can see."""

    advertiser: Advertiser
    index: int
    store_id: str
    available: bool


@dataclass(frozen=True)
class GmvCampaign:
    """A GMV Max campaign of one store."""

    store: Store
    index: int
    campaign_id: str
    promotion: str  # "PRODUCT" or "LIVE" (shopping_ads_type)
    create_time: dt.datetime
    modified: dt.datetime

    @property
    def advertiser(self) -> Advertiser:
        """The advertiser the campaign belongs to."""
        return self.store.advertiser

    def modify_time(self, now: dt.datetime) -> dt.datetime:
        """``modify_time`` as seen at ``now`` (the creation time until the one modification happened)."""
        return self.modified if self.modified <= now else self.create_time

    def parts(self) -> list[str]:
        """The campaign's products (item_group_id, PRODUCT) or LIVE rooms (room_id, LIVE)."""
        count = ITEM_GROUPS_PER_CAMPAIGN if self.promotion == "PRODUCT" else ROOMS_PER_CAMPAIGN
        base = 1_729_000_000_000_000_000 if self.promotion == "PRODUCT" else 7_460_000_000_000_000_000
        return [str(base + _h(self.campaign_id, "part", k) % 10**15) for k in range(count)]


def stores(world: World, adv: Advertiser) -> list[Store]:
    """Every shop the advertiser sees (``gmv_max/store/list/``): one usable, and for every other
    advertiser a second one that is not usable for GMV Max."""
    out = [Store(adv, 0, str(7_490_000_000_000_000_000 + adv.index * 101 + 1), True)]
    if adv.index % 2 == 1:
        out.append(Store(adv, 1, str(7_490_000_000_000_000_000 + adv.index * 101 + 2), False))
    return out


def store_dict(store: Store) -> dict[str, Any]:
    """A store as ``gmv_max/store/list/`` lists it."""
    adv = store.advertiser
    bc_id = str(7_200_000_000_000_000_000 + adv.index * 13 + store.index)
    return {
        "store_id": store.store_id,
        "store_name": f"{adv.company.split()[0]} Shop {store.index + 1}",
        "store_code": f"{adv.country}LC{store.index + 1:02d}{adv.index:04d}",
        "thumbnail_url": f"https://p16-oec.example/shop/{store.store_id}.jpeg",
        "store_status": "ACTIVE" if store.available else "INACTIVE",
        "is_gmv_max_available": store.available,
        "store_authorized_bc_id": bc_id,
        "is_owner_bc": store.index == 0,
        "targeting_region_codes": [adv.country],
        "store_authorized_bc_info": {
            "bc_id": bc_id,
            "bc_name": f"{adv.company} BC",
            "bc_profile_image": "",
            "user_role": "ADMIN",
        },
    }


def _campaigns_of(world: World, store: Store) -> list[GmvCampaign]:
    """All campaigns of a store over the timeline (also those not created yet), clock-independent."""
    if not store.available:
        return []
    adv = store.advertiser
    start = dt.datetime.combine(world.history_start, dt.time(0), UTC)
    span = (world.config.days + world.config.future_days) * 86400
    out = []
    for i in range(CAMPAIGNS_PER_STORE):
        seed = (world.config.seed, adv.index, store.index, i)
        created = start + dt.timedelta(seconds=_h(*seed, "c") % span)
        if i == 0:  # the first campaign predates the history, so every loaded day has GMV Max spend
            created = start - dt.timedelta(seconds=3600 + _h(*seed, "c0") % 86400)
        elif i == 1:  # the first LIVE one starts in the first half of the history
            created = start + dt.timedelta(seconds=_h(*seed, "c1") % max(1, world.config.days * 43200))
        # modified once: the first campaign within days, the others within 20 days of their creation
        modified = created + dt.timedelta(seconds=3600 + _h(*seed, "m") % ((3 if i == 0 else 20) * 86400))
        out.append(
            GmvCampaign(
                store=store,
                index=i,
                campaign_id=str(1_830_000_000_000_000 + adv.index * 1000 + store.index * 100 + i),
                promotion="PRODUCT" if i % 2 == 0 else "LIVE",
                create_time=created,
                modified=modified,
            )
        )
    return out


def campaigns(world: World, adv: Advertiser) -> list[GmvCampaign]:
    """The advertiser's GMV Max campaigns that exist now, newest id first (like ``campaign/get/``)."""
    out = [c for s in stores(world, adv) for c in _campaigns_of(world, s) if c.create_time <= world.now]
    return sorted(out, key=lambda c: int(c.campaign_id), reverse=True)


def campaign_summary(world: World, c: GmvCampaign) -> dict[str, Any]:
    """A campaign as ``gmv_max/campaign/get/`` lists it.

    UNSURE: which fields the list carries and which only ``campaign/gmv_max/info/`` has is not documented in
    our sources (the Go SDK uses one struct for both); the split follows peer tools that list campaigns for
    status and ROI protection and ask ``info`` for budget, bid, products and schedule.
    """
    adv = c.advertiser
    return {
        "advertiser_id": adv.advertiser_id,
        "campaign_id": c.campaign_id,
        "campaign_name": f"GMV Max {c.promotion.title()} {c.index + 1} - {adv.company.split()[0]}",
        "operation_status": "ENABLE",
        "secondary_status": "CAMPAIGN_STATUS_ENABLE",
        "objective_type": "PRODUCT_SALES",
        "roi_protection_compensation_status": "IN_EFFECT" if c.index % 3 == 0 else "NOT_ELIGIBLE",
        "create_time": c.create_time.strftime(PLAIN),
        "modify_time": c.modify_time(world.now).strftime(PLAIN),
    }


def campaign_info(world: World, c: GmvCampaign) -> dict[str, Any]:
    """A campaign's details as ``campaign/gmv_max/info/`` answers them (the summary's fields and more)."""
    adv = c.advertiser
    seed = (world.config.seed, adv.index, c.campaign_id)
    changed = c.modified <= world.now  # the one modification raised the budget
    budget = 50 + _h(*seed, "b") % 450 + (50 if changed else 0)
    out = campaign_summary(world, c)
    out.update(
        {
            "store_id": c.store.store_id,
            "store_authorized_bc_id": store_dict(c.store)["store_authorized_bc_id"],
            "shopping_ads_type": c.promotion,
            "product_specific_type": "ALL" if c.promotion == "LIVE" else "CUSTOMIZED_PRODUCTS",
            "item_group_ids": c.parts() if c.promotion == "PRODUCT" else [],
            "optimization_goal": "VALUE",
            "deep_bid_type": "VO_MIN_ROAS",
            "roas_bid": f"{2 + _h(*seed, 'r') % 30 / 10:.1f}",
            "roi_protection_enabled": c.index % 3 == 0,
            "budget": f"{budget}.00",
            "schedule_type": "SCHEDULE_FROM_NOW",
            "schedule_start_time": c.create_time.strftime(PLAIN),
            "schedule_end_time": None,
            "placements": ["PLACEMENT_TIKTOK"],
            "location_ids": [],
            "age_groups": [],
            "product_video_specific_type": "AUTO_SELECTION",
            "affiliate_posts_enabled": c.index % 2 == 0,
        }
    )
    return out


# ---------------------------------------------------------------------------------------------- figures


def _local_now(world: World, adv: Advertiser) -> dt.datetime:
    return world.now.astimezone(ZoneInfo(adv.timezone))


def first_day(c: GmvCampaign) -> dt.date:
    """The campaign's first local day."""
    return c.create_time.astimezone(ZoneInfo(c.advertiser.timezone)).date()


def day_figures(world: World, c: GmvCampaign, day: dt.date) -> dict[str, int]:
    """A campaign's figures for one local day as seen now (money in cents; zeros outside its life).

    About one day in four has cost and no order (GMV Max keeps spending while it learns); LIVE campaigns
    have LIVE views and follows. Today has the hours elapsed so far (whole hours, local time).
    """
    names = (*BASE_FIELDS, *(LIVE_FIELDS if c.promotion == "LIVE" else ()))
    local = _local_now(world, c.advertiser)
    if c.create_time > world.now or day < first_day(c) or day > local.date():
        return dict.fromkeys(names, 0)
    seed = (world.config.seed, c.campaign_id, day.toordinal())
    cost = 500 + _h(*seed, "cost") % 20_000
    orders = 0 if _h(*seed, "no") % 4 == 0 else 1 + _h(*seed, "orders") % 12
    revenue = orders * (800 + _h(*seed, "aov") % 4_000)
    values = {
        "cost": cost,
        "net_cost": cost - cost * (_h(*seed, "credit") % 20) // 100,  # ad credits (ROI protection) off
        "orders": orders,
        "gross_revenue": revenue,
    }
    if c.promotion == "LIVE":
        views = 50 + _h(*seed, "views") % 3_000
        values.update(
            {
                "live_views": views,
                "10_second_live_views": views * (20 + _h(*seed, "10s") % 50) // 100,
                "live_follows": views * (_h(*seed, "fol") % 5) // 100,
            }
        )
    if day == local.date():
        values = {k: v * local.hour // 24 for k, v in values.items()}
    return values


def part_figures(world: World, c: GmvCampaign, day: dt.date) -> dict[str, dict[str, int]]:
    """A campaign-day split over its products (PRODUCT) or LIVE rooms (LIVE): part id -> figures.

    Products also get product-card impressions and clicks, which are 0 for one product in three while it
    still has cost (its spend went to videos whose viewers never opened the card).
    """
    total = day_figures(world, c, day)
    parts = c.parts()
    weights = [1 + _h(world.config.seed, c.campaign_id, p, day.toordinal()) % 9 for p in parts]
    split = {name: split_int(value, weights) for name, value in total.items()}
    out: dict[str, dict[str, int]] = {}
    for k, part in enumerate(parts):
        figures = {name: split[name][k] for name in total}
        if c.promotion == "PRODUCT":
            silent = _h(world.config.seed, c.campaign_id, part, "silent") % 3 == 0
            impressions = 0 if silent else figures["cost"] // 2 + _h(part, day.toordinal(), "imp") % 300
            figures["product_impressions"] = impressions
            figures["product_clicks"] = impressions * (_h(part, day.toordinal(), "clk") % 6) // 100
        out[part] = figures
    return out


def part_hour_figures(world: World, c: GmvCampaign, day: dt.date) -> dict[str, list[dict[str, int]]]:
    """Each product's (or LIVE room's) campaign-day figures split over the 24 local hours: part id -> hours.

    Hours not yet elapsed today are zero. The parts' hours add up to their day exactly, and (through
    :func:`hour_figures`) to the campaign's hours: TikTok reports ``item_group_id`` and ``room_id`` by
    ``stat_time_hour`` too (Doc ID 1824722485971009, product- and livestream-level groupings).
    """
    local = _local_now(world, c.advertiser)
    elapsed = local.hour if day == local.date() else 24
    weights = [(2 + h % 7) if h < elapsed else 0 for h in range(24)]
    out: dict[str, list[dict[str, int]]] = {}
    for part, figures in part_figures(world, c, day).items():
        split = {name: split_int(value, weights) for name, value in figures.items()}
        out[part] = [{name: split[name][h] for name in figures} for h in range(24)]
    return out


def hour_figures(world: World, c: GmvCampaign, day: dt.date) -> list[dict[str, int]]:
    """A campaign-day's figures by local hour: the sum of its parts' hours (:func:`part_hour_figures`)."""
    hours: list[dict[str, int]] = [{} for _ in range(24)]
    for part_hours in part_hour_figures(world, c, day).values():
        for total, figures in zip(hours, part_hours, strict=True):
            for name, value in figures.items():
                total[name] = total.get(name, 0) + value
    return hours


def report_attributes(world: World, c: GmvCampaign, part: str | None) -> dict[str, str]:
    """The attribute metrics of ``gmv_max/report/get/`` for a campaign (``part`` None) or one of its products
    or LIVE rooms (names from Doc ID 1824722485971009, "Attribute metrics"; values from the campaign's details).

    UNSURE: a LIVE room is modelled as one long-running livestream per room, launched when the campaign
    was created and ended (``END``); its duration format follows the doc's example (``14h 1m``).
    """
    info = campaign_info(world, c)
    if part is None:
        out = {
            "campaign_id": c.campaign_id,
            "campaign_name": info["campaign_name"],
            "operation_status": info["operation_status"],
            "schedule_type": "Continuously",  # the doc's only value (SCHEDULE_FROM_NOW campaigns)
            "schedule_start_time": info["schedule_start_time"],
            "schedule_end_time": "",
            "target_roi_budget": info["budget"],
            "max_delivery_budget": "0.00",
            "roas_bid": f"{float(info['roas_bid']):.2f}",
        }
        if c.promotion == "LIVE":
            identity = str(6_900_000_000_000_000_000 + _h(c.campaign_id, "identity") % 10**15)
            out.update(
                tt_account_name=f"live_{identity[-6:]}",
                tt_account_profile_image_url=f"https://p16-sign.example/avatar/live_{identity[-6:]}.jpeg",
                identity_id=identity,
            )
        return out
    if c.promotion == "PRODUCT":
        return {
            "item_group_id": part,
            "product_name": f"Product {part[-4:]}",
            "product_image_url": f"https://p16-oec.example/product/{part}.jpeg",
            "product_status": "available",
        }
    launched = c.create_time.astimezone(ZoneInfo(c.advertiser.timezone))
    minutes = 60 + _h(part, "duration") % 900
    return {
        "live_name": f"LIVE {part[-4:]}",
        "live_status": "END",
        "live_launched_time": launched.strftime(PLAIN),
        "live_duration": f"{minutes // 60}h {minutes % 60}m",
    }

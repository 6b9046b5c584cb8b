"""The emulator's Upgraded Smart+ data: campaigns, ad groups, ads and their creatives' figures.

Every object is a pure function of the seed, the advertiser and its index, and exists once the clock passes
its ``create_time``. The API rules are in :mod:`.api_smart_plus`. Fields follow the Go SDK
``bububa/tiktok-business`` (``model/campaign/smartplus/campaign.go``, ``model/adgroup/smartplus/adgroup.go``,
``model/ad/smartplus/ad.go``) and the official SDK's ``SmartPlusAdgroupCreateBody``.

What is modelled:

- Per advertiser ``1 + index % 2`` Smart+ campaigns, one ad group each, :data:`ADS_PER_ADGROUP` ads per ad
  group, created over the history (the first before it) and modified once; the last ad of the first
  campaign is deleted some days after its creation (``secondary_status`` ``AD_STATUS_DELETE``; listed only with ``primary_status``
  ``STATUS_ALL`` / ``STATUS_DELETE``, as for manual ads).
- **Ads without ``modify_time``**: the first ad of each ad group never changes, and TikTok answers it
  without the field
  (airbyte#65602: Smart+ ads can come back without ``modify_time``; Airbyte drops them). UNSURE: which ads
  lack it at TikTok is unknown; here it is the never-modified ones.
- Each ad shows 2 or 3 videos of its advertiser's library created before it (fewer if the library has
  fewer; ``main_material_id`` = the library's ``video_id``, type ``VIDEO_NON_SPARK_ADS``; UNSURE: that the material id of a non-Spark video is its
  ``video_id``); each (ad, video, local day) has spend, impressions, clicks and conversions while the ad
  lives. Smart+ campaigns are separate from the manual ones of ``campaign/get/`` (UNSURE: at TikTok
  ``campaign/get/`` can list them too, with ``campaign_automation_type``); their spend is not in
  ``report/integrated/get/`` here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from tiktok_ads.emulator.data.assets import PER_ADVERTISER, _library_times, _video_id
from tiktok_ads.emulator.data.delivery import split_int
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.model import stable_hash as _h

UTC = dt.timezone.utc
PLAIN = "%Y-%m-%d %H:%M:%S"

ADS_PER_ADGROUP = 3
FIELDS = ("spend", "impressions", "clicks", "conversion")
"""Base figures of an (ad, material, day): spend in cents, then counts."""


@dataclass(frozen=True)
class SmartObject:
    """A Smart+ campaign, ad group or ad (``kind``), with its times."""

    kind: str
    advertiser: Advertiser
    key: tuple[int, ...]
    object_id: str
    create_time: dt.datetime
    modified: dt.datetime | None  # None: never modified (ads answered without modify_time)
    deleted: dt.datetime | None

    def modify_time(self, now: dt.datetime) -> dt.datetime:
        """``modify_time`` as seen at ``now``: the deletion, the one modification, or the creation."""
        if self.deleted is not None and self.deleted <= now:
            return self.deleted
        if self.modified is not None and self.modified <= now:
            return self.modified
        return self.create_time

    def is_deleted(self, now: dt.datetime) -> bool:
        """Whether the object is deleted at ``now``."""
        return self.deleted is not None and self.deleted <= now


@dataclass(frozen=True)
class Tree:
    """An advertiser's Smart+ objects over the whole timeline (also those not created yet)."""

    campaigns: tuple[SmartObject, ...]
    adgroups: tuple[SmartObject, ...]
    ads: tuple[SmartObject, ...]


def tree(world: World, adv: Advertiser) -> Tree:
    """The advertiser's Smart+ objects (clock-independent, cached per world)."""
    cache: dict[int, Tree] = world.__dict__.setdefault("_smart_plus_trees", {})
    got = cache.get(adv.index)
    if got is None:
        got = _build(world, adv)
        cache[adv.index] = got
    return got


def _build(world: World, adv: Advertiser) -> Tree:
    seed = world.config.seed
    start = dt.datetime.combine(world.history_start, dt.time(0), UTC)
    span = (world.config.days + world.config.future_days) * 86400
    camps, groups, ads = [], [], []
    for c in range(1 + adv.index % 2):
        created = start + dt.timedelta(seconds=_h(seed, adv.index, c, "spc") % span)
        if c == 0:
            created = start - dt.timedelta(seconds=7200 + _h(seed, adv.index, "spc0") % 86400)
        camp = SmartObject(
            "campaign",
            adv,
            (c,),
            str(1_840_000_000_000_000 + adv.index * 1000 + c * 10),
            created,
            created + dt.timedelta(seconds=600 + _h(seed, adv.index, c, "spcm") % (10 * 86400)),
            None,
        )
        camps.append(camp)
        g_created = created + dt.timedelta(seconds=60)
        group = SmartObject(
            "adgroup",
            adv,
            (c, 0),
            str(1_841_000_000_000_000 + adv.index * 1000 + c * 10),
            g_created,
            g_created + dt.timedelta(seconds=600 + _h(seed, adv.index, c, "spgm") % (12 * 86400)),
            None,
        )
        groups.append(group)
        for a in range(ADS_PER_ADGROUP):
            key = (c, 0, a)
            a_created = g_created + dt.timedelta(seconds=120 + _h(seed, adv.index, *key, "spa") % (3 * 86400))
            # the first ad of each ad group never changes (answered without modify_time), the last ad
            # of the first campaign is deleted some days after its creation
            never = a == 0
            deleted = None
            if c == 0 and a == ADS_PER_ADGROUP - 1:
                deleted = a_created + dt.timedelta(days=2 + _h(seed, adv.index, *key, "deld") % 10)
            modified = (
                None
                if never
                else a_created + dt.timedelta(seconds=600 + _h(seed, adv.index, *key, "spam") % (8 * 86400))
            )
            ads.append(
                SmartObject(
                    "ad",
                    adv,
                    key,
                    str(1_842_000_000_000_000 + adv.index * 1000 + c * 10 + a),
                    a_created,
                    modified,
                    deleted,
                )
            )
    return Tree(tuple(camps), tuple(groups), tuple(ads))


def objects(world: World, adv: Advertiser, kind: str, now: dt.datetime | None = None) -> list[SmartObject]:
    """The advertiser's Smart+ objects of ``kind`` that exist at ``now`` (default the clock; deleted ones too),
    newest id first."""
    t = tree(world, adv)
    found = {"campaign": t.campaigns, "adgroup": t.adgroups, "ad": t.ads}[kind]
    return sorted(
        (o for o in found if o.create_time <= (now or world.now)),
        key=lambda o: int(o.object_id),
        reverse=True,
    )


def _parent(world: World, obj: SmartObject, kind: str) -> SmartObject:
    t = tree(world, obj.advertiser)
    pool = t.campaigns if kind == "campaign" else t.adgroups
    size = 1 if kind == "campaign" else 2
    return next(o for o in pool if o.key == obj.key[:size])


def _name(obj: SmartObject, now: dt.datetime) -> str:
    # names never change: ads and ad groups repeat their parents' names, and a parent's change does not
    # change its children's modify_time (UNSURE at TikTok), so a renamed parent would leave stale copies
    label = {"campaign": "Smart+ campaign", "adgroup": "Smart+ ad group", "ad": "Smart+ ad"}[obj.kind]
    return f"{label} {'-'.join(str(k + 1) for k in obj.key)}"


def _changed(obj: SmartObject, now: dt.datetime) -> bool:
    """Whether the object's one modification happened by ``now`` (it changes a field of its own)."""
    return obj.modified is not None and obj.modified <= now


def _status(obj: SmartObject, now: dt.datetime) -> tuple[str, str]:
    prefix = {"campaign": "CAMPAIGN", "adgroup": "ADGROUP", "ad": "AD"}[obj.kind]
    if obj.is_deleted(now):
        return "DISABLE", f"{prefix}_STATUS_DELETE"
    return "ENABLE", f"{prefix}_STATUS_DELIVERY_OK" if obj.kind != "campaign" else "CAMPAIGN_STATUS_ENABLE"


def materials(world: World, ad: SmartObject) -> list[str]:
    """The library videos (``video_id``) an ad shows: 2 or 3 files created before the ad (fewer if fewer)."""
    adv = ad.advertiser
    times = _library_times(world, adv, "video")
    older = [i for i, when in enumerate(times) if when <= ad.create_time] or [0]
    count = min(len(older), 2 + _h(world.config.seed, adv.index, *ad.key, "nmat") % 2)
    first = _h(world.config.seed, adv.index, *ad.key, "mat") % len(older)
    picked = [older[(first + k) % len(older)] for k in range(count)]
    assert len(picked) <= PER_ADVERTISER["video"]
    return [_video_id(adv, i) for i in picked]


def object_dict(world: World, obj: SmartObject, now: dt.datetime | None = None) -> dict[str, Any]:
    """A Smart+ object as its ``smart_plus/<kind>/get/`` lists it at ``now`` (default the world's clock)."""
    now = now or world.now
    adv = obj.advertiser
    operation, secondary = _status(obj, now)
    out: dict[str, Any] = {"advertiser_id": adv.advertiser_id}
    if obj.kind == "campaign":
        out.update(
            {
                "campaign_id": obj.object_id,
                "campaign_name": _name(obj, now),
                "objective_type": "WEB_CONVERSIONS",
                "sales_destination": "WEBSITE",
                "campaign_type": "REGULAR_CAMPAIGN",
                "budget_optimize_on": True,
                "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
                "budget": f"{100 + _h(adv.index, *obj.key, 'bud') % 900 + (50 if _changed(obj, now) else 0)}.00",
                "smart_plus_adgroup_mode": "SINGLE",
            }
        )
    elif obj.kind == "adgroup":
        camp = _parent(world, obj, "campaign")
        out.update(
            {
                "campaign_id": camp.object_id,
                "campaign_name": _name(camp, now),
                "adgroup_id": obj.object_id,
                "adgroup_name": _name(obj, now),
                "optimization_goal": "CONVERT",
                "optimization_event": "SHOPPING",
                "promotion_type": "WEBSITE",
                "billing_event": "OCPM",
                "bid_type": "BID_TYPE_NO_BID",
                "schedule_type": "SCHEDULE_FROM_NOW",
                "schedule_start_time": obj.create_time.strftime(PLAIN),
                "pixel_id": str(7_300_000_000_000_000_000 + adv.index * 17),
                "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
                "targeting_spec": {
                    "location_ids": ["6252001"],
                    "age_groups": ["AGE_18_24", "AGE_25_34", *(["AGE_35_44"] if _changed(obj, now) else [])],
                },
            }
        )
    else:
        group = _parent(world, obj, "adgroup")
        camp = _parent(world, obj, "campaign")
        out.update(
            {
                "campaign_id": camp.object_id,
                "campaign_name": _name(camp, now),
                "adgroup_id": group.object_id,
                "adgroup_name": _name(group, now),
                "smart_plus_ad_id": obj.object_id,
                "ad_name": _name(obj, now),
                "creative_list": [
                    {
                        "creative_info": {"ad_format": "SINGLE_VIDEO", "video_info": {"video_id": vid}},
                        "material_operation_status": "ENABLE",
                    }
                    for vid in materials(world, obj)
                ],
                "ad_text_list": [
                    {"ad_text": f"{adv.company} - {'new in' if _changed(obj, now) else 'shop now'}"}
                ],
                "landing_page_url_list": [
                    {"landing_page_url": f"https://{adv.company.split()[0].lower()}.example"}
                ],
                "ad_configuration": {
                    "identity_type": "CUSTOMIZED_USER",
                    "identity_id": str(7_080_000_000_000_000_000 + adv.index),
                },
            }
        )
    out["operation_status"] = operation
    out["secondary_status"] = secondary
    out["create_time"] = obj.create_time.strftime(PLAIN)
    if not (obj.kind == "ad" and obj.modified is None and obj.deleted is None):
        out["modify_time"] = obj.modify_time(now).strftime(PLAIN)
    return out


# ---------------------------------------------------------------------------------------------- figures


def _local(world: World, adv: Advertiser) -> dt.datetime:
    return world.now.astimezone(ZoneInfo(adv.timezone))


def day_figures(world: World, ad: SmartObject, material: str, day: dt.date) -> dict[str, int]:
    """One (ad, material)'s figures on a local day as seen now; zero outside the ad's life.

    The ad delivers from its creation day to the day before its deletion; today has the hours elapsed.
    """
    zone = ZoneInfo(ad.advertiser.timezone)
    local = _local(world, ad.advertiser)
    first = ad.create_time.astimezone(zone).date()
    last = local.date()
    if ad.deleted is not None and ad.deleted <= world.now:
        last = min(last, ad.deleted.astimezone(zone).date() - dt.timedelta(days=1))
    if ad.create_time > world.now or not first <= day <= last:
        return dict.fromkeys(FIELDS, 0)
    seed = (world.config.seed, ad.object_id, material, day.toordinal())
    impressions = 200 + _h(*seed, "imp") % 20_000
    clicks = impressions * (1 + _h(*seed, "ctr") % 30) // 1000
    values = {
        "spend": impressions * (2 + _h(*seed, "cpm") % 15) // 10,  # cents
        "impressions": impressions,
        "clicks": clicks,
        "conversion": clicks * (_h(*seed, "cvr") % 20) // 100,
    }
    if day == local.date():
        values = {k: v * local.hour // 24 for k, v in values.items()}
    return values


def hour_figures(world: World, ad: SmartObject, material: str, day: dt.date) -> list[dict[str, int]]:
    """An (ad, material)'s day split over its 24 local hours (hours not yet elapsed today are zero)."""
    total = day_figures(world, ad, material, day)
    local = _local(world, ad.advertiser)
    elapsed = local.hour if day == local.date() else 24
    weights = [(3 + h % 5) if h < elapsed else 0 for h in range(24)]
    split = {name: split_int(value, weights) for name, value in total.items()}
    return [{name: split[name][h] for name in total} for h in range(24)]


def lifetime_range(world: World, ad: SmartObject) -> tuple[dt.date, dt.date]:
    """The local days an ad may have figures on (creation day to today)."""
    zone = ZoneInfo(ad.advertiser.timezone)
    return ad.create_time.astimezone(zone).date(), _local(world, ad.advertiser).date()

"""The emulated TikTok Ads world and its timeline: a deterministic, lazily generated world with a clock.

Everything is a pure function of ``WorldConfig`` (seed and sizes) and the clock ``World.now``:

- **Advertisers** differ in time zone (UTC-12 to UTC+14, some with DST) and currency, and in how their
  delivery spreads over audience buckets (``Advertiser.weights``).
- **Campaigns, ad groups and ads** are created over the history (and some in the future, so they appear
  as the clock moves), are modified a few times (``modify_time``, UTC) and some are deleted; deleting a
  parent deletes its children. An entity exists once ``now`` passes its ``create_time``; its visible
  version is the latest modification before ``now``.

What the ads deliver is ``delivery.py`` (``world.delivery``); report queries over it are ``report_rows.py``
(``world.report`` / ``world.report_engine``), spelled as TikTok does by ``wire.py``. Nothing is materialised up
front: ads are generated per advertiser on first use.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.entity_extras import ad_extras, adgroup_extras, campaign_extras

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.delivery import Delivery
    from tiktok_ads.emulator.data.report_rows import ReportEngine

UTC = dt.timezone.utc
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

#: Time zones given to advertisers in turn: DST zones, the extremes UTC-12 and UTC+14, half hours.
TIMEZONES: tuple[str, ...] = (
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Etc/GMT+12",
    "Pacific/Kiritimati",
    "Europe/London",
    "UTC",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "America/New_York",
    "Asia/Jakarta",
)
CURRENCIES: dict[str, str] = {
    "America/Los_Angeles": "USD",
    "Asia/Tokyo": "JPY",
    "Etc/GMT+12": "USD",
    "Pacific/Kiritimati": "AUD",
    "Europe/London": "GBP",
    "UTC": "EUR",
    "Australia/Sydney": "AUD",
    "America/Sao_Paulo": "BRL",
    "Asia/Kolkata": "INR",
    "America/New_York": "USD",
    "Asia/Jakarta": "IDR",
}
COUNTRIES: dict[str, str] = {
    "USD": "US",
    "JPY": "JP",
    "AUD": "AU",
    "GBP": "GB",
    "EUR": "DE",
    "BRL": "BR",
    "INR": "IN",
    "IDR": "ID",
}
_COMPANY_WORDS = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Soylent",
    "Vandelay",
)
_OBJECTIVES = ("TRAFFIC", "WEB_CONVERSIONS", "APP_PROMOTION", "REACH", "VIDEO_VIEWS", "LEAD_GENERATION")
_OPT_GOALS = {
    "TRAFFIC": "CLICK",
    "WEB_CONVERSIONS": "CONVERT",
    "APP_PROMOTION": "INSTALL",
    "REACH": "REACH",
    "VIDEO_VIEWS": "ENGAGED_VIEW",
    "LEAD_GENERATION": "LEAD_GENERATION",
}
#: Per objective: the ad group's ``promotion_type`` and the report's ``promotion_type`` display name.
PROMOTION_TYPES: dict[str, tuple[str, str]] = {
    "TRAFFIC": ("WEBSITE", "Website"),
    "WEB_CONVERSIONS": ("WEBSITE", "Website"),
    "APP_PROMOTION": ("APP_ANDROID", "App"),
    "REACH": ("WEBSITE", "Website"),
    "VIDEO_VIEWS": ("WEBSITE", "Website"),
    "LEAD_GENERATION": ("LEAD_GENERATION", "Lead Generation"),
}
_CTAS = ("LEARN_MORE", "SHOP_NOW", "DOWNLOAD_NOW", "SIGN_UP", "CONTACT_US")

KINDS = ("campaign", "adgroup", "ad")

#: Buckets real answers carry beyond a breakdown's ordinary values (``metrics.BREAKDOWN_VALUES``).
#: ``country_code`` ``"None"``: delivery TikTok cannot attribute to a country, a bucket of its own (a captured
#: production answer by ``country_code``, Nov 2025, has ``"country_code": "None"`` rows next to ``"ID"``;
#: UNSURE how large it is: we give it a small share of every advertiser's figures). ``"NA"`` is Namibia, an
#: ISO code that looks like a placeholder; some advertisers deliver there.
EXTRA_BUCKETS: dict[str, tuple[str, ...]] = {"country_code": ("NA", "None")}


def bucket_values(dim: str) -> tuple[str, ...]:
    """Every value a report breakdown ``dim`` can take, TikTok's placeholder buckets included."""
    return m.BREAKDOWN_VALUES[dim] + EXTRA_BUCKETS.get(dim, ())


def stable_hash(*parts: object) -> int:
    """A stable 64-bit hash of the parts (Python's ``hash`` is salted per process): the world's dice."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _fmt_time(when: dt.datetime) -> str:
    return when.astimezone(UTC).strftime(TIME_FORMAT)


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (cached: looked up per report row)."""
    return ZoneInfo(name)


@dataclass(frozen=True)
class WorldConfig:
    """Sizes and seed of an emulated world; the same config always gives the same data."""

    seed: int = 1
    advertisers: int = 3
    campaigns: int = 2
    adgroups: int = 2
    ads: int = 2
    days: int = 60
    today: dt.date | None = None
    #: Share of entities deleted at some point of the timeline.
    delete_rate: float = 0.15
    #: Entities keep being created this many days after ``today`` (they appear as the clock moves).
    future_days: int = 15

    def cli_args(self) -> list[str]:
        """The ``python -m tiktok_ads.emulator`` arguments that build this world (sizes, seed, today).

        Returns:
            The arguments (``--today`` only when set); ``delete_rate`` and ``future_days`` have no option.
        """
        args = [
            f"--{name}={getattr(self, name)}"
            for name in ("seed", "advertisers", "campaigns", "adgroups", "ads", "days")
        ]
        return args + ([f"--today={self.today.isoformat()}"] if self.today is not None else [])


@dataclass(frozen=True)
class Credentials:
    """The developer app and the long-lived token of an emulated world."""

    app_id: str
    secret: str
    access_token: str
    auth_code: str

    def __repr__(self) -> str:
        return f"Credentials(app_id={self.app_id!r}, secret='***', access_token='***', auth_code='***')"


@dataclass
class Advertiser:
    """An emulated ad account."""

    index: int
    advertiser_id: str
    name: str
    company: str
    timezone: str
    currency: str
    country: str
    create_time: int
    weights: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Entity:
    """A campaign, ad group or ad with its timeline (creation, modifications, deletion)."""

    kind: str
    key: tuple[int, ...]
    entity_id: str
    advertiser: Advertiser
    parent: Entity | None
    create_time: dt.datetime
    mod_times: list[dt.datetime]
    own_deleted_at: dt.datetime | None
    deleted_at: dt.datetime | None
    objective: str
    has_secondary_goal: bool = False
    #: ``AUCTION``, ``RESERVATION_RF`` (Reach & Frequency) or ``RESERVATION_TOP_VIEW``: set on the campaign,
    #: inherited by its ad groups and ads (a reservation campaign holds reservation ad groups: the campaign's
    #: ``rf_campaign_type`` STANDARD / PULSE / TOPVIEW names the kind, [BB] model/campaign/campaign.go; UNSURE:
    #: no page says an auction campaign cannot hold a TopView ad group, none describes one that does)
    buying_type: str = "AUCTION"
    children: list[Entity] = field(default_factory=list)
    #: first and last day of delivery as proleptic ordinals, last ignoring the clock
    first_day: int = 0
    last_day: int = 0
    #: (ad index range) for fast aggregation at higher levels
    ad_lo: int = 0
    ad_hi: int = 0
    #: typical daily impressions of an ad
    scale: int = 1000
    #: seed and key, the prefix of the per-day hash of an ad's figures
    hash_prefix: bytes = b""

    def version(self, now: dt.datetime) -> int:
        """Index of the version visible at ``now`` (0 = as created)."""
        return bisect.bisect_right(self.mod_times, now) - 1

    def modify_time(self, now: dt.datetime) -> dt.datetime:
        """The ``modify_time`` visible at ``now``."""
        return self.mod_times[max(self.version(now), 0)]

    def exists(self, now: dt.datetime) -> bool:
        """Whether the entity has been created by ``now``."""
        return self.create_time <= now

    def is_deleted(self, now: dt.datetime) -> bool:
        """Whether the entity (or a parent) has been deleted by ``now``."""
        return self.deleted_at is not None and self.deleted_at <= now

    def disabled(self, now: dt.datetime) -> bool:
        """Whether the visible version is paused (``operation_status`` DISABLE)."""
        v = self.version(now)
        return v > 0 and stable_hash(*self.key, "op", v) % 5 == 0


#: (create_time, modification times, own deletion, deletion own or cascaded) of an entity
Timeline = tuple[dt.datetime, list[dt.datetime], dt.datetime | None, dt.datetime | None]


def _entity(
    kind: str,
    key: tuple[int, ...],
    entity_id: str,
    adv: Advertiser,
    parent: Entity | None,
    timeline: Timeline,
    days: Callable[[dt.datetime, dt.datetime | None], tuple[int, int]],
    objective: str,
    buying_type: str,
    *,
    has_secondary_goal: bool,
) -> Entity:
    """An entity with its timeline and its delivery days (``days`` of its creation and deletion)."""
    create, mods, own_deleted, deleted = timeline
    ent = Entity(
        kind=kind,
        key=key,
        entity_id=entity_id,
        advertiser=adv,
        parent=parent,
        create_time=create,
        mod_times=mods,
        own_deleted_at=own_deleted,
        deleted_at=deleted,
        objective=objective,
        buying_type=buying_type,
        has_secondary_goal=has_secondary_goal,
    )
    ent.first_day, ent.last_day = days(create, deleted)
    return ent


BUYING_TYPES: tuple[str, ...] = ("AUCTION", "RESERVATION_RF", "RESERVATION_TOP_VIEW")
"""Buying types of campaigns (``filtering.buying_types`` of campaign/get, adgroup/get, ad/get)."""


def _buying_type(advertiser_index: int, campaign_index: int) -> str:
    """Which campaigns are reservations: a few, at fixed places, so small test worlds have each kind.

    Campaign 0 of every advertiser stays an auction (it carries the data every test relies on); then TopView
    and Reach & Frequency campaigns come in turn.
    """
    if campaign_index == 0:
        return "AUCTION"
    return {1: "RESERVATION_TOP_VIEW", 2: "RESERVATION_RF"}.get(
        (advertiser_index + campaign_index) % 4, "AUCTION"
    )


def is_deleted(entity: dict[str, object]) -> bool:
    """Whether an entity dict as the API returns it is deleted (itself or through a parent)."""
    return "DELETE" in str(entity.get("secondary_status", ""))


def primary_status(kind: str, entity: dict[str, object]) -> str:
    """The primary status of an entity dict: STATUS_DELETE, STATUS_DISABLE or STATUS_DELIVERY_OK."""
    status = str(entity.get("secondary_status", ""))
    if "DELETE" in status:
        return "STATUS_DELETE"
    if "DISABLE" in status:
        return "STATUS_DISABLE"
    return "STATUS_DELIVERY_OK"


class World:
    """A deterministic emulated TikTok Ads world with a movable clock."""

    def __init__(self, config: WorldConfig | None = None) -> None:
        """Create the world; advertisers are generated now, everything else lazily."""
        self.config = config or WorldConfig()
        today = self.config.today or dt.datetime.now(UTC).date()
        self.initial_today = today
        self.history_start = today - dt.timedelta(days=self.config.days)
        self._horizon = dt.datetime.combine(
            today + dt.timedelta(days=self.config.future_days), dt.time(12), UTC
        )
        self.now = dt.datetime.combine(today, dt.time(12), UTC)
        seed = self.config.seed
        h = hashlib.sha256(f"tiktok-emulator-{seed}".encode()).hexdigest()
        self.credentials = Credentials(
            app_id=str(7_100_000_000_000_000_000 + seed % 1_000_000_000),
            secret=h[:40],
            access_token="act." + h[24:64],
            auth_code="auth." + h[8:40],
        )
        self.advertisers: list[Advertiser] = [
            self._make_advertiser(i) for i in range(self.config.advertisers)
        ]
        self._by_id = {a.advertiser_id: a for a in self.advertisers}
        #: guards the lazily filled caches of the world, its delivery and its reports (the server is threaded)
        self.lock = threading.RLock()
        self._entities: dict[str, dict[str, list[Entity]]] = {}
        self._index: dict[str, dict[str, Entity]] = {}
        # here, not at the top: both modules build on this one's Advertiser and Entity
        from tiktok_ads.emulator.data.delivery import Delivery
        from tiktok_ads.emulator.data.report_rows import ReportEngine

        #: what each ad delivers per day and hour (see delivery.py)
        self.delivery: Delivery = Delivery(self)
        #: report queries over the delivery (see report_rows.py)
        self.report_engine: ReportEngine = ReportEngine(self, self.delivery)
        #: run a (valid) report query for one advertiser: :meth:`.report_rows.ReportEngine.report`
        self.report = self.report_engine.report

    # ------------------------------------------------------------------ clock
    def set_today(self, day: dt.date) -> None:
        """Move the clock to ``day`` 12:00 UTC (data of recent days restates, new entities appear)."""
        self.set_now(dt.datetime.combine(day, dt.time(12), UTC))

    def set_now(self, when: dt.datetime) -> None:
        """Move the clock to an exact instant (naive datetimes are taken as UTC)."""
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        with self.lock:
            self.now = when.astimezone(UTC)
            self.delivery.clock_moved()
            self.report_engine.clock_moved()

    def local_now(self, advertiser_id: str) -> dt.datetime:
        """The advertiser's wall-clock time now."""
        return self.now.astimezone(zone(self._by_id[advertiser_id].timezone))

    def local_today(self, advertiser_id: str) -> dt.date:
        """The advertiser's current date in its own time zone."""
        return self.local_now(advertiser_id).date()

    # ------------------------------------------------------------ advertisers
    def _make_advertiser(self, i: int) -> Advertiser:
        seed = self.config.seed
        tz = TIMEZONES[i % len(TIMEZONES)]
        currency = CURRENCIES[tz]
        rng = random.Random(stable_hash(seed, "adv", i))
        word = _COMPANY_WORDS[(i + seed) % len(_COMPANY_WORDS)]
        created = dt.datetime.combine(self.history_start, dt.time(9), UTC) - dt.timedelta(
            days=10 + rng.randrange(300), seconds=rng.randrange(86400)
        )
        adv = Advertiser(
            index=i,
            advertiser_id=str(7_000_000_000_000_000_000 + (seed % 1000) * 1_000_000_000 + i * 7919 + 11),
            name=f"{word} {currency} #{i + 1}",
            company=f"{word} Inc.",
            timezone=tz,
            currency=currency,
            country=COUNTRIES[currency],
            create_time=int(created.timestamp()),
        )
        for dim, values in m.BREAKDOWN_VALUES.items():
            if dim in m.HASHED_WEIGHTS:
                adv.weights[dim] = [
                    1 + stable_hash(seed, "weights", i, dim, k) % 20 for k in range(len(values))
                ]
                continue
            weights = [1 + rng.randrange(20) for _ in values]
            if dim in ("country_code", "language", "province_id"):
                keep = max(2, len(values) // 2 + rng.randrange(3) - 1)
                for k in range(keep, len(values)):
                    weights[k] = 0
                weights = [w if w else 0 for w in weights]
            for extra in EXTRA_BUCKETS.get(dim, ()):
                # drawn apart from the ordinary weights (which stay as they were); "None" always gets a share
                draw = stable_hash(seed, "extra-bucket", i, dim, extra) % 4
                weights.append(1 if extra == "None" else (draw if i % 2 else 0))
            adv.weights[dim] = weights
        return adv

    def advertiser(self, advertiser_id: str) -> Advertiser | None:
        """The advertiser with that id, or None."""
        return self._by_id.get(str(advertiser_id))

    @property
    def business_center_id(self) -> str:
        """The id of the world's one Business Center (``bc/get/``, ``owner_bc_id``)."""
        return str(7_300_000_000_000_000_000 + (self.config.seed % 1_000_000) * 1000 + 1)

    def in_business_center(self, adv: Advertiser) -> bool:
        """Whether the Business Center owns ``adv``: every advertiser but the last (all when there is one),
        so a world has an account outside any BC too."""
        return len(self.advertisers) == 1 or adv.index != self.advertisers[-1].index

    def advertiser_info(self, advertiser_id: str) -> dict[str, object]:
        """The full ``advertiser/info/`` object of an advertiser."""
        a = self._by_id[advertiser_id]
        rng = random.Random(stable_hash(self.config.seed, "advinfo", a.index))
        return {
            "advertiser_id": a.advertiser_id,
            "name": a.name,
            "company": a.company,
            "status": "STATUS_ENABLE",
            "role": "ROLE_ADVERTISER",
            "advertiser_account_type": "AUCTION",
            "currency": a.currency,
            "timezone": a.timezone,
            "display_timezone": a.timezone,
            "country": a.country,
            "industry": str(290000 + rng.randrange(9999)),
            "language": "en",
            "balance": round(rng.uniform(0, 50_000), 2),
            "create_time": a.create_time,
            "email": f"a***@{a.company.split()[0].lower()}.example",
            "cellphone_number": "+1415****" + str(10 + rng.randrange(89)),
            "telephone_number": "+1415****" + str(10 + rng.randrange(89)),
            "contacter": "Jo***",
            "address": f"{1 + rng.randrange(999)} Market St",
            "description": f"https://{a.company.split()[0].lower()}.example",
            "rejection_reason": "",
            "license_no": "",
            "license_url": None,
            "license_city": None,
            "license_province": None,
            "promotion_area": "0",
            "promotion_center_city": None,
            "promotion_center_province": None,
            "brand": None,
            # the Business Center owning the account (see .business_center); none for an account outside it
            "owner_bc_id": self.business_center_id if self.in_business_center(a) else None,
            "company_name_editable": False,
            # bububa model/advertiser/advertiser.go: custom identities allowed; "Show through ads only" enforced for
            # Spark Ads Push (an allowlist-only feature, so off)
            "can_use_custom_identity": True,
            "ads_only_mode": False,
        }

    # --------------------------------------------------------------- entities
    def _ensure(self, adv: Advertiser) -> dict[str, list[Entity]]:
        with self.lock:
            got = self._entities.get(adv.advertiser_id)
            if got is None:
                got = self._generate(adv)
                self._entities[adv.advertiser_id] = got
                self._index[adv.advertiser_id] = {e.entity_id: e for k in KINDS for e in got[k]}
            return got

    def _timeline(self, key: tuple[int, ...], start: dt.datetime, parent: Entity | None) -> Timeline:
        rng = random.Random(stable_hash(self.config.seed, "timeline", *key))
        horizon = self._horizon
        span = max((horizon - start).total_seconds(), 3600.0)
        create = start + dt.timedelta(seconds=int(rng.random() * min(span, 5 * 86400.0 if parent else span)))
        own_deleted: dt.datetime | None = None
        if rng.random() < self.config.delete_rate:
            own_deleted = create + dt.timedelta(seconds=int(3600 + rng.random() * max(span - 3600, 1)))
        mods = [create]
        for _ in range(rng.randrange(4)):
            t = create + dt.timedelta(seconds=int(60 + rng.random() * max(span, 60)))
            if own_deleted is None or t < own_deleted:
                mods.append(t)
        deleted = own_deleted
        if (
            parent is not None
            and parent.deleted_at is not None
            and (deleted is None or parent.deleted_at < deleted)
        ):
            deleted = parent.deleted_at
        if deleted is not None:
            # Deletion (own or cascaded from a parent) is itself a modification. UNSURE: whether TikTok
            # bumps a child's modify_time when its parent is deleted; we do, so loaders that key on
            # modify_time see the status change.
            mods = [t for t in mods if t < deleted] + [max(deleted, create)]
        mods.sort()
        return create, mods, own_deleted, deleted

    def _generate(self, adv: Advertiser) -> dict[str, list[Entity]]:
        cfg = self.config
        seed = cfg.seed
        tz = zone(adv.timezone)
        hist = dt.datetime.combine(self.history_start, dt.time(0), UTC)
        out: dict[str, list[Entity]] = {k: [] for k in KINDS}
        ad_counter = 0

        def days(ent_create: dt.datetime, deleted: dt.datetime | None) -> tuple[int, int]:
            first = ent_create.astimezone(tz).date().toordinal()
            last = (
                deleted.astimezone(tz).date().toordinal() - 1 if deleted is not None else 10**7
            )  # not delivering on its deletion day
            return first, last

        for c in range(cfg.campaigns):
            key = (adv.index, c)
            create, mods, own_del, deleted = self._timeline(key, hist, None)
            if c == 0:  # the first campaign of each advertiser is old and never deleted: there is data
                create = hist + dt.timedelta(hours=1)
                mods = sorted({create, *[t for t in mods[1:] if t > create]})
                own_del = deleted = None
            objective = _OBJECTIVES[stable_hash(seed, *key, "obj") % len(_OBJECTIVES)]
            camp = _entity(
                "campaign", key, f"171{adv.index:03d}{c:04d}", adv, None, (create, mods, own_del, deleted), days,
                objective, _buying_type(adv.index, c), has_secondary_goal=False,
            )  # fmt: skip
            camp.ad_lo = ad_counter
            out["campaign"].append(camp)
            for g in range(cfg.adgroups):
                group = self._child(
                    "adgroup", (adv.index, c, g), f"172{adv.index:03d}{c:04d}{g:03d}", camp, days,
                    has_secondary_goal=stable_hash(seed, adv.index, c, g, "sec") % 3 == 0,
                )  # fmt: skip
                group.ad_lo = ad_counter
                out["adgroup"].append(group)
                for k in range(cfg.ads):
                    akey = (adv.index, c, g, k)
                    ad = self._child("ad", akey, f"173{adv.index:03d}{c:04d}{g:03d}{k:04d}", group, days)
                    ad.scale = 300 + stable_hash(seed, "scale", *akey) % 20_000
                    ad.hash_prefix = f"{seed}|{akey}".encode()
                    ad.ad_lo, ad.ad_hi = ad_counter, ad_counter + 1
                    ad_counter += 1
                    out["ad"].append(ad)
                group.ad_hi = ad_counter
            camp.ad_hi = ad_counter
        for kind in KINDS:
            out[kind].sort(key=lambda e: int(e.entity_id), reverse=True)
        return out

    def _child(
        self,
        kind: str,
        key: tuple[int, ...],
        entity_id: str,
        parent: Entity,
        days: Callable[[dt.datetime, dt.datetime | None], tuple[int, int]],
        has_secondary_goal: bool | None = None,
    ) -> Entity:
        """An ad group or ad under ``parent``, with its timeline and delivery days, added to its children."""
        child = _entity(
            kind, key, entity_id, parent.advertiser, parent, self._timeline(key, parent.create_time, parent), days,
            parent.objective, parent.buying_type,
            has_secondary_goal=parent.has_secondary_goal if has_secondary_goal is None else has_secondary_goal,
        )  # fmt: skip
        parent.children.append(child)
        return child

    def entity_objects(self, kind: str, advertiser_id: str) -> list[Entity]:
        """All entities of a kind of an advertiser, on the whole timeline (ignoring the clock)."""
        adv = self._by_id[advertiser_id]
        return self._ensure(adv)[kind]

    def entities(
        self, kind: str, advertiser_id: str, now: dt.datetime | None = None
    ) -> list[dict[str, object]]:
        """API dicts of the entities created by ``now`` (default: the clock), deleted ones included.

        Sorted by id descending, as TikTok sorts its lists.
        """
        when = now or self.now
        return [self.entity_dict(e, when) for e in self.entity_objects(kind, advertiser_id) if e.exists(when)]

    def entity(self, advertiser_id: str, entity_id: str) -> Entity | None:
        """Look an entity up by id."""
        adv = self._by_id.get(advertiser_id)
        if adv is None:
            return None
        self._ensure(adv)
        return self._index[advertiser_id].get(entity_id)

    def entity_name(self, e: Entity) -> str:
        """The entity's name (stable over its versions)."""
        if e.kind == "campaign":
            return f"{e.objective.title().replace('_', ' ')} campaign {e.key[1] + 1}"
        if e.kind == "adgroup":
            return f"Ad group {'-'.join(str(k + 1) for k in e.key[1:3])}"
        return f"Ad {'-'.join(str(k + 1) for k in e.key[1:])}"

    def _secondary_status(self, e: Entity, now: dt.datetime) -> str:
        prefix = {"campaign": "CAMPAIGN_STATUS", "adgroup": "ADGROUP_STATUS", "ad": "AD_STATUS"}[e.kind]
        if e.is_deleted(now):
            if e.own_deleted_at is not None and e.own_deleted_at == e.deleted_at:
                return f"{prefix}_DELETE"
            anc = e.parent
            while (
                anc is not None
                and anc.parent is not None
                and anc.parent.is_deleted(now)
                and (anc.parent.deleted_at == e.deleted_at)
            ):
                anc = anc.parent
            return f"{prefix}_{(anc.kind if anc else 'campaign').upper()}_DELETE"
        if e.disabled(now):
            return f"{prefix}_DISABLE"
        anc = e.parent
        while anc is not None:
            if anc.disabled(now):
                return f"{prefix}_{anc.kind.upper()}_DISABLE"
            anc = anc.parent
        return "CAMPAIGN_STATUS_ENABLE" if e.kind == "campaign" else f"{prefix}_DELIVERY_OK"

    def entity_dict(self, e: Entity, now: dt.datetime | None = None) -> dict[str, object]:
        """The API object of an entity as visible at ``now``."""
        when = now or self.now
        v = max(e.version(when), 0)
        rng = random.Random(stable_hash(self.config.seed, "attrs", *e.key, v))
        adv = e.advertiser
        common: dict[str, object] = {
            "advertiser_id": adv.advertiser_id,
            "operation_status": "DISABLE" if e.disabled(when) else "ENABLE",
            "secondary_status": self._secondary_status(e, when),
            "create_time": _fmt_time(e.create_time),
            "modify_time": _fmt_time(e.modify_time(when)),
            "is_new_structure": True,
        }
        promo, _ = PROMOTION_TYPES[e.objective]
        if e.kind == "campaign":
            budget_mode = ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_INFINITE")[rng.randrange(3)]
            return {
                "campaign_id": e.entity_id,
                "campaign_name": self.entity_name(e),
                "campaign_type": "REGULAR_CAMPAIGN",
                "objective_type": e.objective,
                "objective": "APP" if e.objective == "APP_PROMOTION" else "LANDING_PAGE",
                "budget_mode": budget_mode,
                "budget": 0.0
                if budget_mode == "BUDGET_MODE_INFINITE"
                else float(50 + 10 * rng.randrange(50)),
                "budget_optimize_on": False,
                "roas_bid": 0.0,
                "deep_bid_type": None,
                "is_smart_performance_campaign": False,
                "is_search_campaign": False,
                "campaign_automation_type": "MANUAL",
                "special_industries": [],
                **campaign_extras(e.objective, e.buying_type, False),
                **common,
            }
        camp = e if e.parent is None else (e.parent if e.parent.parent is None else e.parent.parent)
        if e.kind == "adgroup":
            return {
                "campaign_id": camp.entity_id,
                "campaign_name": self.entity_name(camp),
                "adgroup_id": e.entity_id,
                "adgroup_name": self.entity_name(e),
                "budget_mode": "BUDGET_MODE_DAY",
                "budget": float(20 + 5 * rng.randrange(40)),
                "schedule_type": "SCHEDULE_FROM_NOW",
                "schedule_start_time": _fmt_time(e.create_time),
                "schedule_end_time": None,
                "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
                "placements": ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"],
                "promotion_type": promo,
                "optimization_goal": _OPT_GOALS[e.objective],
                "secondary_optimization_event": "ON_WEB_REGISTER" if e.has_secondary_goal else None,
                "billing_event": "OCPM" if e.objective != "TRAFFIC" else "CPC",
                "bid_type": "BID_TYPE_NO_BID",
                "bid_price": 0.0,
                "pacing": "PACING_MODE_SMOOTH",
                "location_ids": ["6252001"],
                "age_groups": ["AGE_18_24", "AGE_25_34", "AGE_35_44"],
                "gender": "GENDER_UNLIMITED",
                "languages": ["en"],
                "operating_systems": [],
                "comment_disabled": False,
                "click_attribution_window": "SEVEN_DAYS",
                "view_attribution_window": "ONE_DAY",
                # the first of the advertiser's pixels (assets.pixels) and custom audiences (assets.audiences)
                **adgroup_extras(
                    rng,
                    e.objective,
                    e.buying_type,
                    str(7_600_000_000_000_000_000 + adv.index * 100),
                    [str(1_600_000_000 + adv.index * 1000 + i) for i in range(2)],
                ),
                **common,
            }
        group = e.parent
        assert group is not None
        from tiktok_ads.emulator.data.assets import creative_of_ad  # here: assets imports this module
        from tiktok_ads.emulator.rules.spark_ads import ad_identity

        video_id, image_id = creative_of_ad(self, adv, e.key, e.create_time)
        return {
            "campaign_id": camp.entity_id,
            "campaign_name": self.entity_name(camp),
            "adgroup_id": group.entity_id,
            "adgroup_name": self.entity_name(group),
            "ad_id": e.entity_id,
            "ad_name": self.entity_name(e),
            "ad_format": "SINGLE_VIDEO",
            "ad_text": f"{adv.company.split()[0]} — offer {e.key[-1] + 1}",
            "call_to_action": _CTAS[rng.randrange(len(_CTAS))],
            "landing_page_url": f"https://{adv.company.split()[0].lower()}.example/p/{e.key[-1]}",
            "display_name": adv.company.split()[0],
            "video_id": video_id,
            "image_ids": [image_id],
            "is_aco": False,
            "creative_authorized": True,
            **ad_extras(
                rng,
                e.objective,
                7_400_000_000_000_000 + adv.index,
                7_600_000_000_000_000_000 + adv.index * 100,
            ),
            # after the extras (which hold the identity fields' defaults): CUSTOMIZED_USER, or a Spark Ad's
            # AUTH_CODE identity with its post (tiktok_item_id)
            **ad_identity(self, adv, e.key),
            **common,
        }

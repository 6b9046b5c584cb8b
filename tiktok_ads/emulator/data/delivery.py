"""What each ad delivers: the base figures per ad and day, and their sums per level, hour and audience bucket.

Every figure is a pure function of the world's seed, the ad and the day, seen at the world's clock:

- each ad has integer base figures (see ``metrics.BASE_FIELDS``) for every day of its life, in its
  advertiser's time zone, from its creation day up to the day before it was deleted, and never past the
  advertiser's local today;
- today's figures are partial (only the hours elapsed), and conversion-like fields of the last
  ``ATTRIBUTION_DAYS`` days are restated as the clock moves (late attribution);
- higher levels are exact sums of their ads; hours and audience buckets are exact integer splits (largest
  remainder) of the ad's day, so additive metrics agree across every grain. Reach is the exception (unique
  users, see ``_dedupe_reach``).

Figures are vectors: the core fields of ``metrics.BASE_FIELDS`` then the extension fields a report asks for
(``metrics.ext_fields_for``), derived per ad from their parents. ``wire.py`` turns them into TikTok's strings.
"""

from __future__ import annotations

import hashlib
import struct
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.model import Advertiser, Entity, bucket_values, zone

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import World

#: Base money units (whole rupiah) per US cent of the other advertisers' figures, so IDR amounts look real
#: (see ``wire.WHOLE_UNIT_CURRENCIES``).
_UNITS_PER_CENT: dict[str, int] = {"IDR": 160}
#: How an ad's day splits over its 24 local hours (evenings deliver most).
_HOUR_WEIGHTS: tuple[int, ...] = (  # fmt: skip
    3,
    2,
    1,
    1,
    1,
    1,
    2,
    3,
    4,
    5,
    5,
    6,
    6,
    6,
    6,
    6,
    7,
    8,
    9,
    10,
    10,
    9,
    7,
    5,
)


def split_int(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``weights`` that sum exactly to ``total``.

    Largest-remainder method with ties broken by position, so the split is deterministic.
    """
    wsum = sum(weights)
    if total == 0 or wsum == 0:
        return [0] * len(weights)
    parts = [total * w // wsum for w in weights]
    short = total - sum(parts)
    if short:
        rems = sorted([(-(total * w % wsum), i) for i, w in enumerate(weights)])
        for _, i in rems[:short]:
            parts[i] += 1
    return parts


def _add(a: Sequence[int], b: Sequence[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


_NCORE = len(m.BASE_FIELDS)
_ZERO: tuple[int, ...] = (0,) * _NCORE
_U16 = struct.Struct(">32H")
_REACH = m.BASE_INDEX["reach"]
_VALUE = m.BASE_INDEX["total_purchase_value"]
_PAYMENT = m.BASE_INDEX["complete_payment"]
_RESTATED_IDX: tuple[int, ...] = tuple(m.BASE_INDEX[f] for f in m.RESTATED_FIELDS)


def _zero(ext: tuple[str, ...]) -> list[int]:
    """A zero vector for the core fields and the extension fields ``ext``."""
    return [0] * (_NCORE + len(ext))


def _dedupe_reach(vec: list[int], children: int) -> list[int]:
    """Reach is unique users: across several ads/days it is less than the sum (UV, not additive)."""
    if children > 1:
        vec[_REACH] -= vec[_REACH] // 5
    return vec


class Delivery:
    """The figures of a world's ads at its clock, with the caches that make reports fast.

    One per ``World`` (``world.delivery``); the world tells it when its clock moves (``clock_moved``).
    """

    def __init__(self, world: World) -> None:
        """Figures of ``world`` (its clock and lock are shared)."""
        self._world = world
        self._lock = world.lock
        self._day_cache: OrderedDict[tuple[object, ...], list[int]] = OrderedDict()
        self._cache_size = 200_000
        self._local_cache: dict[int, tuple[int, int]] = {}
        self._final_cache: dict[tuple[object, ...], tuple[int, ...]] = {}
        # per (ad, extension fields): how each extension field derives from its parent (clock-independent)
        self._plan_cache: dict[tuple[object, ...], list[tuple[int, int, bool]]] = {}

    def clock_moved(self) -> None:
        """Forget what depends on the clock (partial today, restatement, local dates); under the world's lock."""
        self._day_cache.clear()
        self._local_cache.clear()

    def final(self, ad: Entity, day: int) -> tuple[int, ...]:
        """The final (fully attributed, whole-day) base figures of an ad on a day (cached)."""
        key = (ad.key, day)
        got = self._final_cache.get(key)
        if got is None:
            got = self._generate_final(ad, day)
            if len(self._final_cache) >= self._cache_size:
                self._final_cache.clear()
            self._final_cache[key] = got
        return got

    def _generate_final(self, ad: Entity, day: int) -> tuple[int, ...]:
        # One 64-byte hash gives 32 uniform draws: far cheaper than seeding a random.Random per ad-day.
        digest = hashlib.blake2b(b"%s|%d" % (ad.hash_prefix, day), digest_size=64).digest()
        u = [x / 65536.0 for x in _U16.unpack(digest)]
        if u[0] < 0.08:
            return _ZERO
        imp = int(ad.scale * (0.3 + u[1] * 1.4))
        if imp == 0:
            return _ZERO
        clicks = int(imp * (0.004 + u[2] * 0.026))
        spend = int(imp * (100 + u[3] * 900) / 1000)  # cents: CPM 1..10
        rate = _UNITS_PER_CENT.get(ad.advertiser.currency, 1)
        spend *= rate  # whole rupiah for IDR (about 160 per US cent)
        reach = max(1, int(imp / (1.0 + u[4] * 0.8)))
        plays = int(imp * (0.6 + u[5] * 0.35))
        w2 = int(plays * (0.3 + u[6] * 0.2))
        w6 = int(w2 * (0.3 + u[7] * 0.3))
        p25 = int(plays * (0.25 + u[8] * 0.2))
        p50 = int(p25 * (0.5 + u[9] * 0.3))
        p75 = int(p50 * (0.5 + u[10] * 0.3))
        p100 = int(p75 * (0.5 + u[11] * 0.3))
        play_ms = plays * (1500 + int(u[12] * 4500))
        likes = int(plays * (0.005 + u[13] * 0.025))
        comments = int(likes * u[14] * 0.1)
        shares = int(likes * u[15] * 0.15)
        follows = int(likes * u[16] * 0.1)
        visits = int(clicks * u[17] * 0.3)
        music = int(plays * u[18] * 0.002)
        engaged = int(plays * (0.02 + u[19] * 0.06))
        engaged15 = int(engaged * (0.3 + u[20] * 0.4))
        conv = int(clicks * (0.01 + u[21] * 0.12))
        rt_conv = int(conv * (0.6 + u[22] * 0.3))
        traffic = ad.objective == "TRAFFIC"
        result = clicks if traffic else conv
        rt_result = clicks if traffic else rt_conv
        secondary = int(conv * (0.2 + u[23] * 0.3)) if ad.has_secondary_goal else 0
        install = int(clicks * u[24] * 0.05) if ad.objective == "APP_PROMOTION" else 0
        rt_install = int(install * (0.7 + u[25] * 0.3))
        purchase = int(conv * (0.2 + u[26] * 0.4))
        payment = int(purchase * (0.7 + u[27] * 0.3))
        value = payment * (1500 + int(u[28] * 8000)) * rate
        registration = int(conv * u[29] * 0.3)
        lead = int(conv * u[30] * 0.15)
        voucher = int(spend * u[31] * 0.1)
        return (
            imp, clicks, spend, reach, plays, w2, w6, p25, p50, p75, p100, play_ms, likes, comments, shares,
            follows, visits, music, engaged, engaged15, conv, rt_conv, result, rt_result, secondary, install,
            rt_install, purchase, payment, value, registration, lead, voucher,
        )  # fmt: skip

    def _restated(self, ad: Entity, day: int, today: int) -> list[int]:
        """The figures as visible on ``today`` (advertiser-local ordinal): late conversions not in yet."""
        final = self.final(ad, day)
        age = today - day
        if age >= m.ATTRIBUTION_DAYS:
            return final  # type: ignore[return-value]  # read-only use: no copy on the hot path
        vec = list(final)
        if age < m.ATTRIBUTION_DAYS:
            for i in _RESTATED_IDX:
                vec[i] = vec[i] * (age + 1) // (m.ATTRIBUTION_DAYS + 1)
            # the purchase value arrives with the payments it belongs to
            vec[_VALUE] = final[_VALUE] * vec[_PAYMENT] // final[_PAYMENT] if final[_PAYMENT] else 0
        return vec

    def local(self, adv: Advertiser) -> tuple[int, int]:
        """(local today ordinal, hours elapsed today) for an advertiser (cached until the clock moves)."""
        got = self._local_cache.get(adv.index)
        if got is None:
            local = self._world.now.astimezone(zone(adv.timezone))
            got = (local.date().toordinal(), local.hour)
            self._local_cache[adv.index] = got
        return got

    def _ext_plan(self, ad: Entity, ext: tuple[str, ...]) -> list[tuple[int, int, bool]]:
        """Per extension field: (index of its parent in the vector, per-ad factor, unit mode) (cached)."""
        key = (ad.key, ext)
        got = self._plan_cache.get(key)
        if got is None:
            index = {**m.BASE_INDEX, **{f: _NCORE + i for i, f in enumerate(ext)}}
            plan: list[tuple[int, int, bool]] = []
            for f in ext:
                spec = m.EXT_FIELDS[f]
                if spec.app_only and ad.objective != "APP_PROMOTION":
                    factor = 0
                else:
                    h = int.from_bytes(
                        hashlib.blake2b(ad.hash_prefix + b"|" + f.encode(), digest_size=4).digest()
                    )
                    factor = spec.lo + h % (spec.hi - spec.lo + 1)
                plan.append((index[spec.parent], factor, spec.mode == "unit"))
            got = plan
            with self._lock:
                if len(self._plan_cache) > 4096:
                    self._plan_cache.clear()
                self._plan_cache[key] = got
        return got

    def _visible(self, ad: Entity, day: int, today: int, ext: tuple[str, ...]) -> list[int]:
        """The restated figures with the extension fields ``ext`` appended (derived from their parents)."""
        vec = self._restated(ad, day, today)
        if not ext:
            return vec
        full = list(vec) + [0] * len(ext)
        for i, (parent, factor, unit) in enumerate(self._ext_plan(ad, ext)):
            full[_NCORE + i] = full[parent] * factor if unit else full[parent] * factor // 10000
        return full

    def _ad_day(self, ad: Entity, day: int, ext: tuple[str, ...] = ()) -> list[int]:
        """An ad's visible figures for a local day (zero outside its life or after local today)."""
        today, hour = self.local(ad.advertiser)
        if not self._alive(ad, day, today):
            return _zero(ext)
        if day == today:  # today is partial: only the hours elapsed so far

            def partial() -> list[int]:
                hours = self._ad_hours(self._visible(ad, day, today, ext))
                return [sum(hs[:hour]) for hs in hours]

            return self._cached(("today", ad.key, day, ext), partial)
        return self._visible(ad, day, today, ext)

    def _alive(self, ad: Entity, day: int, today: int) -> bool:
        """Whether an ad delivers on a local day as seen now (created, not deleted, not in the future)."""
        return ad.first_day <= day <= ad.last_day and day <= today and ad.create_time <= self._world.now

    @staticmethod
    def _ad_hours(vec: Sequence[int]) -> list[list[int]]:
        """Per base field, the split of a whole day over 24 hours."""
        return [split_int(v, _HOUR_WEIGHTS) for v in vec]

    def _ads_of(self, level: str, ent: Entity | Advertiser) -> list[Entity]:
        if isinstance(ent, Advertiser):
            return self._world.entity_objects("ad", ent.advertiser_id)
        if level == m.AUCTION_AD:
            return [ent]
        ads: list[Entity] = []
        stack = [ent]
        while stack:
            cur = stack.pop()
            if cur.kind == "ad":
                ads.append(cur)
            stack.extend(cur.children)
        return ads

    def _cached(self, key: tuple[object, ...], compute: Callable[[], list[int]]) -> list[int]:
        cache = self._day_cache
        got = cache.get(key)
        if got is None:
            got = compute()
            with self._lock:
                cache[key] = got
                if len(cache) > self._cache_size:
                    cache.popitem(last=False)
        return got

    def day_values(
        self, level: str, ent: Entity | Advertiser, day: int, ext: tuple[str, ...] = ()
    ) -> list[int]:
        """The figures of an entity (its ads summed) or an advertiser on a local day (cached)."""
        if level == m.AUCTION_AD:
            assert isinstance(ent, Entity)
            return self._ad_day(ent, day, ext)

        def compute() -> list[int]:
            total = _zero(ext)
            n = 0
            today, _ = self.local(ent if isinstance(ent, Advertiser) else ent.advertiser)
            for ad in self._ads_of(level, ent):
                if self._alive(ad, day, today):
                    total = _add(total, self._ad_day(ad, day, ext))
                    n += 1
            return _dedupe_reach(total, n)

        return self._cached(("day", level, id(ent), day, ext), compute)

    def hour_values(
        self, level: str, ent: Entity | Advertiser, day: int, hour: int, ext: tuple[str, ...] = ()
    ) -> list[int]:
        """The figures of an entity or an advertiser in one local hour of a day."""
        total = _zero(ext)
        n = 0
        today, _ = self.local(ent if isinstance(ent, Advertiser) else ent.advertiser)
        for ad in self._ads_of(level, ent):
            if self._alive(ad, day, today):
                hours = self._ad_hours(self._visible(ad, day, today, ext))
                total = _add(total, [hs[hour] for hs in hours])
                n += 1
        return _dedupe_reach(total, n)

    def range_values(
        self, level: str, ent: Entity | Advertiser, first: int, last: int, ext: tuple[str, ...] = ()
    ) -> list[int]:
        """The figures of an entity or an advertiser summed over the local days ``first .. last``."""
        total = _zero(ext)
        n = 0
        for day in range(first, last + 1):
            total = _add(total, self.day_values(level, ent, day, ext))
            n += 1
        return _dedupe_reach(total, n)

    def bucket_figures(
        self,
        level: str,
        ent: Entity | Advertiser,
        day: int | None,
        hour: int | None,
        span: tuple[int, int],
        dims: tuple[str, ...],
        bucket: int,
        ext: tuple[str, ...] = (),
    ) -> list[int]:
        """Figures of one audience bucket: the sum over the entity's ads and days of each ad-day's split."""
        adv = ent if isinstance(ent, Advertiser) else ent.advertiser
        weights = self._bucket_weights(adv, dims)
        days = [day] if day is not None else list(range(span[0], span[1] + 1))
        total = _zero(ext)
        n = 0
        today, _ = self.local(adv)
        for ad in self._ads_of(level, ent):
            for d in days:
                if not self._alive(ad, d, today):
                    continue
                total = _add(total, self._ad_split(ad, d, hour, today, dims, weights, ext)[bucket])
                n += 1
        if m.NO_REACH_BREAKDOWNS.intersection(dims):
            total[_REACH] = 0  # TikTok answers reach 0 by these breakdowns (metrics.BREAKDOWN_VALUES)
        return _dedupe_reach(total, n)

    def _ad_split(
        self,
        ad: Entity,
        day: int,
        hour: int | None,
        today: int,
        dims: tuple[str, ...],
        weights: list[int],
        ext: tuple[str, ...] = (),
    ) -> list[list[int]]:
        """An ad-day's (or ad-hour's) figures split over every bucket of ``dims`` (cached: rows of one
        ad-day come one after another)."""

        def compute() -> list[list[int]]:
            if hour is not None:
                vec = [hs[hour] for hs in self._ad_hours(self._visible(ad, day, today, ext))]
            else:
                vec = self._ad_day(ad, day, ext)
            per_field = [split_int(v, weights) if v else [0] * len(weights) for v in vec]
            return [list(col) for col in zip(*per_field, strict=True)]

        return self._cached(("split", ad.key, day, hour, dims, ext), compute)  # type: ignore[arg-type,return-value]

    @staticmethod
    def _bucket_weights(adv: Advertiser, dims: tuple[str, ...]) -> list[int]:
        weights = [1]
        for dim in dims:
            weights = [w * x for w in weights for x in adv.weights[dim]]
        return weights

    def buckets(self, adv: Advertiser, dims: tuple[str, ...]) -> tuple[list[tuple[str, ...]], list[int]]:
        """Every bucket of the breakdowns ``dims`` (values in order) and the advertiser's weight of each."""
        values: list[tuple[str, ...]] = [()]
        for dim in dims:
            values = [v + (x,) for v in values for x in bucket_values(dim)]
        weights = self._bucket_weights(adv, dims)
        return values, weights

"""A report query's rows: which rows an answer has (entities x time slots x audience buckets), lazily.

``ReportEngine`` (one per world, ``world.report_engine``) runs a valid query: it picks the level's objects,
their days in the advertiser's time zone and the buckets the advertiser reaches, and gives a
``ReportResult``: an index whose length is known at once and whose rows are computed only for the page asked
(figures from ``delivery.py``, attribute metrics from ``report_attributes.py``, spelled by ``wire.py``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.delivery import Delivery
from tiktok_ads.emulator.data.model import Advertiser, Entity, World
from tiktok_ads.emulator.data.report_attributes import attribute_value
from tiktok_ads.emulator.data.wire import Formatter, compile_formatter, day_string, json_str_dict


class ReportResult:
    """A lazily evaluated report: an index over (entity, time slot, bucket) rows.

    ``len()`` is known without computing any metric; ``rows(offset, limit)`` computes just those rows.
    """

    def __init__(
        self,
        engine: ReportEngine,
        advertiser: Advertiser,
        level: str,
        entities: list[Entity | Advertiser],
        spans: list[tuple[int, int]],
        time_dim: str | None,
        hours: int,
        bucket_dims: tuple[str, ...],
        buckets: list[tuple[str, ...]],
        bucket_positions: list[int],
        dimensions: list[str],
        metrics: list[str],
    ) -> None:
        self._delivery = engine.delivery
        self._level = level
        self._entities = entities
        self._spans = spans
        self._time_dim = time_dim
        self._bucket_dims = bucket_dims
        self._buckets = buckets
        self._bucket_positions = bucket_positions
        self._dimensions = dimensions
        nb = max(len(buckets), 1)
        self._nb = nb
        self._slots_per_day = hours if time_dim == "stat_time_hour" else 1
        self._offsets: list[int] = []
        total = 0
        for first, last in spans:
            self._offsets.append(total)
            if time_dim is None:
                total += nb if last >= first else 0
            else:
                total += max(last - first + 1, 0) * self._slots_per_day * nb
        self._total = total
        self._ext = m.ext_fields_for(metrics)
        self._format = engine.formatter(metrics, level, advertiser)
        self._format_json = engine.formatter(metrics, level, advertiser, as_json=True)

    def __len__(self) -> int:
        return self._total

    def rows(self, offset: int, limit: int) -> list[dict[str, dict[str, str]]]:
        """The rows ``offset .. offset+limit`` as the API sends them (``dimensions`` and ``metrics``)."""
        out: list[dict[str, dict[str, str]]] = []
        end = min(offset + limit, self._total)
        i = max(offset, 0)
        while i < end:
            e = bisect.bisect_right(self._offsets, i) - 1
            j = i - self._offsets[e]
            out.append(self._row(e, j))
            i += 1
        return out

    def rows_json(self, offset: int, limit: int) -> tuple[bytes, int]:
        """The same rows as ``rows`` already serialized as a compact JSON array, and their count.

        The server's hot path: one string template per row instead of building and encoding dicts.
        """
        end = min(offset + limit, self._total)
        i = max(offset, 0)
        parts: list[str] = []
        while i < end:
            e = bisect.bisect_right(self._offsets, i) - 1
            ent, vec, dims = self._cells(e, i - self._offsets[e])
            parts.append(
                '{"dimensions":' + json_str_dict(dims) + ',"metrics":' + self._format_json(ent, vec) + "}"
            )
            i += 1
        return ("[" + ",".join(parts) + "]").encode(), len(parts)

    def __iter__(self) -> Iterable[dict[str, dict[str, str]]]:
        return iter(self.rows(0, self._total))

    def cells(self, i: int) -> tuple[Entity | Advertiser, Sequence[int], dict[str, str]]:
        """(entity, base figures, dimension values) of row ``i``: for answers that re-group rows."""
        e = bisect.bisect_right(self._offsets, i) - 1
        return self._cells(e, i - self._offsets[e])

    def format_metrics(self, ent: Entity | Advertiser, vec: Sequence[int]) -> dict[str, Any]:
        """The wire metrics of base figures ``vec`` of ``ent`` (e.g. figures summed over several rows)."""
        return dict(self._format(ent, vec))

    def _row(self, e: int, j: int) -> dict[str, dict[str, str]]:
        ent, vec, dims = self._cells(e, j)
        return {"dimensions": dims, "metrics": self._format(ent, vec)}

    def _cells(self, e: int, j: int) -> tuple[Entity | Advertiser, Sequence[int], dict[str, str]]:
        """(entity, base vector, dimension values) of row ``j`` of entity ``e``."""
        ent = self._entities[e]
        first, last = self._spans[e]
        slot, b = divmod(j, self._nb)
        delivery = self._delivery
        dims: dict[str, str] = {}
        if self._time_dim is None:
            vec = delivery.range_values(self._level, ent, first, last, self._ext)
            day = None
            hour = None
        else:
            day_off, hour = divmod(slot, self._slots_per_day)
            day = first + day_off
            if self._time_dim == "stat_time_hour":
                vec = delivery.hour_values(self._level, ent, day, hour, self._ext)
            else:
                hour = None
                vec = delivery.day_values(self._level, ent, day, self._ext)
        bucket: tuple[str, ...] = ()
        if self._buckets:
            bucket = self._buckets[b]
            vec = delivery.bucket_figures(
                self._level,
                ent,
                day,
                hour,
                (first, last),
                self._bucket_dims,
                self._bucket_positions[b],
                self._ext,
            )
        for name in self._dimensions:
            if name in m.ID_DIMENSIONS:
                dims[name] = ent.advertiser_id if isinstance(ent, Advertiser) else ent.entity_id
            elif name == "stat_time_day":
                dims[name] = day_string(day)
            elif name == "stat_time_hour":
                dims[name] = f"{day_string(day)[:10]} {hour:02d}:00:00"
            else:
                dims[name] = bucket[self._bucket_dims.index(name)]
        return ent, vec, dims


class ReportEngine:
    """Runs report queries over a world's delivery, with the caches every page of a report reuses."""

    def __init__(self, world: World, delivery: Delivery) -> None:
        """Reports of ``world`` (figures from ``delivery``; the world's lock is shared)."""
        self._world = world
        self.delivery = delivery
        self._lock = world.lock
        self._formatters: dict[tuple[object, ...], Formatter] = {}
        self._results: OrderedDict[tuple[object, ...], ReportResult] = OrderedDict()
        self._attr_cache: dict[tuple[object, ...], dict[str, str]] = {}
        self._json_booleans = False

    @property
    def json_booleans(self) -> bool:
        """Scripted (tests): the synchronous JSON answers spell ``is_aco`` / ``is_smart_creative`` as JSON
        booleans (``wire.JSON_BOOLEAN_METRICS``) instead of TikTok's documented strings."""
        return self._json_booleans

    @json_booleans.setter
    def json_booleans(self, value: bool) -> None:
        with self._lock:
            self._json_booleans = value
            self._results.clear()  # they hold their formatters

    def clock_moved(self) -> None:
        """Forget what depends on the clock (results, attribute values); under the world's lock."""
        self._attr_cache.clear()
        self._results.clear()

    def formatter(
        self, names: Sequence[str], level: str, adv: Advertiser, as_json: bool = False
    ) -> Formatter:
        """The compiled wire formatter of a metric list (``wire.compile_formatter``), cached per
        (metrics, level, advertiser, as_json)."""
        booleans = as_json and self._json_booleans
        key = (tuple(names), level, adv.index, as_json, booleans)
        cached = self._formatters.get(key)
        if cached is not None:
            return cached

        def attributes(names: tuple[str, ...], ent: Entity | Advertiser, escaped: bool) -> dict[str, str]:
            return self._attributes(names, ent, adv, escaped)

        fmt = compile_formatter(names, level, adv.currency, attributes, as_json, json_booleans=booleans)
        with self._lock:
            if len(self._formatters) > 256:
                self._formatters.clear()
            self._formatters[key] = fmt
        return fmt

    def _attributes(
        self, names: tuple[str, ...], ent: Entity | Advertiser, adv: Advertiser, escaped: bool = False
    ) -> dict[str, str]:
        """The attribute metrics ``names`` of ``ent`` (cached until the clock moves)."""
        key = ("attrs", names, id(ent), escaped)
        got = self._attr_cache.get(key)
        if got is None:
            got = {n: attribute_value(self._world, n, ent, adv) for n in names}
            if escaped:  # ready to sit between JSON quotes
                got = {n: json.dumps(v, ensure_ascii=False)[1:-1] for n, v in got.items()}
            self._attr_cache[key] = got
        return got

    def report(
        self,
        advertiser_id: str,
        *,
        report_type: str,
        data_level: str,
        dimensions: Sequence[str],
        metrics: Sequence[str],
        start_date: dt.date | None,
        end_date: dt.date | None,
        lifetime: bool = False,
        include_deleted: bool = False,
        id_filters: dict[str, set[str]] | None = None,
    ) -> ReportResult:
        """Run a (valid) report query for one advertiser; see ``ReportResult``.

        ``include_deleted`` is the level's ``*_status IN ["STATUS_ALL"]`` filter; without it objects
        deleted by ``now`` are left out at their own level (their figures still count in the parents',
        and the advertiser level always has everything). ``id_filters`` keys: ``campaign_ids``,
        ``adgroup_ids``, ``ad_ids``.

        Every buying type counts. UNSURE: TikTok's report page says TopView data needs the ``buying_type``
        filter ``RESERVATION_TOP_VIEW``, which suggests reports leave TopView ads out by default; not modelled
        (the source does not send that filter yet).
        """
        key = (
            advertiser_id, report_type, data_level, tuple(dimensions), tuple(metrics), start_date, end_date,
            lifetime, include_deleted, tuple(sorted((k, tuple(sorted(v))) for k, v in (id_filters or {}).items())),
            self._world.now,
        )  # fmt: skip
        cached = self._results.get(key)
        if cached is not None:  # the next page of the same query: reuse the index
            return cached
        world = self._world
        adv = world.advertiser(advertiser_id)
        assert adv is not None
        now = world.now
        today, hour_now = self.delivery.local(adv)
        time_dim = next((d for d in dimensions if d in m.TIME_DIMENSIONS), None)
        bucket_dims = tuple(d for d in dimensions if d in m.AUDIENCE_DIMENSIONS)
        filters = id_filters or {}
        entities: list[Entity | Advertiser]
        if data_level == m.AUCTION_ADVERTISER:
            camps = [c for c in world.entity_objects("campaign", advertiser_id) if c.exists(now)]
            first = min((c.first_day for c in camps), default=today + 1)
            entities = [adv]
            life = [(first, today)]
        else:
            kind = {m.AUCTION_CAMPAIGN: "campaign", m.AUCTION_ADGROUP: "adgroup", m.AUCTION_AD: "ad"}[
                data_level
            ]
            objs = [
                e
                for e in sorted(world.entity_objects(kind, advertiser_id), key=lambda e: int(e.entity_id))
                if e.exists(now) and (include_deleted or not e.is_deleted(now)) and self._match(e, filters)
            ]
            entities = list(objs)
            life = [(e.first_day, min(e.last_day, today)) for e in objs]
        if lifetime:
            rng_days = None
            spans = list(life)
        else:
            assert start_date is not None and end_date is not None
            lo, hi = start_date.toordinal(), end_date.toordinal()
            rng_days = (lo, hi)
            spans = [(max(f, lo), min(last, hi)) for f, last in life]
        hours = 24
        if time_dim == "stat_time_hour" and rng_days is not None and rng_days[0] == today:
            hours = hour_now
        keep = [(e, s) for e, s in zip(entities, spans, strict=True) if s[1] >= s[0]]
        if data_level != m.AUCTION_ADVERTISER:
            entities = [e for e, _ in keep]
            spans = [s for _, s in keep]
        elif not keep:
            spans = [(1, 0)]
        buckets: list[tuple[str, ...]] = []
        positions: list[int] = []
        if bucket_dims:
            all_buckets, all_weights = self.delivery.buckets(adv, bucket_dims)
            # Buckets the advertiser never reaches (zero weight) produce no rows.
            positions = [i for i, w in enumerate(all_weights) if w]
            buckets = [all_buckets[i] for i in positions]
        result = ReportResult(
            self,
            adv,
            data_level,
            entities,
            spans,
            time_dim,
            hours,
            bucket_dims,
            buckets,
            positions,
            list(dimensions),
            list(metrics),
        )
        with self._lock:
            self._results[key] = result
            if len(self._results) > 64:
                self._results.popitem(last=False)
        return result

    @staticmethod
    def _match(e: Entity, filters: dict[str, set[str]]) -> bool:
        chain: dict[str, str] = {}
        cur: Entity | None = e
        while cur is not None:
            chain[cur.kind] = cur.entity_id
            cur = cur.parent
        for key, kind in (("campaign_ids", "campaign"), ("adgroup_ids", "adgroup"), ("ad_ids", "ad")):
            wanted = filters.get(key)
            if wanted and chain.get(kind) not in wanted:
                return False
        return True

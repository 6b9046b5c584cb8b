"""Each advertiser's cursor of a table: a ``dlt.sources.incremental`` on the advertiser's own resource.

A table with a cursor has one resource per advertiser (``ad_insights__<advertiser_id>``, all with
``table_name = "ad_insights"``), as dlt documents for partitioned incremental loading, so each advertiser has
its own ``dlt.sources.incremental`` and its own state::

    state["sources"]["tiktok_ads"]["resources"]["ad_insights__7002238017842757633"] = {
        "incremental": {"stat_time_day": {"last_value": date(2024, 5, 10), ...}},   # dlt's own
        "settings": {"start_date": "2024-01-01", "include_deleted": false},        # what it was read with
    }

The source pushes each range down to the request (report dates) or filters by the stored value itself (entity
lists, which TikTok cannot filter by ``modify_time``), then sets the cursor with ``Incremental.advance`` once
every window of the advertiser was yielded; dlt filters nothing and keeps no hashes, so no row is dropped
for being below another advertiser's cursor. dlt's own rules apply unchanged: ``lag`` is the attribution window
(days), ``end_value`` makes a backfill whose state is thrown away, ``allow_external_schedulers`` takes an
Airflow or dlt interval, and a failed run persists no state.

The previous release kept ``{"advertisers": {id: {...}}}`` in one resource per table; an advertiser's entry
there is read once, as if it were its cursor, and dropped when its new cursor is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.extract.incremental import Incremental

from tiktok_ads.endpoints.transform import to_timestamp
from tiktok_ads.resources.source_context import SourceContext, scheduler_interval
from tiktok_ads.tables.records import TableSpec

logger = logging.getLogger("tiktok_ads")

SETTINGS_KEY = "settings"
"""Resource-state key of the settings an advertiser's cursor was reached with (``start_date``,
``include_deleted``): widening ``start_date`` or switching ``include_deleted`` on reloads the history."""

_LEGACY_KEYS = ("advertisers", "bcs")
"""Where the previous release kept per-advertiser (per-Business Center) entries in a table's resource state."""


def partition_name(table: str, advertiser_id: str) -> str:
    """The name of ``table``'s resource for one advertiser (its state lives under this name).

    Args:
        table: the table.
        advertiser_id: the advertiser.

    Returns:
        ``<table>__<advertiser_id>``.
    """
    return f"{table}__{advertiser_id}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)


def make_incremental(spec: TableSpec, ctx: SourceContext) -> Incremental[Any] | None:
    """A fresh ``dlt.sources.incremental`` for one advertiser's resource of ``spec``, or None without a cursor.

    Report tables: the day (``stat_time_day``, a ``date``), ``lag`` = ``attribution_window_days``,
    ``initial_value`` = ``start_date`` (None for the default, a year before TikTok's today, decided once TikTok's
    clock is known). Entity tables: their ``modify_time`` (``update_time``), a datetime. Either gets
    ``end_value`` (exclusive, as in dlt) from ``end_date``. Lifetime reports have no cursor: every run reads them
    whole.

    Args:
        spec: the table.
        ctx: the source context.

    Returns:
        The incremental, or None.
    """
    cfg = ctx.config
    join = scheduler_interval(cfg.allow_external_schedulers) is not None
    start = None if cfg.start_date_is_default and cfg.end_date is None else cfg.start_date
    end = cfg.end_date + dt.timedelta(days=1) if cfg.end_date is not None else None
    day_column: str | None = None  # a cursor by day: reports, and Business Center transactions
    if spec.kind == "report" and not spec.lifetime:
        day_column = spec.day_column
    elif spec.kind == "business_center":
        day_column = spec.cursor
    if day_column is not None:
        return dlt.sources.incremental[dt.date](
            day_column,
            initial_value=start,
            end_value=end,
            lag=cfg.attribution_window_days,
            primary_key=(),
            allow_external_schedulers=join,
        )
    if spec.kind == "entity" and spec.cursor is not None:
        return dlt.sources.incremental[dt.datetime](
            spec.cursor,
            initial_value=_midnight(start) if start is not None and end is not None else None,
            end_value=_midnight(end) if end is not None else None,
            primary_key=(),
            allow_external_schedulers=join,
        )
    return None


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return dt.date.fromisoformat(str(value)[:10])


@dataclass
class AdvertiserCursor:
    """One advertiser's cursor of one table, as its resource's body sees it.

    Attributes:
        spec: the table.
        advertiser_id: the advertiser.
        incremental: the bound ``dlt.sources.incremental`` of the advertiser's resource.
    """

    spec: TableSpec
    advertiser_id: str
    incremental: Incremental[Any]

    def __post_init__(self) -> None:
        # the source applies every range itself: dlt passes rows through unfiltered (state is set in commit)
        self.incremental.advance(None)

    @property
    def is_backfill(self) -> bool:
        """Whether this run is a backfill (``end_date``, ``end_value``, or a scheduler's interval)."""
        return self.incremental.end_value is not None

    @property
    def lag_days(self) -> int:
        """The attribution window: days before the last loaded day that every run reads again."""
        return int(self.incremental.lag or 0)

    def first_day(self, ctx: SourceContext) -> dt.date:
        """The first day to load: the incremental's ``initial_value``, else the ``start_date`` default."""
        initial = self.incremental.initial_value
        default = ctx.start_date()
        if initial is None:
            return default
        return max(_as_date(initial), default) if self.is_backfill else _as_date(initial)

    def backfill_days(self, ctx: SourceContext) -> tuple[dt.date, dt.date]:
        """A backfill's inclusive days: ``initial_value`` .. the day before ``end_value``."""
        end = self.incremental.end_value  # exclusive, as in dlt
        if isinstance(end, dt.datetime):
            last = (end - dt.timedelta(microseconds=1)).date()
        else:
            last = _as_date(end) - dt.timedelta(days=1)
        return self.first_day(ctx), last

    @property
    def _by_day(self) -> bool:
        return self.spec.kind in ("report", "business_center")

    def _legacy_entries(self) -> dict[str, Any] | None:
        resources = dlt.current.source_state().get("resources", {})
        entries = resources.get(self.spec.name, {}).get(_LEGACY_KEYS[self.spec.kind == "business_center"])
        return entries if isinstance(entries, dict) else None

    def _resource_state(self) -> dict[str, Any]:
        # by name, not dlt.current.resource_state(): a table's planner reads every advertiser's cursor
        resources = dlt.current.source_state().setdefault("resources", {})
        state: dict[str, Any] = resources.setdefault(partition_name(self.spec.name, self.advertiser_id), {})
        return state

    def _legacy(self) -> dict[str, Any] | None:
        entry = (self._legacy_entries() or {}).get(self.advertiser_id)
        return entry if isinstance(entry, dict) else None

    def stored(self, ctx: SourceContext) -> Any:
        """The cursor value the previous runs reached, or None when the history is to be (re)loaded.

        None on the first run, and when ``start_date`` moved earlier or ``include_deleted`` was switched on
        since the cursor was written (then the whole history is read again).

        Args:
            ctx: the source context.

        Returns:
            The last loaded day (reports) or the largest ``modify_time`` seen (entities), or None.
        """
        if self.is_backfill:
            return None
        settings = self._resource_state().get(SETTINGS_KEY)
        if settings is not None:
            value = self.incremental.get_state().get("last_value")
        else:
            legacy = self._legacy()
            if legacy is None:
                return None
            settings = legacy
            value = legacy.get("last_day") or legacy.get("last_date") or legacy.get(f"max_{self.spec.cursor}")
        if value is None:
            return None
        if self._by_day:
            stored_start = dt.date.fromisoformat(settings.get("start_date") or str(value)[:10])
            if stored_start > self.first_day(ctx):
                logger.info(
                    "tiktok_ads: reloading history of advertiser %s (start_date moved earlier)",
                    self.advertiser_id,
                )
                return None
        turned_on = ctx.config.include_deleted and not settings.get("include_deleted", False)
        if turned_on and self.spec.kind != "business_center":  # (transactions have nothing deleted)
            logger.info(
                "tiktok_ads: reloading history of advertiser %s (include_deleted)", self.advertiser_id
            )
            return None
        if self._by_day:
            return _as_date(value)
        return to_timestamp(value, f"max_{self.spec.cursor}")

    def commit(self, value: Any, ctx: SourceContext) -> None:
        """Set the cursor once every window of the advertiser was yielded (a backfill keeps state alone).

        Args:
            value: the last day read (reports) or the largest cursor value seen (entities; None: none seen).
            ctx: the source context.
        """
        if self.is_backfill:
            return
        self.incremental.advance(value)
        settings: dict[str, Any] = {"include_deleted": ctx.config.include_deleted}
        if self._by_day:
            settings["start_date"] = self.first_day(ctx).isoformat()
        self._resource_state()[SETTINGS_KEY] = settings
        legacy = self._legacy_entries()
        if legacy is not None and legacy.pop(self.advertiser_id, None) is not None and not legacy:
            del dlt.current.source_state()["resources"][self.spec.name]


def advertiser_cursors(pipeline_state: Mapping[str, Any], table: str) -> dict[str, dict[str, Any]]:
    """Where each advertiser (Business Center) of ``table`` stands, read from a pipeline's state.

    Tables by day (reports, BC transactions): ``{"last_day": "2024-05-10", "start_date": "2024-01-01",
    "include_deleted": False}``;
    entity tables: ``{"max_modify_time": "2024-05-10T08:04:04+00:00", "include_deleted": False}``. Advertisers
    whose state the previous release kept, and that no run has moved since, are included as it kept them.

    Args:
        pipeline_state: the pipeline's state.
        table: the table.

    Returns:
        advertiser id -> its cursor, for every advertiser with one.
    """
    resources = pipeline_state.get("sources", {}).get("tiktok_ads", {}).get("resources", {})
    found: dict[str, dict[str, Any]] = {}
    for key in _LEGACY_KEYS:
        found.update(resources.get(table, {}).get(key, {}))
    prefix = partition_name(table, "")
    for name, state in resources.items():
        settings = state.get(SETTINGS_KEY)
        if not name.startswith(prefix) or settings is None:
            continue
        for cursor, entry in state.get("incremental", {}).items():
            value = entry.get("last_value")
            if "start_date" in settings:
                found[name[len(prefix) :]] = {
                    "last_day": _as_date(value).isoformat() if value is not None else None,
                    **settings,
                }
            else:
                stamp = to_timestamp(value, cursor) if value is not None else None
                found[name[len(prefix) :]] = {
                    f"max_{cursor}": stamp.isoformat() if stamp else None,
                    **settings,
                }
    return found

"""The resource factory: one ``dlt.resource`` per :class:`~tiktok_ads.settings.TableSpec`, and its state.

Incremental state is kept **per advertiser** in ``dlt.current.resource_state()``::

    {"advertisers": {"7002238017842757633": {"last_day": "2024-05-10", "start_date": "2024-01-01",
                                             "include_deleted": false}}}            # report tables
    {"advertisers": {"7002238017842757633": {"max_modify_time": "2024-05-10T08:04:04+00:00",
                                             "include_deleted": false}}}            # entity tables
    # (``max_<cursor>``: ``max_update_time`` for custom_audiences; none for pixels, which have no cursor)

Why not ``dlt.sources.incremental``: it keeps one cursor per resource and filters every row below that
cursor (minus ``lag``). An advertiser added to the settings later would have its whole history below the
other advertisers' cursor, and the filter would silently drop it; an advertiser whose run failed half-way
would be skipped past. A per-advertiser dict has neither problem. ``end_date`` (and, with
``allow_external_schedulers``, an Airflow/dlt interval) gives the backfill that ``end_value`` would give.

State is written only after all of an advertiser's windows were yielded, and dlt persists resource state
together with the load package: a run that fails leaves state (and the destination) as they were.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.extract.resource import DltResource

from .client import TikTokClient
from .config import SourceConfig
from .errors import TikTokAPIError, TikTokPermissionError
from .extract import Advertiser, AdvertiserDirectory, entity_pages, report_pages
from .settings import TableSpec
from .transform import to_timestamp, transform_advertiser_row, transform_entity_rows, transform_report_rows
from .windows import DateWindow, local_today, report_range, split_range

logger = logging.getLogger("tiktok_ads")

Clock = Callable[[], dt.datetime]

REPORT_MERGE_KEY = ("advertiser_id", "stat_time_day")
"""Report rows are replaced per advertiser and day: every stored row of a day the run re-read is deleted."""

DAY_MARKER_COLUMN = "_day_marker"
"""dlt ``hard_delete`` column of the report tables: true only in the marker rows of :func:`day_markers`,
which are never stored, so it is NULL in every row of the destination."""

DAY_MARKER_HINT: Any = {
    "data_type": "bool",
    "hard_delete": True,
    "description": "internal: true only in never-stored rows that mark an (advertiser, day) as re-read",
}


def day_markers(spec: TableSpec, advertiser_id: str, window: DateWindow) -> list[dict[str, Any]]:
    """One marker row per day of ``window``: it makes dlt replace the advertiser's day whole, even if empty.

    With ``merge_key`` (advertiser_id, stat_time_day), dlt's delete-insert deletes the stored rows of every
    (advertiser, day) present in the load; a day on which TikTok returned *no* row (every ad that delivered on
    it was deleted since the last run) would not be present, and its old rows would stay. The marker makes it
    present: it carries the day, the advertiser and ``_day_marker = true`` (dlt's ``hard_delete``), so it
    deletes the day's stored rows and is not inserted itself. Its other key columns hold ``~<advertiser_id>``,
    which no real row has, so markers never collide with real rows or with each other.

    Args:
        spec: the report table.
        advertiser_id: the advertiser.
        window: the days that were read completely.

    Returns:
        The marker rows.
    """
    sentinel = f"~{advertiser_id}"
    markers: list[dict[str, Any]] = []
    day = window.start
    while day <= window.end:
        row: dict[str, Any] = {key: sentinel for key in spec.primary_key}
        row.update(advertiser_id=advertiser_id, stat_time_day=day)
        row[DAY_MARKER_COLUMN] = True
        markers.append(row)
        day += dt.timedelta(days=1)
    return markers


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class RunSummary:
    """What one run did, for the pipeline script's report (pass one to the source to fill it).

    Attributes:
        client: the client the source used (its ``stats`` count requests and retries by reason).
        rows: rows yielded per ``(table, advertiser_id)``.
        ranges: days read per ``(table, advertiser_id)``, e.g. ``"2024-05-03..2024-05-10"``.
        skipped: advertisers left out because the token may not read them (40001, with
            ``skip_inaccessible_advertisers``): id -> TikTok's message.
    """

    client: TikTokClient | None = None
    rows: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    ranges: dict[tuple[str, str], str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, table: str, advertiser_id: str, n: int) -> None:
        """Add ``n`` rows of ``table`` for ``advertiser_id``."""
        with self._lock:
            self.rows[(table, advertiser_id)] += n

    def note_range(self, table: str, advertiser_id: str, window: DateWindow | None) -> None:
        """Record the days read for ``table`` and ``advertiser_id``."""
        with self._lock:
            self.ranges[(table, advertiser_id)] = str(window) if window else "nothing to read"

    def note_skipped(self, advertiser_id: str, reason: str) -> None:
        """Record that ``advertiser_id`` was left out of this run, and why."""
        with self._lock:
            self.skipped.setdefault(advertiser_id, reason)

    def rows_by_table(self) -> dict[str, int]:
        """Rows per table, all advertisers together."""
        with self._lock:
            totals: collections.Counter[str] = collections.Counter()
            for (table, _), n in self.rows.items():
                totals[table] += n
            return dict(totals)


@dataclass
class SourceContext:
    """Everything the resources of one source instance share.

    Attributes:
        config: validated settings.
        client: the API client (shared, thread-safe).
        directory: the run's advertisers (fetched once, lazily).
        clock: current instant (tests and the demo use the emulator's clock).
        summary: counters for the run report.
    """

    config: SourceConfig
    client: TikTokClient
    directory: AdvertiserDirectory
    clock: Clock = _utc_now
    summary: RunSummary = field(default_factory=RunSummary)

    def advertisers(self) -> list[Advertiser]:
        """The run's advertisers (looked up once), noting the ones skipped as inaccessible in the summary.

        Returns:
            The advertisers to load.
        """
        found = self.directory.get()
        for adv_id, reason in self.directory.skipped.items():
            self.summary.note_skipped(adv_id, reason)
        return found

    def skips(self, err: TikTokPermissionError, table: str, advertiser_id: str) -> bool:
        """Whether to skip an advertiser whose request answered 40001 (``skip_inaccessible_advertisers``).

        Args:
            err: the permission error.
            table: the table being loaded.
            advertiser_id: the advertiser.

        Returns:
            True (after logging a warning) if the advertiser is to be skipped, False if the run must fail.
        """
        if not self.config.skip_inaccessible_advertisers:
            return False
        logger.warning(
            "tiktok_ads: skipping advertiser %s in %s: the access token may not read it (%s %s); "
            "its incremental state is left as it was",
            advertiser_id,
            table,
            err.code,
            err.message,
        )
        self.summary.note_skipped(advertiser_id, err.message)
        return True

    def backfill_range(self) -> tuple[dt.date, dt.date] | None:
        """The fixed range of a backfill run, or None for a normal incremental run.

        ``end_date`` makes a backfill of ``start_date..end_date``. With ``allow_external_schedulers``, an
        interval from an external scheduler (Airflow's ``data_interval_start/end``, or dlt's
        ``DLT_INTERVAL_START/END``) does too: its days ``[start, end)``.

        Returns:
            ``(first_day, last_day)`` inclusive, or None.
        """
        cfg = self.config
        if cfg.end_date is not None:
            return cfg.start_date, cfg.end_date
        if cfg.allow_external_schedulers or _runtime_allows_external_schedulers():
            interval = dlt.current.interval()
            if interval is not None:
                start, end = interval
                last = (end - dt.timedelta(microseconds=1)).date()
                first = max(start.date(), cfg.start_date)
                if last >= first:
                    return first, last
        return None


def _runtime_allows_external_schedulers() -> bool:
    """Whether a dlt launcher switched external schedulers on process-wide (``DLT_ALLOW_EXTERNAL_SCHEDULERS``)."""
    try:
        from dlt.extract.incremental.context import get_interval_context
    except ImportError:  # pragma: no cover - older dlt
        return False
    ctx = get_interval_context()
    return bool(ctx is not None and ctx.allow_external_schedulers)


def _advertiser_states() -> dict[str, dict[str, Any]]:
    state = dlt.current.resource_state()
    advertisers: dict[str, dict[str, Any]] = state.setdefault("advertisers", {})
    return advertisers


def _report_range_for(
    ctx: SourceContext,
    advertiser: Advertiser,
    entry: dict[str, Any] | None,
    backfill: tuple[dt.date, dt.date] | None,
) -> DateWindow | None:
    cfg = ctx.config
    today = local_today(advertiser.timezone, ctx.clock())
    if backfill is not None:
        return report_range(start_date=backfill[0], end_date=backfill[1], today=today)
    last_day: dt.date | None = None
    if entry and entry.get("last_day"):
        stored_start = dt.date.fromisoformat(entry.get("start_date") or entry["last_day"])
        turned_on_deleted = cfg.include_deleted and not entry.get("include_deleted", False)
        if stored_start <= cfg.start_date and not turned_on_deleted:
            last_day = dt.date.fromisoformat(entry["last_day"])
        else:
            # start_date moved earlier, or include_deleted was switched on: reload the history
            logger.info(
                "tiktok_ads: reloading history of advertiser %s (settings changed)", advertiser.advertiser_id
            )
    return report_range(
        start_date=cfg.start_date,
        today=today,
        last_day=last_day,
        attribution_window_days=cfg.attribution_window_days,
    )


def report_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    """Pages of typed rows of one report table, advertiser by advertiser, window by window.

    Args:
        ctx: the source context.
        spec: the report table.

    Yields:
        Lists of typed rows.
    """
    cfg = ctx.config
    states = _advertiser_states()
    backfill = ctx.backfill_range()
    for advertiser in ctx.advertisers():
        adv_id = advertiser.advertiser_id
        days = _report_range_for(ctx, advertiser, states.get(adv_id), backfill)
        ctx.summary.note_range(spec.name, adv_id, days)
        try:
            for window in split_range(days.start, days.end) if days is not None else []:
                try:
                    for page in report_pages(
                        ctx.client,
                        spec,
                        adv_id,
                        window,
                        include_deleted=cfg.include_deleted,
                        page_size=cfg.page_size,
                    ):
                        rows = transform_report_rows(spec, adv_id, page)
                        if rows:
                            ctx.summary.count(spec.name, adv_id, len(rows))
                            yield rows
                except TikTokAPIError as err:
                    err.add_context(table=spec.name, window=str(window))
                    raise
                # every day of the window was read: replace each whole, even one that came back empty
                yield day_markers(spec, adv_id, window)
        except TikTokPermissionError as err:
            if ctx.skips(err, spec.name, adv_id):
                continue
            raise
        if backfill is None and days is not None:
            # only now that every window of this advertiser was yielded
            states[adv_id] = {
                "last_day": days.end.isoformat(),
                "start_date": cfg.start_date.isoformat(),
                "include_deleted": cfg.include_deleted,
            }


def entity_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    """Pages of typed campaigns / ad groups / ads (or other listed objects) whose cursor is at or after the
    advertiser's stored cursor.

    TikTok has no modified-since filter for campaigns and ad groups, so every run reads everything and
    keeps rows with ``spec.cursor`` (``modify_time``; ``update_time`` for custom audiences) ``>=`` the largest
    value seen before (``>=``: a change in the same second is not lost; the merge on the key makes the
    repeated row a no-op). A table without cursor (``pixels``) keeps every row and stores no state.

    Args:
        ctx: the source context.
        spec: the entity table.

    Yields:
        Lists of typed rows.
    """
    cfg = ctx.config
    states = _advertiser_states()
    backfill = ctx.backfill_range() is not None
    cursor = spec.cursor
    state_key = f"max_{cursor}"  # "max_modify_time" for campaigns, ad groups and ads
    for advertiser in ctx.advertisers():
        adv_id = advertiser.advertiser_id
        entry = states.get(adv_id) or {}
        since: dt.datetime | None = None
        turned_on_deleted = cfg.include_deleted and not entry.get("include_deleted", False)
        if not backfill and entry.get(state_key) and not turned_on_deleted:
            since = to_timestamp(entry[state_key], state_key)
        newest = since
        try:
            for page in entity_pages(
                ctx.client, spec, adv_id, include_deleted=cfg.include_deleted, page_size=cfg.page_size
            ):
                rows = transform_entity_rows(spec, adv_id, page)
                if cursor is not None:
                    for row in rows:
                        if newest is None or row[cursor] > newest:
                            newest = row[cursor]
                kept = rows if since is None or cursor is None else [r for r in rows if r[cursor] >= since]
                if kept:
                    ctx.summary.count(spec.name, adv_id, len(kept))
                    yield kept
        except TikTokPermissionError as err:
            err.add_context(table=spec.name)
            if ctx.skips(err, spec.name, adv_id):
                continue
            raise
        except TikTokAPIError as err:
            err.add_context(table=spec.name)
            raise
        if not backfill and cursor is not None:
            states[adv_id] = {
                state_key: newest.isoformat() if newest else None,
                "include_deleted": cfg.include_deleted,
            }


def advertiser_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    """The advertisers table: every configured advertiser, every run (one small request per 100).

    Args:
        ctx: the source context.
        spec: the advertisers table.

    Yields:
        One list of typed rows.
    """
    try:
        advertisers = ctx.advertisers()
    except TikTokAPIError as err:
        err.add_context(table=spec.name)
        raise
    rows = [transform_advertiser_row(spec, adv.info) for adv in advertisers]
    for row in rows:
        ctx.summary.count(spec.name, str(row["advertiser_id"]), 1)
    if rows:
        yield rows


_GENERATORS: dict[str, Callable[[SourceContext, TableSpec], Iterator[list[dict[str, Any]]]]] = {
    "report": report_rows,
    "entity": entity_rows,
    "advertiser": advertiser_rows,
}


def make_resource(spec: TableSpec, ctx: SourceContext) -> DltResource:
    """Turn a table spec into a ``dlt.resource`` (merge on the spec's key, pinned columns).

    Report tables additionally freeze column *types* (``schema_contract={"data_type": "freeze"}``): every
    report column is pinned, so a value of another type would be a bug, and failing beats a silent
    ``spend__v_text`` variant column. Entity tables evolve freely (TikTok adds fields over time).

    Report tables also have ``merge_key = (advertiser_id, stat_time_day)``: dlt's delete-insert then deletes
    *every* stored row of each (advertiser, day) the run read before inserting the new rows, so a re-read
    day is replaced whole (:func:`day_markers` covers days that come back empty). Without it, a row that
    TikTok no longer returns for a re-read day (an ad deleted since the last run, with
    ``include_deleted = false``) would stay in the table and the day's totals would not match TikTok's.

    Args:
        spec: the table.
        ctx: the shared source context.

    Returns:
        The resource.
    """
    generate = _GENERATORS[spec.kind]

    def rows() -> Iterator[Any]:
        # create the table with its pinned schema even when no row arrives
        yield dlt.mark.materialize_table_schema()
        yield from generate(ctx, spec)

    rows.__name__ = spec.name
    rows.__doc__ = spec.description
    contract: Any = {"data_type": "freeze"} if spec.kind == "report" else None
    merge_key: Any = list(REPORT_MERGE_KEY) if spec.kind == "report" else None
    columns = spec.column_hints()
    if spec.kind == "report":
        columns = {**columns, DAY_MARKER_COLUMN: {"name": DAY_MARKER_COLUMN, **DAY_MARKER_HINT}}
    return dlt.resource(
        rows,
        name=spec.name,
        table_name=spec.name,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=list(spec.primary_key),
        merge_key=merge_key,
        columns=columns,
        schema_contract=contract,
    )()

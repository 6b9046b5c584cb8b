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
import pyarrow as pa
from dlt.extract.resource import DltResource

from .arrow_pages import TableBatcher, arrow_schema, report_page_table, rows_to_table, supports_arrow
from .async_reports import TaskSwitch, task_or_sync_pages, use_task
from .client import TikTokClient
from .concurrency import UnitStream
from .config import SourceConfig
from .errors import TikTokAPIError, TikTokPermissionError
from .extract import Advertiser, AdvertiserDirectory, entity_pages, report_pages
from .json_pages import report_decoder
from .settings import ARROW_BATCH_ROWS, DEFAULT_HISTORY_DAYS, EARLIEST_START_DATE, TableSpec
from .transform import to_timestamp, transform_advertiser_row, transform_entity_rows, transform_report_rows
from .windows import DateWindow, local_today, report_range, split_range

logger = logging.getLogger("tiktok_ads")

Clock = Callable[[], dt.datetime]

REPORT_MERGE_KEY = ("advertiser_id", "stat_time_day")
"""The merge key of daily and hourly report tables (``TableSpec.merge_key``; lifetime tables: advertiser_id)."""

DAY_MARKER_COLUMN = "_day_marker"
"""dlt ``hard_delete`` column of the report tables: true only in the marker rows of :func:`day_markers`,
which are never stored, so it is NULL in every row of the destination."""

DAY_MARKER_HINT: Any = {
    "data_type": "bool",
    "hard_delete": True,
    "description": "internal: true only in never-stored rows that mark an (advertiser, day) as re-read",
}

_SENTINEL_TIME = dt.time(23, 59, 59)
"""The time of a marker's key timestamps (``stat_time_hour``): TikTok's hours all start on the hour."""


def _sentinel(spec: TableSpec, column: str, advertiser_id: str, day: dt.date) -> Any:
    """A value of ``column``'s pinned type that no real row of the advertiser holds in a key column."""
    kind = spec.columns.get(column, {}).get("data_type")
    if kind == "timestamp":
        return dt.datetime.combine(day, _SENTINEL_TIME)
    if kind == "date":
        return day
    return f"~{advertiser_id}"


def day_markers(spec: TableSpec, advertiser_id: str, window: DateWindow) -> list[dict[str, Any]]:
    """One marker row per day of ``window``: it makes dlt replace the advertiser's day whole, even if empty.

    With ``merge_key`` (advertiser_id, stat_time_day), dlt's delete-insert deletes the stored rows of every
    (advertiser, day) present in the load; a day on which TikTok returned *no* row (every ad that delivered on
    it was deleted since the last run) would not be present, and its old rows would stay. The marker makes it
    present: it carries the day, the advertiser and ``_day_marker = true`` (dlt's ``hard_delete``), so it
    deletes the day's stored rows and is not inserted itself. Its other key columns hold ``~<advertiser_id>``
    (text) or a time no TikTok hour has (``stat_time_hour`` 23:59:59), which no real row has, so markers never
    collide with real rows or with each other.

    Lifetime tables (no day column) get one marker per advertiser: the run replaces all its rows. A table whose
    key has no column besides its merge key (advertiser-level daily and lifetime reports: one row per
    advertiser and day, or per advertiser) gets none: a marker would share a real row's key, and its one row
    per advertiser-day is always returned (the advertiser level has no status filter), so it replaces itself.

    Args:
        spec: the report table.
        advertiser_id: the advertiser.
        window: the days that were read completely.

    Returns:
        The marker rows.
    """
    merge_key = spec.merge_key
    if not [k for k in spec.primary_key if k not in merge_key]:
        return []
    days: list[dt.date] = []
    day = window.start
    while day <= window.end and (spec.day_column or not days):
        days.append(day)
        day += dt.timedelta(days=1)
    markers: list[dict[str, Any]] = []
    for day in days:
        row: dict[str, Any] = {key: _sentinel(spec, key, advertiser_id, day) for key in spec.primary_key}
        row["advertiser_id"] = advertiser_id
        if spec.day_column:
            row[spec.day_column] = day
        row[DAY_MARKER_COLUMN] = True
        markers.append(row)
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
    marker_rows: collections.Counter[str] = field(default_factory=collections.Counter)
    _warned: set[str] = field(default_factory=set, repr=False, compare=False)
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

    def count_markers(self, table: str, n: int) -> None:
        """Add ``n`` day-marker rows yielded to ``table`` (not data: progress counts leave them out)."""
        with self._lock:
            self.marker_rows[table] += n

    def warn_once(self, message: str) -> None:
        """Log ``message`` as a warning the first time this run says it (many tables share one cause)."""
        with self._lock:
            if message in self._warned:
                return
            self._warned.add(message)
        logger.warning("tiktok_ads: %s", message)

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
        arrow: yield report pages as Arrow tables (False: as typed dicts, the slower row path).
        tasks: whether async report tasks are (still) used in this run (``async_reports``).
    """

    config: SourceConfig
    client: TikTokClient
    directory: AdvertiserDirectory
    clock: Clock = _utc_now
    summary: RunSummary = field(default_factory=RunSummary)
    arrow: bool = True
    tasks: TaskSwitch = field(default_factory=lambda: TaskSwitch("auto"))
    _default_start: dt.date | None = field(default=None, init=False, repr=False)

    def start_date(self) -> dt.date:
        """The first report day: the ``start_date`` setting, or by default 365 days before TikTok's UTC today.

        The default is taken from :attr:`clock` (TikTok's ``Date`` header) on first use, after the advertiser
        lookup, rather than from the machine's clock when the settings were read.

        Returns:
            The day.
        """
        cfg = self.config
        if not cfg.start_date_is_default:
            return cfg.start_date
        if self._default_start is None:
            today = self.clock().astimezone(dt.timezone.utc).date()
            self._default_start = max(
                today - dt.timedelta(days=DEFAULT_HISTORY_DAYS), dt.date.fromisoformat(EARLIEST_START_DATE)
            )
        return self._default_start

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
            return self.start_date(), cfg.end_date
        if cfg.allow_external_schedulers or _runtime_allows_external_schedulers():
            interval = dlt.current.interval()
            if interval is not None:
                start, end = interval
                last = (end - dt.timedelta(microseconds=1)).date()
                first = max(start.date(), self.start_date())
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


def _load_id() -> str | None:
    """The id of the load package being extracted (None outside a pipeline run)."""
    try:
        return str(dlt.current.load_package_state()["load_id"])
    except Exception:  # CurrentLoadPackageStateNotAvailable: iterated outside dlt's extract
        return None


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
        if backfill[1] > today:
            ctx.summary.warn_once(
                f"end_date {backfill[1]} is after today ({today}) in the time zone of advertiser "
                f"{advertiser.advertiser_id} ({advertiser.timezone}): reading up to {today}"
            )
        return report_range(start_date=backfill[0], end_date=backfill[1], today=today)
    last_day: dt.date | None = None
    if entry and entry.get("last_day"):
        stored_start = dt.date.fromisoformat(entry.get("start_date") or entry["last_day"])
        turned_on_deleted = cfg.include_deleted and not entry.get("include_deleted", False)
        if stored_start <= ctx.start_date() and not turned_on_deleted:
            last_day = dt.date.fromisoformat(entry["last_day"])
        else:
            # start_date moved earlier, or include_deleted was switched on: reload the history
            logger.info(
                "tiktok_ads: reloading history of advertiser %s (settings changed)", advertiser.advertiser_id
            )
    return report_range(
        start_date=ctx.start_date(),
        today=today,
        last_day=last_day,
        attribution_window_days=cfg.attribution_window_days,
    )


@dataclass(frozen=True)
class ReportUnit:
    """One report request series: one advertiser's window (all its pages), or its whole range in one task.

    Attributes:
        advertiser_id: the advertiser.
        window: inclusive days, at most the API's longest span (any length for a task).
        task: read with an async report task (:mod:`.async_reports`), synchronously if it fails.
    """

    advertiser_id: str
    window: DateWindow
    task: bool = False


@dataclass(eq=False)
class EntityUnit:
    """One advertiser's entity list, and the newest ``modify_time`` its pages held (set by the worker).

    Attributes:
        advertiser_id: the advertiser.
        since: keep rows with ``modify_time`` at or after this (None: keep all).
        newest: the largest ``modify_time`` seen, ``since`` if none was larger.
    """

    advertiser_id: str
    since: dt.datetime | None
    newest: dt.datetime | None = None


def _stream(
    ctx: SourceContext, spec: TableSpec, units: list[Any], work: Callable[[Any], Iterator[Any]]
) -> Any:
    workers = ctx.config.max_concurrency
    return UnitStream(
        units,
        work,
        workers=workers,
        buffer=2 * workers,
        group=lambda unit: unit.advertiser_id,
        name=f"tiktok_ads_{spec.name}",
    )


def report_arrow_schema(ctx: SourceContext, spec: TableSpec) -> pa.Schema | None:
    """The Arrow schema a report table's pages travel in (its pinned columns and ``_day_marker``), or None
    when they travel as typed dicts (``ctx.arrow`` off, or a column type Arrow pages do not carry)."""
    if not (ctx.arrow and supports_arrow(spec)):
        return None
    return arrow_schema(spec, ((DAY_MARKER_COLUMN, "bool"),))


def report_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[Any]:
    """Pages of typed rows of one report table: all advertisers and windows at once, on worker threads.

    Each (advertiser, window) is a unit of work (:class:`ReportUnit`); up to ``max_concurrency`` run at
    the same time (the shared rate limiter decides how fast requests start). A window's pages are followed
    by its day markers once the window was read completely, and an advertiser's state is written once all
    of its windows were.

    Args:
        ctx: the source context.
        spec: the report table.

    Yields:
        Pages of typed rows, then the window's day markers.
    """
    cfg = ctx.config
    states = _advertiser_states()
    backfill = ctx.backfill_range()
    units: list[ReportUnit] = []
    ranges: dict[str, DateWindow] = {}
    for advertiser in ctx.advertisers():
        adv_id = advertiser.advertiser_id
        days = _report_range_for(ctx, advertiser, states.get(adv_id), backfill)
        ctx.summary.note_range(spec.name, adv_id, days)
        if days is None:
            continue
        ranges[adv_id] = days
        if use_task(ctx.tasks.mode, spec, days, include_deleted=cfg.include_deleted):
            units.append(ReportUnit(adv_id, days, task=True))  # one task instead of a request per window
        else:
            units.extend(
                ReportUnit(adv_id, window) for window in split_range(days.start, days.end, spec.window_days)
            )
    remaining = collections.Counter(unit.advertiser_id for unit in units)
    # pages as Arrow tables: dlt writes them to parquet as they are, without normalizing rows one by one
    schema = report_arrow_schema(ctx, spec)
    # ... parsed from the body by pyarrow's JSON reader, without a Python object per value
    decode = report_decoder(spec.dimensions, spec.metrics) if schema is not None else None

    def pages(unit: ReportUnit) -> Iterator[Any]:
        if unit.task and ctx.tasks.mode != "never":
            return task_or_sync_pages(
                ctx.client,
                spec,
                unit.advertiser_id,
                unit.window,
                ctx.tasks,
                include_deleted=cfg.include_deleted,
                page_size=cfg.page_size,
            )
        if unit.task:  # tasks were switched off after this unit was planned: its windows, one by one
            return (
                page
                for part in split_range(unit.window.start, unit.window.end, spec.window_days)
                for page in report_pages(
                    ctx.client,
                    spec,
                    unit.advertiser_id,
                    part,
                    include_deleted=cfg.include_deleted,
                    page_size=cfg.page_size,
                    decode=decode,
                )
            )
        return report_pages(
            ctx.client,
            spec,
            unit.advertiser_id,
            unit.window,
            include_deleted=cfg.include_deleted,
            page_size=cfg.page_size,
            decode=decode,
        )

    def work(unit: ReportUnit) -> Iterator[Any]:
        try:
            for page in pages(unit):
                rows: Any = (
                    report_page_table(spec, unit.advertiser_id, page, schema)
                    if schema is not None
                    else transform_report_rows(spec, unit.advertiser_id, page)
                )
                if len(rows):
                    ctx.summary.count(spec.name, unit.advertiser_id, len(rows))
                    yield rows
        except TikTokAPIError as err:
            err.add_context(table=spec.name, window=str(unit.window))
            raise

    def markers(unit: ReportUnit) -> Any:
        rows = day_markers(spec, unit.advertiser_id, unit.window)
        ctx.summary.count_markers(spec.name, len(rows))
        return rows_to_table(rows, schema) if schema is not None else rows

    skipped: set[str] = set()
    batcher = TableBatcher(ARROW_BATCH_ROWS, _load_id()) if schema is not None else None
    if batcher is not None and schema is not None:
        yield batcher.empty(schema)  # the table, with its pinned columns, even if no row ever arrives

    def out(item: Any) -> Any:
        return batcher.add(item) if batcher is not None else item

    stream = _stream(ctx, spec, units, work)
    for kind, unit, value in stream:
        adv_id = unit.advertiser_id
        batch: Any = None
        if kind == "item":
            batch = out(value)
        elif kind == "done":
            # every day of the window was read: replace each whole, even one that came back empty
            batch = out(markers(unit))
            remaining[adv_id] -= 1
            if remaining[adv_id] == 0 and adv_id not in skipped and backfill is None:
                # only now that every window of this advertiser was yielded
                states[adv_id] = {
                    "last_day": ranges[adv_id].end.isoformat(),
                    "start_date": ctx.start_date().isoformat(),
                    "include_deleted": cfg.include_deleted,
                }
        elif kind == "error":
            if isinstance(value, TikTokPermissionError) and (
                adv_id in skipped or ctx.skips(value, spec.name, adv_id)
            ):
                skipped.add(adv_id)
                stream.drop(adv_id)
                continue
            raise value
        if batch is not None:
            yield batch
    if batcher is not None and (last := batcher.flush()) is not None:
        yield last


def entity_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    """Pages of typed campaigns / ad groups / ads (or other listed objects) whose cursor is at or after the
    advertiser's stored cursor.

    TikTok has no modified-since filter for campaigns and ad groups, so every run reads everything and
    keeps rows with ``spec.cursor`` (``modify_time``; ``update_time`` for custom audiences) ``>=`` the largest
    value seen before (``>=``: a change in the same second is not lost; the merge on the key makes the
    repeated row a no-op). A table without cursor (``pixels``) keeps every row and stores no state.
    Advertisers are read in parallel (one :class:`EntityUnit` each).

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
    units: list[EntityUnit] = []
    for advertiser in ctx.advertisers():
        entry = states.get(advertiser.advertiser_id) or {}
        since: dt.datetime | None = None
        turned_on_deleted = cfg.include_deleted and not entry.get("include_deleted", False)
        if not backfill and entry.get(state_key) and not turned_on_deleted:
            since = to_timestamp(entry[state_key], state_key)
        units.append(EntityUnit(advertiser.advertiser_id, since, since))

    def work(unit: EntityUnit) -> Iterator[list[dict[str, Any]]]:
        adv_id = unit.advertiser_id
        try:
            for page in entity_pages(
                ctx.client,
                spec,
                adv_id,
                include_deleted=cfg.include_deleted,
                page_size=cfg.page_size,
                since=unit.since,
            ):
                rows = transform_entity_rows(spec, adv_id, page)
                if cursor is not None:
                    for row in rows:
                        if unit.newest is None or row[cursor] > unit.newest:
                            unit.newest = row[cursor]
                since = unit.since
                kept = rows if since is None or cursor is None else [r for r in rows if r[cursor] >= since]
                if kept:
                    ctx.summary.count(spec.name, adv_id, len(kept))
                    yield kept
        except TikTokAPIError as err:
            err.add_context(table=spec.name)
            raise

    for kind, unit, value in _stream(ctx, spec, units, work):
        if kind == "item":
            yield value
        elif kind == "done":
            if not backfill and cursor is not None:
                states[unit.advertiser_id] = {
                    state_key: unit.newest.isoformat() if unit.newest else None,
                    "include_deleted": cfg.include_deleted,
                }
        elif kind == "error":
            if isinstance(value, TikTokPermissionError) and ctx.skips(value, spec.name, unit.advertiser_id):
                continue
            raise value


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


def _business_center_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    from .business_center import bc_rows  # here: that module imports this one

    return bc_rows(ctx, spec)


def _spark_post_rows(ctx: SourceContext, spec: TableSpec) -> Iterator[list[dict[str, Any]]]:
    from .spark_ads import spark_post_rows  # here: that module imports this one

    return spark_post_rows(ctx, spec)


_GENERATORS: dict[str, Callable[[SourceContext, TableSpec], Iterator[list[dict[str, Any]]]]] = {
    "report": report_rows,
    "entity": entity_rows,
    "advertiser": advertiser_rows,
    "business_center": _business_center_rows,
    "spark_posts": _spark_post_rows,
}


def make_resource(spec: TableSpec, ctx: SourceContext) -> DltResource:
    """Turn a table spec into a ``dlt.resource`` (merge on the spec's key, pinned columns).

    Report pages are Arrow tables whose schema is the pinned one (``arrow_pages.py``), so their types
    cannot drift; on the row path (``SourceContext.arrow = False``) report tables freeze column *types*
    instead (``schema_contract={"data_type": "freeze"}``): failing beats a silent ``spend__v_text`` variant
    column. Entity tables evolve freely (TikTok adds fields over time).

    Report tables also have ``merge_key = (advertiser_id, stat_time_day)`` (``spec.merge_key``; lifetime tables
    ``advertiser_id`` alone): dlt's delete-insert then deletes *every* stored row of each (advertiser, day) the
    run read before inserting the new rows, so a re-read day is replaced whole (:func:`day_markers` covers days
    that come back empty); a lifetime run replaces each advertiser's rows. Without it, a row that
    TikTok no longer returns for a re-read day (an ad deleted since the last run, with
    ``include_deleted = false``) would stay in the table and the day's totals would not match TikTok's.

    Args:
        spec: the table.
        ctx: the shared source context.

    Returns:
        The resource.
    """
    generate = _GENERATORS[spec.kind]

    arrow = spec.kind == "report" and report_arrow_schema(ctx, spec) is not None

    def rows() -> Iterator[Any]:
        if not arrow:  # (Arrow report tables yield an empty Arrow table instead, see report_rows)
            # create the table with its pinned schema even when no row arrives
            yield dlt.mark.materialize_table_schema()
        yield from generate(ctx, spec)

    rows.__name__ = spec.name
    rows.__doc__ = spec.description
    # Arrow pages carry the pinned types in their schema, so they cannot drift (and dlt's freeze check
    # would take the Arrow schema's explicit nullable/precision for a type change)
    contract: Any = {"data_type": "freeze"} if spec.kind == "report" and not arrow else None
    merge_key: Any = list(spec.merge_key) if spec.kind == "report" else None
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

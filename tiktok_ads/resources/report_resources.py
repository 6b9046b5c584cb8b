"""The body of a report table's resource for one advertiser: plan its days, read them, replace them whole."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dlt
import pyarrow as pa

from tiktok_ads.api.json_pages import report_decoder
from tiktok_ads.config.defaults import ARROW_BATCH_ROWS
from tiktok_ads.endpoints.arrow_pages import (
    TableBatcher,
    arrow_schema,
    report_page_table,
    rows_to_table,
    supports_arrow,
)
from tiktok_ads.endpoints.async_reports import task_or_sync_pages, use_shared_task, use_task
from tiktok_ads.endpoints.extract import Advertiser, report_pages
from tiktok_ads.endpoints.report_batches import ReportBatches
from tiktok_ads.errors import ConfigError, TikTokAPIError
from tiktok_ads.resources.cursors import AdvertiserCursor
from tiktok_ads.resources.day_markers import DAY_MARKER_COLUMN, day_markers
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.resources.unit_runs import run_units
from tiktok_ads.tables.records import ReportTable
from tiktok_ads.windows import DateWindow, local_today, report_range, split_range


@dataclass(frozen=True)
class ReportUnit:
    """One report request series: one window of the advertiser (all its pages), or its whole range in one task.

    Attributes:
        advertiser_id: the advertiser.
        window: inclusive days, at most the API's longest span (any length for a task).
        task: read with an async report task (:mod:`.async_reports`), synchronously if it fails.
    """

    advertiser_id: str
    window: DateWindow
    task: bool = False


def report_arrow_schema(spec: ReportTable) -> pa.Schema:
    """The Arrow schema a report table's pages travel in: its pinned columns and ``_day_marker``.

    Raises:
        ConfigError: a column of the table has a type Arrow pages cannot carry (``json``).
    """
    if not supports_arrow(spec):
        raise ConfigError("custom_reports", f"table {spec.name} has a column Arrow pages cannot carry (json)")
    return arrow_schema(spec, ((DAY_MARKER_COLUMN, "bool"),))


def empty_report_table(spec: ReportTable) -> pa.Table:
    """A report table of no rows with its pinned columns (and ``_dlt_load_id``): yielded first, it creates the
    table whether or not any row arrives (see ``TableBatcher.empty``)."""
    return TableBatcher(ARROW_BATCH_ROWS, _load_id()).empty(report_arrow_schema(spec))


def _load_id() -> str | None:
    """The id of the load package being extracted (None outside a pipeline run)."""
    try:
        return str(dlt.current.load_package_state()["load_id"])
    except Exception:  # CurrentLoadPackageStateNotAvailable: iterated outside dlt's extract
        return None


def report_days(
    ctx: SourceContext, advertiser: Advertiser, cursor: AdvertiserCursor | None, *, note: bool = True
) -> DateWindow | None:
    """The days one run reads for one advertiser, in its time zone (None: nothing to read).

    A backfill reads its fixed range; otherwise the days after the cursor, from ``lag`` days before it (the
    attribution window) up to the advertiser's today; a table without cursor (lifetime) reads
    ``start_date..today``.

    Args:
        ctx: the source context.
        advertiser: the advertiser (its time zone decides "today").
        cursor: its cursor of the table, None for lifetime tables.
        note: warn about an ``end_date`` after today (once per run; the planner of shared requests does not).

    Returns:
        The inclusive days, or None.
    """
    today = local_today(advertiser.timezone, ctx.clock())
    if cursor is not None and cursor.is_backfill:
        first, last = cursor.backfill_days(ctx)
        if last > today and note:
            ctx.summary.warn_once(
                f"end_date {last} is after today ({today}) in the time zone of advertiser "
                f"{advertiser.advertiser_id} ({advertiser.timezone}): reading up to {today}"
            )
        return report_range(start_date=first, end_date=last, today=today)
    if cursor is None:
        return report_range(start_date=ctx.start_date(), today=today)
    return report_range(
        start_date=cursor.first_day(ctx),
        today=today,
        last_day=cursor.stored(ctx),
        attribution_window_days=cursor.lag_days,
    )


def report_units(
    ctx: SourceContext, spec: ReportTable, advertiser_id: str, days: DateWindow, *, task: bool = False
) -> list[ReportUnit]:
    """One advertiser's units of work over its days: the whole range in one task, else one per window.

    The planner of shared requests (:class:`SharedReports`) and each advertiser's body both call this, so the
    batches are formed of the very windows the body asks for.

    Args:
        ctx: the source context (its task switch and ``include_deleted``).
        spec: the report table.
        advertiser_id: the advertiser.
        days: its days of this run (:func:`report_days`).
        task: read by a task shared with other advertisers (:meth:`.ReportBatches.shared_task`).

    Returns:
        One task unit (``task``, or :func:`.async_reports.use_task`), else a unit per window.
    """
    if task or use_task(ctx.tasks.mode, spec, days, include_deleted=ctx.config.include_deleted):
        return [ReportUnit(advertiser_id, days, task=True)]  # one task instead of a request per window
    return [
        ReportUnit(advertiser_id, window) for window in split_range(days.start, days.end, spec.window_days)
    ]


class SharedReports:
    """A report table's requests shared between its advertisers (``share_report_requests``).

    dlt calls every resource function before it iterates any (and binds each incremental then), so each
    advertiser's resource registers its incremental when called; the first body to read plans every
    registered advertiser's windows at once and builds one :class:`~.report_batches.ReportBatches` from them.

    Args:
        ctx: the source context.
        spec: the report table.
    """

    def __init__(self, ctx: SourceContext, spec: ReportTable) -> None:
        self._ctx = ctx
        self._spec = spec
        self._incrementals: dict[str, Any] = {}
        self._batches: ReportBatches | None = None
        self._lock = threading.Lock()

    def register(self, advertiser_id: str, incremental: Any) -> None:
        """Note an advertiser's (about to be bound) incremental, None for a table without cursor."""
        with self._lock:
            self._incrementals[advertiser_id] = incremental
            self._batches = None  # a new run plans again

    def batches(self) -> ReportBatches:
        """The table's shared requests, planned from every registered advertiser on first use."""
        with self._lock:
            if self._batches is None:
                self._batches = self._plan()
            return self._batches

    def _plan(self) -> ReportBatches:
        ctx, spec = self._ctx, self._spec
        plans: dict[str, list[DateWindow]] = {}
        ranges: dict[str, DateWindow] = {}
        zones: dict[str, str | None] = {}
        currencies: dict[str, str | None] = {}
        deleted = ctx.config.include_deleted
        for adv_id, incremental in self._incrementals.items():
            advertiser = ctx.advertiser(adv_id)
            if advertiser is None:
                continue
            cursor = AdvertiserCursor(spec, adv_id, incremental) if incremental is not None else None
            days = report_days(ctx, advertiser, cursor, note=False)
            if days is None:
                continue  # nothing to read
            zones[adv_id] = advertiser.timezone
            currencies[adv_id] = advertiser.info.get("currency")
            if use_shared_task(ctx.tasks.mode, spec, days, include_deleted=deleted):
                ranges[adv_id] = days  # a task shared with others, if any partner (ReportBatches)
            else:  # the windows its body will read (none when one task of its own reads them: not shared)
                plans[adv_id] = [
                    unit.window for unit in report_units(ctx, spec, adv_id, days) if not unit.task
                ]
        return ReportBatches(
            ctx.client,
            spec,
            plans,
            zones,
            include_deleted=ctx.config.include_deleted,
            page_size=ctx.config.page_size,
            decode=report_decoder(spec.dimensions, spec.metrics),
            currencies=currencies,
            warn=ctx.summary.warn_once,
            ranges=ranges,
            tasks=ctx.tasks,
        )


def report_partition(
    ctx: SourceContext,
    spec: ReportTable,
    advertiser_id: str,
    cursor: AdvertiserCursor | None,
    *,
    shared: SharedReports | None = None,
) -> Iterator[Any]:
    """Arrow tables of one advertiser's rows of one report table, then its cursor moved to the last day read.

    Each window (or the whole range, in one async task) is a unit of work; up to ``max_concurrency`` run at
    the same time. A window's pages are followed by its day markers once the window was read completely
    (:func:`.day_markers.day_markers`), and the cursor is set only after all of the advertiser's windows were.

    Args:
        ctx: the source context.
        spec: the report table.
        advertiser_id: the advertiser.
        cursor: its cursor (None for lifetime tables).
        shared: the table's requests shared with its other advertisers (``share_report_requests``), or None.

    Yields:
        Arrow tables of typed rows and day markers.
    """
    cfg = ctx.config
    schema = report_arrow_schema(spec)
    batcher = TableBatcher(ARROW_BATCH_ROWS, _load_id(), ctx.buffered)
    advertiser = ctx.advertiser(advertiser_id)
    if advertiser is None:  # left out: the token may not read it (skip_inaccessible_advertisers)
        return
    days = report_days(ctx, advertiser, cursor)
    ctx.summary.note_range(spec.name, advertiser_id, days)
    if days is None:
        return
    # planned here, in dlt's thread (it reads every advertiser's state), before any worker asks for a page
    batches = shared.batches() if shared is not None else None
    shared_task = batches is not None and batches.shared_task(advertiser_id, days)
    units = report_units(ctx, spec, advertiser_id, days, task=shared_task)
    # parsed from the body by pyarrow's JSON reader, without a Python object per value
    decode = report_decoder(spec.dimensions, spec.metrics)

    def windows(window: DateWindow) -> Iterator[Any]:
        if batches is not None:
            return batches.pages(advertiser_id, window)
        return report_pages(
            ctx.client,
            spec,
            advertiser_id,
            window,
            include_deleted=cfg.include_deleted,
            page_size=cfg.page_size,
            decode=decode,
        )

    def pages(unit: ReportUnit) -> Iterator[Any]:
        if shared_task and batches is not None:  # the batch falls back by itself (alone, task or windows)
            return batches.pages(advertiser_id, unit.window)
        if unit.task and ctx.tasks.mode != "never":
            return task_or_sync_pages(
                ctx.client,
                spec,
                advertiser_id,
                unit.window,
                ctx.tasks,
                include_deleted=cfg.include_deleted,
                page_size=cfg.page_size,
            )
        if unit.task:  # tasks were switched off after this unit was planned: its windows, one by one
            parts = split_range(unit.window.start, unit.window.end, spec.window_days)
            return (page for part in parts for page in windows(part))
        return windows(unit.window)

    def work(unit: ReportUnit) -> Iterator[pa.Table]:
        try:
            for page in pages(unit):
                table = report_page_table(spec, advertiser_id, page, schema)
                del page  # its body and parsed arrays go now, not when the next page is read
                if table.num_rows:
                    ctx.summary.count(spec.name, advertiser_id, table.num_rows)
                    # suspended (its worker waits for a budget slot), the body holds no table it handed over
                    handed = [table]
                    del table
                    yield handed.pop()
        except TikTokAPIError as err:
            err.add_context(table=spec.name, window=str(unit.window))
            raise

    def markers(unit: ReportUnit) -> pa.Table:
        # every day of the window was read: replace each whole, even one that came back empty
        rows = day_markers(spec, advertiser_id, unit.window)
        ctx.summary.count_markers(spec.name, len(rows))
        return rows_to_table(rows, schema)

    skipped: set[str] = set()
    try:
        for table in run_units(ctx, spec, units, work, skipped=skipped, on_done=markers):
            if table is None:  # nothing yet: dlt polls the other resources
                yield None
                continue
            if (batch := batcher.add(table)) is not None:
                yield batch
        if (last := batcher.flush()) is not None:
            yield last
    finally:
        batcher.release()  # closed early (an error, dlt closing it): its rows no longer count for the others
    if skipped and batches is not None:
        batches.discard(advertiser_id)
    if cursor is not None and not skipped:
        cursor.commit(days.end, ctx)

"""Async report tasks for long ranges: one task instead of a request per 30-day window and page.

A synchronous report answers at most 30 days (1 day hourly) and 1,000 rows per request, so a year of an
account with 1,000 ads is 13 windows of about 12 pages each. An async task has no span limit and no paging
("Create an asynchronous report task", TikTok Doc ID 1740302766489602): ``report/task/create/`` once,
``report/task/check/`` until ``SUCCESS``, ``report/task/download/`` once for the whole range as a CSV whose
header row is the field names (``enable_report_title_translation = false``).

When (:func:`use_task`): the ``async_reports`` setting is ``auto`` (default) and an advertiser's range spans at
least :data:`MIN_WINDOWS` synchronous windows (a first load or a long backfill; a daily run's few days stay
synchronous), or ``always``; and the table can be asked asynchronously (:func:`task_supported`): a BASIC or
AUDIENCE report with a time dimension, no filters but id filters (async reports have no status filter, so
``include_deleted`` reports stay synchronous), no UV metric with an audience dimension.

Fallback: a task that FAILED, was CANCELED or did not finish in :data:`TASK_TIMEOUT_SECONDS`, or any refused
task request (per-account or per-app task quota, an app not allow-listed for async reports) is logged as a
warning and its range is read synchronously, window by window; a refused creation also stops tasks for the
rest of the run. Auth and connection errors fail the run as they would synchronously.

Several advertisers per task (:func:`use_shared_task`): ``report/task/create/`` takes ``advertiser_ids`` (up
to 5, one TikTok for Business user, BASIC and AUDIENCE only) as the synchronous report does ([BB-task]
bububa/tiktok-business ``model/report/task_create.go``, translated from TikTok's docs; the official SDK's
``ReportTaskCreateBody`` has the field too); each advertiser's rows are in its own time zone; the dimensions may
hold ``advertiser_id`` beside one other id dimension, and the docs advise asking ``currency`` among the metrics.
So a shared task asks ``advertiser_id`` as a dimension and ``currency`` as a metric (:func:`shared_columns`),
and :class:`~tiktok_ads.endpoints.report_batches.ReportBatches` (which forms the batches, as for synchronous
requests) splits the CSV back per advertiser with the checks of shared synchronous answers, but one: the CSV
has no ``timezone`` column (UNSURE whether TikTok would add one; the docs promise each account's own zone and
tasks document no UTC switch). ``report/task/check/`` and ``download/`` take one ``task_id`` and any one of the
task's advertisers ([BB-task] ``task_check.go``; the SDK's ``report_task_check(task_id, advertiser_id)``), so
checks cannot be shared between tasks.

Memory: the CSV (an advertiser's whole range: a year of a 1,000-ad account is ~60 MB) is never held whole. The
download is written to a temporary file as it arrives (:meth:`TikTokClient.download`, in the system's temp dir,
``TMPDIR``), and pyarrow's streaming CSV reader reads it back in C, :data:`BLOCK_BYTES` at a time (and up to 32
blocks ahead, pyarrow's fixed read-ahead), every requested column as a string. Blocks are handed on as pages of
``page_size`` rows of the synchronous report (:class:`CsvRows`, ``{"dimensions": {...}, "metrics":
{...}}`` as Arrow), typed by the same code (``arrow_pages.py``, and ``transform.py`` for a page it cannot type
in C) into the same rows. The whole file is downloaded before its first row is handed on, so a download cut
short is retried, then falls back to the synchronous path like a failed task, with no row loaded twice.
"""

from __future__ import annotations

import csv
import logging
import re
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pa_csv

from tiktok_ads.api.client import TikTokClient, wait_unless_cancelled
from tiktok_ads.api.json_pages import ArrowRows
from tiktok_ads.endpoints.extract import RawPage, report_pages, report_params
from tiktok_ads.errors import (
    RequestsCancelled,
    TikTokAPIError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokConnectionError,
    TikTokRateLimitError,
)
from tiktok_ads.tables.metric_catalogue import TIME_DIMENSIONS
from tiktok_ads.tables.metrics_file import TASK_AUDIENCE_REFUSED
from tiktok_ads.tables.records import ReportTable, TableSpec
from tiktok_ads.windows import DateWindow, split_range

logger = logging.getLogger("tiktok_ads")

MIN_WINDOWS = 5
"""``auto`` uses a task when a range spans this many synchronous windows: a task costs about 4 requests
(create, a few checks, download), a window at least one; at 5 a task saves requests even for a small account
(one page per window), and a 90-day first load (4 windows) stays synchronous."""
MIN_SHARED_WINDOWS = 4
"""``auto`` uses a task shared by advertisers when their range spans this many windows and the table breaks each
id and day down (an audience dimension, ``country_code`` ...): its windows of five advertisers rarely fit one
page, and a task (create, checks, download: about 4 requests) replaces all of them; a table of one row per id
and day waits for :data:`MIN_WINDOWS`, as one advertiser's task does (4 one-page windows cost what a task does)."""
MAX_OUTPUTS_IN_FLIGHT = 2
"""Task outputs downloaded and being parsed at once, process-wide: each costs its CSV's size on disk (a year of
a 1,000-ad account is ~60 MB) and a few MB of memory (:data:`BLOCK_BYTES`)."""
BLOCK_BYTES = 1 << 17
"""CSV bytes pyarrow reads and parses at a time (~330 rows of ``ad_insights``); it reads blocks ahead on its
I/O thread (32, not configurable). Measured (``bench_extract_memory.py``, 250k rows through tasks): extract peak
578 MB at 512 KiB, 486 MB at 128 KiB, 440 MB at 64 KiB (but 9.6 CPU s against 6-7)."""
ROWS_PER_PAGE = 1_000
"""CSV rows per page unless told (the source passes its ``page_size``): a page is what the source's page budget
(``4 x max_concurrency`` pages read ahead of dlt) counts, so task pages must be no larger than synchronous ones
or the budget holds more rows (10,000-row pages let 250k rows wait in it: 711 MB)."""
_outputs = threading.BoundedSemaphore(MAX_OUTPUTS_IN_FLIGHT)
FIRST_POLL_SECONDS = 0.5
MAX_POLL_SECONDS = 30.0
TASK_TIMEOUT_SECONDS = 1800.0
CREATE_RETRIES = 1
"""Retries of a refused task creation before the synchronous fallback: TikTok's 40200 ("async task error")
also answers a used-up task quota (UNSURE), which passes in an hour, not in seconds."""

AUDIENCE_DIMENSIONS = frozenset(
    {"gender", "age", "country_code", "ac", "language", "platform", "interest_category", "placement",
     "contextual_tag", "province_id"}
)  # fmt: skip
ID_FILTERS = frozenset({"campaign_ids", "adgroup_ids", "ad_ids"})
ID_DIMENSIONS = frozenset({"advertiser_id", "campaign_id", "adgroup_id", "ad_id", "ad_id_v2"})
"""TikTok's id dimensions ([BB] model/report/dimensions.go)."""


class TaskFailedError(TikTokAPIError):
    """An async report task ended without output (FAILED, CANCELED, or not done in time)."""


def task_supported(spec: TableSpec, *, include_deleted: bool) -> bool:
    """Whether TikTok's async reports can answer ``spec`` exactly as its synchronous requests do.

    Args:
        spec: the report table.
        include_deleted: the setting (a status filter, which async reports do not take).

    Returns:
        True for a BASIC/AUDIENCE report with a time dimension, no status or other non-id filter and no UV
        metric combined with an audience dimension.
    """
    if spec.kind != "report" or spec.lifetime or spec.day_column is None:
        return False
    if spec.report_type not in ("BASIC", "AUDIENCE"):
        return False
    if not any(d in TIME_DIMENSIONS for d in spec.dimensions):
        return False  # a range total (no time dimension) depends on the window: not the same rows
    if include_deleted and spec.status_filter_field:
        return False
    if any(f.get("field_name") not in ID_FILTERS for f in spec.filters):
        return False
    audience = any(d in AUDIENCE_DIMENSIONS for d in spec.dimensions)
    return not (audience and any(m in TASK_AUDIENCE_REFUSED for m in spec.metrics))


def use_task(mode: str, spec: ReportTable, window: DateWindow, *, include_deleted: bool) -> bool:
    """Whether to read ``window`` (an advertiser's whole range) of ``spec`` with one async task.

    Args:
        mode: the ``async_reports`` setting (``auto``, ``always``, ``never``).
        spec: the report table.
        window: the advertiser's range.
        include_deleted: the setting.

    Returns:
        True to use a task.
    """
    if mode == "never" or not task_supported(spec, include_deleted=include_deleted):
        return False
    return mode == "always" or len(split_range(window.start, window.end, spec.window_days)) >= MIN_WINDOWS


def use_shared_task(mode: str, spec: ReportTable, window: DateWindow, *, include_deleted: bool) -> bool:
    """Whether an advertiser's range ``window`` of ``spec`` is read by a task shared with other advertisers (when
    the table's requests may be shared at all: :func:`~tiktok_ads.endpoints.report_batches.not_batchable`).

    Args:
        mode: the ``async_reports`` setting, or ``never`` once tasks were turned off.
        spec: the report table.
        window: the advertiser's range.
        include_deleted: the setting.

    Returns:
        True for ``always``, or for ``auto`` with :data:`MIN_SHARED_WINDOWS` windows of a table that breaks ids
        down (several rows per id and day), :data:`MIN_WINDOWS` of any other.
    """
    if mode == "never" or not task_supported(spec, include_deleted=include_deleted):
        return False
    windows = len(split_range(window.start, window.end, spec.window_days))
    breakdown = any(d not in ID_DIMENSIONS and d not in TIME_DIMENSIONS for d in spec.dimensions)
    return mode == "always" or windows >= (MIN_SHARED_WINDOWS if breakdown else MIN_WINDOWS)


def shared_columns(spec: ReportTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The dimensions and metrics a shared task asks: the table's, with ``advertiser_id`` (whose row it is) and
    ``currency`` (checked against ``advertiser/info/``) added if the table lacks them ([BB-task])."""
    dims = spec.dimensions if "advertiser_id" in spec.dimensions else (*spec.dimensions, "advertiser_id")
    mets = spec.metrics if "currency" in spec.metrics else (*spec.metrics, "currency")
    return dims, mets


def shared_task_body(spec: ReportTable, advertiser_ids: Sequence[str], window: DateWindow) -> dict[str, Any]:
    """The ``report/task/create/`` body of a task shared by ``advertiser_ids`` (2 to 5) over ``window``."""
    body = task_body(spec, advertiser_ids[0], window)
    del body["advertiser_id"]  # ignored beside advertiser_ids anyway ([BB-task])
    body["advertiser_ids"] = [str(a) for a in advertiser_ids]
    dims, mets = shared_columns(spec)
    body["dimensions"], body["metrics"] = list(dims), list(mets)
    return body


def task_body(spec: ReportTable, advertiser_id: str, window: DateWindow) -> dict[str, Any]:
    """The ``report/task/create/`` body: the synchronous report's parameters, CSV output, untranslated titles.

    Args:
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days, any length.

    Returns:
        The JSON body.
    """
    body = report_params(spec, advertiser_id, window, include_deleted=False)
    body["output_format"] = "CSV_STRING"
    body["enable_report_title_translation"] = False
    return body


def create_and_wait(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    body: Mapping[str, Any] | None = None,
) -> str:
    """Create a task for ``window`` and wait for it (checks spaced 0.5 s, 1 s, 2 s ... up to 30 s).

    Args:
        client: the API client (pacing, retries and errors as for every request).
        spec: the report table.
        advertiser_id: the advertiser (of a shared task: one of its advertisers, for check and download).
        window: inclusive days.
        sleep: sleep function (tests).
        clock: monotonic clock (tests).
        body: the creation's body, if not :func:`task_body`'s (a shared task's, :func:`shared_task_body`).

    Returns:
        The task id, once the task succeeded.

    Raises:
        TaskFailedError: the task FAILED, was CANCELED or did not finish within :data:`TASK_TIMEOUT_SECONDS`.
        TikTokAPIError: a task request was refused.
    """
    created = client.post(
        "report/task/create/",
        body if body is not None else task_body(spec, advertiser_id, window),
        with_token=True,
        advertiser_id=advertiser_id,
        max_retries=CREATE_RETRIES,
    )
    task_id = str(created.get("task_id") or "")
    if not task_id:
        raise TikTokBadResponseError(
            f"report/task/create/ answered no task_id: {sorted(created)}", code=0, reason="bad_task"
        )
    ids = {"advertiser_id": advertiser_id, "task_id": task_id}
    started = clock()
    delay = FIRST_POLL_SECONDS
    while True:
        # a closed stream's task (checks up to 30 s apart): no more checks
        if not wait_unless_cancelled(delay, sleep):
            raise RequestsCancelled(f"report/task/check/ of task {task_id}: its rows are no longer wanted")
        data = client.get("report/task/check/", ids, advertiser_id=advertiser_id)
        status = str(data.get("status") or "")
        if status == "SUCCESS":
            break
        if status in ("FAILED", "CANCELED"):
            raise TaskFailedError(
                f"async report task {task_id} {status}: {data.get('message') or 'no reason given'}",
                code=0,
                advertiser_id=advertiser_id,
                reason="task_failed",
            )
        if clock() - started > TASK_TIMEOUT_SECONDS:
            raise TaskFailedError(
                f"async report task {task_id} still {status or 'pending'} after {TASK_TIMEOUT_SECONDS:g}s",
                code=0,
                advertiser_id=advertiser_id,
                reason="task_timeout",
            )
        delay = min(MAX_POLL_SECONDS, delay * 2)
    return task_id


def download(
    client: TikTokClient, advertiser_id: str, task_id: str, sink: IO[bytes], *, refuse_cut: bool = False
) -> None:
    """Write the CSV of a task that succeeded to ``sink`` (``output_format = CSV_STRING``: the answer is the
    file), as it arrives (``refuse_cut``: raise for an answer cut to 20,000 ids, as a shared task's must)."""
    ids = {"advertiser_id": advertiser_id, "task_id": task_id}
    client.download("report/task/download/", ids, sink, advertiser_id=advertiser_id, refuse_cut=refuse_cut)


def run_task(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    sink: IO[bytes],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Create a task for ``window``, wait for it and write its CSV to ``sink`` (:func:`create_and_wait`,
    :func:`download`).

    Args:
        client: the API client.
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days.
        sink: a seekable binary file open for writing.
        sleep: sleep function (tests).
    """
    download(client, advertiser_id, create_and_wait(client, spec, advertiser_id, window, sleep=sleep), sink)


class CsvRows(ArrowRows):
    """A page of a task's CSV as a synchronous page's rows: ``struct<dimensions, metrics>`` of strings.

    ``arrow_pages.report_page_table`` types it in C like a JSON page read by pyarrow; a page it cannot type
    exactly takes the row path with :meth:`raw`, the same strings as Python dicts.
    """

    def __init__(self, rows: pa.StructArray) -> None:
        super().__init__(rows, b"", ())

    def raw(self) -> list[dict[str, Any]]:
        """The rows as ``{"dimensions": {...}, "metrics": {...}}`` dicts of the CSV's strings."""
        return self.rows.to_pylist()

    def body_only(self) -> CsvRows:
        """The page itself: its rows are its only copy (:meth:`raw` reads them)."""
        return self


def csv_pages(
    spec: ReportTable,
    advertiser_id: str,
    source: Any,
    *,
    rows_per_page: int = ROWS_PER_PAGE,
    shared: bool = False,
) -> Generator[CsvRows, None, None]:
    """A task's CSV as pages of the synchronous report's raw rows, ``rows_per_page`` at a time.

    Args:
        spec: the report table.
        advertiser_id: the advertiser (for errors).
        source: the CSV (header row of field names, then one row per report row) as bytes, or a seekable
            binary file of it positioned at its start (a ``pyarrow.OSFile``: read in C), read block by block.
        rows_per_page: rows per page (the last one may have fewer).
        shared: the CSV of a shared task (:func:`shared_columns`): ``advertiser_id`` and ``currency`` are
            among each row's ``metrics``, as TikTok adds them to a shared synchronous answer's.

    Yields:
        Pages with the CSV's string values (an empty cell is ``""``, as sent).

    Raises:
        TikTokBadResponseError: the header lacks a requested field (translated titles?), or a row is ragged.
    """
    stream = pa.BufferReader(source) if isinstance(source, bytes) else source
    start = stream.tell()
    header = _header(stream)
    dims, mets = shared_columns(spec) if shared else (spec.dimensions, spec.metrics)
    missing = [name for name in (*dims, *mets) if name not in header]
    if missing:
        raise _bad_csv(
            f"the async report's header lacks {missing[:5]} (got {header[:5]}...); were its titles translated?",
            advertiser_id,
        )
    stream.seek(start)
    names = list(dict.fromkeys((*dims, *mets)))
    row_metrics = (*spec.metrics, *(m for m in ("advertiser_id", "currency") if m not in spec.metrics))
    try:
        reader = pa_csv.open_csv(
            stream,
            # one thread: this runs on one of the source's workers already, and reads no block ahead
            read_options=pa_csv.ReadOptions(block_size=BLOCK_BYTES, use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),  # as Python's csv module reads
            # every cell a string as sent ("" stays "", "-" stays "-"): arrow_pages types them like JSON pages'
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                include_columns=names,
                strings_can_be_null=False,
            ),
        )
        size = max(1, rows_per_page)
        pending: list[pa.StructArray] = []  # blocks (~1,300 rows each) not yet handed on
        count = 0
        for batch in reader:
            pending.append(_rows(batch, spec.dimensions, row_metrics if shared else spec.metrics))
            count += batch.num_rows
            if count < size:
                continue
            joined = pending[0] if len(pending) == 1 else pa.concat_arrays(pending)
            full = count - count % size
            for offset in range(0, full, size):
                yield CsvRows(joined.slice(offset, size))
            pending, count = ([joined.slice(full)] if full < count else []), count - full
        if count:
            yield CsvRows(pending[0] if len(pending) == 1 else pa.concat_arrays(pending))
    except pa.ArrowInvalid as err:
        text = _RAGGED.sub(r"line \1:", str(err).removeprefix("CSV parse error: "))[:300]
        raise _bad_csv(f"the async report's CSV cannot be read (cut short?): {text}", advertiser_id) from None


_RAGGED = re.compile(r"Row #(\d+):")
"""pyarrow's row number in a parse error: the CSV record's (the header is record 1), as a line number."""


def _header(stream: Any) -> list[str]:
    """The CSV's first line, parsed (its field names; a UTF-8 byte order mark dropped)."""
    line = b""
    while b"\n" not in line and len(line) < BLOCK_BYTES:
        chunk = stream.read(4096)
        if not chunk:
            break
        line += chunk
    return next(csv.reader([line.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])


def _rows(batch: pa.RecordBatch, dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> pa.StructArray:
    """A CSV block's columns as ``struct<dimensions: struct<...>, metrics: struct<...>>``."""

    def part(names: tuple[str, ...]) -> pa.StructArray:
        if not names:
            return pa.array([{}] * batch.num_rows, pa.struct([]))
        return pa.StructArray.from_arrays([batch.column(n) for n in names], names=list(names))

    return pa.StructArray.from_arrays([part(dimensions), part(metrics)], names=["dimensions", "metrics"])


def _bad_csv(message: str, advertiser_id: str) -> TikTokBadResponseError:
    return TikTokBadResponseError(
        message,
        code=0,
        path="/open_api/v1.3/report/task/download/",
        advertiser_id=advertiser_id,
        reason="bad_csv",
    )


class TaskSwitch:
    """Whether async tasks are still used in this run: off after a refused task request, for all tables."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self._lock = threading.Lock()
        self.fallbacks = 0

    def off(self, reason: str) -> None:
        """Use no more tasks in this run (``reason`` is logged once)."""
        with self._lock:
            if self.mode == "never":
                return
            self.mode = "never"
        logger.warning("tiktok_ads: no more async report tasks in this run: %s", reason)

    def count_fallback(self) -> None:
        """Count one range read synchronously after its task did not deliver."""
        with self._lock:
            self.fallbacks += 1


def task_or_sync_pages(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    switch: TaskSwitch,
    *,
    include_deleted: bool,
    page_size: int,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[RawPage]:
    """The raw pages of an advertiser's whole range: from one async task, or synchronously if it fails.

    Args:
        client: the API client.
        spec: the report table (:func:`task_supported`).
        advertiser_id: the advertiser.
        window: the advertiser's range.
        switch: the run's task switch (turned off when a creation is refused).
        include_deleted: the setting (for the synchronous fallback).
        page_size: rows per page, of the task's CSV and of the synchronous fallback.
        sleep: sleep function between checks (tests).

    Yields:
        Raw pages.
    """
    try:
        yield from _task_pages(client, spec, advertiser_id, window, sleep, page_size)
        return
    except (TikTokAuthError, TikTokConnectionError):
        raise
    except _Fallback as fallback:
        err = fallback.error
    # 40001: this advertiser only (the sync path says so, or skips it); rate limits and transport trouble pass
    if task_refused(err) and err.code != 40001:
        switch.off(f"TikTok refused a task ({err.code}: {err.message})")
    switch.count_fallback()
    client.stats.count_warning("async_fallback")
    logger.warning(
        "tiktok_ads: async report task of %s for advertiser %s %s failed (%s); reading it synchronously",
        spec.name,
        advertiser_id,
        window,
        err.message,
    )
    for part in split_range(window.start, window.end, spec.window_days):
        yield from report_pages(
            client, spec, advertiser_id, part, include_deleted=include_deleted, page_size=page_size
        )


def task_refused(err: TikTokAPIError) -> bool:
    """Whether ``err`` is TikTok refusing a task request (an answer with a code), not a task that failed, an
    unreadable answer or a rate limit: a refusal stops tasks (:class:`TaskSwitch`), the others only fall back."""
    return err.code is not None and not isinstance(
        err, (TaskFailedError, TikTokBadResponseError, TikTokRateLimitError)
    )


class _Fallback(Exception):
    """The task did not deliver before any of its rows was yielded: read the range synchronously."""

    def __init__(self, error: TikTokAPIError) -> None:
        super().__init__(error.message)
        self.error = error


def _task_pages(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    sleep: Callable[[float], None],
    page_size: int,
) -> Iterator[RawPage]:
    """The task's pages (of ``page_size`` rows, as synchronous ones); a task error before the first page is a
    :class:`_Fallback`, later ones propagate
    (rows were yielded: a synchronous re-read would duplicate them)."""
    try:
        task_id = create_and_wait(client, spec, advertiser_id, window, sleep=sleep)
    except (TikTokAuthError, TikTokConnectionError):
        raise
    except TikTokAPIError as err:
        raise _Fallback(err) from None
    pages = _output_pages(client, spec, advertiser_id, task_id, page_size)
    try:
        try:
            # the download, and a bad header, show here: before anything was yielded
            first = next(pages, None)
        except (TikTokAuthError, TikTokConnectionError):
            raise
        except TikTokAPIError as err:
            raise _Fallback(err) from None
        if first is not None:
            yield first
            yield from pages
    finally:
        pages.close()


def shared_task_pages(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_ids: Sequence[str],
    window: DateWindow,
    *,
    page_size: int,
    sleep: Callable[[float], None] = time.sleep,
) -> Generator[CsvRows, None, None]:
    """The pages of one task shared by ``advertiser_ids`` over ``window``: every advertiser's rows, each with
    ``advertiser_id`` and ``currency`` among its metrics (:func:`csv_pages` ``shared``).

    Args:
        client: the API client.
        spec: the report table.
        advertiser_ids: 2 to 5 advertisers of one TikTok for Business user.
        window: the days asked (each advertiser's own days, in its own time zone).
        page_size: rows per page.
        sleep: sleep function between checks (tests).

    Yields:
        Pages of the CSV's rows.

    Raises:
        TikTokAPIError: a task request was refused, the task failed, or its file was cut to 20,000 ids
            (:class:`~tiktok_ads.errors.TikTokReportCutError`) or cannot be read: the caller reads the
            advertisers another way.
    """
    body = shared_task_body(spec, advertiser_ids, window)
    task_id = create_and_wait(client, spec, advertiser_ids[0], window, sleep=sleep, body=body)
    yield from _output_pages(client, spec, advertiser_ids[0], task_id, page_size, shared=True)


def _output_pages(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    task_id: str,
    page_size: int,
    *,
    shared: bool = False,
) -> Generator[CsvRows, None, None]:
    """A finished task's CSV, downloaded whole to a temporary file, then read back as pages."""
    # at most MAX_OUTPUTS_IN_FLIGHT CSVs at once, each downloaded whole to a temporary file before
    # its first row is yielded: a download cut short is retried, or falls back, with nothing loaded twice
    with (
        _outputs,
        tempfile.TemporaryDirectory(prefix="tiktok_ads_task_", ignore_cleanup_errors=True) as folder,
    ):
        path = Path(folder) / "report.csv"
        with path.open("wb") as file:
            download(client, advertiser_id, task_id, file, refuse_cut=shared)
        # read in C by pyarrow's I/O thread (a Python file would take the GIL for every block)
        with pa.OSFile(str(path)) as source:
            pages = csv_pages(spec, advertiser_id, source, rows_per_page=page_size, shared=shared)
            try:
                yield from pages
            finally:
                pages.close()  # its reader stops before the file is closed

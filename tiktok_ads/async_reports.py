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

The CSV is parsed into the synchronous report's raw rows (``{"dimensions": {...}, "metrics": {...}}``), so
they are typed by the same code (``transform.py``, ``arrow_pages.py``) into the same rows.
"""

from __future__ import annotations

import csv
import io
import logging
import operator
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .client import TikTokClient
from .errors import (
    TikTokAPIError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokConnectionError,
    TikTokRateLimitError,
)
from .extract import RawPage, report_pages, report_params
from .settings import ReportTable, TableSpec
from .windows import DateWindow, split_range

logger = logging.getLogger("tiktok_ads")

MIN_WINDOWS = 5
"""``auto`` uses a task when a range spans this many synchronous windows: a task costs about 4 requests
(create, a few checks, download), a window at least one; at 5 a task saves requests even for a small account
(one page per window), and a 90-day first load (4 windows) stays synchronous."""
MAX_OUTPUTS_IN_FLIGHT = 2
"""Task outputs downloaded and being parsed at once, process-wide: a year of a 1,000-ad account is a 60 MB
CSV, so eight advertisers' at once would cost half a GB."""
_outputs = threading.BoundedSemaphore(MAX_OUTPUTS_IN_FLIGHT)
FIRST_POLL_SECONDS = 0.5
MAX_POLL_SECONDS = 30.0
TASK_TIMEOUT_SECONDS = 1800.0
CREATE_RETRIES = 1
"""Retries of a refused task creation before the synchronous fallback: TikTok's 40200 ("async task error")
also answers a used-up task quota (UNSURE), which passes in an hour, not in seconds."""
ROWS_PER_PAGE = 5_000
"""CSV rows handed on as one page (Arrow tables are batched to 20,000 rows after typing anyway)."""

#: "Create an asynchronous report task": UV metrics cannot be combined with audience dimensions
UV_METRICS = frozenset(
    {
        "average_video_play_per_user", "frequency", "cost_per_1000_reached", "real_time_result",
        "real_time_result_rate", "real_time_cost_per_result", "result", "result_rate", "cost_per_result",
        "reach", "live_play_count",
    }
)  # fmt: skip
AUDIENCE_DIMENSIONS = frozenset(
    {"gender", "age", "country_code", "ac", "language", "platform", "interest_category", "placement",
     "contextual_tag", "province_id"}
)  # fmt: skip
ID_FILTERS = frozenset({"campaign_ids", "adgroup_ids", "ad_ids"})


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
    if not any(d in ("stat_time_day", "stat_time_hour") for d in spec.dimensions):
        return False  # a range total (no time dimension) depends on the window: not the same rows
    if include_deleted and spec.status_filter_field:
        return False
    if any(f.get("field_name") not in ID_FILTERS for f in spec.filters):
        return False
    audience = any(d in AUDIENCE_DIMENSIONS for d in spec.dimensions)
    return not (audience and any(m in UV_METRICS for m in spec.metrics))


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
) -> str:
    """Create a task for ``window`` and wait for it (checks spaced 0.5 s, 1 s, 2 s ... up to 30 s).

    Args:
        client: the API client (pacing, retries and errors as for every request).
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days.
        sleep: sleep function (tests).
        clock: monotonic clock (tests).

    Returns:
        The task id, once the task succeeded.

    Raises:
        TaskFailedError: the task FAILED, was CANCELED or did not finish within :data:`TASK_TIMEOUT_SECONDS`.
        TikTokAPIError: a task request was refused.
    """
    created = client.post(
        "report/task/create/",
        task_body(spec, advertiser_id, window),
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
        sleep(delay)
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


def download(client: TikTokClient, advertiser_id: str, task_id: str) -> bytes:
    """The CSV of a task that succeeded (``output_format = CSV_STRING``: the answer is the file)."""
    ids = {"advertiser_id": advertiser_id, "task_id": task_id}
    return client.get_file("report/task/download/", ids, advertiser_id=advertiser_id)


def run_task(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """Create a task for ``window``, wait for it and download its CSV (:func:`create_and_wait`, :func:`download`).

    Args:
        client: the API client.
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days.
        sleep: sleep function (tests).

    Returns:
        The CSV.
    """
    return download(client, advertiser_id, create_and_wait(client, spec, advertiser_id, window, sleep=sleep))


def csv_pages(spec: ReportTable, advertiser_id: str, body: bytes) -> Iterator[RawPage]:
    """A task's CSV as the synchronous report's raw rows, :data:`ROWS_PER_PAGE` at a time.

    Args:
        spec: the report table.
        advertiser_id: the advertiser (for errors).
        body: the CSV (header row of field names, then one row per report row).

    Yields:
        Pages of ``{"dimensions": {...}, "metrics": {...}}`` with the CSV's string values.

    Raises:
        TikTokBadResponseError: the header lacks a requested field (translated titles?), or a row is ragged.
    """
    # decoded as it is read: no second copy of the whole CSV as one str
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(body), encoding="utf-8-sig", newline=""))
    header = next(reader, None) or []
    missing = [name for name in (*spec.dimensions, *spec.metrics) if name not in header]
    if missing:
        raise TikTokBadResponseError(
            f"the async report's header lacks {missing[:5]} (got {header[:5]}...); "
            "were its titles translated?",
            code=0,
            path="/open_api/v1.3/report/task/download/",
            advertiser_id=advertiser_id,
            reason="bad_csv",
        )
    pick_dims = _picker([header.index(name) for name in spec.dimensions])
    pick_mets = _picker([header.index(name) for name in spec.metrics])
    dim_names, met_names = spec.dimensions, spec.metrics
    width = len(header)
    page: list[dict[str, Any]] = []
    for number, row in enumerate(reader, start=2):
        if len(row) != width:
            raise TikTokBadResponseError(
                f"line {number} of the async report has {len(row)} cells, its header {width}",
                code=0,
                path="/open_api/v1.3/report/task/download/",
                advertiser_id=advertiser_id,
                reason="bad_csv",
            )
        page.append(
            {
                "dimensions": dict(zip(dim_names, pick_dims(row), strict=True)),
                "metrics": dict(zip(met_names, pick_mets(row), strict=True)),
            }
        )
        if len(page) >= ROWS_PER_PAGE:
            yield page
            page = []
    if page:
        yield page


def _picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at ``indexes`` of a CSV row, as a tuple (one C call per row)."""
    if not indexes:
        return lambda row: ()
    get = operator.itemgetter(*indexes)
    return get if len(indexes) > 1 else (lambda row: (get(row),))


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
        page_size: rows per page of the synchronous fallback.
        sleep: sleep function between checks (tests).

    Yields:
        Raw pages.
    """
    try:
        yield from _task_pages(client, spec, advertiser_id, window, sleep)
        return
    except (TikTokAuthError, TikTokConnectionError):
        raise
    except _Fallback as fallback:
        err = fallback.error
    refused = not isinstance(err, (TaskFailedError, TikTokBadResponseError, TikTokRateLimitError))
    # 40001: this advertiser only (the sync path says so, or skips it); rate limits and transport trouble pass
    if refused and err.code is not None and err.code != 40001:
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
) -> Iterator[RawPage]:
    """The task's pages; a task error before the first page is a :class:`_Fallback`, later ones propagate
    (rows were yielded: a synchronous re-read would duplicate them)."""
    try:
        task_id = create_and_wait(client, spec, advertiser_id, window, sleep=sleep)
    except (TikTokAuthError, TikTokConnectionError):
        raise
    except TikTokAPIError as err:
        raise _Fallback(err) from None
    with _outputs:  # at most MAX_OUTPUTS_IN_FLIGHT CSVs in memory at once
        try:
            body = download(client, advertiser_id, task_id)
            pages = csv_pages(spec, advertiser_id, body)
            del body
            first = next(pages, None)  # a bad header shows here, before anything was yielded
        except (TikTokAuthError, TikTokConnectionError):
            raise
        except TikTokAPIError as err:
            raise _Fallback(err) from None
        if first is not None:
            yield first
            yield from pages

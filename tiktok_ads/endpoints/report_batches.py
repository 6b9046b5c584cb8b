"""Report requests shared between advertisers: one ``report/integrated/get/`` per (batch of <= 5, window).

TikTok's synchronous report takes ``advertiser_ids`` instead of ``advertiser_id`` for BASIC and AUDIENCE reports
(at most 5 advertisers of one TikTok for Business user; [TTD-sync] "Run a synchronous report", translated in
bububa/tiktok-business model/report/integrated_get.go). Every row then carries ``advertiser_id``, ``currency``
and ``timezone`` among its ``metrics``, each advertiser's rows are in its own time zone (we never send
``multi_adv_report_in_utc_time``), and at most 20,000 ids come back. An agency of many small advertisers spends
most of its requests on one-page reports; sharing them divides those requests by up to five.

:class:`ReportBatches` is given every advertiser's planned windows up front. Advertisers whose windows fit one request
form batches of up to five: the same dates (each advertiser's local days; their zones may differ), or windows
a day apart (zones whose "today" differs: the batch asks their union, each member keeps the rows of its own
window, :mod:`.batch_windows`).
The first thread that asks for a member's window fetches the whole batch (all pages) in that thread; members
asking meanwhile wait for it on the batch's condition; each member's rows are kept, split off and stripped of
the three added metrics, until that member reads them. A batch that cannot be exact is read one advertiser per
request (:func:`.extract.report_pages`), each member in its own thread: an answer cut at 20,000 ids
(``X-Tt-Ads-Throttle``), TikTok refusing the batched request (40001 for an advertiser the token may not read or
of another owner, 40002 for a combination it does not take, 40067 too large), a row of no member. Tables TikTok
does not batch are never batched: other report types and endpoints, reports without an id dimension (their
costs come back ``"-"``), more than one id dimension besides ``advertiser_id`` ([TTD-async]: with
``advertiser_ids`` up to two, one being ``advertiser_id``).

Async report tasks are shared the same way (``ranges``: the advertisers whose whole range
:func:`.async_reports.use_shared_task` gives to a task): batches of up to five ranges (a day apart at most, as
windows), one ``report/task/create/`` with ``advertiser_ids`` each (:func:`.async_reports.shared_task_pages`),
the CSV split per member with the checks below (no ``timezone`` in a CSV: that one check cannot be made);
an advertiser left without a partner reads its range as it would alone. A task that does not deliver (failed,
refused, cut, unreadable) reads its members alone, loudly.

Every answer is verified rather than trusted to be as documented:

- **zones and currencies**: each row's ``timezone`` (and ``currency``, when known) must be its advertiser's
  ``advertiser/info/`` value, else the whole batch is read one advertiser per request, with a warning. So rows
  TikTok moved to another zone (as with ``multi_adv_report_in_utc_time``) are never loaded as local days. A
  shift that kept the advertiser's zone in ``timezone`` would not be seen (UNSURE: what a real answer says
  there in UTC mode is not documented).
- **money**: UNSURE, the one doubt on exactness: after "we return each advertiser's currency in the metrics"
  the docs say "these metrics have no decimal point; e.g. a spend of 100 USD is shown as 100, without a decimal
  symbol such as .000" ([BB] integrated_get.go HEAD 4d9271c, translated from [TTD-sync]). The one example is a
  whole amount. If that only drops trailing zeros, the typed values are the same (money is a decimal column:
  100 = 100.000; the emulator models this reading, ``tiktok_ads/emulator/rules/multi_reports.py``); if TikTok rounds
  cents away, every amount of the answer is whole. :func:`possibly_rounded` reads a member again alone when
  none of its money values has a fraction (see there: a member really whole on every day costs requests, never
  exactness), with a warning naming the advertisers; ``fallbacks["rounded"]`` counts those batches.

Requests counted against the emulator by ``bench/bench_report_batches.py`` (the small agency of issue #16: 20
advertisers of 1 campaign, 1 ad group and 2 ads, 90 days, the nine default tables; the emulator gives its
advertisers 11 time zones in turn), on 2026-12-01, every answer checked as above (none failed a check):

=========================  ==========================  ========================  =========================
run                        one advertiser per request  batched (window, checks)  before: batched by zone
=========================  ==========================  ========================  =========================
first load                 514 (433 reports)           221 (0.43; 140 reports)   338 (0.66)
daily run a day later      181 (100 reports)           109 (0.60; 28 reports)    136 (0.75)
=========================  ==========================  ========================  =========================

The whole pipeline (``--pipeline``) counts 514 -> 221 and 181 -> 108; with windows a day apart sharing their
union (the two advertisers in zones already a day ahead join a batch instead of forming their own), 216 and
104. The 81 entity and ``advertiser/info/``
requests are the same in each column (TopView lists of ad groups and ads only for advertisers with a TopView
campaign, :mod:`.top_view`). A table whose window holds more than a page per advertiser saves less (its
pages, not its advertisers, set the count); which advertisers share a window depends on the hour (each zone's
today). Batching alone does not reach the issue's targets (1/3 of the first load, 0.55 of the daily run): the
entity lists and multi-page windows remain.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import dataclasses
import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import ArrowRows, Decoder, report_decoder
from tiktok_ads.endpoints.async_reports import (
    ID_DIMENSIONS,
    TaskSwitch,
    shared_task_pages,
    task_or_sync_pages,
    task_refused,
    use_task,
)
from tiktok_ads.endpoints.batch_windows import rows_within, shared_windows, time_dimension, union
from tiktok_ads.endpoints.extract import RawPage, report_pages, report_params
from tiktok_ads.endpoints.extract_shop import REPORT_PAGERS
from tiktok_ads.errors import (
    TikTokAPIError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokConnectionError,
    TikTokPermissionError,
    TikTokQueryTooLargeError,
    TikTokReportCutError,
)
from tiktok_ads.tables.metric_catalogue import MONEY_METRICS
from tiktok_ads.tables.records import ReportTable, TableSpec
from tiktok_ads.windows import DateWindow, split_range

logger = logging.getLogger("tiktok_ads")

MAX_ADVERTISERS_PER_REQUEST = 5
"""``advertiser_ids`` holds at most 5 advertisers ([TTD-sync]; [BB] integrated_get.go "最大数量：5")."""
ADDED_METRICS = ("advertiser_id", "currency", "timezone")
"""What TikTok adds to every row's ``metrics`` of a multi-advertiser report ([TTD-sync])."""
MULTI_REPORT_TYPES = frozenset({"BASIC", "AUDIENCE"})
"""The report types that take ``advertiser_ids`` ([TTD-sync]; [BB] integrated_get.go)."""
REPORT_ENDPOINT = "report/integrated/get/"
_MONEY = frozenset(MONEY_METRICS)
MAX_SHARED_ROWS = 10_000
"""Rows of one shared answer (all its members together) the source keeps. The answer is read whole before
its members read their rows, so its size is memory (~3.5 MB per 1,000 ``ad_insights`` rows: the body, kept for
the row path, and the members' arrays): a larger answer (``page_info.total_number`` of its first page) is read
one advertiser per request instead, at the cost of that first request. Sharing saves requests where members
have less than a page each; an answer of more than 10 pages saves at most 4 of them (5 members)."""
MAX_SHARED_TASK_ROWS = 60_000
"""Rows of one shared task's CSV the source keeps for its members: its pages are Arrow arrays of the CSV's
strings (no body beside them, ~0.3 KB a row of an audience table: ~18 MB), larger than a synchronous answer's
budget since one task replaces every window and page of its members; a larger file is read one advertiser
each (the task's requests are then spent for nothing: only accounts far larger than a small agency's)."""


def not_batchable(spec: TableSpec) -> str | None:
    """Why a report table's requests cannot be shared between advertisers, or None if they can.

    Args:
        spec: the report table.

    Returns:
        The reason, for a log line; None for a table whose multi-advertiser answer is exactly its rows.
    """
    if spec.kind != "report" or spec.endpoint != REPORT_ENDPOINT or spec.endpoint in REPORT_PAGERS:
        return f"{spec.endpoint} takes one advertiser"
    if spec.report_type not in MULTI_REPORT_TYPES:
        return f"advertiser_ids is only for BASIC and AUDIENCE reports, not {spec.report_type}"
    ids = [d for d in spec.dimensions if d in ID_DIMENSIONS]
    if not ids:
        return "without an id dimension TikTok answers cost metrics as '-' for several advertisers"
    if len([d for d in ids if d != "advertiser_id"]) > 1:
        return "with advertiser_ids TikTok takes one id dimension besides advertiser_id"
    return None


class _Inexact(Exception):
    """The batched answer cannot be split exactly into the members' rows."""


class _TooLarge(Exception):
    """The batched answer holds more than :data:`MAX_SHARED_ROWS` rows (memory): read it one advertiser each."""


_NEW, _FETCHING, _DONE, _SINGLE, _FAILED = "new", "fetching", "done", "single", "failed"
_NOT_TASK_FALLBACKS = (TikTokAuthError, TikTokConnectionError, TikTokReportCutError, TikTokPermissionError)
"""Errors of a shared task handled as a shared synchronous answer's (fail the run, or read alone quietly: the
documented 20,000-id cut, an advertiser the token may not read); any other is a task that did not deliver."""


class _Batch:
    """One shared request series: its members, the dates it asks (``window``, the union of the members' own
    windows ``own``), its state and, once fetched, each unread member's pages (of its own window only)."""

    def __init__(
        self, members: tuple[str, ...], own: Mapping[str, DateWindow], *, task: bool = False
    ) -> None:
        self.members = members
        self.task = task
        """Read by one async task shared by the members (their whole ranges), not by synchronous requests."""
        self.own = dict(own)
        self.window = union(list(self.own.values()))
        self.widened = any(w != self.window for w in self.own.values())
        """Whether the batch asks days outside a member's own window."""
        self.state = _NEW
        self.ready = threading.Condition()
        self.pages: dict[str, list[RawPage]] = {}
        self.error: TikTokAPIError | None = None


class ReportBatches:
    """Shares report requests between advertisers: one request per (batch of <= 5 advertisers, window).

    Thread-safe: each member's worker thread calls :meth:`pages`; no thread ever waits for a consumer, only
    for the thread fetching a batch it belongs to.

    Args:
        client: the API client (all requests go through it).
        spec: the report table.
        plans: every advertiser's windows of this run (advertisers not listed, and windows not planned, are
            read one advertiser per request).
        timezones: each advertiser's time zone (``advertiser/info/`` ``timezone``); an advertiser without one is
            read alone (its rows' ``timezone`` could not be checked).
        include_deleted: include deleted objects' rows.
        page_size: rows per page (of all members together).
        decode: the one-advertiser decoder (:func:`tiktok_ads.api.json_pages.report_decoder` of the table) or None;
            batched pages are decoded by its equivalent expecting the added metrics too.
        currencies: each advertiser's currency (``advertiser/info/`` ``currency``), checked against its rows';
            an advertiser not listed is checked against nothing.
        warn: says a warning once (the run summary's ``warn_once``); a log warning by default.
        ranges: advertisers whose whole range (``use_shared_task``) is read by an async task shared with others
            of this mapping (batches of up to five, formed as synchronous ones); one left without a partner reads
            its range as it would alone (one task, or its windows, which then join the synchronous batches).
        tasks: the run's task switch (needed with ``ranges``: a task refused or turned off falls back).
        sleep: sleep function between task checks (tests).
    """

    def __init__(
        self,
        client: TikTokClient,
        spec: ReportTable,
        plans: Mapping[str, Sequence[DateWindow]],
        timezones: Mapping[str, str | None],
        *,
        include_deleted: bool,
        page_size: int,
        decode: Decoder | None = None,
        currencies: Mapping[str, str | None] | None = None,
        warn: Callable[[str], None] | None = None,
        ranges: Mapping[str, DateWindow] | None = None,
        tasks: TaskSwitch | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._tasks = tasks
        self._sleep = sleep
        self._zones = {str(a): z for a, z in timezones.items() if z}
        self._currencies = {str(a): c for a, c in (currencies or {}).items() if c}
        self._warn = warn or (lambda message: logger.warning("tiktok_ads: %s", message))
        self._money = tuple(m for m in spec.metrics if m in _MONEY)  # amounts in the advertiser's currency
        self._spec = spec
        self._include_deleted = include_deleted
        self._page_size = page_size
        self._decode = decode
        self._keep = frozenset(spec.metrics) & frozenset(ADDED_METRICS)  # asked for: they stay
        self._batch_decode: Decoder | None = None
        if decode is not None:
            added = tuple(m for m in ADDED_METRICS if m not in spec.metrics)
            self._batch_decode = report_decoder(spec.dimensions, (*spec.metrics, *added))
        self._lock = threading.Lock()
        self._disabled: str | None = not_batchable(spec)
        self._time_dimension = time_dimension(spec.dimensions)
        self._no_widening: str | None = None  # why batches asking more days than a member's are read alone
        self._no_tasks: str | None = None  # why this table's shared tasks are read alone (TikTok refused one)
        self.fallbacks: collections.Counter[str] = collections.Counter()
        """Batches read one advertiser per request, by reason (``ads_throttle``, ``40001``, ``bad_rows`` ...), and
        ``rounded``: batches some of whose members were read again alone (their money may have been rounded)."""
        self.batches: dict[tuple[str, DateWindow], _Batch] = {}
        """The batch of each (advertiser, window) that shares a request (single ones are not listed)."""
        if self._disabled is None:
            self._form(self._form_tasks(ranges or {}, plans))

    def _form_tasks(
        self, ranges: Mapping[str, DateWindow], plans: Mapping[str, Sequence[DateWindow]]
    ) -> dict[str, Sequence[DateWindow]]:
        """Form the shared tasks' batches; return ``plans`` with the windows of those left alone."""
        out = dict(plans)
        checked = {str(a): [days] for a, days in ranges.items() if str(a) in self._zones}
        longest = max(((w.end - w.start).days + 1 for (w,) in checked.values()), default=0)
        # ranges a day apart (zones whose today differs) share a task asking their union, as windows do
        for group in shared_windows(checked, longest + 1) if self._tasks is not None else []:
            for i in range(0, len(group), MAX_ADVERTISERS_PER_REQUEST):
                chunk = group[i : i + MAX_ADVERTISERS_PER_REQUEST]
                if len(chunk) > 1:
                    batch = _Batch(tuple(a for a, _ in chunk), dict(chunk), task=True)
                    for member, days in chunk:
                        self.batches[(member, days)] = batch
        for adv, days in ranges.items():
            if (str(adv), days) not in self.batches and not self._one_task(days):
                out[str(adv)] = split_range(days.start, days.end, self._spec.window_days)
        return out

    def _one_task(self, window: DateWindow) -> bool:
        """Whether one advertiser's ``window`` is read by a task of its own (:func:`.async_reports.use_task`)."""
        mode = self._tasks.mode if self._tasks is not None else "never"
        return use_task(mode, self._spec, window, include_deleted=self._include_deleted)

    def shared_task(self, advertiser_id: str, window: DateWindow) -> bool:
        """Whether ``window`` (the advertiser's whole range) is read by a task shared with other advertisers."""
        batch = self.batches.get((advertiser_id, window))
        return batch is not None and batch.task

    def _form(self, plans: Mapping[str, Sequence[DateWindow]]) -> None:
        # its rows' time zone could not be checked: an advertiser without one is read alone
        checked = {str(a): windows for a, windows in plans.items() if str(a) in self._zones}
        # windows a day apart (zones whose today differs) share a request asking their union (batch_windows)
        span = (self._spec.window_days or 0) if self._time_dimension is not None else 0
        for group in shared_windows(checked, span):
            for i in range(0, len(group), MAX_ADVERTISERS_PER_REQUEST):
                chunk = group[i : i + MAX_ADVERTISERS_PER_REQUEST]
                if len(chunk) < 2:
                    continue  # one advertiser: its own request, as ever
                batch = _Batch(tuple(a for a, _ in chunk), dict(chunk))
                for member, window in chunk:
                    self.batches[(member, window)] = batch

    def pages(self, advertiser_id: str, window: DateWindow) -> Iterator[RawPage]:
        """One advertiser's pages of one window, as :func:`tiktok_ads.endpoints.extract.report_pages` yields them.

        The rows (and the typed rows made of them) are exactly the one-advertiser request's; pages are cut
        differently (a batch's page holds up to ``page_size`` rows of all members).

        Args:
            advertiser_id: the advertiser.
            window: one of its planned windows (any other window is read on its own).

        Yields:
            Raw pages (lists of row dicts, or :class:`~tiktok_ads.api.json_pages.ArrowRows`), at least one.

        Raises:
            TikTokAPIError: the batched request failed in a way reading alone would not help (the token is
                refused, TikTok stays unreachable ...), or the one-advertiser request failed.
        """
        batch = self.batches.get((advertiser_id, window))
        if batch is None:
            yield from self._alone(advertiser_id, window)
            return
        fetch = False
        with batch.ready:
            if batch.state == _NEW:
                batch.state, fetch = _FETCHING, True
            while batch.state == _FETCHING and not fetch:
                batch.ready.wait()
        if fetch:
            self._fetch(batch)
        with batch.ready:
            state, error = batch.state, batch.error
            mine = batch.pages.pop(advertiser_id, None) if state == _DONE else None
        if state == _FAILED and error is not None:
            raise _for_member(error, self._spec, window)
        if mine is None:  # read alone: a fallback, or this window was asked for a second time
            yield from self._alone(advertiser_id, window, task=batch.task)
            return
        if not mine:
            yield []
        while mine:
            yield mine.pop(0)  # released as it is read

    def discard(self, advertiser_id: str) -> None:
        """Forget the unread pages of an advertiser whose windows will not be read (it was skipped)."""
        for (member, _), batch in list(self.batches.items()):
            if member == advertiser_id:
                with batch.ready:
                    batch.pages.pop(advertiser_id, None)

    def _alone(self, advertiser_id: str, window: DateWindow, *, task: bool = False) -> Iterator[RawPage]:
        """One advertiser's ``window`` read as without sharing (a shared task's range: its own task, or
        synchronously window by window)."""
        parts = split_range(window.start, window.end, self._spec.window_days)
        if (task or len(parts) > 1) and self._tasks is not None and self._one_task(window):
            return task_or_sync_pages(
                self._client,
                self._spec,
                advertiser_id,
                window,
                self._tasks,
                include_deleted=self._include_deleted,
                page_size=self._page_size,
                sleep=self._sleep,
            )
        return (
            page
            for part in parts
            for page in report_pages(
                self._client,
                self._spec,
                advertiser_id,
                part,
                include_deleted=self._include_deleted,
                page_size=self._page_size,
                decode=self._decode,
            )
        )

    def _fetch(self, batch: _Batch) -> None:
        """Read the whole batch in this thread, then wake its members (whatever happens)."""
        state, error = _SINGLE, None
        pages: dict[str, list[RawPage]] = {}
        try:
            if batch.task:
                if (
                    self._disabled is None
                    and self._no_tasks is None
                    and self._tasks is not None
                    and self._tasks.mode != "never"
                ):
                    pages = self._read_task(batch)
                    state = _DONE
            elif self._disabled is None and not (batch.widened and self._no_widening is not None):
                pages = self._read(batch)
                state = _DONE
        except TikTokAPIError as err:
            reason = _fallback_reason(err)
            if batch.task and not isinstance(err, _NOT_TASK_FALLBACKS):
                self._task_fallback(batch, err)
            elif reason is None:
                state, error = _FAILED, err
            else:
                self._fall_back(batch, reason, err)
        except _Inexact as exc:
            self._fall_back(batch, "bad_rows", exc)
        except _TooLarge as exc:
            self._fall_back(batch, "large", exc)
        finally:
            with batch.ready:
                batch.state, batch.error, batch.pages = state, error, pages
                batch.ready.notify_all()

    def _fall_back(self, batch: _Batch, reason: str, why: BaseException) -> None:
        with self._lock:
            self.fallbacks[reason] += 1
            if reason == "refused" and batch.widened:
                # UNSURE whether TikTok takes days after a member's today (batch_windows): if it refused those,
                # batches of the very dates the members plan still may be taken
                self._no_widening = f"TikTok refused a request of days beyond a member's window ({why})"
            elif reason == "refused":
                # TikTok does not take this table's request with advertiser_ids: none of its batches would do
                self._disabled = f"TikTok refused the batched request ({why})"
        if reason == "bad_rows":  # not a limit TikTok documents: an answer unlike its documentation
            self._warn(
                f"report requests shared by advertisers {', '.join(batch.members)} came back with rows "
                f"unlike TikTok's documented answer ({why}); reading them one advertiser per request"
            )
        logger.info(
            "tiktok_ads: %s %s: reading advertisers %s one by one (%s)",
            self._spec.name,
            batch.window,
            ", ".join(batch.members),
            why,
        )

    def _task_fallback(self, batch: _Batch, err: TikTokAPIError) -> None:
        """A shared task that did not deliver: its members are read alone, loudly; a refusal of its parameters
        (40002: the form, or a metric TikTok does not take with the ``advertiser_id`` dimension, which "many
        metrics" are not, bububa task_create.go) stops this table's shared tasks, any other refusal all tasks
        of the run (as one advertiser's would)."""
        if self._tasks is not None and task_refused(err):
            why = (
                f"TikTok refused a task of advertisers {', '.join(batch.members)} ({err.code}: {err.message})"
            )
            if err.code == 40002:
                with self._lock:
                    self._no_tasks = why
                logger.warning("tiktok_ads: %s: no more shared tasks of %s in this run", why, self._spec.name)
            else:
                self._tasks.off(why)
        with self._lock:
            self.fallbacks["task"] += 1
        if self._tasks is not None:
            self._tasks.count_fallback()
        self._client.stats.count_warning("async_fallback")
        self._warn(
            f"the async report task of {self._spec.name} shared by advertisers {', '.join(batch.members)} "
            f"{batch.window} did not deliver ({err.message}); reading them one advertiser at a time"
        )

    def _read_task(self, batch: _Batch) -> dict[str, list[RawPage]]:
        """A shared task's CSV, checked and split as a shared synchronous answer (no ``timezone`` to check)."""
        pages = shared_task_pages(
            self._client,
            self._spec,
            batch.members,
            batch.window,
            page_size=self._page_size,
            sleep=self._sleep,
        )
        with contextlib.closing(pages):
            return self._collect(batch, pages, MAX_SHARED_TASK_ROWS, [], zones=False)

    def _read(self, batch: _Batch) -> dict[str, list[RawPage]]:
        params = report_params(
            self._spec, batch.members[0], batch.window, include_deleted=self._include_deleted
        )
        announced: list[int] = []
        decode = _noting_total(self._batch_decode, announced) if self._batch_decode is not None else None
        pages = self._client.multi_advertiser_report(
            params, batch.members, page_size=self._page_size, decode=decode
        )
        return self._collect(batch, pages, MAX_SHARED_ROWS, announced, zones=True)

    def _collect(
        self, batch: _Batch, pages: Iterable[RawPage], limit: int, announced: list[int], *, zones: bool
    ) -> dict[str, list[RawPage]]:
        """Every page of a shared answer, checked (:meth:`_check`), as each member's pages of its own window.

        Args:
            batch: the batch.
            pages: the answer's pages.
            limit: the most rows kept (:class:`_TooLarge` beyond).
            announced: the answer's ``page_info.total_number`` once a page said it.
            zones: whether rows carry ``timezone`` to check.
        """
        split: dict[str, list[RawPage]] = {member: [] for member in batch.members}
        seen: dict[str, _Money] = {}
        read = 0
        for page in pages:
            read += len(page)
            size = max([read, *announced])  # (pages orjson decoded announce nothing: the rows read so far)
            if size > limit:
                raise _TooLarge(f"{size:,} rows, more than {limit:,}")
            self._check(page, batch.members, seen, zones=zones)
            for member, rows in self._split(page, batch.members).items():
                own = batch.own[member]
                if own != batch.window and self._time_dimension is not None:
                    rows = rows_within(rows, self._time_dimension, own)  # days outside its own window
                split[member].append(rows)
        rounded = possibly_rounded(seen) if self._money else []
        if rounded:
            with self._lock:
                self.fallbacks["rounded"] += 1
            self._warn(
                f"the money of advertisers {', '.join(rounded)} came back in whole units only from a report "
                "request they shared (TikTok documents 'no decimal point' there, which could mean cents "
                "rounded away); their reports are read one advertiser per request"
            )
            for member in rounded:
                del split[member]  # read alone, as if the batch had not held it
        return split

    def _check(
        self, page: RawPage, members: tuple[str, ...], seen: dict[str, _Money], *, zones: bool = True
    ) -> None:
        """Check a batched page's rows against the members' ``advertiser/info/`` and note their money
        (``zones``: the rows carry ``timezone``; a shared task's CSV does not).

        Raises:
            _Inexact: a row of no member, or whose ``timezone`` or ``currency`` is not its advertiser's.
        """
        for owner, facts in _page_facts(page, self._money).items():
            if owner not in members:
                raise _Inexact(f"a row of advertiser {owner!r}, not of {', '.join(members)}")
            zone, want = self._zones.get(owner), self._currencies.get(owner)
            if zones and facts.zones != {zone}:
                raise _Inexact(
                    f"rows of advertiser {owner} in time zone {sorted(map(str, facts.zones))}, not {zone}"
                )
            if want is not None and facts.currencies != {want}:
                raise _Inexact(
                    f"rows of advertiser {owner} in currency {sorted(map(str, facts.currencies))}, not {want}"
                )
            seen.setdefault(owner, _Money()).merge(facts)

    def _split(self, page: RawPage, members: tuple[str, ...]) -> dict[str, RawPage]:
        """A batched page as each member's page, the added metrics removed (unless the table asks for them)."""
        if isinstance(page, ArrowRows):
            body = page.body_only()  # the members' pages keep the body for a fallback, not the page's arrays
            return _split_arrow(page, members, self._keep, lambda: self._split(body.raw(), members))
        out: dict[str, list[dict[str, Any]]] = {}
        for row in page:
            metrics = row.get("metrics") if isinstance(row, dict) else None
            if not isinstance(metrics, dict):
                raise _Inexact(f"a row without metrics: {row!r}"[:200])
            owner = _owner(metrics.get("advertiser_id"), (row.get("dimensions") or {}).get("advertiser_id"))
            if owner not in members:
                raise _Inexact(f"a row of advertiser {owner!r}, not of {', '.join(members)}")
            kept = {k: v for k, v in metrics.items() if k not in ADDED_METRICS or k in self._keep}
            out.setdefault(owner, []).append({**row, "metrics": kept})
        return dict(out)


_NONZERO = "[1-9]"
_FRACTION = r"\.[0-9]*[1-9]"  # a decimal point followed by a digit that is not 0: cents survived


@dataclasses.dataclass
class _Money:
    """What a batched answer says of one member: its rows' zones and currencies, and whether its money values
    hold a nonzero one and one with a fraction."""

    zones: set[str | None] = dataclasses.field(default_factory=set)
    currencies: set[str | None] = dataclasses.field(default_factory=set)
    rows: int = 0
    nonzero: bool = False
    fraction: bool = False

    def merge(self, other: _Money) -> None:
        """Add another page's facts."""
        self.zones |= other.zones
        self.currencies |= other.currencies
        self.rows += other.rows
        self.nonzero = self.nonzero or other.nonzero
        self.fraction = self.fraction or other.fraction


def possibly_rounded(seen: Mapping[str, _Money]) -> list[str]:
    """The members of a batched answer whose money may have lost its cents, to be read again alone.

    TikTok documents that money in a multi-advertiser answer "has no decimal point" ([TTD-sync], see the module
    docstring): if that means rounded, every amount of the answer is whole. So a member is trusted when one of
    its money values has a fraction (cents survived). A member whose nonzero values are all whole may be
    rounded (or really whole: then reading it again only costs requests). A member whose money is all zero
    could hide amounts under half a unit: it is trusted only when some member of the same answer shows a
    fraction (one answer, one formatting: a rounding TikTok would leave no fraction anywhere in it). No currency is exempt, not even those without minor
    units (JPY, KRW ... ISO 4217): whether TikTok sends their one-advertiser amounts with decimals is UNSURE,
    and their costs per result (``cpc``, ``cost_per_*``, money metrics too) have decimals anyway.

    Args:
        seen: each member's facts over every page of the answer.

    Returns:
        The members to read alone, in the batch's order.
    """
    proven = any(f.fraction for f in seen.values())
    out = []
    for member, facts in seen.items():
        if facts.fraction or not facts.rows:
            continue
        if facts.nonzero or not proven:
            out.append(member)
    return out


def _page_facts(page: RawPage, money: tuple[str, ...]) -> dict[str, _Money]:
    """Each owner's facts in one batched page (Arrow columns when the page has them, else its rows)."""
    if isinstance(page, ArrowRows):
        mets = page.part("metrics")
        names = [f.name for f in mets.type] if mets is not None else []
        if mets is not None and not mets.null_count and {"advertiser_id", "currency"} <= set(names):
            return _arrow_facts(mets, [m for m in money if m in names])
        page = page.raw()
    out: dict[str, _Money] = {}
    for row in page:
        metrics = row.get("metrics") if isinstance(row, dict) else None
        if not isinstance(metrics, dict):
            raise _Inexact(f"a row without metrics: {row!r}"[:200])
        owner = _owner(metrics.get("advertiser_id"), (row.get("dimensions") or {}).get("advertiser_id"))
        facts = out.setdefault(str(owner), _Money())
        facts.rows += 1
        facts.zones.add(metrics.get("timezone"))
        facts.currencies.add(metrics.get("currency"))
        for name in money:
            value = metrics.get(name)
            text = "" if value is None or isinstance(value, bool) else str(value)
            facts.nonzero = facts.nonzero or re.search(_NONZERO, text) is not None
            facts.fraction = facts.fraction or re.search(_FRACTION, text) is not None
    return out


def _arrow_facts(mets: pa.StructArray, money: list[str]) -> dict[str, _Money]:
    owners = mets.field("advertiser_id")
    out: dict[str, _Money] = {}
    for owner in pc.unique(owners).to_pylist():
        mask = pc.equal(owners, owner)
        facts = out.setdefault(str(owner), _Money())
        facts.rows = pc.sum(pc.cast(mask, pa.int64())).as_py() or 0
        zones = mets.field("timezone") if "timezone" in [f.name for f in mets.type] else None
        facts.zones = set(pc.unique(zones.filter(mask)).to_pylist()) if zones is not None else {None}
        facts.currencies = set(pc.unique(mets.field("currency").filter(mask)).to_pylist())
        for name in money:
            values = mets.field(name).filter(mask)
            facts.nonzero = facts.nonzero or bool(pc.any(pc.match_substring_regex(values, _NONZERO)).as_py())
            facts.fraction = facts.fraction or bool(
                pc.any(pc.match_substring_regex(values, _FRACTION)).as_py()
            )
    return out


def _owner(*values: Any) -> str | None:
    """The advertiser a row belongs to (TikTok may send ids as JSON numbers)."""
    for value in values:
        if value is not None and not isinstance(value, bool) and str(value) not in ("", "0", "-"):
            return str(value)
    return None


class _MemberRows(ArrowRows):
    """One member's rows of a batched Arrow page; its :meth:`raw` is that member's rows of the body too."""

    def __init__(
        self, rows: pa.StructArray, parent: ArrowRows, raw: Callable[[], list[dict[str, Any]]]
    ) -> None:
        super().__init__(rows, b"", parent.extra)
        self._raw_rows = raw

    def raw(self) -> list[dict[str, Any]]:
        """The member's rows exactly as orjson decodes them from the batched body, added metrics removed."""
        return self._raw_rows()


def _split_arrow(
    page: ArrowRows,
    members: tuple[str, ...],
    keep: frozenset[str],
    raw_split: Callable[[], dict[str, RawPage]],
) -> dict[str, RawPage]:
    rows = page.rows
    mets = page.part("metrics")
    if mets is None or rows.null_count or "advertiser_id" not in [f.name for f in mets.type]:
        raw = raw_split()  # rows of an unusual shape: the orjson rows decide (or say it cannot be exact)
        return {member: list(rows_) for member, rows_ in raw.items()}
    owners = mets.field("advertiser_id")
    if mets.null_count or owners.null_count or not pc.all(pc.is_in(owners, pa.array(members))).as_py():
        raise _Inexact("a row of no member of the batch")
    names = [f.name for f in mets.type if f.name not in ADDED_METRICS or f.name in keep]
    out: dict[str, RawPage] = {}
    raw_cache: dict[str, RawPage] = {}

    def raw_of(member: str) -> list[dict[str, Any]]:
        if not raw_cache:
            raw_cache.update(raw_split())
        return list(raw_cache.get(member, []))

    for member in members:
        mask = pc.equal(owners, member)
        if not pc.any(mask).as_py():
            continue
        part = rows.filter(mask)
        part_mets = part.field("metrics")
        kept = pa.StructArray.from_arrays(
            [part_mets.field(name) for name in names], fields=[part_mets.type.field(n) for n in names]
        )
        fields = [part.type.field(i) for i in range(part.type.num_fields)]
        arrays = [kept if f.name == "metrics" else part.field(f.name) for f in fields]
        struct = pa.StructArray.from_arrays(
            arrays, fields=[pa.field("metrics", kept.type) if f.name == "metrics" else f for f in fields]
        )
        out[member] = _MemberRows(struct, page, functools.partial(raw_of, member))
    return out


def _noting_total(decode: Decoder, totals: list[int]) -> Decoder:
    """``decode``, noting each page's ``page_info.total_number`` in ``totals`` (the answer's size, on page 1)."""

    def noting(body: bytes) -> dict[str, Any] | None:
        data = decode(body)
        info = ((data or {}).get("data") or {}).get("page_info")
        total = info.get("total_number") if isinstance(info, dict) else None
        if isinstance(total, int) and not isinstance(total, bool):
            totals.append(total)
        return data

    return noting


def _fallback_reason(err: TikTokAPIError) -> str | None:
    """Why a failed batched request is read one advertiser per request, or None when that would not help."""
    if isinstance(err, TikTokReportCutError):
        return "ads_throttle"
    if isinstance(err, (TikTokPermissionError, TikTokQueryTooLargeError, TikTokBadResponseError)):
        return str(err.code or err.reason)
    if type(err) is TikTokAPIError and err.code is not None and 40000 <= err.code < 50000:
        # a parameter refusal (40002 ...): the combination, or advertisers of several owners (the code of that
        # refusal is not documented: UNSURE, [BB] integrated_get.go only says "otherwise an error occurs")
        return "refused"
    return None


def _for_member(error: TikTokAPIError, spec: ReportTable, window: DateWindow) -> TikTokAPIError:
    """The batch's error, as raised in a member's thread (a copy: each thread adds its own traceback)."""
    err = copy.copy(error)
    err.context = dict(error.context)
    return err.add_context(table=spec.name, window=str(window))

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

Every answer is verified rather than trusted to be as documented (:mod:`.shared_answers`: owners, zones,
currencies, money that may have been rounded): an answer that fails a check is read one advertiser per request,
with a warning; members whose money may have lost its cents are read again alone (``fallbacks["rounded"]``
counts those batches).

Each batch is a :class:`_WindowBatch` (one synchronous request series over the union of its members' windows) or
a :class:`_TaskBatch` (one shared task over the union of their ranges), each with its own :meth:`~_Batch.read`;
:class:`ReportBatches` forms them, hands out each member's pages, and applies the fallback rules of both.

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
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import Decoder, report_decoder
from tiktok_ads.endpoints.async_reports import (
    ID_DIMENSIONS,
    TaskSwitch,
    shared_task_pages,
    task_or_sync_pages,
    task_refused,
    use_task,
)
from tiktok_ads.endpoints.batch_windows import Member, shared_windows, time_dimension, union
from tiktok_ads.endpoints.extract import RawPage, report_pages, report_params
from tiktok_ads.endpoints.extract_shop import REPORT_PAGERS
from tiktok_ads.endpoints.shared_answers import ADDED_METRICS, Inexact, MemberPages, SharedAnswer, TooLarge
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


_NEW, _FETCHING, _DONE, _SINGLE, _FAILED = "new", "fetching", "done", "single", "failed"
_NOT_TASK_FALLBACKS = (TikTokAuthError, TikTokConnectionError, TikTokReportCutError, TikTokPermissionError)
"""Errors of a shared task handled as a shared synchronous answer's (fail the run, or read alone quietly: the
documented 20,000-id cut, an advertiser the token may not read); any other is a task that did not deliver."""


class _Undelivered(Exception):
    """A shared task that did not deliver (failed, refused, unreadable): its members are read alone, loudly."""

    def __init__(self, error: TikTokAPIError) -> None:
        super().__init__(error.message)
        self.error = error


@dataclass(frozen=True)
class _Reading:
    """What every batch of one table reads its shared answer with."""

    client: TikTokClient
    spec: ReportTable
    include_deleted: bool
    page_size: int
    decode: Decoder | None
    """The decoder of a synchronous shared page (the table's, expecting the added metrics too), or None."""
    sleep: Callable[[float], None]
    answer: SharedAnswer


class _Batch:
    """One shared request series: its members, the dates it asks (``window``, the union of the members' own
    windows ``own``), its state and, once fetched, each unread member's pages (of its own window only).

    Args:
        own: each member's own window, in the batch's order.
    """

    task: ClassVar[bool] = False
    """Read by one async task shared by the members (their whole ranges), not by synchronous requests."""

    def __init__(self, own: Mapping[str, DateWindow]) -> None:
        self.own = dict(own)
        self.members = tuple(self.own)
        self.window = union(list(self.own.values()))
        self.widened = any(w != self.window for w in self.own.values())
        """Whether the batch asks days outside a member's own window."""
        self.state = _NEW
        self.ready = threading.Condition()
        self.pages: dict[str, list[RawPage]] = {}
        self.error: TikTokAPIError | None = None

    def read(self, reading: _Reading) -> MemberPages:
        """The whole shared answer, checked and split into the members' pages (:meth:`.SharedAnswer.collect`).

        Raises:
            TikTokAPIError: a request failed.
            Inexact: the answer cannot be split exactly.
            TooLarge: the answer is larger than the source keeps.
        """
        raise NotImplementedError


class _WindowBatch(_Batch):
    """Members' windows read by one synchronous ``report/integrated/get/`` series with ``advertiser_ids``."""

    def read(self, reading: _Reading) -> MemberPages:
        """Every page of the shared synchronous report, checked (``timezone`` included) and split."""
        params = report_params(
            reading.spec, self.members[0], self.window, include_deleted=reading.include_deleted
        )
        announced: list[int] = []
        decode = _noting_total(reading.decode, announced) if reading.decode is not None else None
        pages = reading.client.multi_advertiser_report(
            params, self.members, page_size=reading.page_size, decode=decode
        )
        return reading.answer.collect(pages, self.own, limit=MAX_SHARED_ROWS, announced=announced, zones=True)


class _TaskBatch(_Batch):
    """Members' whole ranges read by one ``report/task/create/`` with ``advertiser_ids``."""

    task = True

    def read(self, reading: _Reading) -> MemberPages:
        """The shared task's CSV, checked as a synchronous answer (it has no ``timezone`` to check) and split.

        Raises:
            _Undelivered: the task did not deliver (any error but those of :data:`_NOT_TASK_FALLBACKS`).
        """
        pages = shared_task_pages(
            reading.client,
            reading.spec,
            self.members,
            self.window,
            page_size=reading.page_size,
            sleep=reading.sleep,
        )
        try:
            with contextlib.closing(pages):
                return reading.answer.collect(
                    pages, self.own, limit=MAX_SHARED_TASK_ROWS, announced=[], zones=False
                )
        except _NOT_TASK_FALLBACKS:
            raise
        except TikTokAPIError as err:
            raise _Undelivered(err) from err


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
        self._warn = warn or (lambda message: logger.warning("tiktok_ads: %s", message))
        self._spec = spec
        self._include_deleted = include_deleted
        self._page_size = page_size
        self._decode = decode
        batch_decode: Decoder | None = None
        if decode is not None:
            added = tuple(m for m in ADDED_METRICS if m not in spec.metrics)
            batch_decode = report_decoder(spec.dimensions, (*spec.metrics, *added))
        self._time_dimension = time_dimension(spec.dimensions)
        answer = SharedAnswer(
            zones=self._zones,
            currencies={str(a): c for a, c in (currencies or {}).items() if c},
            money=tuple(m for m in spec.metrics if m in _MONEY),  # amounts in the advertiser's currency
            keep=frozenset(spec.metrics) & frozenset(ADDED_METRICS),  # asked for: they stay
            time_dimension=self._time_dimension,
        )
        self._reading = _Reading(client, spec, include_deleted, page_size, batch_decode, sleep, answer)
        self._lock = threading.Lock()
        self._disabled: str | None = not_batchable(spec)
        self._no_widening: str | None = None  # why batches asking more days than a member's are read alone
        self._no_tasks: str | None = None  # why this table's shared tasks are read alone (TikTok refused one)
        self.fallbacks: collections.Counter[str] = collections.Counter()
        """Batches read one advertiser per request, by reason (``ads_throttle``, ``40001``, ``bad_rows`` ...), and
        ``rounded``: batches some of whose members were read again alone (their money may have been rounded)."""
        self.batches: dict[tuple[str, DateWindow], _Batch] = {}
        """The batch of each (advertiser, window) that shares a request (single ones are not listed)."""
        if self._disabled is None:
            self._form(self._form_tasks(ranges or {}, plans), _WindowBatch, self._window_span())

    # ------------------------------------------------------------------ forming batches

    def _form_tasks(
        self, ranges: Mapping[str, DateWindow], plans: Mapping[str, Sequence[DateWindow]]
    ) -> dict[str, Sequence[DateWindow]]:
        """Form the shared tasks' batches; return ``plans`` with the windows of those left alone."""
        if self._tasks is not None:
            whole = {str(a): [days] for a, days in ranges.items() if str(a) in self._zones}
            longest = max(((w.end - w.start).days + 1 for (w,) in whole.values()), default=0)
            # ranges a day apart (zones whose today differs) share a task asking their union, as windows do
            self._form(whole, _TaskBatch, longest + 1)
        out = dict(plans)
        for adv, days in ranges.items():
            if (str(adv), days) not in self.batches and not self._one_task(days):
                out[str(adv)] = split_range(days.start, days.end, self._spec.window_days)
        return out

    def _window_span(self) -> int:
        """The most days one synchronous batch asks: the table's span, 0 (the very same window) for a report
        without a time dimension (its rows depend on the dates asked)."""
        return (self._spec.window_days or 0) if self._time_dimension is not None else 0

    def _form(self, plans: Mapping[str, Sequence[DateWindow]], kind: type[_Batch], max_days: int) -> None:
        """Batches of ``kind`` of up to five (advertiser, window)s one request may serve together (windows a
        day apart, of zones whose today differs, share one asking their union: :mod:`.batch_windows`)."""
        # its rows' time zone could not be checked: an advertiser without one is read alone
        checked = {str(a): windows for a, windows in plans.items() if str(a) in self._zones}
        for chunk in _chunks(shared_windows(checked, max_days)):
            batch = kind(dict(chunk))
            for member in chunk:
                self.batches[member] = batch

    def _one_task(self, window: DateWindow) -> bool:
        """Whether one advertiser's ``window`` is read by a task of its own (:func:`.async_reports.use_task`)."""
        mode = self._tasks.mode if self._tasks is not None else "never"
        return use_task(mode, self._spec, window, include_deleted=self._include_deleted)

    def shared_task(self, advertiser_id: str, window: DateWindow) -> bool:
        """Whether ``window`` (the advertiser's whole range) is read by a task shared with other advertisers."""
        batch = self.batches.get((advertiser_id, window))
        return batch is not None and batch.task

    # ------------------------------------------------------------------ handing out pages

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
            if self._still_shared(batch):
                pages = self._kept(batch, batch.read(self._reading))
                state = _DONE
        except _Undelivered as exc:
            self._task_fallback(batch, exc.error)
        except TikTokAPIError as err:
            reason = _fallback_reason(err)
            if reason is None:
                state, error = _FAILED, err
            else:
                self._fall_back(batch, reason, err)
        except Inexact as exc:
            self._fall_back(batch, "bad_rows", exc)
        except TooLarge as exc:
            self._fall_back(batch, "large", exc)
        finally:
            with batch.ready:
                batch.state, batch.error, batch.pages = state, error, pages
                batch.ready.notify_all()

    # ------------------------------------------------------------------ fallback rules

    def _still_shared(self, batch: _Batch) -> bool:
        """Whether ``batch`` is read shared: no refusal earlier in the run stopped its kind (:meth:`_fall_back`,
        :meth:`_task_fallback`; tasks turned off)."""
        if self._disabled is not None:
            return False
        if batch.task:
            return self._no_tasks is None and self._tasks is not None and self._tasks.mode != "never"
        return not (batch.widened and self._no_widening is not None)

    def _kept(self, batch: _Batch, answer: MemberPages) -> dict[str, list[RawPage]]:
        """The members' pages of a shared answer; those whose money may have been rounded are read alone."""
        if answer.rounded:
            with self._lock:
                self.fallbacks["rounded"] += 1
            self._warn(
                f"the money of advertisers {', '.join(answer.rounded)} came back in whole units only from a "
                "report request they shared (TikTok documents 'no decimal point' there, which could mean cents "
                "rounded away); their reports are read one advertiser per request"
            )
        return answer.pages

    def _fall_back(self, batch: _Batch, reason: str, why: BaseException) -> None:
        """A shared answer that cannot serve its members: they are read alone; a refusal stops the batches it
        would refuse too (those of days beyond a member's window, or all of this table's)."""
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


def _chunks(groups: list[list[Member]]) -> Iterator[list[Member]]:
    """Each group cut into batches of at most five members; a lone member is left out (it reads alone)."""
    for group in groups:
        for i in range(0, len(group), MAX_ADVERTISERS_PER_REQUEST):
            chunk = group[i : i + MAX_ADVERTISERS_PER_REQUEST]
            if len(chunk) > 1:
                yield chunk


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

"""Asynchronous report tasks: ``report/task/create/`` -> ``report/task/check/`` -> ``report/task/download/``.

Sources (TikTok's docs, cited by Doc ID; official URL ``https://business-api.tiktok.com/portal/docs?id=<id>``):

- [TTD-async] "Create an asynchronous report task", 1740302766489602: ``POST`` with a JSON body; the
  parameters of a synchronous report minus paging plus ``output_format`` (``CSV_STRING`` default,
  ``CSV_DOWNLOAD``, ``XLSX_DOWNLOAD``), ``file_name``, ``enable_report_title_translation`` (default true);
  no limit on the time range; filtering only by ``campaign_ids``/``adgroup_ids``/``ad_ids``/``country_code``
  (at most 20,000 ids); UV metrics cannot be combined with audience dimensions; playable reports are not
  served; a task is valid for 30 days; the rate limit is 1 QPS per app, and the user of the token may create
  500 tasks per ad account and hour. Answer ``data.task_id``.
- [TTD-check] "Get the status of an async report task", 1740302781443073: ``GET`` ``advertiser_id`` +
  ``task_id``; ``data.status`` one of ``QUEUING``, ``PROCESSING``, ``SUCCESS``, ``FAILED``, ``CANCELED`` and
  ``data.message`` (the reason, when FAILED).
- [TTD-download] "Download the output of an async report task", 1740302808815618: ``GET`` ``advertiser_id`` +
  ``task_id``; a CSV file stream for ``CSV_STRING``, else JSON ``data.download_url`` (valid for 1 hour; asking
  again gives a new one), ``file_name``, ``output_format``. Its example shows a header row of translated
  titles and plain values.
- [TTD-timeout] "Best practices to reduce timeouts in synchronous reports", 1738864817670145: 4,500 async tasks
  per app per day.
- [AE-err] the Return Codes page (1737172488964097) as summarised by api-evangelist/tiktok-ads: 40200 "async
  task error", 40201 "task not ready".
- bububa/tiktok-business ``model/report/task_{create,check,download}.go``: the same request/response fields.
- [BB-multi] bububa/tiktok-business ``model/report/task_create.go`` (HEAD 4d9271c, translated from [TTD-async]),
  on ``advertiser_ids``: either it or ``advertiser_id`` is required (``advertiser_id`` ignored when both come); at
  most 5; only for ``report_type`` BASIC and AUDIENCE; the advertisers must belong to one TikTok for Business
  user; with ``start_date``/``end_date`` each advertiser's data is in its own time zone; up to two id dimensions
  (``advertiser_id`` and one other); "we recommend setting ``currency`` in ``metrics``, since the accounts'
  currencies may differ". ``task_check.go`` / ``task_download.go``: with ``advertiser_ids`` at creation, their
  ``advertiser_id`` must be one of those ids; both take one ``task_id``. The official SDK
  (tiktok/tiktok-business-api-sdk ``python_sdk/docs/ReportTaskCreateBody.md``) has ``advertiser_ids`` (a list) in
  the body and no ``multi_adv_report_in_utc_time``; its ``report_task_check(task_id, advertiser_id)`` takes one
  task (``python_sdk/docs/ReportingApi.md``).

How a task advances: deterministically, never by wall time. A task is ``QUEUING`` when created; the k-th
check of it answers ``SUCCESS`` once k >= :attr:`ReportTasks.checks_to_finish` (``PROCESSING`` on the check
before, ``QUEUING`` on earlier ones), or as soon as the emulator's clock is :data:`PROCESSING_SECONDS` past its
creation. :meth:`ReportTasks.fail_next` makes the next tasks end ``FAILED`` instead. Its output is computed
when it succeeds, from the same model as ``report/integrated/get/``: the CSV holds exactly the rows the
synchronous reports of its range would page through (ordered by object, then time).

A multi-advertiser task (``advertiser_ids``) answers the rows the multi-advertiser synchronous report of its
range would page through (:mod:`.multi_reports`: each advertiser's own time zone, the ``advertiser_id`` dimension
beside the level's, the 20,000-id cut, money written without trailing zeros; the ``rounded_money`` variant
applies too), as one CSV of the requested columns only. UNSURE: that the CSV adds no ``advertiser_id`` /
``currency`` / ``timezone`` columns of its own, as the synchronous answer adds to ``metrics`` (the docs'
advice to ask ``currency`` suggests it does not); that the money spelling of the synchronous answer holds in
the CSV; that a cut task's download answer carries ``X-Tt-Ads-Throttle`` as a cut report page does (here: yes);
that each member's per-account task quota counts the task (here: each); that ``multi_adv_report_in_utc_time``,
documented for synchronous reports only, is ignored by tasks (here: ignored, and so is the ``utc_rows``
variant); tasks are not refused with 40067 (too large), as synchronous reports are: a task is TikTok's remedy
for those ([TTD-timeout]).

UNSURE (not in our sources, the most plausible choice is made): the codes of the limit answers (40100 for the
1-QPS app limit, as every app limit; 40200 for the per-account and per-app task quotas and for expired tasks;
40201 for a download before SUCCESS); whether a task's status changes are seen per check or by time; the CSV's
column order (dimensions then metrics, in request order), its value formatting (the synchronous report's
strings, ``"-"`` included), the translated titles (``campaign_id`` -> ``Campaign ID``); the download link's
expiry answer (HTTP 403). The "data is refreshed once every several hours" note of [TTD-async] is not
modelled: tasks see the same data as synchronous reports, so tables loaded either way are identical.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import operator
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from tiktok_ads.emulator.data.metrics import AUDIENCE_DIMENSIONS
from tiktok_ads.emulator.rules.multi_reports import MultiReportQuery, multi_report_rows, parse_multi_report
from tiktok_ads.emulator.rules.params import ApiError, get_id, get_str, json_body, param_error, parse_date
from tiktok_ads.emulator.rules.reports import ID_FILTERS, ReportQuery, parse_report_query
from tiktok_ads.emulator.rules.task_ids import TaskIds
from tiktok_ads.tables.metrics_file import TASK_AUDIENCE_REFUSED

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import World
    from tiktok_ads.emulator.rules.grants import Grant

__all__ = ["FILE_PREFIX", "ReportTasks", "TASK_ROUTES"]

#: the routes of this module and their HTTP methods
TASK_ROUTES = {
    "report/task/create/": "POST",
    "report/task/check/": "GET",
    "report/task/download/": "GET",
    "report/task/cancel/": "POST",
}
#: where download links point (TikTok's look like ``https://ads.tiktok.com/wsos_v2/statistics/object/...``)
FILE_PREFIX = "/wsos_v2/statistics/object/"
OUTPUT_FORMATS = ("CSV_STRING", "CSV_DOWNLOAD", "XLSX_DOWNLOAD")
#: [TTD-async]: the only filter fields of async BASIC/AUDIENCE reports (country_code is a dimension filter)
TASK_FILTERS = frozenset({*ID_FILTERS, "country_code"})
MAX_FILTER_IDS = 20_000
TASKS_PER_ACCOUNT_HOUR = 500
TASKS_PER_APP_DAY = 4_500
TASK_VALID_DAYS = 30
LINK_VALID_SECONDS = 3_600
PROCESSING_SECONDS = 300
CODE_TASK_ERROR = 40200
CODE_TASK_NOT_READY = 40201
CSV_TYPE = "text/csv; charset=utf-8"

Authenticate = Callable[[str | None], "Grant"]
Authorize = Callable[["Grant", str], None]


@dataclass
class _Task:
    task_id: str
    #: the advertiser, or the members of a multi-advertiser task (check and download take any of them)
    advertiser_ids: tuple[str, ...]
    token: str
    query: ReportQuery
    output_format: str
    translate: bool
    file_name: str
    created: dt.datetime
    fail: bool
    checks: int = 0
    status: str = "QUEUING"
    output: bytes | None = None
    rows: int = 0
    #: the multi-advertiser query of an ``advertiser_ids`` task, else None
    multi: MultiReportQuery | None = None


@dataclass
class _Link:
    task_id: str
    expires: dt.datetime


@dataclass
class ReportTasks(TaskIds):
    """The async report tasks of one emulated app: their routes' handlers and the download links.

    Args:
        world: the data model and its clock.
        secret: signs download links.
        checks_to_finish: checks after which a task has succeeded (at least 1).
        per_account_hour: tasks the user of a token may create per advertiser and hour.
        per_app_day: tasks the app may create per UTC day.
    """

    world: World
    secret: str
    checks_to_finish: int = 2
    per_account_hour: int = TASKS_PER_ACCOUNT_HOUR
    per_app_day: int = TASKS_PER_APP_DAY
    file_host: str = "https://ads.tiktok.com"
    _tasks: dict[str, _Task] = field(default_factory=dict)
    _links: dict[str, _Link] = field(default_factory=dict)
    _created: dict[tuple[str, str], deque[dt.datetime]] = field(default_factory=dict)
    _created_today: dict[dt.date, int] = field(default_factory=dict)
    _fail_next: int = 0
    _serial: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------------ create

    def create(
        self, grant: Grant, authorize: Authorize, body: bytes, variant: str | None = None
    ) -> tuple[dict[str, Any], int]:
        """Validate a ``report/task/create/`` body and queue the task; returns ``(data, rows)``.

        ``variant``: the multi-advertiser answer's scripted departure (:data:`.multi_reports.VARIANTS`), if any.
        """
        payload = json_body(body)
        params = _as_query(payload)
        multi: MultiReportQuery | None = None
        if payload.get("advertiser_ids") is not None:
            # [BB-multi]: advertiser_ids wins over advertiser_id; the synchronous multi-advertiser rules
            # (multi_reports.py) with the task's own rules per member (no span limit, the async filters)
            multi = parse_multi_report(
                params,
                lambda adv: authorize(grant, adv),
                self.world,
                variant if variant != "utc_rows" else None,
                parse_one=lambda one, adv: _task_query(one, adv, payload.get("filtering")),
                utc_switch=False,
            )
            members = tuple(multi.advertiser_ids)
        else:
            advertiser_id = get_id(params, "advertiser_id", required=True)
            assert advertiser_id is not None
            authorize(grant, advertiser_id)
            members = (advertiser_id,)
        output_format = get_str(params, "output_format") or "CSV_STRING"
        if output_format not in OUTPUT_FORMATS:
            raise param_error(f"output_format: Must be one of: {', '.join(OUTPUT_FORMATS)}.")
        if output_format == "XLSX_DOWNLOAD":
            raise param_error("output_format: 'XLSX_DOWNLOAD' is not supported by this emulator.")
        file_name = str(payload.get("file_name") or "").strip()
        if len(file_name) > 255 or any(c in file_name for c in "/\t\b@#$%^&*()[]"):
            raise param_error("file_name: At most 255 characters, without / \\t \\b @ # $ % ^ & * ( ) [ ].")
        translate = payload.get("enable_report_title_translation", True)
        if not isinstance(translate, bool):
            raise param_error("enable_report_title_translation: Not a valid boolean.")
        if params.get("report_type") == "PLAYABLE_MATERIAL":
            raise param_error("report_type: Playable ads reports are not supported in asynchronous reports.")
        query = (
            multi.queries[0]
            if multi is not None
            else _task_query(params, members[0], payload.get("filtering"))
        )
        now = self.world.now
        with self._lock:
            self._check_quota(grant.token, members, now)
            task_id, fail = self._new_task_id("task", 7_100_000_000_000_000_000)
            self._tasks[task_id] = _Task(
                task_id, members, grant.token, query, output_format, translate,
                file_name or f"report_{task_id}", now, fail, multi=multi,
            )  # fmt: skip
        return {"task_id": task_id}, 0

    def _check_quota(self, token: str, advertiser_ids: tuple[str, ...], now: dt.datetime) -> None:
        """[TTD-async] 500 tasks per account, hour and user (a multi-advertiser task counts for each member:
        UNSURE); [TTD-timeout] 4,500 per app and day."""
        queues = [self._created.setdefault((token, a), deque()) for a in advertiser_ids]
        for advertiser_id, recent in zip(advertiser_ids, queues, strict=True):
            while recent and recent[0] <= now - dt.timedelta(hours=1):
                recent.popleft()
            if len(recent) >= self.per_account_hour:
                raise ApiError(
                    CODE_TASK_ERROR,
                    f"The number of asynchronous report tasks created for advertiser {advertiser_id} in the "
                    f"last hour has reached the limit ({self.per_account_hour}). Please try again later.",
                )
        today = now.date()
        if self._created_today.get(today, 0) >= self.per_app_day:
            raise ApiError(
                CODE_TASK_ERROR,
                f"The number of asynchronous report tasks created by this app today has reached the limit "
                f"({self.per_app_day}). Please try again after 00:00 UTC.",
            )
        for recent in queues:
            recent.append(now)
        self._created_today[today] = self._created_today.get(today, 0) + 1

    # ------------------------------------------------------------------ check, download, cancel

    def _task(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> _Task:
        advertiser_id = get_id(params, "advertiser_id", required=True)
        assert advertiser_id is not None
        authorize(grant, advertiser_id)
        task_id = get_str(params, "task_id", required=True)
        with self._lock:
            task = self._tasks.get(str(task_id).strip().strip('"'))
        # a task of another advertiser is as unknown as a made-up id (UNSURE: TikTok's wording); a
        # multi-advertiser task is known to each of its members ([BB-multi] task_check.go)
        if task is None or advertiser_id not in task.advertiser_ids:
            raise param_error(f"task_id: Task {task_id} does not exist.")
        if self.world.now - task.created > dt.timedelta(days=TASK_VALID_DAYS):
            raise ApiError(CODE_TASK_ERROR, f"Task {task_id} has expired (tasks are valid for 30 days).")
        return task

    def check(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> dict[str, Any]:
        """Answer ``report/task/check/``: one more check of the task (see the module docstring)."""
        task = self._task(grant, authorize, params)
        with self._lock:
            if task.status in ("QUEUING", "PROCESSING"):
                task.checks += 1
                left = self.checks_to_finish - task.checks
                timed_out = self.world.now - task.created >= dt.timedelta(seconds=PROCESSING_SECONDS)
                if left <= 0 or timed_out:
                    task.status = "FAILED" if task.fail else "SUCCESS"
                else:
                    task.status = "PROCESSING" if left == 1 else "QUEUING"
            status = task.status
        if status == "SUCCESS" and task.output is None:
            task.output, task.rows = self._render(task)
        message = (
            "Task failed due to an internal error. Please create the task again."
            if status == "FAILED"
            else ""
        )
        return {"status": status, "message": message}

    def cut(self, params: Mapping[str, str]) -> bool:
        """Whether the task named by ``params`` (already answered by :meth:`download`) was cut to 20,000 ids
        (its download answer then carries ``X-Tt-Ads-Throttle``, as a cut report page does: UNSURE)."""
        with self._lock:
            task = self._tasks.get(str(params.get("task_id") or "").strip().strip('"'))
        return task is not None and task.multi is not None and task.multi.cut

    def download(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> tuple[Any, int]:
        """Answer ``report/task/download/``: ``(CSV bytes, rows)`` for CSV_STRING, else ``(data, 0)``."""
        task = self._task(grant, authorize, params)
        if task.status != "SUCCESS" or task.output is None:
            raise ApiError(
                CODE_TASK_NOT_READY, f"Task {task.task_id} is not ready yet (status {task.status})."
            )
        if task.output_format == "CSV_STRING":
            return task.output, task.rows
        expires = self.world.now + dt.timedelta(seconds=LINK_VALID_SECONDS)
        with self._lock:
            self._serial += 1
            key = hashlib.sha1(f"{self.secret}:link:{self._serial}".encode()).hexdigest()[:16]
            self._links[key] = _Link(task.task_id, expires)
        stamp = int(expires.timestamp())
        sign = hmac.new(self.secret.encode(), f"{key}:{stamp}".encode(), hashlib.sha256).hexdigest()
        url = (
            f"{self.file_host}{FILE_PREFIX}wsos{key}?expire={stamp}&skipCookie=true"
            f"&timeStamp={stamp - LINK_VALID_SECONDS}&sign={sign}"
        )
        data = {
            "output_format": task.output_format,
            "file_name": f"{task.file_name}.csv",
            "download_url": url,
        }
        return data, 0

    def cancel(self, grant: Grant, authorize: Authorize, body: bytes) -> dict[str, Any]:
        """Answer ``report/task/cancel/`` (JSON body ``advertiser_id``, ``task_id``): a queued or processing
        task becomes ``CANCELED``; UNSURE: cancelling a finished task answers 40200."""
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            raise param_error("Invalid JSON body.") from None
        task = self._task(grant, authorize, _as_query(payload if isinstance(payload, dict) else {}))
        with self._lock:
            if task.status not in ("QUEUING", "PROCESSING"):
                raise ApiError(
                    CODE_TASK_ERROR, f"Task {task.task_id} is {task.status} and cannot be canceled."
                )
            task.status = "CANCELED"
        return {"task_id": task.task_id, "status": "CANCELED"}

    def serve_file(self, path: str, query: str) -> tuple[int, bytes, str]:
        """A download link: ``(HTTP status, body, content type)``; 403 once expired or for a bad signature."""
        key = path[len(FILE_PREFIX) :].removeprefix("wsos")
        params = dict(parse_qsl(query))
        with self._lock:
            link = self._links.get(key)
        denied = (403, b"AccessDenied: Request has expired or the signature does not match", "text/plain")
        if link is None:
            return 404, b"NoSuchKey", "text/plain"
        stamp = int(link.expires.timestamp())
        sign = hmac.new(self.secret.encode(), f"{key}:{stamp}".encode(), hashlib.sha256).hexdigest()
        if params.get("sign") != sign or params.get("expire") != str(stamp) or self.world.now >= link.expires:
            return denied
        output = self._tasks[link.task_id].output
        return 200, output or b"", CSV_TYPE

    # ------------------------------------------------------------------ output

    def _render(self, task: _Task) -> tuple[bytes, int]:
        """The task's CSV: a title row, then one row per report row, as the synchronous reports page them."""
        q = task.query
        multi = task.multi
        # a shared task's columns are its multi-advertiser query's dimensions (when it lists any), else the task's
        dimensions = q.dimensions
        if multi is not None and multi.dimensions:
            dimensions = multi.dimensions
        names = [*dimensions, *q.metrics]
        # encoded as it is written: one copy of the CSV in memory, not a str and its bytes as well
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([_title(n) for n in names] if task.translate else names)
        # the model answers hourly queries one day at a time (today's hours end now), as synchronous ones ask
        spans: list[tuple[dt.date | None, dt.date | None]] = [(q.start_date, q.end_date)]
        if "stat_time_hour" in q.dimensions and q.start_date is not None and q.end_date is not None:
            days = (q.end_date - q.start_date).days + 1
            spans = [(q.start_date + dt.timedelta(days=i),) * 2 for i in range(days)]
        total = 0
        for start, end in spans:
            if multi is not None:
                members = [replace(m, start_date=start, end_date=end) for m in multi.queries]
                count = 0
                for row in multi_report_rows(self.world, replace(multi, queries=members)):
                    writer.writerow(
                        (*_cells(row["dimensions"], dimensions), *_cells(row["metrics"], q.metrics))
                    )
                    count += 1
                total += count
                continue
            result = replace(q, start_date=start, end_date=end).run(self.world)
            count = len(result)
            for offset in range(0, count, 5_000):
                writer.writerows(
                    (*_cells(row["dimensions"], q.dimensions), *_cells(row["metrics"], q.metrics))
                    for row in result.rows(offset, 5_000)
                )
            total += count
        out.flush()
        out.detach()
        return raw.getvalue(), total


def _cells(values: Mapping[str, str], names: list[str]) -> tuple[str, ...]:
    """``values`` of ``names`` in order (one C call per row; a missing one is an empty cell)."""
    try:
        got = operator.itemgetter(*names)(values)
    except KeyError:
        return tuple(values.get(n, "") for n in names)
    return got if len(names) > 1 else (got,)


def _title(name: str) -> str:
    """A translated title (UNSURE: TikTok's wording is Ads Manager's; ``campaign_id`` -> ``Campaign ID``)."""
    return " ".join("ID" if w == "id" else w.capitalize() for w in name.split("_"))


def _as_query(payload: Mapping[str, Any]) -> dict[str, str]:
    """A JSON body as the string parameters the synchronous validators read (lists JSON-encoded)."""
    out: dict[str, str] = {}
    for key, value in payload.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, dict)):
            out[key] = json.dumps(value)
        else:
            out[key] = str(value)
    return out


def _task_query(params: dict[str, str], advertiser_id: str, filtering: Any) -> ReportQuery:
    """Validate a task's report with the synchronous rules, minus the span limit, with the async filters."""
    if filtering is not None and not isinstance(filtering, list):
        raise param_error("filtering: Not a valid list.")
    filters: list[Any] = filtering or []
    id_sets: dict[str, set[str]] = {}
    checked: list[Any] = []
    for item in filters:
        name = item.get("field_name") if isinstance(item, dict) else None
        if name not in TASK_FILTERS:
            raise param_error(
                f"filtering: field_name {name!r} is not supported in asynchronous reports; use one of "
                f"{', '.join(sorted(TASK_FILTERS))}."
            )
        if name == "country_code":
            raise param_error("filtering: field_name 'country_code' is not supported by this emulator.")
        raw = item.get("filter_value")
        try:
            ids = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            raise param_error(f"filtering.{name}.filter_value: Invalid JSON value {raw!r}.") from None
        if isinstance(ids, list):
            if len(ids) > MAX_FILTER_IDS:
                raise param_error(f"filtering.{name}: At most {MAX_FILTER_IDS} ids; got {len(ids)}.")
            id_sets[name] = id_sets.get(name, {str(i) for i in ids}) & {str(i) for i in ids}
            # the synchronous validator (types, levels, IN) sees the first 100; async takes 20,000
            item = {**item, "filter_value": json.dumps(ids[:100])}
        checked.append(item)
    lifetime = params.get("query_lifetime") == "true"
    raw_end = ""
    if not lifetime:
        # [TTD-async]: no limit on the time range; validate the rest with a one-day span, then widen it
        for name in ("start_date", "end_date"):
            get_str(params, name, required=True)
        raw_end = params["end_date"]
        params = {**params, "end_date": params["start_date"]}
    if filters:
        params = {**params, "filtering": json.dumps(checked)}
    query = parse_report_query(params, advertiser_id)
    if not lifetime:
        start = parse_date("start_date", params["start_date"])
        end = parse_date("end_date", raw_end)
        if end < start:
            raise param_error("end_date: end_date must be later than or equal to start_date.")
        query.start_date, query.end_date = start, end
    query.id_filters.update(id_sets)
    audience = [d for d in query.dimensions if d in AUDIENCE_DIMENSIONS]
    uv = [m for m in query.metrics if m in TASK_AUDIENCE_REFUSED]
    if audience and uv:
        raise param_error(
            f"Querying UV metrics {uv} with audience dimensions {audience} is not supported in "
            "asynchronous reports."
        )
    return query

"""Change log tasks: ``changelog/task/create/`` -> ``changelog/task/check/`` -> ``changelog/task/download/``.

An ad account's own audit trail (who created, edited, paused or deleted which campaign, ad group or ad), built
from the world's entity timelines (:class:`~.model.Entity` ``mod_times``): every visible modification of an
object is one log entry with its ``Object ID``.

Sources (the official Python SDK ``tiktok/tiktok-business-api-sdk`` has no change log API; bububa's Go SDK is
not in our stores):

- [TTD-list] TikTok's endpoint catalogue ("Ads Management > Change Log"), as quoted in public docs mirrors:
  ``/changelog/task/create/`` "Initiate a task to download change logs for an ad account based on the
  parameters that you specify", ``/changelog/task/check/`` "Check whether a log download file has been completed
  or not", ``/changelog/task/download/`` "Get the log file that has been downloaded". Change Log API doc:
  ``https://business-api.tiktok.com/portal/docs?id=1738811145996290``.
- [TS-types] generated TypeScript types of these endpoints (a public TikTok client, ``types/change-log.ts``):
  create takes ``advertiser_id`` (required), ``start_time``, ``end_time``, ``timezone``, ``module``,
  ``object_ids``, ``object_type``, ``operation_types``, ``order_fields`` and answers ``task_id``; check and
  download take ``advertiser_id`` + ``task_id``; check answers ``status``; download answers ``status``
  (``PROCESSING`` | ``SUCCESS`` | ``FAILED``) and ``changelog`` (a string).
- [MCP-ref] a TikTok MCP server's parameter reference (schema inspection, 2026-05): ``start_time``/``end_time``
  as ``YYYY-MM-DD HH:MM:SS``, at most 30 days apart; ``object_type`` one of ``AD``, ``ADGROUP``,
  ``ADVERTISER``, ``CAMPAIGN``, ``INSTANT_FORM``; ``operation_types`` of ``CREATE``, ``AUDIT``, ``STATUS``,
  ``UPDATE``, ``DELETE``, ``DOWNLOAD_LEADS``, ``SUBSCRIBE_FORM``, ``UNSUBSCRIBE_FORM``; ``module`` one of
  ``BIDDING_AND_OPTIMIZATION``, ``BUDGET``, ``STATUS``, ``TARGETING``.
- [JS-client] two public Node clients that ran against production (create with ``object_type`` CAMPAIGN /
  ADGROUP and ``object_ids``, poll check until ``SUCCESS``, download): ``data.changelog`` is the Python repr of
  ``{'file_data': b'<CSV>', 'file_name': '<name>'}``; the CSV opens with summary lines (``Budget changes,2``,
  ``Bid changes,0`` ...), then the header ``Time,log_object_type,Object ID,Object,Operator,Source,App ID,
  Activity details``; ``Activity details`` is JSON (``action`` ``Change``/``Create``, ``name``,
  ``before_after`` [{``before``, ``after``}]).

UNSURE (not in our sources, the most plausible choice is made): the time zone of ``start_time``/``end_time``
and of the ``Time`` column (the advertiser's, unless ``timezone`` names one); the defaults of a missing
``start_time``/``end_time`` (the 30 days up to now); the ``log_object_type`` spelling (``Campaign``,
``Ad group``, ``Ad``); the summary lines' names; how long a task takes (done on its first check,
:attr:`ChangeLogTasks.checks_to_finish`); that a download before ``SUCCESS`` answers code 0 with the status and
no ``changelog``; task quotas (none modelled: only the app's request rate limit applies) and retention (not
modelled: the world's whole timeline is kept); ``order_fields`` (ignored: entries are in time order); which
entries a ``module`` keeps (``STATUS``: status changes and deletions; the others: field changes of that
module); and whether a child's deletion through its parent's is logged - it is not: only the object the user
deleted has a ``DELETE`` entry (the child's ``modify_time`` still moves, see ``model.World._timeline``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tiktok_ads.emulator.data.model import UTC, Entity, stable_hash, zone
from tiktok_ads.emulator.rules.params import get_id, get_str, json_body, param_error
from tiktok_ads.emulator.rules.task_ids import TaskIds

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import World
    from tiktok_ads.emulator.rules.grants import Grant

__all__ = ["CHANGELOG_ROUTES", "ChangeLogTasks", "log_entries"]

#: the routes of this module and their HTTP methods ([TTD-list]; [JS-client] POSTs create, GETs the others)
CHANGELOG_ROUTES = {
    "changelog/task/create/": "POST",
    "changelog/task/check/": "GET",
    "changelog/task/download/": "GET",
}
#: [MCP-ref]
OBJECT_TYPES = ("AD", "ADGROUP", "ADVERTISER", "CAMPAIGN", "INSTANT_FORM")
OPERATION_TYPES = (
    "CREATE", "AUDIT", "STATUS", "UPDATE", "DELETE", "DOWNLOAD_LEADS", "SUBSCRIBE_FORM", "UNSUBSCRIBE_FORM",
)  # fmt: skip
MODULES = ("BIDDING_AND_OPTIMIZATION", "BUDGET", "STATUS", "TARGETING")
MAX_SPAN = dt.timedelta(days=30)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
#: [JS-client] the header of the entries
HEADER = (
    "Time",
    "log_object_type",
    "Object ID",
    "Object",
    "Operator",
    "Source",
    "App ID",
    "Activity details",
)
_KIND_OF_TYPE = {"CAMPAIGN": "campaign", "ADGROUP": "adgroup", "AD": "ad"}
#: UNSURE spelling (Ads Manager's names)
_LOG_TYPE = {"campaign": "Campaign", "adgroup": "Ad group", "ad": "Ad"}
#: what a field change touches: (name in Activity details, module, summary line)
_FIELD_CHANGES = (
    ("Budget", "BUDGET", "Budget changes"),
    ("Bid", "BIDDING_AND_OPTIMIZATION", "Bid changes"),
    ("Age", "TARGETING", "Targeting changes"),
    ("Name", None, None),
)
_SUMMARY = ("Budget changes", "Bid changes", "Targeting changes", "Status changes")

Authorize = Callable[["Grant", str], None]


@dataclass(frozen=True)
class LogEntry:
    """One change of one object: when (UTC), what (operation), and the Activity details' name."""

    when: dt.datetime
    entity: Entity
    operation: str
    detail: str
    module: str | None
    summary: str | None


def _operation(world: World, e: Entity, index: int) -> LogEntry | None:
    """The log entry of ``e``'s ``index``-th modification, None when it is not the object's own doing."""
    when = e.mod_times[index]
    if index == 0:
        return LogEntry(when, e, "CREATE", _LOG_TYPE[e.kind], None, None)
    if e.deleted_at is not None and when == max(e.deleted_at, e.create_time):
        if e.own_deleted_at is None or e.own_deleted_at != e.deleted_at:
            return None  # deleted with its parent: the parent's entry (UNSURE, see the module docstring)
        return LogEntry(when, e, "DELETE", "Status", "STATUS", "Status changes")
    before = when - dt.timedelta(microseconds=1)
    if e.disabled(when) != e.disabled(before):
        return LogEntry(when, e, "STATUS", "Status", "STATUS", "Status changes")
    name, module, summary = _FIELD_CHANGES[stable_hash(*e.key, "change", index) % len(_FIELD_CHANGES)]
    return LogEntry(when, e, "UPDATE", name, module, summary)


def log_entries(
    world: World,
    advertiser_id: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    kinds: tuple[str, ...] = ("campaign", "adgroup", "ad"),
    object_ids: frozenset[str] | None = None,
    operations: frozenset[str] | None = None,
    module: str | None = None,
) -> list[LogEntry]:
    """The advertiser's log entries in ``[start, end]`` (UTC, and not after the clock), oldest first.

    Args:
        world: the data model.
        advertiser_id: the advertiser.
        start: first instant.
        end: last instant.
        kinds: entity kinds asked for.
        object_ids: only these objects (None: all).
        operations: only these operation types (None: all).
        module: only entries of this module (None: all).

    Returns:
        The entries.
    """
    last = min(end, world.now)
    out: list[LogEntry] = []
    for kind in kinds:
        for e in world.entity_objects(kind, advertiser_id):
            if object_ids is not None and e.entity_id not in object_ids:
                continue
            for index, when in enumerate(e.mod_times):
                if not start <= when <= last:
                    continue
                entry = _operation(world, e, index)
                if entry is None or (operations is not None and entry.operation not in operations):
                    continue
                if module is not None and entry.module != module:
                    continue
                out.append(entry)
    out.sort(key=lambda x: (x.when, x.entity.entity_id))
    return out


@dataclass
class _Task:
    task_id: str
    advertiser_id: str
    entries: list[LogEntry]
    tz: dt.tzinfo
    fail: bool
    checks: int = 0
    status: str = "PROCESSING"


@dataclass
class ChangeLogTasks(TaskIds):
    """The change log tasks of one emulated app (their routes' handlers).

    Args:
        world: the data model and its clock.
        secret: makes task ids.
        checks_to_finish: checks after which a task is done (at least 1).
    """

    world: World
    secret: str
    checks_to_finish: int = 1
    _tasks: dict[str, _Task] = field(default_factory=dict)
    _fail_next: int = 0
    _serial: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, grant: Grant, authorize: Authorize, body: bytes) -> dict[str, Any]:
        """Validate a ``changelog/task/create/`` JSON body and queue the task; answers ``task_id``."""
        payload = json_body(body)
        advertiser_id = get_id(
            {k: str(v) for k, v in payload.items() if v is not None}, "advertiser_id", required=True
        )
        assert advertiser_id is not None
        authorize(grant, advertiser_id)
        adv = self.world.advertiser(advertiser_id)
        assert adv is not None  # authorize refuses unknown advertisers
        tz = _zone(payload.get("timezone"), adv.timezone)
        now = self.world.now
        end = _time(payload, "end_time", tz) or now
        start = _time(payload, "start_time", tz) or end - MAX_SPAN
        if end < start:
            raise param_error("end_time: end_time must be later than start_time.")
        if end - start > MAX_SPAN:
            raise param_error("The time range between start_time and end_time cannot exceed 30 days.")
        object_type = payload.get("object_type")
        if object_type is not None and object_type not in OBJECT_TYPES:
            raise param_error(f"object_type: Must be one of: {', '.join(OBJECT_TYPES)}.")
        kinds = ("campaign", "adgroup", "ad") if object_type is None else tuple(
            k for t, k in _KIND_OF_TYPE.items() if t == object_type
        )  # fmt: skip
        object_ids = _id_set(payload.get("object_ids"))
        operations = _choices(payload.get("operation_types"), "operation_types", OPERATION_TYPES)
        module = payload.get("module")
        if module is not None and module not in MODULES:
            raise param_error(f"module: Must be one of: {', '.join(MODULES)}.")
        entries = log_entries(
            self.world, advertiser_id, start, end,
            kinds=kinds, object_ids=object_ids, operations=operations, module=module,
        )  # fmt: skip
        with self._lock:
            task_id, fail = self._new_task_id("changelog", 7_200_000_000_000_000_000)
            self._tasks[task_id] = _Task(task_id, advertiser_id, entries, tz, fail)
        return {"task_id": task_id}

    def _task(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> _Task:
        advertiser_id = get_id(params, "advertiser_id", required=True)
        assert advertiser_id is not None
        authorize(grant, advertiser_id)
        task_id = str(get_str(params, "task_id", required=True)).strip().strip('"')
        with self._lock:
            task = self._tasks.get(task_id)
        if task is None or task.advertiser_id != advertiser_id:  # UNSURE: TikTok's wording
            raise param_error(f"task_id: Task {task_id} does not exist.")
        return task

    def check(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> dict[str, Any]:
        """Answer ``changelog/task/check/``: one more check of the task."""
        task = self._task(grant, authorize, params)
        with self._lock:
            if task.status == "PROCESSING":
                task.checks += 1
                if task.checks >= self.checks_to_finish:
                    task.status = "FAILED" if task.fail else "SUCCESS"
            return {"status": task.status}

    def download(self, grant: Grant, authorize: Authorize, params: Mapping[str, str]) -> dict[str, Any]:
        """Answer ``changelog/task/download/``: the status, and the log file once the task succeeded."""
        task = self._task(grant, authorize, params)
        if task.status != "SUCCESS":
            return {"status": task.status}
        file_data = render(self.world, task.entries, task.tz)
        # [JS-client]: the answer is the Python repr of the file dict, bytes literal and all
        changelog = repr({"file_data": file_data, "file_name": f"changelog_{task.task_id}.csv"})
        return {"status": "SUCCESS", "changelog": changelog}


def render(world: World, entries: list[LogEntry], tz: dt.tzinfo) -> bytes:
    """The log file: summary lines, a blank line, the header and one row per entry ([JS-client])."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    counts = {name: 0 for name in _SUMMARY}
    for entry in entries:
        if entry.summary is not None:
            counts[entry.summary] += 1
    for name in _SUMMARY:
        writer.writerow((name, counts[name]))
    writer.writerow(())
    writer.writerow(HEADER)
    app_id = world.credentials.app_id
    for entry in entries:
        e = entry.entity
        details: dict[str, Any] = {
            "action": "Create" if entry.operation == "CREATE" else "Change",
            "name": entry.detail,
        }
        if entry.operation == "DELETE":
            details["before_after"] = [{"before": "Paused", "after": "Deleted"}]
        elif entry.operation == "STATUS":
            off = e.disabled(entry.when)
            details["before_after"] = [
                {"before": "Enabled" if off else "Paused", "after": "Paused" if off else "Enabled"}
            ]
        writer.writerow(
            (
                entry.when.astimezone(tz).strftime(TIME_FORMAT),
                _LOG_TYPE[e.kind],
                e.entity_id,
                world.entity_name(e),
                "API user",
                "API",
                app_id,
                json.dumps([details]),
            )
        )
    return out.getvalue().encode("utf-8")


def _zone(name: Any, default: str) -> dt.tzinfo:
    if name is None or name == "":
        return zone(default)
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise param_error(f"timezone: Unknown time zone {name!r}.") from None


def _time(payload: Mapping[str, Any], name: str, tz: dt.tzinfo) -> dt.datetime | None:
    raw = payload.get(name)
    if raw is None or raw == "":
        return None
    try:
        local = dt.datetime.strptime(str(raw), TIME_FORMAT)
    except ValueError:
        raise param_error(f"{name}: Must be in the format YYYY-MM-DD HH:MM:SS, got {raw!r}.") from None
    return local.replace(tzinfo=tz).astimezone(UTC)


def _id_set(raw: Any) -> frozenset[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(i, (str, int)) for i in raw):
        raise param_error("object_ids: Not a valid list of ids.")
    return frozenset(str(i) for i in raw)


def _choices(raw: Any, name: str, allowed: tuple[str, ...]) -> frozenset[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or any(v not in allowed for v in raw):
        raise param_error(f"{name}: Must be a list of: {', '.join(allowed)}.")
    return frozenset(raw)

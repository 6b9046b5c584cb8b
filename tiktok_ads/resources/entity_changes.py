"""Changed campaigns, ad groups and ads of a large account from TikTok's change log, instead of its full lists.

TikTok's lists have no modified-since filter, so an incremental run of ``campaigns`` / ``adgroups`` / ``ads``
reads every object and keeps those whose ``modify_time`` reached the cursor. For a large account that is
``ceil(n / page_size)`` requests per table and buying-type group, every run. The change log
(``changelog/task/create/`` -> ``changelog/task/check/`` -> ``changelog/task/download/``, TikTok's "Change Log"
API; see :mod:`tiktok_ads.emulator.rules.api_changelog` for the sources) names each object created, edited, paused or
deleted in a time range (its ``Object ID`` and ``log_object_type``), so one round of about three requests per
advertiser, shared by its three tables, tells which ids to ask for; they are then read with the list
endpoints' id filters (``filtering.campaign_ids`` / ``adgroup_ids`` / ``ad_ids``, at most 100 ids a request),
first of the auction group, then, for the ids it did not answer, of the TopView group.

When (:func:`plan_changes`): an incremental run (a stored cursor, not a backfill) of an advertiser whose last
full list of the table held at least :data:`MIN_LIST_PAGES` pages (kept in the advertiser's resource state as
:data:`LISTED_KEY`), with its cursor at most :data:`MAX_CURSOR_AGE` old (a task spans at most 30 days). A small
account keeps its one list request per group; the first run of any account is a full list.

What is read is a superset of the full path's rows, filtered the same way (``modify_time >= cursor``), so the
table is identical:

- the log's window starts :data:`MARGIN` before the cursor (clock skew between a log entry and the object's
  ``modify_time``) and ends now; ``start_time``/``end_time`` are sent in the advertiser's time zone together
  with ``timezone``, TikTok's own name of that zone (``advertiser/info/``), so their reading does not depend on
  TikTok's default zone (not documented, UNSURE); the cursor moves as on the full path (the largest
  ``modify_time`` read);
- with ``include_deleted``, the deleted children of changed campaigns and ad groups are read too (by
  ``campaign_ids`` / ``adgroup_ids`` and ``primary_status = STATUS_DELETE``): deleting a parent deletes its
  children, and whether their deletion is logged is not documented (UNSURE); without ``include_deleted``
  deleted objects are not listed on either path.

A run whose changed ids would cost as many requests as the last full list (a bulk edit) reads the full list.

Fallback: any refused or failed round (an error answer, a ``FAILED`` task, no ``SUCCESS`` within
:data:`TASK_TIMEOUT_SECONDS`, a file that cannot be read) is a warning, and the table is read by its full lists;
the advertiser's other tables do not try again in this run. Auth and connection errors fail the run as usual.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dlt

from tiktok_ads.endpoints.extract import (
    RawPage,
    buying_type_pages,
    entity_pages,
    entity_params,
    top_view_campaign_pages,
)
from tiktok_ads.errors import (
    TikTokAPIError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokConnectionError,
)
from tiktok_ads.limits import BUYING_TYPE_ENDPOINTS, BUYING_TYPE_GROUPS
from tiktok_ads.resources.change_log_rounds import Round
from tiktok_ads.resources.cursors import AdvertiserCursor, partition_name
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.tables.records import EntityTable

logger = logging.getLogger("tiktok_ads")

MIN_LIST_PAGES = 6
"""Pages of an advertiser's last full list from which its table is read through the change log. A round costs
create + check(s) + download, 3-4 requests shared by the advertiser's tables, and the changed ids a request per
100 (plus one for those the auction group did not answer, asked of the TopView group): about 5 for a table alone
with a few changes, against at least one page per buying-type group of a full list; from 6 pages on the change
log costs less, and far less for larger accounts."""
LISTED_KEY = "listed_rows"
"""Resource-state key: the rows the advertiser's last full list of the table returned."""
MARGIN = dt.timedelta(hours=1)
MAX_SPAN = dt.timedelta(days=30)
MAX_CURSOR_AGE = MAX_SPAN - dt.timedelta(days=1)
"""A cursor this old is read by full lists: the log window (cursor - MARGIN .. now) must stay within 30 days."""
MAX_IDS = 100
"""Ids per ``filtering.*_ids`` of campaign/get, adgroup/get and ad/get (TikTok's docs; the emulator's rule)."""
FIRST_POLL_SECONDS = 0.5
MAX_POLL_SECONDS = 10.0
TASK_TIMEOUT_SECONDS = 300.0
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
KINDS = ("campaign", "adgroup", "ad")
_KIND_OF_ENDPOINT = {"campaign/get/": "campaign", "adgroup/get/": "adgroup", "ad/get/": "ad"}
#: log_object_type values of other objects (advertiser, lead forms): not ours
_OTHER_TYPES = frozenset({"advertiser", "account", "adaccount", "instantform", "form", "leadform"})
_SUMMARY_LINE = re.compile(r"^[^,]*,\s*\d+\s*$")
#: sleep between checks (tests replace it)
sleep: Callable[[float], None] = time.sleep


class ChangeLogError(TikTokAPIError):
    """A change log round that did not deliver (FAILED, not done in time, or an unreadable file)."""


@dataclasses.dataclass
class ChangePlan:
    """A table of one advertiser read through the change log (set up by :func:`plan_changes`).

    Attributes:
        kind: ``campaign``, ``adgroup`` or ``ad``.
        start: the log window's start (UTC).
        end: its end (UTC): now.
        list_pages: the requests of the last full list (its pages, and one of the TopView group).
        used: whether the log was read (False after a fallback to the full list).
    """

    kind: str
    start: dt.datetime
    end: dt.datetime
    list_pages: int
    used: bool = False


def _state(spec: EntityTable, advertiser_id: str) -> dict[str, Any]:
    resources = dlt.current.source_state().setdefault("resources", {})
    state: dict[str, Any] = resources.setdefault(partition_name(spec.name, advertiser_id), {})
    return state


def plan_changes(
    ctx: SourceContext, spec: EntityTable, cursor: AdvertiserCursor, since: dt.datetime | None
) -> ChangePlan | None:
    """Whether this run reads the table of ``cursor``'s advertiser through the change log (see the module).

    Args:
        ctx: the source context.
        spec: the entity table.
        cursor: the advertiser's cursor of the table.
        since: its stored value (None: a full read).

    Returns:
        The plan, or None for the full list.
    """
    kind = _KIND_OF_ENDPOINT.get(spec.endpoint)
    if kind is None or spec.endpoint not in BUYING_TYPE_ENDPOINTS or since is None or cursor.is_backfill:
        return None
    listed = _state(spec, cursor.advertiser_id).get(LISTED_KEY)
    size = min(ctx.config.page_size, spec.max_page_size)
    if not isinstance(listed, int) or math.ceil(listed / size) < MIN_LIST_PAGES:
        return None
    now = ctx.clock().astimezone(dt.timezone.utc)
    if now - since > MAX_CURSOR_AGE:
        logger.info(
            "tiktok_ads: %s of advertiser %s: cursor older than %s days, reading the full list",
            spec.name,
            cursor.advertiser_id,
            MAX_CURSOR_AGE.days,
        )
        return None
    return ChangePlan(kind, since - MARGIN, now, math.ceil(listed / size) + 1)


def settle(
    spec: EntityTable,
    cursor: AdvertiserCursor,
    plan: ChangePlan | None,
    newest: dt.datetime | None,
    listed: int,
) -> dt.datetime | None:
    """The cursor value to commit; after a full list of a table the change log may serve, its row count is kept.

    Args:
        spec: the entity table.
        cursor: the advertiser's cursor.
        plan: this run's plan (None: a full list).
        newest: the largest ``modify_time`` read (the stored cursor if none was larger).
        listed: rows the lists returned.

    Returns:
        ``newest``, as on the full path.
    """
    if plan is not None and plan.used:
        return newest
    if spec.endpoint in BUYING_TYPE_ENDPOINTS and not cursor.is_backfill:
        _state(spec, cursor.advertiser_id)[LISTED_KEY] = listed
    return newest


def pages(
    ctx: SourceContext,
    spec: EntityTable,
    advertiser_id: str,
    since: dt.datetime | None,
    plan: ChangePlan | None,
) -> Iterator[RawPage]:
    """The raw pages of the table for one advertiser: its changed objects (``plan``), or its full lists.

    Args:
        ctx: the source context.
        spec: the entity table.
        advertiser_id: the advertiser.
        since: the stored cursor (for the GMV Max lists, see ``entity_pages``).
        plan: the change log plan, None for the full lists.

    Yields:
        Raw pages.
    """
    cfg = ctx.config
    ids = None if plan is None else _changed_ids(ctx, advertiser_id, plan)
    full = entity_pages(
        ctx.client,
        spec,
        advertiser_id,
        include_deleted=cfg.include_deleted,
        page_size=cfg.page_size,
        since=since,
        top_view=ctx.top_view,
    )
    if plan is None or ids is None:
        yield from full
        return
    filters: list[tuple[str, set[str], dict[str, str]]] = [(plan.kind, ids[plan.kind], {})]
    if cfg.include_deleted:  # children deleted with a changed parent (see the module docstring)
        deleted = {"primary_status": "STATUS_DELETE"}
        filters += [(parent, ids[parent], deleted) for parent in KINDS[: KINDS.index(plan.kind)]]
    batches = sum(math.ceil(len(wanted) / MAX_IDS) for _, wanted, _ in filters)
    if batches >= plan.list_pages:  # a bulk edit: the ids would cost more requests than the list
        logger.info(
            "tiktok_ads: %s of advertiser %s: %d changed-id requests >= %d list pages, reading the full list",
            spec.name,
            advertiser_id,
            batches,
            plan.list_pages,
        )
        yield from full
        return
    plan.used = True
    seen: set[str] = set()
    for kind, wanted, extra in filters:
        for page in _id_pages(ctx, spec, advertiser_id, kind, wanted, extra):
            fresh = [row for row in page if str(row.get(spec.id_field)) not in seen]
            seen.update(str(row.get(spec.id_field)) for row in fresh)
            yield fresh


def _id_pages(
    ctx: SourceContext,
    spec: EntityTable,
    advertiser_id: str,
    kind: str,
    wanted: set[str],
    extra: Mapping[str, str],
) -> Iterator[RawPage]:
    """The objects of ``spec`` whose ``<kind>_id`` is one of ``wanted``, 100 ids a request, per buying-type group.

    The TopView group is asked only for the ids the auction group did not answer (an auction object is not a
    TopView one), and only when the advertiser has a TopView campaign (the run's shared TopView campaign list,
    :mod:`tiktok_ads.endpoints.top_view`, which also answers a TopView campaign itself): changes of auction objects cost
    one request per 100 ids.
    """
    cfg, client = ctx.config, ctx.client
    params = entity_params(spec, advertiser_id, include_deleted=cfg.include_deleted)
    size = min(cfg.page_size, spec.max_page_size)
    others, top_view_types = BUYING_TYPE_GROUPS
    # read first, as on the full path: its instant bounds the ad group / ad cursor (top_view.cursor_cap)
    campaigns = top_view_campaign_pages(ctx.top_view, client, params, size, advertiser_id)
    remaining = set(wanted)
    for group in (others, top_view_types):
        if group is top_view_types and spec.endpoint == "campaign/get/":
            yield [row for page in campaigns for row in page if str(row.get("campaign_id")) in remaining]
            return
        if group is top_view_types and not any(campaigns):
            return
        ordered = sorted(remaining)
        for i in range(0, len(ordered), MAX_IDS):
            with_ids = {
                **params,
                "filtering": {
                    **params.get("filtering", {}),
                    **extra,
                    f"{kind}_ids": ordered[i : i + MAX_IDS],
                },
            }
            for page in buying_type_pages(client, spec.endpoint, with_ids, group, size, advertiser_id):
                remaining.difference_update(str(row.get(f"{kind}_id")) for row in page)
                yield page


def _changed_ids(ctx: SourceContext, advertiser_id: str, plan: ChangePlan) -> dict[str, set[str]] | None:
    """The ids the log names in the plan's window, by kind; None after a failed round (warned once)."""
    rounds = ctx.change_logs
    with rounds.lock(advertiser_id):  # one round per advertiser at a time: its three tables share it
        got = rounds.get(advertiser_id)
        if got is not None and (got.ids is None or got.start <= plan.start):
            return got.ids
        start = plan.start if got is None else min(got.start, plan.start)
        try:
            ids = _round(ctx, advertiser_id, start, plan.end)
        except (TikTokAuthError, TikTokConnectionError):
            raise
        except TikTokAPIError as err:
            ctx.client.stats.count_warning("changelog_fallback")
            logger.warning(
                "tiktok_ads: the change log of advertiser %s did not deliver (%s); reading full lists",
                advertiser_id,
                err.message,
            )
            ids = None
        rounds.put(advertiser_id, Round(start, ids))
        return ids


def _round(
    ctx: SourceContext, advertiser_id: str, start: dt.datetime, end: dt.datetime
) -> dict[str, set[str]]:
    """Create a change log task for ``[start, end]`` (UTC), wait for it, download and read its file."""
    client = ctx.client
    name, tz = _zone(ctx, advertiser_id)
    body = {
        "advertiser_id": advertiser_id,
        "start_time": start.astimezone(tz).strftime(TIME_FORMAT),
        "end_time": end.astimezone(tz).strftime(TIME_FORMAT),
    }
    if name:
        body["timezone"] = name
    created = client.post(
        "changelog/task/create/", body, with_token=True, advertiser_id=advertiser_id, max_retries=1
    )
    task_id = str(created.get("task_id") or "")
    if not task_id:
        raise TikTokBadResponseError(f"changelog/task/create/ answered no task_id: {sorted(created)}", code=0)
    ids = {"advertiser_id": advertiser_id, "task_id": task_id}
    waited, delay = 0.0, FIRST_POLL_SECONDS
    while True:
        sleep(delay)
        waited += delay
        status = str(
            client.get("changelog/task/check/", ids, advertiser_id=advertiser_id).get("status") or ""
        )
        if status == "SUCCESS":
            break
        if status == "FAILED" or waited >= TASK_TIMEOUT_SECONDS:
            raise ChangeLogError(
                f"change log task {task_id} {status or 'pending'}", code=0, reason="task_failed"
            )
        delay = min(MAX_POLL_SECONDS, delay * 2)
    data = client.get("changelog/task/download/", ids, advertiser_id=advertiser_id)
    return parse_changelog(data)


def _zone(ctx: SourceContext, advertiser_id: str) -> tuple[str | None, dt.tzinfo]:
    """The advertiser's time zone (TikTok's name and the zone) for the log window; ``(None, UTC)`` when unknown."""
    adv = ctx.advertiser(advertiser_id)
    name = adv.timezone if adv is not None else None
    try:
        return (name, ZoneInfo(name)) if name else (None, dt.timezone.utc)
    except (ZoneInfoNotFoundError, ValueError):
        return None, dt.timezone.utc


def parse_changelog(data: Mapping[str, Any]) -> dict[str, set[str]]:
    """The object ids of a ``changelog/task/download/`` answer, by kind (``campaign``, ``adgroup``, ``ad``).

    ``data.changelog`` is a file dict ``{file_data, file_name}``, or (as production answers) its Python repr
    with ``file_data`` a bytes literal; the file is summary lines, then a header row with ``Object ID`` and
    ``log_object_type``, then one row per change. An object of a type not recognised is counted for every kind
    (asking for a foreign id costs a request, missing a change costs a row).

    Args:
        data: the answer's ``data``.

    Returns:
        Ids by kind.

    Raises:
        ChangeLogError: the answer holds no readable file.
    """
    if str(data.get("status") or "SUCCESS") != "SUCCESS":
        raise ChangeLogError(f"change log download answered status {data.get('status')}", code=0)
    text = _file_text(data.get("changelog"))
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if "Object ID" in line), None)
    out: dict[str, set[str]] = {kind: set() for kind in KINDS}
    if header_at is None:
        if all(not line.strip() or _SUMMARY_LINE.match(line) for line in lines):
            return out  # no entries (UNSURE whether an empty log has a header)
        raise ChangeLogError("change log file has no 'Object ID' column", code=0, reason="bad_changelog")
    rows = csv.reader(lines[header_at:])
    header = [cell.strip() for cell in next(rows)]
    id_at = header.index("Object ID")
    type_at = next(
        (header.index(n) for n in ("log_object_type", "Object type", "Object Type") if n in header), None
    )
    for row in rows:
        if len(row) <= id_at or not row[id_at].strip():
            continue
        object_id = row[id_at].strip()
        kind = (
            re.sub(r"[^a-z]", "", row[type_at].lower()) if type_at is not None and len(row) > type_at else ""
        )
        if kind in out:
            out[kind].add(object_id)
        elif kind not in _OTHER_TYPES:
            for ids in out.values():
                ids.add(object_id)
    return out


def _file_text(raw: Any) -> str:
    """The log file's text from ``data.changelog`` (a dict, its Python or JSON text, or the file itself)."""
    file: Any = raw
    if isinstance(raw, str) and raw.lstrip().startswith("{"):
        try:
            file = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            try:
                file = json.loads(raw)
            except ValueError:
                raise ChangeLogError(
                    "change log file is not readable", code=0, reason="bad_changelog"
                ) from None
    if isinstance(file, dict):
        file = file.get("file_data")
    if isinstance(file, bytes):
        return file.decode("utf-8-sig", errors="replace")
    if isinstance(file, str):
        return file.removeprefix("\ufeff")
    raise ChangeLogError("change log answer holds no file", code=0, reason="bad_changelog")

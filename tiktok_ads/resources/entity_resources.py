"""The bodies of the object tables' resources: entity lists (per advertiser with a cursor) and advertisers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tiktok_ads.endpoints.top_view import TOP_VIEW_CHILD_ENDPOINTS, capped_cursor
from tiktok_ads.endpoints.transform import transform_advertiser_row, transform_entity_rows
from tiktok_ads.errors import TikTokAPIError
from tiktok_ads.resources import entity_changes
from tiktok_ads.resources.cursors import AdvertiserCursor
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.resources.unit_runs import run_units
from tiktok_ads.tables.records import AdvertiserTable, EntityTable

Rows = list[dict[str, Any]]


@dataclass(eq=False)
class EntityUnit:
    """One advertiser's entity list, and the newest cursor value its pages held (set by the worker).

    Attributes:
        advertiser_id: the advertiser.
        since: keep rows whose cursor is at or after this (None: keep all).
        newest: the largest cursor value seen, ``since`` if none was larger.
        changes: read the changed objects of the change log (:mod:`.entity_changes`), None: the full lists.
        listed: rows the lists returned (before the cursor filter).
    """

    advertiser_id: str
    since: dt.datetime | None
    newest: dt.datetime | None = None
    changes: entity_changes.ChangePlan | None = None
    listed: int = 0


def _list_work(ctx: SourceContext, spec: EntityTable) -> Any:
    cursor = spec.cursor

    def work(unit: EntityUnit) -> Iterator[Rows]:
        adv_id = unit.advertiser_id
        try:
            for page in entity_changes.pages(ctx, spec, adv_id, unit.since, unit.changes):
                rows = transform_entity_rows(spec, adv_id, page)
                unit.listed += len(rows)
                if cursor is not None:
                    for row in rows:
                        if unit.newest is None or row[cursor] > unit.newest:
                            unit.newest = row[cursor]
                since = unit.since
                kept = rows if since is None or cursor is None else [r for r in rows if r[cursor] >= since]
                if kept:
                    ctx.summary.count(spec.name, adv_id, len(kept))
                    yield kept
            if cursor is not None and spec.endpoint in TOP_VIEW_CHILD_ENDPOINTS:
                # TopView children not listed: the cursor stays where a TopView campaign created since finds them
                unit.newest = capped_cursor(unit.newest, unit.since, ctx.top_view.cursor_cap(adv_id))
        except TikTokAPIError as err:
            err.add_context(table=spec.name)
            raise

    return work


def entity_partition(
    ctx: SourceContext, spec: EntityTable, advertiser_id: str, cursor: AdvertiserCursor
) -> Iterator[Any]:
    """One advertiser's campaigns / ad groups / ads (or other listed objects) changed since its cursor.

    TikTok has no modified-since filter for campaigns and ad groups, so every run reads everything and
    keeps rows whose cursor (``modify_time``; ``update_time`` for custom audiences) is ``>=`` the largest value
    seen before (``>=``: a change in the same second is not lost; the merge on the key makes the repeated row a
    no-op). A backfill keeps every row and leaves the cursor alone.

    Args:
        ctx: the source context.
        spec: the entity table.
        advertiser_id: the advertiser.
        cursor: its cursor of the table.

    Yields:
        Lists of typed rows.
    """
    if ctx.advertiser(advertiser_id) is None:  # left out: the token may not read it
        return
    since = cursor.stored(ctx)
    unit = EntityUnit(advertiser_id, since, since, entity_changes.plan_changes(ctx, spec, cursor, since))
    skipped: set[str] = set()
    yield from run_units(ctx, spec, [unit], _list_work(ctx, spec), skipped=skipped)
    if not skipped:
        cursor.commit(entity_changes.settle(spec, cursor, unit.changes, unit.newest, unit.listed), ctx)


def listed_rows(ctx: SourceContext, spec: EntityTable) -> Iterator[Any]:
    """A list table without cursor (``pixels`` ...): every object of every advertiser, every run.

    Args:
        ctx: the source context.
        spec: the table.

    Yields:
        Lists of typed rows.
    """
    units = [EntityUnit(advertiser.advertiser_id, None) for advertiser in ctx.advertisers()]
    yield from run_units(ctx, spec, units, _list_work(ctx, spec), skipped=set())


def advertiser_rows(ctx: SourceContext, spec: AdvertiserTable) -> Iterator[Any]:
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

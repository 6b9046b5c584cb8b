"""The resource factory: a table spec becomes ``dlt.resource`` s - one per advertiser for a table with a cursor.

A table with a cursor (every daily and hourly report, campaigns, ad groups, ads and the other lists with a
``modify_time``) gets one resource per advertiser, named ``<table>__<advertiser_id>``, all with the table's
``table_name`` and hints, each with its own ``dlt.sources.incremental`` (:mod:`.cursors`): an advertiser added
later loads its history from ``start_date``, one that fails or is skipped keeps its cursor, and one removed
from the settings keeps its rows and state. Lifetime reports (no time dimension) are kept per advertiser too,
without cursor. Tables read whole every run (``advertisers``, ``pixels``, the Business Center and Spark Ads
tables) get one resource.

Pick a table's resources by table name with :func:`select_tables` (or the ``tables`` setting).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import dlt
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from tiktok_ads.resources.business_center import bc_partition, bc_rows, business_center_ids
from tiktok_ads.resources.cursors import AdvertiserCursor, make_incremental, partition_name
from tiktok_ads.resources.day_markers import DAY_MARKER_COLUMN, DAY_MARKER_HINT
from tiktok_ads.resources.entity_resources import advertiser_rows, entity_partition, listed_rows
from tiktok_ads.resources.report_resources import SharedReports, empty_report_table, report_partition
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.resources.spark_ads import spark_post_rows
from tiktok_ads.tables.records import TableSpec

Body = Callable[[SourceContext, Any], Iterator[Any]]  # each takes the record of its kind


_TABLE_BODIES: dict[str, Body] = {
    "entity": listed_rows,
    "advertiser": advertiser_rows,
    "business_center": bc_rows,
    "spark_posts": spark_post_rows,
}
"""Bodies of the tables read whole every run, for all advertisers in one resource."""


def is_partitioned(spec: TableSpec) -> bool:
    """Whether ``spec`` gets one resource per advertiser (reports, entity lists with a cursor) or per
    Business Center (its transactions)."""
    return spec.kind == "report" or (spec.kind in ("entity", "business_center") and spec.cursor is not None)


_PARTITION_BODIES: dict[str, Callable[..., Iterator[Any]]] = {
    "report": report_partition,
    "entity": entity_partition,
    "business_center": bc_partition,
}
"""Bodies of one advertiser's (one Business Center's) resource of a table with a cursor."""


def _hints(spec: TableSpec) -> dict[str, Any]:
    """The table's dlt hints: merge on its key, pinned columns; reports also replace re-read days whole.

    Report tables have ``merge_key = (advertiser_id, stat_time_day)`` (``spec.merge_key``; lifetime tables
    ``advertiser_id`` alone): dlt's delete-insert then deletes *every* stored row of each (advertiser, day) the
    run read before inserting the new rows, so a re-read day is replaced whole (``day_markers`` covers days that
    come back empty); a lifetime run replaces each advertiser's rows. Without it, a row that TikTok no longer
    returns for a re-read day (an ad deleted since the last run, with ``include_deleted = false``) would stay
    in the table and the day's totals would not match TikTok's. Report pages are Arrow tables whose schema is
    the pinned one, so their types cannot drift; entity tables evolve freely (TikTok adds fields over time).
    """
    columns = spec.column_hints()
    merge_key: Any = None
    if spec.kind == "report":
        columns = {**columns, DAY_MARKER_COLUMN: {"name": DAY_MARKER_COLUMN, **DAY_MARKER_HINT}}
        merge_key = list(spec.merge_key)
    return {
        "table_name": spec.name,
        "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
        "primary_key": list(spec.primary_key),
        "merge_key": merge_key,
        "columns": columns,
    }


def _shared(spec: TableSpec, ctx: SourceContext) -> SharedReports | None:
    """The table's shared report requests (``share_report_requests``, report tables), one per table."""
    if spec.kind != "report" or not ctx.config.share_report_requests:
        return None
    if spec.name not in ctx.shared_reports:
        ctx.shared_reports[spec.name] = SharedReports(ctx, spec)
    shared: SharedReports = ctx.shared_reports[spec.name]
    return shared


def _schema_item(spec: TableSpec) -> Any:
    """What a table's first resource yields first, so the table exists with its pinned columns even if no
    row ever arrives: an empty Arrow table for reports (their pages are Arrow), dlt's marker otherwise."""
    if spec.kind == "report":
        return empty_report_table(spec)
    return dlt.mark.materialize_table_schema()


def _rows(
    body: Callable[..., Iterator[Any]],
    ctx: SourceContext,
    spec: TableSpec,
    advertiser_id: str,
    incremental: Any,
    *,
    first: bool,
    **options: Any,
) -> Iterator[Any]:
    if first:
        yield _schema_item(spec)
    # the cursor is made when the body starts, once dlt has bound the incremental (binding resets advance)
    cursor = AdvertiserCursor(spec, advertiser_id, incremental) if incremental is not None else None
    yield from body(ctx, spec, advertiser_id, cursor, **options)


def _partition(spec: TableSpec, ctx: SourceContext, advertiser_id: str, *, first: bool) -> DltResource:
    body = _PARTITION_BODIES[spec.kind]
    incremental = make_incremental(spec, ctx)
    shared = _shared(spec, ctx)
    extra: dict[str, Any] = {"shared": shared} if shared is not None else {}

    # Plain functions returning the rows: dlt calls every resource's before it iterates any, so a table's
    # shared requests know all of its advertisers' incrementals (bound by then) when the first body reads.
    if incremental is None:  # lifetime reports: read whole every run

        def whole() -> Iterator[Any]:
            if shared is not None:
                shared.register(advertiser_id, None)
            return _rows(body, ctx, spec, advertiser_id, None, first=first, **extra)

        rows: Callable[..., Iterator[Any]] = whole
    else:

        def incremental_rows(cursor: Any = incremental) -> Iterator[Any]:
            if shared is not None:
                shared.register(advertiser_id, cursor)
            return _rows(body, ctx, spec, advertiser_id, cursor, first=first, **extra)

        rows = incremental_rows
    name = partition_name(spec.name, advertiser_id)
    rows.__name__ = name
    rows.__doc__ = f"{spec.description} (advertiser {advertiser_id})"
    # also as the resource's hint, so resource.incremental shows it before a run (and apply_hints replaces it)
    return dlt.resource(rows, name=name, incremental=incremental, **_hints(spec))()


def _whole_table(spec: TableSpec, ctx: SourceContext) -> DltResource:
    body = _TABLE_BODIES[spec.kind]

    def rows() -> Iterator[Any]:
        yield _schema_item(spec)
        yield from body(ctx, spec)

    rows.__name__ = spec.name
    rows.__doc__ = spec.description
    return dlt.resource(rows, name=spec.name, **_hints(spec))()


def _empty_table(spec: TableSpec) -> DltResource:
    def rows() -> Iterator[Any]:
        yield _schema_item(spec)

    rows.__name__ = spec.name
    return dlt.resource(rows, name=spec.name, **_hints(spec))()


def make_resources(spec: TableSpec, ctx: SourceContext, advertiser_ids: Sequence[str]) -> list[DltResource]:
    """Turn a table spec into its resources: one per advertiser, or one for the whole table.

    Args:
        spec: the table.
        ctx: the shared source context.
        advertiser_ids: the run's advertisers (configured or discovered).

    Returns:
        The resources, all loading into ``spec.name``.
    """
    if not is_partitioned(spec):
        return [_whole_table(spec, ctx)]
    if spec.kind == "business_center":
        advertiser_ids = business_center_ids(ctx)  # bc_ids, or one bc/get/ lookup
    if not advertiser_ids:  # nothing to read, but the table exists with its pinned columns
        return [_empty_table(spec)]
    return [_partition(spec, ctx, adv_id, first=i == 0) for i, adv_id in enumerate(advertiser_ids)]


def select_tables(source: DltSource, *tables: str) -> DltSource:
    """Keep only the resources that load into ``tables`` (every advertiser's), as ``with_resources`` does.

    Example::

        source = select_tables(tiktok_ads(), "ad_insights", "ads")

    Args:
        source: a ``tiktok_ads`` source.
        tables: table names.

    Returns:
        The source with only those tables' resources selected.
    """
    wanted = set(tables)
    names = [name for name, resource in source.resources.items() if resource.table_name in wanted]
    return source.with_resources(*names)

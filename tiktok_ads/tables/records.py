"""The record of each kind of table: :class:`AdvertiserTable`, :class:`EntityTable` (list endpoints),
:class:`ReportTable`, :class:`BusinessCenterTable`, :class:`SparkPostsTable` (:data:`TableSpec` is their
union; ``spec.kind`` tells them apart), and :func:`report_spec`, the factory of report records (the
registry's and the generated grid's, ``tiktok_ads.tables.report_grid``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Literal

from dlt.common.schema.typing import TColumnSchema, TTableSchemaColumns

from tiktok_ads.limits import MAX_HOURLY_WINDOW_DAYS, MAX_PAGE_SIZE, MAX_REPORT_WINDOW_DAYS
from tiktok_ads.tables.columns import DAY_COLUMN, METRIC_TYPES, STATUS_FIELD_BY_DATA_LEVEL, Granularity
from tiktok_ads.tables.metric_catalogue import (
    DIMENSIONS,
    METRICS,
)
from tiktok_ads.tables.metric_types import column_hint as _col
from tiktok_ads.tables.metric_types import metric_hint


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Table:
    """What every destination table has, whatever its kind (the base of the records below).

    Attributes:
        name: destination table (and dlt resource) name.
        endpoint: API path below ``/open_api/v1.3/``, with the trailing slash.
        primary_key: merge key columns, exactly as the seed connector's.
        columns: dlt column hints (pinned types).
        description: table description stored in the dlt schema.
        opt_in: not loaded unless named in the ``tables`` setting (not in :data:`DEFAULT_TABLES`).
    """

    name: str
    endpoint: str
    primary_key: tuple[str, ...]
    columns: Mapping[str, TColumnSchema] = dataclasses.field(compare=False, repr=False)
    description: str = ""
    opt_in: bool = False

    def column_hints(self) -> TTableSchemaColumns:
        """A fresh, mutable copy of the column hints (dlt mutates what it is given)."""
        return {name: dict(hint) for name, hint in self.columns.items()}  # type: ignore[misc]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdvertiserTable(_Table):
    """The ``advertisers`` table (``advertiser/info/``, the configured advertisers, every run).

    Attributes:
        cursor: the replication key column (``create_time``).
        id_field: the advertiser's id column.
    """

    kind: ClassVar[Literal["advertiser"]] = "advertiser"
    cursor: str | None
    id_field: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class EntityTable(_Table):
    """An object table read per advertiser from a list endpoint (``campaign/get/``, ``pixel/list/`` ...).

    Attributes:
        cursor: the modification-time column, filtered per advertiser; None when the endpoint gives none
            (every row is read and merged on the key every run).
        id_field: the object's own id column, e.g. ``campaign_id``.
        list_key: where ``data`` holds the rows (``list``; ``pixels`` for ``pixel/list/``).
        max_page_size: the endpoint's largest ``page_size`` (the ``page_size`` setting is capped to it).
        status_filtering: ``include_deleted`` sends ``filtering.primary_status = STATUS_ALL`` (campaigns,
            ad groups, ads); False for endpoints without that filter.
        paged: False for an endpoint without ``page``/``page_size`` that answers its whole list at once
            (``app/list/``).
    """

    kind: ClassVar[Literal["entity"]] = "entity"
    cursor: str | None
    id_field: str
    list_key: str = "list"
    max_page_size: int = MAX_PAGE_SIZE
    status_filtering: bool = True
    paged: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportTable(_Table):
    """A report table, read per advertiser and date window (``report/integrated/get/``, GMV Max, Smart+).

    Attributes:
        report_type: ``BASIC`` or ``AUDIENCE`` (None for the GMV Max and Smart+ report endpoints).
        data_level: ``AUCTION_AD`` / ``AUCTION_CAMPAIGN`` ... (None as report_type).
        dimensions: report dimensions, in request order.
        metrics: report metrics, in request order.
        granularity: ``daily`` (``stat_time_day``), ``hourly`` (``stat_time_hour``) or ``lifetime``
            (``query_lifetime``, no time dimension).
        window_days: most days one request may span (30 daily, 1 hourly); None: the whole range is one
            request (lifetime reports ignore dates).
        day_column: the column whose (advertiser, day) pairs a run replaces whole (the merge key with
            ``advertiser_id``); None: a run replaces all of an advertiser's rows (lifetime).
        filters: extra ``filtering`` entries sent with every request (custom reports), as TikTok takes them.
        max_page_size: the endpoint's largest ``page_size``.
    """

    kind: ClassVar[Literal["report"]] = "report"
    report_type: str | None = None
    data_level: str | None = None
    dimensions: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    granularity: Granularity = "daily"
    window_days: int | None = MAX_REPORT_WINDOW_DAYS
    day_column: str | None = DAY_COLUMN
    filters: tuple[Mapping[str, str], ...] = dataclasses.field(default=(), compare=False)
    max_page_size: int = MAX_PAGE_SIZE

    @property
    def cursor(self) -> str | None:
        """The time dimension runs start again from: ``stat_time_hour`` (hourly), the day column (daily), or
        None (lifetime: read whole every run)."""
        if self.granularity == "hourly":
            return "stat_time_hour"
        return None if self.lifetime else self.day_column

    @property
    def status_filter_field(self) -> str | None:
        """The level's ``*_status`` report filter field (``ad_status`` at AUCTION_AD), or None."""
        if (
            self.data_level is None or self.report_type == "TT_SHOP"
        ):  # TT_SHOP takes no filtering ([TTD-sync])
            return None
        return STATUS_FIELD_BY_DATA_LEVEL.get(self.data_level)

    @property
    def metric_columns(self) -> tuple[str, ...]:
        """Report metrics that are numeric (not attributes), for sums and checks."""
        return tuple(m for m in self.metrics if METRIC_TYPES.get(m) in ("bigint", "decimal"))

    @property
    def lifetime(self) -> bool:
        """Whether this is a lifetime report (``query_lifetime``: one row per object, no time dimension)."""
        return self.granularity == "lifetime"

    @property
    def merge_key(self) -> tuple[str, ...]:
        """What a run replaces whole: ``(advertiser_id, day)`` pairs, or (lifetime) whole advertisers."""
        return ("advertiser_id", self.day_column) if self.day_column else ("advertiser_id",)

    @property
    def hour_column(self) -> str | None:
        """``stat_time_hour`` in hourly reports (the day column is derived from it), else None."""
        return "stat_time_hour" if "stat_time_hour" in self.dimensions else None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BusinessCenterTable(_Table):
    """A Business Center table, read per BC (not per advertiser) by :mod:`tiktok_ads.resources.business_center`.

    Attributes:
        cursor: the date column a run re-reads from (transactions), or None (read whole every run).
        list_key: where ``data`` holds the rows.
        max_page_size: the endpoint's largest ``page_size``.
    """

    kind: ClassVar[Literal["business_center"]] = "business_center"
    cursor: str | None
    list_key: str = "list"
    max_page_size: int = MAX_PAGE_SIZE


@dataclasses.dataclass(frozen=True, kw_only=True)
class SparkPostsTable(_Table):
    """The posts Spark Ads run (:mod:`tiktok_ads.resources.spark_ads`: ``ad/get/`` fields, then ``identity/video/info/``),
    read whole every run.

    Attributes:
        id_field: the post's id column (``item_id``).
    """

    kind: ClassVar[Literal["spark_posts"]] = "spark_posts"
    cursor: ClassVar[None] = None
    id_field: str


TableSpec = AdvertiserTable | EntityTable | ReportTable | BusinessCenterTable | SparkPostsTable
"""Any table's record; ``spec.kind`` tells which (and narrows the type): ``"advertiser"``, ``"entity"``,
``"report"``, ``"business_center"`` or ``"spark_posts"``. Every record has ``name``, ``endpoint``,
``primary_key``, ``columns``, ``description``, ``opt_in``, ``cursor`` and :meth:`column_hints`."""

TableKind = Literal["advertiser", "entity", "report", "business_center", "spark_posts"]
"""The values of ``TableSpec.kind``."""


def _dimension_hint(name: str) -> TColumnSchema:
    info = DIMENSIONS[name]
    hint = _col(info.column_type, info.description or None)
    if info.wall_clock:
        hint["timezone"] = False
    return hint


def _report_columns(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> TTableSchemaColumns:
    """Column hints of a flattened report table: advertiser_id, dimensions, then metrics.

    An hourly report (``stat_time_hour``) also gets ``stat_time_day``, the hour's day, which it is replaced by.

    Args:
        dimensions: the report's dimensions.
        metrics: the report's metrics.

    Returns:
        dlt column hints.
    """
    cols: TTableSchemaColumns = {"advertiser_id": _col("text", "Added by the source to every row")}
    for dim in dimensions:
        if dim != "advertiser_id":
            cols[dim] = _dimension_hint(dim)
    if "stat_time_hour" in dimensions:
        cols[DAY_COLUMN] = _col("date", "The hour's day in the advertiser's time zone (added by the source)")
    for metric in metrics:
        cols.setdefault(metric, metric_hint(METRICS[metric].kind))  # sized decimals: see metric_types.py
    return cols


def report_spec(
    name: str,
    report_type: str,
    data_level: str,
    dimensions: tuple[str, ...],
    metrics: tuple[str, ...],
    *,
    primary_key: tuple[str, ...] | None = None,
    lifetime: bool = False,
    filters: tuple[Mapping[str, str], ...] = (),
    description: str = "",
) -> ReportTable:
    """The spec of a report table; its granularity, windows, merge key and cursor follow from its dimensions.

    - ``stat_time_day``: daily, 30-day requests, replaced per (advertiser, day), cursor ``stat_time_day``.
    - ``stat_time_hour``: hourly, one-day requests, rows carry ``stat_time_day`` too and are replaced per
      (advertiser, day); cursor ``stat_time_hour``.
    - ``lifetime``: one request per advertiser (``query_lifetime``), every run replaces all of the advertiser's
      rows; no cursor.

    Args:
        name: table name.
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: ``AUCTION_ADVERTISER`` ... ``AUCTION_AD``.
        dimensions: the requested dimensions, in request order.
        metrics: the requested metrics, in request order.
        primary_key: the key; default ``advertiser_id`` and every dimension.
        lifetime: a ``query_lifetime`` report (``dimensions`` then has no time dimension).
        filters: extra ``filtering`` entries.
        description: table description.

    Returns:
        The spec.
    """
    granularity, window, day_column = _timing(dimensions, lifetime=lifetime)
    return ReportTable(
        name=name,
        endpoint="report/integrated/get/",
        primary_key=primary_key or tuple(dict.fromkeys(("advertiser_id", *dimensions))),
        columns=MappingProxyType(_report_columns(dimensions, metrics)),
        description=description,
        report_type=report_type,
        data_level=data_level,
        dimensions=dimensions,
        metrics=metrics,
        granularity=granularity,
        window_days=window,
        day_column=day_column,
        filters=filters,
    )


def _timing(dimensions: tuple[str, ...], *, lifetime: bool) -> tuple[Granularity, int | None, str | None]:
    """A report's ``(granularity, window_days, day_column)``: lifetime (one request, no day), hourly
    (``stat_time_hour``: one-day requests, rows get the hour's day) or daily (30-day requests)."""
    if lifetime:
        return "lifetime", None, None
    if "stat_time_hour" in dimensions:
        return "hourly", MAX_HOURLY_WINDOW_DAYS, DAY_COLUMN
    return "daily", MAX_REPORT_WINDOW_DAYS, DAY_COLUMN

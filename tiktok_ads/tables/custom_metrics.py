"""Choosing the metrics of report tables: the ``metrics`` setting.

Each report table requests a pinned metric list (``registry.TABLES[name].metrics``). The ``metrics``
setting replaces it per table, with any metric of the source's catalogue (:data:`~tiktok_ads.tables.columns.METRIC_TYPES`,
which also gives each column its type)::

    tiktok_ads(metrics={"ad_insights": ["spend", "impressions", "clicks", "conversion"]})

    # .dlt/config.toml
    [sources.tiktok_ads.metrics]
    ad_insights = ["spend", "impressions", "clicks", "conversion"]

To add or remove a few, start from the default list: ``[*TABLES["ad_insights"].metrics, "engaged_view"]``.
``"all"`` instead of a list requests every metric TikTok allows at the table's data level and report type
(:func:`~tiktok_ads.tables.metric_catalogue.all_metrics`); ``metrics = "all"`` does so for every report table.
Metrics that are part of a table's primary key (``campaign_id`` and ``adgroup_id`` are metrics of ad-level
reports) are always requested. Unknown metrics, metrics TikTok refuses in AUDIENCE reports or at the table's
data level (the catalogue, ``tiktok_ads.tables.metric_catalogue``) and tables that are not reports stop the run
before any request, naming the setting. Every report table takes it, the grid's and custom reports too.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from tiktok_ads.errors import ConfigError
from tiktok_ads.tables.metric_catalogue import all_metrics, metric_problems
from tiktok_ads.tables.records import ReportTable, TableSpec, _report_columns
from tiktok_ads.tables.report_grid import ALL_TABLES

SETTING = "sources.tiktok_ads.metrics"


ALL = "all"
"""The value that requests every metric TikTok allows in the table's report."""


def _takes_metrics(spec: TableSpec) -> bool:
    """Whether the ``metrics`` setting applies to ``spec``: a BASIC or AUDIENCE ``report/integrated/get/`` table
    (TT_SHOP's metrics are a closed list of two, checked by no catalogue here)."""
    return (
        spec.kind == "report"
        and spec.endpoint == "report/integrated/get/"
        and spec.report_type in ("BASIC", "AUDIENCE")
    )


def _metric_list(spec: ReportTable, value: Any) -> list[str]:
    table = spec.name
    if isinstance(value, str) and value.strip().lower() == ALL:
        return list(all_metrics(str(spec.report_type), str(spec.data_level)))
    if isinstance(value, str):
        value = [m for m in value.replace(" ", "").split(",") if m]
    if not isinstance(value, Sequence) or not all(isinstance(m, str) for m in value):
        raise ConfigError(f"{SETTING}.{table}", f"expected a list of metric names, got {value!r}")
    return list(dict.fromkeys(value))


def with_metrics(spec: TableSpec, metrics: Sequence[str]) -> ReportTable:
    """``spec`` requesting ``metrics`` instead of its default list, with its columns re-pinned.

    Args:
        spec: a report table.
        metrics: the metric names (key metrics are added when missing).

    Returns:
        A new :class:`~tiktok_ads.tables.records.ReportTable`.

    Raises:
        ConfigError: not a report table, an unknown metric, or one TikTok refuses in this report.
    """
    if spec.kind != "report":
        raise ConfigError(SETTING, f"{spec.name} is not a report table (metrics apply to report tables)")
    if not _takes_metrics(spec):
        # the GMV Max and Smart+ creative reports have metric catalogues of their own, not checked here
        raise ConfigError(
            f"{SETTING}.{spec.name}",
            f"the metrics of {spec.name} ({spec.endpoint}) are fixed: {', '.join(spec.metrics)}",
        )
    wanted = list(dict.fromkeys([*(m for m in spec.metrics if m in spec.primary_key), *metrics]))
    problems = metric_problems(
        str(spec.report_type), str(spec.data_level), wanted, dimensions=spec.dimensions
    )
    if problems:
        raise ConfigError(f"{SETTING}.{spec.name}", "; ".join(problems))
    metrics_tuple = tuple(wanted)
    return dataclasses.replace(
        spec,
        metrics=metrics_tuple,
        columns=MappingProxyType(_report_columns(spec.dimensions, metrics_tuple)),
    )


def table_specs(
    metrics: Mapping[str, Any] | str | None, registry: Mapping[str, TableSpec] | None = None
) -> Mapping[str, TableSpec]:
    """The table registry with the ``metrics`` setting applied.

    Args:
        metrics: ``{table: [metric, ...] or "all"}`` (or its JSON text, as an environment variable holds it),
            ``"all"`` for every report table, or None.
        registry: the tables (default :data:`~tiktok_ads.tables.report_grid.ALL_TABLES`; the source adds its custom
            reports).

    Returns:
        The registry with the chosen tables' specs replaced.

    Raises:
        ConfigError: a malformed setting, an unknown table or metric.
    """
    tables = ALL_TABLES if registry is None else registry
    if not metrics:
        return tables
    if isinstance(metrics, str) and metrics.strip().lower() == ALL:
        # the integrated reports; the GMV Max and Smart+ reports have fixed metric lists of their own
        metrics = {name: ALL for name, spec in tables.items() if _takes_metrics(spec)}
    if isinstance(metrics, str):
        try:
            metrics = json.loads(metrics)
        except ValueError as err:
            raise ConfigError(SETTING, f"not a JSON object of table -> metric list ({err})") from None
    if not isinstance(metrics, Mapping):
        raise ConfigError(
            SETTING, f"expected a mapping of table -> metric list, got {type(metrics).__name__}"
        )
    specs = dict(tables)
    for table, value in metrics.items():
        if table not in tables:
            reports = ", ".join(n for n, s in tables.items() if s.kind == "report")
            raise ConfigError(SETTING, f"unknown table {table!r}; report tables: {reports}")
        spec = tables[table]
        if spec.kind != "report":
            raise ConfigError(SETTING, f"{table} is not a report table (metrics apply to report tables)")
        specs[table] = with_metrics(spec, _metric_list(spec, value))
    return MappingProxyType(specs)

"""Choosing the metrics of report tables: the ``metrics`` setting.

Each report table requests a pinned metric list (``settings.TABLES[name].metrics``). The ``metrics``
setting replaces it per table, with any metric of the source's catalogue (:data:`~tiktok_ads.settings.METRIC_TYPES`,
which also gives each column its type)::

    tiktok_ads(metrics={"ad_insights": ["spend", "impressions", "clicks", "conversion"]})

    # .dlt/config.toml
    [sources.tiktok_ads.metrics]
    ad_insights = ["spend", "impressions", "clicks", "conversion"]

To add or remove a few, start from the default list: ``[*TABLES["ad_insights"].metrics, "engaged_view"]``.
Metrics that are part of a table's primary key (``campaign_id`` and ``adgroup_id`` are metrics of ad-level
reports) are always requested. Unknown metrics, metrics TikTok refuses in AUDIENCE reports and tables that
are not reports stop the run before any request, naming the setting.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .settings import AUDIENCE_FORBIDDEN_METRICS, METRIC_TYPES, TABLES, TableSpec, _report_columns

SETTING = "sources.tiktok_ads.metrics"


def _metric_list(table: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [m for m in value.replace(" ", "").split(",") if m]
    if not isinstance(value, Sequence) or not all(isinstance(m, str) for m in value):
        raise ConfigError(f"{SETTING}.{table}", f"expected a list of metric names, got {value!r}")
    return list(dict.fromkeys(value))


def with_metrics(spec: TableSpec, metrics: Sequence[str]) -> TableSpec:
    """``spec`` requesting ``metrics`` instead of its default list, with its columns re-pinned.

    Args:
        spec: a report table.
        metrics: the metric names (key metrics are added when missing).

    Returns:
        A new :class:`TableSpec`.

    Raises:
        ConfigError: not a report table, an unknown metric, or one TikTok refuses in AUDIENCE reports.
    """
    if spec.kind != "report":
        raise ConfigError(SETTING, f"{spec.name} is not a report table (metrics apply to report tables)")
    wanted = list(dict.fromkeys([*(m for m in spec.metrics if m in spec.primary_key), *metrics]))
    unknown = [m for m in wanted if m not in METRIC_TYPES]
    if unknown:
        raise ConfigError(
            f"{SETTING}.{spec.name}",
            f"unknown metric(s) {', '.join(unknown)}; known: {', '.join(sorted(METRIC_TYPES))}",
        )
    if spec.report_type == "AUDIENCE":
        refused = [m for m in wanted if m in AUDIENCE_FORBIDDEN_METRICS]
        if refused:
            raise ConfigError(
                f"{SETTING}.{spec.name}", f"TikTok refuses {', '.join(refused)} in AUDIENCE reports"
            )
    metrics_tuple = tuple(wanted)
    return dataclasses.replace(
        spec,
        metrics=metrics_tuple,
        columns=MappingProxyType(_report_columns(spec.dimensions, metrics_tuple)),
    )


def table_specs(metrics: Mapping[str, Any] | str | None) -> Mapping[str, TableSpec]:
    """The table registry with the ``metrics`` setting applied.

    Args:
        metrics: ``{table: [metric, ...]}`` (or its JSON text, as an environment variable holds it), or None.

    Returns:
        :data:`~tiktok_ads.settings.TABLES` with the chosen tables' specs replaced.

    Raises:
        ConfigError: a malformed setting, an unknown table or metric.
    """
    if not metrics:
        return TABLES
    if isinstance(metrics, str):
        try:
            metrics = json.loads(metrics)
        except ValueError as err:
            raise ConfigError(SETTING, f"not a JSON object of table -> metric list ({err})") from None
    if not isinstance(metrics, Mapping):
        raise ConfigError(
            SETTING, f"expected a mapping of table -> metric list, got {type(metrics).__name__}"
        )
    specs = dict(TABLES)
    for table, value in metrics.items():
        if table not in TABLES:
            reports = ", ".join(n for n, s in TABLES.items() if s.kind == "report")
            raise ConfigError(SETTING, f"unknown table {table!r}; report tables: {reports}")
        specs[table] = with_metrics(TABLES[table], _metric_list(table, value))
    return MappingProxyType(specs)

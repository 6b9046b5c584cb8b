"""Helpers of the ``test_behaviour_*`` tests: run the real source through dlt into duckdb against the emulator,
and compare what landed with the emulator's truth (``tiktok_ads.emulator.truth``), row for row.

Comparisons return a list of differences (empty = equal) instead of asserting, so a test can also show that
a control run *does* differ from the truth.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt

from tiktok_ads import TABLES, RunSummary, TableSpec, tiktok_ads
from tiktok_ads.cursors import advertiser_cursors
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator import truth as T


def make_pipeline(tmp_path: Path, name: str = "tiktok_ads_behaviour") -> dlt.Pipeline:
    """A duckdb pipeline in ``tmp_path`` (its own pipelines dir, so no state is shared between tests)."""
    return dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(tmp_path / f"pipelines_{name}"),
        destination=dlt.destinations.duckdb(str(tmp_path / f"{name}.duckdb")),
        dataset_name="tiktok",
    )


def run(
    pipeline: dlt.Pipeline,
    server: EmulatorServer,
    *,
    start_date: dt.date,
    summary: RunSummary | None = None,
    access_token: str | None = None,
    **settings: Any,
) -> RunSummary:
    """One pipeline run of the real source against ``server``, on the emulator's clock; returns its summary."""
    summary = summary if summary is not None else RunSummary()
    settings.setdefault("advertiser_ids", server.advertiser_ids)
    settings.setdefault("clock", lambda: server.world.now)
    source = tiktok_ads(
        access_token=access_token or server.access_token,
        base_url=server.base_url,
        start_date=start_date.isoformat(),
        max_qps=0,
        retry_backoff_seconds=0.01,
        summary=summary,
        **settings,
    )
    info = pipeline.run(source, loader_file_format="parquet")
    assert not info.has_failed_jobs
    return summary


def rows(pipeline: dlt.Pipeline, table: str, where: str = "") -> list[dict[str, Any]]:
    """Every row of a destination table (optionally filtered by a SQL ``where`` clause) as dicts."""
    sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "")
    with pipeline.sql_client() as client, client.execute_query(sql) as cur:
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def scalar(pipeline: dlt.Pipeline, sql: str) -> Any:
    """The first column of the first row of a query."""
    with pipeline.sql_client() as client:
        result = client.execute_sql(sql)
    return result[0][0] if result else None


def report_truth(
    server: EmulatorServer,
    spec: TableSpec,
    *,
    start_date: dt.date,
    include_deleted: bool,
    advertiser_ids: Sequence[str] | None = None,
    end_date: dt.date | None = None,
    data_level: str | None = None,
) -> list[dict[str, Any]]:
    """What a report table should hold now: each advertiser's rows from ``start_date`` to its own today."""
    return T.report_rows(
        server.world,
        advertiser_ids=list(advertiser_ids or server.advertiser_ids),
        report_type=str(spec.report_type),
        data_level=data_level or str(spec.data_level),
        dimensions=spec.dimensions if data_level is None else ["stat_time_day"],
        metrics=spec.metrics if data_level is None else ["spend", "impressions"],
        start_date=start_date,
        end_date=end_date,
        include_deleted=include_deleted,
        lifetime=spec.lifetime,
    )


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    return value


def report_differences(
    got: Iterable[dict[str, Any]], expected: Iterable[dict[str, Any]], spec: TableSpec, limit: int = 20
) -> list[str]:
    """Differences between destination rows and truth rows of a report table, keyed by its primary key.

    Returns:
        Up to ``limit`` human-readable differences: duplicate keys, missing or extra rows, and every
        value that differs (``[]`` when the table equals the truth).
    """
    out: list[str] = []
    got = list(got)
    key = spec.primary_key
    got_by_key = {tuple(r[k] for k in key): r for r in got}
    want_by_key = {tuple(r[k] for k in key): r for r in expected}
    if len(got_by_key) != len(got):
        out.append(f"{spec.name}: {len(got) - len(got_by_key)} duplicate key(s)")
    for k in sorted(set(want_by_key) - set(got_by_key), key=str):
        out.append(f"{spec.name}: missing {k}")
    for k in sorted(set(got_by_key) - set(want_by_key), key=str):
        out.append(f"{spec.name}: extra {k}")
    for k, want in want_by_key.items():
        have = got_by_key.get(k)
        if have is None:
            continue
        for col, value in want.items():
            if _norm(have.get(col)) != _norm(value):
                out.append(f"{spec.name}: {k} {col} = {have.get(col)!r}, truth {value!r}")
    return out[:limit]


def compare_reports(
    pipeline: dlt.Pipeline,
    server: EmulatorServer,
    tables: Sequence[str],
    *,
    start_date: dt.date,
    include_deleted: bool,
    advertiser_ids: Sequence[str] | None = None,
) -> list[str]:
    """Differences between each report table and its truth now (``[]`` = every table equals the truth)."""
    out: list[str] = []
    for name in tables:
        spec = TABLES[name]
        want = report_truth(
            server,
            spec,
            start_date=start_date,
            include_deleted=include_deleted,
            advertiser_ids=advertiser_ids,
        )
        out.extend(report_differences(rows(pipeline, name), want, spec))
    return out


def truth_value(data_type: str, value: Any) -> Any:
    """A value of the emulator's truth (as TikTok sends it) as the destination holds it for ``data_type``."""
    if value is None:
        return None
    if data_type == "timestamp":
        fmt = "%Y-%m-%dT%H:%M:%SZ" if "T" in value else "%Y-%m-%d %H:%M:%S"
        return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.timezone.utc)
    if data_type == "decimal":
        return Decimal(str(value)).normalize()
    return value


def stored_value(data_type: str, value: Any) -> Any:
    """A value read from the destination, comparable with :func:`truth_value` (json decoded, decimals normalized)."""
    if data_type == "json" and isinstance(value, str):
        return json.loads(value)
    if data_type == "decimal" and value is not None:
        return Decimal(value).normalize()
    return value


def object_differences(pipeline: dlt.Pipeline, name: str, want: list[dict[str, Any]]) -> list[str]:
    """Differences between an object table (one row per object) and its truth ``want`` (``[]`` = equal, value
    for value; every field of the truth must have a pinned column)."""
    spec = TABLES[name]
    key = spec.primary_key
    got = rows(pipeline, name)
    got_by_key = {tuple(r[k] for k in key): r for r in got}
    want_by_key = {tuple(str(r[k]) for k in key): r for r in want}
    out: list[str] = []
    if len(got_by_key) != len(got):
        out.append(f"{name}: duplicate keys")
    out += [f"{name}: missing {k}" for k in set(want_by_key) - set(got_by_key)]
    out += [f"{name}: extra {k}" for k in set(got_by_key) - set(want_by_key)]
    for k, w in want_by_key.items():
        unpinned = set(w) - set(spec.columns)
        if unpinned:
            out.append(f"{name}: API fields without a pinned column: {sorted(unpinned)}")
        g = got_by_key.get(k)
        if g is None:
            continue
        for col, value in w.items():
            data_type = str(spec.columns[col]["data_type"]) if col in spec.columns else "text"
            if stored_value(data_type, g.get(col)) != truth_value(data_type, value):
                out.append(f"{name}: {k} {col} = {g.get(col)!r}, truth {value!r}")
    return out[:20]


def resource_state(pipeline: dlt.Pipeline) -> dict[str, Any]:
    """Each table's per-advertiser cursors, ``{table: {"advertisers": {id: cursor}}}`` (empty for a table without)."""
    resources = pipeline.state.get("sources", {}).get("tiktok_ads", {}).get("resources", {})
    view: dict[str, Any] = collections.defaultdict(lambda: {"advertisers": {}})
    for table in {name.split("__")[0] for name in resources}:
        cursors = advertiser_cursors(pipeline.state, table)
        if cursors:
            view[table] = {"advertisers": cursors}
    return view

"""The tests' one support module: pipelines and runs of the real source against the emulator, the source's
stored state, queries of the destination, and comparisons with the emulator's truth (``tiktok_ads.emulator.data.truth``).

- processes: :func:`run_command`, :func:`run_script` (the pipeline script in a new process), :func:`script_env`,
  :func:`script_help` (its ``--help`` in this process);
- pipelines and runs: :func:`make_pipeline`, :func:`emulator_source`, :func:`load`, :func:`run`;
- state (the only place tests read it): :func:`advertiser_states`, :func:`all_advertiser_states`,
  :func:`business_center_states`, :func:`has_source_state`, :func:`pipeline_state`;
- report queries to the emulator: :func:`basic_report_query`;
- queries: :func:`rows`, :func:`table_rows`, :func:`scalar`, :func:`query`, :func:`queries`, :func:`counts`, :func:`data_rows`, :func:`warehouse_type`;
- truth: :func:`report_truth`, :func:`report_differences`, :func:`compare_reports`,
  :func:`assert_report_equals_truth`, :func:`object_differences`,
  :func:`truth_value`, :func:`stored_value`, :func:`norm`.

Comparisons return a list of differences (empty = equal) instead of asserting, so a test can also show that
a control run *does* differ from the truth.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.extract.source import DltSource

from tiktok_ads import TABLES, RunSummary, TableSpec, tiktok_ads
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.emulator.data.metrics import ADDITIVE_METRICS
from tiktok_ads.emulator.data.truth_compare import keyed_differences
from tiktok_ads.resources.cursors import advertiser_cursors
from tiktok_ads.tables.report_grid import ALL_TABLES

#: the checkout, and its pipeline script
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tiktok_ads_pipeline.py"

# --------------------------------------------------------------------------------------------- processes


def run_command(
    command: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` to its end in ``cwd`` (under ``env``, default this process's), with no standard input
    and its output captured as text."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def script_env(
    env: Mapping[str, str] | None = None, drop: tuple[str, ...] = ("SOURCES__", "DESTINATION__")
) -> dict[str, str]:
    """This process's environment without the variables starting with ``drop`` (dlt settings), with the checkout
    on ``PYTHONPATH``, telemetry off, and ``env`` on top."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    clean.update(PYTHONPATH=str(ROOT), RUNTIME__DLTHUB_TELEMETRY="false")
    clean.update(env or {})
    return clean


def run_script(
    args: Sequence[str | Path], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run the pipeline script (``tiktok_ads_pipeline.py args``) as a user would, in a new process."""
    return run_command([sys.executable, SCRIPT, *args], cwd=cwd, env=env, timeout=timeout)


def script_help(capsys: Any) -> str:
    """The pipeline script's ``--help`` text, run in this process (the parser a new process builds; a
    process of its own costs seconds of imports); ``capsys`` is the test's ``pytest.CaptureFixture``."""
    import tiktok_ads_pipeline as script

    capsys.readouterr()
    try:
        script.main(["--help"])
    except SystemExit as exit_info:
        assert exit_info.code == 0, exit_info.code
    else:
        raise AssertionError("--help did not exit")
    return str(capsys.readouterr().out)


# ------------------------------------------------------------------------------------ pipelines and runs


def make_pipeline(
    tmp_path: Path, name: str = "tiktok_ads_test", dataset_name: str = "tiktok"
) -> dlt.Pipeline:
    """A duckdb pipeline in ``tmp_path``: its own pipelines dir (``pipeline.pipelines_dir``) and duckdb file
    ``<name>.duckdb``, so no state is shared between tests."""
    return dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(tmp_path / f"pipelines_{name}"),
        destination=dlt.destinations.duckdb(str(tmp_path / f"{name}.duckdb")),
        dataset_name=dataset_name,
    )


def emulator_source(
    server: EmulatorServer,
    *,
    start_date: dt.date | str | None = None,
    summary: RunSummary | None = None,
    access_token: str | None = None,
    **settings: Any,
) -> DltSource:
    """The real source bound to ``server``: its advertisers, on the emulator's clock, no client-side rate limit
    and quick retries, unless ``settings`` say otherwise (``clock=None``: today from TikTok's ``Date`` header)."""
    settings.setdefault("advertiser_ids", server.advertiser_ids)
    settings.setdefault("clock", lambda: server.world.now)
    settings.setdefault("max_qps", 0)
    settings.setdefault("retry_backoff_seconds", 0.01)
    return tiktok_ads(
        access_token=access_token or server.access_token,
        base_url=server.base_url,
        start_date=start_date.isoformat() if isinstance(start_date, dt.date) else start_date,
        summary=summary,
        **settings,
    )


def load(pipeline: dlt.Pipeline, source: DltSource) -> LoadInfo:
    """Run ``source`` through ``pipeline`` (parquet files), asserting that no load job failed."""
    info = pipeline.run(source, loader_file_format="parquet")
    assert not info.has_failed_jobs
    return info


def run(
    pipeline: dlt.Pipeline,
    server: EmulatorServer,
    *,
    start_date: dt.date | str | None,
    summary: RunSummary | None = None,
    **settings: Any,
) -> RunSummary:
    """One pipeline run of :func:`emulator_source` (same ``settings``); returns the run's summary."""
    summary = summary if summary is not None else RunSummary()
    load(pipeline, emulator_source(server, start_date=start_date, summary=summary, **settings))
    return summary


# ------------------------------------------------------------------------------------------------- state


def all_advertiser_states(pipeline: dlt.Pipeline) -> dict[str, dict[str, dict[str, Any]]]:
    """Each table's per-advertiser cursor, ``{table: {advertiser_id: entry}}`` (plain JSON values): a report's
    entry is ``{"last_day", "start_date", "include_deleted"}``, an entity's or asset's ``{"max_modify_time",
    "include_deleted"}`` (:func:`tiktok_ads.resources.cursors.advertiser_cursors`, which reads each advertiser's
    ``dlt.sources.incremental`` and the previous release's entries); tables that keep no cursor are left out."""
    resources = pipeline.state.get("sources", {}).get("tiktok_ads", {}).get("resources", {})
    tables = {name.split("__")[0] for name in resources}
    found = {table: advertiser_cursors(pipeline.state, table) for table in sorted(tables)}
    return {table: cursors for table, cursors in found.items() if cursors and table not in _BC_TABLES}


def advertiser_states(pipeline: dlt.Pipeline, table: str) -> dict[str, dict[str, Any]]:
    """``table``'s cursor per advertiser, ``{advertiser_id: entry}`` (see :func:`all_advertiser_states`);
    ``{}`` when the table keeps none."""
    return all_advertiser_states(pipeline).get(table, {})


def business_center_states(pipeline: dlt.Pipeline, table: str) -> dict[str, dict[str, Any]]:
    """A business-center table's cursor per business center, ``{bc_id: {"last_date": ...}}``."""
    return {
        bc_id: {"last_date": entry.get("last_day") or entry.get("last_date")}
        for bc_id, entry in advertiser_cursors(pipeline.state, table).items()
    }


_BC_TABLES = frozenset(name for name, spec in ALL_TABLES.items() if spec.kind == "business_center")


def has_source_state(pipeline: dlt.Pipeline) -> bool:
    """Whether any source stored any state in ``pipeline`` (a run that failed before its load stores none)."""
    return bool(pipeline.state.get("sources"))


def pipeline_state(pipeline: dlt.Pipeline) -> dict[str, Any]:
    """The whole pipeline state as plain JSON values (for "nothing changed" snapshots and secret scans)."""
    return dict(json.loads(json.dumps(pipeline.state, default=str)))


# ------------------------------------------------------------------------------- report queries (HTTP)


def basic_report_query(**fields: Any) -> dict[str, Any]:
    """A BASIC ``report/integrated/get/`` query of four common metrics, one page of 1000, with ``fields``
    added or overriding; a field given as None is left out."""
    params: dict[str, Any] = {
        "report_type": "BASIC",
        "metrics": ["spend", "impressions", "clicks", "ctr"],
        "page_size": 1000,
        **fields,
    }
    return {k: v for k, v in params.items() if v is not None}


# ----------------------------------------------------------------------------------------------- queries

#: What each pinned dlt type becomes in the warehouse (information_schema.columns.data_type).
WAREHOUSE_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {
        "text": "VARCHAR",
        "bigint": "BIGINT",
        "decimal": "DECIMAL(38,9)",
        "date": "DATE",
        "timestamp": "TIMESTAMP WITH TIME ZONE",
        "bool": "BOOLEAN",
        "json": "JSON",
    },
    "postgres": {
        "text": "character varying",
        "bigint": "bigint",
        "decimal": "numeric(38,9)",
        "date": "date",
        "timestamp": "timestamp with time zone",
        "bool": "boolean",
        "json": "jsonb",
    },
}


def warehouse_type(destination: str, hint: Any) -> str:
    """The warehouse type of a pinned column: report metrics' decimals carry their own precision and scale."""
    kind = WAREHOUSE_TYPES[destination][str(hint["data_type"])]
    if hint["data_type"] == "decimal" and hint.get("precision") is not None:
        return kind.replace(
            "(38,9)", f"({hint['precision']},{hint['scale']})"
        )  # see tiktok_ads/tables/metric_types.py
    return kind


def rows(pipeline: dlt.Pipeline, table: str, where: str = "") -> list[dict[str, Any]]:
    """Every row of a destination table (optionally filtered by a SQL ``where`` clause) as dicts."""
    with pipeline.sql_client() as client:
        return _rows_of(client, table, where)


def table_rows(pipeline: dlt.Pipeline, tables: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of each table (:func:`rows`), all read through one client."""
    with pipeline.sql_client() as client:
        return {name: _rows_of(client, name) for name in tables}


def _rows_of(client: Any, table: str, where: str = "") -> list[dict[str, Any]]:
    """:func:`rows` through an open ``pipeline.sql_client()`` (each client opens and closes the duckdb file,
    about 50 ms: a test reading many tables at once reads them through one)."""
    sql = f"SELECT * FROM {table}" + (f" WHERE {where}" if where else "")
    with client.execute_query(sql) as cur:
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def scalar(pipeline: dlt.Pipeline, sql: str) -> Any:
    """The first column of the first row of a query."""
    with pipeline.sql_client() as client:
        result = client.execute_sql(sql)
    return result[0][0] if result else None


def query(pipeline: dlt.Pipeline, sql: str) -> list[tuple[Any, ...]]:
    """Every row of a query as tuples."""
    return queries(pipeline, [sql])[0]


def queries(pipeline: dlt.Pipeline, sqls: Iterable[str]) -> list[list[tuple[Any, ...]]]:
    """Every row of each query as tuples, all through one client (one opening of the duckdb file)."""
    with pipeline.sql_client() as client:
        return [[tuple(r) for r in client.execute_sql(sql) or []] for sql in sqls]


def counts(pipeline: dlt.Pipeline, tables: Iterable[str]) -> dict[str, int]:
    """The number of rows of each destination table."""
    names = list(tables)
    found = queries(pipeline, [f"SELECT count(*) FROM {name}" for name in names])
    return {name: result[0][0] for name, result in zip(names, found, strict=True)}


def data_rows(pipeline: dlt.Pipeline, table: str) -> list[tuple[Any, ...]]:
    """A table's data columns (no ``_dlt`` columns) as sorted ``(column, value)`` tuples, decimals normalized:
    equal for two pipelines that loaded the same data, whatever their load ids (sorted by ``repr``: a column
    can hold None in one row and text in the next)."""
    return sorted(
        (
            tuple((k, norm(v)) for k, v in sorted(r.items()) if not k.startswith("_dlt"))
            for r in rows(pipeline, table)
        ),
        key=repr,
    )


# ------------------------------------------------------------------------------------------------- truth


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


def norm(value: Any) -> Any:
    """A value comparable across Decimal precisions and floats (both become normalized decimals)."""
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
    diff = keyed_differences(list(got), expected, lambda r: tuple(r[k] for k in spec.primary_key), norm)
    if diff.duplicates:
        out.append(f"{spec.name}: {diff.duplicates} duplicate key(s)")
    out += [f"{spec.name}: missing {k}" for k in sorted(diff.missing, key=str)]
    out += [f"{spec.name}: extra {k}" for k in sorted(diff.extra, key=str)]
    out += [f"{spec.name}: {k} {col} = {have!r}, truth {value!r}" for k, col, have, value in diff.wrong]
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
    got = table_rows(pipeline, tables)
    for name in tables:
        spec = TABLES[name]
        want = report_truth(
            server,
            spec,
            start_date=start_date,
            include_deleted=include_deleted,
            advertiser_ids=advertiser_ids,
        )
        out.extend(report_differences(got[name], want, spec))
    return out


def assert_report_equals_truth(
    pipeline: dlt.Pipeline, spec: TableSpec, expected: list[dict[str, Any]]
) -> None:
    """Assert that a report table equals its truth ``expected``: same keys (none doubled), the additive
    metrics' sums per advertiser exactly, and every row value for value."""
    got = rows(pipeline, spec.name)
    key = spec.primary_key
    got_by_key = {tuple(r[k] for k in key): r for r in got}
    want_by_key = {tuple(r[k] for k in key): r for r in expected}
    assert len(got_by_key) == len(got), f"{spec.name}: duplicate keys"
    assert len(want_by_key) == len(expected), f"{spec.name}: truth keys not unique - wrong primary key?"
    missing = set(want_by_key) - set(got_by_key)
    extra = set(got_by_key) - set(want_by_key)
    assert not missing and not extra, (
        f"{spec.name}: {len(missing)} missing e.g. {sorted(missing)[:2]}, "
        f"{len(extra)} extra e.g. {sorted(extra)[:2]}"
    )
    # additive sums exactly, per advertiser
    additive = [m for m in spec.metrics if m in ADDITIVE_METRICS]
    for adv in {r["advertiser_id"] for r in expected}:
        want = T.additive_totals([r for r in expected if r["advertiser_id"] == adv], additive)
        have = T.additive_totals([r for r in got if r["advertiser_id"] == adv], additive)
        assert {k: norm(v) for k, v in have.items()} == {k: norm(v) for k, v in want.items()}, (
            spec.name,
            adv,
        )
    # every row, value for value
    for k, want_row in want_by_key.items():
        have_row = got_by_key[k]
        for col, value in want_row.items():
            assert norm(have_row[col]) == norm(value), (spec.name, k, col, have_row[col], value)


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

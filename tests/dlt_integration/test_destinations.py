"""The same load on every real destination we can reach here: duckdb always, PostgreSQL when configured.

PostgreSQL comes from ``DESTINATION__POSTGRES__CREDENTIALS`` (dlt's own variable; ``.ci/run`` starts a
throwaway server with ``.ci/postgres.sh`` and exports it), as the suite started: tests run without the
machine's dlt settings (``tests/hermetic.py``), so it is passed to the destination explicitly. Without it the
PostgreSQL case is skipped with that reason. Each test uses a fresh dataset (schema) and drops it afterwards.

On each destination: all nine tables, their warehouse column types, unique non-null keys, the truth
comparison of ``tests/e2e/test_truth.py`` value for value (deleted objects included), a rerun that adds
nothing, and a day later a merge of the new and restated days. Nothing here is destination-specific
SQL beyond ``information_schema``: loading, typing and merging are dlt's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dlt
import pytest
import support
from hermetic import ENV_AT_START
from support import assert_report_equals_truth, warehouse_type

from tiktok_ads import TABLES as ALL_TABLES
from tiktok_ads import tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.tables.registry import DEFAULT_TABLES

#: the tables a run without the ``tables`` setting loads (not the opt-in ones such as ad_images)
TABLES = {name: ALL_TABLES[name] for name in DEFAULT_TABLES}

TODAY = dt.date(2026, 3, 31)
WORLD = WorldConfig(seed=23, advertisers=2, campaigns=2, adgroups=1, ads=2, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=20)
POSTGRES_ENV = "DESTINATION__POSTGRES__CREDENTIALS"
POSTGRES_CREDENTIALS = ENV_AT_START.get(POSTGRES_ENV)

DESTINATIONS = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(
            not POSTGRES_CREDENTIALS,
            reason=f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run does, with .ci/postgres.sh)",
        ),
    ),
]


@pytest.fixture(params=DESTINATIONS)
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dlt.Pipeline]:
    """A pipeline into a fresh dataset of the destination; the dataset is dropped afterwards."""
    name: str = request.param
    destination: Any = (
        dlt.destinations.duckdb(str(tmp_path / "w.duckdb"))
        if name == "duckdb"
        else dlt.destinations.postgres(credentials=POSTGRES_CREDENTIALS)
    )
    pipeline = dlt.pipeline(
        pipeline_name="tiktok_ads_destinations",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=destination,
        dataset_name=f"tiktok_{uuid.uuid4().hex[:10]}",
    )
    yield pipeline
    if name != "duckdb":
        with pipeline.sql_client() as client:
            if client.has_dataset():
                client.drop_dataset()
        with pipeline.sql_client() as client:
            client.dataset_name = pipeline.dataset_name + "_staging"
            if client.has_dataset():
                client.drop_dataset()


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def load(pipeline: dlt.Pipeline, server: EmulatorServer) -> None:
    """One run of all nine tables, deleted objects included, with dlt's default file format on PostgreSQL."""
    source = tiktok_ads(
        access_token=server.access_token,
        advertiser_ids=server.advertiser_ids,
        base_url=server.base_url,
        max_qps=0,
        start_date=START.isoformat(),
        include_deleted=True,
        clock=lambda: server.world.now,
    )
    file_format: Any = "parquet" if pipeline.destination.destination_name == "duckdb" else "csv"
    info = pipeline.run(source, loader_file_format=file_format)
    assert not info.has_failed_jobs


def query(pipeline: dlt.Pipeline, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with pipeline.sql_client() as client:
        return [tuple(r) for r in client.execute_sql(sql, *args) or []]


def column_types(pipeline: dlt.Pipeline, name: str) -> dict[str, str]:
    """``column -> type`` from the warehouse's information_schema (numeric with its precision and scale)."""
    rows = query(
        pipeline,
        "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s",
        pipeline.dataset_name,
        name,
    )
    return {
        column: f"{kind}({precision},{scale})" if kind == "numeric" else kind
        for column, kind, precision, scale in rows
    }


def assert_entities_equal_truth(
    pipeline: dlt.Pipeline, server: EmulatorServer, seen_at: list[dt.datetime]
) -> None:
    """Every version of every campaign, ad group and ad (deleted ones included) that the runs could see."""
    for spec in TABLES.values():
        if spec.kind != "entity":
            continue
        kind = spec.name.rstrip("s")
        want = T.entity_rows(
            server.world, kind, advertiser_ids=server.advertiser_ids, include_deleted=True, seen_at=seen_at
        )
        got = support.rows(pipeline, spec.name)
        as_utc = [(r[f"{kind}_id"], r["modify_time"].astimezone(dt.timezone.utc)) for r in got]
        assert Counter((i, t.strftime(T.TIME_FORMAT)) for i, t in as_utc) == Counter(
            (r[f"{kind}_id"], r["modify_time"]) for r in want
        ), spec.name


def assert_reports_equal_truth(pipeline: dlt.Pipeline, server: EmulatorServer) -> None:
    """Every report table, value for value, against the truth as of the emulator's clock."""
    for spec in TABLES.values():
        if spec.kind == "report":
            want = support.report_truth(server, spec, start_date=START, include_deleted=True)
            assert_report_equals_truth(pipeline, spec, want)


def test_same_tables_keys_types_truth_and_merges_on_each_destination(
    warehouse: dlt.Pipeline, server: EmulatorServer
) -> None:
    destination = warehouse.destination.destination_name
    first_run = server.world.now
    load(warehouse, server)

    # one connection for all the checks (opening one costs more than most queries here)
    with warehouse.sql_client():
        # the nine tables, flat, each column with its pinned type in this warehouse, keys unique and set
        tables = {
            r[0]
            for r in query(
                warehouse,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                warehouse.dataset_name,
            )
        }
        assert {t for t in tables if not t.startswith("_dlt")} == set(TABLES)
        for name, spec in TABLES.items():
            types = column_types(warehouse, name)
            for column, hint in spec.columns.items():
                if column in types:
                    assert types[column] == warehouse_type(destination, hint), (
                        destination,
                        name,
                        column,
                    )
            assert set(spec.primary_key) <= set(types), (destination, name)
            key = ", ".join(spec.primary_key)
            nulls = " + ".join(f"count(*) - count({c})" for c in spec.primary_key)
            total, distinct, null_keys = query(
                warehouse, f"SELECT count(*), count(DISTINCT ({key})), {nulls} FROM {name}"
            )[0]
            assert total == distinct > 0 and null_keys == 0, (destination, name, total, distinct, null_keys)

        # value for value against the emulator's truth (deleted objects included)
        assert_reports_equal_truth(warehouse, server)
        assert_entities_equal_truth(warehouse, server, [first_run])
        advertisers = support.rows(warehouse, "advertisers")
        want = T.advertiser_rows(server.world, server.advertiser_ids)
        assert sorted(
            (a["advertiser_id"], int(a["create_time"].timestamp()), a["currency"]) for a in advertisers
        ) == sorted((a["advertiser_id"], a["create_time"], a["currency"]) for a in want)

    # a day later: new days, restated conversions merged in place (no duplicate keys), new entity versions
    server.world.set_today(TODAY + dt.timedelta(days=1))
    load(warehouse, server)
    with warehouse.sql_client():
        assert_reports_equal_truth(warehouse, server)
        assert max(r["stat_time_day"] for r in support.rows(warehouse, "ad_insights")) > TODAY
        assert_entities_equal_truth(warehouse, server, [first_run, server.world.now])

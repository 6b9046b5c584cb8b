"""End to end: the source loads every table into duckdb and it equals the emulator's truth, value for value.

Each test runs a real dlt pipeline against the emulator over HTTP; the truth comes from the emulator's model
directly (``tiktok_ads.emulator.truth``), never through the API, so paging, windowing, typing and merging bugs
all show up as differences.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dlt
import pytest
import support
from support import assert_report_equals_truth, rows

from tiktok_ads import TABLES as ALL_TABLES
from tiktok_ads import TableSpec
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator import truth as T
from tiktok_ads.load.duckdb_merge import bounded_duckdb
from tiktok_ads.tables.registry import DEFAULT_TABLES

#: the tables a run without the ``tables`` setting loads (not the opt-in ones such as ad_images)
TABLES = {name: ALL_TABLES[name] for name in DEFAULT_TABLES}

TODAY = dt.date(2026, 3, 31)
#: Four advertisers: Los Angeles, Tokyo, UTC-12 and UTC+14 (see ``model.TIMEZONES``).
WORLD = WorldConfig(seed=21, advertisers=4, campaigns=3, adgroups=2, ads=2, days=40, today=TODAY)
START = TODAY - dt.timedelta(days=40)

REPORTS = [s for s in TABLES.values() if s.kind == "report"]
ENTITIES = [s for s in TABLES.values() if s.kind == "entity"]


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


@pytest.fixture(params=[dlt.destinations.duckdb, bounded_duckdb], ids=["dlt_duckdb", "bounded_merge"])
def pipeline(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[dlt.Pipeline]:
    """dlt's duckdb and the pipeline script's (its own merge SQL, ``duckdb_merge.py``): the truth holds in both."""
    pipe = dlt.pipeline(
        pipeline_name="tiktok_ads_e2e",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=request.param(credentials=str(tmp_path / "e2e.duckdb")),
        dataset_name="tiktok",
    )
    yield pipe


def run(pipeline: dlt.Pipeline, server: EmulatorServer, **settings: Any) -> Any:
    """One pipeline run against the emulator (from ``START`` unless ``start_date`` is given)."""
    settings.setdefault("start_date", START)
    return support.load(pipeline, support.emulator_source(server, **settings))


def report_truth(
    server: EmulatorServer, spec: TableSpec, include_deleted: bool, start: dt.date = START
) -> list[dict[str, Any]]:
    return support.report_truth(server, spec, start_date=start, include_deleted=include_deleted)


def test_full_load_equals_truth_for_every_table(pipeline: dlt.Pipeline, server: EmulatorServer) -> None:
    info = run(pipeline, server)
    for spec in REPORTS:
        assert_report_equals_truth(pipeline, spec, report_truth(server, spec, include_deleted=False))
        # report pages travel as Arrow tables; their rows carry the load id all the same
        assert {r["_dlt_load_id"] for r in rows(pipeline, spec.name)} == set(info.loads_ids), spec.name
    for spec in ENTITIES:
        kind = spec.name.rstrip("s")
        want = T.entity_rows(server.world, kind, advertiser_ids=server.advertiser_ids)
        got = rows(pipeline, spec.name)
        id_key = f"{kind}_id"
        assert sorted((r[id_key], r["modify_time"].strftime("%Y-%m-%d %H:%M:%S")) for r in got) == sorted(
            (r[id_key], r["modify_time"]) for r in want
        ), spec.name
        by_id = {r[id_key]: r for r in got}
        for w in want:
            g = by_id[w[id_key]]
            assert g["advertiser_id"] == w["advertiser_id"]
            assert g["secondary_status"] == w["secondary_status"]
            assert g["create_time"] == dt.datetime.strptime(str(w["create_time"]), T.TIME_FORMAT).replace(
                tzinfo=dt.timezone.utc
            )
            assert "DELETE" not in str(g["secondary_status"])
    advertisers = rows(pipeline, "advertisers")
    want_adv = T.advertiser_rows(server.world, server.advertiser_ids)
    assert sorted(
        (a["advertiser_id"], int(a["create_time"].timestamp()), a["timezone"], a["currency"])
        for a in advertisers
    ) == sorted((a["advertiser_id"], a["create_time"], a["timezone"], a["currency"]) for a in want_adv)


def test_rerun_adds_nothing_and_a_day_later_picks_up_new_and_restated_days(
    pipeline: dlt.Pipeline, server: EmulatorServer
) -> None:
    run(pipeline, server, include_deleted=True)
    counts = support.counts(pipeline, TABLES)  # count(*): fetching every row only to count it took a third
    run(pipeline, server, include_deleted=True)
    assert support.counts(pipeline, TABLES) == counts, "a rerun adds rows"

    first_run = server.world.now
    server.world.set_today(TODAY + dt.timedelta(days=1))
    run(pipeline, server, include_deleted=True)
    for spec in REPORTS:
        assert_report_equals_truth(pipeline, spec, report_truth(server, spec, include_deleted=True))
    ad_insights = rows(pipeline, "ad_insights")
    assert max(r["stat_time_day"] for r in ad_insights) > TODAY
    for spec in ENTITIES:
        kind = spec.name.rstrip("s")
        want = T.entity_rows(
            server.world,
            kind,
            advertiser_ids=server.advertiser_ids,
            include_deleted=True,
            seen_at=[first_run, server.world.now],
        )
        got = rows(pipeline, spec.name)
        assert Counter((r[f"{kind}_id"], r["modify_time"].strftime(T.TIME_FORMAT)) for r in got) == Counter(
            (r[f"{kind}_id"], r["modify_time"]) for r in want
        ), spec.name


def test_without_attribution_window_restated_days_go_stale(
    pipeline: dlt.Pipeline, server: EmulatorServer
) -> None:
    """The control for the test above: with no lookback the loader ends up wrong, so that test can fail."""
    spec = TABLES["ad_insights"]
    run(pipeline, server, tables=["ad_insights"], attribution_window_days=0, include_deleted=True)
    server.world.set_today(TODAY + dt.timedelta(days=3))
    run(pipeline, server, tables=["ad_insights"], attribution_window_days=0, include_deleted=True)
    with pytest.raises(AssertionError):
        assert_report_equals_truth(pipeline, spec, report_truth(server, spec, include_deleted=True))


def test_column_types_are_pinned_even_without_data(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_types")
    # a window in which nothing ran: the tables still get every pinned column with its type
    far = TODAY + dt.timedelta(days=400)
    support.load(
        pipe,
        support.emulator_source(
            server, start_date=far, clock=lambda: server.world.now + dt.timedelta(days=500)
        ),
    )
    schema = pipe.default_schema
    for spec in REPORTS:
        cols = schema.get_table_columns(spec.name)
        for name, hint in spec.columns.items():
            assert name in cols, (spec.name, name)
            assert cols[name]["data_type"] == hint["data_type"], (spec.name, name)
        assert cols["stat_time_day"]["data_type"] == "date"
        assert cols["spend"]["data_type"] == "decimal"
        assert cols["impressions"]["data_type"] == "bigint"
        assert cols["advertiser_id"]["data_type"] == "text"
        assert not [t for t in schema.tables if t.startswith(spec.name + "__")], "no nested child tables"


def test_tables_created_by_a_run_without_advertisers_take_later_rows(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    """A first run that reads no advertiser (all inaccessible) still creates every table; the next run's
    Arrow rows fit it (no NOT NULL ``_dlt_id`` column, which only dlt's JSON normalizer fills)."""
    server = emulator_factory(WORLD)
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_empty_first")
    nobody = support.emulator_source(
        server, advertiser_ids=["7000000000000000999"], skip_inaccessible_advertisers=True
    )
    support.load(pipe, nobody)
    assert all("_dlt_id" not in pipe.default_schema.get_table_columns(spec.name) for spec in REPORTS)
    support.load(pipe, support.emulator_source(server, start_date=START))
    for spec in REPORTS:
        assert_report_equals_truth(pipe, spec, report_truth(server, spec, include_deleted=False))

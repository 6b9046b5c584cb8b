"""End to end: the source loads every table into duckdb and it equals the emulator's truth, value for value.

Each test runs a real dlt pipeline against the emulator over HTTP; the truth comes from the emulator's model
directly (``tiktok_ads.emulator.data.truth``), never through the API, so paging, windowing, typing and merging bugs
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
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.load.duckdb_merge import bounded_duckdb
from tiktok_ads.tables.registry import DEFAULT_TABLES

#: the tables a run without the ``tables`` setting loads (not the opt-in ones such as ad_images)
TABLES = {name: ALL_TABLES[name] for name in DEFAULT_TABLES}

TODAY = dt.date(2026, 3, 31)
#: Four advertisers: Los Angeles, Tokyo, UTC-12 and UTC+14 (see ``model.TIMEZONES``), four ads each. Seed 30
#: has what the tests need in few rows: a deleted campaign, adgroups and ads (with spend), a new version of a
#: campaign, adgroups and an ad on the day after the first run, restated days (asserted in the tests below).
WORLD = WorldConfig(seed=30, advertisers=4, campaigns=2, adgroups=2, ads=1, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=20)
#: Rows per page: smaller than TikTok's 1000 so that every report table of this small world takes several pages
#: (paging bugs show up as differences from the truth).
PAGE_SIZE = 100

REPORTS = [s for s in TABLES.values() if s.kind == "report"]
ENTITIES = [s for s in TABLES.values() if s.kind == "entity"]
REPORT_NAMES = [s.name for s in REPORTS]
#: For the tests about tables and their columns, not about numbers: two advertisers, two ads, ten days (the
#: size does not matter to them; the full world costs a whole minute per run of its report rows).
TINY_WORLD = WorldConfig(seed=21, advertisers=2, campaigns=1, adgroups=1, ads=2, days=10, today=TODAY)


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
    settings.setdefault("page_size", PAGE_SIZE)
    return support.load(pipeline, support.emulator_source(server, **settings))


def report_truth(
    server: EmulatorServer, spec: TableSpec, include_deleted: bool, start: dt.date = START
) -> list[dict[str, Any]]:
    return support.report_truth(server, spec, start_date=start, include_deleted=include_deleted)


def test_full_load_equals_truth_for_every_table(pipeline: dlt.Pipeline, server: EmulatorServer) -> None:
    info = run(pipeline, server)
    ad_insights = TABLES["ad_insights"]
    assert len(report_truth(server, ad_insights, include_deleted=True)) > len(
        report_truth(server, ad_insights, include_deleted=False)
    ), "the world should have deleted ads with spend to leave out"
    for spec in REPORTS:
        assert_report_equals_truth(pipeline, spec, report_truth(server, spec, include_deleted=False))
        # report pages travel as Arrow tables; their rows carry the load id all the same
        assert {r["_dlt_load_id"] for r in rows(pipeline, spec.name)} == set(info.loads_ids), spec.name
    for spec in ENTITIES:
        kind = spec.name.rstrip("s")
        want = T.entity_rows(server.world, kind, advertiser_ids=server.advertiser_ids)
        deleted = T.entity_rows(
            server.world, kind, advertiser_ids=server.advertiser_ids, include_deleted=True
        )
        assert len(deleted) > len(want), f"{spec.name}: the world should have deleted ones to leave out"
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
    seen_first = {
        spec.name: len(
            T.entity_rows(
                server.world,
                spec.name.rstrip("s"),
                advertiser_ids=server.advertiser_ids,
                include_deleted=True,
            )
        )
        for spec in ENTITIES
    }
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
        assert len(want) > seen_first[spec.name], f"{spec.name}: nothing new (object or version) to pick up"
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
    server = emulator_factory(TINY_WORLD)
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_types")
    # a window in which nothing ran: the tables still get every pinned column with its type
    far = TODAY + dt.timedelta(days=400)
    support.load(
        pipe,
        support.emulator_source(
            server,
            start_date=far,
            clock=lambda: server.world.now + dt.timedelta(days=500),
            tables=REPORT_NAMES,  # only the report tables' columns are checked here
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
    server = emulator_factory(TINY_WORLD)
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_empty_first")
    nobody = support.emulator_source(
        server,
        advertiser_ids=["7000000000000000999"],
        skip_inaccessible_advertisers=True,
        tables=REPORT_NAMES,  # the Arrow tables; the entity tables take dlt's JSON rows
    )
    support.load(pipe, nobody)
    assert all("_dlt_id" not in pipe.default_schema.get_table_columns(spec.name) for spec in REPORTS)
    start = TODAY - dt.timedelta(days=10)
    support.load(pipe, support.emulator_source(server, start_date=start, tables=REPORT_NAMES))
    for spec in REPORTS:
        want = report_truth(server, spec, include_deleted=False, start=start)
        assert want, spec.name  # rows to fit into the tables the first run made
        assert_report_equals_truth(pipe, spec, want)

"""End to end for the report grid and custom reports (issue 8): every grid table and a few custom reports load
from the emulator in one pipeline run and equal the emulator's truth; the grains add up (ad -> ad group ->
campaign -> advertiser, audience buckets -> basic, hours -> days, days -> lifetime); a later run replaces
re-read days of hourly tables and the lifetime rows whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
from support import all_advertiser_states, make_pipeline, norm, report_differences, report_truth, rows, run

from tiktok_ads import ALL_TABLES, TableSpec
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data.metrics import ADDITIVE_METRICS
from tiktok_ads.tables.custom_reports import custom_report_specs
from tiktok_ads.tables.report_grid import GRID_CELLS

TODAY = dt.date(2026, 3, 31)
#: Two advertisers (Los Angeles and Tokyo), a week of history: every grid table in one cheap run.
WORLD = WorldConfig(
    seed=5, advertisers=2, campaigns=2, adgroups=2, ads=2, days=6, today=TODAY, delete_rate=0.3
)
#: before the world's first day, so the daily tables hold each object's whole life (= its lifetime row)
START = TODAY - dt.timedelta(days=9)

CUSTOM: dict[str, dict[str, Any]] = {
    "campaign_insights_by_network": {
        "report_type": "AUDIENCE",
        "data_level": "campaign",
        "dimensions": ["campaign_id", "stat_time_day", "ac"],
        "metrics": ["spend", "impressions", "clicks", "conversion", "campaign_name"],
    },
    "adgroup_insights_by_country_basic": {
        "type": "BASIC",
        "data_level": "AUCTION_ADGROUP",
        "dimensions": ["adgroup_id", "stat_time_day", "country_code"],
        "metrics": ["spend", "impressions", "reach", "campaign_id"],
    },
    "campaign_spend_lifetime": {
        "report_type": "BASIC",
        "data_level": "AUCTION_CAMPAIGN",
        "dimensions": ["campaign_id"],
        "metrics": ["spend", "impressions", "cpm"],
        "lifetime": True,
    },
}
CUSTOM_SPECS = custom_report_specs(CUSTOM)
SPECS: dict[str, TableSpec] = {**{name: ALL_TABLES[name] for name in GRID_CELLS}, **CUSTOM_SPECS}


def truth(
    server: EmulatorServer, spec: TableSpec, *, include_deleted: bool, start: dt.date = START
) -> list[dict[str, Any]]:
    """What a report table (grid or custom) should hold now.

    Hourly truth is taken one day at a time, as the API is asked (today holds only the hours elapsed).
    """
    ranges: list[tuple[dt.date, dt.date | None]] = [(start, None)]
    if spec.hour_column:
        last = max(server.world.local_today(a) for a in server.advertiser_ids)
        ranges = [
            (start + dt.timedelta(days=i), start + dt.timedelta(days=i))
            for i in range((last - start).days + 1)
        ]
    out: list[dict[str, Any]] = []
    for first, end in ranges:
        out.extend(
            report_truth(server, spec, start_date=first, end_date=end, include_deleted=include_deleted)
        )
    return out


class Loaded:
    """The module's one load: its pipeline, emulator and a read-only duckdb connection to what landed."""

    def __init__(self, pipeline: dlt.Pipeline, server: EmulatorServer, path: Path) -> None:
        self.pipeline = pipeline
        self.server = server
        self.con = duckdb.connect(str(path), read_only=True)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a query on the loaded dataset."""
        return self.con.execute(sql.replace(" FROM ", " FROM tiktok.")).fetchall()

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of a table as dicts."""
        cur = self.con.execute(f"SELECT * FROM tiktok.{table}")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """One run loading every grid table and the custom reports, with deleted objects (so levels add up)."""
    server = EmulatorServer(WORLD, qps=None, qpm=None, advertiser_qps=None).start()
    try:
        folder = tmp_path_factory.mktemp("grid")
        pipeline = make_pipeline(folder, "tiktok_ads_grid")
        run(
            pipeline,
            server,
            start_date=START,
            tables=list(SPECS),
            include_deleted=True,
            custom_reports=CUSTOM,
        )
        done = Loaded(pipeline, server, folder / "tiktok_ads_grid.duckdb")
        yield done
        done.con.close()
    finally:
        server.stop()


@pytest.mark.parametrize("name", list(SPECS))
def test_each_grid_and_custom_table_equals_its_truth(name: str, loaded: Loaded) -> None:
    spec = SPECS[name]
    got = loaded.rows(name)
    want = truth(loaded.server, spec, include_deleted=True)
    assert want, f"{name}: the truth is empty, the test proves nothing"
    assert report_differences(got, want, spec) == []
    assert all(r["_day_marker"] is None for r in got), "a marker row was stored"
    if spec.hour_column:
        assert all(r["stat_time_day"] == r["stat_time_hour"].date() for r in got)
    schema = loaded.pipeline.default_schema.get_table_columns(name)
    for column, hint in spec.columns.items():
        assert schema[column]["data_type"] == hint["data_type"], (name, column)


def _sums(
    loaded: Loaded, table: str, keys: tuple[str, ...], metrics: list[str]
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """``{key: (sum of each metric)}`` of a table, grouped by ``keys`` (in SQL); groups summing to zero left
    out (a parent object has zero rows on days before its first child existed)."""
    cols = ", ".join(keys)
    sums = ", ".join(f"coalesce(sum({m}), 0)" for m in metrics)
    out = {}
    for row in loaded.query(f"SELECT {cols}, {sums} FROM {table} GROUP BY {cols}"):
        vals = tuple(norm(Decimal(v)) for v in row[len(keys) :])
        if any(vals):
            out[tuple(row[: len(keys)])] = vals
    return out


def _additive(*tables: str) -> list[str]:
    common = set.intersection(*(set(SPECS[t].metrics) for t in tables))
    return [m for m in ADDITIVE_METRICS if m in common]


LEVEL_CHAIN = ("ad", "adgroup", "campaign", "advertiser")


def test_levels_add_up_ad_to_adgroup_to_campaign_to_advertiser(
    loaded: Loaded,
) -> None:
    for suffix, time_key in (("", "stat_time_day"), ("_hourly", "stat_time_hour"), ("_lifetime", None)):
        tables = [f"{level}_insights{suffix}" for level in LEVEL_CHAIN]
        metrics = _additive(*tables)
        keys = ("advertiser_id", *((time_key,) if time_key else ()))
        sums = [_sums(loaded, t, keys, metrics) for t in tables]
        assert sums[0], tables
        for lower, upper, names in zip(sums, sums[1:], zip(tables, tables[1:], strict=False), strict=False):
            assert lower == upper, names


def test_audience_buckets_add_up_to_the_basic_report(loaded: Loaded) -> None:
    checked = 0
    for name in GRID_CELLS:
        spec = ALL_TABLES[name]
        if spec.report_type != "AUDIENCE":
            continue
        level = name.split("_insights")[0]
        basic = f"{level}_insights" + ("_lifetime" if spec.lifetime else "")
        id_dim = spec.dimensions[0]
        keys = tuple(dict.fromkeys(("advertiser_id", id_dim) + (() if spec.lifetime else ("stat_time_day",))))
        metrics = _additive(name, basic)
        assert _sums(loaded, name, keys, metrics) == _sums(loaded, basic, keys, metrics), name
        checked += 1
    assert checked == 22 + 4  # daily, and lifetime by age and gender at every level


def test_hours_add_up_to_days_and_days_to_lifetime(loaded: Loaded) -> None:
    for level in LEVEL_CHAIN:
        daily, hourly, lifetime = (f"{level}_insights{s}" for s in ("", "_hourly", "_lifetime"))
        id_dim = SPECS[lifetime].dimensions[0]
        by_day = tuple(dict.fromkeys(("advertiser_id", id_dim, "stat_time_day")))
        metrics = _additive(daily, hourly)
        assert _sums(loaded, hourly, by_day, metrics) == _sums(loaded, daily, by_day, metrics), level
        by_object = tuple(dict.fromkeys(("advertiser_id", id_dim)))
        metrics = _additive(daily, lifetime)
        assert _sums(loaded, daily, by_object, metrics) == _sums(loaded, lifetime, by_object, metrics), level


#: Half of the objects are deleted at some point; between the two runs below, some ad is deleted.
DELETING_WORLD = WorldConfig(
    seed=28, advertisers=2, campaigns=3, adgroups=2, ads=2, days=30, today=TODAY, delete_rate=0.5
)
REPLACED = ["ad_insights_lifetime", "ad_insights_hourly", "campaign_spend_lifetime"]


def test_a_later_run_replaces_reread_hours_and_the_lifetime_rows_whole(
    tmp_path: Path, emulator_factory: Any
) -> None:
    server: EmulatorServer = emulator_factory(DELETING_WORLD)
    pipeline = make_pipeline(tmp_path)
    start = TODAY - dt.timedelta(days=4)
    settings = {
        "tables": REPLACED,
        "custom_reports": {"campaign_spend_lifetime": CUSTOM["campaign_spend_lifetime"]},
    }
    run(pipeline, server, start_date=start, **settings)
    before = {r["ad_id"] for r in rows(pipeline, "ad_insights_lifetime")}
    server.world.set_today(TODAY + dt.timedelta(days=2))
    run(pipeline, server, start_date=start, **settings)
    after = {r["ad_id"] for r in rows(pipeline, "ad_insights_lifetime")}
    assert before - after, "no ad was deleted between the runs: the test proves nothing"
    for name in REPLACED:
        spec = ALL_TABLES.get(name) or CUSTOM_SPECS[name]
        want = truth(server, spec, include_deleted=False, start=start)
        assert report_differences(rows(pipeline, name), want, spec) == [], name
    state = all_advertiser_states(pipeline)
    for name in REPLACED:
        spec = ALL_TABLES.get(name) or CUSTOM_SPECS[name]
        # every advertiser's cursor moved; lifetime tables have none (every run reads them whole)
        assert set(state.get(name, {})) == (set() if spec.lifetime else set(server.advertiser_ids)), name

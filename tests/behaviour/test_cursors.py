"""Each advertiser's resource carries a ``dlt.sources.incremental``, and dlt's own hints drive it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import dlt
from support import all_advertiser_states, make_pipeline, run

from tiktok_ads import RunSummary, select_tables, tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.rules import business_center as emu_bc
from tiktok_ads.tables.report_grid import ALL_TABLES

TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=8, advertisers=2, campaigns=1, adgroups=1, ads=2, days=40, today=TODAY)
START = TODAY - dt.timedelta(days=40)


def test_every_resource_of_a_table_with_a_cursor_carries_its_own_incremental() -> None:
    ids = ["111", "222"]
    # (Business Center tables need the BCs' ids from TikTok: see the test below)
    tables = [name for name, spec in ALL_TABLES.items() if spec.kind != "business_center"]
    source = tiktok_ads(access_token="t", advertiser_ids=ids, start_date="2024-01-01", tables=tables)
    by_table: dict[str, list[str]] = {}
    for name, resource in source.resources.items():
        by_table.setdefault(str(resource.table_name), []).append(name)
    for table in tables:
        spec = ALL_TABLES[table]
        names = by_table[table]
        partitioned = spec.kind == "report" or (spec.kind in ("entity", "business_center") and spec.cursor)
        if not partitioned:
            assert names == [table], table
            continue
        assert names == [f"{table}__{adv}" for adv in ids], table
        for name in names:
            incremental = source.resources[name].incremental
            if spec.kind == "report" and spec.lifetime:
                assert incremental is None, name  # no time dimension: read whole every run
                continue
            assert incremental is not None, name
            cursor = incremental.incremental
            want = spec.day_column if spec.kind == "report" else spec.cursor
            assert cursor is not None and cursor.cursor_path == want, name
            if spec.kind == "report":
                assert cursor.initial_value == dt.date(2024, 1, 1) and cursor.lag == 7, name
    # two resources of one table do not share a cursor object
    first, second = (source.resources[f"ad_insights__{adv}"].incremental for adv in ids)
    assert first is not None and second is not None and first.incremental is not second.incremental
    assert set(select_tables(source, "ads").selected_resources) == {"ads__111", "ads__222"}


def test_an_end_value_hint_backfills_one_advertiser_and_leaves_state_alone(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path, "hints")
    run(pipeline, server, start_date=START, tables=["ad_insights"])
    state = all_advertiser_states(pipeline)
    first, second = server.advertiser_ids
    summary = RunSummary()
    source = tiktok_ads(
        access_token=server.access_token,
        base_url=server.base_url,
        advertiser_ids=server.advertiser_ids,
        start_date=START.isoformat(),
        tables=["ad_insights"],
        max_qps=0,
        clock=lambda: server.world.now,
        summary=summary,
    ).with_resources(f"ad_insights__{first}")
    backfill = dlt.sources.incremental(
        "stat_time_day", initial_value=START, end_value=START + dt.timedelta(days=5)
    )
    source.resources[f"ad_insights__{first}"].apply_hints(incremental=backfill)
    assert not pipeline.run(source, loader_file_format="parquet").has_failed_jobs
    assert summary.ranges == {("ad_insights", first): f"{START}..{START + dt.timedelta(days=4)}"}
    assert all_advertiser_states(pipeline) == state  # end_value: dlt throws the run's state away
    assert ("ad_insights", second) not in summary.ranges


def test_business_center_transactions_have_a_cursor_per_business_center(
    emulator_factory: Callable[..., EmulatorServer],
) -> None:
    server = emulator_factory(WORLD)
    bc = emu_bc.bc_id(server.world)
    source = tiktok_ads(
        access_token=server.access_token,
        base_url=server.base_url,
        advertiser_ids=server.advertiser_ids,
        start_date=START.isoformat(),
        tables=["business_centers", "bc_transactions", "advertiser_transactions"],
    )
    assert sorted(source.resources) == sorted(
        ["business_centers", f"bc_transactions__{bc}", f"advertiser_transactions__{bc}"]
    )
    for table in ("bc_transactions", "advertiser_transactions"):
        wrapper = source.resources[f"{table}__{bc}"].incremental
        cursor = wrapper.incremental if wrapper is not None else None
        assert cursor is not None and cursor.cursor_path == "transaction_date" and cursor.lag == 7, table

"""The Business Center report table (``bc_advertiser_insights``, ``report_type = BC``) end to end.

It loads from the emulator and equals its truth (``truth.bc_report_rows``, from the model, not the API); each
account's daily spend equals the account's ``advertiser_insights`` spend (the BASIC report); a later run
re-reads only the attribution window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from support import business_center_states, make_pipeline, rows, run

from tests.e2e.test_bizcenter import START, TODAY, WORLD, differences
from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.emulator.rules import business_center as emu_bc
from tiktok_ads.endpoints.bc_reports import BC_WINDOW_DAYS, bc_windows
from tiktok_ads.tables.bc_report_tables import BC_REPORT_METRICS
from tiktok_ads.tables.registry import DEFAULT_TABLES

TABLE = "bc_advertiser_insights"


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def test_table_is_opt_in_per_bc_with_its_key_and_cursor() -> None:
    spec = TABLES[TABLE]
    assert spec.kind == "business_center" and spec.opt_in and TABLE not in DEFAULT_TABLES
    assert spec.primary_key == ("bc_id", "advertiser_id", "stat_time_day")
    assert spec.cursor == "stat_time_day" and set(spec.primary_key) <= set(spec.columns)


def test_windows_are_at_most_365_days() -> None:
    start = dt.date(2024, 1, 1)
    windows = list(bc_windows(start, start + dt.timedelta(days=400)))
    assert [(hi - lo).days + 1 for lo, hi in windows] == [BC_WINDOW_DAYS, 401 - BC_WINDOW_DAYS]
    assert windows[1][0] == windows[0][1] + dt.timedelta(days=1)


def test_bc_report_loads_equals_the_truth_and_the_accounts_spend(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path, "bc_report")
    summary = run(pipeline, server, start_date=START, tables=[TABLE, "advertiser_insights"], page_size=7)
    want = T.bc_report_rows(server.world, BC_REPORT_METRICS, START)
    assert want and differences(pipeline, TABLE, want) == []
    assert summary.rows_by_table()[TABLE] == len(want)
    # reconciling: an account's BC spend of a day is its advertiser-level BASIC spend of that day
    basic = {
        (r["advertiser_id"], r["stat_time_day"]): r["spend"] for r in rows(pipeline, "advertiser_insights")
    }
    loaded = rows(pipeline, TABLE)
    assert {r["advertiser_id"] for r in loaded} == set(server.advertiser_ids[:-1])  # the BC's accounts
    for r in loaded:
        assert r["spend"] == basic[(r["advertiser_id"], r["stat_time_day"])]
    bc = emu_bc.bc_id(server.world)
    newest = max(r["stat_time_day"] for r in loaded)
    assert business_center_states(pipeline, TABLE)[bc]["last_date"] == newest.isoformat()

    server.world.set_today(TODAY + dt.timedelta(days=3))
    summary = run(pipeline, server, start_date=START, tables=[TABLE])  # re-reads 7 days: restated days too
    want = T.bc_report_rows(server.world, BC_REPORT_METRICS, START)
    assert differences(pipeline, TABLE, want) == []
    # the second run re-read the window (the last day minus 7, to today), not the history
    assert 0 < summary.rows_by_table()[TABLE] < len(want)

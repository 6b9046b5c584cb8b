"""Report requests shared between advertisers (``share_report_requests``): the same world loaded with shared
requests and one advertiser per request gives identical tables, row for row, and the same cursors, with
fewer report requests; and a second run (the attribution window) shares its requests too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import support

from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.settings import DEFAULT_TABLES

TODAY = dt.date(2026, 3, 31)
#: the emulator deals its 11 time zones out in turn: 13 advertisers make two pairs of one zone each
WORLD = WorldConfig(seed=41, advertisers=13, campaigns=1, adgroups=1, ads=2, days=40, today=TODAY)
START = TODAY - dt.timedelta(days=35)
REPORTS = [name for name in DEFAULT_TABLES if "insights" in name]
REPORT_PATH = "report/integrated/get/"


def load(server: EmulatorServer, tmp_path: Path, name: str, **settings: Any) -> dlt.Pipeline:
    pipe = support.make_pipeline(tmp_path, f"shared_{name}")
    support.run(pipe, server, start_date=START, tables=REPORTS, **settings)
    return pipe


def test_shared_report_requests_load_identical_tables_with_fewer_requests(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    zones = [a.timezone for a in server.world.advertisers]
    assert len(zones) - len(set(zones)) == 2, zones  # two zones with two advertisers each

    def both_runs(name: str, **settings: Any) -> tuple[dlt.Pipeline, list[int]]:
        pipe = load(server, tmp_path, name, **settings)
        counts = [server.stats.requests.get(REPORT_PATH, 0)]
        server.world.set_today(TODAY + dt.timedelta(days=1))
        support.run(pipe, server, start_date=START, tables=REPORTS, **settings)
        counts.append(server.stats.requests.get(REPORT_PATH, 0) - counts[0])
        server.world.set_today(TODAY)
        server.stats.reset()
        return pipe, counts

    alone, alone_requests = both_runs("alone")
    shared, shared_requests = both_runs("shared", share_report_requests=True)
    for table in REPORTS:
        got, want = support.data_rows(shared, table), support.data_rows(alone, table)
        assert got and got == want, f"{table}: {len(got)} rows vs {len(want)}"
    for table in REPORTS:
        assert support.advertiser_states(shared, table) == support.advertiser_states(alone, table), table
    # each pair of one zone shares each window's request: two fewer per table and window, first and second run
    for n_alone, n_shared in zip(alone_requests, shared_requests, strict=True):
        assert n_shared < n_alone, (alone_requests, shared_requests)

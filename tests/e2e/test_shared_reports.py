"""Report requests shared between advertisers (``share_report_requests``, on by default): the same world loaded
with shared requests and one advertiser per request gives identical tables, row for row, and the same cursors,
with fewer report requests; and a second run (the attribution window) shares its requests too. So does an
answer whose money TikTok rounded to whole units (a scripted variant): the guard reads those advertisers one
per request, and the tables are still identical."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import support

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.tables.registry import DEFAULT_TABLES

TODAY = dt.date(2026, 3, 31)
#: the emulator deals its 11 time zones out in turn (13 advertisers: two zones with two each); any zone shares.
#: One ad each: the requests and their sharing depend on advertisers and windows, not on the rows per advertiser.
WORLD = WorldConfig(seed=41, advertisers=13, campaigns=1, adgroups=1, ads=1, days=40, today=TODAY)
START = TODAY - dt.timedelta(days=35)
#: One default report table of each kind: BASIC by ad, AUDIENCE by ad, AUDIENCE by campaign. (Each further
#: table costs every run of the six its dlt resources; that a batch types into the one-advertiser rows of every
#: default report table is tests/source/test_report_batches.py's.)
REPORTS = ["ad_insights", "ad_insights_by_age_and_gender", "campaign_insights_by_province"]
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

    alone, alone_requests = both_runs("alone", share_report_requests=False)
    shared, shared_requests = both_runs("shared")  # the default
    assert_identical(shared, alone)
    # advertisers with the same window share its request, up to five: first and second run
    for n_alone, n_shared in zip(alone_requests, shared_requests, strict=True):
        assert n_shared * 2 < n_alone, (alone_requests, shared_requests)
    # money rounded to whole units (rows in UTC: tests/source/test_report_batches.py, whose windows the
    # emulator's hourly re-summing answers in time)
    server.api.multi_report_variant = "rounded_money"
    guarded, guarded_requests = both_runs("rounded")
    server.api.multi_report_variant = None
    assert_identical(guarded, alone)
    for n_shared, n_guarded in zip(shared_requests, guarded_requests, strict=True):
        assert n_guarded > n_shared, (shared_requests, guarded_requests)  # the guard read again


def assert_identical(got_pipe: dlt.Pipeline, want_pipe: dlt.Pipeline) -> None:
    for table in REPORTS:
        got, want = support.data_rows(got_pipe, table), support.data_rows(want_pipe, table)
        assert got and got == want, f"{table}: {len(got)} rows vs {len(want)}"
        assert support.advertiser_states(got_pipe, table) == support.advertiser_states(want_pipe, table), (
            table
        )


def test_the_tables_are_default_report_tables_of_each_kind() -> None:
    """The tables above stay default report tables, one per report type and data level."""
    kinds = {(TABLES[name].report_type, TABLES[name].data_level) for name in REPORTS}
    assert set(REPORTS) <= set(DEFAULT_TABLES) and len(kinds) == len(REPORTS), kinds

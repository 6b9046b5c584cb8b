"""Async report tasks end to end: the same world loaded through tasks and through the one-advertiser
synchronous path gives identical tables, row for row; failed or refused tasks fall back to the synchronous
path; incremental state is the same either way."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import pytest
import support
from cut_downloads import cut_downloads
from dlt.pipeline.exceptions import PipelineStepFailed

from tiktok_ads import ALL_TABLES as TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.endpoints import async_reports as tasks_module

TODAY = dt.date(2026, 3, 31)
#: two advertisers in different time zones, 130 days of history: 5 windows of at most 30 days each
WORLD = WorldConfig(seed=33, advertisers=2, campaigns=2, adgroups=1, ads=2, days=130, today=TODAY)
START = TODAY - dt.timedelta(days=125)
#: a task-able daily table at each level, an hourly grid table, and an audience table tasks cannot serve
REPORTS = ["ad_insights", "advertiser_insights", "ad_insights_by_country"]
HOURLY = "campaign_insights_hourly"
TASK_ROUTES = ("report/task/create/", "report/task/check/", "report/task/download/")


@pytest.fixture(autouse=True)
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check tasks without waiting (the emulator advances a task per check, not by wall time)."""
    monkeypatch.setattr(tasks_module, "FIRST_POLL_SECONDS", 0.0)


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer], unpaced_task_paths: None) -> EmulatorServer:
    """An emulator that does not limit task creation, so the client does not pace it either."""
    return emulator_factory(WORLD)


def load(server: EmulatorServer, tmp_path: Path, name: str, **settings: Any) -> dlt.Pipeline:
    """One pipeline run (of ``REPORTS`` unless ``tables`` is given) into its own duckdb file."""
    pipe = support.make_pipeline(tmp_path, f"tiktok_ads_{name}")
    settings.setdefault("start_date", START)
    settings.setdefault("tables", REPORTS)
    # the counts below are the async path's and one advertiser's per request (sharing synchronous requests
    # between advertisers is test_shared_reports.py's subject)
    settings.setdefault("share_report_requests", False)
    support.run(pipe, server, **settings)
    return pipe


def assert_identical(left: dlt.Pipeline, right: dlt.Pipeline, tables: list[str] = REPORTS) -> None:
    for name in tables:
        got, want = support.data_rows(left, name), support.data_rows(right, name)
        assert got, name
        assert got == want, f"{name}: {len(got)} rows vs {len(want)}"


def report_state(pipe: dlt.Pipeline, tables: list[str]) -> dict[str, Any]:
    states = support.all_advertiser_states(pipe)
    return {name: states[name] for name in tables}


def test_tasks_and_sync_requests_load_identical_tables(server: EmulatorServer, tmp_path: Path) -> None:
    tables = REPORTS
    via_tasks = load(server, tmp_path, "tasks", tables=tables)
    stats = dict(server.stats.requests)
    server.stats.reset()
    via_sync = load(server, tmp_path, "sync", tables=tables, async_reports="never")
    assert_identical(via_tasks, via_sync, tables)
    assert_equals_truth(via_tasks, server)  # ...and the model's truth
    assert report_state(via_tasks, tables) == report_state(via_sync, tables)
    # one task per advertiser and task-able table; the audience table (UV metrics) stays synchronous
    tasks_tables = 2
    assert stats["report/task/create/"] == stats["report/task/download/"] == 2 * tasks_tables
    assert (
        stats["report/task/check/"] == 2 * 2 * tasks_tables
    )  # the emulator finishes a task on its 2nd check
    # the audience table's 5 windows per advertiser; synchronously all three tables' (small pages: one each)
    assert stats["report/integrated/get/"] == 5 * 2
    assert server.stats.requests["report/integrated/get/"] == 3 * 5 * 2


def test_hourly_tables_are_identical_through_tasks(server: EmulatorServer, tmp_path: Path) -> None:
    start = (TODAY - dt.timedelta(days=5)).isoformat()  # 6+ one-day windows: one task per advertiser
    via_tasks = load(server, tmp_path, "tasks", tables=[HOURLY], start_date=start)
    assert server.stats.requests["report/task/create/"] == 2
    assert server.stats.requests["report/integrated/get/"] == 0
    via_sync = load(server, tmp_path, "sync", tables=[HOURLY], start_date=start, async_reports="never")
    assert_identical(via_tasks, via_sync, [HOURLY])


def test_a_daily_run_after_a_task_backfill_stays_synchronous(server: EmulatorServer, tmp_path: Path) -> None:
    pipe = load(server, tmp_path, "daily")
    server.world.set_now(server.world.now + dt.timedelta(days=1))
    server.stats.reset()
    load(server, tmp_path, "daily")
    # the daily tables re-read 8 days: one window each, synchronous (a task costs more than it saves)
    assert not any(server.stats.requests[r] for r in TASK_ROUTES)
    assert_equals_truth(pipe, server)


def assert_equals_truth(pipe: dlt.Pipeline, server: EmulatorServer) -> None:
    for name in REPORTS:
        want = support.report_truth(server, TABLES[name], start_date=START, include_deleted=False)
        assert support.report_differences(support.rows(pipe, name), want, TABLES[name]) == [], name


def test_a_failed_task_falls_back_to_the_sync_path_loudly(
    server: EmulatorServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.api.tasks.fail_next(1)
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        via_tasks = load(server, tmp_path, "failed")
    assert "reading it synchronously" in caplog.text
    assert server.stats.requests["report/task/create/"] == 4  # the other tasks still ran
    assert_equals_truth(via_tasks, server)


def test_a_refused_task_stops_tasks_for_the_run(
    server: EmulatorServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.api.tasks.per_account_hour = 0  # every creation answers the hourly quota (40200)
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        via_tasks = load(server, tmp_path, "refused", max_concurrency=1)
    assert "no more async report tasks in this run" in caplog.text
    # one worker for the source (max_concurrency=1: the source's one pool) runs one unit at a time, so the
    # first unit's creation (and its retry) is refused and turns tasks off before any other unit plans one
    assert server.stats.requests["report/task/create/"] == 1 + tasks_module.CREATE_RETRIES
    assert server.stats.codes[40200] == 1 + tasks_module.CREATE_RETRIES
    assert server.stats.requests["report/task/check/"] == 0
    assert_equals_truth(via_tasks, server)


def test_always_uses_a_task_even_for_a_short_range(
    emulator_factory: Callable[..., EmulatorServer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # TikTok's 1 task creation per second: the client paces creations even without max_qps
    server = emulator_factory(WORLD, task_create_qps=1)
    start = (TODAY - dt.timedelta(days=3)).isoformat()
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        load(server, tmp_path, "always", start_date=start, async_reports="always")
    # one task per advertiser and table (a creation refused by the 1-QPS limit, if any, was retried)
    assert server.stats.requests["report/task/create/"] - server.stats.codes[40100] == 4
    assert "reading it synchronously" not in caplog.text
    assert server.stats.requests["report/integrated/get/"] == 2  # the audience table only


def test_a_download_cut_short_falls_back_to_the_sync_path(
    server: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cut = cut_downloads(monkeypatch, after=2_000)  # every attempt of every download breaks mid-body
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        via_tasks = load(server, tmp_path, "cut", max_retries=1)
    assert len(cut) == server.stats.requests["report/task/download/"] == 2 * 2 * 2  # 2 tables x 2 advertisers
    assert "retrying /open_api/v1.3/report/task/download/" in caplog.text
    assert "reading it synchronously" in caplog.text and "Connection broken" in caplog.text
    assert_equals_truth(via_tasks, server)  # every row once: none came from the cut downloads
    via_sync = load(server, tmp_path, "sync", async_reports="never")
    assert_identical(via_tasks, via_sync)
    assert report_state(via_tasks, REPORTS) == report_state(via_sync, REPORTS)


def test_a_csv_cut_after_its_first_page_fails_the_run_and_keeps_the_state(
    server: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a body that ends early but cleanly (HTTP cannot tell) in a row after the first page: rows were handed on,
    # so a synchronous re-read would load them twice; the run fails, naming the line, and no cursor moves
    monkeypatch.setattr(tasks_module, "BLOCK_BYTES", 1 << 12)
    cut_downloads(monkeypatch, after=30_000, broken=False)
    with pytest.raises(PipelineStepFailed, match=r"async report.*line \d+: Expected \d+ columns"):
        load(server, tmp_path, "cut", tables=["ad_insights"], page_size=20)
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_cut")
    assert "ad_insights" not in support.all_advertiser_states(pipe)


def test_tasks_shared_by_advertisers_load_the_tables_of_one_advertiser_per_request(
    emulator_factory: Callable[..., EmulatorServer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Six advertisers in six zones: the task-able tables' 5-window ranges are one task of five advertisers
    (advertiser_ids) and one of the sixth alone; every row and cursor equals the one-advertiser synchronous
    load's."""
    server = emulator_factory(
        WorldConfig(seed=34, advertisers=6, campaigns=2, adgroups=1, ads=2, days=130, today=TODAY)
    )
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        shared = load(server, tmp_path, "shared", share_report_requests=True)
    stats = dict(server.stats.requests)
    server.stats.reset()
    alone = load(server, tmp_path, "alone", async_reports="never")
    assert_identical(shared, alone)
    assert report_state(shared, REPORTS) == report_state(alone, REPORTS)
    assert "did not deliver" not in caplog.text  # no shared task fell back (transport retries may be logged)
    # per task-able table: the shared task and the sixth advertiser's own
    assert stats["report/task/create/"] == stats["report/task/download/"] == 2 * 2
    # only the audience table (UV metrics: no task) is read synchronously, its windows shared (fewer than its
    # 5 windows x 6 advertisers alone)
    assert 5 <= stats["report/integrated/get/"] < 5 * 6
    assert server.stats.requests["report/integrated/get/"] == 3 * 5 * 6

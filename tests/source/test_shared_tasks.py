"""Async report tasks shared by advertisers (advertiser_ids on report/task/create/), through ReportBatches.

Each advertiser's rows from a shared task must type into exactly the rows of its own synchronous requests; every
departure (a failed or refused task, a cut file, money without cents, a row in another currency) reads the
advertisers one at a time, as they would be without sharing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import report_decoder
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.data.model import WorldConfig
from tiktok_ads.emulator.rules import multi_reports
from tiktok_ads.endpoints import async_reports as ar
from tiktok_ads.endpoints.arrow_pages import arrow_schema, report_page_table
from tiktok_ads.endpoints.extract import report_pages
from tiktok_ads.endpoints.report_batches import ReportBatches
from tiktok_ads.tables.metrics_file import TASK_AUDIENCE_REFUSED
from tiktok_ads.tables.report_grid import ALL_TABLES
from tiktok_ads.windows import DateWindow, split_range

TODAY = dt.date(2024, 6, 15)
#: 6 advertisers in 6 time zones (the emulator cycles over 11)
WORLD = WorldConfig(seed=8, advertisers=6, campaigns=2, adgroups=1, ads=2, days=160, today=TODAY)
RANGE = DateWindow(TODAY - dt.timedelta(days=150), TODAY - dt.timedelta(days=2))  # 5 windows of 30 days
HOURS = DateWindow(TODAY - dt.timedelta(days=7), TODAY - dt.timedelta(days=2))  # 6 one-day windows
TABLES = {"ad_insights": RANGE, "advertiser_insights": RANGE, "campaign_insights_hourly": HOURS}
REPORT = "/open_api/v1.3/report/integrated/get/"
CREATE = "/open_api/v1.3/report/task/create/"


@pytest.fixture
def world(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


@pytest.fixture
def client(world: EmulatorServer) -> Iterator[TikTokClient]:
    with TikTokClient(
        world.access_token, base_url=world.base_url, max_qps=0, max_retries=1, backoff_base=0.001
    ) as made:
        yield made


def facts(server: EmulatorServer) -> tuple[dict[str, str], dict[str, str]]:
    """Each advertiser's time zone and currency (``advertiser/info/``)."""
    zones, currencies = {}, {}
    for adv in server.advertiser_ids:
        info = server.world.advertiser_info(adv)
        zones[adv], currencies[adv] = info["timezone"], info["currency"]
    return zones, currencies


def typed(spec: Any, advertiser_id: str, pages: Iterator[Any]) -> list[str]:
    """The typed rows the source would load from these pages, in a stable order."""
    rows: list[dict[str, Any]] = []
    for page in pages:
        rows += report_page_table(spec, advertiser_id, page, arrow_schema(spec)).to_pylist()
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def one_by_one(client: TikTokClient, spec: Any, advertiser_id: str, window: DateWindow) -> list[str]:
    """One advertiser's rows through its own synchronous requests, window by window."""
    parts = split_range(window.start, window.end, spec.window_days)
    pages = (
        page
        for part in parts
        for page in report_pages(client, spec, advertiser_id, part, include_deleted=False, page_size=1000)
    )
    return typed(spec, advertiser_id, pages)


def shared(
    client: TikTokClient,
    server: EmulatorServer,
    name: str,
    switch: ar.TaskSwitch,
    warnings: list[str] | None = None,
    currencies: dict[str, str] | None = None,
) -> tuple[ReportBatches, dict[str, list[str]]]:
    """Every advertiser's rows of ``name`` through ReportBatches with shared tasks."""
    spec = ALL_TABLES[name]
    window = TABLES[name]
    zones, known = facts(server)
    batches = ReportBatches(
        client,
        spec,
        {},
        zones,
        include_deleted=False,
        page_size=1000,
        decode=report_decoder(spec.dimensions, spec.metrics),
        currencies=currencies or known,
        warn=(warnings if warnings is not None else []).append,
        ranges=dict.fromkeys(zones, window),
        tasks=switch,
        sleep=lambda _: None,
    )
    return batches, {a: typed(spec, a, batches.pages(a, window)) for a in zones}


def requests_of(client: TikTokClient, path: str) -> int:
    return client.stats.requests_by_path[path]


@pytest.mark.parametrize("name", list(TABLES))
def test_a_shared_task_gives_each_advertiser_its_own_rows(
    world: EmulatorServer, client: TikTokClient, name: str
) -> None:
    spec, window = ALL_TABLES[name], TABLES[name]
    alone = {a: one_by_one(client, spec, a, window) for a in world.advertiser_ids}
    assert all(alone.values()), name
    sync = requests_of(client, REPORT)
    batches, rows = shared(client, world, name, ar.TaskSwitch("auto"))
    assert rows == alone
    assert not batches.fallbacks
    # 6 advertisers: a task of five; the sixth reads its range alone (its own task: 5 windows)
    assert {len(b.members) for b in batches.batches.values()} == {5}
    assert requests_of(client, CREATE) == 2 and requests_of(client, REPORT) == sync
    # create, 2 checks (the emulator finishes a task on its 2nd), download: per task
    assert client.stats.requests == sync + 2 * 4


def test_a_failed_shared_task_reads_each_advertiser_alone_loudly(
    world: EmulatorServer, client: TikTokClient
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    world.api.tasks.fail_next(1)
    switch, warnings = ar.TaskSwitch("auto"), []
    batches, rows = shared(client, world, "ad_insights", switch, warnings)
    assert rows == alone
    assert batches.fallbacks["task"] == 1 and switch.fallbacks == 1
    assert any("did not deliver" in w for w in warnings)
    assert client.stats.warnings["async_fallback"] == 1
    # the shared task, then each of the six its own (5 windows each: a task saves requests)
    assert requests_of(client, CREATE) == 1 + 6
    assert switch.mode == "auto"


def test_a_refused_shared_form_stops_the_tables_shared_tasks_and_one_advertiser_tasks_go_on(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    monkeypatch.setattr(multi_reports, "MAX_ADVERTISERS", 1)  # advertiser_ids refused (40002)
    switch = ar.TaskSwitch("auto")
    batches, rows = shared(client, world, "ad_insights", switch)
    assert rows == alone
    assert batches.fallbacks["task"] == 1 and switch.mode == "auto"
    assert requests_of(client, CREATE) == 1 + 6
    # that table's shared tasks only: another table still tries its own
    other, _ = shared(client, world, "advertiser_insights", switch)
    assert other.fallbacks["task"] == 1 and requests_of(client, CREATE) == 2 * (1 + 6)


def test_a_refused_quota_stops_every_task_and_reads_synchronously(
    world: EmulatorServer, client: TikTokClient
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    before = requests_of(client, REPORT)
    world.api.tasks.per_account_hour = 0  # 40200
    switch = ar.TaskSwitch("auto")
    _, rows = shared(client, world, "ad_insights", switch)
    assert rows == alone
    assert switch.mode == "never"
    assert requests_of(client, CREATE) <= 2 * (1 + ar.CREATE_RETRIES)  # the shared task (and the lone one)
    assert requests_of(client, REPORT) - before == 6 * 5  # every window of every advertiser


def test_a_shared_task_cut_at_20000_ids_reads_each_advertiser_alone(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    monkeypatch.setattr(multi_reports, "MAX_IDS", 3)  # the 20,000-id cut, in a world of 24 ads
    batches, rows = shared(client, world, "ad_insights", ar.TaskSwitch("auto"))
    assert rows == alone
    assert batches.fallbacks["ads_throttle"] == 1


def test_money_rounded_in_a_shared_task_is_read_again_alone(
    world: EmulatorServer, client: TikTokClient
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    world.api.multi_report_variant = "rounded_money"
    warnings: list[str] = []
    batches, rows = shared(client, world, "ad_insights", ar.TaskSwitch("auto"), warnings)
    assert rows == alone  # no rounded value is loaded
    assert batches.fallbacks["rounded"] == 1
    members = next(b.members for b in batches.batches.values())
    assert any(all(a in w for a in members) for w in warnings)


def test_rows_in_another_currency_than_advertiser_info_make_the_task_read_alone(
    world: EmulatorServer, client: TikTokClient
) -> None:
    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    _, known = facts(world)
    wrong = {**known, world.advertiser_ids[0]: "XXX"}
    warnings: list[str] = []
    batches, rows = shared(client, world, "ad_insights", ar.TaskSwitch("auto"), warnings, wrong)
    assert rows == alone
    assert batches.fallbacks["bad_rows"] == 1 and any("currency" in w for w in warnings)


def test_which_ranges_a_shared_task_reads() -> None:
    spec, audience = ALL_TABLES["ad_insights"], ALL_TABLES["ad_insights_by_age_and_gender"]
    quarter = DateWindow(dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # 4 windows
    assert not ar.use_shared_task("auto", spec, quarter, include_deleted=False)  # 4 one-page windows = a task
    assert ar.use_shared_task("auto", spec, RANGE, include_deleted=False)
    assert ar.use_shared_task("always", spec, HOURS, include_deleted=False)
    assert not ar.use_shared_task("never", spec, RANGE, include_deleted=False)
    # UV metrics with audience dimensions: async reports refuse them ([TTD-async])
    assert not ar.use_shared_task("auto", audience, RANGE, include_deleted=False)
    no_uv = [m for m in audience.metrics if m not in TASK_AUDIENCE_REFUSED]
    lean = dataclasses.replace(audience, metrics=tuple(no_uv))
    assert ar.use_shared_task("auto", lean, quarter, include_deleted=False)  # several rows per ad and day
    dims, mets = ar.shared_columns(spec)
    assert dims == (*spec.dimensions, "advertiser_id") and mets == (*spec.metrics, "currency")
    body = ar.shared_task_body(spec, ["1", "2"], RANGE)
    assert body["advertiser_ids"] == ["1", "2"] and "advertiser_id" not in body


def test_a_shared_task_too_large_to_keep_reads_each_advertiser_alone(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiktok_ads.endpoints import report_batches as rb

    spec = ALL_TABLES["ad_insights"]
    alone = {a: one_by_one(client, spec, a, RANGE) for a in world.advertiser_ids}
    monkeypatch.setattr(rb, "MAX_SHARED_TASK_ROWS", 100)  # memory: the members' rows are kept until read
    batches, rows = shared(client, world, "ad_insights", ar.TaskSwitch("auto"))
    assert rows == alone
    assert batches.fallbacks["large"] == 1


def test_shared_task_creations_are_paced_by_the_apps_task_budget(
    emulator_factory: Callable[..., EmulatorServer],
) -> None:
    """TikTok's 1 task creation per second and app: a shared creation is one request of that budget
    (rate_limit.PATH_BUDGETS), paced by the client even with max_qps = 0."""
    server = emulator_factory(WORLD, task_create_qps=1)
    with TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_retries=0) as client:
        for name in ("ad_insights", "advertiser_insights"):
            batches, rows = shared(client, server, name, ar.TaskSwitch("auto"))
            assert all(rows.values()) and not batches.fallbacks, name
    # per table: the shared task and the sixth's own, one request of the budget each (a creation the emulator's
    # 1-per-second bucket refused anyway, when a loaded machine delays one request and not the next, is retried)
    assert server.stats.requests["report/task/create/"] - server.stats.codes[40100] == 4

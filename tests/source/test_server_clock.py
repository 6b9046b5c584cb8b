"""The run's "today" is TikTok's: the ``Date`` header of its answers, not the machine's clock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path

import dlt
import pytest
import requests
import support

from tiktok_ads.api.server_clock import ServerClock, parse_http_date, tiktok_now
from tiktok_ads.emulator import EmulatorServer, WorldConfig

UTC = dt.timezone.utc
TODAY = dt.date(2024, 6, 15)  # years before the machine's clock: a run on the machine's "today" loads nothing
WORLD = WorldConfig(seed=11, advertisers=3, campaigns=2, adgroups=1, ads=2, days=20, today=TODAY)


def test_parse_http_date() -> None:
    assert parse_http_date("Sat, 15 Jun 2024 12:00:00 GMT") == dt.datetime(2024, 6, 15, 12, tzinfo=UTC)
    assert parse_http_date("Sat, 15 Jun 2024 14:00:00 +0200") == dt.datetime(2024, 6, 15, 12, tzinfo=UTC)
    assert parse_http_date(None) is None
    assert parse_http_date("") is None
    assert parse_http_date("yesterday-ish") is None


def test_server_clock_advances_from_the_last_date_seen() -> None:
    ticks = [100.0]
    clock = ServerClock(monotonic=lambda: ticks[0])
    assert clock.now() is None
    clock.observe("not a date")
    assert clock.now() is None
    clock.observe("Sat, 15 Jun 2024 23:59:50 GMT")
    ticks[0] = 120.0  # 20 s later on this machine: TikTok's day has turned
    assert clock.now() == dt.datetime(2024, 6, 16, 0, 0, 10, tzinfo=UTC)
    clock.observe("Sun, 16 Jun 2024 00:00:05 GMT")  # a newer answer resets the anchor
    assert clock.now() == dt.datetime(2024, 6, 16, 0, 0, 5, tzinfo=UTC)


def test_without_a_date_the_machine_clock_is_used_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    now = tiktok_now(ServerClock())
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        first, second = now(), now()
    machine = dt.datetime.now(UTC)
    assert abs((machine - first).total_seconds()) < 60 and second >= first
    warnings = [r for r in caplog.records if "Date header" in r.getMessage()]
    assert len(warnings) == 1
    seen = ServerClock()
    seen.observe("Sat, 15 Jun 2024 12:00:00 GMT")
    assert tiktok_now(seen)().date() == TODAY


def test_emulator_date_header_is_its_clock(emulator_factory: Callable[..., EmulatorServer]) -> None:
    server = emulator_factory(WORLD)
    url = server.api_base + "user/info/"
    answer = requests.get(url, headers={"Access-Token": server.access_token}, timeout=10)
    assert parsedate_to_datetime(answer.headers["Date"]) == dt.datetime(2024, 6, 15, 12, tzinfo=UTC)
    assert answer.json()["request_id"].startswith("20240615120000")
    requests.post(server.base_url + "/_emulator/clock", json={"advance_days": 1}, timeout=10)
    moved = requests.get(url, headers={"Access-Token": server.access_token}, timeout=10)
    assert parsedate_to_datetime(moved.headers["Date"]).date() == dt.date(2024, 6, 16)
    # a 404 carries TikTok's clock too
    missing = requests.get(server.api_base + "no/such/route/", timeout=10)
    assert missing.status_code == 404
    assert parsedate_to_datetime(missing.headers["Date"]).date() == dt.date(2024, 6, 16)


def _last_days(pipeline: dlt.Pipeline) -> dict[str, dt.date]:
    found = support.query(
        pipeline, "SELECT advertiser_id, max(stat_time_day) FROM ad_insights GROUP BY advertiser_id"
    )
    return {str(adv): (day.date() if isinstance(day, dt.datetime) else day) for adv, day in found}


def test_a_run_without_an_injected_clock_loads_the_emulated_days(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    pipeline = support.make_pipeline(tmp_path, "server_clock")
    # clock=None: today comes from the emulator's Date header
    support.run(
        pipeline, server, start_date=TODAY - dt.timedelta(days=10), tables=["ad_insights"], clock=None
    )
    want = {adv: server.world.local_today(adv) for adv in server.advertiser_ids}
    assert _last_days(pipeline) == want
    state = support.advertiser_states(pipeline, "ad_insights")
    assert {adv: dt.date.fromisoformat(e["last_day"]) for adv, e in state.items()} == want


def test_the_default_start_date_is_a_year_before_tiktoks_today(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    """No start_date and no clock: the default (365 days back) counts from TikTok's today, not the machine's
    (which is years after this world's: from the machine's clock nothing would be read)."""
    server = emulator_factory(WORLD)
    pipeline = support.make_pipeline(tmp_path, "default_start")
    support.run(pipeline, server, start_date=None, tables=["ad_insights"], clock=None)
    assert _last_days(pipeline) == {adv: server.world.local_today(adv) for adv in server.advertiser_ids}
    state = support.advertiser_states(pipeline, "ad_insights")
    assert {e["start_date"] for e in state.values()} == {(TODAY - dt.timedelta(days=365)).isoformat()}

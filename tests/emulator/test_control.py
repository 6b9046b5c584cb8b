"""The emulator's control routes: ``GET /_emulator/stats``, ``GET``/``POST /_emulator/clock`` (benchmarks use them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer


def control(server: EmulatorServer, method: str, name: str, **kwargs: object) -> requests.Response:
    """One request to ``/_emulator/<name>``."""
    return requests.request(method, f"{server.base_url}/_emulator/{name}", timeout=10, **kwargs)  # type: ignore[arg-type]


def api_get(server: EmulatorServer, route: str, **params: str) -> dict[str, object]:
    """One API request with the world's token; returns the envelope."""
    response = requests.get(
        server.api_base + route, params=params, headers={"Access-Token": server.access_token}, timeout=10
    )
    body: dict[str, object] = response.json()
    return body


def test_stats_count_requests_per_route_and_are_not_counted_themselves(emulator: EmulatorServer) -> None:
    first = control(emulator, "GET", "stats")
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("application/json")
    assert first.json()["total_requests"] == 0
    api_get(emulator, "user/info/")
    api_get(emulator, "campaign/get/", advertiser_id=emulator.advertiser_ids[0])
    api_get(emulator, "campaign/get", advertiser_id=emulator.advertiser_ids[0])
    stats = control(emulator, "GET", "stats/").json()
    assert stats["total_requests"] == 3
    assert stats["requests"] == {"user/info/": 1, "campaign/get/": 2}
    assert stats["codes"] == {"0": 3}
    assert stats["rate_limited_app"] == stats["rate_limited_advertiser"] == 0
    assert stats["not_found"] == 0
    assert stats["now"] == emulator.world.now.isoformat()
    assert stats == {**emulator.stats.snapshot(), "now": stats["now"]}


def test_stats_count_rate_limit_answers(emulator_factory: Callable[..., EmulatorServer]) -> None:
    server = emulator_factory(qps=2, qpm=None, advertiser_qps=None)
    codes = [api_get(server, "user/info/")["code"] for _ in range(6)]
    assert 40100 in codes
    stats = control(server, "GET", "stats").json()
    assert stats["total_requests"] == 6
    assert stats["rate_limited_app"] == codes.count(40100) == stats["codes"]["40100"]
    # control routes pass no rate limit
    assert all(control(server, "GET", "stats").status_code == 200 for _ in range(5))


def test_stats_count_advertiser_limit_answers(emulator_factory: Callable[..., EmulatorServer]) -> None:
    server = emulator_factory(qps=None, qpm=None, advertiser_qps=1)
    adv = server.advertiser_ids[0]
    codes = [api_get(server, "campaign/get/", advertiser_id=adv)["code"] for _ in range(4)]
    assert 40133 in codes
    assert control(server, "GET", "stats").json()["rate_limited_advertiser"] == codes.count(40133)


def test_clock_get_and_move(emulator: EmulatorServer) -> None:
    world = emulator.world
    start = world.now
    assert control(emulator, "GET", "clock").json() == {"now": start.isoformat()}
    moved = control(emulator, "POST", "clock", json={"advance_days": 1})
    assert moved.status_code == 200
    assert world.now == start + dt.timedelta(days=1)
    assert moved.json() == {"now": world.now.isoformat()}
    control(emulator, "POST", "clock", json={"today": "2024-07-01"})
    assert world.now == dt.datetime(2024, 7, 1, 12, tzinfo=dt.timezone.utc)
    control(emulator, "POST", "clock", json={"now": "2024-07-02T03:04:05"})
    assert world.now == dt.datetime(2024, 7, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    control(emulator, "POST", "clock", json={"now": "2024-07-02T10:00:00+02:00"})
    assert world.now == dt.datetime(2024, 7, 2, 8, tzinfo=dt.timezone.utc)
    assert emulator.stats.total_requests == 0


def test_moved_clock_serves_the_next_day(emulator: EmulatorServer) -> None:
    """After one day more, the report reaches one local day further (and the API sees the new clock)."""
    adv = emulator.advertiser_ids[0]
    today = emulator.world.local_today(adv)
    params = {
        "advertiser_id": adv,
        "report_type": "BASIC",
        "data_level": "AUCTION_ADVERTISER",
        "dimensions": '["advertiser_id", "stat_time_day"]',
        "metrics": '["spend"]',
        "start_date": (today - dt.timedelta(days=3)).isoformat(),
        "end_date": (today + dt.timedelta(days=1)).isoformat(),
    }
    before = api_get(emulator, "report/integrated/get/", **params)
    control(emulator, "POST", "clock", json={"advance_days": 1})
    after = api_get(emulator, "report/integrated/get/", **params)
    days_before = {r["dimensions"]["stat_time_day"][:10] for r in before["data"]["list"]}  # type: ignore[index]
    days_after = {r["dimensions"]["stat_time_day"][:10] for r in after["data"]["list"]}  # type: ignore[index]
    assert max(days_after) == (today + dt.timedelta(days=1)).isoformat() > max(days_before)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b"{}",
        b'{"today": "2024-07-01", "advance_days": 1}',
        b'{"today": "yesterday"}',
        b'{"today": 20240701}',
        b'{"advance_days": "1"}',
        b'{"advance_days": true}',
        b'{"advance_days": 1e12}',
        b'{"tomorrow": true}',
    ],
)
def test_bad_clock_body_is_400_and_leaves_the_clock(emulator: EmulatorServer, body: bytes) -> None:
    start = emulator.world.now
    response = control(emulator, "POST", "clock", data=body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert emulator.world.now == start


@pytest.mark.parametrize(
    ("method", "name"), [("GET", "nothing"), ("POST", "stats"), ("DELETE", "clock"), ("GET", "")]
)
def test_unknown_control_route_is_plain_404(emulator: EmulatorServer, method: str, name: str) -> None:
    response = control(emulator, method, name)
    assert response.status_code == 404
    assert response.text == "404 page not found"

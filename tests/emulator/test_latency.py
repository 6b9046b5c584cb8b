"""The emulator's latency model (``--latency``, ``--latency-per-row``): off by default, a lower bound on every
answer's time when on, and why a sequential client never meets 40133 against TikTok."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.__main__ import build_parser
from tiktok_ads.emulator.transport.latency import NONE, TYPICAL, Latency


def test_latency_model() -> None:
    assert not NONE.enabled and NONE.delay(1000) == 0
    assert Latency(0.5, 0.001).delay(1000) == pytest.approx(1.5)
    assert Latency(0.5, 0.001).delay(-3) == 0.5
    assert TYPICAL.enabled
    for bad in (-0.1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="latency base"):
            Latency(bad)
        with pytest.raises(ValueError, match="latency per_row"):
            Latency(0.0, bad)


def test_cli_options() -> None:
    args = build_parser().parse_args(["--latency", "0.5", "--latency-per-row", "0.001"])
    assert (args.latency, args.latency_per_row) == (0.5, 0.001)
    defaults = build_parser().parse_args([])
    assert (defaults.latency, defaults.latency_per_row) == (0.0, 0.0)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--latency", "-1"])


def _timed(session: requests.Session, server: EmulatorServer, route: str, **params: Any) -> tuple[float, Any]:
    started = time.monotonic()
    answer = session.get(
        server.api_base + route, params=params, headers={"Access-Token": server.access_token}, timeout=30
    )
    return time.monotonic() - started, answer.json()


def test_off_by_default_and_a_lower_bound_when_on(emulator_factory: Callable[..., EmulatorServer]) -> None:
    assert not emulator_factory().latency.enabled
    server = emulator_factory(latency=0.2, latency_per_row=0.002)
    adv = server.advertiser_ids[0]
    with requests.Session() as session:
        took, body = _timed(session, server, "user/info/")
        assert body["code"] == 0 and took >= 0.2
        params = {
            "advertiser_id": adv,
            "report_type": "BASIC",
            "data_level": "AUCTION_AD",
            "dimensions": '["ad_id","stat_time_day"]',
            "start_date": "2024-06-01",
            "end_date": "2024-06-14",
            "page_size": "200",
        }
        took, body = _timed(session, server, "report/integrated/get/", **params)
        rows = len(body["data"]["list"])
        assert rows > 50 and took >= 0.2 + 0.002 * rows
        server.latency = NONE  # switchable while serving
        took, _ = _timed(session, server, "user/info/")
        assert took < 0.2


def _sequential_codes(server: EmulatorServer, n: int) -> Counter[int]:
    adv = server.advertiser_ids[0]
    codes: Counter[int] = Counter()
    with requests.Session() as session:
        for _ in range(n):  # one request in flight at a time, no pacing at all
            codes[_timed(session, server, "campaign/get/", advertiser_id=adv)[1]["code"]] += 1
    return codes


def test_a_sequential_client_meets_40133_only_against_an_instant_emulator(
    emulator_factory: Callable[..., EmulatorServer],
) -> None:
    # The per-advertiser limit allows 20 requests per second and path. An instant emulator lets a sequential
    # client send hundreds per second (an artefact); with TikTok's latency one request in flight at a time
    # cannot exceed 1 / latency per second, here under 17.
    instant = emulator_factory(advertiser_qps=20)
    assert _sequential_codes(instant, 200)[40133] > 0
    slow = emulator_factory(advertiser_qps=20, latency=0.06)
    assert _sequential_codes(slow, 30) == Counter({0: 30})

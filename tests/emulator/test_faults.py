"""Fault injection: scripted and random faults of every kind, seeded, never consuming data."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.transport.faults import FAULT_KINDS

REPORT = "report/integrated/get/"
ENVELOPE_CODES = {"50000": 50000, "50002": 50002, "51305": 51305, "60001": 60001}
HTTP_STATUS = {"http500": 500, "http502": 502, "http504": 504}


def report_params(server: EmulatorServer) -> dict[str, Any]:
    """A small valid report query."""
    return {
        "advertiser_id": server.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": ["spend", "impressions", "ad_name"],
        "start_date": "2024-06-01",
        "end_date": "2024-06-14",
        "page_size": 50,
    }


def outcome(tiktok: Any, route: str = REPORT, **params: Any) -> str:
    """Classify one request: ``ok``, an envelope code, ``http<status>``, ``reset`` or ``truncated``."""
    try:
        response = tiktok.get(route, **params)
    except requests.ConnectionError:
        return "reset"
    if response.status_code != 200:
        assert "json" not in response.headers["Content-Type"]
        with pytest.raises(ValueError):
            json.loads(response.content)
        return f"http{response.status_code}"
    try:
        body = response.json()
    except ValueError:
        assert response.content.startswith(b'{"code":0,"message":"OK"')
        return "truncated"
    return "ok" if body["code"] == 0 else str(body["code"])


@pytest.mark.parametrize("kind", [k for k in FAULT_KINDS if k != "slow"])
def test_scripted_fault_hits_exactly_the_nth_request(
    tiktok: Any, emulator: EmulatorServer, kind: str
) -> None:
    params = report_params(emulator)
    expected = tiktok.data(REPORT, **params)
    emulator.script_fault(REPORT, nth=3, fault=kind)
    results = [outcome(tiktok, **params) for _ in range(5)]
    assert results == ["ok", "ok", kind, "ok", "ok"]
    assert tiktok.data(REPORT, **params) == expected  # the fault consumed nothing
    assert emulator.stats.faults[kind] == 1


@pytest.mark.parametrize("kind", list(ENVELOPE_CODES))
def test_envelope_faults_have_plausible_messages(tiktok: Any, emulator: EmulatorServer, kind: str) -> None:
    emulator.script_fault("user/info/", nth=1, fault=kind)
    body = tiktok.get("user/info/").json()
    assert body["code"] == ENVELOPE_CODES[kind]
    assert body["data"] == {} and body["message"] and body["request_id"]


@pytest.mark.parametrize("kind", list(HTTP_STATUS))
def test_http_faults_have_non_json_bodies(tiktok: Any, emulator: EmulatorServer, kind: str) -> None:
    emulator.script_fault("campaign/get", nth=1, fault=kind)
    response = tiktok.get("campaign/get/", advertiser_id=emulator.advertiser_ids[0])
    assert response.status_code == HTTP_STATUS[kind]
    assert response.text and not response.text.lstrip().startswith("{")
    if kind != "http500":
        assert "<html>" in response.text and str(HTTP_STATUS[kind]) in response.text


def test_scripted_fault_times_and_any_route(tiktok: Any, emulator: EmulatorServer) -> None:
    emulator.script_fault("user/info/", nth=2, fault="50000", times=3)
    codes = [tiktok.get("user/info/").json()["code"] for _ in range(6)]
    assert codes == [0, 50000, 50000, 50000, 0, 0]
    emulator.script_fault("*", nth=1, fault="60001")
    assert tiktok.get("campaign/get/", advertiser_id=emulator.advertiser_ids[0]).json()["code"] == 60001
    assert tiktok.get("user/info/").json()["code"] == 0


def test_scripted_nth_counts_from_the_call(tiktok: Any, emulator: EmulatorServer) -> None:
    for _ in range(4):
        tiktok.get("user/info/")
    emulator.script_fault("user/info/", nth=1, fault="50002")
    assert tiktok.get("user/info/").json()["code"] == 50002


def test_slow_answer_is_delayed_then_correct(emulator_factory: Any, tiktok_for: Any) -> None:
    server = emulator_factory(slow_seconds=0.4)
    call = tiktok_for(server)
    params = report_params(server)
    expected = call.data(REPORT, **params)
    server.script_fault(REPORT, nth=1, fault="slow")
    started = time.monotonic()
    assert call.data(REPORT, **params) == expected
    assert time.monotonic() - started >= 0.4
    server.script_fault("user/info/", nth=1, fault="slow")
    with pytest.raises(requests.Timeout):  # a client with a short read timeout sees a timeout
        requests.get(call.url("user/info/"), headers={"Access-Token": server.access_token}, timeout=0.1)


def test_faults_do_not_consume_auth_codes(tiktok: Any, emulator: EmulatorServer) -> None:
    body = {"app_id": emulator.app_id, "secret": emulator.secret, "auth_code": emulator.auth_code}
    for kind in ("50002", "http502", "truncated", "reset", "slow"):
        emulator.script_fault("oauth2/access_token/", nth=1, fault=kind)
        try:
            response = tiktok.post("oauth2/access_token/", body)
        except requests.ConnectionError:
            assert kind == "reset"
            continue
        if kind == "slow":
            # a slow answer is a real answer: it consumes the code, so issue a fresh one for what follows
            assert response.json()["code"] == 0
            body["auth_code"] = emulator.api.issue_auth_code()
        elif kind == "truncated":
            with pytest.raises(ValueError):
                response.json()
        else:
            assert response.status_code != 200 or response.json()["code"] != 0
    assert tiktok.post("oauth2/access_token/", body).json()["code"] == 0
    assert tiktok.post("oauth2/access_token/", body).json()["code"] == 40110


def test_random_faults_mix_kinds_at_the_configured_rate(emulator_factory: Any, tiktok_for: Any) -> None:
    server = emulator_factory(fault_rate=0.5, fault_seed=42, slow_seconds=0.01)
    call = tiktok_for(server)
    results = [outcome(call, "user/info/") for _ in range(120)]
    faulted = [r for r in results if r != "ok"]
    assert 35 <= len(faulted) <= 85  # slow answers are "ok", so a bit under half
    assert {"50000", "50002", "51305", "60001", "http500", "http502", "http504", "reset", "truncated"} <= set(
        results
    )
    assert sum(server.stats.faults.values()) >= len(faulted)


def test_random_faults_are_seeded(emulator_factory: Any, tiktok_for: Any) -> None:
    runs = []
    for _ in range(2):
        server = emulator_factory(fault_rate=0.3, fault_seed=7, fault_kinds=["50002", "http504", "truncated"])
        call = tiktok_for(server)
        runs.append([outcome(call, "user/info/") for _ in range(60)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {"ok", "50002", "http504", "truncated"}
    other = emulator_factory(fault_rate=0.3, fault_seed=8, fault_kinds=["50002", "http504", "truncated"])
    assert [outcome(tiktok_for(other), "user/info/") for _ in range(60)] != runs[0]


def test_retried_request_gets_the_right_answer(emulator_factory: Any, tiktok_for: Any) -> None:
    clean = emulator_factory()
    expected = tiktok_for(clean).data(REPORT, **report_params(clean))
    flaky = emulator_factory(
        fault_rate=0.6, fault_seed=3, fault_kinds=["50002", "http502", "reset", "truncated"]
    )
    call = tiktok_for(flaky)
    answers, failures = [], 0
    for _attempt in range(60):
        try:
            response = call.get(REPORT, **report_params(flaky))
            body = response.json() if response.status_code == 200 else {"code": response.status_code}
        except (requests.ConnectionError, ValueError):
            body = {"code": -1}
        if body["code"] == 0:
            answers.append(body["data"])
        else:
            failures += 1
        if len(answers) == 3:
            break
    assert failures > 0 and len(answers) == 3
    assert all(a == expected for a in answers)


def test_fault_configuration_is_validated(emulator: EmulatorServer) -> None:
    with pytest.raises(ValueError):
        emulator.script_fault(REPORT, nth=1, fault="meteor")
    with pytest.raises(ValueError):
        emulator.set_faults(rate=1.5)

"""The emulator's HTTP layer: routing (404, trailing slash), keep-alive, concurrency, rate limits (40100/40133)."""

from __future__ import annotations

import json
import socket
import threading
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from frozen_clock import FrozenClock, freeze_emulator_limits

from tiktok_ads.emulator import EmulatorServer

APP_LIMIT = "Due to too many requests, requests from App [{}] are temporarily restricted."


def raw_request(
    server: EmulatorServer, request: bytes, sock: socket.socket | None = None
) -> tuple[bytes, bytes]:
    """Send raw bytes, read one HTTP response (by Content-Length); returns (head, body)."""
    own = sock is None
    conn = sock or socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        conn.sendall(request)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(65536)
            assert chunk, "connection closed before the response head"
            buffer += chunk
        head, _, body = buffer.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            chunk = conn.recv(65536)
            assert chunk, "connection closed mid-body"
            body += chunk
        return head, body
    finally:
        if own:
            conn.close()


def get_line(server: EmulatorServer, path: str, token: str | None = None) -> bytes:
    """A raw keep-alive HTTP/1.1 GET request."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    if token:
        lines.append(f"Access-Token: {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


# ---------------------------------------------------------------------------------------------- routing


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/open_api/v1.3/nothing/here/"),
        ("GET", "/open_api/v1.2/campaign/get/"),
        ("GET", "/campaign/get/"),
        ("GET", "/"),
        ("GET", "/open_api/v1.3/"),
        ("GET", "/open_api/v1.3/oauth2/access_token/"),  # POST only
        ("POST", "/open_api/v1.3/campaign/get/"),  # GET only
        ("DELETE", "/open_api/v1.3/user/info/"),
        ("PUT", "/open_api/v1.3/user/info/"),
    ],
)
def test_unknown_path_or_method_is_plain_404(emulator: EmulatorServer, method: str, path: str) -> None:
    response = requests.request(
        method, emulator.base_url + path, headers={"Access-Token": emulator.access_token}, timeout=10
    )
    assert response.status_code == 404
    assert response.text == "404 page not found"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert emulator.stats.not_found >= 1


def test_404_over_raw_socket(emulator: EmulatorServer) -> None:
    head, body = raw_request(emulator, get_line(emulator, "/open_api/v1.3/no/such/route"))
    assert head.startswith(b"HTTP/1.1 404 ")
    assert body == b"404 page not found"


@pytest.mark.parametrize(
    "route",
    [
        "user/info",
        "advertiser/info",
        "campaign/get",
        "adgroup/get",
        "ad/get",
        "report/integrated/get",
        "oauth2/advertiser/get",
    ],
)
def test_trailing_slash_is_optional(emulator: EmulatorServer, route: str) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "advertiser_ids": json.dumps(emulator.advertiser_ids),
        "app_id": emulator.app_id,
        "secret": emulator.secret,
        "report_type": "BASIC",
        "data_level": "AUCTION_CAMPAIGN",
        "dimensions": '["campaign_id"]',
        "start_date": "2024-06-01",
        "end_date": "2024-06-10",
    }
    headers = {"Access-Token": emulator.access_token}
    with_slash = requests.get(
        f"{emulator.api_base}{route}/", params=params, headers=headers, timeout=10
    ).json()
    without = requests.get(f"{emulator.api_base}{route}", params=params, headers=headers, timeout=10).json()
    assert with_slash["code"] == without["code"] == 0, (with_slash, without)
    assert with_slash["data"] == without["data"]


def test_token_exchange_without_trailing_slash(emulator: EmulatorServer) -> None:
    body = {"app_id": emulator.app_id, "secret": emulator.secret, "auth_code": emulator.auth_code}
    answer = requests.post(emulator.api_base + "oauth2/access_token", json=body, timeout=10).json()
    assert answer["code"] == 0 and answer["data"]["access_token"]


# ---------------------------------------------------------------------------------------------- connection handling


def test_keep_alive_serves_several_requests_on_one_connection(emulator: EmulatorServer) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as conn:
        answers = []
        for _ in range(3):
            head, body = raw_request(
                emulator, get_line(emulator, "/open_api/v1.3/user/info/", emulator.access_token), conn
            )
            assert head.startswith(b"HTTP/1.1 200 ")
            assert b"content-length:" in head.lower()
            answers.append(json.loads(body))
        # a 404 keeps the connection open too
        head, body = raw_request(emulator, get_line(emulator, "/nope"), conn)
        assert head.startswith(b"HTTP/1.1 404 ")
    assert [a["code"] for a in answers] == [0, 0, 0]
    assert len({a["request_id"] for a in answers}) == 3


def test_requests_session_reuses_one_connection(emulator: EmulatorServer) -> None:
    session = requests.Session()
    for _ in range(5):
        assert (
            session.get(
                emulator.api_base + "user/info/", headers={"Access-Token": emulator.access_token}, timeout=10
            ).json()["code"]
            == 0
        )
    assert emulator.stats.connections == 1
    session.close()


def test_query_string_encodings(emulator: EmulatorServer) -> None:
    # percent-encoded JSON with spaces, as requests/urllib produce it, and '+' for spaces
    query = urlencode(
        {"advertiser_ids": json.dumps(emulator.advertiser_ids[:1]), "fields": '["name", "currency"]'}
    )
    head, body = raw_request(
        emulator, get_line(emulator, f"/open_api/v1.3/advertiser/info/?{query}", emulator.access_token)
    )
    data = json.loads(body)
    assert data["code"] == 0 and set(data["data"]["list"][0]) == {"name", "currency"}


def test_concurrent_clients_get_consistent_answers(emulator: EmulatorServer) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[1],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": '["ad_id","stat_time_day"]',
        "metrics": '["spend","impressions","ctr","ad_name"]',
        "start_date": "2024-05-16",
        "end_date": "2024-06-14",
        "page_size": 1000,
    }
    headers = {"Access-Token": emulator.access_token}
    expected = requests.get(
        emulator.api_base + "report/integrated/get/", params=params, headers=headers, timeout=30
    ).json()["data"]
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with requests.Session() as session:
                for _ in range(4):
                    answer = session.get(
                        emulator.api_base + "report/integrated/get/",
                        params=params,
                        headers=headers,
                        timeout=30,
                    )
                    results.append(answer.json()["data"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 32 and all(r == expected for r in results)


def test_stop_closes_connections_and_port(emulator_factory: Any) -> None:
    server = emulator_factory()
    session = requests.Session()
    url = server.api_base + "user/info/"
    assert session.get(url, headers={"Access-Token": server.access_token}, timeout=10).json()["code"] == 0
    server.stop()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        session.get(url, headers={"Access-Token": server.access_token}, timeout=5)
    session.close()


def test_stats_count_requests_codes_and_rows(emulator: EmulatorServer, tiktok: Any) -> None:
    tiktok.get("user/info/")
    tiktok.get("user/info/", token=None)
    data = tiktok.data("campaign/get/", advertiser_id=emulator.advertiser_ids[0])
    stats = emulator.stats.snapshot()
    assert stats["requests"] == {"user/info/": 2, "campaign/get/": 1}
    assert stats["codes"] == {"0": 2, "40104": 1}
    assert stats["rows"] == len(data["list"])
    emulator.stats.reset()
    assert emulator.stats.total_requests == 0


# ---------------------------------------------------------------------------------------------- rate limits


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Emulators started from now on count their rate budgets on a :class:`FrozenClock`."""
    return freeze_emulator_limits(monkeypatch)


def burst(server: EmulatorServer, n: int, route: str = "user/info/", **params: Any) -> list[dict[str, Any]]:
    """Fire ``n`` requests back to back on one connection."""
    with requests.Session() as session:
        return [
            session.get(
                server.api_base + route,
                params=params,
                headers={"Access-Token": server.access_token},
                timeout=10,
            ).json()
            for _ in range(n)
        ]


def test_app_qps_limit_answers_40100_with_tiktok_message(emulator_factory: Any, clock: FrozenClock) -> None:
    server = emulator_factory(qps=10, qpm=600)
    answers = burst(server, 25)
    limited = [a for a in answers if a["code"] == 40100]
    assert len(limited) == 15, "25 requests at once: 10 within 10 QPS, 15 refused"
    assert [a["code"] for a in answers[:10]] == [0] * 10
    assert all(a["message"] == APP_LIMIT.format(server.app_id) and a["data"] == {} for a in limited)
    assert server.stats.rate_limited_app == len(limited)
    clock.advance(1.1)  # the bucket refills: requests pass again
    assert [a["code"] for a in burst(server, 3)] == [0, 0, 0]


def test_within_the_app_limit_nothing_is_refused(emulator_factory: Any, clock: FrozenClock) -> None:
    server = emulator_factory(qps=10, qpm=600)
    answers = burst(server, 8)
    for _ in range(4):  # then one request every 0.15 s: 6.7 per second
        clock.advance(0.15)
        answers += burst(server, 1)
    assert all(a["code"] == 0 for a in answers)
    assert server.stats.rate_limited_app == 0


def test_app_qpm_limit(emulator_factory: Any, clock: FrozenClock) -> None:
    server = emulator_factory(qps=None, qpm=5)
    codes = [a["code"] for a in burst(server, 7)]
    assert codes == [0, 0, 0, 0, 0, 40100, 40100]


def test_limits_off_means_unlimited(emulator_factory: Any) -> None:
    server = emulator_factory(qps=0, qpm=0, advertiser_qps=0)
    assert all(a["code"] == 0 for a in burst(server, 40))


def test_advertiser_path_limit_answers_40133(emulator_factory: Any, clock: FrozenClock) -> None:
    server = emulator_factory(advertiser_qps=3)
    first, second = server.advertiser_ids[:2]
    answers = burst(server, 6, "campaign/get/", advertiser_id=first)
    codes = [a["code"] for a in answers]
    assert codes[:3] == [0, 0, 0] and set(codes[3:]) == {40133}
    message = answers[3]["message"]
    assert message == (
        f"Advertiser ({first})'s QPS (4) reaches QPS limit 3 for current path, request is temporarily restricted."
    )
    assert server.stats.rate_limited_advertiser == 3
    # another path and another advertiser have their own budgets; the app has no limit here
    assert burst(server, 1, "adgroup/get/", advertiser_id=first)[0]["code"] == 0
    assert burst(server, 1, "campaign/get/", advertiser_id=second)[0]["code"] == 0
    assert burst(server, 1, "user/info/")[0]["code"] == 0


def test_set_limits_at_runtime(emulator_factory: Any, clock: FrozenClock) -> None:
    server = emulator_factory()
    assert all(a["code"] == 0 for a in burst(server, 15))
    server.set_limits(qps=2)
    assert [a["code"] for a in burst(server, 3)] == [0, 0, 40100]

"""TikTokClient (tiktok_ads.api.client): envelope -> typed errors, retries, paging, pacing and redaction.

Against the real emulator (errors, faults, rate limits) and, for answers the emulator never gives (lying
``page_info``), against a tiny scripted HTTP server on loopback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import pickle
import socket
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from frozen_clock import freeze_emulator_limits
from loopback import LoopbackServer

from tiktok_ads.api.client import TikTokClient, api_path, encode_params
from tiktok_ads.api.rate_limit import AdaptiveTokenBucket
from tiktok_ads.api.redaction import redact, register_secret
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.endpoints.extract import AdvertiserDirectory, discover_advertiser_ids, report_pages
from tiktok_ads.errors import (
    TikTokAPIError,
    TikTokAuthError,
    TikTokBadResponseError,
    TikTokConnectionError,
    TikTokPermissionError,
    TikTokQueryTooLargeError,
    TikTokRateLimitError,
    TikTokReportCutError,
    TikTokTransientError,
)
from tiktok_ads.tables.registry import TABLES
from tiktok_ads.windows import DateWindow

Factory = Callable[..., EmulatorServer]


def make_client(server: EmulatorServer | str, token: str | None = None, **kwargs: Any) -> TikTokClient:
    base = server if isinstance(server, str) else server.base_url
    if token is None and not isinstance(server, str):
        token = server.access_token
    kwargs.setdefault("max_qps", 0)
    kwargs.setdefault("backoff_base", 0.001)
    kwargs.setdefault("max_retries", 4)
    kwargs.setdefault("timeout", 10)
    if isinstance(server, str):
        # scripted servers answer in arrival order, whatever page is asked: one page at a time
        kwargs.setdefault("prefetch_pages", 0)
    return TikTokClient(token or "token-for-tests", base_url=base, **kwargs)


# --------------------------------------------------------------------------------------------- helpers


def test_encode_params_and_paths() -> None:
    encoded = encode_params(
        {
            "advertiser_id": "1",
            "fields": ["a", "b"],
            "filtering": {"primary_status": "STATUS_ALL"},
            "page": 2,
            "flag": True,
            "skip": None,
            "dims": ("x",),
        }
    )
    assert encoded == {
        "advertiser_id": "1",
        "fields": '["a","b"]',
        "filtering": '{"primary_status":"STATUS_ALL"}',
        "page": "2",
        "flag": "true",
        "dims": '["x"]',
    }
    assert api_path("campaign/get") == "/open_api/v1.3/campaign/get/"
    assert api_path("/open_api/v1.3/ad/get/") == "/open_api/v1.3/ad/get/"


# --------------------------------------------------------------------------------------------- errors


def test_success_returns_data(emulator: EmulatorServer) -> None:
    with make_client(emulator) as client:
        data = client.get("advertiser/info/", {"advertiser_ids": emulator.advertiser_ids[:1]})
    assert data["list"][0]["advertiser_id"] == emulator.advertiser_ids[0]
    assert client.stats.requests == 1 and client.stats.total_retries == 0


def test_invalid_token_is_an_auth_error_that_says_reauthorize(emulator: EmulatorServer) -> None:
    token = "revoked-token-Xq81Lm"
    with make_client(emulator, token=token) as client, pytest.raises(TikTokAuthError) as info:
        client.get("advertiser/info/", {"advertiser_ids": emulator.advertiser_ids[:1]})
    err = info.value
    assert err.code == 40105 and err.request_id and err.attempts == 1
    text = str(err)
    assert "40105" in text and "Re-authorize" in text and "sources.tiktok_ads.access_token" in text
    assert token not in text and token not in repr(err) and token not in repr(client)
    assert client.stats.requests == 1  # not retried


def test_expired_token(emulator: EmulatorServer) -> None:
    token = emulator.api.create_token()
    emulator.api.expire_token(token)
    with make_client(emulator, token=token) as client, pytest.raises(TikTokAuthError) as info:
        client.get("campaign/get/", {"advertiser_id": emulator.advertiser_ids[0]})
    assert info.value.code == 40102


def test_missing_token_header(emulator: EmulatorServer) -> None:
    with make_client(emulator, token=" ") as client:
        client._access_token = ""  # what an empty setting would send
        with pytest.raises(TikTokAuthError) as info:
            client.get("campaign/get/", {"advertiser_id": emulator.advertiser_ids[0]})
    assert info.value.code == 40104


def test_advertiser_not_granted_is_a_permission_error_naming_it(emulator: EmulatorServer) -> None:
    token = emulator.api.create_token(advertiser_ids=emulator.advertiser_ids[:1])
    other = emulator.advertiser_ids[1]
    with make_client(emulator, token=token) as client, pytest.raises(TikTokPermissionError) as info:
        client.get("campaign/get/", {"advertiser_id": other})
    err = info.value
    assert err.code == 40001 and err.advertiser_id == other and f"advertiser {other}" in str(err)
    assert err.path == "/open_api/v1.3/campaign/get/"


def test_bad_parameter_is_not_retried(emulator: EmulatorServer) -> None:
    with make_client(emulator) as client, pytest.raises(TikTokAPIError) as info:
        client.get(
            "report/integrated/get/",
            {
                "advertiser_id": emulator.advertiser_ids[0],
                "report_type": "BASIC",
                "data_level": "AUCTION_AD",
                "dimensions": ["ad_id", "stat_time_day"],
                "metrics": ["not_a_metric"],
                "start_date": "2024-06-01",
                "end_date": "2024-06-02",
            },
        )
    assert info.value.code == 40002 and not info.value.retryable and type(info.value) is TikTokAPIError
    assert "not_a_metric" in str(info.value)
    assert client.stats.requests == 1


def test_unknown_path_is_http_404(emulator: EmulatorServer) -> None:
    with make_client(emulator) as client, pytest.raises(TikTokAPIError) as info:
        client.get("campaign/list/", {"advertiser_id": "1"})
    assert info.value.http_status == 404 and "base_url" in str(info.value)
    assert client.stats.requests == 1


@pytest.mark.parametrize(
    "fault", ["50000", "50002", "51305", "60001", "http500", "http502", "http504", "reset", "truncated"]
)
def test_transient_faults_are_retried_on_the_same_request(emulator: EmulatorServer, fault: str) -> None:
    emulator.script_fault("advertiser/info/", nth=1, fault=fault, times=2)
    with make_client(emulator) as client:
        data = client.get("advertiser/info/", {"advertiser_ids": emulator.advertiser_ids})
    assert [r["advertiser_id"] for r in data["list"]] == emulator.advertiser_ids
    assert client.stats.requests == 3 and client.stats.total_retries == 2
    reason = {
        "http500": "http_500",
        "http502": "http_502",
        "http504": "http_504",
        "reset": "connection",
        "truncated": "bad_json",
    }.get(fault, fault)
    if fault == "truncated":
        assert set(client.stats.retries) <= {"bad_json", "connection"}
    else:
        assert client.stats.retries == {reason: 2}
    assert reason in client.stats.summary() or fault == "truncated"


def test_retry_budget_runs_out_with_a_clear_error(emulator: EmulatorServer) -> None:
    emulator.script_fault("campaign/get/", nth=1, fault="50002", times=10)
    adv = emulator.advertiser_ids[0]
    with make_client(emulator, max_retries=2) as client, pytest.raises(TikTokTransientError) as info:
        client.get("campaign/get/", {"advertiser_id": adv})
    err = info.value
    assert err.code == 50002 and err.attempts == 3 and client.stats.requests == 3
    assert err.request_id and err.request_id in str(err)
    assert "after 3 attempts" in str(err) and f"advertiser {adv}" in str(err)
    assert pickle.loads(pickle.dumps(err)).code == 50002


def test_slow_answer_times_out_and_is_retried(emulator_factory: Factory) -> None:
    server = emulator_factory(slow_seconds=3)
    server.script_fault("advertiser/info/", nth=1, fault="slow", times=1)
    with make_client(server, timeout=1) as client:
        data = client.get("advertiser/info/", {"advertiser_ids": server.advertiser_ids[:1]})
    assert data["list"] and client.stats.retries == {"timeout": 1}


def test_connection_refused_by_a_host_that_never_answered_fails_at_once_and_redacted() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    secret = "app-secret-Vv93Kq1z"
    client = make_client(
        f"http://127.0.0.1:{port}",
        token="tok-Lp02Zx88",
        app_id="7100000000000000001",
        secret=secret,
        max_retries=1,
    )
    with pytest.raises(TikTokConnectionError) as info:
        client.get("oauth2/advertiser/get/", client.app_params())  # the secret is in this URL's query
    text = str(info.value) + repr(info.value) + repr(info.value.__cause__) + repr(info.value.__context__)
    assert secret not in text and "tok-Lp02Zx88" not in text
    assert info.value.__cause__ is None and info.value.reason == "connection"
    # not retried: a host that refuses the first connection is a wrong base_url or down (issue 12)
    assert info.value.attempts == 1 and client.stats.requests == 1
    assert "Connection refused" in text and "sources.tiktok_ads.base_url" in text


def test_rate_limits_are_retried_and_slow_the_limiter(emulator_factory: Factory) -> None:
    server = emulator_factory(qps=4, qpm=None)
    limiter = AdaptiveTokenBucket(1000)
    with make_client(server, limiter=limiter, max_retries=12, backoff_base=0.05) as client:
        for _ in range(20):
            client.get("advertiser/info/", {"advertiser_ids": server.advertiser_ids[:1]})
    assert client.stats.retries.get("40100", 0) > 0
    assert limiter.throttled == client.stats.retries["40100"]
    assert limiter.rate < 1000


def test_pacing_keeps_within_the_app_limit(
    emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the emulator's budget and the client's limiter on one virtual clock, which moves only when the limiter
    # waits: the pacing is checked exactly, however slowly the machine serves the requests
    clock = freeze_emulator_limits(monkeypatch)
    server = emulator_factory(qps=5, qpm=None)
    started = clock()
    with make_client(server, limiter=AdaptiveTokenBucket(5, clock=clock, sleep=clock.advance)) as client:
        for _ in range(12):
            client.get("advertiser/info/", {"advertiser_ids": server.advertiser_ids[:1]})
    assert client.stats.total_retries == 0  # never refused
    assert clock() - started >= (12 - 4) / 5 - 1e-9  # burst of 4, then 5 per second


def test_limiter_recovers_after_throttling() -> None:
    clock = [0.0]
    bucket = AdaptiveTokenBucket(
        10, clock=lambda: clock[0], sleep=lambda s: clock.__setitem__(0, clock[0] + s)
    )
    sent = bucket.now()
    clock[0] += 0.1
    bucket.on_throttle(sent)
    bucket.on_throttle(sent)  # same burst of refusals (sent before the halving): one halving
    assert bucket.rate == 5 and bucket.throttled == 2 and bucket.halvings == 1
    clock[0] += 0.5
    bucket.on_throttle(bucket.now())  # refused although sent at the new rate: halve again
    assert bucket.rate == 2.5 and bucket.halvings == 2
    for _ in range(100):
        bucket.on_success()
    assert bucket.rate == 10
    before = clock[0]
    for _ in range(30):
        bucket.acquire()
    assert 2.9 <= clock[0] - before <= 3.1  # the burst was dropped by the throttling: 30 at 10/s


# --------------------------------------------------------------------------------------------- paging


def test_paginate_small_pages_equals_one_big_page(emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    params = {"advertiser_id": adv, "filtering": {"primary_status": "STATUS_ALL"}}
    with make_client(emulator) as client:
        big = [row for page in client.paginate("ad/get/", params, page_size=1000) for row in page]
        pages = list(client.paginate("ad/get/", params, page_size=2))
    small = [row for page in pages for row in page]
    assert len(big) >= 4 and small == big
    assert len(pages) == -(-len(big) // 2)


def test_failed_page_is_retried_not_skipped_or_restarted(emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    params = {"advertiser_id": adv, "filtering": {"primary_status": "STATUS_ALL"}}
    with make_client(emulator) as client:
        expected = [row for page in client.paginate("ad/get/", params, page_size=2) for row in page]
        pages_needed = client.stats.requests_by_path["/open_api/v1.3/ad/get/"]
    assert pages_needed >= 3
    emulator.script_fault("ad/get/", nth=3, fault="50002", times=2)  # page 3 fails twice
    with make_client(emulator) as client:
        got = [row for page in client.paginate("ad/get/", params, page_size=2) for row in page]
    assert got == expected
    assert client.stats.requests == pages_needed + 2  # only page 3 was sent again


def test_empty_result(emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    params = {
        "advertiser_id": adv,
        "service_type": "AUCTION",
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": ["spend"],
        "start_date": "2012-01-01",
        "end_date": "2012-01-05",
    }
    with make_client(emulator) as client:
        pages = list(client.paginate("report/integrated/get/", params))
    assert pages == [[]] and client.stats.requests == 1


class Scripted(LoopbackServer):
    """A loopback HTTP server answering each request with the next scripted (status, body)."""

    def __init__(self, answers: list[tuple[Any, ...]]) -> None:
        self.answers = list(answers)
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                answer = outer.answers.pop(0) if outer.answers else (200, {"code": 0, "data": {}})
                status, body = answer[0], answer[1]
                headers = answer[2] if len(answer) > 2 else {}
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        super().__init__(Handler)


@pytest.fixture
def scripted() -> Iterator[Callable[[list[tuple[int, Any]]], Scripted]]:
    servers: list[Scripted] = []

    def make(answers: list[tuple[int, Any]]) -> Scripted:
        servers.append(Scripted(answers))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def page(rows: list[int], page_no: int, total_number: int | None, total_page: int | None) -> tuple[int, Any]:
    info: dict[str, Any] = {"page": page_no, "page_size": 2}
    if total_number is not None:
        info["total_number"] = total_number
    if total_page is not None:
        info["total_page"] = total_page
    return 200, {
        "code": 0,
        "message": "OK",
        "request_id": f"r{page_no}",
        "data": {"list": [{"id": r} for r in rows], "page_info": info},
    }


def ids(client: TikTokClient, server: Scripted) -> list[int]:
    return [r["id"] for p in client.paginate("campaign/get/", {"advertiser_id": "1"}, page_size=2) for r in p]


def test_total_page_lying_low_loses_nothing(scripted: Callable[..., Scripted]) -> None:
    server = scripted([page([1, 2], 1, 5, 1), page([3, 4], 2, 5, 1), page([5], 3, 5, 1)])
    assert ids(make_client(server.base_url), server) == [1, 2, 3, 4, 5]


def test_empty_page_with_rows_missing_is_an_error(scripted: Callable[..., Scripted]) -> None:
    server = scripted([page([1, 2], 1, 5, 3), page([], 2, 5, 3)])
    with pytest.raises(TikTokBadResponseError, match="2 of 5"):
        ids(make_client(server.base_url), server)


def test_total_page_zero_or_one_for_empty_sets(scripted: Callable[..., Scripted]) -> None:
    for total_page in (0, 1, None):
        server = scripted([page([], 1, 0, total_page)])
        assert ids(make_client(server.base_url), server) == []
        assert len(server.requests) == 1


def test_missing_page_info_is_a_single_page(scripted: Callable[..., Scripted]) -> None:
    server = scripted([(200, {"code": 0, "message": "OK", "request_id": "r", "data": {"list": [{"id": 1}]}})])
    assert ids(make_client(server.base_url), server) == [1]


def test_unpaged_endpoint_is_one_request_without_paging_parameters(scripted: Callable[..., Scripted]) -> None:
    # app/list/ takes no page/page_size and sends no page_info (official SDK AppManagementApi.app_list;
    # yml_files/app_list.yml maps the answer to data.apps only): a full answer is the whole list, not page 1
    full = {"code": 0, "message": "OK", "request_id": "r", "data": {"apps": [{"id": 1}, {"id": 2}]}}
    server = scripted([(200, full), (200, full)])
    client = make_client(server.base_url)
    pages = list(
        client.paginate("app/list/", {"advertiser_id": "1"}, page_size=2, list_key="apps", paged=False)
    )
    assert [[r["id"] for r in p] for p in pages] == [[1, 2]]
    assert len(server.requests) == 1
    assert "page" not in server.requests[0] and "advertiser_id=1" in server.requests[0]
    # the same answer from a paged endpoint is a full first page: the loop asks for page 2 (and refuses a repeat)
    server = scripted([(200, full), (200, full)])
    with pytest.raises(TikTokBadResponseError, match="repeats"):
        list(
            make_client(server.base_url).paginate(
                "x/list/", {"advertiser_id": "1"}, page_size=2, list_key="apps"
            )
        )


def test_total_page_lying_high_stops_at_the_first_empty_page(scripted: Callable[..., Scripted]) -> None:
    server = scripted([page([1, 2], 1, 3, 9), page([3], 2, 3, 9), page([], 3, 3, 9)])
    assert ids(make_client(server.base_url), server) == [1, 2, 3]
    assert len(server.requests) == 3


def test_non_json_and_bad_envelopes_are_retried(scripted: Callable[..., Scripted]) -> None:
    server = scripted(
        [
            (200, b"<html>oops</html>"),
            (200, {"no": "code"}),
            (200, b'{"code": 0, "data": {"li'),
            (503, b"busy"),
            (200, {"code": 40100, "message": "too many", "request_id": "x", "data": {}}),
            page([1], 1, 1, 1),
        ]
    )
    client = make_client(server.base_url, max_retries=6)
    assert ids(client, server) == [1]
    assert client.stats.retries == {"bad_json": 2, "bad_envelope": 1, "http_503": 1, "40100": 1}
    # every retry asked for the same page
    assert all("page=1&" in p or p.endswith("page=1") for p in server.requests)


def test_truncated_report_is_flagged(
    scripted: Callable[..., Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    status, body = page([1], 1, 1, 1)
    server = scripted([(status, body, {"X-Tt-Ads-Throttle": "Number of ad ids is equal or more than 20k"})])
    client = make_client(server.base_url)
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        assert ids(client, server) == [1]
    assert client.stats.warnings == {"ads_throttle": 1} and "ads_throttle" in client.stats.summary()
    assert "truncated" in caplog.text


def test_multi_advertiser_report_refuses_a_cut_answer(scripted: Callable[..., Scripted]) -> None:
    status, body = page([1], 1, 1, 1)
    server = scripted([(status, body, {"X-Tt-Ads-Throttle": "Number of ad ids is equal or more than 20k"})])
    client = make_client(server.base_url)
    with pytest.raises(TikTokReportCutError) as err:
        list(client.multi_advertiser_report({"advertiser_id": "1", "report_type": "BASIC"}, ["1", "2"]))
    assert not err.value.retryable and err.value.advertiser_id == "1,2"
    assert (
        len(server.requests) == 1 and not client.stats.warnings
    )  # not retried, not a warning: the caller falls back
    sent = server.requests[0]
    assert "advertiser_ids=%5B%221%22%2C%222%22%5D" in sent and "advertiser_id=" not in sent.replace(
        "_ids=", ""
    )
    with pytest.raises(ValueError, match="advertiser_ids"):
        list(client.multi_advertiser_report({}, []))


def test_list_that_is_not_a_list(scripted: Callable[..., Scripted]) -> None:
    server = scripted([(200, {"code": 0, "message": "OK", "request_id": "r", "data": {"list": {"id": 1}}})])
    with pytest.raises(TikTokBadResponseError):
        ids(make_client(server.base_url), server)


# --------------------------------------------------------------------------------------------- extract helpers


def test_discover_advertisers_with_app_credentials(emulator: EmulatorServer) -> None:
    with make_client(emulator, app_id=emulator.app_id, secret=emulator.secret) as client:
        assert discover_advertiser_ids(client) == emulator.advertiser_ids
        directory = AdvertiserDirectory(client, [])
        advertisers = directory.get()
        assert [a.advertiser_id for a in advertisers] == emulator.advertiser_ids
        assert all(a.timezone for a in advertisers)
        directory.get()
    # one discovery call, one info call, then cached
    assert client.stats.requests == 3


def test_wrong_app_secret(emulator: EmulatorServer) -> None:
    with (
        make_client(emulator, app_id=emulator.app_id, secret="wrong-secret-Hh27") as client,
        pytest.raises(TikTokAuthError) as info,
    ):
        discover_advertiser_ids(client)
    assert info.value.code == 40101 and "wrong-secret-Hh27" not in str(info.value)


def test_query_too_large_halves_the_window_and_stays_complete(emulator_factory: Factory) -> None:
    spec = TABLES["ad_insights_by_age_and_gender"]
    metrics = ("spend", "impressions", "campaign_id", "adgroup_id")  # the emulator's catalogue is not ours
    import dataclasses

    spec = dataclasses.replace(spec, metrics=metrics)
    window = DateWindow(dt.date(2024, 5, 17), dt.date(2024, 6, 15))
    plain = emulator_factory()
    adv = plain.advertiser_ids[0]
    with make_client(plain) as client:
        expected = [
            r
            for p in report_pages(client, spec, adv, window, include_deleted=True, page_size=1000)
            for r in p
        ]
    limited = emulator_factory(max_report_cells=len(expected) * len(metrics) // 5)
    with make_client(limited) as client:
        got = [
            r
            for p in report_pages(client, spec, adv, window, include_deleted=True, page_size=1000)
            for r in p
        ]
    key = lambda r: json.dumps(r["dimensions"], sort_keys=True)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    assert len(expected) > 0


def test_query_too_large_for_one_day_fails(emulator_factory: Factory) -> None:
    spec = TABLES["ad_insights"]
    import dataclasses

    spec = dataclasses.replace(spec, metrics=("spend", "campaign_id", "adgroup_id"))
    server = emulator_factory(max_report_cells=1)
    window = DateWindow(dt.date(2024, 6, 10), dt.date(2024, 6, 13))
    with make_client(server) as client, pytest.raises(TikTokQueryTooLargeError) as info:
        list(
            report_pages(
                client, spec, server.advertiser_ids[0], window, include_deleted=False, page_size=1000
            )
        )
    assert info.value.code == 40067 and "window 2024-06-10..2024-06-10" in str(info.value)


# --------------------------------------------------------------------------------------------- secrets


def test_redaction_of_logs_and_text(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("super-secret-Qz01Pp")
    assert redact("GET /x?secret=super-secret-Qz01Pp&a=1") == "GET /x?secret=***&a=1"
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logging.getLogger("urllib3.connectionpool").debug(
            "GET %s", "/oauth2/advertiser/get/?secret=super-secret-Qz01Pp"
        )
    assert "super-secret-Qz01Pp" not in caplog.text and "***" in caplog.text


def test_rate_limit_error_classes() -> None:
    from tiktok_ads.errors import error_for_code

    assert error_for_code(40100) is TikTokRateLimitError
    assert error_for_code(40133) is TikTokRateLimitError
    assert error_for_code(40016) is TikTokRateLimitError
    assert error_for_code(51001) is TikTokTransientError
    assert error_for_code(60001) is TikTokTransientError
    assert error_for_code(40067) is TikTokQueryTooLargeError
    assert error_for_code(40001) is TikTokPermissionError
    for code in (40102, 40104, 40105, 40106):
        assert error_for_code(code) is TikTokAuthError
    assert error_for_code(40002) is TikTokAPIError


def test_short_last_page_is_asked_again_then_loaded_with_a_warning(
    scripted: Callable[..., Scripted], caplog: pytest.LogCaptureFixture
) -> None:
    # TikTok announces 4 rows but its last page holds 1, however often it is asked: a real answer
    short = page([3], 2, 4, 2)
    server = scripted([page([1, 2], 1, 4, 2), short, short, short])
    client = make_client(server.base_url)
    with caplog.at_level(logging.WARNING, logger="tiktok_ads"):
        assert ids(client, server) == [1, 2, 3]
    assert len(server.requests) == 4  # page 2 asked three times, never a page 3
    assert client.stats.retries == {"short_page": 2}
    assert client.stats.warnings == {"short_result": 1} and "short_result: 1" in client.stats.summary()
    assert "after 3 of the 4 rows" in caplog.text and "campaign/get" in caplog.text


def test_short_last_page_that_fills_up_when_asked_again_loses_nothing(
    scripted: Callable[..., Scripted],
) -> None:
    server = scripted([page([1, 2], 1, 4, 2), page([3], 2, 4, 2), page([3, 4], 2, 4, 2)])
    client = make_client(server.base_url)
    assert ids(client, server) == [1, 2, 3, 4]
    assert client.stats.retries == {"short_page": 1} and not client.stats.warnings


def test_advertiser_path_throttling_is_paced_and_does_not_use_up_retries(
    scripted: Callable[..., Scripted],
) -> None:
    """40133 (an advertiser's limit on one path) makes the client pace that pair instead of burning retries."""
    message = (
        "Advertiser (7)'s QPS (21) reaches QPS limit 20 for current path, request is temporarily restricted."
    )
    refusal = (200, {"code": 40133, "message": message, "request_id": "r", "data": {}})
    ok = (200, {"code": 0, "message": "OK", "request_id": "r", "data": {"x": 1}})
    server = scripted([refusal, refusal, refusal, ok])
    client = make_client(server.base_url, max_retries=1)  # no app pacing: only the learned pacing
    assert client.get("advertiser/info/", {"advertiser_id": "7"}) == {"x": 1}
    assert len(server.requests) == 4
    bucket = client._advertiser_limits.get("7", api_path("advertiser/info/"))
    assert bucket is not None and bucket.rate < 18.0  # 90% of TikTok's 20, halved by the later refusals
    assert (
        client._advertiser_limits.get("8", api_path("advertiser/info/")) is None
    )  # other advertisers unpaced


def test_change_log_requests_draw_from_one_budget_of_their_own(emulator: EmulatorServer) -> None:
    """The change log's create, check and download share one bucket (0.9 per second, even unpaced: UNSURE,
    see rate_limit.PATH_MAX_QPS); report task checks and other requests draw only from the app's bucket."""
    client = TikTokClient(emulator.access_token, base_url=emulator.base_url, app_id="77016", max_qps=0)
    budget = client._path_limiters[api_path("changelog/task/create/")]
    assert budget.enabled and budget.max_qps == 0.9
    assert client._path_limiters[api_path("changelog/task/check/")] is budget
    assert client._path_limiters[api_path("changelog/task/download/")] is budget
    assert budget is not client._path_limiters[api_path("report/task/create/")]
    assert api_path("report/task/check/") not in client._path_limiters
    drawn: list[float] = []
    now = [budget.now()]

    def wait(seconds: float) -> None:  # recorded and added to the bucket's clock, not slept
        drawn.append(seconds)
        now[0] += seconds

    budget._clock, budget._sleep = (lambda: now[0]), wait
    adv = emulator.advertiser_ids[0]
    with client:
        task = client.post(
            "changelog/task/create/",
            {"advertiser_id": adv, "start_time": "2024-06-01 00:00:00", "end_time": "2024-06-02 00:00:00"},
            with_token=True,
            advertiser_id=adv,
        )
        for endpoint in ("changelog/task/check/", "changelog/task/download/"):
            client.get(endpoint, {"advertiser_id": adv, "task_id": task["task_id"]})
        client.get("advertiser/info/", {"advertiser_ids": [adv]})
    # the first request takes the bucket's one token, the next two wait for one each; advertiser/info none
    assert abs(sum(drawn) - 2 / 0.9) < 1e-3
    assert client.stats.requests_by_path[api_path("changelog/task/create/")] == 1

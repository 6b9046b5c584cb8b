"""Beliefs about TikTok the emulator encodes, checked against the emulator and (marker ``real_tiktok``, opt-in,
see tests/real_tiktok.py) against the real API. Read-only, a handful of requests."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import support

from tests.real_tiktok import ApiTarget, real_target_or_reason
from tiktok_ads import tiktok_ads

REPORT = "report/integrated/get/"


def _today(target: ApiTarget) -> dt.date:
    answer = target.get("advertiser/info/", advertiser_ids=[target.advertiser_id])
    assert answer.json()["code"] == 0, answer.json()["message"]
    return parsedate_to_datetime(answer.headers["Date"]).date()


def _report(target: ApiTarget, **params: Any) -> dict[str, Any]:
    base = {"advertiser_id": target.advertiser_id, "report_type": "BASIC", "data_level": "AUCTION_ADVERTISER"}
    body: dict[str, Any] = target.get(REPORT, **{**base, **params}).json()
    return body


def test_answers_carry_a_date_header(api_target: ApiTarget) -> None:
    answer = api_target.get("advertiser/info/", advertiser_ids=[api_target.advertiser_id])
    assert answer.json()["code"] == 0
    assert parsedate_to_datetime(answer.headers["Date"]).tzinfo is not None


def test_thirty_dates_pass_and_thirty_one_are_refused(api_target: ApiTarget) -> None:
    end = _today(api_target) - dt.timedelta(days=2)
    dims = {"dimensions": ["advertiser_id", "stat_time_day"], "metrics": ["spend"]}
    ok = _report(
        api_target, **dims, start_date=(end - dt.timedelta(days=29)).isoformat(), end_date=end.isoformat()
    )
    assert ok["code"] == 0, ok["message"]
    over = _report(
        api_target, **dims, start_date=(end - dt.timedelta(days=30)).isoformat(), end_date=end.isoformat()
    )
    assert over["code"] == 40002


def test_hourly_spans_one_date(api_target: ApiTarget) -> None:
    day = _today(api_target) - dt.timedelta(days=2)
    dims = {"dimensions": ["advertiser_id", "stat_time_hour"], "metrics": ["spend"]}
    assert _report(api_target, **dims, start_date=day.isoformat(), end_date=day.isoformat())["code"] == 0
    two = _report(
        api_target, **dims, start_date=(day - dt.timedelta(days=1)).isoformat(), end_date=day.isoformat()
    )
    assert two["code"] == 40002 and two["message"] == "max time span is 1 day when use stat_time_hour"


def test_unknown_metric_wording(api_target: ApiTarget) -> None:
    day = _today(api_target) - dt.timedelta(days=2)
    body = _report(
        api_target,
        dimensions=["advertiser_id", "stat_time_day"],
        metrics=["spend", "no_such_metric_x"],
        start_date=day.isoformat(),
        end_date=day.isoformat(),
    )
    assert body["code"] == 40002
    assert body["message"].startswith(
        "Please correct the information in invalid metric fields and try again."
    )
    assert "Invalid metric fields: ['no_such_metric_x']" in body["message"]


def test_the_source_loads_two_days_up_to_tiktoks_today(api_target: ApiTarget, tmp_path: Path) -> None:
    """End to end: the real source, no clock injected, reads up to the advertiser's today by TikTok's clock."""
    start = _today(api_target) - dt.timedelta(days=2)
    pipeline = support.make_pipeline(tmp_path, f"real_{api_target.name}")
    source = tiktok_ads(
        access_token=api_target.access_token,
        base_url=api_target.base_url,
        advertiser_ids=[api_target.advertiser_id],
        start_date=start.isoformat(),
        tables=["advertisers", "advertiser_insights"],
        max_qps=5,
    )
    support.load(pipeline, source)
    state = support.advertiser_states(pipeline, "advertiser_insights")
    last_day = dt.date.fromisoformat(state[api_target.advertiser_id]["last_day"])
    assert (
        start < last_day <= start + dt.timedelta(days=3)
    )  # its local today: UTC-12 .. UTC+14 around TikTok's


def test_real_target_is_off_without_its_settings() -> None:
    assert "TIKTOK_ADS_REAL_API=1" in str(real_target_or_reason({}))
    missing = real_target_or_reason({"TIKTOK_ADS_REAL_API": "1", "TIKTOK_ADS_REAL_ACCESS_TOKEN": "x"})
    assert isinstance(missing, str) and "TIKTOK_ADS_REAL_ADVERTISER_ID" in missing
    on = real_target_or_reason(
        {
            "TIKTOK_ADS_REAL_API": "1",
            "TIKTOK_ADS_REAL_ACCESS_TOKEN": "secret-token",
            "TIKTOK_ADS_REAL_ADVERTISER_ID": "1",
        }
    )
    assert isinstance(on, ApiTarget) and on.base_url == "https://business-api.tiktok.com"
    assert "secret-token" not in repr(on)


@pytest.mark.real_tiktok
def test_marker_is_registered(pytestconfig: pytest.Config) -> None:
    assert any(m.startswith("real_tiktok:") for m in pytestconfig.getini("markers"))

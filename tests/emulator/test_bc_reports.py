"""Business Center reports (``report_type = BC``) in the emulator: the rules of ``bc_reports.py``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.rules import business_center as bc
from tiktok_ads.emulator.rules.bc_reports import BC_METRICS


def every_row(tiktok: Any, start: dt.date, end: dt.date, **params: Any) -> list[dict[str, Any]]:
    """Every row of a synchronous report over ``start..end``, page after page (1,000 rows each)."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        span = {"start_date": start.isoformat(), "end_date": end.isoformat(), "page": page, "page_size": 1000}
        data = tiktok.data("report/integrated/get/", **span, **params)
        rows.extend(data["list"])
        if page >= data["page_info"]["total_page"]:
            assert len(rows) == data["page_info"]["total_number"]
            return rows
        page += 1


def _bc_report(tiktok: Any, bc_id: str, start: dt.date, end: dt.date, **params: Any) -> list[dict[str, Any]]:
    return every_row(tiktok, start, end, bc_id=bc_id, report_type="BC", **params)


_BASIC_DAYS = {
    "report_type": "BASIC",
    "data_level": "AUCTION_ADVERTISER",
    "dimensions": ["advertiser_id", "stat_time_day"],
    "metrics": ["spend"],
}


def _basic_spend(tiktok: Any, adv: str, start: dt.date, end: dt.date) -> dict[str, Decimal]:
    """An account's advertiser-level BASIC spend per day, read in 30-day windows."""
    out: dict[str, Decimal] = {}
    lo = start
    while lo <= end:
        hi = min(end, lo + dt.timedelta(days=29))
        window = {"start_date": lo.isoformat(), "end_date": hi.isoformat(), "page_size": 1000}
        data = tiktok.data("report/integrated/get/", advertiser_id=adv, **_BASIC_DAYS, **window)
        for row in data["list"]:
            out[row["dimensions"]["stat_time_day"]] = Decimal(row["metrics"]["spend"])
        lo = hi + dt.timedelta(days=1)
    return out


def test_bc_report_per_account_and_day_equals_each_accounts_basic_report(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    world = emulator.world
    bc_id = bc.bc_id(world)
    end = world.now.date()
    start = end - dt.timedelta(days=44)  # beyond BASIC's 30 days: BC reports span up to 365
    rows = _bc_report(
        tiktok, bc_id, start, end, dimensions=["advertiser_id", "stat_time_day"], metrics=["spend", "clicks"]
    )
    owned = [a.advertiser_id for a in bc.owned_advertisers(world)]
    assert {r["dimensions"]["advertiser_id"] for r in rows} == set(owned)
    assert emulator.advertiser_ids[-1] not in owned  # the BC does not own the last account
    for adv in owned:
        mine = {
            r["dimensions"]["stat_time_day"]: Decimal(r["metrics"]["spend"])
            for r in rows
            if r["dimensions"]["advertiser_id"] == adv
        }
        assert mine == _basic_spend(tiktok, adv, start, end)
        account = world.advertiser(adv)
        assert account is not None
        one = next(r for r in rows if r["dimensions"]["advertiser_id"] == adv)
        assert one["metrics"]["currency"] == account.currency
        assert one["metrics"]["timezone"] == account.timezone


def test_bc_report_without_advertiser_id_sums_every_account(tiktok: Any, emulator: EmulatorServer) -> None:
    world = emulator.world
    bc_id = bc.bc_id(world)
    end = world.now.date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=4)
    per_account = _bc_report(
        tiktok, bc_id, start, end, dimensions=["advertiser_id", "stat_time_day"], metrics=["impressions"]
    )
    daily = _bc_report(
        tiktok, bc_id, start, end, dimensions=["stat_time_day"], metrics=["impressions", "spend"]
    )
    sums: dict[str, int] = {}
    for r in per_account:
        day = r["dimensions"]["stat_time_day"]
        sums[day] = sums.get(day, 0) + int(r["metrics"]["impressions"])
    assert {r["dimensions"]["stat_time_day"]: int(r["metrics"]["impressions"]) for r in daily} == sums
    # several currencies: costs cannot be summed (UNSURE, as multi-advertiser reports)
    assert {r["metrics"]["spend"] for r in daily} == {"-"}


def test_bc_report_filters_and_default_metrics(tiktok: Any, emulator: EmulatorServer) -> None:
    world = emulator.world
    bc_id = bc.bc_id(world)
    day = world.now.date() - dt.timedelta(days=2)
    first = bc.owned_advertisers(world)[0]
    only = [
        {
            "field_name": "advertiser_id",
            "filter_type": "IN",
            "filter_value": json.dumps([first.advertiser_id]),
        }
    ]
    rows = _bc_report(tiktok, bc_id, day, day, dimensions=["advertiser_id"], filtering=only)
    assert [r["dimensions"]["advertiser_id"] for r in rows] == [first.advertiser_id]
    # no metrics asked: every metric the grouping supports ([TTD-sync])
    assert set(BC_METRICS) <= set(rows[0]["metrics"])
    named = [{"field_name": "advertiser_name", "filter_type": "MATCH", "filter_value": first.name}]
    rows = _bc_report(
        tiktok, bc_id, day, day, dimensions=["advertiser_id"], metrics=["spend"], filtering=named
    )
    assert first.advertiser_id in {r["dimensions"]["advertiser_id"] for r in rows}
    by_currency = [
        {"field_name": "currency_of_account", "filter_type": "IN", "filter_value": json.dumps(["XXX"])}
    ]
    assert _bc_report(tiktok, bc_id, day, day, dimensions=["advertiser_id"], filtering=by_currency) == []
    by_country = _bc_report(
        tiktok,
        bc_id,
        day,
        day,
        dimensions=["advertiser_id", "country_code"],
        metrics=["spend"],
        filtering=only,
    )
    assert {r["dimensions"]["country_code"] for r in by_country} and all(
        r["dimensions"]["advertiser_id"] == first.advertiser_id for r in by_country
    )


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ({"service_type": "AUCTION"}, "service_type"),
        ({"data_level": "AUCTION_ADVERTISER"}, "data_level"),
        ({"query_lifetime": "true"}, "query_lifetime"),
        ({"dimensions": '["stat_time_hour"]'}, "Invalid dimension"),
        ({"dimensions": '["campaign_id"]'}, "Invalid dimension"),
        ({"metrics": '["likes"]'}, "Invalid metric fields"),
        ({"start_date": "2024-01-01", "end_date": "2024-12-31"}, "max time span is 365 days"),
        (
            {
                "filtering": json.dumps(
                    [{"field_name": "cost", "filter_type": "GREATER_EQUAL", "filter_value": "5"}]
                )
            },
            "cost",
        ),
    ],
)
def test_bc_report_refusals(
    tiktok: Any, emulator: EmulatorServer, extra: dict[str, str], needle: str
) -> None:
    params: dict[str, Any] = {
        "bc_id": bc.bc_id(emulator.world),
        "report_type": "BC",
        "dimensions": '["advertiser_id"]',
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
        **extra,
    }
    body = tiktok.get("report/integrated/get/", **params).json()
    assert body["code"] == 40002 and needle in body["message"]


def test_bc_report_needs_a_readable_bc(tiktok: Any) -> None:
    params = {"report_type": "BC", "dimensions": '["advertiser_id"]', "start_date": "2024-01-01"}
    params["end_date"] = "2024-01-02"
    assert tiktok.get("report/integrated/get/", **params).json()["code"] == 40002  # no bc_id
    assert tiktok.get("report/integrated/get/", bc_id="123", **params).json()["code"] == 40001


def test_bc_reports_are_synchronous_only(emulator: EmulatorServer) -> None:
    # [TTD-bc]: "Business Center reports only support synchronous mode"
    body = {
        "advertiser_id": emulator.advertiser_ids[0],
        "bc_id": bc.bc_id(emulator.world),
        "report_type": "BC",
        "dimensions": ["advertiser_id", "stat_time_day"],
        "metrics": ["spend"],
        "start_date": "2024-01-01",
        "end_date": "2024-01-02",
    }
    headers = {"Access-Token": emulator.access_token}
    answer = requests.post(emulator.api_base + "report/task/create/", json=body, headers=headers, timeout=30)
    assert answer.json()["code"] == 40002 and "synchronous" in answer.json()["message"]

"""GMV Max ads reports (``report_type = TT_SHOP``) in the emulator: the rules of ``tt_shop_reports.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.emulator.test_bc_reports import every_row
from tiktok_ads.emulator import EmulatorServer


def _tt_shop(tiktok: Any, adv: str, start: dt.date, end: dt.date, **params: Any) -> list[dict[str, Any]]:
    return every_row(tiktok, start, end, advertiser_id=adv, report_type="TT_SHOP", **params)


def _gmv_cost(tiktok: Any, adv: str, start: dt.date, end: dt.date) -> dict[tuple[str, str], tuple[str, str]]:
    """(campaign, day) -> (cost, net_cost) from gmv_max/report/get/ over every usable shop."""
    stores = tiktok.data("gmv_max/store/list/", advertiser_id=adv)["store_list"]
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for store in (s for s in stores if s["is_gmv_max_available"]):
        for row in tiktok.data(
            "gmv_max/report/get/",
            advertiser_id=adv,
            store_ids=[store["store_id"]],
            dimensions=["campaign_id", "stat_time_day"],
            metrics=["cost", "net_cost"],
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            page_size=1000,
            filtering={"gmv_max_promotion_types": ["PRODUCT", "LIVE"]},  # required at the campaign level
        )["list"]:
            key = (row["dimensions"]["campaign_id"], row["dimensions"]["stat_time_day"])
            out[key] = (row["metrics"]["cost"], row["metrics"]["net_cost"])
    return out


def test_tt_shop_campaign_days_equal_the_gmv_max_report(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    end = emulator.world.local_today(adv)
    start = end - dt.timedelta(days=29)
    rows = _tt_shop(
        tiktok,
        adv,
        start,
        end,
        data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id", "country_code", "stat_time_day"],
    )
    account = emulator.world.advertiser(adv)
    assert account is not None and rows
    assert {r["dimensions"]["country_code"] for r in rows} == {account.country}
    got = {
        (r["dimensions"]["campaign_id"], r["dimensions"]["stat_time_day"][:10]): (
            r["metrics"]["spend"],
            r["metrics"]["billed_cost"],  # the default metrics: spend, billed_cost
        )
        for r in rows
    }
    want = {(c, d[:10]): v for (c, d), v in _gmv_cost(tiktok, adv, start, end).items() if Decimal(v[0])}
    assert got == want
    total = _tt_shop(tiktok, adv, start, end, dimensions=["advertiser_id"], metrics=["spend"])
    assert [r["dimensions"] for r in total] == [{"advertiser_id": adv}]
    assert Decimal(total[0]["metrics"]["spend"]) == sum(Decimal(v[0]) for v in got.values())


#: what TikTok does not take in a TT_SHOP request -> the word its refusal names
REFUSED: dict[str, dict[str, str]] = {
    "grouping": {"dimensions": '["advertiser_id", "stat_time_day"]'},
    "requires 'advertiser_id'": {"dimensions": '["campaign_id", "country_code"]'},
    "data_level": {"data_level": "AUCTION_AD"},
    "Invalid metric fields": {"metrics": '["impressions"]'},
    "filtering": {"filtering": '[{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": "[]"}]'},
    "query_lifetime": {"query_lifetime": "true"},
    "CHUNK": {"query_mode": "CHUNK"},
    "service_type": {"service_type": "RESERVATION"},
    "max time span is 30 days": {"start_date": "2024-01-01", "end_date": "2024-01-31"},
}


def test_tt_shop_refusals(tiktok: Any, emulator: EmulatorServer) -> None:
    base = dict(
        advertiser_id=emulator.advertiser_ids[0],
        report_type="TT_SHOP",
        data_level="AUCTION_ADVERTISER",
        dimensions='["advertiser_id", "country_code", "stat_time_day"]',
        start_date="2024-01-01",
        end_date="2024-01-02",
    )
    assert tiktok.get("report/integrated/get/", **base).json()["code"] == 0
    for needle, extra in REFUSED.items():
        body = tiktok.get("report/integrated/get/", **{**base, **extra}).json()
        assert body["code"] == 40002 and needle in body["message"], (needle, body)

"""GMV Max (TikTok Shop) and Smart+ endpoints of the emulator: parameters, limits, filters and modelled facts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer


def _code(tiktok: Any, route: str, **params: Any) -> tuple[int, str]:
    body = tiktok.get(route, **params).json()
    return body["code"], body["message"]


def _usable_store(tiktok: Any, adv: str) -> str:
    stores = tiktok.data("gmv_max/store/list/", advertiser_id=adv)["store_list"]
    return next(s["store_id"] for s in stores if s["is_gmv_max_available"])


def _report(tiktok: Any, emulator: EmulatorServer, **params: Any) -> Any:
    adv = emulator.advertiser_ids[1]
    today = emulator.world.local_today(adv)
    base: dict[str, Any] = {
        "advertiser_id": adv,
        "store_ids": [_usable_store(tiktok, adv)],
        "dimensions": ["campaign_id", "stat_time_day"],
        "metrics": ["cost", "orders"],
        "start_date": (today - dt.timedelta(days=6)).isoformat(),
        "end_date": today.isoformat(),
        "page_size": 1000,
    }
    base.update(params)
    return tiktok.get("gmv_max/report/get/", **base).json()


def test_store_list_is_one_unpaged_answer_with_usable_and_unusable_shops(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    seen = []
    for adv in emulator.advertiser_ids:
        data = tiktok.data("gmv_max/store/list/", advertiser_id=adv)
        assert set(data) == {"store_list"}
        seen += [s["is_gmv_max_available"] for s in data["store_list"]]
    assert True in seen and False in seen
    assert (
        tiktok.get("gmv_max/store/list/", token=None, advertiser_id=emulator.advertiser_ids[0]).json()["code"]
        == 40104
    )


def test_campaign_list_needs_a_promotion_type_and_pages_by_100(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    code, message = _code(tiktok, "gmv_max/campaign/get/", advertiser_id=adv)
    assert code == 40002 and "gmv_max_promotion_types" in message
    both = {"gmv_max_promotion_types": ["PRODUCT_GMV_MAX", "LIVE_GMV_MAX"]}
    code, message = _code(tiktok, "gmv_max/campaign/get/", advertiser_id=adv, filtering=both, page_size=101)
    assert code == 40002 and "page_size" in message
    everything = tiktok.data("gmv_max/campaign/get/", advertiser_id=adv, filtering=both, page_size=100)[
        "list"
    ]
    product = tiktok.data(
        "gmv_max/campaign/get/", advertiser_id=adv, filtering={"gmv_max_promotion_types": ["PRODUCT_GMV_MAX"]}
    )["list"]
    assert product and len(product) < len(everything)
    info = tiktok.data("campaign/gmv_max/info/", advertiser_id=adv, campaign_id=product[0]["campaign_id"])
    assert info["shopping_ads_type"] == "PRODUCT" and info["item_group_ids"] and info["store_id"]
    assert {k: info[k] for k in product[0]} == product[0]
    assert _code(tiktok, "campaign/gmv_max/info/", advertiser_id=adv, campaign_id="1")[0] == 40002
    # GMV Max campaigns are not regular campaigns
    regular = tiktok.data("campaign/get/", advertiser_id=adv, page_size=1000)["list"]
    assert not {c["campaign_id"] for c in regular} & {c["campaign_id"] for c in everything}


def test_report_parameters_spans_and_page_limits(tiktok: Any, emulator: EmulatorServer) -> None:
    assert _report(tiktok, emulator)["code"] == 0
    adv = emulator.advertiser_ids[1]
    stores = [s["store_id"] for s in tiktok.data("gmv_max/store/list/", advertiser_id=adv)["store_list"]]
    assert len(stores) == 2
    cases: list[tuple[dict[str, Any], str]] = [
        ({"store_ids": stores}, "store_ids"),
        ({"dimensions": ["campaign_id", "stat_time_day", "advertiser_id", "item_group_id"]}, "dimensions"),
        ({"dimensions": ["stat_time_day", "stat_time_hour"]}, "dimensions"),
        ({"metrics": ["spend"]}, "metrics"),
        ({"page_size": 1001}, "page_size"),
        ({"start_date": "2020-01-01"}, "30 days"),
        ({"dimensions": ["stat_time_hour"]}, "1 days"),
        ({"filtering": {"gmv_max_promotion_types": ["PRODUCT_GMV_MAX"]}}, "gmv_max_promotion_types"),
    ]
    for change, needle in cases:
        body = _report(tiktok, emulator, **change)
        assert body["code"] == 40002 and needle in body["message"], (change, body["message"])
    today = emulator.world.local_today(adv).isoformat()
    no_store = tiktok.get(
        "gmv_max/report/get/",
        advertiser_id=adv,
        dimensions=["stat_time_day"],
        metrics=["cost"],
        start_date=today,
        end_date=today,
    ).json()
    assert no_store["code"] == 40002 and "store_ids" in no_store["message"]
    # 365 days without a time dimension
    last = emulator.world.local_today(adv)
    year = {"dimensions": ["campaign_id"], "start_date": (last - dt.timedelta(days=364)).isoformat()}
    assert _report(tiktok, emulator, **year)["code"] == 0
    year["start_date"] = (last - dt.timedelta(days=365)).isoformat()
    assert _report(tiktok, emulator, **year)["code"] == 40002


def test_report_rows_add_up_and_spend_without_orders_or_impressions(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    metrics = ["cost", "orders", "gross_revenue", "roi", "product_impressions", "product_clicks"]
    daily = _report(tiktok, emulator, metrics=metrics, enable_total_metrics=True)["data"]
    rows = daily["list"]
    assert rows and all(set(r["dimensions"]) == {"campaign_id", "stat_time_day"} for r in rows)
    assert all(r["dimensions"]["stat_time_day"].endswith(" 00:00:00") for r in rows)
    total = sum(Decimal(r["metrics"]["cost"]) for r in rows)
    assert Decimal(daily["total_metrics"]["cost"]) == total
    # the same days by product (PRODUCT campaigns only) add up to the product campaigns' days
    by_item = _report(
        tiktok, emulator, dimensions=["campaign_id", "item_group_id", "stat_time_day"], metrics=metrics
    )["data"]["list"]
    product_campaigns = {r["dimensions"]["campaign_id"] for r in by_item}
    assert sum(Decimal(r["metrics"]["cost"]) for r in by_item) == sum(
        Decimal(r["metrics"]["cost"]) for r in rows if r["dimensions"]["campaign_id"] in product_campaigns
    )
    live = [r for r in rows if r["dimensions"]["campaign_id"] not in product_campaigns]
    assert live and all(r["metrics"]["product_impressions"] == "-" for r in live)
    assert any(Decimal(r["metrics"]["cost"]) > 0 and r["metrics"]["orders"] == "0" for r in rows)
    assert any(
        Decimal(r["metrics"]["cost"]) > 0 and r["metrics"]["product_impressions"] == "0" for r in by_item
    )
    # filters: one promotion type, sorting
    only_live = _report(tiktok, emulator, filtering={"gmv_max_promotion_types": ["LIVE"]})["data"]["list"]
    assert {r["dimensions"]["campaign_id"] for r in only_live} == {
        r["dimensions"]["campaign_id"] for r in live
    }
    ordered = _report(tiktok, emulator, sort_field="cost", sort_type="ASC")["data"]["list"]
    costs = [Decimal(r["metrics"]["cost"]) for r in ordered]
    assert costs == sorted(costs)
    hours = _report(
        tiktok,
        emulator,
        dimensions=["stat_time_hour"],
        start_date=rows[0]["dimensions"]["stat_time_day"][:10],
        end_date=rows[0]["dimensions"]["stat_time_day"][:10],
    )["data"]["list"]
    assert hours and all(r["dimensions"]["stat_time_hour"].endswith(":00:00") for r in hours)


@pytest.mark.parametrize("kind", ["campaign", "adgroup", "ad"])
def test_smart_plus_lists_status_filter_and_page_size(
    tiktok: Any, emulator: EmulatorServer, kind: str
) -> None:
    route = f"smart_plus/{kind}/get/"
    adv = emulator.advertiser_ids[0]
    assert _code(tiktok, route, advertiser_id=adv, page_size=1001)[0] == 40002
    everything = tiktok.data(
        route, advertiser_id=adv, page_size=1000, filtering={"primary_status": "STATUS_ALL"}
    )
    default = tiktok.data(route, advertiser_id=adv, page_size=1000)
    ids = [r[f"{kind}_id" if kind != "ad" else "smart_plus_ad_id"] for r in everything["list"]]
    assert ids == sorted(ids, reverse=True) and everything["page_info"]["total_number"] == len(ids)
    if kind == "ad":
        deleted = [r for r in everything["list"] if r["secondary_status"] == "AD_STATUS_DELETE"]
        assert deleted and not [r for r in default["list"] if r["secondary_status"] == "AD_STATUS_DELETE"]
        missing = [r for r in everything["list"] if "modify_time" not in r]
        assert missing, "Smart+ ads answered without modify_time"
        after = min(r["create_time"] for r in everything["list"])
        modified = tiktok.data(
            route,
            advertiser_id=adv,
            page_size=1000,
            filtering={"primary_status": "STATUS_ALL", "modified_after": after},
        )["list"]
        assert modified and not [r for r in modified if "modify_time" not in r]
    else:
        assert (
            _code(tiktok, route, advertiser_id=adv, filtering={"modified_after": "2024-01-01 00:00:00"})[0]
            == 40002
        )


def test_material_reports(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    dims = ["smart_plus_ad_id", "main_material_id"]
    overview = "smart_plus/material_report/overview/"
    breakdown = "smart_plus/material_report/breakdown/"
    life = tiktok.data(overview, advertiser_id=adv, dimensions=dims, query_lifetime=True, page_size=100)
    rows = life["list"]
    assert rows and all(r["dimensions"]["main_material_type"] == "VIDEO_NON_SPARK_ADS" for r in rows)
    spends = [Decimal(r["metrics"]["spend"]) for r in rows]
    assert spends == sorted(spends, reverse=True) and set(rows[0]["metrics"]) == {"spend", "impressions"}
    today = emulator.world.local_today(adv)
    start = (today - dt.timedelta(days=29)).isoformat()
    days = tiktok.data(
        breakdown,
        advertiser_id=adv,
        dimensions=[*dims, "stat_time_day"],
        start_date=start,
        end_date=today.isoformat(),
        page_size=100,
    )
    assert days["list"] and days["page_info"]["total_number"] >= len(days["list"])
    assert (
        _code(tiktok, overview, advertiser_id=adv, dimensions=dims, query_lifetime=True, page_size=101)[0]
        == 40002
    )
    assert (
        _code(tiktok, overview, advertiser_id=adv, dimensions=["smart_plus_ad_id"], query_lifetime=True)[0]
        == 40002
    )
    assert (
        _code(tiktok, breakdown, advertiser_id=adv, dimensions=dims, start_date=start, end_date=start)[0]
        == 40002
    )
    too_long = (today - dt.timedelta(days=30)).isoformat()
    assert (
        _code(
            tiktok,
            breakdown,
            advertiser_id=adv,
            dimensions=[*dims, "stat_time_day"],
            start_date=too_long,
            end_date=today.isoformat(),
        )[0]
        == 40002
    )
    both = {"campaign_ids": ["1"], "adgroup_ids": ["2"]}
    assert (
        _code(tiktok, overview, advertiser_id=adv, dimensions=dims, query_lifetime=True, filtering=both)[0]
        == 40002
    )

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
        "filtering": {"gmv_max_promotion_types": ["PRODUCT", "LIVE"]},
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
        # the product and LIVE room levels need campaign_ids (Doc ID 1824722485971009: "Required")
        ({"dimensions": ["item_group_id", "stat_time_day"]}, "campaign_ids"),
        ({"dimensions": ["campaign_id", "room_id"]}, "campaign_ids"),
        # the campaign level needs a promotion type (Doc ID 1824722485971009: "Required")
        ({"filtering": {}}, "gmv_max_promotion_types"),
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
    # the same days by product (PRODUCT campaigns only; campaign_ids is required there) add up to the
    # product campaigns' days
    every = sorted({r["dimensions"]["campaign_id"] for r in rows})
    by_item = _report(
        tiktok,
        emulator,
        dimensions=["campaign_id", "item_group_id", "stat_time_day"],
        metrics=metrics,
        filtering={"campaign_ids": every},
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


def _products(tiktok: Any, emulator: EmulatorServer) -> list[dict[str, Any]]:
    """The product-level rows (campaign_id, item_group_id, stat_time_day) of the report's product campaigns."""
    metrics = ["cost", "orders", "gross_revenue", "product_impressions", "product_clicks"]
    campaigns = _report(tiktok, emulator, dimensions=["campaign_id"])["data"]["list"]
    every = [r["dimensions"]["campaign_id"] for r in campaigns]
    dims = ["campaign_id", "item_group_id", "stat_time_day"]
    rows = _report(tiktok, emulator, dimensions=dims, metrics=metrics, filtering={"campaign_ids": every})
    rows = rows["data"]["list"]
    assert rows
    return list(rows)


CREATIVE_METRICS = ["cost", "orders", "gross_revenue", "product_impressions", "product_clicks"]
CREATIVE_METRICS += ["creative_delivery_status", "roi", "ad_click_rate", "ad_video_view_rate_2s"]


def test_creative_level_posts_add_up_to_their_products(tiktok: Any, emulator: EmulatorServer) -> None:
    products = _products(tiktok, emulator)
    campaigns = sorted({r["dimensions"]["campaign_id"] for r in products})
    items = sorted({r["dimensions"]["item_group_id"] for r in products})
    filtering = {"campaign_ids": campaigns, "item_group_ids": items}
    dims = ["campaign_id", "item_group_id", "item_id", "stat_time_day"]
    body = _report(tiktok, emulator, dimensions=dims, metrics=CREATIVE_METRICS, filtering=filtering)
    assert body["code"] == 0, body["message"]
    posts = body["data"]["list"]
    # with stat_time_day only records with cost (Doc ID 1824722485971009)
    assert posts and all(Decimal(r["metrics"]["cost"]) > 0 for r in posts)
    for field in ("cost", "orders", "gross_revenue", "product_impressions", "product_clicks"):
        by_product: dict[tuple[str, ...], Decimal] = {}
        for r in posts:
            d = r["dimensions"]
            key = (d["campaign_id"], d["item_group_id"], d["stat_time_day"])
            by_product[key] = by_product.get(key, Decimal(0)) + Decimal(r["metrics"][field])
        for r in products:
            d = r["dimensions"]
            key = (d["campaign_id"], d["item_group_id"], d["stat_time_day"])
            assert by_product.get(key, Decimal(0)) == Decimal(r["metrics"][field]), (field, key)
    statuses = {r["metrics"]["creative_delivery_status"] for r in posts}
    assert "DELIVERING" in statuses and len(statuses) > 1
    card = [r for r in posts if r["dimensions"]["item_id"] == "-1"]  # the product card has no post id
    assert card and all(r["metrics"]["ad_video_view_rate_2s"] == "0.00" for r in card)
    videos = [r for r in posts if r["dimensions"]["item_id"] != "-1"]
    assert any(Decimal(r["metrics"]["ad_video_view_rate_2s"]) > 0 for r in videos)
    # the status filter keeps only those posts; without a time dimension every post is answered
    kept = _report(
        tiktok,
        emulator,
        dimensions=dims,
        metrics=CREATIVE_METRICS,
        filtering={**filtering, "creative_delivery_statuses": ["LEARNING"]},
    )["data"]["list"]
    assert kept and {r["metrics"]["creative_delivery_status"] for r in kept} == {"LEARNING"}
    whole = _report(tiktok, emulator, dimensions=dims[:3], metrics=CREATIVE_METRICS, filtering=filtering)[
        "data"
    ]["list"]
    assert sum(Decimal(r["metrics"]["cost"]) for r in whole) == sum(
        Decimal(r["metrics"]["cost"]) for r in posts
    )
    assert len(whole) == len(items) * 4  # three videos and the card per product


def test_creative_level_rules(tiktok: Any, emulator: EmulatorServer) -> None:
    products = _products(tiktok, emulator)
    one = products[0]["dimensions"]
    single = {"campaign_ids": [one["campaign_id"]], "item_group_ids": [one["item_group_id"]]}
    attrs = ["title", "item_id", "tt_account_name", "shop_content_type", "cost"]
    body = _report(tiktok, emulator, dimensions=["item_id", "stat_time_day"], metrics=attrs, filtering=single)
    assert body["code"] == 0, body["message"]
    rows = body["data"]["list"]
    assert rows and all(r["metrics"]["item_id"] == r["dimensions"]["item_id"] for r in rows)
    kinds = {r["dimensions"]["item_id"]: r["metrics"]["shop_content_type"] for r in rows}
    assert (
        set(kinds.values()) <= {"VIDEO", "PRODUCT_CARD"} and kinds.get("-1", "PRODUCT_CARD") == "PRODUCT_CARD"
    )
    word = rows[0]["metrics"]["title"]
    found = _report(
        tiktok,
        emulator,
        dimensions=["item_id", "stat_time_day"],
        metrics=attrs,
        filtering={**single, "search_word": word},
    )["data"]["list"]
    assert found and all(word in r["metrics"]["title"] for r in found)
    three = ["campaign_id", "item_group_id", "item_id"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"dimensions": ["item_id"], "filtering": single}, "grouping"),
        ({"dimensions": three, "filtering": {"campaign_ids": single["campaign_ids"]}}, "item_group_ids"),
        ({"dimensions": three, "filtering": single, "metrics": attrs}, "attribute metrics"),
        (
            {
                "dimensions": ["item_id", "stat_time_day"],
                "filtering": {
                    **single,
                    "creative_types": ["ORGANIC"],
                    "creative_delivery_statuses": ["LEARNING"],
                },
            },
            "creative_types",
        ),
        (
            {"dimensions": three, "filtering": {**single, "creative_types": ["ADS_AND_ORGANIC"]}},
            "creative_types",
        ),
        ({"dimensions": three, "filtering": {**single, "creative_delivery_statuses": ["GOOD"]}}, "statuses"),
    ]
    for change, needle in cases:
        body = _report(tiktok, emulator, **change)
        assert body["code"] == 40002 and needle in body["message"], (change, body["message"])
    # creative-only metrics at the campaign level are "-"
    campaign = _report(tiktok, emulator, metrics=["cost", "ad_click_rate", "creative_delivery_status"])
    assert all(r["metrics"]["ad_click_rate"] == "-" for r in campaign["data"]["list"])


def test_duration_level_has_one_period_per_group(tiktok: Any, emulator: EmulatorServer) -> None:
    products = _products(tiktok, emulator)
    one = products[0]["dimensions"]
    filtering = {"campaign_ids": [one["campaign_id"]], "item_group_ids": [one["item_group_id"]]}
    metrics = ["bid_type", "cost", "orders", "roi"]
    rows = _report(tiktok, emulator, dimensions=["duration"], metrics=metrics, filtering=filtering)["data"][
        "list"
    ]
    assert len(rows) == 1 and rows[0]["metrics"]["bid_type"] == "CUSTOM"
    assert " ~ " in rows[0]["dimensions"]["duration"]
    want = sum(
        Decimal(r["metrics"]["cost"])
        for r in products
        if (r["dimensions"]["campaign_id"], r["dimensions"]["item_group_id"])
        == (one["campaign_id"], one["item_group_id"])
    )
    assert Decimal(rows[0]["metrics"]["cost"]) == want
    # LIVE: by room, with campaign_ids and room_ids
    adv = emulator.advertiser_ids[1]
    live = tiktok.data(
        "gmv_max/campaign/get/", advertiser_id=adv, filtering={"gmv_max_promotion_types": ["LIVE_GMV_MAX"]}
    )["list"]
    rooms = _report(
        tiktok,
        emulator,
        dimensions=["campaign_id", "room_id", "stat_time_day"],
        filtering={"campaign_ids": [live[0]["campaign_id"]]},
    )["data"]["list"]
    assert rooms
    room_ids = sorted({r["dimensions"]["room_id"] for r in rooms})
    by_room = _report(
        tiktok,
        emulator,
        dimensions=["room_id", "duration"],
        metrics=metrics,
        filtering={"campaign_ids": [live[0]["campaign_id"]], "room_ids": room_ids},
    )["data"]["list"]
    assert {r["dimensions"]["room_id"] for r in by_room} == set(room_ids)
    assert sum(Decimal(r["metrics"]["cost"]) for r in by_room) == sum(
        Decimal(r["metrics"]["cost"]) for r in rooms
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"dimensions": ["duration", "stat_time_day"], "filtering": filtering}, "grouping"),
        (
            {"dimensions": ["duration"], "filtering": {"campaign_ids": filtering["campaign_ids"]}},
            "item_group_ids",
        ),
        (
            {
                "dimensions": ["campaign_id", "duration"],
                "filtering": {"item_group_ids": [one["item_group_id"]]},
            },
            "campaign_ids",
        ),
    ]
    for change, needle in cases:
        body = _report(tiktok, emulator, metrics=metrics, **change)
        assert body["code"] == 40002 and needle in body["message"], (change, body["message"])


def test_products_and_rooms_by_hour_add_up_to_their_days_and_campaign_hours(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    products = _products(tiktok, emulator)
    day = products[0]["dimensions"]["stat_time_day"][:10]
    every = sorted({r["dimensions"]["campaign_id"] for r in products})
    hourly = {"start_date": day, "end_date": day, "filtering": {"campaign_ids": every}}
    by_hour = _report(
        tiktok, emulator, dimensions=["campaign_id", "item_group_id", "stat_time_hour"], **hourly
    )
    assert by_hour["code"] == 0, by_hour["message"]
    hours = by_hour["data"]["list"]
    assert hours and all(r["dimensions"]["stat_time_hour"].startswith(day) for r in hours)
    for r in (p for p in products if p["dimensions"]["stat_time_day"].startswith(day)):
        d = r["dimensions"]
        mine = [
            h
            for h in hours
            if (h["dimensions"]["campaign_id"], h["dimensions"]["item_group_id"])
            == (d["campaign_id"], d["item_group_id"])
        ]
        assert sum(Decimal(h["metrics"]["cost"]) for h in mine) == Decimal(r["metrics"]["cost"])
    campaign_hours = _report(
        tiktok, emulator, dimensions=["campaign_id", "stat_time_hour"], start_date=day, end_date=day
    )
    want: dict[tuple[str, str], Decimal] = {}
    for h in hours:
        key = (h["dimensions"]["campaign_id"], h["dimensions"]["stat_time_hour"])
        want[key] = want.get(key, Decimal(0)) + Decimal(h["metrics"]["cost"])
    got = {
        (h["dimensions"]["campaign_id"], h["dimensions"]["stat_time_hour"]): Decimal(h["metrics"]["cost"])
        for h in campaign_hours["data"]["list"]
        if h["dimensions"]["campaign_id"] in {k[0] for k in want}
    }
    assert got == want
    live = _report(
        tiktok, emulator, dimensions=["campaign_id"], filtering={"gmv_max_promotion_types": ["LIVE"]}
    )
    live_ids = [r["dimensions"]["campaign_id"] for r in live["data"]["list"]]
    # yesterday: a whole day of hours, after the first LIVE campaign started (the first half of the history)
    yesterday = (emulator.world.local_today(emulator.advertiser_ids[1]) - dt.timedelta(days=1)).isoformat()
    rooms = _report(
        tiktok,
        emulator,
        dimensions=["room_id", "stat_time_hour"],
        start_date=yesterday,
        end_date=yesterday,
        filtering={"campaign_ids": live_ids},
    )
    assert live_ids and rooms["code"] == 0, rooms["message"]
    assert rooms["data"]["list"] and all("room_id" in r["dimensions"] for r in rooms["data"]["list"])


def test_live_metrics_in_both_spellings_and_all_shops(tiktok: Any, emulator: EmulatorServer) -> None:
    # Doc ID 1824722485971009 spells cost_per_10_second_live_view, the Go SDK ..._views: both are answered
    metrics = ["cost_per_10_second_live_view", "cost_per_10_second_live_views", "orders", "all_shops_orders"]
    body = _report(tiktok, emulator, metrics=metrics)
    assert body["code"] == 0, body["message"]
    live = [r for r in body["data"]["list"] if r["metrics"]["all_shops_orders"] != "-"]
    assert live and all(r["metrics"]["all_shops_orders"] == r["metrics"]["orders"] for r in live)
    m = live[0]["metrics"]
    assert m["cost_per_10_second_live_view"] == m["cost_per_10_second_live_views"] != "-"
    product = [r for r in body["data"]["list"] if r["metrics"]["all_shops_orders"] == "-"]
    assert product and all(r["metrics"]["cost_per_10_second_live_view"] == "-" for r in product)


def test_attribute_metrics_of_campaigns_products_and_rooms(tiktok: Any, emulator: EmulatorServer) -> None:
    campaign_attrs = ["campaign_name", "schedule_type", "roas_bid", "target_roi_budget", "cost"]
    campaigns = _report(tiktok, emulator, dimensions=["campaign_id"], metrics=campaign_attrs)
    assert campaigns["code"] == 0, campaigns["message"]
    assert all(r["metrics"]["schedule_type"] == "Continuously" for r in campaigns["data"]["list"])
    products = _products(tiktok, emulator)
    one = {"campaign_ids": [products[0]["dimensions"]["campaign_id"]]}
    wanted = ["product_name", "product_status", "item_group_id", "cost"]
    body = _report(
        tiktok, emulator, dimensions=["item_group_id", "stat_time_day"], metrics=wanted, filtering=one
    )
    assert body["code"] == 0, body["message"]
    rows = body["data"]["list"]
    assert rows and all(r["metrics"]["item_group_id"] == r["dimensions"]["item_group_id"] for r in rows)
    assert all(r["metrics"]["product_status"] == "available" for r in rows)
    # not with two ID dimensions nor several campaigns (Doc ID 1824722485971009, "Attribute metrics")
    dims = ["campaign_id", "item_group_id", "stat_time_day"]
    refused = _report(tiktok, emulator, dimensions=dims, metrics=wanted, filtering=one)
    assert refused["code"] == 40002 and "attribute metrics" in refused["message"]
    live = _report(
        tiktok, emulator, dimensions=["campaign_id"], filtering={"gmv_max_promotion_types": ["LIVE"]}
    )
    room_one = {"campaign_ids": [live["data"]["list"][0]["dimensions"]["campaign_id"]]}
    rooms = _report(
        tiktok,
        emulator,
        dimensions=["room_id"],
        metrics=["live_name", "live_duration", "cost"],
        filtering=room_one,
    )
    assert rooms["code"] == 0 and rooms["data"]["list"], rooms["message"]
    assert all(r["metrics"]["live_duration"].endswith("m") for r in rooms["data"]["list"])

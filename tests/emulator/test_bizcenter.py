"""Business Center, Spark Ads and refreshable tokens in the emulator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.rules import business_center as bc


def _every(tiktok: Any, route: str, key: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        data = tiktok.data(route, page=page, page_size=100, **params)
        rows.extend(data[key])
        if page >= data["page_info"]["total_page"]:
            assert len(rows) == data["page_info"]["total_number"]
            return rows
        page += 1


def test_bc_discovers_its_ad_accounts_and_money_adds_up(tiktok: Any, emulator: EmulatorServer) -> None:
    listed = tiktok.data("bc/get/")["list"]
    bc_id = listed[0]["bc_info"]["bc_id"]
    assets = tiktok.data("bc/asset/get/", bc_id=bc_id, asset_type="ADVERTISER", page_size=50)["list"]
    # the BC owns every advertiser but the last
    assert [a["asset_id"] for a in assets] == emulator.advertiser_ids[:-1]
    assert (
        tiktok.get("bc/asset/get/", bc_id=bc_id, asset_type="ADVERTISER", page_size=51).json()["code"]
        == 40002
    )
    assert tiktok.get("bc/balance/get/", bc_id="123").json()["code"] == 40001
    assert tiktok.get("bc/get/", token=None).json()["code"] == 40104
    balances = tiktok.data("advertiser/balance/get/", bc_id=bc_id, page_size=100)["advertiser_account_list"]
    records = _every(tiktok, "advertiser/transaction/get/", "transaction_list", bc_id=bc_id)
    assert {b["advertiser_id"] for b in balances} == {r["advertiser_id"] for r in records}
    for b in balances:
        mine = [r for r in records if r["advertiser_id"] == b["advertiser_id"]]
        signed = sum(
            Decimal(str(r["amount"])) * (1 if r["transfer_type"] == "TRANS_TYPE_TRANSFER" else -1)
            for r in mine
        )
        assert Decimal(str(b["cash_balance"])) == signed and signed >= 0


def test_cost_records_equal_the_reports_spend(tiktok: Any, emulator: EmulatorServer) -> None:
    bc_id = bc.bc_id(emulator.world)
    adv = emulator.advertiser_ids[0]
    today = emulator.world.local_today(adv)
    start = today - dt.timedelta(days=10)
    costs = tiktok.data(
        "advertiser/transaction/get/",
        bc_id=bc_id,
        page_size=100,
        filtering={"start_date": start.isoformat(), "transfer_type": "TRANS_TYPE_COST", "keyword": adv},
    )["transaction_list"]
    report = tiktok.data(
        "report/integrated/get/",
        advertiser_id=adv,
        report_type="BASIC",
        data_level="AUCTION_ADVERTISER",
        dimensions=["advertiser_id", "stat_time_day"],
        metrics=["spend"],
        start_date=start.isoformat(),
        end_date=(today - dt.timedelta(days=1)).isoformat(),
        page_size=100,
    )["list"]
    spend = {r["dimensions"]["stat_time_day"][:10]: Decimal(r["metrics"]["spend"]) for r in report}
    assert {r["date"]: Decimal(str(r["amount"])) for r in costs} == {d: v for d, v in spend.items() if v}


def test_spark_ads_join_identities_and_posts(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    identities = tiktok.data("identity/get/", advertiser_id=adv, page_size=100)["identity_list"]
    by_id = {i["identity_id"]: i for i in identities}
    ads = tiktok.data("ad/get/", advertiser_id=adv, page_size=1000)["list"]
    spark = [a for a in ads if a["tiktok_item_id"]]
    assert spark and len(spark) < len(ads)
    for ad in ads:
        assert by_id[ad["identity_id"]]["identity_type"] == ad["identity_type"]
    for ad in spark:
        post = tiktok.data(
            "identity/video/info/",
            advertiser_id=adv,
            identity_type=ad["identity_type"],
            identity_id=ad["identity_id"],
            item_id=ad["tiktok_item_id"],
        )["video_detail"]
        assert post["item_id"] == ad["tiktok_item_id"]
    assert tiktok.get("identity/get/", advertiser_id=adv, identity_type="BC_AUTH_TT").json()["code"] == 40002


def test_refreshable_tokens_expire_on_the_clock_and_rotate(
    emulator_factory: Callable[..., EmulatorServer], tiktok_for: Callable[[EmulatorServer], Any]
) -> None:
    server = emulator_factory(WorldConfig(seed=5, advertisers=1, days=5), refreshable_tokens=True)
    tiktok = tiktok_for(server)
    app = {"app_id": server.app_id, "secret": server.secret}
    data = tiktok.post("oauth2/access_token/", {**app, "auth_code": server.auth_code}).json()["data"]
    assert data["expires_in"] == 86400 and data["refresh_token_expires_in"] == 365 * 86400
    token, refresh = data["access_token"], data["refresh_token"]
    adv = server.advertiser_ids[0]
    assert tiktok.get("advertiser/info/", token=token, advertiser_ids=[adv]).json()["code"] == 0
    server.world.set_now(server.world.now + dt.timedelta(seconds=86400))
    assert tiktok.get("advertiser/info/", token=token, advertiser_ids=[adv]).json()["code"] == 40102
    new = tiktok.post("oauth2/refresh_token/", {**app, "refresh_token": refresh}).json()
    assert new["code"] == 0 and new["data"]["refresh_token"] != refresh
    assert (
        tiktok.get("advertiser/info/", token=new["data"]["access_token"], advertiser_ids=[adv]).json()["code"]
        == 0
    )
    again = tiktok.post("oauth2/refresh_token/", {**app, "refresh_token": refresh}).json()
    assert again["code"] == 40107
    wrong = tiktok.post("oauth2/refresh_token/", {**app, "secret": "x", "refresh_token": "y"}).json()
    assert wrong["code"] == 40101
    server.api.refresh_tokens.expire(new["data"]["refresh_token"])
    expired = tiktok.post(
        "oauth2/refresh_token/", {**app, "refresh_token": new["data"]["refresh_token"]}
    ).json()
    assert expired["code"] == 40103


def test_app_id_of_another_app_is_40113(tiktok: Any, emulator: EmulatorServer) -> None:
    body = tiktok.get("oauth2/advertiser/get/", app_id="7100000000000000999", secret=emulator.secret).json()
    assert body["code"] == 40113 and "inconsistent" in body["message"]

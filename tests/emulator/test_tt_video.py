"""``tt_video/list/`` of tiktok_ads/emulator/rules/spark_ads.py: the Spark Ads posts authorized to an ad account, paged by
page number (1..50 per page, default 20), filtered by ``item_types`` and ``keyword``, and the same posts
``identity/video/info/`` answers for the ``AUTH_CODE`` identity."""

from __future__ import annotations

from typing import Any

from tiktok_ads.emulator import EmulatorServer

ROUTE = "tt_video/list/"


def test_lists_the_authorized_posts_page_by_page(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    first = tiktok.data(ROUTE, advertiser_id=adv)
    assert set(first) == {"list", "page_info"} and first["page_info"]["page_size"] == 20
    items = first["list"]
    assert items and all(set(i) == {"item_info", "user_info", "video_info", "auth_info"} for i in items)
    paged, page = [], 1
    while True:
        data = tiktok.data(ROUTE, advertiser_id=adv, page=page, page_size=1)
        paged += data["list"]
        if page >= data["page_info"]["total_page"]:
            break
        page += 1
    assert paged == items and first["page_info"]["total_number"] == len(items)
    for size in (0, 51):
        answer = tiktok.get(ROUTE, advertiser_id=adv, page_size=size).json()
        assert answer["code"] == 40002 and "page_size" in answer["message"]
    assert tiktok.data(ROUTE, advertiser_id=adv, page_size=50)["list"] == items
    assert tiktok.get(ROUTE).json()["code"] == 40002  # advertiser_id is required
    assert tiktok.get(ROUTE, advertiser_id="1234567").json()["code"] == 40001


def test_posts_are_the_auth_code_identitys(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    identities = tiktok.data("identity/get/", advertiser_id=adv)["identity_list"]
    auth_code = [i for i in identities if i["identity_type"] == "AUTH_CODE"]
    for item in tiktok.data(ROUTE, advertiser_id=adv)["list"]:
        user = item["user_info"]
        assert [user["identity_id"]] == [i["identity_id"] for i in auth_code] and user[
            "identity_type"
        ] == "AUTH_CODE"
        detail = tiktok.data(
            "identity/video/info/",
            advertiser_id=adv,
            identity_type="AUTH_CODE",
            identity_id=user["identity_id"],
            item_id=item["item_info"]["item_id"],
        )["video_detail"]
        assert detail["video_info"] == item["video_info"]
        assert detail["text"] == item["item_info"]["text"]


def test_filters(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    items = tiktok.data(ROUTE, advertiser_id=adv)["list"]
    assert tiktok.data(ROUTE, advertiser_id=adv, item_types=["VIDEO"])["list"] == items
    assert (
        tiktok.data(ROUTE, advertiser_id=adv, item_types=["CAROUSEL"])["list"] == []
    )  # only videos modelled
    bad = tiktok.get(ROUTE, advertiser_id=adv, item_types=["STORY"]).json()
    assert bad["code"] == 40002 and "item_types" in bad["message"]
    one = items[-1]["item_info"]
    assert tiktok.data(ROUTE, advertiser_id=adv, keyword=one["item_id"])["list"] == [items[-1]]
    word = one["text"].split()[-3].upper()  # "post": a case-blind text match finds every caption holding it
    assert tiktok.data(ROUTE, advertiser_id=adv, keyword=word)["list"] == [
        i for i in items if word.lower() in i["item_info"]["text"].lower()
    ]
    assert tiktok.get(ROUTE, advertiser_id=adv, keyword="x" * 501).json()["code"] == 40002

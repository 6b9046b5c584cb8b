"""Creative and account-side endpoints of the emulator: images, videos, custom audiences, pixels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer

ROUTES = {
    # page-size maxima as documented (see tiktok_ads/emulator/rules/api_assets.py for the sources)
    "file/image/ad/search/": ("list", "image_id", 1000),
    "file/video/ad/search/": ("list", "video_id", 1000),
    "dmp/custom_audience/list/": ("list", "custom_audience_id", 100),
    "pixel/list/": ("pixels", "pixel_id", 20),
}


def _all_pages(tiktok: Any, route: str, key: str, adv: str, page_size: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        data = tiktok.data(route, advertiser_id=adv, page=page, page_size=page_size)
        rows.extend(data[key])
        assert data["page_info"]["total_number"] >= len(rows)
        if page >= data["page_info"]["total_page"]:
            return rows
        page += 1


@pytest.mark.parametrize("route", list(ROUTES))
def test_lists_page_exactly_and_are_sorted_newest_id_first(
    tiktok: Any, emulator: EmulatorServer, route: str
) -> None:
    key, id_field, _ = ROUTES[route]
    adv = emulator.advertiser_ids[0]
    everything = tiktok.data(route, advertiser_id=adv, page_size=20)
    total = everything["page_info"]["total_number"]
    assert total > 0
    paged = _all_pages(tiktok, route, key, adv, page_size=3)
    assert len(paged) == total
    assert len({r[id_field] for r in paged}) == total, "pages overlap"
    ids = [r[id_field] for r in paged]
    sort_key = "material_id" if "material_id" in paged[0] else id_field
    assert [r[sort_key] for r in paged] == sorted((r[sort_key] for r in paged), reverse=True)
    assert ids


@pytest.mark.parametrize("route", list(ROUTES))
def test_page_size_limit_and_auth(tiktok: Any, emulator: EmulatorServer, route: str) -> None:
    _, _, max_size = ROUTES[route]
    adv = emulator.advertiser_ids[0]
    body = tiktok.get(route, advertiser_id=adv, page_size=max_size + 1).json()
    assert body["code"] == 40002 and body["data"] == {} and "page_size" in body["message"]
    assert tiktok.data(route, advertiser_id=adv, page_size=max_size)["page_info"]["page_size"] == max_size
    assert tiktok.get(route, token=None, advertiser_id=adv).json()["code"] == 40104
    assert tiktok.get(route, advertiser_id="1234567").json()["code"] == 40001
    no_slash = tiktok.session.get(
        tiktok.url(route.rstrip("/")),
        params={"advertiser_id": adv},
        headers={"Access-Token": emulator.access_token},
        timeout=10,
    )
    assert no_slash.json()["code"] == 0


@pytest.mark.parametrize(
    ("route", "default"),
    [("file/image/ad/search/", 20), ("file/video/ad/search/", 20), ("dmp/custom_audience/list/", 10),
     ("pixel/list/", 10)],
)  # fmt: skip
def test_default_page_sizes(tiktok: Any, emulator: EmulatorServer, route: str, default: int) -> None:
    info = tiktok.data(route, advertiser_id=emulator.advertiser_ids[0])["page_info"]
    assert info["page_size"] == default


def test_id_filters(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[1]
    images = tiktok.data("file/image/ad/search/", advertiser_id=adv, page_size=100)["list"]
    pick = [images[0]["image_id"], images[-1]["image_id"]]
    got = tiktok.data("file/image/ad/search/", advertiser_id=adv, filtering={"image_ids": pick})["list"]
    assert sorted(r["image_id"] for r in got) == sorted(pick)
    audiences = tiktok.data("dmp/custom_audience/list/", advertiser_id=adv, page_size=100)["list"]
    one = audiences[0]["custom_audience_id"]
    got = tiktok.data("dmp/custom_audience/list/", advertiser_id=adv, custom_audience_ids=[one])["list"]
    assert [r["custom_audience_id"] for r in got] == [one]
    too_many = [str(i) for i in range(101)]
    body = tiktok.get("file/video/ad/search/", advertiser_id=adv, filtering={"video_ids": too_many}).json()
    assert body["code"] == 40002


def test_objects_appear_as_the_clock_moves(
    emulator_factory: Callable[..., EmulatorServer], tiktok_for: Callable[[EmulatorServer], Any]
) -> None:
    server = emulator_factory()
    tiktok = tiktok_for(server)
    adv = server.advertiser_ids[0]
    before = tiktok.data("file/video/ad/search/", advertiser_id=adv, page_size=100)["page_info"][
        "total_number"
    ]
    server.world.set_today(server.world.now.date() + dt.timedelta(days=30))
    after = tiktok.data("file/video/ad/search/", advertiser_id=adv, page_size=100)
    assert after["page_info"]["total_number"] > before
    for video in after["list"]:
        created = dt.datetime.strptime(video["create_time"], "%Y-%m-%dT%H:%M:%SZ")
        assert created <= server.world.now.replace(tzinfo=None)
        assert video["modify_time"] >= video["create_time"]


def test_pixels_carry_their_events(tiktok: Any, emulator: EmulatorServer) -> None:
    pixels = tiktok.data("pixel/list/", advertiser_id=emulator.advertiser_ids[0], page_size=20)["pixels"]
    assert pixels and all(p["events"] for p in pixels)
    code = pixels[0]["pixel_code"]
    only = tiktok.data("pixel/list/", advertiser_id=emulator.advertiser_ids[0], code=code)["pixels"]
    assert [p["pixel_code"] for p in only] == [code]


def test_ads_show_files_of_their_advertisers_library(tiktok: Any, emulator: EmulatorServer) -> None:
    for adv in emulator.advertiser_ids:
        videos = {r["video_id"] for r in _all_pages(tiktok, "file/video/ad/search/", "list", adv, 100)}
        images = {r["image_id"] for r in _all_pages(tiktok, "file/image/ad/search/", "list", adv, 100)}
        ads = tiktok.data("ad/get/", advertiser_id=adv, page_size=1000)["list"]
        assert ads
        for ad in ads:
            assert ad["video_id"] in videos and set(ad["image_ids"]) <= images, ad["ad_id"]

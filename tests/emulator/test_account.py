"""The five account-side read endpoints of tiktok_ads/emulator/rules/api_account.py: parameters, paging, envelopes.

(Identities, balances and transactions: tests/emulator/test_bizcenter.py.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer, WorldConfig

#: route -> (list key, id field, largest page_size; None = no paging)
ADVERTISER_ROUTES: dict[str, tuple[str, str, int | None]] = {
    "dmp/saved_audience/list/": ("saved_audiences", "saved_audience_id", 100),
    "creative/portfolio/list/": ("creative_portfolios", "creative_portfolio_id", 100),
    "optimizer/rule/list/": ("rules", "rule_id", 100),
    "optimizer/rule/result/list/": ("list", "exec_id", 100),
    "app/list/": ("apps", "app_id", None),
}


def pages(tiktok: Any, route: str, key: str, size: int, **params: Any) -> list[dict[str, Any]]:
    out, page = [], 1
    while True:
        data = tiktok.data(route, page=page, page_size=size, **params)
        out += data[key]
        if page >= data["page_info"]["total_page"]:
            return out
        page += 1


@pytest.mark.parametrize("route", list(ADVERTISER_ROUTES))
def test_advertiser_lists(tiktok: Any, emulator: EmulatorServer, route: str) -> None:
    key, id_field, max_size = ADVERTISER_ROUTES[route]
    adv = emulator.advertiser_ids[0]
    data = tiktok.data(route, advertiser_id=adv)
    assert data[key], (route, data)
    assert all(row[id_field] for row in data[key])
    assert tiktok.get(route, token=None, advertiser_id=adv).json()["code"] == 40104
    assert tiktok.get(route, advertiser_id="1234567").json()["code"] == 40001
    assert tiktok.get(route).json()["code"] == 40002  # advertiser_id is required
    if max_size is None:
        assert set(data) == {key}
        return
    everything = tiktok.data(route, advertiser_id=adv, page_size=max_size)
    total = everything["page_info"]["total_number"]
    paged = pages(tiktok, route, key, 1, advertiser_id=adv)
    assert paged == everything[key] and len(paged) == total
    too_big = tiktok.get(route, advertiser_id=adv, page_size=max_size + 1).json()
    assert too_big["code"] == 40002 and "page_size" in too_big["message"]


def test_filters(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = emulator.advertiser_ids[0]
    saved = tiktok.data("dmp/saved_audience/list/", advertiser_id=adv)["saved_audiences"]
    one = saved[-1]["saved_audience_id"]
    got = tiktok.data("dmp/saved_audience/list/", advertiser_id=adv, saved_audience_ids=[one])[
        "saved_audiences"
    ]
    assert [r["saved_audience_id"] for r in got] == [one]
    # saved audiences target the advertiser's own custom audiences
    customs = {
        a["custom_audience_id"] for a in tiktok.data("dmp/custom_audience/list/", advertiser_id=adv)["list"]
    }
    assert all(set(r["audience_ids"]) <= customs for r in saved)
    cards = tiktok.data(
        "creative/portfolio/list/", advertiser_id=adv, filtering={"creative_portfolio_types": ["CARD"]}
    )
    assert cards["creative_portfolios"] and {
        r["creative_portfolio_type"] for r in cards["creative_portfolios"]
    } == {"CARD"}
    rules = tiktok.data("optimizer/rule/list/", advertiser_id=adv)["rules"]
    opened = [r for r in rules if r["status"] == "RULE_STATUS_OPEN"]
    results = tiktok.data("optimizer/rule/result/list/", advertiser_id=adv, page_size=100)["list"]
    assert {r["rule_id"] for r in results} <= {r["rule_id"] for r in opened}
    only = tiktok.data(
        "optimizer/rule/result/list/",
        advertiser_id=adv,
        page_size=100,
        filtering={"rule_info": [opened[0]["rule_id"]]},
    )["list"]
    assert only and {r["rule_id"] for r in only} == {opened[0]["rule_id"]}


def test_objects_appear_as_the_clock_moves(
    emulator_factory: Callable[..., EmulatorServer], tiktok_for: Callable[[EmulatorServer], Any]
) -> None:
    server = emulator_factory()
    tiktok = tiktok_for(server)

    def counts() -> dict[str, int]:
        out: dict[str, int] = {}
        for route, (key, _, max_size) in ADVERTISER_ROUTES.items():
            size = {"page_size": max_size} if max_size else {}
            out[route] = sum(
                len(tiktok.data(route, advertiser_id=a, **size)[key]) for a in server.advertiser_ids
            )
        return out

    now = counts()
    server.world.set_today(server.world.history_start + dt.timedelta(days=1))
    early = counts()
    assert all(early[r] <= now[r] for r in now) and sum(early.values()) < sum(now.values())
    server.world.set_today(server.world.initial_today + dt.timedelta(days=server.world.config.future_days))
    later = counts()
    assert sum(later.values()) > sum(now.values()) - now["optimizer/rule/result/list/"]


def test_apps_are_what_app_promotion_campaigns_promote(
    emulator_factory: Callable[..., EmulatorServer], tiktok_for: Callable[[EmulatorServer], Any]
) -> None:
    emulator = emulator_factory(WorldConfig(seed=4, advertisers=2, campaigns=6, adgroups=1, ads=1, days=10))
    tiktok = tiktok_for(emulator)
    promoted: set[str] = set()
    for adv in emulator.advertiser_ids:
        apps = tiktok.data("app/list/", advertiser_id=adv)["apps"]
        assert {a["platform"] for a in apps} == {"ANDROID", "IOS"}
        ids = {a["app_id"] for a in apps}
        for route in ("campaign/get/", "adgroup/get/"):
            used = {r["app_id"] for r in tiktok.data(route, advertiser_id=adv, page_size=1000)["list"]}
            promoted |= used - {None}
            assert used - {None} <= ids, (adv, route)
        one = apps[-1]["app_platform_id"]
        got = tiktok.data("app/list/", advertiser_id=adv, app_platform_ids=[one])["apps"]
        assert [a["app_platform_id"] for a in got] == [one]
    assert promoted, "no APP_PROMOTION campaign in the world: pick another seed"

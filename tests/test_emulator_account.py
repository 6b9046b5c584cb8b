"""The eight account-side read endpoints (tiktok_ads/emulator/api_account.py): parameters, paging, envelopes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer

#: route -> (list key, id field, largest page_size; None = no paging)
ADVERTISER_ROUTES: dict[str, tuple[str, str, int | None]] = {
    "dmp/saved_audience/list/": ("saved_audiences", "saved_audience_id", 100),
    "creative/portfolio/list/": ("creative_portfolios", "creative_portfolio_id", 100),
    "optimizer/rule/list/": ("rules", "rule_id", 100),
    "optimizer/rule/result/list/": ("list", "exec_id", 100),
    "app/list/": ("apps", "app_id", None),
    "identity/get/": ("identity_list", "identity_id", 100),
}
BC_ROUTES: dict[str, tuple[str, int]] = {
    "advertiser/balance/get/": ("advertiser_account_list", 50),
    "advertiser/transaction/get/": ("transaction_list", 50),
}


def bc_of(server: EmulatorServer) -> str:
    return str(server.world.advertiser_info(server.advertiser_ids[0])["owner_bc_id"])


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
    users = tiktok.data("identity/get/", advertiser_id=adv, identity_type="TT_USER")["identity_list"]
    assert users and {r["identity_type"] for r in users} == {"TT_USER"}
    needs_bc = tiktok.get("identity/get/", advertiser_id=adv, identity_type="BC_AUTH_TT").json()
    assert needs_bc["code"] == 40002 and "identity_authorized_bc_id" in needs_bc["message"]
    assert tiktok.get("identity/get/", advertiser_id=adv, identity_type="NOPE").json()["code"] == 40002
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


@pytest.mark.parametrize("route", list(BC_ROUTES))
def test_business_center_lists(tiktok: Any, emulator: EmulatorServer, route: str) -> None:
    key, max_size = BC_ROUTES[route]
    bc = bc_of(emulator)
    data = tiktok.data(route, bc_id=bc, page_size=max_size)
    assert data[key] and set(data) == {key, "page_info"}
    assert {r["advertiser_id"] for r in data[key]} <= set(emulator.advertiser_ids)
    assert pages(tiktok, route, key, 1, bc_id=bc) == data[key]
    assert tiktok.get(route).json()["code"] == 40002  # bc_id is required
    assert tiktok.get(route, bc_id="7200000000000000999").json()["code"] == 40001
    assert tiktok.get(route, token=None, bc_id=bc).json()["code"] == 40104
    assert tiktok.get(route, bc_id=bc, page_size=max_size + 1).json()["code"] == 40002


def test_balances_match_advertiser_info_and_follow_the_grant(tiktok: Any, emulator: EmulatorServer) -> None:
    bc = bc_of(emulator)
    rows = tiktok.data("advertiser/balance/get/", bc_id=bc)["advertiser_account_list"]
    info = {
        a["advertiser_id"]: a
        for a in tiktok.data("advertiser/info/", advertiser_ids=emulator.advertiser_ids)["list"]
    }
    assert {r["advertiser_id"]: r["account_balance"] for r in rows} == {
        k: v["balance"] for k, v in info.items()
    }
    first = emulator.advertiser_ids[0]
    token = emulator.api.create_token([first])
    limited = tiktok.get("advertiser/balance/get/", token=token, bc_id=bc).json()["data"][
        "advertiser_account_list"
    ]
    assert [r["advertiser_id"] for r in limited] == [first]
    name = rows[0]["advertiser_name"]
    found = tiktok.data("advertiser/balance/get/", bc_id=bc, filtering={"keyword": name})[
        "advertiser_account_list"
    ]
    assert [r["advertiser_name"] for r in found] == [name]


def test_transactions_filters(tiktok: Any, emulator: EmulatorServer) -> None:
    bc = bc_of(emulator)
    route = "advertiser/transaction/get/"
    default = tiktok.data(route, bc_id=bc, page_size=50)["transaction_list"]
    assert default and {r["transfer_type"] for r in default} == {"TRANS_TYPE_TRANSFER"}
    june = tiktok.data(
        route, bc_id=bc, page_size=50, filtering={"start_date": "2024-06-01", "end_date": "2024-06-30"}
    )
    assert june["transaction_list"] and all(r["date"].startswith("2024-06") for r in june["transaction_list"])
    cost = tiktok.data(route, bc_id=bc, filtering={"transfer_type": "TRANS_TYPE_COST"})
    assert cost["transaction_list"] == []
    too_long = tiktok.get(
        route, bc_id=bc, filtering={"start_date": "2022-01-01", "end_date": "2024-06-01"}
    ).json()
    assert too_long["code"] == 40002


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

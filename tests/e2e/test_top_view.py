"""TopView lists only where TopView campaigns are (issue 16): fewer requests, every object still lands.

Each advertiser's TopView campaign list is read once per run (``tiktok_ads/endpoints/top_view.py``); its ad groups' and ads'
TopView lists are read only when that list holds a campaign. These tests run the pipeline against worlds where
an advertiser has no TopView campaign, gains one between runs, or sees one deleted, compare every row of the
three tables with the emulator's truth, and count the requests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from support import make_pipeline, rows, run

from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T

Factory = Callable[..., EmulatorServer]

TODAY = dt.date(2026, 3, 31)
START = TODAY - dt.timedelta(days=30)
TOP_VIEW = "RESERVATION_TOP_VIEW"
TABLES = {"campaigns": "campaign", "adgroups": "adgroup", "ads": "ad"}
PATHS = {"campaign": "campaign/get/", "adgroup": "adgroup/get/", "ad": "ad/get/"}

#: Between TODAY and five days later advertiser 1 gains its first TopView campaign (with an ad group and
#: ads) and advertiser 3 sees a TopView campaign with live children deleted (asserted by the test).
CHANGING = WorldConfig(
    seed=155, advertisers=4, campaigns=6, adgroups=1, ads=2, days=30, today=TODAY, delete_rate=0.3
)
LATER = TODAY + dt.timedelta(days=5)
#: One campaign per advertiser, always an auction one: nobody has a TopView campaign.
NO_TOP_VIEW = WorldConfig(seed=7, advertisers=3, campaigns=1, adgroups=2, ads=2, days=30, today=TODAY)


def top_view_campaigns(server: EmulatorServer, advertiser_id: str, include_deleted: bool) -> list[Any]:
    """The advertiser's TopView campaigns a list at the emulator's now holds."""
    now = server.world.now
    return [
        e
        for e in server.world.entity_objects("campaign", advertiser_id)
        if e.buying_type == TOP_VIEW and e.exists(now) and (include_deleted or not e.is_deleted(now))
    ]


def expected_requests(server: EmulatorServer, include_deleted: bool) -> dict[str, int]:
    """Requests of one run of the three tables (every list fits one page): two campaign lists per advertiser,
    one ad group and one ad list, and one more of each for an advertiser with a TopView campaign."""
    advertisers = server.advertiser_ids
    with_top_view = sum(bool(top_view_campaigns(server, a, include_deleted)) for a in advertisers)
    return {
        "campaign/get/": 2 * len(advertisers),
        "adgroup/get/": len(advertisers) + with_top_view,
        "ad/get/": len(advertisers) + with_top_view,
    }


def counted(server: EmulatorServer, before: Mapping[str, int]) -> dict[str, int]:
    return {path: server.stats.requests[path] - before.get(path, 0) for path in PATHS.values()}


def assert_tables_equal_truth(
    pipeline: Any, server: EmulatorServer, include_deleted: bool, seen_at: list[dt.datetime]
) -> None:
    """Every version of every campaign, ad group and ad the runs saw is in its table, once, and nothing else."""
    for table, kind in TABLES.items():
        want = T.entity_rows(
            server.world,
            kind,
            advertiser_ids=server.advertiser_ids,
            include_deleted=include_deleted,
            seen_at=seen_at,
        )
        got = rows(pipeline, table)
        key = f"{kind}_id"
        assert Counter((r[key], r["modify_time"].strftime(T.TIME_FORMAT)) for r in got) == Counter(
            (str(r[key]), str(r["modify_time"])) for r in want
        ), table
        latest: dict[str, Any] = {}
        for r in sorted(got, key=lambda r: r["modify_time"]):
            latest[r[key]] = r["secondary_status"]
        truth_latest: dict[str, Any] = {}
        for r in sorted(want, key=lambda r: str(r["modify_time"])):
            truth_latest[str(r[key])] = r["secondary_status"]
        assert latest == truth_latest, table


@pytest.mark.parametrize("include_deleted", [False, True], ids=["live", "include_deleted"])
def test_an_advertiser_gaining_or_losing_a_top_view_campaign_keeps_every_object(
    tmp_path: Path, emulator_factory: Factory, include_deleted: bool
) -> None:
    server = emulator_factory(CHANGING)
    world = server.world
    gaining, losing = server.advertiser_ids[1], server.advertiser_ids[3]
    first = world.now
    # the world as the test needs it: the gaining advertiser has no TopView campaign at all yet ...
    assert not top_view_campaigns(server, gaining, include_deleted=True)
    # ... and the losing one has one whose children are live
    doomed = [e for e in top_view_campaigns(server, losing, False) if e.deleted_at is not None]
    assert doomed and any(not g.is_deleted(first) for e in doomed for g in e.children)
    pipeline = make_pipeline(tmp_path)

    want = expected_requests(server, include_deleted)
    before = dict(server.stats.requests)
    run(pipeline, server, start_date=START, tables=list(TABLES), include_deleted=include_deleted)
    assert counted(server, before) == want
    # (the saving: four TopView lists of ad groups and ads would be two per advertiser)
    assert want["adgroup/get/"] < 2 * len(server.advertiser_ids)
    assert_tables_equal_truth(pipeline, server, include_deleted, [first])

    world.set_today(LATER)
    assert top_view_campaigns(server, gaining, include_deleted)
    assert all(e.is_deleted(world.now) for e in doomed)
    want = expected_requests(server, include_deleted)
    before = dict(server.stats.requests)
    run(pipeline, server, start_date=START, tables=list(TABLES), include_deleted=include_deleted)
    assert counted(server, before) == want
    assert_tables_equal_truth(pipeline, server, include_deleted, [first, world.now])

    # the gaining advertiser's TopView ad groups and ads are in (each table compared above, named here)
    new_children = {
        g.entity_id
        for e in top_view_campaigns(server, gaining, include_deleted)
        for g in e.children
        if g.exists(world.now)
    }
    assert new_children
    assert new_children <= {r["adgroup_id"] for r in rows(pipeline, "adgroups")}
    if include_deleted:  # the deleted campaign's children landed with their final, deleted state
        gone = {g.entity_id for e in doomed for g in e.children if g.exists(first)}
        latest = {}
        for r in sorted(rows(pipeline, "adgroups"), key=lambda r: r["modify_time"]):
            latest[r["adgroup_id"]] = r["secondary_status"]
        assert gone and all("DELETE" in latest[i] for i in gone), {i: latest.get(i) for i in gone}


def test_advertisers_without_top_view_campaigns_skip_the_top_view_lists(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    server = emulator_factory(NO_TOP_VIEW)
    world = server.world
    assert not any(top_view_campaigns(server, a, include_deleted=True) for a in server.advertiser_ids)
    pipeline = make_pipeline(tmp_path)
    advertisers = len(server.advertiser_ids)
    seen = []
    for day in (TODAY, TODAY + dt.timedelta(days=1)):
        world.set_today(day)
        seen.append(world.now)
        before = dict(server.stats.requests)
        run(pipeline, server, start_date=START, tables=list(TABLES), include_deleted=True)
        # one TopView list per advertiser (its campaigns), none of ad groups or ads
        assert counted(server, before) == {
            "campaign/get/": 2 * advertisers,
            "adgroup/get/": advertisers,
            "ad/get/": advertisers,
        }
        assert_tables_equal_truth(pipeline, server, True, seen)


def test_a_top_view_campaign_created_while_a_run_lists_is_found_by_the_next_run(
    tmp_path: Path, emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TopView campaign list says "none"; before the advertiser's ad groups are listed, a TopView campaign and
    an ad group in it are created, and an auction ad group is modified after that. The ad group cursor must not
    move past the new TopView ad group, which the next run (seeing the campaign) lists."""
    world_config = WorldConfig(
        seed=20, advertisers=2, campaigns=4, adgroups=2, ads=1, days=30, today=TODAY, delete_rate=0.2
    )
    server = emulator_factory(world_config)
    world = server.world
    adv = server.advertiser_ids[0]
    first = world.now
    meanwhile = first + dt.timedelta(days=4)
    assert not top_view_campaigns(server, adv, include_deleted=True)
    groups = world.entity_objects("adgroup", adv)
    live = [g for g in groups if g.exists(meanwhile) and not g.is_deleted(meanwhile)]
    newest_auction = max(g.modify_time(meanwhile) for g in live if g.buying_type != TOP_VIEW)
    created = [g for g in live if g.buying_type == TOP_VIEW and g.create_time > first]
    # the world as the test needs it: a TopView ad group older than the newest auction change
    assert created and all(g.modify_time(meanwhile) < newest_auction for g in created)

    answer = server.api._entities

    def time_passes_after_the_top_view_campaign_list(kind: str, params: Any, token: Any) -> Any:
        out = answer(kind, params, token)
        if kind == "campaign" and TOP_VIEW in str(params.get("filtering")):
            world.set_now(meanwhile)
        return out

    monkeypatch.setattr(server.api, "_entities", time_passes_after_the_top_view_campaign_list)
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=["adgroups"], advertiser_ids=[adv])
    loaded = {r["adgroup_id"] for r in rows(pipeline, "adgroups")}
    assert not loaded & {g.entity_id for g in created}, "this run's lists did not hold them"

    run(pipeline, server, start_date=START, tables=["adgroups"], advertiser_ids=[adv])
    want = T.entity_rows(world, "adgroup", advertiser_ids=[adv], seen_at=[meanwhile])
    got = rows(pipeline, "adgroups")
    assert Counter((r["adgroup_id"], r["modify_time"].strftime(T.TIME_FORMAT)) for r in got) == Counter(
        (str(r["adgroup_id"]), str(r["modify_time"])) for r in want
    )
    assert {g.entity_id for g in created} <= {r["adgroup_id"] for r in got}

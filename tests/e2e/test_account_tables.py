"""The account-side lists (saved audiences, creative portfolios, automated rules and their runs, apps) load from
the emulator and equal its data; rule runs go on incrementally (only runs at or after each advertiser's cursor).

``apps`` comes from ``app/list/``, which has no paging: with ``page_size=2`` and two apps per advertiser, a
paging loop would take the full answer for page 1 and ask for page 2."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import support

from tiktok_ads import TABLES, RunSummary
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import account_data as data

TODAY = dt.date(2026, 3, 31)
WORLD = WorldConfig(seed=12, advertisers=2, campaigns=1, adgroups=1, ads=1, days=40, today=TODAY)
START = TODAY - dt.timedelta(days=40)
LISTS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "saved_audiences": data.saved_audiences,
    "creative_portfolios": data.portfolios,
    "automated_rules": data.rules,
    "automated_rule_results": data.rule_results,
    "apps": data.apps,
}


def truth(server: EmulatorServer, name: str) -> list[dict[str, Any]]:
    return [
        {"advertiser_id": adv.advertiser_id, **row}
        for adv in server.world.advertisers
        for row in LISTS[name](server.world, adv)
    ]


def test_account_lists_load_and_equal_the_emulators_data(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    pipeline = support.make_pipeline(tmp_path, "account_lists")
    summary = support.run(pipeline, server, start_date=START, tables=list(LISTS), page_size=2)
    for name in LISTS:
        want = truth(server, name)
        assert want, f"{name}: the world holds none: pick another seed"
        assert support.object_differences(pipeline, name, want) == [], name
        assert summary.rows_by_table()[name] == len(want), name
    assert all(TABLES[name].opt_in for name in LISTS)
    assert all(len(data.apps(server.world, adv)) == 2 for adv in server.world.advertisers)
    assert server.stats.requests["app/list/"] == len(server.world.advertisers)  # one request each, unpaged

    # a day later: the rules' new runs only (at or after each advertiser's newest run loaded)
    before = {adv.advertiser_id: data.rule_results(server.world, adv) for adv in server.world.advertisers}
    server.world.set_today(TODAY + dt.timedelta(days=1))
    summary = RunSummary()
    support.run(pipeline, server, start_date=START, tables=["automated_rule_results"], summary=summary)
    for adv in server.world.advertisers:
        newest = max(r["exec_time"] for r in before[adv.advertiser_id])
        due = [r for r in data.rule_results(server.world, adv) if r["exec_time"] >= newest]
        assert 0 < len(due) < len(data.rule_results(server.world, adv)), adv.advertiser_id
        assert summary.rows[("automated_rule_results", adv.advertiser_id)] == len(due), adv.advertiser_id
    want = {r["exec_id"] for r in truth(server, "automated_rule_results")}
    assert want <= {r["exec_id"] for r in support.rows(pipeline, "automated_rule_results")}

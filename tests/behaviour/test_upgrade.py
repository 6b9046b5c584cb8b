"""A pipeline whose state the previous release (472a332) wrote goes on without reloading history.

That release kept one resource per table with ``{"advertisers": {id: {"last_day", "start_date",
"include_deleted"}}}`` (entity tables: ``max_modify_time``); this one keeps a ``dlt.sources.incremental`` per
advertiser resource. ``fixtures/state_release_472a332.json`` is the source state that release wrote after one
run over the world below (made by running it against this emulator world: ``tiktok_ads(start_date=START,
advertiser_ids=..., clock=world clock)`` into duckdb, then ``pipeline.state["sources"]["tiktok_ads"]``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support import advertiser_states, compare_reports, make_pipeline, run, truth_value

from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.endpoints.transform import to_timestamp
from tiktok_ads.tables.registry import DEFAULT_TABLES

TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=5, advertisers=2, campaigns=2, adgroups=1, ads=2, days=35, today=TODAY)
START = TODAY - dt.timedelta(days=35)
FIXTURE = Path(__file__).parent / "fixtures" / "state_release_472a332.json"
REPORTS = [name for name in DEFAULT_TABLES if "insights" in name]


def test_state_of_the_previous_release_goes_on_without_reloading_history(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    legacy: dict[str, Any] = json.loads(FIXTURE.read_text())
    assert set(legacy["resources"]["ad_insights"]["advertisers"]) == set(server.advertiser_ids)
    pipeline = make_pipeline(tmp_path, "upgrade")
    run(pipeline, server, start_date=START)  # the rows that release loaded (same world, same day)
    # ... and its state instead of this release's
    with pipeline.managed_state() as state:  # local state, as the release left it
        state["sources"]["tiktok_ads"] = legacy
    assert advertiser_states(pipeline, "ad_insights") == legacy["resources"]["ad_insights"]["advertisers"]

    server.world.set_today(TODAY + dt.timedelta(days=2))
    summary = run(pipeline, server, start_date=START)
    for adv in server.advertiser_ids:
        last = dt.date.fromisoformat(legacy["resources"]["ad_insights"]["advertisers"][adv]["last_day"])
        today = server.world.local_today(adv)
        for table in REPORTS:
            # the attribution window after the stored day, not the history from start_date
            assert summary.ranges[(table, adv)] == f"{last - dt.timedelta(days=7)}..{today}", (table, adv)
        # campaigns: only those modified at or after the stored cursor
        since = to_timestamp(legacy["resources"]["campaigns"]["advertisers"][adv]["max_modify_time"], "c")
        due = [r for r in T.entity_rows(server.world, "campaign", advertiser_ids=[adv])]
        due = [r for r in due if truth_value("timestamp", r["modify_time"]) >= since]
        assert summary.rows[("campaigns", adv)] == len(due), adv
    assert compare_reports(pipeline, server, REPORTS, start_date=START, include_deleted=False) == []

    # the cursors moved to this release's shape; the old entries are gone
    after = advertiser_states(pipeline, "ad_insights")
    resources = pipeline.state["sources"]["tiktok_ads"]["resources"]
    for table in DEFAULT_TABLES:
        assert "advertisers" not in resources.get(table, {}), table
    for adv in server.advertiser_ids:
        assert after[adv]["last_day"] == server.world.local_today(adv).isoformat()

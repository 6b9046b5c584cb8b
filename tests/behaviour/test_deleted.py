"""Deleted campaigns, ad groups and ads (issue 4): with ``include_deleted`` they and their spend are in every
table, for every advertiser, and ad-level totals equal the advertiser level; without it neither appears, and
a day re-read after an ad was deleted is replaced whole (``merge_key`` advertiser_id + stat_time_day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from support import make_pipeline, report_differences, report_truth, rows, run, table_rows

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T

Factory = Callable[..., EmulatorServer]

TODAY = dt.date(2026, 3, 31)
#: Half of the objects get deleted at some point: by TODAY each of the two advertisers has deleted
#: campaigns, ad groups and ads that spent before they were deleted (and one more ad is deleted two days later).
WORLD = WorldConfig(
    seed=28, advertisers=2, campaigns=3, adgroups=2, ads=2, days=30, today=TODAY, delete_rate=0.5
)
START = TODAY - dt.timedelta(days=30)
#: the report/integrated/get/ tables with a status filter (the GMV Max, TT_SHOP and Smart+ creative reports
#: have none)
REPORTS = [
    name
    for name, spec in TABLES.items()
    if spec.kind == "report" and spec.endpoint == "report/integrated/get/" and spec.status_filter_field
]
ENTITIES = {"campaigns": "campaign", "adgroups": "adgroup", "ads": "ad"}
#: the id column of the objects each report table is broken down by
REPORT_ID = {name: f"{str(TABLES[name].data_level).split('_')[-1].lower()}_id" for name in REPORTS}


def deleted_ids(server: EmulatorServer, kind: str, advertiser_id: str) -> set[str]:
    """Ids of the objects of ``kind`` deleted (themselves or through a parent) by the emulator's now."""
    now = server.world.now
    return {
        e.entity_id
        for e in server.world.entity_objects(kind, advertiser_id)
        if e.exists(now) and e.is_deleted(now)
    }


def advertiser_totals(server: EmulatorServer) -> dict[str, tuple[Decimal, int]]:
    """Spend and impressions per advertiser at TikTok's advertiser level (which always counts everything)."""
    truth = report_truth(
        server,
        TABLES["ad_insights"],
        start_date=START,
        include_deleted=False,
        data_level="AUCTION_ADVERTISER",
    )
    out: dict[str, tuple[Decimal, int]] = {}
    for adv in server.advertiser_ids:
        sums = T.additive_totals([r for r in truth if r["advertiser_id"] == adv], ["spend", "impressions"])
        out[adv] = (Decimal(sums["spend"]), int(sums["impressions"]))
    return out


def table_totals(got: list[dict[str, Any]], advertiser_id: str) -> tuple[Decimal, int]:
    mine = [r for r in got if r["advertiser_id"] == advertiser_id]
    return Decimal(sum(r["spend"] for r in mine)), int(sum(r["impressions"] for r in mine))


def test_include_deleted_brings_deleted_objects_and_their_spend_into_every_table(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=[*ENTITIES, *REPORTS], include_deleted=True)
    totals = advertiser_totals(server)
    loaded = table_rows(pipeline, [*ENTITIES, *REPORTS])
    for adv in server.advertiser_ids:
        for table, kind in ENTITIES.items():
            gone = deleted_ids(server, kind, adv)
            assert gone, (adv, kind, "the world should have deleted objects")
            got = [r for r in loaded[table] if r["advertiser_id"] == adv]
            statuses = {r[f"{kind}_id"]: r["secondary_status"] for r in got}
            assert gone <= set(statuses), (adv, table)
            # the latest version of a deleted object says so
            latest = {}
            for r in sorted(got, key=lambda r: r["modify_time"]):
                latest[r[f"{kind}_id"]] = r["secondary_status"]
            assert all("DELETE" in latest[i] for i in gone), (adv, table, {i: latest[i] for i in gone})
        for table in REPORTS:
            got = loaded[table]
            id_col = REPORT_ID[table]
            gone = deleted_ids(server, id_col.removesuffix("_id"), adv)
            spent = {
                r[id_col] for r in got if r["advertiser_id"] == adv and r[id_col] in gone and r["spend"] > 0
            }
            assert spent, (table, adv, "no spend of deleted objects")
            # every table adds up to TikTok's advertiser-level totals: nothing deleted is missing
            assert table_totals(got, adv) == totals[adv], (table, adv)

    # and, value for value, the ads' daily rows equal the truth with deleted objects
    spec = TABLES["ad_insights"]
    want = report_truth(server, spec, start_date=START, include_deleted=True)
    assert report_differences(loaded["ad_insights"], want, spec) == []


def test_without_include_deleted_neither_appears_and_re_read_days_are_replaced_whole(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    """Without ``include_deleted`` deleted objects and their rows stay out. TikTok then stops returning an ad
    once it is deleted - also for the days it delivered on: the days the next run re-reads must lose that
    ad's rows (merge on advertiser + day), so they equal TikTok's numbers again; days outside the window keep
    what was loaded."""
    server = emulator_factory(WORLD)
    reports = ["ad_insights", "ad_insights_by_country", "campaign_insights_by_province"]
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=[*ENTITIES, *reports])
    totals = advertiser_totals(server)
    loaded = table_rows(pipeline, [*ENTITIES, *reports])
    for adv in server.advertiser_ids:
        for table, kind in ENTITIES.items():
            got = {r[f"{kind}_id"] for r in loaded[table] if r["advertiser_id"] == adv}
            assert got and not got & deleted_ids(server, kind, adv), (adv, table)
        for table in reports:
            got = loaded[table]
            id_col = REPORT_ID[table]
            gone = deleted_ids(server, id_col.removesuffix("_id"), adv)
            assert not [r for r in got if r[id_col] in gone], (adv, table)
            spend, _ = table_totals(got, adv)
            assert spend < totals[adv][0], (adv, table, "deleted objects' spend should be missing")
    spec = TABLES["ad_insights"]
    want = report_truth(server, spec, start_date=START, include_deleted=False)
    assert report_differences(loaded["ad_insights"], want, spec) == []

    # two days later an ad that delivered is deleted; the next run re-reads its window
    adv = server.advertiser_ids[0]
    before = {r["ad_id"] for r in rows(pipeline, "ad_insights", f"advertiser_id = '{adv}'")}
    server.world.set_today(TODAY + dt.timedelta(days=2))
    newly_deleted = deleted_ids(server, "ad", adv) & before
    assert newly_deleted, "the world should delete a delivering ad between the two runs"
    tables = reports[:2]
    summary = run(pipeline, server, start_date=START, tables=tables)
    for table in tables:
        spec = TABLES[table]
        for advertiser in server.advertiser_ids:
            first, last = (dt.date.fromisoformat(d) for d in summary.ranges[(table, advertiser)].split(".."))
            got = rows(
                pipeline,
                table,
                f"advertiser_id = '{advertiser}' AND stat_time_day BETWEEN '{first}' AND '{last}'",
            )
            want = report_truth(
                server,
                spec,
                start_date=first,
                end_date=last,
                include_deleted=False,
                advertiser_ids=[advertiser],
            )
            assert report_differences(got, want, spec) == [], (table, advertiser)
        window_start = summary.ranges[(table, adv)].split("..")[0]
        kept = rows(pipeline, table, f"advertiser_id = '{adv}' AND stat_time_day < '{window_start}'")
        assert {r["ad_id"] for r in kept} & newly_deleted, "older days keep the spend that was loaded"

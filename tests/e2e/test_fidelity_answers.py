"""Answers and metrics of the real TikTok found in production connectors and SDK models (emulator README
"Fidelity audit"), loaded end to end: the real source through dlt into duckdb, equal to the truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from support import make_pipeline, report_differences, report_truth, rows, run

from tiktok_ads import ALL_TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.tables.custom_reports import custom_report_specs

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=7, advertisers=2, campaigns=2, adgroups=2, ads=2, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=5)

#: TikTok's documented attribute metrics the emulator used to refuse (metrics.toml, bububa/tiktok-business
#: model/report/metrics.go; Apache DevLake requests pricing_category and aeo_type), with the ACO flag.
ADGROUP_REPORT = {
    "report_type": "BASIC",
    "data_level": "AUCTION_ADGROUP",
    "dimensions": ["adgroup_id", "stat_time_day"],
    "metrics": [
        "spend", "impressions", "advertiser_name", "campaign_automation_type", "adgroup_download_url",
        "pricing_category", "aeo_type", "bid_secondary_goal", "profile_image", "is_aco", "organic_video_views",
        "earned_page_clicks",
    ],
}  # fmt: skip


def test_aco_flags_as_json_booleans_load_as_text(tmp_path: Path, emulator_factory: Factory) -> None:
    """Scripted: ``is_smart_creative`` (a default ad_insights metric) and ``is_aco`` come as JSON booleans, as
    TikTok's attribute list types them; they load as the same text as the documented strings, the truth."""
    server = emulator_factory(WORLD)
    server.world.report_engine.json_booleans = True
    pipeline = make_pipeline(tmp_path)
    custom = {"adgroup_attributes": ADGROUP_REPORT}
    run(
        pipeline,
        server,
        start_date=START,
        tables=["ad_insights", "adgroup_attributes"],
        custom_reports=custom,
    )
    specs = {"ad_insights": ALL_TABLES["ad_insights"], **custom_report_specs(custom)}
    for name, spec in specs.items():
        want = report_truth(server, spec, start_date=START, include_deleted=False)
        assert want and report_differences(rows(pipeline, name), want, spec) == [], name
    assert {r["is_smart_creative"] for r in rows(pipeline, "ad_insights")} == {"false"}
    loaded = rows(pipeline, "adgroup_attributes")
    assert {r["is_aco"] for r in loaded} == {"false"}
    assert {r["campaign_automation_type"] for r in loaded} == {"MANUAL"}
    assert all(r["advertiser_name"] for r in loaded)

"""Real TikTok answers the source used to mishandle (issue 13), end to end against the emulator.

Each test makes the emulator answer as real TikTok does (a quirk or modelled data) and runs the real source
through dlt into duckdb; each fails without the source's handling of that answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from support import make_pipeline, report_differences, report_truth, rows, run, scalar

from tiktok_ads import ALL_TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=5, advertisers=2, campaigns=3, adgroups=1, ads=2, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=5)


def test_a_short_last_page_loads_every_sent_row_with_a_warning(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = emulator_factory(WORLD)
    server.api.phantom_rows["campaign/get/"] = 2  # TikTok counts 2 campaigns no page holds
    pipeline = make_pipeline(tmp_path)
    with caplog.at_level("WARNING", logger="tiktok_ads"):
        summary = run(pipeline, server, start_date=START, tables=["campaigns"], include_deleted=True)
    advs = server.advertiser_ids
    expected = {e["campaign_id"] for adv in advs for e in server.world.entities("campaign", adv)}
    assert {r["campaign_id"] for r in rows(pipeline, "campaigns")} == expected
    # one short list per advertiser and group of buying types that holds campaigns
    world = server.world
    lists = sum(
        any(world.entity(adv, e["campaign_id"]).buying_type in group for e in world.entities("campaign", adv))  # type: ignore[union-attr]
        for adv in advs
        for group in ({"AUCTION", "RESERVATION_RF"}, {"RESERVATION_TOP_VIEW"})
    )
    assert summary.client is not None and summary.client.stats.warnings["short_result"] == lists >= 2
    assert f"short_result: {lists}" in summary.client.stats.summary()
    assert "campaign/get/ for advertiser" in caplog.text


def test_placeholder_buckets_load_as_tiktoks_values_and_keys_stay_whole(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    """Spend TikTok cannot attribute to a country comes as ``country_code`` ``"None"``, Namibia as ``"NA"``,
    unknown age and gender as ``"NONE"``: every table loads them as sent and equals the truth."""
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    tables = ["ad_insights_by_country", "ad_insights_by_age_and_gender", "advertiser_insights_by_country"]
    run(pipeline, server, start_date=START, tables=tables)
    for name in tables:
        spec = ALL_TABLES[name]
        want = report_truth(server, spec, start_date=START, include_deleted=False)
        assert report_differences(rows(pipeline, name), want, spec) == []
    countries = {r["country_code"] for r in rows(pipeline, "ad_insights_by_country")}
    assert {"None", "NA"} <= countries and None not in countries
    assert scalar(pipeline, "SELECT sum(spend) FROM ad_insights_by_country WHERE country_code = 'None'") > 0
    assert scalar(pipeline, "SELECT count(*) FROM ad_insights_by_age_and_gender WHERE age = 'NONE'") > 0


def test_topview_and_reach_and_frequency_objects_land(tmp_path: Path, emulator_factory: Factory) -> None:
    """campaign/get, adgroup/get and ad/get leave reservation objects out unless ``buying_types`` asks for
    them (TopView only alone); the source asks, so every campaign, ad group and ad lands."""
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=["campaigns", "adgroups", "ads"], include_deleted=True)
    world = server.world
    for kind, table in (("campaign", "campaigns"), ("adgroup", "adgroups"), ("ad", "ads")):
        key = f"{kind}_id"
        want = {
            e[key]: world.entity(adv, e[key]).buying_type  # type: ignore[union-attr]
            for adv in server.advertiser_ids
            for e in world.entities(kind, adv)
        }
        assert {r[key] for r in rows(pipeline, table)} == set(want)
        assert {"AUCTION", "RESERVATION_RF", "RESERVATION_TOP_VIEW"} <= set(want.values())


def test_lifetime_audience_tables_load_with_their_none_buckets(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    tables = ["advertiser_insights_lifetime_by_age_and_gender", "ad_insights_lifetime_by_age_and_gender"]
    run(pipeline, server, start_date=START, tables=tables)
    for name in tables:
        spec = ALL_TABLES[name]
        want = report_truth(server, spec, start_date=START, include_deleted=False)
        assert want and report_differences(rows(pipeline, name), want, spec) == []
    assert scalar(pipeline, f"SELECT count(*) FROM {tables[0]} WHERE age = 'NONE' AND gender = 'NONE'") == 2


def test_every_documented_entity_field_is_sent_pinned_and_typed(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    """campaign/get, adgroup/get, ad/get and advertiser/info answer many fields beyond the core ones, some as
    JSON numbers in one object and decimals in the next (``scheduled_budget`` ``0`` / ``12.5``); every one is
    pinned, so no column's type follows the first value and no ``__v_double`` variant column appears."""
    server = emulator_factory(WORLD)
    world = server.world
    adv = server.advertiser_ids[0]
    sent = {
        "campaigns": world.entities("campaign", adv)[0],
        "adgroups": world.entities("adgroup", adv)[0],
        "ads": world.entities("ad", adv)[0],
        "advertisers": world.advertiser_info(adv),
    }
    for table, obj in sent.items():
        pinned = ALL_TABLES[table].columns
        assert set(obj) - set(pinned) == set(), table  # every field the emulator sends is pinned ...
        # ... and it sends every pinned field (campaign_system_origin: Promote campaigns only, none here)
        assert set(pinned) - set(obj) <= {"modify_time", "campaign_system_origin"}, table
    pipeline = make_pipeline(tmp_path)
    tables = ["campaigns", "adgroups", "ads", "advertisers"]
    run(pipeline, server, start_date=START, tables=tables, include_deleted=True)
    schema = pipeline.default_schema
    for table in tables:
        columns = schema.get_table_columns(table)
        assert not [c for c in columns if "__v_" in c], table
        for name, hint in ALL_TABLES[table].columns.items():
            assert columns[name]["data_type"] == hint["data_type"], (table, name)
    budgets = {r["scheduled_budget"] for r in rows(pipeline, "adgroups")}
    assert 0 in budgets and any(b % 1 for b in budgets), budgets  # 0 and e.g. 12.5 in one decimal column
    assert scalar(pipeline, "SELECT count(*) FROM adgroups WHERE rf_purchased_type IS NOT NULL") > 0


def test_idr_amounts_without_decimals_load_exactly(tmp_path: Path, emulator_factory: Factory) -> None:
    """An Indonesian advertiser's money comes without decimals (``"spend": "5582123"``); it loads exactly."""
    server = emulator_factory(
        WorldConfig(seed=5, advertisers=11, campaigns=2, adgroups=1, ads=2, days=20, today=TODAY)
    )
    idr = server.advertiser_ids[10]
    assert server.world.advertiser_info(idr)["currency"] == "IDR"
    pipeline = make_pipeline(tmp_path)
    tables = ["ad_insights", "advertiser_insights"]
    run(pipeline, server, start_date=START, tables=tables, advertiser_ids=[idr])
    for name in tables:
        spec = ALL_TABLES[name]
        want = report_truth(server, spec, start_date=START, include_deleted=False, advertiser_ids=[idr])
        assert want and report_differences(rows(pipeline, name), want, spec) == []
    spends = [r["spend"] for r in rows(pipeline, "advertiser_insights")]
    assert spends and all(s == s.to_integral_value() for s in spends) and max(spends) > 10_000

"""The one metric catalogue (``tiktok_ads/tables/metrics.toml``, issue 13): its content, the emulator's acceptance and
generation of every metric, the peer connectors' request lists, and ``metrics = "all"`` end to end.

Cheap checks run in-process against the emulator's request parser and model; one end-to-end run loads
``"all"`` through dlt and compares it with the emulator's truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import support

from tiktok_ads import TABLES, ConfigError, tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import metrics as E
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.emulator.data.model import World
from tiktok_ads.emulator.data.wire import THREE_DECIMAL_METRICS
from tiktok_ads.emulator.rules.params import ApiError
from tiktok_ads.emulator.rules.reports import parse_report_query
from tiktok_ads.tables.columns import METRIC_TYPES
from tiktok_ads.tables.custom_metrics import table_specs
from tiktok_ads.tables.metric_catalogue import (
    DATA_LEVELS,
    LEVEL_ID_DIMENSION,
    METRIC_GROUPS,
    METRICS,
    REPORT_TYPES,
    all_metrics,
    metric_problems,
    report_problems,
)

# The peers' request lists, copied from their code in their order and packed as data tables (hence fmt: off).
# They stay independent of tiktok_ads/tables/registry.py on purpose: the tests check that our lists cover the peers',
# which lists read from ours could never fail.
# fmt: off
# Singer tap-tiktok-ads (streams.py): what Stitch/Qlik requests, per stream.
#: conversion and result metrics, in both of Singer's field lists
SINGER_RESULT_FIELDS = [
    "conversion", "cost_per_conversion", "conversion_rate", "real_time_conversion",
    "real_time_cost_per_conversion", "real_time_conversion_rate", "result", "cost_per_result",
    "result_rate", "real_time_result", "real_time_cost_per_result", "real_time_result_rate",
]
SINGER_AUCTION_FIELDS = [
    "ad_name", "ad_text", "adgroup_id", "adgroup_name", "campaign_id", "campaign_name", "placement_type",
    "spend", "cpc", "cpm", "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached",
    *SINGER_RESULT_FIELDS,
    "secondary_goal_result", "cost_per_secondary_goal_result", "secondary_goal_result_rate", "frequency",
    "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75",
    "video_views_p100", "profile_visits", "profile_visits_rate", "likes", "comments", "shares", "follows",
    "clicks_on_music_disc", "tt_app_id", "tt_app_name", "mobile_app_id", "promotion_type",
    "dpa_target_audience_type", "gross_impressions", "is_smart_creative", "conversion_rate_v2",
    "real_time_conversion_rate_v2", "app_promotion_type", "split_test", "campaign_budget",
    "campaign_dedicate_type", "opt_status", "budget", "smart_target", "bid_strategy", "bid",
    "call_to_action", "image_mode", "billing_event",
]
SINGER_AUDIENCE_FIELDS = [
    "campaign_name", "spend", "cpc", "cpm", "impressions", "clicks", "ctr",
    *SINGER_RESULT_FIELDS,
    "gross_impressions", "conversion_rate_v2", "real_time_conversion_rate_v2", "rf_campaign_type",
    "objective_type", "split_test", "campaign_budget", "campaign_dedicate_type",
]
SINGER_AD_AUDIENCE_FIELDS = [
    "ad_name", "ad_text", "adgroup_id", "adgroup_name", "campaign_id", "billing_event",
    "dpa_target_audience_type", "is_smart_creative", "mobile_app_id", "promotion_type", "tt_app_id",
    "tt_app_name", "opt_status", "budget", "smart_target", "bid_strategy", "bid", "call_to_action",
]
# Airbyte source-tiktok-marketing (manifest.yaml, ads_reports_daily): the ad-level metrics beyond its base list.
AIRBYTE_AD_METRICS = [
    "total_purchase_value", "total_onsite_shopping_value", "onsite_shopping", "vta_purchase",
    "vta_conversion", "cta_purchase", "cta_conversion", "total_pageview", "complete_payment",
    "value_per_complete_payment", "total_complete_payment_rate", "purchase_rate", "registration_rate",
    "sales_lead", "sales_lead_rate", "cost_per_total_sales_lead", "total_app_event_add_to_cart",
    "cost_per_total_app_event_add_to_cart",
]
# fmt: on

DAY = dt.date(2024, 6, 10)
WORLD = WorldConfig(
    seed=5, advertisers=2, campaigns=2, adgroups=2, ads=2, days=30, today=dt.date(2024, 6, 15)
)
COMBOS = [(rt, level) for rt in ("BASIC", "AUDIENCE") for level in DATA_LEVELS]


def _query(report_type: str, level: str, metrics: list[str]) -> dict[str, str]:
    dims = [LEVEL_ID_DIMENSION[level], "stat_time_day"] + (["age"] if report_type == "AUDIENCE" else [])
    return {
        "report_type": report_type,
        "data_level": level,
        "dimensions": str(dims).replace("'", '"'),
        "metrics": str(metrics).replace("'", '"'),
        "start_date": "2024-06-01",
        "end_date": "2024-06-07",
    }


# ------------------------------------------------------------------------------------------ the catalogue


def test_the_catalogue_is_complete_and_self_consistent() -> None:
    assert len(METRICS) >= 800
    assert set(METRIC_GROUPS) >= {
        "basic", "attribute", "video_play", "engagement", "interactive_add_on", "in_app_event", "skan",
        "onsite_event", "page_event", "offline", "live", "attribution",
    }  # fmt: skip
    for group in METRIC_GROUPS.values():
        assert group.source and group.metrics, group.name
    for name, info in METRICS.items():
        assert info.levels and info.levels <= set(DATA_LEVELS), name
        if info.of is not None:
            assert METRICS[info.of].kind == "count", name  # costs, rates and values are per event count
        if info.value is not None:
            assert METRICS[info.value].role == "value" and METRICS[info.value].kind == "money", name
        if info.role in ("cost", "value", "value_per"):
            assert info.kind == "money", name
        if info.role in ("rate", "roas"):
            assert info.kind == "ratio", name
    assert {n: m.column_type for n, m in METRICS.items()} == METRIC_TYPES


def test_the_peer_connectors_request_lists_are_all_in_the_catalogue() -> None:
    listed = {
        *SINGER_AUCTION_FIELDS,
        *SINGER_AUDIENCE_FIELDS,
        *SINGER_AD_AUDIENCE_FIELDS,
        *AIRBYTE_AD_METRICS,
    }
    assert listed - set(METRICS) == set()
    assert metric_problems("BASIC", "AUCTION_AD", SINGER_AUCTION_FIELDS + AIRBYTE_AD_METRICS) == []
    audience = SINGER_AUDIENCE_FIELDS + SINGER_AD_AUDIENCE_FIELDS
    assert metric_problems("AUDIENCE", "AUCTION_AD", audience) == []
    assert metric_problems("AUDIENCE", "AUCTION_CAMPAIGN", SINGER_AUDIENCE_FIELDS) == []


def test_the_default_tables_request_at_least_the_singer_lists() -> None:
    assert set(SINGER_AUCTION_FIELDS) <= set(TABLES["ad_insights"].metrics)
    assert set(AIRBYTE_AD_METRICS) <= set(TABLES["ad_insights"].metrics)
    for name in ("ad_insights_by_age_and_gender", "ad_insights_by_country", "ad_insights_by_platform"):
        assert set(SINGER_AUDIENCE_FIELDS + SINGER_AD_AUDIENCE_FIELDS) <= set(TABLES[name].metrics), name
    assert set(SINGER_AUDIENCE_FIELDS) <= set(TABLES["campaign_insights_by_province"].metrics)


def test_all_is_every_allowed_metric_of_the_tables_report() -> None:
    specs = table_specs({"ad_insights": "all", "campaign_insights_by_province": "ALL"})
    assert set(specs["ad_insights"].metrics) == set(all_metrics("BASIC", "AUCTION_AD"))
    assert set(specs["campaign_insights_by_province"].metrics) == set(
        all_metrics("AUDIENCE", "AUCTION_CAMPAIGN")
    )
    for spec in (specs["ad_insights"], specs["campaign_insights_by_province"]):
        for metric in spec.metrics:
            assert spec.columns[metric]["data_type"] == METRIC_TYPES[metric], (spec.name, metric)
    everything = table_specs("all")
    assert all(
        set(everything[n].metrics) >= set(all_metrics(str(s.report_type), str(s.data_level)))
        for n, s in TABLES.items()
        if s.kind == "report" and s.endpoint == "report/integrated/get/" and s.report_type in REPORT_TYPES
    )
    # the GMV Max, Smart+ and TT_SHOP reports keep their fixed lists
    assert everything["gmv_max_advertiser_insights"].metrics == TABLES["gmv_max_advertiser_insights"].metrics
    assert everything["tt_shop_campaign_insights"].metrics == ("spend", "billed_cost")
    assert "in_app_event" not in {METRICS[m].group for m in all_metrics("AUDIENCE", "AUCTION_AD")}


# ------------------------------------------------------------------------- the emulator accepts and refuses


@pytest.mark.parametrize(("report_type", "level"), COMBOS)
def test_the_emulator_accepts_every_allowed_metric_at_once(report_type: str, level: str) -> None:
    allowed = list(all_metrics(report_type, level))
    query = parse_report_query(_query(report_type, level, allowed), "1")
    assert query.metrics == allowed


@pytest.mark.parametrize(("report_type", "level"), COMBOS)
def test_the_emulator_refuses_every_other_metric_naming_it(report_type: str, level: str) -> None:
    refused = [n for n, m in METRICS.items() if not m.allowed_in(report_type, level)]
    assert refused  # every combination refuses something (attributes of lower levels, UV in AUDIENCE ...)
    for name in refused:
        with pytest.raises(ApiError) as err:
            parse_report_query(_query(report_type, level, ["spend", name]), "1")
        # the name is listed (the exact quoting of the list is the wire branch's to align with TikTok)
        assert "Invalid metric fields" in err.value.message and name in err.value.message, name


def test_the_emulator_refuses_names_outside_the_catalogue() -> None:
    with pytest.raises(ApiError) as err:
        parse_report_query(_query("BASIC", "AUCTION_AD", ["spend", "total_purchases", "bogus"]), "1")
    assert "Invalid metric fields" in err.value.message
    assert "total_purchases" in err.value.message and "bogus" in err.value.message


def test_the_peer_lists_are_answered_over_http(emulator: EmulatorServer, tiktok: Any) -> None:
    adv = emulator.advertiser_ids[0]
    for report_type, level, dims, metrics in (
        ("BASIC", "AUCTION_AD", ["ad_id", "stat_time_day"], SINGER_AUCTION_FIELDS + AIRBYTE_AD_METRICS),
        (
            "AUDIENCE",
            "AUCTION_AD",
            ["ad_id", "stat_time_day", "age", "gender"],
            list(dict.fromkeys(SINGER_AUDIENCE_FIELDS + SINGER_AD_AUDIENCE_FIELDS)),
        ),
        (
            "AUDIENCE",
            "AUCTION_CAMPAIGN",
            ["campaign_id", "stat_time_day", "province_id"],
            SINGER_AUDIENCE_FIELDS,
        ),
    ):
        body = tiktok.get(
            "report/integrated/get/",
            advertiser_id=adv,
            report_type=report_type,
            data_level=level,
            dimensions=dims,
            metrics=metrics,
            start_date="2024-06-01",
            end_date="2024-06-07",
            page_size=50,
        ).json()
        assert body["code"] == 0, body["message"]
        assert body["data"]["list"] and all(set(r["metrics"]) == set(metrics) for r in body["data"]["list"])


# ------------------------------------------------------------------------------ the emulator generates


@pytest.fixture(scope="module")
def world() -> World:
    return World(WORLD)


def _rows(
    world: World, report_type: str, level: str, dims: list[str], metrics: list[str]
) -> list[dict[str, Any]]:
    return T.report_rows(
        world,
        advertiser_ids=[a.advertiser_id for a in world.advertisers],
        report_type=report_type,
        data_level=level,
        dimensions=dims,
        metrics=metrics,
        start_date=DAY - dt.timedelta(days=8),  # restated and final days, and the partial today
        end_date=None,
        include_deleted=True,
    )


def _half_up(value: Decimal, places: int = 2) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_every_derived_metric_follows_from_its_parts(world: World) -> None:
    metrics = list(all_metrics("BASIC", "AUCTION_AD"))
    rows = _rows(world, "BASIC", "AUCTION_AD", ["ad_id", "stat_time_day"], metrics)
    assert rows
    nonzero: set[str] = set()
    today = {a.advertiser_id: world.local_today(a.advertiser_id) for a in world.advertisers}
    for row in rows:
        spend = row["spend"]
        # today's partial figures are hour splits of each field, made independently: skip the value checks
        whole_day = row["stat_time_day"] < today[row["advertiser_id"]]
        for name in metrics:
            info, value = METRICS[name], row[name]
            if value is None:
                assert info.dash, name  # "-" only where the catalogue says TikTok sends it
                continue
            if value not in (0, Decimal(0)):
                nonzero.add(name)
            of = row.get(info.of) if info.of else None
            if info.role == "cost" and name not in ("cpc", "cpm", "cost_per_1000_reached"):
                # real answers carry cost_per_result with 3 decimals (emulator wire.THREE_DECIMAL_METRICS)
                places = 3 if name in THREE_DECIMAL_METRICS else 2
                want = _half_up(spend / of, places) if of else Decimal(0)
                assert value == want, (name, row["ad_id"])
            elif info.role == "value_per" and info.value:
                want = _half_up(row[info.value] / of) if of else Decimal("0.00")
                assert value == want, name
            elif info.role == "roas" and info.value:
                assert value == (_half_up(row[info.value] / spend) if spend else Decimal("0.00")), name
            elif info.role == "unique" and of is not None and whole_day:
                assert value <= of, name  # unique users never exceed the events
            elif info.role == "value" and of == 0 and whole_day:
                assert value == 0, name  # no events, no value
    # the generation is not degenerate: most metrics carry figures somewhere (LIVE ads are not emulated)
    numeric = [n for n in metrics if METRICS[n].kind != "attribute" and METRICS[n].group != "live"]
    assert len(nonzero & set(numeric)) > 0.8 * len(numeric)


def test_every_additive_metric_sums_exactly_across_levels_audiences_and_hours(world: World) -> None:
    basic = [n for n in all_metrics("BASIC", "AUCTION_ADVERTISER") if n in E.ADDITIVE_METRICS]
    audience = [n for n in basic if METRICS[n].audience]
    assert len(basic) > 250 and len(audience) > 100

    def totals(rows: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
        return {k: v for k, v in T.additive_totals(rows, names).items()}

    by_ad = totals(_rows(world, "BASIC", "AUCTION_AD", ["ad_id", "stat_time_day"], basic), basic)
    by_adv = totals(
        _rows(world, "BASIC", "AUCTION_ADVERTISER", ["advertiser_id", "stat_time_day"], basic), basic
    )
    assert by_ad == by_adv
    by_age = totals(
        _rows(
            world, "AUDIENCE", "AUCTION_CAMPAIGN", ["campaign_id", "stat_time_day", "age", "gender"], audience
        ),
        audience,
    )
    assert by_age == {k: by_ad[k] for k in audience}
    adv = world.advertisers[0].advertiser_id
    daily = T.report_rows(
        world, advertiser_ids=[adv], report_type="BASIC", data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_day"], metrics=basic, start_date=DAY, end_date=DAY,
    )  # fmt: skip
    hourly = T.report_rows(
        world, advertiser_ids=[adv], report_type="BASIC", data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_hour"], metrics=basic, start_date=DAY, end_date=DAY,
    )  # fmt: skip
    assert totals(daily, basic) == totals(hourly, basic)


def test_attribute_metrics_come_from_the_entity_model(world: World) -> None:
    adv = world.advertisers[0].advertiser_id
    names = [
        "budget",
        "billing_event",
        "call_to_action",
        "opt_status",
        "campaign_budget",
        "is_smart_creative",
    ]
    rows = _rows(world, "BASIC", "AUCTION_AD", ["ad_id", "stat_time_day"], names)
    # the settings as created: stable over versions, like names (see report_attributes._setting_attribute)
    ads = {e.entity_id: world.entity_dict(e, e.create_time) for e in world.entity_objects("ad", adv)}
    groups = {e.entity_id: world.entity_dict(e, e.create_time) for e in world.entity_objects("adgroup", adv)}
    checked = 0
    for row in rows:
        ad = ads.get(row["ad_id"])
        if ad is None:
            continue
        group = groups[str(ad["adgroup_id"])]
        assert row["call_to_action"] == ad["call_to_action"]
        assert row["billing_event"] == group["billing_event"]
        assert row["budget"] == f"{group['budget']:.2f}"
        assert row["opt_status"] in ("ENABLE", "DISABLE") and row["is_smart_creative"] in ("true", "false")
        checked += 1
    assert checked


# ---------------------------------------------------------------------------------- "all", end to end


def test_all_loads_a_typed_column_for_every_metric_equal_to_the_truth(
    emulator_factory: Callable[..., EmulatorServer], tmp_path: Path
) -> None:
    server = emulator_factory(
        WorldConfig(
            seed=9, advertisers=1, campaigns=2, adgroups=1, ads=2, days=12, today=dt.date(2024, 6, 15)
        )
    )
    start = dt.date(2024, 6, 10)
    names = ["ad_insights", "campaign_insights_by_province"]
    pipe = support.make_pipeline(tmp_path, "tiktok_ads_all")
    support.run(pipe, server, start_date=start, tables=names, metrics={name: "all" for name in names})
    specs = table_specs({name: "all" for name in names})
    duck = {"bigint": "BIGINT", "decimal": "DECIMAL", "text": "VARCHAR"}
    with pipe.sql_client() as client:
        for name in names:
            spec = specs[name]
            with client.execute_query(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s", name
            ) as cur:
                types = {c: t for c, t in cur.fetchall()}
            for metric in spec.metrics:
                assert types[metric].startswith(duck[METRIC_TYPES[metric]]), (name, metric, types[metric])
            got = support.rows(pipe, name)
            want = T.report_rows(
                server.world,
                advertiser_ids=server.advertiser_ids,
                report_type=str(spec.report_type),
                data_level=str(spec.data_level),
                dimensions=spec.dimensions,
                metrics=spec.metrics,
                start_date=start,
            )
            key = spec.primary_key
            assert len(got) == len(want) > 0, name
            got_by_key = {tuple(r[k] for k in key): r for r in got}
            for row in want:
                have = got_by_key[tuple(row[k] for k in key)]
                for metric in spec.metrics:
                    assert have[metric] == row[metric], (name, metric, have[metric], row[metric])


def test_all_from_the_environment_and_the_command_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse

    from tiktok_ads_cli.source_options import add_setting_options

    monkeypatch.setenv("SOURCES__TIKTOK_ADS__METRICS", "all")
    source = tiktok_ads(access_token="t", advertiser_ids=["1"], base_url="http://127.0.0.1:9")
    spec = TABLES["ad_insights"]
    assert set(source.resources["ad_insights__1"].columns) >= set(all_metrics("BASIC", "AUCTION_AD"))
    assert len(source.resources["ad_insights__1"].columns) > len(spec.columns)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__METRICS", '{"campaign_insights_by_province": "all"}')
    source = tiktok_ads(access_token="t", advertiser_ids=["1"], base_url="http://127.0.0.1:9")
    assert set(source.resources["campaign_insights_by_province__1"].columns) >= set(
        all_metrics("AUDIENCE", "AUCTION_CAMPAIGN")
    )
    assert set(source.resources["ad_insights__1"].columns) - {"_day_marker"} == set(spec.columns)
    parser = argparse.ArgumentParser()
    add_setting_options(parser)
    assert parser.parse_args(["--metrics", "all"]).metrics == "all"
    assert parser.parse_args(["--metrics", '{"ad_insights": "all"}']).metrics == {"ad_insights": "all"}
    with pytest.raises(ConfigError, match="sources.tiktok_ads.metrics.ad_insights"):
        table_specs({"ad_insights": "everything"})


def test_the_readme_states_the_current_metric_counts() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Metrics") : readme.index("### Entity tables keep every version")]
    assert f"{len(METRICS)} metrics in {len(METRIC_GROUPS)} groups" in section
    for name, spec in TABLES.items():
        if (
            spec.kind != "report"
            or spec.endpoint != "report/integrated/get/"
            or spec.report_type not in REPORT_TYPES
        ):
            continue  # the GMV Max, Smart+ and TT_SHOP reports: fixed lists, in their own README section
        row = next(line for line in section.splitlines() if f"`{name}`" in line)
        counts = [cell.strip().split()[0] for cell in row.split("|")[2:4]]
        assert counts == [
            str(len(spec.metrics)),
            str(len(all_metrics(str(spec.report_type), str(spec.data_level)))),
        ]


def test_interest_category_is_a_lifetime_audience_breakdown() -> None:
    """TikTok answers interest_category without a time dimension only ("breakdown by time not supported for
    dimensions: ['interest_category']", datapoints-hotelplus/get-ads-main lib/tiktok-ads.ts)."""
    dims = ["campaign_id", "interest_category"]
    assert report_problems("AUDIENCE", "AUCTION_CAMPAIGN", dims, ["spend", "reach"], lifetime=True) == []
    [problem] = report_problems("AUDIENCE", "AUCTION_CAMPAIGN", [*dims, "stat_time_day"], ["spend"])
    assert "interest_category has no time breakdown" in problem
    assert report_problems("BASIC", "AUCTION_CAMPAIGN", dims, ["spend"], lifetime=True)

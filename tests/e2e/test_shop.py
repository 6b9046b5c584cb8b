"""The opt-in TikTok Shop / GMV Max and Smart+ tables end to end.

Each test runs the real source through dlt into duckdb against the emulator and compares the destination
with the emulator's truth (``truth_shop``), value for value; the incremental tests move the emulator's clock.
Small worlds: a few seconds each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import pytest
import support
from support import make_pipeline, object_differences, report_differences, rows, run, truth_value

from tiktok_ads import TABLES, ConfigError, RunSummary, TikTokBadResponseError
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth_shop as TS
from tiktok_ads.endpoints.extract_shop import gmv_max_report_pages, material_report_pages, store_pages
from tiktok_ads.endpoints.transform import transform_entity_rows, transform_report_rows
from tiktok_ads.tables.custom_metrics import table_specs
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads.windows import DateWindow

TODAY = dt.date(2025, 5, 1)
WORLD = WorldConfig(seed=5, advertisers=2, campaigns=1, adgroups=1, ads=1, days=12, today=TODAY)
START = TODAY - dt.timedelta(days=12)
UTC = dt.timezone.utc

GMV_OBJECTS = ["gmv_max_stores", "gmv_max_campaigns"]
GMV_REPORTS = [
    "gmv_max_advertiser_insights",
    "gmv_max_product_campaign_insights",
    "gmv_max_live_campaign_insights",
    "gmv_max_product_insights",
    "gmv_max_creative_insights",
    "gmv_max_live_room_insights",
    "gmv_max_campaign_insights_hourly",
]
SP_OBJECTS = {"smart_plus_campaigns": "campaign", "smart_plus_adgroups": "adgroup", "smart_plus_ads": "ad"}
SP_REPORTS = ["smart_plus_material_insights", "smart_plus_material_insights_lifetime"]
ALL = [*GMV_OBJECTS, *GMV_REPORTS, *SP_OBJECTS, *SP_REPORTS]
PROMOTION: dict[str, str | None] = {
    "gmv_max_advertiser_insights": None,
    "gmv_max_campaign_insights_hourly": None,
    "gmv_max_product_campaign_insights": "PRODUCT",
    "gmv_max_live_campaign_insights": "LIVE",
    "gmv_max_product_insights": "PRODUCT",
    "gmv_max_creative_insights": "PRODUCT",
    "gmv_max_live_room_insights": "LIVE",
}


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def stored_names(want: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Truth rows with their column names as dlt stores them (``10_second_live_views`` lands as
    ``_10_second_live_views``: identifiers cannot start with a digit)."""
    naming = dlt.Schema("tiktok_ads").naming
    return [{naming.normalize_identifier(k): v for k, v in row.items()} for row in want]


def gmv_report_truth(server: EmulatorServer, name: str, start: dt.date = START) -> list[dict[str, Any]]:
    spec = TABLES[name]
    return TS.gmv_max_report_rows(
        server.world,
        advertiser_ids=server.advertiser_ids,
        promotion=PROMOTION[name],
        dimensions=spec.dimensions,
        metrics=spec.metrics,
        start_date=start,
    )


def material_truth(server: EmulatorServer, name: str, start: dt.date = START) -> list[dict[str, Any]]:
    spec = TABLES[name]
    return TS.smart_plus_material_rows(
        server.world,
        advertiser_ids=server.advertiser_ids,
        metrics=spec.metrics,
        start_date=None if spec.lifetime else start,
    )


#: a table's expected (kind, endpoint, primary key, cursor)
Expected = tuple[str, str, tuple[str, ...], str | None]


def changed_entity(endpoint: str, id_field: str) -> Expected:
    """An entity table keyed by advertiser and ``id_field``, read by ``modify_time``."""
    return ("entity", endpoint, ("advertiser_id", id_field), "modify_time")


def gmv_report(*ids: str, time: str = "stat_time_day") -> Expected:
    """A GMV Max report keyed by advertiser, store, ``ids`` and its ``time`` dimension, read by that time."""
    return ("report", "gmv_max/report/get/", ("advertiser_id", "store_id", *ids, time), time)


def test_tables_are_opt_in_with_keys_cursors_and_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert not set(ALL) & set(DEFAULT_TABLES) and len(DEFAULT_TABLES) == 9
    expected = {
        "gmv_max_stores": ("entity", "gmv_max/store/list/", ("advertiser_id", "store_id"), None),
        "gmv_max_campaigns": changed_entity("gmv_max/campaign/get/", "campaign_id"),
        "gmv_max_product_campaign_insights": gmv_report("campaign_id"),
        "gmv_max_live_campaign_insights": gmv_report("campaign_id"),
        "gmv_max_product_insights": gmv_report("campaign_id", "item_group_id"),
        "gmv_max_creative_insights": gmv_report("campaign_id", "item_group_id", "item_id"),
        "gmv_max_advertiser_insights": gmv_report(),
        "gmv_max_campaign_insights_hourly": gmv_report("campaign_id", time="stat_time_hour"),
        "gmv_max_live_room_insights": gmv_report("campaign_id", "room_id"),
        "smart_plus_campaigns": changed_entity("smart_plus/campaign/get/", "campaign_id"),
        "smart_plus_adgroups": changed_entity("smart_plus/adgroup/get/", "adgroup_id"),
        "smart_plus_ads": changed_entity("smart_plus/ad/get/", "smart_plus_ad_id"),
        "smart_plus_material_insights": (
            "report",
            "smart_plus/material_report/breakdown/",
            ("advertiser_id", "smart_plus_ad_id", "main_material_id", "stat_time_day"),
            "stat_time_day",
        ),
        "smart_plus_material_insights_lifetime": (
            "report",
            "smart_plus/material_report/overview/",
            ("advertiser_id", "smart_plus_ad_id", "main_material_id"),
            None,
        ),
    }
    for name, (kind, endpoint, key, cursor) in expected.items():
        spec = TABLES[name]
        assert (spec.kind, spec.endpoint, spec.primary_key, spec.cursor) == (kind, endpoint, key, cursor), (
            name
        )
        assert spec.opt_in and set(key) <= set(spec.columns), name
    assert TABLES["smart_plus_material_insights_lifetime"].lifetime
    help_text = support.script_help(capsys)
    flat = " ".join(help_text.split())
    assert all(name in flat for name in ALL), [n for n in ALL if n not in flat]


def test_column_types_are_pinned() -> None:
    money = {"cost", "net_cost", "gross_revenue", "roi", "cost_per_order", "cost_per_live_view", "spend"}
    money |= {"product_click_rate", "ctr", "cpc", "cpm", "cost_per_conversion", "budget", "roas_bid"}
    counts = {"orders", "live_views", "10_second_live_views", "live_follows", "product_impressions"}
    counts |= {"product_clicks", "impressions", "clicks", "conversion"}
    for name in ALL:
        spec = TABLES[name]
        for column, hint in spec.columns.items():
            kind = hint["data_type"]
            if column.endswith("_id"):
                assert kind == "text", (name, column)
            elif column.endswith("_time"):
                assert kind == "timestamp" and hint.get("timezone") is True, (name, column)
            elif column == "stat_time_day":
                assert kind == "date", (name, column)
            elif column in money:
                assert kind == "decimal", (name, column)
            elif column in counts:
                assert kind == "bigint", (name, column)
        if spec.kind == "report":
            assert set(spec.metrics) <= set(spec.columns) and set(spec.dimensions) <= set(spec.columns), name
            assert spec.lifetime == (not {"stat_time_day", "stat_time_hour"} & set(spec.dimensions)), name
            assert spec.lifetime or spec.columns["stat_time_day"]["data_type"] == "date", name


def test_gmv_max_tables_load_and_equal_the_truth(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "gmv_full")
    # page_size 1: every list and report pages (the campaign list one campaign per page)
    summary = run(pipeline, server, start_date=START, tables=[*GMV_OBJECTS, *GMV_REPORTS], page_size=1)
    world = server.world
    assert (
        object_differences(pipeline, "gmv_max_stores", TS.gmv_max_store_rows(world, server.advertiser_ids))
        == []
    )
    assert (
        object_differences(
            pipeline, "gmv_max_campaigns", TS.gmv_max_campaign_rows(world, server.advertiser_ids)
        )
        == []
    )
    for name in GMV_REPORTS:
        want = gmv_report_truth(server, name)
        assert want, f"{name}: the world should hold some"
        assert report_differences(rows(pipeline, name), stored_names(want), TABLES[name]) == [], name
    assert {n: summary.rows_by_table()[n] for n in [*GMV_OBJECTS, *GMV_REPORTS]} == {
        n: len(rows(pipeline, n)) for n in [*GMV_OBJECTS, *GMV_REPORTS]
    }
    # GMV Max spends without orders, and on products whose card nobody saw: such rows land as they are
    daily = rows(pipeline, "gmv_max_product_campaign_insights") + rows(
        pipeline, "gmv_max_live_campaign_insights"
    )
    assert any(r["cost"] > 0 and r["orders"] == 0 for r in daily)
    products = rows(pipeline, "gmv_max_product_insights")
    assert any(r["cost"] > 0 and r["product_impressions"] == 0 and r["product_clicks"] == 0 for r in products)
    # only shops usable for GMV Max are reported, one shop per request; one info request per campaign
    unusable = {r["store_id"] for r in rows(pipeline, "gmv_max_stores") if not r["is_gmv_max_available"]}
    assert unusable and not unusable & {r["store_id"] for r in daily + products}
    assert server.stats.requests["campaign/gmv_max/info/"] == len(rows(pipeline, "gmv_max_campaigns"))
    joined = {(r["advertiser_id"], r["campaign_id"]) for r in rows(pipeline, "gmv_max_campaigns")}
    assert {(r["advertiser_id"], r["campaign_id"]) for r in daily} <= joined


def test_gmv_max_second_run_rereads_the_window_and_details_only_of_changes(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path, "gmv_incremental")
    run(pipeline, server, start_date=START, tables=[*GMV_OBJECTS, *GMV_REPORTS])
    before = {r["campaign_id"]: r["modify_time"] for r in rows(pipeline, "gmv_max_campaigns")}
    cursor = {
        adv: max(r["modify_time"] for r in rows(pipeline, "gmv_max_campaigns") if r["advertiser_id"] == adv)
        for adv in server.advertiser_ids
    }
    server.world.set_today(TODAY + dt.timedelta(days=6))
    info_before = server.stats.requests["campaign/gmv_max/info/"]
    summary = RunSummary()
    run(pipeline, server, start_date=START, tables=[*GMV_OBJECTS, *GMV_REPORTS], summary=summary)
    world = server.world
    want = TS.gmv_max_campaign_rows(world, server.advertiser_ids)
    assert object_differences(pipeline, "gmv_max_campaigns", want) == []
    due = [r for r in want if truth_value("timestamp", r["modify_time"]) >= cursor[r["advertiser_id"]]]
    assert len(due) < len(want), "the test world should hold unchanged campaigns"
    assert any(r["campaign_id"] not in before or r["modify_time"] != before[r["campaign_id"]] for r in due)
    # details were asked only for campaigns new or changed since the stored cursor
    assert server.stats.requests["campaign/gmv_max/info/"] - info_before == len(due)
    assert sum(summary.rows[("gmv_max_campaigns", adv)] for adv in server.advertiser_ids) == len(due)
    for name in GMV_REPORTS:
        assert (
            report_differences(
                rows(pipeline, name), stored_names(gmv_report_truth(server, name)), TABLES[name]
            )
            == []
        ), name


def test_smart_plus_tables_load_and_equal_the_truth(tmp_path: Path, server: EmulatorServer) -> None:
    world = server.world
    for include_deleted in (True, False):
        pipeline = make_pipeline(tmp_path, f"smart_plus_{include_deleted}")
        summary = run(
            pipeline,
            server,
            start_date=START,
            tables=[*SP_OBJECTS, *SP_REPORTS],
            page_size=1,
            include_deleted=include_deleted,
        )
        for name, kind in SP_OBJECTS.items():
            want = TS.smart_plus_rows(world, kind, server.advertiser_ids, include_deleted=include_deleted)
            assert want and object_differences(pipeline, name, want) == [], (name, include_deleted)
        for name in SP_REPORTS:
            want = material_truth(server, name)
            assert want and report_differences(rows(pipeline, name), want, TABLES[name]) == [], name
        assert {n: summary.rows_by_table()[n] for n in SP_OBJECTS} == {
            n: len(rows(pipeline, n)) for n in SP_OBJECTS
        }
        ads = rows(pipeline, "smart_plus_ads")
        deleted = [r for r in ads if r["secondary_status"] == "AD_STATUS_DELETE"]
        assert bool(deleted) == include_deleted
    # ads TikTok answers without modify_time land, with their create_time as modify_time (the cursor)
    raw = [a for adv in server.advertiser_ids for a in _api_ads(server, adv) if "modify_time" not in a]
    assert raw, "the world should hold Smart+ ads without modify_time"
    stored = {r["smart_plus_ad_id"]: r for r in rows(pipeline, "smart_plus_ads")}
    for ad in raw:
        row = stored[ad["smart_plus_ad_id"]]
        assert row["modify_time"] == row["create_time"] == truth_value("timestamp", ad["create_time"])
    # the creative reports join to the ads, and their materials are the ads' videos
    materials = rows(pipeline, "smart_plus_material_insights_lifetime")
    assert {r["smart_plus_ad_id"] for r in materials} <= set(stored) | set(
        r["smart_plus_ad_id"]
        for r in TS.smart_plus_rows(world, "ad", server.advertiser_ids, include_deleted=True)
    )
    for r in materials:
        if r["smart_plus_ad_id"] in stored:
            videos = [
                c["creative_info"]["video_info"]["video_id"]
                for c in json.loads(stored[r["smart_plus_ad_id"]]["creative_list"])
            ]
            assert r["main_material_id"] in videos


def _api_ads(server: EmulatorServer, advertiser_id: str) -> list[dict[str, Any]]:
    from tiktok_ads.emulator.data import smart_plus as sp

    adv = server.world.advertiser(advertiser_id)
    assert adv is not None
    return [sp.object_dict(server.world, o) for o in sp.objects(server.world, adv, "ad")]


#: a world where a Smart+ ad that TikTok answers without modify_time is created between the two runs
LATE_AD_WORLD = WorldConfig(seed=4, advertisers=2, campaigns=1, adgroups=1, ads=1, days=12, today=TODAY)


def test_smart_plus_second_run_brings_only_new_and_changed_objects(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(LATE_AD_WORLD)
    pipeline = make_pipeline(tmp_path, "smart_plus_incremental")
    first = server.world.now
    run(pipeline, server, start_date=START, tables=[*SP_OBJECTS, *SP_REPORTS])
    cursors = {
        (name, adv): max(r["modify_time"] for r in rows(pipeline, name) if r["advertiser_id"] == adv)
        for name in SP_OBJECTS
        for adv in server.advertiser_ids
    }
    server.world.set_today(TODAY + dt.timedelta(days=8))
    summary = RunSummary()
    run(pipeline, server, start_date=START, tables=[*SP_OBJECTS, *SP_REPORTS], summary=summary)
    moved = False
    for name, kind in SP_OBJECTS.items():
        want = TS.smart_plus_rows(
            server.world, kind, server.advertiser_ids, seen_at=[first, server.world.now]
        )
        assert object_differences(pipeline, name, want) == [], name
        for adv in server.advertiser_ids:
            now = TS.smart_plus_rows(server.world, kind, [adv])
            due = [r for r in now if truth_value("timestamp", r["modify_time"]) >= cursors[(name, adv)]]
            assert summary.rows[(name, adv)] == len(due), (name, adv)
            moved |= len(due) < len(now)
    assert moved, "some Smart+ objects should be unchanged since the first run"
    # the ad created since the first run without modify_time arrived, its create_time as its cursor
    late = [a for adv in server.advertiser_ids for a in _api_ads(server, adv) if "modify_time" not in a]
    late = [a for a in late if truth_value("timestamp", a["create_time"]) > first]
    assert late, "LATE_AD_WORLD should create an ad without modify_time between the runs"
    stored = {r["smart_plus_ad_id"]: r for r in rows(pipeline, "smart_plus_ads")}
    for ad in late:
        assert stored[ad["smart_plus_ad_id"]]["modify_time"] == truth_value("timestamp", ad["create_time"])
    for name in SP_REPORTS:
        assert report_differences(rows(pipeline, name), material_truth(server, name), TABLES[name]) == [], (
            name
        )


# -------------------------------------------------------------------------------- bad answers, no HTTP

ADV = "7000000000000000001"
WINDOW = DateWindow(dt.date(2025, 4, 1), dt.date(2025, 4, 2))


class _Client:
    """A stand-in client: ``get`` answers scripted ``data`` objects; ``paginate`` one scripted page."""

    def __init__(self, data: dict[str, Any], page: list[Any] | None = None) -> None:
        self.data = data
        self.page = page or []
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def get(
        self, endpoint: str, params: dict[str, Any], *, advertiser_id: str | None = None
    ) -> dict[str, Any]:
        self.asked.append((endpoint, dict(params)))
        return self.data

    def paginate(self, endpoint: str, params: dict[str, Any], *, page_size: int, advertiser_id: str) -> Any:
        self.asked.append((endpoint, {**params, "page_size": page_size}))
        yield self.page


def test_the_metrics_setting_names_these_tables_as_fixed() -> None:
    with pytest.raises(
        ConfigError, match=r"metrics\.gmv_max_product_campaign_insights.*fixed: cost, net_cost"
    ):
        table_specs({"gmv_max_product_campaign_insights": ["cost"]})
    with pytest.raises(ConfigError, match="smart_plus_ads is not a report table"):
        table_specs({"smart_plus_ads": ["spend"]})


def test_bad_shop_answers_fail_naming_the_field() -> None:
    client = _Client({"store_list": {"store_id": "1"}})
    with pytest.raises(TikTokBadResponseError, match="store_list is a dict"):
        list(store_pages(client, TABLES["gmv_max_stores"], ADV, since=None, page_size=10))  # type: ignore[arg-type]
    with pytest.raises(TikTokBadResponseError, match="store_id"):
        transform_entity_rows(TABLES["gmv_max_stores"], ADV, [{"store_name": "x"}])
    spec = TABLES["gmv_max_product_campaign_insights"]
    stores = {"store_list": [{"store_id": "11", "is_gmv_max_available": True}, {"store_id": "12"}]}
    row = {
        "dimensions": {"campaign_id": "5", "stat_time_day": "2025-04-01 00:00:00"},
        "metrics": {"cost": "1.50"},
    }
    client = _Client(stores, [row, {"metrics": {"cost": "2"}}])
    [page] = list(gmv_max_report_pages(client, spec, ADV, WINDOW, page_size=5000))  # type: ignore[arg-type]
    # one request series per usable shop, store_ids with exactly that shop, store_id added to the rows
    reports = [params for endpoint, params in client.asked if endpoint == "gmv_max/report/get/"]
    assert reports == [
        {
            "advertiser_id": ADV,
            "store_ids": ["11"],
            "dimensions": ["campaign_id", "stat_time_day"],
            "metrics": list(spec.metrics),
            "start_date": "2025-04-01",
            "end_date": "2025-04-02",
            "filtering": {"gmv_max_promotion_types": ["PRODUCT"]},
            "page_size": 1000,
        }
    ]
    typed = transform_report_rows(spec, ADV, page[:1])
    assert typed[0]["store_id"] == "11" and typed[0]["stat_time_day"] == dt.date(2025, 4, 1)
    with pytest.raises(TikTokBadResponseError, match="dimensions"):
        transform_report_rows(spec, ADV, page[1:])


def test_gmv_max_reports_start_no_earlier_than_gmv_max_data() -> None:
    spec = TABLES["gmv_max_live_campaign_insights"]
    stores = {"store_list": [{"store_id": "11", "is_gmv_max_available": True}]}
    client = _Client(stores)
    early = DateWindow(dt.date(2023, 8, 1), dt.date(2023, 8, 30))
    assert list(gmv_max_report_pages(client, spec, ADV, early, page_size=10)) == [[]]  # type: ignore[arg-type]
    assert client.asked == []
    across = DateWindow(dt.date(2023, 8, 20), dt.date(2023, 9, 10))
    list(gmv_max_report_pages(client, spec, ADV, across, page_size=10))  # type: ignore[arg-type]
    [report] = [params for endpoint, params in client.asked if endpoint == "gmv_max/report/get/"]
    assert (report["start_date"], report["end_date"]) == ("2023-09-01", "2023-09-10")
    assert report["filtering"] == {"gmv_max_promotion_types": ["LIVE"]}


def test_material_rows_under_info_are_read_like_dimensions() -> None:
    spec = TABLES["smart_plus_material_insights_lifetime"]
    row = {"info": {"smart_plus_ad_id": "9", "main_material_id": "v1"}, "metrics": {"spend": "3.00"}}
    client = _Client({}, [row])
    [page] = list(material_report_pages(client, spec, ADV, WINDOW, page_size=1000))  # type: ignore[arg-type]
    [(_, params)] = client.asked
    assert params["query_lifetime"] is True and params["page_size"] == 100 and "start_date" not in params
    [typed] = transform_report_rows(spec, ADV, page)
    assert (typed["smart_plus_ad_id"], typed["main_material_id"], typed["spend"]) == (
        "9",
        "v1",
        Decimal("3.00"),
    )

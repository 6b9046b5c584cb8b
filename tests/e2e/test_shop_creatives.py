"""The opt-in ``gmv_max_creative_insights`` table (GMV Max posts, ``item_id``) end to end.

The real source runs through dlt into duckdb against the emulator; the table must equal the emulator's truth
(``truth_shop``) value for value, and its spend must add up to the product table's per product and day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import pytest
from support import make_pipeline, report_differences, rows, run

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth_shop as TS
from tiktok_ads.tables.registry import DEFAULT_TABLES

TODAY = dt.date(2025, 5, 1)
WORLD = WorldConfig(seed=7, advertisers=2, campaigns=1, adgroups=1, ads=1, days=10, today=TODAY)
START = TODAY - dt.timedelta(days=10)
NAME = "gmv_max_creative_insights"
KEY = ("advertiser_id", "store_id", "campaign_id", "item_group_id", "item_id", "stat_time_day")


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def truth(server: EmulatorServer, name: str = NAME) -> list[dict[str, Any]]:
    spec = TABLES[name]
    want = TS.gmv_max_report_rows(
        server.world,
        advertiser_ids=server.advertiser_ids,
        promotion="PRODUCT",
        dimensions=spec.dimensions,
        metrics=spec.metrics,
        start_date=START,
    )
    naming = dlt.Schema("tiktok_ads").naming
    return [{naming.normalize_identifier(k): v for k, v in row.items()} for row in want]


def test_the_table_is_opt_in_with_key_cursor_and_types() -> None:
    """(``--help`` listing it: tests/e2e/test_shop.py, which loads it with the other GMV Max tables.)"""
    spec = TABLES[NAME]
    assert spec.opt_in and NAME not in DEFAULT_TABLES
    assert (spec.kind, spec.endpoint, spec.primary_key, spec.cursor) == (
        "report",
        "gmv_max/report/get/",
        KEY,
        "stat_time_day",
    )
    types = {c: h["data_type"] for c, h in spec.columns.items()}
    assert all(types[c] == "text" for c in (*KEY[:-1], "creative_delivery_status"))
    assert types["stat_time_day"] == "date" and types["orders"] == "bigint"
    assert types["product_impressions"] == types["product_clicks"] == "bigint"
    rates = [m for m in spec.metrics if m.endswith("_rate") or "_rate_" in m]
    assert len(rates) == 9 and all(types[m] == "decimal" for m in rates)
    assert types["cost"] == types["roi"] == types["cost_per_order"] == "decimal"


def test_posts_load_equal_the_truth_and_add_up_to_their_products(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path, "gmv_creatives")
    # page_size 1: every listing and report request pages
    run(pipeline, server, start_date=START, tables=[NAME, "gmv_max_product_insights"], page_size=1)
    want = truth(server)
    assert want, "the world should hold posts with cost"
    got = rows(pipeline, NAME)
    assert report_differences(got, want, TABLES[NAME]) == []
    # the product card (item_id -1) lands as a post; rows have cost (TikTok answers only those by day)
    assert any(r["item_id"] == "-1" for r in got) and all(r["cost"] > 0 for r in got)
    assert len({r["creative_delivery_status"] for r in got}) > 1
    # spend adds up to the product table's, per (advertiser, shop, campaign, product, day)
    spent: dict[tuple[Any, ...], Decimal] = {}
    for r in got:
        key = tuple(r[k] for k in KEY if k != "item_id")
        spent[key] = spent.get(key, Decimal(0)) + r["cost"]
    products = {
        tuple(r[k] for k in KEY if k != "item_id"): r["cost"]
        for r in rows(pipeline, "gmv_max_product_insights")
    }
    assert spent == {k: v for k, v in products.items() if v > 0}


def test_a_second_run_rereads_the_window_and_adds_new_days(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "gmv_creatives_incremental")
    run(pipeline, server, start_date=START, tables=[NAME])
    first = len(rows(pipeline, NAME))
    server.world.set_today(TODAY + dt.timedelta(days=3))
    run(pipeline, server, start_date=START, tables=[NAME])
    got = rows(pipeline, NAME)
    assert len(got) > first
    assert report_differences(got, truth(server), TABLES[NAME]) == []
    assert max(r["stat_time_day"] for r in got) == TODAY + dt.timedelta(days=3)

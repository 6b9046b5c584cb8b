"""The GMV Max ads report table (``tt_shop_campaign_insights``, ``report_type = TT_SHOP``) end to end.

It loads from the emulator and equals its truth (``truth_shop.tt_shop_rows``, from the model); its spend per
campaign and day equals ``gmv_max_product_campaign_insights`` + ``gmv_max_live_campaign_insights`` cost (the
other report of the same campaigns); a later run re-reads only the attribution window; TikTok takes no
filtering with TT_SHOP, so ``include_deleted`` sends none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from support import make_pipeline, report_differences, rows, run

from tests.e2e.test_shop import START, TODAY, WORLD
from tiktok_ads import TABLES, ConfigError
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.data import truth_shop as TS
from tiktok_ads.endpoints.extract import report_params
from tiktok_ads.tables.custom_metrics import table_specs
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads.windows import DateWindow

TABLE = "tt_shop_campaign_insights"


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def test_table_is_an_opt_in_tt_shop_report_without_filtering() -> None:
    spec = TABLES[TABLE]
    assert spec.kind == "report" and spec.opt_in and TABLE not in DEFAULT_TABLES
    assert (spec.report_type, spec.data_level) == ("TT_SHOP", "AUCTION_CAMPAIGN")
    assert spec.primary_key == ("advertiser_id", "campaign_id", "country_code", "stat_time_day")
    assert spec.cursor == "stat_time_day"
    window = DateWindow(TODAY - dt.timedelta(days=2), TODAY)
    assert "filtering" not in report_params(spec, "1", window, include_deleted=True)
    with pytest.raises(ConfigError, match="fixed"):
        table_specs({TABLE: ["impressions"]})
    assert table_specs("all")[TABLE] == spec  # "all" leaves the closed list alone


def test_tt_shop_report_loads_equals_the_truth_and_the_gmv_max_cost(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path, "tt_shop")
    gmv = ["gmv_max_product_campaign_insights", "gmv_max_live_campaign_insights"]
    summary = run(pipeline, server, start_date=START, tables=[TABLE, *gmv], include_deleted=True, page_size=5)
    ids = server.advertiser_ids
    want = TS.tt_shop_rows(server.world, ids, START)
    assert want and report_differences(rows(pipeline, TABLE), want, TABLES[TABLE]) == []
    assert summary.rows_by_table()[TABLE] == len(want)
    cost = {(r["campaign_id"], r["stat_time_day"]): r["cost"] for name in gmv for r in rows(pipeline, name)}
    for r in rows(pipeline, TABLE):
        assert r["spend"] == cost[(r["campaign_id"], r["stat_time_day"])]

    server.world.set_today(TODAY + dt.timedelta(days=3))
    summary = run(pipeline, server, start_date=START, tables=[TABLE], include_deleted=True)
    want = TS.tt_shop_rows(server.world, ids, START)
    assert report_differences(rows(pipeline, TABLE), want, TABLES[TABLE]) == []
    assert 0 < summary.rows_by_table()[TABLE] < len(want)  # the window, not the history

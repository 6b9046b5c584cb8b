"""``spark_authorized_posts`` (``tt_video/list/``) end to end: the Spark Ads posts authorized to each ad account load
from the emulator, page by page, and equal its truth (``truth.authorized_post_rows``, built from the model, not
the API); the posts the ads run join to them; a creator's ``auth_code`` is never stored; a second run merges.
``--help`` and the ``tables`` setting name the two tables this area added (``apps`` too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import support

from tiktok_ads import TABLES
from tiktok_ads.config.source_settings import HELP, SETTINGS
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.emulator.rules import spark_ads as emu_spark

TODAY = dt.date(2025, 3, 10)
WORLD = WorldConfig(seed=13, advertisers=2, campaigns=1, adgroups=2, ads=3, days=10, today=TODAY)
START = TODAY - dt.timedelta(days=10)
TABLE = "spark_authorized_posts"


def test_authorized_posts_load_page_by_page_and_equal_the_truth(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    server = emulator_factory(WORLD)
    ids = server.advertiser_ids
    pipeline = support.make_pipeline(tmp_path, "spark_authorized")
    want = T.authorized_post_rows(server.world, ids)
    assert len(want) == len(ids) * emu_spark.POSTS
    summary = support.run(pipeline, server, start_date=START, tables=[TABLE, "ads"], page_size=3)
    assert support.object_differences(pipeline, TABLE, want) == []
    assert summary.rows_by_table()[TABLE] == len(want)
    # 4 posts at 3 per page: two pages per advertiser, through the client's one paging loop
    assert server.stats.requests["tt_video/list/"] == 2 * len(ids)
    spec = TABLES[TABLE]
    assert spec.opt_in and spec.primary_key == ("advertiser_id", "item_id") and spec.cursor is None

    stored = support.rows(pipeline, TABLE)
    codes = {
        i["item_info"]["auth_code"]
        for a in server.world.advertisers
        for i in emu_spark.authorized_posts(server.world, a)
    }
    assert "auth_code" not in stored[0] and not any(set(map(str, r.values())) & codes for r in stored)
    # the Spark Ads' posts are among the authorized ones, under the same identity
    posts = {(r["advertiser_id"], r["identity_id"], r["item_id"]) for r in stored}
    spark = [a for a in support.rows(pipeline, "ads") if a.get("tiktok_item_id")]
    assert spark and all((a["advertiser_id"], a["identity_id"], a["tiktok_item_id"]) in posts for a in spark)

    # read whole again a day later: merged on the key, no duplicates
    server.world.set_today(TODAY + dt.timedelta(days=1))
    support.run(pipeline, server, start_date=START, tables=[TABLE])
    assert support.object_differences(pipeline, TABLE, T.authorized_post_rows(server.world, ids)) == []


def test_help_and_the_tables_setting_name_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    described = " ".join(next(f for f in SETTINGS if f.name == "tables").metadata[HELP].split())
    help_text = support.script_help(capsys)
    flat = " ".join(help_text.split())
    for name in ("apps", TABLE):
        assert f"``{name}``" in described, name
        assert f"{name}," in flat or f"{name})" in flat, name

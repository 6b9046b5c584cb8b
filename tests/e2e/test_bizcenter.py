"""Business Center and Spark Ads tables end to end: each loads from the emulator and equals its truth.

The source runs through dlt into duckdb; the truth comes from the model (``truth.bc_table_rows``,
``truth.identity_rows``, ``truth.spark_post_rows``), never through the API. A second run a few days later
checks the incremental rules: balances add a row per run day, transactions re-read only the window.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from support import business_center_states, make_pipeline, rows, run

from tiktok_ads import TABLES, RunSummary
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.emulator.rules import business_center as emu_bc
from tiktok_ads.tables.registry import DEFAULT_TABLES

TODAY = dt.date(2025, 3, 10)
WORLD = WorldConfig(seed=13, advertisers=3, campaigns=1, adgroups=2, ads=2, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=20)
UTC = dt.timezone.utc
BC_TABLES = [
    "business_centers",
    "bc_advertisers",
    "bc_balances",
    "advertiser_balances",
    "bc_transactions",
    "advertiser_transactions",
]
SPARK_TABLES = ["identities", "spark_ad_posts"]


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def _typed(data_type: str, value: Any) -> Any:
    if value is None:
        return None
    if data_type == "timestamp":
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    if data_type == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if data_type == "decimal":
        return Decimal(str(value)).normalize()
    return str(value) if data_type == "text" else value


def _stored(data_type: str, value: Any) -> Any:
    if data_type == "decimal" and value is not None:
        return Decimal(value).normalize()
    if data_type == "json" and isinstance(value, str):
        return json.loads(value)
    return value


def differences(pipeline: Any, name: str, want: list[dict[str, Any]]) -> list[str]:
    """Differences between a destination table and its truth (``[]`` = equal, value for value)."""
    spec = TABLES[name]
    key = spec.primary_key
    got = rows(pipeline, name)
    got_by_key = {tuple(str(r[k]) for k in key): r for r in got}
    want_by_key = {tuple(str(r[k]) for k in key): r for r in want}
    out: list[str] = []
    if len(got_by_key) != len(got) or len(want_by_key) != len(want):
        out.append(f"{name}: duplicate keys")
    out += [f"{name}: missing {k}" for k in sorted(set(want_by_key) - set(got_by_key))]
    out += [f"{name}: extra {k}" for k in sorted(set(got_by_key) - set(want_by_key))]
    for k, w in want_by_key.items():
        g = got_by_key.get(k)
        if g is None:
            continue
        for col, hint in spec.columns.items():
            data_type = str(hint["data_type"])
            if _stored(data_type, g.get(col)) != _typed(data_type, w.get(col)):
                out.append(f"{name}: {k} {col} = {g.get(col)!r}, truth {w.get(col)!r}")
    return out[:20]


def test_tables_are_opt_in_with_keys_and_cursors() -> None:
    assert not set(BC_TABLES + SPARK_TABLES) & set(DEFAULT_TABLES)
    for name in BC_TABLES + SPARK_TABLES:
        spec = TABLES[name]
        assert spec.opt_in and set(spec.primary_key) <= set(spec.columns), name
    assert TABLES["bc_transactions"].cursor == TABLES["advertiser_transactions"].cursor == "transaction_date"
    assert TABLES["bc_balances"].primary_key == ("bc_id", "balance_date")


def test_bc_tables_load_and_equal_the_truth_then_go_on_incrementally(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path, "bizcenter")
    first = server.world.now.date()
    summary = run(pipeline, server, start_date=START, tables=BC_TABLES, page_size=7)
    for name in BC_TABLES:
        want = T.bc_table_rows(server.world, name, [first])
        assert want, name
        assert differences(pipeline, name, want) == [], name
        assert summary.rows_by_table()[name] == len(want), name
    # the BC's ad accounts are the emulated BC's: every advertiser but the last
    assert {r["advertiser_id"] for r in rows(pipeline, "bc_advertisers")} == set(server.advertiser_ids[:-1])
    # the state keeps each BC's newest transaction day
    state = business_center_states(pipeline, "advertiser_transactions")
    bc = emu_bc.bc_id(server.world)
    assert (
        state[bc]["last_date"]
        == max(r["transaction_date"] for r in rows(pipeline, "advertiser_transactions")).isoformat()
    )

    server.world.set_today(TODAY + dt.timedelta(days=3))
    second = server.world.now.date()
    summary = run(pipeline, server, start_date=START, tables=BC_TABLES, attribution_window_days=1)
    for name in BC_TABLES:
        want = T.bc_table_rows(server.world, name, [first, second])
        if name in ("bc_balances", "advertiser_balances"):
            # the first day's balance stays as it was read then
            want = [r for r in want if r["balance_date"] == second]
            got = [r for r in rows(pipeline, name) if r["balance_date"] == second]
            assert len(rows(pipeline, name)) == 2 * len(want), name
            assert len(got) == len(want)
            continue
        assert differences(pipeline, name, want) == [], name
    # the second run re-read only from the last day minus one, not the history
    earliest = min(r["date"] for r in T.bc_table_rows(server.world, "advertiser_transactions"))
    read = summary.rows_by_table()["advertiser_transactions"]
    assert 0 < read < len(T.bc_table_rows(server.world, "advertiser_transactions")), earliest


def test_bc_ids_discover_the_bcs_ad_accounts(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "bc_discovery")
    bc = emu_bc.bc_id(server.world)
    run(pipeline, server, start_date=START, tables=["advertisers", "campaigns"], advertiser_ids=[], bc_ids=bc)
    assert sorted(r["advertiser_id"] for r in rows(pipeline, "advertisers")) == sorted(
        server.advertiser_ids[:-1]
    )


def test_spark_ad_posts_hold_the_posts_of_top_view_spark_ads(
    tmp_path: Path, emulator_factory: Callable[..., EmulatorServer]
) -> None:
    """``ad/get/`` leaves TopView ads out unless asked for them alone: a post only a TopView Spark Ad runs
    must land too (seed 18: the first advertiser's second campaign is a TopView one whose ad runs such a post)."""
    server = emulator_factory(
        WorldConfig(seed=18, advertisers=2, campaigns=2, adgroups=2, ads=2, days=5, today=TODAY)
    )
    ids = server.advertiser_ids
    ads = T.entity_rows(server.world, "ad", advertiser_ids=ids)
    campaigns = {c["campaign_id"]: c for c in T.entity_rows(server.world, "campaign", advertiser_ids=ids)}
    top_view = {
        a["tiktok_item_id"] for a in ads if campaigns[a["campaign_id"]].get("rf_campaign_type") == "TOPVIEW"
    }
    others = {
        a["tiktok_item_id"] for a in ads if campaigns[a["campaign_id"]].get("rf_campaign_type") != "TOPVIEW"
    }
    only_top_view = top_view - others - {None}
    assert only_top_view, "the world must hold a post that only a TopView Spark Ad runs"
    pipeline = make_pipeline(tmp_path, "spark_top_view")
    run(pipeline, server, start_date=TODAY - dt.timedelta(days=5), tables=["spark_ad_posts"])
    assert only_top_view <= {r["item_id"] for r in rows(pipeline, "spark_ad_posts")}
    assert differences(pipeline, "spark_ad_posts", T.spark_post_rows(server.world, ids)) == []


def test_spark_tables_load_equal_the_truth_and_join_to_ads(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "spark")
    run(pipeline, server, start_date=START, tables=["ads", *SPARK_TABLES])
    ids = server.advertiser_ids
    assert differences(pipeline, "identities", T.identity_rows(server.world, ids)) == []
    posts = T.spark_post_rows(server.world, ids)
    assert posts and differences(pipeline, "spark_ad_posts", posts) == []
    stored = {(r["advertiser_id"], r["identity_id"], r["item_id"]) for r in rows(pipeline, "spark_ad_posts")}
    identities = {(r["advertiser_id"], r["identity_id"]) for r in rows(pipeline, "identities")}
    ads = rows(pipeline, "ads")
    spark = [a for a in ads if a["tiktok_item_id"]]
    assert spark and len(spark) < len(ads)
    assert all((a["advertiser_id"], a["identity_id"]) in identities for a in ads)
    assert all((a["advertiser_id"], a["identity_id"], a["tiktok_item_id"]) in stored for a in spark)


def test_summary_counts_rows_per_bc(tmp_path: Path, server: EmulatorServer) -> None:
    summary = RunSummary()
    run(
        make_pipeline(tmp_path, "bc_summary"),
        server,
        start_date=START,
        tables=["business_centers"],
        summary=summary,
    )
    assert summary.rows_by_table() == {"business_centers": 1}


def test_bc_ids_settings_are_checked_and_an_unreadable_bc_is_named(
    tmp_path: Path, server: EmulatorServer
) -> None:
    from tiktok_ads import ConfigError
    from tiktok_ads.config.validation import validate_config

    with pytest.raises(ConfigError) as bad:
        validate_config(access_token="t", bc_ids="12ab")
    assert bad.value.setting == "sources.tiktok_ads.bc_ids"
    # a BC alone is enough to know which advertisers to load (no app credentials needed)
    assert validate_config(access_token="t", bc_ids="123, 456").bc_ids == ("123", "456")
    with pytest.raises(Exception) as failed:
        run(make_pipeline(tmp_path, "bc_unreadable"), server, start_date=START, tables=["advertisers"],
            advertiser_ids=[], bc_ids="7300000000000000999")  # fmt: skip
    assert "sources.tiktok_ads.bc_ids" in str(failed.value) and "40001" in str(failed.value)


def test_daily_cost_records_reconcile_with_the_reports_spend(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "reconcile")
    run(pipeline, server, start_date=START, tables=["advertiser_transactions", "advertiser_insights"])
    costs = {
        (r["advertiser_id"], r["transaction_date"]): r["amount"]
        for r in rows(pipeline, "advertiser_transactions")
        if r["transfer_type"] == "TRANS_TYPE_COST"
    }
    assert costs
    spend = {
        (r["advertiser_id"], r["stat_time_day"]): r["spend"] for r in rows(pipeline, "advertiser_insights")
    }
    # every cost record is the account's spend of that (closed) day, and every closed day with spend has one
    assert all(spend[key] == amount for key, amount in costs.items())
    owned = set(server.advertiser_ids[:-1])
    closed = {
        key
        for key, value in spend.items()
        if value and key[0] in owned and key[1] < server.world.local_today(key[0]) and key[1] >= START
    }
    assert closed <= set(costs)

"""The emulator's data model: determinism, consistency across grains, restatement and time zones."""

from __future__ import annotations

import datetime as dt
import resource
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.delivery import split_int
from tiktok_ads.emulator.data.model import World, WorldConfig
from tiktok_ads.emulator.data.truth import additive_totals, entity_rows, report_rows

TODAY = dt.date(2026, 3, 31)  # Europe/London and New York switched to DST inside the history
ADDITIVE = [
    n for n in m.ADDITIVE_METRICS if n not in ("cash_spend", "voucher_spend", "secondary_goal_result")
]
AD_METRICS = [n for n, d in m.METRICS.items() if m.AUCTION_AD in d.levels]
AUDIENCE_ADDITIVE = [n for n in ADDITIVE if m.METRICS[n].audience]


@pytest.fixture(scope="module")
def world() -> World:
    return World(WorldConfig(seed=7, advertisers=4, campaigns=3, adgroups=2, ads=3, days=45, today=TODAY))


def _level_rows(
    world: World,
    level: str,
    dims: list[str],
    metrics: list[str],
    start: dt.date,
    report_type: str = "BASIC",
    include_deleted: bool = True,
) -> list[dict[str, Any]]:
    ids = [a.advertiser_id for a in world.advertisers]
    return report_rows(
        world,
        advertiser_ids=ids,
        report_type=report_type,
        data_level=level,
        dimensions=dims,
        metrics=metrics,
        start_date=start,
        include_deleted=include_deleted,
    )


def _adv_rows(
    world: World,
    adv: str,
    dims: list[str],
    metrics: list[str],
    start: dt.date,
    end: dt.date | None = None,
    level: str = m.AUCTION_ADVERTISER,
    **kw: Any,
) -> list[dict[str, Any]]:
    """One advertiser's BASIC report rows from the truth API."""
    return report_rows(
        world,
        advertiser_ids=[adv],
        report_type="BASIC",
        data_level=level,
        dimensions=dims,
        metrics=metrics,
        start_date=start,
        end_date=end,
        **kw,
    )


def _by_day(rows: list[dict[str, Any]], names: list[str]) -> dict[tuple[str, dt.date], dict[str, Any]]:
    out: dict[tuple[str, dt.date], dict[str, Any]] = defaultdict(dict)
    for row in rows:
        bucket = out[(row["advertiser_id"], row["stat_time_day"])]
        for n in names:
            bucket[n] = bucket.get(n, 0) + row[n]
    return dict(out)


def test_same_config_same_data() -> None:
    cfg = WorldConfig(seed=3, advertisers=2, campaigns=2, adgroups=2, ads=2, days=20, today=TODAY)
    a, b = World(cfg), World(cfg)
    assert [x.advertiser_id for x in a.advertisers] == [x.advertiser_id for x in b.advertisers]
    adv = a.advertisers[1].advertiser_id
    assert a.entities("ad", adv) == b.entities("ad", adv)
    kwargs: dict[str, Any] = dict(
        report_type="BASIC",
        data_level=m.AUCTION_AD,
        dimensions=["ad_id", "stat_time_day"],
        metrics=AD_METRICS,
        start_date=TODAY - dt.timedelta(days=20),
        end_date=TODAY,
    )
    ra, rb = a.report(adv, **kwargs), b.report(adv, **kwargs)
    assert len(ra) > 0 and ra.rows(0, len(ra)) == rb.rows(0, len(rb))
    other = World(WorldConfig(seed=4, advertisers=2, campaigns=2, adgroups=2, ads=2, days=20, today=TODAY))
    other_rows = other.report(other.advertisers[1].advertiser_id, **kwargs).rows(0, 5)
    assert [r["metrics"] for r in other_rows] != [r["metrics"] for r in ra.rows(0, 5)]


def test_additive_metrics_sum_exactly_across_levels(world: World) -> None:
    start = TODAY - dt.timedelta(days=45)
    sums = {}
    for level, idd in m.ID_DIMENSION.items():
        rows = _level_rows(world, level, [idd, "stat_time_day"], ADDITIVE, start)
        sums[level] = _by_day(rows, ADDITIVE)
    assert sums[m.AUCTION_AD] and any(v["spend"] for v in sums[m.AUCTION_AD].values())
    for level in (m.AUCTION_ADGROUP, m.AUCTION_CAMPAIGN, m.AUCTION_ADVERTISER):
        for key, totals in sums[m.AUCTION_AD].items():
            assert sums[level].get(key, dict.fromkeys(ADDITIVE, 0)) == totals, (level, key)


def test_default_status_filter_drops_deleted_objects_own_level_only(world: World) -> None:
    start = TODAY - dt.timedelta(days=45)
    everything = _level_rows(world, m.AUCTION_AD, ["ad_id", "stat_time_day"], ["spend"], start)
    alive = _level_rows(
        world, m.AUCTION_AD, ["ad_id", "stat_time_day"], ["spend"], start, include_deleted=False
    )
    assert len(alive) < len(everything), "the world must have deleted ads with history"
    deleted_ids = {r["ad_id"] for r in everything} - {r["ad_id"] for r in alive}
    for adv in world.advertisers:
        for ad in world.entities("ad", adv.advertiser_id):
            if ad["ad_id"] in deleted_ids:
                assert "DELETE" in str(ad["secondary_status"])
    advertiser = _level_rows(
        world,
        m.AUCTION_ADVERTISER,
        ["advertiser_id", "stat_time_day"],
        ["spend"],
        start,
        include_deleted=False,
    )
    assert sum(r["spend"] for r in advertiser) == sum(r["spend"] for r in everything)


@pytest.mark.parametrize(
    "dims",
    [["age", "gender"], ["country_code"], ["platform"], ["language"], ["placement"], ["ac"], ["province_id"]],
)
def test_audience_buckets_sum_to_basic_totals(world: World, dims: list[str]) -> None:
    start = TODAY - dt.timedelta(days=20)
    level = m.AUCTION_CAMPAIGN if dims == ["province_id"] else m.AUCTION_AD
    idd = m.ID_DIMENSION[level]
    basic = _level_rows(world, level, [idd, "stat_time_day"], AUDIENCE_ADDITIVE, start)
    audience = _level_rows(world, level, [idd, "stat_time_day", *dims], AUDIENCE_ADDITIVE, start, "AUDIENCE")
    assert len(audience) > len(basic)
    key = lambda r: (r["advertiser_id"], r[idd], r["stat_time_day"])  # noqa: E731
    totals: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(AUDIENCE_ADDITIVE, 0))
    for row in audience:
        for n in AUDIENCE_ADDITIVE:
            totals[key(row)][n] += row[n]
    for row in basic:
        assert totals[key(row)] == {n: row[n] for n in AUDIENCE_ADDITIVE}, key(row)


def test_hours_sum_to_days_and_today_is_partial(world: World) -> None:
    adv = world.advertisers[0].advertiser_id  # Los Angeles: 04:00 local at 12:00 UTC
    local_today = world.local_today(adv)
    day = local_today - dt.timedelta(days=3)
    for d, n_hours in ((day, 24), (local_today, world.local_now(adv).hour)):
        hourly = _adv_rows(
            world,
            adv,
            ["advertiser_id", "stat_time_hour"],
            ADDITIVE,
            d,
            d,
        )
        daily = _adv_rows(
            world,
            adv,
            ["advertiser_id", "stat_time_day"],
            ADDITIVE,
            d,
            d,
        )
        assert len(hourly) == n_hours
        assert additive_totals(hourly, ADDITIVE) == {n: daily[0][n] for n in ADDITIVE}

    # later the same day, today's figures have grown
    def impressions_today(w: World) -> Any:
        return _adv_rows(
            w, adv, ["advertiser_id", "stat_time_day"], ["impressions"], local_today, local_today
        )[0]["impressions"]

    before = impressions_today(world)
    later = World(world.config)
    later.set_now(world.now + dt.timedelta(hours=6))
    assert impressions_today(later) > before


def _q(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_ratio_metrics_follow_from_their_parts(world: World) -> None:
    rows = _level_rows(
        world,
        m.AUCTION_CAMPAIGN,
        ["campaign_id", "stat_time_day"],
        [
            "spend",
            "impressions",
            "clicks",
            "reach",
            "conversion",
            "ctr",
            "cpc",
            "cpm",
            "frequency",
            "cost_per_conversion",
            "conversion_rate",
        ],
        TODAY - dt.timedelta(days=10),
    )
    checked = 0
    for r in rows:
        if not r["clicks"] or not r["conversion"]:
            continue
        checked += 1
        assert r["ctr"] == _q(Decimal(r["clicks"]) / r["impressions"] * 100)
        assert r["cpc"] == _q(r["spend"] / r["clicks"])
        assert r["cpm"] == _q(r["spend"] / r["impressions"] * 1000)
        assert r["frequency"] == _q(Decimal(r["impressions"]) / r["reach"])
        assert r["cost_per_conversion"] == _q(r["spend"] / r["conversion"])
        assert r["conversion_rate"] == _q(Decimal(r["conversion"]) / r["clicks"] * 100)
    assert checked > 10
    zero = [r for r in rows if r["clicks"] == 0]
    assert all(r["cpc"] == 0 for r in zero)


def test_secondary_goal_metrics_are_dash_without_a_secondary_goal(world: World) -> None:
    rows = _level_rows(
        world,
        m.AUCTION_AD,
        ["ad_id", "stat_time_day"],
        ["secondary_goal_result", "adgroup_id"],
        TODAY - dt.timedelta(days=5),
    )
    values = {r["secondary_goal_result"] is None for r in rows}
    assert values == {True, False}
    camp = _level_rows(
        world,
        m.AUCTION_CAMPAIGN,
        ["campaign_id", "stat_time_day"],
        ["secondary_goal_result"],
        TODAY - dt.timedelta(days=5),
    )
    assert all(r["secondary_goal_result"] is None for r in camp)


def test_conversions_restate_for_seven_days_then_freeze() -> None:
    cfg = WorldConfig(seed=11, advertisers=2, campaigns=3, adgroups=2, ads=2, days=40, today=TODAY)
    w = World(cfg)
    adv = w.advertisers[1].advertiser_id  # Tokyo
    start = TODAY - dt.timedelta(days=30)
    metrics = ["conversion", "total_purchase_value", "spend", "clicks"]

    def snapshot() -> dict[tuple[str, dt.date], dict[str, Any]]:
        rows = _adv_rows(
            w,
            adv,
            ["ad_id", "stat_time_day"],
            metrics,
            start,
            TODAY - dt.timedelta(days=1),
            level=m.AUCTION_AD,
            include_deleted=True,
        )
        return {(r["ad_id"], r["stat_time_day"]): r for r in rows}

    before = snapshot()
    w.set_today(TODAY + dt.timedelta(days=3))
    after = snapshot()
    local_today = w.local_today(adv)
    changed_recent = 0
    for key, row in before.items():
        old_age = (TODAY - key[1]).days  # Tokyo is ahead of UTC: local today was TODAY at 12:00 UTC
        if old_age >= m.ATTRIBUTION_DAYS:
            assert after[key] == row, "a day older than the attribution window never changes"
        else:
            assert after[key]["spend"] == row["spend"] and after[key]["clicks"] == row["clicks"]
            assert after[key]["conversion"] >= row["conversion"]
            changed_recent += after[key]["conversion"] != row["conversion"]
    assert changed_recent > 0
    assert local_today == TODAY + dt.timedelta(days=3)


def test_time_zones_span_utc_minus_12_to_plus_14_with_local_days() -> None:
    w = World(WorldConfig(seed=1, advertisers=10, campaigns=1, adgroups=1, ads=1, days=10, today=TODAY))
    zones = {a.timezone for a in w.advertisers}
    assert {"Etc/GMT+12", "Pacific/Kiritimati", "America/Los_Angeles", "Europe/London"} <= zones
    by_zone = {a.timezone: a.advertiser_id for a in w.advertisers}
    assert w.local_today(by_zone["Pacific/Kiritimati"]) == TODAY + dt.timedelta(days=1)
    assert w.local_today(by_zone["Etc/GMT+12"]) == TODAY
    assert w.local_now(by_zone["Etc/GMT+12"]).hour == 0
    # UTC+14 already has figures for its (partial) tomorrow; UTC-12 has none yet for today
    for zone, expect_today in (("Pacific/Kiritimati", True), ("Etc/GMT+12", False)):
        rows = report_rows(
            w,
            advertiser_ids=[by_zone[zone]],
            report_type="BASIC",
            data_level=m.AUCTION_ADVERTISER,
            dimensions=["advertiser_id", "stat_time_day"],
            metrics=["impressions"],
            start_date=TODAY - dt.timedelta(days=3),
            end_date=TODAY + dt.timedelta(days=1),
        )
        days = {r["stat_time_day"]: r["impressions"] for r in rows}
        local = w.local_today(by_zone[zone])
        assert max(days) == local
        assert (days[local] > 0) is expect_today
    assert len({a.currency for a in w.advertisers}) >= 5


def test_entities_appear_change_and_get_deleted_as_time_moves() -> None:
    w = World(WorldConfig(seed=5, advertisers=1, campaigns=6, adgroups=2, ads=2, days=30, today=TODAY))
    adv = w.advertisers[0].advertiser_id
    now_ads = {a["ad_id"]: a for a in w.entities("ad", adv)}
    w.set_today(TODAY + dt.timedelta(days=15))
    later_ads = {a["ad_id"]: a for a in w.entities("ad", adv)}
    assert set(now_ads) < set(later_ads), "new ads appear when the clock moves"
    assert any(later_ads[i]["modify_time"] != a["modify_time"] for i, a in now_ads.items())
    statuses = {str(a["secondary_status"]) for a in later_ads.values()}
    assert any("DELETE" in s for s in statuses)
    ids = [int(a["ad_id"]) for a in w.entities("ad", adv)]
    assert ids == sorted(ids, reverse=True)
    for a in later_ads.values():
        assert a["create_time"] <= a["modify_time"]
        dt.datetime.strptime(str(a["modify_time"]), "%Y-%m-%d %H:%M:%S")


def test_entity_truth_keeps_each_version_seen() -> None:
    w = World(WorldConfig(seed=5, advertisers=1, campaigns=4, adgroups=2, ads=2, days=30, today=TODAY))
    adv = w.advertisers[0].advertiser_id
    moments = [w.now + dt.timedelta(days=d) for d in range(0, 15)]
    rows = entity_rows(w, "campaign", advertiser_ids=[adv], include_deleted=True, seen_at=moments)
    single = entity_rows(w, "campaign", advertiser_ids=[adv], include_deleted=True)
    assert len(rows) > len(single)
    assert len({(r["campaign_id"], r["modify_time"]) for r in rows}) == len(rows)


def test_lifetime_equals_sum_of_days(world: World) -> None:
    adv = world.advertisers[2].advertiser_id
    life = _adv_rows(
        world,
        adv,
        ["campaign_id"],
        ADDITIVE,
        TODAY,
        level=m.AUCTION_CAMPAIGN,
        lifetime=True,
        include_deleted=True,
    )
    daily = _adv_rows(
        world,
        adv,
        ["campaign_id", "stat_time_day"],
        ADDITIVE,
        TODAY - dt.timedelta(days=400),
        level=m.AUCTION_CAMPAIGN,
        include_deleted=True,
    )
    for row in life:
        days = [r for r in daily if r["campaign_id"] == row["campaign_id"]]
        assert additive_totals(days, ADDITIVE) == {n: row[n] for n in ADDITIVE}


def test_split_int_is_exact_and_proportional() -> None:
    assert split_int(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(split_int(12345, [3, 0, 7, 11])) == 12345
    assert split_int(5, [0, 0]) == [0, 0]


def test_huge_world_is_lazy() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    w = World(WorldConfig(seed=1, advertisers=100, campaigns=100, adgroups=10, ads=10, days=365, today=TODAY))
    adv = w.advertisers[57].advertiser_id
    result = w.report(
        adv,
        report_type="BASIC",
        data_level=m.AUCTION_AD,
        dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions"],
        start_date=TODAY - dt.timedelta(days=29),
        end_date=TODAY,
    )
    assert len(result) > 100_000
    page = result.rows(len(result) - 1000, 1000)
    assert len(page) == 1000
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300, f"{grown_mb:.0f} MB for one advertiser of a 100 x 10,000-ad world"

"""Multi-advertiser reports (``advertiser_ids`` on ``report/integrated/get/``), as TikTok documents them
(see tiktok_ads/emulator/rules/multi_reports.py for the sources)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support import basic_report_query

from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.rules import multi_reports

REPORT = "report/integrated/get/"
BASE = basic_report_query(
    data_level="AUCTION_CAMPAIGN",
    dimensions=["campaign_id", "stat_time_day"],
    start_date="2024-06-10",
    end_date="2024-06-14",
)


def rows(tiktok: Any, **params: Any) -> list[dict[str, Any]]:
    data = tiktok.data(REPORT, **{**BASE, **params})
    assert data["page_info"]["total_number"] == len(data["list"])
    return list(data["list"])


def error(tiktok: Any, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = tiktok.get(REPORT, **{**BASE, **params}).json()
    assert body["code"] != 0 and body["data"] == {}
    return body


def test_rows_are_each_advertisers_with_advertiser_currency_and_timezone(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    first, second = emulator.advertiser_ids[:2]
    got = rows(tiktok, advertiser_ids=[first, second])
    want = []
    for adv in (first, second):
        info = emulator.world.advertiser(adv)
        assert info is not None
        extra = {"advertiser_id": adv, "currency": info.currency, "timezone": info.timezone}
        for r in rows(tiktok, advertiser_id=adv):
            # money without trailing zeros ("25.90" -> "25.9", "100.00" -> "100"): TikTok's "no decimal point"
            spend = r["metrics"]["spend"].rstrip("0").rstrip(".") if "." in r["metrics"]["spend"] else None
            want.append({**r, "metrics": {**r["metrics"], **extra, **({"spend": spend} if spend else {})}})
    assert got == want and got
    assert any("." in r["metrics"]["spend"] for r in got)  # cents are kept
    # advertiser_id is ignored when advertiser_ids is sent; a one-advertiser list is the same form
    rounded = emulator.api
    rounded.multi_report_variant = "rounded_money"  # the scripted variant: whole units only
    try:
        assert all("." not in r["metrics"]["spend"] for r in rows(tiktok, advertiser_ids=[first, second]))
    finally:
        rounded.multi_report_variant = None
    assert (
        rows(tiktok, advertiser_ids=[first], advertiser_id=second)
        == want[: len(rows(tiktok, advertiser_id=first))]
    )


def test_advertiser_id_dimension_beside_the_level_id(tiktok: Any, emulator: EmulatorServer) -> None:
    first, second = emulator.advertiser_ids[:2]
    got = rows(
        tiktok, advertiser_ids=[first, second], dimensions=["advertiser_id", "campaign_id", "stat_time_day"]
    )
    assert got and all(
        list(r["dimensions"]) == ["advertiser_id", "campaign_id", "stat_time_day"] for r in got
    )
    assert all(r["dimensions"]["advertiser_id"] == r["metrics"]["advertiser_id"] for r in got)
    assert {r["dimensions"]["advertiser_id"] for r in got} == {first, second}


def test_refusals(tiktok: Any, emulator: EmulatorServer) -> None:
    ids = emulator.advertiser_ids
    too_many = error(tiktok, advertiser_ids=[ids[0], *(str(7_100_000_000_000_000_000 + i) for i in range(5))])
    assert too_many["code"] == 40002 and "advertiser_ids" in too_many["message"]
    other_type = error(tiktok, advertiser_ids=ids[:2], report_type="PLAYABLE_MATERIAL")
    assert other_type["code"] == 40002 and "advertiser_ids" in other_type["message"]
    assert error(tiktok, advertiser_ids=[])["code"] == 40002
    not_granted = tiktok.get(
        REPORT, token=emulator.api.create_token([ids[0]]), **{**BASE, "advertiser_ids": ids[:2]}
    )
    assert not_granted.json()["code"] == 40001 and ids[1] in not_granted.json()["message"]
    # the single-advertiser rules still apply (span limits, metrics ...)
    assert error(tiktok, advertiser_ids=ids[:2], start_date="2024-05-01")["code"] == 40002


def test_without_an_id_dimension_costs_are_dashes_and_the_rest_is_summed(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    ids = emulator.advertiser_ids
    level = {"data_level": "AUCTION_ADVERTISER", "dimensions": ["stat_time_day"]}
    got = rows(tiktok, advertiser_ids=ids, **level)
    per_day: dict[str, list[int]] = {}
    for adv in ids:
        for r in rows(
            tiktok,
            advertiser_id=adv,
            data_level="AUCTION_ADVERTISER",
            dimensions=["advertiser_id", "stat_time_day"],
        ):
            sums = per_day.setdefault(r["dimensions"]["stat_time_day"], [0, 0])
            sums[0] += int(r["metrics"]["impressions"])
            sums[1] += int(r["metrics"]["clicks"])
    assert [r["dimensions"] for r in got] == [{"stat_time_day": day} for day in sorted(per_day)]
    for r in got:
        impressions, clicks = per_day[r["dimensions"]["stat_time_day"]]
        assert r["metrics"]["spend"] == "-"
        assert (r["metrics"]["impressions"], r["metrics"]["clicks"]) == (str(impressions), str(clicks))
        assert r["metrics"]["ctr"] == f"{clicks / impressions * 100:.2f}"
        assert [r["metrics"][k] for k in ("advertiser_id", "currency", "timezone")] == ["0", "0", "0"]


def _offset_advertiser(emulator: EmulatorServer) -> str:
    for adv in emulator.advertiser_ids:
        info = emulator.world.advertiser(adv)
        assert info is not None
        if ZoneInfo(info.timezone).utcoffset(dt.datetime(2024, 6, 12)) != dt.timedelta(0):
            return adv
    raise AssertionError("the test world needs an advertiser away from UTC")


def _local_hours_in_utc(tiktok: Any, adv: str, days: list[dt.date]) -> dict[tuple[str, str], int]:
    """Campaign impressions per UTC hour, from the advertiser's own (local) hourly rows."""
    zone = ZoneInfo(tiktok.server.world.advertiser(adv).timezone)
    out: dict[tuple[str, str], int] = {}
    for day in days:
        for r in rows(tiktok, advertiser_id=adv, dimensions=["campaign_id", "stat_time_hour"],
                      start_date=day.isoformat(), end_date=day.isoformat()):  # fmt: skip
            local = dt.datetime.strptime(r["dimensions"]["stat_time_hour"], "%Y-%m-%d %H:%M:%S")
            at = local.replace(tzinfo=zone).astimezone(dt.timezone.utc)
            out[(r["dimensions"]["campaign_id"], at.strftime("%Y-%m-%d %H:00:00"))] = int(
                r["metrics"]["impressions"]
            )
    return out


def test_utc_time_moves_hours_and_resums_days(tiktok: Any, emulator: EmulatorServer) -> None:
    adv = _offset_advertiser(emulator)
    day = dt.date(2024, 6, 12)
    by_hour = _local_hours_in_utc(tiktok, adv, [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)])
    utc = {"advertiser_ids": [adv], "multi_adv_report_in_utc_time": True}
    hourly = rows(
        tiktok,
        **utc,
        dimensions=["campaign_id", "stat_time_hour"],
        start_date=day.isoformat(),
        end_date=day.isoformat(),
    )
    want = {k: v for k, v in by_hour.items() if k[1].startswith(day.isoformat())}
    assert {
        (r["dimensions"]["campaign_id"], r["dimensions"]["stat_time_hour"]): int(r["metrics"]["impressions"])
        for r in hourly
    } == want
    daily = rows(tiktok, **utc, start_date=day.isoformat(), end_date=day.isoformat())
    sums: dict[str, int] = {}
    for (campaign, _), value in want.items():
        sums[campaign] = sums.get(campaign, 0) + value
    assert {r["dimensions"]["campaign_id"]: int(r["metrics"]["impressions"]) for r in daily} == sums
    assert all(r["dimensions"]["stat_time_day"] == f"{day.isoformat()} 00:00:00" for r in daily)
    local = rows(tiktok, advertiser_ids=[adv], start_date=day.isoformat(), end_date=day.isoformat())
    assert {r["dimensions"]["campaign_id"]: int(r["metrics"]["impressions"]) for r in local} != sums


def test_at_most_max_ids_newest_created_first(
    tiktok: Any, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = emulator.advertiser_ids
    campaigns = [c for adv in ids for c in emulator.world.entities("campaign", adv)]
    live = [c for c in campaigns if "DELETE" not in str(c["secondary_status"])]
    assert len(live) > 3
    monkeypatch.setattr(multi_reports, "MAX_IDS", 3)
    newest = sorted(campaigns, key=lambda c: (str(c["create_time"]), str(c["campaign_id"])), reverse=True)[:3]
    got = {
        r["dimensions"]["campaign_id"]
        for r in rows(tiktok, advertiser_ids=ids, dimensions=["campaign_id"], start_date="2024-04-20")
    }
    assert got <= {str(c["campaign_id"]) for c in newest} and got
    # the cut answer says so in TikTok's header; an answer within the limit does not carry it
    cut = tiktok.get(REPORT, **{**BASE, "advertiser_ids": ids, "dimensions": ["campaign_id"]})
    assert cut.headers.get(multi_reports.THROTTLE_HEADER) == multi_reports.THROTTLE_TEXT
    monkeypatch.setattr(multi_reports, "MAX_IDS", len(campaigns) + 1)
    whole = tiktok.get(REPORT, **{**BASE, "advertiser_ids": ids, "dimensions": ["campaign_id"]})
    assert whole.json()["code"] == 0 and multi_reports.THROTTLE_HEADER not in whole.headers


def test_advertiser_id_without_the_level_id_sums_each_advertisers_ids(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    from decimal import Decimal

    ids = emulator.advertiser_ids[:2]
    got = rows(tiktok, advertiser_ids=ids, dimensions=["advertiser_id", "stat_time_day"])
    want: dict[tuple[str, str], Decimal] = {}
    for adv in ids:
        for r in rows(tiktok, advertiser_id=adv):  # campaign level, the default "not deleted" filter
            key = (adv, r["dimensions"]["stat_time_day"])
            want[key] = want.get(key, Decimal(0)) + Decimal(r["metrics"]["spend"])
    assert {
        (r["dimensions"]["advertiser_id"], r["dimensions"]["stat_time_day"]): Decimal(r["metrics"]["spend"])
        for r in got
    } == want
    assert all(r["metrics"]["currency"] != "0" for r in got)  # one currency per row: costs stay

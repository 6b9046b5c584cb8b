"""ReportBatches: report requests shared between advertisers (advertiser_ids), against the emulator.

The rows a batch hands each advertiser must type into exactly the rows of that advertiser's own requests
(report_pages), on the Arrow path and on the row path, for every default report table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import ArrowRows, report_decoder
from tiktok_ads.config.defaults import PREFETCH_PAGES
from tiktok_ads.emulator import EmulatorServer
from tiktok_ads.emulator.data.model import WorldConfig
from tiktok_ads.emulator.rules import multi_reports
from tiktok_ads.endpoints import report_batches as rb
from tiktok_ads.endpoints import shared_answers
from tiktok_ads.endpoints.arrow_pages import arrow_schema, report_page_table
from tiktok_ads.endpoints.batch_windows import shared_windows
from tiktok_ads.endpoints.extract import report_pages
from tiktok_ads.endpoints.report_batches import ReportBatches, not_batchable
from tiktok_ads.endpoints.transform import transform_report_rows
from tiktok_ads.errors import TikTokAPIError, TikTokAuthError, TikTokPermissionError
from tiktok_ads.tables.report_grid import ALL_TABLES
from tiktok_ads.windows import DateWindow, split_range

# 23 advertisers: the emulator's time zones cycle over 11, so Los Angeles has advertisers 0, 11, 22, Tokyo 1, 12
WORLD = WorldConfig(
    seed=7, advertisers=23, campaigns=2, adgroups=1, ads=2, days=40, today=dt.date(2024, 6, 15)
)
WINDOWS = split_range(dt.date(2024, 5, 10), dt.date(2024, 6, 14), 30)
REPORT = "/open_api/v1.3/report/integrated/get/"
TABLES = (
    "ad_insights",
    "adgroup_insights",
    "campaign_insights",
    "advertiser_insights",
    "ad_insights_by_age_and_gender",
    "ad_insights_by_country",
    "ad_insights_by_platform",
    "campaign_insights_by_province",
)


@pytest.fixture
def world(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def client_of(server: EmulatorServer, token: str | None = None) -> TikTokClient:
    return TikTokClient(
        token or server.access_token, base_url=server.base_url, max_qps=0, max_retries=2, backoff_base=0.001
    )


@pytest.fixture
def client(world: EmulatorServer) -> Iterator[TikTokClient]:
    with client_of(world) as made:
        yield made


def two_zones(server: EmulatorServer) -> dict[str, str]:
    """The advertisers of the world in Los Angeles and Tokyo: id -> time zone."""
    out: dict[str, str] = {}
    for adv in server.advertiser_ids:
        info = server.world.advertiser(adv)
        assert info is not None
        if info.timezone in ("America/Los_Angeles", "Asia/Tokyo"):
            out[adv] = info.timezone
    assert sorted(out.values()) == ["America/Los_Angeles"] * 3 + ["Asia/Tokyo"] * 2
    return out


def los_angeles(zones: dict[str, str]) -> list[str]:
    """The three advertisers in Los Angeles (one batch)."""
    return [a for a, zone in zones.items() if zone == "America/Los_Angeles"]


def zones_and_los_angeles(server: EmulatorServer) -> tuple[dict[str, str], list[str]]:
    """:func:`two_zones` of the world, and its three advertisers in Los Angeles."""
    zones = two_zones(server)
    return zones, los_angeles(zones)


def report_requests(client: TikTokClient) -> int:
    return client.stats.requests_by_path[REPORT]


def typed(spec: Any, advertiser_id: str, pages: Iterator[Any], arrow: bool) -> list[dict[str, Any]]:
    """The typed rows the source would load from these pages (Arrow path or row path)."""
    out: list[dict[str, Any]] = []
    for page in pages:
        if arrow:
            out += report_page_table(spec, advertiser_id, page, arrow_schema(spec)).to_pylist()
        else:
            out += transform_report_rows(spec, advertiser_id, page)
    return out


# ------------------------------------------------------------------------------------------- forming


def test_batches_group_advertisers_of_any_zone_with_the_same_window_by_five(client: TikTokClient) -> None:
    spec = ALL_TABLES["ad_insights"]
    w1, w2 = WINDOWS
    la = [f"la{i}" for i in range(7)]
    zones: dict[str, str | None] = {
        **dict.fromkeys(la, "America/Los_Angeles"),
        "tk": "Asia/Tokyo",
        "none": None,
    }
    plans = {**{a: [w1, w2] for a in la}, "tk": [w1, w2], "none": [w1, w2], "late": [w2]}
    zones["late"] = "America/Los_Angeles"
    batches = ReportBatches(client, spec, plans, zones, include_deleted=False, page_size=1000)
    members = {(adv, w): b.members for (adv, w), b in batches.batches.items()}
    # the first window: 5 + 3 (with Tokyo); the second: 5 + 4 (Tokyo and "late"); no zone: alone (unchecked)
    assert members[("la0", w1)] == tuple(la[:5]) and members[("tk", w1)] == ("la5", "la6", "tk")
    assert members[("la0", w2)] == tuple(la[:5]) and members[("late", w2)] == ("la5", "la6", "tk", "late")
    assert not {("none", w1), ("none", w2)} & set(members)
    assert batches.batches[("la0", w1)] is batches.batches[("la4", w1)]
    assert batches.batches[("la0", w1)] is not batches.batches[("la0", w2)]


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "rows"])
def test_an_answer_too_large_to_keep_is_read_one_advertiser_per_request(
    world: EmulatorServer, client: TikTokClient, arrow: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared answer is kept whole until its members read it: one larger than MAX_SHARED_ROWS is read
    alone instead, after its first page (memory does not grow with the advertisers' rows; issue 15)."""
    spec = ALL_TABLES["ad_insights"]
    zones, la = zones_and_los_angeles(world)
    window = WINDOWS[0]
    decode = report_decoder(spec.dimensions, spec.metrics) if arrow else None
    options: dict[str, Any] = {"include_deleted": True, "page_size": 10, "decode": decode}
    before = report_requests(client)
    alone = {adv: typed(spec, adv, report_pages(client, spec, adv, window, **options), arrow) for adv in la}
    single_requests = report_requests(client) - before
    assert sum(map(len, alone.values())) > 25
    monkeypatch.setattr(rb, "MAX_SHARED_ROWS", 25)  # more than 2 pages of 10 rows
    batches = ReportBatches(client, spec, {adv: [window] for adv in la}, zones, **options)
    before = report_requests(client)
    shared = {adv: typed(spec, adv, batches.pages(adv, window), arrow) for adv in la}
    assert shared == alone
    wasted = report_requests(client) - before - single_requests
    if arrow:
        assert wasted == 1  # the shared answer's first page announced its size
    else:  # pages orjson decodes announce nothing: the 3 pages read until the rows passed 25, and those ahead
        assert 3 <= wasted <= 3 + PREFETCH_PAGES, wasted
    assert batches.fallbacks == {"large": 1} and not any(b.pages for b in batches.batches.values())


def test_tables_tiktok_does_not_batch() -> None:
    for name in TABLES:
        assert not_batchable(ALL_TABLES[name]) is None, name
    spec = ALL_TABLES["campaign_insights"]
    assert "'-'" in str(not_batchable(dataclasses.replace(spec, dimensions=("stat_time_day",))))
    two_ids = dataclasses.replace(spec, dimensions=("campaign_id", "adgroup_id", "stat_time_day"))
    assert "one id dimension" in str(not_batchable(two_ids))
    assert "BASIC and AUDIENCE" in str(
        not_batchable(dataclasses.replace(spec, report_type="PLAYABLE_MATERIAL"))
    )
    gmv = ALL_TABLES["gmv_max_advertiser_insights"]
    assert not_batchable(gmv) is not None


# ------------------------------------------------------------------------------------------- identity


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "rows"])
def test_rows_equal_the_one_advertiser_path_for_every_report_table(
    world: EmulatorServer, client: TikTokClient, arrow: bool
) -> None:
    zones = two_zones(world)
    plans = dict.fromkeys(zones, WINDOWS)
    for name in TABLES:
        spec = ALL_TABLES[name]
        decode = report_decoder(spec.dimensions, spec.metrics) if arrow else None
        options: dict[str, Any] = {"include_deleted": True, "page_size": 1000, "decode": decode}
        before = report_requests(client)
        alone = {
            (adv, w): typed(spec, adv, report_pages(client, spec, adv, w, **options), arrow)
            for adv in zones
            for w in WINDOWS
        }
        single_requests = report_requests(client) - before
        batches = ReportBatches(client, spec, plans, zones, **options)
        before = report_requests(client)
        shared = {(adv, w): typed(spec, adv, batches.pages(adv, w), arrow) for adv in zones for w in WINDOWS}
        shared_requests = report_requests(client) - before
        # one-page windows: 2 batches (Los Angeles, Tokyo) instead of 5 advertisers; longer ones save less
        assert shared_requests == 2 * len(WINDOWS) or shared_requests < single_requests - 5, name
        assert sum(len(rows) for rows in alone.values()) > 0, name
        for key, rows in alone.items():
            assert shared[key] == rows, (name, key)
        assert not batches.fallbacks and not any(b.pages for b in batches.batches.values())


def test_advertisers_of_several_zones_share_a_request_and_keep_their_own_days(
    world: EmulatorServer, client: TikTokClient
) -> None:
    zones = two_zones(world)
    for name in ("ad_insights", "ad_insights_by_country"):
        spec = ALL_TABLES[name]
        options: dict[str, Any] = {"include_deleted": False, "page_size": 1000}
        before = report_requests(client)
        alone = {
            a: typed(spec, a, report_pages(client, spec, a, WINDOWS[0], **options), False) for a in zones
        }
        single = report_requests(client) - before
        batches = ReportBatches(client, spec, dict.fromkeys(zones, WINDOWS[:1]), zones, **options)
        # Los Angeles and Tokyo together
        assert {b.members for b in batches.batches.values()} == {tuple(zones)}
        before = report_requests(client)
        assert {a: typed(spec, a, batches.pages(a, WINDOWS[0]), False) for a in zones} == alone
        assert report_requests(client) - before <= single - 3  # one request series instead of five


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "rows"])
def test_windows_a_day_apart_share_a_request_of_their_union_and_keep_their_own_days(
    world: EmulatorServer, client: TikTokClient, arrow: bool
) -> None:
    """Zones whose today differs by a day plan windows a day apart: one request asks both windows' days, and each
    advertiser keeps exactly the rows of its own window (every row compared with its own requests)."""
    zones = two_zones(world)
    early, late = (
        DateWindow(dt.date(2024, 6, 5), dt.date(2024, 6, 13)),
        DateWindow(dt.date(2024, 6, 6), dt.date(2024, 6, 14)),
    )
    plans = {a: [early if zone == "America/Los_Angeles" else late] for a, zone in zones.items()}
    for name in TABLES:
        spec = ALL_TABLES[name]
        decode = report_decoder(spec.dimensions, spec.metrics) if arrow else None
        options: dict[str, Any] = {"include_deleted": False, "page_size": 1000, "decode": decode}
        alone = {
            a: typed(spec, a, report_pages(client, spec, a, plans[a][0], **options), arrow) for a in zones
        }
        # both windows hold rows of days the other's members must not get (06-05 and 06-14)
        days = {(a, str(row["stat_time_day"])[:10]) for a, rows in alone.items() for row in rows}
        assert {d for _, d in days} >= {"2024-06-05", "2024-06-14"}, name
        batches = ReportBatches(client, spec, plans, zones, **options)
        (batch,) = set(batches.batches.values())
        assert sorted(batch.members) == sorted(zones) and batch.window == DateWindow(early.start, late.end)
        before = report_requests(client)
        shared = {a: typed(spec, a, batches.pages(a, plans[a][0]), arrow) for a in zones}
        assert report_requests(client) - before < len(zones), name  # one request series, not five
        assert shared == alone, name
        assert not batches.fallbacks, name


def test_a_refused_request_of_widened_days_reads_those_alone_and_keeps_sharing_the_same_dates(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UNSURE whether TikTok takes days after an advertiser's today: if it refused a batch asking more days than a
    member plans, only such batches are read alone; batches of the members' very dates stay shared."""
    spec = ALL_TABLES["ad_insights"]
    zones = two_zones(world)
    early, late = (
        DateWindow(dt.date(2024, 6, 5), dt.date(2024, 6, 13)),
        DateWindow(dt.date(2024, 6, 6), dt.date(2024, 6, 14)),
    )
    plans = {a: [WINDOWS[0], early if zone == "America/Los_Angeles" else late] for a, zone in zones.items()}
    asked: list[tuple[str, str]] = []
    shared_report = client.multi_advertiser_report

    def refusing(params: Any, advertiser_ids: Any, **kwargs: Any) -> Any:
        asked.append((params["start_date"], params["end_date"]))
        if (params["start_date"], params["end_date"]) == (str(early.start), str(late.end)):
            raise TikTokAPIError("end_date: a day after today (scripted)", code=40002)
        return shared_report(params, advertiser_ids, **kwargs)

    monkeypatch.setattr(client, "multi_advertiser_report", refusing)
    options: dict[str, Any] = {"include_deleted": False, "page_size": 1000}
    batches = ReportBatches(client, spec, plans, zones, **options)
    for a in zones:  # the widened batch first: refused, read alone
        assert typed(spec, a, batches.pages(a, plans[a][1]), False) == typed(
            spec, a, report_pages(client, spec, a, plans[a][1], **options), False
        )
    assert batches.fallbacks == {"refused": 1}
    before = report_requests(client)
    assert [r for a in zones for p in batches.pages(a, WINDOWS[0]) for r in p]
    assert report_requests(client) - before == 1  # still one shared request for the same dates
    assert asked == [(str(early.start), str(late.end)), (str(WINDOWS[0].start), str(WINDOWS[0].end))]


def test_shared_windows_join_windows_within_one_span_never_one_advertiser_twice() -> None:
    d = dt.date(2024, 6, 1)

    def w(first: int, last: int) -> DateWindow:
        return DateWindow(d + dt.timedelta(days=first), d + dt.timedelta(days=last))

    plans = {"a": [w(0, 29), w(30, 31)], "b": [w(1, 30), w(31, 32)], "c": [w(30, 31)]}
    groups = shared_windows(plans, 30)
    # a(0..29) and b(1..30) would span 31 days: apart; a's second window joins c's and b's second (3 days)
    assert groups == [
        [("a", w(0, 29))],
        [("b", w(1, 30))],
        [("a", w(30, 31)), ("c", w(30, 31)), ("b", w(31, 32))],
    ]
    # an advertiser's own windows never share, however short
    assert shared_windows({"a": [w(0, 0), w(1, 1)]}, 30) == [[("a", w(0, 0))], [("a", w(1, 1))]]
    # hourly (one day): only the same day; no time dimension (0): only identical windows
    assert shared_windows({"a": [w(0, 0)], "b": [w(1, 1)]}, 1) == [[("a", w(0, 0))], [("b", w(1, 1))]]
    assert shared_windows({"a": [w(0, 5)], "b": [w(0, 6)], "c": [w(0, 5)]}, 0) == [
        [("a", w(0, 5)), ("c", w(0, 5))],
        [("b", w(0, 6))],
    ]


def test_arrow_pages_of_a_batch_are_native_and_drop_the_added_metrics(
    world: EmulatorServer, client: TikTokClient
) -> None:
    spec = ALL_TABLES["ad_insights"]
    zones = two_zones(world)
    decode = report_decoder(spec.dimensions, spec.metrics)
    batches = ReportBatches(
        client,
        spec,
        dict.fromkeys(zones, WINDOWS),
        zones,
        include_deleted=False,
        page_size=1000,
        decode=decode,
    )
    adv = next(a for a, zone in zones.items() if zone == "Asia/Tokyo")  # one with rows in the window
    pages = list(batches.pages(adv, WINDOWS[0]))
    assert pages and all(isinstance(p, ArrowRows) and not p.extra for p in pages)
    metrics = pages[0].part("metrics")
    assert metrics is not None and not {"currency", "timezone", "advertiser_id"} & set(metrics.type.names)
    assert all("currency" not in row["metrics"] for row in pages[0].raw())
    assert {row["dimensions"]["ad_id"] for row in pages[0].raw()} == {
        r["dimensions"]["ad_id"] for r in pages[0]
    }


# ------------------------------------------------------------------------------------------- concurrency


class _SignallingCondition(threading.Condition):
    """A condition that says when a thread starts waiting on it."""

    def __init__(self, waiting: threading.Event) -> None:
        super().__init__()
        self._waiting = waiting

    def wait(self, timeout: float | None = None) -> bool:
        self._waiting.set()
        return super().wait(timeout)


def test_two_members_asking_at_once_share_one_fetch(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ALL_TABLES["campaign_insights"]
    zones, la = zones_and_los_angeles(world)
    batches = ReportBatches(
        client, spec, dict.fromkeys(la, WINDOWS[:1]), zones, include_deleted=False, page_size=1000
    )
    batch = batches.batches[(la[0], WINDOWS[0])]
    second_waits, fetching = threading.Event(), threading.Event()
    batch.ready = _SignallingCondition(second_waits)
    real = client.multi_advertiser_report

    def held(*args: Any, **kwargs: Any) -> Iterator[Any]:
        fetching.set()
        assert second_waits.wait(10)  # the other member is waiting for this fetch, not fetching itself
        yield from real(*args, **kwargs)

    monkeypatch.setattr(client, "multi_advertiser_report", held)
    got: dict[str, list[Any]] = {}

    def read(adv: str) -> None:
        got[adv] = typed(spec, adv, batches.pages(adv, WINDOWS[0]), False)

    first = threading.Thread(target=read, args=(la[0],))
    first.start()
    assert fetching.wait(10)
    second = threading.Thread(target=read, args=(la[1],))
    second.start()
    first.join(10)
    second.join(10)
    assert not first.is_alive() and not second.is_alive()
    assert report_requests(client) == 1
    assert got[la[0]] and got[la[1]]
    # the third member was not asked: its rows wait for it; once read, nothing is kept
    assert set(batch.pages) == {la[2]}
    assert list(batches.pages(la[2], WINDOWS[0])) and not batch.pages and report_requests(client) == 1
    # a window asked for again is read on its own (the same typed rows: only trailing zeros differ on the wire)
    assert typed(spec, la[0], batches.pages(la[0], WINDOWS[0]), False) == got[la[0]]
    assert report_requests(client) == 2


# ------------------------------------------------------------------------------------------- fallbacks


def test_a_cut_answer_is_read_one_advertiser_per_request(
    world: EmulatorServer, client: TikTokClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = ALL_TABLES["ad_insights"]
    zones, la = zones_and_los_angeles(world)
    window = WINDOWS[1]
    options: dict[str, Any] = {"include_deleted": True, "page_size": 1000}
    alone = {a: typed(spec, a, report_pages(client, spec, a, window, **options), False) for a in la}
    ads = sum(len(world.world.entities("ad", a)) for a in la)
    monkeypatch.setattr(multi_reports, "MAX_IDS", ads - 1)  # TikTok's 20,000, made small
    before = report_requests(client)
    batches = ReportBatches(client, spec, dict.fromkeys(la, [window]), zones, **options)
    shared = {a: typed(spec, a, batches.pages(a, window), False) for a in la}
    assert shared == alone
    assert batches.fallbacks == {"ads_throttle": 1}
    assert report_requests(client) - before == 1 + len(la)
    assert client.stats.warnings["ads_throttle"] == 0  # handled, not a loss of rows


def test_a_refused_batch_is_read_alone_and_the_unreadable_advertiser_fails_alone(
    world: EmulatorServer,
) -> None:
    spec = ALL_TABLES["campaign_insights"]
    zones, la = zones_and_los_angeles(world)
    token = world.api.create_token(la[:2])  # the third is not granted: TikTok refuses the batch (40001)
    with client_of(world, token) as client:
        batches = ReportBatches(
            client, spec, dict.fromkeys(la, WINDOWS[:1]), zones, include_deleted=False, page_size=1000
        )
        assert [r for p in batches.pages(la[0], WINDOWS[0]) for r in p]
        assert [r for p in batches.pages(la[1], WINDOWS[0]) for r in p]
        with pytest.raises(TikTokPermissionError) as err:
            list(batches.pages(la[2], WINDOWS[0]))
        assert err.value.advertiser_id == la[2]
        assert batches.fallbacks == {"40001": 1}
        assert report_requests(client) == 1 + 3


def test_an_error_reading_alone_would_not_help_is_raised_to_every_member(world: EmulatorServer) -> None:
    spec = ALL_TABLES["campaign_insights"]
    zones = two_zones(world)
    with client_of(world, "not-a-token-of-this-world") as client:
        batches = ReportBatches(
            client, spec, dict.fromkeys(zones, WINDOWS[:1]), zones, include_deleted=False, page_size=1000
        )
        for adv in zones:
            with pytest.raises(TikTokAuthError) as err:
                list(batches.pages(adv, WINDOWS[0]))
            assert err.value.context["table"] == "campaign_insights"
        assert report_requests(client) == 1  # one for the batch of all five (any zone), none per advertiser


def test_a_table_tiktok_does_not_batch_is_read_alone(world: EmulatorServer, client: TikTokClient) -> None:
    spec = dataclasses.replace(ALL_TABLES["campaign_insights"], report_type="PLAYABLE_MATERIAL")
    zones = two_zones(world)
    batches = ReportBatches(
        client, spec, dict.fromkeys(zones, WINDOWS), zones, include_deleted=False, page_size=10
    )
    assert not batches.batches


def test_row_of_no_member_falls_back(world: EmulatorServer, client: TikTokClient) -> None:
    spec = ALL_TABLES["campaign_insights"]
    zones = two_zones(world)
    batches = ReportBatches(
        client, spec, dict.fromkeys(zones, WINDOWS[:1]), zones, include_deleted=False, page_size=1000
    )
    stranger = [{"dimensions": {"campaign_id": "1"}, "metrics": {"advertiser_id": "42", "spend": "1.0"}}]
    with pytest.raises(shared_answers.Inexact):
        batches._reading.answer.split(stranger, ("1", "2"))


# ------------------------------------------------------------------------------------------- guards


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "rows"])
def test_money_rounded_in_a_batched_answer_is_read_again_alone(
    world: EmulatorServer, client: TikTokClient, arrow: bool
) -> None:
    zones = two_zones(world)
    warnings: list[str] = []
    world.api.multi_report_variant = "rounded_money"  # the other reading of "no decimal point"
    for name in ("ad_insights", "advertiser_insights", "ad_insights_by_country"):
        spec = ALL_TABLES[name]
        decode = report_decoder(spec.dimensions, spec.metrics) if arrow else None
        options: dict[str, Any] = {"include_deleted": True, "page_size": 1000, "decode": decode}
        alone = {
            (a, w): typed(spec, a, report_pages(client, spec, a, w, **options), arrow)
            for a in zones
            for w in WINDOWS
        }
        batches = ReportBatches(
            client, spec, dict.fromkeys(zones, WINDOWS), zones, warn=warnings.append, **options
        )
        before = report_requests(client)
        shared = {(a, w): typed(spec, a, batches.pages(a, w), arrow) for a in zones for w in WINDOWS}
        assert shared == alone, name  # no rounded value is loaded
        assert batches.fallbacks["rounded"] == len(WINDOWS), name
        # each window: the batch, then every member with money (all of them here) alone
        assert report_requests(client) - before > len(WINDOWS) * len(zones), name
    assert warnings and all(a in " ".join(warnings) for a in zones)


def test_money_with_cents_or_in_whole_units_of_no_member_keeps_the_batch(
    world: EmulatorServer, client: TikTokClient
) -> None:
    zones = two_zones(world)
    spec = ALL_TABLES["campaign_insights"]
    warnings: list[str] = []
    options: dict[str, Any] = {"include_deleted": False, "page_size": 1000, "warn": warnings.append}
    batches = ReportBatches(client, spec, dict.fromkeys(zones, WINDOWS), zones, **options)
    for adv in zones:
        for window in WINDOWS:
            list(batches.pages(adv, window))
    # the documented answer: trailing zeros dropped ("117.1"), cents kept, so nothing is read again
    assert not batches.fallbacks and not warnings
    assert report_requests(client) == len(WINDOWS)


def test_which_members_may_have_lost_their_cents() -> None:
    def facts(currency: str, *, rows: int = 3, nonzero: bool = True, fraction: bool = False) -> Any:
        return shared_answers.MemberFacts(
            currencies={currency}, rows=rows, nonzero=nonzero, fraction=fraction
        )

    seen = {
        "cents": facts("USD", fraction=True),  # cents survived: trusted
        "whole": facts("USD"),  # whole amounts only: maybe rounded (or really whole: one more request)
        "zero_usd": facts("USD", nonzero=False),  # all zero, and the answer kept a member's cents
        "zero_eur": facts("EUR", nonzero=False),  # the same (one answer, one formatting)
        "yen": facts("JPY"),  # no currency is exempt (JPY amounts with decimals: UNSURE)
        "no_rows": facts("EUR", rows=0, nonzero=False),
    }
    assert shared_answers.possibly_rounded(seen) == ["whole", "yen"]
    # no cents anywhere in the answer: a member all zero could hide amounts under half a unit (0.30 -> 0)
    whole = {"a": facts("USD", nonzero=False), "b": facts("EUR"), "c": facts("EUR", rows=0, nonzero=False)}
    assert shared_answers.possibly_rounded(whole) == ["a", "b"]


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "rows"])
def test_rows_in_another_zone_make_the_batch_read_alone(
    world: EmulatorServer, client: TikTokClient, arrow: bool
) -> None:
    zones = two_zones(world)
    spec = ALL_TABLES["ad_insights"]
    decode = report_decoder(spec.dimensions, spec.metrics) if arrow else None
    options: dict[str, Any] = {"include_deleted": False, "page_size": 1000, "decode": decode}
    window = WINDOWS[0]
    alone = {a: typed(spec, a, report_pages(client, spec, a, window, **options), arrow) for a in zones}
    world.api.multi_report_variant = "utc_rows"  # rows shifted to UTC, as multi_adv_report_in_utc_time does
    warnings: list[str] = []
    batches = ReportBatches(
        client, spec, dict.fromkeys(zones, [window]), zones, warn=warnings.append, **options
    )
    before = report_requests(client)
    assert {a: typed(spec, a, batches.pages(a, window), arrow) for a in zones} == alone
    assert batches.fallbacks == {"bad_rows": 1}
    assert report_requests(client) - before == 1 + len(zones)
    assert len(warnings) == 1 and "time zone" in warnings[0] and all(a in warnings[0] for a in zones)


def test_rows_in_another_currency_than_advertiser_info_make_the_batch_read_alone(
    world: EmulatorServer, client: TikTokClient
) -> None:
    zones = two_zones(world)
    spec = ALL_TABLES["campaign_insights"]
    currencies: dict[str, str | None] = {a: world.world.advertiser_info(a)["currency"] for a in zones}
    first = next(iter(zones))
    currencies[first] = "XXX"
    warnings: list[str] = []
    batches = ReportBatches(
        client,
        spec,
        dict.fromkeys(zones, WINDOWS[:1]),
        zones,
        include_deleted=False,
        page_size=1000,
        currencies=currencies,
        warn=warnings.append,
    )
    for adv in zones:
        list(batches.pages(adv, WINDOWS[0]))
    assert batches.fallbacks == {"bad_rows": 1} and "currency" in warnings[0]
    assert report_requests(client) == 1 + len(zones)

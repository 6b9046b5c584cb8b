"""Right numbers over time (issue 4): the attribution window, time zones, month ends, DST, backfills.

Daily runs of the real source against the emulator, whose data restates the last 7 days as its clock moves;
after each run the report tables must equal the emulator's truth *as of that run*, value for value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from support import (
    all_advertiser_states,
    compare_reports,
    make_pipeline,
    report_differences,
    report_truth,
    rows,
    run,
)

from tiktok_ads import TABLES as ALL_TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig

Factory = Callable[..., EmulatorServer]
UTC = dt.timezone.utc

FIRST_DAY = dt.date(2026, 3, 26)
#: Ten advertisers, one per time zone of the emulator: Los Angeles, Tokyo, Etc/GMT+12 (UTC-12),
#: Pacific/Kiritimati (UTC+14), London, UTC, Sydney, Sao Paulo, Kolkata, New York.
WORLD = WorldConfig(seed=31, advertisers=10, campaigns=1, adgroups=1, ads=2, days=20, today=FIRST_DAY)
START = FIRST_DAY - dt.timedelta(days=20)
TABLES = ["ad_insights", "ad_insights_by_platform"]
SPEC = ALL_TABLES["ad_insights"]

#: One run per emulated day for ten days, at hours chosen to sit on the edges: London's switch to BST
#: (2026-03-29 01:00 UTC), the month end in UTC-12 .. UTC+14, and Sydney's end of DST (2026-04-05 03:00 local).
RUNS = [
    dt.datetime(2026, 3, 27, 12, 0, tzinfo=UTC),
    dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # London 23:30 GMT, Kiritimati already 03-29
    dt.datetime(2026, 3, 29, 23, 30, tzinfo=UTC),  # London 03-30 00:30 BST (still 03-29 in GMT)
    dt.datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
    dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC),  # April in London, Tokyo, Sydney; March in the Americas
    dt.datetime(2026, 4, 1, 11, 30, tzinfo=UTC),  # UTC-12 still on 03-31, Kiritimati on 04-02
    dt.datetime(2026, 4, 2, 12, 0, tzinfo=UTC),
    dt.datetime(2026, 4, 3, 10, 15, tzinfo=UTC),
    dt.datetime(2026, 4, 4, 15, 30, tzinfo=UTC),  # Sydney 04-05 02:30 AEDT, half an hour before DST ends
    dt.datetime(2026, 4, 5, 13, 30, tzinfo=UTC),  # Sydney 04-05 23:30 AEST (04-06 if DST were kept)
]

EDGE_RUNS = {RUNS[2], RUNS[4], RUNS[-1]}


def test_daily_runs_equal_the_truth_in_every_time_zone_across_month_end_and_dst(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    """Attribution window + time zones: after every daily run, both report tables equal the truth of that moment.

    Each run re-reads the attribution window (late conversions are restated by the emulator for 7 days) up to
    each advertiser's own local today, so no day is missing, doubled or stale - whatever the advertiser's
    offset (UTC-12 .. UTC+14), across a month end and two DST changes.
    """
    server = emulator_factory(WORLD)
    zones = {a.advertiser_id: a.timezone for a in server.world.advertisers}
    assert {"Etc/GMT+12", "Pacific/Kiritimati", "Europe/London", "Australia/Sydney"} <= set(zones.values())
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=TABLES, include_deleted=True)
    assert compare_reports(pipeline, server, TABLES, start_date=START, include_deleted=True) == []

    for when in RUNS:
        server.world.set_now(when)
        summary = run(pipeline, server, start_date=START, tables=TABLES, include_deleted=True)
        state = all_advertiser_states(pipeline)
        for adv in server.advertiser_ids:
            today = server.world.local_today(adv)
            read = summary.ranges[("ad_insights", adv)]
            # the window ends on the advertiser's own today and starts 7 days before the last run's today
            assert read.endswith(f"..{today.isoformat()}"), (when, zones[adv], read)
            assert state["ad_insights"][adv]["last_day"] == today.isoformat()
        # every run: the ads' daily rows; at the edges (and at the end) the audience table too
        compared = TABLES if when in EDGE_RUNS else TABLES[:1]
        diffs = compare_reports(pipeline, server, compared, start_date=START, include_deleted=True)
        assert diffs == [], (when, diffs)

    # the last days loaded are each advertiser's local today: UTC-12 a day behind UTC+14, Sydney after DST
    by_zone = {tz: adv for adv, tz in zones.items()}
    last = {
        tz: max(r["stat_time_day"] for r in rows(pipeline, "ad_insights", f"advertiser_id = '{by_zone[tz]}'"))
        for tz in ("Etc/GMT+12", "Pacific/Kiritimati", "Australia/Sydney")
    }
    assert last == {
        "Etc/GMT+12": dt.date(2026, 4, 5),
        "Pacific/Kiritimati": dt.date(2026, 4, 6),
        "Australia/Sydney": dt.date(2026, 4, 5),
    }


def test_without_the_window_days_go_stale_and_a_backfill_reloads_them_leaving_state_alone(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    """The control of the test above: with ``attribution_window_days = 0`` daily runs leave restated days
    stale, so the comparison above can fail (removing the window from the source makes it fail, too).

    Then the backfill: ``end_date`` reloads ``start_date..end_date`` (here: some of those stale days), leaves
    the other days as they were, and neither moves nor resets any advertiser's incremental state.
    """
    world = WorldConfig(seed=32, advertisers=2, campaigns=1, adgroups=1, ads=2, days=20, today=FIRST_DAY)
    server = emulator_factory(world)
    pipeline = make_pipeline(tmp_path)
    settings = {"tables": ["ad_insights"], "include_deleted": True, "attribution_window_days": 0}
    run(pipeline, server, start_date=START, **settings)
    server.world.set_today(FIRST_DAY + dt.timedelta(days=4))
    run(pipeline, server, start_date=START, **settings)
    stale = compare_reports(pipeline, server, ["ad_insights"], start_date=START, include_deleted=True)
    assert stale, "without the window, restated days should be stale"
    # only late-attributed metrics differ (no row missing or extra): the days were loaded, then went stale
    assert all(" missing " not in d and " extra " not in d for d in stale), stale
    assert any(" conversion = " in d or " real_time_conversion = " in d for d in stale), stale
    state = all_advertiser_states(pipeline)

    # backfill three of the six stale days (FIRST_DAY-6 .. FIRST_DAY-1, restated after the first run read them)
    first, last = FIRST_DAY - dt.timedelta(days=3), FIRST_DAY - dt.timedelta(days=1)
    summary = run(pipeline, server, start_date=first, end_date=last.isoformat(), **settings)
    assert all_advertiser_states(pipeline) == state, "a backfill must not touch incremental state"
    for adv in server.advertiser_ids:
        assert summary.ranges[("ad_insights", adv)] == f"{first.isoformat()}..{last.isoformat()}"

    def diffs_between(lo: dt.date, hi: dt.date) -> list[str]:
        got = rows(pipeline, "ad_insights", f"stat_time_day BETWEEN '{lo}' AND '{hi}'")
        want = report_truth(server, SPEC, start_date=lo, end_date=hi, include_deleted=True)
        return report_differences(got, want, SPEC)

    assert diffs_between(first, last) == []  # the backfilled days are right now
    assert diffs_between(FIRST_DAY - dt.timedelta(days=6), first - dt.timedelta(days=1)), "others untouched"
    assert diffs_between(FIRST_DAY, FIRST_DAY + dt.timedelta(days=4)) == []

"""Date windows (tiktok_ads.windows): property tests for slicing and the per-advertiser read range."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiktok_ads.limits import MAX_REPORT_WINDOW_DAYS
from tiktok_ads.windows import DateWindow, latest_today, local_today, report_range, split_range

DAY = dt.timedelta(days=1)
dates = st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2040, 12, 31))


def days_of(window: DateWindow) -> list[dt.date]:
    return [window.start + i * DAY for i in range(window.days)]


@settings(max_examples=500)
@given(
    start=dates,
    length=st.integers(min_value=0, max_value=800),
    max_days=st.integers(min_value=1, max_value=45),
)
def test_windows_cover_the_range_exactly_without_overlap(start: dt.date, length: int, max_days: int) -> None:
    end = start + dt.timedelta(days=length - 1) if length else start - DAY
    windows = split_range(start, end, max_days)
    covered = [d for w in windows for d in days_of(w)]
    expected = [start + i * DAY for i in range(length)]
    assert covered == expected  # exact cover, in order, no day twice
    assert all(1 <= w.days <= max_days for w in windows)
    assert all(w.days == max_days for w in windows[:-1])  # the fewest requests
    for a, b in zip(windows, windows[1:], strict=False):
        assert b.start == a.end + DAY


@given(start=dates, length=st.integers(min_value=1, max_value=400))
def test_default_windows_never_exceed_the_api_span(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length - 1)
    windows = split_range(start, end)
    assert all(w.days <= MAX_REPORT_WINDOW_DAYS == 30 for w in windows)
    assert len(windows) == -(-length // 30)


def test_thirty_inclusive_days_is_one_window() -> None:
    assert split_range(dt.date(2024, 9, 1), dt.date(2024, 9, 30)) == [
        DateWindow(dt.date(2024, 9, 1), dt.date(2024, 9, 30))
    ]
    assert len(split_range(dt.date(2024, 9, 1), dt.date(2024, 10, 1))) == 2


@given(start=dates, length=st.integers(min_value=2, max_value=30))
def test_halves_cover_the_window(start: dt.date, length: int) -> None:
    window = DateWindow(start, start + dt.timedelta(days=length - 1))
    first, second = window.halves()
    assert days_of(first) + days_of(second) == days_of(window)
    assert first.days >= 1 and second.days >= 1


def test_one_day_window_cannot_be_halved() -> None:
    with pytest.raises(ValueError):
        DateWindow(dt.date(2024, 1, 1), dt.date(2024, 1, 1)).halves()
    with pytest.raises(ValueError):
        DateWindow(dt.date(2024, 1, 2), dt.date(2024, 1, 1))


@settings(max_examples=300)
@given(
    start=dates,
    today_offset=st.integers(min_value=-5, max_value=400),
    last_offset=st.one_of(st.none(), st.integers(min_value=-10, max_value=420)),
    window_days=st.integers(min_value=0, max_value=60),
)
def test_report_range_properties(
    start: dt.date, today_offset: int, last_offset: int | None, window_days: int
) -> None:
    today = start + dt.timedelta(days=today_offset)
    last_day = None if last_offset is None else start + dt.timedelta(days=last_offset)
    rng = report_range(start_date=start, today=today, last_day=last_day, attribution_window_days=window_days)
    if today < start:
        assert rng is None
        return
    assert rng is not None
    assert rng.end == today  # always up to the advertiser's today
    assert rng.start >= start  # never before start_date
    if last_day is None:
        assert rng.start == start  # a new advertiser loads its whole history
    else:
        # the previous run's last day and the attribution window before it are always re-read
        assert rng.start <= max(start, min(last_day, today) - dt.timedelta(days=window_days))
        assert rng.start == max(start, min(last_day, today) - dt.timedelta(days=window_days))


def test_report_range_examples() -> None:
    start, today = dt.date(2024, 1, 1), dt.date(2024, 5, 12)
    assert report_range(start_date=start, today=today) == DateWindow(start, today)
    rng = report_range(
        start_date=start, today=today, last_day=dt.date(2024, 5, 10), attribution_window_days=7
    )
    assert rng == DateWindow(dt.date(2024, 5, 3), today)
    rng = report_range(
        start_date=start, today=today, last_day=dt.date(2024, 5, 12), attribution_window_days=0
    )
    assert rng == DateWindow(today, today)  # today was partial last time: read it again
    # backfill ignores state and never reads past today
    rng = report_range(start_date=start, today=today, last_day=today, end_date=dt.date(2024, 12, 31))
    assert rng == DateWindow(start, today)
    assert report_range(start_date=start, today=today, end_date=dt.date(2024, 1, 31)) == DateWindow(
        start, dt.date(2024, 1, 31)
    )
    with pytest.raises(ValueError):
        report_range(start_date=start, today=today, attribution_window_days=-1)


@pytest.mark.parametrize(
    ("tz", "now", "expected"),
    [
        ("Etc/GMT+12", "2024-03-01T11:59:00+00:00", "2024-02-29"),  # UTC-12: still yesterday
        ("Etc/GMT+12", "2024-03-01T12:00:00+00:00", "2024-03-01"),
        ("Pacific/Kiritimati", "2024-02-29T10:00:00+00:00", "2024-03-01"),  # UTC+14: already tomorrow
        ("America/Los_Angeles", "2024-03-10T07:59:00+00:00", "2024-03-09"),  # DST day, before midnight local
        ("America/Los_Angeles", "2024-03-10T08:00:00+00:00", "2024-03-10"),
        ("Asia/Kolkata", "2024-12-31T18:29:00+00:00", "2024-12-31"),
        ("Asia/Kolkata", "2024-12-31T18:30:00+00:00", "2025-01-01"),
        ("UTC", "2024-01-01T00:00:00+00:00", "2024-01-01"),
    ],
)
def test_local_today(tz: str, now: str, expected: str) -> None:
    assert local_today(tz, dt.datetime.fromisoformat(now)) == dt.date.fromisoformat(expected)


def test_unknown_time_zone_uses_the_latest_day() -> None:
    now = dt.datetime(2024, 3, 1, 11, 0, tzinfo=dt.timezone.utc)
    assert local_today("Mars/Olympus_Mons", now) == dt.date(2024, 3, 2)
    assert local_today(None, now) == latest_today(now) == dt.date(2024, 3, 2)
    with pytest.raises(ValueError):
        local_today("UTC", dt.datetime(2024, 3, 1))


@given(
    instant=st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2035, 1, 1)),
    tz=st.sampled_from(
        ["Etc/GMT+12", "Etc/GMT-14", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC"]
    ),
)
def test_local_today_is_never_after_the_latest_day(instant: dt.datetime, tz: str) -> None:
    now = instant.replace(tzinfo=dt.timezone.utc)
    local = local_today(tz, now)
    assert local <= latest_today(now)
    assert local >= (now - dt.timedelta(hours=12)).date()

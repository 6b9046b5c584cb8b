"""Date windows for report requests, in the advertiser's time zone (pure functions, property-tested).

TikTok reports days in each advertiser's own time zone (``advertiser/info/`` ``timezone``), and a
``stat_time_day`` request may span at most 30 days, both ends inclusive. This module decides which days
a run reads for one advertiser and cuts them into request windows.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tiktok_ads.limits import MAX_REPORT_WINDOW_DAYS

logger = logging.getLogger("tiktok_ads")

_LATEST_UTC_OFFSET = dt.timedelta(hours=14)
"""The easternmost time zone (Pacific/Kiritimati) is UTC+14: no advertiser's today is later than that."""


@dataclass(frozen=True, order=True)
class DateWindow:
    """An inclusive range of days ``start..end`` (``start <= end``).

    Attributes:
        start: first day.
        end: last day (inclusive).
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window end {self.end} is before its start {self.start}")

    @property
    def days(self) -> int:
        """Number of days in the window (at least 1)."""
        return (self.end - self.start).days + 1

    def halves(self) -> tuple[DateWindow, DateWindow]:
        """Split into two non-empty halves (for a 40067 "query too large" answer).

        Returns:
            ``(first, second)`` covering exactly this window.

        Raises:
            ValueError: a one-day window cannot be split.
        """
        if self.days < 2:
            raise ValueError(f"cannot split one-day window {self}")
        first_end = self.start + dt.timedelta(days=self.days // 2 - 1)
        return DateWindow(self.start, first_end), DateWindow(first_end + dt.timedelta(days=1), self.end)

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def span_params(window: DateWindow, *, lifetime: bool) -> dict[str, Any]:
    """The time span of a report request: ``query_lifetime`` (TikTok then ignores dates), or the window's
    inclusive ``start_date`` and ``end_date``."""
    if lifetime:
        return {"query_lifetime": True}
    return {"start_date": window.start.isoformat(), "end_date": window.end.isoformat()}


def split_range(
    start: dt.date, end: dt.date, max_days: int | None = MAX_REPORT_WINDOW_DAYS
) -> list[DateWindow]:
    """Cut ``start..end`` (inclusive) into consecutive windows of at most ``max_days`` days.

    Windows cover the range exactly, never overlap, are in order, and all but the last have exactly
    ``max_days`` days (the fewest requests).

    Args:
        start: first day.
        end: last day (inclusive); an empty list if before ``start``.
        max_days: longest window (TikTok: 30 with ``stat_time_day``, 1 with ``stat_time_hour``); None: the
            whole range is one window (lifetime reports, whose requests carry no dates).

    Returns:
        The windows, oldest first.
    """
    if max_days is None:
        return [DateWindow(start, end)] if start <= end else []
    if max_days < 1:
        raise ValueError(f"max_days must be at least 1, got {max_days}")
    windows: list[DateWindow] = []
    cursor = start
    step = dt.timedelta(days=max_days - 1)
    while cursor <= end:
        window_end = min(end, cursor + step)
        windows.append(DateWindow(cursor, window_end))
        cursor = window_end + dt.timedelta(days=1)
    return windows


def zone(tz_name: str | None) -> dt.tzinfo | None:
    """The ``tzinfo`` of an advertiser's ``timezone`` field, or None if unknown.

    Args:
        tz_name: IANA/``Etc`` name as TikTok sends it (``"Etc/GMT+8"``, ``"America/Los_Angeles"``).

    Returns:
        The zone, or None for a missing or unknown name.
    """
    if not tz_name:
        return None
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_today(tz_name: str | None, now: dt.datetime | None = None) -> dt.date:
    """The advertiser's current day.

    An unknown time zone falls back to the latest day on Earth (UTC+14): reading a day that has not
    started yet costs nothing (it has no rows), missing a day that has would lose data.

    Args:
        tz_name: the advertiser's ``timezone``.
        now: the current instant (aware); default: the real clock.

    Returns:
        Today in that time zone.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    tz = zone(tz_name)
    if tz is None:
        if tz_name:
            logger.warning("tiktok_ads: unknown advertiser time zone %r; using UTC+14 for 'today'", tz_name)
        return (now.astimezone(dt.timezone.utc) + _LATEST_UTC_OFFSET).date()
    return now.astimezone(tz).date()


def latest_today(now: dt.datetime | None = None) -> dt.date:
    """The latest current day anywhere (UTC+14), used to reject start dates in the future.

    Args:
        now: the current instant (aware); default: the real clock.

    Returns:
        Today in UTC+14.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    return (now.astimezone(dt.timezone.utc) + _LATEST_UTC_OFFSET).date()


def report_range(
    *,
    start_date: dt.date,
    today: dt.date,
    last_day: dt.date | None = None,
    attribution_window_days: int = 0,
    end_date: dt.date | None = None,
) -> DateWindow | None:
    """The days one run reads for one advertiser and one report table.

    - Backfill (``end_date`` set): ``start_date..min(end_date, today)``; state is not consulted.
    - First run for the advertiser (``last_day`` None): ``start_date..today``.
    - Later runs: ``max(start_date, last_day - attribution_window_days)..today``. ``last_day`` is the
      last day the previous run read (its "today", possibly incomplete then), so it is always re-read.

    Args:
        start_date: earliest day to load (``sources.tiktok_ads.start_date``).
        today: the advertiser's current day (:func:`local_today`).
        last_day: the last day read by the previous run, from state.
        attribution_window_days: days before ``last_day`` re-read for late conversions.
        end_date: backfill end (inclusive).

    Returns:
        The inclusive range, or None if there is nothing to read (e.g. ``start_date`` after today).
    """
    if attribution_window_days < 0:
        raise ValueError("attribution_window_days must not be negative")
    if end_date is not None:
        first, last = start_date, min(end_date, today)
    elif last_day is None:
        first, last = start_date, today
    else:
        first = max(start_date, min(last_day, today) - dt.timedelta(days=attribution_window_days))
        last = today
    if last < first:
        return None
    return DateWindow(first, last)

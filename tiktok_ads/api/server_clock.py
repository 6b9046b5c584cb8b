"""TikTok's clock, as its answers tell it: the ``Date`` header.

A run's "today" (per advertiser time zone, :func:`tiktok_ads.windows.local_today`) must be TikTok's, not the
machine's: a machine whose clock is off by a few hours would otherwise ask for a day TikTok has not started,
or stop a day short. Every HTTP answer carries a ``Date`` header (RFC 9110 section 6.6.1: an origin server with
a clock must send it), so :class:`ServerClock` keeps the latest one seen, with the monotonic instant it arrived,
and answers "now" as that date plus the time elapsed since. The first request of a run (``advertiser/info/``,
which the source needs for the advertisers' time zones) comes before any report window is planned, so the
clock is known by then. Without any ``Date`` (a proxy stripping it, a fake server), :func:`tiktok_now` falls
back to the machine's clock and says so once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

__all__ = ["ServerClock", "parse_http_date", "tiktok_now"]

logger = logging.getLogger("tiktok_ads")


def parse_http_date(value: str | None) -> dt.datetime | None:
    """An HTTP ``Date`` header as an aware UTC datetime, or None when missing or malformed.

    Args:
        value: the header value, e.g. ``"Sat, 15 Jun 2024 12:00:00 GMT"``.

    Returns:
        The instant, or None.
    """
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000" or an obsolete zone: RFC 9110 dates are GMT
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed.astimezone(dt.timezone.utc)


class ServerClock:
    """The server's clock from the ``Date`` headers of its answers (thread-safe).

    Args:
        monotonic: the monotonic clock used to advance the last seen date (injectable for tests).
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._seen: tuple[dt.datetime, float] | None = None

    def observe(self, header: str | None) -> None:
        """Record the ``Date`` header of an answer just received (ignored when missing or malformed).

        Args:
            header: the header value.
        """
        when = parse_http_date(header)
        if when is None:
            return
        with self._lock:
            self._seen = (when, self._monotonic())

    def now(self) -> dt.datetime | None:
        """The server's current instant (the last ``Date`` plus the time elapsed since), or None if unknown.

        Returns:
            An aware UTC datetime, or None before any answer with a ``Date``.
        """
        with self._lock:
            seen = self._seen
        if seen is None:
            return None
        when, at = seen
        return when + dt.timedelta(seconds=max(0.0, self._monotonic() - at))


def tiktok_now(server_clock: ServerClock | None) -> Callable[[], dt.datetime]:
    """A clock returning TikTok's now, or the machine's (with one warning) while TikTok's is unknown.

    Args:
        server_clock: the client's :class:`ServerClock` (None: the machine's clock, with the warning).

    Returns:
        A function returning the current instant (aware, UTC).
    """
    warned = threading.Event()

    def now() -> dt.datetime:
        """TikTok's current instant, or the machine's when no answer carried a ``Date``."""
        seen = server_clock.now() if server_clock is not None else None
        if seen is not None:
            return seen
        if not warned.is_set():
            warned.set()
            logger.warning(
                "tiktok_ads: no Date header in TikTok's answers; taking 'today' from this machine's clock"
            )
        return dt.datetime.now(dt.timezone.utc)

    return now

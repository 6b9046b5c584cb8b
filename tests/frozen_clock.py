"""A clock that stands still until a test moves it, for rate limiters (the emulator's and the client's).

A burst is then "at once" and a refill takes exactly the time the test lets pass, however slowly the machine
runs; a client limiter given ``sleep=clock.advance`` waits in this virtual time, so its pacing is exact too.
"""

from __future__ import annotations

import functools

import pytest

from tiktok_ads.emulator.transport import server as server_module
from tiktok_ads.emulator.transport.rate_limit import RateLimiter


class FrozenClock:
    """A monotonic clock in seconds that only :meth:`advance` moves (thread-safe enough: floats, one writer)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass (usable as a limiter's ``sleep``)."""
        self.now += max(0.0, seconds)


def freeze_emulator_limits(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Make emulators started (and limits set) from now on count their rate budgets on a new FrozenClock."""
    clock = FrozenClock()
    monkeypatch.setattr(server_module, "RateLimiter", functools.partial(RateLimiter, clock=clock))
    return clock

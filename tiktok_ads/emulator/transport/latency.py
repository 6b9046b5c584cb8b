"""How long the emulated TikTok takes to answer: a base delay per answer plus a part per list row.

The emulator computes a 1,000-row report page in a few milliseconds; TikTok does not. A client tuned against
an instant server (request pacing, threads, prefetch) behaves differently against the real one: a
sequential client there cannot exceed ``1 / latency`` requests per second, so it never meets the
20-per-second per-advertiser limit (40133) that it meets against an instant emulator.

UNSURE: TikTok publishes no latency figures for ``report/integrated/get/``. What is public is indirect:
synchronous reports can take long enough to time out (TikTok's "Best practices to reduce timeouts in
synchronous reports", Doc ID 1738864817670145, and its timeout-based throttling, see
``shared/reference/tiktok_business_api_v1_3.md`` section 3), and connectors set long request timeouts
(Airbyte's ``request_timeout`` 300 s, Singer's 300 s). :data:`TYPICAL` is therefore a plausible order of
magnitude (half a second per answer, a second more per 1,000 rows), used by the benchmarks that measure wall
time; tests keep the emulator instant (:data:`NONE`, the default).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Latency", "NONE", "TYPICAL"]


@dataclass(frozen=True)
class Latency:
    """A latency model: ``base`` seconds per answer plus ``per_row`` seconds per list row it carries.

    Raises:
        ValueError: a negative or non-finite part.
    """

    base: float = 0.0
    per_row: float = 0.0

    def __post_init__(self) -> None:
        for name in ("base", "per_row"):
            value = getattr(self, name)
            if not (0.0 <= value < float("inf")):
                raise ValueError(f"latency {name} must be a finite number of seconds >= 0, got {value!r}")

    @property
    def enabled(self) -> bool:
        """Whether answers are delayed at all."""
        return self.base > 0 or self.per_row > 0

    def delay(self, rows: int) -> float:
        """Seconds an answer carrying ``rows`` list rows takes.

        Args:
            rows: rows in ``data.list`` (0 for answers without a list).

        Returns:
            The delay in seconds.
        """
        return self.base + self.per_row * max(0, rows)


NONE = Latency()
"""No delay: the emulator answers as fast as it computes (the default, for tests)."""

TYPICAL = Latency(base=0.5, per_row=0.001)
"""A plausible TikTok (UNSURE, see the module docstring): 0.5 s per answer + 1 ms per row."""

"""Rate limits of the emulated TikTok Business API.

Two budgets, as TikTok documents them:

* an **app-level** budget (default 10 QPS and 600 QPM for the "Basic" tier), shared by every request made with
  the app's tokens; breaching it answers code 40100;
* a **per-advertiser, per-path** budget (default 20 QPS), answered with code 40133;
* optional **per-path app budgets** (``report/task/create/``: 1 QPS per app, "Create an asynchronous report
  task", Doc ID 1740302766489602), answered like the app budget with 40100 (UNSURE: the code is not
  documented; it is the app's limit, so the app's code).

Both are token buckets: a bucket of ``capacity = limit`` tokens refilled at ``limit`` tokens per second (per
minute for QPM). A request takes one token from every bucket that applies; a refused request takes none, so a
client that backs off recovers within a second. UNSURE: TikTok does not say whether it uses fixed windows,
sliding windows or buckets; a bucket is the most lenient plausible choice and what most gateways implement,
so a client that paces itself with its own bucket of the same size is never refused.

A limit of ``0`` or ``None`` means unlimited.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["APP_LIMIT_MESSAGE", "ADVERTISER_LIMIT_MESSAGE", "RateLimiter", "Stats", "TokenBucket"]

APP_LIMIT_MESSAGE = "Due to too many requests, requests from App [{app_id}] are temporarily restricted."
ADVERTISER_LIMIT_MESSAGE = (
    "Advertiser ({advertiser_id})'s QPS ({qps}) reaches QPS limit {limit} for current path, "
    "request is temporarily restricted."
)


class TokenBucket:
    """A token bucket: ``capacity`` tokens, refilled continuously at ``rate`` tokens per second.

    Not thread-safe on its own; :class:`RateLimiter` serialises access with its lock.
    """

    __slots__ = ("capacity", "rate", "tokens", "stamp")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = now

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last call (never above ``capacity``)."""
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def has_token(self, now: float) -> bool:
        """Whether one token is available at ``now`` (after refilling)."""
        self.refill(now)
        return self.tokens >= 1.0

    def take(self) -> None:
        """Consume one token (call :meth:`has_token` first)."""
        self.tokens -= 1.0


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the TikTok code and message to answer with."""

    code: int
    message: str


def _enabled(limit: float | None) -> bool:
    return bool(limit) and limit is not None and limit > 0


class RateLimiter:
    """App-level QPS/QPM and per-advertiser-per-path QPS budgets.

    Args:
        app_id: the app whose budget this is (quoted in the 40100 message).
        qps: app-level requests per second (0/None = unlimited).
        qpm: app-level requests per minute (0/None = unlimited).
        advertiser_qps: per (advertiser, path) requests per second (0/None = unlimited).
        path_qps: app-level requests per second of single paths, on top of ``qps`` (e.g.
            ``{"report/task/create/": 1}``).
        clock: monotonic clock in seconds (injectable for tests of the limiter itself).
    """

    def __init__(
        self,
        app_id: str,
        *,
        qps: float | None = 10,
        qpm: float | None = 600,
        advertiser_qps: float | None = 20,
        path_qps: Mapping[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app_id = app_id
        self.qps = qps if _enabled(qps) else None
        self.qpm = qpm if _enabled(qpm) else None
        self.advertiser_qps = advertiser_qps if _enabled(advertiser_qps) else None
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._app_buckets: list[TokenBucket] = []
        if self.qps is not None:
            self._app_buckets.append(TokenBucket(self.qps, self.qps, now))
        if self.qpm is not None:
            self._app_buckets.append(TokenBucket(self.qpm, self.qpm / 60.0, now))
        self._path_buckets = {
            path: TokenBucket(limit, limit, now)
            for path, limit in (path_qps or {}).items()
            if _enabled(limit)
        }
        self._adv_buckets: dict[tuple[str, str], TokenBucket] = {}
        # arrival times of the last second per (advertiser, path): the "QPS (n)" quoted in 40133 messages
        self._adv_arrivals: dict[tuple[str, str], deque[float]] = {}

    @property
    def enabled(self) -> bool:
        """Whether any budget is configured."""
        return bool(self._app_buckets) or bool(self._path_buckets) or self.advertiser_qps is not None

    def check(self, path: str, advertiser_id: str | None) -> Refusal | None:
        """Account for one request; return a :class:`Refusal` if a budget is exhausted, else ``None``.

        The app budget is checked first (it is the gateway's); the advertiser budget applies only to
        requests naming an ``advertiser_id``. A refused request consumes no token.
        """
        if not self.enabled:
            return None
        with self._lock:
            now = self._clock()
            path_bucket = self._path_buckets.get(path)
            for bucket in (*self._app_buckets, *((path_bucket,) if path_bucket is not None else ())):
                if not bucket.has_token(now):
                    return Refusal(40100, APP_LIMIT_MESSAGE.format(app_id=self.app_id))
            adv_bucket: TokenBucket | None = None
            if self.advertiser_qps is not None and advertiser_id:
                key = (advertiser_id, path)
                arrivals = self._adv_arrivals.get(key)
                if arrivals is None:
                    arrivals = self._adv_arrivals[key] = deque()
                arrivals.append(now)
                while arrivals and arrivals[0] <= now - 1.0:
                    arrivals.popleft()
                adv_bucket = self._adv_buckets.get(key)
                if adv_bucket is None:
                    adv_bucket = self._adv_buckets[key] = TokenBucket(
                        self.advertiser_qps, self.advertiser_qps, now
                    )
                if not adv_bucket.has_token(now):
                    limit = self.advertiser_qps
                    shown = int(limit) if float(limit).is_integer() else limit
                    return Refusal(
                        40133,
                        ADVERTISER_LIMIT_MESSAGE.format(
                            advertiser_id=advertiser_id, qps=len(arrivals), limit=shown
                        ),
                    )
            for bucket in self._app_buckets:
                bucket.take()
            if path_bucket is not None:
                path_bucket.take()
            if adv_bucket is not None:
                adv_bucket.take()
            return None


class Stats:
    """Thread-safe counters of what the emulator served, for tests and benchmarks.

    ``requests`` counts requests per route (e.g. ``"report/integrated/get/"``), ``codes`` counts API codes
    answered (0 included), ``faults`` counts injected faults per kind, ``rows`` counts report/entity rows
    served, ``not_found`` counts 404 answers and ``connections`` the TCP connections accepted.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.codes: Counter[int] = Counter()
        self.faults: Counter[str] = Counter()
        self.rows = 0
        self.not_found = 0
        self.connections = 0

    def count_connection(self) -> None:
        """Count one accepted TCP connection."""
        with self._lock:
            self.connections += 1

    def count_request(self, route: str) -> None:
        """Count one request to ``route``."""
        with self._lock:
            self.requests[route] += 1

    def count_code(self, code: int, rows: int = 0) -> None:
        """Count one answer with API ``code`` carrying ``rows`` list rows."""
        with self._lock:
            self.codes[code] += 1
            self.rows += rows

    def count_fault(self, kind: str) -> None:
        """Count one injected fault of ``kind``."""
        with self._lock:
            self.faults[kind] += 1

    def count_not_found(self) -> None:
        """Count one 404 answer."""
        with self._lock:
            self.not_found += 1

    @property
    def rate_limited_app(self) -> int:
        """Requests answered 40100 (app-level limit)."""
        return self.codes[40100]

    @property
    def rate_limited_advertiser(self) -> int:
        """Requests answered 40133 (advertiser-per-path limit)."""
        return self.codes[40133]

    @property
    def total_requests(self) -> int:
        """All requests to known routes."""
        return sum(self.requests.values())

    def snapshot(self) -> dict[str, object]:
        """A JSON-able copy of every counter."""
        with self._lock:
            return {
                "requests": dict(self.requests),
                "total_requests": sum(self.requests.values()),
                "codes": {str(k): v for k, v in self.codes.items()},
                "rate_limited_app": self.codes[40100],
                "rate_limited_advertiser": self.codes[40133],
                "faults": dict(self.faults),
                "rows": self.rows,
                "not_found": self.not_found,
                "connections": self.connections,
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self.requests.clear()
            self.codes.clear()
            self.faults.clear()
            self.rows = 0
            self.not_found = 0
            self.connections = 0

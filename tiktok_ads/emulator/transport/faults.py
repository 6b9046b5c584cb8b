"""Fault injection: the ways TikTok (and the network in front of it) fails.

Kinds (the strings accepted everywhere a fault is named):

========== ===========================================================================================
``50000``  HTTP 200, envelope code 50000 "System error."
``50002``  HTTP 200, envelope code 50002 (error while processing the request on TikTok's side)
``51305``  HTTP 200, envelope code 51305 (satellite service error)
``60001``  HTTP 200, envelope code 60001 (system in maintenance)
``http500``  HTTP 500 with a plain-text body
``http502``  HTTP 502 with an nginx-style HTML body
``http504``  HTTP 504 with an nginx-style HTML body
``reset``  the connection is closed (RST) without any response
``truncated``  HTTP 200, ``Content-Length`` of the full answer but only the start of the JSON is sent
``slow``   the answer is delayed by ``slow_seconds`` and then served normally
========== ===========================================================================================

Random faults hit a seeded fraction (``rate``) of requests; scripted faults hit exactly the n-th request to a
path (``script(path, nth=3, fault="50002")``). A fault never consumes anything: the request is not processed
(except ``slow``/``truncated``, which answer a side-effect-free request), so a retry gets the right answer.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ENVELOPE_FAULTS",
    "FAULT_KINDS",
    "HTTP_FAULTS",
    "FaultInjector",
    "ScriptedFault",
    "envelope_message",
    "http_fault_body",
]

ENVELOPE_FAULTS: dict[str, tuple[int, str]] = {
    "50000": (50000, "System error."),
    "50002": (50002, "Error occurred while processing the request, please try again later."),
    "51305": (51305, "Satellite service error, please try again later."),
    "60001": (60001, "The system is under maintenance, please try again later."),
}
HTTP_FAULTS: dict[str, int] = {"http500": 500, "http502": 502, "http504": 504}
FAULT_KINDS: tuple[str, ...] = (*ENVELOPE_FAULTS, *HTTP_FAULTS, "reset", "truncated", "slow")

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 504: "Gateway Time-out"}


def envelope_message(kind: str) -> tuple[int, str]:
    """The (code, message) of an envelope fault kind such as ``"50002"``."""
    return ENVELOPE_FAULTS[kind]


def http_fault_body(status: int) -> tuple[bytes, str]:
    """A non-JSON body for an HTTP-level fault: (body, content type). 500 is plain text, 502/504 nginx HTML."""
    reason = _REASONS.get(status, "Error")
    if status == 500:
        return b"Internal Server Error", "text/plain; charset=utf-8"
    html = (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    )
    return html.encode("ascii"), "text/html"


def normalize_route(path: str) -> str:
    """``"/open_api/v1.3/report/integrated/get"`` or ``"report/integrated/get"`` -> ``"report/integrated/get/"``."""
    route = path.strip()
    prefix = "/open_api/v1.3/"
    if route.startswith(prefix):
        route = route[len(prefix) :]
    route = route.strip("/")
    return route + "/" if route else ""


@dataclass
class ScriptedFault:
    """A fault planned for requests ``nth .. nth+times-1`` to ``route`` (counted since start), ``"*"`` = any."""

    route: str
    nth: int
    fault: str
    times: int = 1
    page: int | None = None
    """Only requests for this ``page`` count (nth among them): a page, whatever the order pages arrive in."""

    def hits(self, count: int) -> bool:
        """Whether the ``count``-th request to the route gets this fault."""
        return self.nth <= count < self.nth + self.times


class FaultInjector:
    """Decides, per request, whether (and which) fault to inject.

    Args:
        rate: fraction of requests (0..1) that get a random fault.
        seed: seed of the random generator (same seed and request order, same faults).
        kinds: the kinds random faults are drawn from (default: all of :data:`FAULT_KINDS`).
        slow_seconds: delay of a ``slow`` answer.
    """

    def __init__(
        self,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Iterable[str] | None = None,
        slow_seconds: float = 1.0,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be within 0..1, got {rate}")
        chosen = tuple(kinds) if kinds is not None else FAULT_KINDS
        unknown = [k for k in chosen if k not in FAULT_KINDS]
        if unknown or not chosen:
            raise ValueError(f"unknown fault kinds {unknown}; choose from {list(FAULT_KINDS)}")
        self.rate = rate
        self.kinds = chosen
        self.slow_seconds = slow_seconds
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._scripted: list[ScriptedFault] = []
        self._counts: dict[str, int] = {}
        self._page_counts: dict[tuple[str, int], int] = {}
        self._any_count = 0

    def script(
        self, path: str, nth: int, fault: str, times: int = 1, page: int | None = None
    ) -> ScriptedFault:
        """Plan ``fault`` for the ``nth`` request (1-based) to ``path``.

        ``path`` is a route such as ``"report/integrated/get/"`` (slashes and the ``/open_api/v1.3`` prefix are
        optional) or ``"*"`` for any route. ``nth`` counts from now: ``nth=3`` is the third request to the path
        after this call. ``times`` repeats the fault on the following requests (``nth .. nth+times-1``).
        ``page``: count only the requests for that page (``nth=1, page=7``: the first request for page 7).
        """
        if fault not in FAULT_KINDS:
            raise ValueError(f"unknown fault {fault!r}; choose from {list(FAULT_KINDS)}")
        if nth < 1 or times < 1:
            raise ValueError("nth and times must be >= 1")
        route = "*" if path == "*" else normalize_route(path)
        with self._lock:
            if page is not None:
                already = self._page_counts.get((route, page), 0)
            else:
                already = self._any_count if route == "*" else self._counts.get(route, 0)
            planned = ScriptedFault(route, already + nth, fault, times, page)
            self._scripted.append(planned)
        return planned

    def request_count(self, path: str) -> int:
        """How many requests ``path`` (or ``"*"``) has received so far."""
        with self._lock:
            if path == "*":
                return self._any_count
            return self._counts.get(normalize_route(path), 0)

    def clear(self) -> None:
        """Drop every scripted fault (random faults stay as configured)."""
        with self._lock:
            self._scripted.clear()

    def choose(self, route: str, page: int | None = None) -> str | None:
        """Count one request to ``route`` (for ``page``, if it names one) and return the fault to inject, or ``None``."""
        with self._lock:
            count = self._counts.get(route, 0) + 1
            self._counts[route] = count
            self._any_count += 1
            if page is not None:
                for key in ((route, page), ("*", page)):
                    self._page_counts[key] = self._page_counts.get(key, 0) + 1
            for planned in self._scripted:
                if planned.page is not None:
                    if planned.page != page or planned.route not in ("*", route):
                        continue
                    if planned.hits(self._page_counts[(planned.route, page)]):
                        return planned.fault
                    continue
                target = self._any_count if planned.route == "*" else count
                if (planned.route == "*" or planned.route == route) and planned.hits(target):
                    return planned.fault
            if self.rate > 0.0 and self._random.random() < self.rate:
                return self._random.choice(self.kinds)
            return None

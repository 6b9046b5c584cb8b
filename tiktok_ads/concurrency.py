"""Run a resource's units of work (advertiser x window, or advertiser) on a thread pool, streaming the results.

A dlt resource is a generator that dlt pulls from one thread. To keep many requests in flight, each report
or entity resource splits its work into independent *units* (one advertiser's 30-day window, or one
advertiser's entity list), runs them on worker threads, and yields their pages as they arrive. The
generator itself stays in dlt's thread, so it alone touches ``dlt.current.resource_state()``.

Memory stays flat: workers hand pages over through a bounded queue and block when it is full, so at most
``workers + buffer`` pages of one resource exist at a time, however large the account.

Events, in the order they happen (a unit's items always before its ``done``):

- ``("item", unit, page)``: a page of the unit;
- ``("done", unit, None)``: the unit finished; every one of its pages was delivered;
- ``("error", unit, exception)``: the unit failed (the consumer decides: raise, or :meth:`UnitStream.drop`
  the other units of the same advertiser and go on);
- ``("dropped", unit, None)``: the unit was dropped before it finished.

Closing the stream (the consumer raised, or dlt closed the generator) stops the workers at their next page.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, Literal, TypeVar

U = TypeVar("U")
T = TypeVar("T")

EventKind = Literal["item", "done", "error", "dropped"]
Event = tuple[EventKind, U, Any]

_PUT_POLL_SECONDS = 0.05


class UnitStream(Generic[U, T]):
    """Runs ``work(unit)`` for every unit on ``workers`` threads and iterates over the resulting events.

    Args:
        units: the units, started in this order.
        work: yields the unit's items (pages); runs on a worker thread.
        workers: threads (at most one per unit).
        buffer: items waiting to be consumed before workers block.
        group: the group of a unit (e.g. its advertiser id), for :meth:`drop`.
        name: thread name prefix.
    """

    def __init__(
        self,
        units: Sequence[U],
        work: Callable[[U], Iterable[T]],
        *,
        workers: int,
        buffer: int,
        group: Callable[[U], Hashable] = lambda unit: None,
        name: str = "tiktok_ads",
    ) -> None:
        self._units = list(units)
        self._work = work
        self._workers = max(1, min(workers, len(self._units) or 1))
        self._events: queue.Queue[Event[U]] = queue.Queue(maxsize=max(1, buffer))
        self._group = group
        self._dropped: set[Hashable] = set()
        self._stop = threading.Event()
        self._name = name

    def drop(self, group: Hashable) -> None:
        """Stop the units of ``group`` that have not finished (their pages so far were delivered)."""
        self._dropped.add(group)

    def _put(self, event: Event[U]) -> bool:
        while not self._stop.is_set():
            try:
                self._events.put(event, timeout=_PUT_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, unit: U) -> None:
        try:
            if self._group(unit) in self._dropped:
                self._put(("dropped", unit, None))
                return
            for item in self._work(unit):
                if self._stop.is_set():
                    return
                if self._group(unit) in self._dropped:
                    self._put(("dropped", unit, None))
                    return
                if not self._put(("item", unit, item)):
                    return
            self._put(("done", unit, None))
        except BaseException as exc:  # handed to the consumer, who raises it in dlt's thread
            self._put(("error", unit, exc))

    def __iter__(self) -> Iterator[Event[U]]:
        if not self._units:
            return
        pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix=self._name)
        try:
            for unit in self._units:
                pool.submit(self._run, unit)
            pending = len(self._units)
            while pending:
                event = self._events.get()
                if event[0] != "item":
                    pending -= 1
                yield event
        finally:
            self._stop.set()
            pool.shutdown(wait=False, cancel_futures=True)

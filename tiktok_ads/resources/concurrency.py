"""Run a resource's units of work (advertiser x window, or advertiser) on the source's worker pool, streaming the results.

A dlt resource is a generator that dlt pulls from one thread. To keep many requests in flight, each report
or entity resource splits its work into independent *units* (one advertiser's 30-day window, or one
advertiser's entity list), runs them on worker threads, and yields their pages as they arrive. The
generator itself stays in dlt's thread, so it alone touches ``dlt.current.resource_state()``.

All the streams of a source share one :class:`WorkerPool` (``max_concurrency`` threads, not a pool per
resource: an agency runs a resource per advertiser and table) and one :class:`PageBudget` (pages read ahead of
dlt), so threads and memory do not grow with the number of advertisers.

Events, in the order they happen (a unit's items always before its ``done``):

- ``("item", unit, page)``: a page of the unit;
- ``("done", unit, None)``: the unit finished; every one of its pages was delivered;
- ``("error", unit, exception)``: the unit failed (the consumer decides: raise, or :meth:`UnitStream.drop`
  the other units of the same advertiser and go on);
- ``("dropped", unit, None)``: the unit was dropped before it finished;
- ``("idle", None, None)``: nothing yet (only with a budget: the consumer should let dlt go on, see below).

Closing the stream (the consumer raised, or dlt closed the generator) cancels its units not started yet, stops
its workers at their next page and their requests' retries (:func:`~tiktok_ads.api.client.cancelled_by`).
"""

from __future__ import annotations

import collections
import functools
import queue
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import Any, Generic, Literal, TypeVar

from tiktok_ads.api.client import cancelled_by

U = TypeVar("U")
T = TypeVar("T")

EventKind = Literal["item", "done", "error", "dropped", "idle"]
Event = tuple[EventKind, U, Any]

_PUT_POLL_SECONDS = 0.05
_IDLE_WAIT_SECONDS = 0.05
"""How long a budgeted stream (see :class:`UnitStream`) waits for a page to arrive anywhere before it lets dlt go on."""


class WorkerPool:
    """Threads shared by the streams of a source: at most ``workers`` jobs run at once, in the order submitted.

    A thread starts when a job is queued and fewer than ``workers`` run, and ends when no job is left, so an idle
    source holds no thread (and a source never closed leaks none).

    Args:
        workers: jobs run at once.
        name: thread name prefix.
    """

    def __init__(self, workers: int, name: str = "tiktok_ads_worker") -> None:
        self.workers = max(1, workers)
        self._name = name
        self._jobs: collections.deque[tuple[object, Callable[[], None]]] = collections.deque()
        self._lock = threading.Lock()
        self._running = 0
        self._started = 0

    def submit(self, owner: object, job: Callable[[], None]) -> None:
        """Queue ``job`` (it must not raise) on behalf of ``owner`` (for :meth:`cancel`)."""
        with self._lock:
            self._jobs.append((owner, job))
            if self._running >= self.workers:
                return
            self._running += 1
            self._started += 1
            name = f"{self._name}_{self._started}"
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def cancel(self, owner: object) -> None:
        """Drop the jobs of ``owner`` that have not started."""
        with self._lock:
            self._jobs = collections.deque(entry for entry in self._jobs if entry[0] is not owner)

    def _serve(self) -> None:
        while True:
            with self._lock:
                if not self._jobs:
                    self._running -= 1
                    return
                _, job = self._jobs.popleft()
            job()
            del job  # not kept (with what it holds) while this thread waits for the lock


class PageBudget:
    """Pages read ahead of dlt, counted for all the streams of a source together.

    Every advertiser's resources run at once (one resource per advertiser and table), each with its own
    :class:`UnitStream`, so per-stream buffers alone would let memory grow with the number of advertisers. A
    worker takes a slot before it reads the next page and the consumer gives it back when it takes the page. No
    stream reads past the budget: a stream with nothing to hand over lets dlt poll the others (``idle``), whose
    pages free the slots.

    Args:
        pages: slots shared by the streams.
    """

    def __init__(self, pages: int) -> None:
        self.pages = max(1, pages)
        self._free = self.pages
        self._cond = threading.Condition()
        self._ready = 0  # events put in the streams' queues and not yet taken, all streams together
        self._arrival = threading.Condition()

    def acquire(self, stop: threading.Event, taken: Callable[[], None] | None = None) -> bool:
        """Take a slot (waiting while none is free); False once ``stop`` is set.

        ``taken`` is called under the budget's lock once the slot is taken (so that a stream closing meanwhile
        counts it among the slots it gives back)."""
        with self._cond:
            while self._free <= 0 and not stop.is_set():
                self._cond.wait(_PUT_POLL_SECONDS)
            if stop.is_set():
                return False
            self._free -= 1
            if taken is not None:
                taken()
            return True

    def release(self) -> None:
        """Give a slot back (a page was taken by its consumer, or a worker read nothing more)."""
        with self._cond:
            self._free += 1
            self._cond.notify_all()

    def arrived(self) -> None:
        """An event was put in a stream's queue (wakes an idle consumer, whichever stream it polls)."""
        with self._arrival:
            self._ready += 1
            self._arrival.notify_all()

    def taken(self, events: int = 1) -> None:
        """``events`` were taken from a stream's queue (or left in it when the stream closed)."""
        with self._arrival:
            self._ready = max(0, self._ready - events)

    def wait_for_any(self, timeout: float) -> None:
        """Wait until some stream holds an event, at most ``timeout`` seconds."""
        with self._arrival:
            if self._ready <= 0:
                self._arrival.wait(timeout)


class UnitStream(Generic[U, T]):
    """Runs ``work(unit)`` for every unit on ``pool`` and iterates over the resulting events.

    Args:
        units: the units, started in this order.
        work: yields the unit's items (pages); runs on a worker thread.
        pool: the threads, shared with the source's other streams.
        buffer: items waiting to be consumed before workers block.
        group: the group of a unit (e.g. its advertiser id), for :meth:`drop`.
        budget: pages read ahead, shared with the source's other streams (None: only ``buffer`` bounds them).
            With a budget the stream never blocks dlt: while it has nothing it yields ``("idle", None, None)``
            (after waiting up to 50 ms for an event anywhere), the resource body yields None, and dlt, which
            pulls one resource at a time, polls its other resources (``PipeIterator`` takes None as "nothing
            yet"), whose pages free the budget's slots.
    """

    def __init__(
        self,
        units: Sequence[U],
        work: Callable[[U], Iterable[T]],
        *,
        pool: WorkerPool,
        buffer: int,
        group: Callable[[U], Hashable] = lambda unit: None,
        budget: PageBudget | None = None,
    ) -> None:
        self._units = list(units)
        self._work = work
        self._pool = pool
        self._budget = budget
        self._held = 0  # budget slots this stream holds (pages being read or waiting in the queue)
        self._held_lock = threading.Lock()
        self._events: queue.Queue[Event[U]] = queue.Queue(maxsize=max(1, buffer))
        self._group = group
        self._dropped: set[Hashable] = set()
        self._stop = threading.Event()

    def _take_slot(self) -> bool:
        if self._budget is None:
            return not self._stop.is_set()
        return self._budget.acquire(self._stop, self._count_slot)

    def _count_slot(self) -> None:
        with self._held_lock:
            self._held += 1

    def _give_slot(self) -> None:
        if self._budget is None:
            return
        with self._held_lock:
            if self._held <= 0:  # (given back already, when the stream closed)
                return
            self._held -= 1
        self._budget.release()

    def _give_all_slots(self) -> None:
        if self._budget is None:
            return
        with self._held_lock:
            held, self._held = self._held, 0
        for _ in range(held):
            self._budget.release()

    def drop(self, group: Hashable) -> None:
        """Stop the units of ``group`` that have not finished (their pages so far were delivered)."""
        self._dropped.add(group)

    def _put(self, event: Event[U]) -> bool:
        while not self._stop.is_set():
            try:
                self._events.put(event, timeout=_PUT_POLL_SECONDS)
            except queue.Full:
                continue
            if self._budget is not None:
                self._budget.arrived()
            return True
        return False

    def _next_event(self) -> Event[U] | None:
        """The next event; None when idle (with a budget: nothing here, nor anywhere within the wait)."""
        try:
            return self._events.get_nowait()
        except queue.Empty:
            pass
        if self._budget is None:
            return self._events.get()
        self._budget.wait_for_any(_IDLE_WAIT_SECONDS)
        try:
            return self._events.get_nowait()
        except queue.Empty:
            return None

    def _run(self, unit: U) -> None:
        with cancelled_by(self._stop):  # a closed stream's requests stop retrying
            try:
                self._read(unit)
            except BaseException as exc:  # handed to the consumer, who raises it in dlt's thread
                self._put(("error", unit, exc))

    def _read(self, unit: U) -> None:
        if self._group(unit) in self._dropped:
            self._put(("dropped", unit, None))
            return
        items = iter(self._work(unit))
        while True:
            if not self._take_slot():
                return
            try:
                item = next(items)
            except StopIteration:
                self._give_slot()
                break
            except BaseException:
                self._give_slot()
                raise
            if self._stop.is_set():
                self._give_slot()
                return
            if self._group(unit) in self._dropped:
                self._give_slot()
                self._put(("dropped", unit, None))
                return
            if not self._put(("item", unit, item)):  # (the slot travels with the page)
                self._give_slot()
                return
            del item  # the consumer's now: not kept alive while this worker waits for its next slot
        self._put(("done", unit, None))

    def __iter__(self) -> Iterator[Event[U]]:
        if not self._units:
            return
        try:
            for unit in self._units:
                self._pool.submit(self, functools.partial(self._run, unit))
            pending = len(self._units)
            while pending:
                event = self._next_event()
                if event is None:
                    yield ("idle", None, None)  # type: ignore[misc]
                    continue
                if self._budget is not None:
                    self._budget.taken()
                if event[0] != "item":
                    pending -= 1
                else:
                    self._give_slot()
                yield event
        finally:
            self._stop.set()
            self._pool.cancel(self)  # units not started never start
            self._give_all_slots()  # pages never taken, and pages being read, free their slots for the others
            if self._budget is not None:
                self._budget.taken(self._events.qsize())  # events never taken no longer wake idle consumers

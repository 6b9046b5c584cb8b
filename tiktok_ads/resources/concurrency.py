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
- ``("dropped", unit, None)``: the unit was dropped before it finished;
- ``("idle", None, None)``: nothing yet (only with ``idle``: the consumer should let dlt go on, see below).

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

EventKind = Literal["item", "done", "error", "dropped", "idle"]
Event = tuple[EventKind, U, Any]

_PUT_POLL_SECONDS = 0.05
_IDLE_WAIT_SECONDS = 0.05
"""How long an idle stream (see :class:`UnitStream`) waits for a page to arrive anywhere before it lets dlt go on."""


class PageBudget:
    """Pages read ahead of dlt, counted for all the streams of a source together.

    Every advertiser's resources run at once (one resource per advertiser and table), each with its own
    :class:`UnitStream`, so per-stream buffers alone would let memory grow with the number of advertisers. A
    worker takes a slot before it reads the next page and the consumer gives it back when it takes the page.
    The stream dlt's thread is waiting on may always read (its pages go over the budget): dlt pulls one
    resource at a time, so a budget held by pages of the others could otherwise block it forever.

    Args:
        pages: slots shared by the streams.
    """

    def __init__(self, pages: int) -> None:
        self.pages = max(1, pages)
        self._free = self.pages
        self._streams = 0
        self._cond = threading.Condition()
        self._ready = 0  # events put in the streams' queues and not yet taken, all streams together
        self._arrival = threading.Condition()

    def join(self) -> None:
        """A stream starts reading (its share of the budget is :meth:`share`)."""
        with self._cond:
            self._streams += 1

    def leave(self) -> None:
        """A stream finished or was closed."""
        with self._cond:
            self._streams = max(0, self._streams - 1)

    def share(self) -> int:
        """Pages one stream may read over the budget while dlt waits on it: the budget over the streams reading
        (so all of them together stay within twice the budget). Called under the budget's lock."""
        return max(1, self.pages // max(1, self._streams))

    def acquire(
        self, urgent: Callable[[], bool], stop: threading.Event, taken: Callable[[], None] | None = None
    ) -> bool:
        """Take a slot (waiting while none is free, unless ``urgent()``); False once ``stop`` is set.

        ``taken`` is called under the budget's lock once the slot is taken (so that ``urgent`` of the next
        caller sees it counted)."""
        with self._cond:
            while self._free <= 0 and not urgent() and not stop.is_set():
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

    def wake(self) -> None:
        """Let waiting workers look again (a consumer started waiting on its stream)."""
        with self._cond:
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
    """Runs ``work(unit)`` for every unit on ``workers`` threads and iterates over the resulting events.

    Args:
        units: the units, started in this order.
        work: yields the unit's items (pages); runs on a worker thread.
        workers: threads (at most one per unit).
        buffer: items waiting to be consumed before workers block.
        group: the group of a unit (e.g. its advertiser id), for :meth:`drop`.
        name: thread name prefix.
        budget: pages read ahead, shared with the source's other streams (None: only ``buffer`` bounds them).
        idle: with a budget, yield ``("idle", None, None)`` instead of blocking while this stream has nothing and
            another one does (after waiting up to 50 ms for an event anywhere): the resource body yields None, and
            dlt, which pulls one resource at a time, goes on to the next one instead of waiting on this one
            (``PipeIterator`` takes None as "nothing yet" and polls its other sources). Without it dlt waits on
            one stream while the others' pages fill the budget, and only over-budget reads move it (see
            :meth:`_claim_urgent`).
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
        budget: PageBudget | None = None,
        idle: bool = False,
    ) -> None:
        self._units = list(units)
        self._budget = budget
        self._idle = idle and budget is not None
        # dlt's thread is blocked on this stream: its workers may exceed the budget while it holds fewer slots
        # (pages being read, its queue being empty) than its share of the budget
        self._waiting = False
        self._held = 0  # budget slots this stream holds (pages being read or waiting in the queue)
        self._held_lock = threading.Lock()
        self._work = work
        self._workers = max(1, min(workers, len(self._units) or 1))
        self._events: queue.Queue[Event[U]] = queue.Queue(maxsize=max(1, buffer))
        self._group = group
        self._dropped: set[Hashable] = set()
        self._stop = threading.Event()
        self._name = name

    def _take_slot(self) -> bool:
        if self._budget is None:
            return not self._stop.is_set()
        return self._budget.acquire(self._claim_urgent, self._stop, self._count_slot)

    def _count_slot(self) -> None:
        with self._held_lock:
            self._held += 1

    def _claim_urgent(self) -> bool:
        """Whether this worker may read over the budget: dlt waits on this stream, and it holds fewer slots
        than its share of the budget (its queue is empty: they are pages being read). With every worker reading
        over it, each stream dlt waited on in turn filled its whole queue (8 advertisers' streams held ~250
        pages at 1.13M rows); with one at a time, dlt waited a request's latency per page. Called under the
        budget's lock."""
        assert self._budget is not None
        return self._waiting and self._held < self._budget.share()

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
        """The next event; None when idle (nothing here, or nothing anywhere within the wait)."""
        try:
            return self._events.get_nowait()
        except queue.Empty:
            pass
        if self._idle:
            assert self._budget is not None
            self._budget.wait_for_any(_IDLE_WAIT_SECONDS)
            try:
                return self._events.get_nowait()
            except queue.Empty:
                return None
        self._waiting = True
        if self._budget is not None:
            self._budget.wake()
        event = self._events.get()
        self._waiting = False
        return event

    def _run(self, unit: U) -> None:
        try:
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
        except BaseException as exc:  # handed to the consumer, who raises it in dlt's thread
            self._put(("error", unit, exc))

    def __iter__(self) -> Iterator[Event[U]]:
        if not self._units:
            return
        pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix=self._name)
        if self._budget is not None:
            self._budget.join()
        try:
            for unit in self._units:
                pool.submit(self._run, unit)
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
            pool.shutdown(wait=False, cancel_futures=True)
            self._give_all_slots()  # pages never taken, and pages being read, free their slots for the others
            if self._budget is not None:
                self._budget.taken(self._events.qsize())  # events never taken no longer wake idle consumers
                self._budget.leave()

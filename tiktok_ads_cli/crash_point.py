"""Test hook: stop a run at a chosen point inside a dlt step, so a crash test can kill it exactly there.

Off unless the environment variable ``TIKTOK_ADS_TEST_CRASH_POINT`` is set (nothing here runs in production).
Its value is ``STEP:N:ACTION:PATH``:

- ``STEP``: ``extract``, ``normalize`` or ``load``;
- ``N``: the point is the N-th progress update (N >= 1) with a non-zero count that dlt reports within that step
  (a batch of rows extracted or normalized, a load job finished), so the step's work is partly done there;
- ``ACTION``: ``pause`` (write the line, then wait there until the process is killed) or ``continue`` (write the
  line and go on);
- ``PATH``: the file the process appends one JSON line to at the point (``step``, ``update``, ``counter``,
  ``pid``); a harness passes the write end of a pipe as ``/dev/fd/<n>`` and reads it, so it learns the moment
  without polling.

Example (``bench/bench_crash.py`` and ``tests/reliability/test_crash.py`` do this)::

    TIKTOK_ADS_TEST_CRASH_POINT=load:1:pause:/tmp/point.jsonl python tiktok_ads_pipeline.py

dlt reports progress to the run's collector (:func:`tiktok_ads_cli.progress.make_collector`), which wraps it in a
:class:`CrashPointCollector` when the variable is set. A paused process that nobody kills gives up after
``PAUSE_LIMIT_SECONDS`` (or as soon as its parent process is gone) and exits with ``PAUSE_EXIT_CODE``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import time

from dlt.common.runtime.collector import Collector

from tiktok_ads_cli.forwarding_collector import ForwardingCollector

CRASH_POINT_ENV = "TIKTOK_ADS_TEST_CRASH_POINT"
"""The environment variable that turns the hook on (see the module docstring)."""

STEPS = ("extract", "normalize", "load")
ACTIONS = ("pause", "continue")
PAUSE_LIMIT_SECONDS = 600.0
"""How long a paused process waits to be killed before it exits by itself."""
PAUSE_EXIT_CODE = 75
"""Exit code of a paused process that was not killed (nobody was there to do it)."""


@dataclasses.dataclass(frozen=True)
class CrashPoint:
    """Where to stop: the ``update``-th non-zero progress update of ``step``; what to do; where to say so."""

    step: str
    update: int
    action: str
    path: str

    @classmethod
    def parse(cls, value: str) -> CrashPoint:
        """Read ``STEP:N:ACTION:PATH`` (the path may contain colons).

        Raises:
            ValueError: naming ``TIKTOK_ADS_TEST_CRASH_POINT`` and the part at fault.
        """
        parts = value.split(":", 3)
        if len(parts) != 4:
            raise ValueError(f"{CRASH_POINT_ENV}: expected STEP:N:ACTION:PATH, got {value!r}")
        step, update, action, path = parts
        if step not in STEPS:
            raise ValueError(f"{CRASH_POINT_ENV}: step {step!r} is not one of {', '.join(STEPS)}")
        if not update.isdigit() or int(update) < 1:
            raise ValueError(f"{CRASH_POINT_ENV}: N {update!r} is not a whole number >= 1")
        if action not in ACTIONS:
            raise ValueError(f"{CRASH_POINT_ENV}: action {action!r} is not one of {', '.join(ACTIONS)}")
        if not path:
            raise ValueError(f"{CRASH_POINT_ENV}: PATH is empty")
        return cls(step, int(update), action, path)

    def value(self) -> str:
        """The environment variable's value for this point."""
        return f"{self.step}:{self.update}:{self.action}:{self.path}"


class CrashPointCollector(ForwardingCollector):
    """A dlt collector that forwards everything to ``inner`` and stops the run at ``point``."""

    def __init__(self, inner: Collector, point: CrashPoint) -> None:
        super().__init__(inner)
        self.point = point
        self._current = ""
        self._updates = 0
        self._reached = threading.Event()
        self._lock = threading.Lock()

    def after_update(self, name: str, inc: int) -> None:
        """At the crash point, report it (and pause)."""
        if self._current != self.point.step or not inc:
            return
        with self._lock:
            if not self._reached.is_set():
                self._updates += 1
                if self._updates == self.point.update:
                    self._report(name)
                    self._reached.set()
        if self.point.action == "pause" and self._reached.is_set():
            _wait_to_be_killed()  # every thread that reports progress from now on waits too

    def _report(self, counter: str) -> None:
        line = {"step": self.point.step, "update": self._updates, "counter": counter, "pid": os.getpid()}
        with open(self.point.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")

    def _start(self, step: str) -> None:
        # dlt names steps "Extract <source>", "Normalize <schema> in <load id>", "Load <schema> in <load id>"
        self._current = step.split(" ", 1)[0].lower()
        super()._start(step)

    def _stop(self) -> None:
        self._current = ""
        super()._stop()


def _wait_to_be_killed() -> None:
    """Block until SIGKILL comes; exit by itself after ``PAUSE_LIMIT_SECONDS`` or when the parent is gone."""
    parent = os.getppid()
    deadline = time.monotonic() + PAUSE_LIMIT_SECONDS
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.1)
    print(f"{CRASH_POINT_ENV}: paused and never killed; exiting", file=sys.stderr, flush=True)
    os._exit(PAUSE_EXIT_CODE)


def with_crash_point(collector: Collector) -> Collector:
    """``collector`` itself, or wrapped in a :class:`CrashPointCollector` when ``TIKTOK_ADS_TEST_CRASH_POINT``
    is set.

    Raises:
        ValueError: the variable is set but malformed.
    """
    value = os.environ.get(CRASH_POINT_ENV)
    if not value:
        return collector
    return CrashPointCollector(collector, CrashPoint.parse(value))

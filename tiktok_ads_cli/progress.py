"""Which dlt progress collector a run uses: a bar on a terminal, log lines otherwise, nothing when quiet.

dlt reports extract, normalize and load progress to a *collector* (``dlt.pipeline(progress=...)``). The
pipeline script picks one with :func:`make_collector`:

- ``auto`` (default): a ``tqdm`` bar on stderr when stderr is a terminal and tqdm is installed, else ``log``;
- ``tqdm``, ``enlighten``, ``alive_progress``: dlt's bar collectors (the library must be installed);
- ``log``: a block of counter lines per step on stdout, at the step's start and end and every
  ``LOG_PERIOD_SECONDS`` in between (what schedulers and CI logs want; stderr stays for errors only);
- ``none``, or ``quiet=True``: no progress output.

With ``TIKTOK_ADS_TEST_CRASH_POINT`` set (crash tests only), the collector is wrapped by
:func:`tiktok_ads_cli.crash_point.with_crash_point`, which stops the run at a chosen point inside a step.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from typing import TextIO

from dlt.common.runtime.collector import NULL_COLLECTOR, Collector, LogCollector

from tiktok_ads_cli.crash_point import with_crash_point
from tiktok_ads_cli.forwarding_collector import ForwardingCollector

PROGRESS_CHOICES = ("auto", "tqdm", "enlighten", "alive_progress", "log", "none")
"""Values of ``--progress`` (and of dlt's ``progress`` setting)."""

LOG_PERIOD_SECONDS = 10.0
"""Seconds between two progress blocks of the ``log`` collector within a step."""


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def resolve_progress(choice: str | None, stream: TextIO) -> str:
    """The collector name for ``choice`` (``auto``/None picks by terminal and installed libraries).

    Args:
        choice: one of :data:`PROGRESS_CHOICES`, or None for ``auto``.
        stream: where progress goes.

    Returns:
        A concrete name: ``tqdm``, ``enlighten``, ``alive_progress``, ``log`` or ``none``.

    Raises:
        ValueError: an unknown choice, or a bar library that is not installed.
    """
    choice = (choice or "auto").strip().lower()
    if choice not in PROGRESS_CHOICES:
        raise ValueError(f"progress: {choice!r} is not one of {', '.join(PROGRESS_CHOICES)}")
    if choice == "auto":
        is_terminal = hasattr(stream, "isatty") and stream.isatty()
        return "tqdm" if is_terminal and _installed("tqdm") else "log"
    if choice in ("tqdm", "enlighten", "alive_progress") and not _installed(choice):
        raise ValueError(f"progress: {choice} is not installed (pip install {choice.replace('_', '-')})")
    return choice


def make_collector(
    choice: str | None, *, quiet: bool, stream: TextIO, log_stream: TextIO | None = None
) -> Collector:
    """The dlt collector for a run.

    Args:
        choice: ``--progress`` (or dlt's ``progress`` setting); None means ``auto``.
        quiet: no progress at all.
        stream: where bars go (the script uses stderr); ``auto`` draws one only if it is a terminal.
        log_stream: where ``log`` lines go (default ``stream``; the script uses stdout).

    Returns:
        A collector to pass as ``dlt.pipeline(progress=...)``.

    Raises:
        ValueError: see :func:`resolve_progress`; or ``TIKTOK_ADS_TEST_CRASH_POINT`` is malformed.
    """
    return with_crash_point(_collector(choice, quiet=quiet, stream=stream, log_stream=log_stream))


def _collector(choice: str | None, *, quiet: bool, stream: TextIO, log_stream: TextIO | None) -> Collector:
    name = "none" if quiet else resolve_progress(choice, stream)
    if name == "none":
        return NULL_COLLECTOR
    if name == "log":
        return LogCollector(
            log_period=LOG_PERIOD_SECONDS,
            logger=stream if log_stream is None else log_stream,
            dump_system_stats=_installed("psutil"),
        )
    from dlt.pipeline import progress

    if name == "tqdm":
        return progress.tqdm(file=stream)
    if name == "enlighten":
        return progress.enlighten()
    return progress.alive_progress()


class DataRowsCollector(ForwardingCollector):
    """Shows another collector the rows of each table without the report tables' day-marker rows.

    A report resource yields one marker row per day it read (see ``day_markers.day_markers``), which dlt counts
    like any row in extract and normalize: ``ad_insights: 527`` for 435 stored rows. The source counts the
    markers it yields (``RunSummary.marker_rows``); in every step this collector takes as many off that
    table's counter as have been yielded so far and not taken off yet in that step.

    Args:
        inner: the collector that draws (bar or log lines).
        marker_rows: the source's running count of marker rows per table.
    """

    def __init__(self, inner: Collector, marker_rows: Callable[[], Mapping[str, int]]) -> None:
        super().__init__(inner)
        self._marker_rows = marker_rows
        self._taken: dict[str, int] = {}

    def forwarded_inc(self, name: str, inc: int, label: str | None) -> int:
        """``inc`` less the marker rows of ``name`` not taken off yet in this step."""
        left = self._marker_rows().get(name, 0) - self._taken.get(name, 0)
        if left > 0 and inc > 0 and not label:
            take = min(inc, left)
            self._taken[name] = self._taken.get(name, 0) + take
            inc -= take
        return inc

    def _start(self, step: str) -> None:
        self._taken = {}
        super()._start(step)

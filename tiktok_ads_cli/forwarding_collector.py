"""A dlt progress collector that passes everything on to another one: the base of the collectors that change
what the drawing collector sees (``progress.DataRowsCollector``) or act at a point of a run
(``crash_point.CrashPointCollector``)."""

from __future__ import annotations

from typing import Any

from dlt.common.runtime.collector import Collector


class ForwardingCollector(Collector):
    """Forwards every call to ``inner``; subclasses override :meth:`forwarded_inc` (what ``inner`` is told),
    :meth:`after_update` (act on an update), :meth:`_start` or :meth:`_stop`.

    Args:
        inner: the collector that draws (a bar, log lines) or another forwarding one.
    """

    def __init__(self, inner: Collector) -> None:
        self.inner = inner

    def update(
        self,
        name: str,
        inc: int = 1,
        total: int | None = None,
        inc_total: int | None = None,
        message: str | None = None,
        label: str | None = None,
    ) -> None:
        """Forwarded to ``inner`` (with :meth:`forwarded_inc`), then :meth:`after_update`."""
        forwarded = self.forwarded_inc(name, inc, label)
        self.inner.update(name, forwarded, total, inc_total, message, label)  # type: ignore[arg-type]
        self.after_update(name, inc)

    def forwarded_inc(self, name: str, inc: int, label: str | None) -> int:
        """The increment ``inner`` is told of for counter ``name`` (default: ``inc`` itself)."""
        return inc

    def after_update(self, name: str, inc: int) -> None:
        """Called after ``inner`` has seen an update of counter ``name`` by ``inc`` (default: nothing)."""

    def _start(self, step: str) -> None:
        self.inner(step)._start(step)

    def _stop(self) -> None:
        self.inner._stop()

    def on_start_trace(self, *args: Any, **kwargs: Any) -> None:
        """Forwarded to ``inner``."""
        self.inner.on_start_trace(*args, **kwargs)

    def on_start_trace_step(self, *args: Any, **kwargs: Any) -> None:
        """Forwarded to ``inner``."""
        self.inner.on_start_trace_step(*args, **kwargs)

    def on_end_trace_step(self, *args: Any, **kwargs: Any) -> None:
        """Forwarded to ``inner``."""
        self.inner.on_end_trace_step(*args, **kwargs)

    def on_end_trace(self, *args: Any, **kwargs: Any) -> None:
        """Forwarded to ``inner``."""
        self.inner.on_end_trace(*args, **kwargs)

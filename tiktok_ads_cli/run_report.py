"""The table the pipeline script prints at the end of a run: rows per table and advertiser, requests, time.

Pure formatting (no dlt, no I/O), so it is tested on its own. With up to
:data:`MAX_ADVERTISER_COLUMNS` advertisers the table has one column per advertiser; with more, a second
table lists the advertisers one per line (an agency's hundreds would not fit across).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

MAX_ADVERTISER_COLUMNS = 4
"""Advertisers shown as columns of the table; beyond that they get a table of their own."""


@dataclasses.dataclass(frozen=True)
class RunReport:
    """What one run loaded and what it cost.

    Attributes:
        destination: the destination's name (``duckdb``, ``postgres`` ...).
        dataset: the dataset (schema) loaded into.
        table_rows: rows loaded per table, in display order.
        rows: rows per ``(table, advertiser_id)``.
        requests: the client's request line (e.g. ``"35 requests, 0 retried"``), or None.
        seconds: wall time of the run.
        step_seconds: wall time per dlt step (``extract``, ``normalize``, ``load``).
    """

    destination: str
    dataset: str
    table_rows: Mapping[str, int]
    rows: Mapping[tuple[str, str], int]
    requests: str | None = None
    seconds: float | None = None
    step_seconds: Mapping[str, float] = dataclasses.field(default_factory=dict)


def format_duration(seconds: float) -> str:
    """``"9.8 s"``, ``"2 min 05 s"`` or ``"1 h 02 min"``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A plain-text table: first column left-aligned, the others right-aligned, a rule under the header.

    Args:
        header: column titles.
        rows: cells (already formatted).

    Returns:
        The lines.
    """
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = f"{cells[0]:<{widths[0]}}"
        rest = [f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def format_run_report(report: RunReport) -> str:
    """The end-of-run text: a heading, the table(s), requests and time.

    Args:
        report: what the run did.

    Returns:
        The text (lines joined with newlines, no trailing newline).
    """
    advertisers = sorted({adv for (_, adv) in report.rows})
    total = sum(report.table_rows.values())
    lines = [f"Loaded {total:,} rows into {report.destination} dataset {report.dataset!r}:", ""]
    if len(advertisers) <= MAX_ADVERTISER_COLUMNS:
        header = ["table", *advertisers, "rows"]
        body = [
            [table, *(f"{report.rows.get((table, adv), 0):,}" for adv in advertisers), f"{n:,}"]
            for table, n in report.table_rows.items()
        ]
        per_adv = [sum(n for (_, a), n in report.rows.items() if a == adv) for adv in advertisers]
        body.append(["total", *(f"{n:,}" for n in per_adv), f"{total:,}"])
        lines += render_table(header, body)
    else:
        body = [[table, f"{n:,}"] for table, n in report.table_rows.items()]
        body.append(["total", f"{total:,}"])
        lines += render_table(["table", "rows"], body)
        lines.append("")
        adv_body = []
        for adv in advertisers:
            mine = {t: n for (t, a), n in report.rows.items() if a == adv and n}
            adv_body.append([adv, f"{len(mine)}", f"{sum(mine.values()):,}"])
        lines += render_table(["advertiser", "tables", "rows"], adv_body)
    lines.append("")
    if report.requests is not None:
        lines.append(f"Requests: {report.requests}")
    if report.seconds is not None:
        steps = ", ".join(
            f"{step} {format_duration(s)}" for step, s in report.step_seconds.items() if s is not None
        )
        lines.append(f"Time: {format_duration(report.seconds)}" + (f" ({steps})" if steps else ""))
    return "\n".join(lines)

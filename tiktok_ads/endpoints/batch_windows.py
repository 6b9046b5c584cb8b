"""Windows of different advertisers read by one shared report request: the dates asked, the rows kept.

Each advertiser's windows are cut in its own time zone up to its own today, so advertisers whose "today" differs
by a day (zones on both sides of the date line at the hour of the run) plan windows one day apart: a daily run
reads ``11-22..11-30`` for most and ``11-23..12-01`` for the zones already in December. A multi-advertiser
request has one ``start_date`` and ``end_date``, each advertiser's days in its own zone ([TTD-sync] "Run a
synchronous report", ``advertiser_ids``), so both fit one request asking ``11-22..12-01``, as long as that
union stays within the span TikTok answers (30 days with ``stat_time_day``, 1 with ``stat_time_hour``).

Each member then keeps only the rows of its own window (:func:`rows_within`): a day before it (re-read by the
attribution window anyway) or after it (a day that has not begun in the member's zone: UNSURE what TikTok sends
for it, no rows in the emulator as for any day without delivery, zero rows would be dropped here too) is never
loaded, so a member's rows, day markers and cursor are those of its own window, and the tables are those of one
advertiser per request. Only reports with a time dimension are aligned so: a report without one sums the
window (its rows depend on the dates asked).

Why asking a member's tomorrow is plausible: TikTok documents no refusal of an ``end_date`` after the account's
today, and Airbyte's source-tiktok-marketing cuts its windows by UTC dates for every account (airbytehq/airbyte
PR #73633, its 5.0.1, fixed only ahead-of-UTC accounts), i.e. the account's tomorrow for accounts behind UTC late in
the UTC day. Should TikTok refuse
it anyway (40002), :class:`~tiktok_ads.endpoints.report_batches.ReportBatches` reads only the widened batches one advertiser
per request for the rest of the run and keeps sharing batches of the members' very dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tiktok_ads.api.json_pages import ArrowRows
from tiktok_ads.endpoints.extract import RawPage
from tiktok_ads.tables.metric_catalogue import TIME_DIMENSIONS
from tiktok_ads.windows import DateWindow

Member = tuple[str, DateWindow]
"""An advertiser and one of its planned windows."""


def time_dimension(dimensions: Sequence[str]) -> str | None:
    """The report's time dimension (``stat_time_day`` / ``stat_time_hour``), or None."""
    return next((d for d in dimensions if d in TIME_DIMENSIONS), None)


def union(windows: Sequence[DateWindow]) -> DateWindow:
    """The smallest window holding all of ``windows`` (at least one)."""
    return DateWindow(min(w.start for w in windows), max(w.end for w in windows))


def shared_windows(plans: Mapping[str, Sequence[DateWindow]], max_days: int) -> list[list[Member]]:
    """Group every planned (advertiser, window) with those one request series may serve together.

    Windows are taken in order of their first day; a window joins the group before it when the group's union
    with it spans at most ``max_days`` and its advertiser is not in the group yet (an advertiser's own windows
    never share a request). Members of a group are ordered by window, so that consecutive members (the
    batches of five cut from a group) mostly ask the very dates they plan.

    Args:
        plans: each advertiser's windows.
        max_days: the longest span one request may ask (the table's ``window_days``); 0 groups only identical
            windows (a report without a time dimension).

    Returns:
        The groups, each a list of members.
    """
    planned = {(w, str(a)): None for a, windows in plans.items() for w in windows}  # in the plans' order
    pairs = sorted(planned, key=lambda pair: pair[0])  # stable: advertisers of one window keep that order
    groups: list[list[Member]] = []
    for window, advertiser in pairs:
        group = groups[-1] if groups else None
        if group is not None and advertiser not in {a for a, _ in group}:
            if max_days <= 0:
                fits = group[0][1] == window
            else:
                span = union([w for _, w in group] + [window])
                fits = (span.end - span.start).days + 1 <= max_days
            if fits:
                group.append((advertiser, window))
                continue
        groups.append([(advertiser, window)])
    return groups


def rows_within(page: RawPage, dimension: str, window: DateWindow) -> RawPage:
    """The rows of ``page`` whose day (``dimension``'s first 10 characters) lies in ``window``.

    A row whose day cannot be read is kept (the typing raises for it as it would on its own request).

    Args:
        page: a member's rows (dicts, or :class:`~tiktok_ads.api.json_pages.ArrowRows`).
        dimension: ``stat_time_day`` or ``stat_time_hour``.
        window: the member's own window.

    Returns:
        The page itself when every row is inside, else its rows inside (the same kind of page).
    """
    first, last = window.start.isoformat(), window.end.isoformat()
    if isinstance(page, ArrowRows):
        dims = page.part("dimensions")
        if dims is not None and dimension in [f.name for f in dims.type]:
            days = pc.utf8_slice_codeunits(pc.cast(dims.field(dimension), pa.string()), 0, 10)
            inside = pc.and_(pc.greater_equal(days, first), pc.less_equal(days, last))
            keep = pc.fill_null(inside, True)
            if pc.all(keep).as_py():
                return page
            return _Within(page, keep, lambda: list(rows_within(page.raw(), dimension, window)))
        page = page.raw()
    kept = [row for row in page if _inside(row, dimension, first, last)]
    return page if len(kept) == len(page) else kept


def _inside(row: Any, dimension: str, first: str, last: str) -> bool:
    dims = row.get("dimensions") if isinstance(row, dict) else None
    value = dims.get(dimension) if isinstance(dims, dict) else None
    if not isinstance(value, str) or len(value) < 10:
        return True
    return first <= value[:10] <= last


class _Within(ArrowRows):
    """The rows of an Arrow page inside a window; :meth:`raw` is the same rows of the body."""

    def __init__(self, page: ArrowRows, keep: pa.Array, raw: Any) -> None:
        super().__init__(page.rows.filter(keep), b"", page.extra)
        self._raw_rows = raw

    def raw(self) -> list[dict[str, Any]]:
        """The kept rows exactly as orjson decodes them from the body."""
        return list(self._raw_rows())

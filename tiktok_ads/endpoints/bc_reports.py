"""Reading the Business Center report (``report/integrated/get/`` with ``report_type = BC``) of one BC.

One request series per BC and window: ``bc_id``, ``report_type = BC``, the table's dimensions and metrics, no
``service_type`` / ``data_level`` (TikTok does not take them for BC), windows of at most 365 days (TikTok's
limit for BC reports, ``stat_time_day`` included), 1,000 rows per page. Rules and sources:
``tiktok_ads/emulator/rules/bc_reports.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.endpoints.transform import flatten_report_row
from tiktok_ads.tables.bc_report_tables import BC_REPORT_DIMENSIONS, BC_REPORT_METRICS
from tiktok_ads.tables.records import BusinessCenterTable

#: the most days one BC report request may span ([TTD-sync]: 365 for BC, with or without stat_time_day)
BC_WINDOW_DAYS = 365


def bc_windows(since: dt.date, until: dt.date) -> Iterator[tuple[dt.date, dt.date]]:
    """``since..until`` (inclusive) in windows of at most :data:`BC_WINDOW_DAYS` days, oldest first."""
    lo = since
    while lo <= until:
        hi = min(until, lo + dt.timedelta(days=BC_WINDOW_DAYS - 1))
        yield lo, hi
        lo = hi + dt.timedelta(days=1)


def bc_report_rows(
    client: TikTokClient,
    spec: BusinessCenterTable,
    bc_id: str,
    since: dt.date,
    until: dt.date,
    *,
    page_size: int,
) -> list[dict[str, Any]]:
    """One BC's report rows over ``since..until`` (each account's days), flat and untyped, with ``bc_id``.

    Args:
        client: the API client.
        spec: the BC report table (dimensions and metrics: :mod:`.bc_report_tables`).
        bc_id: the Business Center.
        since: the first day.
        until: the last day.
        page_size: rows per page (capped at the endpoint's largest).

    Returns:
        The rows, ``dimensions`` and ``metrics`` merged.
    """
    params: dict[str, Any] = {
        "bc_id": bc_id,
        "report_type": "BC",
        "dimensions": list(BC_REPORT_DIMENSIONS),
        "metrics": list(BC_REPORT_METRICS),
    }
    size = min(page_size, spec.max_page_size)
    rows: list[dict[str, Any]] = []
    for lo, hi in bc_windows(since, until):
        window = {**params, "start_date": lo.isoformat(), "end_date": hi.isoformat()}
        for page in client.paginate(spec.endpoint, window, page_size=size):
            rows.extend({**flatten_report_row(raw), "bc_id": bc_id} for raw in page)
    return rows

"""Day markers: never-stored rows that make dlt replace a re-read (advertiser, day) whole, even when empty."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiktok_ads.tables.records import ReportTable
from tiktok_ads.windows import DateWindow

REPORT_MERGE_KEY = ("advertiser_id", "stat_time_day")
"""The merge key of daily and hourly report tables (``TableSpec.merge_key``; lifetime tables: advertiser_id)."""

DAY_MARKER_COLUMN = "_day_marker"
"""dlt ``hard_delete`` column of the report tables: true only in the marker rows of :func:`day_markers`,
which are never stored, so it is NULL in every row of the destination."""

DAY_MARKER_HINT: Any = {
    "data_type": "bool",
    "hard_delete": True,
    "description": "internal: true only in never-stored rows that mark an (advertiser, day) as re-read",
}

_SENTINEL_TIME = dt.time(23, 59, 59)
"""The time of a marker's key timestamps (``stat_time_hour``): TikTok's hours all start on the hour."""


def _sentinel(spec: ReportTable, column: str, advertiser_id: str, day: dt.date) -> Any:
    """A value of ``column``'s pinned type that no real row of the advertiser holds in a key column."""
    kind = spec.columns.get(column, {}).get("data_type")
    if kind == "timestamp":
        return dt.datetime.combine(day, _SENTINEL_TIME)
    if kind == "date":
        return day
    return f"~{advertiser_id}"


def day_markers(spec: ReportTable, advertiser_id: str, window: DateWindow) -> list[dict[str, Any]]:
    """One marker row per day of ``window``: it makes dlt replace the advertiser's day whole, even if empty.

    With ``merge_key`` (advertiser_id, stat_time_day), dlt's delete-insert deletes the stored rows of every
    (advertiser, day) present in the load; a day on which TikTok returned *no* row (every ad that delivered on
    it was deleted since the last run) would not be present, and its old rows would stay. The marker makes it
    present: it carries the day, the advertiser and ``_day_marker = true`` (dlt's ``hard_delete``), so it
    deletes the day's stored rows and is not inserted itself. Its other key columns hold ``~<advertiser_id>``
    (text) or a time no TikTok hour has (``stat_time_hour`` 23:59:59), which no real row has, so markers never
    collide with real rows or with each other.

    Lifetime tables (no day column) get one marker per advertiser: the run replaces all its rows. A table whose
    key has no column besides its merge key (advertiser-level daily and lifetime reports: one row per
    advertiser and day, or per advertiser) gets none: a marker would share a real row's key, and its one row
    per advertiser-day is always returned (the advertiser level has no status filter), so it replaces itself.

    Args:
        spec: the report table.
        advertiser_id: the advertiser.
        window: the days that were read completely.

    Returns:
        The marker rows.
    """
    merge_key = spec.merge_key
    if not [k for k in spec.primary_key if k not in merge_key]:
        return []
    days: list[dt.date] = []
    day = window.start
    while day <= window.end and (spec.day_column or not days):
        days.append(day)
        day += dt.timedelta(days=1)
    markers: list[dict[str, Any]] = []
    for day in days:
        row: dict[str, Any] = {key: _sentinel(spec, key, advertiser_id, day) for key in spec.primary_key}
        row["advertiser_id"] = advertiser_id
        if spec.day_column:
            row[spec.day_column] = day
        row[DAY_MARKER_COLUMN] = True
        markers.append(row)
    return markers

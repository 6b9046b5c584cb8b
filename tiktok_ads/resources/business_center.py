"""The Business Center tables: read per Business Center, not per advertiser.

Which BCs: ``sources.tiktok_ads.bc_ids`` when set, else every BC ``bc/get/`` lists for the token's user.
Endpoints and parameters as in the official SDK (``business_api_client/api/bc_api.py``,
``bc_payment_api.py``): ``bc/get/``, ``bc/asset/get/`` (``asset_type = ADVERTISER``), ``bc/balance/get/``,
``advertiser/balance/get/``, ``bc/transaction/get/`` (``start_date``/``end_date`` top-level) and
``advertiser/transaction/get/`` (``start_date``/``end_date`` inside ``filtering``).

Incremental rules (state per BC, ``{"bcs": {bc_id: {"last_date": "YYYY-MM-DD"}}}``):

- ``business_centers``, ``bc_advertisers``: read whole every run, merged on the key.
- ``bc_balances``, ``advertiser_balances``: a balance is a point in time, so each run adds (or, on the
  same UTC day, replaces) one row per BC / account keyed by ``balance_date``: the table is a daily history.
- ``bc_transactions``, ``advertiser_transactions``: a run asks for ``last_date - attribution_window_days``
  (first run: ``start_date``) to tomorrow (UTC; accounts east of UTC are a day ahead) and merges; the re-read
  covers cost records of days that close late in western time zones. TikTok gives records no id, so the key
  is the day, the kind and ``seq``, the record's position among the same day's records of that kind in
  TikTok's answer (UNSURE: assumes TikTok's order is stable; the emulator's is). ``end_date`` backfills
  ``start_date..end_date`` and leaves the state alone.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from tiktok_ads.endpoints.bc_reports import bc_report_rows
from tiktok_ads.endpoints.transform import _check_keys, _located, converters
from tiktok_ads.errors import TikTokAPIError, TikTokBadResponseError
from tiktok_ads.resources.cursors import AdvertiserCursor
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.tables.records import BusinessCenterTable

Rows = list[dict[str, Any]]


def _type(spec: BusinessCenterTable, rows: Rows, where: str) -> Rows:
    """Type rows by the table's pinned columns (unpinned fields dropped: the tables are pinned whole)."""
    convert = converters(spec)
    out: Rows = []
    try:
        for raw in rows:
            row = {k: convert[k](raw.get(k), k) for k in spec.columns}
            _check_keys(spec, row)
            out.append(row)
    except TikTokBadResponseError as err:
        raise _located(err, spec, None).add_context(bc_id=where) from None
    return out


_bc_cache_lock = threading.Lock()


def business_center_ids(ctx: SourceContext) -> list[str]:
    """The run's BCs: ``bc_ids``, or every BC of ``bc/get/`` (listed once per source instance)."""
    if ctx.config.bc_ids:
        return list(ctx.config.bc_ids)
    with _bc_cache_lock:
        cached: list[str] | None = ctx.__dict__.get("_bc_ids")
        if cached is None:
            cached = [str(r["bc_info"]["bc_id"]) for r in _bc_objects(ctx, None) if r.get("bc_info")]
            ctx.__dict__["_bc_ids"] = cached
        return list(cached)


def _pages(
    ctx: SourceContext, spec: BusinessCenterTable, params: dict[str, Any]
) -> Iterator[Sequence[dict[str, Any]]]:
    size = min(ctx.config.page_size, spec.max_page_size)
    yield from ctx.client.paginate(spec.endpoint, params, page_size=size, list_key=spec.list_key)


def _bc_objects(ctx: SourceContext, bc_id: str | None) -> Rows:
    params: dict[str, Any] = {"bc_id": bc_id} if bc_id else {}
    rows: Rows = []
    for page in ctx.client.paginate("bc/get/", params, page_size=50):
        rows.extend(r for r in page if isinstance(r, dict))
    return rows


def _flat_bc(raw: dict[str, Any]) -> dict[str, Any]:
    info = raw.get("bc_info") or {}
    ext = raw.get("ext_user_role") or {}
    return {**info, "user_role": raw.get("user_role"), "finance_role": ext.get("finance_role")}


def _with_seq(rows: Rows, *fields: str) -> Rows:
    """Number each row among the rows with the same ``fields`` (in answer order), from 0."""
    seen: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        key = tuple(row.get(f) for f in fields)
        row["seq"] = seen[key]
        seen[key] += 1
    return rows


def _today(ctx: SourceContext) -> dt.date:
    return ctx.clock().astimezone(dt.timezone.utc).date()


def _read(
    ctx: SourceContext, spec: BusinessCenterTable, bc_id: str, since: dt.date | None, until: dt.date
) -> Rows:
    """Every raw row of one BC for one table (already flattened, not typed)."""
    name = spec.name
    if name == "business_centers":
        return [_flat_bc(r) for r in _bc_objects(ctx, bc_id)]
    if spec.endpoint == "report/integrated/get/":  # bc_advertiser_insights
        return bc_report_rows(ctx.client, spec, bc_id, since or until, until, page_size=ctx.config.page_size)
    if name == "bc_balances":
        data = ctx.client.get(spec.endpoint, {"bc_id": bc_id})
        return [{**data, "bc_id": data.get("bc_id") or bc_id, "balance_date": _today(ctx)}]
    params: dict[str, Any] = {"bc_id": bc_id}
    if name == "bc_advertisers":
        params["asset_type"] = "ADVERTISER"
    elif name == "bc_transactions":
        params.update(start_date=since.isoformat() if since else None, end_date=until.isoformat())
    elif name == "advertiser_transactions":
        params["filtering"] = {"start_date": (since or until).isoformat(), "end_date": until.isoformat()}
    rows: Rows = [dict(r) for page in _pages(ctx, spec, params) for r in page if isinstance(r, dict)]
    for row in rows:
        row["bc_id"] = bc_id
        if name == "bc_advertisers":
            row["advertiser_id"] = row.get("asset_id")
        elif name == "advertiser_balances":
            row["balance_date"] = _today(ctx)
        elif name in ("bc_transactions", "advertiser_transactions"):
            row["transaction_date"] = row.get("date")
    if name == "bc_transactions":
        _with_seq(rows, "transaction_date", "funds_type")
    elif name == "advertiser_transactions":
        _with_seq(rows, "advertiser_id", "transaction_date", "transfer_type", "funds_type")
    return rows


def _typed_rows(
    ctx: SourceContext, spec: BusinessCenterTable, bc_id: str, since: dt.date | None, until: dt.date
) -> Rows:
    """One BC's typed rows of one table (counted in the run summary); errors name the table and the BC."""
    try:
        rows = _type(spec, _read(ctx, spec, bc_id, since, until), bc_id)
    except TikTokAPIError as err:
        err.add_context(table=spec.name, bc_id=bc_id)
        raise
    if rows:
        ctx.summary.count(spec.name, bc_id, len(rows))
    return rows


def bc_partition(
    ctx: SourceContext, spec: BusinessCenterTable, bc_id: str, cursor: AdvertiserCursor
) -> Iterator[Any]:
    """One Business Center's transactions since its cursor (``lag`` days before it), then the cursor moved.

    Args:
        ctx: the source context.
        spec: ``bc_transactions`` or ``advertiser_transactions``.
        bc_id: the Business Center.
        cursor: its cursor of the table (the newest transaction day loaded).

    Yields:
        Typed rows.
    """
    until = _today(ctx) + dt.timedelta(days=1)
    stored = cursor.stored(ctx)
    if cursor.is_backfill:
        since, until = cursor.backfill_days(ctx)
    elif stored is not None:
        since = max(cursor.first_day(ctx), stored - dt.timedelta(days=cursor.lag_days))
    else:
        since = cursor.first_day(ctx)
    rows = _typed_rows(ctx, spec, bc_id, since, until)
    if rows:
        yield rows
    # the newest day loaded so far (a run that found nothing newer keeps the stored day)
    days = [r[str(spec.cursor)] for r in rows] + ([stored] if stored is not None else [])
    cursor.commit(max(days) if days else None, ctx)


def bc_rows(ctx: SourceContext, spec: BusinessCenterTable) -> Iterator[Rows]:
    """The rows of a Business Center table without cursor, BC after BC (see the module docstring).

    Args:
        ctx: the source context.
        spec: a table of kind ``business_center``.

    Yields:
        Typed rows, one list per BC.
    """
    tomorrow = _today(ctx) + dt.timedelta(days=1)
    for bc_id in business_center_ids(ctx):
        rows = _typed_rows(ctx, spec, bc_id, None, tomorrow)
        if rows:
            yield rows

"""The truth API: what a correct loader's tables hold, computed from the model without HTTP.

Tests compare the destination with these rows value for value. Values are typed the way the wire
strings read: counts ``int``, money and ratios ``Decimal``, ``"-"`` ``None``, attributes ``str``,
``stat_time_day`` a ``date``, ``stat_time_hour`` a naive ``datetime`` (advertiser's wall clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from tiktok_ads.emulator.data import assets
from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.model import World
from tiktok_ads.emulator.data.wire import NO_APP
from tiktok_ads.emulator.rules import business_center, spark_ads

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def parse_metric(name: str, value: str | int | float | None) -> Any:
    """Type one metric's wire value by the catalogue, whether a string or a JSON number (``"-"`` and JSON
    null become ``None``, and so does an app attribute's ``0``/``"0"``: "no app", which a correct loader
    loads as NULL)."""
    if value is None or value == "-":
        return None
    if name in NO_APP and str(value) == "0":
        return None
    kind = m.METRICS[name].kind
    if kind == "count":
        return int(value)
    if kind in ("money", "ratio"):
        return Decimal(str(value))
    return value


def parse_dimension(name: str, value: str) -> Any:
    """Type one dimension's wire string (``stat_time_day`` a date, ``stat_time_hour`` a datetime)."""
    if name == "stat_time_day":
        return dt.date.fromisoformat(value[:10])
    if name == "stat_time_hour":
        return dt.datetime.strptime(value, TIME_FORMAT)
    return value


def flatten(advertiser_id: str, row: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One API report row as a flat typed dict with ``advertiser_id``."""
    out: dict[str, Any] = {"advertiser_id": advertiser_id}
    for name, value in row["dimensions"].items():
        out[name] = parse_dimension(name, value)
    for name, value in row["metrics"].items():
        out[name] = parse_metric(name, value)
    return out


def report_rows(
    world: World,
    *,
    advertiser_ids: Sequence[str],
    report_type: str,
    data_level: str,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    start_date: dt.date,
    end_date: dt.date | None = None,
    include_deleted: bool = False,
    lifetime: bool = False,
) -> list[dict[str, Any]]:
    """Every row of a report table for the advertisers, as of the world's clock.

    Each advertiser's range runs from ``start_date`` to ``end_date`` or, by default, its own local
    today (in its time zone). Unlike the API, there is no limit on the span.
    """
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        end = end_date or world.local_today(adv_id)
        if end < start_date and not lifetime:
            continue
        result = world.report(
            adv_id,
            report_type=report_type,
            data_level=data_level,
            dimensions=list(dimensions),
            metrics=list(metrics),
            start_date=None if lifetime else start_date,
            end_date=None if lifetime else end,
            lifetime=lifetime,
            include_deleted=include_deleted,
        )
        out.extend(flatten(adv_id, row) for row in result.rows(0, len(result)))
    return out


def entity_rows(
    world: World,
    kind: str,
    *,
    advertiser_ids: Sequence[str],
    include_deleted: bool = False,
    seen_at: Iterable[dt.datetime] | None = None,
) -> list[dict[str, Any]]:
    """The versions of campaigns/ad groups/ads a loader keeping one row per ``modify_time`` holds.

    ``seen_at`` lists the instants the loader ran (default: only the world's clock); each run sees the
    version current then, so rows are the union of those versions, keyed by id and ``modify_time``.
    Deleted entities are in only when ``include_deleted``. Dicts are the API objects, untyped.
    """
    id_key = f"{kind}_id"

    def listed(adv_id: str, when: dt.datetime) -> Iterator[dict[str, Any]]:
        for obj in world.entity_objects(kind, adv_id):
            if obj.exists(when) and (include_deleted or not obj.is_deleted(when)):
                yield world.entity_dict(obj, when)

    moments = list(seen_at) if seen_at is not None else [world.now]
    return loaded_rows(
        moments, advertiser_ids, listed, lambda api: (str(api[id_key]), str(api["modify_time"]))
    )


def loaded_rows(
    moments: Iterable[dt.datetime],
    advertiser_ids: Sequence[str],
    listed: Callable[[str, dt.datetime], Iterable[dict[str, Any]]],
    key: Callable[[dict[str, Any]], Hashable],
) -> list[dict[str, Any]]:
    """The rows a loader holds after running at each of ``moments``, in turn.

    Each run keeps every object ``listed`` (advertiser id, instant) answers; a row of a later run replaces
    the one of the same ``key`` (the id, or id and version) from an earlier run.
    """
    rows: dict[Hashable, dict[str, Any]] = {}
    for when in moments:
        for adv_id in advertiser_ids:
            for api in listed(adv_id, when):
                rows[key(api)] = api
    return list(rows.values())


def advertiser_rows(world: World, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The ``advertiser/info/`` objects of the advertisers."""
    return [world.advertiser_info(a) for a in advertiser_ids]


#: asset kind -> lister in :mod:`.assets`
ASSET_LISTERS = {
    "image": assets.images,
    "video": assets.videos,
    "audience": assets.audiences,
    "pixel": assets.pixels,
}


def asset_rows(world: World, kind: str, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The ad images / videos / custom audiences / pixels a loader keeping one row per object holds now.

    ``kind`` is ``image``, ``video``, ``audience`` or ``pixel``. Each object is its latest API dict (untyped,
    as :mod:`.assets` lists it) with ``advertiser_id`` added. Assets are never deleted in the model, so
    the current lists are the whole truth whenever the loader ran.
    """
    lister = ASSET_LISTERS[kind]
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        adv = world.advertiser(adv_id)
        if adv is None:
            raise KeyError(adv_id)
        out.extend({**row, "advertiser_id": adv_id} for row in lister(world, adv))
    return out


def bc_table_rows(world: World, table: str, balance_dates: Sequence[dt.date] = ()) -> list[dict[str, Any]]:
    """What a Business Center table holds after runs on ``balance_dates`` (UTC days; balances only).

    ``table`` is one of ``business_centers``, ``bc_advertisers``, ``bc_balances``, ``advertiser_balances``,
    ``bc_transactions``, ``advertiser_transactions``. Rows are the API objects, flattened and keyed as the
    source stores them (``bc_id`` added, ``transaction_date`` for ``date``, ``seq`` 0 as the model never has
    two records of one day and kind), untyped. Balances are the model's balance now, one row per given day;
    transactions are every record up to now (the model never changes a past record).
    """
    bc = business_center.bc_id(world)
    if table == "business_centers":
        raw = business_center.bc_object(world)
        return [{**raw["bc_info"], "user_role": raw["user_role"], "finance_role": "MANAGER"}]
    if table == "bc_advertisers":
        return [
            {**a, "bc_id": bc, "advertiser_id": a["asset_id"]}
            for a in business_center.advertiser_assets(world)
        ]
    if table == "bc_balances":
        return [{**business_center.bc_balance(world), "balance_date": d} for d in balance_dates]
    owned = business_center.owned_advertisers(world)
    if table == "advertiser_balances":
        return [
            {**business_center.advertiser_balance(world, a), "bc_id": bc, "balance_date": d}
            for d in balance_dates
            for a in owned
        ]
    if table == "bc_transactions":
        records = business_center.bc_transactions(world)
    elif table == "advertiser_transactions":
        records = [r for a in owned for r in business_center.advertiser_transactions(world, a)]
    else:
        raise KeyError(table)
    return [{**r, "bc_id": bc, "transaction_date": r["date"], "seq": 0} for r in records]


def bc_report_rows(world: World, metrics: Sequence[str], start_date: dt.date) -> list[dict[str, Any]]:
    """The ``bc_advertiser_insights`` table: each BC account's advertiser-level days from ``start_date`` to its
    local today, with ``bc_id``, ``currency`` and ``timezone`` (what ``report_type = BC`` answers)."""
    bc = business_center.bc_id(world)
    owned = business_center.owned_advertisers(world)
    rows = report_rows(
        world,
        advertiser_ids=[a.advertiser_id for a in owned],
        report_type="BASIC",
        data_level=m.AUCTION_ADVERTISER,
        dimensions=["advertiser_id", "stat_time_day"],
        metrics=metrics,
        start_date=start_date,
        include_deleted=True,
    )
    accounts = {a.advertiser_id: a for a in owned}
    for row in rows:
        adv = accounts[row["advertiser_id"]]
        row.update(bc_id=bc, currency=adv.currency, timezone=adv.timezone)
    return rows


def identity_rows(world: World, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The ``identities`` table: every identity of each advertiser, with ``advertiser_id``."""
    return [
        {**row, "advertiser_id": adv_id}
        for adv_id in advertiser_ids
        for row in spark_ads.identities(world, _adv(world, adv_id))
    ]


def spark_post_rows(
    world: World, advertiser_ids: Sequence[str], *, include_deleted: bool = False
) -> list[dict[str, Any]]:
    """The ``spark_ad_posts`` table: each post the advertiser's (listed) ads run, flattened as stored."""
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        adv = _adv(world, adv_id)
        used = {
            str(ad["tiktok_item_id"])
            for ad in entity_rows(world, "ad", advertiser_ids=[adv_id], include_deleted=include_deleted)
            if ad.get("tiktok_item_id")
        }
        for post in spark_ads.posts(world, adv):
            if post["item_id"] not in used:
                continue
            flat = _post_row(post, post["video_info"], post["auth_info"])
            flat.update(
                advertiser_id=adv_id, identity_id=spark_ads.spark_identity_id(adv), identity_type="AUTH_CODE"
            )
            out.append(flat)
    return out


def authorized_post_rows(world: World, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The ``spark_authorized_posts`` table: every ``tt_video/list/`` item of each advertiser, flattened as
    stored (``item_info``, ``video_info``, ``auth_info`` and ``user_info`` fields; never the ``auth_code``)."""
    out: list[dict[str, Any]] = []
    for adv_id in advertiser_ids:
        for item in spark_ads.authorized_posts(world, _adv(world, adv_id)):
            auth = item["auth_info"]
            flat = _post_row(item["item_info"], item["video_info"], auth)
            flat.update(
                invite_start_time=auth["invite_start_time"], advertiser_id=adv_id, **item["user_info"]
            )
            out.append(flat)
    return out


_VIDEO_FIELDS = ("duration", "width", "height", "size", "bit_rate", "poster_url", "url", "signature")


def _post_row(item: dict[str, Any], video: dict[str, Any], auth: dict[str, Any]) -> dict[str, Any]:
    flat = {k: item[k] for k in ("item_id", "item_type", "status", "text")}
    flat.update({k: video.get(k) for k in _VIDEO_FIELDS})
    flat.update({k: auth.get(k) for k in ("ad_auth_status", "auth_start_time", "auth_end_time")})
    return flat


def _adv(world: World, advertiser_id: str) -> Any:
    adv = world.advertiser(advertiser_id)
    if adv is None:
        raise KeyError(advertiser_id)
    return adv


def additive_totals(rows: Iterable[dict[str, Any]], names: Sequence[str] | None = None) -> dict[str, Any]:
    """Sum of each additive metric over rows (``None`` counts as zero)."""
    wanted = list(names or m.ADDITIVE_METRICS)
    totals: dict[str, Any] = {}
    for row in rows:
        for name in wanted:
            if name in row and row[name] is not None:
                totals[name] = totals.get(name, 0) + row[name]
    return totals

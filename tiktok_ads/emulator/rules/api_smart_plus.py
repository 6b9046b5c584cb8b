"""API rules of the Upgraded Smart+ read endpoints (data in :mod:`.smart_plus`).

Sources: the official SDK (``tiktok-business-api-sdk-official``: ``FilteringSmartPlusCampaignGet``,
``FilteringSmartPlusAdgroupGet``, ``FilteringSmartPlusAdGet``, ``ReportingApi.smart_plus_material_report_*``
and their ``Filtering...`` models) and the Go SDK ``bububa/tiktok-business`` (``model/{campaign,adgroup,ad}/
smartplus/get.go``, ``model/report/smartplus/marterial_report.go``, ``api/report/smartplus``).

- ``GET smart_plus/campaign/get/``, ``smart_plus/adgroup/get/``, ``smart_plus/ad/get/``: ``advertiser_id``,
  ``fields``, ``filtering`` (``campaign_ids``; ``adgroup_ids`` for ad groups and ads; ``smart_plus_ad_ids`` for
  ads; each <= 100; ``primary_status`` default ``STATUS_NOT_DELETE``, ``STATUS_ALL`` for every status;
  ``creation_filter_start_time`` / ``_end_time``; ``modified_after`` for ads, all ``YYYY-MM-DD HH:MM:SS`` UTC),
  ``page``, ``page_size`` 1..1000 default 10; ``data.list`` + ``page_info``, newest id first. UNSURE:
  ``modified_after`` leaves out ads answered without ``modify_time``.
- ``GET smart_plus/material_report/overview/``: ``advertiser_id``, ``dimensions`` (required), ``metrics``
  (default ``["spend", "impressions"]``), ``start_date`` / ``end_date`` (at most 365 days) unless
  ``query_lifetime``, ``filtering`` (``campaign_ids`` / ``adgroup_ids`` / ``smart_plus_ad_ids``, <= 200 and
  not combined with each other; ``main_material_types``; ``main_material_ids`` needs exactly one
  ``main_material_types``), ``sort_field`` (default ``spend``) / ``sort_type`` (default DESC), ``page``,
  ``page_size`` 1..100 default 10 (marterial_report.go).
- ``GET smart_plus/material_report/breakdown/``: the same with ``start_date`` / ``end_date`` required and a
  time dimension (the Go SDK: "breakdown by time range (hour, day, week, or month)").

UNSURE, chosen as the most plausible: rows carry their dimensions under ``dimensions`` (as every other TikTok
report, and as peer code reading live answers does; the Go SDK tags the field ``info``) and
``main_material_type`` with ``main_material_id``; both reports need ``main_material_id`` among the
dimensions; a ratio over zero is ``"0.00"``; rows without figures are left out; the breakdown's time
dimensions are ``stat_time_day`` (at most 30 days) and ``stat_time_hour`` (one day), named as in
``report/integrated/get/`` (week and month are not modelled); the entity-id dimensions
of ad texts, calls to action and add-ons are not modelled (40002); deleted ads' figures stay in both reports
(the reports have no status filter).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tiktok_ads.emulator.data import smart_plus as sp
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.params import (
    AdvertiserLister,
    created_between,
    get_bool,
    get_date_range,
    get_datetime,
    get_filtering,
    get_id_list,
    get_str,
    get_str_list,
    keep_ids,
    page_of,
    page_with_fields,
    param_error,
    parse_json_list,
)

PRIMARY_STATUSES = (
    "STATUS_ALL",
    "STATUS_NOT_DELETE",
    "STATUS_DELETE",
    "STATUS_DELIVERY_OK",
    "STATUS_DISABLE",
)
#: kind -> id filters it takes (filter name -> field of the object dict)
ID_FILTERS: dict[str, dict[str, str]] = {
    "campaign": {"campaign_ids": "campaign_id"},
    "adgroup": {"campaign_ids": "campaign_id", "adgroup_ids": "adgroup_id"},
    "ad": {
        "campaign_ids": "campaign_id",
        "adgroup_ids": "adgroup_id",
        "smart_plus_ad_ids": "smart_plus_ad_id",
    },
}
ID_DIMENSIONS = ("advertiser_id", "campaign_id", "adgroup_id", "smart_plus_ad_id", "main_material_id")
TIME_DIMENSIONS = ("stat_time_day", "stat_time_hour")
_NOT_MODELLED = ("ad_text_entity_id", "call_to_action_entity_id", "interactive_add_on_entity_id")
MATERIAL_TYPE = "VIDEO_NON_SPARK_ADS"
MATERIAL_TYPES = (
    "VIDEO_NON_SPARK_ADS",
    "VIDEO_SPARK_ADS",
    "CAROUSEL_NON_SPARK_ADS",
    "CAROUSEL_SPARK_ADS",
    "SINGLE_IMAGE_NON_SPARK_ADS",
    "CATALOG_VIDEO",
    "CATALOG_VIDEO_TEMPLATE",
    "CATALOG_CAROUSEL",
    "CATALOG_MULTI_SHOW",
)
#: ratio metric -> (numerator, denominator, scale); spend is in cents
RATIOS: dict[str, tuple[str, str, int]] = {
    "ctr": ("clicks", "impressions", 100),
    "cpc": ("spend", "clicks", 1),
    "cpm": ("spend", "impressions", 1000),
    "cost_per_conversion": ("spend", "conversion", 1),
}
METRICS = (*sp.FIELDS, *RATIOS)


# ----------------------------------------------------------------------------------------------- entities


def _lister(kind: str) -> AdvertiserLister:
    def answer(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
        filtering = get_filtering(params)
        status = filtering.get("primary_status", "STATUS_NOT_DELETE")
        if status not in PRIMARY_STATUSES:
            raise param_error(f"filtering.primary_status: Invalid enum value {status!r}.")
        now = world.now
        found = sp.objects(world, adv, kind)
        if status == "STATUS_DELETE":
            found = [o for o in found if o.is_deleted(now)]
        elif status != "STATUS_ALL":
            found = [o for o in found if not o.is_deleted(now)]
        rows = [sp.object_dict(world, o) for o in found]
        for name, field in ID_FILTERS[kind].items():
            if name in filtering:
                rows = keep_ids(rows, f"filtering.{name}", filtering[name], field)
        rows = created_between(rows, filtering)
        if "modified_after" in filtering:
            if kind != "ad":
                raise param_error(f"filtering.modified_after: Unknown field for smart_plus/{kind}/get/.")
            limit = get_datetime("filtering.modified_after", filtering["modified_after"])
            rows = [r for r in rows if r.get("modify_time") is not None and r["modify_time"] > limit]
        return page_with_fields(rows, params, 1000)

    answer.__name__ = f"list_smart_plus_{kind}s"
    return answer


# ------------------------------------------------------------------------------------------------ reports


def _metric_values(metrics: list[str], figures: dict[str, int]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in metrics:
        if name == "spend":
            out[name] = f"{Decimal(figures['spend']) / 100:.2f}"
        elif name in sp.FIELDS:
            out[name] = str(figures[name])
        else:
            num, den, scale = RATIOS[name]
            top = Decimal(figures[num]) / (100 if num == "spend" else 1)
            bottom = Decimal(figures[den])
            value = Decimal(0) if bottom == 0 else top / bottom * scale
            out[name] = str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))
    return out


def _report(breakdown: bool) -> AdvertiserLister:
    def answer(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
        dimensions = get_str_list(params, "dimensions", required=True) or []
        allowed = (*ID_DIMENSIONS, *(TIME_DIMENSIONS if breakdown else ()))
        for dim in dimensions:
            if dim in _NOT_MODELLED:
                raise param_error(f"dimensions: {dim} is not supported by this emulator.")
            if dim not in allowed:
                raise param_error(f"dimensions: Invalid dimension {dim!r}; allowed: {', '.join(allowed)}.")
        if "main_material_id" not in dimensions:
            raise param_error("dimensions: Must include main_material_id.")
        times = [d for d in dimensions if d in TIME_DIMENSIONS]
        if len(times) > 1:
            raise param_error("dimensions: stat_time_day and stat_time_hour cannot be combined.")
        if breakdown and not times:
            raise param_error("dimensions: A breakdown report needs stat_time_day or stat_time_hour.")
        time_dim = times[0] if times else None
        metrics = get_str_list(params, "metrics") or ["spend", "impressions"]
        for name in metrics:
            if name not in METRICS:
                raise param_error(f"metrics: Invalid metric {name!r}.")
        lifetime = not breakdown and get_bool(params, "query_lifetime")
        start: dt.date | None = None
        end: dt.date | None = None
        if not lifetime:
            start, end = get_date_range(params, "Must be on or after start_date.")
            limit = {"stat_time_day": 30, "stat_time_hour": 1, None: 365}[time_dim]
            if (end - start).days + 1 > limit:
                raise param_error(
                    f"end_date: The time span between start_date and end_date must be at most {limit} days."
                )
        filtering = get_filtering(params)
        scopes = [f for f in ("campaign_ids", "adgroup_ids", "smart_plus_ad_ids") if f in filtering]
        if len(scopes) > 1:
            raise param_error(f"filtering: {scopes[0]} cannot be combined with {scopes[1]}.")
        ads = sp.objects(world, adv, "ad")
        dicts = {a.object_id: sp.object_dict(world, a) for a in ads}
        if scopes:
            field = {"campaign_ids": "campaign_id", "adgroup_ids": "adgroup_id"}.get(
                scopes[0], "smart_plus_ad_id"
            )
            wanted = set(get_id_list(f"filtering.{scopes[0]}", filtering[scopes[0]], max_len=200))
            ads = [a for a in ads if dicts[a.object_id][field] in wanted]
        if "main_material_types" in filtering:
            types = parse_json_list("filtering.main_material_types", filtering["main_material_types"])
            bad = [t for t in types if t not in MATERIAL_TYPES]
            if bad:
                raise param_error(f"filtering.main_material_types: Invalid enum value {bad[0]!r}.")
            if MATERIAL_TYPE not in types:
                ads = []
        material_filter: set[str] | None = None
        if "main_material_ids" in filtering:
            chosen = filtering.get("main_material_types")
            if not isinstance(chosen, list) or len(chosen) != 1:
                raise param_error("filtering.main_material_ids: Needs exactly one main_material_types.")
            material_filter = set(
                get_id_list("filtering.main_material_ids", filtering["main_material_ids"], max_len=400)
            )

        groups: dict[tuple[str, ...], dict[str, int]] = {}
        for ad in ads:
            d = dicts[ad.object_id]
            first, last = sp.lifetime_range(world, ad)
            lo, hi = (first, last) if start is None or end is None else (max(first, start), min(last, end))
            for material in sp.materials(world, ad):
                if material_filter is not None and material not in material_filter:
                    continue
                day = lo
                while day <= hi:
                    if time_dim == "stat_time_hour":
                        records = [
                            (f"{day.isoformat()} {h:02d}:00:00", f)
                            for h, f in enumerate(sp.hour_figures(world, ad, material, day))
                        ]
                    else:
                        records = [(f"{day.isoformat()} 00:00:00", sp.day_figures(world, ad, material, day))]
                    for stamp, figures in records:
                        if not any(figures.values()):
                            continue
                        values = {
                            "advertiser_id": adv.advertiser_id,
                            "campaign_id": d["campaign_id"],
                            "adgroup_id": d["adgroup_id"],
                            "smart_plus_ad_id": ad.object_id,
                            "main_material_id": material,
                            "stat_time_day": stamp if time_dim == "stat_time_day" else "",
                            "stat_time_hour": stamp if time_dim == "stat_time_hour" else "",
                        }
                        key = tuple(values[dim] for dim in dimensions)
                        acc = groups.setdefault(key, dict.fromkeys(sp.FIELDS, 0))
                        for k, v in figures.items():
                            acc[k] += v
                    day += dt.timedelta(days=1)

        rows: list[dict[str, Any]] = []
        for key, figures in groups.items():
            dims = dict(zip(dimensions, key, strict=True))
            dims["main_material_type"] = MATERIAL_TYPE
            rows.append({"dimensions": dims, "metrics": _metric_values(metrics, figures), "_sort": figures})
        sort_field = get_str(params, "sort_field") or "spend"
        if sort_field not in METRICS:
            raise param_error(f"sort_field: Invalid field {sort_field!r}.")
        descending = (get_str(params, "sort_type") or "DESC") == "DESC"

        def order(row: dict[str, Any]) -> tuple[Decimal, tuple[str, ...]]:
            text = _metric_values([sort_field], row["_sort"])[sort_field]
            return Decimal(text) * (-1 if descending else 1), tuple(
                str(v) for v in row["dimensions"].values()
            )

        rows.sort(key=order)  # ties by dimension values, so pages are stable
        for row in rows:
            del row["_sort"]
        return page_of(rows, params, 100)

    answer.__name__ = "material_report_breakdown" if breakdown else "material_report_overview"
    return answer


#: route -> handler, for :class:`.api.Api` (each answers for one authorized advertiser)
SMART_PLUS_ROUTES: dict[str, AdvertiserLister] = {
    "smart_plus/campaign/get/": _lister("campaign"),
    "smart_plus/adgroup/get/": _lister("adgroup"),
    "smart_plus/ad/get/": _lister("ad"),
    "smart_plus/material_report/overview/": _report(breakdown=False),
    "smart_plus/material_report/breakdown/": _report(breakdown=True),
}

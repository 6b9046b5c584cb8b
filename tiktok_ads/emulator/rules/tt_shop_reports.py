"""GMV Max ads reports: ``GET report/integrated/get/`` with ``report_type = TT_SHOP``.

What TikTok documents (a public mirror of TikTok's API docs, found with find_string ``Report types/GMV Max``;
the pages are TikTok's, cited by Doc ID):

- [TTD-gmv] "GMV max ads reports" (Doc ID 1803073629472770): data of Product and LIVE GMV Max ads created
  from TikTok Shop; synchronous only; not in ``CHUNK`` mode; "Filters for GMV max ads reports are not
  available"; no lifetime metrics. Its use cases: ``service_type=AUCTION``, ``data_level=AUCTION_ADVERTISER``,
  dimensions ``["advertiser_id","country_code"]`` and ``["advertiser_id","country_code","stat_time_day"]``,
  metrics ``["spend","billed_cost"]``.
- [TTD-gmv-d] "GMV max ads reports / Supported dimensions" (Doc ID 1803073899092993): ``advertiser_id``,
  ``campaign_id``, ``stat_time_day``, ``country_code``, in one of five groupings: ``[advertiser_id]``,
  ``[advertiser_id, country_code]``, ``[advertiser_id, country_code, stat_time_day]``,
  ``[campaign_id, country_code]``, ``[campaign_id, country_code, stat_time_day]``.
- [TTD-types] "Report types" (Doc ID 1738864835805186): "spending data" of GMV Max ads at campaign and ad
  account level; auction only.
- [TTD-sync] "Run a synchronous report" (Doc ID 1740302848100353; [BB] bububa/tiktok-business
  model/report/integrated_get.go): ``advertiser_id`` required (not ``advertiser_ids``); ``data_level`` only
  ``AUCTION_ADVERTISER`` or ``AUCTION_CAMPAIGN``; default metrics ``["spend", "billed_cost"]``; ``filtering``
  "not supported"; spans 30 days with ``stat_time_day``, 365 without; ``query_lifetime`` only for BASIC and
  PLAYABLE_MATERIAL; ``enable_total_metrics`` allowed (not modelled, as for BASIC).

What the model says (UNSURE where no source says it):

- The figures are the advertiser's GMV Max campaigns' (:mod:`.gmv_max`, the ones ``gmv_max/report/get/``
  reports): ``spend`` is their ``cost``, ``billed_cost`` their ``net_cost`` (cost less ad credits: TikTok
  defines billed cost as spend without ad credits or coupons), per local day; a grouping without
  ``stat_time_day`` sums the range. Every shop targets its advertiser's country, so ``country_code`` is that
  country (UNSURE: multi-region shops would split).
- Metrics: ``spend`` and ``billed_cost`` only (UNSURE: the metrics page, Doc ID 1803073913733121, is not in
  our sources; these two are all its examples and peers use).
- The grouping's id must match ``data_level`` (``advertiser_id`` with AUCTION_ADVERTISER, ``campaign_id``
  with AUCTION_CAMPAIGN; UNSURE); without ``data_level`` the grouping decides. Rows exist for the days a
  campaign ran (GMV Max always spends then); a grouping by advertiser alone gives one row, zeros included.
- ``filtering``, ``query_lifetime``, ``query_mode=CHUNK``, ``service_type=RESERVATION`` and ``advertiser_ids``
  are refused with 40002 (UNSURE: TikTok might ignore some).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tiktok_ads.emulator.data import gmv_max as g
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.params import get_str, get_str_list, page_of, param_error
from tiktok_ads.emulator.rules.reports import metric_list, validate_dates

__all__ = ["TT_SHOP_GROUPINGS", "TT_SHOP_METRICS", "run_tt_shop_report"]

TT_SHOP_GROUPINGS: tuple[frozenset[str], ...] = (
    frozenset({"advertiser_id"}),
    frozenset({"advertiser_id", "country_code"}),
    frozenset({"advertiser_id", "country_code", "stat_time_day"}),
    frozenset({"campaign_id", "country_code"}),
    frozenset({"campaign_id", "country_code", "stat_time_day"}),
)
"""[TTD-gmv-d]: the dimension groupings TikTok lists (any order)."""
TT_SHOP_METRICS = ("spend", "billed_cost")
_FIGURE = {"spend": "cost", "billed_cost": "net_cost"}
_LEVEL_ID = {"AUCTION_ADVERTISER": "advertiser_id", "AUCTION_CAMPAIGN": "campaign_id"}


def _check_params(params: Mapping[str, str]) -> None:
    for name in ("filtering", "query_lifetime", "advertiser_ids"):
        if params.get(name, "").strip() and params.get(name, "").strip().lower() not in ("false", "[]"):
            raise param_error(f"{name}: Not supported when report_type is TT_SHOP.")
    if get_str(params, "query_mode") == "CHUNK":
        raise param_error("query_mode: CHUNK is only supported in synchronous basic reports.")
    if get_str(params, "service_type") not in (None, "AUCTION"):
        raise param_error("service_type: GMV max ads reports only support AUCTION.")


def _dimensions(params: Mapping[str, str]) -> list[str]:
    dims = get_str_list(params, "dimensions", required=True) or []
    if len(set(dims)) != len(dims) or frozenset(dims) not in TT_SHOP_GROUPINGS:
        raise param_error(
            f"dimensions: {dims} is not a supported grouping of GMV max ads reports; use one of "
            + ", ".join(str(sorted(gr)) for gr in TT_SHOP_GROUPINGS)
            + "."
        )
    level = get_str(params, "data_level")
    if level is not None:
        if level not in _LEVEL_ID:
            raise param_error("data_level: Must be AUCTION_ADVERTISER or AUCTION_CAMPAIGN for TT_SHOP.")
        if _LEVEL_ID[level] not in dims:
            raise param_error(f"dimensions: data_level {level} requires {_LEVEL_ID[level]!r}; got {dims}.")
    return dims


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def run_tt_shop_report(
    world: World, adv: Advertiser, params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer a ``report_type = TT_SHOP`` request of an (authorised) advertiser: ``data`` and its row count.

    Args:
        world: the data model.
        adv: the advertiser.
        params: the query parameters.

    Returns:
        ``({"list": ..., "page_info": ...}, rows on this page)``.
    """
    _check_params(params)
    dims = _dimensions(params)
    metrics = metric_list(params, TT_SHOP_METRICS, TT_SHOP_METRICS)  # [TTD-sync]'s default
    start, end = validate_dates(params, dims, lifetime=False)
    assert start is not None and end is not None
    daily = "stat_time_day" in dims
    # (campaign id or None, day or None) -> summed figures in cents
    sums: dict[tuple[str | None, dt.date | None], dict[str, int]] = {}
    if "advertiser_id" in dims and not daily:
        sums[(None, None)] = dict.fromkeys(_FIGURE.values(), 0)  # one row, zeros included
    for c in sorted(g.campaigns(world, adv), key=lambda c: int(c.campaign_id)):
        day = max(start, g.first_day(c))
        while day <= end:
            figures = g.day_figures(world, c, day)
            if day <= world.local_today(adv.advertiser_id) and figures["cost"]:
                key = (c.campaign_id if "campaign_id" in dims else None, day if daily else None)
                into = sums.setdefault(key, dict.fromkeys(_FIGURE.values(), 0))
                for name in _FIGURE.values():
                    into[name] += figures[name]
            day += dt.timedelta(days=1)
    rows: list[dict[str, Any]] = []
    for (campaign_id, when), figures in sorted(
        sums.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or start)
    ):
        values = {
            "advertiser_id": adv.advertiser_id,
            "campaign_id": campaign_id,
            "country_code": adv.country,
            "stat_time_day": f"{when.isoformat()} 00:00:00" if when else None,
        }
        rows.append(
            {
                "dimensions": {d: values[d] for d in dims},
                "metrics": {name: _money(figures[_FIGURE[name]]) for name in metrics},
            }
        )
    return page_of(rows, params, 1000)

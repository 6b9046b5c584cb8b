"""API rules of eight more read endpoints (data in :mod:`.account_data`).

Per advertiser (``advertiser_id`` required and authorized, as every advertiser endpoint):

- ``GET dmp/saved_audience/list/``: ``saved_audience_ids`` (JSON list, at most 100), ``page``, ``page_size``;
  ``data.saved_audiences`` + ``page_info``. Parameters: official SDK ``AudienceApi.dmp_saved_audience_list``;
  the list key: [BB] model/dmp/savedaudience/list.go. UNSURE: page-size bounds (1..100, default 10, as the
  other audience list) and ``page_info`` (the SDK pages it, [BB] shows only the list).
- ``GET creative/portfolio/list/``: ``filtering`` (``creative_portfolio_ids`` at most 100,
  ``creative_portfolio_types``), ``page``, ``page_size`` 1..100 default 20; ``data.creative_portfolios`` +
  ``page_info`` ([BB] model/creative/portfolio/list.go; SDK ``FilteringCreativePortfolioList``).
- ``GET optimizer/rule/list/``: ``filtering`` (SDK ``FilteringOptimizerRuleList``: ``status`` is applied,
  ``action``/``data_dimension``/``rule_info``/``time`` are accepted), ``tzone``, ``page``, ``page_size``;
  ``data.rules`` + ``page_info``. UNSURE: the list key and page-size bounds (1..100, default 10).
- ``GET optimizer/rule/result/list/``: ``filtering`` (SDK ``FilteringOptimizerRuleResultList``; ``rule_info``
  as rule ids is applied), ``lang``, ``page``, ``page_size``; ``data.list`` + ``page_info``. UNSURE: as above.
- ``GET app/list/``: ``app_platform_ids`` (JSON list, optional filter); no paging (SDK
  ``AppManagementApi.app_list`` has no page parameters); ``data.apps``. UNSURE: the list key.
- ``GET identity/get/``: ``identity_type`` (CUSTOMIZED_USER, AUTH_CODE, TT_USER, BC_AUTH_TT; all when absent),
  ``identity_authorized_bc_id`` (required with BC_AUTH_TT), ``filtering.keyword`` (display name, partial
  match, CUSTOMIZED_USER only), ``page``, ``page_size`` 1..100 default 20; ``data.identity_list`` +
  ``page_info`` ([BB] model/identity/get.go; SDK ``IdentityApi.identity_get``).

Per Business Center (``bc_id`` required, no ``advertiser_id``: official SDK ``BcApi``/``BcPaymentApi``):

- ``GET advertiser/balance/get/``: ``bc_id``, ``child_bc_id``, ``fields``, ``filtering`` (``keyword`` on ad
  account name or id, ``advertiser_status``), ``page``, ``page_size`` 1..50 default 10;
  ``data.advertiser_account_list`` + ``page_info`` ([BB] model/bc/advertiser_balance_get.go).
- ``GET advertiser/transaction/get/``: ``bc_id``, ``filtering`` (``transfer_type`` default TRANS_TYPE_TRANSFER,
  ``funds_type``, ``keyword``, ``start_date`` default 90 days ago, ``end_date`` default today, UTC, at most a
  year apart), ``page``, ``page_size`` 1..50 default 10; ``data.transaction_list`` + ``page_info`` ([BB]
  model/advertiser/transaction_get.go). Only transfers are modelled (other types answer an empty list).

A ``bc_id`` other than the world's Business Center (``owner_bc_id`` of ``advertiser/info/``) answers 40001
(UNSURE: TikTok's code for a Business Center the token cannot see); the accounts listed are the ones the
token is granted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from . import account_data as data
from .api_assets import _page
from .model import Advertiser, World
from .params import ApiError, get_id, get_id_list, get_json, get_str, get_str_list, param_error, parse_date

AdvertiserLister = Callable[[World, Advertiser, Mapping[str, str]], tuple[dict[str, Any], int]]
BcLister = Callable[[World, list[Advertiser], Mapping[str, str]], tuple[dict[str, Any], int]]

IDENTITY_TYPES = ("CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT")
TRANSFER_TYPES = ("TRANS_TYPE_TRANSFER", "TRANS_TYPE_TAX", "TRANS_TYPE_COST", "TRANS_TYPE_PAYMENT")


def _filtering(params: Mapping[str, str]) -> dict[str, Any]:
    value = get_json(params, "filtering")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise param_error("filtering: Not a valid JSON object.")
    return value


def list_saved_audiences(
    world: World, adv: Advertiser, params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer ``dmp/saved_audience/list/``."""
    rows = data.saved_audiences(world, adv)
    raw = get_json(params, "saved_audience_ids")
    if raw is not None:
        wanted = set(get_id_list("saved_audience_ids", raw))
        rows = [r for r in rows if r["saved_audience_id"] in wanted]
    return _page(rows, params, 100, "saved_audiences")


def list_portfolios(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``creative/portfolio/list/``."""
    rows = data.portfolios(world, adv)
    filtering = _filtering(params)
    if filtering.get("creative_portfolio_ids") is not None:
        wanted = set(get_id_list("filtering.creative_portfolio_ids", filtering["creative_portfolio_ids"]))
        rows = [r for r in rows if r["creative_portfolio_id"] in wanted]
    types = filtering.get("creative_portfolio_types")
    if types is not None:
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise param_error("filtering.creative_portfolio_types: Not a valid list of strings.")
        rows = [r for r in rows if r["creative_portfolio_type"] in types]
    return _page(rows, params, 100, "creative_portfolios", default_size=20)


def list_rules(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``optimizer/rule/list/``."""
    rows = data.rules(world, adv)
    status = _filtering(params).get("status")
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    return _page(rows, params, 100, "rules")


def list_rule_results(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``optimizer/rule/result/list/``."""
    rows = data.rule_results(world, adv)
    rule_info = _filtering(params).get("rule_info")
    if rule_info is not None:
        wanted = set(get_id_list("filtering.rule_info", rule_info))
        rows = [r for r in rows if r["rule_id"] in wanted]
    return _page(rows, params, 100, "list")


def list_apps(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``app/list/`` (no paging)."""
    rows = data.apps(world, adv)
    wanted = get_str_list(params, "app_platform_ids")
    if wanted is not None:
        rows = [r for r in rows if r["app_platform_id"] in wanted]
    return {"apps": rows}, len(rows)


def list_identities(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``identity/get/``."""
    kind = get_str(params, "identity_type")
    if kind is not None and kind not in IDENTITY_TYPES:
        raise param_error(f"identity_type: Must be one of: {', '.join(IDENTITY_TYPES)}.")
    if kind == "BC_AUTH_TT" and not get_str(params, "identity_authorized_bc_id"):
        raise param_error("identity_authorized_bc_id: Missing data for required field.")
    rows = data.identities(world, adv)
    if kind is not None:
        rows = [r for r in rows if r["identity_type"] == kind]
    keyword = _filtering(params).get("keyword")
    if keyword and kind in (None, "CUSTOMIZED_USER"):
        rows = [
            r
            for r in rows
            if r["identity_type"] != "CUSTOMIZED_USER" or str(keyword).lower() in r["display_name"].lower()
        ]
    return _page(rows, params, 100, "identity_list", default_size=20)


def _keyword(rows: list[dict[str, Any]], filtering: Mapping[str, Any]) -> list[dict[str, Any]]:
    keyword = filtering.get("keyword")
    if not keyword:
        return rows
    needle = str(keyword).lower()
    return [r for r in rows if needle in r["advertiser_name"].lower() or needle in r["advertiser_id"]]


def list_balances(
    world: World, advertisers: list[Advertiser], params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer ``advertiser/balance/get/`` for the Business Center's (granted) ad accounts."""
    filtering = _filtering(params)
    rows = _keyword([data.balance(world, a) for a in advertisers], filtering)
    statuses = filtering.get("advertiser_status")
    if statuses is not None:
        rows = [r for r in rows if r["advertiser_status"] in statuses]
    return _page(rows, params, 50, "advertiser_account_list")


def list_transactions(
    world: World, advertisers: list[Advertiser], params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer ``advertiser/transaction/get/`` (transfers only; see the module docstring)."""
    filtering = _filtering(params)
    kind = filtering.get("transfer_type", "TRANS_TYPE_TRANSFER")
    if kind not in TRANSFER_TYPES:
        raise param_error(f"filtering.transfer_type: Must be one of: {', '.join(TRANSFER_TYPES)}.")
    today = world.now.astimezone(dt.timezone.utc).date()
    start = (
        parse_date("filtering.start_date", str(filtering["start_date"]))
        if filtering.get("start_date")
        else today - dt.timedelta(days=90)
    )
    end = parse_date("filtering.end_date", str(filtering["end_date"])) if filtering.get("end_date") else today
    if end < start or (end - start).days > 365:
        raise param_error("filtering.end_date: must be within one year after filtering.start_date.")
    rows: list[dict[str, Any]] = []
    if kind == "TRANS_TYPE_TRANSFER":
        for adv in advertisers:
            rows += data.transfers(world, adv)
    funds = filtering.get("funds_type")
    if funds is not None:
        rows = [r for r in rows if r["funds_type"] in funds]
    rows = [r for r in _keyword(rows, filtering) if start.isoformat() <= r["date"][:10] <= end.isoformat()]
    rows.sort(key=lambda r: (r["date"], r["advertiser_id"]), reverse=True)
    return _page(rows, params, 50, "transaction_list")


#: route -> lister, for :class:`.api.Api` (advertiser endpoints, authorized like ``ASSET_ROUTES``)
ADVERTISER_ROUTES: dict[str, AdvertiserLister] = {
    "dmp/saved_audience/list/": list_saved_audiences,
    "creative/portfolio/list/": list_portfolios,
    "optimizer/rule/list/": list_rules,
    "optimizer/rule/result/list/": list_rule_results,
    "app/list/": list_apps,
    "identity/get/": list_identities,
}

#: route -> lister, for :class:`.api.Api` (Business Center endpoints: ``bc_id`` instead of ``advertiser_id``)
BC_ROUTES: dict[str, BcLister] = {
    "advertiser/balance/get/": list_balances,
    "advertiser/transaction/get/": list_transactions,
}


def check_bc(world: World, params: Mapping[str, str]) -> None:
    """Validate ``bc_id``: required, and the world's Business Center (40001 otherwise, UNSURE)."""
    bc = get_id(params, "bc_id", required=True)
    if bc != data.bc_id(world):
        raise ApiError(40001, f"No permission to operate business center: {bc}")

"""API rules of five more read endpoints (data in :mod:`.account_data`).

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
  ``AppManagementApi.app_list`` has no page parameters) and no ``page_info``: ``data.apps`` only (the SDK's
  yml_files/app_list.yml ``response_rule``: ``apps: $.rpc.output.apps``; dlt-community-sources reads
  ``data.list`` there, against that rule). Unknown parameters (``page`` ...) are ignored, as TikTok's
  gateway does for parameters an endpoint does not define (UNSURE).
Identities (``identity/get/``) and the Business Center's balances and transactions are answered by
:mod:`.spark_ads` and :mod:`.business_center`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tiktok_ads.emulator.data import account_data as data
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.params import (
    AdvertiserLister,
    get_filtering,
    get_str_list,
    keep_ids,
    keep_param_ids,
    page_of,
    param_error,
)

BcLister = Callable[[World, list[Advertiser], Mapping[str, str]], tuple[dict[str, Any], int]]

IDENTITY_TYPES = ("CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT")
TRANSFER_TYPES = ("TRANS_TYPE_TRANSFER", "TRANS_TYPE_TAX", "TRANS_TYPE_COST", "TRANS_TYPE_PAYMENT")


def list_saved_audiences(
    world: World, adv: Advertiser, params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer ``dmp/saved_audience/list/``."""
    rows = data.saved_audiences(world, adv)
    rows = keep_param_ids(rows, params, "saved_audience_ids", "saved_audience_id")
    return page_of(rows, params, 100, "saved_audiences")


def list_portfolios(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``creative/portfolio/list/``."""
    rows = data.portfolios(world, adv)
    filtering = get_filtering(params)
    if filtering.get("creative_portfolio_ids") is not None:
        ids = filtering["creative_portfolio_ids"]
        rows = keep_ids(rows, "filtering.creative_portfolio_ids", ids, "creative_portfolio_id")
    types = filtering.get("creative_portfolio_types")
    if types is not None:
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise param_error("filtering.creative_portfolio_types: Not a valid list of strings.")
        rows = [r for r in rows if r["creative_portfolio_type"] in types]
    return page_of(rows, params, 100, "creative_portfolios", default_size=20)


def list_rules(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``optimizer/rule/list/``."""
    rows = data.rules(world, adv)
    status = get_filtering(params).get("status")
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    return page_of(rows, params, 100, "rules")


def list_rule_results(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``optimizer/rule/result/list/``."""
    rows = data.rule_results(world, adv)
    rule_info = get_filtering(params).get("rule_info")
    if rule_info is not None:
        rows = keep_ids(rows, "filtering.rule_info", rule_info, "rule_id")
    return page_of(rows, params, 100, "list")


def list_apps(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``app/list/`` (no paging)."""
    rows = data.apps(world, adv)
    wanted = get_str_list(params, "app_platform_ids")
    if wanted is not None:
        rows = [r for r in rows if r["app_platform_id"] in wanted]
    return {"apps": rows}, len(rows)


#: route -> lister, for :class:`.api.Api` (advertiser endpoints, authorized like ``ASSET_ROUTES``)
ADVERTISER_ROUTES: dict[str, AdvertiserLister] = {
    "dmp/saved_audience/list/": list_saved_audiences,
    "creative/portfolio/list/": list_portfolios,
    "optimizer/rule/list/": list_rules,
    "optimizer/rule/result/list/": list_rule_results,
    "app/list/": list_apps,
}

"""The emulator's Business Center: the BC, its ad-account assets, balances and transactions.

Data (pure functions of the seed, the advertisers and the clock) and the API rules of the read endpoints:

- ``GET bc/get/`` (``bc_id`` optional, ``page``, ``page_size`` 1..50): ``data.list`` of
  ``{bc_info: {...}, user_role, ext_user_role: {finance_role}}`` + ``page_info``.
- ``GET bc/asset/get/`` (``bc_id``, ``asset_type`` required; ``filtering.keyword``; ``page_size`` 1..50):
  ``data.list`` of ``{asset_id, asset_name, asset_type, advertiser_account_type, advertiser_role,
  owner_bc_name}``.
- ``GET bc/balance/get/`` (``bc_id``): the BC's balance object in ``data``.
- ``GET advertiser/balance/get/`` (``bc_id``; ``filtering.keyword``/``advertiser_status``; ``page_size``
  1..100): ``data.advertiser_account_list``.
- ``GET bc/transaction/get/`` (``bc_id``, ``start_date``/``end_date`` ``YYYY-MM-DD``, ``filtering.funds_type``;
  ``page_size`` 1..100): ``data.list`` + ``transaction_summary``.
- ``GET advertiser/transaction/get/`` (``bc_id``; ``filtering.start_date``/``end_date``/``transfer_type``/
  ``funds_type``; ``page_size`` 1..100): ``data.transaction_list``.

Sources: parameters from the official SDK (``business_api_client/api/bc_api.py``, ``bc_payment_api.py`` and
``models/filtering_advertiser_balance_get.py``, ``filtering_advertiser_transaction_get.py``,
``filtering_bc_transaction_get.py``, ``filtering_bc_asset_get.py``); response fields from a generated
TypeScript client of TikTok's v1.3 docs (files headed "Auto-generated types for BC Management", "... for BC
Assets" and "... for BC Payments" (``types/bc-payments.ts``), found with find_string ``interface
BcAssetGetResponse`` / ``interface BcTransactionGetResponse``). The SDK has no response models.

What the model says (UNSURE where TikTok does not document it):

- One BC per world, owning every advertiser except the last one (when there are two or more), so discovery
  through the BC differs from "every advertiser the token reads". Every valid token sees it as ADMIN with the
  finance MANAGER role (UNSURE: TikTok scopes BCs to the authorizing user).
- Each owned ad account gets a ``TRANS_TYPE_TRANSFER`` (cash) from the BC every 14 days from the first day of
  the history, sized to the account's spend of the next 14 days plus 25 %, and one ``TRANS_TYPE_COST`` per
  closed local day with spend, equal to that day's advertiser-level ``spend`` of the reports (UNSURE: how
  TikTok splits cost records; one per account-day is what ``summary_by_account = false`` suggests). Its
  balance is transfers minus costs so far. Amounts are in the account's currency, numbers with two decimals.
- The BC receives a cash recharge (``FUNDS_TYPE_CASH``) every 7 days and a grant (``FUNDS_TYPE_GRANT``) on the
  first day; its balance is their sum minus what it transferred to accounts converted at 1:1 (UNSURE:
  currencies are not converted; the model keeps the figures consistent, not realistic).
- Dates are ``YYYY-MM-DD`` strings (UNSURE: the docs type ``bc/transaction/get/`` ``date`` as a number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.model import stable_hash as _h
from tiktok_ads.emulator.rules.params import (
    ApiError,
    get_date,
    get_filtering,
    get_id,
    get_str,
    page_of,
    param_error,
)

TRANSFER_EVERY_DAYS = 14
RECHARGE_EVERY_DAYS = 7
_SPEND = m.BASE_INDEX["spend"]
_ASSET_TYPES = frozenset(
    {
        "ADVERTISER",
        "CATALOG",
        "TIKTOK_SHOP",
        "PIXEL",
        "LEAD",
        "TT_ACCOUNT",
        "BC_AUTH_TT",
        "MANAGED_BUSINESS_ACCOUNT",
    }
)
_FUNDS_TYPES = frozenset({"FUNDS_TYPE_CASH", "FUNDS_TYPE_GRANT"})
_TRANSFER_TYPES = frozenset(
    {"TRANS_TYPE_TRANSFER", "TRANS_TYPE_TAX", "TRANS_TYPE_COST", "TRANS_TYPE_PAYMENT"}
)


def _money(cents: int) -> float:
    """Cents as the number TikTok sends (two decimals)."""
    return round(cents / 100, 2)


def bc_id(world: World) -> str:
    """The id of the world's Business Center."""
    return world.business_center_id


def bc_name(world: World) -> str:
    """The name of the world's Business Center."""
    return f"Emulated Agency BC {world.config.seed}"


def owned_advertisers(world: World) -> list[Advertiser]:
    """The ad accounts the BC owns: every advertiser but the last (all of them when there is one)."""
    return [adv for adv in world.advertisers if world.in_business_center(adv)]


def bc_object(world: World) -> dict[str, Any]:
    """One entry of ``bc/get/``'s list."""
    return {
        "bc_info": {
            "bc_id": bc_id(world),
            "name": bc_name(world),
            "company": f"Emulated Agency {world.config.seed} Ltd.",
            "currency": "USD",
            "registered_area": "US",
            "status": "ENABLE",
            "timezone": "Etc/GMT",
            "type": "AGENCY",
            "verification_status": "VERIFIED",
        },
        "user_role": "ADMIN",
        "ext_user_role": {"finance_role": "MANAGER"},
    }


def advertiser_assets(world: World) -> list[dict[str, Any]]:
    """``bc/asset/get/`` with ``asset_type = ADVERTISER``: the BC's ad accounts."""
    return [
        {
            "asset_id": a.advertiser_id,
            "asset_name": a.name,
            "asset_type": "ADVERTISER",
            "advertiser_account_type": "AUCTION",
            "advertiser_role": "ADMIN",
            "owner_bc_name": bc_name(world),
        }
        for a in owned_advertisers(world)
    ]


# ---------------------------------------------------------------------------------- money over time


def _first_day(world: World) -> int:
    return world.history_start.toordinal()


def _closed_days(world: World, adv: Advertiser) -> range:
    """Local days (ordinals) of the history that are over for the advertiser (today excluded)."""
    return range(_first_day(world), world.local_today(adv.advertiser_id).toordinal())


def _final_spend(world: World, adv: Advertiser, first: int, last: int) -> int:
    """The advertiser's final spend (cents) over local days ``first..last``, independent of the clock."""
    total = 0
    for ad in world.entity_objects("ad", adv.advertiser_id):
        lo, hi = max(first, ad.first_day), min(last, ad.last_day)
        for day in range(lo, hi + 1):
            total += world.delivery.final(ad, day)[_SPEND]
    return total


def _day_spend(world: World, adv: Advertiser, day: int) -> int:
    """The advertiser-level spend (cents) of a local day, as the reports show it now."""
    return world.delivery.day_values(m.AUCTION_ADVERTISER, adv, day)[_SPEND]


def _date(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def advertiser_transactions(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """Every transaction record of an owned ad account up to now, oldest first."""
    first = _first_day(world)
    today = world.local_today(adv.advertiser_id).toordinal()
    out: list[dict[str, Any]] = []
    base = {"advertiser_id": adv.advertiser_id, "advertiser_name": adv.name, "currency": adv.currency}
    for day in range(first, today + 1):
        if (day - first) % TRANSFER_EVERY_DAYS == 0:
            need = _final_spend(world, adv, day, day + TRANSFER_EVERY_DAYS - 1)
            amount = max(100_00, -(-need * 5 // 4 // 100_00) * 100_00)
            out.append(
                {**base, "date": _date(day), "amount": _money(amount), "funds_type": "FUNDS_TYPE_CASH",
                 "transfer_type": "TRANS_TYPE_TRANSFER", "timezone": adv.timezone}
            )  # fmt: skip
        if day < today:
            spend = _day_spend(world, adv, day)
            if spend:
                out.append(
                    {**base, "date": _date(day), "amount": _money(spend), "funds_type": "FUNDS_TYPE_CASH",
                     "transfer_type": "TRANS_TYPE_COST", "timezone": adv.timezone}
                )  # fmt: skip
    return out


def _cents(value: float) -> int:
    return round(value * 100)


def advertiser_balance(world: World, adv: Advertiser) -> dict[str, Any]:
    """One entry of ``advertiser/balance/get/``'s ``advertiser_account_list`` as of now."""
    records = advertiser_transactions(world, adv)
    cash = sum(
        _cents(r["amount"]) * (1 if r["transfer_type"] == "TRANS_TYPE_TRANSFER" else -1) for r in records
    )
    cash = max(cash, 0)
    created = dt.datetime.fromtimestamp(adv.create_time, dt.timezone.utc)
    return {
        "advertiser_id": adv.advertiser_id,
        "advertiser_name": adv.name,
        "advertiser_status": "SHOW_ACCOUNT_STATUS_APPROVED",
        "advertiser_type": "AUCTION",
        "timezone": adv.timezone,
        "currency": adv.currency,
        "create_time": created.strftime("%Y-%m-%d %H:%M:%S"),
        "account_balance": _money(cash),
        "valid_account_balance": _money(cash),
        "frozen_balance": 0.0,
        "tax": 0.0,
        "cash_balance": _money(cash),
        "valid_cash_balance": _money(cash),
        "grant_balance": 0.0,
        "valid_grant_balance": 0.0,
        "budget_mode": "UNLIMITED",
        "budget": 0.0,
        "budget_cost": 0.0,
        "budget_remaining": 0.0,
    }


def bc_transactions(world: World) -> list[dict[str, Any]]:
    """The BC's own transaction records (recharges and the first-day grant) up to today (UTC), oldest first."""
    first = _first_day(world)
    today = world.now.date().toordinal()
    out: list[dict[str, Any]] = []
    seed = world.config.seed
    for day in range(first, today + 1):
        if day == first:
            out.append(_bc_record(day, 500_00, "FUNDS_TYPE_GRANT", seed))
        if (day - first) % RECHARGE_EVERY_DAYS == 0:
            amount = (5_000 + _h(seed, "recharge", day) % 20_000) * 100
            out.append(_bc_record(day, amount, "FUNDS_TYPE_CASH", seed))
    return out


def _bc_record(day: int, cents: int, funds_type: str, seed: int) -> dict[str, Any]:
    kind = "c" if funds_type == "FUNDS_TYPE_CASH" else "g"
    return {
        "date": _date(day),
        "amount": _money(cents),
        "timezone": "Etc/GMT",
        "currency": "USD",
        "funds_type": funds_type,
        "invoice_id": str(7_400_000_000_000_000_000 + (seed % 1000) * 10_000_000 + day * 10 + (kind == "g")),
        "invoice_serial_number": f"BC{seed % 1000:03d}{day}{kind.upper()}",
    }


def bc_balance(world: World) -> dict[str, Any]:
    """``bc/balance/get/``'s ``data`` as of now."""
    records = bc_transactions(world)
    cash = sum(_cents(r["amount"]) for r in records if r["funds_type"] == "FUNDS_TYPE_CASH")
    grant = sum(_cents(r["amount"]) for r in records if r["funds_type"] == "FUNDS_TYPE_GRANT")
    for adv in owned_advertisers(world):
        cash -= sum(
            _cents(r["amount"])
            for r in advertiser_transactions(world, adv)
            if r["transfer_type"] == "TRANS_TYPE_TRANSFER"
        )
    return {
        "bc_id": bc_id(world),
        "currency": "USD",
        "account_balance": _money(cash + grant),
        "valid_account_balance": _money(cash + grant),
        "frozen_balance": 0.0,
        "tax": 0.0,
        "cash_balance": _money(cash),
        "valid_cash_balance": _money(cash),
        "grant_balance": _money(grant),
        "valid_grant_balance": _money(grant),
    }


# ---------------------------------------------------------------------------------- API rules


def require_bc(world: World, params: Mapping[str, str]) -> str:
    wanted = get_id(params, "bc_id", required=True)
    if wanted != bc_id(world):
        # UNSURE: TikTok's code for a BC the token may not read; 40001 is its "no permission" code
        raise ApiError(40001, f"No permission to operate Business Center {wanted}.")
    return wanted


def _keyword(rows: list[dict[str, Any]], filtering: Mapping[str, Any], *fields: str) -> list[dict[str, Any]]:
    word = filtering.get("keyword")
    if not word:
        return rows
    text = str(word).lower()
    return [r for r in rows if any(text in str(r.get(f, "")).lower() for f in fields)]


def _in_range(rows: list[dict[str, Any]], start: dt.date | None, end: dt.date | None) -> list[dict[str, Any]]:
    if start and end and start > end:
        raise param_error("start_date: Must be earlier than or equal to end_date.")
    return [
        r
        for r in rows
        if (start is None or r["date"] >= start.isoformat()) and (end is None or r["date"] <= end.isoformat())
    ]


def get_bcs(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``bc/get/``."""
    rows = [bc_object(world)]
    wanted = get_id(params, "bc_id")
    if wanted is not None:
        rows = [r for r in rows if r["bc_info"]["bc_id"] == wanted]
    return page_of(rows, params, 50, "list")


def get_assets(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``bc/asset/get/``: ad accounts for ``ADVERTISER``, none of the other types (not modelled)."""
    require_bc(world, params)
    asset_type = get_str(params, "asset_type", required=True)
    if asset_type not in _ASSET_TYPES:
        raise param_error(f"asset_type: Must be one of: {', '.join(sorted(_ASSET_TYPES))}.")
    rows = advertiser_assets(world) if asset_type == "ADVERTISER" else []
    rows = _keyword(rows, get_filtering(params, "Not a valid mapping type."), "asset_name", "asset_id")
    return page_of(rows, params, 50, "list")


def get_bc_balance(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``bc/balance/get/``."""
    require_bc(world, params)
    return bc_balance(world), 1


def get_advertiser_balances(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``advertiser/balance/get/``."""
    require_bc(world, params)
    filtering = get_filtering(params, "Not a valid mapping type.")
    rows = [advertiser_balance(world, a) for a in owned_advertisers(world)]
    rows = _keyword(rows, filtering, "advertiser_name", "advertiser_id")
    statuses = filtering.get("advertiser_status")
    if statuses:
        if not isinstance(statuses, list):
            raise param_error("filtering.advertiser_status: Not a valid list.")
        rows = [r for r in rows if r["advertiser_status"] in statuses]
    return page_of(rows, params, 100, "advertiser_account_list")


def _funds_filter(rows: list[dict[str, Any]], filtering: Mapping[str, Any]) -> list[dict[str, Any]]:
    funds = filtering.get("funds_type")
    if funds is None:
        return rows
    if not isinstance(funds, list) or any(f not in _FUNDS_TYPES for f in funds):
        raise param_error(f"filtering.funds_type: Must be a list of: {', '.join(sorted(_FUNDS_TYPES))}.")
    return [r for r in rows if r["funds_type"] in funds]


def get_bc_transactions(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``bc/transaction/get/`` (dates as top-level parameters, per the SDK)."""
    require_bc(world, params)
    rows = _in_range(bc_transactions(world), get_date(params, "start_date"), get_date(params, "end_date"))
    rows = _funds_filter(rows, get_filtering(params, "Not a valid mapping type."))
    data, n = page_of(rows, params, 100, "list")
    data["transaction_summary"] = {
        "amount_charged": 0.0,
        "amount_paid": _money(sum(_cents(r["amount"]) for r in rows)),
        "currency": "USD",
    }
    return data, n


def _filter_date(filtering: Mapping[str, Any], name: str) -> dt.date | None:
    raw = filtering.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise param_error(f"filtering.{name}: Not a valid date (YYYY-MM-DD).") from None


def get_advertiser_transactions(world: World, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``advertiser/transaction/get/`` (dates inside ``filtering``, per the SDK's model)."""
    require_bc(world, params)
    filtering = get_filtering(params, "Not a valid mapping type.")
    rows = [r for a in owned_advertisers(world) for r in advertiser_transactions(world, a)]
    rows = _in_range(rows, _filter_date(filtering, "start_date"), _filter_date(filtering, "end_date"))
    rows = _keyword(rows, filtering, "advertiser_name", "advertiser_id")
    rows = _funds_filter(rows, filtering)
    kind = filtering.get("transfer_type")
    if kind is not None:
        if kind not in _TRANSFER_TYPES:
            raise param_error(
                f"filtering.transfer_type: Must be one of: {', '.join(sorted(_TRANSFER_TYPES))}."
            )
        rows = [r for r in rows if r["transfer_type"] == kind]
    # newest first, then by account (UNSURE: TikTok's order is not documented; the source does not rely on it)
    rows.sort(key=lambda r: (r["date"], r["advertiser_id"], r["transfer_type"]), reverse=True)
    return page_of(rows, params, 100, "transaction_list")


BcHandler = Callable[[World, Mapping[str, str]], tuple[dict[str, Any], int]]

#: route -> handler, for :class:`.api.Api` (every route needs a valid token; none names an advertiser)
BC_ROUTES: dict[str, BcHandler] = {
    "bc/get/": get_bcs,
    "bc/asset/get/": get_assets,
    "bc/balance/get/": get_bc_balance,
    "advertiser/balance/get/": get_advertiser_balances,
    "bc/transaction/get/": get_bc_transactions,
    "advertiser/transaction/get/": get_advertiser_transactions,
}

"""The emulator's account-side data behind eight more read endpoints: saved audiences, creative portfolios,
automated rules and their results, apps, identities (per advertiser), and the Business Center's ad-account
balances and transactions.

Like :mod:`.assets`, every object is a pure function of the seed, the advertiser and its index, and exists
once the clock passes its creation time, so tables built on them can be checked row for row later. The API
rules (parameters, paging, envelopes) are in :mod:`.api_account`. Field names follow [BB]
bububa/tiktok-business (model/dmp/savedaudience/list.go, model/creative/portfolio/portfolio.go,
model/identity/identity.go, model/bc/advertiser_balance_get.go, model/advertiser/transaction_get.go); for
rules, rule results and apps the official SDK gives only request parameters. UNSURE: the fields of rules,
rule results and apps, and every value's exact format, are plausible, not seen in a live answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .assets import PLAIN, UTC, _h, audiences
from .model import Advertiser, World

#: Objects of each kind per advertiser (over the whole timeline; later ones appear as the clock moves).
PER_ADVERTISER = {"saved_audience": 3, "portfolio": 4, "rule": 3, "app": 1, "identity": 2}
_PORTFOLIO_TYPES = ("CARD", "DOWNLOAD_CARD", "GESTURE", "COUNTDOWN_STICKER")
_GENDERS = ("GENDER_UNLIMITED", "GENDER_FEMALE", "GENDER_MALE")
_AGES = ("AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
_RULE_ACTIONS = ("TURN_OFF", "INCREASE_BUDGET", "DECREASE_BUDGET", "MESSAGE")


def _created(world: World, adv: Advertiser, kind: str, i: int) -> dt.datetime:
    start = dt.datetime.combine(world.history_start, dt.time(0), UTC)
    if kind == "app":  # the app its APP_PROMOTION campaigns promote exists before any of them
        return start - dt.timedelta(days=1)
    span = (world.config.days + world.config.future_days) * 86400
    return start + dt.timedelta(seconds=_h(world.config.seed, adv.index, kind, i, "c") % span)


def _id(adv: Advertiser, kind: str, i: int, base: int) -> str:
    return str(base + _h(adv.index, kind, i) % 10**15)


def _live(world: World, adv: Advertiser, kind: str) -> list[tuple[int, dt.datetime]]:
    made = [(i, _created(world, adv, kind, i)) for i in range(PER_ADVERTISER[kind])]
    return [(i, when) for i, when in made if when <= world.now]


def saved_audiences(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``dmp/saved_audience/list/`` objects of an advertiser (newest id first); they target its audiences."""
    custom = [a["custom_audience_id"] for a in audiences(world, adv)]
    rows = []
    for i, when in _live(world, adv, "saved_audience"):
        pick = _h(world.config.seed, adv.index, "sa", i)
        rows.append(
            {
                "saved_audience_id": _id(adv, "saved_audience", i, 7_100_000_000_000_000_000),
                "saved_audience_name": f"{adv.name} saved audience {i + 1}",
                "location_ids": [str(6_252_001 + pick % 3)],
                "gender": _GENDERS[pick % len(_GENDERS)],
                "age_groups": list(_AGES[pick % 3 : pick % 3 + 2]),
                "languages": ["en"],
                "audience_ids": custom[:1] if custom else [],
                "excluded_audience_ids": [],
                "create_time": when.strftime(PLAIN),
            }
        )
    return sorted(rows, key=lambda r: int(r["saved_audience_id"]), reverse=True)


def portfolios(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``creative/portfolio/list/`` objects of an advertiser (newest id first)."""
    rows = [
        {
            "creative_portfolio_id": _id(adv, "portfolio", i, 7_110_000_000_000_000_000),
            "creative_portfolio_type": _PORTFOLIO_TYPES[i % len(_PORTFOLIO_TYPES)],
            "create_time": when.strftime(PLAIN),
        }
        for i, when in _live(world, adv, "portfolio")
    ]
    return sorted(rows, key=lambda r: int(r["creative_portfolio_id"]), reverse=True)


def rules(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``optimizer/rule/list/`` automated rules of an advertiser (newest id first)."""
    rows = []
    for i, when in _live(world, adv, "rule"):
        rows.append(
            {
                "rule_id": _id(adv, "rule", i, 7_120_000_000_000_000_000),
                "name": f"{adv.name} rule {i + 1}",
                "status": "RULE_STATUS_OPEN" if i % 3 else "RULE_STATUS_CLOSE",
                "dimension": ("CAMPAIGN", "ADGROUP", "AD")[i % 3],
                "action": _RULE_ACTIONS[i % len(_RULE_ACTIONS)],
                "create_time": when.strftime(PLAIN),
            }
        )
    return sorted(rows, key=lambda r: int(r["rule_id"]), reverse=True)


def rule_results(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``optimizer/rule/result/list/`` runs: each open rule ran once a day since it was created (newest first).

    At most the last 30 days of runs are kept (UNSURE: TikTok's retention is not documented).
    """
    rows = []
    today = world.now.date()
    for rule in rules(world, adv):
        if rule["status"] != "RULE_STATUS_OPEN":
            continue
        created = dt.datetime.strptime(rule["create_time"], PLAIN).date()
        first = max(created + dt.timedelta(days=1), today - dt.timedelta(days=29))
        day = first
        while day <= today:
            run = dt.datetime.combine(day, dt.time(1), UTC)
            if run <= world.now:
                hits = _h(world.config.seed, rule["rule_id"], day.toordinal()) % 4
                rows.append(
                    {
                        "exec_id": str(_h(rule["rule_id"], day.toordinal()) % 10**18),
                        "rule_id": rule["rule_id"],
                        "exec_time": run.strftime(PLAIN),
                        "result_type": "SUCCESS" if hits else "NOT_TRIGGERED",
                        "affected_object_count": hits,
                    }
                )
            day += dt.timedelta(days=1)
    return sorted(rows, key=lambda r: (r["exec_time"], r["exec_id"]), reverse=True)


def apps(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``app/list/`` apps of an advertiser (the app its APP_PROMOTION campaigns promote)."""
    brand = adv.company.split()[0]
    rows = []
    for _, when in _live(world, adv, "app"):
        rows.append(
            {
                "app_id": str(7_300_000_000_000_000_000 + adv.index),
                "app_name": f"{brand} App",
                "platform": "ANDROID",
                "app_platform_id": f"com.{brand.lower()}.app",
                "download_url": f"https://play.google.com/store/apps/details?id=com.{brand.lower()}.app",
                "create_time": when.strftime(PLAIN),
            }
        )
    return rows


def identities(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """``identity/get/`` identities of an advertiser: a custom user and a TikTok account (newest first)."""
    brand = adv.company.split()[0]
    rows = []
    for i, _ in _live(world, adv, "identity"):
        kind = ("CUSTOMIZED_USER", "TT_USER")[i % 2]
        row: dict[str, Any] = {
            "identity_id": _id(adv, "identity", i, 7_130_000_000_000_000_000),
            "identity_type": kind,
            "display_name": f"{brand} {'Shop' if i % 2 else 'Official'}",
            "profile_image": f"https://p16-sign-va.tiktokcdn.com/emulator/{_h(adv.index, 'id', i):016x}.jpeg",
        }
        if kind == "TT_USER":
            row.update({"user_name": f"{brand.lower()}.official", "available_status": "AVAILABLE"})
        rows.append(row)
    return sorted(rows, key=lambda r: int(r["identity_id"]), reverse=True)


def bc_id(world: World) -> str:
    """The Business Center owning every advertiser of the world (``owner_bc_id`` of ``advertiser/info/``)."""
    return str(world.advertiser_info(world.advertisers[0].advertiser_id)["owner_bc_id"])


def balance(world: World, adv: Advertiser) -> dict[str, Any]:
    """An ad account's row of ``advertiser/balance/get/`` (balance as ``advertiser/info/`` tells it)."""
    info = world.advertiser_info(adv.advertiser_id)
    amount = float(str(info["balance"]))
    opened = dt.datetime.fromtimestamp(int(str(info["create_time"])), UTC)
    return {
        "advertiser_id": adv.advertiser_id,
        "advertiser_name": adv.name,
        "advertiser_status": "SHOW_ACCOUNT_STATUS_APPROVED",
        "advertiser_type": "AUCTION",
        "timezone": adv.timezone,
        "currency": adv.currency,
        "account_open_days": max(0, (world.now - opened).days),
        "balance_reminder": amount < 100,
        "company": adv.company,
        "account_balance": round(amount, 2),
        "valid_account_balance": round(amount, 2),
        "frozen_balance": 0.0,
        "tax": 0.0,
        "cash_balance": round(amount, 2),
        "valid_cash_balance": round(amount, 2),
        "grant_balance": 0.0,
        "valid_grant_balance": 0.0,
        "transferable_amount": round(amount, 2),
        "budget_mode": "BUDGET_MODE_INFINITE",
        "budget": 0.0,
    }


def transfers(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """TRANS_TYPE_TRANSFER records of an ad account: a top-up on the 1st of every month of its history."""
    rows = []
    day = world.history_start.replace(day=1)
    while day <= world.now.date():
        at = dt.datetime.combine(day, dt.time(9), UTC)
        if at <= world.now:
            amount = 500 + _h(world.config.seed, adv.index, day.toordinal()) % 4500
            rows.append(
                {
                    "advertiser_id": adv.advertiser_id,
                    "advertiser_name": adv.name,
                    "amount": float(amount),
                    "currency": adv.currency,
                    "date": at.strftime(PLAIN),
                    "funds_type": "FUNDS_TYPE_CASH",
                    "transfer_type": "TRANS_TYPE_TRANSFER",
                    "timezone": "UTC",
                }
            )
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return rows

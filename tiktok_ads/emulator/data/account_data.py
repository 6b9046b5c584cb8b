"""The emulator's account-side data behind five more read endpoints: saved audiences, creative portfolios,
automated rules and their results, and apps (identities, balances and transactions: :mod:`.spark_ads`,
:mod:`.business_center`).

Like :mod:`.assets`, every object is a pure function of the seed, the advertiser and its index, and exists
once the clock passes its creation time, so tables built on them can be checked row for row later. The API
rules (parameters, paging, envelopes) are in :mod:`.api_account`. Field names follow [BB]
bububa/tiktok-business (model/dmp/savedaudience/list.go, model/creative/portfolio/portfolio.go,
and others in model/); for
rules, rule results and apps the official SDK gives only request parameters. UNSURE: the fields of rules,
rule results and apps, and every value's exact format, are plausible, not seen in a live answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiktok_ads.emulator.data.assets import PLAIN, UTC, _h, audiences
from tiktok_ads.emulator.data.entity_extras import PROMOTED_APP_ID
from tiktok_ads.emulator.data.model import Advertiser, World

#: Objects of each kind per advertiser (over the whole timeline; later ones appear as the clock moves).
PER_ADVERTISER = {"saved_audience": 3, "portfolio": 4, "rule": 3, "app": 2}
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
    """``app/list/`` apps of an advertiser: the Android app its APP_PROMOTION campaigns and ad groups promote,
    and its iOS twin.

    Fields: ``app_id`` (the id ``campaign/get/`` and ``adgroup/get/`` carry), ``platform`` (ANDROID / IOS: the
    SDK's ``AudiencePlatformType`` in yml_files/app_update.yml), ``download_url``, ``partner`` (the measurement
    partner, the SDK's ``MeteorConstPartner`` enum: AdBrix, Adjust, AppsFlyer ...) and ``enable_retargeting``
    (RETARGETING / NON_RETARGETING) are fields of the SDK's app/create and app/update bodies; ``app_name``,
    ``app_platform_id`` (the store id ``app_platform_ids`` filters on) and ``create_time`` are UNSURE (the SDK
    leaves ``data.apps`` untyped).
    """
    brand = adv.company.split()[0]
    package = f"com.{brand.lower()}.app"
    stores = {
        "ANDROID": (PROMOTED_APP_ID, package, f"https://play.google.com/store/apps/details?id={package}"),
        "IOS": (str(7_300_000_000_000_000_000 + adv.index), str(1_400_000_000 + adv.index),
                f"https://apps.apple.com/app/id{1_400_000_000 + adv.index}"),
    }  # fmt: skip
    return [
        {
            "app_id": stores[platform][0],
            "app_name": f"{brand} App",
            "platform": platform,
            "app_platform_id": stores[platform][1],
            "download_url": stores[platform][2],
            "partner": "Adjust",
            "enable_retargeting": "NON_RETARGETING" if i == 0 else "RETARGETING",
            "create_time": when.strftime(PLAIN),
        }
        for (i, when), platform in zip(_live(world, adv, "app"), stores, strict=False)
    ]

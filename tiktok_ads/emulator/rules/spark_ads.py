"""The emulator's Spark Ads: identities, their TikTok posts, and which ads run them.

- ``GET identity/get/`` (``advertiser_id``; ``identity_type``, ``identity_authorized_bc_id``, ``page``,
  ``page_size`` 1..100): ``data.identity_list`` + ``page_info``.
- ``GET identity/video/info/`` (``advertiser_id``, ``identity_type``, ``identity_id``, ``item_id``;
  ``identity_authorized_bc_id`` required for ``BC_AUTH_TT``): ``data.video_detail``.
- ``GET tt_video/list/`` (the Spark Ads posts creators authorized to the ad account with an auth code;
  ``advertiser_id``, ``item_types`` a JSON list of ``VIDEO``/``CAROUSEL``, default both, ``keyword`` matching
  the caption or, 19 digits and more, exactly the ``item_id``, ``page`` and ``page_size`` 1..50 default 20):
  ``data.list`` + ``page_info``, page-numbered (no cursor). Each item has ``item_info`` (``item_id``,
  ``item_type``, ``status``, ``text``, ``auth_code``), ``user_info`` (``tiktok_name``, ``identity_id``,
  ``identity_type`` ``AUTH_CODE``), ``video_info`` and ``auth_info`` (``ad_auth_status``, ``auth_start_time``,
  ``auth_end_time``, ``invite_start_time``). Sources: parameters and answer of [BB] bububa/tiktok-business
  model/ttvideo/list.go and info.go (``Item``: ``auth_info``, ``item_info``, ``user_info``, ``video_info``;
  page size 1-50 default 20, also the 50 of Airbyte's manifest); public client code reading
  ``item_info.item_id``, ``user_info.identity_id`` and ``auth_info.ad_auth_status`` from ``data.list``.
  UNSURE: the order (newest authorization first here), the format of ``auth_code`` and whether
  ``invite_start_time`` is null for codes (no invitation).

Sources: parameters from the official SDK (``business_api_client/api/identity_api.py``: ``identity_get``,
``identity_video_info``; identity types ``AUTH_CODE``, ``TT_USER``, ``BC_AUTH_TT`` for posts); response fields
from a generated TypeScript client of TikTok's v1.3 docs (the file headed "Auto-generated types for
Identity", found with find_string). ``tt_video/list/`` is not in the official SDK.

The model: every advertiser has its ``CUSTOMIZED_USER`` identity (the one non-Spark ads show) and one
``AUTH_CODE`` identity, a TikTok account that authorized its posts, with :data:`POSTS` posts created before the
history starts; ``tt_video/list/`` lists exactly those (all videos: no carousel post is modelled). Two ads in
five (by a hash of their key) are Spark Ads: their ``identity_type`` is ``AUTH_CODE``,
its ``identity_id`` that identity's, and its ``tiktok_item_id`` one of the identity's posts, so ``ads`` joins
to ``spark_ad_posts`` on ``(identity_id, tiktok_item_id)``. UNSURE: ``ad/get/`` answers ``tiktok_item_id`` null
for non-Spark ads here (the docs list the field without saying).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.model import stable_hash as _h
from tiktok_ads.emulator.rules.params import ApiError, get_id, get_str, get_str_list, page_of, param_error

POSTS = 4
_IDENTITY_TYPES = frozenset({"CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT"})
_POST_IDENTITY_TYPES = frozenset({"AUTH_CODE", "TT_USER", "BC_AUTH_TT"})
_ITEM_TYPES = ("VIDEO", "CAROUSEL")
_KEYWORD_MAX = 500  # [BB] ListRequest.Keyword: at most 500 characters of text
_ITEM_ID_DIGITS = 19  # [BB]: a numeric keyword of at least 19 characters is an item id, matched exactly


def customized_identity_id(adv: Advertiser) -> str:
    """The advertiser's ``CUSTOMIZED_USER`` identity (what non-Spark ads show)."""
    return str(7_080_000_000_000_000_000 + adv.index)


def spark_identity_id(adv: Advertiser) -> str:
    """The advertiser's ``AUTH_CODE`` identity (a TikTok account whose posts run as Spark Ads)."""
    return str(7_090_000_000_000_000_000 + adv.index)


def item_id(adv: Advertiser, i: int) -> str:
    """The id of the identity's ``i``-th post (TikTok item ids are 19-digit numbers)."""
    return str(7_200_000_000_000_000_000 + adv.index * 1000 + i)


def identities(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The advertiser's identities (``identity/get/``)."""
    word = adv.company.split()[0]
    base = {"identity_authorized_bc_id": None, "ads_only_mode": False, "is_gpppa": False}
    return [
        {
            **base,
            "identity_id": customized_identity_id(adv),
            "identity_type": "CUSTOMIZED_USER",
            "display_name": word,
            "username": None,
            "can_push_video": False,
            "can_pull_video": False,
            "can_use_live_ads": False,
            "can_manage_message": False,
            "available_status": "AVAILABLE",
            "profile_image": f"https://p16-sign-va.tiktokcdn.com/emulator/identity/{adv.index}-c.jpeg",
        },
        {
            **base,
            "identity_id": spark_identity_id(adv),
            "identity_type": "AUTH_CODE",
            "display_name": f"{word} Official",
            "username": f"{word.lower()}.official",
            "can_push_video": False,
            "can_pull_video": True,
            "can_use_live_ads": False,
            "can_manage_message": False,
            "available_status": "AVAILABLE",
            "profile_image": f"https://p16-sign-va.tiktokcdn.com/emulator/identity/{adv.index}-a.jpeg",
        },
    ]


def posts(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The ``video_detail`` of each post of the advertiser's ``AUTH_CODE`` identity."""
    start = dt.datetime.combine(world.history_start, dt.time(0), dt.timezone.utc)
    out = []
    for i in range(POSTS):
        auth_start = start - dt.timedelta(days=30 + i)
        duration = 8 + _h(adv.index, "post", i) % 50
        out.append(
            {
                "item_id": item_id(adv, i),
                "item_type": "VIDEO",
                "status": "ITEM_STATUS_HESITATE_RECOMMEND",
                "text": f"{adv.company.split()[0]} post {i + 1} #fyp",
                "auth_info": {
                    "ad_auth_status": "AUTHORIZED",
                    "auth_start_time": auth_start.strftime("%Y-%m-%d %H:%M:%S"),
                    "auth_end_time": (auth_start + dt.timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S"),
                },
                "video_info": {
                    "bit_rate": 1_500_000 + _h(adv.index, "br", i) % 1_000_000,
                    "duration": float(duration),
                    "size": 2_000_000 + _h(adv.index, "size", i) % 8_000_000,
                    "height": 1280,
                    "width": 720,
                    "poster_url": f"https://p16-sign-va.tiktokcdn.com/emulator/post/{item_id(adv, i)}.jpeg",
                    "signature": f"{_h(adv.index, 'sig', i):016x}{_h(adv.index, 'sig2', i):016x}",
                    "url": f"https://v16m.tiktokcdn.com/emulator/post/{item_id(adv, i)}.mp4",
                },
            }
        )
    return out


def authorized_posts(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The ``tt_video/list/`` items of an advertiser: its ``AUTH_CODE`` identity's posts, newest authorization first."""
    identity = identities(world, adv)[1]
    out = []
    for post in posts(world, adv):
        info = {k: post[k] for k in ("item_id", "item_type", "status", "text")}
        info["auth_code"] = f"#{_h(world.config.seed, adv.index, 'code', post['item_id']):016x}"
        out.append(
            {
                "item_info": info,
                "user_info": {
                    "tiktok_name": identity["username"],
                    "identity_id": identity["identity_id"],
                    "identity_type": identity["identity_type"],
                },
                "video_info": dict(post["video_info"]),
                "auth_info": {**post["auth_info"], "invite_start_time": None},
            }
        )
    return out


def ad_identity(world: World, adv: Advertiser, key: tuple[int, ...]) -> dict[str, Any]:
    """``identity_type``, ``identity_id`` and ``tiktok_item_id`` of an ad (:meth:`.model.World.entity_dict`)."""
    if _h(world.config.seed, *key, "spark") % 5 < 2:
        return {
            "identity_type": "AUTH_CODE",
            "identity_id": spark_identity_id(adv),
            "tiktok_item_id": item_id(adv, _h(world.config.seed, *key, "item") % POSTS),
        }
    return {
        "identity_type": "CUSTOMIZED_USER",
        "identity_id": customized_identity_id(adv),
        "tiktok_item_id": None,
    }


# ---------------------------------------------------------------------------------- API rules


def list_identities(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``identity/get/`` for one (authorized) advertiser."""
    rows = identities(world, adv)
    kind = get_str(params, "identity_type")
    if kind is not None:
        if kind not in _IDENTITY_TYPES:
            raise param_error(f"identity_type: Must be one of: {', '.join(sorted(_IDENTITY_TYPES))}.")
        if kind == "BC_AUTH_TT" and not get_id(params, "identity_authorized_bc_id"):
            raise param_error("identity_authorized_bc_id: Required when identity_type is BC_AUTH_TT.")
        rows = [r for r in rows if r["identity_type"] == kind]
    return page_of(rows, params, 100, "identity_list")  # UNSURE: 1..100 as for the other asset lists


def video_info(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``identity/video/info/`` for one (authorized) advertiser: one post of one identity."""
    kind = get_str(params, "identity_type", required=True)
    if kind not in _POST_IDENTITY_TYPES:
        raise param_error(f"identity_type: Must be one of: {', '.join(sorted(_POST_IDENTITY_TYPES))}.")
    identity = get_id(params, "identity_id", required=True)
    wanted = get_id(params, "item_id", required=True)
    if kind == "BC_AUTH_TT" and not get_id(params, "identity_authorized_bc_id"):
        raise param_error("identity_authorized_bc_id: Required when identity_type is BC_AUTH_TT.")
    if identity != spark_identity_id(adv) or kind != "AUTH_CODE":
        # UNSURE: TikTok's code for an identity the advertiser cannot use
        raise ApiError(40001, f"No permission to operate identity {identity}.")
    found = [p for p in posts(world, adv) if p["item_id"] == wanted]
    if not found:
        raise ApiError(40007, f"The video {wanted} does not exist.")  # UNSURE: code of an unknown post
    return {"video_detail": found[0]}, 1


def list_authorized_posts(
    world: World, adv: Advertiser, params: Mapping[str, str]
) -> tuple[dict[str, Any], int]:
    """Answer ``tt_video/list/`` for one (authorized) advertiser."""
    rows = authorized_posts(world, adv)
    types = get_str_list(params, "item_types")
    if types is not None:
        if not types or any(t not in _ITEM_TYPES for t in types):
            raise param_error(f"item_types: Every element must be one of: {', '.join(_ITEM_TYPES)}.")
        rows = [r for r in rows if r["item_info"]["item_type"] in types]
    keyword = get_str(params, "keyword")
    if keyword:
        if len(keyword) > _KEYWORD_MAX:
            raise param_error(f"keyword: Length must be at most {_KEYWORD_MAX}.")
        if keyword.isdigit() and len(keyword) >= _ITEM_ID_DIGITS:
            rows = [r for r in rows if r["item_info"]["item_id"] == keyword]
        else:  # UNSURE: TikTok's match is fuzzy and multilingual; a case-blind substring here
            rows = [r for r in rows if keyword.casefold() in r["item_info"]["text"].casefold()]
    return page_of(rows, params, 50, "list", default_size=20)


#: route -> handler taking an authorized advertiser, for :class:`.api.Api`
SPARK_ROUTES = {
    "identity/get/": list_identities,
    "identity/video/info/": video_info,
    "tt_video/list/": list_authorized_posts,
}

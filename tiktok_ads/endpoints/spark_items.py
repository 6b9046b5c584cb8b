"""Spark Ads posts as rows: the fields kept of a post, and the page loop of ``tt_video/list/``.

A post arrives in two shapes: ``identity/video/info/`` answers a ``video_detail`` (``item_id``, ``text`` ...
beside ``video_info`` and ``auth_info``; read by :mod:`tiktok_ads.resources.spark_ads`), and ``tt_video/list/`` answers items
of four objects, ``item_info``, ``user_info``, ``video_info`` and ``auth_info`` ([BB] bububa/tiktok-business
model/ttvideo/info.go ``Item``). Both become one flat row with the same column names.

``tt_video/list/`` lists the posts creators authorized to the ad account with an auth code: page-numbered
(``page``, ``page_size`` 1..50, ``page_info``; [BB] model/ttvideo/list.go, Airbyte's manifest pages it by 50),
no cursor and no modification time, so the table is read whole every run and merged on
``(advertiser_id, item_id)``. ``item_info.auth_code`` is left out: a creator's code lets any ad account use the
post while it is valid, so it is treated like a credential and never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.tables.records import EntityTable

Row = dict[str, Any]

ITEM_FIELDS = ("item_id", "item_type", "status", "text")
VIDEO_FIELDS = ("duration", "width", "height", "size", "bit_rate", "poster_url", "url", "signature")
AUTH_FIELDS = ("ad_auth_status", "auth_start_time", "auth_end_time")
USER_FIELDS = ("identity_id", "identity_type", "tiktok_name")
#: the authorization fields ``tt_video/list/`` adds ([BB] ``AuthInfo.InviteStartTime``)
LIST_AUTH_FIELDS = (*AUTH_FIELDS, "invite_start_time")


def _pick(source: Any, names: tuple[str, ...]) -> Row:
    """``names`` of ``source`` (None for each when it is not an object, e.g. a carousel's null ``video_info``)."""
    values: Mapping[str, Any] = source if isinstance(source, Mapping) else {}
    return {name: values.get(name) for name in names}


def post_row(
    item: Mapping[str, Any], video: Any, auth: Any, auth_fields: tuple[str, ...] = AUTH_FIELDS
) -> Row:
    """One post as a row: ``ITEM_FIELDS`` of ``item``, ``VIDEO_FIELDS`` of ``video``, ``auth_fields`` of ``auth``."""
    return {**_pick(item, ITEM_FIELDS), **_pick(video, VIDEO_FIELDS), **_pick(auth, auth_fields)}


def authorized_post_row(item: Mapping[str, Any]) -> Row:
    """A ``tt_video/list/`` item as a row (its ``auth_code`` left out)."""
    row = post_row(
        item.get("item_info") or {}, item.get("video_info"), item.get("auth_info"), LIST_AUTH_FIELDS
    )
    row.update(_pick(item.get("user_info"), USER_FIELDS))
    return row


def authorized_post_pages(
    client: TikTokClient,
    spec: EntityTable,
    advertiser_id: str,
    *,
    since: dt.datetime | None,
    page_size: int,
) -> Iterator[list[Row]]:
    """Pages of ``tt_video/list/`` for one advertiser, each item flattened (:func:`authorized_post_row`).

    Args:
        client: the API client (its one paging loop).
        spec: the table (``max_page_size`` 50).
        advertiser_id: the ad account.
        since: unused (no cursor).
        page_size: the setting, capped to ``spec.max_page_size``.

    Yields:
        Lists of flat rows.
    """
    size = min(page_size, spec.max_page_size)
    params = {"advertiser_id": advertiser_id}
    for page in client.paginate(spec.endpoint, params, page_size=size, advertiser_id=advertiser_id):
        yield [authorized_post_row(item) for item in page if isinstance(item, Mapping)]

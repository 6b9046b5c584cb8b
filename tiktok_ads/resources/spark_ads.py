"""The ``spark_ad_posts`` table: the TikTok posts an advertiser's Spark Ads run.

A Spark Ad shows a post of a TikTok account (an identity of type ``AUTH_CODE``, ``TT_USER`` or
``BC_AUTH_TT``): ``ad/get/`` gives its ``identity_id``, ``identity_type`` and ``tiktok_item_id``. Per advertiser,
a run lists its ads as the ``ads`` table does (both groups of buying types; every status with
``include_deleted``), then reads each distinct post once with ``identity/video/info/`` (the official SDK's ``IdentityApi.identity_video_info``:
``advertiser_id``, ``identity_type``, ``identity_id``, ``item_id``, ``identity_authorized_bc_id`` for
``BC_AUTH_TT``). Rows join to ads on ``(advertiser_id, identity_id, tiktok_item_id = item_id)``.

No cursor: the posts are read whole every run and merged on the key. A post TikTok no longer finds (code
40007, UNSURE: TikTok's code for a deleted post) is skipped with a warning; other errors fail the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.endpoints.extract import entity_pages
from tiktok_ads.endpoints.spark_items import post_row
from tiktok_ads.endpoints.top_view import TopViewCampaigns
from tiktok_ads.endpoints.transform import transform_entity_rows
from tiktok_ads.errors import TikTokAPIError
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.tables.records import EntityTable, SparkPostsTable
from tiktok_ads.tables.registry import TABLES

POST_IDENTITY_TYPES = frozenset({"AUTH_CODE", "TT_USER", "BC_AUTH_TT"})
_MISSING_POST = 40007


def _ads_table() -> EntityTable:
    spec = TABLES["ads"]
    assert isinstance(spec, EntityTable)
    return spec


def spark_posts_of_ads(
    client: TikTokClient,
    advertiser_id: str,
    *,
    include_deleted: bool,
    page_size: int,
    top_view: TopViewCampaigns | None = None,
) -> list[tuple[str, str, str, str | None]]:
    """Distinct ``(identity_type, identity_id, item_id, identity_authorized_bc_id)`` of the advertiser's Spark Ads.

    The ads are listed as the ``ads`` table lists them (:func:`.extract.entity_pages`): once per group of
    buying types, so the Spark Ads of TopView and Reach & Frequency campaigns count too (``ad/get/`` leaves
    TopView ads out unless asked for them alone), with the run's one TopView campaign list.

    Args:
        client: the API client.
        advertiser_id: the advertiser.
        include_deleted: include deleted ads (``primary_status = STATUS_ALL``).
        page_size: rows per ``ad/get/`` page.
        top_view: the run's TopView campaign lists (None: the TopView ad list is always read).

    Returns:
        The posts, in the order the ads list them.
    """
    found: dict[tuple[str, str, str, str | None], None] = {}
    pages = entity_pages(
        client,
        _ads_table(),
        advertiser_id,
        include_deleted=include_deleted,
        page_size=page_size,
        top_view=top_view,
    )
    for page in pages:
        for ad in page:
            kind, identity, item = ad.get("identity_type"), ad.get("identity_id"), ad.get("tiktok_item_id")
            if kind in POST_IDENTITY_TYPES and identity and item:
                bc = ad.get("identity_authorized_bc_id")
                found.setdefault((str(kind), str(identity), str(item), str(bc) if bc else None), None)
    return list(found)


def _flat_post(detail: dict[str, Any], kind: str, identity: str) -> dict[str, Any]:
    row = post_row(detail, detail.get("video_info"), detail.get("auth_info"))
    row.update(identity_id=identity, identity_type=kind)
    return row


def spark_post_rows(ctx: SourceContext, spec: SparkPostsTable) -> Iterator[list[dict[str, Any]]]:
    """The posts of every advertiser's Spark Ads, typed (one list per advertiser).

    Args:
        ctx: the source context.
        spec: the ``spark_ad_posts`` table.

    Yields:
        Typed rows.
    """
    cfg = ctx.config
    for advertiser in ctx.advertisers():
        adv_id = advertiser.advertiser_id
        rows: list[dict[str, Any]] = []
        try:
            posts = spark_posts_of_ads(
                ctx.client,
                adv_id,
                include_deleted=cfg.include_deleted,
                page_size=cfg.page_size,
                top_view=ctx.top_view,
            )
            for kind, identity, item, bc in posts:
                params = {
                    "advertiser_id": adv_id,
                    "identity_type": kind,
                    "identity_id": identity,
                    "item_id": item,
                }
                if bc:
                    params["identity_authorized_bc_id"] = bc
                try:
                    data = ctx.client.get(spec.endpoint, params)
                except TikTokAPIError as err:
                    if err.code != _MISSING_POST:
                        raise
                    ctx.summary.warn_once(
                        f"tiktok_ads: spark_ad_posts: post {item} of identity {identity} (advertiser {adv_id}) "
                        f"is gone ({err.code} {err.message}); its stored row, if any, stays"
                    )
                    continue
                detail = data.get("video_detail")
                if isinstance(detail, dict):
                    rows.append(_flat_post(detail, kind, identity))
        except TikTokAPIError as err:
            err.add_context(table=spec.name)
            raise
        typed = transform_entity_rows(spec, adv_id, rows)
        if typed:
            ctx.summary.count(spec.name, adv_id, len(typed))
            yield typed

"""The filters the GMV Max creative table (``item_id`` rows) is read with: its campaigns and their products.

TikTok answers the creative level of ``gmv_max/report/get/`` only with ``filtering.campaign_ids`` and
``filtering.item_group_ids`` (both required, at most 100 each; Doc ID 1824722485971009, "Creative-level
metrics"), and lists neither itself: the product campaigns come from the campaign level
(``gmv_max_promotion_types = PRODUCT``), their products from the product level (which needs
``campaign_ids``). So a window of one shop costs one campaign-level request series, one product-level series
per 100 campaigns, then the creative series per (100 campaigns, 100 of their products).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .client import TikTokClient

MAX_FILTER_IDS = 100
"""``campaign_ids`` and ``item_group_ids`` take at most 100 ids (Doc ID 1824722485971009)."""


def _chunks(ids: list[str], size: int = MAX_FILTER_IDS) -> Iterator[list[str]]:
    for at in range(0, len(ids), size):
        yield ids[at : at + size]


def _dimension_values(
    client: TikTokClient,
    base: dict[str, Any],
    dimensions: list[str],
    filtering: dict[str, Any],
    *,
    page_size: int,
    advertiser_id: str,
) -> list[dict[str, str]]:
    """The ``dimensions`` objects of every row of one report (``cost`` only: the rows are what counts)."""
    params = {**base, "dimensions": dimensions, "metrics": ["cost"], "filtering": filtering}
    out: list[dict[str, str]] = []
    for page in client.paginate(
        "gmv_max/report/get/", params, page_size=page_size, advertiser_id=advertiser_id
    ):
        for row in page:
            if isinstance(row, dict) and isinstance(row.get("dimensions"), dict):
                out.append({k: str(v) for k, v in row["dimensions"].items()})
    return out


def creative_filterings(
    client: TikTokClient, base: dict[str, Any], *, page_size: int, advertiser_id: str
) -> Iterator[dict[str, Any]]:
    """The ``filtering`` objects that together cover every post of the shop's product campaigns.

    Args:
        client: the API client.
        base: the request's parameters without dimensions, metrics and filtering (advertiser, shop, dates).
        page_size: rows per page of the listing requests.
        advertiser_id: the advertiser.

    Yields:
        ``{"campaign_ids": [...], "item_group_ids": [...]}``, each list at most 100 ids.
    """
    campaigns = _dimension_values(
        client,
        base,
        ["campaign_id"],
        {"gmv_max_promotion_types": ["PRODUCT"]},
        page_size=page_size,
        advertiser_id=advertiser_id,
    )
    campaign_ids = sorted({d["campaign_id"] for d in campaigns if d.get("campaign_id")})
    for batch in _chunks(campaign_ids):
        pairs = _dimension_values(
            client,
            base,
            ["campaign_id", "item_group_id"],
            {"campaign_ids": batch},
            page_size=page_size,
            advertiser_id=advertiser_id,
        )
        products = sorted({d["item_group_id"] for d in pairs if d.get("item_group_id")})
        for chunk in _chunks(products):
            yield {"campaign_ids": batch, "item_group_ids": chunk}

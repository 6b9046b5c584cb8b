"""The ``filtering`` objects a GMV Max report table is read with, and the listing requests that name them.

TikTok answers the product (``item_group_id``) and LIVE room (``room_id``) levels of ``gmv_max/report/get/``
only with ``filtering.campaign_ids``, and the creative level (``item_id``) only with ``campaign_ids`` and
``item_group_ids`` (all "Required", at most 100 ids each; Doc ID 1824722485971009, "Metrics in GMV Max
Campaign reports"). Neither list is known beforehand, so a window of one shop first lists the campaigns of
the promotion type (campaign level, ``gmv_max_promotion_types``), and for the creative level their products
(product level, per 100 campaigns); then the table is read per 100 campaigns (creative: per 100 campaigns and
100 of their products). The campaign-level tables send only the promotion type, which TikTok requires there
(a table of both types reads each type in turn), the advertiser-level one none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tiktok_ads.api.client import TikTokClient

MAX_FILTER_IDS = 100
"""``campaign_ids`` and ``item_group_ids`` take at most 100 ids (Doc ID 1824722485971009)."""


def _chunks(ids: list[str], size: int = MAX_FILTER_IDS) -> Iterator[list[str]]:
    for at in range(0, len(ids), size):
        yield ids[at : at + size]


def _values(
    client: TikTokClient,
    base: dict[str, Any],
    dimension: str,
    dimensions: list[str],
    filtering: dict[str, Any],
    *,
    page_size: int,
    advertiser_id: str,
) -> list[str]:
    """The distinct values of ``dimension`` in one report (``cost`` only: the rows are what counts)."""
    params = {**base, "dimensions": dimensions, "metrics": ["cost"], "filtering": filtering}
    found: set[str] = set()
    for page in client.paginate(
        "gmv_max/report/get/", params, page_size=page_size, advertiser_id=advertiser_id
    ):
        for row in page:
            dims = row.get("dimensions") if isinstance(row, dict) else None
            if isinstance(dims, dict) and dims.get(dimension):
                found.add(str(dims[dimension]))
    return sorted(found)


def report_filterings(
    client: TikTokClient,
    base: dict[str, Any],
    dimensions: tuple[str, ...],
    promotion: str | None,
    *,
    page_size: int,
    advertiser_id: str,
) -> Iterator[dict[str, Any] | None]:
    """The ``filtering`` objects that together cover a GMV Max report table's rows for one shop and window.

    Args:
        client: the API client.
        base: the request's parameters without dimensions, metrics and filtering (advertiser, shop, dates).
        dimensions: the table's dimensions.
        promotion: ``PRODUCT``, ``LIVE`` or None (both types: no filter).
        page_size: rows per page of the listing requests.
        advertiser_id: the advertiser.

    Yields:
        One filtering per request series (None: send none).
    """
    by_type = {"gmv_max_promotion_types": [promotion]} if promotion else None
    if not {"item_group_id", "room_id", "item_id"} & set(dimensions):
        if by_type is None and "campaign_id" in dimensions:  # the campaign level needs one type named
            yield from ({"gmv_max_promotion_types": [kind]} for kind in ("PRODUCT", "LIVE"))
        else:
            yield by_type
        return
    listing: dict[str, Any] = {"page_size": page_size, "advertiser_id": advertiser_id}
    campaigns = _values(client, base, "campaign_id", ["campaign_id"], by_type or {}, **listing)
    for batch in _chunks(campaigns):
        if "item_id" not in dimensions:
            yield {"campaign_ids": batch}
            continue
        dims = ["campaign_id", "item_group_id"]
        products = _values(client, base, "item_group_id", dims, {"campaign_ids": batch}, **listing)
        for chunk in _chunks(products):
            yield {"campaign_ids": batch, "item_group_ids": chunk}

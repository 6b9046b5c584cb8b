"""Advertiser discovery through Business Centers: the ad accounts a BC holds (``bc/asset/get/``).

With ``sources.tiktok_ads.bc_ids`` set, :class:`~tiktok_ads.endpoints.extract.AdvertiserDirectory` adds every ad account
(``asset_type = ADVERTISER``) of those BCs to the run's advertisers: an agency lists its BC once instead of
hundreds of ids. Parameters as in the official SDK (``BcApi.bc_asset_get``: ``bc_id``, ``asset_type``,
``page``, ``page_size``); rows under ``data.list`` with ``asset_id`` (UNSURE: largest page 50, as the docs'
examples; a smaller page only costs requests).
"""

from __future__ import annotations

from collections.abc import Sequence

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.endpoints.transform import row_id
from tiktok_ads.errors import TikTokAPIError

BC_ASSET_PAGE_SIZE = 50


def bc_advertiser_ids(client: TikTokClient, bc_ids: Sequence[str]) -> list[str]:
    """The ad accounts of each Business Center, in BC order then TikTok's order, without duplicates.

    Args:
        client: the API client.
        bc_ids: Business Center ids (``sources.tiktok_ads.bc_ids``).

    Returns:
        Advertiser ids.

    Raises:
        TikTokAPIError: a BC cannot be read (the message names ``sources.tiktok_ads.bc_ids`` and the BC).
    """
    found: dict[str, None] = {}
    for bc_id in bc_ids:
        params = {"bc_id": bc_id, "asset_type": "ADVERTISER"}
        try:
            for page in client.paginate("bc/asset/get/", params, page_size=BC_ASSET_PAGE_SIZE):
                for row in page:
                    found.setdefault(row_id(row, "asset_id", "bc/asset/get/"), None)
        except TikTokAPIError as err:
            err.add_context(setting="sources.tiktok_ads.bc_ids", bc_id=bc_id)
            raise
    return list(found)

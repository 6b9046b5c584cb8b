"""API rules of the creative and account-side list endpoints (data in :mod:`.assets`).

- ``GET file/image/ad/search/`` and ``file/video/ad/search/``: ``advertiser_id``, ``filtering``
  (``image_ids``/``video_ids``/``material_ids``, at most 100), ``page``, ``page_size`` 1..1000, default 20;
  ``data.list`` + ``page_info``.
- ``GET dmp/custom_audience/list/``: ``advertiser_id``, ``custom_audience_ids`` (JSON list, optional),
  ``page``, ``page_size`` 1..100, default 10; ``data.list`` + ``page_info``.
- ``GET pixel/list/``: ``advertiser_id``, ``pixel_ids``/``code`` filters, ``page``, ``page_size`` 1..20,
  default 10; ``data.pixels`` + ``page_info``.

Page-size bounds, per endpoint (a size outside them is answered 40002 naming ``page_size``):

- image and video search: "default 20, range 1-1,000" in [BB] model/file/image/ad_search.go and
  model/file/video/ad_search.go (HEAD 051f6c0, which tracks the docs' changelog up to the video
  ``sort_field``); the official SDK 1.1.3 docstrings (``FileApi.ad_image_search``/``ad_video_search``) still say
  "default 20, range 1-100". UNSURE: the newer page wins here (the emulator must not be stricter than TikTok);
  the source keeps asking 100, valid under both.
- custom audiences: "default 10, range 1-100" in the official SDK (``AudienceApi.dmp_custom_audience_list``)
  and [BB] model/dmp/customaudience/list.go.
- pixels: "default 10, range 1-20" in [BB] model/pixel/list.go (the SDK does not say). UNSURE whether TikTok
  refuses a larger size or clamps it; like every other documented range here, it is refused.

UNSURE: the ``pixels`` key of ``pixel/list/`` follows [BB] model/pixel/list.go and connector code, not a live
answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tiktok_ads.emulator.data import assets
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.params import (
    AdvertiserLister,
    get_filtering,
    get_str,
    keep_ids,
    keep_param_ids,
    page_of,
)

Lister = Callable[[World, Advertiser], list[dict[str, Any]]]


def _file_lister(files: Lister, id_field: str, route: str) -> AdvertiserLister:
    """The lister of a file library endpoint (images or videos): ``filtering`` by its ids or material ids."""

    def answer(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
        rows = files(world, adv)
        filtering = get_filtering(params)
        for name, field in ((f"{id_field}s", id_field), ("material_ids", "material_id")):
            if name in filtering:
                rows = keep_ids(rows, f"filtering.{name}", filtering[name], field)
        return page_of(rows, params, 1000, "list", default_size=20)

    answer.__doc__ = f"Answer ``{route}`` for one (authorized) advertiser."
    return answer


list_images = _file_lister(assets.images, "image_id", "file/image/ad/search/")
list_videos = _file_lister(assets.videos, "video_id", "file/video/ad/search/")


def list_audiences(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``dmp/custom_audience/list/`` for one (authorized) advertiser."""
    rows = assets.audiences(world, adv)
    rows = keep_param_ids(rows, params, "custom_audience_ids", "custom_audience_id")
    return page_of(rows, params, 100, "list")


def list_pixels(world: World, adv: Advertiser, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
    """Answer ``pixel/list/`` for one (authorized) advertiser."""
    rows = assets.pixels(world, adv)
    code = get_str(params, "code")
    if code:
        rows = [r for r in rows if r["pixel_code"] == code]
    rows = keep_param_ids(rows, params, "pixel_ids", "pixel_id")
    return page_of(rows, params, 20, "pixels")


#: route -> lister, for :class:`.api.Api`
ASSET_ROUTES: dict[str, AdvertiserLister] = {
    "file/image/ad/search/": list_images,
    "file/video/ad/search/": list_videos,
    "dmp/custom_audience/list/": list_audiences,
    "pixel/list/": list_pixels,
}

"""The emulator's creative and account-side data: ad images, ad videos, custom audiences and pixels.

Like the rest of the model, every object is a pure function of the seed, the advertiser and its index, and
exists once the clock passes its ``create_time``; some are modified later (``modify_time`` / ``update_time``).
The API rules for these objects (filters, paging) are in :mod:`.api_assets`.

Time formats differ per endpoint at TikTok: the file endpoints send ISO-8601 UTC (``2021-06-02T09:48:22Z``),
custom audiences and pixels ``YYYY-MM-DD HH:MM:SS`` UTC. UNSURE: taken from connector fixtures, not from a
live account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.data.model import stable_hash as _h

UTC = dt.timezone.utc
ISO = "%Y-%m-%dT%H:%M:%SZ"
PLAIN = "%Y-%m-%d %H:%M:%S"

#: Objects of each kind per advertiser (over the whole timeline; later ones appear as the clock moves).
PER_ADVERTISER = {"image": 24, "video": 12, "audience": 6, "pixel": 2}
_AUDIENCE_TYPES = ("CUSTOMER_FILE", "ENGAGEMENT", "APP", "WEBSITE", "LOOKALIKE")
_PIXEL_EVENTS = ("CompletePayment", "AddToCart", "ViewContent", "SubmitForm", "Search")


def _created(world: World, adv: Advertiser, kind: str, i: int) -> dt.datetime:
    """When an object was created: over history + future; the first image and video the day before the
    history starts, so every ad (created within the history) has a file in its library to show."""
    start = dt.datetime.combine(world.history_start, dt.time(0), UTC)
    span = (world.config.days + world.config.future_days) * 86400
    offset = _h(world.config.seed, adv.index, kind, i, "c") % span
    if i == 0 and kind in ("image", "video"):
        return start - dt.timedelta(seconds=86400 - offset % 86400)
    return start + dt.timedelta(seconds=offset)


def _times(world: World, adv: Advertiser, kind: str, i: int) -> tuple[dt.datetime, dt.datetime]:
    """(create_time, modify_time as seen now) of an object: created over history + future, modified once."""
    create = _created(world, adv, kind, i)
    modified = create + dt.timedelta(seconds=_h(world.config.seed, adv.index, kind, i, "m") % (20 * 86400))
    return create, modified if modified <= world.now else create


def _image_id(adv: Advertiser, i: int) -> str:
    return f"ad-site-i18n-sg/{_h(adv.index, 'img', i):016x}"


def _video_id(adv: Advertiser, i: int) -> str:
    return f"v10033g50000{_h(adv.index, 'vid', i):016x}"


def creative_of_ad(
    world: World, adv: Advertiser, key: tuple[int, ...], created: dt.datetime
) -> tuple[str, str]:
    """``(video_id, image_id)`` an ad shows: files of its advertiser's library created before the ad.

    The ad's ``video_id`` and ``image_ids`` (model.World.entity_dict) come from here, so ``ads`` joins to
    ``ad_videos`` and ``ad_images`` as at TikTok, where an ad can only use an uploaded file.
    """
    picked: list[str] = []
    for kind, make_id in (("video", _video_id), ("image", _image_id)):
        times = _library_times(world, adv, kind)
        older = [i for i, when in enumerate(times) if when <= created] or [0]
        picked.append(make_id(adv, older[_h(world.config.seed, *key, kind) % len(older)]))
    return picked[0], picked[1]


def _library_times(world: World, adv: Advertiser, kind: str) -> tuple[dt.datetime, ...]:
    """Creation times of an advertiser's files of one kind (clock-independent), cached per world."""
    cache: dict[tuple[int, str], tuple[dt.datetime, ...]] = world.__dict__.setdefault("_asset_times", {})
    times = cache.get((adv.index, kind))
    if times is None:
        times = tuple(_created(world, adv, kind, i) for i in range(PER_ADVERTISER[kind]))
        cache[(adv.index, kind)] = times
    return times


#: Builds one object of a kind: (advertiser, index, create_time, modify_time as seen now) -> the API dict.
_Build = Callable[[Advertiser, int, dt.datetime, dt.datetime], dict[str, Any]]


def _existing(world: World, adv: Advertiser, kind: str, build: _Build, sort_key: str) -> list[dict[str, Any]]:
    """The advertiser's objects of ``kind`` that exist now, built by ``build``, highest ``sort_key`` first."""
    out = []
    for i in range(PER_ADVERTISER[kind]):
        create, modify = _times(world, adv, kind, i)
        if create <= world.now:
            out.append(build(adv, i, create, modify))
    return sorted(out, key=lambda r: r[sort_key], reverse=True)


def images(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The advertiser's ad images that exist now (``file/image/ad/search/``), newest id first."""
    return _existing(world, adv, "image", _image, "material_id")


def videos(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The advertiser's ad videos that exist now (``file/video/ad/search/``), newest id first."""
    return _existing(world, adv, "video", _video, "material_id")


def audiences(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The advertiser's custom audiences that exist now (``dmp/custom_audience/list/``)."""
    return _existing(world, adv, "audience", _audience, "custom_audience_id")


def pixels(world: World, adv: Advertiser) -> list[dict[str, Any]]:
    """The advertiser's pixels that exist now (``pixel/list/``), with their events."""
    return _existing(world, adv, "pixel", _pixel, "pixel_id")


def _image(adv: Advertiser, i: int, create: dt.datetime, modify: dt.datetime) -> dict[str, Any]:
    width, height = ((720, 1280), (1080, 1080), (1200, 628))[i % 3]
    digest = f"{_h(adv.index, 'img', i):016x}"
    return {
        "image_id": _image_id(adv, i),
        "material_id": str(7_400_000_000_000_000_000 + adv.index * 10_000 + i),
        "file_name": f"image_{i + 1}.jpg",
        "format": "jpeg",
        "width": width,
        "height": height,
        "size": 40_000 + _h(adv.index, "imgsize", i) % 400_000,
        "signature": digest * 2,
        "image_url": f"https://p16-sign-sg.tiktokcdn.com/emulator/{digest}.jpeg",
        "displayable": True,
        "is_carousel_usable": height >= width,
        "create_time": create.strftime(ISO),
        "modify_time": modify.strftime(ISO),
    }


def _video(adv: Advertiser, i: int, create: dt.datetime, modify: dt.datetime) -> dict[str, Any]:
    digest = f"{_h(adv.index, 'vid', i):016x}"
    duration = 5 + _h(adv.index, "dur", i) % 55
    return {
        "video_id": _video_id(adv, i),
        "material_id": str(7_500_000_000_000_000_000 + adv.index * 10_000 + i),
        "file_name": f"video_{i + 1}.mp4",
        "format": "mp4",
        "width": 720,
        "height": 1280,
        "duration": float(duration) + 0.5,
        "bit_rate": 2_000_000 + _h(adv.index, "br", i) % 3_000_000,
        "size": duration * 400_000,
        "signature": digest * 2,
        "video_cover_url": f"https://p16-sign-sg.tiktokcdn.com/emulator/{digest}~cover.jpeg",
        "preview_url": f"https://v16m.tiktokcdn.com/emulator/{digest}.mp4",
        "displayable": True,
        "allow_download": False,
        "allowed_placements": ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"],
        "create_time": create.strftime(ISO),
        "modify_time": modify.strftime(ISO),
    }


def _audience(adv: Advertiser, i: int, create: dt.datetime, modify: dt.datetime) -> dict[str, Any]:
    kind = _AUDIENCE_TYPES[i % len(_AUDIENCE_TYPES)]
    return {
        "custom_audience_id": str(1_600_000_000 + adv.index * 1000 + i),
        "audience_id": str(1_600_000_000 + adv.index * 1000 + i),
        "name": f"{kind.title().replace('_', ' ')} audience {i + 1}",
        "audience_type": kind,
        "cover_num": 1000 + _h(adv.index, "cover", i) % 2_000_000,
        "is_valid": True,
        "is_expiring": False,
        "expired_time": (create + dt.timedelta(days=365)).strftime(PLAIN),
        "create_time": create.strftime(PLAIN),
        "update_time": modify.strftime(PLAIN),
        "shared": False,
        "is_creator": True,
    }


def _pixel(adv: Advertiser, i: int, create: dt.datetime, modify: dt.datetime) -> dict[str, Any]:
    del modify  # pixels carry no modify_time
    return {
        "pixel_id": str(7_600_000_000_000_000_000 + adv.index * 100 + i),
        "pixel_code": f"C{_h(adv.index, 'px', i) % 16**19:019X}",
        "pixel_name": f"{adv.company.split()[0]} web pixel {i + 1}",
        "pixel_category": "ADVANCED",
        "pixel_setup_mode": "MANUAL",
        "activity_status": "ACTIVE",
        "create_time": create.strftime(PLAIN),
        "events": [
            {
                "event_id": str(7_700_000_000_000_000_000 + adv.index * 100 + i * 10 + k),
                "name": f"{name} event",
                "event_type": name,
                "statistic_type": "EVERY_TIME",
                "currency": adv.currency,
            }
            for k, name in enumerate(_PIXEL_EVENTS)
        ],
    }

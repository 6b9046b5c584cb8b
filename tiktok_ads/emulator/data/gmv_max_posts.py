"""The posts (creatives, ``item_id``) product GMV Max campaigns run, and their daily figures.

A product GMV Max campaign promotes each of its products (``item_group_id``) with TikTok posts that GMV Max
picks and tests, plus the product card itself. TikTok reports them at the "creative level" of
``gmv_max/report/get/`` (``item_id`` dimension; Doc ID 1824722485971009 "Metrics in GMV Max Campaign
reports", section "Creative-level metrics"; the Go SDK ``bububa/tiktok-business``
``model/campaign/gmvmax/report_get.go`` names ``item_id`` "post ID").

What is modelled, and from where:

- Per (campaign, product) :data:`POSTS_PER_ITEM_GROUP` videos and the product card, whose ``item_id`` is
  ``-1`` and ``shop_content_type`` ``PRODUCT_CARD`` (the doc: "The product card doesn't have an item ID").
- A post's ``creative_delivery_status`` is fixed (one of the doc's values; most deliver). UNSURE: statuses
  move as GMV Max tests posts; here they do not, and no post is EXCLUDED (removed) or organic only.
- Figures: each product-day's figures (:func:`.gmv_max.part_figures`) split over its posts with
  :func:`.delivery.split_int`, so the posts of a product add up to the product exactly. Videos also get the
  counts behind the documented rates (ad views, ad clicks, conversions, 2 s / 6 s / quartile views); the
  product card has none of those (its rates are 0.00). UNSURE: the doc does not say how a post's cost and a
  product's cost relate; that they add up is the plausible reading (the product's cost is the spend on its
  posts and its card).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tiktok_ads.emulator.data import gmv_max as g
from tiktok_ads.emulator.data.delivery import split_int
from tiktok_ads.emulator.data.model import World
from tiktok_ads.emulator.data.model import stable_hash as _h

POSTS_PER_ITEM_GROUP = 3
"""Videos a product campaign runs per product (besides the product card)."""

PRODUCT_CARD_ITEM_ID = "-1"
"""The product card's ``item_id`` (Doc ID 1824722485971009: "the value of this metric will be -1")."""

#: counts behind the creative-level rates (videos only; the product card has zeros)
VIDEO_FIELDS = (
    "ad_views",
    "ad_clicks",
    "ad_conversions",
    "video_views_2s",
    "video_views_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
)

#: statuses posts get (weighted by repetition: most deliver); values from the doc's creative_delivery_status
_STATUSES = ("DELIVERING", "DELIVERING", "DELIVERING", "LEARNING", "NOT_DELIVERYING", "UNAVAILABLE")
#: the doc's tt_account_authorization_type values a video may have
_AUTHORIZATIONS = ("TTS_TT", "AFFILIATE", "TT_USER", "BC_AUTH_TT")


@dataclass(frozen=True)
class Post:
    """One creative of a product of a product GMV Max campaign (a video, or the product card)."""

    campaign: g.GmvCampaign
    item_group_id: str
    index: int  # 0 is the product card, 1.. the videos

    @property
    def is_card(self) -> bool:
        """Whether this is the product card (no post behind it)."""
        return self.index == 0

    @property
    def item_id(self) -> str:
        """The TikTok post id, ``-1`` for the product card."""
        if self.is_card:
            return PRODUCT_CARD_ITEM_ID
        return str(
            7_310_000_000_000_000_000 + _h(self.campaign.campaign_id, self.item_group_id, self.index) % 10**15
        )

    @property
    def delivery_status(self) -> str:
        """``creative_delivery_status`` (fixed per post; the product card delivers)."""
        if self.is_card:
            return "DELIVERING"
        return _STATUSES[_h(self.item_id, "status") % len(_STATUSES)]

    def attributes(self) -> dict[str, str]:
        """The creative-level attribute metrics (Doc ID 1824722485971009, "For creatives with statuses")."""
        store = self.campaign.store
        if self.is_card:
            account = f"shop_{store.store_id[-6:]}"  # UNSURE: the card's account is the shop's own
            kind, auth, title = "PRODUCT_CARD", "TTS_TT", f"Product card {self.item_group_id[-4:]}"
        else:
            auth = _AUTHORIZATIONS[_h(self.item_id, "auth") % len(_AUTHORIZATIONS)]
            account = f"creator_{_h(self.item_id, 'acct') % 10_000:04d}"
            kind, title = "VIDEO", f"Video {self.index} for product {self.item_group_id[-4:]}"
        return {
            "title": title,
            "item_id": self.item_id,
            "tt_account_name": account,
            "tt_account_profile_image_url": f"https://p16-sign.example/avatar/{account}.jpeg",
            "tt_account_authorization_type": auth,
            "shop_content_type": kind,
        }


def posts(c: g.GmvCampaign, item_group_id: str) -> list[Post]:
    """The creatives of one product of a product campaign: the product card first, then the videos."""
    return [Post(c, item_group_id, k) for k in range(POSTS_PER_ITEM_GROUP + 1)]


def post_figures(
    world: World, c: g.GmvCampaign, day: dt.date
) -> dict[str, list[tuple[Post, dict[str, int]]]]:
    """A product campaign-day split over its products and their posts: product id -> [(post, figures)].

    Each product's figures split over its posts exactly; videos also get the counts behind the rates.
    """
    out: dict[str, list[tuple[Post, dict[str, int]]]] = {}
    for part, total in g.part_figures(world, c, day).items():
        found = posts(c, part)
        weights = [
            (1 if p.is_card else 2) + _h(world.config.seed, p.item_id, day.toordinal()) % 8 for p in found
        ]
        split = {name: split_int(value, weights) for name, value in total.items()}
        rows: list[tuple[Post, dict[str, int]]] = []
        for k, post in enumerate(found):
            figures = {name: split[name][k] for name in total}
            figures.update(_video_counts(post, day, figures))
            rows.append((post, figures))
        out[part] = rows
    return out


def _video_counts(post: Post, day: dt.date, figures: dict[str, int]) -> dict[str, int]:
    """Ad views, clicks, conversions and watch depths of a post-day (zeros for the product card)."""
    if post.is_card or not figures.get("cost"):
        return dict.fromkeys(VIDEO_FIELDS, 0)
    seed = (post.item_id, day.toordinal())
    views = figures["cost"] // 3 + _h(*seed, "views") % 400
    clicks = views * (_h(*seed, "clk") % 4) // 100
    v2 = views * (20 + _h(*seed, "2s") % 40) // 100
    v6 = v2 * (30 + _h(*seed, "6s") % 40) // 100
    p25 = v6 * (60 + _h(*seed, "q1") % 30) // 100
    p50 = p25 * (50 + _h(*seed, "q2") % 30) // 100
    p75 = p50 * (50 + _h(*seed, "q3") % 30) // 100
    return {
        "ad_views": views,
        "ad_clicks": clicks,
        "ad_conversions": min(clicks, figures.get("orders", 0)),
        "video_views_2s": v2,
        "video_views_6s": v6,
        "video_views_p25": p25,
        "video_views_p50": p50,
        "video_views_p75": p75,
        "video_views_p100": p75 * (40 + _h(*seed, "q4") % 40) // 100,
    }

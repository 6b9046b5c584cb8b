"""Rules of the creative (``item_id``) and duration levels of ``gmv_max/report/get/``.

Source: TikTok's "Metrics in GMV Max Campaign reports" (Doc ID 1824722485971009), sections "Creative-level
metrics" and "Duration-level metrics" (Product and LIVE), and the filter fields of the Go SDK
``bububa/tiktok-business`` ``model/campaign/gmvmax/report_get.go`` (``creative_types``,
``creative_delivery_statuses``, ``search_word``) and the official SDK's ``FilteringGmvMaxReportGet``.

- Attribute metrics (campaign, product, livestream: ``campaign_name``, ``product_name``, ``live_name``, ...)
  at the product and livestream levels only with one campaign id and one ID dimension (the doc's note).
- Campaign level (``campaign_id`` without product, room, post or duration): ``gmv_max_promotion_types``
  required (the doc: ``["PRODUCT"]`` or ``["LIVE"]``; UNSURE: both at once are answered, as at the advertiser
  level). Product (``item_group_id``) and livestream (``room_id``) levels: ``filtering.campaign_ids`` required.
- Creative level (product campaigns): dimension groupings ``[campaign_id, item_group_id, item_id]``, the
  same with ``stat_time_day`` (the only 4-dimension grouping the doc lists) and ``[item_id, stat_time_day]``;
  ``filtering.campaign_ids`` and ``filtering.item_group_ids`` required; ``creative_delivery_statuses``
  optional, never with ``creative_types`` (to be deprecated: one value; not with several IDs in those
  filters nor several ID dimensions); ``search_word`` fuzzy over title, post id and account name (Go SDK).
  Attribute metrics (``title``, ``item_id``, ``tt_account_*``, ``shop_content_type``) only with one campaign
  and one product and one ID dimension (the doc's note on attribute metrics). With ``stat_time_day`` only
  records with cost are answered (the doc's note); without it every post of the products is.
  UNSURE: the doc calls ``creative_types`` "required when you filter one SPU ID" yet allows
  ``creative_delivery_statuses`` with one ID; a request with neither is answered (all creatives).
  UNSURE: ``creative_types`` ORGANIC and REMOVED answer no rows (no organic-only or removed post is
  modelled); ADS_AND_ORGANIC answers every post.
- Duration level: one record per optimization-mode period. Groupings ``[duration]``,
  ``[campaign_id, duration]`` and ``[item_group_id | room_id, duration]`` (with or without ``campaign_id``);
  ``campaign_ids`` required, and ``item_group_ids`` (product campaigns) or ``room_ids`` (LIVE) required.
  No modelled campaign changes its optimization mode (all Target ROI, ``bid_type`` CUSTOM), so each answer
  has one period per group. UNSURE: the doc shows ``duration`` only as a placeholder; its value here is the
  requested range, ``YYYY-MM-DD ~ YYYY-MM-DD``.
- The creative-only metrics (ad click / conversion / video view rates, ``creative_delivery_status`` and the
  creative attributes) are ``"-"`` at other levels. UNSURE: TikTok may refuse them there instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tiktok_ads.emulator.data.gmv_max_posts import Post
from tiktok_ads.emulator.rules.params import get_id_list, missing, param_error, parse_json_list

#: attribute metrics of the campaign, product and livestream levels (Doc ID 1824722485971009)
CAMPAIGN_ATTRIBUTES = (
    "campaign_id",
    "campaign_name",
    "operation_status",
    "schedule_type",
    "schedule_start_time",
    "schedule_end_time",
    "target_roi_budget",
    "max_delivery_budget",
    "roas_bid",
    "tt_account_name",
    "tt_account_profile_image_url",
    "identity_id",
)
PART_ATTRIBUTES = (
    "item_group_id",
    "product_name",
    "product_image_url",
    "product_status",
    "live_name",
    "live_status",
    "live_launched_time",
    "live_duration",
)
#: the documented creative-level dimension groupings (order-free)
CREATIVE_GROUPINGS = (
    frozenset({"campaign_id", "item_group_id", "item_id"}),
    frozenset({"campaign_id", "item_group_id", "item_id", "stat_time_day"}),
    frozenset({"item_id", "stat_time_day"}),
)
#: the documented duration-level groupings: product campaigns (item_group_id), LIVE ones (room_id)
DURATION_GROUPINGS = {
    "PRODUCT": tuple(frozenset({"duration", *x}) for x in ((), ("campaign_id",), ("item_group_id",),
                                                           ("campaign_id", "item_group_id"))),
    "LIVE": tuple(frozenset({"duration", *x}) for x in ((), ("campaign_id",), ("room_id",),
                                                        ("campaign_id", "room_id"))),
}  # fmt: skip
CREATIVE_ATTRIBUTES = (
    "title",
    "item_id",
    "tt_account_name",
    "tt_account_profile_image_url",
    "tt_account_authorization_type",
    "shop_content_type",
)
#: creative-level rate -> (numerator, denominator) counts of :data:`.gmv_max_posts.VIDEO_FIELDS`, in percent
CREATIVE_RATES: dict[str, tuple[str, str]] = {
    "ad_click_rate": ("ad_clicks", "ad_views"),
    "ad_conversion_rate": ("ad_conversions", "ad_clicks"),
    **{
        f"ad_video_view_rate_{d}": (f"video_views_{d}", "ad_views")
        for d in ("2s", "6s", "p25", "p50", "p75", "p100")
    },
}
CREATIVE_TEXT = ("creative_delivery_status", *CREATIVE_ATTRIBUTES)
CREATIVE_DELIVERY_STATUSES = (
    "IN_QUEUE",
    "LEARNING",
    "DELIVERING",
    "NOT_DELIVERYING",
    "AUTHORIZATION_NEEDED",
    "EXCLUDED",
    "UNAVAILABLE",
    "REJECTED",
    "NOT_ACTIVE",
)
CREATIVE_TYPES = ("ADS_AND_ORGANIC", "ORGANIC", "REMOVED")
_ID_DIMENSIONS = ("campaign_id", "item_group_id", "item_id", "room_id")


@dataclass(frozen=True)
class Level:
    """What a report request asks for beyond the campaign / product / LIVE room levels."""

    kind: str  # "creative", "duration" or "" (the other levels)
    promotion: str | None = None  # the campaigns' type at the creative and duration levels
    statuses: frozenset[str] | None = None  # creative_delivery_statuses
    nothing: bool = False  # creative_types that match no modelled post
    search_word: str = ""

    def keeps(self, post: Post) -> bool:
        """Whether the request's creative filters keep ``post``."""
        if self.nothing or (self.statuses is not None and post.delivery_status not in self.statuses):
            return False
        if not self.search_word:
            return True
        attrs = post.attributes()
        text = " ".join((attrs["title"], attrs["item_id"], attrs["tt_account_name"])).lower()
        return self.search_word.lower() in text


def _grouping_error(dimensions: Sequence[str], groupings: Sequence[frozenset[str]]) -> Exception:
    listed = "; ".join(str(sorted(x)) for x in groupings)
    return param_error(f"dimensions: {sorted(dimensions)} is not a supported grouping; use one of {listed}.")


def _ids(filtering: Mapping[str, object], name: str, level: str) -> list[str]:
    if name not in filtering:
        raise missing(f"filtering.{name} (required at the {level} level)")
    ids = get_id_list(f"filtering.{name}", filtering[name])
    if not ids:
        raise param_error(f"filtering.{name}: Length must be at least 1.")
    return ids


def level_of(dimensions: Sequence[str], metrics: Sequence[str], filtering: Mapping[str, object]) -> Level:
    """The level a request asks for, its groupings and filters checked (a 40002 names what is wrong)."""
    dims = frozenset(dimensions)
    if "item_id" in dims:
        return _creative(dims, metrics, filtering)
    if "duration" in dims:
        return _duration(dims, filtering)
    if len(dims) > 3:
        raise param_error(f"dimensions: Length must be between 1 and 3. Got {len(dims)}.")
    if dims & {"item_group_id", "room_id"}:  # the doc's product and livestream levels: campaign_ids Required
        ids = _ids(filtering, "campaign_ids", "product and LIVE room")
        asked = [m for m in metrics if m in (*CAMPAIGN_ATTRIBUTES, *PART_ATTRIBUTES)]
        several = len(ids) > 1 or len(dims & set(_ID_DIMENSIONS)) > 1
        for name in ("item_group_ids", "room_ids"):
            several = several or len(get_id_list(f"filtering.{name}", filtering.get(name) or [])) > 1
        if asked and several:
            raise param_error(
                f"metrics: attribute metrics ({', '.join(asked)}) need one campaign_ids value and one ID "
                "dimension at the product and LIVE room levels."
            )
    elif "campaign_id" in dims and "gmv_max_promotion_types" not in filtering:
        raise missing("filtering.gmv_max_promotion_types (required at the campaign level)")
    return Level("")


def _creative(dims: frozenset[str], metrics: Sequence[str], filtering: Mapping[str, object]) -> Level:
    if dims not in CREATIVE_GROUPINGS:
        raise _grouping_error(sorted(dims), CREATIVE_GROUPINGS)
    campaigns = _ids(filtering, "campaign_ids", "creative")
    products = _ids(filtering, "item_group_ids", "creative")
    several = len(campaigns) > 1 or len(products) > 1 or len(dims & set(_ID_DIMENSIONS)) > 1
    asked = [m for m in metrics if m in CREATIVE_ATTRIBUTES]
    if asked and several:
        raise param_error(
            f"metrics: attribute metrics ({', '.join(asked)}) need one campaign_ids and one item_group_ids "
            "value and item_id as the only ID dimension."
        )
    statuses: frozenset[str] | None = None
    if "creative_delivery_statuses" in filtering:
        raw = parse_json_list("filtering.creative_delivery_statuses", filtering["creative_delivery_statuses"])
        bad = [s for s in raw if s not in CREATIVE_DELIVERY_STATUSES]
        if bad or not raw:
            raise param_error(f"filtering.creative_delivery_statuses: Invalid enum value {bad or raw!r}.")
        statuses = frozenset(raw)
    nothing = False
    if "creative_types" in filtering:
        if statuses is not None:
            raise param_error(
                "filtering.creative_types cannot be used together with creative_delivery_statuses."
            )
        if several:
            raise param_error(
                "filtering.creative_types: not supported with several IDs in campaign_ids or item_group_ids "
                "or several ID dimensions."
            )
        types = parse_json_list("filtering.creative_types", filtering["creative_types"])
        if len(types) != 1 or types[0] not in CREATIVE_TYPES:
            raise param_error(
                f"filtering.creative_types: Must be one of {', '.join(CREATIVE_TYPES)}. Got {types!r}."
            )
        nothing = types[0] != "ADS_AND_ORGANIC"
    word = filtering.get("search_word")
    return Level("creative", "PRODUCT", statuses, nothing, str(word) if word else "")


def _duration(dims: frozenset[str], filtering: Mapping[str, object]) -> Level:
    every = (*DURATION_GROUPINGS["PRODUCT"], *DURATION_GROUPINGS["LIVE"])
    if dims not in every:
        raise _grouping_error(sorted(dims), every)
    _ids(filtering, "campaign_ids", "duration")
    if "room_id" in dims or ("item_group_id" not in dims and "room_ids" in filtering):
        _ids(filtering, "room_ids", "duration (LIVE)")
        return Level("duration", "LIVE")
    _ids(filtering, "item_group_ids", "duration (product)")
    return Level("duration", "PRODUCT")

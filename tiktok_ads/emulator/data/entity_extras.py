"""The rest of the fields campaign/get, adgroup/get and ad/get answer, beyond the core ones ``model`` builds.

TikTok answers every documented field of an object, most of them ``null``, ``false``, ``[]`` or an enum's
``UNSET`` when the feature is not used (field lists: bububa/tiktok-business ``model/campaign/campaign.go``,
``model/adgroup/adgroup.go``, ``model/ad/ad.go``; reservation-only fields documented as "always null for
non-Reach & Frequency ads"). Values here are plausible and deterministic (a function of the entity, its
version and the seed). Some arrive as JSON numbers where others are decimals (``scheduled_budget`` ``0`` when no
next-day budget is set, ``12.5`` when one is: the answers that made an unpinned column change type), and some
ids as numbers (``page_id``, ``tracking_pixel_id``: ``Uint64`` in that model). UNSURE: which optional fields
TikTok leaves out instead of sending ``null``; we send them all, except ``campaign_system_origin``, which
TikTok returns for Promote campaigns only.
"""

from __future__ import annotations

import random
from typing import Any

#: The app APP_PROMOTION campaigns and ad groups promote (``app_id``); ``app/list/`` lists it for every advertiser
#: (:func:`.account_data.apps`), so ``app_id`` joins the two.
PROMOTED_APP_ID = "73000000000000001"

_CAMPAIGN_NULLS = (
    "postback_window_mode", "rta_id", "virtual_objective_type", "sales_destination", "campaign_product_source",
    "optimization_goal", "bid_align_type", "po_number",
)  # fmt: skip
_CAMPAIGN_FALSE = (
    "rta_bid_enabled", "rta_product_selection_enabled", "is_advanced_dedicated_campaign", "disable_skan_campaign",
    "catalog_enabled",
)  # fmt: skip
_ADGROUP_NULLS = (
    "shopping_ads_type", "identity_id", "identity_type", "identity_authorized_bc_id", "product_source",
    "catalog_id", "catalog_authorized_bc_id", "store_id", "store_authorized_bc_id", "promotion_target_type",
    "message_app_type", "message_app_account_id", "phone_region_code", "phone_region_calling_code",
    "phone_number", "app_download_url", "deep_funnel_event_source", "deep_funnel_event_source_id",
    "deep_funnel_optimization_event", "audience_rule", "shopping_ads_retargeting_type",
    "shopping_ads_retargeting_actions_days", "shopping_ads_retargeting_custom_audience_relation",
    "household_income", "min_android_version", "min_ios_version", "saved_audience_id", "brand_safety_partner",
    "vertical_sensitive_id", "message_event_set_id", "vbo_window", "bid_display_mode", "cpv_video_duration",
    "next_day_retention", "split_test_group_id", "split_test_status", "deep_cpa_bid", "conversion_bid_price",
    "roas_bid", "deep_bid_type",
)  # fmt: skip
_ADGROUP_FALSE = (
    "is_smart_performance_campaign", "search_result_enabled", "video_download_disabled", "share_disabled",
    "auto_targeting_enabled", "exclude_age_under_eighteen", "smart_audience_enabled",
    "smart_interest_behavior_enabled", "inventory_filter_enabled", "is_hfss", "skip_learning_phase",
    "is_lhf_compliance",
)  # fmt: skip
_ADGROUP_EMPTY = (
    "tiktok_subplacements", "blocked_pangle_app_ids", "include_custom_actions", "exclude_custom_actions",
    "zipcode_ids", "exclude_audience_ids", "interest_category_ids", "interest_keyword_ids",
    "purchase_intention_keyword_ids", "include_pangle_audience_package_ids", "exclude_pangle_audience_package_ids",
    "device_model_ids", "network_types", "carrier_ids", "isp_ids", "device_price_ranges", "contextual_tag_ids",
    "category_exclude_ids",
)  # fmt: skip
#: reservation-only ad group fields: null unless the ad group is of that buying type
_RF_FIELDS = (
    "rf_purchased_type",
    "purchased_impression",
    "purchased_reach",
    "rf_estimated_cpr",
    "rf_estimated_frequency",
)
_TOP_VIEW_FIELDS = (
    "predict_impression", "topview_reach_range", "pre_discount_cpm", "cpm", "discount_type", "discount_amount",
    "discount_percentage", "pre_discount_budget",
)  # fmt: skip
_AD_NULLS = (
    "identity_authorized_bc_id", "catalog_id", "product_specific_type", "product_set_id", "vertical_video_strategy",
    "dynamic_format", "music_id", "tiktok_item_id", "shopping_ads_video_package_id", "call_to_action_id",
    "card_id", "cpp_url", "tiktok_page_category", "phone_region_code", "phone_region_calling_code", "phone_number",
    "shopping_ads_deeplink_type", "shopping_ads_fallback_type", "dynamic_destination", "auto_message_id",
    "disclaimer_type", "disclaimer_text", "tracking_app_id", "tracking_message_event_set_id",
    "viewability_vast_url", "brand_safety_vast_url", "impression_tracking_url", "click_tracking_url",
    "playable_url", "video_view_tracking_url", "creative_type", "carousel_image_index", "ad_texts",
    "landing_page_urls",
)  # fmt: skip
_AD_EMPTY = (
    "item_group_ids", "sku_ids", "showcase_products", "utm_params", "deeplink_utm_params",
    "disclaimer_clickable_texts", "tracking_offline_event_set_ids",
)  # fmt: skip


def campaign_extras(objective: str, buying_type: str, budget_optimize_on: bool) -> dict[str, Any]:
    """The rest of a campaign/get object."""
    out: dict[str, Any] = dict.fromkeys(_CAMPAIGN_NULLS)
    out.update(dict.fromkeys(_CAMPAIGN_FALSE, False))
    app = objective == "APP_PROMOTION"
    out["app_id"] = PROMOTED_APP_ID if app else None
    out["app_promotion_type"] = "APP_INSTALL" if app else "UNSET"
    out["bid_type"] = "BID_TYPE_NO_BID" if budget_optimize_on else None
    out["campaign_app_profile_page_state"] = "UNSET"
    # RfCampaignType: STANDARD (Reach & Frequency), PULSE, TOPVIEW (model/campaign/campaign.go)
    out["rf_campaign_type"] = {"RESERVATION_RF": "STANDARD", "RESERVATION_TOP_VIEW": "TOPVIEW"}.get(
        buying_type
    )
    return out


def adgroup_extras(
    rng: random.Random, objective: str, buying_type: str, pixel_id: str | None, audience_ids: list[str]
) -> dict[str, Any]:
    """The rest of an adgroup/get object (``rng``: the version's own generator; ``audience_ids``: custom
    audiences of the advertiser some ad groups target)."""
    out: dict[str, Any] = dict.fromkeys(_ADGROUP_NULLS)
    out.update(dict.fromkeys(_ADGROUP_FALSE, False))
    out.update({name: [] for name in _ADGROUP_EMPTY})
    out.update(dict.fromkeys(_RF_FIELDS))
    out.update(dict.fromkeys(_TOP_VIEW_FIELDS))
    app = objective == "APP_PROMOTION"
    out.update(
        {
            "app_id": PROMOTED_APP_ID if app else None,
            "app_type": "APP_ANDROID" if app else None,
            "pixel_id": pixel_id if objective == "WEB_CONVERSIONS" else None,
            "optimization_event": "SHOPPING" if objective == "WEB_CONVERSIONS" else None,
            "deep_funnel_optimization_status": "OFF",
            "promotion_website_type": "UNSET",
            "audience_type": None,
            "spending_power": "ALL",
            "ios14_targeting": "UNSET",
            "ios14_quota_type": "UNOCCUPIED",
            "brand_safety_type": "STANDARD_INVENTORY",
            "engaged_view_attribution_window": "ONE_DAY",
            "attribution_event_count": "EVERY",
            "statistic_type": "EVERYTIME",
            "creative_material_mode": "CUSTOM",
            "adgroup_app_profile_page_state": "UNSET",
            "feed_type": "STANDARD_FEED",
            "category_id": str(300000 + rng.randrange(10_000)),
            # 0 (a JSON integer) when no next-day budget is set, a decimal when one is
            "scheduled_budget": 0 if rng.random() < 0.6 else 12.5 + 5 * rng.randrange(10),
            # 48 half hours x 7 days, "1" = delivering; unset (null) for most ad groups
            "dayparting": None if rng.random() < 0.5 else ("0" * 14 + "1" * 30 + "0" * 4) * 7,
            "audience_ids": [],
            "actions": []
            if rng.random() < 0.5
            else [
                {
                    "action_scene": "VIDEO_RELATED",
                    "action_period": 15,
                    "video_user_actions": ["WATCHED_TO_END", "LIKED"],
                    "action_category_ids": [str(10_000 + rng.randrange(500))],
                }
            ],
            "frequency": 3 if objective == "REACH" else None,
            "frequency_schedule": 7 if objective == "REACH" else None,
            "delivery_mode": "STANDARD" if buying_type == "RESERVATION_RF" else None,
            "schedule_infos": [] if buying_type == "RESERVATION_RF" else None,
            # AppConfig list ({app_id}, model/adgroup/adgroup.go); UNSURE: null when no app is promoted
            "app_config": [{"app_id": PROMOTED_APP_ID}] if app else None,
        }
    )
    # drawn last so the values above stay those of earlier versions of this module
    if rng.random() < 0.4:
        # string lists ([]string / []enum.HouseholdIncome in model/adgroup/adgroup.go)
        out["audience_ids"] = audience_ids[:1]
        out["exclude_audience_ids"] = audience_ids[1:2]
        out["household_income"] = ["TOP10", "TOP10_25"]
    if buying_type == "RESERVATION_RF":
        impressions = 1_000_000 * (1 + rng.randrange(20))
        out.update(
            {
                "rf_purchased_type": "FIXED_BUDGET",
                "purchased_impression": impressions,
                "purchased_reach": impressions // 3,
                "rf_estimated_cpr": round(2 + rng.random() * 6, 2),
                "rf_estimated_frequency": 3.0,
            }
        )
    elif buying_type == "RESERVATION_TOP_VIEW":
        out.update(
            {
                "predict_impression": 1000 + rng.randrange(500),
                "topview_reach_range": [342, 456],
                "pre_discount_cpm": 11.33,
                "cpm": 0,
                "discount_type": "NO_DISCOUNT",
                "pre_discount_budget": 14616,
            }
        )
    return out


def ad_extras(rng: random.Random, objective: str, page_number: int, pixel_number: int) -> dict[str, Any]:
    """The rest of an ad/get object."""
    out: dict[str, Any] = dict.fromkeys(_AD_NULLS)
    out.update({name: [] for name in _AD_EMPTY})
    app = objective == "APP_PROMOTION"
    lead = objective == "LEAD_GENERATION"
    out.update(
        {
            "item_duet_status": "DISABLE",
            "item_stitch_status": "DISABLE",
            "dark_post_status": "ON",
            "promotional_music_disabled": True,
            "branded_content_disabled": False,
            "vast_moat_enabled": False,
            "viewability_postbid_partner": "UNSET",
            "brand_safety_postbid_partner": "UNSET",
            "aigc_disclosure_type": "NOT_DECLARED",
            "deeplink": "",
            "deeplink_type": "NORMAL",
            "deeplink_format_type": "NONE",
            "fallback_type": "UNSET",
            # Uint64 ids (model/ad/ad.go) come as JSON numbers
            "page_id": page_number if lead else None,
            "tracking_pixel_id": pixel_number if objective == "WEB_CONVERSIONS" else None,
            "app_name": "App" if app else None,
            "avatar_icon_web_url": f"https://p16-ad-sg.tiktokcdn.com/avatar/{rng.randrange(10**8):08d}",
            "profile_image_url": f"https://p16-ad-sg.tiktokcdn.com/profile/{rng.randrange(10**8):08d}",
            "optimization_event": "SHOPPING" if objective == "WEB_CONVERSIONS" else None,
        }
    )
    if rng.random() < 0.3:
        out["utm_params"] = [{"key": "utm_source", "value": "tiktok"}, {"key": "utm_campaign", "value": "q2"}]
    if rng.random() < 0.3:
        # an ad with several texts ([]string in model/ad/ad.go), with a card (a creative package id, string)
        out["ad_texts"] = ["Shop the offer", "Free delivery today"]
        out["card_id"] = str(7_300_000_000_000_000_000 + rng.randrange(10**6))
    return out

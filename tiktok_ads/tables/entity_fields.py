"""Every field TikTok documents for campaign/get, adgroup/get, ad/get and advertiser/info, with its column type.

Pinned so an entity table's types never follow the first value dlt saw: an unpinned ``scheduled_budget`` that
arrived as ``0`` made a ``bigint`` column, and a later ``12.5`` went into ``scheduled_budget__v_double``.

Field names come from the response models of bububa/tiktok-business (``model/campaign/campaign.go``,
``model/adgroup/adgroup.go``, ``model/ad/ad.go``, ``model/advertiser/info.go``), which transcribe TikTok's
response tables, and from TikTok's campaign/get page ([TTD-camp] in ``shared/reference``). Where that model's
JSON tag has a typo (``aepp_promotion_type``, ``bid_atlign_type``, ``actiotn_scene``) TikTok's spelling is used.

Types: ids, enums, URLs and ``YYYY-MM-DD HH:MM:SS`` strings are ``text`` (ids exceed 2^53 and some endpoints
send them as numbers); money, bids and rates (``Float64`` in the model) are ``decimal``; counts (``int``,
``Int64``) are ``bigint``; flags are ``bool``. Lists and objects (``location_ids``, ``actions``,
``schedule_infos``, ``utm_params`` ...) are ``json`` columns: one value per row as TikTok sent it, never child
tables whose shape would change with the data, and queryable with the warehouse's JSON functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from tiktok_ads.tables.metric_catalogue import ColumnKind


def _fields(spec: str) -> Mapping[str, ColumnKind]:
    """``"kind: name name ...; kind: ..."`` as ``{name: kind}`` (compact, one line per kind)."""
    out: dict[str, ColumnKind] = {}
    for group in spec.split(";"):
        kind, names = group.split(":")
        for name in names.split():
            out[name] = kind.strip()  # type: ignore[assignment]
    return MappingProxyType(out)


CAMPAIGN_FIELDS: Mapping[str, ColumnKind] = _fields(
    """
    text: advertiser_id campaign_id campaign_name campaign_type campaign_system_origin objective objective_type
        app_promotion_type virtual_objective_type sales_destination campaign_product_source budget_mode
        bid_type deep_bid_type optimization_goal operation_status secondary_status postback_window_mode app_id
        rta_id bid_align_type campaign_app_profile_page_state rf_campaign_type po_number campaign_automation_type;
    decimal: budget roas_bid;
    bool: is_search_campaign is_smart_performance_campaign rta_bid_enabled rta_product_selection_enabled
        budget_optimize_on is_new_structure is_advanced_dedicated_campaign disable_skan_campaign catalog_enabled;
    json: special_industries
    """
)
"""campaign/get fields (``create_time``/``modify_time`` are the tables' timestamps)."""

ADGROUP_FIELDS: Mapping[str, ColumnKind] = _fields(
    """
    text: advertiser_id campaign_id campaign_name campaign_system_origin adgroup_id adgroup_name promotion_type
        shopping_ads_type identity_id identity_type identity_authorized_bc_id product_source catalog_id
        catalog_authorized_bc_id store_id store_authorized_bc_id promotion_target_type message_app_type
        message_app_account_id phone_region_code phone_region_calling_code phone_number promotion_website_type
        app_id app_type app_download_url pixel_id optimization_event deep_funnel_optimization_status
        deep_funnel_event_source deep_funnel_event_source_id deep_funnel_optimization_event placement_type
        audience_type shopping_ads_retargeting_type shopping_ads_retargeting_custom_audience_relation gender
        spending_power min_android_version ios14_targeting min_ios_version ios14_quota_type
        saved_audience_id brand_safety_type brand_safety_partner vertical_sensitive_id budget_mode schedule_type
        schedule_start_time schedule_end_time discount_type delivery_mode dayparting optimization_goal
        secondary_optimization_event message_event_set_id bid_type deep_bid_type vbo_window bid_display_mode
        cpv_video_duration click_attribution_window engaged_view_attribution_window view_attribution_window
        attribution_event_count billing_event pacing operation_status secondary_status statistic_type
        creative_material_mode adgroup_app_profile_page_state feed_type rf_purchased_type split_test_group_id
        split_test_status category_id;
    decimal: budget scheduled_budget pre_discount_cpm cpm discount_amount discount_percentage pre_discount_budget
        bid_price conversion_bid_price roas_bid deep_cpa_bid next_day_retention rf_estimated_cpr
        rf_estimated_frequency;
    bigint: shopping_ads_retargeting_actions_days predict_impression frequency frequency_schedule
        purchased_impression purchased_reach;
    bool: is_smart_performance_campaign search_result_enabled comment_disabled video_download_disabled
        share_disabled auto_targeting_enabled exclude_age_under_eighteen smart_audience_enabled
        smart_interest_behavior_enabled inventory_filter_enabled is_hfss is_lhf_compliance is_new_structure
        skip_learning_phase;
    json: placements tiktok_subplacements blocked_pangle_app_ids audience_rule include_custom_actions
        exclude_custom_actions location_ids zipcode_ids languages age_groups audience_ids exclude_audience_ids
        interest_category_ids interest_keyword_ids purchase_intention_keyword_ids actions
        include_pangle_audience_package_ids exclude_pangle_audience_package_ids operating_systems
        device_model_ids network_types carrier_ids isp_ids device_price_ranges contextual_tag_ids
        category_exclude_ids topview_reach_range schedule_infos household_income app_config
    """
)
"""adgroup/get fields (``category_id`` from Airbyte's ad group schema; UNSURE in v1.3)."""

AD_FIELDS: Mapping[str, ColumnKind] = _fields(
    """
    text: advertiser_id campaign_id campaign_name campaign_system_origin adgroup_id adgroup_name ad_id ad_name
        identity_type identity_id identity_authorized_bc_id catalog_id product_specific_type product_set_id
        ad_format vertical_video_strategy dynamic_format video_id music_id tiktok_item_id item_duet_status
        item_stitch_status dark_post_status shopping_ads_video_package_id ad_text call_to_action
        call_to_action_id card_id landing_page_url page_id cpp_url tiktok_page_category phone_region_code
        phone_region_calling_code phone_number deeplink deeplink_type deeplink_format_type
        shopping_ads_deeplink_type shopping_ads_fallback_type fallback_type dynamic_destination auto_message_id
        aigc_disclosure_type disclaimer_type tracking_pixel_id tracking_app_id tracking_message_event_set_id
        viewability_postbid_partner viewability_vast_url brand_safety_postbid_partner brand_safety_vast_url
        impression_tracking_url click_tracking_url playable_url video_view_tracking_url operation_status
        secondary_status creative_type app_name display_name avatar_icon_web_url profile_image_url
        optimization_event;
    bigint: carousel_image_index;
    bool: promotional_music_disabled branded_content_disabled vast_moat_enabled creative_authorized is_aco
        is_new_structure;
    json: item_group_ids sku_ids showcase_products image_ids ad_texts utm_params deeplink_utm_params
        disclaimer_text disclaimer_clickable_texts tracking_offline_event_set_ids landing_page_urls
    """
)
"""ad/get fields (``ad_texts`` is a list of texts; ``landing_page_urls`` from TikTok's ad/get page)."""

ADVERTISER_FIELDS: Mapping[str, ColumnKind] = _fields(
    """
    text: advertiser_id name company status role advertiser_account_type currency timezone display_timezone
        country industry language email cellphone_number telephone_number contacter address description
        rejection_reason license_no license_url license_city license_province promotion_area
        promotion_center_city promotion_center_province brand owner_bc_id;
    decimal: balance;
    bool: company_name_editable can_use_custom_identity ads_only_mode
    """
)
"""advertiser/info fields (``create_time`` is the table's timestamp, unix seconds on the wire)."""

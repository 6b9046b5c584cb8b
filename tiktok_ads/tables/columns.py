"""The tables' pinned columns and default metric lists, as data (the registry's entries point here).

Column types are pinned, not inferred from the first page, so a table has the same schema whether or
not data arrived. Report metric types come from the metric catalogue (``tiktok_ads/tables/metrics.toml``,
read by :mod:`tiktok_ads.tables.metric_catalogue`, summed up in :data:`METRIC_TYPES`): TikTok sends
every metric as a string, so the type has to come from somewhere other than the data.

Money and ratios are ``decimal``, not ``double``: TikTok sends decimal strings (``"20.000"``,
``"0.2899"``) and users sum them (spend per campaign per month must equal TikTok's UI to the cent);
a binary double cannot hold 0.1 exactly. Report metrics are sized per kind
(:mod:`tiktok_ads.tables.metric_types`: money DECIMAL(18,4), ratios DECIMAL(18,6), 64-bit backed); other
``decimal`` columns (budgets, balances) get dlt's DECIMAL(38,9).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from dlt.common.schema.typing import TTableSchemaColumns

from tiktok_ads.tables.entity_fields import AD_FIELDS, ADGROUP_FIELDS, ADVERTISER_FIELDS, CAMPAIGN_FIELDS
from tiktok_ads.tables.metric_catalogue import (
    ATTRIBUTE_METRICS,
    DIMENSIONS,
    METRICS,
    NOT_IN_AUDIENCE,
    ColumnKind,
)
from tiktok_ads.tables.metric_types import column_hint as _col

NULL_METRIC_VALUES = frozenset({"-", "--", "N/A", "n/a", "NA", "", "null", "None"})
"""Strings TikTok (or hand-edited fixtures) use for "no value"; loaded as NULL for every metric."""

ZERO_IS_NULL_COLUMNS = frozenset({"tt_app_id", "tt_app_name", "mobile_app_id"})
"""Report attributes TikTok answers ``0`` or ``"0"`` for an ad without an app: loaded as NULL, like ``"-"``.

No app has the id 0; keeping the text ``"0"`` would make every app-less ad share a phantom app in a join or a
``count(distinct tt_app_id)``, and the same "no app" would be ``"0"`` in one row and NULL (``"-"``) in another."""

# --------------------------------------------------------------------------------------------------
# Column types
# --------------------------------------------------------------------------------------------------

METRIC_TYPES: Mapping[str, ColumnKind] = MappingProxyType({m.name: m.column_type for m in METRICS.values()})
"""The source's metric catalogue (``tiktok_ads.tables.metric_catalogue``): metric name -> column type."""

DIMENSION_TYPES: Mapping[str, ColumnKind] = MappingProxyType(
    {d.name: d.column_type for d in DIMENSIONS.values()}
)
"""Report dimensions -> column type (ids are text: TikTok's ids exceed 2**53 and v1.3 sends strings)."""

AUDIENCE_FORBIDDEN_METRICS = NOT_IN_AUDIENCE
"""Metrics TikTok refuses in AUDIENCE reports: UV metrics, secondary goals, cash/voucher spend, in-app events
(app installs, purchases ...), SKAN, offline and LIVE metrics (the catalogue, ``metrics.toml``)."""

# What the ad-level BASIC report requests: everything the seed connector (Singer tap-tiktok-ads, streams.py
# AUCTION_FIELDS) requests, plus the ad-level metrics of Airbyte's manifest (ads_reports_daily) and the
# in-app totals airbyte#17402 asked for. ``campaign_id``/``adgroup_id`` must be requested as *metrics* at
# AUCTION_AD level (TikTok returns them inside ``metrics``; as dimensions they come back null).
AD_BASIC_METRICS: tuple[str, ...] = (
    *ATTRIBUTE_METRICS,
    # the seed's campaign, ad group and ad settings (attributes returned inside ``metrics``)
    "is_smart_creative",
    "app_promotion_type",
    "split_test",
    "campaign_budget",
    "campaign_dedicate_type",
    "rf_campaign_type",
    "opt_status",
    "budget",
    "smart_target",
    "bid_strategy",
    "bid",
    "call_to_action",
    "image_mode",
    "billing_event",
    # core
    "spend",
    "impressions",
    "gross_impressions",
    "clicks",
    "ctr",
    "cpc",
    "cpm",
    "reach",
    "frequency",
    "cost_per_1000_reached",
    # conversions and results
    "conversion",
    "cost_per_conversion",
    "conversion_rate",
    "conversion_rate_v2",
    "real_time_conversion",
    "real_time_cost_per_conversion",
    "real_time_conversion_rate",
    "real_time_conversion_rate_v2",
    "result",
    "cost_per_result",
    "result_rate",
    "real_time_result",
    "real_time_cost_per_result",
    "real_time_result_rate",
    "secondary_goal_result",
    "cost_per_secondary_goal_result",
    "secondary_goal_result_rate",
    # video
    "video_play_actions",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p25",
    "video_views_p50",
    "video_views_p75",
    "video_views_p100",
    "average_video_play",
    "average_video_play_per_user",
    "engaged_view",
    "engaged_view_15s",
    # engagement
    "likes",
    "comments",
    "shares",
    "follows",
    "profile_visits",
    "profile_visits_rate",
    "clicks_on_music_disc",
    # in-app events (app install, purchase, registration, lead, add to cart)
    "app_install",
    "cost_per_app_install",
    "real_time_app_install",
    "real_time_app_install_cost",
    "purchase",
    "cost_per_purchase",
    "purchase_rate",
    "total_purchase_value",
    "registration",
    "cost_per_registration",
    "registration_rate",
    "sales_lead",
    "cost_per_sales_lead",
    "sales_lead_rate",
    "cost_per_total_sales_lead",
    "total_app_event_add_to_cart",
    "cost_per_total_app_event_add_to_cart",
    # page (web) events
    "complete_payment",
    "cost_per_complete_payment",
    "complete_payment_roas",
    "value_per_complete_payment",
    "total_complete_payment_rate",
    "total_pageview",
    # onsite (TikTok Shop) events
    "onsite_shopping",
    "total_onsite_shopping_value",
    # attribution
    "vta_conversion",
    "vta_purchase",
    "cta_conversion",
    "cta_purchase",
)

AD_AUDIENCE_METRICS: tuple[str, ...] = tuple(
    m
    for m in AD_BASIC_METRICS
    if m not in AUDIENCE_FORBIDDEN_METRICS
    # unique-visitor figures (reach ...): TikTok answers them in AUDIENCE reports, but the seed's audience streams
    # do not request them and async tasks refuse them with audience dimensions (so the tables keep their tasks)
    and not METRICS[m].uv
    # a display string of the seed's basic stream only; keep audience rows lean
    and m != "placement_type"
)

CAMPAIGN_AUDIENCE_METRICS: tuple[str, ...] = tuple(
    m
    for m in AD_AUDIENCE_METRICS
    # ad and ad-group attributes do not exist at campaign level; campaign_id is a dimension there
    if "AUCTION_CAMPAIGN" in METRICS[m].levels and m != "campaign_id"
)

# --------------------------------------------------------------------------------------------------
# Entity columns
# --------------------------------------------------------------------------------------------------

_ENTITY_TIMES: TTableSchemaColumns = {
    "create_time": _col("timestamp", "Creation time (UTC)"),
    "modify_time": _col("timestamp", "Last modification time (UTC); part of the key: one row per version"),
}

ADVERTISER_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Advertiser (ad account) id"),
    "create_time": _col("timestamp", "Account creation time (UTC; TikTok sends unix seconds)"),
    "name": _col("text"),
    "company": _col("text"),
    "status": _col("text"),
    "role": _col("text"),
    "advertiser_account_type": _col("text"),
    "currency": _col("text"),
    "timezone": _col("text", "Reporting time zone: report days are this zone's days"),
    "display_timezone": _col("text"),
    "country": _col("text"),
    "industry": _col("text"),
    "language": _col("text"),
    "balance": _col("decimal"),
    "email": _col("text"),
    "cellphone_number": _col("text"),
    "telephone_number": _col("text"),
    "contacter": _col("text"),
    "address": _col("text"),
    "description": _col("text"),
    "rejection_reason": _col("text"),
    "license_no": _col("text"),
    "license_url": _col("text"),
    "license_city": _col("text"),
    "license_province": _col("text"),
    "promotion_area": _col("text"),
    "promotion_center_city": _col("text"),
    "promotion_center_province": _col("text"),
    "brand": _col("text"),
    "owner_bc_id": _col("text"),
}

CAMPAIGN_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text"),
    "campaign_id": _col("text"),
    **_ENTITY_TIMES,
    "campaign_name": _col("text"),
    "campaign_type": _col("text"),
    "objective_type": _col("text"),
    "objective": _col("text"),
    "budget_mode": _col("text"),
    "budget": _col("decimal"),
    "roas_bid": _col("decimal"),
    "budget_optimize_on": _col("bool"),
    "special_industries": _col("json"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "is_new_structure": _col("bool"),
    "is_smart_performance_campaign": _col("bool"),
    "is_search_campaign": _col("bool"),
    "campaign_automation_type": _col("text"),
    "deep_bid_type": _col("text"),
    "app_promotion_type": _col("text"),
}

ADGROUP_COLUMNS: TTableSchemaColumns = {
    "adgroup_id": _col("text"),
    "advertiser_id": _col("text"),
    "campaign_id": _col("text"),
    **_ENTITY_TIMES,
    "adgroup_name": _col("text"),
    "campaign_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "budget_mode": _col("text"),
    "budget": _col("decimal"),
    "bid_price": _col("decimal"),
    "conversion_bid_price": _col("decimal"),
    "deep_cpa_bid": _col("decimal"),
    "schedule_type": _col("text"),
    "schedule_start_time": _col("text", "As sent by TikTok (YYYY-MM-DD HH:MM:SS)"),
    "schedule_end_time": _col("text", "As sent by TikTok (YYYY-MM-DD HH:MM:SS)"),
    "placement_type": _col("text"),
    "promotion_type": _col("text"),
    "optimization_goal": _col("text"),
    "secondary_optimization_event": _col("text"),
    "optimization_event": _col("text"),
    "pixel_id": _col("text"),
    "billing_event": _col("text"),
    "bid_type": _col("text"),
    "pacing": _col("text"),
    "gender": _col("text"),
    "placements": _col("json"),
    "location_ids": _col("json"),
    "age_groups": _col("json"),
    "languages": _col("json"),
    "operating_systems": _col("json"),
    "click_attribution_window": _col("text"),
    "view_attribution_window": _col("text"),
    "is_new_structure": _col("bool"),
    "comment_disabled": _col("bool"),
    "skip_learning_phase": _col("bool"),
}

AD_COLUMNS: TTableSchemaColumns = {
    "ad_id": _col("text"),
    "adgroup_id": _col("text"),
    "advertiser_id": _col("text"),
    "campaign_id": _col("text"),
    **_ENTITY_TIMES,
    "ad_name": _col("text"),
    "adgroup_name": _col("text"),
    "campaign_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "ad_format": _col("text"),
    "ad_text": _col("text"),
    "call_to_action": _col("text"),
    "landing_page_url": _col("text"),
    "display_name": _col("text"),
    "identity_type": _col("text"),
    "identity_id": _col("text"),
    "video_id": _col("text"),
    "image_ids": _col("json"),
    "is_aco": _col("bool"),
    "creative_authorized": _col("bool"),
    "is_new_structure": _col("bool"),
}


def _with_documented(columns: TTableSchemaColumns, fields: Mapping[str, ColumnKind]) -> TTableSchemaColumns:
    """``columns`` plus every other field TikTok documents for the endpoint (``tiktok_ads.tables.entity_fields``)."""
    return {**columns, **{name: _col(kind) for name, kind in fields.items() if name not in columns}}


# every documented field pinned: an unpinned one's type would follow the first value dlt saw
ADVERTISER_COLUMNS = _with_documented(ADVERTISER_COLUMNS, ADVERTISER_FIELDS)
CAMPAIGN_COLUMNS = _with_documented(CAMPAIGN_COLUMNS, CAMPAIGN_FIELDS)
ADGROUP_COLUMNS = _with_documented(ADGROUP_COLUMNS, ADGROUP_FIELDS)
AD_COLUMNS = _with_documented(AD_COLUMNS, AD_FIELDS)

# Creative and account-side tables (opt-in): what a marketer joins to spend. Ids are text (image ids are
# paths like ``ad-site-i18n-sg/<hash>``, the others exceed 2^53); every time is a UTC timestamp (the file
# endpoints send ISO 8601 with ``Z``, audiences and pixels ``YYYY-MM-DD HH:MM:SS`` in UTC).

AD_IMAGE_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser whose library holds the image)"),
    "image_id": _col("text", "Image id; ads.image_ids holds these"),
    "material_id": _col("text", "Creative material id"),
    "file_name": _col("text"),
    "format": _col("text"),
    "width": _col("bigint", "Pixels"),
    "height": _col("bigint", "Pixels"),
    "size": _col("bigint", "Bytes"),
    "signature": _col("text", "MD5 of the file"),
    "image_url": _col("text", "Preview URL (expires)"),
    "displayable": _col("bool"),
    "is_carousel_usable": _col("bool"),
    "create_time": _col("timestamp", "Upload time (UTC)"),
    "modify_time": _col("timestamp", "Last modification time (UTC); the incremental cursor"),
}

AD_VIDEO_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser whose library holds the video)"),
    "video_id": _col("text", "Video id; ads.video_id holds these"),
    "material_id": _col("text", "Creative material id"),
    "file_name": _col("text"),
    "format": _col("text"),
    "width": _col("bigint", "Pixels"),
    "height": _col("bigint", "Pixels"),
    "duration": _col("decimal", "Seconds"),
    "bit_rate": _col("bigint", "Bits per second"),
    "size": _col("bigint", "Bytes"),
    "signature": _col("text", "MD5 of the file"),
    "video_cover_url": _col("text", "Cover image URL (expires)"),
    "preview_url": _col("text", "Preview URL (expires)"),
    "displayable": _col("bool"),
    "allow_download": _col("bool"),
    "allowed_placements": _col("json", "Placements the video may run in"),
    "create_time": _col("timestamp", "Upload time (UTC)"),
    "modify_time": _col("timestamp", "Last modification time (UTC); the incremental cursor"),
}

CUSTOM_AUDIENCE_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the audience list was read for)"),
    "custom_audience_id": _col("text", "Audience id; ad groups target these in audience_ids"),
    "audience_id": _col("text", "Same id under TikTok's older field name"),
    "name": _col("text"),
    "audience_type": _col("text", "CUSTOMER_FILE, ENGAGEMENT, APP, WEBSITE, LOOKALIKE ..."),
    "cover_num": _col("bigint", "Estimated size (people covered)"),
    "is_valid": _col("bool"),
    "is_expiring": _col("bool"),
    "expired_time": _col("timestamp", "Expiry time (UTC)"),
    "create_time": _col("timestamp", "Creation time (UTC)"),
    "update_time": _col("timestamp", "Last update time (UTC); the incremental cursor"),
    "shared": _col("bool"),
    "is_creator": _col("bool"),
}

PIXEL_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the pixel list was read for)"),
    "pixel_id": _col("text", "Pixel id; adgroups.pixel_id holds these"),
    "pixel_code": _col("text", "The code in the website's pixel snippet"),
    "pixel_name": _col("text"),
    "pixel_category": _col("text"),
    "pixel_setup_mode": _col("text"),
    "activity_status": _col("text"),
    "create_time": _col("timestamp", "Creation time (UTC)"),
    "events": _col("json", "The pixel's events: event_id, name, event_type, statistic_type, currency"),
}

SAVED_AUDIENCE_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the list was read for)"),
    "saved_audience_id": _col("text", "Saved audience id"),
    "saved_audience_name": _col("text"),
    "location_ids": _col("json", "Targeted location ids"),
    "gender": _col("text"),
    "age_groups": _col("json"),
    "languages": _col("json"),
    "audience_ids": _col("json", "Custom audiences included (custom_audiences.custom_audience_id)"),
    "excluded_audience_ids": _col("json", "Custom audiences excluded"),
    "create_time": _col("timestamp", "Creation time (UTC)"),
}

CREATIVE_PORTFOLIO_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the list was read for)"),
    "creative_portfolio_id": _col("text", "Portfolio id (interactive add-ons, cards ...)"),
    "creative_portfolio_type": _col("text", "CARD, DOWNLOAD_CARD, GESTURE, COUNTDOWN_STICKER ..."),
    "create_time": _col("timestamp", "Creation time (UTC)"),
}

AUTOMATED_RULE_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the list was read for)"),
    "rule_id": _col("text", "Automated rule id"),
    "name": _col("text"),
    "status": _col("text", "RULE_STATUS_OPEN / RULE_STATUS_CLOSE"),
    "dimension": _col("text", "The level the rule acts on (CAMPAIGN, ADGROUP, AD)"),
    "action": _col("text", "TURN_OFF, INCREASE_BUDGET ..."),
    "create_time": _col("timestamp", "Creation time (UTC)"),
}

AUTOMATED_RULE_RESULT_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the list was read for)"),
    "exec_id": _col("text", "One run of a rule"),
    "rule_id": _col("text", "automated_rules.rule_id"),
    "exec_time": _col("timestamp", "When the rule ran (UTC); the incremental cursor"),
    "result_type": _col("text", "SUCCESS, NOT_TRIGGERED ..."),
    "affected_object_count": _col("bigint", "Objects the run changed"),
}

APP_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the apps were listed for)"),
    "app_id": _col("text", "App id; campaigns.app_id and adgroups.app_id (APP_PROMOTION) hold these"),
    "app_name": _col("text"),
    "platform": _col("text", "ANDROID or IOS"),
    "app_platform_id": _col("text", "The app's store id (package name or App Store id)"),
    "download_url": _col("text", "Store URL"),
    "partner": _col("text", "Measurement partner (Adjust, AppsFlyer ...)"),
    "enable_retargeting": _col("text", "RETARGETING or NON_RETARGETING"),
    "create_time": _col("timestamp", "Creation time (UTC)"),
}


# Business Center and Spark Ads tables (opt-in; issue 17). Money is exact decimal in the account's (or BC's)
# currency; ``balance_date`` is the UTC day of the run that read a balance; transactions carry TikTok's day
# (``transaction_date``, TikTok's ``date``) and ``seq``, their order among records of the same day and kind
# (TikTok gives them no id). Fields: the SDK's request models and TikTok's v1.3 docs (see
# tiktok_ads/emulator/rules/business_center.py and spark_ads.py for the sources).

BUSINESS_CENTER_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Business Center id"),
    "name": _col("text"),
    "company": _col("text"),
    "currency": _col("text"),
    "registered_area": _col("text"),
    "status": _col("text"),
    "timezone": _col("text"),
    "type": _col("text", "NORMAL, DIRECT, AGENCY, SELF_SERVICE, SELF_SERVICE_AGENCY"),
    "verification_status": _col("text"),
    "user_role": _col("text", "The token's user in this BC: ADMIN or STANDARD"),
    "finance_role": _col("text", "ext_user_role.finance_role: MANAGER or ANALYST"),
}

BC_ADVERTISER_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Added by the source: the Business Center whose assets were listed"),
    "advertiser_id": _col("text", "The ad account (TikTok's asset_id)"),
    "asset_name": _col("text", "The ad account's name"),
    "asset_type": _col("text"),
    "advertiser_account_type": _col("text", "AUCTION or RESERVATION"),
    "advertiser_role": _col("text", "ADMIN, OPERATOR or ANALYST"),
    "owner_bc_name": _col("text"),
}

_BALANCE_FIELDS: TTableSchemaColumns = {
    "currency": _col("text"),
    "account_balance": _col("decimal", "Total balance"),
    "valid_account_balance": _col("decimal", "Balance available to spend"),
    "frozen_balance": _col("decimal"),
    "tax": _col("decimal"),
    "cash_balance": _col("decimal"),
    "valid_cash_balance": _col("decimal"),
    "grant_balance": _col("decimal", "Ad credit (coupons)"),
    "valid_grant_balance": _col("decimal"),
}

BC_BALANCE_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Business Center id"),
    "balance_date": _col("date", "Added by the source: the UTC day of the run that read the balance"),
    **_BALANCE_FIELDS,
}

ADVERTISER_BALANCE_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Added by the source: the Business Center the balance was read through"),
    "advertiser_id": _col("text"),
    "balance_date": _col("date", "Added by the source: the UTC day of the run that read the balance"),
    "advertiser_name": _col("text"),
    "advertiser_status": _col("text"),
    "advertiser_type": _col("text"),
    "timezone": _col("text"),
    "create_time": _col("timestamp", "Account creation time (UTC)"),
    **_BALANCE_FIELDS,
    "budget_mode": _col("text"),
    "budget": _col("decimal"),
    "budget_cost": _col("decimal"),
    "budget_remaining": _col("decimal"),
}

BC_TRANSACTION_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Added by the source"),
    "transaction_date": _col("date", "TikTok's date of the record; the incremental cursor"),
    "funds_type": _col("text", "FUNDS_TYPE_CASH or FUNDS_TYPE_GRANT"),
    "seq": _col("bigint", "Added by the source: order among the BC's records of that day and funds type"),
    "amount": _col("decimal"),
    "currency": _col("text"),
    "timezone": _col("text"),
    "invoice_id": _col("text"),
    "invoice_serial_number": _col("text"),
}

ADVERTISER_TRANSACTION_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Added by the source: the Business Center the records were read through"),
    "advertiser_id": _col("text"),
    "transaction_date": _col(
        "date", "TikTok's date of the record (the account's day); the incremental cursor"
    ),
    "transfer_type": _col("text", "TRANS_TYPE_TRANSFER, TRANS_TYPE_COST, TRANS_TYPE_TAX, TRANS_TYPE_PAYMENT"),
    "funds_type": _col("text"),
    "seq": _col("bigint", "Added by the source: order among the account's records of that day and kind"),
    "advertiser_name": _col("text"),
    "amount": _col("decimal"),
    "currency": _col("text"),
    "timezone": _col("text"),
}

IDENTITY_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the identities were listed for)"),
    "identity_id": _col("text", "ads.identity_id holds these"),
    "identity_type": _col(
        "text", "CUSTOMIZED_USER, AUTH_CODE, TT_USER or BC_AUTH_TT (the last three: Spark Ads)"
    ),
    "identity_authorized_bc_id": _col("text"),
    "display_name": _col("text"),
    "username": _col("text"),
    "profile_image": _col("text", "Profile image URL (expires)"),
    "available_status": _col("text"),
    "ads_only_mode": _col("bool"),
    "is_gpppa": _col("bool"),
    "can_push_video": _col("bool"),
    "can_pull_video": _col("bool"),
    "can_use_live_ads": _col("bool"),
    "can_manage_message": _col("bool"),
}

SPARK_AD_POST_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (an advertiser whose ads run the post)"),
    "identity_id": _col("text", "The identity (TikTok account) that posted it; ads.identity_id"),
    "identity_type": _col("text"),
    "item_id": _col("text", "TikTok post id; ads.tiktok_item_id holds these"),
    "item_type": _col("text", "VIDEO or CAROUSEL"),
    "status": _col("text"),
    "text": _col("text", "The post's caption"),
    "ad_auth_status": _col("text", "auth_info.ad_auth_status"),
    "auth_start_time": _col("timestamp", "auth_info.auth_start_time (UTC)"),
    "auth_end_time": _col("timestamp", "auth_info.auth_end_time (UTC)"),
    "duration": _col("decimal", "video_info.duration, seconds"),
    "width": _col("bigint"),
    "height": _col("bigint"),
    "size": _col("bigint", "Bytes"),
    "bit_rate": _col("bigint"),
    "poster_url": _col("text", "Cover URL (expires)"),
    "url": _col("text", "Video URL (expires)"),
    "signature": _col("text"),
}

SPARK_AUTHORIZED_POST_COLUMNS: TTableSchemaColumns = {
    **SPARK_AD_POST_COLUMNS,
    "advertiser_id": _col("text", "Added by the source (the ad account the post is authorized to)"),
    "identity_id": _col(
        "text", "user_info.identity_id: the AUTH_CODE identity; ads.identity_id of its Spark Ads"
    ),
    "tiktok_name": _col("text", "user_info.tiktok_name: the TikTok account's name"),
    "invite_start_time": _col(
        "timestamp", "auth_info.invite_start_time (UTC): when authorization was asked for"
    ),
}

STATUS_FIELD_BY_DATA_LEVEL: Mapping[str, str] = MappingProxyType(
    {
        "AUCTION_AD": "ad_status",
        "AUCTION_ADGROUP": "adgroup_status",
        "AUCTION_CAMPAIGN": "campaign_status",
    }
)
"""The report filter field that selects deleted objects at each data level (``IN ["STATUS_ALL"]``)."""


Granularity = Literal["daily", "hourly", "lifetime"]

DAY_COLUMN = "stat_time_day"
"""The day column of daily and hourly report tables (hourly rows get it from ``stat_time_hour``)."""

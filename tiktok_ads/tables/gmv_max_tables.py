"""The opt-in TikTok Shop / GMV Max tables: their pinned columns, metric lists and report filters.

Data only (it imports only :mod:`.metric_types`, so :mod:`.registry` can build its registry entries from
it). Sources of the field and metric names: the Go SDK ``bububa/tiktok-business``
(``model/campaign/gmvmax/{store_list,campaign,report_get}.go``), the official SDK's
``FilteringGmvMaxReportGet``, TikTok's ``yml_files/gmv_max_report_get.yml`` and Airbyte's GMV Max streams
(``unit_tests/integration/test_gmv_max.py``: product / LIVE campaign reports per store, daily).

GMV Max data is not in ``report/integrated/get/``'s AUCTION reports (singer-io/tap-tiktok-ads#32): these
tables are the only place its spend lands. Its money is ``cost`` (not ``spend``), and a day often has cost
with no order, and a product cost with no product-card impression: that is GMV Max, not a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dlt.common.schema.typing import TColumnSchema, TTableSchemaColumns

from tiktok_ads.tables.metric_types import column_hint as _col

STORE_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text", "Added by the source (the advertiser the shop list was read for)"),
    "store_id": _col("text", "TikTok Shop id; the GMV Max report tables' store_id"),
    "store_name": _col("text"),
    "store_code": _col("text"),
    "thumbnail_url": _col("text"),
    "store_status": _col("text", "ACTIVE, INACTIVE, NEW_CREATE"),
    "is_gmv_max_available": _col(
        "bool", "Whether the shop can run GMV Max campaigns (only those are reported)"
    ),
    "store_authorized_bc_id": _col("text", "The Business Center with access to the shop"),
    "is_owner_bc": _col("bool", "Whether that Business Center owns the shop"),
    "targeting_region_codes": _col("json"),
    "store_authorized_bc_info": _col("json", "bc_id, bc_name, bc_profile_image, user_role"),
    "exclusive_authorized_advertiser_info": _col("json"),
}

CAMPAIGN_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text"),
    "campaign_id": _col("text", "GMV Max campaign id; the GMV Max report tables' campaign_id"),
    "campaign_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "objective_type": _col("text"),
    "store_id": _col("text", "The shop the campaign sells from (campaign/gmv_max/info/)"),
    "store_authorized_bc_id": _col("text"),
    "shopping_ads_type": _col("text", "PRODUCT or LIVE"),
    "product_specific_type": _col("text"),
    "item_group_ids": _col("json", "Products (SPU ids) of a CUSTOMIZED_PRODUCTS campaign"),
    "optimization_goal": _col("text"),
    "deep_bid_type": _col("text"),
    "roas_bid": _col("decimal", "Target ROI"),
    "roi_protection_enabled": _col("bool"),
    "roi_protection_compensation_status": _col("text"),
    "budget": _col("decimal", "Daily budget, advertiser currency"),
    "schedule_type": _col("text"),
    "schedule_start_time": _col("timestamp", "UTC"),
    "schedule_end_time": _col("timestamp", "UTC"),
    "placements": _col("json"),
    "location_ids": _col("json"),
    "age_groups": _col("json"),
    "product_video_specific_type": _col("text"),
    "affiliate_posts_enabled": _col("bool"),
    "identity_list": _col("json"),
    "create_time": _col("timestamp", "Creation time (UTC)"),
    "modify_time": _col("timestamp", "Last modification time (UTC); the incremental cursor"),
}

PRODUCT_CAMPAIGN_METRICS: tuple[str, ...] = (
    "cost",
    "net_cost",
    "orders",
    "cost_per_order",
    "gross_revenue",
    "roi",
)
"""Metrics of a product GMV Max campaign by day (Airbyte's ``PRODUCT_METRICS``)."""

LIVE_CAMPAIGN_METRICS: tuple[str, ...] = (
    *PRODUCT_CAMPAIGN_METRICS,
    "live_views",
    "cost_per_live_view",
    "10_second_live_views",
    "live_follows",
)
"""Metrics of a LIVE GMV Max campaign by day. ``cost_per_10_second_live_view(s)`` is left out: Airbyte and the Go
SDK spell it differently (UNSURE which TikTok accepts)."""

PRODUCT_METRICS: tuple[str, ...] = (
    "cost",
    "orders",
    "gross_revenue",
    "roi",
    "product_impressions",
    "product_clicks",
    "product_click_rate",
)
"""Metrics of one product (``item_group_id``) of a product campaign by day."""

CREATIVE_METRICS: tuple[str, ...] = (
    "creative_delivery_status",
    "cost",
    "orders",
    "cost_per_order",
    "gross_revenue",
    "roi",
    "product_impressions",
    "product_clicks",
    "product_click_rate",
    "ad_click_rate",
    "ad_conversion_rate",
    "ad_video_view_rate_2s",
    "ad_video_view_rate_6s",
    "ad_video_view_rate_p25",
    "ad_video_view_rate_p50",
    "ad_video_view_rate_p75",
    "ad_video_view_rate_p100",
)
"""Metrics of one post (``item_id``) of a product of a product campaign by day: TikTok's creative-level
metrics "for creatives with statuses" (Doc ID 1824722485971009). The attribute metrics (``title``,
``tt_account_name``, ...) are left out: TikTok answers them only for one campaign and one product per
request, and this table asks for many at once."""

METRIC_COLUMNS: Mapping[str, TColumnSchema] = MappingProxyType(
    {
        "cost": _col("decimal", "Spend, advertiser currency"),
        "net_cost": _col("decimal", "Cost minus ad credits"),
        "orders": _col("bigint"),
        "cost_per_order": _col("decimal"),
        "gross_revenue": _col("decimal", "Gross revenue of the orders, advertiser currency"),
        "roi": _col("decimal", "gross_revenue / cost"),
        "live_views": _col("bigint"),
        "cost_per_live_view": _col("decimal"),
        "10_second_live_views": _col("bigint"),
        "live_follows": _col("bigint"),
        "product_impressions": _col("bigint", "Product card impressions (often 0 while cost is not)"),
        "product_clicks": _col("bigint", "Product card clicks"),
        "product_click_rate": _col("decimal", "Percent"),
        "creative_delivery_status": _col("text", "DELIVERING, LEARNING, NOT_DELIVERYING, UNAVAILABLE, ..."),
        **{
            f"ad_{name}": _col("decimal", f"Percent: {text}")
            for name, text in (
                ("click_rate", "ad clicks / ad views"),
                ("conversion_rate", "conversions / ad clicks"),
                ("video_view_rate_2s", "2-second views / video views"),
                ("video_view_rate_6s", "6-second views / video views"),
                ("video_view_rate_p25", "views of 25% / video views"),
                ("video_view_rate_p50", "views of 50% / video views"),
                ("video_view_rate_p75", "views of 75% / video views"),
                ("video_view_rate_p100", "complete views / video views"),
            )
        },
    }
)

REPORT_PROMOTION_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "gmv_max_product_campaign_insights": "PRODUCT",
        "gmv_max_live_campaign_insights": "LIVE",
        "gmv_max_product_insights": "PRODUCT",
        "gmv_max_live_room_insights": "LIVE",
        "gmv_max_creative_insights": "PRODUCT",
        # gmv_max_advertiser_insights, gmv_max_campaign_insights_hourly: both types (no filter)
    }
)
"""Report table -> its campaigns' promotion type (one type per table, like Airbyte): the campaign-level tables
send it as ``filtering.gmv_max_promotion_types``, the product, room and creative tables list their campaigns
with it and send ``campaign_ids`` (:mod:`.gmv_max_filters`)."""


def report_columns(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> TTableSchemaColumns:
    """Column hints of a GMV Max report table: advertiser_id, store_id, the dimensions, then the metrics.

    Args:
        dimensions: the table's dimensions (``store_id`` first: the source adds it, TikTok reports per shop).
        metrics: the requested metrics.

    Returns:
        dlt column hints.
    """
    described = {
        "store_id": "The shop (added by the source: one request series per shop)",
        "campaign_id": "GMV Max campaign id (gmv_max_campaigns.campaign_id)",
        "item_group_id": "Product (SPU) id",
        "item_id": "TikTok post id of the creative; -1 is the product card",
        "room_id": "LIVE room id",
        "stat_time_day": "Day in the advertiser's time zone",
    }
    cols: TTableSchemaColumns = {"advertiser_id": _col("text", "Added by the source to every row")}
    for dim in dimensions:
        if dim == "advertiser_id":  # requested from TikTok (the advertiser level), already the first column
            continue
        if dim == "stat_time_hour":  # the advertiser's wall clock, as TikTok sends it (like the grid's)
            cols[dim] = {
                "data_type": "timestamp",
                "timezone": False,
                "description": "Hour, advertiser's time",
            }
            cols["stat_time_day"] = _col(
                "date", "The hour's day in the advertiser's time zone (added by the source)"
            )
            continue
        cols[dim] = _col("date" if dim == "stat_time_day" else "text", described.get(dim))
    for metric in metrics:
        cols[metric] = dict(METRIC_COLUMNS[metric])  # type: ignore[assignment]
    return cols

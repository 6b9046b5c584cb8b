"""The opt-in Upgraded Smart+ tables: their pinned columns and metric lists.

Data only (it imports only :mod:`.metric_types`, so :mod:`.registry` can build its registry entries from
it). Field names: the Go SDK ``bububa/tiktok-business`` (``model/campaign/smartplus/campaign.go``,
``model/adgroup/smartplus/adgroup.go``, ``model/ad/smartplus/ad.go``, ``model/report/smartplus/
marterial_report.go``) and the official SDK (``SmartPlusAdgroupCreateBody``, ``FilteringSmartPlus*``).
Nested settings (creative lists, targeting, configuration) are JSON columns; fields TikTok adds later land
unpinned, as in the other entity tables.
"""

from __future__ import annotations

from dlt.common.schema.typing import TTableSchemaColumns

from tiktok_ads.tables.metric_types import column_hint as _col

_TIMES: TTableSchemaColumns = {
    "create_time": _col("timestamp", "Creation time (UTC)"),
    "modify_time": _col(
        "timestamp",
        "Last modification time (UTC); the incremental cursor (create_time when TikTok sends none)",
    ),
}

CAMPAIGN_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text"),
    "campaign_id": _col("text", "Smart+ campaign id"),
    "campaign_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "objective_type": _col("text"),
    "sales_destination": _col("text"),
    "campaign_type": _col("text"),
    "app_id": _col("text"),
    "budget_optimize_on": _col("bool"),
    "budget_mode": _col("text"),
    "budget": _col("decimal"),
    "smart_plus_adgroup_mode": _col("text"),
    **_TIMES,
}

ADGROUP_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text"),
    "campaign_id": _col("text"),
    "campaign_name": _col("text"),
    "adgroup_id": _col("text", "Smart+ ad group id"),
    "adgroup_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "optimization_goal": _col("text"),
    "optimization_event": _col("text"),
    "promotion_type": _col("text"),
    "billing_event": _col("text"),
    "bid_type": _col("text"),
    "budget": _col("decimal"),
    "schedule_type": _col("text"),
    "schedule_start_time": _col("timestamp", "UTC"),
    "schedule_end_time": _col("timestamp", "UTC"),
    "pixel_id": _col("text", "pixels.pixel_id"),
    "placement_type": _col("text"),
    "targeting_spec": _col("json"),
    **_TIMES,
}

AD_COLUMNS: TTableSchemaColumns = {
    "advertiser_id": _col("text"),
    "campaign_id": _col("text"),
    "campaign_name": _col("text"),
    "adgroup_id": _col("text"),
    "adgroup_name": _col("text"),
    "smart_plus_ad_id": _col("text", "Smart+ ad id; the material report tables' smart_plus_ad_id"),
    "ad_name": _col("text"),
    "operation_status": _col("text"),
    "secondary_status": _col("text"),
    "creative_list": _col("json", "The ad's creatives (video_info.video_id = ad_videos.video_id)"),
    "ad_text_list": _col("json"),
    "landing_page_url_list": _col("json"),
    "ad_configuration": _col("json"),
    **_TIMES,
}

MATERIAL_METRICS: tuple[str, ...] = (
    "spend",
    "impressions",
    "clicks",
    "conversion",
    "ctr",
    "cpc",
    "cpm",
    "cost_per_conversion",
)
"""Metrics of the material (creative) report tables."""

_METRIC_TYPES = {"impressions": "bigint", "clicks": "bigint", "conversion": "bigint"}


def material_columns(dimensions: tuple[str, ...]) -> TTableSchemaColumns:
    """Column hints of a Smart+ material report table: advertiser_id, the dimensions, the material's type,
    then :data:`MATERIAL_METRICS`.

    Args:
        dimensions: the table's dimensions.

    Returns:
        dlt column hints.
    """
    cols: TTableSchemaColumns = {"advertiser_id": _col("text", "Added by the source to every row")}
    for dim in dimensions:
        described = {
            "smart_plus_ad_id": "smart_plus_ads.smart_plus_ad_id",
            "main_material_id": "The main creative: a video_id (ad_videos) for non-Spark videos",
            "stat_time_day": "Day in the advertiser's time zone",
        }
        cols[dim] = _col("date" if dim == "stat_time_day" else "text", described.get(dim))
    cols["main_material_type"] = _col(
        "text", "VIDEO_NON_SPARK_ADS, VIDEO_SPARK_ADS, CAROUSEL_..., CATALOG_..."
    )
    for metric in MATERIAL_METRICS:
        cols[metric] = _col(_METRIC_TYPES.get(metric, "decimal"))
    return cols

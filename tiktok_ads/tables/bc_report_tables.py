"""The opt-in Business Center report table (``report_type = BC``): its metrics and pinned columns.

Data only (it imports only the catalogue and :mod:`.metric_types`, so :mod:`.registry` can build its registry
entry from it). What TikTok documents of BC reports, with sources, is in ``tiktok_ads/emulator/rules/bc_reports.py``:
grouped by ``advertiser_id`` (and ``stat_time_day``) they give each ad account's "spend and performance data,
video play data, as well as data for in-app events" over up to 365 days, and the rows carry the account's
``currency`` and ``timezone``.
"""

from __future__ import annotations

from dlt.common.schema.typing import TTableSchemaColumns

from tiktok_ads.tables.metric_catalogue import METRICS
from tiktok_ads.tables.metric_types import column_hint as _col
from tiktok_ads.tables.metric_types import metric_hint

BC_REPORT_DIMENSIONS: tuple[str, ...] = ("advertiser_id", "stat_time_day")

# The account's money, delivery and the usual result figures. cash_spend / voucher_spend are advertiser-level
# day figures in BASIC reports (airbyte#11375), which BC rows are (UNSURE that BC reports take them: the
# metrics page, Doc ID 1775747476019266, is not in our sources). billed_cost is left out: "only supported in
# synchronous basic reports" ([BB] bububa/tiktok-business model/report/metrics.go).
BC_REPORT_METRICS: tuple[str, ...] = (
    # money, then delivery
    "spend",
    "cash_spend",
    "voucher_spend",
    "cpm",
    "cpc",
    "impressions",
    "reach",
    "frequency",
    "clicks",
    "ctr",
    "conversion",
    "cost_per_conversion",
    "conversion_rate",
    "result",
    "cost_per_result",
    # "video play data": the catalogue's video play group but its unique-viewer average
    *(name for name, info in METRICS.items() if info.group == "video_play" and not info.uv),
)

BC_REPORT_COLUMNS: TTableSchemaColumns = {
    "bc_id": _col("text", "Added by the source: the Business Center the report was read through"),
    "advertiser_id": _col("text", "The ad account (bc_advertisers.advertiser_id)"),
    "stat_time_day": _col("date", "Day in the ad account's time zone; the incremental cursor"),
    "currency": _col("text", "The account's currency: the money metrics are in it"),
    "timezone": _col("text", "The account's time zone: stat_time_day is in it"),
    **{name: metric_hint(METRICS[name].kind) for name in BC_REPORT_METRICS},
}

"""The table registry: one record per destination table, collected in :data:`TABLES`.

Each entry is data (endpoint or report type, level, dimensions, metrics, key, cursor, columns) of the
record class of its kind (:mod:`tiktok_ads.tables.records`); the resource factory
(:mod:`tiktok_ads.resources.factory`) turns each into dlt resources. Adding a table is adding an entry
here (and, for a new kind of endpoint, a fetch function in :mod:`tiktok_ads.endpoints`). The columns and
metric lists the entries name are in :mod:`tiktok_ads.tables.columns`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType

from dlt.common.schema.typing import TTableSchemaColumns

from tiktok_ads.limits import MAX_PAGE_SIZE
from tiktok_ads.tables import bc_report_tables as bcr
from tiktok_ads.tables import gmv_max_tables as gmv
from tiktok_ads.tables import smart_plus_tables as spl
from tiktok_ads.tables.columns import (
    AD_AUDIENCE_METRICS,
    AD_BASIC_METRICS,
    AD_COLUMNS,
    AD_IMAGE_COLUMNS,
    AD_VIDEO_COLUMNS,
    ADGROUP_COLUMNS,
    ADVERTISER_BALANCE_COLUMNS,
    ADVERTISER_COLUMNS,
    ADVERTISER_TRANSACTION_COLUMNS,
    APP_COLUMNS,
    AUTOMATED_RULE_COLUMNS,
    AUTOMATED_RULE_RESULT_COLUMNS,
    BC_ADVERTISER_COLUMNS,
    BC_BALANCE_COLUMNS,
    BC_TRANSACTION_COLUMNS,
    BUSINESS_CENTER_COLUMNS,
    CAMPAIGN_AUDIENCE_METRICS,
    CAMPAIGN_COLUMNS,
    CREATIVE_PORTFOLIO_COLUMNS,
    CUSTOM_AUDIENCE_COLUMNS,
    IDENTITY_COLUMNS,
    PIXEL_COLUMNS,
    SAVED_AUDIENCE_COLUMNS,
    SPARK_AD_POST_COLUMNS,
    SPARK_AUTHORIZED_POST_COLUMNS,
)
from tiktok_ads.tables.records import (
    AdvertiserTable,
    BusinessCenterTable,
    EntityTable,
    ReportTable,
    SparkPostsTable,
    TableSpec,
    _timing,
    report_spec,
)


def _report(
    name: str,
    report_type: str,
    data_level: str,
    dimensions: tuple[str, ...],
    metrics: tuple[str, ...],
    primary_key: tuple[str, ...],
    description: str,
) -> ReportTable:
    return report_spec(
        name, report_type, data_level, dimensions, metrics, primary_key=primary_key, description=description
    )


def _asset(
    name: str,
    endpoint: str,
    id_field: str,
    columns: TTableSchemaColumns,
    description: str,
    *,
    cursor: str | None = "modify_time",
    max_page_size: int = MAX_PAGE_SIZE,
    list_key: str = "list",
    status_filtering: bool = False,
    paged: bool = True,
) -> EntityTable:
    """An opt-in object table read per advertiser with the entity loop, keyed by advertiser and id: the
    creative and account-side tables, and the GMV Max and Smart+ object tables (one row per object, its
    latest state; the GMV Max lists have page loops of their own in ``extract_shop``).

    ``cursor`` is the modification-time column (None if the endpoint has none: read whole every run);
    ``status_filtering``: ``include_deleted`` asks the endpoint for every status too (the Smart+ lists);
    ``paged``: False for an endpoint without paging (one request answers the whole list).
    """
    return EntityTable(
        name=name,
        endpoint=endpoint,
        primary_key=("advertiser_id", id_field),
        cursor=cursor,
        columns=MappingProxyType(columns),
        description=description,
        id_field=id_field,
        list_key=list_key,
        max_page_size=max_page_size,
        status_filtering=status_filtering,
        paged=paged,
        opt_in=True,
    )


def _bc_table(
    name: str,
    endpoint: str,
    primary_key: tuple[str, ...],
    cursor: str | None,
    columns: TTableSchemaColumns,
    description: str,
    *,
    max_page_size: int,
    list_key: str = "list",
) -> BusinessCenterTable:
    """An opt-in Business Center table, read per BC (not per advertiser) by :mod:`tiktok_ads.resources.business_center`;
    ``cursor``: the date column a run re-reads from (transactions), or None (read whole every run)."""
    return BusinessCenterTable(
        name=name,
        endpoint=endpoint,
        primary_key=primary_key,
        cursor=cursor,
        columns=MappingProxyType(columns),
        description=description,
        list_key=list_key,
        max_page_size=max_page_size,
        opt_in=True,
    )


def _shop_report(
    name: str,
    endpoint: str,
    dimensions: tuple[str, ...],
    metrics: tuple[str, ...],
    columns: TTableSchemaColumns,
    description: str,
    *,
    lifetime: bool = False,
) -> ReportTable:
    """An opt-in GMV Max or Smart+ material report table: key ``advertiser_id`` and every dimension.

    Daily tables (``stat_time_day``) are read in 30-day windows and replaced per (advertiser, day), hourly ones
    (``stat_time_hour``) one day per request and replaced per (advertiser, the hour's day); a lifetime table is
    read whole every run and replaces the advertiser's rows. The request is built by
    ``extract_shop`` (these endpoints take other parameters than ``report/integrated/get/``).
    """
    timed = "stat_time_hour" in dimensions or "stat_time_day" in dimensions
    granularity, window, day_column = _timing(dimensions, lifetime=lifetime or not timed)
    return ReportTable(
        name=name,
        endpoint=endpoint,
        primary_key=tuple(dict.fromkeys(("advertiser_id", *dimensions))),
        columns=MappingProxyType(columns),
        description=description,
        dimensions=dimensions,
        metrics=metrics,
        granularity=granularity,
        window_days=window,
        day_column=day_column,
        max_page_size=MAX_PAGE_SIZE if endpoint == "gmv_max/report/get/" else 100,
        opt_in=True,
    )


def _gmv_report(
    name: str, dimensions: tuple[str, ...], metrics: tuple[str, ...], description: str
) -> ReportTable:
    """A GMV Max report table (``gmv_max/report/get/``, per shop): its columns follow from its dimensions and metrics."""
    columns = gmv.report_columns(dimensions, metrics)
    return _shop_report(name, "gmv_max/report/get/", dimensions, metrics, columns, description)


_AD_KEY = ("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "stat_time_day")

TABLES: Mapping[str, TableSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            AdvertiserTable(
                name="advertisers",
                endpoint="advertiser/info/",
                primary_key=("advertiser_id", "create_time"),
                cursor="create_time",
                columns=MappingProxyType(ADVERTISER_COLUMNS),
                description="Advertiser (ad account) settings from advertiser/info/",
                id_field="advertiser_id",
            ),
            EntityTable(
                name="campaigns",
                endpoint="campaign/get/",
                primary_key=("advertiser_id", "campaign_id", "modify_time"),
                cursor="modify_time",
                columns=MappingProxyType(CAMPAIGN_COLUMNS),
                description="Campaigns, one row per version (modify_time)",
                id_field="campaign_id",
            ),
            EntityTable(
                name="adgroups",
                endpoint="adgroup/get/",
                primary_key=("adgroup_id", "advertiser_id", "campaign_id", "modify_time"),
                cursor="modify_time",
                columns=MappingProxyType(ADGROUP_COLUMNS),
                description="Ad groups, one row per version (modify_time)",
                id_field="adgroup_id",
            ),
            EntityTable(
                name="ads",
                endpoint="ad/get/",
                primary_key=("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "modify_time"),
                cursor="modify_time",
                columns=MappingProxyType(AD_COLUMNS),
                description="Ads, one row per version (modify_time)",
                id_field="ad_id",
            ),
            _report(
                "ad_insights",
                "BASIC",
                "AUCTION_AD",
                ("ad_id", "stat_time_day"),
                AD_BASIC_METRICS,
                _AD_KEY,
                "Daily ad-level basic report",
            ),
            _report(
                "ad_insights_by_age_and_gender",
                "AUDIENCE",
                "AUCTION_AD",
                ("ad_id", "stat_time_day", "age", "gender"),
                AD_AUDIENCE_METRICS,
                (*_AD_KEY, "age", "gender"),
                "Daily ad-level audience report by age and gender",
            ),
            _report(
                "ad_insights_by_country",
                "AUDIENCE",
                "AUCTION_AD",
                ("ad_id", "stat_time_day", "country_code"),
                AD_AUDIENCE_METRICS,
                (*_AD_KEY, "country_code"),
                "Daily ad-level audience report by country",
            ),
            _report(
                "ad_insights_by_platform",
                "AUDIENCE",
                "AUCTION_AD",
                ("ad_id", "stat_time_day", "platform"),
                AD_AUDIENCE_METRICS,
                # exactly the seed connector's key: it has no advertiser_id (ad ids are global)
                ("ad_id", "adgroup_id", "campaign_id", "platform", "stat_time_day"),
                "Daily ad-level audience report by platform",
            ),
            _report(
                "campaign_insights_by_province",
                "AUDIENCE",
                "AUCTION_CAMPAIGN",
                ("campaign_id", "stat_time_day", "province_id"),
                CAMPAIGN_AUDIENCE_METRICS,
                ("advertiser_id", "campaign_id", "province_id", "stat_time_day"),
                "Daily campaign-level audience report by province",
            ),
            # opt-in creative and account-side tables: one row per object (its latest state), merged on
            # (advertiser_id, id); read with the entity loop (cursor filtered client-side per advertiser)
            _asset(
                "ad_images",
                "file/image/ad/search/",
                "image_id",
                AD_IMAGE_COLUMNS,
                "Ad images of each advertiser's creative library, latest state (modify_time)",
                cursor="modify_time",
                # TikTok's docs say 1-1,000 in one version and 1-100 in another: 100 is valid under both
                max_page_size=100,
            ),
            _asset(
                "ad_videos",
                "file/video/ad/search/",
                "video_id",
                AD_VIDEO_COLUMNS,
                "Ad videos of each advertiser's creative library, latest state (modify_time)",
                cursor="modify_time",
                max_page_size=100,  # as ad_images
            ),
            _asset(
                "custom_audiences",
                "dmp/custom_audience/list/",
                "custom_audience_id",
                CUSTOM_AUDIENCE_COLUMNS,
                "Custom audiences of each advertiser, latest state (update_time)",
                cursor="update_time",
                max_page_size=100,
            ),
            # account-side lists (emulator: tiktok_ads/emulator/rules/api_account.py, with their sources); objects
            # without a modification time are read whole every run, merged on their key
            _asset(
                "saved_audiences",
                "dmp/saved_audience/list/",
                "saved_audience_id",
                SAVED_AUDIENCE_COLUMNS,
                "Saved audiences (targeting presets) of each advertiser, read whole every run",
                cursor=None,
                list_key="saved_audiences",
                max_page_size=100,  # UNSURE: 1-100, as the other audience list
            ),
            _asset(
                "creative_portfolios",
                "creative/portfolio/list/",
                "creative_portfolio_id",
                CREATIVE_PORTFOLIO_COLUMNS,
                "Creative portfolios (interactive add-ons) of each advertiser, read whole every run",
                cursor=None,
                list_key="creative_portfolios",
                max_page_size=100,
            ),
            _asset(
                "automated_rules",
                "optimizer/rule/list/",
                "rule_id",
                AUTOMATED_RULE_COLUMNS,
                "Automated rules of each advertiser, read whole every run (a rule's status changes in place)",
                cursor=None,
                list_key="rules",
                max_page_size=100,  # UNSURE: 1-100
            ),
            _asset(
                "automated_rule_results",
                "optimizer/rule/result/list/",
                "exec_id",
                AUTOMATED_RULE_RESULT_COLUMNS,
                "Runs of each advertiser's automated rules and what they did (exec_time)",
                cursor="exec_time",
                max_page_size=100,  # UNSURE: 1-100
            ),
            _asset(
                "apps",
                "app/list/",
                "app_id",
                APP_COLUMNS,
                "Apps of each advertiser (what APP_PROMOTION campaigns promote), read whole every run",
                cursor=None,
                list_key="apps",
                paged=False,  # no page parameters, no page_info (official SDK yml_files/app_list.yml)
            ),
            _asset(
                "pixels",
                "pixel/list/",
                "pixel_id",
                PIXEL_COLUMNS,
                "Pixels of each advertiser with their events, read whole every run (no time to filter on)",
                cursor=None,
                max_page_size=20,  # documented range 1-20 (bububa/tiktok-business model/pixel/list.go)
                list_key="pixels",
            ),
            # opt-in Business Center tables: read per BC (sources.tiktok_ads.bc_ids, else every BC of bc/get/),
            # not per advertiser (tiktok_ads/resources/business_center.py)
            _bc_table(
                "business_centers",
                "bc/get/",
                ("bc_id",),
                None,
                BUSINESS_CENTER_COLUMNS,
                "Business Centers the token's user belongs to, with the user's roles",
                max_page_size=50,
            ),
            _bc_table(
                "bc_advertisers",
                "bc/asset/get/",
                ("bc_id", "advertiser_id"),
                None,
                BC_ADVERTISER_COLUMNS,
                "Ad accounts (ADVERTISER assets) of each Business Center",
                max_page_size=50,
            ),
            _bc_table(
                "bc_balances",
                "bc/balance/get/",
                ("bc_id", "balance_date"),
                None,
                BC_BALANCE_COLUMNS,
                "Each Business Center's balance, one row per BC and UTC day of a run",
                max_page_size=1,
            ),
            _bc_table(
                "advertiser_balances",
                "advertiser/balance/get/",
                ("bc_id", "advertiser_id", "balance_date"),
                None,
                ADVERTISER_BALANCE_COLUMNS,
                "Balance and budget of each ad account of a Business Center, one row per account and run day",
                max_page_size=100,
                list_key="advertiser_account_list",
            ),
            _bc_table(
                "bc_transactions",
                "bc/transaction/get/",
                ("bc_id", "transaction_date", "funds_type", "seq"),
                "transaction_date",
                BC_TRANSACTION_COLUMNS,
                "Business Center transaction records (recharges, grants)",
                max_page_size=100,
            ),
            _bc_table(
                "advertiser_transactions",
                "advertiser/transaction/get/",
                ("bc_id", "advertiser_id", "transaction_date", "transfer_type", "funds_type", "seq"),
                "transaction_date",
                ADVERTISER_TRANSACTION_COLUMNS,
                "Transaction records of a Business Center's ad accounts (transfers, daily cost, tax)",
                max_page_size=100,
                list_key="transaction_list",
            ),
            _bc_table(
                "bc_advertiser_insights",
                "report/integrated/get/",  # report_type = BC (tiktok_ads/endpoints/bc_reports.py)
                ("bc_id", "advertiser_id", "stat_time_day"),
                "stat_time_day",
                bcr.BC_REPORT_COLUMNS,
                "Business Center report: each ad account's daily spend and delivery, read per BC",
                max_page_size=MAX_PAGE_SIZE,
            ),
            # opt-in Spark Ads tables
            _asset(
                "identities",
                "identity/get/",
                "identity_id",
                IDENTITY_COLUMNS,
                "Identities of each advertiser (ads.identity_id), read whole every run (no time to filter on)",
                cursor=None,
                max_page_size=100,
                list_key="identity_list",
            ),
            SparkPostsTable(
                name="spark_ad_posts",
                endpoint="identity/video/info/",
                primary_key=("advertiser_id", "identity_id", "item_id"),
                columns=MappingProxyType(SPARK_AD_POST_COLUMNS),
                description="TikTok posts that the advertiser's Spark Ads run (ads.tiktok_item_id), read every run",
                id_field="item_id",
                opt_in=True,
            ),
            _asset(
                "spark_authorized_posts",
                "tt_video/list/",
                "item_id",
                SPARK_AUTHORIZED_POST_COLUMNS,
                "Spark Ads posts creators authorized to each ad account (auth codes), read whole every run",
                cursor=None,
                max_page_size=50,  # [BB] model/ttvideo/list.go: page_size 1-50; Airbyte pages it by 50
            ),
            # opt-in TikTok Shop / GMV Max tables (tiktok_ads/tables/gmv_max_tables.py): shops, GMV Max campaigns,
            # and the GMV Max report per shop (the only place GMV Max spend is reported)
            _asset(
                "gmv_max_stores",
                "gmv_max/store/list/",
                "store_id",
                gmv.STORE_COLUMNS,
                "TikTok Shops each advertiser can see, and whether they can run GMV Max (read whole every run)",
                cursor=None,
                list_key="store_list",
            ),
            _asset(
                "gmv_max_campaigns",
                "gmv_max/campaign/get/",
                "campaign_id",
                gmv.CAMPAIGN_COLUMNS,
                "GMV Max campaigns (product and LIVE) with their details (campaign/gmv_max/info/), latest state",
                max_page_size=100,
            ),
            _gmv_report(
                "gmv_max_advertiser_insights",
                ("store_id", "advertiser_id", "stat_time_day"),
                gmv.PRODUCT_CAMPAIGN_METRICS,
                "Daily GMV Max totals of each advertiser (every GMV Max campaign), per shop",
            ),
            _gmv_report(
                "gmv_max_product_campaign_insights",
                ("store_id", "campaign_id", "stat_time_day"),
                gmv.PRODUCT_CAMPAIGN_METRICS,
                "Daily GMV Max report of product campaigns, per shop",
            ),
            _gmv_report(
                "gmv_max_live_campaign_insights",
                ("store_id", "campaign_id", "stat_time_day"),
                gmv.LIVE_CAMPAIGN_METRICS,
                "Daily GMV Max report of LIVE campaigns, per shop",
            ),
            _gmv_report(
                "gmv_max_product_insights",
                ("store_id", "campaign_id", "item_group_id", "stat_time_day"),
                gmv.PRODUCT_METRICS,
                "Daily GMV Max report per product (item_group_id) of product campaigns, per shop",
            ),
            _gmv_report(
                "gmv_max_creative_insights",
                ("store_id", "campaign_id", "item_group_id", "item_id", "stat_time_day"),
                gmv.CREATIVE_METRICS,
                "Daily GMV Max report per post (item_id, -1 the product card) of each product of product "
                "campaigns, per shop (days with cost only)",
            ),
            _gmv_report(
                "gmv_max_campaign_insights_hourly",
                ("store_id", "campaign_id", "stat_time_hour"),
                gmv.PRODUCT_CAMPAIGN_METRICS,
                "Hourly GMV Max report of every GMV Max campaign (product and LIVE), per shop",
            ),
            _gmv_report(
                "gmv_max_live_room_insights",
                ("store_id", "campaign_id", "room_id", "stat_time_day"),
                gmv.LIVE_CAMPAIGN_METRICS,
                "Daily GMV Max report per LIVE room (room_id) of LIVE campaigns, per shop",
            ),
            # the GMV Max ads report of report/integrated/get/ (report_type = TT_SHOP; every shop, by country;
            # rules and sources: tiktok_ads/emulator/rules/tt_shop_reports.py)
            dataclasses.replace(
                report_spec(
                    "tt_shop_campaign_insights",
                    "TT_SHOP",
                    "AUCTION_CAMPAIGN",
                    ("campaign_id", "country_code", "stat_time_day"),
                    ("spend", "billed_cost"),
                    description="GMV Max ads report (report_type = TT_SHOP): daily spend per GMV Max campaign "
                    "and country",
                ),
                opt_in=True,
            ),
            # opt-in Upgraded Smart+ tables (tiktok_ads/tables/smart_plus_tables.py)
            _asset(
                "smart_plus_campaigns",
                "smart_plus/campaign/get/",
                "campaign_id",
                spl.CAMPAIGN_COLUMNS,
                "Upgraded Smart+ campaigns, latest state (modify_time)",
                status_filtering=True,
            ),
            _asset(
                "smart_plus_adgroups",
                "smart_plus/adgroup/get/",
                "adgroup_id",
                spl.ADGROUP_COLUMNS,
                "Upgraded Smart+ ad groups, latest state (modify_time)",
                status_filtering=True,
            ),
            _asset(
                "smart_plus_ads",
                "smart_plus/ad/get/",
                "smart_plus_ad_id",
                spl.AD_COLUMNS,
                "Upgraded Smart+ ads, latest state (modify_time, or create_time when TikTok sends none)",
                status_filtering=True,
            ),
            _shop_report(
                "smart_plus_material_insights",
                "smart_plus/material_report/breakdown/",
                ("smart_plus_ad_id", "main_material_id", "stat_time_day"),
                spl.MATERIAL_METRICS,
                spl.material_columns(("smart_plus_ad_id", "main_material_id", "stat_time_day")),
                "Daily Smart+ creative report: each ad's main creatives by day (material_report/breakdown/)",
            ),
            _shop_report(
                "smart_plus_material_insights_lifetime",
                "smart_plus/material_report/overview/",
                ("smart_plus_ad_id", "main_material_id"),
                spl.MATERIAL_METRICS,
                spl.material_columns(("smart_plus_ad_id", "main_material_id")),
                "Lifetime Smart+ creative report: each ad's main creatives (material_report/overview/)",
                lifetime=True,
            ),
        )
    }
)
"""All tables, by name, in load order (advertisers first)."""

DEFAULT_TABLES: tuple[str, ...] = tuple(name for name, spec in TABLES.items() if not spec.opt_in)
"""Tables loaded when ``sources.tiktok_ads.tables`` is not set: the nine seed tables (the opt-in tables such
as ``ad_images`` and the report grid of ``tiktok_ads.tables.report_grid`` load only when named)."""

"""The table registry and every constant of the source.

One record per destination table, collected in :data:`TABLES`, of the record class of its kind:
:class:`AdvertiserTable`, :class:`EntityTable` (list endpoints), :class:`ReportTable`,
:class:`BusinessCenterTable`, :class:`SparkPostsTable` (:data:`TableSpec` is their union; ``spec.kind`` tells
them apart). The resource factory in ``tiktok_ads.resources.factory`` turns each into a ``dlt.resource``; adding a table
means adding an entry here (and, for a new kind of endpoint, a fetch function in ``tiktok_ads.endpoints.extract``).

Column types are pinned here, not inferred from the first page, so a table has the same schema whether
or not data arrived. The types come from the metric catalogue (``tiktok_ads/tables/metrics.toml``, read by
``tiktok_ads.tables.metric_catalogue`` and summed up in :data:`METRIC_TYPES`): TikTok's wire format sends every metric as a string, so the type has to come from
somewhere other than the data. The report grid (hourly, lifetime, every level and audience breakdown) is
generated from the same factory, :func:`report_spec`, in ``tiktok_ads.tables.report_grid``.

Money and ratios are ``decimal``, not ``double``: TikTok sends decimal strings (``"20.000"``,
``"0.2899"``) and users sum them (spend per campaign per month must equal TikTok's UI to the cent).
A binary double cannot hold 0.1 exactly, so sums drift in the last digits and exact comparisons with
the UI (or with the emulator's truth) fail. ``decimal`` keeps exactly what TikTok sent. The price is
slower arithmetic in some warehouses, which is irrelevant at ads-reporting volumes. Report metrics are sized
per kind (``tiktok_ads.tables.metric_types``: money DECIMAL(18,4), ratios DECIMAL(18,6), 64-bit backed); other
``decimal`` columns (budgets, balances) get dlt's DECIMAL(38,9) (NUMERIC on BigQuery, NUMBER(38,9) on Snowflake).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Literal

from dlt.common.schema.typing import TColumnSchema, TTableSchemaColumns

from tiktok_ads.tables import bc_report_tables as bcr
from tiktok_ads.tables import gmv_max_tables as gmv
from tiktok_ads.tables import smart_plus_tables as spl
from tiktok_ads.tables.entity_fields import AD_FIELDS, ADGROUP_FIELDS, ADVERTISER_FIELDS, CAMPAIGN_FIELDS

# the catalogue's lists, re-exported: settings is where the rest of the package (and users) look for them
from tiktok_ads.tables.metric_catalogue import ATTRIBUTE_METRICS as ATTRIBUTE_METRICS
from tiktok_ads.tables.metric_catalogue import COUNT_METRICS as COUNT_METRICS
from tiktok_ads.tables.metric_catalogue import DIMENSIONS, METRICS, NOT_IN_AUDIENCE, ColumnKind
from tiktok_ads.tables.metric_catalogue import MONEY_METRICS as MONEY_METRICS
from tiktok_ads.tables.metric_catalogue import RATIO_METRICS as RATIO_METRICS
from tiktok_ads.tables.metric_types import column_hint as _col
from tiktok_ads.tables.metric_types import metric_hint

PACKAGE_VERSION = "0.1.0"
"""Version of this package (sent in the User-Agent header)."""

# --------------------------------------------------------------------------------------------------
# API constants
# --------------------------------------------------------------------------------------------------

API_VERSION = "v1.3"
"""TikTok Business API version; paths are ``/open_api/{API_VERSION}/<endpoint>/``."""

PRODUCTION_BASE_URL = "https://business-api.tiktok.com"
"""Production host (``sources.tiktok_ads.base_url`` default)."""

SANDBOX_BASE_URL = "https://sandbox-ads.tiktok.com"
"""Sandbox host, used when ``sources.tiktok_ads.sandbox = true`` and no ``base_url`` is set."""

MAX_PAGE_SIZE = 1000
"""Largest ``page_size`` the list and report endpoints accept."""

DEFAULT_PAGE_SIZE = 1000
"""Default ``page_size``: the fewest requests."""

MAX_REPORT_WINDOW_DAYS = 30
"""Largest inclusive ``start_date..end_date`` span of a ``stat_time_day`` report request."""

MAX_HOURLY_WINDOW_DAYS = 1
"""Largest span of a ``stat_time_hour`` report request: one day (``start_date = end_date``)."""

MAX_IDS_PER_REQUEST = 100
"""Largest number of ids in one ``advertiser/info/`` call."""

DEFAULT_MAX_QPS = 10.0
"""TikTok's basic-tier app limit (requests per second, shared by everything using the app)."""

DEFAULT_MAX_CONCURRENCY = 16
"""Requests in flight at once (all tables and advertisers together). The rate limiter decides how many
start per second; this only has to cover TikTok's latency: at 10 QPS and ~1 s per report page, ~10 requests
are open at any moment, so 16 keeps the limiter the only brake. Raise it with ``max_qps`` on higher tiers."""

MAX_CONCURRENCY = 256
"""Upper bound of ``max_concurrency``."""

PREFETCH_PAGES = 3
"""Pages of one report window or entity list requested ahead of the one being read (after page 1 told
how many there are), so one big advertiser's pages are fetched in parallel, not one after another."""

ARROW_BATCH_ROWS = 20_000
"""Report rows collected into one Arrow table before it is handed to dlt (see ``arrow_pages.TableBatcher``)."""

DEFAULT_ATTRIBUTION_WINDOW_DAYS = 7
"""Days re-read on every run so late conversions and TikTok's restatements are picked up."""

DEFAULT_HISTORY_DAYS = 365
"""When ``start_date`` is not set, history starts this many days before today (UTC)."""

EARLIEST_START_DATE = "2012-01-01"
"""TikTok rejects report dates before this day."""

DEFAULT_REQUEST_TIMEOUT = 60.0
"""Seconds to wait for one HTTP answer."""

DEFAULT_MAX_RETRIES = 8
"""Retries of one request (same page, same window) before the run fails."""

MAX_THROTTLED_RETRIES = 30
"""Rate-limit answers (40100/40133) one request may get before the run fails. They do not use up
``max_retries``: with pacing on, a refusal means "later", the limiter slows down and paces the retry; only
another job taking the app's whole budget for minutes makes a request fail this way."""

DEFAULT_RETRY_BACKOFF_SECONDS = 1.0
"""Base of the exponential backoff; the n-th retry waits ``uniform(0, min(cap, base * 2**n))``."""

MAX_RETRY_BACKOFF_SECONDS = 60.0
"""Cap of one backoff sleep."""

NULL_METRIC_VALUES = frozenset({"-", "--", "N/A", "n/a", "NA", "", "null", "None"})
"""Strings TikTok (or hand-edited fixtures) use for "no value"; loaded as NULL for every metric."""

ZERO_IS_NULL_COLUMNS = frozenset({"tt_app_id", "tt_app_name", "mobile_app_id"})
"""Report attributes TikTok answers ``0`` or ``"0"`` for an ad without an app: loaded as NULL, like ``"-"``.

No app has the id 0; keeping the text ``"0"`` would make every app-less ad share a phantom app in a join or a
``count(distinct tt_app_id)``, and the same "no app" would be ``"0"`` in one row and NULL (``"-"``) in another."""

BUYING_TYPE_GROUPS: tuple[tuple[str, ...], ...] = (("AUCTION", "RESERVATION_RF"), ("RESERVATION_TOP_VIEW",))
"""One entity list request per group: campaign/get, adgroup/get and ad/get leave reservation (TopView, Reach &
Frequency) objects out unless ``filtering.buying_types`` asks for them (Airbyte asks for every buying type since
5.0.8), and TikTok refuses ``RESERVATION_TOP_VIEW`` together with any other value. The TopView group of ad groups
and ads is read only for advertisers with a TopView campaign (:mod:`tiktok_ads.endpoints.top_view`)."""

BUYING_TYPE_ENDPOINTS = frozenset({"campaign/get/", "adgroup/get/", "ad/get/"})
"""The list endpoints that take ``filtering.buying_types`` (TikTok's docs; the official SDK's Filtering*Get)."""

TOP_VIEW_MAX_PAGE_SIZE: Mapping[str, int] = MappingProxyType({"adgroup/get/": 100})
"""Largest page of an endpoint when asking for ``RESERVATION_TOP_VIEW`` (adgroup/get: at most 100)."""

# Codes in the response body (HTTP status is 200 for all of them). See errors.py for the mapping.
AUTH_ERROR_CODES = frozenset({40101, 40102, 40104, 40105, 40106, 40110, 40113})
PERMISSION_ERROR_CODES = frozenset({40001})
QUERY_TOO_LARGE_CODES = frozenset({40067})
RATE_LIMIT_CODES = frozenset({40016, 40100, 40133})
TRANSIENT_CODES = frozenset({20001, 40200, 40201, 40700, 60001})
"""Besides these, every 5xxxx code is transient."""

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

# --------------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------------


# Business Center and Spark Ads tables (opt-in; issue 17). Money is exact decimal in the account's (or BC's)
# currency; ``balance_date`` is the UTC day of the run that read a balance; transactions carry TikTok's day
# (``transaction_date``, TikTok's ``date``) and ``seq``, their order among records of the same day and kind
# (TikTok gives them no id). Fields: the SDK's request models and TikTok's v1.3 docs (see
# tiktok_ads/emulator/business_center.py and spark_ads.py for the sources).

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


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Table:
    """What every destination table has, whatever its kind (the base of the records below).

    Attributes:
        name: destination table (and dlt resource) name.
        endpoint: API path below ``/open_api/v1.3/``, with the trailing slash.
        primary_key: merge key columns, exactly as the seed connector's.
        columns: dlt column hints (pinned types).
        description: table description stored in the dlt schema.
        opt_in: not loaded unless named in the ``tables`` setting (not in :data:`DEFAULT_TABLES`).
    """

    name: str
    endpoint: str
    primary_key: tuple[str, ...]
    columns: Mapping[str, TColumnSchema] = dataclasses.field(compare=False, repr=False)
    description: str = ""
    opt_in: bool = False

    def column_hints(self) -> TTableSchemaColumns:
        """A fresh, mutable copy of the column hints (dlt mutates what it is given)."""
        return {name: dict(hint) for name, hint in self.columns.items()}  # type: ignore[misc]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdvertiserTable(_Table):
    """The ``advertisers`` table (``advertiser/info/``, the configured advertisers, every run).

    Attributes:
        cursor: the replication key column (``create_time``).
        id_field: the advertiser's id column.
    """

    kind: ClassVar[Literal["advertiser"]] = "advertiser"
    cursor: str | None
    id_field: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class EntityTable(_Table):
    """An object table read per advertiser from a list endpoint (``campaign/get/``, ``pixel/list/`` ...).

    Attributes:
        cursor: the modification-time column, filtered per advertiser; None when the endpoint gives none
            (every row is read and merged on the key every run).
        id_field: the object's own id column, e.g. ``campaign_id``.
        list_key: where ``data`` holds the rows (``list``; ``pixels`` for ``pixel/list/``).
        max_page_size: the endpoint's largest ``page_size`` (the ``page_size`` setting is capped to it).
        status_filtering: ``include_deleted`` sends ``filtering.primary_status = STATUS_ALL`` (campaigns,
            ad groups, ads); False for endpoints without that filter.
        paged: False for an endpoint without ``page``/``page_size`` that answers its whole list at once
            (``app/list/``).
    """

    kind: ClassVar[Literal["entity"]] = "entity"
    cursor: str | None
    id_field: str
    list_key: str = "list"
    max_page_size: int = MAX_PAGE_SIZE
    status_filtering: bool = True
    paged: bool = True


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReportTable(_Table):
    """A report table, read per advertiser and date window (``report/integrated/get/``, GMV Max, Smart+).

    Attributes:
        report_type: ``BASIC`` or ``AUDIENCE`` (None for the GMV Max and Smart+ report endpoints).
        data_level: ``AUCTION_AD`` / ``AUCTION_CAMPAIGN`` ... (None as report_type).
        dimensions: report dimensions, in request order.
        metrics: report metrics, in request order.
        granularity: ``daily`` (``stat_time_day``), ``hourly`` (``stat_time_hour``) or ``lifetime``
            (``query_lifetime``, no time dimension).
        window_days: most days one request may span (30 daily, 1 hourly); None: the whole range is one
            request (lifetime reports ignore dates).
        day_column: the column whose (advertiser, day) pairs a run replaces whole (the merge key with
            ``advertiser_id``); None: a run replaces all of an advertiser's rows (lifetime).
        filters: extra ``filtering`` entries sent with every request (custom reports), as TikTok takes them.
        max_page_size: the endpoint's largest ``page_size``.
    """

    kind: ClassVar[Literal["report"]] = "report"
    report_type: str | None = None
    data_level: str | None = None
    dimensions: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    granularity: Granularity = "daily"
    window_days: int | None = MAX_REPORT_WINDOW_DAYS
    day_column: str | None = DAY_COLUMN
    filters: tuple[Mapping[str, str], ...] = dataclasses.field(default=(), compare=False)
    max_page_size: int = MAX_PAGE_SIZE

    @property
    def cursor(self) -> str | None:
        """The time dimension runs start again from: ``stat_time_hour`` (hourly), the day column (daily), or
        None (lifetime: read whole every run)."""
        if self.granularity == "hourly":
            return "stat_time_hour"
        return None if self.lifetime else self.day_column

    @property
    def status_filter_field(self) -> str | None:
        """The level's ``*_status`` report filter field (``ad_status`` at AUCTION_AD), or None."""
        if (
            self.data_level is None or self.report_type == "TT_SHOP"
        ):  # TT_SHOP takes no filtering ([TTD-sync])
            return None
        return STATUS_FIELD_BY_DATA_LEVEL.get(self.data_level)

    @property
    def metric_columns(self) -> tuple[str, ...]:
        """Report metrics that are numeric (not attributes), for sums and checks."""
        return tuple(m for m in self.metrics if METRIC_TYPES.get(m) in ("bigint", "decimal"))

    @property
    def lifetime(self) -> bool:
        """Whether this is a lifetime report (``query_lifetime``: one row per object, no time dimension)."""
        return self.granularity == "lifetime"

    @property
    def merge_key(self) -> tuple[str, ...]:
        """What a run replaces whole: ``(advertiser_id, day)`` pairs, or (lifetime) whole advertisers."""
        return ("advertiser_id", self.day_column) if self.day_column else ("advertiser_id",)

    @property
    def hour_column(self) -> str | None:
        """``stat_time_hour`` in hourly reports (the day column is derived from it), else None."""
        return "stat_time_hour" if "stat_time_hour" in self.dimensions else None


@dataclasses.dataclass(frozen=True, kw_only=True)
class BusinessCenterTable(_Table):
    """A Business Center table, read per BC (not per advertiser) by :mod:`tiktok_ads.resources.business_center`.

    Attributes:
        cursor: the date column a run re-reads from (transactions), or None (read whole every run).
        list_key: where ``data`` holds the rows.
        max_page_size: the endpoint's largest ``page_size``.
    """

    kind: ClassVar[Literal["business_center"]] = "business_center"
    cursor: str | None
    list_key: str = "list"
    max_page_size: int = MAX_PAGE_SIZE


@dataclasses.dataclass(frozen=True, kw_only=True)
class SparkPostsTable(_Table):
    """The posts Spark Ads run (:mod:`tiktok_ads.resources.spark_ads`: ``ad/get/`` fields, then ``identity/video/info/``),
    read whole every run.

    Attributes:
        id_field: the post's id column (``item_id``).
    """

    kind: ClassVar[Literal["spark_posts"]] = "spark_posts"
    cursor: ClassVar[None] = None
    id_field: str


TableSpec = AdvertiserTable | EntityTable | ReportTable | BusinessCenterTable | SparkPostsTable
"""Any table's record; ``spec.kind`` tells which (and narrows the type): ``"advertiser"``, ``"entity"``,
``"report"``, ``"business_center"`` or ``"spark_posts"``. Every record has ``name``, ``endpoint``,
``primary_key``, ``columns``, ``description``, ``opt_in``, ``cursor`` and :meth:`column_hints`."""

TableKind = Literal["advertiser", "entity", "report", "business_center", "spark_posts"]
"""The values of ``TableSpec.kind``."""


def _dimension_hint(name: str) -> TColumnSchema:
    info = DIMENSIONS[name]
    hint = _col(info.column_type, info.description or None)
    if info.wall_clock:
        hint["timezone"] = False
    return hint


def _report_columns(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> TTableSchemaColumns:
    """Column hints of a flattened report table: advertiser_id, dimensions, then metrics.

    An hourly report (``stat_time_hour``) also gets ``stat_time_day``, the hour's day, which it is replaced by.

    Args:
        dimensions: the report's dimensions.
        metrics: the report's metrics.

    Returns:
        dlt column hints.
    """
    cols: TTableSchemaColumns = {"advertiser_id": _col("text", "Added by the source to every row")}
    for dim in dimensions:
        if dim != "advertiser_id":
            cols[dim] = _dimension_hint(dim)
    if "stat_time_hour" in dimensions:
        cols[DAY_COLUMN] = _col("date", "The hour's day in the advertiser's time zone (added by the source)")
    for metric in metrics:
        cols.setdefault(metric, metric_hint(METRICS[metric].kind))  # sized decimals: see metric_types.py
    return cols


def report_spec(
    name: str,
    report_type: str,
    data_level: str,
    dimensions: tuple[str, ...],
    metrics: tuple[str, ...],
    *,
    primary_key: tuple[str, ...] | None = None,
    lifetime: bool = False,
    filters: tuple[Mapping[str, str], ...] = (),
    description: str = "",
) -> ReportTable:
    """The spec of a report table; its granularity, windows, merge key and cursor follow from its dimensions.

    - ``stat_time_day``: daily, 30-day requests, replaced per (advertiser, day), cursor ``stat_time_day``.
    - ``stat_time_hour``: hourly, one-day requests, rows carry ``stat_time_day`` too and are replaced per
      (advertiser, day); cursor ``stat_time_hour``.
    - ``lifetime``: one request per advertiser (``query_lifetime``), every run replaces all of the advertiser's
      rows; no cursor.

    Args:
        name: table name.
        report_type: ``BASIC`` or ``AUDIENCE``.
        data_level: ``AUCTION_ADVERTISER`` ... ``AUCTION_AD``.
        dimensions: the requested dimensions, in request order.
        metrics: the requested metrics, in request order.
        primary_key: the key; default ``advertiser_id`` and every dimension.
        lifetime: a ``query_lifetime`` report (``dimensions`` then has no time dimension).
        filters: extra ``filtering`` entries.
        description: table description.

    Returns:
        The spec.
    """
    granularity, window, day_column = _timing(dimensions, lifetime=lifetime)
    return ReportTable(
        name=name,
        endpoint="report/integrated/get/",
        primary_key=primary_key or tuple(dict.fromkeys(("advertiser_id", *dimensions))),
        columns=MappingProxyType(_report_columns(dimensions, metrics)),
        description=description,
        report_type=report_type,
        data_level=data_level,
        dimensions=dimensions,
        metrics=metrics,
        granularity=granularity,
        window_days=window,
        day_column=day_column,
        filters=filters,
    )


def _timing(dimensions: tuple[str, ...], *, lifetime: bool) -> tuple[Granularity, int | None, str | None]:
    """A report's ``(granularity, window_days, day_column)``: lifetime (one request, no day), hourly
    (``stat_time_hour``: one-day requests, rows get the hour's day) or daily (30-day requests)."""
    if lifetime:
        return "lifetime", None, None
    if "stat_time_hour" in dimensions:
        return "hourly", MAX_HOURLY_WINDOW_DAYS, DAY_COLUMN
    return "daily", MAX_REPORT_WINDOW_DAYS, DAY_COLUMN


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
            # account-side lists (emulator: tiktok_ads/emulator/api_account.py, with their sources); objects
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
            # rules and sources: tiktok_ads/emulator/tt_shop_reports.py)
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

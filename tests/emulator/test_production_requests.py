"""Production clients' exact report requests, replayed against the emulator: each must be answered (code 0) in
TikTok's shape.

The request sets are facts taken from public production code (parameter names and values only), so the emulator
is never stricter than the TikTok those clients run against every day:

- Airbyte ``source-tiktok-marketing`` ``manifest.yaml``: ``base_report_retriever`` (its 27 base metrics plus each
  stream's ``report_metrics``), the hourly, lifetime and audience retrievers, and every report stream's
  ``data_level`` and ``dimensions``; the current daily lists add the Website/App/Shop legs
  (``unit_tests/test_conversion_metrics.py``, PR #85820). Its ``include_deleted`` status filter and the
  ``lifetime=true`` parameter its audience-lifetime stream sends (``unit_tests/integration/
  test_advertisers_audience_reports.py``) are replayed too.
- Singer ``tap-tiktok-ads`` ``streams.py``: ``AUCTION_FIELDS`` / ``AUDIENCE_FIELDS`` per insights stream, the
  multi-line JSON of its ``dimensions`` and its ``lifetime=false``; ``placement`` is left out of
  ``AUCTION_FIELDS`` (TikTok refuses it: singer-io/tap-tiktok-ads#14, and the tap's fix removes it).
- datapoints-hotelplus/get-ads-main ``lib/tiktok-ads.ts``, a dashboard whose comments record TikTok's live answers:
  reach in AUDIENCE reports, AUDIENCE reports without an id dimension, interest_category, and two refusals in
  TikTok's own words.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer

REPORT = "report/integrated/get/"
START, END = "2024-05-16", "2024-06-14"  # 30 dates: Airbyte's P30D step, Singer's start + 29 days

# fmt: off
#: Airbyte base_report_retriever: appended to every BASIC stream's report_metrics
AIRBYTE_BASE = [
    "spend", "cpc", "cpm", "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached", "frequency",
    "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75", "video_views_p100",
    "profile_visits", "likes", "comments", "shares", "follows", "clicks_on_music_disc", "real_time_app_install",
    "real_time_app_install_cost", "app_install",
]
#: Airbyte audience_base_report_retriever: appended to every AUDIENCE stream's report_metrics
AIRBYTE_AUDIENCE_BASE = ["spend", "cpc", "cpm", "impressions", "clicks", "ctr"]
_ATTRS = [
    "campaign_name", "campaign_id", "adgroup_name", "placement_type", "tt_app_id", "tt_app_name", "mobile_app_id",
    "promotion_type", "dpa_target_audience_type",
]
_RESULTS = [
    "conversion", "cost_per_conversion", "conversion_rate", "real_time_conversion",
    "real_time_cost_per_conversion", "real_time_conversion_rate", "result", "cost_per_result", "result_rate",
    "real_time_result", "real_time_cost_per_result", "real_time_result_rate",
]
_SECONDARY = ["secondary_goal_result", "cost_per_secondary_goal_result", "secondary_goal_result_rate"]
_AD_ATTRS = ["adgroup_id", "ad_name", "ad_text"]
_AD_EXTRA = [
    "total_purchase_value", "total_onsite_shopping_value", "onsite_shopping", "vta_purchase", "vta_conversion",
    "cta_purchase", "cta_conversion", "total_pageview", "complete_payment", "value_per_complete_payment",
    "total_complete_payment_rate", "profile_visits_rate", "purchase", "purchase_rate", "registration",
    "registration_rate", "sales_lead", "sales_lead_rate", "cost_per_app_install", "cost_per_purchase",
    "cost_per_registration", "cost_per_sales_lead", "cost_per_total_sales_lead",
    "cost_per_total_app_event_add_to_cart", "total_app_event_add_to_cart",
]
_ENGAGED = [
    "engaged_view", "engagements", "paid_engaged_view", "engaged_view_through_conversions",
    "paid_engagement_engaged_view", "engaged_view_15s", "paid_engaged_view_15s", "paid_engagement_engaged_view_15s",
]
#: the Website / App / Shop legs of the current daily streams (test_conversion_metrics.py FUNNEL_LEGS ...)
_FUNNEL = [
    "web_event_add_to_cart", "page_content_view_events", "onsite_on_web_cart", "onsite_on_web_detail",
    "total_view_content", "total_purchase", "total_sales_lead_value",
]
_PURCHASE = [
    "complete_payment", "total_complete_payment_rate", "onsite_shopping", "total_onsite_shopping_value",
    "total_app_event_add_to_cart", "total_purchase_value",
]
_CONVERSION = ["conversion", "conversion_rate", "cost_per_conversion", "real_time_conversion"]
AIRBYTE_AD = _ATTRS + _RESULTS + _SECONDARY + _AD_ATTRS + _AD_EXTRA + _ENGAGED
AIRBYTE_AD_BY_COUNTRY = _ATTRS + _RESULTS + _SECONDARY + _AD_ATTRS + [
    m for m in _AD_EXTRA if m not in ("purchase", "purchase_rate", "cost_per_purchase")
]
AIRBYTE_ADGROUP = _ATTRS + _RESULTS + _SECONDARY
AIRBYTE_AUDIENCE_ADGROUP = _ATTRS + _RESULTS
AIRBYTE_AUDIENCE_AD = _ATTRS + _RESULTS + _AD_ATTRS

SINGER_AUCTION_FIELDS = [
    "ad_name", "ad_text", "adgroup_id", "adgroup_name", "campaign_id", "campaign_name", "spend", "cpc", "cpm",
    "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached", *_RESULTS, *_SECONDARY, "frequency",
    "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75", "video_views_p100",
    "profile_visits", "profile_visits_rate", "likes", "comments", "shares", "follows", "clicks_on_music_disc",
    "tt_app_id", "tt_app_name", "mobile_app_id", "promotion_type", "dpa_target_audience_type",
]
SINGER_AUDIENCE_FIELDS = [
    "ad_name", "ad_text", "adgroup_id", "adgroup_name", "campaign_id", "campaign_name", "spend", "cpc", "cpm",
    "impressions", "clicks", "ctr", *_RESULTS, "tt_app_id", "tt_app_name", "mobile_app_id", "promotion_type",
    "dpa_target_audience_type",
]
# fmt: on

_LEVEL_ID = {
    "AUCTION_ADVERTISER": "advertiser_id",
    "AUCTION_CAMPAIGN": "campaign_id",
    "AUCTION_ADGROUP": "adgroup_id",
    "AUCTION_AD": "ad_id",
}
_STATUS = {
    "AUCTION_CAMPAIGN": "campaign_status",
    "AUCTION_ADGROUP": "adgroup_status",
    "AUCTION_AD": "ad_status",
}

#: (stream, data_level, report_metrics, breakdown dimensions) of Airbyte's BASIC streams
AIRBYTE_BASIC: list[tuple[str, str, list[str], list[str]]] = [
    ("ads_reports", "AUCTION_AD", AIRBYTE_AD, []),
    ("ads_reports_by_country", "AUCTION_AD", AIRBYTE_AD_BY_COUNTRY, ["country_code"]),
    ("ad_groups_reports", "AUCTION_ADGROUP", AIRBYTE_ADGROUP, []),
    ("ad_groups_reports_by_country", "AUCTION_ADGROUP", AIRBYTE_ADGROUP, ["country_code"]),
    ("advertisers_reports", "AUCTION_ADVERTISER", ["cash_spend", "voucher_spend"], []),
    ("campaigns_reports", "AUCTION_CAMPAIGN", ["campaign_name"], []),
]
#: the current daily streams (Airbyte PR #85820: the Website / App / Shop legs added)
AIRBYTE_BASIC_CURRENT: list[tuple[str, str, list[str], list[str]]] = [
    ("ads_reports_daily", "AUCTION_AD", AIRBYTE_AD + [m for m in _FUNNEL if m not in AIRBYTE_AD], []),
    (
        "ad_groups_reports_daily",
        "AUCTION_ADGROUP",
        list(dict.fromkeys(AIRBYTE_ADGROUP + _FUNNEL + _PURCHASE)),
        [],
    ),
    (
        "campaigns_reports_daily",
        "AUCTION_CAMPAIGN",
        list(dict.fromkeys(["campaign_name"] + _FUNNEL + _PURCHASE + _CONVERSION)),
        [],
    ),
]
#: (stream, data_level, report_metrics, breakdowns) of Airbyte's AUDIENCE daily streams
AIRBYTE_AUDIENCE: list[tuple[str, str, list[str], list[str]]] = [
    (f"{prefix}_audience_reports{suffix}", level, metrics, dims)
    for suffix, dims in (
        ("", ["gender", "age"]),
        ("_by_country", ["country_code"]),
        ("_by_platform", ["platform"]),
    )
    for prefix, level, metrics in (
        ("campaigns", "AUCTION_CAMPAIGN", ["campaign_name"]),
        ("ad_group", "AUCTION_ADGROUP", AIRBYTE_AUDIENCE_ADGROUP),
        ("ads", "AUCTION_AD", AIRBYTE_AUDIENCE_AD),
        ("advertisers", "AUCTION_ADVERTISER", []),
    )
] + [("ads_audience_reports_by_province", "AUCTION_AD", AIRBYTE_AUDIENCE_AD, ["province_id"])]


def _airbyte_basic(
    advertiser_id: str, level: str, metrics: list[str], dims: list[str], *, time: str | None, deleted: bool
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "advertiser_id": advertiser_id,
        "service_type": "AUCTION",
        "report_type": "BASIC",
        "data_level": level,
        "dimensions": [_LEVEL_ID[level], *([time] if time else []), *dims],
        "metrics": metrics + AIRBYTE_BASE,
        "page_size": 1000,
        "page": 1,
    }
    if time == "stat_time_day":
        params.update(start_date=START, end_date=END)
    elif time == "stat_time_hour":
        params.update(start_date=END, end_date=END)  # one date per request (step P1D)
    else:
        params["query_lifetime"] = "true"
    if deleted and time and level in _STATUS:
        params["filtering"] = [
            {"field_name": _STATUS[level], "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}
        ]
    return params


def _answer(tiktok: Any, params: dict[str, Any]) -> dict[str, Any]:
    body = tiktok.get(REPORT, **params).json()
    assert body["code"] == 0, (params["data_level"], params["dimensions"], body["message"])
    return dict(body["data"])


def _assert_shape(data: dict[str, Any], params: dict[str, Any]) -> None:
    """TikTok's report answer: ``list`` of {dimensions, metrics} and ``page_info``; every requested name
    present, every value a string (or JSON null/number, which real answers also carry)."""
    assert set(data["page_info"]) >= {"page", "page_size", "total_number", "total_page"}
    dims = params["dimensions"]
    metrics = set(params["metrics"]) - set(dims)
    assert data["list"], params["dimensions"]
    for row in data["list"]:
        assert set(row) == {"dimensions", "metrics"}
        assert set(row["dimensions"]) == set(dims)
        assert set(row["metrics"]) == metrics
        for value in (*row["dimensions"].values(), *row["metrics"].values()):
            assert value is None or isinstance(value, (str, int, float)), value


@pytest.mark.parametrize(
    "time", ["stat_time_day", "stat_time_hour", None], ids=["daily", "hourly", "lifetime"]
)
@pytest.mark.parametrize("deleted", [False, True], ids=["", "include_deleted"])
def test_airbyte_basic_streams_are_answered(
    tiktok: Any, emulator: EmulatorServer, time: str | None, deleted: bool
) -> None:
    advertiser_id = emulator.advertiser_ids[0]
    streams = AIRBYTE_BASIC + (AIRBYTE_BASIC_CURRENT if time == "stat_time_day" else [])
    for _name, level, metrics, dims in streams:
        if time is None and dims:
            continue  # Airbyte has no lifetime stream by country
        params = _airbyte_basic(advertiser_id, level, metrics, dims, time=time, deleted=deleted)
        _assert_shape(_answer(tiktok, params), params)


@pytest.mark.parametrize("name,level,metrics,dims", AIRBYTE_AUDIENCE, ids=[s[0] for s in AIRBYTE_AUDIENCE])
def test_airbyte_audience_streams_are_answered(
    tiktok: Any, emulator: EmulatorServer, name: str, level: str, metrics: list[str], dims: list[str]
) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "service_type": "AUCTION",
        "report_type": "AUDIENCE",
        "data_level": level,
        "dimensions": [_LEVEL_ID[level], "stat_time_day", *dims],
        "metrics": metrics + AIRBYTE_AUDIENCE_BASE,
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
        "page": 1,
    }
    _assert_shape(_answer(tiktok, params), params)


def test_airbyte_audience_lifetime_stream_is_answered(tiktok: Any, emulator: EmulatorServer) -> None:
    """advertisers_audience_reports_lifetime sends ``lifetime=true`` (not v1.3's ``query_lifetime``) with a date
    range and no time dimension: TikTok answers it as a total over the range, by gender and age (Airbyte's
    recorded answer advertisers_audience_reports_lifetime.json: rows of advertiser_id, gender, age)."""
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "service_type": "AUCTION",
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_ADVERTISER",
        "dimensions": ["advertiser_id", "gender", "age"],
        "metrics": AIRBYTE_AUDIENCE_BASE,
        "start_date": "2024-01-01",
        "end_date": "2024-06-15",
        "lifetime": "true",
        "page_size": 1000,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    assert {row["dimensions"]["gender"] for row in data["list"]} <= {"MALE", "FEMALE", "NONE"}


_SINGER_STREAMS = [
    ("ad_insights", "BASIC", ["ad_id", "stat_time_day"], SINGER_AUCTION_FIELDS),
    (
        "ad_insights_by_age_and_gender",
        "AUDIENCE",
        ["ad_id", "age", "gender", "stat_time_day"],
        SINGER_AUDIENCE_FIELDS,
    ),
    (
        "ad_insights_by_country",
        "AUDIENCE",
        ["ad_id", "country_code", "stat_time_day"],
        SINGER_AUDIENCE_FIELDS,
    ),
    ("ad_insights_by_platform", "AUDIENCE", ["ad_id", "platform", "stat_time_day"], SINGER_AUDIENCE_FIELDS),
]


@pytest.mark.parametrize(
    "name,report_type,dims,metrics", _SINGER_STREAMS, ids=[s[0] for s in _SINGER_STREAMS]
)
def test_singer_insights_streams_are_answered(
    tiktok: Any, emulator: EmulatorServer, name: str, report_type: str, dims: list[str], metrics: list[str]
) -> None:
    """Singer sends its lists as indented multi-line JSON text and ``lifetime=false``, 30 dates per request."""
    pretty = "[\n" + ",\n".join(f'            "{d}"' for d in dims) + "\n        ]"
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "service_type": "AUCTION",
        "report_type": report_type,
        "data_level": "AUCTION_AD",
        "dimensions": pretty,
        "metrics": "[\n" + ",\n".join(f'    "{m}"' for m in metrics) + "\n]",
        "lifetime": "false",
        "start_date": START,
        "end_date": (dt.date.fromisoformat(START) + dt.timedelta(days=29)).isoformat(),
        "page_size": 1000,
        "page": 1,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, {**params, "dimensions": dims, "metrics": metrics})


#: What Airbyte found AUDIENCE reports refuse (PR #85820, unit_tests/test_conversion_metrics.py: "report_type=AUDIENCE
#: rejects these metrics; requesting one fails the whole call"): its Website / App / Shop legs and purchase metrics.
AUDIENCE_REFUSED = list(dict.fromkeys(_FUNNEL + _PURCHASE))


@pytest.mark.parametrize("metric", AUDIENCE_REFUSED)
def test_audience_reports_refuse_what_airbyte_found_refused(
    tiktok: Any, emulator: EmulatorServer, metric: str
) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day", "gender", "age"],
        "metrics": AIRBYTE_AUDIENCE_BASE + [metric],
        "start_date": START,
        "end_date": END,
    }
    body = tiktok.get(REPORT, **params).json()
    assert body["code"] == 40002, body
    assert f"Invalid metric fields: {[metric]!r}" in body["message"]
    # ... and the same metric in a BASIC report is answered
    _answer(tiktok, {**params, "report_type": "BASIC", "dimensions": ["ad_id", "stat_time_day"]})


# datapoints-hotelplus/get-ads-main lib/tiktok-ads.ts: a v1.3 dashboard whose comments record what TikTok answered
# live (2026-08/09), its exact requests replayed.
_HOTELPLUS_AUDIENCE = ["spend", "impressions", "reach", "video_play_actions", "likes"]
_HOTELPLUS_BONUS = [
    "engagements",
    "video_watched_2s",
    "video_watched_6s",
    "video_views_p50",
    "video_views_p100",
]


@pytest.mark.parametrize(
    "report_type,level,dims,metrics,dates",
    [
        # deduplicated reach over a range: no time dimension (the 365-day span)
        ("BASIC", "AUCTION_ADVERTISER", ["advertiser_id"], ["reach"], ("2024-01-01", "2024-06-15")),
        ("BASIC", "AUCTION_AD", ["ad_id"], ["reach"], ("2024-01-01", "2024-06-15")),
        # hourly by campaign, one date per request
        (
            "BASIC",
            "AUCTION_CAMPAIGN",
            ["campaign_id", "stat_time_hour"],
            ["campaign_name", "spend", "impressions", "video_play_actions", "likes", "comments", "shares"],
            (END, END),
        ),
        # reach and the video and engagement counts in AUDIENCE reports, "confirmed live"
        (
            "AUDIENCE",
            "AUCTION_AD",
            ["ad_id", "stat_time_day", "age"],
            _HOTELPLUS_AUDIENCE + _HOTELPLUS_BONUS,
            (START, END),
        ),
        (
            "AUDIENCE",
            "AUCTION_AD",
            ["ad_id", "stat_time_day", "province_id"],
            _HOTELPLUS_AUDIENCE,
            (START, END),
        ),
        # ... and as it sends them: without the level's id dimension (rows summed over the ads)
        (
            "AUDIENCE",
            "AUCTION_AD",
            ["stat_time_day", "age"],
            _HOTELPLUS_AUDIENCE + _HOTELPLUS_BONUS,
            (START, END),
        ),
        ("AUDIENCE", "AUCTION_AD", ["stat_time_day", "gender"], _HOTELPLUS_AUDIENCE, (START, END)),
        ("AUDIENCE", "AUCTION_AD", ["stat_time_day", "province_id"], _HOTELPLUS_AUDIENCE, (START, END)),
    ],
    ids=[
        "advertiser-reach",
        "ad-reach",
        "campaign-hourly",
        "audience-age-reach",
        "audience-province-reach",
        "age-no-id",
        "gender-no-id",
        "province-no-id",
    ],  # fmt: skip
)
def test_live_confirmed_requests_are_answered(
    tiktok: Any,
    emulator: EmulatorServer,
    report_type: str,
    level: str,
    dims: list[str],
    metrics: list[str],
    dates: tuple[str, str],
) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": report_type,
        "data_level": level,
        "dimensions": dims,
        "metrics": metrics,
        "start_date": dates[0],
        "end_date": dates[1],
        "page": 1,
        "page_size": 1000,
    }
    _assert_shape(_answer(tiktok, params), params)


def test_a_country_code_filter_is_refused_in_tiktoks_words(tiktok: Any, emulator: EmulatorServer) -> None:
    """The same dashboard: "Invalid value for filter field: country_code is not supported", on every request."""
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day", "province_id"],
        "metrics": _HOTELPLUS_AUDIENCE,
        "start_date": START,
        "end_date": END,
        "filtering": [{"field_name": "country_code", "filter_type": "IN", "filter_value": '["TH"]'}],
    }
    body = tiktok.get(REPORT, **params).json()
    assert body["code"] == 40002
    assert body["message"] == "Invalid value for filter field: country_code is not supported"


def test_an_audience_report_without_id_dimension_sums_the_levels_ids(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    """The dashboard's AUDIENCE report by stat_time_day and age alone: one row per day and age, the sums of the
    ad-level rows (deleted ads left out, as at AUCTION_AD), in TikTok's row shape."""
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_AD",
        "dimensions": ["stat_time_day", "age"],
        "metrics": ["spend", "impressions", "reach", "ctr"],
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
    }
    summed = _answer(tiktok, params)
    by_ad = _answer(tiktok, {**params, "dimensions": ["ad_id", "stat_time_day", "age"]})
    want: dict[tuple[str, str], list[int]] = {}
    for row in by_ad["list"]:
        key = (row["dimensions"]["stat_time_day"], row["dimensions"]["age"])
        got = want.setdefault(key, [0, 0])
        got[0] += round(float(row["metrics"]["spend"]) * 100)
        got[1] += int(row["metrics"]["impressions"])
    assert summed["page_info"]["total_number"] == len(want) == len(summed["list"])
    for row in summed["list"]:
        assert list(row["dimensions"]) == ["stat_time_day", "age"]
        key = (row["dimensions"]["stat_time_day"], row["dimensions"]["age"])
        assert [round(float(row["metrics"]["spend"]) * 100), int(row["metrics"]["impressions"])] == want[key]


def test_interest_categories_are_answered_as_range_totals(tiktok: Any, emulator: EmulatorServer) -> None:
    """The dashboard's interest report: AUDIENCE at AUCTION_AD by interest_category alone, over a date range; rows
    of 3-digit category ids. With a time dimension TikTok refuses it in these words."""
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "AUDIENCE",
        "data_level": "AUCTION_AD",
        "dimensions": ["interest_category"],
        "metrics": ["reach", "impressions"],
        "start_date": START,
        "end_date": END,
        "page": 1,
        "page_size": 1000,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    categories = [row["dimensions"]["interest_category"] for row in data["list"]]
    assert categories and all(len(c) == 3 and c.isdigit() for c in categories)
    # "reach consistently comes back 0 for this dimension"; impressions do not
    assert {row["metrics"]["reach"] for row in data["list"]} == {"0"}
    assert sum(int(row["metrics"]["impressions"]) for row in data["list"]) > 0
    body = tiktok.get(REPORT, **{**params, "dimensions": ["stat_time_day", "interest_category"]}).json()
    assert body["code"] == 40002
    assert body["message"] == "breakdown by time not supported for dimensions: ['interest_category']"


def test_airbytes_status_filter_text_is_answered_with_deleted_objects(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    """Airbyte's include_deleted filter, as its unit test (test_reports_hourly.py) pins the query string: a JSON
    list whose ``filter_value`` is itself JSON text. Deleted ads come back with it, and only with it."""
    sent = '[{"field_name": "ad_status", "filter_type": "IN", "filter_value": "[\\"STATUS_ALL\\"]"}]'
    assert json.loads(json.loads(sent)[0]["filter_value"]) == ["STATUS_ALL"]
    seen_deleted = False
    for advertiser_id in emulator.advertiser_ids:
        deleted = {
            a["ad_id"]
            for a in emulator.world.entities("ad", advertiser_id)
            if "DELETE" in a["secondary_status"]
        }
        params = _airbyte_basic(
            advertiser_id, "AUCTION_AD", AIRBYTE_AD, [], time="stat_time_day", deleted=False
        )
        plain = {row["dimensions"]["ad_id"] for row in _answer(tiktok, params)["list"]}
        every = {row["dimensions"]["ad_id"] for row in _answer(tiktok, {**params, "filtering": sent})["list"]}
        assert not plain & deleted and plain <= every
        seen_deleted |= bool(every & deleted)
    assert seen_deleted


#: A production sync (a Feishu export run every 2 hours, which fails on any non-zero code): BASIC at AUCTION_AD by
#: ad_id and stat_time_day, with TikTok Minis launch and in-app ad revenue metrics.
FEISHU_SYNC_METRICS = [
    "spend", "cpm", "ctr", "cpc", "impressions", "clicks", "conversion", "cost_per_conversion", "app_install",
    "cost_per_app_install", "cost_per_1000_reached", "gross_impressions", "engaged_view",
    "onsite_ad_impression_ad_revenue_roas", "onsite_unique_first_launch", "onsite_cost_per_unique_first_launch",
    "onsite_unique_non_first_launch", "onsite_cost_per_unique_non_first_launch", "onsite_launch_app_per_click",
    "onsite_total_non_first_launch", "onsite_cost_per_non_first_launch",
    "onsite_ad_impression_ad_revenue_calendar_day0", "onsite_ad_impression_ad_revenue_calendar_day6",
    "onsite_ad_impression_ad_revenue_calendar_day13", "onsite_ad_impression_ad_revenue_roas_calendar_day0",
    "onsite_ad_impression_ad_revenue_roas_calendar_day6", "onsite_ad_impression_ad_revenue_roas_calendar_day13",
]  # fmt: skip


def test_a_mini_game_sync_is_answered(tiktok: Any, emulator: EmulatorServer) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": FEISHU_SYNC_METRICS,
        "start_date": END,
        "end_date": END,
        "page_size": 1000,
        "page": 1,
        "multi_adv_report_in_utc_time": "false",
    }
    _assert_shape(_answer(tiktok, params), params)


#: PostHog's TikTok source (posthog/temporal/data_imports/sources/tiktok_ads/tables/registry.py): one metric list for its
#: campaign, ad group and ad reports, BASIC by the level's id and stat_time_day.
POSTHOG_METRICS = [
    "app_promotion_type", "average_video_play_per_user", "average_video_play", "billing_event", "campaign_budget",
    "campaign_dedicate_type", "campaign_name", "clicks_on_music_disc", "clicks", "comments", "conversion_rate_v2",
    "conversion_rate", "conversion", "cost_per_1000_reached", "cost_per_conversion", "cost_per_result",
    "cost_per_secondary_goal_result", "cpc", "cpm", "ctr", "currency", "follows", "frequency", "gross_impressions",
    "impressions", "likes", "profile_visits_rate", "profile_visits", "reach", "real_time_conversion_rate_v2",
    "real_time_conversion_rate", "real_time_conversion", "real_time_cost_per_conversion", "real_time_cost_per_result",
    "real_time_result_rate", "real_time_result", "result_rate", "result", "secondary_goal_result_rate",
    "secondary_goal_result", "shares", "spend", "split_test", "video_play_actions", "video_views_p100",
    "video_views_p25", "video_views_p50", "video_views_p75", "video_watched_2s", "video_watched_6s",
]  # fmt: skip


@pytest.mark.parametrize("level", ["AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"])
def test_posthogs_reports_are_answered(tiktok: Any, emulator: EmulatorServer, level: str) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "service_type": "AUCTION",
        "report_type": "BASIC",
        "data_level": level,
        "dimensions": [_LEVEL_ID[level], "stat_time_day"],
        "metrics": POSTHOG_METRICS,
        "page_size": 1000,
        "start_date": START,
        "end_date": (
            dt.date.fromisoformat(START) + dt.timedelta(days=28)
        ).isoformat(),  # MAX_TIKTOK_DAYS_TO_QUERY
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    if level == "AUCTION_CAMPAIGN":
        assert {row["metrics"]["billing_event"] for row in data["list"]} == {"-"}


#: Apache DevLake's tiktokAds plugin (presence-io/incubator-devlake backend/plugins/tiktokAds/tasks/
#: report_collector.go): one metric list per level, with TikTok's ad-group attribute metrics (pricing_category,
#: aeo_type ...) at AUCTION_ADGROUP and AUCTION_AD.
_DEVLAKE_BASE = [
    "spend", "cpc", "cpm", "impressions", "gross_impressions", "clicks", "ctr", "reach", "cost_per_1000_reached",
    "conversion", "cost_per_conversion", "conversion_rate", "real_time_conversion", "real_time_cost_per_conversion",
    "real_time_conversion_rate", *_RESULTS[4:], *_SECONDARY, "frequency", "currency", "campaign_name",
]  # fmt: skip
_DEVLAKE_CAMPAIGN = [
    "objective_type",
    "split_test",
    "campaign_budget",
    "campaign_dedicate_type",
    "app_promotion_type",
]
_DEVLAKE_ADGROUP = [
    "adgroup_name", "placement_type", "promotion_type", "opt_status", "dpa_target_audience_type", "budget",
    "smart_target", "pricing_category", "bid_strategy", "bid", "aeo_type", "tt_app_id", "tt_app_name", "mobile_app_id",
]  # fmt: skip
_DEVLAKE_DOWNLOADS = ["onsite_download_start", "cost_per_onsite_download_start", "onsite_download_start_rate"]
DEVLAKE_METRICS = {
    "AUCTION_CAMPAIGN": _DEVLAKE_BASE + _DEVLAKE_CAMPAIGN + _DEVLAKE_DOWNLOADS,
    "AUCTION_ADGROUP": _DEVLAKE_BASE
    + ["campaign_id"]
    + _DEVLAKE_CAMPAIGN
    + _DEVLAKE_ADGROUP
    + _DEVLAKE_DOWNLOADS,
    "AUCTION_AD": _DEVLAKE_BASE
    + ["campaign_id"]
    + _DEVLAKE_CAMPAIGN
    + _DEVLAKE_ADGROUP[:1]
    + ["adgroup_id"]
    + _DEVLAKE_ADGROUP[1:11]
    + ["ad_name", "ad_text", "call_to_action"]
    + _DEVLAKE_ADGROUP[11:]
    + ["image_mode"]
    + _DEVLAKE_DOWNLOADS,
}
#: A TikTok MCP report tool's attribute lists (ADGROUP_ATTR_METRICS / AD_ATTR_METRICS / REPORT_ATTRIBUTE_METRICS)
#: and TikTok's attribute list with its documented levels (bububa/tiktok-business model/report/metrics.go).
MCP_ATTRIBUTES = {
    "AUCTION_CAMPAIGN": ["advertiser_name", "campaign_automation_type", "campaign_name", "objective_type"],
    "AUCTION_ADGROUP": [
        "campaign_id", "campaign_name", "campaign_automation_type", "adgroup_name", "promotion_type", "billing_event",
        "placement_type", "adgroup_download_url", "profile_image", "bid_secondary_goal", "is_aco",
    ],
    "AUCTION_AD": [
        "campaign_id", "campaign_name", "campaign_automation_type", "adgroup_id", "adgroup_name", "ad_name", "ad_text",
        "ad_url", "adgroup_download_url", "objective_type", "promotion_type", "tt_app_name", "mobile_app_id",
        "call_to_action", "ad_profile_image", "is_smart_creative", "advertiser_name",
    ],
}  # fmt: skip


@pytest.mark.parametrize("level", ["AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"])
@pytest.mark.parametrize("source", ["devlake", "mcp"])
def test_attribute_metrics_tiktok_documents_are_answered(
    tiktok: Any, emulator: EmulatorServer, level: str, source: str
) -> None:
    metrics = DEVLAKE_METRICS[level] if source == "devlake" else MCP_ATTRIBUTES[level] + ["spend"]
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "service_type": "AUCTION",
        "report_type": "BASIC",
        "data_level": level,
        "dimensions": [_LEVEL_ID[level], "stat_time_day"],
        "metrics": metrics,
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
        "page": 1,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    rows = [row["metrics"] for row in data["list"]]
    if "campaign_automation_type" in metrics:
        assert {r["campaign_automation_type"] for r in rows} == {"MANUAL"}  # Smart+ campaigns are not here
    if "ad_url" in metrics:
        assert all(r["ad_url"].startswith("https://") for r in rows)
    if "pricing_category" in metrics:  # the deprecated name of the billing event, an ad group's setting
        assert all(r["pricing_category"] not in ("", "-") for r in rows)


@pytest.mark.parametrize(
    "metric,level",
    [
        ("ad_url", "AUCTION_ADGROUP"),
        ("aeo_type", "AUCTION_CAMPAIGN"),
        ("campaign_automation_type", "AUCTION_ADVERTISER"),
    ],
)
def test_attribute_metrics_are_refused_above_their_level(
    tiktok: Any, emulator: EmulatorServer, metric: str, level: str
) -> None:
    """The documented levels: ad_url is an ad's, aeo_type an ad group's, campaign_automation_type a campaign's."""
    body = _daily_basic(tiktok, emulator, level, ["spend", metric]).json()
    assert body["code"] == 40002
    assert f"Invalid metric fields: {[metric]!r}" in body["message"]


def _daily_basic(tiktok: Any, emulator: EmulatorServer, level: str, metrics: list[str]) -> Any:
    """The HTTP answer to a daily BASIC report of the first advertiser at ``level`` by its id."""
    return tiktok.get(
        REPORT,
        advertiser_id=emulator.advertiser_ids[0],
        report_type="BASIC",
        data_level=level,
        dimensions=[_LEVEL_ID[level], "stat_time_day"],
        metrics=metrics,
        start_date=START,
        end_date=END,
        page_size=1000,
    )


def test_earned_and_organic_counts_are_answered(tiktok: Any, emulator: EmulatorServer) -> None:
    """TikTok's engagement list (bububa/tiktok-business model/report/metrics.go): organic and earned page views."""
    metrics = [
        "organic_video_views",
        "earned_page_video_views",
        "earned_page_video_views_p100",
        "earned_page_clicks",
    ]
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": metrics,
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    for row in data["list"]:
        assert all(int(row["metrics"][name]) >= 0 for name in metrics)  # counts, as strings


#: OWOX js-data-connectors TikTokAds Source.js getDimensionsForDataLevel: AUCTION_ADVERTISER by stat_time_day alone
#: (and many single-account dashboards send the same request); TikTok's docs name that grouping ("one ID dimension
#: and/or stat_time_day", bububa/tiktok-business model/report/integrated_get.go).
OWOX_METRICS = [
    "spend", "cpc", "cpm", "cost_per_conversion", "cost_per_1000_reached", "impressions", "clicks", "ctr", "reach",
    "frequency", "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75", "video_views_p100",
    "profile_visits", "profile_visits_rate", "likes", "comments", "shares", "follows", "conversion", "conversion_rate",
]  # fmt: skip


def test_a_basic_report_by_day_alone_is_the_advertisers_rows(tiktok: Any, emulator: EmulatorServer) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_ADVERTISER",
        "dimensions": ["stat_time_day"],
        "metrics": OWOX_METRICS,
        "start_date": START,
        "end_date": END,
        "page": 1,
        "page_size": 100,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    by_id = _answer(tiktok, {**params, "dimensions": ["advertiser_id", "stat_time_day"]})
    want = {r["dimensions"]["stat_time_day"]: r["metrics"] for r in by_id["list"]}
    got = {r["dimensions"]["stat_time_day"]: r["metrics"] for r in data["list"]}
    assert set(got) == set(want) and got
    for day, metrics in got.items():  # one advertiser: its one id's figures, costs included
        assert {k: str(v) for k, v in metrics.items()} == {k: str(v) for k, v in want[day].items()}, day


def test_a_basic_report_by_day_alone_sums_a_levels_ids(tiktok: Any, emulator: EmulatorServer) -> None:
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_CAMPAIGN",
        "dimensions": ["stat_time_day"],
        "metrics": ["spend", "impressions", "clicks"],
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
    }
    data = _answer(tiktok, params)
    by_id = _answer(tiktok, {**params, "dimensions": ["campaign_id", "stat_time_day"]})
    want: dict[str, list[int]] = {}
    for row in by_id["list"]:
        got = want.setdefault(row["dimensions"]["stat_time_day"], [0, 0])
        got[0] += round(float(row["metrics"]["spend"]) * 100)
        got[1] += int(row["metrics"]["impressions"])
    assert {
        r["dimensions"]["stat_time_day"]: [
            round(float(r["metrics"]["spend"]) * 100),
            int(r["metrics"]["impressions"]),
        ]
        for r in data["list"]
    } == want
    # the daily span still holds: 31 dates are refused in TikTok's words
    body = tiktok.get(REPORT, **{**params, "end_date": "2024-06-15"}).json()
    assert (body["code"], body["message"]) == (40002, "max time span is 30 days when use stat_time_day")


def test_aco_flags_are_json_booleans(tiktok: Any, emulator: EmulatorServer) -> None:
    """is_aco (ad group) and is_smart_creative (ad) are booleans in TikTok's attribute list (bububa/tiktok-business
    model/report/metrics.go): scripted, JSON true/false in the raw text of the answer; by default the documented
    strings."""
    for level, name, scripted in (
        ("AUCTION_ADGROUP", "is_aco", True),
        ("AUCTION_AD", "is_smart_creative", True),
        ("AUCTION_AD", "is_smart_creative", False),
    ):
        emulator.world.report_engine.json_booleans = scripted
        answer = _daily_basic(tiktok, emulator, level, ["spend", name])
        rows = answer.json()["data"]["list"]
        assert rows and {type(row["metrics"][name]) for row in rows} == {bool if scripted else str}
        assert (f'"{name}":false' in answer.text.replace(" ", "")) is scripted


@pytest.mark.parametrize(
    "report_type,dims",
    [
        ("BASIC", ["ad_id", "stat_time_day", "custom_event_type"]),
        ("BASIC", ["ad_id_v2", "stat_time_day"]),
        ("AUDIENCE", ["ad_id", "stat_time_day", "dma_id"]),
        ("AUDIENCE", ["campaign_id", "stat_time_day", "interest_category_v2"]),
    ],
)
def test_dimensions_tiktok_has_but_the_emulator_does_not_model_say_so(
    tiktok: Any, emulator: EmulatorServer, report_type: str, dims: list[str]
) -> None:
    """bububa/tiktok-business model/report/dimensions.go and Fivetran's custom report dimensions name them: the
    emulator does not pretend TikTok refuses them."""
    body = tiktok.get(
        REPORT,
        advertiser_id=emulator.advertiser_ids[0],
        report_type=report_type,
        data_level="AUCTION_CAMPAIGN" if dims[0] == "campaign_id" else "AUCTION_AD",
        dimensions=dims,
        metrics=["spend"],
        start_date=START,
        end_date=END,
    ).json()
    assert body["code"] == 40002
    unmodelled = [d for d in dims if d not in ("ad_id", "campaign_id", "stat_time_day")]
    assert body["message"] == f"dimensions: {unmodelled} are TikTok dimensions this emulator does not model."


def test_the_renamed_content_view_metric_is_answered_equal_to_its_old_name(
    tiktok: Any, emulator: EmulatorServer
) -> None:
    """Airbyte (unit_tests/test_conversion_metrics.py): page_content_view_events and product_details_page_browse
    "are the same event. They return identical values"; so do their cost, rate and value variants."""
    pairs = {
        "product_details_page_browse": "page_content_view_events",
        "cost_per_product_details_page_browse": "cost_per_page_content_view_event",
        "product_details_page_browse_rate": "page_content_view_event_rate",
        "total_product_details_page_browse_value": "total_page_view_content_events_value",
        "value_per_product_details_page_browse": "value_per_page_content_view_event",
    }
    params = {
        "advertiser_id": emulator.advertiser_ids[0],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": [*pairs, *pairs.values()],
        "start_date": START,
        "end_date": END,
        "page_size": 1000,
    }
    data = _answer(tiktok, params)
    _assert_shape(data, params)
    assert any(int(row["metrics"]["product_details_page_browse"]) for row in data["list"])
    for row in data["list"]:
        assert {new: row["metrics"][new] for new in pairs} == {
            new: row["metrics"][old] for new, old in pairs.items()
        }
    # BASIC-only, as its twin (test_audience_reports_refuse_what_airbyte_found_refused)
    body = tiktok.get(
        REPORT, **{**params, "report_type": "AUDIENCE", "dimensions": ["ad_id", "stat_time_day", "age"]}
    ).json()
    assert body["code"] == 40002 and "product_details_page_browse" in body["message"]

"""``report/integrated/get/`` rules of the emulator over HTTP: validation (40002), filters, paging, 40067.

Consistency sums and restatement are the model's tests; here we check what the API layer accepts, refuses and
how it pages.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from support import basic_report_query

from tiktok_ads.emulator import EmulatorServer

REPORT = "report/integrated/get/"
CONFLICT = "Conflict occurs. The input params including metrics and dimensions have no relation."
STATUS_ALL = [{"field_name": "ad_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}]


def base(advertiser_id: str, **over: Any) -> dict[str, Any]:
    """A valid ad-level daily BASIC query, with overrides (None leaves a field out)."""
    ad_daily = {
        "advertiser_id": advertiser_id,
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "start_date": "2024-05-20",
        "end_date": "2024-06-14",
    }
    return basic_report_query(**{**ad_daily, **over})


#: each BASIC data level's own id dimension
LEVEL_ID = {
    "AUCTION_ADVERTISER": "advertiser_id",
    "AUCTION_CAMPAIGN": "campaign_id",
    "AUCTION_ADGROUP": "adgroup_id",
    "AUCTION_AD": "ad_id",
}


def by_level_id(advertiser_id: str, level: str, **over: Any) -> dict[str, Any]:
    """:func:`base` at ``level``, by that level's id alone (no time dimension)."""
    return base(advertiser_id, data_level=level, dimensions=[LEVEL_ID[level]], **over)


def rows(tiktok: Any, **params: Any) -> list[dict[str, Any]]:
    """Every row of a report, page by page."""
    out, page = [], 1
    while True:
        data = tiktok.data(REPORT, **{**params, "page": page})
        out.extend(data["list"])
        if page >= data["page_info"]["total_page"]:
            return out
        page += 1


def error(tiktok: Any, **params: Any) -> str:
    """Assert a 40002 answer and return its message."""
    body = tiktok.get(REPORT, **params).json()
    assert body["code"] == 40002, body
    assert body["data"] == {}
    return str(body["message"])


def adv_with_deleted_ads(emulator: EmulatorServer) -> str:
    """An advertiser with deleted ads that delivered in the test window."""
    for advertiser_id in emulator.advertiser_ids:
        if any("DELETE" in a["secondary_status"] for a in emulator.world.entities("ad", advertiser_id)):
            return advertiser_id
    raise AssertionError("the test world must contain deleted ads")


# ---------------------------------------------------------------------------------------------- success shape


def test_basic_report_shape(tiktok: Any, emulator: EmulatorServer) -> None:
    advertiser_id = emulator.advertiser_ids[0]
    data = tiktok.data(
        REPORT, **base(advertiser_id, metrics=["spend", "impressions", "ctr", "ad_name", "campaign_id"])
    )
    assert set(data) == {"list", "page_info"}
    assert data["list"], "the first advertiser delivers in the window"
    for row in data["list"]:
        assert set(row) == {"dimensions", "metrics"}
        assert set(row["dimensions"]) == {"ad_id", "stat_time_day"}
        assert row["dimensions"]["stat_time_day"].endswith(" 00:00:00")
        assert set(row["metrics"]) == {"spend", "impressions", "ctr", "ad_name", "campaign_id"}
        assert all(isinstance(v, str) for v in row["metrics"].values())


def test_default_metrics_are_spend_and_impressions(tiktok: Any, emulator: EmulatorServer) -> None:
    data = tiktok.data(REPORT, **base(emulator.advertiser_ids[0], metrics=None))
    assert data["list"] and all(set(r["metrics"]) == {"spend", "impressions"} for r in data["list"])


@pytest.mark.parametrize(
    ("level", "dims"),
    [
        ("AUCTION_ADVERTISER", ["advertiser_id", "stat_time_day"]),
        ("AUCTION_CAMPAIGN", ["campaign_id", "stat_time_day"]),
        ("AUCTION_ADGROUP", ["stat_time_day", "adgroup_id"]),
        ("AUCTION_AD", ["ad_id"]),
        ("AUCTION_AD", ["ad_id", "stat_time_day", "country_code"]),
    ],
)
def test_basic_levels_and_dimensions_accepted(
    tiktok: Any, emulator: EmulatorServer, level: str, dims: list[str]
) -> None:
    data = tiktok.data(REPORT, **base(emulator.advertiser_ids[0], data_level=level, dimensions=dims))
    assert data["list"] and all(set(r["dimensions"]) == set(dims) for r in data["list"])


def test_hourly_report(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(
        emulator.advertiser_ids[0],
        dimensions=["ad_id", "stat_time_hour"],
        start_date="2024-06-10",
        end_date="2024-06-10",
    )
    data = tiktok.data(REPORT, **params)
    hours = {r["dimensions"]["stat_time_hour"] for r in data["list"]}
    assert hours and all(h.startswith("2024-06-10 ") and h.endswith(":00:00") for h in hours)


@pytest.mark.parametrize(
    "audience",
    [["gender", "age"], ["country_code"], ["platform"], ["province_id"], ["language"], ["placement"], ["ac"]],
)
def test_audience_combinations_accepted(tiktok: Any, emulator: EmulatorServer, audience: list[str]) -> None:
    params = base(
        emulator.advertiser_ids[0],
        report_type="AUDIENCE",
        dimensions=["ad_id", "stat_time_day", *audience],
        start_date="2024-06-01",
        end_date="2024-06-07",
    )
    data = tiktok.data(REPORT, **params)
    assert data["list"] and all(
        set(r["dimensions"]) == {"ad_id", "stat_time_day", *audience} for r in data["list"]
    )


def test_lifetime_report_without_dates(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(
        emulator.advertiser_ids[0],
        dimensions=["ad_id"],
        start_date=None,
        end_date=None,
        query_lifetime="true",
    )
    data = tiktok.data(REPORT, **params)
    assert data["list"] and all(set(r["dimensions"]) == {"ad_id"} for r in data["list"])
    # the official SDK sends Python booleans ("True")
    assert tiktok.data(REPORT, **{**params, "query_lifetime": "True"}) == data


def test_lifetime_audience_report_splits_the_lifetime_figures(tiktok: Any, emulator: EmulatorServer) -> None:
    """A lifetime AUDIENCE report (Airbyte's advertisers_audience_reports_lifetime): rows by age and gender,
    "NONE" among them, no day, whose spend adds up to the lifetime BASIC report's."""
    advertiser_id = emulator.advertiser_ids[0]
    life = {"start_date": None, "end_date": None, "query_lifetime": True, "metrics": ["spend", "impressions"]}
    for level, id_dim in (("AUCTION_ADVERTISER", "advertiser_id"), ("AUCTION_AD", "ad_id")):
        split = rows(
            tiktok,
            **base(
                advertiser_id,
                report_type="AUDIENCE",
                data_level=level,
                dimensions=[id_dim, "age", "gender"],
                **life,
            ),
        )
        whole = rows(tiktok, **base(advertiser_id, data_level=level, dimensions=[id_dim], **life))
        assert split and all(set(r["dimensions"]) == {id_dim, "age", "gender"} for r in split)
        assert "NONE" in {r["dimensions"]["age"] for r in split}
        for key in ("spend", "impressions"):
            total = sum(Decimal(str(r["metrics"][key])) for r in split)
            assert total == sum(Decimal(str(r["metrics"][key])) for r in whole), (level, key)


# ---------------------------------------------------------------------------------------------- 40002 rules


def test_unknown_metric_message_like_tiktok(tiktok: Any, emulator: EmulatorServer) -> None:
    message = error(tiktok, **base(emulator.advertiser_ids[0], metrics=["spend", "placement", "bogus"]))
    # TikTok's wording, trailing space included (airbytehq/airbyte#11375, PostHog/posthog#42830)
    assert message == (
        "Please correct the information in invalid metric fields and try again. "
        "Invalid metric fields: ['placement', 'bogus']. "
    )


@pytest.mark.parametrize(
    ("level", "metric"),
    [
        ("AUCTION_CAMPAIGN", "adgroup_id"),
        ("AUCTION_ADVERTISER", "campaign_name"),
        ("AUCTION_AD", "cash_spend"),
    ],
)
def test_metric_not_allowed_at_level(tiktok: Any, emulator: EmulatorServer, level: str, metric: str) -> None:
    message = error(tiktok, **by_level_id(emulator.advertiser_ids[0], level, metrics=["spend", metric]))
    # the same wording as for unknown metrics: TikTok names the metric, not the reason
    assert message.endswith(f"Invalid metric fields: ['{metric}']. ")


@pytest.mark.parametrize(
    "metric", ["complete_payment", "onsite_shopping", "secondary_goal_result", "app_install"]
)
def test_non_audience_metrics_refused_in_audience(tiktok: Any, emulator: EmulatorServer, metric: str) -> None:
    params = base(
        emulator.advertiser_ids[0],
        report_type="AUDIENCE",
        dimensions=["ad_id", "stat_time_day", "age"],
        metrics=["spend", metric],
    )
    message = error(tiktok, **params)
    assert message.endswith(f"Invalid metric fields: ['{metric}']. ")
    assert (
        tiktok.get(
            REPORT, **{**params, "report_type": "BASIC", "dimensions": ["ad_id", "stat_time_day"]}
        ).json()["code"]
        == 0
    )


@pytest.mark.parametrize(
    ("level", "dims", "fragment"),
    [
        ("AUCTION_AD", ["ad_id", "bogus_dim"], "bogus_dim"),
        (
            "AUCTION_AD",
            ["campaign_id", "stat_time_day"],
            "dimension campaign_id does not match data_level AUCTION_AD",
        ),
        ("AUCTION_AD", ["ad_id", "adgroup_id"], "dimension adgroup_id does not match data_level AUCTION_AD"),
        ("AUCTION_ADGROUP", ["campaign_id", "adgroup_id", "stat_time_day"], "campaign_id does not match"),
        ("AUCTION_AD", ["ad_id", "stat_time_day", "stat_time_hour"], "time dimension"),
        ("AUCTION_AD", ["ad_id", "stat_time_day", "age"], "age"),
        ("AUCTION_AD", [], "dimensions"),
    ],
)
def test_basic_dimension_rules(
    tiktok: Any, emulator: EmulatorServer, level: str, dims: list[str], fragment: str
) -> None:
    message = error(tiktok, **base(emulator.advertiser_ids[0], data_level=level, dimensions=dims))
    assert fragment in message


def test_stat_time_hour_in_audience_is_the_conflict_error(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(
        emulator.advertiser_ids[0],
        report_type="AUDIENCE",
        dimensions=["ad_id", "stat_time_hour", "gender"],
        start_date="2024-06-10",
        end_date="2024-06-10",
    )
    assert error(tiktok, **params) == CONFLICT


@pytest.mark.parametrize("audience", [["age", "country_code"], ["platform", "gender"], []])
def test_audience_combination_refused(tiktok: Any, emulator: EmulatorServer, audience: list[str]) -> None:
    params = base(
        emulator.advertiser_ids[0], report_type="AUDIENCE", dimensions=["ad_id", "stat_time_day", *audience]
    )
    assert error(tiktok, **params).startswith(CONFLICT)


@pytest.mark.parametrize(
    ("report_type", "dims"),
    [
        ("BASIC", ["ad_id", "stat_time_day"]),
        ("BASIC", ["ad_id", "stat_time_hour"]),
        ("BASIC", ["ad_id", "country_code"]),
        ("AUDIENCE", ["ad_id", "stat_time_day", "gender"]),
    ],
)
def test_lifetime_refused_with_time_or_basic_breakdown(
    tiktok: Any, emulator: EmulatorServer, report_type: str, dims: list[str]
) -> None:
    params = base(emulator.advertiser_ids[0], report_type=report_type, dimensions=dims, query_lifetime=True)
    assert "query_lifetime" in error(tiktok, **params)


@pytest.mark.parametrize(
    ("over", "fragment"),
    [
        ({"start_date": None}, "start_date"),
        ({"end_date": None}, "end_date"),
        ({"start_date": "2024/06/01"}, "start_date"),
        ({"end_date": "2024-6-1"}, "end_date"),
        ({"start_date": "2024-06-10", "end_date": "2024-06-09"}, "end_date"),
        ({"report_type": "SOMETHING"}, "report_type"),
        ({"report_type": None}, "report_type"),
        ({"data_level": "AUCTION_CREATIVE"}, "data_level"),
        ({"service_type": "BOGUS"}, "service_type"),
        ({"page_size": 1001}, "page_size"),
        ({"page": 0}, "page"),
        ({"metrics": "spend"}, "metrics"),
        ({"dimensions": '["ad_id",'}, "dimensions"),
        ({"query_lifetime": "maybe"}, "query_lifetime"),
        ({"filtering": {"field_name": "ad_status"}}, "filtering"),
        ({"advertiser_id": None}, "advertiser_id"),
    ],
)
def test_parameter_errors(tiktok: Any, emulator: EmulatorServer, over: dict[str, Any], fragment: str) -> None:
    params = base(emulator.advertiser_ids[0])
    params.update(over)
    assert fragment in error(tiktok, **{k: v for k, v in params.items() if v is not None})


@pytest.mark.parametrize(
    ("dims", "ok_days", "message"),
    [
        (["ad_id", "stat_time_day"], 30, "max time span is 30 days when use stat_time_day"),
        # TikTok's own answer to 2024-01-01..2024-01-02 hourly (airbyte source-tiktok-marketing,
        # components/hourly_datetime_based_cursor.py): the span counts dates, not end - start
        (["ad_id", "stat_time_hour"], 1, "max time span is 1 day when use stat_time_hour"),
        (["ad_id"], 365, "max time span is 365 days"),
    ],
)
def test_date_span_limits(
    tiktok: Any, emulator: EmulatorServer, dims: list[str], ok_days: int, message: str
) -> None:
    end = dt.date(2024, 6, 14)
    start_ok = end - dt.timedelta(days=ok_days - 1)
    ok = base(
        emulator.advertiser_ids[0], dimensions=dims, start_date=start_ok.isoformat(), end_date=end.isoformat()
    )
    assert tiktok.get(REPORT, **ok).json()["code"] == 0
    # one date more: for daily reports the 31-date window of start + 30 days (ingestr's find_intervals)
    too_long = {**ok, "start_date": (start_ok - dt.timedelta(days=1)).isoformat()}
    assert error(tiktok, **too_long) == message


def test_service_type_accepted(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(emulator.advertiser_ids[0])
    assert tiktok.data(REPORT, **{**params, "service_type": "AUCTION"}) == tiktok.data(REPORT, **params)


# ---------------------------------------------------------------------------------------------- filters


def test_status_filter_includes_deleted(tiktok: Any, emulator: EmulatorServer) -> None:
    advertiser_id = adv_with_deleted_ads(emulator)
    params = base(advertiser_id, dimensions=["ad_id"], start_date="2024-01-01", end_date="2024-06-14")
    default = {r["dimensions"]["ad_id"] for r in rows(tiktok, **params)}
    everything = {r["dimensions"]["ad_id"] for r in rows(tiktok, **params, filtering=STATUS_ALL)}
    deleted = {
        a["ad_id"] for a in emulator.world.entities("ad", advertiser_id) if "DELETE" in a["secondary_status"]
    }
    assert default < everything
    assert everything - default <= deleted and not default & deleted
    # filter_value as an actual list works the same; STATUS_NOT_DELETE is the default
    as_list = [{"field_name": "ad_status", "filter_type": "IN", "filter_value": ["STATUS_ALL"]}]
    assert {r["dimensions"]["ad_id"] for r in rows(tiktok, **params, filtering=as_list)} == everything
    not_deleted = [{"field_name": "ad_status", "filter_type": "IN", "filter_value": '["STATUS_NOT_DELETE"]'}]
    assert {r["dimensions"]["ad_id"] for r in rows(tiktok, **params, filtering=not_deleted)} == default


def test_v12_filters_param_is_silently_ignored(tiktok: Any, emulator: EmulatorServer) -> None:
    advertiser_id = adv_with_deleted_ads(emulator)
    params = base(advertiser_id, dimensions=["ad_id"], start_date="2024-01-01", end_date="2024-06-14")
    with_old_name = tiktok.data(REPORT, **params, filters=STATUS_ALL, lifetime="true", unknown_param="1")
    assert with_old_name == tiktok.data(REPORT, **params)
    assert with_old_name != tiktok.data(REPORT, **params, filtering=STATUS_ALL)


@pytest.mark.parametrize(
    ("level", "field"),
    [
        ("AUCTION_AD", "campaign_status"),
        ("AUCTION_ADGROUP", "ad_status"),
        ("AUCTION_CAMPAIGN", "adgroup_status"),
        ("AUCTION_ADVERTISER", "campaign_status"),
    ],
)
def test_status_field_of_another_level_is_40002(
    tiktok: Any, emulator: EmulatorServer, level: str, field: str
) -> None:
    filtering = [{"field_name": field, "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}]
    params = by_level_id(emulator.advertiser_ids[0], level, filtering=filtering)
    assert field in error(tiktok, **params)


def test_id_filters_in_reports(tiktok: Any, emulator: EmulatorServer) -> None:
    advertiser_id = emulator.advertiser_ids[0]
    params = base(
        advertiser_id,
        dimensions=["ad_id"],
        start_date="2024-01-01",
        end_date="2024-06-14",
        metrics=["spend", "campaign_id", "adgroup_id"],
    )
    everything = rows(tiktok, **params)
    campaign_id = everything[0]["metrics"]["campaign_id"]
    only = [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": json.dumps([campaign_id])}]
    filtered = rows(tiktok, **params, filtering=only)
    assert filtered == [r for r in everything if r["metrics"]["campaign_id"] == campaign_id]
    assert 0 < len(filtered) < len(everything)
    ad_id = everything[-1]["dimensions"]["ad_id"]
    one_ad = [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": json.dumps([ad_id])}]
    assert rows(tiktok, **params, filtering=one_ad) == [everything[-1]]
    too_many = [
        {
            "field_name": "ad_ids",
            "filter_type": "IN",
            "filter_value": json.dumps([str(i) for i in range(101)]),
        }
    ]
    assert "ad_ids" in error(tiktok, **params, filtering=too_many)


def test_filtering_must_be_a_list_of_filters(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(emulator.advertiser_ids[0])
    assert "filtering" in error(tiktok, **params, filtering={"ad_status": "STATUS_ALL"})
    assert "filtering" in error(tiktok, **params, filtering="[{")
    bad_type = [{"field_name": "ad_status", "filter_type": "GREATER_THAN", "filter_value": "1"}]
    assert "filter_type" in error(tiktok, **params, filtering=bad_type)


# ---------------------------------------------------------------------------------------------- paging, 40067


def test_report_paging_concatenates(tiktok: Any, emulator: EmulatorServer) -> None:
    params = base(emulator.advertiser_ids[1], metrics=["spend", "impressions", "ad_name"])
    full = tiktok.data(REPORT, **params)
    total = full["page_info"]["total_number"]
    assert total == len(full["list"]) > 7
    pages, page = [], 1
    while True:
        data = tiktok.data(REPORT, **{**params, "page_size": 7, "page": page})
        assert data["page_info"] == {
            "page": page,
            "page_size": 7,
            "total_number": total,
            "total_page": -(-total // 7),
        }
        pages.append(data["list"])
        if page >= data["page_info"]["total_page"]:
            break
        page += 1
    assert [r for p in pages for r in p] == full["list"]
    assert len(pages[-1]) == total - 7 * (len(pages) - 1)
    beyond = tiktok.data(REPORT, **{**params, "page_size": 7, "page": page + 1})
    assert beyond["list"] == [] and beyond["page_info"]["total_number"] == total


def test_query_too_large_is_40067(emulator_factory: Any, tiktok_for: Any) -> None:
    server = emulator_factory(max_report_cells=50)
    call = tiktok_for(server)
    params = base(server.advertiser_ids[0], metrics=["spend", "impressions"])
    body = call.get(REPORT, **params).json()
    assert body["code"] == 40067 and body["data"] == {}
    assert body["message"] == (
        "Your query is too large, please reduce the query size (e.g. fewer metrics or time range) and retry after a while."
    )
    small = call.get(REPORT, **{**params, "start_date": "2024-06-14"}).json()
    assert small["code"] == 0

"""Row typing (tiktok_ads.endpoints.transform) and the table registry (tiktok_ads.tables.registry)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiktok_ads.endpoints.transform import (
    flatten_report_row,
    to_decimal,
    to_int,
    to_stat_day,
    to_timestamp,
    transform_advertiser_row,
    transform_entity_rows,
    transform_report_rows,
)
from tiktok_ads.errors import TikTokBadResponseError
from tiktok_ads.tables.columns import AUDIENCE_FORBIDDEN_METRICS, METRIC_TYPES
from tiktok_ads.tables.records import TableSpec
from tiktok_ads.tables.registry import DEFAULT_TABLES, TABLES

ADV = "7002238017842757633"
UTC = dt.timezone.utc

# ------------------------------------------------------------------------------------------ the registry

EXPECTED_KEYS = {
    "advertisers": (("advertiser_id", "create_time"), "create_time"),
    "campaigns": (("advertiser_id", "campaign_id", "modify_time"), "modify_time"),
    "adgroups": (("adgroup_id", "advertiser_id", "campaign_id", "modify_time"), "modify_time"),
    "ads": (("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "modify_time"), "modify_time"),
    "ad_insights": (
        ("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "stat_time_day"),
        "stat_time_day",
    ),
    "ad_insights_by_age_and_gender": (
        ("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "stat_time_day", "age", "gender"),
        "stat_time_day",
    ),
    "ad_insights_by_country": (
        ("ad_id", "adgroup_id", "advertiser_id", "campaign_id", "stat_time_day", "country_code"),
        "stat_time_day",
    ),
    "ad_insights_by_platform": (
        ("ad_id", "adgroup_id", "campaign_id", "platform", "stat_time_day"),
        "stat_time_day",
    ),
    "campaign_insights_by_province": (
        ("advertiser_id", "campaign_id", "province_id", "stat_time_day"),
        "stat_time_day",
    ),
}


def test_nine_tables_with_the_seed_connectors_keys_and_cursors() -> None:
    assert list(DEFAULT_TABLES) == list(EXPECTED_KEYS)
    for name, (key, cursor) in EXPECTED_KEYS.items():
        spec = TABLES[name]
        assert spec.name == name
        assert spec.primary_key == key, name
        assert spec.cursor == cursor, name
        assert set(key) <= set(spec.columns), name
        assert "advertiser_id" in spec.columns, name


def test_report_specs() -> None:
    expected = {
        "ad_insights": ("BASIC", "AUCTION_AD", ("ad_id", "stat_time_day")),
        "ad_insights_by_age_and_gender": (
            "AUDIENCE",
            "AUCTION_AD",
            ("ad_id", "stat_time_day", "age", "gender"),
        ),
        "ad_insights_by_country": ("AUDIENCE", "AUCTION_AD", ("ad_id", "stat_time_day", "country_code")),
        "ad_insights_by_platform": ("AUDIENCE", "AUCTION_AD", ("ad_id", "stat_time_day", "platform")),
        "campaign_insights_by_province": (
            "AUDIENCE",
            "AUCTION_CAMPAIGN",
            ("campaign_id", "stat_time_day", "province_id"),
        ),
    }
    for name, (report_type, level, dims) in expected.items():
        spec = TABLES[name]
        assert (spec.kind, spec.report_type, spec.data_level, spec.dimensions) == (
            "report",
            report_type,
            level,
            dims,
        )
        assert spec.endpoint == "report/integrated/get/"
        assert len(set(spec.metrics)) == len(spec.metrics)
        assert not set(spec.metrics) & set(spec.dimensions)
        if level == "AUCTION_AD":  # ids above the ad come as metrics at AUCTION_AD
            assert {"campaign_id", "adgroup_id"} <= set(spec.metrics)
        if report_type == "AUDIENCE":
            assert not set(spec.metrics) & AUDIENCE_FORBIDDEN_METRICS, name
    assert TABLES["ad_insights"].status_filter_field == "ad_status"
    assert TABLES["campaign_insights_by_province"].status_filter_field == "campaign_status"


def test_column_types_are_pinned() -> None:
    for spec in TABLES.values():
        for column, hint in spec.columns.items():
            kind = hint["data_type"]
            if column.endswith("_id") or column in ("age", "gender", "country_code", "platform"):
                assert kind == "text", (spec.name, column)
            if column in ("create_time", "modify_time"):
                assert kind == "timestamp" and hint.get("timezone") is True, (spec.name, column)
        if spec.kind == "report" and spec.endpoint == "report/integrated/get/":
            # (the GMV Max and Smart+ report tables pin their own metrics: tests/e2e/test_shop.py)
            assert spec.columns["stat_time_day"]["data_type"] == "date"
            for metric in spec.metrics:
                assert spec.columns[metric]["data_type"] == METRIC_TYPES[metric]
    ad = TABLES["ad_insights"].columns
    assert ad["impressions"]["data_type"] == "bigint" and ad["video_views_p100"]["data_type"] == "bigint"
    assert ad["spend"]["data_type"] == "decimal" and ad["ctr"]["data_type"] == "decimal"
    assert ad["campaign_name"]["data_type"] == "text"


def test_column_hints_are_fresh_copies() -> None:
    spec = TABLES["ad_insights"]
    hints = spec.column_hints()
    hints["spend"]["data_type"] = "double"
    assert spec.columns["spend"]["data_type"] == "decimal"


# ------------------------------------------------------------------------------------------ values


@pytest.mark.parametrize("value", ["-", "N/A", "", " - ", None, "null", "--"])
def test_placeholders_are_null_for_every_kind(value: Any) -> None:
    assert to_int(value, "x") is None
    assert to_decimal(value, "x") is None


@pytest.mark.parametrize(
    ("value", "expected"), [("5830", 5830), (5830, 5830), (12.0, 12), ("12.0", 12), (" 7 ", 7), ("0", 0)]
)
def test_to_int(value: Any, expected: int) -> None:
    assert to_int(value, "impressions") == expected


@pytest.mark.parametrize("value", ["1.5", 1.5, "<5", "abc", True, [1], "1e400x"])
def test_to_int_rejects(value: Any) -> None:
    with pytest.raises(TikTokBadResponseError, match="impressions"):
        to_int(value, "impressions")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("20.000", "20.000"), ("0.2899", "0.2899"), (14.68, "14.68"), (0.1, "0.1"), (3, "3"), ("1E+2", "1E+2")],
)
def test_to_decimal_is_exact(value: Any, expected: str) -> None:
    assert to_decimal(value, "spend") == decimal.Decimal(expected)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "abc", True, {"a": 1}, "1,5"])
def test_to_decimal_rejects(value: Any) -> None:
    with pytest.raises(TikTokBadResponseError, match="spend"):
        to_decimal(value, "spend")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9))
def test_decimal_string_round_trips(value: decimal.Decimal) -> None:
    assert to_decimal(str(value), "spend") == value


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_decimal_from_json_number_keeps_its_digits(value: float) -> None:
    assert float(to_decimal(value, "spend")) == value  # type: ignore[arg-type]


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_int_as_number_or_string(value: int) -> None:
    assert to_int(value, "clicks") == to_int(str(value), "clicks") == value


def test_stat_time_day() -> None:
    assert to_stat_day("2024-01-08 00:00:00", "stat_time_day") == dt.date(2024, 1, 8)
    assert to_stat_day("2024-01-08", "stat_time_day") == dt.date(2024, 1, 8)
    for bad in ("2024-01-08 05:00:00", "2024-13-01 00:00:00", "yesterday", 20240108):
        with pytest.raises(TikTokBadResponseError):
            to_stat_day(bad, "stat_time_day")


def test_timestamps_are_utc() -> None:
    assert to_timestamp("2021-10-20 08:04:04", "t") == dt.datetime(2021, 10, 20, 8, 4, 4, tzinfo=UTC)
    assert to_timestamp(1630335591, "t") == dt.datetime(2021, 8, 30, 14, 59, 51, tzinfo=UTC)
    assert to_timestamp("1630335591", "t") == dt.datetime(2021, 8, 30, 14, 59, 51, tzinfo=UTC)
    assert to_timestamp("2021-10-20T10:04:04+02:00", "t") == dt.datetime(2021, 10, 20, 8, 4, 4, tzinfo=UTC)
    with pytest.raises(TikTokBadResponseError):
        to_timestamp("last tuesday", "t")


# ------------------------------------------------------------------------------------------ rows


def report_row(**metrics: Any) -> dict[str, Any]:
    base = {"campaign_id": "1714125042508817", "adgroup_id": "1714125049901106", "campaign_name": "Q1"}
    base.update(metrics)
    return {
        "dimensions": {"ad_id": "1714125051115569", "stat_time_day": "2024-01-01 00:00:00"},
        "metrics": base,
    }


def test_report_rows_are_flat_and_typed() -> None:
    spec = TABLES["ad_insights"]
    raw = report_row(
        spend="20.00",
        impressions="5830",
        clicks=69,
        ctr="1.18",
        secondary_goal_result="-",
        cost_per_secondary_goal_result="N/A",
        reach="",
        brand_new_metric="-",
        other_new="x",
    )
    [row] = transform_report_rows(spec, ADV, [raw])
    assert row["advertiser_id"] == ADV
    assert row["ad_id"] == "1714125051115569" and row["stat_time_day"] == dt.date(2024, 1, 1)
    assert row["spend"] == decimal.Decimal("20.00") and row["impressions"] == 5830 and row["clicks"] == 69
    assert row["ctr"] == decimal.Decimal("1.18")
    assert row["secondary_goal_result"] is None and row["cost_per_secondary_goal_result"] is None
    assert row["reach"] is None
    assert row["brand_new_metric"] is None and row["other_new"] == "x"
    assert "dimensions" not in row and "metrics" not in row


def test_metric_switching_between_number_and_string() -> None:
    spec = TABLES["ad_insights"]
    rows = transform_report_rows(
        spec, ADV, [report_row(spend="1.50", impressions="10"), report_row(spend=1.5, impressions=10)]
    )
    assert rows[0]["spend"] == rows[1]["spend"] == decimal.Decimal("1.5")
    assert rows[0]["impressions"] == rows[1]["impressions"] == 10


def test_missing_id_dimension_is_an_error() -> None:
    raw = report_row()
    del raw["dimensions"]["ad_id"]
    with pytest.raises(TikTokBadResponseError, match="ad_id"):
        transform_report_rows(TABLES["ad_insights"], ADV, [raw])
    raw = report_row(adgroup_id="-")  # a key column that came back as a placeholder
    with pytest.raises(TikTokBadResponseError, match="adgroup_id"):
        transform_report_rows(TABLES["ad_insights"], ADV, [raw])
    with pytest.raises(TikTokBadResponseError):
        flatten_report_row({"metrics": {}})


def test_unparseable_metric_is_an_error_naming_the_column() -> None:
    with pytest.raises(TikTokBadResponseError, match="impressions"):
        transform_report_rows(TABLES["ad_insights"], ADV, [report_row(impressions="lots")])


def test_province_rows() -> None:
    spec = TABLES["campaign_insights_by_province"]
    raw = {
        "dimensions": {"campaign_id": 10, "province_id": "5332921", "stat_time_day": "2024-01-03 00:00:00"},
        "metrics": {"impressions": "80", "campaign_name": "C"},
    }
    [row] = transform_report_rows(spec, ADV, [raw])
    assert row["campaign_id"] == "10" and row["province_id"] == "5332921" and row["impressions"] == 80


metric_value = st.one_of(
    st.sampled_from(["-", "N/A", ""]),
    st.integers(min_value=0, max_value=10**12).map(str),
    st.integers(min_value=0, max_value=10**12),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str),
)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "spend": metric_value,
                "impressions": st.one_of(
                    st.sampled_from(["-", ""]), st.integers(0, 10**9), st.integers(0, 10**9).map(str)
                ),
            }
        ),
        max_size=20,
    )
)
def test_report_parsing_never_drops_rows(metrics: list[dict[str, Any]]) -> None:
    spec: TableSpec = TABLES["ad_insights"]
    rows = [report_row(**m) for m in metrics]
    out = transform_report_rows(spec, ADV, rows)
    assert len(out) == len(rows)
    for row in out:
        assert row["spend"] is None or isinstance(row["spend"], decimal.Decimal)
        assert row["impressions"] is None or isinstance(row["impressions"], int)


def test_entity_rows() -> None:
    spec = TABLES["ads"]
    raw = {
        "ad_id": "1",
        "adgroup_id": "2",
        "campaign_id": "3",
        "advertiser_id": ADV,
        "create_time": "2021-10-20 08:04:06",
        "modify_time": "2021-10-21 17:50:11",
        "image_ids": ["a"],
        "is_aco": False,
        "identity_id": 7080121820963422209,
        "unknown_field_id": 42,
    }
    [row] = transform_entity_rows(spec, ADV, [raw])
    assert row["modify_time"] == dt.datetime(2021, 10, 21, 17, 50, 11, tzinfo=UTC)
    assert row["identity_id"] == "7080121820963422209" and row["unknown_field_id"] == "42"
    assert row["image_ids"] == ["a"] and row["is_aco"] is False


def test_entity_without_modify_time_uses_create_time() -> None:
    spec = TABLES["ads"]
    raw = {"ad_id": "1", "adgroup_id": "2", "campaign_id": "3", "create_time": "2021-10-20 08:04:06"}
    [row] = transform_entity_rows(spec, ADV, [raw])
    assert row["modify_time"] == row["create_time"] and row["advertiser_id"] == ADV
    with pytest.raises(TikTokBadResponseError, match="modify_time"):
        transform_entity_rows(spec, ADV, [{"ad_id": "1", "adgroup_id": "2", "campaign_id": "3"}])


def test_advertiser_row() -> None:
    spec = TABLES["advertisers"]
    row = transform_advertiser_row(
        spec,
        {
            "advertiser_id": ADV,
            "create_time": 1630335591,
            "balance": 1250.37,
            "industry": 291905,
            "timezone": "Etc/GMT+8",
        },
    )
    assert row["create_time"] == dt.datetime(2021, 8, 30, 14, 59, 51, tzinfo=UTC)
    assert row["balance"] == decimal.Decimal("1250.37") and row["industry"] == "291905"


def test_breakdown_placeholders_are_tiktoks_buckets_on_both_paths() -> None:
    """``country_code`` ``"None"`` (unattributed spend), ``"NA"`` (Namibia) and age/gender ``"NONE"`` are
    values of TikTok's, part of the key: kept as sent by the row path and the Arrow path alike."""
    from tiktok_ads.endpoints.arrow_pages import arrow_schema, report_page_table

    def audience(dims: dict[str, str]) -> dict[str, Any]:
        return {
            "dimensions": {"ad_id": "1714125051115569", "stat_time_day": "2024-01-01 00:00:00", **dims},
            "metrics": {"spend": "0.50", "impressions": "10", "campaign_id": "1", "adgroup_id": "2"},
        }

    for table, dims in (
        ("ad_insights_by_country", [{"country_code": c} for c in ("None", "NA", "US")]),
        (
            "ad_insights_by_age_and_gender",
            [{"age": "NONE", "gender": "NONE"}, {"age": "AGE_18_24", "gender": "MALE"}],
        ),
    ):
        spec = TABLES[table]
        raw = [audience(d) for d in dims]
        by_rows = transform_report_rows(spec, ADV, raw)
        by_arrow = report_page_table(spec, ADV, raw, arrow_schema(spec)).to_pylist()
        for got in (by_rows, by_arrow):
            assert [{k: r[k] for k in d} for r, d in zip(got, dims, strict=True)] == dims
    # the id and time dimensions still refuse a placeholder (a row without its object is broken)
    with pytest.raises(TikTokBadResponseError, match="ad_id"):
        transform_report_rows(
            TABLES["ad_insights_by_country"],
            ADV,
            [
                audience({"country_code": "US"})
                | {"dimensions": {"ad_id": "-", "stat_time_day": "2024-01-01 00:00:00", "country_code": "US"}}
            ],
        )


def test_json_numbers_and_strings_are_typed_alike_on_both_paths() -> None:
    """Real answers mix JSON numbers and nulls into the strings (Airbyte's captured ``ads_reports_hourly.json``:
    ``"likes": 36``, ``"tt_app_id": 0``, ``"secondary_goal_result": null``, ``"cost_per_result": "0.290"``); IDR
    money has no decimals. Both paths type either spelling to the same values."""
    from tiktok_ads.endpoints.arrow_pages import arrow_schema, report_page_table

    spec = TABLES["ad_insights"]
    as_numbers = {
        "likes": 36, "video_views_p25": 513, "average_video_play": 1.52, "real_time_app_install_cost": 0,
        "tt_app_id": 0, "mobile_app_id": "0", "tt_app_name": "0", "secondary_goal_result": None,
        "cost_per_secondary_goal_result": None, "cost_per_result": "0.290", "spend": "5582123",
        "campaign_id": 1714125042508817, "adgroup_id": 1714125049901106, "impressions": "5830",
    }  # fmt: skip
    as_strings = {k: "-" if v is None else str(v) for k, v in as_numbers.items()}
    want = {
        "likes": 36, "video_views_p25": 513, "average_video_play": decimal.Decimal("1.52"),
        "real_time_app_install_cost": decimal.Decimal(0), "tt_app_id": None, "mobile_app_id": None,
        "tt_app_name": None, "secondary_goal_result": None, "cost_per_secondary_goal_result": None,
        "cost_per_result": decimal.Decimal("0.290"), "spend": decimal.Decimal(5582123),
        "campaign_id": "1714125042508817", "adgroup_id": "1714125049901106", "impressions": 5830,
    }  # fmt: skip
    for metrics in (as_numbers, as_strings):
        page = [report_row(**metrics)]
        by_rows = transform_report_rows(spec, ADV, page)
        by_arrow = report_page_table(spec, ADV, page, arrow_schema(spec)).to_pylist()
        for got in (by_rows, by_arrow):
            assert {k: got[0][k] for k in want} == want, metrics
    # an app id that is one stays text
    [row] = transform_report_rows(spec, ADV, [report_row(tt_app_id=7300000000000000001)])
    assert row["tt_app_id"] == "7300000000000000001"


def test_json_numbers_keep_report_pages_on_the_arrow_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import tiktok_ads.endpoints.arrow_pages as ap

    def no_row_path(*args: Any) -> Any:
        raise AssertionError("the page took the row path")

    monkeypatch.setattr(ap, "transform_report_rows", no_row_path)
    spec = TABLES["ad_insights"]
    every = dict.fromkeys(spec.metrics, "1")  # a page missing a requested metric would take the row path
    numbers = {"likes": 36, "average_video_play": 1.52, "tt_app_id": 0, "secondary_goal_result": None}
    page = [report_row(**(every | numbers | {"campaign_id": 17}))]
    [row] = ap.report_page_table(spec, ADV, page, ap.arrow_schema(spec)).to_pylist()
    assert row["likes"] == 36 and row["tt_app_id"] is None and row["campaign_id"] == "17"
    assert row["average_video_play"] == decimal.Decimal("1.52")

"""The metric catalogue, the report grid's specs and the custom_reports setting (issue 8), without HTTP.

The metrics are one catalogue (``tiktok_ads/tables/metrics.toml``) read by the source and the emulator (see
``tests/source/test_metric_catalogue.py``); the dimensions are still written twice, and the first test checks that those
agree and that the emulator has a formula for exactly the catalogue's metrics, of the right type.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from dlt.extract.source import DltSource

from tiktok_ads import ALL_TABLES, GRID_TABLES, TABLES, ConfigError, tiktok_ads
from tiktok_ads.emulator.data import metrics as E
from tiktok_ads.endpoints.extract import report_params
from tiktok_ads.endpoints.transform import transform_report_rows
from tiktok_ads.resources.day_markers import day_markers
from tiktok_ads.tables.columns import METRIC_TYPES
from tiktok_ads.tables.custom_metrics import table_specs
from tiktok_ads.tables.custom_reports import custom_report_specs
from tiktok_ads.tables.metric_catalogue import (
    DIMENSIONS,
    METRICS,
    report_problems,
)
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads.tables.report_grid import GRID_CELLS
from tiktok_ads.windows import DateWindow, split_range
from tiktok_ads_cli.source_options import source_setting_options

ADV = "7000000000000000001"
_TYPES = {"attribute": "text", "count": "bigint", "money": "decimal", "ratio": "decimal"}


def test_the_catalogue_agrees_with_the_emulators() -> None:
    assert list(METRICS) == list(E.METRICS)  # a formula for every catalogue metric, and no other
    for name, mine in METRICS.items():
        theirs = E.METRICS[name]
        # a cost or value per event is computed as a ratio but sent and typed as money
        assert mine.column_type == _TYPES[theirs.kind] or (mine.kind, theirs.kind) == ("money", "ratio"), name
        assert (mine.levels, mine.audience) == (theirs.levels, theirs.audience), name
    assert {m.name: m.column_type for m in METRICS.values()} == METRIC_TYPES
    assert set(DIMENSIONS) == set(E.ALL_DIMENSIONS)
    assert {d for d, i in DIMENSIONS.items() if i.role == "id"} == E.ID_DIMENSIONS
    assert {d for d, i in DIMENSIONS.items() if i.role == "time"} == set(E.TIME_DIMENSIONS)
    assert {d for d, i in DIMENSIONS.items() if i.role == "breakdown"} == E.AUDIENCE_DIMENSIONS
    # (the breakdown lists are one definition, tiktok_ads/tables/metrics_file.py, read by both: nothing to compare)


def test_the_grid_is_every_level_times_every_variant_tiktok_allows() -> None:
    assert len(DEFAULT_TABLES) == 9 and all(not TABLES[name].opt_in for name in DEFAULT_TABLES)
    assert set(ALL_TABLES) == set(TABLES) | set(GRID_TABLES) and not set(TABLES) & set(GRID_TABLES)
    assert len(GRID_CELLS) == 4 * 3 + 4 * 5 + 2 + 4 == 38
    assert {
        "campaign_insights_hourly",
        "adgroup_insights_by_language",
        "advertiser_insights_lifetime",
    } <= set(GRID_TABLES)
    # no audience hourly, lifetime audience by age and gender only, province only at campaign and ad level
    assert not [n for n in ALL_TABLES if "_by_" in n and "hourly" in n]
    assert {n for n in ALL_TABLES if "_by_" in n and "lifetime" in n} == {
        f"{level}_insights_lifetime_by_age_and_gender"
        for level in ("advertiser", "campaign", "adgroup", "ad")
    }
    assert {n for n in GRID_CELLS if n.endswith("_by_province")} == {
        "campaign_insights_by_province",
        "ad_insights_by_province",
    }
    for name in GRID_CELLS:
        spec = ALL_TABLES[name]
        assert (
            report_problems(
                str(spec.report_type),
                str(spec.data_level),
                spec.dimensions,
                spec.metrics,
                lifetime=spec.lifetime,
            )
            == []
        ), name
        assert set(spec.primary_key) <= set(spec.columns), name
        for column, hint in spec.columns.items():
            assert hint.get("data_type") in ("text", "bigint", "decimal", "date", "timestamp"), (name, column)
        if name in GRID_TABLES:
            assert spec.primary_key == tuple(dict.fromkeys(("advertiser_id", *spec.dimensions))), name


def test_granularities_are_data_on_the_spec() -> None:
    hourly = ALL_TABLES["campaign_insights_hourly"]
    assert (hourly.granularity, hourly.window_days, hourly.cursor) == ("hourly", 1, "stat_time_hour")
    assert hourly.merge_key == ("advertiser_id", "stat_time_day")
    assert hourly.columns["stat_time_hour"] == {
        "data_type": "timestamp",
        "timezone": False,
        "description": DIMENSIONS["stat_time_hour"].description,
    }
    assert hourly.columns["stat_time_day"]["data_type"] == "date"
    lifetime = ALL_TABLES["ad_insights_lifetime"]
    assert (lifetime.granularity, lifetime.window_days, lifetime.cursor, lifetime.day_column) == (
        "lifetime",
        None,
        None,
        None,
    )
    assert lifetime.merge_key == ("advertiser_id",) and lifetime.primary_key == ("advertiser_id", "ad_id")
    daily = ALL_TABLES["ad_insights"]
    assert (daily.granularity, daily.window_days, daily.merge_key) == (
        "daily",
        30,
        ("advertiser_id", "stat_time_day"),
    )
    advertiser = ALL_TABLES["advertiser_insights"]
    assert {"cash_spend", "voucher_spend"} <= set(advertiser.metrics)
    assert not {"ad_name", "cash_spend"} & set(ALL_TABLES["adgroup_insights_by_country"].metrics)


def test_windows_and_request_parameters_per_granularity() -> None:
    first, last = dt.date(2026, 3, 1), dt.date(2026, 3, 3)
    assert split_range(first, last, 1) == [DateWindow(d, d) for d in (first, dt.date(2026, 3, 2), last)]
    assert split_range(first, last, None) == [DateWindow(first, last)]
    assert split_range(last, first, None) == []
    window = DateWindow(first, first)
    hourly = report_params(ALL_TABLES["adgroup_insights_hourly"], ADV, window, include_deleted=True)
    assert hourly["dimensions"] == ["adgroup_id", "stat_time_hour"]
    assert (hourly["start_date"], hourly["end_date"]) == ("2026-03-01", "2026-03-01")
    assert hourly["filtering"][0]["field_name"] == "adgroup_status"
    life = report_params(ALL_TABLES["campaign_insights_lifetime"], ADV, window, include_deleted=False)
    assert life["query_lifetime"] is True and "start_date" not in life and "filtering" not in life
    advertiser = report_params(ALL_TABLES["advertiser_insights"], ADV, window, include_deleted=True)
    assert "filtering" not in advertiser  # the advertiser level has no status filter: it holds everything


def test_markers_replace_days_or_whole_advertisers_and_never_share_a_real_key() -> None:
    window = DateWindow(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    hourly = day_markers(ALL_TABLES["advertiser_insights_hourly"], ADV, window)
    assert [m["stat_time_day"] for m in hourly] == [window.start, window.end]
    assert all(m["stat_time_hour"].minute == 59 and m["_day_marker"] for m in hourly)
    ad_hourly = day_markers(ALL_TABLES["ad_insights_hourly"], ADV, window)
    assert all(m["ad_id"] == f"~{ADV}" for m in ad_hourly) and len(ad_hourly) == 2
    lifetime = day_markers(ALL_TABLES["ad_insights_lifetime"], ADV, window)
    assert lifetime == [{"advertiser_id": ADV, "ad_id": f"~{ADV}", "_day_marker": True}]
    # one row per advertiser-day (or per advertiser): a marker would share its key, and it replaces itself
    assert day_markers(ALL_TABLES["advertiser_insights"], ADV, window) == []
    assert day_markers(ALL_TABLES["advertiser_insights_lifetime"], ADV, window) == []


def test_hourly_rows_are_typed_wall_clock_hours_with_their_day() -> None:
    spec = ALL_TABLES["campaign_insights_hourly"]
    raw = {
        "dimensions": {"campaign_id": "17", "stat_time_hour": "2026-03-01 23:00:00"},
        "metrics": {"spend": "1.50", "impressions": "12", "campaign_name": "x", "reach": "-"},
    }
    (row,) = transform_report_rows(spec, ADV, [raw])
    assert row["stat_time_hour"] == dt.datetime(2026, 3, 1, 23) and row["stat_time_hour"].tzinfo is None
    assert row["stat_time_day"] == dt.date(2026, 3, 1)
    assert row["impressions"] == 12 and row["reach"] is None and str(row["spend"]) == "1.50"


def test_metrics_override_is_checked_against_the_level_too() -> None:
    specs = table_specs({"campaign_insights_hourly": ["spend", "campaign_name"]})
    assert specs["campaign_insights_hourly"].metrics == ("spend", "campaign_name")
    assert "stat_time_day" in specs["campaign_insights_hourly"].columns
    with pytest.raises(
        ConfigError, match=r"metrics\.campaign_insights: TikTok refuses ad_name at data_level"
    ):
        table_specs({"campaign_insights": ["spend", "ad_name"]})
    with pytest.raises(ConfigError, match="refuses complete_payment in AUDIENCE"):
        table_specs({"adgroup_insights_by_language": ["spend", "complete_payment"]})


GOOD = {
    "report_type": "AUDIENCE",
    "data_level": "campaign",
    "dimensions": ["campaign_id", "stat_time_day", "ac"],
    "metrics": ["spend", "impressions"],
    "filters": [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": ["17", "18"]}],
}


def test_a_custom_report_becomes_a_keyed_incremental_spec() -> None:
    spec = custom_report_specs({"by_network": GOOD})["by_network"]
    assert (spec.kind, spec.report_type, spec.data_level, spec.granularity) == (
        "report",
        "AUDIENCE",
        "AUCTION_CAMPAIGN",
        "daily",
    )
    assert spec.primary_key == ("advertiser_id", "campaign_id", "stat_time_day", "ac")
    assert spec.cursor == "stat_time_day" and spec.merge_key == ("advertiser_id", "stat_time_day")
    params = report_params(
        spec, ADV, DateWindow(dt.date(2026, 3, 1), dt.date(2026, 3, 1)), include_deleted=True
    )
    assert params["filtering"] == [
        {"field_name": "campaign_ids", "filter_type": "IN", "filter_value": '["17", "18"]'},
        {"field_name": "campaign_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'},
    ]
    # a list of definitions with names, or JSON text (environment variable, --custom-reports), work alike
    as_list = custom_report_specs([{"name": "by_network", **GOOD}])["by_network"]
    as_json = custom_report_specs(json.dumps({"by_network": GOOD}))["by_network"]
    assert as_list == spec == as_json


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"dimensions": ["campaign_id", "stat_time_hour", "ac"]}, "no hourly breakdown"),
        ({"dimensions": ["campaign_id", "stat_time_day", "ac"], "lifetime": True}, "no time dimension"),
        (
            {"report_type": "BASIC", "dimensions": ["campaign_id", "country_code"], "lifetime": True},
            "no breakdown",
        ),
        (
            {"dimensions": ["campaign_id", "stat_time_day", "age", "country_code"]},
            "not a supported combination",
        ),
        ({"dimensions": ["ad_id", "stat_time_day", "ac"]}, "needs exactly one id dimension, campaign_id"),
        ({"dimensions": ["campaign_id", "ac"]}, "needs stat_time_day or stat_time_hour"),
        ({"metrics": ["spend", "app_install"]}, "refuses app_install in AUDIENCE"),
        ({"metrics": ["spend", "adgroup_name"]}, "refuses adgroup_name at data_level AUCTION_CAMPAIGN"),
        ({"metrics": ["spend", "nonsense"]}, "unknown metric"),
        ({"report_type": "BASIC"}, "BASIC reports cannot break down by ac"),
        ({"data_level": "AUCTION_NOWHERE"}, "data_level 'AUCTION_NOWHERE' is not one of"),
        (
            {"filters": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": ["1"]}]},
            "refuses ad_ids",
        ),
        (
            {"filters": [{"field_name": "campaign_status", "filter_type": "IN", "filter_value": ["X"]}]},
            "include_deleted",
        ),
        ({"colour": "red"}, "unknown field"),
    ],
)
def test_an_invalid_custom_report_is_refused_naming_setting_report_and_rules(change: dict, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        custom_report_specs({"my_report": {**GOOD, **change}})
    assert caught.value.setting == "sources.tiktok_ads.custom_reports.my_report"
    assert says in str(caught.value)


def test_custom_report_names_must_be_new_table_names() -> None:
    for name in ("ad_insights", "campaign_insights_hourly", "Bad-Name"):
        with pytest.raises(ConfigError, match=name):
            custom_report_specs({name: GOOD})


def tables_of(source: DltSource) -> list[str]:
    """The tables a source loads, in order (a table with a cursor has one resource per advertiser)."""
    return list(dict.fromkeys(resource.table_name for resource in source.resources.values()))


def test_the_source_loads_custom_reports_with_the_defaults_and_grid_tables_on_request() -> None:
    common = {"access_token": "t", "advertiser_ids": ADV, "start_date": "2026-01-01"}
    source = tiktok_ads(**common, custom_reports={"by_network": GOOD})
    assert tables_of(source) == [*DEFAULT_TABLES, "by_network"]
    source = tiktok_ads(
        **common, tables="campaign_insights_hourly,by_network", custom_reports={"by_network": GOOD}
    )
    assert tables_of(source) == ["campaign_insights_hourly", "by_network"]
    with pytest.raises(ConfigError, match="unknown table"):
        tiktok_ads(**common, tables="nowhere_insights")


def test_custom_reports_has_a_json_command_line_option() -> None:
    (option,) = [o for o in source_setting_options() if o.name == "custom_reports"]
    assert option.kind == "json" and option.flag == "--custom-reports" and "report_type" in option.help


def test_the_readme_lists_every_table_with_its_key_and_cursor() -> None:
    text = (Path(__file__).parents[2] / "README.md").read_text()
    tables = text[text.index("## Tables") : text.index("## How incremental loading works")]
    for name, spec in ALL_TABLES.items():
        line = next((row for row in tables.splitlines() if row.startswith(f"| `{name}` |")), None)
        assert line is not None, f"README's Tables section does not list {name}"
        cells = [c.strip() for c in line.strip("|").split("|")]
        if name in GRID_TABLES:  # (the seed rows abbreviate shared key columns as "+ age, gender")
            assert cells[2] == ", ".join(spec.primary_key), name
        assert cells[3].startswith(spec.cursor or "—"), name
    assert "_day_marker" in tables

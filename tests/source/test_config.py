"""Validation of user settings (tiktok_ads.config.validation): every bad value names its setting, before any request."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tiktok_ads import tiktok_ads
from tiktok_ads.config.validation import (
    SourceConfig,
    parse_advertiser_ids,
    parse_date,
    parse_tables,
    validate_config,
)
from tiktok_ads.errors import ConfigError
from tiktok_ads.limits import PRODUCTION_BASE_URL, SANDBOX_BASE_URL
from tiktok_ads.tables.registry import DEFAULT_TABLES

NOW = dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.timezone.utc)
TOKEN = "tok_Q9x7Lr2mNv8sDistinctive"


def valid(**overrides: Any) -> SourceConfig:
    kwargs: dict[str, Any] = {
        "access_token": TOKEN,
        "advertiser_ids": "7002238017842757633",
        "start_date": "2024-01-01",
        "now": NOW,
    }
    kwargs.update(overrides)
    return validate_config(**kwargs)


def bad(setting: str, **overrides: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        valid(**overrides)
    assert info.value.setting == f"sources.tiktok_ads.{setting}"
    assert str(info.value).startswith(f"sources.tiktok_ads.{setting}: ")
    return info.value


def test_defaults() -> None:
    cfg = valid()
    assert cfg.advertiser_ids == ("7002238017842757633",)
    assert cfg.start_date == dt.date(2024, 1, 1)
    assert cfg.end_date is None and not cfg.is_backfill
    assert cfg.include_deleted is False
    assert cfg.attribution_window_days == 7
    assert cfg.base_url == PRODUCTION_BASE_URL
    assert cfg.tables == DEFAULT_TABLES and len(cfg.tables) == 9
    assert cfg.max_qps == 10 and cfg.page_size == 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),
        ("01/31/2024", dt.date(2024, 1, 31)),  # the Qlik connector's format
        ("1/5/2024", dt.date(2024, 1, 5)),
        ("2024-01-31T00:00:00Z", dt.date(2024, 1, 31)),  # Stitch's RFC 3339 start_date
        ("2024-01-31 00:00:00", dt.date(2024, 1, 31)),
        (dt.date(2024, 1, 31), dt.date(2024, 1, 31)),
        (dt.datetime(2024, 1, 31, 5), dt.date(2024, 1, 31)),
    ],
)
def test_date_formats(text: Any, expected: dt.date) -> None:
    assert parse_date(text, "start_date") == expected


@pytest.mark.parametrize(
    "text", ["2024-02-30", "02/30/2024", "2023-13-01", "13/01/2024", "yesterday", "2024/01/31", ""]
)
def test_malformed_or_impossible_dates(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^sources\.tiktok_ads\.start_date: "):
        parse_date(text, "start_date")


def test_start_date_errors() -> None:
    assert "not a real date" in str(bad("start_date", start_date="2024-02-30"))
    assert "future" in str(bad("start_date", start_date="2024-06-17"))
    assert "2012-01-01" in str(bad("start_date", start_date="2011-12-31"))
    bad("start_date", start_date=20240101)


def test_start_date_may_be_today_anywhere_on_earth() -> None:
    # 12:00 UTC on June 15th is already June 16th in UTC+14
    assert valid(start_date="2024-06-16").start_date == dt.date(2024, 6, 16)


def test_default_start_date_is_a_year_back() -> None:
    cfg = valid(start_date=None)
    assert cfg.start_date == dt.date(2023, 6, 16)
    assert cfg.start_date_is_default


def test_end_date() -> None:
    cfg = valid(end_date="03/31/2024")
    assert cfg.end_date == dt.date(2024, 3, 31) and cfg.is_backfill
    assert "before start_date" in str(bad("end_date", end_date="2023-12-31"))
    bad("end_date", end_date="2024-04-31")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7002238017842757633", ("7002238017842757633",)),
        ("7002238017842757633, 7001035076276387841", ("7002238017842757633", "7001035076276387841")),
        ('["7002238017842757633","7001035076276387841"]', ("7002238017842757633", "7001035076276387841")),
        (["7002238017842757633", 7001035076276387841], ("7002238017842757633", "7001035076276387841")),
        ("1,1,2", ("1", "2")),
    ],
)
def test_advertiser_ids_forms(value: Any, expected: tuple[str, ...]) -> None:
    assert parse_advertiser_ids(value) == expected


@pytest.mark.parametrize("value", ["abc", "12a4", "1,x", ["1", None], '["1",', [1.5], "-5"])
def test_malformed_advertiser_ids(value: Any) -> None:
    bad("advertiser_ids", advertiser_ids=value)


@pytest.mark.parametrize("value", [None, "", [], " , "])
def test_empty_advertiser_list_without_app_credentials(value: Any) -> None:
    err = bad("advertiser_ids", advertiser_ids=value)
    assert "app_id" in str(err)


def test_empty_advertiser_list_with_app_credentials_means_all() -> None:
    cfg = valid(advertiser_ids=None, app_id="7100000000000000001", secret="s3cr3t-value")
    assert cfg.advertiser_ids == () and cfg.has_app_credentials
    err = bad("advertiser_ids", advertiser_ids=None, app_id="7100000000000000001")
    assert "sources.tiktok_ads.secret" in str(err)


def test_tables() -> None:
    assert parse_tables(None) == DEFAULT_TABLES
    assert valid(tables="ads, advertisers").tables == ("advertisers", "ads")  # registry order
    assert valid(tables=["ad_insights"]).tables == ("ad_insights",)
    err = bad("tables", tables="ads,ad_insight")
    assert "ad_insight" in str(err) and "ad_insights_by_country" in str(err)
    bad("tables", tables=[])


@pytest.mark.parametrize("value", [-1, "-3", "x", 1.5, True, 366])
def test_bad_attribution_window(value: Any) -> None:
    bad("attribution_window_days", attribution_window_days=value)


def test_attribution_window_zero_and_string() -> None:
    assert valid(attribution_window_days=0).attribution_window_days == 0
    assert valid(attribution_window_days="28").attribution_window_days == 28


def test_numbers_and_flags() -> None:
    bad("page_size", page_size=0)
    bad("page_size", page_size=1001)
    bad("max_qps", max_qps=-1)
    bad("include_deleted", include_deleted="maybe")
    assert valid(include_deleted="true").include_deleted is True
    assert valid(max_qps=0).max_qps == 0


def test_base_url_and_sandbox() -> None:
    assert valid(sandbox=True).base_url == SANDBOX_BASE_URL
    assert valid(sandbox=True, base_url="http://127.0.0.1:9/").base_url == "http://127.0.0.1:9"
    assert valid(base_url="https://business-api.tiktok.com/open_api/v1.3/").base_url == PRODUCTION_BASE_URL
    bad("base_url", base_url="business-api.tiktok.com")


def test_access_token_required() -> None:
    err = bad("access_token", access_token=None)
    assert "SOURCES__TIKTOK_ADS__ACCESS_TOKEN" in str(err)
    bad("access_token", access_token="   ")
    bad("access_token", access_token="abc def")


def test_secrets_never_in_repr() -> None:
    cfg = valid(app_id="7100000000000000001", secret="app-secret-Zk38Qw")
    for text in (repr(cfg), str(cfg)):
        assert TOKEN not in text and "app-secret-Zk38Qw" not in text
        assert "access_token='***'" in text


def test_config_error_is_picklable() -> None:
    import pickle

    err = pickle.loads(pickle.dumps(ConfigError("start_date", "is wrong")))
    assert str(err) == "sources.tiktok_ads.start_date: is wrong"


# ---------------------------------------------------------------------------------------------- dlt injection


@pytest.fixture
def clean_env() -> Iterator[None]:
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith("SOURCES__"):
            del os.environ[key]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_settings_come_from_env_vars(clean_env: None) -> None:
    os.environ["SOURCES__TIKTOK_ADS__ACCESS_TOKEN"] = TOKEN
    os.environ["SOURCES__TIKTOK_ADS__ADVERTISER_IDS"] = "111,222"
    os.environ["SOURCES__TIKTOK_ADS__START_DATE"] = "01/02/2024"
    os.environ["SOURCES__TIKTOK_ADS__TABLES"] = '["ads","campaigns"]'
    os.environ["SOURCES__TIKTOK_ADS__INCLUDE_DELETED"] = "true"
    source = tiktok_ads()
    # nothing is requested at source creation (the ids are configured): a resource per table and advertiser
    assert sorted(source.resources) == ["ads__111", "ads__222", "campaigns__111", "campaigns__222"]
    assert {resource.table_name for resource in source.resources.values()} == {"ads", "campaigns"}
    assert source.resources["ads__111"].incremental is not None


def test_bad_env_setting_fails_before_any_request(clean_env: None) -> None:
    os.environ["SOURCES__TIKTOK_ADS__ACCESS_TOKEN"] = TOKEN
    os.environ["SOURCES__TIKTOK_ADS__ADVERTISER_IDS"] = "111"
    os.environ["SOURCES__TIKTOK_ADS__START_DATE"] = "2024-02-30"
    with pytest.raises(Exception) as info:
        tiktok_ads(base_url="http://127.0.0.1:9")  # port 9: nothing listens; no request is made anyway
    from tiktok_ads.errors import find_tiktok_error

    err = find_tiktok_error(info.value)
    assert isinstance(err, ConfigError) and err.setting == "sources.tiktok_ads.start_date"

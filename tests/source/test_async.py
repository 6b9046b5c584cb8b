"""The source's async report pieces without a pipeline: when tasks are used, CSV parsing, the client's file
downloads and the separate budget of task creation, the ``async_reports`` setting."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest

from tiktok_ads import ALL_TABLES, TikTokAPIError, TikTokBadResponseError, TikTokClient
from tiktok_ads import async_reports as ar
from tiktok_ads.config import validate_config
from tiktok_ads.errors import ConfigError
from tiktok_ads.windows import DateWindow

AD = ALL_TABLES["ad_insights"]
YEAR = DateWindow(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_auto_uses_tasks_for_long_ranges_only() -> None:
    short = DateWindow(dt.date(2024, 1, 1), dt.date(2024, 4, 29))  # 120 days: 4 windows
    assert not ar.use_task("auto", AD, short, include_deleted=False)
    assert ar.use_task(
        "auto", AD, DateWindow(short.start, short.end + dt.timedelta(days=1)), include_deleted=False
    )
    assert ar.use_task("always", AD, DateWindow(short.start, short.start), include_deleted=False)
    assert not ar.use_task("never", AD, YEAR, include_deleted=False)
    hourly = ALL_TABLES["campaign_insights_hourly"]
    assert ar.use_task(
        "auto", hourly, DateWindow(short.start, short.start + dt.timedelta(days=4)), include_deleted=False
    )


@pytest.mark.parametrize(
    ("name", "include_deleted", "supported"),
    [
        ("ad_insights", False, True),
        ("ad_insights", True, False),  # async reports have no status filter
        ("advertiser_insights", True, True),  # ...which the advertiser level does not need
        ("ad_insights_by_country", False, False),  # UV metrics with an audience dimension
    ],
)
def test_which_tables_tasks_can_answer(name: str, include_deleted: bool, supported: bool) -> None:
    assert ar.task_supported(ALL_TABLES[name], include_deleted=include_deleted) is supported


def test_lifetime_tables_never_use_tasks() -> None:
    lifetime = [s for s in ALL_TABLES.values() if s.kind == "report" and s.lifetime]
    assert lifetime and not any(ar.use_task("always", s, YEAR, include_deleted=False) for s in lifetime)


def test_task_body_asks_for_untranslated_csv() -> None:
    body = ar.task_body(AD, "7", YEAR)
    assert body["output_format"] == "CSV_STRING" and body["enable_report_title_translation"] is False
    assert (body["start_date"], body["end_date"]) == ("2024-01-01", "2024-12-31")
    assert body["dimensions"] == list(AD.dimensions) and body["metrics"] == list(AD.metrics)


def test_csv_becomes_the_sync_paths_raw_rows() -> None:
    names = [*AD.dimensions, *AD.metrics]
    row = ["11", "2024-05-01 00:00:00", *(str(i) for i in range(len(AD.metrics)))]
    body = (",".join(reversed(names)) + "\n" + ",".join(reversed(row)) + "\n").encode()
    (page,) = list(ar.csv_pages(AD, "7", body))
    assert page == [
        {
            "dimensions": {"ad_id": "11", "stat_time_day": "2024-05-01 00:00:00"},
            "metrics": {m: str(i) for i, m in enumerate(AD.metrics)},
        }
    ]


def test_translated_titles_or_ragged_rows_are_refused() -> None:
    with pytest.raises(TikTokBadResponseError, match="header lacks"):
        list(ar.csv_pages(AD, "7", b"Ad ID,Stat Time Day,Spend\n1,2,3\n"))
    names = ",".join([*AD.dimensions, *AD.metrics])
    with pytest.raises(TikTokBadResponseError, match="line 2"):
        list(ar.csv_pages(AD, "7", f"{names}\n1,2\n".encode()))


def test_async_reports_setting() -> None:
    base = {"access_token": "t" * 20, "advertiser_ids": "1"}
    assert validate_config(**base).async_reports == "auto"
    assert validate_config(**base, async_reports=" NEVER ").async_reports == "never"
    with pytest.raises(ConfigError, match="async_reports"):
        validate_config(**base, async_reports="sometimes")


def test_task_creation_has_a_budget_of_its_own() -> None:
    paced = TikTokClient("t" * 20, base_url="http://127.0.0.1:1", app_id="123", max_qps=10)
    assert paced._path_limiters["/open_api/v1.3/report/task/create/"].max_qps == 0.9
    # TikTok's 1 QPS of task creation holds whatever the app's tier, so even without pacing (max_qps = 0)
    unpaced = TikTokClient("t" * 20, base_url="http://127.0.0.1:1", app_id="124", max_qps=0)
    assert unpaced._path_limiters["/open_api/v1.3/report/task/create/"].max_qps == 0.9


def test_get_file_returns_the_stream_and_types_envelope_errors(
    emulator_factory: Callable[..., object],
) -> None:
    from tiktok_ads.emulator import EmulatorServer

    server = emulator_factory()
    assert isinstance(server, EmulatorServer)
    adv = server.advertiser_ids[0]
    with TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_retries=0) as client:
        day = DateWindow(dt.date(2024, 6, 1), dt.date(2024, 6, 10))
        sink = io.BytesIO()
        ar.run_task(client, AD, adv, day, sink, sleep=lambda s: None)
        assert sink.getvalue().startswith(b"ad_id,stat_time_day,")
        with pytest.raises(TikTokAPIError) as err:
            client.get_file(
                "report/task/download/", {"advertiser_id": adv, "task_id": "1"}, advertiser_id=adv
            )
        assert err.value.code == 40002
        with pytest.raises(TikTokBadResponseError, match="expected a file"):
            client.get_file("advertiser/info/", {"advertiser_ids": [adv]})

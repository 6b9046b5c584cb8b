"""The source's async report pieces without a pipeline: when tasks are used, CSV parsing, the client's file
downloads and the separate budget of task creation, the ``async_reports`` setting."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from collections.abc import Callable
from typing import Any

import pytest
from cut_downloads import cut_downloads

from tiktok_ads import ALL_TABLES, TikTokAPIError, TikTokBadResponseError, TikTokClient
from tiktok_ads.api import client as client_module
from tiktok_ads.config.validation import validate_config
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.endpoints import async_reports as ar
from tiktok_ads.errors import ConfigError, RequestsCancelled, TikTokTransientError
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


class _CountingFile(io.BytesIO):
    """A CSV file that counts the bytes read from it (pyarrow's reader reads it through ``read``)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def _task_csv(rows: int) -> tuple[bytes, list[list[str]]]:
    """A task's CSV of ``rows`` rows (placeholders, empty cells, a quoted comma and newline), and its cells."""
    cells = [
        [str(1000 + i), f"2024-05-{i % 28 + 1:02d} 00:00:00"]
        + [
            "-" if (i + j) % 7 == 0 else "" if (i + j) % 11 == 0 else f"{i}.{j:03d}"
            for j in range(len(AD.metrics))
        ]
        for i in range(rows)
    ]
    cells[3][2] = 'an "ad", named\non two lines'
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*AD.dimensions, *AD.metrics])
    writer.writerows(cells)
    return out.getvalue().encode(), cells


def test_a_large_csv_is_read_block_by_block_not_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ar, "BLOCK_BYTES", 1 << 14)
    body, cells = _task_csv(6_000)
    source = _CountingFile(body)
    pages = ar.csv_pages(AD, "7", source, rows_per_page=200)
    first = next(pages)
    # the first page is handed on after the blocks of its rows and pyarrow's read-ahead (32 blocks), long
    # before the end of the file: a reader that takes the whole CSV first fails here
    assert len(first) == 200
    assert source.read_bytes <= (len(body) * 250 // len(cells)) + 34 * ar.BLOCK_BYTES < len(body) // 3
    rest = list(pages)
    assert len(rest) == 29 and {len(p) for p in rest} == {200}  # pages of 200 rows across the blocks
    got = [row for page in (first, *rest) for row in page]
    dims = len(AD.dimensions)
    assert got == [
        {
            "dimensions": dict(zip(AD.dimensions, row[:dims], strict=True)),
            "metrics": dict(zip(AD.metrics, row[dims:], strict=True)),
        }
        for row in cells
    ]


def test_a_ragged_row_after_the_first_page_names_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ar, "BLOCK_BYTES", 1 << 14)
    body, cells = _task_csv(2_000)
    pages = ar.csv_pages(AD, "7", body + b"1,2\n", rows_per_page=200)
    assert len(next(pages)) < len(cells)  # the first page was fine
    with pytest.raises(TikTokBadResponseError, match=f"line {len(cells) + 2}:") as err:
        list(pages)
    assert err.value.reason == "bad_csv"


MONTH = WorldConfig(
    seed=5, advertisers=1, campaigns=3, adgroups=3, ads=5, days=60, today=dt.date(2024, 6, 30)
)


def test_a_download_is_written_as_it_arrives(
    emulator_factory: Callable[..., EmulatorServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "DOWNLOAD_CHUNK", 4096)
    server = emulator_factory(MONTH)
    adv = server.advertiser_ids[0]
    writes: list[int] = []

    class Sink(io.BytesIO):
        def write(self, data: Any) -> int:
            writes.append(len(data))
            return super().write(data)

    sink = Sink()
    with TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_retries=0) as client:
        month = DateWindow(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
        ar.run_task(client, AD, adv, month, sink, sleep=lambda s: None)
    body = sink.getvalue()
    assert body.startswith(b"ad_id,stat_time_day,") and body.count(b"\n") > 500 and len(body) > 10 * 4096
    assert max(writes) <= 4096 and len(writes) >= 10  # chunk by chunk, never the whole body at once


@pytest.mark.parametrize("broken", [True, False])
def test_a_download_cut_short_is_retried_from_the_start(
    emulator_factory: Callable[..., EmulatorServer], monkeypatch: pytest.MonkeyPatch, broken: bool
) -> None:
    server = emulator_factory(MONTH)
    adv = server.advertiser_ids[0]
    month = DateWindow(dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    with TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_retries=0) as client:
        whole = io.BytesIO()
        ar.run_task(client, AD, adv, month, whole, sleep=lambda s: None)
    cut = cut_downloads(monkeypatch, after=len(whole.getvalue()) // 2, broken=broken, times=1)
    kwargs: dict[str, Any] = {"max_qps": 0, "backoff_base": 0.0}
    with TikTokClient(server.access_token, base_url=server.base_url, max_retries=1, **kwargs) as client:
        sink = io.BytesIO()
        ar.run_task(client, AD, adv, month, sink, sleep=lambda s: None)
    assert len(cut) == 1
    if broken:  # the transfer broke: retried, and the file holds the second attempt only
        assert sink.getvalue() == whole.getvalue()
    else:  # ended early but cleanly: HTTP cannot tell; the CSV's cut last row is what the reader refuses
        assert len(sink.getvalue()) == len(whole.getvalue()) // 2
    cut = cut_downloads(monkeypatch, after=1000)
    with (
        TikTokClient(server.access_token, base_url=server.base_url, max_retries=0, **kwargs) as client,
        pytest.raises(TikTokTransientError, match="(?i)connection broken") as err,
    ):
        ar.run_task(client, AD, adv, month, io.BytesIO(), sleep=lambda s: None)
    assert err.value.path == "/open_api/v1.3/report/task/download/" and err.value.advertiser_id == adv


def test_a_cancelled_task_wait_sends_no_more_checks(
    emulator_factory: Callable[..., EmulatorServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a closed stream's worker (cancelled_by) waiting for its task stops at once, not after the next 30 s check
    monkeypatch.setattr(ar, "FIRST_POLL_SECONDS", 30.0)
    server = emulator_factory()
    adv = server.advertiser_ids[0]
    day = DateWindow(dt.date(2024, 6, 1), dt.date(2024, 6, 10))
    closed = threading.Event()
    closed.set()
    client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_retries=0)
    with (
        client,
        client_module.cancelled_by(closed),
        pytest.raises(RequestsCancelled, match="no longer wanted"),
    ):
        ar.create_and_wait(client, AD, adv, day)  # the real sleep: without the event it would wait 30 s
    assert server.stats.requests["report/task/create/"] == 1
    assert server.stats.requests["report/task/check/"] == 0

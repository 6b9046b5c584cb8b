"""Large accounts' campaigns, ad groups and ads through the change log (issue 16): the tables equal, row for row,
those loaded by full lists, deleted objects included, in fewer requests; a failing change log falls back."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from support import data_rows, make_pipeline, run

from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.resources import entity_changes

Factory = Callable[..., EmulatorServer]
# the emulators here do not limit the change log, so the client's 1-per-second pacing of it would only wait
pytestmark = pytest.mark.usefixtures("unpaced_task_paths")

TODAY = dt.date(2026, 5, 20)
#: 96 ads in pages of 10 (10 pages: the change log), 16 ad groups (2 pages: full lists), 4 campaigns
WORLD = WorldConfig(
    seed=41, advertisers=2, campaigns=4, adgroups=4, ads=6, days=40, today=TODAY, delete_rate=0.3
)
TABLES = ["campaigns", "adgroups", "ads"]
#: the clock of each run: a first load, a day later, four more days later
RUNS = [dt.timedelta(0), dt.timedelta(days=1, hours=3), dt.timedelta(days=5)]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entity_changes, "sleep", lambda seconds: None)


def _load_both(
    tmp_path: Path, emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch, *, include_deleted: bool
) -> tuple[EmulatorServer, EmulatorServer, list[Counter[str]], list[Counter[str]], object, object]:
    """Every run through the change log (one emulator) and through full lists (another, same world)."""
    logs, full = emulator_factory(WORLD), emulator_factory(WORLD)
    with_log, without = make_pipeline(tmp_path, "with_log"), make_pipeline(tmp_path, "without")
    log_requests: list[Counter[str]] = []
    full_requests: list[Counter[str]] = []
    start = logs.world.now
    default = entity_changes.MIN_LIST_PAGES
    for step in RUNS:
        for server, pipeline, counted, pages in (
            (logs, with_log, log_requests, default),
            (full, without, full_requests, 10**9),
        ):
            monkeypatch.setattr(entity_changes, "MIN_LIST_PAGES", pages)
            server.world.set_now(start + step)
            before = Counter(server.stats.requests)
            run(
                pipeline,
                server,
                start_date=TODAY,
                tables=TABLES,
                page_size=10,
                include_deleted=include_deleted,
            )
            counted.append(Counter(server.stats.requests) - before)
    return logs, full, log_requests, full_requests, with_log, without


@pytest.mark.parametrize("include_deleted", [False, True])
def test_change_log_path_loads_the_same_rows_in_fewer_requests(
    tmp_path: Path, emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch, include_deleted: bool
) -> None:
    logs, full, log_requests, full_requests, with_log, without = _load_both(
        tmp_path, emulator_factory, monkeypatch, include_deleted=include_deleted
    )
    for table in TABLES:
        got, want = data_rows(with_log, table), data_rows(without, table)  # type: ignore[arg-type]
        assert got == want, table
    ads = data_rows(with_log, "ads")  # type: ignore[arg-type]
    statuses = {dict(r)["secondary_status"] for r in ads}
    assert any("DELETE" in str(s) for s in statuses) == include_deleted
    # the first load is full lists; the later runs use one change log round per advertiser
    assert log_requests[0] == full_requests[0]
    assert logs.api.changelog.created == 2 * (len(RUNS) - 1) and full.api.changelog.created == 0
    for later in (1, 2):
        assert log_requests[later]["changelog/task/create/"] == 2
        assert log_requests[later]["ad/get/"] < full_requests[later]["ad/get/"]
        assert sum(log_requests[later].values()) < sum(full_requests[later].values())
        # ad groups (2 pages) and campaigns (1 page) stay full lists
        assert log_requests[later]["adgroup/get/"] == full_requests[later]["adgroup/get/"]


def test_a_failed_change_log_falls_back_to_full_lists(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = emulator_factory(WORLD)
    reference = emulator_factory(WORLD)
    pipeline, other = make_pipeline(tmp_path, "fails"), make_pipeline(tmp_path, "reference")
    settings = {"start_date": TODAY, "tables": TABLES, "page_size": 10, "include_deleted": True}
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    run(other, reference, **settings)  # type: ignore[arg-type]
    later = server.world.now + dt.timedelta(days=2)
    server.world.set_now(later)
    reference.world.set_now(later)
    server.api.changelog.fail_next(2)  # both advertisers' rounds
    before = Counter(server.stats.requests)
    summary = run(pipeline, server, **settings)  # type: ignore[arg-type]
    served = Counter(server.stats.requests) - before
    assert served["changelog/task/create/"] == 2 and served["changelog/task/download/"] == 0
    assert "did not deliver" in caplog.text
    assert summary is not None
    run(other, reference, **{**settings})  # type: ignore[arg-type]
    for table in TABLES:
        assert data_rows(pipeline, table) == data_rows(other, table), table
    # the next run tries the change log again
    server.world.set_now(later + dt.timedelta(hours=5))
    before = Counter(server.stats.requests)
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    assert (Counter(server.stats.requests) - before)["changelog/task/download/"] == 2


def test_parse_changelog_reads_the_production_answer_and_its_variants() -> None:
    csv_text = (
        "Budget changes,1\r\nBid changes,0\r\n\r\n"
        "Time,log_object_type,Object ID,Object,Operator,Source,App ID,Activity details\r\n"
        '2026-05-01 10:00:00,Campaign,171,"C, one",me,API,1,"[{""action"": ""Change""}]"\r\n'
        "2026-05-01 11:00:00,Ad group,172,G,me,API,1,[]\r\n"
        "2026-05-01 12:00:00,AD,173,A,me,API,1,[]\r\n"
        "2026-05-01 12:00:00,Advertiser,7000,X,me,API,1,[]\r\n"
        "2026-05-01 12:00:00,Creative,174,X,me,API,1,[]\r\n"
    )
    want = {"campaign": {"171", "174"}, "adgroup": {"172", "174"}, "ad": {"173", "174"}}
    as_repr = repr({"file_data": csv_text.encode(), "file_name": "log.csv"})
    assert entity_changes.parse_changelog({"status": "SUCCESS", "changelog": as_repr}) == want
    as_dict = {"file_data": csv_text, "file_name": "log.csv"}
    assert entity_changes.parse_changelog({"changelog": as_dict}) == want
    assert entity_changes.parse_changelog({"changelog": csv_text}) == want
    empty = entity_changes.parse_changelog({"changelog": repr({"file_data": b"Budget changes,0\r\n"})})
    assert empty == {"campaign": set(), "adgroup": set(), "ad": set()}
    for bad in (
        {"changelog": "<html>"},
        {"changelog": None},
        {"status": "PROCESSING"},
        {"changelog": "{oops"},
    ):
        with pytest.raises(entity_changes.ChangeLogError):
            entity_changes.parse_changelog(bad)


def test_a_cursor_older_than_the_log_window_reads_full_lists(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    settings = {"start_date": TODAY, "tables": ["ads"], "page_size": 10}
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    server.world.set_now(server.world.now + entity_changes.MAX_CURSOR_AGE + dt.timedelta(days=1))
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    assert server.api.changelog.created == 0
    server.world.set_now(server.world.now + dt.timedelta(hours=6))
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    assert server.api.changelog.created >= 1  # (an advertiser whose list shrank below 6 pages stays on lists)


def test_more_changed_ids_than_list_pages_read_the_full_list(
    tmp_path: Path, emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, reference = emulator_factory(WORLD), emulator_factory(WORLD)
    pipeline, other = make_pipeline(tmp_path, "bulk"), make_pipeline(tmp_path, "lists")
    settings = {"start_date": TODAY, "tables": ["ads"], "page_size": 10}
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    monkeypatch.setattr(entity_changes, "MIN_LIST_PAGES", 10**9)
    run(other, reference, **settings)  # type: ignore[arg-type]
    monkeypatch.setattr(entity_changes, "MIN_LIST_PAGES", 6)
    monkeypatch.setattr(
        entity_changes, "MAX_IDS", 1
    )  # every changed id a request: more than the list's pages
    later = server.world.now + dt.timedelta(days=3)
    server.world.set_now(later)
    reference.world.set_now(later)
    before, before_ref = Counter(server.stats.requests), Counter(reference.stats.requests)
    run(pipeline, server, **settings)  # type: ignore[arg-type]
    monkeypatch.setattr(entity_changes, "MIN_LIST_PAGES", 10**9)
    run(other, reference, **settings)  # type: ignore[arg-type]
    served, listed = Counter(server.stats.requests) - before, Counter(reference.stats.requests) - before_ref
    assert served["changelog/task/download/"] == 2
    assert served["ad/get/"] == listed["ad/get/"]
    assert data_rows(pipeline, "ads") == data_rows(other, "ads")

"""End to end through dlt into duckdb against the emulator: tables, keys, types in the warehouse, state, and the
pipeline script (``--demo``, no credentials, failures). Value-for-value truth comparisons are in
``tests/e2e/test_truth.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import pytest
import support
from support import all_advertiser_states, query, warehouse_type

from tiktok_ads import TABLES as ALL_TABLES
from tiktok_ads import RunSummary
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads_pipeline import main as script_main

#: the tables a run without the ``tables`` setting loads (not the opt-in ones such as ad_images)
TABLES = {name: ALL_TABLES[name] for name in DEFAULT_TABLES}

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=5, advertisers=2, campaigns=2, adgroups=1, ads=2, days=35, today=TODAY)
START = TODAY - dt.timedelta(days=35)


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    """An emulator of ``WORLD``."""
    return emulator_factory(WORLD)


def make_pipeline(tmp_path: Path) -> dlt.Pipeline:
    return support.make_pipeline(tmp_path, "tiktok_ads_e2e_pipeline")


def load(
    pipeline: dlt.Pipeline, server: EmulatorServer, summary: RunSummary | None = None, **settings: Any
) -> Any:
    """A run of every default table from ``START`` (unless ``settings`` say otherwise)."""
    settings.setdefault("start_date", START)
    return support.load(pipeline, support.emulator_source(server, summary=summary, **settings))


def counts(pipeline: dlt.Pipeline, names: Any = None) -> dict[str, int]:
    return support.counts(pipeline, names or TABLES)


def test_full_load_of_all_nine_tables(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path)
    summary = RunSummary()
    info = load(pipeline, server, summary)
    assert not info.has_failed_jobs
    rows = counts(pipeline)
    assert all(rows[name] > 0 for name in TABLES), rows
    assert rows["advertisers"] == 2
    assert summary.rows_by_table() == rows  # first run: every yielded row is a new row
    dataset = pipeline.dataset_name

    # no nested child tables: reports are flat, lists stay json columns
    tables = {
        r[0]
        for r in query(
            pipeline, f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{dataset}'"
        )
    }
    assert {t for t in tables if not t.startswith("_dlt")} == set(TABLES)

    for name, spec in TABLES.items():
        key = ", ".join(spec.primary_key)
        nulls = [*spec.primary_key, "advertiser_id"]
        keys, *null_counts, columns = support.queries(  # one opening of the duckdb file per table
            pipeline,
            [
                f"SELECT count(*), count(DISTINCT ({key})) FROM {name}",
                *(f"SELECT count(*) FROM {name} WHERE {column} IS NULL" for column in nulls),
                "SELECT column_name, data_type FROM information_schema.columns "
                f"WHERE table_schema = '{dataset}' AND table_name = '{name}'",
            ],
        )
        # keys unique and never null
        total, distinct = keys[0]
        assert total == distinct, f"{name}: duplicate keys"
        for column, found in zip(nulls, null_counts, strict=True):
            assert found[0][0] == 0, (name, column)
        # column types in the warehouse are the pinned ones
        types = dict(columns)
        for column, hint in spec.columns.items():
            assert types.get(column) == warehouse_type("duckdb", hint), (
                name,
                column,
                types.get(column),
            )

    # every row belongs to a configured advertiser, report days within start..today
    reports = [name for name, spec in TABLES.items() if spec.kind == "report"]
    found = support.queries(
        pipeline,
        [
            *(f"SELECT DISTINCT advertiser_id FROM {name}" for name in TABLES),
            *(f"SELECT min(stat_time_day), max(stat_time_day) FROM {name}" for name in reports),
        ],
    )
    for name, advertisers in zip(TABLES, found, strict=False):
        assert {r[0] for r in advertisers} <= set(server.advertiser_ids), name
    for name, days in zip(reports, found[len(TABLES) :], strict=True):
        first, last = days[0]
        assert first >= START and last <= TODAY + dt.timedelta(days=1), name

    # '-' metrics are NULL, not text: e.g. secondary goals of ad groups without one
    nulls = query(pipeline, "SELECT count(*) FROM ad_insights WHERE secondary_goal_result IS NULL")[0][0]
    assert nulls >= 0  # the column is BIGINT (checked above), so a '-' could not have been stored as text


def test_second_run_adds_nothing_and_state_is_per_advertiser(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server)
    before = counts(pipeline)
    sums = query(pipeline, "SELECT sum(spend), sum(impressions), sum(conversion) FROM ad_insights")
    state = all_advertiser_states(pipeline)
    for name, spec in TABLES.items():
        if spec.kind == "report":
            entries = state[name]
            assert set(entries) == set(server.advertiser_ids)
            for adv, entry in entries.items():
                local_today = server.world.local_today(adv)
                assert entry["last_day"] == local_today.isoformat(), (name, adv)
                assert entry["start_date"] == START.isoformat()
        elif spec.kind == "entity":
            assert set(state[name]) == set(server.advertiser_ids)

    summary = RunSummary()
    load(pipeline, server, summary)
    assert counts(pipeline) == before
    assert query(pipeline, "SELECT sum(spend), sum(impressions), sum(conversion) FROM ad_insights") == sums
    # the rerun read only the attribution window (plus the last day) of the reports
    for (table, adv), days in summary.ranges.items():
        if TABLES[table].kind == "report":
            last = server.world.local_today(adv)
            assert days == f"{(last - dt.timedelta(days=7)).isoformat()}..{last.isoformat()}", (
                table,
                adv,
                days,
            )


def test_an_advertiser_added_later_loads_its_whole_history(tmp_path: Path, server: EmulatorServer) -> None:
    first, second = server.advertiser_ids
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server, advertiser_ids=[first], tables=["ad_insights", "ads"])
    alone = query(pipeline, f"SELECT count(*) FROM ad_insights WHERE advertiser_id = '{first}'")[0][0]

    summary = RunSummary()
    load(pipeline, server, summary, advertiser_ids=[first, second], tables=["ad_insights", "ads"])
    assert summary.ranges[("ad_insights", second)].startswith(START.isoformat())  # whole history
    assert not summary.ranges[("ad_insights", first)].startswith(START.isoformat())  # only its window
    min_day = query(pipeline, f"SELECT min(stat_time_day) FROM ad_insights WHERE advertiser_id = '{second}'")[
        0
    ][0]
    assert min_day <= START + dt.timedelta(days=7)
    assert query(pipeline, f"SELECT count(*) FROM ad_insights WHERE advertiser_id = '{first}'")[0][0] == alone

    # removing an advertiser keeps its data
    load(pipeline, server, advertiser_ids=[second], tables=["ad_insights"])
    assert query(pipeline, f"SELECT count(*) FROM ad_insights WHERE advertiser_id = '{first}'")[0][0] == alone


def test_backfill_leaves_incremental_state_alone(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server, tables=["ad_insights", "campaigns"])
    state = all_advertiser_states(pipeline)
    before = counts(pipeline, ["ad_insights", "campaigns"])
    summary = RunSummary()
    end = START + dt.timedelta(days=9)
    load(pipeline, server, summary, tables=["ad_insights", "campaigns"], end_date=end.isoformat())
    assert all_advertiser_states(pipeline) == state
    assert counts(pipeline, ["ad_insights", "campaigns"]) == before
    for adv in server.advertiser_ids:
        assert summary.ranges[("ad_insights", adv)] == f"{START.isoformat()}..{end.isoformat()}"


def test_external_scheduler_interval_is_a_backfill(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server, tables=["ad_insights"])
    state = all_advertiser_states(pipeline)
    monkeypatch.setenv("DLT_INTERVAL_START", "2024-06-01T00:00:00+00:00")
    monkeypatch.setenv("DLT_INTERVAL_END", "2024-06-03T00:00:00+00:00")
    summary = RunSummary()
    load(pipeline, server, summary, tables=["ad_insights"])  # not allowed: a normal incremental run
    assert summary.ranges[("ad_insights", server.advertiser_ids[0])].endswith(
        server.world.local_today(server.advertiser_ids[0]).isoformat()
    )
    state = all_advertiser_states(pipeline)
    summary = RunSummary()
    load(pipeline, server, summary, tables=["ad_insights"], allow_external_schedulers=True)
    for adv in server.advertiser_ids:
        assert summary.ranges[("ad_insights", adv)] == "2024-06-01..2024-06-02"
    assert all_advertiser_states(pipeline) == state


def test_a_failed_run_changes_nothing_and_the_next_run_completes(
    tmp_path: Path, server: EmulatorServer
) -> None:
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server)
    before, state = counts(pipeline), all_advertiser_states(pipeline)
    server.world.set_today(TODAY + dt.timedelta(days=2))

    server.script_fault("report/integrated/get/", nth=6, fault="50002", times=100)
    with pytest.raises(Exception) as info:
        load(pipeline, server, max_retries=2)
    from tiktok_ads.errors import TikTokTransientError, find_tiktok_error

    err = find_tiktok_error(info.value)
    assert isinstance(err, TikTokTransientError) and err.code == 50002
    text = str(err)
    assert "advertiser" in text and "table" in text and "window" in text and "request_id" in text
    assert counts(pipeline) == before
    assert all_advertiser_states(pipeline) == state
    restored = dlt.attach(pipeline.pipeline_name, pipelines_dir=pipeline.pipelines_dir)
    assert not restored.list_extracted_load_packages() and not restored.list_normalized_load_packages()

    server.set_faults()  # drop the scripted fault
    load(pipeline, server)
    after = query(pipeline, "SELECT max(stat_time_day) FROM ad_insights")[0][0]
    assert after > TODAY
    assert all_advertiser_states(pipeline) != state


def test_secrets_stay_out_of_state_trace_and_data(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path)
    load(pipeline, server, tables=["advertisers", "campaigns"], app_id=server.app_id, secret=server.secret)
    token, secret = server.access_token, server.secret
    assert pipeline.last_trace is not None
    blobs = [
        json.dumps(support.pipeline_state(pipeline)),
        str(pipeline.last_trace),
        repr(pipeline.last_trace.asdict()),
    ]
    for path in Path(pipeline.pipelines_dir).rglob("*"):
        if path.is_file():
            blobs.append(path.read_bytes().decode("utf-8", "replace"))
    for blob in blobs:
        assert token not in blob and secret not in blob


# ------------------------------------------------------------------------------------------ the script


def script(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 240
) -> subprocess.CompletedProcess[str]:
    return support.run_script(args, cwd=cwd, env=support.script_env(env), timeout=timeout)


def test_demo_loads_all_nine_tables(tmp_path: Path) -> None:
    proc = script(["--demo", "--pipelines-dir", str(tmp_path / "pipelines")], tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in TABLES:
        assert name in proc.stdout
    assert "total" in proc.stdout and "Requests:" in proc.stdout and "Time:" in proc.stdout
    assert "dlt pipeline tiktok_ads show" in proc.stdout
    assert "Traceback" not in proc.stderr
    import duckdb

    with duckdb.connect(str(tmp_path / "tiktok_ads.duckdb"), read_only=True) as con:
        for name in TABLES:
            assert con.execute(f"SELECT count(*) FROM tiktok_ads_demo.{name}").fetchone()[0] > 0, name  # type: ignore[index]
    info = subprocess.run(
        [
            sys.executable,
            "-m",
            "dlt",
            "pipeline",
            "--pipelines-dir",
            str(tmp_path / "pipelines"),
            "tiktok_ads",
            "info",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"},
    )
    assert info.returncode == 0 and "tiktok_ads_demo" in info.stdout, info.stdout + info.stderr


def test_script_without_credentials_says_what_to_set(tmp_path: Path) -> None:
    proc = script(["--pipelines-dir", str(tmp_path / "pipelines")], tmp_path)
    assert proc.returncode == 2
    assert "SOURCES__TIKTOK_ADS__ACCESS_TOKEN" in proc.stderr and ".dlt/secrets.toml" in proc.stderr
    assert "--demo" in proc.stderr and "Traceback" not in proc.stderr


def test_script_rejects_bad_settings_before_any_request(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first case in a process of its own, as a user runs it; the others through the script's ``main`` in
    this process (the same code path and exit code, without seconds of imports per case)."""
    env = {
        "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": "tok-Xy12Zq98",
        "SOURCES__TIKTOK_ADS__BASE_URL": "http://127.0.0.1:9",
    }
    cases = [
        (["--advertiser-ids", "12,abc"], "sources.tiktok_ads.advertiser_ids"),
        (["--advertiser-ids", "12", "--start-date", "2024-02-30"], "sources.tiktok_ads.start_date"),
        (
            ["--advertiser-ids", "12", "--start-date", "2024-03-01", "--end-date", "2024-02-01"],
            "sources.tiktok_ads.end_date",
        ),
        (["--advertiser-ids", "12", "--tables", "ads,nope"], "sources.tiktok_ads.tables"),
        (
            ["--advertiser-ids", "12", "--attribution-window-days", "-1"],
            "sources.tiktok_ads.attribution_window_days",
        ),
        (["--advertiser-ids", "12", "--destination", "nowhere"], "--destination"),
        ([], "sources.tiktok_ads.advertiser_ids"),
    ]
    (first_args, first_setting), *others = cases
    proc = script([*first_args, "--pipelines-dir", str(workdir / "p")], workdir, env)
    assert proc.returncode == 2, (first_args, proc.stdout, proc.stderr)
    assert first_setting in proc.stderr and "Traceback" not in proc.stderr, (first_args, proc.stderr)
    assert "tok-Xy12Zq98" not in proc.stderr + proc.stdout
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for args, setting in others:
        capsys.readouterr()
        code = script_main([*args, "--pipelines-dir", str(workdir / "p")])
        out, err = capsys.readouterr()
        assert code == 2, (args, out, err)
        assert setting in err and "Traceback" not in err, (args, err)
        assert "tok-Xy12Zq98" not in err + out


def test_script_failure_is_one_clear_paragraph(tmp_path: Path, server: EmulatorServer) -> None:
    env = {
        "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": "revoked-token-Mn54Rt",
        "SOURCES__TIKTOK_ADS__BASE_URL": server.base_url,
        "SOURCES__TIKTOK_ADS__ADVERTISER_IDS": ",".join(server.advertiser_ids),
        "SOURCES__TIKTOK_ADS__START_DATE": START.isoformat(),
    }
    proc = script(["--pipelines-dir", str(tmp_path / "p")], tmp_path, env)
    assert proc.returncode == 1
    message = proc.stderr.strip()
    assert "40105" in message and "Re-authorize" in message and "sources.tiktok_ads.access_token" in message
    assert "Nothing was changed" in message and "Traceback" not in message
    assert "revoked-token-Mn54Rt" not in proc.stdout + proc.stderr
    assert len([line for line in message.splitlines() if line.strip()]) == 1


def test_script_loads_with_settings_from_env(tmp_path: Path, server: EmulatorServer) -> None:
    env = {
        "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": server.access_token,
        "SOURCES__TIKTOK_ADS__BASE_URL": server.base_url,
        "SOURCES__TIKTOK_ADS__APP_ID": server.app_id,
        "SOURCES__TIKTOK_ADS__SECRET": server.secret,
        "SOURCES__TIKTOK_ADS__MAX_QPS": "0",
    }
    # no advertiser ids: every advertiser the token can read, found with the app credentials
    proc = script(
        [
            "--tables",
            "advertisers,campaigns",
            "--pipelines-dir",
            str(tmp_path / "p"),
            "--dataset-name",
            "from_env",
        ],
        tmp_path,
        env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for adv in server.advertiser_ids:
        assert adv in proc.stdout
    assert (
        server.access_token not in proc.stdout + proc.stderr
        and server.secret not in proc.stdout + proc.stderr
    )

"""A newcomer's first hour (issue 12): every message of the pipeline script names its cause.

Each test makes one thing wrong (a broken TOML file, a host that refuses connections, an empty option, bad
JSON ...) and checks that the script says what it is and where it comes from, and stops before loading
anything. The script runs in-process in ``workdir`` (no settings of the user's: see ``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import support
import tomlkit

import tiktok_ads_pipeline as script
from tiktok_ads import TikTokClient
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.errors import TikTokConnectionError, TikTokTransientError
from tiktok_ads_pipeline import run_auth

ROOT = Path(__file__).resolve().parents[2]
Factory = Callable[..., EmulatorServer]
SETTING = "sources.tiktok_ads."
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=12, advertisers=2, campaigns=1, adgroups=1, ads=2, days=12, today=TODAY)


def closed_port() -> int:
    """A loopback port nothing listens on (bound once, then released: connections to it are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(emulator_factory: Factory) -> EmulatorServer:
    """An emulator of ``WORLD``."""
    return emulator_factory(WORLD)


def settings_env(monkeypatch: pytest.MonkeyPatch, server: EmulatorServer | None, **extra: str) -> None:
    """Valid ``SOURCES__TIKTOK_ADS__*`` settings for ``server`` (or for a host that is down), plus ``extra``."""
    values = {
        "ACCESS_TOKEN": server.access_token if server else "a-token-for-nowhere",
        "BASE_URL": server.base_url if server else f"http://127.0.0.1:{closed_port()}",
        "ADVERTISER_IDS": ",".join(server.advertiser_ids) if server else "7002238017842757633",
        "START_DATE": (TODAY - dt.timedelta(days=5)).isoformat(),
        "MAX_QPS": "0",
        **extra,
    }
    for key, value in values.items():
        monkeypatch.setenv(f"SOURCES__TIKTOK_ADS__{key}", value)


def run_script(args: list[str], workdir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``tiktok_ads_pipeline.py ARGS`` in-process, with its pipelines folder in ``workdir``."""
    capsys.readouterr()
    code = script.main([*args, "--pipelines-dir", str(workdir / "pipelines")])
    out, err = capsys.readouterr()
    return code, out, err


BROKEN_TOML = '[sources.tiktok_ads]\nstart_date = "2024-01-01\n'  # the closing quote is missing


@pytest.mark.parametrize("file_name", ["config.toml", "secrets.toml"])
@pytest.mark.parametrize("traceback", [False, True])
def test_a_broken_dlt_file_is_named_with_its_toml_error(
    file_name: str,
    traceback: bool,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from dlt.common.runtime import run_context

    settings_env(monkeypatch, None)
    # where dlt reads .dlt/ from (the test's own folder, see tests/hermetic.py)
    broken = Path(run_context.active().settings_dir) / file_name
    broken.write_text(BROKEN_TOML)
    try:
        code, out, err = run_script(["--traceback"] if traceback else [], workdir, capsys)
        assert code == script.EXIT_USAGE, (out, err)
        assert str(broken) in err and "not valid TOML" in err and "line 2" in err, err
        assert "not a dlt destination" not in err
        # the auth command reads the same files: same message
        assert script.main(["auth", "--app-id", "1"]) == script.EXIT_USAGE
        assert str(broken) in capsys.readouterr().err
    finally:
        broken.unlink()  # dlt's providers, if anything read them, must not fail the fixture's teardown


def test_a_broken_dlt_file_in_the_checkout_is_named_by_a_fresh_process(workdir: Path) -> None:
    broken = workdir / ".dlt" / "secrets.toml"
    broken.parent.mkdir()
    broken.write_text(BROKEN_TOML)
    try:
        done = support.run_script(["--pipelines-dir", str(workdir / "pipelines")], cwd=workdir, timeout=120)
    finally:
        broken.unlink()  # restoring dlt's own context at teardown reads ./.dlt (the working folder)
    assert done.returncode == script.EXIT_USAGE, done.stderr
    assert ".dlt/secrets.toml" in done.stderr and "not valid TOML" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_host_that_refuses_the_first_connection_fails_at_once_naming_it_and_the_setting(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_env(monkeypatch, None)  # base_url: a loopback port nobody listens on; default max_retries (8)
    started = time.monotonic()
    code, out, err = run_script(["--progress", "none"], workdir, capsys)
    assert code == script.EXIT_FAILED, (out, err)
    assert "Connection refused" in err and "connection refused by 127.0.0.1:" in err, err
    assert "sources.tiktok_ads.base_url" in err, err
    # one attempt, no backoff: the retries of a transient problem would take a minute
    assert "(1 request, 0 retried)" in err, err
    assert time.monotonic() - started < 30


def test_a_refused_connection_after_the_host_answered_is_retried_with_its_cause_in_full(
    emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = emulator_factory(WORLD)
    sleeps: list[float] = []
    client = TikTokClient(
        server.access_token, base_url=server.base_url, max_qps=0, max_retries=2, sleep=sleeps.append
    )
    try:
        advertiser = server.advertiser_ids[0]
        client.get("advertiser/info/", {"advertiser_ids": [advertiser]}, advertiser_id=advertiser)
        server.stop()  # the host has answered once; now it is gone
        with caplog.at_level(logging.WARNING, "tiktok_ads"), pytest.raises(TikTokTransientError) as failure:
            client.get("advertiser/info/", {"advertiser_ids": [advertiser]}, advertiser_id=advertiser)
    finally:
        client.close()
    assert not isinstance(failure.value, TikTokConnectionError)
    assert failure.value.attempts == 3 and len(sleeps) == 2
    retry_lines = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retry_lines) == 2
    for line in retry_lines:
        # the whole cause, ending with the system's words, never cut mid-word
        assert re.search(
            r"connection refused by 127\.0\.0\.1:\d+ \(\[Errno \d+\] Connection refused\)$", line
        ), line


def test_progress_counts_leave_out_the_day_marker_rows(
    workdir: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_env(monkeypatch, server)
    code, out, err = run_script(["--progress", "log", "--tables", "ad_insights,ads"], workdir, capsys)
    assert code == script.EXIT_OK, err
    with duckdb.connect(str(workdir / "tiktok_ads.duckdb"), read_only=True) as db:
        (stored,) = db.sql("select count(*) from tiktok_ads_data.ad_insights").fetchone()  # type: ignore[misc]
    assert stored > 0
    # every progress line of the table (extract and normalize, at every step's end) shows the stored rows
    counts = [int(n) for n in re.findall(r"^ad_insights: (\d+) ", out, re.M)]
    assert counts and counts[-1] == stored, (stored, counts)
    blocks = out.split("Normalize tiktok_ads")
    extracted = [int(n) for n in re.findall(r"^ad_insights: (\d+) ", blocks[0], re.M)]
    assert extracted[-1] == stored, (stored, extracted)


def test_malformed_metrics_json_on_the_command_line_says_where_it_broke(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        script.main(["--metrics", '{"ad_insights": ["spend",]}'])
    assert exit_info.value.code == script.EXIT_USAGE
    err = capsys.readouterr().err
    assert "--metrics" in err and "not valid JSON" in err and "line 1 column 26" in err, err
    with pytest.raises(SystemExit):
        script.main(["--metrics", '["spend"]'])
    assert "a JSON object" in capsys.readouterr().err


def test_option_abbreviations_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        script.main(["--start", "2024-01-01"])
    assert exit_info.value.code == script.EXIT_USAGE
    assert "unrecognized arguments: --start" in capsys.readouterr().err


def test_usage_and_the_no_credentials_message_point_at_auth(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        script.main(["--no-such-option"])
    usage = capsys.readouterr().err
    assert re.search(r"^\s+tiktok_ads_pipeline\.py auth ", usage, re.M), usage
    code, out, err = run_script([], workdir, capsys)
    assert code == script.EXIT_USAGE
    assert "tiktok_ads_pipeline.py auth --app-id" in err, err


def test_pipelines_dir_help_names_dlts_real_default(capsys: pytest.CaptureFixture[str]) -> None:
    from dlt.common.pipeline import get_dlt_pipelines_dir

    with pytest.raises(SystemExit):
        script.main(["--help"])
    packed = "".join(capsys.readouterr().out.split())  # argparse wraps long paths at their dashes
    assert f"(default:{get_dlt_pipelines_dir()})" in packed, packed


def test_auth_with_a_base_url_stores_it_so_the_next_run_goes_to_the_same_host(
    workdir: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    auth_code = server.api.issue_auth_code(list(server.advertiser_ids))
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__SECRET", server.secret)
    out = io.StringIO()
    args = ["--app-id", server.app_id, "--auth-code", auth_code, "--base-url", server.base_url]
    assert run_auth(args, out=out) == script.EXIT_OK, capsys.readouterr().err
    stored = tomlkit.parse((workdir / ".dlt" / "secrets.toml").read_text())["sources"]["tiktok_ads"]  # type: ignore[index]
    assert stored["base_url"] == server.base_url  # type: ignore[index]
    assert f"base_url {server.base_url}" in out.getvalue()
    # the run the message tells the user to start (a new process: dlt reads .dlt/ afresh) goes to the emulator
    monkeypatch.delenv("SOURCES__TIKTOK_ADS__SECRET")
    before = server.stats.total_requests
    done = support.run_script(
        ["--tables", "advertisers", "--progress", "none", "--pipelines-dir", str(workdir / "pipelines")],
        cwd=workdir,
        env={**os.environ, "SOURCES__TIKTOK_ADS__MAX_QPS": "0"},
        timeout=120,
    )
    assert done.returncode == script.EXIT_OK, done.stderr
    assert server.stats.total_requests > before, server.stats.snapshot()


def test_an_end_date_after_today_is_capped_and_said(
    workdir: Path,
    caplog: pytest.LogCaptureFixture,
    server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings_env(monkeypatch, server, END_DATE="2099-01-01", TABLES="ad_insights,ad_insights_by_country")
    with caplog.at_level(logging.WARNING, "tiktok_ads"):
        code, out, err = run_script(["--progress", "none"], workdir, capsys)
    assert code == script.EXIT_OK, err
    said = [r.getMessage() for r in caplog.records if "end_date 2099-01-01 is after today" in r.getMessage()]
    # once per advertiser (naming it and its time zone), not once per table
    assert sorted(re.findall(r"advertiser (\d+) \(", " ".join(said))) == sorted(server.advertiser_ids), said


def test_a_dataset_name_dlt_renames_is_said_once_in_our_words(
    workdir: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_env(monkeypatch, server, TABLES="advertisers")
    code, out, err = run_script(["--progress", "none", "--dataset-name", "My-Ads"], workdir, capsys)
    assert code == script.EXIT_OK, err
    assert "Note: the dataset 'My-Ads' is created as 'my_ads'" in err, err
    assert "Due to normalization" not in out + err and "[WARNING]" not in out + err
    assert "dataset 'my_ads'" in out


def test_a_pipeline_whose_duckdb_file_is_gone_loads_afresh_where_it_runs(
    tmp_path: Path,
    server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """dlt keeps the default duckdb file in the folder of the pipeline's first run (``initial_cwd``), and its
    state in a pipelines folder every checkout shares: a deleted file made the next run load only the days
    after the cursors, and a deleted folder made every run fail ("Cannot open file"), ``--demo`` included.

    The first run is a process of its own, as a user starts it; the later ones run in this process (the same
    script, in the folder they are started in; a process each cost seconds of imports)."""
    pipelines = tmp_path / "pipelines"
    env = {
        "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": server.access_token,
        "SOURCES__TIKTOK_ADS__BASE_URL": server.base_url,
        "SOURCES__TIKTOK_ADS__ADVERTISER_IDS": ",".join(server.advertiser_ids),
        "SOURCES__TIKTOK_ADS__START_DATE": (TODAY - dt.timedelta(days=10)).isoformat(),
        "SOURCES__TIKTOK_ADS__MAX_QPS": "0",
    }
    args = ["--tables", "ad_insights", "--progress", "none", "--pipelines-dir", str(pipelines)]
    processes = iter([True])

    def run(folder: Path) -> tuple[int, str]:
        if next(processes, False):
            done = support.run_script(args, cwd=folder, env=support.script_env(env), timeout=120)
            return done.returncode, done.stderr
        monkeypatch.chdir(folder)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        code = script.main(args)
        return code, capsys.readouterr().err

    def run_in(folder: Path) -> tuple[str, int]:
        folder.mkdir()
        code, err = run(folder)
        assert code == script.EXIT_OK, err
        with duckdb.connect(str(folder / "tiktok_ads.duckdb"), read_only=True) as db:
            days = db.execute(
                "SELECT count(DISTINCT stat_time_day) FROM tiktok_ads_data.ad_insights"
            ).fetchone()
        return err, int(days[0])  # type: ignore[index]

    first, days = run_in(tmp_path / "a")
    assert days == 10 and "Note: earlier runs" not in first  # more than the 8 days a cursor run re-reads
    (tmp_path / "a" / "tiktok_ads.duckdb").unlink()  # only the file: the state's cursors stay behind
    said, again = run_in(tmp_path / "b")
    assert again == days, "a run into a new file must load the whole history, not the days after the cursors"
    assert f"loaded into {tmp_path / 'a' / 'tiktok_ads.duckdb'}, which no longer exists" in said, said
    shutil.rmtree(tmp_path / "b")  # the whole folder of the (new) first run
    said, again = run_in(tmp_path / "c")
    assert again == days and f"{tmp_path / 'b' / 'tiktok_ads.duckdb'}, which no longer exists" in said, said
    # the pipeline's state is the new folder's now: the next run there keeps its cursors (no note, no reload)
    code, err = run(tmp_path / "c")
    assert code == script.EXIT_OK and "Note: earlier runs" not in err, err

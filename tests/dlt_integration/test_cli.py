"""The pipeline script as users run it: ``--help``, settings from dlt's config, progress, the run table, --quiet.

The script runs as a real process against the emulator (it talks to it over HTTP, so the emulator's request
counters show what the script asked for). Settings come from where dlt reads them: ``.dlt/config.toml`` in
the working folder, ``SOURCES__TIKTOK_ADS__*`` and dlt's pipeline variables, with options winning.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import inspect
import math
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
import support

import tiktok_ads_pipeline as script
from tiktok_ads import tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads_cli.progress import make_collector, resolve_progress
from tiktok_ads_cli.run_report import RunReport, format_run_report
from tiktok_ads_cli.source_options import source_setting_options

ROOT = Path(__file__).resolve().parents[2]
#: Entities only (their requests do not depend on the date), so the script may use the real clock.
WORLD = WorldConfig(seed=31, advertisers=2, campaigns=4, adgroups=1, ads=1, days=5)
DLT_OPTIONS = (
    "--destination",
    "--dataset-name",
    "--pipelines-dir",
    "--loader-file-format",
    "--refresh",
    "--dev-mode",
    "--progress",
    "--quiet",
)


def _help_text(capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        script.main(["--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def test_help_documents_every_setting_and_dlt_option_with_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _help_text(capsys)
    flat = " ".join(text.split())
    func = inspect.unwrap(tiktok_ads)
    settings = [
        name
        for name, param in inspect.signature(func).parameters.items()
        if name not in ("client", "clock", "summary", "on_token_refresh")
    ]
    for name in settings:
        flag = "--" + name.replace("_", "-")
        if name in ("access_token", "secret", "refresh_token"):
            assert f"{flag} " not in text, f"{name} is a secret: no command-line option"
            continue
        assert re.search(rf"^\s+{flag}\b", text, re.MULTILINE), f"no option for the setting {name}"
    options = {o.name: o for o in source_setting_options()}
    assert set(options) == set(settings) - {"access_token", "secret", "refresh_token"}
    for option in options.values():
        assert option.help, f"{option.name}: no help text"
        assert " ".join(option.help.replace("``", "").split())[:40] in flat, option.name
    for flag in DLT_OPTIONS:
        assert re.search(rf"^\s+(-q, )?{flag}\b", text, re.MULTILINE), flag
    # examples: one per kind of use, and where settings come from
    examples = text[text.index("examples:") :]
    for used in (
        "--demo",
        "--destination",
        "--progress",
        "--quiet",
        "--refresh",
        "--end-date",
        "SOURCES__TIKTOK_ADS__",
    ):
        assert used in examples, f"no example with {used}"
    assert "SOURCES__TIKTOK_ADS__<NAME>" in flat and ".dlt/config.toml" in flat


def _run_script(
    args: list[str], cwd: Path, env: dict[str, str], *, tty: bool = False, timeout: float = 120
) -> tuple[int, str, str]:
    """Run the script in ``cwd``; with ``tty`` its stdout and stderr are a terminal (read back together)."""
    clean = support.script_env(env, drop=("SOURCES__", "DESTINATION__", "PROGRESS"))
    command = [sys.executable, str(support.SCRIPT), *args]
    if not tty:
        proc = support.run_script(args, cwd=cwd, env=clean, timeout=timeout)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a terminal has a size
    with subprocess.Popen(
        command, cwd=cwd, env=clean, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave
    ) as proc:
        os.close(slave)
        chunks = []
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError("the script hung")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=timeout)
    os.close(master)
    return code, b"".join(chunks).decode(errors="replace"), ""


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def _env(server: EmulatorServer) -> dict[str, str]:
    """The connection as dlt environment variables (SOURCES__TIKTOK_ADS__<SETTING>)."""
    return {
        "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": server.access_token,
        "SOURCES__TIKTOK_ADS__BASE_URL": server.base_url,
        "SOURCES__TIKTOK_ADS__ADVERTISER_IDS": ",".join(server.advertiser_ids),
        "SOURCES__TIKTOK_ADS__MAX_QPS": "0",
    }


def test_settings_come_from_toml_and_env_vars_options_win_and_the_run_ends_with_a_table(
    tmp_path: Path, server: EmulatorServer
) -> None:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text("[sources.tiktok_ads]\npage_size = 1\n")
    env = {
        **_env(server),
        "SOURCES__TIKTOK_ADS__TABLES": "advertisers,campaigns,adgroups",
        "PIPELINES__TIKTOK_ADS__DATASET_NAME": "from_env",
    }
    code, out, err = _run_script(
        ["--tables", "advertisers,campaigns", "--pipelines-dir", str(tmp_path / "p")], tmp_path, env
    )
    assert code == 0, out + err

    # page_size = 1 from .dlt/config.toml: one campaign/get/ request per campaign (and per advertiser and
    # group of buying types: auction and Reach & Frequency, then TopView)
    live = T.entity_rows(server.world, "campaign", advertiser_ids=server.advertiser_ids)
    per_adv = [sum(1 for r in live if r["advertiser_id"] == adv) for adv in server.advertiser_ids]
    top_view = {
        r["campaign_id"]
        for r in live
        if server.world.entity(r["advertiser_id"], r["campaign_id"]).buying_type == "RESERVATION_TOP_VIEW"  # type: ignore[union-attr]
    }
    per_list = [
        sum(1 for r in live if r["advertiser_id"] == adv and (r["campaign_id"] in top_view) == group)
        for adv in server.advertiser_ids
        for group in (False, True)
    ]
    assert server.stats.requests["campaign/get/"] == sum(max(1, math.ceil(n / 1)) for n in per_list)
    # --tables won over SOURCES__TIKTOK_ADS__TABLES: no ad group was asked for
    assert server.stats.requests["adgroup/get/"] == 0
    # the dataset from PIPELINES__TIKTOK_ADS__DATASET_NAME
    with duckdb.connect(str(tmp_path / "tiktok_ads.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM from_env.campaigns").fetchone() == (len(live),)
        assert con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'adgroups'"
        ).fetchone() == (0,)

    # not a terminal: progress as log lines per dlt step on stdout; stderr stays for errors
    for step in ("Extract tiktok_ads", "Normalize tiktok_ads", "Load tiktok_ads"):
        assert step in out, out
    # dlt counts resources: advertisers, and campaigns once per advertiser (each has its own cursor)
    assert (
        f"Resources: {1 + len(server.advertiser_ids)}/{1 + len(server.advertiser_ids)}" in out and err == ""
    ), err
    # the run table on stdout: a row per table, a column per advertiser, totals, requests and time
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("table "))
    assert header.split() == ["table", *sorted(server.advertiser_ids), "rows"]
    row = next(line for line in lines if line.startswith("campaigns "))
    assert row.split()[1:] == [str(n) for n in per_adv] + [str(len(live))]
    total = next(line for line in lines if line.startswith("total "))
    assert total.split()[-1] == str(len(live) + len(server.advertiser_ids))
    requests = sum(server.stats.requests.values())
    assert f"Requests: {requests} requests, 0 retried" in out
    assert re.search(
        r"^Time: \d+\.\d s \(extract \d+\.\d s, normalize \d+\.\d s, load \d+\.\d s\)$", out, re.M
    )
    assert "dlt pipeline tiktok_ads show" in out


def test_a_terminal_gets_a_progress_bar_and_quiet_prints_nothing(
    tmp_path: Path, server: EmulatorServer
) -> None:
    env = {**_env(server), "SOURCES__TIKTOK_ADS__TABLES": "advertisers,campaigns"}
    code, both, _ = _run_script(["--pipelines-dir", str(tmp_path / "p")], tmp_path, env, tty=True)
    assert code == 0, both
    assert re.search(r"Resources: 100%\|.*\| 3/3", both), both  # tqdm's bar (advertisers, 2 x campaigns)
    assert "\r" in both and "Time:" in both
    assert "Extract tiktok_ads ---" not in both  # the bar replaces the log lines

    code, out, err = _run_script(["--quiet", "--pipelines-dir", str(tmp_path / "p")], tmp_path, env)
    assert code == 0 and out == "" and err == "", (out, err)


def test_progress_choice_follows_terminal_option_and_dlt_config(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    assert resolve_progress(None, Terminal()) == "tqdm"  # type: ignore[arg-type]
    with open(os.devnull, "w") as not_a_terminal:
        assert resolve_progress("auto", not_a_terminal) == "log"
    assert type(make_collector("log", quiet=True, stream=sys.stderr)).__name__ == "NullCollector"
    with pytest.raises(ValueError, match="progress"):
        resolve_progress("fancy", sys.stderr)
    monkeypatch.setenv("PROGRESS", "none")  # dlt's own setting name
    assert script._pipeline_setting("progress") == "none"
    monkeypatch.setenv("PIPELINES__TIKTOK_ADS__PROGRESS", "log")  # the pipeline's section wins
    assert script._pipeline_setting("progress") == "log"


def test_run_table_scales_to_many_advertisers() -> None:
    advertisers = [f"70000000000000000{i:02d}" for i in range(6)]
    report = RunReport(
        destination="bigquery",
        dataset="tiktok_ads_data",
        table_rows={"campaigns": 12, "ad_insights": 600},
        rows={**{("campaigns", a): 2 for a in advertisers}, **{("ad_insights", a): 100 for a in advertisers}},
        requests="18 requests, 1 retried (40100: 1)",
        seconds=3725.0,
        step_seconds={"extract": 3600.0, "normalize": 65.0, "load": 60.0},
    )
    text = format_run_report(report)
    assert "Loaded 612 rows into bigquery dataset 'tiktok_ads_data':" in text
    assert all(len(line) < 100 for line in text.splitlines()), "one column per advertiser would not fit"
    assert sum(1 for line in text.splitlines() if line.startswith(tuple(advertisers))) == 6
    assert (
        text.splitlines()[-1]
        == "Time: 1 h 02 min (extract 1 h 00 min, normalize 1 min 05 s, load 1 min 00 s)"
    )
    assert dt.timedelta(seconds=3725) > dt.timedelta(hours=1)

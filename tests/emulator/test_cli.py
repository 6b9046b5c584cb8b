"""``python -m tiktok_ads.emulator`` as a separate process: one JSON line, serving, clean exit, determinism."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from tiktok_ads.emulator.data.model import WorldConfig

ROOT = Path(__file__).resolve().parents[2]
WORLD = ["--port", "0", "--advertisers", "2", "--campaigns", "2", "--adgroups", "2", "--ads", "2",
         "--days", "30", "--today", "2024-06-15"]  # fmt: skip
ARGS = [*WORLD, "--seed", "5", "--qps", "0", "--qpm", "0"]
KEYS = {"base_url", "access_token", "app_id", "secret", "auth_code", "advertiser_ids"}


def read_line(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """The first stdout line of ``proc`` (fails the test after ``timeout`` seconds)."""
    box: list[str] = []
    reader = threading.Thread(
        target=lambda: box.append(proc.stdout.readline() if proc.stdout else ""), daemon=True
    )
    reader.start()
    reader.join(timeout)
    if not box:
        proc.kill()
        pytest.fail("the emulator printed nothing")
    return box[0]


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start ``python -m tiktok_ads.emulator *args`` (stdout/stderr piped)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tiktok_ads.emulator", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def emulator_processes(*arg_lists: list[str]) -> Iterator[list[tuple[subprocess.Popen[str], dict[str, Any]]]]:
    """Start several emulator processes at once (start-up imports dominate); yields each with its JSON line and
    kills those the test did not stop."""
    procs = [spawn(*args) for args in arg_lists]
    try:
        started = []
        for proc in procs:
            line = read_line(proc)
            assert line.endswith("\n"), (
                line,
                proc.stderr.read() if proc.poll() is not None and proc.stderr else "",
            )
            started.append((proc, json.loads(line)))
        yield started
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def report(info: dict[str, Any]) -> dict[str, Any]:
    """A report over HTTP from a process's emulator."""
    params = {
        "advertiser_id": info["advertiser_ids"][0],
        "report_type": "BASIC",
        "data_level": "AUCTION_AD",
        "dimensions": '["ad_id","stat_time_day"]',
        "metrics": '["spend","impressions","clicks","ad_name"]',
        "start_date": "2024-06-01",
        "end_date": "2024-06-14",
        "page_size": 1000,
    }
    answer = requests.get(
        info["base_url"] + "/open_api/v1.3/report/integrated/get/",
        params=params,
        headers={"Access-Token": info["access_token"]},
        timeout=30,
    ).json()
    assert answer["code"] == 0, answer
    return dict(answer["data"])


def test_process_prints_one_json_line_serves_and_exits_cleanly() -> None:
    with emulator_processes(ARGS, ARGS) as started:
        for (proc, info), stop_signal in zip(started, (signal.SIGTERM, signal.SIGINT), strict=True):
            assert set(info) == KEYS
            assert info["base_url"].startswith("http://127.0.0.1:") and not info["base_url"].endswith("/")
            assert len(info["advertiser_ids"]) == 2
            user = requests.get(
                info["base_url"] + "/open_api/v1.3/user/info/",
                headers={"Access-Token": info["access_token"]},
                timeout=10,
            ).json()
            assert user["code"] == 0
            assert report(info)["list"]
            exchange = requests.post(
                info["base_url"] + "/open_api/v1.3/oauth2/access_token/",
                json={"app_id": info["app_id"], "secret": info["secret"], "auth_code": info["auth_code"]},
                timeout=10,
            ).json()
            assert exchange["code"] == 0 and exchange["data"]["advertiser_ids"] == info["advertiser_ids"]
            proc.send_signal(stop_signal)
            assert proc.wait(15) == 0, stop_signal
            assert proc.stdout is not None and proc.stdout.read() == ""  # exactly one line in all


def test_same_arguments_give_the_same_data() -> None:
    other_seed = [*WORLD, "--seed", "6", "--qps", "0"]
    with emulator_processes(ARGS, ARGS, other_seed) as started:
        (_, first), (_, second), (_, other) = started
        assert first["base_url"] != second["base_url"]
        assert {k: v for k, v in first.items() if k != "base_url"} == {
            k: v for k, v in second.items() if k != "base_url"
        }
        assert report(first) == report(second)
        assert other["access_token"] != first["access_token"] and report(other) != report(first)


def test_process_rate_limit_flags() -> None:
    with emulator_processes([*WORLD, "--qps", "2", "--qpm", "0", "--fault-rate", "0"]) as [(_proc, info)]:
        with requests.Session() as session:
            codes = [
                session.get(
                    info["base_url"] + "/open_api/v1.3/user/info/",
                    headers={"Access-Token": info["access_token"]},
                    timeout=10,
                ).json()["code"]
                for _ in range(4)
            ]
        assert codes[:2] == [0, 0] and 40100 in codes


def test_bad_arguments_fail_fast(capsys: pytest.CaptureFixture[str]) -> None:
    from tiktok_ads.emulator.__main__ import main

    for bad in (["--today", "yesterday"], ["--fault-kinds", "meteor"], ["--port", "x"]):
        with pytest.raises(SystemExit) as exited:
            main(bad)
        assert exited.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == "" and bad[0] in captured.err


def test_world_config_cli_args_rebuild_the_same_world() -> None:
    from tiktok_ads.emulator.__main__ import build_parser

    config = WorldConfig(
        seed=3, advertisers=4, campaigns=5, adgroups=6, ads=7, days=8, today=dt.date(2024, 1, 2)
    )
    args = build_parser().parse_args(config.cli_args())
    rebuilt = WorldConfig(
        seed=args.seed, advertisers=args.advertisers, campaigns=args.campaigns, adgroups=args.adgroups,
        ads=args.ads, days=args.days, today=args.today,
    )  # fmt: skip
    assert rebuilt == config

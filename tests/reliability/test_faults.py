"""Transient and persistent faults, end to end: the real pipeline script against the emulator over HTTP.

- With faults in 10% of requests (and a burst of TikTok rate limiting), a full load of the nine tables equals
  the truth, and the script's "Requests:" line says exactly how many requests were retried and why.
- A failure on page 7 of a report retries page 7, and only page 7.
- When the retry budget runs out the script exits 1 naming advertiser, table, window, code, message and
  request id; the destination and the incremental state are untouched; the next run loads the exact truth.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import random
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pytest
import support

import tiktok_ads_pipeline as script
from bench.bench_crash import destination_problems, truth_tables
from tiktok_ads import RunSummary
from tiktok_ads.api.client import TikTokClient
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.transport.faults import ENVELOPE_FAULTS, FAULT_KINDS, HTTP_FAULTS
from tiktok_ads.errors import TikTokTransientError

Factory = Callable[..., EmulatorServer]
REPORT = "report/integrated/get/"
#: Yesterday (UTC): the script runs on the real clock, which must never be behind the emulator's.
TODAY = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
WORLD = WorldConfig(seed=31, advertisers=2, campaigns=2, adgroups=1, ads=2, days=20, today=TODAY)


def settings(monkeypatch: pytest.MonkeyPatch, server: EmulatorServer, **values: Any) -> None:
    """Point the script at ``server`` through ``SOURCES__TIKTOK_ADS__*`` environment variables."""
    base = {
        "access_token": server.access_token,
        "base_url": server.base_url,
        "advertiser_ids": ",".join(server.advertiser_ids),
        "start_date": server.world.history_start.isoformat(),
        "max_qps": "0",
        "retry_backoff_seconds": "0.01",
    }
    base.update({k: str(v) for k, v in values.items()})
    for key, value in base.items():
        monkeypatch.setenv(f"SOURCES__TIKTOK_ADS__{key.upper()}", value)


def run_script(workdir: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``python tiktok_ads_pipeline.py ARGS`` in-process; returns exit code, stdout and stderr."""
    capsys.readouterr()
    code = script.main([*args, "--pipelines-dir", str(workdir / "pipelines")])
    out, err = capsys.readouterr()
    return code, out, err


def retried(stdout: str) -> tuple[int, dict[str, int]]:
    """Requests and retries by reason from the script's ``Requests: ...`` line."""
    match = re.search(r"Requests: (\d+) requests?, (\d+) retried(?: \(([^)]*)\))?", stdout)
    assert match, stdout
    reasons = {}
    for part in (match.group(3) or "").split(", "):
        if part:
            reason, count = part.split(": ")
            reasons[reason] = int(count)
    assert sum(reasons.values()) == int(match.group(2))
    return int(match.group(1)), reasons


def lift_rate_limits_once_both_hit(server: EmulatorServer, done: threading.Event) -> threading.Thread:
    """A burst of TikTok throttling (as when another job shares the app): the limits end as soon as the
    pipeline has met both the app limit (40100) and the advertiser-per-path limit (40133)."""

    def watch() -> None:
        while not done.is_set():
            if server.stats.rate_limited_app and server.stats.rate_limited_advertiser:
                server.set_limits()
                return
            done.wait(0.002)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_full_load_with_faults_in_ten_percent_of_requests_equals_the_truth(
    workdir: Path,
    emulator_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # every resource starts at once, unpaced (max_qps = 0): the first second's requests exceed the app's 3 QPS
    # (40100) and two of one advertiser on one path its 1 QPS (40133); then the throttling ends. (At 2 QPS the
    # app limit let so few requests through that meeting 40133 took the requests' backoff up to its 11th
    # attempt: 50-80 s of sleeping instead of 8-10 s.)
    server = emulator_factory(WORLD, fault_rate=0.1, fault_seed=5, slow_seconds=0.05)
    # every kind at least once whatever the seed draws, on top of the random 10%
    for i, kind in enumerate(FAULT_KINDS):
        server.script_fault("*", nth=30 + 4 * i, fault=kind)
    server.set_limits(qps=3, advertiser_qps=1)
    # max_qps = 0 (no pacing): every refusal of the throttled seconds uses one of a request's retries
    settings(monkeypatch, server, page_size=20, max_retries=20)
    done = threading.Event()
    watcher = lift_rate_limits_once_both_hit(server, done)
    try:
        code, out, err = run_script(workdir, capsys)
    finally:
        done.set()
        watcher.join()
    assert code == 0, out + err

    truth = truth_tables(server.world, server.advertiser_ids, server.world.history_start)
    assert destination_problems(workdir / "tiktok_ads.duckdb", truth) == []

    faults = server.stats.faults
    assert set(faults) == set(FAULT_KINDS), faults  # every kind happened
    assert server.stats.rate_limited_app and server.stats.rate_limited_advertiser
    requests, reasons = retried(out)
    assert requests == server.stats.total_requests  # every attempt is counted
    for kind in ENVELOPE_FAULTS:
        assert reasons.get(kind, 0) == faults[kind], (kind, reasons)
    for kind, status in HTTP_FAULTS.items():
        assert reasons.get(f"http_{status}", 0) == faults[kind], (kind, reasons)
    # a reset is a connection error, a truncated body is bad JSON (either way, retried)
    assert reasons.get("connection", 0) + reasons.get("bad_json", 0) == faults["reset"] + faults["truncated"]
    assert reasons.get("bad_json", 0) >= 1 and reasons.get("connection", 0) >= 1
    # throttled answers are retried (some throttled answers were also cut short: those count as bad_json)
    for code_ in ("40100", "40133"):
        assert 1 <= reasons.get(code_, 0) <= server.stats.codes[int(code_)], (code_, reasons)
    assert "timeout" not in reasons  # slow answers arrived within the timeout: not retried
    assert sum(reasons.values()) >= sum(faults.values()) - faults["slow"]


def test_a_failure_on_page_7_retries_page_7_only(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    world = WorldConfig(
        seed=31, advertisers=2, campaigns=2, adgroups=1, ads=2, days=20, today=dt.date(2026, 3, 31)
    )
    server = emulator_factory(world)
    start = server.world.history_start
    truth = truth_tables(server.world, server.advertiser_ids, start)["ad_insights_by_age_and_gender"]
    adv = collections.Counter(r["advertiser_id"] for r in truth).most_common(1)[0][0]  # the busiest one
    pipeline = support.make_pipeline(tmp_path, "page7", dataset_name=script.DEFAULT_DATASET)
    server.script_fault(REPORT, nth=1, fault="50002", page=7)  # page 7, in whatever order pages arrive
    summary = RunSummary()
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        support.run(
            pipeline,
            server,
            start_date=start,
            summary=summary,
            advertiser_ids=[adv],
            tables=["ad_insights_by_age_and_gender"],
            page_size=50,
        )

    # on the wire: every page once, page 7 twice (the first answer was TikTok's 50002)
    pages = collections.Counter(
        int(m.group(1))
        for r in caplog.records
        if REPORT in r.getMessage() and (m := re.search(r"[?&]page=(\d+)", r.getMessage()))
    )
    last = max(pages)
    assert last >= 8, pages  # a multi-page report, page 7 in the middle
    assert pages == {**{p: 1 for p in range(1, last + 1)}, 7: 2}
    assert server.stats.requests[REPORT] == last + 1 and server.stats.faults == {"50002": 1}
    assert summary.client is not None and dict(summary.client.stats.retries) == {"50002": 1}
    mine = [r for r in truth if r["advertiser_id"] == adv]
    assert destination_problems(tmp_path / "page7.duckdb", {"ad_insights_by_age_and_gender": mine}) == []


def test_backoff_has_jitter_and_grows_within_the_budget(emulator: EmulatorServer) -> None:
    sleeps: list[float] = []
    emulator.script_fault("advertiser/info/", nth=1, fault="50002", times=6)
    client = TikTokClient(
        emulator.access_token,
        base_url=emulator.base_url,
        max_qps=0,
        max_retries=6,
        backoff_base=0.5,
        backoff_cap=4.0,
        sleep=sleeps.append,
        rng=random.Random(3),
    )
    with client:
        client.get("advertiser/info/", {"advertiser_ids": emulator.advertiser_ids[:1]})
    assert len(sleeps) == 6 and client.stats.requests == 7
    ceilings = [min(4.0, 0.5 * 2**i) for i in range(6)]
    assert all(0 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps  # full jitter, capped
    assert len(set(sleeps)) == 6 and sum(sleeps) < 0.9 * sum(ceilings)  # jittered below the ceilings
    assert client.stats.backoff_seconds == pytest.approx(sum(sleeps))
    emulator.script_fault("advertiser/info/", nth=1, fault="50002", times=7)
    with client, pytest.raises(TikTokTransientError, match="after 7 attempts"):
        client.get("advertiser/info/", {"advertiser_ids": emulator.advertiser_ids[:1]})


# ------------------------------------------------------------------------------------------ persistent


def snapshot(workdir: Path) -> dict[str, Any]:
    """Every table of the dataset (``_dlt_*`` included), sorted, plus the pipeline's stored state."""
    tables: dict[str, Any] = {}
    with duckdb.connect(str(workdir / "tiktok_ads.duckdb"), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                [script.DEFAULT_DATASET],
            ).fetchall()
        ]
        for name in sorted(names):
            rows = con.execute(f'SELECT * FROM {script.DEFAULT_DATASET}."{name}"').fetchall()
            tables[name] = sorted(rows, key=repr)
    pipeline = dlt.attach(script.PIPELINE_NAME, pipelines_dir=str(workdir / "pipelines"))
    state = support.pipeline_state(pipeline)
    return {"tables": tables, "state": state}


def test_when_the_retry_budget_runs_out_the_run_fails_loudly_and_changes_nothing(
    workdir: Path,
    emulator_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = emulator_factory(WORLD)
    start = server.world.history_start
    tables = ("advertisers", "campaigns", "ad_insights")
    # one advertiser per request: shared, the two advertisers' one window would be a single report request and
    # the failure from the second on (below) would never come
    settings(monkeypatch, server, max_retries=2, tables=",".join(tables), share_report_requests="false")
    # a first run over the last ten days
    code, out, err = run_script(workdir, capsys, "--start-date", (start + dt.timedelta(days=10)).isoformat())
    assert code == 0, out + err
    before = snapshot(workdir)

    # the next run would reload the whole history, but TikTok keeps failing from its second report page on
    server.script_fault(REPORT, nth=2, fault="50002", times=1000)
    code, out, err = run_script(workdir, capsys)
    assert code == 1, out + err
    message = err.strip()
    assert re.search(r"advertiser (\d+)", message) and "table ad_insights" in message, message
    assert re.search(r"advertiser (\d+)", message).group(1) in server.advertiser_ids  # type: ignore[union-attr]
    assert re.search(r"window \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d", message), message
    assert "50002" in message and ENVELOPE_FAULTS["50002"][1] in message
    assert re.search(r"request_id \w{10,}", message), message
    assert "after 3 attempts" in message and "Nothing was changed" in message
    assert "Traceback" not in message
    assert snapshot(workdir) == before  # destination and incremental state as they were
    pipeline = dlt.attach(script.PIPELINE_NAME, pipelines_dir=str(workdir / "pipelines"))
    assert not pipeline.has_pending_data

    server.set_faults()  # TikTok recovers: the next run loads the exact truth from start_date
    code, out, err = run_script(workdir, capsys)
    assert code == 0, out + err
    truth = truth_tables(server.world, server.advertiser_ids, start)
    assert destination_problems(workdir / "tiktok_ads.duckdb", {t: truth[t] for t in tables}) == []

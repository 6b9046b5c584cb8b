"""Benchmark: report rows per second served by the TikTok emulator to one client.

Starts ``python -m tiktok_ads.emulator`` as a separate process over a large world with no rate limit and no
faults, then pulls ad-level daily BASIC report pages (``page_size=1000``) with one keep-alive client for a few
seconds per run, and prints rows/second (median of several runs). Every (advertiser, 30-day window) is pulled
once, as a loader would, so the emulator's caches do not flatter the figure (``--warm`` repeats one window).
The client parses with orjson when available, so the figure is mostly the server's.

Run from the repository root::

    /work/venv/bin/python bench/bench_emulator.py                 # defaults: 5 runs x 3 s, 35 metrics
    /work/venv/bin/python bench/bench_emulator.py --runs 3 --seconds 5 --metrics small --warm

Target (issue #2): at least 20,000 rows/s at page_size 1000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

try:  # the client's JSON parsing is not the emulator's cost: use the fastest parser available
    from orjson import loads
except ImportError:  # pragma: no cover
    from json import loads  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2024, 6, 15)
SMALL_METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversion", "ad_name"]
FULL_METRICS = [
    "spend", "cpc", "cpm", "impressions", "clicks", "ctr", "reach", "cost_per_1000_reached", "frequency",
    "video_play_actions", "video_watched_2s", "video_watched_6s", "average_video_play",
    "average_video_play_per_user", "video_views_p25", "video_views_p50", "video_views_p75", "video_views_p100",
    "profile_visits", "likes", "comments", "shares", "follows", "clicks_on_music_disc", "conversion",
    "cost_per_conversion", "conversion_rate", "result", "cost_per_result", "secondary_goal_result",
    "campaign_name", "campaign_id", "adgroup_name", "adgroup_id", "ad_name",
]  # fmt: skip


def start_emulator(args: argparse.Namespace) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start the emulator process and return it with its JSON line."""
    command = [
        sys.executable, "-m", "tiktok_ads.emulator", "--port", "0", "--seed", "11",
        "--advertisers", str(args.advertisers), "--campaigns", str(args.campaigns), "--adgroups", str(args.adgroups),
        "--ads", str(args.ads), "--days", str(args.days), "--today", TODAY.isoformat(),
        "--qps", "0", "--qpm", "0", "--advertiser-qps", "0",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the emulator did not start")
    return proc, json.loads(line)


def windows(info: dict[str, Any], days: int, warm: bool) -> Iterator[tuple[str, dt.date, dt.date]]:
    """(advertiser, start, end) 30-day windows, newest first, each once (or the same one forever if warm)."""
    if warm:
        while True:
            yield info["advertiser_ids"][0], TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=1)
    for advertiser_id in info["advertiser_ids"]:
        end = TODAY - dt.timedelta(days=1)
        while end > TODAY - dt.timedelta(days=days):
            start = end - dt.timedelta(days=29)
            yield advertiser_id, start, end
            end = start - dt.timedelta(days=1)


def pages(
    session: requests.Session,
    info: dict[str, Any],
    metrics: list[str],
    advertiser_id: str,
    start: dt.date,
    end: dt.date,
) -> Iterator[int]:
    """Pull every page of one window; yields the number of rows of each page."""
    url = info["base_url"] + "/open_api/v1.3/report/integrated/get/"
    page = 1
    while True:
        params: dict[str, str | int] = {
            "advertiser_id": advertiser_id,
            "report_type": "BASIC",
            "data_level": "AUCTION_AD",
            "dimensions": '["ad_id","stat_time_day"]',
            "metrics": json.dumps(metrics),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "filtering": '[{"field_name":"ad_status","filter_type":"IN","filter_value":"[\\"STATUS_ALL\\"]"}]',
            "page": page,
            "page_size": 1000,
        }
        response = session.get(
            url, params=params, headers={"Access-Token": info["access_token"]}, timeout=120
        )
        body = loads(response.content)
        if body["code"] != 0:
            raise SystemExit(f"unexpected answer: {body}")
        yield len(body["data"]["list"])
        if page >= body["data"]["page_info"]["total_page"]:
            return
        page += 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args: argparse.Namespace) -> tuple[list[float], list[float]]:
    """All runs; returns rows per wall second and rows per emulator CPU second of each."""
    proc, info = start_emulator(args)
    metrics = FULL_METRICS if args.metrics == "full" else SMALL_METRICS
    rates: list[float] = []
    per_cpu: list[float] = []
    try:
        session = requests.Session()
        source = windows(info, args.days, args.warm)
        # one small request first, so process start-up and connection set-up are not measured
        session.get(
            info["base_url"] + "/open_api/v1.3/user/info/", headers={"Access-Token": info["access_token"]}
        )
        for number in range(1, args.runs + 1):
            rows = requests_made = 0
            cpu_before = cpu_seconds(proc.pid)
            started = time.perf_counter()
            while time.perf_counter() - started < args.seconds:
                try:
                    window = next(source)
                except StopIteration:
                    raise SystemExit(
                        "the world is too small for this many runs; raise --days or --advertisers"
                    ) from None
                for count in pages(session, info, metrics, *window):
                    rows += count
                    requests_made += 1
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(proc.pid) - cpu_before
            rates.append(rows / elapsed)
            per_cpu.append(rows / cpu if cpu else 0.0)
            print(
                f"run {number}: {rows} rows in {requests_made} requests, {elapsed:.2f} s -> {rows / elapsed:,.0f} rows/s"
                f" wall; emulator CPU {cpu:.2f} s -> {rows / cpu if cpu else 0:,.0f} rows per CPU second"
            )
        session.close()
    finally:
        proc.terminate()
        proc.wait(15)
    return rates, per_cpu


def main() -> None:
    """Parse arguments, run, print the median."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="number of runs (default 5)")
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each run (default 3)")
    parser.add_argument(
        "--metrics", choices=("small", "full"), default="full", help="8 or 35 metrics (default full)"
    )
    parser.add_argument("--warm", action="store_true", help="pull the same window again and again (cached)")
    parser.add_argument("--advertisers", type=int, default=4, help="advertisers in the world (default 4)")
    parser.add_argument("--campaigns", type=int, default=10, help="campaigns per advertiser (default 10)")
    parser.add_argument("--adgroups", type=int, default=10, help="ad groups per campaign (default 10)")
    parser.add_argument("--ads", type=int, default=10, help="ads per ad group (default 10)")
    parser.add_argument("--days", type=int, default=365, help="days of history (default 365)")
    args = parser.parse_args()
    ads = args.advertisers * args.campaigns * args.adgroups * args.ads
    print(
        f"emulator: {args.advertisers} advertisers, {ads} ads, {args.days} days; client: 1 keep-alive connection, "
        f"page_size 1000, {len(FULL_METRICS if args.metrics == 'full' else SMALL_METRICS)} metrics"
        f"{', warm cache' if args.warm else ', every window once (cold)'}"
    )
    rates, per_cpu = run(args)
    print(f"median: {statistics.median(rates):,.0f} rows/s wall over {len(rates)} runs (target >= 20,000)")
    print(
        f"median: {statistics.median(per_cpu):,.0f} rows per emulator CPU second (one core; independent of the "
        "client's and other processes' CPU use on a busy machine)"
    )


if __name__ == "__main__":
    main()

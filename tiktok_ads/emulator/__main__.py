"""``python -m tiktok_ads.emulator``: run the TikTok Business API v1.3 emulator as a process.

At start it prints exactly one JSON line on stdout (``base_url``, ``access_token``, ``app_id``, ``secret``,
``auth_code``, ``advertiser_ids``), then serves until SIGINT or SIGTERM and exits 0. The same arguments give
the same data (and the same credentials); ``--port 0`` picks a free port.

While it runs, ``GET <base_url>/_emulator/stats`` answers its counters as JSON (requests per route, API codes
answered, 40100/40133 refusals, rows served) and ``POST <base_url>/_emulator/clock`` with
``{"today": "YYYY-MM-DD"}``, ``{"now": "<ISO datetime>"}`` or ``{"advance_days": 1}`` moves its clock (see
:mod:`tiktok_ads.emulator.transport.server`); ``bench/bench_pipeline.py`` uses both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from tiktok_ads.emulator.data.model import WorldConfig
from tiktok_ads.emulator.transport.faults import FAULT_KINDS
from tiktok_ads.emulator.transport.server import EmulatorServer


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0.0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds >= 0, got {text!r}")
    return value


def _kinds(text: str) -> list[str]:
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in FAULT_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown fault kinds {unknown}; choose from {','.join(FAULT_KINDS)}"
        )
    return kinds


#: the options of the "limits" group: flag, type, default, help
LIMIT_OPTIONS: tuple[tuple[str, type, float, str], ...] = (
    ("--qps", float, 10, "app-level requests per second (default 10)"),
    ("--qpm", float, 600, "app-level requests per minute (default 600)"),
    ("--advertiser-qps", float, 20, "requests per second per advertiser and path (default 20)"),
    (
        "--task-create-qps",
        float,
        1,
        "report/task/create/ requests per second of the app (default 1, TikTok's)",
    ),
    ("--task-checks", int, 2, "checks after which an async report task has succeeded (default 2)"),
    ("--max-report-cells", int, 0, "answer 40067 above rows x metrics cells (default 0 = off)"),
)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="python -m tiktok_ads.emulator",
        description="TikTok Business API v1.3 emulator (prints one JSON line with base_url and credentials).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="TCP port, 0 = a free port (default 0)")
    world = p.add_argument_group("world")
    world.add_argument("--seed", type=int, default=1, help="data seed (default 1)")
    world.add_argument("--advertisers", type=int, default=3, help="advertisers (default 3)")
    world.add_argument("--campaigns", type=int, default=2, help="campaigns per advertiser (default 2)")
    world.add_argument("--adgroups", type=int, default=2, help="ad groups per campaign (default 2)")
    world.add_argument("--ads", type=int, default=2, help="ads per ad group (default 2)")
    world.add_argument("--days", type=int, default=60, help="days of history before today (default 60)")
    world.add_argument(
        "--today", type=_date, default=None, help="the emulated today, YYYY-MM-DD (default: UTC date)"
    )
    limits = p.add_argument_group("limits (0 = unlimited)")
    for flag, kind, default, text in LIMIT_OPTIONS:
        limits.add_argument(flag, type=kind, default=default, help=text)
    timing = p.add_argument_group(
        "timing (see tiktok_ads.emulator.transport.latency; default: instant answers)"
    )
    timing.add_argument(
        "--latency",
        type=_seconds,
        default=0.0,
        help="seconds every API answer takes (default 0; a plausible TikTok: 0.5)",
    )
    timing.add_argument(
        "--latency-per-row",
        type=_seconds,
        default=0.0,
        help="seconds more per list row of an answer (default 0; a plausible TikTok: 0.001)",
    )
    p.add_argument(
        "--refreshable-tokens",
        action="store_true",
        help="the auth-code exchange issues access tokens that expire (24 h) with refresh tokens",
    )
    faults = p.add_argument_group("faults")
    faults.add_argument(
        "--fault-rate", type=float, default=0.0, help="fraction of requests that fail (default 0)"
    )
    faults.add_argument("--fault-seed", type=int, default=0, help="seed of the fault generator (default 0)")
    faults.add_argument(
        "--fault-kinds", type=_kinds, default=None, help=f"comma-separated subset of {','.join(FAULT_KINDS)}"
    )
    faults.add_argument(
        "--slow-seconds", type=float, default=1.0, help="delay of a 'slow' fault (default 1.0)"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT/SIGTERM; returns the exit code."""
    args = build_parser().parse_args(argv)
    config = WorldConfig(
        seed=args.seed,
        advertisers=args.advertisers,
        campaigns=args.campaigns,
        adgroups=args.adgroups,
        ads=args.ads,
        days=args.days,
        today=args.today,
    )
    server = EmulatorServer(
        config,
        host=args.host,
        port=args.port,
        qps=args.qps,
        qpm=args.qpm,
        advertiser_qps=args.advertiser_qps,
        task_create_qps=args.task_create_qps,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        fault_kinds=args.fault_kinds,
        slow_seconds=args.slow_seconds,
        max_report_cells=args.max_report_cells or None,
        latency=args.latency,
        latency_per_row=args.latency_per_row,
        refreshable_tokens=args.refreshable_tokens,
    )
    if args.task_checks < 1:
        build_parser().error("--task-checks must be at least 1")
    server.api.tasks.checks_to_finish = args.task_checks
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        """Ask the main loop to stop (SIGINT/SIGTERM)."""
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    try:
        sys.stdout.write(json.dumps(server.connection_info()) + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

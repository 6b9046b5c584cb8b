"""Benchmark: requests to backfill a large account's year of ``ad_insights``, async report tasks vs sync requests.

Scenario (issue 16, "large account"): one advertiser with 1,000 ads (10 campaigns x 10 ad groups x 10 ads),
365 days to 2024-06-15, backfilling ``ad_insights`` (``start_date``..``end_date``). The emulator
(``python -m tiktok_ads.emulator``, its own process) runs at TikTok's Basic-tier limits (10 QPS, 20 QPS per
advertiser and path, 1 QPS of task creation); the pipeline (``tiktok_ads_pipeline.py``, its own process, default
``max_qps`` 10) runs twice, each time against a fresh emulator and into a fresh duckdb file:

- ``async_reports = never``: the synchronous path (a request per 30-day window and 1,000-row page);
- ``async_reports = auto`` (the default): one async report task (create, checks, download).

Printed: requests counted by the emulator (``GET /_emulator/stats``) per route, wall time, rows loaded; the two
runs must load the same number of rows, and the async run at most a tenth of 163 requests (the synchronous
figure measured before async tasks existed: 1 ``advertiser/info/`` + 162 report pages). Exit code 1 otherwise.

Run from the repository root::

    /work/venv/bin/python bench/bench_async.py
    /work/venv/bin/python bench/bench_async.py --smoke     # a tiny world: checks the bench itself
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pipeline as bp  # noqa: E402

BASELINE_REQUESTS = 163
"""Requests of this backfill measured on 2026-12-01, before async report tasks (issue 16)."""
TARGET = BASELINE_REQUESTS // 10
LIMITS = ("--qps", "10", "--qpm", "0")
TABLES = ("ad_insights",)


def one_run(
    world: bp.WorldSpec, mode: str, workdir: Path, timeout: float
) -> tuple[dict[str, int], int, float]:
    """Backfill ``world``'s year with ``async_reports = mode``: (requests per route, rows loaded, wall seconds)."""
    workload = bp.backfill(world, TABLES)
    workload = bp.Workload(workload.tables, workload.start_date, workload.end_date, max_qps=10)
    with bp.emulator(world, LIMITS) as emu:
        before = emu.stats()
        env = bp.pipeline_env(emu.info, workload)
        env["SOURCES__TIKTOK_ADS__ASYNC_REPORTS"] = mode
        usage = bp.run_pipeline(workdir, env, [], f"{mode}.log", timeout)
        after = emu.stats()
    if usage.exit_code != 0:
        tail = (workdir / f"{mode}.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"the {mode} run failed (exit {usage.exit_code}):\n{tail}")
    requests = bp._delta(after, before, "requests")
    rows = sum(bp.rows_of_last_load(workdir / "tiktok_ads.duckdb", TABLES).values())
    return requests, rows, usage.wall


def main(argv: Sequence[str] | None = None) -> int:
    """Run both backfills, print the figures; 0 if the async run meets the target with the same rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny world (the figures mean nothing)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per pipeline run")
    args = parser.parse_args(argv)
    if args.smoke:
        world = bp.WorldSpec(advertisers=1, campaigns=2, adgroups=2, ads=3, days=150, today=bp.FIXED_TODAY)
    else:
        world = bp.WorldSpec(advertisers=1, campaigns=10, adgroups=10, ads=10, days=365, today=bp.FIXED_TODAY)
    print(f"world: {world.describe()}; backfill of {', '.join(TABLES)}; emulator {' '.join(LIMITS)}")
    results: dict[str, tuple[dict[str, int], int, float]] = {}
    for mode in ("never", "auto"):
        with tempfile.TemporaryDirectory(prefix=f"bench_async_{mode}_") as tmp:
            results[mode] = one_run(world, mode, Path(tmp), args.timeout)
        requests, rows, wall = results[mode]
        routes = ", ".join(f"{route} {n}" for route, n in sorted(requests.items()) if n)
        print(
            f"async_reports={mode}: {sum(requests.values())} requests ({routes}); {rows:,} rows; {wall:.1f} s"
        )
    sync_total, async_total = (sum(results[m][0].values()) for m in ("never", "auto"))
    same_rows = results["never"][1] == results["auto"][1]
    met = async_total <= TARGET
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{when}: {async_total} requests with async tasks vs {sync_total} synchronous "
        f"({sync_total / max(async_total, 1):.1f}x fewer); target <= {TARGET} (1/10 of {BASELINE_REQUESTS}): "
        f"{'met' if met else 'MISSED'}; rows {'identical in number' if same_rows else 'DIFFER'}"
    )
    return 0 if (met or args.smoke) and same_rows else 1


if __name__ == "__main__":
    sys.exit(main())

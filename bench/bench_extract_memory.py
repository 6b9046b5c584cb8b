"""Peak memory of the source's extract step alone, in-process, at ~250k and ~1.13M ``ad_insights`` rows.

``bench_pipeline.py`` (d) measures the whole pipeline process, whose peak is duckdb's buffer pool during the
load. This bench separates the source's own share: it starts the emulator as a separate process (the worlds of
(d) and (b)), then runs ``pipeline.extract(tiktok_ads(...))`` in this process while a thread samples the
resident set size, Arrow's allocated bytes (``pa.total_allocated_bytes()``) and the live threads every 0.1 s, and
prints the peaks before and during extraction and the CPU seconds it took.
Like ``tiktok_ads_pipeline.py``, it caps glibc's malloc arenas first.
Each size runs in a fresh interpreter (a child process), so one run's memory does not carry into the next.

Run from the repository root::

    /work/venv/bin/python bench/bench_extract_memory.py                  # both sizes, max_concurrency 16
    /work/venv/bin/python bench/bench_extract_memory.py --max-concurrency 4 --sizes 250k
    /work/venv/bin/python bench/bench_extract_memory.py --async-reports auto   # async tasks (the source's default)

Synchronous pages (``async_reports = never``) by default, as the README's figures of (d).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {  # the worlds of bench_pipeline.py (d) and (b): a backfill of a world fixed at 2024-06-15
    "250k": {"advertisers": 2, "days": 300, "start_date": "2023-08-20"},
    "1m": {"advertisers": 8, "days": 365, "start_date": "2023-06-16"},
    "5m": {"advertisers": 36, "days": 365, "start_date": "2023-06-16"},  # ~4.6M rows
}


def rss_mb() -> float:
    """This process's resident set size in MB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(size: str, max_concurrency: int, steps: list[str], async_reports: str) -> dict[str, float]:
    """Extract one world's ``ad_insights`` in this process (then ``steps[1:]``: normalize, load); returns rows,
    CPU seconds and peak RSS per step."""
    sys.path.insert(0, str(ROOT))
    import dlt
    import pyarrow as pa

    from tiktok_ads import tiktok_ads
    from tiktok_ads.load.duckdb_merge import bounded_duckdb
    from tiktok_ads.load.memory_limits import apply_duckdb_limits, use_system_arrow_allocator
    from tiktok_ads_pipeline import _limit_malloc_arenas

    _limit_malloc_arenas()  # as the pipeline script does before any thread starts
    use_system_arrow_allocator()

    world = SIZES[size]
    cmd = [sys.executable, "-m", "tiktok_ads.emulator", "--port", "0", "--qps", "0", "--qpm", "0"]
    cmd += ["--advertiser-qps", "0", "--seed", "11", "--campaigns", "10", "--adgroups", "10", "--ads", "10"]
    cmd += ["--advertisers", str(world["advertisers"]), "--days", str(world["days"]), "--today", "2024-06-15"]
    emulator = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert emulator.stdout is not None
        info = json.loads(emulator.stdout.readline())
        peak = [0.0]
        arrow = [0.0]  # peak MB allocated by Arrow's pool
        threads = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], rss_mb())
                arrow[0] = max(arrow[0], pa.total_allocated_bytes() / 2**20)
                threads[0] = max(threads[0], threading.active_count())

        workdir = tempfile.mkdtemp(prefix="bench_extract_memory_")
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)  # a 1M-row duckdb file is ~400 MB
        source = tiktok_ads(
            access_token=info["access_token"],
            base_url=info["base_url"],
            advertiser_ids=info["advertiser_ids"],
            tables="ad_insights",
            max_qps=0,
            max_concurrency=max_concurrency,
            start_date=str(world["start_date"]),
            end_date="2024-06-15",
            async_reports=async_reports,
        )
        hints = [r.columns for r in source.selected_resources.values()]
        # the script's duckdb defaults (memory_limit sized to the widest table, threads, bounded load files)
        apply_duckdb_limits(columns=max((len(h) for h in hints if isinstance(h, dict)), default=0))
        destination = bounded_duckdb(str(Path(workdir) / "bench.duckdb"))  # as the pipeline script loads
        pipeline = dlt.pipeline("bench_extract_memory", destination=destination, pipelines_dir=workdir)
        before = rss_mb()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu = time.process_time()
        extracted = pipeline.extract(source, loader_file_format="parquet")
        cpu = time.process_time() - cpu
        rows = sum(
            m.items_count for m in extracted.metrics[extracted.loads_ids[0]][0]["table_metrics"].values()
        )
        result = {"rows": rows, "cpu_s": cpu, "rss_before_mb": before, "peak_rss_mb": max(peak[0], rss_mb())}
        result.update(peak_arrow_mb=arrow[0], peak_threads=threads[0])
        for step in steps[
            1:
        ]:  # normalize, load: each step's own peak (RSS never shrinks below the last one's)
            peak[0] = rss_mb()
            cpu = time.process_time()
            getattr(pipeline, step)()
            result[f"{step}_cpu_s"] = time.process_time() - cpu
            result[f"{step}_peak_rss_mb"] = max(peak[0], rss_mb())
        done.set()
        sampler.join()
        return result
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def main() -> int:
    """Run each size in a child interpreter and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250k,1m", help="comma list of 250k, 1m, 5m (default 250k,1m)")
    parser.add_argument("--max-concurrency", type=int, default=16, help="the source's max_concurrency (16)")
    parser.add_argument(
        "--steps",
        default="extract",
        help="extract (default), or extract,normalize,load: also each later step's peak RSS and CPU (into duckdb)",
    )
    parser.add_argument("--async-reports", default="never", help="the source's async_reports (never)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(
            json.dumps(measure(args.child, args.max_concurrency, args.steps.split(","), args.async_reports))
        )
        return 0
    results = {}
    for size in args.sizes.split(","):
        cmd = [sys.executable, __file__, "--child", size, "--max-concurrency", str(args.max_concurrency)]
        cmd += ["--steps", args.steps, "--async-reports", args.async_reports]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if child.returncode:
            print(f"{size}: failed (exit {child.returncode})\n{child.stderr[-3000:]}", file=sys.stderr)
            return 1
        out = child.stdout
        results[size] = json.loads(out.strip().splitlines()[-1])
        r = results[size]
        print(
            f"{size}: {r['rows']:,.0f} rows extracted in {r['cpu_s']:.1f} CPU s; RSS {r['rss_before_mb']:.0f} MB "
            f"before, peak {r['peak_rss_mb']:.0f} MB, Arrow peak {r['peak_arrow_mb']:.0f} MB, "
            f"{r['peak_threads']} threads at most (max_concurrency {args.max_concurrency})",
            flush=True,
        )
        for step in args.steps.split(",")[1:]:
            print(
                f"  {step}: {r[step + '_cpu_s']:.1f} CPU s, peak {r[step + '_peak_rss_mb']:.0f} MB",
                flush=True,
            )
    if "250k" in results and "1m" in results:
        ratio = results["1m"]["peak_rss_mb"] / results["250k"]["peak_rss_mb"]
        print(f"extract peak RSS 1M / 250k: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

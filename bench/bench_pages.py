"""Benchmark: CPU and memory per 1,000-row ``ad_insights`` page, by JSON reader (bench/README.md).

Pages are fetched once from an in-process emulator (1 advertiser x 1,000 ads, default metrics,
``page_size`` 1000): real-shaped answers, with the bare JSON numbers TikTok mixes into its strings. Each
reader then decodes every page ``--repeat`` times; the figure is the best of ``--runs`` of CPU time
(``time.process_time``, all threads of the process) per page. Readers:

- ``orjson``: ``orjson.loads`` alone (Python objects per value; the row path's start);
- ``msgspec``: ``msgspec.json.decode`` alone (the same kind of result);
- ``exact``: :func:`tiktok_ads.api.json_pages.decode_report_body` with ``quick=False`` (pyarrow's reader after the
  name-lookup quoting, a Python callback per number);
- ``quick``: :func:`tiktok_ads.api.json_pages.decode_report_body` (the RE2 quoting and its checks; what the source
  runs);

and ``+ table`` rows add :func:`tiktok_ads.endpoints.arrow_pages.report_page_table` (the typed Arrow table). With
``--memory``, each reader runs in a fresh interpreter (with the source's environment: Arrow's system
allocator) and prints the growth of its peak RSS over the interpreter with
everything imported and the pages loaded, while it decodes them one at a time (sampled every 0.5 ms). Every reader's tables are checked
equal to the exact path's first.

    /work/venv/bin/python bench/bench_pages.py
    /work/venv/bin/python bench/bench_pages.py --pages 8 --runs 5 --memory
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tiktok_ads.api.client import TikTokClient  # noqa: E402
from tiktok_ads.api.json_pages import decode_report_body  # noqa: E402
from tiktok_ads.emulator import EmulatorServer, WorldConfig  # noqa: E402
from tiktok_ads.endpoints.arrow_pages import arrow_schema, report_page_table  # noqa: E402
from tiktok_ads.endpoints.extract import report_pages  # noqa: E402
from tiktok_ads.resources.day_markers import DAY_MARKER_COLUMN  # noqa: E402
from tiktok_ads.tables.report_grid import ALL_TABLES  # noqa: E402
from tiktok_ads.windows import DateWindow  # noqa: E402

SPEC = ALL_TABLES["ad_insights"]
ADV = "7000000000000000001"


def fetch_pages(count: int) -> list[bytes]:
    """``count`` page bodies of ``ad_insights`` as the emulator sends them (1,000 rows each)."""
    world = WorldConfig(
        seed=11, advertisers=1, campaigns=10, adgroups=10, ads=10, days=60, today=dt.date(2024, 6, 15)
    )
    server = EmulatorServer(world, qps=None, qpm=None, advertiser_qps=None, task_create_qps=None).start()
    bodies: list[bytes] = []

    def keep(body: bytes) -> None:
        bodies.append(bytes(body))
        return None  # the client then decodes the body itself

    try:
        start = server.world.history_start + dt.timedelta(days=5)
        client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0)
        with client:
            while len(bodies) < count:
                window = DateWindow(start, start + dt.timedelta(days=9))
                for _ in report_pages(
                    client,
                    SPEC,
                    server.advertiser_ids[0],
                    window,
                    include_deleted=True,
                    page_size=1000,
                    decode=keep,
                ):
                    pass
                start += dt.timedelta(days=10)
    finally:
        server.stop()
    return [b for b in bodies if len(b) > 1_000_000][:count]  # full pages only


def readers() -> dict[str, Callable[[bytes], Any]]:
    """The readers, by name: each takes a body."""
    import msgspec
    import orjson

    return {
        "orjson": orjson.loads,
        "msgspec": msgspec.json.decode,
        "exact": lambda body: decode_report_body(body, SPEC.dimensions, SPEC.metrics, quick=False),
        "quick": lambda body: decode_report_body(body, SPEC.dimensions, SPEC.metrics),
    }


def table(decoded: Any, schema: Any) -> Any:
    """The typed table of a decoded page (an envelope dict from any reader)."""
    return report_page_table(SPEC, ADV, decoded["data"]["list"], schema)


def cpu_per_page(fn: Callable[[bytes], Any], bodies: list[bytes], runs: int, repeat: int) -> float:
    """Best of ``runs`` CPU milliseconds per page."""
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        for _ in range(repeat):
            for body in bodies:
                fn(body)
        best = min(best, time.process_time() - started)
    return best / (repeat * len(bodies)) * 1000


def _rss_mb() -> float:
    """The process's resident memory now (Linux ``/proc``), MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def memory_child(path: str, name: str) -> None:
    """In a fresh interpreter: the peak RSS growth (MB) of decoding the saved pages with reader ``name``.

    The RSS is sampled every half millisecond by a thread (the process's high-water mark was set by the
    imports already); the growth is over the RSS with everything imported and the pages loaded.
    """
    fn = readers()[name]  # everything imported
    with open(path, "rb") as saved:
        bodies = pickle.load(saved)
    before = peak = _rss_mb()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.0005):
            peak = max(peak, _rss_mb())

    sampler = threading.Thread(target=sample)
    sampler.start()
    for body in bodies:
        fn(body)
    done.set()
    sampler.join()
    print(max(peak, _rss_mb()) - before)


def main() -> None:
    """Fetch the pages, check the readers agree, print CPU (and memory) per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8, help="pages to fetch (default 8)")
    parser.add_argument("--runs", type=int, default=3, help="runs per reader, best taken (default 3)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the pages per run (default 2)")
    parser.add_argument(
        "--memory", action="store_true", help="also peak RSS growth, a fresh process per reader"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        memory_child(*args.child)
        return
    bodies = fetch_pages(args.pages)
    size = sum(map(len, bodies)) / len(bodies) / 1e6
    print(f"{len(bodies)} pages of 1,000 rows, {size:.2f} MB each, {len(SPEC.metrics)} metrics")
    schema = arrow_schema(SPEC, ((DAY_MARKER_COLUMN, "bool"),))
    fns = readers()
    for body in bodies:  # the source's reader gives the exact path's tables
        assert table(fns["quick"](body), schema).equals(table(fns["exact"](body), schema))
    for name, fn in fns.items():
        print(f"{name:>16}: {cpu_per_page(fn, bodies, args.runs, args.repeat):6.1f} ms CPU per page")
    for name in ("exact", "quick"):
        fn = fns[name]
        ms = cpu_per_page(lambda body, fn=fn: table(fn(body), schema), bodies, args.runs, args.repeat)
        print(f"{name + ' + table':>16}: {ms:6.1f} ms CPU per page")
    if args.memory:
        with tempfile.NamedTemporaryFile(suffix=".pkl") as saved:
            saved.write(pickle.dumps(bodies))
            saved.flush()
            for name in fns:
                out = subprocess.run(
                    [sys.executable, __file__, "--child", saved.name, name],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                print(f"{name:>16}: peak RSS +{float(out.stdout):.0f} MB decoding the pages one at a time")


if __name__ == "__main__":
    main()

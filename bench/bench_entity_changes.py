"""Benchmark: requests of a large account's daily run of campaigns, ad groups and ads, change log vs full lists.

Scenario (issue 16, "changes instead of full entity lists"): one advertiser with 10 campaigns x 10 ad groups x
400 ads (40,000 ads on the whole timeline, about 20,000 created by the first load), 60 days of history. Two
pipelines load the same world from two in-process emulators (no rate limits, no latency: only the counts
matter): a first load, the daily run a day later, and a run two hours after that, of ``campaigns``, ``adgroups``
and ``ads`` (``page_size`` 1000). The emulator's objects change often (each up to three times over the timeline:
about 2 % of the ads a day), so the daily run has hundreds of changed ads and the two-hour run a handful. One reads the daily run through the change log
(:mod:`tiktok_ads.resources.entity_changes`, the source's default), the other by full lists
(``entity_changes.MIN_LIST_PAGES`` raised out of reach). Printed: the requests the emulators counted per route
for each run, and whether every row of the three tables is equal; exit code 1 if a table differs or the change
log run needs as many requests as the full lists. ``--ads N`` sets the ads per ad group (400), ``--deleted``
loads with ``include_deleted``.

Run from the repository root::

    /work/venv/bin/python bench/bench_entity_changes.py
    /work/venv/bin/python bench/bench_entity_changes.py              # about 5 minutes
    /work/venv/bin/python bench/bench_entity_changes.py --ads 10     # 1,000 ads: a small account, full lists
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import dlt  # noqa: E402

from tiktok_ads import tiktok_ads  # noqa: E402
from tiktok_ads.emulator import EmulatorServer, WorldConfig  # noqa: E402
from tiktok_ads.resources import entity_changes  # noqa: E402

TABLES = ["campaigns", "adgroups", "ads"]
TODAY = dt.date(2026, 11, 20)
STEPS = (dt.timedelta(0), dt.timedelta(days=1), dt.timedelta(days=1, hours=2))
LABELS = ("first load", "daily run a day later", "two hours later")


def load(server: EmulatorServer, workdir: Path, name: str, include_deleted: bool) -> None:
    """One run of the three tables from ``server`` into ``workdir``'s duckdb pipeline ``name``."""
    pipeline = dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(workdir / f"pipelines_{name}"),
        destination=dlt.destinations.duckdb(str(workdir / f"{name}.duckdb")),
        dataset_name="tiktok",
    )
    source = tiktok_ads(
        access_token=server.access_token,
        base_url=server.base_url,
        advertiser_ids=server.advertiser_ids,
        start_date=TODAY.isoformat(),
        tables=TABLES,
        include_deleted=include_deleted,
        clock=lambda: server.world.now,
        max_qps=0,
    )
    info = pipeline.run(source, loader_file_format="parquet")
    assert not info.has_failed_jobs


def table_rows(workdir: Path, name: str, table: str) -> list[tuple[Any, ...]]:
    """A table's data columns, sorted, for comparing two pipelines."""
    import duckdb

    con = duckdb.connect(str(workdir / f"{name}.duckdb"), read_only=True)
    try:
        cur = con.execute(f"SELECT * FROM tiktok.{table}")
        names = [d[0] for d in cur.description]
        keep = [i for i, n in enumerate(names) if not n.startswith("_dlt")]
        return sorted(tuple(str(row[i]) for i in keep) for row in cur.fetchall())
    finally:
        con.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run both ways and print the requests; 1 if the tables differ or the change log saves nothing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=400, help="ads per ad group (10 x 10 ad groups)")
    parser.add_argument("--deleted", action="store_true", help="include_deleted")
    args = parser.parse_args(argv)
    world = WorldConfig(seed=16, advertisers=1, campaigns=10, adgroups=10, ads=args.ads, days=60, today=TODAY)
    entity_changes.sleep = lambda seconds: None  # the emulator finishes a task on its first check
    default = entity_changes.MIN_LIST_PAGES
    counts: dict[str, list[collections.Counter[str]]] = {"change log": [], "full lists": []}
    walls: dict[str, list[float]] = {"change log": [], "full lists": []}
    with tempfile.TemporaryDirectory(prefix="bench_changes_") as tmp:
        workdir = Path(tmp)
        servers = {
            way: EmulatorServer(world, qps=None, qpm=None, advertiser_qps=None).start() for way in counts
        }
        try:
            start = servers["change log"].world.now
            for step in STEPS:
                for way, server in servers.items():
                    entity_changes.MIN_LIST_PAGES = default if way == "change log" else 10**9
                    server.world.set_now(start + step)
                    before = collections.Counter(server.stats.requests)
                    began = time.perf_counter()
                    load(server, workdir, way.replace(" ", "_"), args.deleted)
                    walls[way].append(time.perf_counter() - began)
                    counts[way].append(collections.Counter(server.stats.requests) - before)
            same = {
                t: table_rows(workdir, "change_log", t) == table_rows(workdir, "full_lists", t)
                for t in TABLES
            }
            sizes = {t: len(table_rows(workdir, "full_lists", t)) for t in TABLES}
        finally:
            for server in servers.values():
                server.stop()
    ads = 100 * args.ads
    print(f"one advertiser, 10 campaigns, 100 ad groups, {ads:,} ads; include_deleted={args.deleted}")
    for run, label in enumerate(LABELS):
        for way in counts:
            got = counts[way][run]
            routes = ", ".join(f"{route} {n}" for route, n in sorted(got.items()))
            print(
                f"  {label:22} {way:10}: {sum(got.values()):4} requests ({routes}); {walls[way][run]:.1f} s"
            )
    print(f"  rows in the tables: {sizes}; every row equal: {same}")
    daily = {way: sum(c[1].values()) for way, c in counts.items()}
    hourly = {way: sum(c[2].values()) for way, c in counts.items()}
    if not all(same.values()):
        print("FAIL: the tables differ")
        return 1
    if ads >= 6_000 and daily["change log"] >= daily["full lists"]:
        print("FAIL: the change log saved no request")
        return 1
    print(
        f"daily run: {daily['full lists']} -> {daily['change log']} requests; two hours later: "
        f"{hourly['full lists']} -> {hourly['change log']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

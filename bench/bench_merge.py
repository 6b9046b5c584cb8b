"""Benchmark: dlt's delete-insert merge against ``tiktok_ads/load/duckdb_merge.py`` on a synthetic staging table.

Builds a duckdb file whose staging table has ``--rows`` rows shaped like ``ad_insights`` with the default
metrics (106 columns: 30 text, 37 integer, 20 money ``DECIMAL(18,4)``, 17 ratio ``DECIMAL(18,6)``, a day, the
day marker), then runs the merge SQL each job class generates (its delete, then its insert), under duckdb's
``--memory-limit`` with one thread, each merge in a fresh process: CPU seconds and peak RSS of that process.
``--twice`` merges the same staging table a second time into the now full table (a backfill run again);
spilling is capped at 8 GB.

Run from the repository root::

    /work/venv/bin/python bench/bench_merge.py --rows 1000000 --memory-limit 144MB
    /work/venv/bin/python bench/bench_merge.py --rows 250000 --memory-limit 2GB --twice
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dlt.destinations.sql_jobs import SqlMergeFollowupJob  # noqa: E402

from tiktok_ads.load.duckdb_merge import BoundedDedupMergeJob  # noqa: E402

KEYS = ["advertiser_id", "ad_id", "stat_time_day", "campaign_id", "adgroup_id"]
MERGE_KEY = ["advertiser_id", "stat_time_day"]
JOBS: dict[str, type[SqlMergeFollowupJob]] = {"dlt": SqlMergeFollowupJob, "bounded": BoundedDedupMergeJob}


def columns() -> list[tuple[str, str, str]]:
    """(name, type, value expression over ``i``) of the synthetic table: 1,000 ads x 365 days per advertiser."""
    cols = [
        ("advertiser_id", "VARCHAR", "'7' || lpad((i // 365000)::VARCHAR, 18, '0')"),
        ("ad_id", "VARCHAR", "'17' || lpad((i // 365)::VARCHAR, 17, '0')"),
        ("stat_time_day", "DATE", "DATE '2023-06-16' + (i % 365)::INT"),
        ("campaign_id", "VARCHAR", "'16' || lpad((i // 36500)::VARCHAR, 17, '0')"),
        ("adgroup_id", "VARCHAR", "'15' || lpad((i // 3650)::VARCHAR, 17, '0')"),
    ]
    cols += [(f"text_{n}", "VARCHAR", f"'text {n} ' || (i // 365 % 997)::VARCHAR") for n in range(26)]
    cols += [(f"count_{n}", "BIGINT", f"(hash(i, {n}) % 100000)::BIGINT") for n in range(37)]
    for kind, typ, count in (("money", "DECIMAL(18,4)", 20), ("ratio", "DECIMAL(18,6)", 17)):
        cols += [
            (f"{kind}_{n}", typ, f"((hash(i, '{kind}{n}') % 10000000)::BIGINT / 1000.0)::{typ}")
            for n in range(count)
        ]
    return cols + [("_day_marker", "BOOLEAN", "NULL::BOOLEAN")]


def build(path: Path, rows: int) -> None:
    """The destination table ``d.t`` (empty) and the staging table ``s.t`` (``rows`` rows)."""
    cols = columns()
    connection = duckdb.connect(str(path), config={"memory_limit": "1GB", "preserve_insertion_order": False})
    ddl = ", ".join(f'"{name}" {typ}' for name, typ, _ in cols)
    connection.execute(
        f"CREATE SCHEMA d; CREATE SCHEMA s; CREATE TABLE d.t ({ddl}); CREATE TABLE s.t ({ddl})"
    )
    values = ", ".join(expr for _, _, expr in cols)
    connection.execute(f"INSERT INTO s.t SELECT {values} FROM range({rows}) r(i)")
    connection.close()


def merge_sql(job: type[SqlMergeFollowupJob]) -> list[str]:
    """The delete and the insert ``job`` generates for a report table (primary key, merge key, day marker)."""
    names = [f'"{name}"' for name, _, _ in columns()]
    keys, merge_key = [f'"{k}"' for k in KEYS], [f'"{k}"' for k in MERGE_KEY]
    delete = job.gen_key_table_clauses("d.t", "s.t", keys, merge_key, for_delete=True)[0]
    not_marker = '("_day_marker" IS NULL OR "_day_marker" = False)'
    select = job.gen_select_from_dedup_sql("s.t", keys, names, condition=not_marker)
    return [f"DELETE {delete}", f"INSERT INTO d.t({', '.join(names)}) {select}"]


def child(path: Path, job: str, memory_limit: str, times: int) -> None:
    """Run the merge ``times`` times in this process; print each statement's CPU seconds, then the peak RSS."""
    # spilling is capped: dlt's delete of a second merge spilled tens of GB before it was stopped
    config = {"memory_limit": memory_limit, "threads": 1, "preserve_insertion_order": False,
              "max_temp_directory_size": "8GB"}  # fmt: skip
    connection = duckdb.connect(str(path), config=config)
    for _ in range(times):
        for sql in merge_sql(JOBS[job]):
            started = time.process_time()
            try:
                connection.execute(sql)
            except duckdb.Error as err:
                print(f"  {sql.split()[0]}: FAILED {str(err).splitlines()[0][:120]}")
                return
            print(f"  {sql.split()[0]}: {time.process_time() - started:.2f} CPU s")
    rows = connection.execute("SELECT count(*) FROM d.t").fetchone()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"  rows in the destination: {rows[0] if rows else 0:,}; peak RSS {peak} MB")


def main() -> None:
    """Build once, then each merge in a fresh process on a copy of the file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--memory-limit", default="144MB", help="duckdb memory_limit (the script's default: 144MB)"
    )
    parser.add_argument("--merge", default="dlt,bounded", help="dlt, bounded or both (comma-separated)")
    parser.add_argument("--twice", action="store_true", help="merge the staging table a second time")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "JOB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    times = 2 if args.twice else 1
    if args.child:
        child(Path(args.child[0]), args.child[1], args.memory_limit, times)
        return
    with tempfile.TemporaryDirectory(prefix="bench_merge_") as work:
        built = Path(work) / "built.duckdb"
        build(built, args.rows)
        for job in args.merge.split(","):
            path = Path(work) / f"{job}.duckdb"
            shutil.copy(built, path)
            print(
                f"{job} merge, {args.rows:,} staged rows, memory_limit {args.memory_limit}, 1 thread:",
                flush=True,
            )
            command = [
                sys.executable,
                __file__,
                "--child",
                str(path),
                job,
                "--memory-limit",
                args.memory_limit,
            ]
            subprocess.run(command + (["--twice"] if args.twice else []), check=False)
            for leftover in (path, Path(f"{path}.wal")):
                leftover.unlink(missing_ok=True)
            shutil.rmtree(f"{path}.tmp", ignore_errors=True)


if __name__ == "__main__":
    main()

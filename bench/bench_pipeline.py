"""Benchmark: the whole pipeline (``tiktok_ads_pipeline.py`` into duckdb) against the emulator in its own process.

Each run starts ``python -m tiktok_ads.emulator`` as a separate process (fresh caches), then runs
``python tiktok_ads_pipeline.py`` as a child process into a duckdb file in a temp dir, and measures:

- **wall** time of the pipeline process;
- **requests** the emulator answered (``GET /_emulator/stats``, before and after the run), and the **minimum**
  the workload needs, computed here from the emulator's deterministic model without HTTP (see
  :func:`minimum_requests`);
- **40100/40133** answers (app and advertiser-per-path rate limits) counted by the emulator;
- **rows** loaded by the run (rows of its load id in duckdb), the report rows checked against the model's;
- **pipeline CPU** seconds (user + sys of the child, from ``os.wait4``) per million rows, and its **peak RSS**
  (``ru_maxrss`` of the child); the emulator's CPU seconds as well (to see which side is the bottleneck).

Figures are medians over ``--runs`` runs. The emulator answers with its latency model on (``--latency``,
``--latency-per-row``; default :data:`tiktok_ads.emulator.transport.latency.TYPICAL`, 0.5 s + 1 ms per row, UNSURE),
because wall time against an instant server says nothing about a run against TikTok. Scenarios (``--scenario a|b|c|d|e|all``; all = a-d):

- **a** an agency under a 10 QPS limit: 20 advertisers (3 campaigns x 3 ad groups x 3 ads each), 90 days, all
  nine tables; the emulator at ``--qps 10 --qpm 0`` (only QPS binds), the pipeline at its default ``max_qps``
  (10). Targets: wall / (requests / 10) <= 1.10 (issue 15); requests / minimum <= 1.05; throttled share <= 1 %.
- **b** raw throughput: ``ad_insights`` only, >= 1,000,000 rows (8 advertisers x 1,000 ads, 365 days, a fixed
  date), no limits anywhere. Target: report rows per pipeline CPU second >= 50,000 (aim 100,000).
- **c** the daily run after (a): the same pipeline folder and duckdb file, the emulator's clock one day on
  (``POST /_emulator/clock``). Target: requests / minimum <= 1.05, where the minimum reads one window
  (attribution window + 1 days) per advertiser and report table; the history is not read again.
- **d** memory: ``ad_insights`` at ~250,000 rows (2 advertisers x 1,000 ads, 300 days) and at the 1M-row load
  of (b) (reused when (b) ran in the same invocation). Targets: peak RSS < 400 MB each, and the 1M run's
  within 10 % of the 250k run's.
- **e** memory at scale: ``ad_insights`` at ~5.1M rows (40 advertisers x 1,000 ads, 365 days), no limits; long
  (about 10 minutes of the emulator's CPU alone). Targets: peak RSS < 400 MB, and within 10 % of (d)'s 250k run
  when (d) ran in the same invocation.

Run from the repository root::

    /work/venv/bin/python bench/bench_pipeline.py --scenario all --runs 3
    /work/venv/bin/python bench/bench_pipeline.py --scenario a --runs 1 --pipeline-arg=--max-concurrency=16
    /work/venv/bin/python bench/bench_pipeline.py --scenario b,d --json /tmp/bench.json --keep
    /work/venv/bin/python bench/bench_pipeline.py --smoke --runs 1     # tiny worlds: checks the bench itself

Dates: scenarios a and c use a world whose today is two days before the real UTC date; the pipeline takes
"today" from the emulator's ``Date`` header (its clock), so it reads up to each advertiser's emulated today,
which the minimum counts; b and d are backfills (``start_date``..``end_date``) of a world fixed at 2024-06-15, so their
row counts never change.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workdir import work_folder  # noqa: E402
from tiktok_ads.emulator.data.model import World, WorldConfig, is_deleted  # noqa: E402
from tiktok_ads.emulator.transport.latency import TYPICAL  # noqa: E402
from tiktok_ads.tables.registry import DEFAULT_TABLES, TABLES  # noqa: E402

UTC = dt.timezone.utc
PIPELINE_NAME = "tiktok_ads"
DATASET = "tiktok_ads_data"
PAGE_SIZE = 1000
WINDOW_DAYS = 30  # TikTok's longest stat_time_day span per request
ADVERTISERS_PER_INFO_CALL = 100
ATTRIBUTION_WINDOW_DAYS = 7  # the source's default
FIXED_TODAY = dt.date(2024, 6, 15)
SCENARIOS = ("a", "b", "c", "d", "e")
ALL_SCENARIOS = ("a", "b", "c", "d")  # "all": (e) takes long (5M rows), ask for it by name
ENTITY_KINDS = {"campaigns": "campaign", "adgroups": "adgroup", "ads": "ad"}


# ------------------------------------------------------------------------------------------ worlds and workloads


@dataclasses.dataclass(frozen=True)
class WorldSpec:
    """An emulated account: the same values build the emulator process's world and the model here."""

    advertisers: int
    campaigns: int
    adgroups: int
    ads: int
    days: int
    today: dt.date
    seed: int = 11

    def config(self) -> WorldConfig:
        """The model's configuration."""
        return WorldConfig(**dataclasses.asdict(self))

    def cli_args(self) -> list[str]:
        """The same world as ``python -m tiktok_ads.emulator`` arguments."""
        return self.config().cli_args()

    def describe(self) -> str:
        """One line: sizes and dates."""
        ads = self.advertisers * self.campaigns * self.adgroups * self.ads
        return (
            f"{self.advertisers} advertisers x {self.campaigns} campaigns x {self.adgroups} ad groups x {self.ads} "
            f"ads ({ads:,} ads), {self.days} days to {self.today}"
        )


@dataclasses.dataclass(frozen=True)
class Workload:
    """What one pipeline run is asked to load.

    Attributes:
        tables: the tables (``--tables``).
        start_date: first report day.
        end_date: last report day of a backfill (None: an incremental run up to each advertiser's today).
        max_qps: the pipeline's own pacing (``max_qps``; 0 = none).
    """

    tables: tuple[str, ...]
    start_date: dt.date
    end_date: dt.date | None = None
    max_qps: float = 10


@dataclasses.dataclass(frozen=True)
class Worlds:
    """The worlds of the scenarios.

    Attributes:
        agency: (a) and (c): 20 advertisers x 27 ads, 90 days, today two days before the real UTC date.
        big: (b) and the 1M run of (d): 8 advertisers x 1,000 ads, 365 days at a fixed date (~1.13M
            ad_insights rows).
        small: the 250k run of (d): 2 advertisers x 1,000 ads, 300 days at the same date (~251k rows).
        huge: (e): 40 advertisers x 1,000 ads, 365 days at the same date (~5.1M rows).
    """

    agency: WorldSpec
    big: WorldSpec
    small: WorldSpec
    huge: WorldSpec

    @classmethod
    def full(cls) -> Worlds:
        """The benchmark's worlds."""
        return cls._sized(smoke=False)

    @classmethod
    def smoke(cls) -> Worlds:
        """Tiny worlds that check the benchmark itself in a minute (``--smoke``; the figures mean nothing)."""
        return cls._sized(smoke=True)

    @classmethod
    def _sized(cls, smoke: bool) -> Worlds:
        """The worlds of ``WORLD_SIZES``: ``agency`` two days before the real UTC date, the others at
        ``FIXED_TODAY``."""
        rolling = dt.datetime.now(UTC).date() - dt.timedelta(days=2)
        worlds: dict[str, WorldSpec] = {}
        for name, (full, tiny) in WORLD_SIZES.items():
            advertisers, campaigns, adgroups, ads, days = tiny if smoke else full
            today = rolling if name == "agency" else FIXED_TODAY
            worlds[name] = WorldSpec(advertisers, campaigns, adgroups, ads, days, today)
        return cls(**worlds)


#: each world's (advertisers, campaigns, ad groups per campaign, ads per ad group, days): for the benchmark,
#: and for ``--smoke``
WORLD_SIZES: dict[str, tuple[tuple[int, int, int, int, int], tuple[int, int, int, int, int]]] = {
    "agency": ((20, 3, 3, 3, 90), (3, 1, 1, 2, 40)),
    "big": ((8, 10, 10, 10, 365), (2, 2, 2, 3, 60)),
    "small": ((2, 10, 10, 10, 300), (1, 2, 2, 3, 60)),
    "huge": ((40, 10, 10, 10, 365), (3, 2, 2, 3, 60)),  # ~5.1M ad_insights rows
}


def backfill(world: WorldSpec, tables: Sequence[str]) -> Workload:
    """The whole history of ``world`` as a backfill, up to the day after its today (every time zone's today)."""
    start = world.today - dt.timedelta(days=world.days)
    return Workload(tuple(tables), start, world.today + dt.timedelta(days=1), max_qps=0)


# ------------------------------------------------------------------------------------------ the minimum


@dataclasses.dataclass
class Minimum:
    """The fewest requests a workload needs, and the rows it reads.

    Attributes:
        requests: total requests.
        by_table: requests per table (``advertisers`` = the ``advertiser/info/`` calls).
        report_windows: report windows (advertiser x table x 30-day window).
        rows: rows the API holds for the workload, per table.
    """

    requests: int = 0
    by_table: dict[str, int] = dataclasses.field(default_factory=dict)
    report_windows: int = 0
    rows: dict[str, int] = dataclasses.field(default_factory=dict)

    def add(self, table: str, requests: int, rows: int) -> None:
        """Count ``requests`` and ``rows`` for ``table``."""
        self.requests += requests
        self.by_table[table] = self.by_table.get(table, 0) + requests
        self.rows[table] = self.rows.get(table, 0) + rows


def pages(rows: int) -> int:
    """Requests to read ``rows`` rows at ``PAGE_SIZE`` (an empty result still takes one)."""
    return max(1, math.ceil(rows / PAGE_SIZE))


def windows(first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """``first..last`` cut into the fewest windows of at most ``WINDOW_DAYS`` days, oldest first."""
    out: list[tuple[dt.date, dt.date]] = []
    while first <= last:
        end = min(last, first + dt.timedelta(days=WINDOW_DAYS - 1))
        out.append((first, end))
        first = end + dt.timedelta(days=1)
    return out


def local_today(world: World, advertiser_id: str, now: dt.datetime) -> dt.date:
    """The advertiser's date at ``now``: the emulator's clock, which the pipeline reads from its ``Date`` header."""
    advertiser = world.advertiser(advertiser_id)
    assert advertiser is not None
    return now.astimezone(ZoneInfo(advertiser.timezone)).date()


def report_ranges(
    world: World,
    workload: Workload,
    now: dt.datetime,
    previous: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> dict[str, tuple[dt.date, dt.date]]:
    """The days the pipeline reads per advertiser (the source's documented rule, on TikTok's clock).

    Args:
        world: the model.
        workload: the run's settings.
        now: the emulator's instant during the run (its Date header).
        previous: the ranges of the run before on the same pipeline (None: a first run).

    Returns:
        Advertiser id -> inclusive ``(first, last)`` day; advertisers with nothing to read are left out.
    """
    ranges: dict[str, tuple[dt.date, dt.date]] = {}
    for adv in world.advertisers:
        today = local_today(world, adv.advertiser_id, now)
        first, last = workload.start_date, today
        if workload.end_date is not None:
            last = min(workload.end_date, today)
        elif previous and adv.advertiser_id in previous:
            last_day = min(previous[adv.advertiser_id][1], today)
            first = max(workload.start_date, last_day - dt.timedelta(days=ATTRIBUTION_WINDOW_DAYS))
        if first <= last:
            ranges[adv.advertiser_id] = (first, last)
    return ranges


def minimum_requests(
    world: World, workload: Workload, ranges: Mapping[str, tuple[dt.date, dt.date]]
) -> Minimum:
    """The fewest requests the workload needs, from the model (no HTTP), at ``PAGE_SIZE`` rows per page.

    Per advertiser: for each report table and each 30-day window of its range, the pages of that window's rows
    (``World.report``, the emulator's own report index, with the table's dimensions and metrics and the default
    "not deleted" filter); for each entity table, the pages of its list (objects existing now, not deleted).
    Plus one ``advertiser/info/`` call per 100 advertisers (any table needs the time zones).

    Args:
        world: the model, its clock where the emulator's is.
        workload: the run's tables.
        ranges: the days read per advertiser (:func:`report_ranges`).

    Returns:
        The minimum.
    """
    minimum = Minimum()
    ids = [a.advertiser_id for a in world.advertisers]
    minimum.add("advertisers", math.ceil(len(ids) / ADVERTISERS_PER_INFO_CALL), len(ids))
    for name in workload.tables:
        spec = TABLES[name]
        for adv_id in ids:
            if spec.kind == "entity":
                kind = ENTITY_KINDS[name]
                count = sum(1 for e in world.entities(kind, adv_id) if not is_deleted(e))
                minimum.add(name, pages(count), count)
            elif spec.kind == "report" and adv_id in ranges:
                for first, last in windows(*ranges[adv_id]):
                    result = world.report(
                        adv_id,
                        report_type=str(spec.report_type),
                        data_level=str(spec.data_level),
                        dimensions=list(spec.dimensions),
                        metrics=list(spec.metrics),
                        start_date=first,
                        end_date=last,
                    )
                    minimum.add(name, pages(len(result)), len(result))
                    minimum.report_windows += 1
    return minimum


# ------------------------------------------------------------------------------------------ processes


class Emulator:
    """``python -m tiktok_ads.emulator`` as a separate process, with its control routes.

    Args:
        world: the world to serve.
        limits: rate-limit arguments, e.g. ``["--qps", "10", "--qpm", "0"]``.
    """

    def __init__(self, world: WorldSpec, limits: Sequence[str]) -> None:
        cmd = [sys.executable, "-m", "tiktok_ads.emulator", "--port", "0", "--max-report-cells", "0"]
        cmd += [*world.cli_args(), *limits]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator did not start (exit code {self.proc.wait(timeout=10)})")
        self.info: dict[str, Any] = json.loads(line)

    def _call(self, method: str, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.info['base_url']}/_emulator/{name}", data=data, method=method
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
        return answer

    def stats(self) -> dict[str, Any]:
        """``GET /_emulator/stats``: the emulator's counters."""
        return self._call("GET", "stats")

    def set_today(self, day: dt.date) -> None:
        """``POST /_emulator/clock``: move the emulator's clock to ``day`` 12:00 UTC."""
        self._call("POST", "clock", {"today": day.isoformat()})

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the emulator process used so far (Linux ``/proc``)."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@contextlib.contextmanager
def emulator(world: WorldSpec, limits: Sequence[str]) -> Iterator[Emulator]:
    """Run an :class:`Emulator` for the duration of the block."""
    process = Emulator(world, limits)
    try:
        yield process
    finally:
        process.stop()


NO_LIMITS = ("--qps", "0", "--qpm", "0", "--advertiser-qps", "0")
QPS_10 = ("--qps", "10", "--qpm", "0")  # TikTok's Basic tier without its 600 QPM: only QPS binds


def pipeline_env(info: Mapping[str, Any], workload: Workload) -> dict[str, str]:
    """The pipeline process's environment: the settings as ``SOURCES__TIKTOK_ADS__*`` variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__"))}
    prefix = "SOURCES__TIKTOK_ADS__"
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            prefix + "ACCESS_TOKEN": info["access_token"],
            prefix + "BASE_URL": info["base_url"],
            prefix + "ADVERTISER_IDS": ",".join(info["advertiser_ids"]),
            prefix + "START_DATE": workload.start_date.isoformat(),
            prefix + "TABLES": ",".join(workload.tables),
            prefix + "MAX_QPS": str(workload.max_qps),
        }
    )
    if workload.end_date is not None:
        env[prefix + "END_DATE"] = workload.end_date.isoformat()
    return env


@dataclasses.dataclass
class ProcessUsage:
    """What one pipeline process used."""

    exit_code: int
    wall: float
    cpu: float
    max_rss_mb: float


def run_pipeline(
    workdir: Path, env: dict[str, str], extra_args: Sequence[str], log_name: str, timeout: float
) -> ProcessUsage:
    """Run ``tiktok_ads_pipeline.py`` in ``workdir`` to completion and measure it with ``os.wait4``.

    Args:
        workdir: working directory (the duckdb file and ``pipelines/`` live there).
        env: its environment.
        extra_args: more command-line options (``--pipeline-arg``).
        log_name: file (in ``workdir``) for its stdout and stderr.
        timeout: seconds before it is killed.

    Returns:
        Exit code, wall seconds, user+sys CPU seconds and peak RSS (MB) of the process.
    """
    cmd = [
        sys.executable,
        str(ROOT / "tiktok_ads_pipeline.py"),
        "--pipelines-dir",
        str(workdir / "pipelines"),
    ]
    cmd += ["--progress", "none", *extra_args]
    with open(workdir / log_name, "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return ProcessUsage(proc.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def rows_of_last_load(db_path: Path, tables: Sequence[str]) -> dict[str, int]:
    """Rows each table got from the last load (rows carrying its ``_dlt_load_id``) in the duckdb file."""
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as con:
        found = con.execute(
            f'SELECT load_id FROM "{DATASET}"."_dlt_loads" WHERE status = 0 ORDER BY inserted_at DESC LIMIT 1'
        ).fetchone()
        if found is None:
            return {}
        existing = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", [DATASET]
            ).fetchall()
        }
        counts: dict[str, int] = {}
        for table in tables:
            if table in existing:
                row = con.execute(
                    f'SELECT count(*) FROM "{DATASET}"."{table}" WHERE _dlt_load_id = ?', [found[0]]
                ).fetchone()
                counts[table] = int(row[0]) if row else 0
        return counts


def step_times(log: str) -> str:
    """dlt's time per step from the pipeline's summary line ``Time: ... (extract ..., normalize ..., load ...)``."""
    found = re.search(r"^Time: .*\((extract [^)]*)\)", log, re.MULTILINE)
    return found.group(1) if found else ""


# ------------------------------------------------------------------------------------------ one measured run


@dataclasses.dataclass
class RunResult:
    """One measured pipeline run."""

    scenario: str
    number: int
    exit_code: int
    wall: float
    cpu: float
    max_rss_mb: float
    emulator_cpu: float
    requests: int
    requests_by_route: dict[str, int]
    throttled_app: int
    throttled_advertiser: int
    other_codes: dict[str, int]
    rows: int
    rows_by_table: dict[str, int]
    minimum: int
    minimum_by_table: dict[str, int]
    report_windows: int
    model_report_rows: int
    workdir: str
    steps: str = ""
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        """Whether the pipeline succeeded."""
        return self.exit_code == 0

    @property
    def throttled(self) -> int:
        """40100 + 40133 answers."""
        return self.throttled_app + self.throttled_advertiser

    @property
    def report_rows(self) -> int:
        """Rows of the report tables."""
        return sum(n for t, n in self.rows_by_table.items() if TABLES[t].kind == "report")

    def line(self) -> str:
        """One line for the log."""
        if not self.ok:
            return f"({self.scenario}) run {self.number}: FAILED (exit {self.exit_code})\n{self.log_tail}"
        per_m = self.cpu / self.rows * 1e6 if self.rows else 0.0
        share = self.throttled / self.requests if self.requests else 0.0
        other = f", other codes {self.other_codes}" if self.other_codes else ""
        return (
            f"({self.scenario}) run {self.number}: {self.wall:.1f} s wall, {self.requests:,} requests (minimum "
            f"{self.minimum:,}), throttled {self.throttled_app}+{self.throttled_advertiser} ({share:.2%}){other}, "
            f"{self.rows:,} rows ({self.report_rows:,} report rows, model {self.model_report_rows:,}), pipeline CPU {self.cpu:.1f} s ({per_m:.1f} s per M rows), peak RSS "
            f"{self.max_rss_mb:.0f} MB; emulator CPU {self.emulator_cpu:.1f} s"
            + (f"; steps: {self.steps}" if self.steps else "")
        )


def _delta(after: Mapping[str, Any], before: Mapping[str, Any], key: str) -> dict[str, int]:
    keys = set(after.get(key, {})) | set(before.get(key, {}))
    out = {k: int(after.get(key, {}).get(k, 0)) - int(before.get(key, {}).get(k, 0)) for k in keys}
    return {k: v for k, v in sorted(out.items()) if v}


def measured_run(
    scenario: str,
    number: int,
    emu: Emulator,
    model: World,
    workload: Workload,
    workdir: Path,
    args: argparse.Namespace,
    previous: Mapping[str, tuple[dt.date, dt.date]] | None = None,
) -> tuple[RunResult, dict[str, tuple[dt.date, dt.date]]]:
    """Run the pipeline once against ``emu`` and measure it.

    Args:
        scenario: its letter (for the log).
        number: run number.
        emu: the running emulator.
        model: the same world in this process, its clock where the emulator's is.
        workload: the run's settings.
        workdir: the pipeline's folder (reused for an incremental run).
        args: the command line (``--pipeline-arg``, ``--timeout``).
        previous: the report ranges of the run before on this pipeline, for an incremental run.

    Returns:
        The result and the report ranges this run read (for the next incremental run).
    """
    ranges = report_ranges(model, workload, model.now, previous)
    minimum = minimum_requests(model, workload, ranges)
    before, cpu_before = emu.stats(), emu.cpu_seconds()
    log_name = f"pipeline-{scenario}-{number}.log"
    usage = run_pipeline(workdir, pipeline_env(emu.info, workload), args.pipeline_arg, log_name, args.timeout)
    after, cpu_after = emu.stats(), emu.cpu_seconds()
    codes = _delta(after, before, "codes")
    rows = (
        rows_of_last_load(workdir / f"{PIPELINE_NAME}.duckdb", workload.tables)
        if usage.exit_code == 0
        else {}
    )
    result = RunResult(
        scenario=scenario,
        number=number,
        exit_code=usage.exit_code,
        wall=usage.wall,
        cpu=usage.cpu,
        max_rss_mb=usage.max_rss_mb,
        emulator_cpu=cpu_after - cpu_before,
        requests=int(after["total_requests"]) - int(before["total_requests"]),
        requests_by_route=_delta(after, before, "requests"),
        throttled_app=codes.get("40100", 0),
        throttled_advertiser=codes.get("40133", 0),
        other_codes={k: v for k, v in codes.items() if k not in ("0", "40100", "40133")},
        rows=sum(rows.values()),
        rows_by_table=rows,
        minimum=minimum.requests,
        minimum_by_table=minimum.by_table,
        report_windows=minimum.report_windows,
        model_report_rows=sum(n for t, n in minimum.rows.items() if TABLES[t].kind == "report"),
        workdir=str(workdir),
    )
    log = (workdir / log_name).read_text(errors="replace")
    result.steps = step_times(log)
    if not result.ok:
        result.log_tail = "\n".join(log.splitlines()[-15:])
    print(result.line(), flush=True)
    return result, ranges


# ------------------------------------------------------------------------------------------ scenarios and targets


@dataclasses.dataclass
class Target:
    """One checked figure."""

    scenario: str
    measure: str
    value: float | None
    shown: str
    target: str
    passed: bool


def median(values: Sequence[float]) -> float:
    """The median (0 for no values)."""
    return float(statistics.median(values)) if values else 0.0


def check(scenario: str, measure: str, value: float | None, shown: str, target: str, passed: bool) -> Target:
    """A :class:`Target` (``passed`` False when there is no value)."""
    return Target(scenario, measure, value, shown, target, passed and value is not None)


def medians_line(results: Sequence[RunResult]) -> str:
    """The median figures of successful runs, one line."""
    ok = [r for r in results if r.ok]
    if not ok:
        return "no successful run"
    return (
        f"median of {len(ok)}: {median([r.wall for r in ok]):.1f} s wall, {median([r.requests for r in ok]):,.0f} "
        f"requests (minimum {median([r.minimum for r in ok]):,.0f}), "
        f"{median([r.throttled for r in ok]):,.0f} throttled, {median([r.rows for r in ok]):,.0f} rows, "
        f"pipeline CPU {median([r.cpu for r in ok]):.1f} s "
        f"({median([r.cpu / r.rows * 1e6 for r in ok if r.rows]):.1f} s per M rows), "
        f"peak RSS {median([r.max_rss_mb for r in ok]):.0f} MB, emulator CPU {median([r.emulator_cpu for r in ok]):.1f} s"
    )


class Bench:
    """Runs the selected scenarios and collects results and targets.

    Args:
        args: the command line.
        root: folder for the runs' work directories.
    """

    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.root = root
        self.results: dict[str, list[RunResult]] = {}
        self.targets: list[Target] = []
        self.notes: dict[str, str] = {}
        self.worlds = Worlds.smoke() if args.smoke else Worlds.full()
        #: the emulator's latency model: wall time means nothing against an instant server
        self.timing = ("--latency", str(args.latency), "--latency-per-row", str(args.latency_per_row))

    def workdir(self, name: str) -> Path:
        """A fresh folder for one run."""
        path = self.root / name
        path.mkdir(parents=True)
        return path

    # ---------------------------------------------------------------- a and c

    def agency(self, with_a: bool, with_c: bool) -> None:
        """Scenarios (a) and (c): the first load of the agency, then (c) the next day's incremental run.

        With both, each (c) run follows an (a) run on the same emulator and pipeline folder; with (c) alone, the
        first load is made unmeasured against an emulator without limits.
        """
        world = self.worlds.agency
        workload = Workload(DEFAULT_TABLES, world.today - dt.timedelta(days=world.days), max_qps=10)
        print(f"\n(a) agency, 10 QPS: {world.describe()}; all nine tables", flush=True)
        if with_c:
            print(
                f"(c) daily run after (a): the emulator's clock moved to {world.today + dt.timedelta(days=1)}",
                flush=True,
            )
        for number in range(1, self.args.runs + 1):
            model = World(world.config())
            workdir = self.workdir(f"agency-{number}")
            if with_a:
                with emulator(world, (*QPS_10, *self.timing)) as emu:
                    result, ranges = measured_run("a", number, emu, model, workload, workdir, self.args)
                    self.results.setdefault("a", []).append(result)
                    if with_c and result.ok:
                        self._daily(number, emu, model, world, workload, workdir, ranges)
                continue
            with emulator(world, (*NO_LIMITS, *self.timing)) as emu:
                setup = Workload(workload.tables, workload.start_date, max_qps=0)
                ranges = report_ranges(model, setup, model.now)
                usage = run_pipeline(
                    workdir, pipeline_env(emu.info, setup), (), "setup.log", self.args.timeout
                )
                if usage.exit_code != 0:
                    raise SystemExit(f"(c) the first load failed; see {workdir / 'setup.log'}")
            with emulator(world, (*QPS_10, *self.timing)) as emu:
                self._daily(number, emu, model, world, workload, workdir, ranges)
        if with_a:
            self._targets_a(self.results.get("a", []))
        if with_c:
            self._targets_c(self.results.get("c", []))

    def _daily(
        self,
        number: int,
        emu: Emulator,
        model: World,
        world: WorldSpec,
        workload: Workload,
        workdir: Path,
        ranges: Mapping[str, tuple[dt.date, dt.date]],
    ) -> None:
        """One (c) run: move the emulator's (and the model's) clock one day on, run the pipeline again."""
        next_day = world.today + dt.timedelta(days=1)
        emu.set_today(next_day)
        model.set_today(next_day)
        result, _ = measured_run("c", number, emu, model, workload, workdir, self.args, previous=ranges)
        self.results.setdefault("c", []).append(result)

    def _targets_a(self, results: Sequence[RunResult]) -> None:
        ok = [r for r in results if r.ok]
        print("(a) " + medians_line(results), flush=True)
        wall_ratio = median([r.wall / (r.requests / 10) for r in ok if r.requests]) if ok else None
        req_ratio = median([r.requests / r.minimum for r in ok if r.minimum]) if ok else None
        share = median([r.throttled / r.requests for r in ok if r.requests]) if ok else None
        self.targets += [
            check("a", "wall / (requests / 10 QPS)", wall_ratio, f"{wall_ratio or 0:.2f}", "<= 1.10",
                  wall_ratio is not None and wall_ratio <= 1.10),
            check("a", "requests / minimum", req_ratio, f"{req_ratio or 0:.3f}", "<= 1.05",
                  req_ratio is not None and req_ratio <= 1.05),
            check("a", "throttled share (40100+40133)", share, f"{share or 0:.2%}", "<= 1%",
                  share is not None and share <= 0.01),
        ]  # fmt: skip
        self._no_failures("a", results)

    def _targets_c(self, results: Sequence[RunResult]) -> None:
        ok = [r for r in results if r.ok]
        print("(c) " + medians_line(results), flush=True)
        if ok:
            first = ok[0]
            report_requests = sum(n for t, n in first.minimum_by_table.items() if TABLES[t].kind == "report")
            advertisers = first.minimum_by_table.get("advertisers", 0)
            print(
                f"(c) the minimum reads {first.report_windows} report windows ({ATTRIBUTION_WINDOW_DAYS + 1} days: "
                f"one per advertiser and report table) in {report_requests} requests, plus {advertisers} "
                f"advertiser/info and {first.minimum - report_requests - advertisers} entity-list requests",
                flush=True,
            )
        req_ratio = median([r.requests / r.minimum for r in ok if r.minimum]) if ok else None
        self.targets.append(
            check("c", "requests / minimum (one window per advertiser and report table)", req_ratio,
                  f"{req_ratio or 0:.3f}", "<= 1.05", req_ratio is not None and req_ratio <= 1.05)
        )  # fmt: skip
        self._no_failures("c", results)

    # ---------------------------------------------------------------- b and d

    def backfill_runs(self, scenario: str, world: WorldSpec) -> list[RunResult]:
        """``--runs`` runs of an ``ad_insights`` backfill of ``world`` with no limits, each on a fresh emulator."""
        workload = backfill(world, ["ad_insights"])
        results: list[RunResult] = []
        for number in range(1, self.args.runs + 1):
            model = World(world.config())
            with emulator(world, (*NO_LIMITS, *self.timing)) as emu:
                workdir = self.workdir(f"{scenario}-{world.advertisers}x{world.days}-{number}")
                result, _ = measured_run(scenario, number, emu, model, workload, workdir, self.args)
                results.append(result)
        return results

    def backfill_scenario(
        self, scenario: str, title: str, world: WorldSpec
    ) -> tuple[list[RunResult], list[RunResult]]:
        """Say and run ``scenario``'s backfills of ``world``, keep them and print their medians.

        Returns:
            All the runs, and those that succeeded.
        """
        print(f"\n({scenario}) {title}: {world.describe()}; ad_insights only (backfill)", flush=True)
        runs = self.backfill_runs(scenario, world)
        self.results[scenario] = runs
        print(f"({scenario}) " + medians_line(runs), flush=True)
        return runs, [r for r in runs if r.ok]

    def throughput(self) -> None:
        """Scenario (b): at least 1M ad_insights rows, no limits; report rows per pipeline CPU second."""
        results, ok = self.backfill_scenario("b", "throughput, no limits", self.worlds.big)
        rate = median([r.report_rows / r.cpu for r in ok if r.cpu]) if ok else None
        wall_rate = median([r.report_rows / r.wall for r in ok if r.wall]) if ok else None
        print(f"(b) median report rows per wall second: {wall_rate or 0:,.0f}", flush=True)
        rows = median([r.report_rows for r in ok]) if ok else None
        self.targets += [
            check("b", "ad_insights rows loaded", rows, f"{rows or 0:,.0f}", ">= 1,000,000",
                  rows is not None and rows >= 1_000_000),
            check("b", "report rows per pipeline CPU second", rate, f"{rate or 0:,.0f}",
                  ">= 50,000 (aim 100,000)", rate is not None and rate >= 50_000),
        ]  # fmt: skip
        self._no_failures("b", results)

    def memory(self) -> None:
        """Scenario (d): peak RSS at ~250k and at the 1M+ rows of (b)."""
        small = self.worlds.small
        print(f"\n(d) memory, 250k rows: {small.describe()}; ad_insights only (backfill)", flush=True)
        runs_small = self.backfill_runs("d", small)
        if "b" in self.results:
            runs_big = self.results["b"]
            print("(d) memory, 1M rows: the runs of (b)", flush=True)
        else:
            big = self.worlds.big
            print(f"(d) memory, 1M rows: {big.describe()}; ad_insights only (backfill)", flush=True)
            runs_big = self.backfill_runs("d", big)
        self.results["d"] = runs_small + ([] if "b" in self.results else runs_big)
        ok_small = [r for r in runs_small if r.ok]
        ok_big = [r for r in runs_big if r.ok]
        print("(d) 250k: " + medians_line(runs_small), flush=True)
        print("(d) 1M:   " + medians_line(runs_big), flush=True)
        rss_small = median([r.max_rss_mb for r in ok_small]) if ok_small else None
        rss_big = median([r.max_rss_mb for r in ok_big]) if ok_big else None
        ratio = rss_big / rss_small if rss_small and rss_big else None
        rows_small = median([r.rows for r in ok_small]) if ok_small else 0
        rows_big = median([r.rows for r in ok_big]) if ok_big else 0
        self.targets += [
            check("d", f"peak RSS at {rows_small:,.0f} rows (MB)", rss_small, f"{rss_small or 0:.0f}", "< 400",
                  rss_small is not None and rss_small < 400),
            check("d", f"peak RSS at {rows_big:,.0f} rows (MB)", rss_big, f"{rss_big or 0:.0f}", "< 400",
                  rss_big is not None and rss_big < 400),
            check("d", "peak RSS ratio 1M / 250k", ratio, f"{ratio or 0:.2f}", "<= 1.10",
                  ratio is not None and ratio <= 1.10),
        ]  # fmt: skip
        self._no_failures("d", runs_small + runs_big)

    def memory_huge(self) -> None:
        """Scenario (e): peak RSS at ~5M rows, against (d)'s 250k run when (d) ran in the same invocation."""
        runs, ok = self.backfill_scenario("e", "memory, 5M rows", self.worlds.huge)
        rss = median([r.max_rss_mb for r in ok]) if ok else None
        rows = median([r.rows for r in ok]) if ok else 0
        rate = median([r.report_rows / r.cpu for r in ok if r.cpu]) if ok else None
        print(f"(e) report rows per pipeline CPU second: {rate or 0:,.0f}", flush=True)
        self.targets.append(
            check("e", f"peak RSS at {rows:,.0f} rows (MB)", rss, f"{rss or 0:.0f}", "< 400",
                  rss is not None and rss < 400)
        )  # fmt: skip
        small = [r for r in self.results.get("d", []) if r.ok and r.rows < 500_000]
        if small and rss:
            ratio = rss / median([r.max_rss_mb for r in small])
            self.targets.append(
                check("e", "peak RSS ratio 5M / 250k", ratio, f"{ratio:.2f}", "<= 1.10", ratio <= 1.10)
            )
        self._no_failures("e", runs)

    def _no_failures(self, scenario: str, results: Sequence[RunResult]) -> None:
        """Targets for failed runs and for report rows that differ from the model's; a note for odd answers."""
        failed = [r for r in results if not r.ok]
        wrong = [r for r in results if r.ok and r.report_rows != r.model_report_rows]
        if results and not failed:
            self.targets.append(
                check(scenario, "runs whose report rows differ from the model's", len(wrong), str(len(wrong)),
                      "0", not wrong)
            )  # fmt: skip
        others = [r for r in results if r.ok and r.other_codes]
        if failed:
            self.targets.append(
                check(scenario, "pipeline runs failed", len(failed), str(len(failed)), "0", False)
            )
        if others:
            self.notes[scenario] = (
                f"answers other than 0/40100/40133 in {len(others)} run(s): {others[0].other_codes}"
            )
            print(f"({scenario}) note: {self.notes[scenario]}", flush=True)


def summary_table(targets: Sequence[Target]) -> str:
    """The targets as an aligned text table."""
    header = ("scenario", "measure", "median", "target", "result")
    rows = [(t.scenario, t.measure, t.shown, t.target, "PASS" if t.passed else "FAIL") for t in targets]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def parse_scenarios(text: str) -> list[str]:
    """``a``, ``b,d``, ``all`` -> scenario letters in order."""
    if text == "all":
        return list(ALL_SCENARIOS)
    chosen = {s.strip() for s in text.split(",") if s.strip()}
    unknown = chosen - set(SCENARIOS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose from a, b, c, d, e or all (comma-separated), not {text!r}")
    return [s for s in SCENARIOS if s in chosen]


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario",
        type=parse_scenarios,
        default=list(ALL_SCENARIOS),
        help="a, b, c, d, e, a comma list, or all (default: a-d; e is 5M rows)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per scenario (default 3); figures are medians"
    )
    parser.add_argument(
        "--pipeline-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra option for tiktok_ads_pipeline.py, repeatable; use the = form: --pipeline-arg=--max-concurrency=16",
    )
    parser.add_argument(
        "--json", type=Path, default=None, metavar="PATH", help="save every run and target as JSON"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a pipeline run is killed")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="folder for the runs (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (duckdb files, pipeline logs)")
    parser.add_argument(
        "--latency",
        type=float,
        default=TYPICAL.base,
        help=f"seconds every emulator answer takes (default {TYPICAL.base:g}, a plausible TikTok; 0 = instant)",
    )
    parser.add_argument(
        "--latency-per-row",
        type=float,
        default=TYPICAL.per_row,
        help=f"seconds more per list row (default {TYPICAL.per_row:g})",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny worlds, to check the benchmark itself (figures mean nothing)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen scenarios, print the summary; returns 0 if every target passed, else 1."""
    args = build_parser().parse_args(argv)
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        root = work_folder(stack, args.workdir, args.keep, "bench_pipeline_")
        extra = " ".join(args.pipeline_arg) or "none"
        print(
            f"bench_pipeline: scenarios {','.join(args.scenario)}, {args.runs} run(s) each, pipeline options: "
            f"{extra}; work dir {root}; {os.cpu_count()} CPUs, load average "
            f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}",
            flush=True,
        )
        bench = Bench(args, root)
        if "a" in args.scenario or "c" in args.scenario:
            bench.agency("a" in args.scenario, "c" in args.scenario)
        if "b" in args.scenario:
            bench.throughput()
        if "d" in args.scenario:
            bench.memory()
        if "e" in args.scenario:
            bench.memory_huge()
        elapsed = time.monotonic() - started
        print(f"\nsummary ({elapsed:.0f} s in all; medians over {args.runs} run(s) each)")
        print(summary_table(bench.targets))
        if args.json is not None:
            payload = {
                "date": dt.datetime.now(UTC).isoformat(timespec="seconds"),
                "command": [sys.executable, *sys.argv],
                "runs": args.runs,
                "pipeline_args": args.pipeline_arg,
                "cpus": os.cpu_count(),
                "seconds": round(elapsed, 1),
                "results": {k: [dataclasses.asdict(r) for r in v] for k, v in bench.results.items()},
                "targets": [dataclasses.asdict(t) for t in bench.targets],
                "notes": bench.notes,
            }
            args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n")
            print(f"results saved to {args.json}")
        return 0 if all(t.passed for t in bench.targets) else 1


if __name__ == "__main__":
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    sys.exit(main())

"""Crash test: SIGKILL the pipeline at random points of extract, normalize and load; rerun; compare with the truth.

Starts ``python -m tiktok_ads.emulator`` as a separate process (a small world, no rate limits, no faults), then
repeats on **one** pipeline and **one** duckdb file:

1. start ``python tiktok_ads_pipeline.py`` (the real script, all nine tables) as a process;
2. wait until it reaches the trial's kill point: a progress update of the target step (extract, normalize or
   load), which the run reports itself through the test hook of ``tiktok_ads_cli/crash_point.py``; then wait a
   random delay more (``--max-delay 0``: none, the run waits at that point) and kill it with SIGKILL;
3. note where the kill landed (what dlt left pending), run the script again to completion, and compare every
   table of the destination with the emulator's truth: no duplicate keys, no missing rows, no extra rows,
   every value equal.

After the last trial one more clean run must change nothing. Run from the repository root::

    /work/venv/bin/python bench/bench_crash.py                 # 20 trials
    /work/venv/bin/python bench/bench_crash.py --trials 40 --seed 7 --keep
    /work/venv/bin/python bench/bench_crash.py --max-update 8 --max-delay 0   # exactly at random updates

The test suite runs three trials of the same code (``tests/reliability/test_crash.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.workdir import work_folder  # noqa: E402
from tiktok_ads.emulator.data import truth as T  # noqa: E402
from tiktok_ads.emulator.data.model import World, WorldConfig  # noqa: E402
from tiktok_ads.emulator.data.truth_compare import keyed_differences  # noqa: E402
from tiktok_ads.tables.registry import DEFAULT_TABLES, TABLES  # noqa: E402

PIPELINE_NAME = "tiktok_ads"
DATASET = "tiktok_ads_data"
PHASES = ("extract", "normalize", "load")
UTC = dt.timezone.utc


# ------------------------------------------------------------------------------------------ the world


def crash_world(today: dt.date | None = None) -> WorldConfig:
    """The emulated account: the same config builds the emulator process's world and the truth here.

    ``today`` defaults to yesterday (UTC): the emulator's clock stands at ``today`` 12:00 UTC, and the
    pipeline takes its "today" from the emulator's ``Date`` header, so it reads up to each advertiser's
    emulated today.
    """
    today = today or dt.datetime.now(UTC).date() - dt.timedelta(days=1)
    return WorldConfig(seed=11, advertisers=2, campaigns=1, adgroups=1, ads=2, days=10, today=today)


@contextlib.contextmanager
def emulator_process(world: WorldConfig, extra_args: Sequence[str] = ()) -> Iterator[dict[str, Any]]:
    """Run ``python -m tiktok_ads.emulator`` over ``world`` (no limits, no faults) and yield its JSON line.

    Args:
        world: the world to serve.
        extra_args: more emulator arguments (e.g. ``["--fault-rate", "0.1"]``).

    Yields:
        ``base_url``, ``access_token``, ``app_id``, ``secret``, ``auth_code`` and ``advertiser_ids``.
    """
    cmd = [sys.executable, "-m", "tiktok_ads.emulator", "--port", "0"]
    cmd += ["--qps", "0", "--qpm", "0", "--advertiser-qps", "0", *world.cli_args(), *extra_args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the emulator did not start (exit code {proc.wait(timeout=10)})")
        yield json.loads(line)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# ------------------------------------------------------------------------------------------ the pipeline


def pipeline_env(info: dict[str, Any], start_date: dt.date, **settings: str) -> dict[str, str]:
    """The environment of a pipeline process: settings as ``SOURCES__TIKTOK_ADS__*`` variables.

    Args:
        info: the emulator's connection info.
        start_date: first report day.
        **settings: more settings, e.g. ``MAX_RETRIES="2"``.

    Returns:
        A clean copy of ``os.environ`` (no inherited ``SOURCES__``/``DESTINATION__`` values) plus the settings.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__"))}
    env.update(
        PYTHONPATH=str(ROOT),
        RUNTIME__DLTHUB_TELEMETRY="false",
        SOURCES__TIKTOK_ADS__ACCESS_TOKEN=info["access_token"],
        SOURCES__TIKTOK_ADS__BASE_URL=info["base_url"],
        SOURCES__TIKTOK_ADS__ADVERTISER_IDS=",".join(info["advertiser_ids"]),
        SOURCES__TIKTOK_ADS__START_DATE=start_date.isoformat(),
        SOURCES__TIKTOK_ADS__MAX_QPS="0",
        SOURCES__TIKTOK_ADS__RETRY_BACKOFF_SECONDS="0.01",
    )
    env.update({f"SOURCES__TIKTOK_ADS__{k.upper()}": v for k, v in settings.items()})
    return env


def start_pipeline(
    workdir: Path, env: dict[str, str], log_name: str, pass_fds: Sequence[int] = ()
) -> subprocess.Popen[bytes]:
    """Start ``python tiktok_ads_pipeline.py`` in ``workdir`` (duckdb file and pipelines dir live there).

    Args:
        workdir: working directory of the run.
        env: its environment (:func:`pipeline_env`).
        log_name: file name (in ``workdir``) for its stdout and stderr.
        pass_fds: file descriptors the run inherits (e.g. the pipe of :func:`kill_during`).

    Returns:
        The running process.
    """
    log = open(workdir / log_name, "wb")  # noqa: SIM115 - handed to the child, closed by the OS on exit
    try:
        return subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "tiktok_ads_pipeline.py"),
                "--pipelines-dir",
                str(workdir / "pipelines"),
            ],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            pass_fds=tuple(pass_fds),
        )
    finally:
        log.close()


def run_pipeline(workdir: Path, env: dict[str, str], log_name: str, timeout: float = 300) -> tuple[int, str]:
    """Run the pipeline script to completion.

    Returns:
        ``(exit code, its output)``.
    """
    proc = start_pipeline(workdir, env, log_name)
    code = proc.wait(timeout=timeout)
    return code, (workdir / log_name).read_text(errors="replace")


Runner = Callable[[Path, dict[str, str], str], tuple[int, str]]
"""Runs the pipeline script to completion: ``(workdir, env, log name) -> (exit code, output)``."""


def run_pipeline_in_process(workdir: Path, env: dict[str, str], log_name: str) -> tuple[int, str]:
    """Like :func:`run_pipeline`, but calls ``tiktok_ads_pipeline.main`` in this process (no interpreter start).

    The environment and working directory are set for the call and restored after it; the output goes to
    ``workdir / log_name`` as well.

    Returns:
        ``(exit code, its output)``.
    """
    import io

    import tiktok_ads_pipeline

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    buffer = io.StringIO()
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(workdir)
        with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
            code = tiktok_ads_pipeline.main(["--pipelines-dir", str(workdir / "pipelines")])
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    (workdir / log_name).write_text(buffer.getvalue())
    return code, buffer.getvalue()


def _load_ids(folder: Path) -> set[str]:
    """Load package ids (sub-folders named like ``1712345678.123456``) in ``folder``."""
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.iterdir() if p.is_dir() and p.name.replace(".", "").isdigit()}


def package_folders(pipelines_dir: Path) -> dict[str, set[str]]:
    """Where dlt's load packages are: ``extracting`` (being written), ``extracted`` (waiting for normalize),
    ``normalizing`` (being normalized), ``normalized`` (waiting for or in load) and ``loaded``.

    Args:
        pipelines_dir: the ``--pipelines-dir`` of the runs.

    Returns:
        Folder -> load ids.
    """
    root = pipelines_dir / PIPELINE_NAME
    extracting: set[str] = set()
    normalize = root / "normalize"
    if normalize.is_dir():
        for child in normalize.iterdir():
            if child.is_dir() and child.name != "extracted":
                extracting |= _load_ids(child)
    return {
        "extracting": extracting,
        "extracted": _load_ids(normalize / "extracted"),
        "normalizing": _load_ids(root / "load" / "new"),
        "normalized": _load_ids(root / "load" / "normalized"),
        "loaded": _load_ids(root / "load" / "loaded"),
    }


def landed(before: dict[str, set[str]], after: dict[str, set[str]]) -> str:
    """Where a kill landed, from what the killed run left behind.

    Returns:
        ``load`` (a package was waiting for or in load), ``normalize`` (a package was extracted but not
        normalized), ``extract`` (nothing new was committed) or ``done`` (the run had loaded its package).
    """
    if after["loaded"] - before["loaded"]:
        return "done"
    if after["normalized"]:
        return "load"
    if after["extracted"] or after["normalizing"] - before["normalizing"]:
        return "normalize"
    return "extract"


# ------------------------------------------------------------------------------------------ the truth


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, float):
        return Decimal(str(value)).normalize()
    if isinstance(value, dt.datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _utc(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, T.TIME_FORMAT)


def truth_tables(
    world: World,
    advertiser_ids: Sequence[str],
    start_date: dt.date,
    seen_at: Sequence[dt.datetime] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """What each of the nine tables must hold, from the emulator's model (no HTTP, no source code).

    Report rows carry every dimension and metric; entity rows their key and ``secondary_status``;
    advertiser rows their key, time zone and currency. Times are naive UTC.

    Args:
        world: the emulated world (its clock as the loads saw it).
        advertiser_ids: the advertisers loaded.
        start_date: the first report day loaded.
        seen_at: the instants the loads ran, if the clock moved between them (entity tables keep one row
            per version seen); default: only the world's clock.

    Returns:
        Table name -> expected rows.
    """
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, spec in ((n, TABLES[n]) for n in DEFAULT_TABLES):
        if spec.kind == "report":
            tables[name] = T.report_rows(
                world,
                advertiser_ids=advertiser_ids,
                report_type=str(spec.report_type),
                data_level=str(spec.data_level),
                dimensions=spec.dimensions,
                metrics=spec.metrics,
                start_date=start_date,
            )
        elif spec.kind == "entity":
            kind = str(spec.id_field).removesuffix("_id")
            rows = T.entity_rows(world, kind, advertiser_ids=advertiser_ids, seen_at=seen_at)
            tables[name] = [
                {
                    **{k: str(r[k]) for k in spec.primary_key if k not in ("modify_time",)},
                    "modify_time": _utc(str(r["modify_time"])),
                    "secondary_status": r.get("secondary_status"),
                }
                for r in rows
            ]
        else:
            tables[name] = [
                {
                    "advertiser_id": str(a["advertiser_id"]),
                    "create_time": dt.datetime.fromtimestamp(int(a["create_time"]), UTC).replace(tzinfo=None),
                    "timezone": a.get("timezone"),
                    "currency": a.get("currency"),
                }
                for a in T.advertiser_rows(world, advertiser_ids)
            ]
    return tables


def read_table(con: Any, dataset: str, table: str) -> list[dict[str, Any]] | None:
    """Every row of ``dataset.table`` from a duckdb connection (None if the table does not exist)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [dataset, table],
    ).fetchone()[0]
    if not exists:
        return None
    cur = con.execute(f'SELECT * FROM "{dataset}"."{table}"')
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def destination_problems(
    db_path: Path | str, truth: dict[str, list[dict[str, Any]]], dataset: str = DATASET
) -> list[str]:
    """Compare the destination with the truth: duplicates, gaps, extra rows and wrong values, per table.

    Args:
        db_path: the duckdb file.
        truth: :func:`truth_tables`.
        dataset: the dataset (schema) loaded into.

    Returns:
        One line per problem; empty when every table equals the truth.
    """
    import duckdb

    problems: list[str] = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        for name, want in truth.items():
            spec = TABLES[name]
            got = read_table(con, dataset, name)
            if got is None:
                problems.append(f"{name}: table missing")
                continue
            key = spec.primary_key

            def key_of(row: dict[str, Any], key: Sequence[str] = key) -> tuple[Any, ...]:
                return tuple(_norm(row.get(k)) for k in key)

            diff = keyed_differences(got, want, key_of, _norm)
            if diff.duplicates:
                problems.append(f"{name}: {diff.duplicates} duplicate rows")
            missing = sorted(diff.missing, key=repr)
            extra = sorted(diff.extra, key=repr)
            if missing:
                problems.append(f"{name}: {len(missing)} rows missing, e.g. {missing[:2]}")
            if extra:
                problems.append(f"{name}: {len(extra)} rows that should not be there, e.g. {extra[:2]}")
            if diff.wrong:
                k, col, have, value = diff.wrong[0]
                problems.append(
                    f"{name}: {len(diff.wrong)} wrong values, e.g. {k} {col}: {have!r} != {value!r}"
                )
    return problems


# ------------------------------------------------------------------------------------------ the trials


@dataclasses.dataclass
class Trial:
    """One kill and the rerun after it."""

    number: int
    target: str
    update: int
    delay: float
    landed: str = ""
    killed_after: float = 0.0
    jobs_done: tuple[int, int] | None = None
    rerun_code: int = 0
    rerun_seconds: float = 0.0
    problems: list[str] = dataclasses.field(default_factory=list)

    def rerun_and_check(
        self,
        run: Callable[[], tuple[int, str]],
        db_path: Path,
        truth: dict[str, list[dict[str, Any]]],
        what: str,
    ) -> None:
        """Run the pipeline again (``run``: exit code and output), time it, and compare the destination with
        the truth when it succeeded; what went wrong goes to ``problems`` (``what`` names the run)."""
        started = time.monotonic()
        self.rerun_code, output = run()
        self.rerun_seconds = time.monotonic() - started
        if self.rerun_code != 0:
            self.problems.append(f"{what} failed: " + output.strip()[-500:])
        else:
            self.problems += destination_problems(db_path, truth)

    def line(self) -> str:
        """One line for the report."""
        status = "ok" if not self.problems and self.rerun_code == 0 else "FAILED"
        jobs = f" ({self.jobs_done[0]} of {self.jobs_done[1]} jobs done)" if self.jobs_done else ""
        return (
            f"trial {self.number:>3}: target {self.target:<9} update {self.update:>2} +{self.delay:5.2f}s  "
            f"killed after {self.killed_after:5.2f}s in {self.landed}{jobs}  rerun exit {self.rerun_code} "
            f"({self.rerun_seconds:4.1f}s)  {status}" + ("".join(f"\n      {p}" for p in self.problems))
        )


def load_jobs(pipelines_dir: Path) -> tuple[int, int] | None:
    """``(jobs completed, jobs in all)`` of the package waiting for or in load, if there is one."""
    [package, *_] = sorted((pipelines_dir / PIPELINE_NAME / "load" / "normalized").glob("*")) or [None]
    if package is None:
        return None
    counts = {
        state: sum(1 for f in (package / state).glob("*") if f.is_file())
        for state in ("new_jobs", "started_jobs", "completed_jobs", "failed_jobs")
    }
    return counts["completed_jobs"], sum(counts.values())


def kill_during(
    workdir: Path,
    env: dict[str, str],
    target: str,
    update: int,
    delay: float,
    log_name: str,
    timeout: float = 120,
) -> tuple[str, float]:
    """Start a run and SIGKILL it at its ``update``-th progress update in step ``target`` (plus ``delay`` s).

    The run reports that point itself (the test hook of :mod:`tiktok_ads_cli.crash_point`, through a pipe): with
    ``delay == 0`` it waits there, so the kill lands exactly at that point, inside ``target`` with part of the
    step's work done; with ``delay > 0`` it goes on and is killed ``delay`` seconds later, wherever it is then.

    Returns:
        ``(landed, seconds from start to kill)``; ``landed`` is ``"done"`` if the run finished first
        (``target`` had fewer than ``update`` updates, or the delay outlasted the run).
    """
    from tiktok_ads_cli.crash_point import CRASH_POINT_ENV, CrashPoint

    pipelines_dir = workdir / "pipelines"
    before = package_folders(pipelines_dir)
    read_end, write_end = os.pipe()
    point = CrashPoint(target, update, "continue" if delay > 0 else "pause", f"/dev/fd/{write_end}")
    started = time.monotonic()
    reached_point = False
    try:
        proc = start_pipeline(
            workdir, {**env, CRASH_POINT_ENV: point.value()}, log_name, pass_fds=(write_end,)
        )
    finally:
        os.close(write_end)  # the run holds the only write end now: EOF means it exited without the point
    try:
        with os.fdopen(read_end, "rb") as reports:
            ready, _, _ = select.select([reports], [], [], timeout)
            if not ready:
                raise TimeoutError(f"the run reached neither update {update} of {target} nor its end")
            reached_point = bool(reports.readline())
        if reached_point and delay > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=delay)
        if reached_point and proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None and not reached_point:
            proc.kill()
        proc.wait()
    killed_after = time.monotonic() - started
    if proc.returncode == 0:
        return "done", killed_after
    if proc.returncode != -signal.SIGKILL:
        output = (workdir / log_name).read_text(errors="replace").strip()[-500:]
        raise RuntimeError(
            f"the run failed by itself (exit code {proc.returncode}) before the kill: {output}"
        )
    return landed(before, package_folders(pipelines_dir)), killed_after


def run_trials(
    trials: int,
    *,
    workdir: Path,
    world: WorldConfig | None = None,
    seed: int = 1,
    updates: tuple[int, int] = (1, 1),
    max_delay: float = 0.8,
    tables: Sequence[str] | None = None,
    final_run: bool = True,
    rerun: Runner = run_pipeline,
    report: Callable[[str], None] | None = None,
) -> list[Trial]:
    """Kill and rerun ``trials`` times on one pipeline; after each rerun compare the destination with the truth.

    Target steps cycle extract, normalize, load. Each kill comes at a progress update of the target step
    drawn uniformly from ``updates`` (dlt reports one per batch of rows extracted or normalized, per load job
    done), plus a delay uniform in ``[0, max_delay]`` seconds; ``max_delay=0`` kills exactly at that update
    (the run waits there to be killed), so where each kill lands does not depend on the machine's speed.
    A last clean run at the end must leave the destination equal to the truth.

    Args:
        trials: number of kills.
        workdir: empty folder for the duckdb file, the pipelines dir and the logs.
        world: the emulated account (default :func:`crash_world`).
        seed: seed of the kill points and delays.
        updates: lowest and highest progress update (1 = the first) to kill at.
        max_delay: longest delay after that update.
        tables: the tables to load (default all nine).
        final_run: end with one more clean run, which must change nothing.
        rerun: how to run the script after a kill (default: a new process, like the killed run).
        report: called with one line per trial (e.g. ``print``).

    Returns:
        The trials, plus (with ``final_run``) a last pseudo-trial, target ``final``, for the clean run.
    """
    world = world or crash_world()
    model = World(world)
    start = model.history_start  # the first day of the emulated history: the pipeline's start_date
    rng = random.Random(seed)
    db_path = workdir / f"{PIPELINE_NAME}.duckdb"
    results: list[Trial] = []
    with emulator_process(world) as info:
        env = pipeline_env(info, start, **({"tables": ",".join(tables)} if tables else {}))
        truth = truth_tables(model, info["advertiser_ids"], start)
        truth = {name: rows for name, rows in truth.items() if not tables or name in tables}
        for number in range(1, trials + 1):
            target = PHASES[(number - 1) % len(PHASES)]
            update = rng.randint(*updates)
            trial = Trial(
                number, target, update, round(rng.uniform(0, max_delay), 3) if max_delay > 0 else 0.0
            )
            trial.landed, trial.killed_after = kill_during(
                workdir, env, trial.target, trial.update, trial.delay, f"killed-{number}.log"
            )
            if trial.landed == "load":
                trial.jobs_done = load_jobs(workdir / "pipelines")
            trial.rerun_and_check(
                partial(rerun, workdir, env, f"rerun-{number}.log"), db_path, truth, "rerun"
            )
            results.append(trial)
            if report:
                report(trial.line())
        if not final_run:
            return results
        final = Trial(trials + 1, "final", 0, 0.0, landed="-")
        final.rerun_and_check(partial(rerun, workdir, env, "final.log"), db_path, truth, "final run")
        results.append(final)
        if report:
            report(
                f"final clean run: exit {final.rerun_code} ({final.rerun_seconds:.1f}s) "
                + ("ok" if not final.problems else "FAILED\n      " + "\n      ".join(final.problems))
            )
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the crash trials and print one line per trial and a summary.

    Returns:
        0 if the destination equalled the truth after every rerun, else 1.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--trials", type=int, default=20, help="kills (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill points (default 1)")
    parser.add_argument(
        "--max-update",
        type=int,
        default=1,
        help="kill at a progress update of the target step drawn from 1..N (default 1: its first)",
    )
    parser.add_argument(
        "--max-delay",
        type=float,
        default=0.8,
        help="longest delay after that update (s, default 0.8); 0 kills exactly at the update",
    )
    parser.add_argument("--tables", default=None, help="comma-separated tables to load (default: all nine)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="folder for the runs (default: a temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (duckdb file, logs)")
    args = parser.parse_args(argv)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    with contextlib.ExitStack() as stack:
        workdir = work_folder(stack, args.workdir, args.keep, "bench_crash_")
        tables = [t.strip() for t in args.tables.split(",")] if args.tables else None
        what = ", ".join(tables) if tables else "all nine tables"
        print(f"{args.trials} kills of `python tiktok_ads_pipeline.py` ({what}) in {workdir}")
        started = time.monotonic()
        results = run_trials(
            args.trials,
            workdir=workdir,
            seed=args.seed,
            updates=(1, max(1, args.max_update)),
            max_delay=args.max_delay,
            tables=tables,
            report=print,
        )
        kills = results[:-1]
        landed_in = {phase: sum(1 for t in kills if t.landed == phase) for phase in (*PHASES, "done")}
        failed = [t for t in results if t.problems or t.rerun_code != 0]
        print(
            f"kills landed in: {', '.join(f'{k} {v}' for k, v in landed_in.items())}; "
            f"{len(failed)} of {len(results)} runs left a destination different from the truth; "
            f"{time.monotonic() - started:.0f}s"
        )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

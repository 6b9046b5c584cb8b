"""Crashes: the pipeline process killed with SIGKILL in extract, normalize and load, then run again.

``bench/bench_crash.py`` does the full run (20 kills and more); here three kills, one per step, on one pipeline
and one duckdb file, against an emulator process. After every rerun the destination equals the truth: no
duplicate keys, no missing rows, no extra rows, every value equal. A second test pins the part dlt leaves
to us: a run that starts with a package an interrupted run left behind loads it *and* extracts as usual.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import dlt
import pytest
from dlt.common.runtime.collector import LogCollector

import tiktok_ads_pipeline as script
from bench.bench_crash import PHASES, destination_problems, run_pipeline_in_process, run_trials, truth_tables
from tiktok_ads import tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads_cli.crash_point import CRASH_POINT_ENV, CrashPoint, with_crash_point

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2026, 3, 31)


def test_sigkill_in_extract_normalize_and_load_then_rerun_equals_the_truth(tmp_path: Path) -> None:
    lines: list[str] = []
    tables = ["advertisers", "ads", "ad_insights"]  # bench_crash.py kills loads of all nine
    # each killed run stops at the 3rd progress update of its target step (rows of a 2nd or 3rd table extracted
    # or normalized, 3 load jobs done) and waits there for the kill: where it lands is not a matter of timing
    # (tiktok_ads_cli/crash_point.py); the reruns run the script in this process (same code, no interpreter start)
    trials = run_trials(
        3,
        workdir=tmp_path,
        seed=2,
        updates=(3, 3),
        max_delay=0,
        tables=tables,
        rerun=run_pipeline_in_process,
        report=lines.append,
    )
    report = "\n".join(lines)
    kills, final = trials[:-1], trials[-1]
    assert [t.target for t in kills] == list(PHASES)
    # the kills landed where they were aimed (dlt's package folders show what each killed run left)
    assert [t.landed for t in kills] == list(PHASES), report
    # ... inside the step, part of its work done: the load had finished some of the package's jobs, not all
    done, total = kills[2].jobs_done or (0, 0)
    assert 0 < done < total, report
    for trial in trials:
        assert trial.rerun_code == 0 and trial.problems == [], report
    assert final.target == "final"
    # every rerun after a kill in normalize or load finished the pending package, then ran in full
    for number in (2, 3):
        log = (tmp_path / f"rerun-{number}.log").read_text()
        assert "left by an interrupted run" in log and "Requests: " in log, log
        assert "Requests: 0 requests" not in log, log


def test_a_run_after_an_interrupted_load_loads_the_leftover_and_the_new_data(
    workdir: Path, emulator_factory: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    world = WorldConfig(seed=8, advertisers=2, campaigns=1, adgroups=1, ads=2, days=12, today=TODAY)
    server = emulator_factory(world)
    start = server.world.history_start
    settings = {
        "access_token": server.access_token,
        "base_url": server.base_url,
        "advertiser_ids": server.advertiser_ids,
        "start_date": start.isoformat(),
        "tables": ["advertisers", "ads", "ad_insights"],
        "max_qps": 0,
        "clock": lambda: server.world.now,  # the script's own code path, on the emulator's clock (as --demo)
    }
    args = script.build_parser().parse_args(
        ["--destination", "duckdb", "--pipelines-dir", str(workdir / "pipelines")]
    )
    seen_at = [server.world.now]
    assert script.run(args, settings, script.DEFAULT_DATASET) == 0

    # a day later, a run is killed right after dlt normalized its package: the package waits for load, and
    # the extracted copy normalize was deleting is still there, half gone (what SIGKILL leaves at that point)
    server.world.set_today(TODAY + dt.timedelta(days=1))
    seen_at.append(server.world.now)
    pipeline = dlt.pipeline(
        pipeline_name=script.PIPELINE_NAME,
        pipelines_dir=str(workdir / "pipelines"),
        destination="duckdb",
        dataset_name=script.DEFAULT_DATASET,
    )
    pipeline.extract(tiktok_ads(**settings), loader_file_format="parquet")  # type: ignore[arg-type]
    [load_id] = pipeline.list_extracted_load_packages()
    extracted = Path(pipeline.working_dir) / "normalize" / "extracted" / load_id
    shutil.copytree(extracted, workdir / "copy")
    pipeline.normalize()
    assert pipeline.list_normalized_load_packages() == [load_id] and not extracted.exists()
    shutil.copytree(workdir / "copy", extracted)
    shutil.rmtree(extracted / "new_jobs")

    # two days later the script runs again: it loads what the killed run left, then today's data
    server.world.set_today(TODAY + dt.timedelta(days=3))
    seen_at.append(server.world.now)
    capsys.readouterr()
    code = script.run(args, settings, script.DEFAULT_DATASET)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Finishing 1 load package(s) left by an interrupted run" in out
    truth = truth_tables(server.world, server.advertiser_ids, start, seen_at=seen_at)
    tables = {t: truth[t] for t in ("advertisers", "ads", "ad_insights")}
    assert destination_problems(workdir / "tiktok_ads.duckdb", tables) == []
    pipeline = dlt.attach(script.PIPELINE_NAME, pipelines_dir=str(workdir / "pipelines"))
    assert not pipeline.has_pending_data and load_id in pipeline.list_completed_load_packages()


def test_the_crash_point_hook_is_off_unless_its_variable_is_set_and_names_a_bad_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(CRASH_POINT_ENV, raising=False)
    collector = LogCollector()
    assert with_crash_point(collector) is collector
    assert CrashPoint.parse("load:3:pause:/dev/fd/7:x") == CrashPoint("load", 3, "pause", "/dev/fd/7:x")
    for value, part in [
        ("load:3:pause", "STEP:N:ACTION:PATH"),
        ("dump:1:pause:/x", "step 'dump'"),
        ("load:0:pause:/x", "N '0'"),
        ("load:1:stop:/x", "action 'stop'"),
        ("load:1:pause:", "PATH is empty"),
    ]:
        monkeypatch.setenv(CRASH_POINT_ENV, value)
        with pytest.raises(ValueError, match=CRASH_POINT_ENV) as err:
            with_crash_point(collector)
        assert part in str(err.value)

"""The shipped scheduling examples: the GitHub Actions workflow and the Airflow DAG in ``deploy/``.

- The workflow is valid YAML with a daily cron, installs ``requirements.txt`` and runs the pipeline script
  with options the script accepts, its secrets passed as dlt environment variables; the README's
  "Scheduling" section shows the same commands.
- The DAG is imported by Apache Airflow's own loader (``DagBag``) in a separate virtualenv (Airflow pins
  much of what it needs: ``bash .ci/airflow_venv.sh`` builds it; ``.ci/run`` starts that in the background,
  and this test waits for it). It must build one task per table group, side by side, covering the nine tables
  once, and move Airflow's data interval back by the attribution window.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from pathlib import Path
from typing import Any

import pytest
import support
import yaml

import tiktok_ads_pipeline as script
from tiktok_ads.tables.registry import DEFAULT_TABLES
from tiktok_ads_cli.source_options import source_setting_options

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "deploy" / "github-actions" / "tiktok_ads.yml"
DAG_FOLDER = ROOT / "deploy" / "airflow"
AIRFLOW_VENV = Path(
    os.environ.get("TIKTOK_ADS_AIRFLOW_VENV", Path.home() / ".cache" / "tiktok-ads-dlt" / "airflow-venv")
)
AIRFLOW_WAIT_SECONDS = 600


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_github_workflow_is_valid_yaml_running_the_documented_commands() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    cron = triggers["schedule"][0]["cron"]
    minute, hour, day, month, weekday = cron.split()
    assert minute.isdigit() and hour.isdigit() and (day, month, weekday) == ("*", "*", "*"), "daily"
    assert "workflow_dispatch" in triggers
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"]
    runs = [s["run"].strip() for s in steps if "run" in s]
    assert runs[0] == "python -m pip install -r requirements.txt"
    pipeline_runs = [r for r in runs if r.startswith("python tiktok_ads_pipeline.py")]
    assert pipeline_runs, runs
    for command in pipeline_runs:
        args = script.build_parser().parse_args(shlex.split(command)[2:])  # the script accepts them
        assert not args.demo and args.destination and args.destination != "duckdb"
    # secrets come from GitHub secrets, as the environment variables dlt reads
    env: dict[str, Any] = job["env"]
    assert env["SOURCES__TIKTOK_ADS__ACCESS_TOKEN"] == "${{ secrets.SOURCES__TIKTOK_ADS__ACCESS_TOKEN }}"
    for name, value in env.items():
        assert re.fullmatch(r"(SOURCES__TIKTOK_ADS|DESTINATION|RUNTIME)__[A-Z_]+", name), name
        if "secrets." in str(value):
            assert str(value) == "${{ secrets." + name + " }}", name
    settings = {o.name.upper() for o in source_setting_options()}
    for name in env:
        if name.startswith("SOURCES__TIKTOK_ADS__"):
            assert name.removeprefix("SOURCES__TIKTOK_ADS__") in settings | {"ACCESS_TOKEN", "SECRET"}, name
    # the README walks through the same commands and both `dlt deploy` targets
    scheduling = _readme_section("Scheduling")
    for command in runs:
        assert command in scheduling, command
    for target in (
        "dlt deploy tiktok_ads_pipeline.py github-action",
        "dlt deploy tiktok_ads_pipeline.py airflow-composer",
    ):
        assert target in scheduling
    assert (
        "deploy/github-actions/tiktok_ads.yml" in scheduling
        and "deploy/airflow/tiktok_ads_dag.py" in scheduling
    )


def _airflow_python() -> Path:
    """The Airflow venv's python, waiting while ``.ci/airflow_venv.sh`` builds it; skip when nobody does."""
    ready = AIRFLOW_VENV / ".tiktok-ads-ready"
    building = AIRFLOW_VENV.with_name(AIRFLOW_VENV.name + ".building")
    failed = AIRFLOW_VENV.with_name(AIRFLOW_VENV.name + ".failed")
    deadline = time.monotonic() + AIRFLOW_WAIT_SECONDS
    while not ready.exists():
        if failed.exists():
            pytest.fail(f"building the Airflow venv {AIRFLOW_VENV} failed (see .ci/airflow_venv.sh)")
        if not building.exists():
            pytest.skip(
                f"Apache Airflow is not installed in {AIRFLOW_VENV}: `bash .ci/airflow_venv.sh` builds it"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"the Airflow venv {AIRFLOW_VENV} was still building after {AIRFLOW_WAIT_SECONDS} s")
        time.sleep(2)
    return AIRFLOW_VENV / "bin" / "python"


PROBE = """
import datetime as dt, json, os, sys
import warnings
warnings.simplefilter("ignore")
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:  # Airflow 2
    from airflow.models.dagbag import DagBag
import airflow
bag = DagBag(dag_folder=sys.argv[1])
dag = bag.dags.get("tiktok_ads")
module = sys.modules[[m for m in sys.modules if m.endswith("tiktok_ads_dag")][0]]
start = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
widened = module.interval_with_attribution_window(start, start + dt.timedelta(days=1))
print("RESULT" + json.dumps({
    "airflow": airflow.__version__,
    "errors": {k: str(v)[-2000:] for k, v in bag.import_errors.items()},
    "tasks": {t.task_id: {"type": type(t).__name__, "upstream": sorted(t.upstream_task_ids),
                           "downstream": sorted(t.downstream_task_ids)} for t in (dag.tasks if dag else [])},
    "schedule": str(getattr(dag, "timetable", "")),
    "groups": {k: list(v) for k, v in module.TABLE_GROUPS.items()},
    "interval": [d.isoformat() for d in widened],
}))
"""


@pytest.mark.timeout(AIRFLOW_WAIT_SECONDS + 120)
def test_airflow_dag_imports_and_builds_parallel_table_group_tasks(tmp_path: Path) -> None:
    python = _airflow_python()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),  # the tiktok_ads package next to the DAG, as in Airflow's dags folder
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAG_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    proc = support.run_command(
        [str(python), "-c", PROBE, str(DAG_FOLDER)], cwd=tmp_path, env=env, timeout=120
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT")), None)
    assert proc.returncode == 0 and line, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(line.removeprefix("RESULT"))
    assert result["errors"] == {}, result["errors"]
    groups = result["groups"]
    # the table groups cover the nine tables, each once
    assert sorted(t for tables in groups.values() for t in tables) == sorted(DEFAULT_TABLES)
    tasks = result["tasks"]
    assert sorted(tasks) == sorted(f"tiktok_ads.tiktok_ads_{group}" for group in groups), tasks
    for task in tasks.values():  # side by side: no task waits for another
        assert task["type"] == "PythonOperator" and task["upstream"] == [] and task["downstream"] == []
    assert "0 0 * * *" in result["schedule"] or "daily" in result["schedule"].lower(), result["schedule"]
    assert result["interval"] == ["2026-02-22T00:00:00+00:00", "2026-03-02T00:00:00+00:00"]

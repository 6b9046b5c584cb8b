"""The README's Python snippets, run as written against the emulator: "Use as a library" (chosen tables,
changed metrics) and then "Inspecting the data" (dlt's dataset API on what it loaded).

The snippets take their settings the way the README says, from ``SOURCES__TIKTOK_ADS__*`` environment
variables (here pointing at the emulator), in a fresh interpreter working in a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import dlt
import pytest
import support
from support import assert_report_equals_truth, report_truth

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.errors import ConfigError
from tiktok_ads.tables.custom_metrics import table_specs, with_metrics

ROOT = Path(__file__).resolve().parents[2]
WORLD = WorldConfig(seed=41, advertisers=2, campaigns=2, adgroups=1, ads=2, days=12)
COUNTRY_METRICS = ["spend", "impressions", "clicks", "conversion", "cost_per_conversion"]


def readme_python_blocks(section: str) -> list[str]:
    """The ```python blocks of a README section (top level only, not the indented ones)."""
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"^```python\n(.*?)^```", text[start:end], re.MULTILINE | re.DOTALL)


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    server = emulator_factory(WORLD)
    server.world.set_now(dt.datetime.now(dt.timezone.utc))  # the snippets run on the real clock
    return server


def test_readme_library_and_inspection_snippets_run_against_the_emulator(
    tmp_path: Path, server: EmulatorServer
) -> None:
    (library,) = readme_python_blocks("Use as a library")
    (inspection,) = readme_python_blocks("Inspecting the data")
    assert "select_tables(" in library and "metrics=" in library
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__", "PIPELINES__"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DLT_DATA_DIR=str(tmp_path / "dlt"),  # the pipelines' working folders, away from ~/.dlt
        RUNTIME__DLTHUB_TELEMETRY="false",
        SOURCES__TIKTOK_ADS__ACCESS_TOKEN=server.access_token,
        SOURCES__TIKTOK_ADS__BASE_URL=server.base_url,
        SOURCES__TIKTOK_ADS__ADVERTISER_IDS=",".join(server.advertiser_ids),
        SOURCES__TIKTOK_ADS__START_DATE=server.world.history_start.isoformat(),
        SOURCES__TIKTOK_ADS__MAX_QPS="0",
    )
    proc = support.run_command(
        [sys.executable, "-c", library + "\n" + inspection], cwd=tmp_path, env=env, timeout=180
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "rows by country" in proc.stdout

    pipeline = dlt.pipeline(
        "readme_check",
        pipelines_dir=str(tmp_path / "check"),
        destination=dlt.destinations.duckdb(str(tmp_path / "tiktok_ads.duckdb")),
        dataset_name="tiktok_ads_data",
    )
    with pipeline.sql_client() as client:
        tables = {r[0] for r in client.execute_sql("SHOW TABLES") or []}
        assert {t for t in tables if not t.startswith("_dlt")} == {
            "campaigns",
            "ad_insights",
            "ad_insights_by_country",
        }
        ad_columns = {r[0] for r in client.execute_sql("DESCRIBE ad_insights") or []}
        assert not [c for c in ad_columns if c.startswith("video_")] and "spend" in ad_columns
        assert {"campaign_id", "adgroup_id"} <= ad_columns  # key metrics stay
        country_columns = {r[0] for r in client.execute_sql("DESCRIBE ad_insights_by_country") or []}
        spec = with_metrics(TABLES["ad_insights_by_country"], COUNTRY_METRICS)
        assert {c for c in country_columns if not c.startswith("_")} == set(spec.columns)
        # the chosen metrics, value for value
        want = report_truth(server, spec, start_date=server.world.history_start, include_deleted=False)
        assert want
        assert_report_equals_truth(pipeline, spec, want)


def test_metrics_setting_is_checked_before_any_request() -> None:
    specs = table_specs({"ad_insights": "spend, clicks"})
    assert specs["ad_insights"].metrics == ("campaign_id", "adgroup_id", "spend", "clicks")
    assert specs["campaigns"] is TABLES["campaigns"]
    for bad, problem in (
        ({"ad_insights": ["spend", "spendd"]}, "unknown metric"),
        ({"ad_insights_by_country": ["complete_payment"]}, "refuses complete_payment in AUDIENCE"),
        ({"campaigns": ["spend"]}, "not a report table"),
        ({"nope": ["spend"]}, "unknown table"),
        ("{not json", "not a JSON object"),
    ):
        with pytest.raises(ConfigError, match=problem) as info:
            table_specs(bad)  # type: ignore[arg-type]
        assert info.value.setting.startswith("sources.tiktok_ads.metrics")

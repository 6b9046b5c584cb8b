"""Airflow DAG: the TikTok Ads pipeline every day, its table groups loading as parallel tasks.

Put this file in Airflow's ``dags/`` folder together with the ``tiktok_ads`` package (the folder of that
name from this repository), install ``requirements.txt`` on the workers, and give dlt its settings the way
dlt reads them in Airflow: environment variables (``SOURCES__TIKTOK_ADS__ACCESS_TOKEN``,
``SOURCES__TIKTOK_ADS__ADVERTISER_IDS``, ``DESTINATION__BIGQUERY__CREDENTIALS__*`` ...), a ``.dlt/`` folder
next to this file (``dlt deploy tiktok_ads_pipeline.py airflow-composer`` makes one), or the Airflow
variable ``dlt_secrets_toml`` holding the content of ``secrets.toml``.

How it runs (dlt's ``PipelineTasksGroup``):

- one task per table group (:data:`TABLE_GROUPS`), side by side: entities, the ad report, the audience
  reports. Each group is its own dlt pipeline (``tiktok_ads_<group>``, own state), all loading into one
  dataset; groups never share a table, so their merges never meet in the staging dataset. Advertisers are
  not split into tasks for that reason: two tasks merging into the same table would share its staging table.
- the TikTok app's request budget (``APP_QPS``) is shared: each task gets its share as ``max_qps``.
- ``allow_external_schedulers=True``: each run reads the days of Airflow's data interval, so a backfill
  (``airflow dags backfill``, or catchup) reloads exactly its days and leaves the incremental state alone.
  Because TikTok restates conversions for days afterwards, the interval's start is moved back by the
  attribution window (:func:`interval_with_attribution_window`): the daily run re-reads the last days too.
- the source is built inside the task (a callable is passed to ``add_run``), so parsing the DAG needs no
  TikTok credentials and makes no request.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import dlt
import pendulum
from dlt.helpers.airflow_helper import PipelineTasksGroup

try:  # Airflow 3
    from airflow.sdk import DAG, get_current_context
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.operators.python import get_current_context

from tiktok_ads import tiktok_ads

DESTINATION = os.environ.get("TIKTOK_ADS_DESTINATION", "bigquery")
"""Where to load (any dlt destination; its credentials come from dlt's config)."""

DATASET_NAME = "tiktok_ads_data"
"""The dataset (schema) all groups load into."""

APP_QPS = float(os.environ.get("TIKTOK_ADS_APP_QPS", "10"))
"""Requests per second the TikTok app may use (10 on the basic tier), shared by the parallel tasks."""

ATTRIBUTION_WINDOW_DAYS = 7
"""Days before the interval that each run re-reads (TikTok restates conversions for 7 days)."""

TABLE_GROUPS: dict[str, tuple[str, ...]] = {
    "entities": ("advertisers", "campaigns", "adgroups", "ads"),
    "ad_reports": ("ad_insights", "ad_insights_by_platform"),
    "audience_reports": (
        "ad_insights_by_age_and_gender",
        "ad_insights_by_country",
        "campaign_insights_by_province",
    ),
}
"""Parallel tasks: each loads these tables (together, all nine)."""


def interval_with_attribution_window(
    start: dt.datetime, end: dt.datetime, days: int = ATTRIBUTION_WINDOW_DAYS
) -> tuple[dt.datetime, dt.datetime]:
    """Airflow's data interval with its start moved back by ``days`` (the days TikTok may still restate).

    Args:
        start: ``data_interval_start``.
        end: ``data_interval_end``.
        days: the attribution window.

    Returns:
        ``(start - days, end)``.
    """
    return start - dt.timedelta(days=days), end


def group_source(tables: tuple[str, ...]) -> Any:
    """A function that builds the source of one table group inside its Airflow task.

    Args:
        tables: the group's tables.

    Returns:
        A callable for ``PipelineTasksGroup.add_run`` returning the source.
    """

    def build() -> Any:
        context = get_current_context()
        start, end = interval_with_attribution_window(
            context["data_interval_start"], context["data_interval_end"]
        )
        # dlt reads the interval from these variables before asking Airflow (dlt.current.interval())
        os.environ["DLT_INTERVAL_START"] = start.isoformat()
        os.environ["DLT_INTERVAL_END"] = end.isoformat()
        return tiktok_ads(
            tables=list(tables),
            allow_external_schedulers=True,
            max_qps=APP_QPS / len(TABLE_GROUPS),
            attribution_window_days=ATTRIBUTION_WINDOW_DAYS,
        )

    build.__name__ = "tiktok_ads_" + "_".join(tables[:1])
    return build


with DAG(
    dag_id="tiktok_ads",
    description="TikTok Ads (Business API v1.3) into the warehouse with dlt",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "data", "retries": 2, "retry_delay": dt.timedelta(minutes=10)},
    tags=["dlt", "tiktok_ads"],
) as dag:
    tasks = PipelineTasksGroup("tiktok_ads", use_data_folder=False, wipe_local_data=True)
    for group, group_tables in TABLE_GROUPS.items():
        # created after PipelineTasksGroup: each task gets a fresh working folder, state comes from the destination
        pipeline = dlt.pipeline(
            pipeline_name=f"tiktok_ads_{group}",
            destination=DESTINATION,
            dataset_name=DATASET_NAME,
        )
        tasks.add_run(
            pipeline,
            group_source(group_tables),
            decompose="none",
            trigger_rule="all_done",
            execution_timeout=dt.timedelta(hours=6),
        )

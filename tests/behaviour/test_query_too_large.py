"""Query too large (issue 4): when TikTok answers 40067, the report window is halved - down to one day - and
the data that lands is still complete, value for value."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from support import compare_reports, make_pipeline, report_truth, run

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2026, 3, 31)
WORLD = WorldConfig(
    seed=61, advertisers=2, campaigns=1, adgroups=1, ads=2, days=12, today=TODAY, delete_rate=0.0
)
START = TODAY - dt.timedelta(days=12)


def test_query_too_large_halves_the_window_down_to_one_day_and_loses_nothing(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    spec = TABLES["ad_insights"]
    truth = report_truth(emulator_factory(WORLD), spec, start_date=START, include_deleted=True)
    per_day = Counter((r["advertiser_id"], r["stat_time_day"]) for r in truth)
    # TikTok's limit, emulated as rows x metrics: the busiest single day just fits, two busy days do not
    server = emulator_factory(WORLD, max_report_cells=max(per_day.values()) * len(spec.metrics))

    caplog.set_level(logging.INFO, logger="tiktok_ads")
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, tables=["ad_insights"], include_deleted=True)
    assert server.stats.codes[40067] > 0
    splits = [r.getMessage() for r in caplog.records if "too large" in r.getMessage()]
    one_day = re.compile(r"(\d{4}-\d\d-\d\d)\.\.\1")
    assert any(one_day.search(message) for message in splits), splits  # halved all the way to single days
    assert compare_reports(pipeline, server, ["ad_insights"], start_date=START, include_deleted=True) == []

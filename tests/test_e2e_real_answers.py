"""Real TikTok answers the source used to mishandle (issue 13), end to end against the emulator.

Each test makes the emulator answer as real TikTok does (a quirk or modelled data) and runs the real source
through dlt into duckdb; each fails without the source's handling of that answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from behaviour_support import make_pipeline, rows, run

from tiktok_ads.emulator import EmulatorServer, WorldConfig

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=5, advertisers=1, campaigns=3, adgroups=1, ads=2, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=5)


def test_a_short_last_page_loads_every_sent_row_with_a_warning(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = emulator_factory(WORLD)
    server.api.phantom_rows["campaign/get/"] = 2  # TikTok counts 2 campaigns no page holds
    pipeline = make_pipeline(tmp_path)
    with caplog.at_level("WARNING", logger="tiktok_ads"):
        summary = run(pipeline, server, start_date=START, tables=["campaigns"], include_deleted=True)
    adv = server.advertiser_ids[0]
    expected = {e["campaign_id"] for e in server.world.entities("campaign", adv)}
    assert {r["campaign_id"] for r in rows(pipeline, "campaigns")} == expected
    assert summary.client is not None and summary.client.stats.warnings["short_result"] == 1
    assert "short_result: 1" in summary.client.stats.summary()
    assert "campaign/get/ for advertiser" in caplog.text

"""Bad settings stop the pipeline script with a message naming the setting, before any request is made.

The script runs in-process against a live emulator with valid credentials, so the only thing wrong is the
setting under test; the emulator's counters prove that nothing reached it (no request, no connection).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tiktok_ads_pipeline as script
from tiktok_ads.emulator import EmulatorServer

SETTING = "sources.tiktok_ads."

CASES: list[tuple[str, list[str], dict[str, str | None], str]] = [
    # (name, command-line options, environment overrides (None = unset), the setting the message names)
    ("malformed start date", ["--start-date", "2024-13-45"], {}, SETTING + "start_date"),
    ("start date that is no date", ["--start-date", "yesterday"], {}, SETTING + "start_date"),
    ("impossible start date", ["--start-date", "2024-02-30"], {}, SETTING + "start_date"),
    ("impossible end date", ["--start-date", "2024-01-01", "--end-date", "2024-04-31"], {}, SETTING + "end_date"),
    ("end before start", ["--start-date", "2024-03-01", "--end-date", "2024-02-01"], {}, SETTING + "end_date"),
    ("start in the future", ["--start-date", "2099-01-01"], {}, SETTING + "start_date"),
    ("malformed start date in the environment", [], {"START_DATE": "31/12/2024"}, SETTING + "start_date"),
    ("unknown table", ["--tables", "ads,ad_insight"], {}, SETTING + "tables"),
    ("empty advertiser list", [], {"ADVERTISER_IDS": None}, SETTING + "advertiser_ids"),
    ("blank advertiser list", [], {"ADVERTISER_IDS": " , "}, SETTING + "advertiser_ids"),
    ("malformed advertiser id", ["--advertiser-ids", "7002238017842757633,abc"], {}, SETTING + "advertiser_ids"),
    ("malformed advertiser list", [], {"ADVERTISER_IDS": '["7002238017842757633",'}, SETTING + "advertiser_ids"),
    ("negative attribution window", ["--attribution-window-days", "-1"], {}, SETTING + "attribution_window_days"),
    ("negative attribution window in the environment", [], {"ATTRIBUTION_WINDOW_DAYS": "-7"}, SETTING + "attribution_window_days"),
    ("unknown destination", ["--destination", "nowhere"], {}, "--destination"),
    ("page size above TikTok's maximum", [], {"PAGE_SIZE": "5000"}, SETTING + "page_size"),
    # an empty option is an empty value, not "unset"
    ("empty --advertiser-ids", ["--advertiser-ids", ""], {}, SETTING + "advertiser_ids"),
    ("empty --tables", ["--tables", ""], {"TABLES": "ads"}, SETTING + "tables"),
    ("blank --tables", ["--tables", " "], {"TABLES": "ads"}, SETTING + "tables"),
    ("metrics env var that is not JSON", [], {"METRICS": '{"ad_insights": [spend]}'}, SETTING + "metrics"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "options", "env", "setting"), CASES, ids=[c[0] for c in CASES])
def test_bad_setting_is_named_before_any_request(
    name: str,
    options: list[str],
    env: dict[str, str | None],
    setting: str,
    workdir: Path,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    values: dict[str, str | None] = {
        "ACCESS_TOKEN": emulator.access_token,
        "BASE_URL": emulator.base_url,
        "ADVERTISER_IDS": ",".join(emulator.advertiser_ids),
        "START_DATE": emulator.world.history_start.isoformat(),
        "MAX_QPS": "0",
        **env,
    }
    for key, value in values.items():
        if value is not None:
            monkeypatch.setenv(f"SOURCES__TIKTOK_ADS__{key}", value)
    capsys.readouterr()
    code = script.main([*options, "--pipelines-dir", str(workdir / "pipelines")])
    out, err = capsys.readouterr()
    assert code == script.EXIT_USAGE, (name, out, err)
    assert setting in err and "Traceback" not in err, (name, err)
    assert emulator.access_token not in out + err
    # nothing reached TikTok: not one request, not even a connection
    assert emulator.stats.total_requests == 0 and emulator.stats.connections == 0, emulator.stats.snapshot()
    assert not (workdir / "tiktok_ads.duckdb").exists()
    if "METRICS" in env:  # the JSON error says where the value is broken
        assert "JSON object" in err and "line 1 column 18" in err, err

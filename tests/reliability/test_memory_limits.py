"""The embedded duckdb's default caps (memory_limit sized to the widest table, one thread, bounded load files)."""

from __future__ import annotations

import json

import pytest

from tiktok_ads.load import memory_limits
from tiktok_ads.load.memory_limits import apply_duckdb_limits, default_memory_limit

ENV = "DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (ENV, "DATA_WRITER__FILE_MAX_ITEMS", "LOAD__PARALLELISM_STRATEGY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(memory_limits, "_SET_HERE", {})


def test_the_default_memory_limit_grows_with_the_widest_table_and_the_block_size() -> None:
    assert default_memory_limit(0) == "48MB"
    assert default_memory_limit(75) == "48MB"  # ad_insights with the default metrics
    assert default_memory_limit(106) == "64MB"  # measured at 64 KB blocks: loads in 48 MB
    # duckdb's own 256 KB blocks: measured, 187 columns fail at 128 MB and load in 192 MB
    assert default_memory_limit(187, 262_144) == "384MB"
    assert default_memory_limit(75, 262_144) == "192MB"


def test_defaults_bound_duckdb_and_the_load_files(monkeypatch: pytest.MonkeyPatch) -> None:
    config = apply_duckdb_limits(columns=75)
    assert config == {
        "memory_limit": "48MB",
        "threads": 1,
        "preserve_insertion_order": False,
        "default_block_size": 65_536,
    }
    assert json.loads(memory_limits.os.environ[ENV]) == config
    assert memory_limits.os.environ["DATA_WRITER__FILE_MAX_ITEMS"] == str(memory_limits.LOAD_FILE_ROWS)
    assert memory_limits.os.environ["LOAD__PARALLELISM_STRATEGY"] == "sequential"
    # a second run in the same process (wider tables) is sized again, not held to the first one's value
    assert apply_duckdb_limits(columns=200)["memory_limit"] == "112MB"


def test_what_the_user_configured_wins_and_an_explicit_setting_wins_over_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV, json.dumps({"memory_limit": "1GB", "temp_directory": "/tmp/x"}))
    monkeypatch.setenv("DATA_WRITER__FILE_MAX_ITEMS", "5000")
    config = apply_duckdb_limits(columns=75)
    assert config["memory_limit"] == "1GB" and config["temp_directory"] == "/tmp/x" and config["threads"] == 1
    assert memory_limits.os.environ["DATA_WRITER__FILE_MAX_ITEMS"] == "5000"
    assert apply_duckdb_limits("300MB", 2)["memory_limit"] == "300MB"


@pytest.mark.parametrize(
    ("limit", "threads", "setting"), [(None, 0, "duckdb_threads"), (" ", None, "duckdb_memory_limit")]
)
def test_bad_values_name_the_setting(limit: str | None, threads: int | None, setting: str) -> None:
    with pytest.raises(ValueError, match=setting):
        apply_duckdb_limits(limit, threads)


def test_the_environment_is_given_back() -> None:
    apply_duckdb_limits(columns=75)
    memory_limits.restore_environment()
    for name in (ENV, "DATA_WRITER__FILE_MAX_ITEMS", "LOAD__PARALLELISM_STRATEGY"):
        assert name not in memory_limits.os.environ


def test_a_block_size_the_user_configured_sizes_the_default_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENV, json.dumps({"default_block_size": 262_144}))
    config = apply_duckdb_limits(columns=75)
    assert config["default_block_size"] == 262_144 and config["memory_limit"] == "192MB"


def test_a_file_of_larger_blocks_gets_a_larger_default_limit_but_a_users_limit_stays() -> None:
    config = apply_duckdb_limits(columns=106)
    assert memory_limits.limit_for_block_size(config, 262_144) == "224MB"
    assert memory_limits.limit_for_block_size(config, 65_536) is None  # the blocks it was sized for
    config = apply_duckdb_limits("80MB", columns=106)
    assert memory_limits.limit_for_block_size(config, 262_144) is None

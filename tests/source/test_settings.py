"""Each setting is defined once (``tiktok_ads.config.source_settings.TikTokAdsSettings``), and everything that lists
settings reads that definition: the source's signature and docstring, dlt's resolution and type conversion,
validation's defaults, the script's options, the README's table."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tiktok_ads import RunSummary, tiktok_ads
from tiktok_ads.config.source_settings import HELP, SETTING_NAMES, SETTINGS, TikTokAdsSettings
from tiktok_ads.config.validation import validate_config
from tiktok_ads_cli.source_options import source_setting_options

ROOT = Path(__file__).resolve().parents[2]
NOT_SETTINGS = ("on_token_refresh", "client", "clock", "summary")
SECRETS = ("access_token", "secret", "refresh_token")
TOKEN = "tok_Q9x7Lr2mNv8sDistinctive"


def _source_with_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> RunSummary:
    """Build the source with ``SOURCES__TIKTOK_ADS__<NAME>`` set from ``env`` (plus a token and an advertiser);
    the hermetic fixture has hidden every other dlt variable."""
    for name, value in {"access_token": TOKEN, "advertiser_ids": "111", **env}.items():
        monkeypatch.setenv(f"SOURCES__TIKTOK_ADS__{name.upper()}", value)
    summary = RunSummary()
    tiktok_ads(base_url="http://127.0.0.1:9", summary=summary)  # no request is made at source creation
    return summary


def test_the_source_takes_every_setting_then_its_four_other_arguments() -> None:
    params = inspect.signature(inspect.unwrap(tiktok_ads)).parameters
    assert list(params) == [*SETTING_NAMES, *NOT_SETTINGS]
    for field in SETTINGS:
        assert params[field.name].default == field.default, field.name
    doc = inspect.getdoc(tiktok_ads) or ""
    for field in SETTINGS:
        first_words = " ".join(field.metadata[HELP].split()[:6])
        assert f"{field.name}: {first_words}" in " ".join(doc.split()), field.name


def test_dlt_resolves_the_spec_and_converts_to_its_types(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _source_with_env(
        monkeypatch, max_concurrency="4", max_qps="20", base_url="http://nowhere"
    ).client
    assert client is not None and client.max_concurrency == 4 and client.max_qps == 20.0
    assert client.base_url == "http://127.0.0.1:9"  # an explicit argument wins over the environment


def test_a_non_setting_is_never_read_from_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _source_with_env(monkeypatch, clock="not a clock", summary="not a summary").client is not None
    assert set(NOT_SETTINGS).isdisjoint(TikTokAdsSettings.get_resolvable_fields())


def test_validation_takes_the_spec_defaults_and_refuses_unknown_names() -> None:
    config = validate_config(access_token=TOKEN, advertiser_ids="111")
    for name in ("max_qps", "max_concurrency", "page_size", "max_retries", "attribution_window_days"):
        assert getattr(config, name) == getattr(TikTokAdsSettings(), name), name
    with pytest.raises(TypeError, match="page_sise"):
        validate_config(access_token=TOKEN, advertiser_ids="111", page_sise=10)


def test_every_setting_but_the_secrets_is_an_option_with_the_spec_help() -> None:
    options = {o.name: o for o in source_setting_options()}
    assert list(options) == [n for n in SETTING_NAMES if n not in SECRETS]
    for field in SETTINGS:
        if field.name in options:
            assert options[field.name].help == field.metadata[HELP]
            assert options[field.name].default == field.default


def test_the_readme_table_names_every_setting() -> None:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Settings")
    section = text[start : text.index("\n## ", start + 1)]
    first_cells = " ".join(line.split("|")[1] for line in section.splitlines() if line.startswith("| `"))
    named = set(re.findall(r"`(\w+)`", first_cells))
    assert [n for n in SETTING_NAMES if n not in named] == []

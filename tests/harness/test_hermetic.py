"""Hermetic tests: a checkout after the README's ``auth`` step, ``~/.dlt`` and dlt variables change no test.

``conftest.py``'s autouse fixture (``tests/hermetic.py``) hides them. The first test checks, in this process
and in a subprocess run like the pipeline script, that dlt sees none of the machine's settings; the second
runs it, and the tests that used to fail on a configured machine, in a pytest started from a folder with a
real-looking ``.dlt/secrets.toml`` and ``.dlt/config.toml``, with ``SOURCES__TIKTOK_ADS__*`` variables set and
a home with ``~/.dlt/secrets.toml``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dlt
import hermetic
import support
from dlt.common.configuration.container import Container
from dlt.common.configuration.specs.pluggable_run_context import PluggableRunContext

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ("access_token", "app_id", "secret", "advertiser_ids", "start_date", "base_url")

SECRETS_TOML = """\
[sources.tiktok_ads]
app_id = "7100000000000000001"
secret = "3f1c9a7e5b2d4c6a8e0f1a2b3c4d5e6f7a8b9c0d"
access_token = "a8e5f0c3b7d94e2a9c1f6b0d3e7a4c8f2b5d9e1a"
advertiser_ids = ["7002238017842757633", "7001035076276387841"]

[destination.postgres.credentials]
password = "from-the-checkout"
"""
CONFIG_TOML = """\
[runtime]
log_level = "DEBUG"

[sources.tiktok_ads]
start_date = "2020-01-01"
tables = ["ads"]
max_qps = 1
"""
HOME_SECRETS_TOML = """\
[sources.tiktok_ads]
access_token = "from-the-home-dlt-folder-0123456789abcdef"
secret = "home-secret-0123456789abcdef"
"""
ENVIRONMENT = {
    "SOURCES__TIKTOK_ADS__APP_ID": "7100000000000000002",
    "SOURCES__TIKTOK_ADS__SECRET": "env-secret-0123456789abcdef",
    "SOURCES__TIKTOK_ADS__ACCESS_TOKEN": "env-token-0123456789abcdef",
    "SOURCES__TIKTOK_ADS__ADVERTISER_IDS": "7002238017842757699",
    "SOURCES__TIKTOK_ADS__BASE_URL": "http://127.0.0.1:9",
    "DESTINATION__DUCKDB__CREDENTIALS": "/nonexistent/from-env.duckdb",
    "RUNTIME__LOG_LEVEL": "DEBUG",
    "PROGRESS": "tqdm",
    "SECRET": "bare-secret-0123456789",
}

#: the tests that failed on a machine configured as above, before the fixture
ONCE_FAILING = [
    "tests/behaviour/test_auth.py::test_auth_refusals_and_missing_values",
    "tests/behaviour/test_auth.py::test_auth_asks_for_what_is_missing_in_a_terminal",
    "tests/behaviour/test_advertisers.py::test_advertisers_by_name_or_all_the_token_may_read",
    "tests/reliability/test_settings.py::test_bad_setting_is_named_before_any_request[empty advertiser list]",
    "tests/reliability/test_settings.py::test_bad_setting_is_named_before_any_request[blank advertiser list]",
]


def test_dlt_sees_no_setting_of_the_machine_in_process_or_in_a_subprocess(tmp_path: Path) -> None:
    # whatever the suite started with, no dlt setting is left in the environment (but telemetry off)
    leaked = {k for k in os.environ if hermetic.is_dlt_setting(k)} - {"DLT_DATA_DIR"}
    assert leaked == {"RUNTIME__DLTHUB_TELEMETRY"}, leaked
    # dlt's providers read an empty project folder and an empty global folder, not the checkout's .dlt/
    context = Container()[PluggableRunContext].context
    started_in = Path(hermetic.CWD_AT_START).resolve()
    assert Path(context.settings_dir).resolve() != started_in / ".dlt" and not any(
        Path(context.settings_dir).iterdir()
    )
    home = Path(os.environ["HOME"])
    assert Path(context.global_dir) == home / ".dlt" and not any(home.iterdir())
    for name in SETTINGS:
        assert dlt.secrets.get(f"sources.tiktok_ads.{name}") is None, name
        assert dlt.config.get(f"sources.tiktok_ads.{name}") is None, name
    assert dlt.secrets.get("destination.postgres.credentials") is None
    # a subprocess started as the tests start the pipeline script (working directory in tmp, this environment)
    probe = (
        "import dlt\n"
        f"names = {SETTINGS!r}\n"
        "print([n for n in names if dlt.secrets.get('sources.tiktok_ads.' + n) is not None])\n"
    )
    proc = support.run_command(
        [sys.executable, "-c", probe], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_the_tests_pass_in_a_configured_checkout_with_dlt_variables_and_a_home_dlt_folder(
    tmp_path: Path,
) -> None:
    checkout, home = tmp_path / "checkout", tmp_path / "home"
    (checkout / ".dlt").mkdir(parents=True)
    (checkout / ".dlt" / "secrets.toml").write_text(SECRETS_TOML)
    (checkout / ".dlt" / "config.toml").write_text(CONFIG_TOML)
    (home / ".dlt").mkdir(parents=True)
    (home / ".dlt" / "secrets.toml").write_text(HOME_SECRETS_TOML)
    env = {**os.environ, **ENVIRONMENT, "HOME": str(home)}
    for name in ("DLT_DATA_DIR", "RUNTIME__DLTHUB_TELEMETRY"):  # set by the fixture: start as a user would
        env.pop(name, None)
    nodes = [str(ROOT / n) for n in ONCE_FAILING]
    nodes.append(f"{Path(__file__)}::test_dlt_sees_no_setting_of_the_machine_in_process_or_in_a_subprocess")
    # pytest started in the configured folder: there dlt reads .dlt/ (as from a checkout after `auth`)
    pytest_args = ["-q", "-n", "0", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]  # one process: 6 tests
    proc = support.run_command(
        [sys.executable, "-m", "pytest", *pytest_args, *nodes],
        cwd=checkout,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert f"{len(nodes)} passed" in proc.stdout, proc.stdout[-4000:]

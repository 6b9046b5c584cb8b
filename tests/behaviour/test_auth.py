"""OAuth and hosts (issue 4): ``tiktok_ads_pipeline.py auth`` exchanges an auth code for the token and stores
it where dlt reads secrets (masked on screen); revoked, expired or missing tokens fail fast with "re-authorize";
``sandbox = true`` switches to TikTok's sandbox host.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import support
import tomlkit
from support import make_pipeline, run

from tiktok_ads import RunSummary, TikTokClient, tiktok_ads
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.errors import TikTokAuthError, find_tiktok_error
from tiktok_ads.limits import PRODUCTION_BASE_URL, SANDBOX_BASE_URL
from tiktok_ads_pipeline import run_auth

Factory = Callable[..., EmulatorServer]
ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 3, 31)
WORLD = WorldConfig(seed=51, advertisers=3, campaigns=1, adgroups=1, ads=1, days=10, today=TODAY)
START = TODAY - dt.timedelta(days=10)

EXISTING_SECRETS = """\
# my destination credentials
[destination.postgres.credentials]
password = "keep-me"

[sources.tiktok_ads]
access_token = "an-old-revoked-token"  # replaced by auth
"""


@pytest.fixture
def no_tiktok_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``SOURCES__TIKTOK_ADS__*`` settings from the environment of whoever runs the tests."""
    for name in list(os.environ):
        if name.startswith("SOURCES__"):
            monkeypatch.delenv(name)


@pytest.fixture
def server(emulator_factory: Factory, no_tiktok_env: None) -> EmulatorServer:
    """An emulator of ``WORLD``, with no ``SOURCES__*`` settings left in the environment."""
    return emulator_factory(WORLD)


def auth(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``tiktok_ads_pipeline.py auth`` in-process (stdin is not a terminal: it never prompts)."""
    out = io.StringIO()
    code = run_auth(args, out=out)
    captured = capsys.readouterr()
    return code, out.getvalue() + captured.out, captured.err


def test_auth_exchanges_the_code_stores_the_token_for_dlt_and_lists_advertisers(
    tmp_path: Path,
    server: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second, third = server.advertiser_ids
    names = {a.advertiser_id: a.name for a in server.world.advertisers}
    code = server.api.issue_auth_code([first, third])  # the user authorized two of the three accounts
    secrets = tmp_path / ".dlt" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(EXISTING_SECRETS)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__SECRET", server.secret)  # the secret from the environment

    status, out, err = auth(
        [
            "--app-id",
            server.app_id,
            "--auth-code",
            code,
            "--base-url",
            server.base_url,
            "--secrets-path",
            str(secrets),
        ],
        capsys,
    )
    assert status == 0, out + err
    stored = tomlkit.parse(secrets.read_text())
    token = str(stored["sources"]["tiktok_ads"]["access_token"])  # type: ignore[index]
    grant = server.api.grant(token)
    assert grant is not None and grant.allows(first) and grant.allows(third) and not grant.allows(second)
    assert stored["sources"]["tiktok_ads"]["app_id"] == server.app_id  # type: ignore[index]
    assert stored["sources"]["tiktok_ads"]["secret"] == server.secret  # type: ignore[index]
    # the rest of the file is kept, comments included
    assert stored["destination"]["postgres"]["credentials"]["password"] == "keep-me"  # type: ignore[index]
    assert "# my destination credentials" in secrets.read_text()
    # the advertisers it can read, by id and name; secrets never in full
    assert f"{first}  {names[first]}" in out and f"{third}  {names[third]}" in out and second not in out
    assert token[-4:] in out and "*" * 8 in out
    for secret in (token, server.secret, code):
        assert secret not in out + err

    # dlt reads the stored token (and app credentials: no advertiser ids needed) from .dlt/secrets.toml
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DESTINATION__"))}
    env.update(
        PYTHONPATH=str(ROOT),
        RUNTIME__DLTHUB_TELEMETRY="false",
        SOURCES__TIKTOK_ADS__BASE_URL=server.base_url,
        SOURCES__TIKTOK_ADS__MAX_QPS="0",
    )
    proc = support.run_script(
        ["--tables", "advertisers", "--pipelines-dir", "p"], cwd=tmp_path, env=env, timeout=240
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert first in proc.stdout and third in proc.stdout and second not in proc.stdout


def test_auth_refusals_and_missing_values(
    tmp_path: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    secrets = tmp_path / "secrets.toml"
    base = ["--app-id", server.app_id, "--secret", server.secret, "--base-url", server.base_url]
    status, out, err = auth([*base, "--auth-code", server.auth_code, "--secrets-path", str(secrets)], capsys)
    assert status == 0 and secrets.exists()
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600  # a new secrets file is private

    # a used (or wrong) code, a wrong secret: TikTok's refusal, nothing stored, no secret shown
    before = secrets.read_text()
    status, out, err = auth([*base, "--auth-code", server.auth_code, "--secrets-path", str(secrets)], capsys)
    assert status == 1 and "40110" in err and "authorize again" in err
    wrong = ["--app-id", server.app_id, "--secret", "wrong-secret-7Yq2", "--base-url", server.base_url]
    status, out, err = auth(
        [*wrong, "--auth-code", server.api.issue_auth_code(), "--secrets-path", str(secrets)], capsys
    )
    assert status == 1 and "40101" in err and "wrong-secret-7Yq2" not in out + err
    assert secrets.read_text() == before

    # not in a terminal and values missing: which options or environment variables to set
    status, out, err = auth(["--app-id", server.app_id, "--secrets-path", str(secrets)], capsys)
    assert status == 2 and "--secret" in err and "SOURCES__TIKTOK_ADS__AUTH_CODE" in err


def test_auth_asks_for_what_is_missing_in_a_terminal(
    tmp_path: Path,
    server: EmulatorServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []
    answers = {"Secret: ": server.secret, "Auth code: ": server.auth_code}

    def hidden(prompt: str = "") -> str:
        asked.append(prompt)
        return answers[prompt]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", hidden)
    monkeypatch.setattr("builtins.input", lambda prompt="": pytest.fail(f"asked {prompt!r} in the clear"))
    secrets = tmp_path / "secrets.toml"
    args = ["--app-id", server.app_id, "--base-url", server.base_url, "--secrets-path", str(secrets)]
    status, out, err = auth(args, capsys)
    assert status == 0, out + err
    assert asked == ["Secret: ", "Auth code: "]  # hidden input for the secret and the code, nothing else
    assert "access_token" in secrets.read_text() and server.secret not in out + err


@pytest.mark.parametrize(("break_token", "code"), [("revoke_token", 40105), ("expire_token", 40102)])
def test_revoked_or_expired_token_fails_fast_saying_re_authorize(
    tmp_path: Path, emulator_factory: Factory, break_token: str, code: int
) -> None:
    server = emulator_factory(WORLD)
    token = server.api.create_token()
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, access_token=token, tables=["advertisers", "ad_insights"])
    getattr(server.api, break_token)(token)
    before = server.stats.total_requests
    with pytest.raises(Exception) as info:
        run(pipeline, server, start_date=START, access_token=token, tables=["advertisers", "ad_insights"])
    err = find_tiktok_error(info.value)
    assert isinstance(err, TikTokAuthError) and err.code == code and err.attempts == 1
    assert "Re-authorize" in str(err) and "sources.tiktok_ads.access_token" in str(err)
    assert server.stats.total_requests - before == 1, "no retries, no further requests"
    assert token not in str(err)


def test_missing_token_header_fails_fast(emulator_factory: Factory) -> None:
    server = emulator_factory(WORLD)
    with (
        TikTokClient("", base_url=server.base_url, max_qps=0) as client,
        pytest.raises(TikTokAuthError) as info,
    ):
        client.get("advertiser/info/", {"advertiser_ids": server.advertiser_ids})
    assert info.value.code == 40104 and info.value.attempts == 1 and "Re-authorize" in str(info.value)


def test_sandbox_switches_to_tiktoks_sandbox_host(
    monkeypatch: pytest.MonkeyPatch, no_tiktok_env: None
) -> None:
    """Resolved without any request: the client the source would use points at the sandbox host."""

    def host(**settings: object) -> str:
        summary = RunSummary()
        tiktok_ads(
            access_token="tok-for-host-check",
            advertiser_ids=["7002238017842757633"],
            summary=summary,
            **settings,
        )
        assert summary.client is not None
        return summary.client.base_url

    assert host() == PRODUCTION_BASE_URL
    assert host(sandbox=True) == SANDBOX_BASE_URL
    assert host(sandbox=True, base_url="http://127.0.0.1:9") == "http://127.0.0.1:9"  # base_url wins
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__SANDBOX", "true")  # as dlt reads it from config or env
    assert host() == SANDBOX_BASE_URL

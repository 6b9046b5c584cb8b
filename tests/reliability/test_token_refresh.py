"""Tokens that refresh: the auth command stores both tokens and their expiry, runs refresh before expiry,
keep the rotated refresh token (in ``.dlt/secrets.toml`` when it came from there, else through the
``on_token_refresh`` callback), refuse to use it up when it cannot be kept, and never show either token.
The long-lived flow is the rest of the suite. Also: another app's ``app_id`` has its own error (40113).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import support
import tomlkit
from secret_texts import destination_texts, texts_of_file
from support import make_pipeline, rows, run

import tiktok_ads_pipeline as script
from tiktok_ads import TikTokAppMismatchError, TokenNotPersistedError, TokenPair
from tiktok_ads.api.client import TikTokClient
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.endpoints.extract import discover_advertiser_ids
from tiktok_ads.errors import find_tiktok_error

Factory = Callable[..., EmulatorServer]
ROOT = Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(microsecond=0)
WORLD = WorldConfig(seed=91, advertisers=2, campaigns=1, adgroups=1, ads=1, days=5, today=NOW.date())


@pytest.fixture
def server(emulator_factory: Factory) -> EmulatorServer:
    """An emulator issuing access tokens that live 5 minutes (less than the source's refresh margin)."""
    server = emulator_factory(WORLD, refreshable_tokens=True)
    server.world.set_now(NOW)
    server.api.refresh_tokens.access_ttl = dt.timedelta(minutes=5)
    return server


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    logger = logging.getLogger("tiktok_ads")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.DEBUG
    try:
        yield buffer
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _section(path: Path) -> Any:
    return tomlkit.parse(path.read_text())["sources"]["tiktok_ads"]  # type: ignore[index]


def _grant(server: EmulatorServer) -> dict[str, Any]:
    """A token answer of the newer flow (access token, refresh token, lifetimes) straight from the API."""
    code = server.api.issue_auth_code()
    route = server.api.route("POST", "oauth2/access_token/")
    assert route is not None
    body = f'{{"app_id": "{server.app_id}", "secret": "{server.secret}", "auth_code": "{code}"}}'.encode()
    answer = server.api.handle(route, {}, None, body)
    assert answer.code == 0
    return dict(answer.data)


def _refreshable(server: EmulatorServer, data: dict[str, Any]) -> dict[str, Any]:
    """The settings of a run that may refresh the token pair of ``data`` (a :func:`_grant` answer)."""
    return {
        "start_date": NOW.date(),
        "access_token": data["access_token"],
        "app_id": server.app_id,
        "secret": server.secret,
        "refresh_token": data["refresh_token"],
    }


def test_auth_stores_both_tokens_and_runs_refresh_and_persist_the_rotated_pair(
    workdir: Path,
    server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    log: io.StringIO,
) -> None:
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__SECRET", server.secret)
    code = server.api.issue_auth_code()
    printed = io.StringIO()
    args = ["--app-id", server.app_id, "--auth-code", code, "--base-url", server.base_url]
    assert script.run_auth(args, out=printed) == 0
    secrets = workdir / ".dlt" / "secrets.toml"
    first = _section(secrets)
    assert {"access_token", "refresh_token", "access_token_expires_at", "refresh_token_expires_at"} <= set(
        first
    )
    expires = dt.datetime.fromisoformat(str(first["access_token_expires_at"]))
    assert dt.timedelta(minutes=4) < expires - NOW < dt.timedelta(minutes=6)
    old_access, old_refresh = str(first["access_token"]), str(first["refresh_token"])
    monkeypatch.delenv("SOURCES__TIKTOK_ADS__SECRET")
    shown: list[str] = []

    def load() -> None:
        """A run as the user starts it: a new process, which reads .dlt/secrets.toml afresh."""
        done = support.run_script(
            ["--tables", "advertisers", "--progress", "none", "--pipelines-dir", str(workdir / "pipelines")],
            cwd=workdir,
            env={**os.environ, "SOURCES__TIKTOK_ADS__MAX_QPS": "0", "RUNTIME__LOG_LEVEL": "DEBUG"},
            timeout=120,
        )
        shown.extend([done.stdout, done.stderr])
        assert done.returncode == script.EXIT_OK, done.stderr

    # the token expires within the refresh margin: the run refreshes first, then loads with the new one
    load()
    second = _section(secrets)
    assert str(second["access_token"]) != old_access and str(second["refresh_token"]) != old_refresh
    assert str(second["secret"]) == server.secret and str(second["base_url"]) == server.base_url  # kept
    grant = server.api.grant(str(second["access_token"]))
    assert grant is not None and grant.expires_at is not None
    # the old refresh token was rotated away at TikTok
    with pytest.raises(Exception) as used:
        server.api.refresh_tokens.redeem(old_refresh, server.world.now)
    assert getattr(used.value, "code", None) == 40107
    # a second run refreshes again with the stored (rotated) refresh token: it was persisted
    load()
    third = _section(secrets)
    assert str(third["refresh_token"]) not in (old_refresh, str(second["refresh_token"]))

    out, err = capfd.readouterr()
    everything = out + err + printed.getvalue() + log.getvalue() + "".join(shown)
    # nor in what dlt keeps: load packages, state and trace files, and the destination
    files = [p for p in (workdir / "pipelines").rglob("*") if p.is_file()]
    assert files
    everything += "".join(t for p in files for t in texts_of_file(p))
    everything += "".join(destination_texts(workdir / "tiktok_ads.duckdb"))
    for value in (
        old_access,
        old_refresh,
        second["access_token"],
        second["refresh_token"],
        third["refresh_token"],
    ):
        assert str(value) not in everything
    assert "refresh token ****" in printed.getvalue()  # the auth command said what it stored (masked)


def test_refresh_token_from_elsewhere_goes_to_the_callback(workdir: Path, server: EmulatorServer) -> None:
    data = _grant(server)
    seen: list[TokenPair] = []
    pipeline = make_pipeline(workdir, "refresh_callback")
    run(
        pipeline,
        server,
        **_refreshable(server, data),
        tables=["advertisers"],
        access_token_expires_at=(NOW + dt.timedelta(seconds=data["expires_in"])).isoformat(),
        on_token_refresh=seen.append,
    )
    assert len(seen) == 1 and seen[0].refresh_token != data["refresh_token"]
    assert seen[0].access_token_expires_at == NOW + dt.timedelta(minutes=5)
    assert "refresh_token" not in repr(seen[0]) or data["refresh_token"] not in repr(seen[0])
    assert len(rows(pipeline, "advertisers")) == 2


def test_unknown_expiry_refreshes_when_tiktok_says_expired(workdir: Path, server: EmulatorServer) -> None:
    data = _grant(server)
    server.world.set_now(NOW + dt.timedelta(minutes=6))  # TikTok's clock says it has expired
    seen: list[TokenPair] = []
    pipeline = make_pipeline(workdir, "refresh_on_40102")
    run(
        pipeline,
        server,
        **_refreshable(server, data),
        tables=["advertisers", "campaigns"],
        on_token_refresh=seen.append,
    )
    assert len(seen) == 1  # one refresh, although several requests got 40102 at once
    assert rows(pipeline, "campaigns")


def test_a_refresh_token_that_cannot_be_kept_is_not_used_up(
    workdir: Path, server: EmulatorServer, log: io.StringIO
) -> None:
    data = _grant(server)
    common: dict[str, Any] = {
        "start_date": NOW.date(),
        "tables": ["advertisers"],
        "access_token": data["access_token"],
        "app_id": server.app_id,
        "secret": server.secret,
        "refresh_token": data["refresh_token"],
    }
    # still valid: the run goes on with it and warns
    expires = NOW + dt.timedelta(seconds=data["expires_in"])
    run(make_pipeline(workdir, "keep_a"), server, access_token_expires_at=expires.isoformat(), **common)
    assert "could not be kept" in log.getvalue() and "on_token_refresh" in log.getvalue()
    # expired: the run stops before refreshing, naming what to do
    server.world.set_now(NOW + dt.timedelta(minutes=6))
    with pytest.raises(Exception) as failed:
        run(make_pipeline(workdir, "keep_b"), server, access_token_expires_at=expires.isoformat(), **common)
    found = find_tiktok_error(failed.value)
    assert isinstance(found, TokenNotPersistedError), failed.value
    assert "sources.tiktok_ads.refresh_token" in str(found) and data["refresh_token"] not in str(found)
    # the refresh token still works: it was not used up
    assert server.api.refresh_tokens.redeem(data["refresh_token"], server.world.now) is None


def test_app_id_of_another_app_has_its_own_error(emulator: EmulatorServer) -> None:
    with (
        TikTokClient(
            emulator.access_token,
            base_url=emulator.base_url,
            app_id="7100000000000000999",
            secret=emulator.secret,
            max_qps=0,
            max_retries=0,
        ) as client,
        pytest.raises(TikTokAppMismatchError) as info,
    ):
        discover_advertiser_ids(client)
    assert info.value.code == 40113 and "sources.tiktok_ads.app_id" in str(info.value)
    assert emulator.secret not in str(info.value)


def test_refresh_settings_are_checked(tmp_path: Path) -> None:
    from tiktok_ads import ConfigError
    from tiktok_ads.endpoints.auth import build_refresher

    common: dict[str, Any] = {
        "access_token": "a",
        "refresh_token_expires_at": None,
        "on_token_refresh": None,
        "clock": lambda: NOW,
        "secrets_path": tmp_path / "none.toml",
    }
    assert (
        build_refresher(refresh_token=None, access_token_expires_at=None, app_id=None, secret=None, **common)
        is None
    )
    with pytest.raises(ConfigError) as no_app:
        build_refresher(refresh_token="r", access_token_expires_at=None, app_id=None, secret=None, **common)
    assert no_app.value.setting == "sources.tiktok_ads.refresh_token"
    with pytest.raises(ConfigError) as bad_time:
        build_refresher(refresh_token="r", access_token_expires_at="soon", app_id="1", secret="s", **common)
    assert bad_time.value.setting == "sources.tiktok_ads.access_token_expires_at"


def test_an_expired_refresh_token_says_to_authorize_again(workdir: Path, server: EmulatorServer) -> None:
    data = _grant(server)
    server.api.refresh_tokens.expire(data["refresh_token"])
    with pytest.raises(Exception) as failed:
        run(
            make_pipeline(workdir, "refresh_expired"),
            server,
            **_refreshable(server, data),
            tables=["advertisers"],
            access_token_expires_at=NOW.isoformat(),
            on_token_refresh=lambda pair: None,
        )
    found = find_tiktok_error(failed.value)
    assert found is not None and getattr(found, "code", None) == 40103, failed.value
    assert "auth" in str(found) and "sources.tiktok_ads.refresh_token" in str(found)
    assert data["refresh_token"] not in str(found) and data["access_token"] not in str(found)

"""Secrets never leak: not to stdout, stderr or logs (DEBUG, urllib3 included), not to the dlt trace, the
pipeline state, the load packages or the destination; exceptions and reprs redact them.

The pipeline script runs in-process against the emulator with distinctive values: the app secret, a fresh
auth code (``auth`` exchanges it, then a second ``auth`` with the used code fails), the access token the
exchange minted (found in ``.dlt/secrets.toml``, where ``auth`` stores it), a second token made for a failing
run and revoked. Then every artefact is searched, compressed ones decompressed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import socket
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import dlt
import pytest
import support
from secret_texts import destination_texts, texts_of_file

import tiktok_ads_pipeline as script
from tiktok_ads import tiktok_ads
from tiktok_ads.api.client import TikTokClient
from tiktok_ads.config.validation import validate_config
from tiktok_ads.emulator import EmulatorServer, WorldConfig

Factory = Callable[..., EmulatorServer]
TODAY = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
WORLD = WorldConfig(seed=77, advertisers=2, campaigns=1, adgroups=1, ads=2, days=8, today=TODAY)


@pytest.fixture
def workdir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared ``workdir`` (conftest) with DEBUG logging, so logs show everything a secret could leak into."""
    monkeypatch.setenv("RUNTIME__LOG_LEVEL", "DEBUG")
    return workdir


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Every log record of every logger at DEBUG (urllib3's request lines included), formatted."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    loggers = [root, logging.getLogger("urllib3"), logging.getLogger("tiktok_ads")]
    levels = [lg.level for lg in loggers]
    root.addHandler(handler)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def test_no_secret_reaches_output_logs_trace_state_packages_or_destination(
    workdir: Path,
    emulator_factory: Factory,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    debug_log: io.StringIO,
) -> None:
    server = emulator_factory(WORLD)
    app_secret = server.secret
    auth_code = server.api.issue_auth_code()
    pipelines = str(workdir / "pipelines")
    # TikTok hiccups on the way, so retry warnings (with TikTok's messages) are logged too
    server.script_fault("oauth2/advertiser/get/", nth=1, fault="http502")
    server.script_fault("report/integrated/get/", nth=2, fault="truncated")

    # 1. auth: exchange the code (app id, secret and code from the environment, as the README says)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__APP_ID", server.app_id)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__SECRET", app_secret)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__AUTH_CODE", auth_code)
    assert script.main(["auth", "--base-url", server.base_url]) == 0
    secrets_toml = workdir / ".dlt" / "secrets.toml"
    stored = secrets_toml.read_text()
    token = next(t for t in server.api._tokens.grants if t in stored)  # the token the exchange minted
    # 2. the same code again: TikTok refuses it (single use)
    assert script.main(["auth", "--base-url", server.base_url]) == script.EXIT_FAILED
    monkeypatch.delenv("SOURCES__TIKTOK_ADS__AUTH_CODE")

    # 3. a load with the token auth got, app id and secret (advertisers discovered: the secret is in the URL)
    for key, value in {
        "ACCESS_TOKEN": token,
        "BASE_URL": server.base_url,
        "START_DATE": server.world.history_start.isoformat(),
        "MAX_QPS": "0",
        "RETRY_BACKOFF_SECONDS": "0.01",
        "TABLES": "advertisers,campaigns,ad_insights",
    }.items():
        monkeypatch.setenv(f"SOURCES__TIKTOK_ADS__{key}", value)
    assert script.main(["--pipelines-dir", pipelines]) == 0, capfd.readouterr()

    # 4. a failing load: a token that was revoked
    revoked = server.api.create_token()
    server.api.revoke_token(revoked)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__ACCESS_TOKEN", revoked)
    assert script.main(["--pipelines-dir", pipelines, "--traceback"]) == script.EXIT_FAILED
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__ACCESS_TOKEN", token)

    # 5. a failing load: nobody listens (the request URL carries the app secret: oauth2/advertiser/get/)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__BASE_URL", closed)
    monkeypatch.setenv("SOURCES__TIKTOK_ADS__MAX_RETRIES", "1")
    assert script.main(["--pipelines-dir", pipelines, "--traceback"]) == script.EXIT_FAILED

    out, err = capfd.readouterr()
    assert "Traceback" in err  # --traceback printed the full chain, which must be clean too

    pipeline = dlt.attach(script.PIPELINE_NAME, pipelines_dir=pipelines)
    assert pipeline.last_trace is not None
    texts = {
        "stdout": [out],
        "stderr": [err],
        "log": [debug_log.getvalue()],
        "trace": [str(pipeline.last_trace), repr(pipeline.last_trace.asdict())],
        "state": [json.dumps(support.pipeline_state(pipeline))],
        "destination": destination_texts(workdir / "tiktok_ads.duckdb"),
    }
    files = [p for p in Path(pipelines).rglob("*") if p.is_file()]
    assert any(p.suffix == ".pickle" for p in files) and any("load" in p.parts for p in files)
    assert any(t.startswith("PAR1") for p in files for t in texts_of_file(p))  # parquet packages were read
    for path in files:
        texts[str(path.relative_to(workdir))] = texts_of_file(path)
    texts["duckdb file"] = [(workdir / "tiktok_ads.duckdb").read_bytes().decode("latin-1")]

    secrets = {
        "access token": token,
        "revoked token": revoked,
        "app secret": app_secret,
        "auth code": auth_code,
    }
    leaks = [
        f"{name} in {where}"
        for where, blobs in texts.items()
        for blob in blobs
        for name, value in secrets.items()
        if value in blob
    ]
    assert leaks == []
    assert "***" in debug_log.getvalue()  # urllib3 logged the discovery URL, with the secret redacted
    assert "retrying" in debug_log.getvalue()  # and TikTok's hiccups were logged
    # the one place a secret belongs: dlt's secrets file, written by auth
    assert token in stored and app_secret in stored and auth_code not in stored


def test_exceptions_and_reprs_redact_secrets(tmp_path: Path, emulator: EmulatorServer) -> None:
    token, secret = "tok-Rq8Zb31LmWv0Distinct", "sec-Hn27Xc94PqDistinct"
    config = validate_config(
        access_token=token,
        advertiser_ids=None,
        app_id=emulator.app_id,
        secret=secret,
        start_date="2024-06-01",
    )
    client = TikTokClient(token, base_url=emulator.base_url, app_id=emulator.app_id, secret=secret)
    source = tiktok_ads(  # (ids given: nothing is requested when the source is built)
        access_token=token,
        advertiser_ids=emulator.advertiser_ids,
        app_id=emulator.app_id,
        secret=secret,
        base_url=emulator.base_url,
    )
    shown = [repr(config), str(config), repr(client), str(client), repr(source), str(source)]
    # a failing run: the secret is in the query string of oauth2/advertiser/get/, which nobody answers
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    pipeline = dlt.pipeline(
        pipeline_name="secrets_exc",
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / "x.duckdb")),
    )
    with pytest.raises(Exception) as info:
        # (discovering the advertisers is the source's first request: it fails when the source is built)
        failing = tiktok_ads(
            access_token=token, app_id=emulator.app_id, secret=secret, base_url=closed, max_retries=0
        )
        pipeline.run(failing)
    shown += [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value))]
    assert "ConnectionError" in shown[-1]  # the chain is there, and it is clean
    for text in shown:
        assert token not in text and secret not in text, text

"""Shared fixtures: in-process TikTok Business API v1.3 emulators on loopback.

- ``emulator``: a started :class:`~tiktok_ads.emulator.EmulatorServer` over a small fixed world
  (``SMALL_WORLD``), rate limits off, no faults; a fresh one per test (no shared mutable state).
- ``emulator_factory``: start emulators with custom settings, e.g.
  ``emulator_factory(WorldConfig(seed=3), qps=10, fault_rate=0.2)``; each is stopped after the test.
  Rate limits default to off here (pass ``qps=``/``qpm=``/``advertiser_qps=`` to turn them on).
- ``emulator_info``: the ``emulator``'s connection info (``base_url``, ``access_token``, ``app_id``, ``secret``,
  ``auth_code``, ``advertiser_ids``), what ``python -m tiktok_ads.emulator`` prints.
- ``tiktok``: a tiny ``requests`` client bound to ``emulator`` (JSON-encodes list/dict params);
  ``tiktok_for(server)`` makes one for another server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer, WorldConfig

#: A small world with a fixed "today", so tests are deterministic whatever the real date.
SMALL_WORLD = WorldConfig(
    seed=7, advertisers=3, campaigns=3, adgroups=2, ads=3, days=60, today=dt.date(2024, 6, 15)
)


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    """Start in-process emulators: ``make(world_config=None, **EmulatorServer kwargs)``; all stopped at teardown."""
    servers: list[EmulatorServer] = []

    def make(world_config: WorldConfig | None = None, **kwargs: Any) -> EmulatorServer:
        for name in ("qps", "qpm", "advertiser_qps", "task_create_qps"):
            kwargs.setdefault(name, None)
        server = EmulatorServer(world_config or SMALL_WORLD, **kwargs).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def emulator(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    """A fresh emulator over ``SMALL_WORLD``: no rate limits, no faults."""
    return emulator_factory()


@pytest.fixture
def emulator_info(emulator: EmulatorServer) -> dict[str, Any]:
    """``base_url`` and credentials of ``emulator``."""
    return emulator.connection_info()


class TikTokCall:
    """Minimal HTTP helper for tests: ``get(route, **params)`` / ``post(route, body)`` returning ``requests`` responses.

    List and dict parameters are JSON-encoded into the query string, as TikTok expects; ``token=None`` sends no
    ``Access-Token`` header, the default sends the world's token.
    """

    _DEFAULT = object()

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.session = requests.Session()

    def url(self, route: str) -> str:
        """Absolute URL of ``route`` (e.g. ``"campaign/get/"``)."""
        return self.server.api_base + route.lstrip("/")

    def get(self, route: str, token: Any = _DEFAULT, **params: Any) -> requests.Response:
        """GET ``route`` with JSON-encoded ``params``."""
        headers = {}
        token = self.server.access_token if token is self._DEFAULT else token
        if token is not None:
            headers["Access-Token"] = token
        query = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()}
        return self.session.get(self.url(route), params=query, headers=headers, timeout=30)

    def data(self, route: str, **params: Any) -> Any:
        """GET ``route`` and return ``data``, asserting code 0."""
        body = self.get(route, **params).json()
        assert body["code"] == 0, body
        return body["data"]

    def post(self, route: str, body: Any) -> requests.Response:
        """POST a JSON ``body`` to ``route``."""
        return self.session.post(self.url(route), json=body, timeout=30)

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()


@pytest.fixture
def tiktok(emulator: EmulatorServer) -> Iterator[TikTokCall]:
    """A :class:`TikTokCall` bound to ``emulator``."""
    call = TikTokCall(emulator)
    yield call
    call.close()


@pytest.fixture
def tiktok_for() -> Iterator[Callable[[EmulatorServer], TikTokCall]]:
    """Make :class:`TikTokCall` helpers for servers from ``emulator_factory``; closed at teardown."""
    made: list[TikTokCall] = []

    def make(server: EmulatorServer) -> TikTokCall:
        call = TikTokCall(server)
        made.append(call)
        return call

    yield make
    for call in made:
        call.close()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory for running the pipeline script (its duckdb file and ``.dlt/`` land here), with no
    ``SOURCES__``/``DESTINATION__`` settings inherited from the environment and telemetry off."""
    for key in list(os.environ):
        if key.startswith(("SOURCES__", "DESTINATION__")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    monkeypatch.chdir(tmp_path)
    yield tmp_path

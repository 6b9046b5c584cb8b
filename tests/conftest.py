"""Shared fixtures: in-process TikTok Business API v1.3 emulators on loopback; every test hermetic.

- (autouse) every test runs without the dlt settings of the machine: no ``SOURCES__*``/``DESTINATION__*``/
  ``RUNTIME__*`` ... variables, an empty ``HOME``, and dlt reading neither the checkout's ``.dlt/`` nor
  ``~/.dlt`` (see ``tests/hermetic.py``); a test that wants a setting sets it itself.
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
from typing import Any, ParamSpec, TypeVar

import hermetic  # captures the environment as the suite starts, before any test changes it
import pytest
import requests

from tiktok_ads.api import rate_limit
from tiktok_ads.emulator import EmulatorServer, WorldConfig

P = ParamSpec("P")
T = TypeVar("T")

#: A small world with a fixed "today", so tests are deterministic whatever the real date.
SMALL_WORLD = WorldConfig(
    seed=7, advertisers=3, campaigns=3, adgroups=2, ads=3, days=60, today=dt.date(2024, 6, 15)
)


@pytest.fixture(autouse=True)
def isolate(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No dlt settings from the machine: clean environment, empty ``HOME``, empty dlt settings and global dirs."""
    root = tmp_path_factory.mktemp("hermetic")
    home, settings = root / "home", root / "settings"
    home.mkdir()
    settings.mkdir()
    clean = hermetic.hermetic_environ(os.environ, home)
    for key in set(os.environ) - set(clean):
        monkeypatch.delenv(key)
    for key, value in clean.items():
        if os.environ.get(key) != value:
            monkeypatch.setenv(key, value)
    with hermetic.empty_dlt_context(settings, home / ".dlt"):
        yield


def kept_until_teardown(make: Callable[P, T], close: Callable[[T], object]) -> Iterator[Callable[P, T]]:
    """A fixture's body: yield ``make``, keeping what it makes, and ``close`` each of those at teardown."""
    made: list[T] = []

    def keep(*args: P.args, **kwargs: P.kwargs) -> T:
        made.append(thing := make(*args, **kwargs))
        return thing

    yield keep
    for thing in made:
        close(thing)


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    """Start in-process emulators: ``make(world_config=None, **EmulatorServer kwargs)``; all stopped at teardown."""

    def start(world_config: WorldConfig | None = None, **kwargs: Any) -> EmulatorServer:
        for name in ("qps", "qpm", "advertiser_qps", "task_create_qps"):
            kwargs.setdefault(name, None)
        return EmulatorServer(world_config or SMALL_WORLD, **kwargs).start()

    yield from kept_until_teardown(start, EmulatorServer.stop)


@pytest.fixture
def unpaced_task_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's own pacing of async task creation and the change log (``rate_limit.PATH_MAX_QPS``) off.

    For tests whose emulators enforce no limit on those paths (the factory's default): there the pacing, TikTok's
    1 per second, only makes each creation wait about a second. The pacing itself is tested in ``tests/source``
    (``test_client``, ``test_async``) and end to end against an emulator that enforces it (``task_create_qps=1``).
    """
    for name in rate_limit.PATH_MAX_QPS:
        monkeypatch.setitem(rate_limit.PATH_MAX_QPS, name, 0)


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
    yield from kept_until_teardown(TikTokCall, TikTokCall.close)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A working directory for running the pipeline script (its duckdb file and ``.dlt/`` land here); like
    every test, with no dlt settings inherited from the machine (``isolate``) and telemetry off."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture(params=["emulator", pytest.param("real", marks=pytest.mark.real_tiktok)])
def api_target(request: pytest.FixtureRequest, emulator: EmulatorServer) -> Iterator[Any]:
    """The emulator, and the real TikTok API when configured (see ``tests/real_tiktok.py``; skipped with the
    reason otherwise): a test using it states a belief about TikTok that holds for both."""
    from tests.real_tiktok import ApiTarget, real_target_or_reason

    if request.param == "emulator":
        target = ApiTarget("emulator", emulator.base_url, emulator.advertiser_ids[0], emulator.access_token)
    else:
        found = real_target_or_reason()
        if isinstance(found, str):
            pytest.skip(found)
        target = found
    yield target
    target.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if a test left a pipeline in the user's own pipelines folder (``hermetic.py``)."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    leaked = hermetic.pipelines_written_from(factory.getbasetemp())
    if leaked:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(
            f"\nA test wrote into {hermetic.MACHINE_PIPELINES_DIR}, the user's pipelines folder (pass "
            f"pipelines_dir / --pipelines-dir in tests): {', '.join(leaked)}"
        )

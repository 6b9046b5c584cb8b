"""The emulator on HTTP: a threaded keep-alive HTTP/1.1 server on loopback.

Every route is served under ``/open_api/v1.3/`` with or without its trailing slash; anything else (or a wrong
method) is HTTP 404 with the plain-text body ``404 page not found`` (Go's default, which TikTok's gateway sends).

Per request: route -> fault injection (:mod:`.faults`) -> app and advertiser rate limits (:mod:`.rate_limit`)
-> API rules (:mod:`.api`). Rate limits come before authentication because they are the gateway's (UNSURE:
TikTok does not document the order).

``base_url`` is ``http://127.0.0.1:<port>`` (no path); clients append ``/open_api/v1.3/<route>``, exactly as
with ``https://business-api.tiktok.com``. ``api_base`` is ``base_url + "/open_api/v1.3/"``.

Control routes (the emulator's own, like moto's ``/moto-api/``; outside ``/open_api/``, so no TikTok client
ever reaches them): they answer JSON with HTTP 200 (HTTP 400 ``{"error": ...}`` for a bad body), are not
counted in the statistics, and pass no rate limit or fault injection.

- ``GET /_emulator/stats``: the counters of :class:`~.rate_limit.Stats` (``total_requests``, ``requests`` per
  route, ``codes`` answered, ``rate_limited_app`` = 40100 answers, ``rate_limited_advertiser`` = 40133
  answers, ``faults``, ``rows``, ``not_found``, ``connections``) plus the clock (``now``, ISO UTC).
- ``GET /_emulator/clock``: ``{"now": "<ISO UTC>"}``.
- ``POST /_emulator/clock`` with a JSON object holding one of ``{"today": "YYYY-MM-DD"}`` (that day 12:00
  UTC, as ``--today``), ``{"now": "<ISO datetime>"}`` (naive = UTC) or ``{"advance_days": n}``: moves the
  clock (:meth:`~.model.World.set_now`) and answers the new ``now``. The data is a function of the world's
  configuration and the clock, so a moved emulator serves what one started at that clock would, except
  that ``--today`` also places the history (``--days`` before it) and the timeline of future entities.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterable
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

from tiktok_ads.emulator.data.model import World, WorldConfig
from tiktok_ads.emulator.rules.api import ROUTE_PREFIX, Answer, Api, encode_envelope, new_request_id
from tiktok_ads.emulator.rules.api_tasks import FILE_PREFIX
from tiktok_ads.emulator.transport.faults import ENVELOPE_FAULTS, HTTP_FAULTS, FaultInjector, http_fault_body
from tiktok_ads.emulator.transport.latency import NONE, Latency
from tiktok_ads.emulator.transport.rate_limit import RateLimiter, Stats

__all__ = ["EmulatorServer"]

NOT_FOUND_BODY = b"404 page not found"
JSON_TYPE = "application/json; charset=utf-8"
_MAX_BODY = 10 * 1024 * 1024
CONTROL_PREFIX = "/_emulator/"


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that remembers its open connections so :meth:`EmulatorServer.stop` can close them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.stopping = False
        super().__init__(address, _Handler)

    def shutdown(self) -> None:
        """Stop ``serve_forever`` now: connections to the listening socket wake its ``select`` until it has
        stopped, instead of leaving it to notice at its next poll (a test suite stops hundreds of emulators)."""
        self.stopping = True
        host, port = str(self.server_address[0]), int(self.server_address[1])
        stopper = threading.Thread(target=super().shutdown, name="tiktok-emulator-stop", daemon=True)
        stopper.start()
        while stopper.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection((host, port), timeout=1).close()
            stopper.join(0.005)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection, then serve it on its own daemon thread (a wake-up while stopping is closed)."""
        if self.stopping:
            self.shutdown_request(request)
            return
        with self.connections_lock:
            self.connections.add(request)
        self.emulator.stats.count_connection()
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection and close it."""
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client goes away mid-answer (timeouts, resets); report anything else."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut every open keep-alive connection down (their handler threads then end)."""
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """One connection: parses requests and writes each answer with a single ``write``."""

    protocol_version = "HTTP/1.1"
    server_version = "TikTokEmulator/1.3"
    disable_nagle_algorithm = True
    timeout = 300  # idle keep-alive connections are dropped after this many seconds
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        """Silence the per-request log line."""

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """Serve a POST request."""
        self._dispatch("POST")

    def do_PUT(self) -> None:
        """Serve a PUT request (always 404)."""
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        """Serve a DELETE request (always 404)."""
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        """Serve a PATCH request (always 404)."""
        self._dispatch("PATCH")

    def do_HEAD(self) -> None:
        """Serve a HEAD request (always 404, no body)."""
        self._read_body()
        self._send(404, NOT_FOUND_BODY, "text/plain; charset=utf-8", head_only=True)

    # ------------------------------------------------------------------ plumbing

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length > 0 else b""

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        request_id: str | None = None,
        head_only: bool = False,
        close: bool = False,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        if close:
            self.close_connection = True
        reason = self.responses.get(status, ("",))[0]
        lines = [
            f"HTTP/1.1 {status} {reason}",
            # TikTok's clock, not the machine's: a client taking "today" from the Date header (RFC 9110
            # section 6.6.1, which every TikTok answer carries) sees the emulated day
            f"Date: {formatdate(self.server.emulator.world.now.timestamp(), usegmt=True)}",
            f"Content-Type: {content_type}",
            f"Content-Length: {len(body)}",
        ]
        if request_id is not None:
            lines.append(f"X-Tt-Logid: {request_id}")
        lines += [f"{name}: {value}" for name, value in headers]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if head_only else head + body)

    def _reset(self) -> None:
        """Drop the connection with a TCP RST and no response at all."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _dispatch(self, method: str) -> None:
        emulator = self.server.emulator
        body = self._read_body()
        raw_path, _, query = self.path.partition("?")
        if raw_path.startswith(CONTROL_PREFIX):
            control = emulator.control(method, raw_path[len(CONTROL_PREFIX) :].strip("/"), body)
            if control is not None:
                status, data = control
                self._send(status, json.dumps(data).encode(), JSON_TYPE)
                return
        if method == "GET" and raw_path.startswith(FILE_PREFIX):
            # a download link of an async report task (another host at TikTok: no token, not an API request)
            status, file_body, content_type = emulator.api.tasks.serve_file(raw_path, query)
            self._send(status, file_body, content_type)
            return
        route = _route_of(raw_path)
        found = emulator.api.route(method, route) if route else None
        if found is None:
            emulator.stats.count_not_found()
            self._send(404, NOT_FOUND_BODY, "text/plain; charset=utf-8")
            return
        emulator.stats.count_request(route)
        request_id = new_request_id(emulator.world.now)
        fault = emulator.faults.choose(route, _page_of(query))
        truncate = False
        if fault is not None:
            emulator.stats.count_fault(fault)
            if fault == "reset":
                self._reset()
                return
            if fault in HTTP_FAULTS:
                fault_body, content_type = http_fault_body(HTTP_FAULTS[fault])
                emulator.wait_latency(0)
                self._send(HTTP_FAULTS[fault], fault_body, content_type, request_id=request_id)
                return
            if fault in ENVELOPE_FAULTS:
                code, message = ENVELOPE_FAULTS[fault]
                emulator.stats.count_code(code)
                emulator.wait_latency(0)
                self._send(
                    200, encode_envelope(code, message, request_id, {}), JSON_TYPE, request_id=request_id
                )
                return
            if fault == "slow":
                time.sleep(emulator.faults.slow_seconds)
            truncate = fault == "truncated"
        params = dict(parse_qsl(query, keep_blank_values=True))
        refusal = emulator.limiter.check(route, _advertiser_of(params, found.advertiser_param))
        if refusal is not None:
            answer = Answer(refusal.code, refusal.message, {})
        elif truncate and found.side_effects:
            # never consume an auth code for an answer the client cannot read
            answer = Answer(0, "OK", {"access_token": "0" * 40, "advertiser_ids": [], "scope": []})
        else:
            token = self.headers.get("Access-Token")
            answer = emulator.api.handle(found, params, token, body)
        emulator.stats.count_code(answer.code, answer.rows)
        if answer.raw is not None and not truncate:
            self._send(
                200,
                answer.raw,
                answer.content_type or JSON_TYPE,
                request_id=request_id,
                headers=answer.headers,
            )
            return
        payload = encode_envelope(answer.code, answer.message, request_id, answer.data)
        # after the rate limit (checked on arrival, as TikTok's gateway does) and the work: the answer's time
        emulator.wait_latency(answer.rows)
        if truncate:
            # a valid start of the JSON, cut; Content-Length matches what is sent, so the client reads it all
            # and fails to decode it (the connection is closed afterwards, as a broken upstream would)
            payload = payload[: max(1, len(payload) // 2)]
            self._send(200, payload, JSON_TYPE, request_id=request_id, close=True)
            return
        self._send(200, payload, JSON_TYPE, request_id=request_id, headers=answer.headers)


def _page_of(query: str) -> int | None:
    """The ``page`` query parameter of a request, if it is a number."""
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "page" and value.isdigit():
            return int(value)
    return None


def _route_of(path: str) -> str:
    """``/open_api/v1.3/campaign/get`` -> ``campaign/get/``; ``""`` if the path is not under the API prefix."""
    if not path.startswith(ROUTE_PREFIX):
        return ""
    route = path[len(ROUTE_PREFIX) :]
    if not route:
        return ""
    return route if route.endswith("/") else route + "/"


def _advertiser_of(params: dict[str, str], name: str | None) -> str | None:
    if name is None:
        return None
    value = params.get(name)
    return value.strip().strip('"') if value else None


class _Credential:
    """A credential of the served world (``world.credentials.<name>``), as a read-only server attribute."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, server: Any, owner: type | None = None) -> str:
        return str(getattr(server.world.credentials, self._name))


class EmulatorServer:
    """An in-process TikTok Business API v1.3 emulator on ``127.0.0.1``.

    Args:
        world_config: the world to generate (ignored when ``world`` is given).
        world: an existing :class:`~tiktok_ads.emulator.data.model.World` to serve (e.g. shared with the truth API).
        host: interface to bind; port: TCP port (0 = a free port).
        qps, qpm: app-level budget (40100); advertiser_qps: per advertiser and path (40133). 0/None = off.
            The defaults are TikTok's Basic tier: 10 QPS, 600 QPM, 20 QPS per advertiser and path.
        task_create_qps: the app's own budget of ``report/task/create/`` (40100; TikTok: 1 QPS, see
            :mod:`.api_tasks`). 0/None = off.
        fault_rate: fraction of requests that get a random fault; fault_seed: its seed;
            fault_kinds: the kinds to draw from (default all, see :mod:`.faults`); slow_seconds: delay of ``slow``.
        max_report_cells: answer 40067 for report queries over ``rows x metrics`` cells (None/0 = no limit).
        latency: seconds every API answer takes (default 0: instant, for tests); latency_per_row: seconds more
            per list row of the answer. See :mod:`.latency` (``TYPICAL`` is what the benchmarks use).
        refreshable_tokens: the auth-code exchange answers expiring tokens with refresh tokens
            (``oauth2/refresh_token/``, see :mod:`.oauth_refresh`).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Besides the API it answers the control
    routes ``GET /_emulator/stats``, ``GET /_emulator/clock`` and ``POST /_emulator/clock`` (see the module
    docstring and :meth:`control`).
    """

    def __init__(
        self,
        world_config: WorldConfig | None = None,
        *,
        world: World | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        qps: float | None = 10,
        qpm: float | None = 600,
        advertiser_qps: float | None = 20,
        task_create_qps: float | None = 1,
        fault_rate: float = 0.0,
        fault_seed: int = 0,
        fault_kinds: Iterable[str] | None = None,
        slow_seconds: float = 1.0,
        max_report_cells: int | None = None,
        latency: float = 0.0,
        latency_per_row: float = 0.0,
        refreshable_tokens: bool = False,
    ) -> None:
        #: the latency model (mutable: tests and benchmarks may switch it while serving)
        self.latency: Latency = Latency(latency, latency_per_row) if latency or latency_per_row else NONE
        self.world: World = world if world is not None else World(world_config or WorldConfig())
        self.api = Api(self.world, max_report_cells=max_report_cells, refreshable_tokens=refreshable_tokens)
        self.stats = Stats()
        self.limiter: RateLimiter
        self.set_limits(qps, qpm, advertiser_qps, task_create_qps)
        self.faults = FaultInjector(fault_rate, fault_seed, fault_kinds, slow_seconds)
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> EmulatorServer:
        """Bind and serve on a background daemon thread; returns ``self``."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="tiktok-emulator",
            daemon=True,
        )
        self._thread.start()
        self.api.tasks.file_host = self.base_url
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and release the port."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._httpd is not None

    # ------------------------------------------------------------------ addresses and credentials

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._httpd is None:
            raise RuntimeError("emulator not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://<host>:<port>`` — clients append ``/open_api/v1.3/<route>``, as with TikTok's host."""
        return f"http://{self._host}:{self.port}"

    @property
    def api_base(self) -> str:
        """``base_url + "/open_api/v1.3/"``."""
        return self.base_url + ROUTE_PREFIX

    #: the world's long-lived access token (grants every advertiser)
    access_token = _Credential()
    #: the developer app id
    app_id = _Credential()
    #: the developer app secret
    secret = _Credential()
    #: the world's initial (single-use) auth code
    auth_code = _Credential()

    @property
    def advertiser_ids(self) -> list[str]:
        """Every advertiser id of the world, in the world's order."""
        return [a.advertiser_id for a in self.world.advertisers]

    def connection_info(self) -> dict[str, Any]:
        """What ``python -m tiktok_ads.emulator`` prints: base_url and credentials."""
        return {
            "base_url": self.base_url,
            "access_token": self.access_token,
            "app_id": self.app_id,
            "secret": self.secret,
            "auth_code": self.auth_code,
            "advertiser_ids": self.advertiser_ids,
        }

    # ------------------------------------------------------------------ runtime configuration

    def wait_latency(self, rows: int) -> None:
        """Hold the current answer for the latency model's delay (no-op when the model is off).

        Args:
            rows: list rows the answer carries.
        """
        if self.latency.enabled:
            time.sleep(self.latency.delay(rows))

    def script_fault(
        self, path: str, nth: int = 1, fault: str = "50002", times: int = 1, page: int | None = None
    ) -> None:
        """Make the ``nth`` request (counted from now) to ``path`` (e.g. ``"report/integrated/get/"``, or ``"*"``)
        answer ``fault`` (a kind of :data:`~tiktok_ads.emulator.transport.faults.FAULT_KINDS`), ``times`` times in a row;
        with ``page``, the ``nth`` request for that page (pages fetched ahead arrive in any order)."""
        self.faults.script(path, nth, fault, times, page)

    def set_faults(
        self,
        rate: float = 0.0,
        seed: int = 0,
        kinds: Iterable[str] | None = None,
        slow_seconds: float | None = None,
    ) -> None:
        """Replace the random-fault configuration (scripted faults are dropped)."""
        delay = self.faults.slow_seconds if slow_seconds is None else slow_seconds
        self.faults = FaultInjector(rate, seed, kinds, delay)

    def control(self, method: str, name: str, body: bytes) -> tuple[int, dict[str, Any]] | None:
        """Answer a control route ``/_emulator/<name>`` (see the module docstring).

        Args:
            method: HTTP method.
            name: the path after ``/_emulator/`` without slashes (``stats`` or ``clock``).
            body: the request body (JSON for ``POST clock``).

        Returns:
            ``(HTTP status, JSON object)``, or None when there is no such control route (the caller answers 404).
        """
        if method == "GET" and name == "stats":
            return 200, {**self.stats.snapshot(), "now": self.world.now.isoformat()}
        if method == "GET" and name == "clock":
            return 200, {"now": self.world.now.isoformat()}
        if method == "POST" and name == "clock":
            try:
                self.world.set_now(_clock_target(self.world.now, body))
            except (ValueError, OverflowError) as err:
                return 400, {"error": str(err)}
            return 200, {"now": self.world.now.isoformat()}
        return None

    def set_limits(
        self,
        qps: float | None = None,
        qpm: float | None = None,
        advertiser_qps: float | None = None,
        task_create_qps: float | None = None,
    ) -> None:
        """Replace the rate limits (None/0 = unlimited) with fresh, full budgets."""
        self.limiter = RateLimiter(
            self.api.app_id,
            qps=qps,
            qpm=qpm,
            advertiser_qps=advertiser_qps,
            path_qps=_path_qps(task_create_qps),
        )


def _path_qps(task_create_qps: float | None) -> dict[str, float]:
    """Per-path app budgets: ``report/task/create/`` has its own ([TTD-async], see :mod:`.api_tasks`)."""
    return {"report/task/create/": task_create_qps} if task_create_qps else {}


def _clock_target(now: dt.datetime, body: bytes) -> dt.datetime:
    """The instant a ``POST /_emulator/clock`` body asks for.

    Args:
        now: the clock now.
        body: a JSON object with exactly one of ``today`` (``YYYY-MM-DD``, 12:00 UTC), ``now`` (ISO datetime,
            naive = UTC) or ``advance_days`` (a number, may be negative or fractional).

    Returns:
        The new instant (aware, UTC).

    Raises:
        ValueError: the body is not such an object.
    """
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        raise ValueError("the body is not JSON") from None
    keys = ("today", "now", "advance_days")
    given = [k for k in keys if isinstance(request, dict) and k in request]
    if len(given) != 1 or len(request) != 1:
        raise ValueError(f"send a JSON object with exactly one of {', '.join(keys)}")
    value = request[given[0]]
    if given[0] == "advance_days":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"advance_days: not a number: {value!r}")
        return now + dt.timedelta(days=value)
    if not isinstance(value, str):
        raise ValueError(f"{given[0]}: not a string: {value!r}")
    try:
        if given[0] == "today":
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(12), dt.timezone.utc)
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{given[0]}: not an ISO date or datetime: {value!r}") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)

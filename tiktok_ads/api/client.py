"""``TikTokClient``: every HTTP request of the source goes through here.

Why a plain ``requests`` session with our own retry loop rather than ``dlt.sources.helpers.requests``:
TikTok reports rate limits and server trouble as HTTP 200 with an error ``code`` in the body, and our
retries must (a) read that body code, (b) pace every request of the app through one shared, adaptive
rate limiter (``rate_limit.py``), (c) retry exactly the failed page of exactly the failed window (the
paging loop below never restarts or skips), and (d) never let a URL with the app ``secret`` into an
exception or log. dlt's ``Client`` can do (a) through ``retry_condition`` but not (b)-(d) without
wrapping it anyway, so the loop is written out here, with full-jitter exponential backoff and a bounded
number of attempts.

The client is safe to share between threads: each thread gets its own ``requests.Session`` (connection
reuse per thread; ``Session`` is not documented as thread-safe), counters are locked, and the limiter is
shared per app. At most ``max_concurrency`` requests are in flight at once, whichever threads send them;
:meth:`TikTokClient.paginate` fetches the pages after the first in parallel on the client's own small pool.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, TypeVar

import requests

try:  # dlt depends on orjson (except on PyPy); it parses TikTok's pages ~3x faster than json
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
except ImportError:  # pragma: no cover - PyPy
    _loads = json.loads

from tiktok_ads.api.advertiser_limits import AdvertiserPathLimits
from tiktok_ads.api.json_pages import ArrowRows, Decoder
from tiktok_ads.api.rate_limit import PATH_BUDGETS, PATH_MAX_QPS, AdaptiveTokenBucket, app_key, shared_limiter
from tiktok_ads.api.redaction import REDACTED, redact, register_secret
from tiktok_ads.api.server_clock import ServerClock
from tiktok_ads.api.transport_errors import describe_transport_error
from tiktok_ads.config.defaults import (
    MAX_RETRY_BACKOFF_SECONDS,
    MAX_THROTTLED_RETRIES,
    PACKAGE_VERSION,
    PREFETCH_PAGES,
)
from tiktok_ads.config.source_settings import DEFAULTS
from tiktok_ads.errors import (
    TikTokAPIError,
    TikTokBadResponseError,
    TikTokConnectionError,
    TikTokRateLimitError,
    TikTokReportCutError,
    TikTokTransientError,
    error_for_code,
)
from tiktok_ads.limits import API_VERSION, MAX_PAGE_SIZE, PRODUCTION_BASE_URL

if TYPE_CHECKING:  # types only: both modules build on the client
    from tiktok_ads.api.token_refresh import TokenRefresher
    from tiktok_ads.config.validation import SourceConfig

logger = logging.getLogger("tiktok_ads")

API_PREFIX = f"/open_api/{API_VERSION}/"
_NOT_JSON = object()
_RAW = "_raw_body"
DOWNLOAD_CHUNK = 1 << 20
"""Bytes read from the socket and written to the sink at a time by :meth:`TikTokClient.download`."""
MAX_PAGES = 100_000
"""Safety stop for a paging loop whose ``page_info`` never ends."""
ACCESS_TOKEN_EXPIRED = 40102
ADVERTISER_PATH_THROTTLED = 40133
"""TikTok's per-advertiser, per-path rate limit (:mod:`.advertiser_limits`)."""
"""TikTok's "access token expired" (SDK tiktok_code.py ERROR_CODE_ACCESS_TOKEN_EXPIRE): with a refresher, refresh
once and retry."""
EMPTY_PAGE_RETRIES = 2
"""Times an empty page is asked for again when ``page_info`` announced more rows (then the run fails)."""
SHORT_PAGE_RETRIES = 2
"""Times a short last page is asked for again when ``page_info`` announced more rows (then a warning)."""
SHORT_RESULT_WARNING = "short_result"
"""The ``ClientStats.warnings`` kind of a list whose last page ended before ``total_number`` rows."""

T = TypeVar("T")
_CANCEL = threading.local()


@contextlib.contextmanager
def cancelled_by(event: threading.Event) -> Iterator[None]:
    """Requests sent from this thread meanwhile stop retrying once ``event`` is set.

    A worker of a closed stream (dlt closed the resource, the run failed) has nobody waiting for its answer: it
    must not go on retrying, e.g. against a server that is gone. The wait before a retry ends when ``event``
    is set, and the request raises its last error instead of trying again.

    Args:
        event: set when the requests' results are no longer wanted.
    """
    previous = getattr(_CANCEL, "event", None)
    _CANCEL.event = event
    try:
        yield
    finally:
        _CANCEL.event = previous


def wait_unless_cancelled(delay: float, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Sleep ``delay``; False if this thread's requests were cancelled meanwhile (:func:`cancelled_by`).

    With the real ``time.sleep`` the wait ends as soon as the cancel event is set; an injected ``sleep`` (tests)
    is called as given, and the event is looked at afterwards.
    """
    event: threading.Event | None = getattr(_CANCEL, "event", None)
    if event is None:
        sleep(delay)
        return True
    if sleep is time.sleep:
        return not event.wait(delay)
    sleep(delay)
    return not event.is_set()


def _in_callers_cancel(fn: Callable[[int], T]) -> Callable[[int], T]:
    """``fn``, run (on another thread) under the calling thread's :func:`cancelled_by` event, if any."""
    event: threading.Event | None = getattr(_CANCEL, "event", None)
    if event is None:
        return fn

    def bound(arg: int) -> T:
        with cancelled_by(event):
            return fn(arg)

    return bound


# --------------------------------------------------------------------------------------------------
# Counters
# --------------------------------------------------------------------------------------------------


@dataclass
class ClientStats:
    """Request and retry counters of one client (thread-safe), for the run summary.

    Attributes:
        requests: HTTP requests sent (every attempt counts).
        retries: retries by reason (``"40100"``, ``"50002"``, ``"http_503"``, ``"bad_json"``, ``"timeout"`` ...).
        requests_by_path: requests per API path.
        waited_seconds: time spent waiting for the rate limiter.
        backoff_seconds: time spent sleeping between retries.
        warnings: answers that were usable but suspicious, by kind (``"ads_throttle"``: TikTok's
            ``X-Tt-Ads-Throttle`` header, a report truncated to 20,000 ads).
    """

    requests: int = 0
    retries: collections.Counter[str] = field(default_factory=collections.Counter)
    requests_by_path: collections.Counter[str] = field(default_factory=collections.Counter)
    waited_seconds: float = 0.0
    backoff_seconds: float = 0.0
    warnings: collections.Counter[str] = field(default_factory=collections.Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count_request(self, path: str, waited: float) -> None:
        """Count one request to ``path`` after ``waited`` seconds of pacing."""
        with self._lock:
            self.requests += 1
            self.requests_by_path[path] += 1
            self.waited_seconds += waited

    def count_retry(self, reason: str, sleep: float) -> None:
        """Count one retry for ``reason`` followed by ``sleep`` seconds of backoff."""
        with self._lock:
            self.retries[reason] += 1
            self.backoff_seconds += sleep

    def count_warning(self, kind: str) -> None:
        """Count one suspicious answer of ``kind``."""
        with self._lock:
            self.warnings[kind] += 1

    @property
    def total_retries(self) -> int:
        """All retries, whatever the reason."""
        with self._lock:
            return sum(self.retries.values())

    def summary(self) -> str:
        """One line for the run summary, e.g. ``"152 requests, 3 retried (40100: 2, http_502: 1)"``."""
        with self._lock:
            retried = sum(self.retries.values())
            text = f"{self.requests} request{'' if self.requests == 1 else 's'}, {retried} retried"
            if retried:
                text += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(self.retries.items())) + ")"
            if self.warnings:
                text += "; warnings: " + ", ".join(f"{k}: {v}" for k, v in sorted(self.warnings.items()))
            return text


# --------------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------------


def encode_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Encode query parameters the way TikTok expects them on GET requests.

    Lists and dicts are JSON-encoded (``fields=["a","b"]``, ``filtering={...}``), booleans become
    ``true``/``false``, ``None`` values are dropped.

    Args:
        params: parameter values.

    Returns:
        String values for ``requests``.
    """
    encoded: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple, dict)):
            encoded[key] = json.dumps(
                list(value) if isinstance(value, tuple) else value, separators=(",", ":")
            )
        else:
            encoded[key] = str(value)
    return encoded


def api_path(endpoint: str) -> str:
    """Normalize an endpoint to its full path with the trailing slash TikTok requires.

    Args:
        endpoint: ``"campaign/get/"``, ``"campaign/get"`` or ``"/open_api/v1.3/campaign/get/"``.

    Returns:
        ``"/open_api/v1.3/campaign/get/"``.
    """
    path = endpoint.strip()
    if not path.startswith("/open_api/"):
        path = API_PREFIX + path.lstrip("/")
    if not path.endswith("/"):
        path += "/"
    return path


CLIENT_SETTINGS = {
    "base_url": "base_url",
    "app_id": "app_id",
    "secret": "secret",
    "max_qps": "max_qps",
    "max_concurrency": "max_concurrency",
    "timeout": "request_timeout",
    "max_retries": "max_retries",
    "backoff_base": "retry_backoff_seconds",
}
"""The settings a source's client takes (:meth:`TikTokClient.from_config`): its argument -> the setting."""


class TikTokClient:
    """Sends requests to the TikTok Business API and turns answers into data or typed errors.

    Args:
        access_token: the long-lived token sent as the ``Access-Token`` header (never logged).
        base_url: scheme and host, e.g. ``https://business-api.tiktok.com`` (paths are added).
        app_id: the app id (for ``oauth2/advertiser/get/`` and to share the limiter per app).
        secret: the app secret (for ``oauth2/advertiser/get/``; never logged).
        max_qps: requests per second for this app; ``0`` disables pacing.
        max_concurrency: requests in flight at once (all threads together).
        prefetch_pages: pages of one list requested ahead of the one being read (0 = one at a time).
        limiter: a limiter to use instead of the process-wide one of this app.
        timeout: seconds to wait for one answer.
        max_retries: retries of one request before giving up (attempts = ``max_retries + 1``).
        backoff_base: base of the exponential backoff in seconds.
        backoff_cap: longest single backoff sleep in seconds.
        sleep: sleep function (tests pass a fake one).
        rng: random source for jitter (tests pass a seeded one).
        token_refresher: keeps an expiring access token fresh (:mod:`.token_refresh`); None for TikTok's
            long-lived token. With it, every request sends its current token, refreshed shortly before expiry
            through this client (``POST oauth2/refresh_token/``), and a 40102 answer refreshes once and retries.
    """

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = PRODUCTION_BASE_URL,
        app_id: str | None = None,
        secret: str | None = None,
        max_qps: float = DEFAULTS.max_qps,
        max_concurrency: int = DEFAULTS.max_concurrency,
        prefetch_pages: int = PREFETCH_PAGES,
        limiter: AdaptiveTokenBucket | None = None,
        timeout: float = DEFAULTS.request_timeout,
        max_retries: int = DEFAULTS.max_retries,
        backoff_base: float = DEFAULTS.retry_backoff_seconds,
        backoff_cap: float = MAX_RETRY_BACKOFF_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        token_refresher: TokenRefresher | None = None,
    ) -> None:
        self._access_token = access_token
        self._refresher = token_refresher
        self._secret = secret
        register_secret(access_token)
        register_secret(secret)
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.max_qps = max_qps
        self.limiter = limiter or shared_limiter(app_key(app_id, access_token), max_qps)
        # paths with a budget of their own (async task creation, the change log): a second bucket, shared per app
        # too; kept with max_qps = 0 as well, since it is TikTok's limit whatever the app's tier
        budgets = {
            name: shared_limiter(f"{app_key(app_id, access_token)}:{name}", qps)
            for name, qps in PATH_MAX_QPS.items()
        }
        self._path_limiters = {api_path(path): budgets[name] for path, name in PATH_BUDGETS.items()}
        self._advertiser_limits = AdvertiserPathLimits()  # learned from 40133 answers
        self.max_concurrency = max(1, int(max_concurrency))
        self.prefetch_pages = max(0, int(prefetch_pages))
        self._in_flight = threading.BoundedSemaphore(self.max_concurrency)
        # pages fetched ahead wait, parsed, until their list reaches them: cap them for all lists together
        self._ahead_slots = threading.BoundedSemaphore(max(1, self.max_concurrency // 4))
        self._page_pool: ThreadPoolExecutor | None = None
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self.stats = ClientStats()
        # any HTTP answer this run: from then on a refused connection is transient
        self._host_answered = False
        #: TikTok's clock from the Date headers of its answers (the run's "today" comes from it)
        self.server_clock = ServerClock()

    @classmethod
    def from_config(
        cls, config: SourceConfig, *, token_refresher: TokenRefresher | None = None
    ) -> TikTokClient:
        """The client of a source run: host, app credentials, pacing and retries from its validated settings.

        Args:
            config: the source's validated settings.
            token_refresher: keeps an expiring access token fresh (None for TikTok's long-lived token).

        Returns:
            The client.
        """
        settings = {arg: getattr(config, name) for arg, name in CLIENT_SETTINGS.items()}
        return cls(config.access_token, token_refresher=token_refresher, **settings)

    def __repr__(self) -> str:
        return f"TikTokClient(base_url={self.base_url!r}, app_id={self.app_id!r}, access_token='{REDACTED}')"

    @property
    def has_app_credentials(self) -> bool:
        """Whether app id and secret are set (needed for ``oauth2/advertiser/get/``)."""
        return bool(self.app_id and self._secret)

    def app_params(self) -> dict[str, str]:
        """``app_id`` and ``secret`` query parameters (``oauth2/advertiser/get/`` needs them in the query).

        Returns:
            The two parameters.

        Raises:
            ValueError: app credentials are not set.
        """
        if not (self.app_id and self._secret):
            raise ValueError("app_id and secret are required for this endpoint")
        return {"app_id": self.app_id, "secret": self._secret}

    # ------------------------------------------------------------------ sessions

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(
                {"User-Agent": f"tiktok-ads-dlt/{PACKAGE_VERSION}", "Accept": "application/json"}
            )
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def _pages_pool(self) -> ThreadPoolExecutor:
        """The pool that fetches prefetched pages (created on first use, one per client)."""
        with self._sessions_lock:
            if self._page_pool is None:
                self._page_pool = ThreadPoolExecutor(
                    max_workers=self.max_concurrency, thread_name_prefix="tiktok_ads_page"
                )
            return self._page_pool

    def close(self) -> None:
        """Close every session this client opened (in any thread) and stop its page pool."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
            pool, self._page_pool = self._page_pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> TikTokClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests

    def get(
        self, endpoint: str, params: Mapping[str, Any] | None = None, *, advertiser_id: str | None = None
    ) -> dict[str, Any]:
        """GET an endpoint and return the ``data`` object of a successful answer.

        Args:
            endpoint: e.g. ``"campaign/get/"``.
            params: query parameters (lists/dicts are JSON-encoded).
            advertiser_id: for error messages (taken from ``params`` when not given).

        Returns:
            ``data`` from the envelope.

        Raises:
            TikTokAPIError: a subclass per failure kind, after retries where retrying makes sense.
        """
        return self.get_with_request_id(endpoint, params, advertiser_id=advertiser_id)[0]

    def get_with_request_id(
        self,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        *,
        advertiser_id: str | None = None,
        decode: Decoder | None = None,
        refuse_cut: bool = False,
    ) -> tuple[dict[str, Any], str | None]:
        """Like :meth:`get`, also returning TikTok's ``request_id`` of the successful answer.

        Args:
            endpoint: e.g. ``"campaign/get/"``.
            params: query parameters.
            advertiser_id: for error messages.
            decode: parses the body natively (report pages into Arrow); None, or when it returns None: orjson.
            refuse_cut: raise :class:`TikTokReportCutError` for an answer with ``X-Tt-Ads-Throttle`` (the
                caller reads the report another way) instead of warning and using it.

        Returns:
            ``(data, request_id)``.
        """
        params = dict(params or {})
        adv = advertiser_id or (str(params["advertiser_id"]) if params.get("advertiser_id") else None)
        return self._request(
            "GET",
            endpoint,
            params=encode_params(params),
            advertiser_id=adv,
            decode=decode,
            refuse_cut=refuse_cut,
        )

    def post(
        self,
        endpoint: str,
        body: Mapping[str, Any],
        *,
        with_token: bool = False,
        advertiser_id: str | None = None,
        max_retries: int | None = None,
    ) -> dict[str, Any]:
        """POST a JSON body (the OAuth token exchange, which needs no ``Access-Token``; async report tasks).

        Args:
            endpoint: e.g. ``"oauth2/access_token/"``.
            body: the JSON body.
            with_token: also send the ``Access-Token`` header.
            advertiser_id: for error messages.
            max_retries: retries of this request instead of the client's (an async task creation refused
                for a quota is not worth minutes of retries: the caller falls back).

        Returns:
            ``data`` from the envelope.
        """
        return self._request(
            "POST",
            endpoint,
            json_body=dict(body),
            with_token=with_token,
            advertiser_id=advertiser_id,
            max_retries=max_retries,
        )[0]

    def get_file(
        self, endpoint: str, params: Mapping[str, Any], *, advertiser_id: str | None = None
    ) -> bytes:
        """GET an endpoint that answers a file stream (``report/task/download/`` of a ``CSV_STRING`` task).

        The request is paced, retried and typed like every other; an answer that is a TikTok envelope is an
        error (or, with code 0, not the file that was asked for). A large file is better read with
        :meth:`download`, which does not hold it in memory.

        Args:
            endpoint: e.g. ``"report/task/download/"``.
            params: query parameters.
            advertiser_id: for error messages.

        Returns:
            The body, as sent.

        Raises:
            TikTokBadResponseError: the answer was a successful envelope, not a file.
        """
        sink = io.BytesIO()
        self.download(endpoint, params, sink, advertiser_id=advertiser_id)
        return sink.getvalue()

    def download(
        self,
        endpoint: str,
        params: Mapping[str, Any],
        sink: IO[bytes],
        *,
        advertiser_id: str | None = None,
        refuse_cut: bool = False,
    ) -> None:
        """:meth:`get_file`, with the file written to ``sink`` as it arrives (:data:`DOWNLOAD_CHUNK` at a time),
        never held whole: an async task's CSV is an advertiser's whole range.

        A transfer cut short (fewer bytes than ``Content-Length``, a broken chunked body, a reset) is a transient
        error, retried like any other; each attempt starts ``sink`` over.

        Args:
            endpoint: e.g. ``"report/task/download/"``.
            params: query parameters.
            sink: a binary file open for writing, seekable (e.g. a temporary file).
            advertiser_id: for error messages.
            refuse_cut: raise :class:`TikTokReportCutError` for an answer with ``X-Tt-Ads-Throttle`` (a
                multi-advertiser task's file, which the caller then reads another way).

        Raises:
            TikTokBadResponseError: the answer was a successful envelope, not a file.
        """
        data, request_id = self._request(
            "GET",
            endpoint,
            params=encode_params(params),
            advertiser_id=advertiser_id,
            raw=True,
            sink=sink,
            refuse_cut=refuse_cut,
        )
        if data.get(_RAW) is not sink:
            raise TikTokBadResponseError(
                f"expected a file, got a JSON answer with data keys {sorted(data)[:5]}",
                code=0,
                request_id=request_id,
                path=api_path(endpoint),
                advertiser_id=advertiser_id,
                reason="bad_file",
            )

    def _request(
        self,
        method: str,
        endpoint: str,
        *,
        params: dict[str, str] | None = None,
        json_body: dict[str, Any] | None = None,
        advertiser_id: str | None = None,
        with_token: bool = True,
        raw: bool = False,
        max_retries: int | None = None,
        decode: Decoder | None = None,
        refuse_cut: bool = False,
        sink: IO[bytes] | None = None,
    ) -> tuple[dict[str, Any], str | None]:
        retries = self.max_retries if max_retries is None else max(0, max_retries)
        path = api_path(endpoint)
        url = self.base_url + path
        path_limiter = self._path_limiters.get(path)
        attempt = 0
        throttled = 0  # rate-limit answers while pacing: they do not use up max_retries
        refreshed = False  # one refresh per request after TikTok said the token expired (40102)
        while True:
            attempt += 1
            token = self._current_token() if with_token else None
            headers = {"Access-Token": token} if token is not None else {}
            try:
                with self._in_flight:
                    # a slot first, then a token: a token taken while waiting for a slot would be wasted
                    waited = path_limiter.acquire() if path_limiter is not None else 0.0
                    adv_limiter = self._advertiser_limits.get(advertiser_id, path)
                    waited += adv_limiter.acquire() if adv_limiter is not None else 0.0
                    waited += self.limiter.acquire()
                    sent_at = self.limiter.now()
                    adv_sent_at = adv_limiter.now() if adv_limiter is not None else None
                    self.stats.count_request(path, waited)
                    data = self._send(
                        method,
                        url,
                        path,
                        params,
                        json_body,
                        headers,
                        advertiser_id,
                        raw,
                        decode,
                        refuse_cut,
                        sink,
                    )
            except TikTokAPIError as err:
                err.attempts = attempt
                if (
                    err.code == ACCESS_TOKEN_EXPIRED
                    and self._refresher is not None
                    and token
                    and not refreshed
                ):
                    refreshed = True
                    self._refresher.token(self, stale=token)
                    attempt -= 1
                    continue
                per_advertiser = err.code == ADVERTISER_PATH_THROTTLED and advertiser_id is not None
                paced = isinstance(err, TikTokRateLimitError) and (
                    self.limiter.enabled or path_limiter is not None or per_advertiser
                )
                throttled += paced
                if not err.retryable or attempt - throttled > retries or throttled > MAX_THROTTLED_RETRIES:
                    raise
                if paced:
                    # the limiter has slowed down and paces the retry; no long backoff on top of it
                    if self.limiter.enabled:
                        self.limiter.on_throttle(sent_at)
                    if path_limiter is not None:
                        path_limiter.on_throttle()
                    if per_advertiser and advertiser_id is not None:
                        self._advertiser_limits.on_throttle(advertiser_id, path, err.message, adv_sent_at)
                    delay = self._backoff(1)
                else:
                    delay = self._backoff(attempt)
                self.stats.count_retry(err.reason, delay)
                logger.warning(
                    "tiktok_ads: retrying %s (attempt %d of %d) in %.1fs: %s",
                    path,
                    attempt + 1,
                    retries + 1,
                    delay,
                    redact(err.message),
                )
                if not wait_unless_cancelled(delay, self._sleep):
                    raise  # the answer is no longer wanted (:func:`cancelled_by`)
                continue
            self.limiter.on_success()
            if path_limiter is not None:
                path_limiter.on_success()
            return data

    def _current_token(self) -> str:
        """The access token to send now (refreshed first when a refresher says it is due)."""
        if self._refresher is None:
            return self._access_token
        self._access_token = self._refresher.token(self)
        return self._access_token

    def _backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff: ``uniform(0, min(cap, base * 2**(attempt-1)))``."""
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        with self._rng_lock:
            return self._rng.uniform(0.0, ceiling)

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        params: dict[str, str] | None,
        json_body: dict[str, Any] | None,
        headers: dict[str, str],
        advertiser_id: str | None,
        raw: bool = False,
        decode: Decoder | None = None,
        refuse_cut: bool = False,
        sink: IO[bytes] | None = None,
    ) -> tuple[dict[str, Any], str | None]:
        where: dict[str, Any] = {"path": path, "advertiser_id": advertiser_id}
        # Transport errors are turned into our own error *outside* the except blocks, so that neither
        # __cause__ nor __context__ keeps the requests exception (its text can hold a URL with the secret).
        failure: TikTokAPIError | None = None
        status, body = 0, b""
        try:
            response = self._session().request(
                method,
                url,
                params=params,
                json=json_body,
                headers=headers,
                timeout=(10.0, self.timeout),
                stream=sink is not None,
            )
            self._host_answered = True
            status = response.status_code
            body = response.content if sink is None else _drain(response, sink)
            self.server_clock.observe(response.headers.get("Date"))
            throttle = response.headers.get("X-Tt-Ads-Throttle")
            if throttle and refuse_cut and status == 200:
                failure = TikTokReportCutError(
                    f"TikTok cut the report to the 20,000 most recently created ids ({redact(throttle)[:200]})",
                    reason="ads_throttle",
                    **where,
                )
            elif throttle:
                # TikTok truncated a report to the 20,000 most recently created ads: say so loudly
                self.stats.count_warning("ads_throttle")
                logger.warning(
                    "tiktok_ads: TikTok truncated the answer of %s for advertiser %s: %s",
                    path,
                    advertiser_id,
                    redact(throttle)[:200],
                )
        except requests.Timeout:
            failure = TikTokTransientError(f"no answer within {self.timeout:g}s", reason="timeout", **where)
        except (
            requests.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
        ) as exc:
            problem = describe_transport_error(exc, url)
            if problem.unreachable and not self._host_answered:
                failure = TikTokConnectionError(
                    f"{redact(problem.text)}; {self.base_url} has not answered any request of this run",
                    reason="connection",
                    **where,
                )
            else:
                failure = TikTokTransientError(redact(problem.text), reason="connection", **where)
        except requests.RequestException as exc:
            problem = describe_transport_error(exc, url)
            failure = TikTokAPIError(
                f"request could not be sent: {redact(problem.text)} (check sources.tiktok_ads.base_url)",
                reason="request",
                **where,
            )
        if failure is not None:
            raise failure
        if sink is not None and status == 200 and not body:
            return {_RAW: sink}, None  # the file went to the sink
        if raw and status == 200 and body[:64].lstrip()[:1] != b"{":
            return {_RAW: body}, None  # a file stream; an envelope (an error) is parsed as usual
        return self._parse(status, body, where, decode)

    @staticmethod
    def _parse(
        status: int, body: bytes, where: dict[str, Any], decode: Decoder | None = None
    ) -> tuple[dict[str, Any], str | None]:
        snippet = redact(body[:200].decode("utf-8", "replace")).strip()
        if status >= 500 or status == 429:
            raise TikTokTransientError(
                f"HTTP {status}: {snippet!r}", http_status=status, reason=f"http_{status}", **where
            )
        if status != 200:
            hint = " (unknown path: check sources.tiktok_ads.base_url)" if status == 404 else ""
            raise TikTokAPIError(
                f"HTTP {status}: {snippet!r}{hint}", http_status=status, reason=f"http_{status}", **where
            )
        payload: Any = decode(body) if decode is not None else None
        if payload is None:
            try:
                payload = _loads(body)
            except ValueError:
                payload = _NOT_JSON
        if payload is _NOT_JSON:
            raise TikTokTransientError(
                f"answer is not valid JSON (truncated?): {snippet[:80]!r}",
                http_status=status,
                reason="bad_json",
                **where,
            )
        if not isinstance(payload, dict) or "code" not in payload:
            raise TikTokTransientError(
                f"answer is not a TikTok envelope: {snippet[:80]!r}",
                http_status=status,
                reason="bad_envelope",
                **where,
            )
        try:
            code = int(payload["code"])
        except (TypeError, ValueError):
            raise TikTokTransientError(
                f"answer has a non-numeric code {payload['code']!r}", reason="bad_envelope", **where
            ) from None
        request_id = payload.get("request_id")
        request_id = str(request_id) if request_id is not None else None
        if code != 0:
            message = redact(str(payload.get("message") or "(no message)"))
            cls = error_for_code(code, message)
            raise cls(message, code=code, request_id=request_id, http_status=status, **where)
        data = payload.get("data")
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise TikTokTransientError(
                f"answer's data is a {type(data).__name__}, not an object",
                code=0,
                request_id=request_id,
                reason="bad_envelope",
                **where,
            )
        return data, request_id

    # ------------------------------------------------------------------ paging

    def paginate(
        self,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int = DEFAULTS.page_size,
        advertiser_id: str | None = None,
        decode: Decoder | None = None,
        list_key: str = "list",
        refuse_cut: bool = False,
        paged: bool = True,
    ) -> Iterator[Sequence[dict[str, Any]]]:
        """Yield ``data[list_key]`` (``data.list``) page by page until the last page: the one paging loop of
        every list endpoint.

        Paging rules (explicit, because ``page_info`` cannot be fully trusted):

        - request pages 1, 2, ... with ``page_size``; a failed page is retried by :meth:`get` (same page);
        - stop after page ``total_page`` (``total_page`` 0 or 1 both mean "one page, maybe empty");
        - keep going past ``total_page`` while fewer rows than ``total_number`` arrived and the last page
          was not empty (a ``total_page`` that lies low loses nothing);
        - an empty page while fewer rows than ``total_number`` arrived is asked for again
          (:data:`EMPTY_PAGE_RETRIES` times, counted as ``empty_page`` retries); if it stays empty, raise
          :class:`TikTokBadResponseError` - never silently fewer rows;
        - the last page (page ``total_page``, holding fewer rows than a page) with fewer rows in all than
          ``total_number`` is asked for again (:data:`SHORT_PAGE_RETRIES` times, ``short_page`` retries); if
          TikTok keeps answering it short, the list ends there, loudly: a warning naming path, advertiser and
          the counts, and a ``short_result`` warning in :attr:`stats` (the run summary). TikTok does answer
          such lists (its count includes rows no page holds); refusing them would make the table unloadable
          on every run;
        - without a usable ``page_info`` (missing, or neither ``total_page`` nor ``total_number`` is a
          number) a short page is the last one, and a full page is followed by the next page until a short
          or empty one arrives;
        - a page that repeats the previous one raises (the server ignores ``page``: rows would be lost);
        - ``paged=False`` (an endpoint without paging parameters, e.g. ``app/list/``): one request without
          ``page``/``page_size``, whose answer is the whole list (no ``page_info`` to follow).

        Args:
            endpoint: e.g. ``"report/integrated/get/"``.
            params: query parameters except ``page``/``page_size``.
            page_size: rows per page (1..1000).
            advertiser_id: for error messages.
            decode: parses each page's body natively (see :mod:`tiktok_ads.api.json_pages`); pages it decodes are
                :class:`~tiktok_ads.api.json_pages.ArrowRows`, the others lists.
            list_key: where ``data`` holds the rows: ``list`` for most endpoints, ``pixels`` for
                ``pixel/list/``, ``identity_list`` for ``identity/get/`` ...; ``page_info`` is read the same way
                for all of them.
            refuse_cut: a page with ``X-Tt-Ads-Throttle`` raises :class:`TikTokReportCutError`.
            paged: False for an endpoint that takes no ``page``/``page_size`` and answers everything at once.

        Yields:
            Lists of row dicts (page 1 always, possibly an empty list for an empty result; later pages only
            when they hold rows).

        Raises:
            TikTokBadResponseError: the pages did not add up to ``total_number``, or paging is broken.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        base = dict(params or {})
        adv = advertiser_id or (str(base["advertiser_id"]) if base.get("advertiser_id") else None)
        path = api_path(endpoint)

        def broken(message: str, request_id: str | None) -> TikTokBadResponseError:
            return TikTokBadResponseError(
                message, code=0, request_id=request_id, path=path, advertiser_id=adv, reason="bad_page"
            )

        def fetch(number: int) -> tuple[dict[str, Any], str | None]:
            return self.get_with_request_id(
                endpoint,
                {**base, "page": number, "page_size": page_size} if paged else base,
                advertiser_id=adv,
                decode=decode,
                refuse_cut=refuse_cut,
            )

        ahead: dict[int, Future[tuple[dict[str, Any], str | None]]] = {}
        try:
            yield from self._pages(fetch, ahead, page_size, path, adv, broken, list_key, paged)
        finally:
            for pending in ahead.values():
                pending.cancel()
                self._ahead_slots.release()

    def multi_advertiser_report(
        self,
        params: Mapping[str, Any],
        advertiser_ids: Sequence[str],
        *,
        page_size: int = DEFAULTS.page_size,
        decode: Decoder | None = None,
    ) -> Iterator[Sequence[dict[str, Any]]]:
        """All pages of one ``report/integrated/get/`` request for several advertisers (``advertiser_ids``).

        Paced, retried and typed like every request; an answer TikTok cut to 20,000 ids raises instead of being
        used, since rows of some advertisers would be missing without telling which.

        Args:
            params: the report parameters without ``advertiser_id`` (:func:`tiktok_ads.endpoints.extract.report_params`).
            advertiser_ids: 2 to 5 advertisers of one TikTok for Business user.
            page_size: rows per page (for all advertisers together).
            decode: parses page bodies natively (the decoder must expect ``advertiser_id``, ``currency`` and
                ``timezone`` among the metrics, which TikTok adds to every row).

        Yields:
            Pages of the rows of all advertisers together, as :meth:`paginate` does.

        Raises:
            TikTokReportCutError: an answer carried ``X-Tt-Ads-Throttle``.
            ValueError: ``advertiser_ids`` is empty.
        """
        if not advertiser_ids:
            raise ValueError("advertiser_ids must name at least one advertiser")
        base = {k: v for k, v in params.items() if k != "advertiser_id"}
        base["advertiser_ids"] = [str(a) for a in advertiser_ids]
        yield from self.paginate(
            "report/integrated/get/",
            base,
            page_size=page_size,
            advertiser_id=",".join(base["advertiser_ids"]),
            decode=decode,
            refuse_cut=True,
        )

    def _pages(
        self,
        fetch: Callable[[int], tuple[dict[str, Any], str | None]],
        ahead: dict[int, Future[tuple[dict[str, Any], str | None]]],
        page_size: int,
        path: str,
        adv: str | None,
        broken: Callable[[str, str | None], TikTokBadResponseError],
        list_key: str,
        paged: bool,
    ) -> Iterator[Sequence[dict[str, Any]]]:
        """The paging loop of :meth:`paginate`; ``ahead`` holds the futures of prefetched pages."""
        page = 1
        seen = 0
        total_number: int | None = None
        previous: tuple[Any, ...] | None = None  # the last page's fingerprint, not the page (memory)
        empty_retries = 0
        requested = 1
        short_end = False  # the last page came short of total_number, and stayed so when asked again
        while True:
            future = ahead.pop(page, None)
            if future is None:
                requested = max(requested, page)  # asked for here, not ahead: never ask for it again
                data, request_id = fetch(page)
            else:
                try:
                    data, request_id = future.result()
                finally:
                    self._ahead_slots.release()
            rows = data.get(list_key)
            if rows is None:
                rows = []
            if not isinstance(rows, (list, ArrowRows)):
                raise broken(f"data.{list_key} is a {type(rows).__name__}, not a list", request_id)
            raw_info = data.get("page_info")
            info = raw_info if isinstance(raw_info, dict) else {}
            total_page = _as_int(info.get("total_page"))
            number = _as_int(info.get("total_number"))
            if number is not None:
                total_number = number if total_number is None else max(total_number, number)
            if not rows and total_number is not None and seen < total_number:
                if empty_retries < EMPTY_PAGE_RETRIES:
                    # TikTok announced more rows than it sent: ask for the same page again before failing
                    empty_retries += 1
                    delay = self._backoff(empty_retries)
                    self.stats.count_retry("empty_page", delay)
                    logger.warning(
                        "tiktok_ads: page %d of %s for advertiser %s was empty after %d of %d rows; "
                        "asking again in %.1fs",
                        page,
                        path,
                        adv,
                        seen,
                        total_number,
                        delay,
                    )
                    self._sleep(delay)
                    continue
                raise broken(
                    f"page {page} was empty after {seen} of {total_number} rows announced by page_info; "
                    "refusing to load an incomplete result",
                    request_id,
                )
            if rows and total_number is not None and seen + len(rows) < total_number:
                size = min(page_size, _as_int(info.get("page_size")) or page_size)
                if len(rows) < size and (total_page is None or page >= total_page):
                    rows, request_id = self._short_last_page(
                        fetch, page, rows, request_id, seen, total_number, path, adv, list_key
                    )
                    short_end = seen + len(rows) < total_number
            if page > 1 and rows and _fingerprint(rows) == previous:
                raise broken(
                    f"page {page} repeats page {page - 1}: the server ignores paging; "
                    "refusing to load a result whose end cannot be known",
                    request_id,
                )
            unpaged = total_page is None and total_number is None
            count = len(rows)
            seen += count
            fingerprint = _fingerprint(rows)
            # the loop keeps no reference to a page it handed over: suspended until the next one is wanted
            # (the consumer may wait for a budget slot), it must not hold the body and its parsed arrays
            handed = [rows] if rows or page == 1 else []
            del rows, data
            future = None
            if handed:
                yield handed.pop()
            if not paged:
                more = False  # the endpoint answers its whole list at once
            elif unpaged:
                # no page_info (or garbage): only a short page is surely the last one
                more = count >= page_size
            else:
                more = (total_page is not None and page < total_page) or (
                    total_number is not None and seen < total_number
                )
            if not count or not more or short_end:
                break
            if self.prefetch_pages and total_page is not None:
                # the next pages are known to exist: ask for a few of them now, in parallel
                last = min(total_page, page + 1 + self.prefetch_pages)
                while requested < last and self._ahead_slots.acquire(blocking=False):
                    requested += 1
                    ahead[requested] = self._pages_pool().submit(_in_callers_cancel(fetch), requested)
            previous = fingerprint
            page += 1
            if page > MAX_PAGES:
                raise broken(f"more than {MAX_PAGES} pages; page_info looks broken ({raw_info})", request_id)

    def _short_last_page(
        self,
        fetch: Callable[[int], tuple[dict[str, Any], str | None]],
        page: int,
        rows: list[Any] | ArrowRows,
        request_id: str | None,
        seen: int,
        total_number: int,
        path: str,
        adv: str | None,
        list_key: str,
    ) -> tuple[list[Any] | ArrowRows, str | None]:
        """Ask a short last page again; if it stays short, warn and count it (the list ends with it).

        Returns:
            The fullest answer of the page (rows and request id).
        """
        for attempt in range(1, SHORT_PAGE_RETRIES + 1):
            delay = self._backoff(attempt)
            self.stats.count_retry("short_page", delay)
            self._sleep(delay)
            data, again_id = fetch(page)
            again = data.get(list_key)
            if isinstance(again, (list, ArrowRows)) and len(again) > len(rows):
                rows, request_id = again, again_id
            if seen + len(rows) >= total_number:
                return rows, request_id
        self.stats.count_warning(SHORT_RESULT_WARNING)
        logger.warning(
            "tiktok_ads: %s for advertiser %s ended after %d of the %d rows page_info announced (last page %d "
            "asked %d times, request_id %s); loading the %d rows TikTok sent",
            path,
            adv,
            seen + len(rows),
            total_number,
            page,
            SHORT_PAGE_RETRIES + 1,
            request_id,
            seen + len(rows),
        )
        return rows, request_id


def _fingerprint(rows: Sequence[Any]) -> tuple[Any, ...]:
    """What identifies a page for the repeated-page check: its length and its first and last rows.

    Two different pages of one result never share both (rows are distinct), and keeping three values
    instead of the whole page keeps a paging loop's memory at one page.
    """
    return (len(rows), rows[0], rows[-1]) if rows else (0,)


def _as_int(value: Any) -> int | None:
    """``int(value)`` or None for missing/garbage values."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _drain(response: requests.Response, sink: IO[bytes]) -> bytes:
    """A streamed answer: a file (HTTP 200, not a JSON envelope) written to ``sink`` from its start, ``b""``
    returned; anything else (an error, an envelope: small) returned whole. The connection is released."""
    try:
        chunks = response.iter_content(DOWNLOAD_CHUNK)
        first = next(chunks, b"")
        if response.status_code != 200 or first[:64].lstrip()[:1] == b"{":
            return first + b"".join(chunks)
        sink.seek(0)
        sink.truncate()  # a retried download starts over
        sink.write(first)
        for chunk in chunks:
            sink.write(chunk)
        return b""
    finally:
        response.close()

"""Typed exceptions of the source.

TikTok answers almost everything with HTTP 200 and a ``code`` in the JSON body, so the client turns
that envelope into one of these classes. Each carries TikTok's ``code``, ``message`` and
``request_id`` plus where it happened (path, advertiser, and - added by the resources - table and
date window), so a failed run names all of them. Messages never contain secrets: the client only
passes redacted text in, and none of these wraps a raw ``requests`` exception (whose text can
contain a URL with the app ``secret``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from tiktok_ads.limits import (
    AUTH_ERROR_CODES,
    PERMISSION_ERROR_CODES,
    QUERY_TOO_LARGE_CODES,
    RATE_LIMIT_CODES,
    TRANSIENT_CODES,
)

SETTING_PREFIX = "sources.tiktok_ads."


class TikTokAdsError(Exception):
    """Base class of every error raised by the ``tiktok_ads`` package."""


class RequestsCancelled(TikTokAdsError):
    """This thread's requests were cancelled (``api.client.cancelled_by``): nobody wants their answers any more,
    e.g. a stream dlt closed; raised instead of waiting on (a task's next check)."""


class ConfigError(TikTokAdsError, ValueError):
    """A setting is missing or malformed; raised before any request is made.

    Attributes:
        setting: the full setting name, e.g. ``sources.tiktok_ads.start_date``.
        problem: what is wrong with it.
    """

    def __init__(self, setting: str, problem: str) -> None:
        full = setting if setting.startswith(("sources.", "--")) else SETTING_PREFIX + setting
        self.setting = full
        self.problem = problem
        super().__init__(f"{full}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.setting, self.problem))


class TikTokAPIError(TikTokAdsError):
    """TikTok refused a request, or answered something unusable.

    Attributes:
        code: TikTok's ``code`` from the body (``None`` for transport/HTTP problems).
        message: TikTok's ``message`` (or a description of the transport problem).
        request_id: TikTok's ``request_id`` (quote it to TikTok support), if any.
        path: the API path, e.g. ``/open_api/v1.3/report/integrated/get/``.
        advertiser_id: the advertiser the request was for, if any.
        http_status: the HTTP status, if an answer arrived.
        context: extra facts added on the way up (``table``, ``window`` ...).
        attempts: how many times the request was sent before giving up.
        retryable: whether the client retries this kind of error.
        reason: short label for the run summary's retry counters (``"40100"``, ``"http_502"`` ...).
    """

    retryable: bool = False
    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        request_id: str | None = None,
        path: str | None = None,
        advertiser_id: str | None = None,
        http_status: int | None = None,
        reason: str | None = None,
        attempts: int = 1,
        context: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.path = path
        self.advertiser_id = advertiser_id
        self.http_status = http_status
        self.reason = reason or (str(code) if code is not None else "error")
        self.attempts = attempts
        self.context: dict[str, str] = dict(context or {})
        super().__init__(message)

    def add_context(self, **facts: Any) -> TikTokAPIError:
        """Record where the error happened (kept if already set by a deeper layer).

        Args:
            **facts: e.g. ``table="ad_insights", window="2024-01-01..2024-01-30"``.

        Returns:
            The error itself, for ``raise err.add_context(...)``.
        """
        for key, value in facts.items():
            if value is not None:
                self.context.setdefault(key, str(value))
        return self

    def __str__(self) -> str:
        where = []
        if self.advertiser_id:
            where.append(f"advertiser {self.advertiser_id}")
        for key in ("table", "window"):
            if key in self.context:
                where.append(f"{key} {self.context[key]}")
        for key, value in self.context.items():
            if key not in ("table", "window"):
                where.append(f"{key} {value}")
        if self.path:
            where.append(
                f"GET {self.path}" if "oauth2/access_token" not in self.path else f"POST {self.path}"
            )
        head = f"TikTok API error {self.code}" if self.code is not None else "TikTok API request failed"
        if self.http_status is not None and self.code is None:
            head += f" (HTTP {self.http_status})"
        text = f"{head}: {self.message}"
        if where:
            text += f" [{', '.join(where)}]"
        if self.request_id:
            text += f" (request_id {self.request_id})"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        if self.hint:
            text += f". {self.hint}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        kwargs = {
            "code": self.code,
            "request_id": self.request_id,
            "path": self.path,
            "advertiser_id": self.advertiser_id,
            "http_status": self.http_status,
            "reason": self.reason,
            "attempts": self.attempts,
            "context": self.context,
        }
        return (_rebuild_api_error, (type(self), self.message, kwargs))


def _rebuild_api_error(cls: type[TikTokAPIError], message: str, kwargs: dict[str, Any]) -> TikTokAPIError:
    return cls(message, **kwargs)


class TikTokAuthError(TikTokAPIError):
    """The access token (or app id/secret) was refused: 40101/40102/40104/40105/40106/40110/40113."""

    hint = (
        "Re-authorize the app for this account and set sources.tiktok_ads.access_token "
        "(env SOURCES__TIKTOK_ADS__ACCESS_TOKEN or .dlt/secrets.toml); check sources.tiktok_ads.app_id "
        "and sources.tiktok_ads.secret if you set them"
    )


class TikTokAppMismatchError(TikTokAuthError):
    """40113 (or a 40000 saying so): "The app_id is inconsistent with the token's app information".

    The access token was issued to another TikTok app than ``sources.tiktok_ads.app_id`` (SDK ``tiktok_code.py``
    names 40113 ERROR_CODE_APP_FORBIDDEN; users report the message with 40113 and with 40000, PostHog#78577).
    """

    hint = (
        "sources.tiktok_ads.app_id (and secret) must be those of the app the access token was issued to: "
        "set the app's id and secret, or run `python tiktok_ads_pipeline.py auth` with this app"
    )


APP_MISMATCH_CODE = 40113
_APP_MISMATCH_TEXT = "inconsistent with the token"


class TikTokPermissionError(TikTokAPIError):
    """40001: the token may not read this advertiser (or the advertiser does not exist)."""

    hint = (
        "Check sources.tiktok_ads.advertiser_ids and that the advertiser has authorized your app "
        "(re-run the authorization including this account)"
    )


class TikTokQueryTooLargeError(TikTokAPIError):
    """40067: the report query is too large; the caller halves the date window and retries."""


class TikTokReportCutError(TikTokAPIError):
    """A report answer carried ``X-Tt-Ads-Throttle``: TikTok kept only the 20,000 most recently created ids.

    Raised only where the caller asked for it (a multi-advertiser report, which then reads each advertiser on
    its own); elsewhere the header is a warning in the run summary.
    """


class TikTokRateLimitError(TikTokAPIError):
    """40100/40133/40016: too many requests; retried with backoff while the rate limiter slows down."""

    retryable = True
    hint = "Lower sources.tiktok_ads.max_qps if other jobs share this TikTok app"


class TikTokTransientError(TikTokAPIError):
    """Server-side trouble that usually passes: 5xxxx/60001 codes, HTTP 5xx, non-JSON or truncated bodies,
    connection resets and timeouts. Retried with backoff."""

    retryable = True


class TikTokConnectionError(TikTokAPIError):
    """The API host cannot be reached at all (connection refused, unknown host) and never answered this run.

    Not retried: a host that refuses the first connection is a wrong ``base_url`` or a service that is down,
    and minutes of backoff would only hide that. Once the host has answered, the same problem is transient.
    """

    hint = (
        "The API host comes from sources.tiktok_ads.base_url (or sandbox): check it, and that the host is up"
    )


class TikTokBadResponseError(TikTokAPIError):
    """TikTok answered code 0 but the data is unusable (e.g. fewer rows than ``page_info`` announced,
    a key column missing, a metric that is not a number). Never silently loads fewer rows."""


def error_for_code(code: int, message: str = "") -> type[TikTokAPIError]:
    """The exception class for a non-zero TikTok ``code``.

    Args:
        code: the ``code`` from the response body.
        message: TikTok's message (an app/token mismatch is reported with 40000 too).

    Returns:
        The class to raise.
    """
    if code == APP_MISMATCH_CODE or (code == 40000 and _APP_MISMATCH_TEXT in message):
        return TikTokAppMismatchError
    if code in AUTH_ERROR_CODES:
        return TikTokAuthError
    if code in PERMISSION_ERROR_CODES:
        return TikTokPermissionError
    if code in QUERY_TOO_LARGE_CODES:
        return TikTokQueryTooLargeError
    if code in RATE_LIMIT_CODES:
        return TikTokRateLimitError
    if code in TRANSIENT_CODES or 50000 <= code <= 59999:
        return TikTokTransientError
    return TikTokAPIError


E = TypeVar("E", bound=BaseException)


def find_in_chain(exc: BaseException | None, cls: type[E]) -> E | None:
    """The first exception of type ``cls`` in an exception chain (``exc``, then its ``__cause__``/``__context__``).

    Args:
        exc: the exception caught (dlt wraps resource and config errors in its own exceptions).
        cls: the type to look for.

    Returns:
        The first such exception, or None.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, cls):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def find_tiktok_error(exc: BaseException | None) -> TikTokAdsError | None:
    """Find our own error in an exception chain (dlt wraps resource errors in its own exceptions).

    Args:
        exc: the exception caught around ``pipeline.run``.

    Returns:
        The innermost-first :class:`TikTokAdsError` found via ``__cause__``/``__context__``, or None.
    """
    return find_in_chain(exc, TikTokAdsError)

"""Access tokens that expire: refresh them before expiry and keep the rotated refresh token.

TikTok's long-lived advertiser token (the default flow) never expires and needs none of this. Where the token
exchange answers ``expires_in``, ``refresh_token`` and ``refresh_token_expires_in`` (the newer OAuth flow), the
``auth`` command stores the refresh token and both expiry times next to the access token
(:func:`tiktok_ads.endpoints.auth.store_token`), and a run refreshes the access token shortly before it expires:
``POST oauth2/refresh_token/`` with ``{app_id, secret, refresh_token}``, answering a new access token and a
**new** refresh token (the old one stops working). Sources: public clients of that endpoint (find_string
``oauth2/refresh_token/``) and the official SDK's ``tiktok_code.py`` (40102 access token expired, 40103
refresh token expired, 40107 invalid refresh token); see /work/shared/reference/tiktok_business_api_v1_3.md
§1.3. UNSURE: whether TikTok issues expiring tokens to Marketing API apps at all (the reference found none).

The rotated refresh token must be kept, or the next run cannot refresh. :class:`TokenRefresher` hands every new
pair to ``persist``: the source writes it back to ``.dlt/secrets.toml`` when the refresh token came from that
file, or calls the ``on_token_refresh`` callback of ``tiktok_ads(...)``. Without either it refuses to use the
refresh token up (:class:`TokenNotPersistedError` once the access token has expired; a warning before).
Tokens are registered with the client's redaction and never logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tiktok_ads.errors import TikTokAdsError, TikTokAPIError, TikTokBadResponseError

if TYPE_CHECKING:
    from tiktok_ads.api.client import TikTokClient

logger = logging.getLogger("tiktok_ads")

REFRESH_MARGIN = dt.timedelta(minutes=10)
"""Refresh this long before the access token expires (a request in flight must not outlive it)."""

REFRESH_TOKEN_EXPIRED = 40103
INVALID_REFRESH_TOKEN = 40107


@dataclasses.dataclass(frozen=True)
class TokenPair:
    """An access token, its refresh token and when each expires (tokens hidden from ``repr``).

    Attributes:
        access_token: the access token (secret).
        refresh_token: the refresh token (secret).
        access_token_expires_at: when the access token expires (UTC).
        refresh_token_expires_at: when the refresh token expires (UTC), if TikTok said.
    """

    access_token: str = dataclasses.field(repr=False)
    refresh_token: str = dataclasses.field(repr=False)
    access_token_expires_at: dt.datetime
    refresh_token_expires_at: dt.datetime | None = None


def pair_from_answer(data: dict[str, Any], now: dt.datetime, *, where: str) -> TokenPair | None:
    """The pair of a token answer (``oauth2/access_token/`` or ``oauth2/refresh_token/``), None without one.

    Args:
        data: the answer's ``data``.
        now: when the answer arrived.
        where: the endpoint, for the error message.

    Returns:
        The pair, or None when the answer has no ``refresh_token`` (a long-lived token).

    Raises:
        TikTokBadResponseError: a refresh token without a usable ``access_token`` or ``expires_in``.
    """
    from tiktok_ads.api.redaction import register_secret

    refresh = data.get("refresh_token")
    if not refresh:
        return None
    token = data.get("access_token")
    expires_in = data.get("expires_in")
    if not isinstance(token, str) or not token or not isinstance(expires_in, (int, float)) or expires_in <= 0:
        raise TikTokBadResponseError(
            f"{where} answered a refresh_token without a usable access_token and expires_in",
            code=0,
            reason="bad_token",
        )
    register_secret(token)
    register_secret(str(refresh))
    refresh_in = data.get("refresh_token_expires_in")
    refresh_at = now + dt.timedelta(seconds=refresh_in) if isinstance(refresh_in, (int, float)) else None
    return TokenPair(token, str(refresh), now + dt.timedelta(seconds=expires_in), refresh_at)


class TokenNotPersistedError(TikTokAdsError):
    """The access token needs refreshing but the rotated refresh token could not be kept anywhere."""


class TokenRefresher:
    """Keeps a client's access token fresh (thread-safe; at most one refresh at a time).

    Args:
        app_id: the app id (``sources.tiktok_ads.app_id``).
        secret: the app secret.
        pair: the current tokens and expiry times.
        persist: called with every new pair (before it is used); None: the new refresh token cannot be kept.
        clock: the current instant (UTC).
        margin: refresh this long before expiry.
    """

    def __init__(
        self,
        *,
        app_id: str,
        secret: str,
        pair: TokenPair,
        persist: Callable[[TokenPair], None] | None,
        clock: Callable[[], dt.datetime],
        margin: dt.timedelta = REFRESH_MARGIN,
    ) -> None:
        from tiktok_ads.api.redaction import register_secret

        register_secret(pair.access_token)
        register_secret(pair.refresh_token)
        register_secret(secret)
        self._app_id = app_id
        self._secret = secret
        self.pair = pair
        self._persist = persist
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._warned = False
        self._lifetime: dt.timedelta | None = None
        self.refreshes = 0

    def due(self) -> bool:
        """Whether the access token expires within the margin (at most half the lifetime of a token this
        refresher got, so a short-lived token is not refreshed on every request)."""
        margin = self._margin if self._lifetime is None else min(self._margin, self._lifetime / 2)
        return self._clock() >= self.pair.access_token_expires_at - margin

    def token(self, client: TikTokClient, *, stale: str | None = None) -> str:
        """The access token to send, refreshed first when due (or when TikTok said ``stale`` expired: 40102).

        Args:
            client: the client that sends the refresh request (``POST oauth2/refresh_token/``).
            stale: a token TikTok answered 40102 for; refreshed even if its expiry time says otherwise, unless
                another thread has replaced it already.

        Returns:
            The access token.

        Raises:
            TokenNotPersistedError: the token has expired and the new refresh token could not be kept.
            TikTokAuthError: TikTok refused the refresh token (40103 expired, 40107 invalid).
        """
        with self._lock:
            current = self.pair
            force = stale is not None and stale == current.access_token
            if not (force or self.due()):
                return current.access_token
            now = self._clock()
            expired = force or now >= current.access_token_expires_at
            if self._persist is None:
                message = (
                    "the access token expires at "
                    f"{current.access_token_expires_at.isoformat()} and TikTok rotates the refresh token on "
                    "refresh, but the new one could not be kept: store sources.tiktok_ads.refresh_token in "
                    ".dlt/secrets.toml (the auth command does), or pass tiktok_ads(on_token_refresh=...)"
                )
                if expired:
                    raise TokenNotPersistedError(f"cannot refresh the access token: {message}")
                if not self._warned:
                    logger.warning("tiktok_ads: not refreshing yet: %s", message)
                    self._warned = True
                return current.access_token
            try:
                data = client.post(
                    "oauth2/refresh_token/",
                    {"app_id": self._app_id, "secret": self._secret, "refresh_token": current.refresh_token},
                )
            except TikTokAPIError as err:
                if err.code in (REFRESH_TOKEN_EXPIRED, INVALID_REFRESH_TOKEN):
                    err.add_context(setting="sources.tiktok_ads.refresh_token")
                    err.message += (
                        "; run `python tiktok_ads_pipeline.py auth` again for a new token pair"
                        if err.code == REFRESH_TOKEN_EXPIRED
                        else "; the refresh token was used already or belongs to another app: run the auth "
                        "command again (or check sources.tiktok_ads.app_id)"
                    )
                raise
            issued = self._clock()
            pair = pair_from_answer(data, issued, where="oauth2/refresh_token/")
            if pair is None:
                raise TikTokBadResponseError(
                    "oauth2/refresh_token/ answered without a refresh_token", code=0, reason="bad_token"
                )
            try:
                self._persist(pair)
            except Exception as exc:  # the old refresh token is used up: say so, and go on with the new pair
                logger.error(
                    "tiktok_ads: the access token was refreshed but the new refresh token could not be stored "
                    "(%s: %s); this run goes on, the next one needs `python tiktok_ads_pipeline.py auth` again",
                    type(exc).__name__,
                    exc,
                )
            self.pair = pair
            self._lifetime = pair.access_token_expires_at - issued
            self.refreshes += 1
            logger.info(
                "tiktok_ads: access token refreshed; it expires at %s",
                pair.access_token_expires_at.isoformat(),
            )
            return pair.access_token

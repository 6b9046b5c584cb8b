"""Tokens that expire and refresh: TikTok's newer OAuth answer, as an option of the emulator.

With ``refreshable_tokens`` on, ``POST oauth2/access_token/`` answers, besides ``access_token``,
``advertiser_ids`` and ``scope``, ``expires_in`` (seconds), ``refresh_token`` and
``refresh_token_expires_in``; the access token expires on the world's clock (then every request answers
40102). ``POST oauth2/refresh_token/`` with the JSON body ``{app_id, secret, refresh_token}`` (``grant_type =
"refresh_token"`` accepted, not required) answers a new access token and a **new** refresh token with the same
four fields; the old refresh token stops working at once (rotation), the old access token lives until its own
expiry.

Sources: the SDK's ``AuthenticationApi`` docstring (24 h access token, one-year refresh token; that text is
about creator tokens, so for advertisers the option stays off by default - see
/work/shared/reference/tiktok_business_api_v1_3.md §1.3); the path, body and answer fields as public
clients use them (find_string ``oauth2/refresh_token/``: ``app_id``, ``secret``, ``refresh_token``; answer
``access_token``, ``expires_in``, ``refresh_token``, ``refresh_token_expires_in``); codes from the SDK's
``tiktok_business/tiktok_code.py``: 40102 access token expired, 40103 refresh token expired, 40107 invalid
refresh token, 40101 invalid app. UNSURE: the messages, whether the old access token dies at the refresh
(here: no), and the real lifetimes (here: :data:`ACCESS_TTL`, :data:`REFRESH_TTL`, both settable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from tiktok_ads.emulator.rules.params import ApiError, json_body

ACCESS_TTL = dt.timedelta(hours=24)
REFRESH_TTL = dt.timedelta(days=365)
MSG_REFRESH_INVALID = "Refresh token is invalid or has been used."
MSG_REFRESH_EXPIRED = "Refresh token has expired, please re-authorize."


@dataclass
class _Refresh:
    token: str
    advertiser_ids: frozenset[str] | None
    expires_at: dt.datetime
    used: bool = False


class RefreshTokens:
    """The refresh tokens an emulated app issued (thread-safe).

    Args:
        seed: a world-specific string, so tokens differ between worlds.
        access_ttl: lifetime of an access token.
        refresh_ttl: lifetime of a refresh token.
    """

    def __init__(
        self, seed: str, *, access_ttl: dt.timedelta = ACCESS_TTL, refresh_ttl: dt.timedelta = REFRESH_TTL
    ) -> None:
        self._seed = seed
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._lock = threading.Lock()
        self._tokens: dict[str, _Refresh] = {}
        self._n = 0

    def issue(self, advertiser_ids: frozenset[str] | None, now: dt.datetime) -> str:
        """A new refresh token for a grant of ``advertiser_ids``."""
        with self._lock:
            self._n += 1
            token = "rft." + hashlib.sha1(f"{self._seed}:refresh:{self._n}".encode()).hexdigest()
            self._tokens[token] = _Refresh(token, advertiser_ids, now + self.refresh_ttl)
        return token

    def redeem(self, token: str, now: dt.datetime) -> frozenset[str] | None:
        """Use up ``token``; returns the advertisers of its grant.

        Raises:
            ApiError: 40107 unknown or already used, 40103 expired.
        """
        with self._lock:
            found = self._tokens.get(token)
            if found is None or found.used:
                raise ApiError(40107, MSG_REFRESH_INVALID)
            if now >= found.expires_at:
                raise ApiError(40103, MSG_REFRESH_EXPIRED)
            found.used = True
            return found.advertiser_ids

    def expire(self, token: str) -> None:
        """Make ``token`` expired now (tests)."""
        with self._lock:
            self._tokens[token].expires_at = dt.datetime.min.replace(tzinfo=dt.timezone.utc)

    def token_fields(self, refresh_token: str) -> dict[str, Any]:
        """The answer's lifetime fields for a newly issued pair."""
        return {
            "expires_in": int(self.access_ttl.total_seconds()),
            "refresh_token": refresh_token,
            "refresh_token_expires_in": int(self.refresh_ttl.total_seconds()),
        }


def parse_refresh_body(body: bytes) -> dict[str, str]:
    """The ``oauth2/refresh_token/`` body's fields, checked (40002 on a missing one)."""
    payload = json_body(body, ("app_id", "secret", "refresh_token"))
    grant_type = payload.get("grant_type")
    if grant_type is not None and grant_type != "refresh_token":
        # 40108 is the SDK's ERROR_CODE_INVALID_GRANT_TYPE
        raise ApiError(40108, "grant_type: Must be refresh_token.")
    return {k: payload[k] for k in ("app_id", "secret", "refresh_token")}

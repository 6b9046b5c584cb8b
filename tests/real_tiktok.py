"""Running selected tests against the real TikTok API as well as the emulator (marker ``real_tiktok``).

Off unless ``TIKTOK_ADS_REAL_API=1`` and ``TIKTOK_ADS_REAL_ACCESS_TOKEN`` and ``TIKTOK_ADS_REAL_ADVERTISER_ID``
are set (``TIKTOK_ADS_REAL_BASE_URL`` defaults to ``https://business-api.tiktok.com``): the real target is then
skipped with the reason. These tests only read (no write endpoint is called) and make a handful of requests.
The token is never printed: the target's ``repr`` hides it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import requests

ENABLE = "TIKTOK_ADS_REAL_API"
TOKEN = "TIKTOK_ADS_REAL_ACCESS_TOKEN"
ADVERTISER = "TIKTOK_ADS_REAL_ADVERTISER_ID"
BASE_URL = "TIKTOK_ADS_REAL_BASE_URL"
DEFAULT_BASE_URL = "https://business-api.tiktok.com"


@dataclass
class ApiTarget:
    """A TikTok API to test against: the emulator or the real one.

    Attributes:
        name: ``"emulator"`` or ``"real"``.
        base_url: ``https://business-api.tiktok.com`` or the emulator's.
        advertiser_id: an advertiser the token may read.
    """

    name: str
    base_url: str
    advertiser_id: str
    _token: str = field(repr=False)
    _session: requests.Session = field(default_factory=requests.Session, repr=False)

    def get(self, route: str, **params: Any) -> requests.Response:
        """GET ``/open_api/v1.3/<route>`` with JSON-encoded list/dict parameters."""
        query = {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in params.items()}
        url = f"{self.base_url.rstrip('/')}/open_api/v1.3/{route}"
        return self._session.get(url, params=query, headers={"Access-Token": self._token}, timeout=60)

    @property
    def access_token(self) -> str:
        """The token (for running the source against this target; never print it)."""
        return self._token

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()


def real_target_or_reason(environ: dict[str, str] | None = None) -> ApiTarget | str:
    """The real API target, or why it is off (the skip reason).

    Args:
        environ: the environment to read (default ``os.environ``).

    Returns:
        An :class:`ApiTarget`, or a sentence naming the variable to set.
    """
    env = os.environ if environ is None else environ
    if env.get(ENABLE) != "1":
        return f"real TikTok API tests are off: set {ENABLE}=1, {TOKEN} and {ADVERTISER} to run them"
    missing = [name for name in (TOKEN, ADVERTISER) if not env.get(name)]
    if missing:
        return f"{ENABLE}=1 but {' and '.join(missing)} not set"
    return ApiTarget("real", env.get(BASE_URL) or DEFAULT_BASE_URL, env[ADVERTISER], env[TOKEN])

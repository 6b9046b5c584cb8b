"""Access tokens and auth codes of the emulated TikTok: what each token may read (the Api's token table).

Its own module so that the endpoints that check a token (api.py, api_tasks.py, api_changelog.py) share the
record without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Grant:
    """An access token and what it may read. ``advertiser_ids=None`` grants every advertiser of the world."""

    token: str
    advertiser_ids: frozenset[str] | None = None
    revoked: bool = False
    expired: bool = False
    #: when the token expires on the world's clock (refreshable tokens only; None = never)
    expires_at: Any = None

    def allows(self, advertiser_id: str) -> bool:
        """Whether the token may read ``advertiser_id``."""
        return self.advertiser_ids is None or advertiser_id in self.advertiser_ids


@dataclass
class AuthCode:
    """An OAuth auth code: whom it grants, and whether it was exchanged (a code is single-use)."""

    code: str
    advertiser_ids: frozenset[str] | None
    used: bool = False


@dataclass
class Tokens:
    """The tokens and auth codes the emulator issued (``minted`` counts the tokens it made up)."""

    grants: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    minted: int = 0

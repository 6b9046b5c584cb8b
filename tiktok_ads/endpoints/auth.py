"""OAuth for advertisers: exchange an auth code for the long-lived access token and store it for dlt.

The steps of the Stitch/Qlik connector's "Authenticate" button, as functions (the command line is
``python tiktok_ads_pipeline.py auth``):

1. :func:`exchange_auth_code` posts ``app_id``, ``secret`` and the single-use ``auth_code`` to
   ``oauth2/access_token/`` and returns the token (it does not expire; it dies when the advertiser revokes
   the authorization) and the advertisers it may read.
2. :func:`store_token` writes it to ``.dlt/secrets.toml`` under ``[sources.tiktok_ads] access_token``, where
   dlt reads secrets, keeping everything else in that file (comments included).
3. :func:`list_advertisers` names the advertisers the token may read (``oauth2/advertiser/get/``).

Where TikTok answers an expiring token with a refresh token (the newer OAuth flow, see
:mod:`tiktok_ads.api.token_refresh`), both tokens and their expiry times are stored (``refresh_token``,
``access_token_expires_at``, ``refresh_token_expires_at``), and :func:`secrets_file_persister` writes the
rotated pair back to the same file after a run refreshed it.

No secret is ever printed or logged in full: :func:`mask` shows the last four characters only, and every
secret is registered with the client's redaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.redaction import register_secret
from tiktok_ads.api.token_refresh import TokenPair, TokenRefresher, pair_from_answer
from tiktok_ads.config.source_settings import DEFAULTS
from tiktok_ads.endpoints.extract import discover_advertisers
from tiktok_ads.errors import TikTokAPIError, TikTokBadResponseError

SECTION = ("sources", "tiktok_ads")
"""Where dlt looks for the source's settings: ``[sources.tiktok_ads]``."""

DEFAULT_SECRETS_PATH = Path(".dlt") / "secrets.toml"
"""dlt's project secrets file, relative to the directory the pipeline runs in."""


@dataclasses.dataclass(frozen=True)
class TokenGrant:
    """What ``oauth2/access_token/`` answered (the token is hidden from ``repr``).

    Attributes:
        access_token: the long-lived access token (secret).
        advertiser_ids: the advertisers it may read, as TikTok listed them.
        scope: TikTok's permission scope ids.
        pair: the refresh token and expiry times, when TikTok answered an expiring token (else None).
    """

    access_token: str = dataclasses.field(repr=False)
    advertiser_ids: tuple[str, ...] = ()
    scope: tuple[int, ...] = ()
    pair: TokenPair | None = None


def mask(secret: str) -> str:
    """A secret shown safely: stars and its last four characters (short values are starred entirely).

    Args:
        secret: a token or app secret.

    Returns:
        E.g. ``"****************************9f2a"``.
    """
    if len(secret) < 16:
        return "*" * max(len(secret), 8)
    return "*" * (len(secret) - 4) + secret[-4:]


def _app_client(
    access_token: str, app_id: str, secret: str, *, base_url: str, timeout: float, max_retries: int
) -> TikTokClient:
    """A client for one OAuth call: the app's credentials, no pacing (a request or two), few retries."""
    return TikTokClient(
        access_token,
        base_url=base_url,
        app_id=app_id,
        secret=secret,
        max_qps=0,
        timeout=timeout,
        max_retries=max_retries,
    )


def exchange_auth_code(
    app_id: str,
    secret: str,
    auth_code: str,
    *,
    base_url: str,
    timeout: float = DEFAULTS.request_timeout,
    max_retries: int = 2,
    now: dt.datetime | None = None,
) -> TokenGrant:
    """Exchange a single-use auth code for the long-lived access token (``POST oauth2/access_token/``).

    Args:
        app_id: the app's id.
        secret: the app's secret.
        auth_code: the code TikTok appended to the redirect URL (valid one hour, single use).
        base_url: API host (production, sandbox or an emulator).
        timeout: seconds to wait for the answer.
        max_retries: retries on rate limits and server trouble (never on a refused code).
        now: when the answer arrives (the expiry times count from it; default TikTok's clock from the
            answer's ``Date`` header, else the machine's).

    Returns:
        The token, the advertisers it may read, and the refresh token with expiry times if TikTok sent one.

    Raises:
        TikTokAuthError: wrong app id or secret (40101), or an invalid, used or expired code (40110).
        TikTokAPIError: any other refusal.
    """
    register_secret(auth_code)
    register_secret(secret)
    with _app_client(
        "", app_id, secret, base_url=base_url, timeout=timeout, max_retries=max_retries
    ) as client:
        data = client.post(
            "oauth2/access_token/", {"app_id": app_id, "secret": secret, "auth_code": auth_code}
        )
        # expiry times count from TikTok's clock (its Date header), as the runs that refresh them do
        answered = now or client.server_clock.now() or dt.datetime.now(dt.timezone.utc)
    token = data.get("access_token")
    if not isinstance(token, str) or not token:
        raise TikTokBadResponseError(
            "oauth2/access_token/ answered without an access_token", code=0, reason="bad_token"
        )
    register_secret(token)
    ids = tuple(str(a) for a in data.get("advertiser_ids") or [])
    scope = tuple(int(s) for s in data.get("scope") or [] if isinstance(s, int) or str(s).isdigit())
    pair = pair_from_answer(data, answered, where="oauth2/access_token/")
    return TokenGrant(access_token=token, advertiser_ids=ids, scope=scope, pair=pair)


def list_advertisers(
    access_token: str,
    app_id: str,
    secret: str,
    *,
    base_url: str,
    fallback_ids: tuple[str, ...] = (),
    timeout: float = DEFAULTS.request_timeout,
) -> list[tuple[str, str | None]]:
    """The advertisers a token may read, with their names (``oauth2/advertiser/get/``).

    TikTok's sandbox does not answer ``oauth2/advertiser/get/``; then the ids of the token exchange are
    returned without names.

    Args:
        access_token: the token.
        app_id: the app's id.
        secret: the app's secret.
        base_url: API host.
        fallback_ids: ids to return (without names) if the lookup fails.
        timeout: seconds to wait for the answer.

    Returns:
        ``(advertiser_id, name or None)`` pairs.

    Raises:
        TikTokAPIError: the lookup failed and there are no ``fallback_ids``.
    """
    with _app_client(
        access_token, app_id, secret, base_url=base_url, timeout=timeout, max_retries=2
    ) as client:
        try:
            return discover_advertisers(client)
        except TikTokAPIError:
            if not fallback_ids:
                raise
            return [(adv_id, None) for adv_id in fallback_ids]


def _section(doc: tomlkit.TOMLDocument) -> Table:
    """The ``[sources.tiktok_ads]`` table of a parsed TOML document, created if missing."""
    container: Any = doc
    for depth, name in enumerate(SECTION):
        if name not in container:
            table = tomlkit.table(is_super_table=depth < len(SECTION) - 1)
            container.add(name, table)
        container = container[name]
        if not isinstance(container, Table):
            raise ValueError(f"{'.'.join(SECTION[: depth + 1])} in the secrets file is not a table")
    return container


def store_token(
    path: Path | str,
    *,
    access_token: str,
    app_id: str | None = None,
    secret: str | None = None,
    base_url: str | None = None,
    pair: TokenPair | None = None,
) -> Path:
    """Write the token (and the app credentials) to a dlt secrets file, keeping the rest of the file.

    The values go under ``[sources.tiktok_ads]`` (``access_token``, ``app_id``, ``secret``); other tables,
    keys and comments stay as they were. A new file is created readable by its owner only.

    Args:
        path: the secrets file, normally ``.dlt/secrets.toml``.
        access_token: the long-lived token.
        app_id: the app id (stored too, so advertiser names and discovery work), if given.
        secret: the app secret, if given.
        base_url: the API host the token was exchanged at, if not production (stored so that the runs
            that follow go to the same host).
        pair: an expiring token's refresh token and expiry times (stored as ``refresh_token``,
            ``access_token_expires_at``, ``refresh_token_expires_at``; ISO 8601 UTC).

    Returns:
        The path written.

    Raises:
        ValueError: the file is not valid TOML, or ``sources.tiktok_ads`` in it is not a table.
    """
    target = Path(path)
    existed = target.exists()
    text = target.read_text(encoding="utf-8") if existed else ""
    try:
        doc = tomlkit.parse(text)
    except Exception as exc:
        raise ValueError(
            f"{target} is not valid TOML ({type(exc).__name__}: {exc}); fix or move it"
        ) from None
    section = _section(doc)
    section["access_token"] = access_token
    if app_id:
        section["app_id"] = app_id
    if secret:
        section["secret"] = secret
    if base_url:
        section["base_url"] = base_url
    if pair is not None:
        section["access_token"] = pair.access_token
        section["refresh_token"] = pair.refresh_token
        section["access_token_expires_at"] = pair.access_token_expires_at.isoformat()
        if pair.refresh_token_expires_at is not None:
            section["refresh_token_expires_at"] = pair.refresh_token_expires_at.isoformat()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not existed:
        # create it private before any secret is written into it
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
        os.close(fd)
    target.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return target


def stored_refresh_token(path: Path | str) -> str | None:
    """The ``refresh_token`` under ``[sources.tiktok_ads]`` of a secrets file (None: no file, key or TOML)."""
    target = Path(path)
    try:
        doc = tomlkit.parse(target.read_text(encoding="utf-8"))
        value = doc["sources"]["tiktok_ads"]["refresh_token"]
    except Exception:
        return None
    return str(value) if value else None


def secrets_file_persister(path: Path | str, refresh_token: str) -> Callable[[TokenPair], None] | None:
    """A callback writing refreshed tokens back to ``path``, if ``refresh_token`` came from that file.

    Args:
        path: dlt's secrets file (``.dlt/secrets.toml`` of the run's project directory).
        refresh_token: the refresh token the source was given.

    Returns:
        The callback (it rewrites ``access_token``, ``refresh_token`` and both expiry times, keeping the rest
        of the file), or None when the token did not come from that file (an environment variable, a vault).
    """
    if stored_refresh_token(path) != refresh_token:
        return None

    def persist(pair: TokenPair) -> None:
        """Store the new pair where the old one was read."""
        store_token(path, access_token=pair.access_token, pair=pair)

    return persist


def _expiry(value: Any, setting: str) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            from tiktok_ads.errors import ConfigError

            raise ConfigError(
                setting, f"{value!r} is not an ISO 8601 time (e.g. 2025-01-31T08:00:00+00:00)"
            ) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def build_refresher(
    *,
    refresh_token: str | None,
    access_token: str,
    access_token_expires_at: Any,
    refresh_token_expires_at: Any,
    app_id: str | None,
    secret: str | None,
    on_token_refresh: Callable[[TokenPair], None] | None,
    clock: Callable[[], dt.datetime],
    secrets_path: Path | str | None = None,
) -> TokenRefresher | None:
    """The source's token refresher, or None for the long-lived token (no ``refresh_token`` set).

    Rotated tokens go to ``secrets_path`` (dlt's ``.dlt/secrets.toml``) when the refresh token came from that
    file, else to ``on_token_refresh``; with neither, the refresher refuses to use the refresh token up
    (:class:`~tiktok_ads.api.token_refresh.TokenNotPersistedError` once the access token has expired).

    Args:
        refresh_token: ``sources.tiktok_ads.refresh_token``.
        access_token: the current access token.
        access_token_expires_at: ``sources.tiktok_ads.access_token_expires_at`` (ISO 8601; unset: refresh only
            when TikTok answers 40102).
        refresh_token_expires_at: ``sources.tiktok_ads.refresh_token_expires_at`` (ISO 8601, informative).
        app_id: the app id (required with a refresh token).
        secret: the app secret (required with a refresh token).
        on_token_refresh: the source's callback for rotated tokens.
        clock: the current instant.
        secrets_path: dlt's secrets file; default ``.dlt/secrets.toml`` of dlt's run context.

    Returns:
        The refresher, or None.

    Raises:
        ConfigError: app credentials missing, or an expiry time that is not ISO 8601.
    """
    from tiktok_ads.errors import ConfigError

    if not refresh_token:
        return None
    register_secret(refresh_token)
    if not (app_id and secret):
        raise ConfigError(
            "refresh_token",
            "needs sources.tiktok_ads.app_id and sources.tiktok_ads.secret (oauth2/refresh_token/ takes them)",
        )
    expires = _expiry(access_token_expires_at, "access_token_expires_at")
    refresh_expires = _expiry(refresh_token_expires_at, "refresh_token_expires_at")
    never = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    pair = TokenPair(access_token, refresh_token, expires or never, refresh_expires)
    if secrets_path is None:
        import dlt

        secrets_path = Path(dlt.current.run_context().settings_dir) / "secrets.toml"
    persist = secrets_file_persister(secrets_path, refresh_token) or on_token_refresh
    return TokenRefresher(app_id=app_id, secret=secret, pair=pair, persist=persist, clock=clock)

"""``tiktok_ads_pipeline.py auth``: exchange the auth code for the access token, store it, list the advertisers.

The command line around :mod:`tiktok_ads.endpoints.auth` (the token exchange and the secrets file, which a library user
may call directly): where the app id, secret and code come from (options, dlt's config, a prompt), and what
the user is told.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

import dlt

from tiktok_ads.api.redaction import redact
from tiktok_ads.errors import ConfigError, TikTokAPIError
from tiktok_ads_cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE


def _auth_setting(name: str) -> str | None:
    """``sources.tiktok_ads.<name>`` from dlt's config (env vars, .dlt/secrets.toml, .dlt/config.toml), if set."""
    for accessor in (dlt.secrets, dlt.config):
        value: Any
        try:
            value = accessor.get(f"sources.tiktok_ads.{name}")
        except Exception:
            value = None
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def run_auth(argv: Sequence[str], out: Any = sys.stdout) -> int:
    """``tiktok_ads_pipeline.py auth``: exchange an auth code for the access token, store it, list advertisers.

    App id, secret and auth code come from the options, else ``SOURCES__TIKTOK_ADS__APP_ID`` / ``..._SECRET``
    / ``..._AUTH_CODE`` (or .dlt/*.toml), else a prompt when run in a terminal. The token goes to
    ``.dlt/secrets.toml`` (``[sources.tiktok_ads] access_token``, with ``app_id`` and ``secret``) and is shown
    masked only.

    Args:
        argv: the arguments after ``auth``.
        out: where to print.

    Returns:
        The exit code: 0 stored, 1 TikTok refused, 2 usage problem.
    """
    import getpass
    from collections.abc import Callable

    from tiktok_ads.config.validation import parse_base_url
    from tiktok_ads.endpoints.auth import (
        DEFAULT_SECRETS_PATH,
        exchange_auth_code,
        list_advertisers,
        mask,
        store_token,
    )
    from tiktok_ads.limits import PRODUCTION_BASE_URL

    parser = argparse.ArgumentParser(
        prog="tiktok_ads_pipeline.py auth",
        description="Exchange the auth code of TikTok's advertiser authorization for the long-lived access "
        "token, store it in .dlt/secrets.toml and list the advertisers it can read. Values not given come "
        "from SOURCES__TIKTOK_ADS__APP_ID, SOURCES__TIKTOK_ADS__SECRET, SOURCES__TIKTOK_ADS__AUTH_CODE (or "
        ".dlt/*.toml), or are asked for when run in a terminal.",
    )
    parser.add_argument("--app-id", help="the app's App ID")
    parser.add_argument("--secret", help="the app's Secret (prefer the env var or the prompt)")
    parser.add_argument("--auth-code", help="the auth_code TikTok appended to your redirect URL")
    parser.add_argument("--base-url", help="API host (default production; for the emulator or a proxy)")
    parser.add_argument("--sandbox", action="store_true", default=None, help="use TikTok's sandbox host")
    parser.add_argument(
        "--secrets-path",
        default=str(DEFAULT_SECRETS_PATH),
        help="dlt secrets file (default: .dlt/secrets.toml)",
    )
    args = parser.parse_args(list(argv))
    interactive = sys.stdin is not None and sys.stdin.isatty()
    values: dict[str, str | None] = {
        "app_id": args.app_id or _auth_setting("app_id"),
        "secret": args.secret or _auth_setting("secret"),
        "auth_code": args.auth_code or _auth_setting("auth_code"),
    }
    prompts: dict[str, tuple[str, Callable[[str], str]]] = {
        "app_id": ("App ID: ", input),
        "secret": ("Secret: ", getpass.getpass),
        "auth_code": ("Auth code: ", getpass.getpass),
    }
    for name, (label, ask) in prompts.items():
        if not values[name] and interactive:
            values[name] = ask(label).strip() or None
    missing = [name for name, value in values.items() if not value]
    if missing:
        options = ", ".join("--" + m.replace("_", "-") for m in missing)
        env = ", ".join("SOURCES__TIKTOK_ADS__" + m.upper() for m in missing)
        print(f"Missing {options}: pass them, set {env}, or run in a terminal to be asked.", file=sys.stderr)
        return EXIT_USAGE
    app_id, secret, auth_code = (str(values[n]) for n in ("app_id", "secret", "auth_code"))
    try:
        sandbox = args.sandbox if args.sandbox is not None else (_auth_setting("sandbox") or False)
        base_url = parse_base_url(args.base_url or _auth_setting("base_url"), sandbox)
    except ConfigError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return EXIT_USAGE
    try:
        grant = exchange_auth_code(app_id, secret, auth_code, base_url=base_url)
    except TikTokAPIError as err:
        advice = ""
        if err.code == 40110:
            advice = " Auth codes are single use and valid one hour: authorize again for a new one."
        print(redact(f"The token exchange failed: {err}.{advice}"), file=sys.stderr)
        return EXIT_FAILED
    try:
        path = store_token(
            args.secrets_path,
            access_token=grant.access_token,
            app_id=app_id,
            secret=secret,
            base_url=None if base_url == PRODUCTION_BASE_URL else base_url,
            pair=grant.pair,
        )
    except (OSError, ValueError) as err:
        print(redact(f"Could not store the access token: {err}"), file=sys.stderr)
        return EXIT_FAILED
    masked = mask(grant.access_token)
    if grant.pair is None:
        print(f"Access token {masked} (long-lived; it stops working when the advertiser", file=out)
        print("revokes the authorization).", file=out)
    else:
        expires = grant.pair.access_token_expires_at.isoformat(timespec="seconds")
        print(
            f"Access token {masked} (expires {expires}) and refresh token {mask(grant.pair.refresh_token)}:",
            file=out,
        )
        print(
            "runs refresh the access token before it expires and store the new pair in this file.", file=out
        )
    stored = (
        "app_id and secret" if base_url == PRODUCTION_BASE_URL else f"app_id, secret and base_url {base_url}"
    )
    keys = "access_token" if grant.pair is None else "access_token, refresh_token and their expiry times"
    print(f"Stored in {path} under [sources.tiktok_ads] {keys}, with {stored}.", file=out)
    if os.environ.get("SOURCES__TIKTOK_ADS__ACCESS_TOKEN"):
        print("Note: SOURCES__TIKTOK_ADS__ACCESS_TOKEN is set and wins over that file; unset it.", file=out)
    try:
        readable = list_advertisers(
            grant.access_token, app_id, secret, base_url=base_url, fallback_ids=grant.advertiser_ids
        )
    except TikTokAPIError as err:
        print(redact(f"Could not list the advertisers: {err}."), file=sys.stderr)
        readable = []
    print(f"The token can read {len(readable)} advertiser(s):", file=out)
    for adv_id, adv_name in readable:
        print(f"  {adv_id}  {adv_name or ''}".rstrip(), file=out)
    print(
        "Load them all (advertiser_ids empty), or pick some with advertiser_ids or advertiser_names under "
        "[sources.tiktok_ads], then run: python tiktok_ads_pipeline.py",
        file=out,
    )
    return EXIT_OK

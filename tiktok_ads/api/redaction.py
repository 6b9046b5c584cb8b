"""Secrets scrubbed from every text a user or a log sees: tokens, the app secret, auth codes.

Whoever learns a secret (the client from its settings, ``auth`` from TikTok's answers, the token refresher from
a rotation) registers it; :func:`redact` replaces each registered value by ``***`` in messages and errors, and a
log filter on urllib3, requests and ``tiktok_ads`` does the same to every log record (urllib3 logs full URLs at
DEBUG, and ``oauth2/advertiser/get/`` carries the app secret in its query string because TikTok requires it).
"""

from __future__ import annotations

import logging
import threading

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
REDACTED = "***"


def register_secret(value: str | None) -> None:
    """Remember a secret so :func:`redact` (and the urllib3 log filter) scrub it everywhere.

    Args:
        value: an access token, app secret or auth code; short values (< 6 chars) are ignored.
    """
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)
        _install_log_filter()


def redact(text: str) -> str:
    """Replace every registered secret in ``text`` by ``***``.

    Args:
        text: any text that may be shown to a user or logged.

    Returns:
        The text without secrets.
    """
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class _RedactingFilter(logging.Filter):
    """Scrubs secrets from log records (urllib3 logs full URLs at DEBUG; ``oauth2/advertiser/get/``
    carries the app secret in its query string because TikTok requires it there)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - a broken record is not ours to fix
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_filter_installed = False


def _install_log_filter() -> None:
    global _filter_installed
    if _filter_installed:
        return
    _filter_installed = True
    flt = _RedactingFilter()
    for name in ("urllib3.connectionpool", "urllib3", "requests", "tiktok_ads"):
        logging.getLogger(name).addFilter(flt)

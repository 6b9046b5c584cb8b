"""Transport failures (no HTTP answer at all) described in a few words, with their cause in full.

``requests`` wraps a refused connection three times (``ConnectionError`` -> urllib3's ``MaxRetryError`` ->
``NewConnectionError`` -> ``ConnectionRefusedError``) and its text repeats the URL, query string included.
The client needs two facts from that chain: what happened, in words a user can act on ("connection refused
by 127.0.0.1:1"), and whether the host cannot be reached at all (refused, or a name that does not resolve),
which is not worth minutes of retries while the host has never answered.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class TransportProblem:
    """What went wrong before any answer arrived.

    Attributes:
        text: e.g. ``"connection refused by 127.0.0.1:1 ([Errno 111] Connection refused)"``.
        unreachable: the host refused the connection or its name does not resolve.
    """

    text: str
    unreachable: bool


def _wrapped(err: BaseException) -> list[BaseException]:
    """The exceptions ``err`` wraps: ``reason`` and ``args[0]`` (requests, urllib3), cause, context."""
    inner = [getattr(err, "reason", None), *err.args[:1], err.__cause__, err.__context__]
    return [e for e in inner if isinstance(e, BaseException) and e is not err]


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and every exception it wraps, outermost first."""
    found: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if not any(current is seen for seen in found):
            found.append(current)
            todo.extend(_wrapped(current))
    return found


def describe_transport_error(exc: BaseException, url: str) -> TransportProblem:
    """Describe a connection-level failure of a request to ``url``.

    Args:
        exc: what ``requests`` raised (``ConnectionError`` and friends).
        url: the request's URL (only its host and port are named).

    Returns:
        The description, and whether the host is unreachable.
    """
    parts = urlsplit(url)
    host = parts.hostname or url
    port = parts.port or (443 if parts.scheme == "https" else 80)
    chain = _chain(exc)
    for err in chain:
        if isinstance(err, ConnectionRefusedError):
            return TransportProblem(f"connection refused by {host}:{port} ({err})", unreachable=True)
    for err in chain:
        if isinstance(err, socket.gaierror):
            return TransportProblem(f"the host name {host!r} does not resolve ({err})", unreachable=True)
    for err in chain:
        if isinstance(err, (ConnectionResetError, BrokenPipeError)):
            return TransportProblem(f"connection to {host}:{port} was reset ({err})", unreachable=False)
    # anything else: the innermost exception's own words (never the URL: it can carry query parameters)
    inner = [err for err in chain if not _wrapped(err)][-1]
    text = str(inner).replace(url, f"{host}:{port}") or type(inner).__name__
    return TransportProblem(f"{type(inner).__name__} talking to {host}:{port}: {text}", unreachable=False)

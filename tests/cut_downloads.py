"""Task downloads cut short on the client's side of the socket, deterministically (no timing).

:func:`cut_downloads` wraps the body stream of every ``report/task/download/`` answer that ``requests`` builds,
so that it ends after ``after`` bytes: either as a broken connection (urllib3's ``ProtocolError``, what a
``Content-Length`` not reached or a broken chunked body raise) or cleanly (a server that closed early but
consistently: nothing in HTTP tells, only the CSV's last row is cut).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError

DOWNLOAD_ROUTE = "report/task/download/"


class _CutStream:
    """An urllib3 response whose body ends after ``after`` bytes (the rest of its attributes as they are)."""

    def __init__(self, raw: Any, after: int, broken: bool) -> None:
        self._raw = raw
        self._after = after
        self._broken = broken

    def stream(self, amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
        sent = 0
        for chunk in self._raw.stream(amt, decode_content=decode_content):
            if sent + len(chunk) >= self._after:
                yield chunk[: self._after - sent]
                if self._broken:
                    raise ProtocolError("Connection broken: IncompleteRead (cut by the test)")
                return
            sent += len(chunk)
            yield chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def cut_downloads(
    monkeypatch: pytest.MonkeyPatch, *, after: int, broken: bool = True, times: int | None = None
) -> list[str]:
    """Cut the next ``times`` (None: every) task downloads after ``after`` bytes; returns the cut URLs' list
    (filled as downloads are cut)."""
    original = HTTPAdapter.build_response
    cut: list[str] = []

    def build_response(self: HTTPAdapter, req: Any, resp: Any) -> Any:
        response = original(self, req, resp)
        if DOWNLOAD_ROUTE in str(req.url) and (times is None or len(cut) < times):
            cut.append(str(req.url))
            response.raw = _CutStream(response.raw, after, broken)
        return response

    monkeypatch.setattr(HTTPAdapter, "build_response", build_response)
    return cut

"""Page loop of list endpoints that answer with their rows under a key other than ``data.list``.

``pixel/list/`` answers ``{"pixels": [...], "page_info": {...}}``; :meth:`TikTokClient.paginate` reads
``data.list`` only, so such endpoints are paged here, through the same client (:meth:`TikTokClient.get`:
retries, rate limiting and typed errors are the client's). The loop never returns silently fewer rows
than ``page_info.total_number`` announces.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .client import TikTokClient, api_path
from .errors import TikTokBadResponseError

RawPage = list[dict[str, Any]]


def _as_int(value: Any) -> int | None:
    """``value`` as an int when it is one (or a string of digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def keyed_pages(
    client: TikTokClient,
    endpoint: str,
    params: Mapping[str, Any],
    *,
    list_key: str,
    page_size: int,
    advertiser_id: str,
) -> Iterator[RawPage]:
    """Every page of a list endpoint whose rows are under ``data[list_key]``.

    Pages 1, 2, ... are requested until ``page_info.total_number`` rows arrived (or, without it, until page
    ``total_page``, or a short page when ``page_info`` is unusable).

    Args:
        client: the API client.
        endpoint: e.g. ``"pixel/list/"``.
        params: query parameters except ``page``/``page_size``.
        list_key: the key of the rows in ``data``, e.g. ``"pixels"``.
        page_size: rows per page.
        advertiser_id: the advertiser (for error messages).

    Yields:
        Raw pages (page 1 always, possibly empty; later pages only when they hold rows).

    Raises:
        TikTokBadResponseError: ``data[list_key]`` is not a list, a page repeats the previous one, or the
            pages add up to fewer rows than ``total_number``.
    """

    def broken(message: str) -> TikTokBadResponseError:
        return TikTokBadResponseError(
            message, code=0, path=api_path(endpoint), advertiser_id=advertiser_id, reason="bad_page"
        )

    page = 1
    seen = 0
    previous: RawPage | None = None
    while True:
        data = client.get(
            endpoint, {**params, "page": page, "page_size": page_size}, advertiser_id=advertiser_id
        )
        rows = data.get(list_key)
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise broken(f"data.{list_key} is a {type(rows).__name__}, not a list")
        raw_info = data.get("page_info")
        info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
        total_number = _as_int(info.get("total_number"))
        total_page = _as_int(info.get("total_page"))
        if rows and rows == previous:
            raise broken(f"page {page} repeats page {page - 1}: the server ignores 'page'")
        seen += len(rows)
        if rows or page == 1:
            yield rows
        if total_number is not None:
            if seen >= total_number:
                return
            if not rows:
                raise broken(f"page {page} is empty after {seen} of {total_number} rows")
        elif total_page is not None:
            if page >= total_page or not rows:
                return
        elif len(rows) < page_size:
            return
        previous = rows
        page += 1

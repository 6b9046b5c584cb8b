"""Page loop of list endpoints that answer with their rows under a key other than ``data.list``.

``pixel/list/`` answers ``{"pixels": [...], "page_info": {...}}``; :meth:`TikTokClient.paginate` reads
``data.list`` only, so such endpoints are paged here, through the same client (:meth:`TikTokClient.get`:
retries, rate limiting and typed errors are the client's). The loop never returns silently fewer rows
than ``page_info.total_number`` announces.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .client import SHORT_PAGE_RETRIES, SHORT_RESULT_WARNING, TikTokClient, api_path, logger
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
    ``total_page``, or a short page when ``page_info`` is unusable). A short last page (page ``total_page``)
    that leaves the rows short of ``total_number`` is asked for again; if it stays short the list ends there
    with a warning and a ``short_result`` count in the client's stats, as in :meth:`TikTokClient.paginate`.

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
        short = (
            bool(rows)
            and total_number is not None
            and seen + len(rows) < total_number
            and len(rows) < min(page_size, _as_int(info.get("page_size")) or page_size)
            and (total_page is None or page >= total_page)
        )
        if short:
            assert total_number is not None
            rows = _ask_again(client, endpoint, params, page, page_size, list_key, advertiser_id, rows)
            if seen + len(rows) < total_number:
                client.stats.count_warning(SHORT_RESULT_WARNING)
                logger.warning(
                    "tiktok_ads: %s for advertiser %s ended after %d of the %d rows page_info announced; "
                    "loading the rows TikTok sent",
                    api_path(endpoint),
                    advertiser_id,
                    seen + len(rows),
                    total_number,
                )
                yield rows
                return
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


def _ask_again(
    client: TikTokClient,
    endpoint: str,
    params: Mapping[str, Any],
    page: int,
    page_size: int,
    list_key: str,
    advertiser_id: str,
    rows: RawPage,
) -> RawPage:
    """Ask a short last page again (:data:`~tiktok_ads.client.SHORT_PAGE_RETRIES` times); the fullest answer."""
    for _ in range(SHORT_PAGE_RETRIES):
        client.stats.count_retry("short_page", 0.0)
        data = client.get(
            endpoint, {**params, "page": page, "page_size": page_size}, advertiser_id=advertiser_id
        )
        again = data.get(list_key)
        if isinstance(again, list) and len(again) > len(rows):
            rows = again
    return rows

"""Page loops of the TikTok Shop / GMV Max and Smart+ material endpoints, through the one client.

Their requests differ from ``campaign/get/`` and ``report/integrated/get/``, so :mod:`.extract` hands these
tables here (by endpoint: :data:`ENTITY_PAGERS`, :data:`REPORT_PAGERS`); retries, rate limiting, paging
checks and typed errors stay the client's.

- ``gmv_max/store/list/`` answers every shop at once under ``data.store_list`` (no paging).
- ``gmv_max/campaign/get/`` needs one ``gmv_max_promotion_types`` per request (every peer sends one;
  UNSURE whether both at once are taken), so it is read once for PRODUCT_GMV_MAX and once for LIVE_GMV_MAX;
  each campaign new or changed since the stored cursor is completed with ``campaign/gmv_max/info/`` (one
  request per such campaign: budget, bid, shop, products, schedule are only there).
- ``gmv_max/report/get/`` reports one shop per request (``store_ids``: exactly one), so each window is read
  per shop the advertiser can run GMV Max in (``is_gmv_max_available``; Airbyte queries only those) and the
  rows get ``store_id``; one ``gmv_max/store/list/`` request per window. The product, LIVE room and creative
  tables name their campaigns (and products) in each request (:mod:`tiktok_ads.endpoints.gmv_max_filters`).
- ``tt_video/list/`` (Spark Ads posts authorized to the ad account) nests each post in four objects: its
  pages are flattened by :func:`tiktok_ads.endpoints.spark_items.authorized_post_pages`.
- ``smart_plus/material_report/overview/`` (lifetime) and ``breakdown/`` (daily): at most 100 rows per page
  (Go SDK ``model/report/smartplus/marterial_report.go``); a row's dimensions are taken from
  ``dimensions`` or, as the Go SDK names the field, ``info``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Protocol

from tiktok_ads.api.client import TikTokClient, api_path
from tiktok_ads.endpoints.gmv_max_filters import report_filterings
from tiktok_ads.endpoints.spark_items import authorized_post_pages
from tiktok_ads.endpoints.transform import to_timestamp
from tiktok_ads.errors import TikTokBadResponseError
from tiktok_ads.tables.gmv_max_tables import REPORT_PROMOTION_TYPES
from tiktok_ads.tables.records import EntityTable, ReportTable
from tiktok_ads.windows import DateWindow, span_params

RawPage = list[dict[str, Any]]

GMV_MAX_PROMOTION_TYPES = ("PRODUCT_GMV_MAX", "LIVE_GMV_MAX")
"""The values of ``gmv_max/campaign/get/``'s ``filtering.gmv_max_promotion_types``, one request each."""

GMV_MAX_CAMPAIGN_PAGE = 100
"""``gmv_max/campaign/get/`` takes ``page_size`` 1..100 (Go SDK ``model/campaign/gmvmax/get.go``)."""

MATERIAL_REPORT_PAGE = 100
"""The material reports take ``page_size`` 1..100."""

GMV_MAX_FIRST_DAY = dt.date(2023, 9, 1)
"""No GMV Max report is asked for days before this one: Airbyte clamps its GMV Max report windows there
(``test_start_date_before_gmv_max_data_availability_is_clamped``). UNSURE whether TikTok refuses earlier
days or answers them empty; either way they hold nothing."""


def _broken(endpoint: str, advertiser_id: str, message: str) -> TikTokBadResponseError:
    return TikTokBadResponseError(
        message, code=0, path=api_path(endpoint), advertiser_id=advertiser_id, reason="bad_page"
    )


def gmv_max_stores(client: TikTokClient, advertiser_id: str) -> RawPage:
    """Every shop the advertiser can see (``gmv_max/store/list/``, one request).

    Raises:
        TikTokBadResponseError: ``data.store_list`` is not a list.
    """
    endpoint = "gmv_max/store/list/"
    data = client.get(endpoint, {"advertiser_id": advertiser_id}, advertiser_id=advertiser_id)
    rows = data.get("store_list")
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise _broken(endpoint, advertiser_id, f"data.store_list is a {type(rows).__name__}, not a list")
    return rows


def store_pages(
    client: TikTokClient, spec: EntityTable, advertiser_id: str, *, since: dt.datetime | None, page_size: int
) -> Iterator[RawPage]:
    """The shop list as one page (the endpoint has no paging)."""
    yield gmv_max_stores(client, advertiser_id)


def gmv_max_campaign_pages(
    client: TikTokClient, spec: EntityTable, advertiser_id: str, *, since: dt.datetime | None, page_size: int
) -> Iterator[RawPage]:
    """GMV Max campaigns of both promotion types, each new or changed one completed with its details.

    Args:
        client: the API client.
        spec: the ``gmv_max_campaigns`` table.
        advertiser_id: the advertiser.
        since: the stored cursor: campaigns whose ``modify_time`` is before it are left out (and cost no
            ``campaign/gmv_max/info/`` request).
        page_size: rows per list page (capped to 100).

    Yields:
        Pages of campaigns (list fields merged with ``campaign/gmv_max/info/``'s).
    """
    size = min(page_size, GMV_MAX_CAMPAIGN_PAGE)
    for promotion in GMV_MAX_PROMOTION_TYPES:
        params = {"advertiser_id": advertiser_id, "filtering": {"gmv_max_promotion_types": [promotion]}}
        for page in client.paginate(spec.endpoint, params, page_size=size, advertiser_id=advertiser_id):
            out: RawPage = []
            for row in page:
                if not isinstance(row, dict) or not row.get("campaign_id"):
                    out.append(row)  # the transform names the row without its key
                    continue
                raw_time = row.get("modify_time") or row.get("create_time")
                changed = to_timestamp(raw_time, "modify_time") if raw_time is not None else None
                if since is not None and changed is not None and changed < since:
                    continue
                info = client.get(
                    "campaign/gmv_max/info/",
                    {"advertiser_id": advertiser_id, "campaign_id": str(row["campaign_id"])},
                    advertiser_id=advertiser_id,
                )
                out.append({**row, **info} if isinstance(info, dict) else row)
            if out:
                yield out


def gmv_max_report_pages(
    client: TikTokClient, spec: ReportTable, advertiser_id: str, window: DateWindow, *, page_size: int
) -> Iterator[RawPage]:
    """One window of a GMV Max report table (a :class:`ReportPager`): every GMV Max shop of the advertiser.

    The table's dimensions other than ``store_id`` are sent, and each row's ``dimensions`` get ``store_id``.
    Days before :data:`GMV_MAX_FIRST_DAY` are not asked for: a window wholly before it is one empty page,
    which costs no request.
    """
    if window.end < GMV_MAX_FIRST_DAY:
        yield []
        return
    start = max(window.start, GMV_MAX_FIRST_DAY)
    promotion = REPORT_PROMOTION_TYPES.get(spec.name)
    for store in gmv_max_stores(client, advertiser_id):
        if not isinstance(store, dict) or store.get("is_gmv_max_available") is not True:
            continue
        store_id = str(store.get("store_id"))
        params: dict[str, Any] = {
            "advertiser_id": advertiser_id,
            "store_ids": [store_id],
            "dimensions": [d for d in spec.dimensions if d != "store_id"],
            "metrics": list(spec.metrics),
            "start_date": start.isoformat(),
            "end_date": window.end.isoformat(),
        }
        size = min(page_size, spec.max_page_size)
        for filtering in report_filterings(
            client, params, spec.dimensions, promotion, page_size=size, advertiser_id=advertiser_id
        ):
            sent = params if filtering is None else {**params, "filtering": filtering}
            for page in client.paginate(spec.endpoint, sent, page_size=size, advertiser_id=advertiser_id):
                yield [_with_dimension(row, "store_id", store_id) for row in page]


def _with_dimension(row: Any, name: str, value: str) -> Any:
    """``row`` with ``dimensions[name] = value`` (a row without a dimensions object is left for the transform
    to report)."""
    if isinstance(row, dict) and isinstance(row.get("dimensions"), dict):
        return {**row, "dimensions": {**row["dimensions"], name: value}}
    return row


def material_report_pages(
    client: TikTokClient, spec: ReportTable, advertiser_id: str, window: DateWindow, *, page_size: int
) -> Iterator[RawPage]:
    """One window (or, lifetime, the whole life) of a Smart+ material report table (a :class:`ReportPager`).

    ``smart_plus_material_insights`` reads ``breakdown/`` (daily), ``..._lifetime`` ``overview/`` (it sends
    ``query_lifetime``, not the window); pages of at most 100 rows, their dimensions under ``dimensions``.
    """
    params: dict[str, Any] = {
        "advertiser_id": advertiser_id,
        "dimensions": list(spec.dimensions),
        "metrics": list(spec.metrics),
        **span_params(window, lifetime=spec.lifetime),
    }
    size = min(page_size, MATERIAL_REPORT_PAGE)
    for page in client.paginate(spec.endpoint, params, page_size=size, advertiser_id=advertiser_id):
        yield [_dimensions_of(row) for row in page]


def _dimensions_of(row: Any) -> Any:
    """A material report row with its dimensions under ``dimensions`` (the Go SDK reads them from ``info``)."""
    if isinstance(row, dict) and "dimensions" not in row and isinstance(row.get("info"), dict):
        return {"dimensions": row["info"], **{k: v for k, v in row.items() if k != "info"}}
    return row


class EntityPager(Protocol):
    """An entity endpoint's page loop."""

    def __call__(
        self,
        client: TikTokClient,
        spec: EntityTable,
        advertiser_id: str,
        *,
        since: dt.datetime | None,
        page_size: int,
    ) -> Iterator[RawPage]:
        """Raw pages of one advertiser's objects (``since``: its stored cursor; ``page_size``: the setting)."""
        ...


class ReportPager(Protocol):
    """A report endpoint's page loop: raw pages of one advertiser and window (inclusive days, at most 30, in
    the advertiser's time zone), at most ``page_size`` rows each (capped to the endpoint's largest page)."""

    def __call__(
        self,
        client: TikTokClient,
        spec: ReportTable,
        advertiser_id: str,
        window: DateWindow,
        *,
        page_size: int,
    ) -> Iterator[RawPage]:
        """Raw report pages, each row with its dimensions under ``dimensions``."""
        ...


ENTITY_PAGERS: dict[str, EntityPager] = {
    "gmv_max/store/list/": store_pages,
    "gmv_max/campaign/get/": gmv_max_campaign_pages,
    "tt_video/list/": authorized_post_pages,
}
"""Entity endpoints with their own page loop (``(client, spec, advertiser_id, *, since, page_size)``)."""

REPORT_PAGERS: dict[str, ReportPager] = {
    "gmv_max/report/get/": gmv_max_report_pages,
    "smart_plus/material_report/overview/": material_report_pages,
    "smart_plus/material_report/breakdown/": material_report_pages,
}
"""Report endpoints other than ``report/integrated/get/`` (``(client, spec, advertiser_id, window, *,
page_size)``)."""

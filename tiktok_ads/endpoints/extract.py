"""What to ask TikTok for each kind of table: request parameters and page loops, through the client.

Resources never build requests themselves; they call these functions. Each yields raw pages (lists of
row dicts) so the caller decides how to type them (``transform.py``) and, later, how to parallelise them
(one call of :func:`report_pages` per advertiser x window is an independent unit of work).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import Decoder
from tiktok_ads.endpoints.bc_discovery import bc_advertiser_ids
from tiktok_ads.endpoints.extract_shop import ENTITY_PAGERS, REPORT_PAGERS
from tiktok_ads.endpoints.top_view import TOP_VIEW_CHILD_ENDPOINTS, TopViewCampaigns
from tiktok_ads.endpoints.transform import row_id
from tiktok_ads.errors import (
    ConfigError,
    TikTokAPIError,
    TikTokBadResponseError,
    TikTokPermissionError,
    TikTokQueryTooLargeError,
)
from tiktok_ads.limits import (
    BUYING_TYPE_ENDPOINTS,
    BUYING_TYPE_GROUPS,
    MAX_IDS_PER_REQUEST,
    TOP_VIEW_MAX_PAGE_SIZE,
)
from tiktok_ads.tables.records import EntityTable, ReportTable
from tiktok_ads.windows import DateWindow, span_params

logger = logging.getLogger("tiktok_ads")

RawPage = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Advertiser:
    """An advertiser as the source needs it.

    Attributes:
        advertiser_id: the id.
        timezone: its reporting time zone (``advertiser/info/`` ``timezone``), e.g. ``Etc/GMT+8``.
        name: its name, if known.
        info: the raw ``advertiser/info/`` row.
    """

    advertiser_id: str
    timezone: str | None = None
    name: str | None = None
    info: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def discover_advertisers(client: TikTokClient) -> list[tuple[str, str | None]]:
    """Every advertiser the token may read, with its name, via ``oauth2/advertiser/get/`` (needs app credentials).

    Args:
        client: the API client (with app credentials).

    Returns:
        ``(advertiser_id, advertiser_name)`` pairs in TikTok's order (name None when TikTok sends none).

    Raises:
        TikTokBadResponseError: a row has no ``advertiser_id``.
    """
    data = client.get("oauth2/advertiser/get/", client.app_params())
    found: dict[str, str | None] = {}
    for row in data.get("list") or []:
        adv_id = row_id(row, "advertiser_id", "oauth2/advertiser/get/")
        name = row.get("advertiser_name")
        found.setdefault(adv_id, str(name) if name else None)
    return list(found.items())


def discover_advertiser_ids(client: TikTokClient) -> list[str]:
    """Every advertiser id the token may read, via ``oauth2/advertiser/get/`` (needs app id and secret).

    Args:
        client: the API client (with app credentials).

    Returns:
        Advertiser ids in TikTok's order.
    """
    return [adv_id for adv_id, _ in discover_advertisers(client)]


def resolve_advertiser_names(names: Sequence[str], readable: Sequence[tuple[str, str | None]]) -> list[str]:
    """The ids of advertisers given by name (``sources.tiktok_ads.advertiser_names``).

    A name matches exactly, or else case- and space-insensitively; it must match exactly one advertiser.

    Args:
        names: the configured names.
        readable: ``(id, name)`` of every advertiser the token may read (:func:`discover_advertisers`).

    Returns:
        One id per name, in the order of ``names``.

    Raises:
        ConfigError: a name matches no advertiser, or several.
    """

    def fold(text: str) -> str:
        return " ".join(text.split()).casefold()

    ids: list[str] = []
    for name in names:
        matches = [adv_id for adv_id, adv_name in readable if adv_name == name]
        if not matches:
            matches = [adv_id for adv_id, adv_name in readable if adv_name and fold(adv_name) == fold(name)]
        if len(matches) > 1:
            raise ConfigError(
                "advertiser_names",
                f"{name!r} names {len(matches)} advertisers ({', '.join(matches)}); "
                "list the one you mean in sources.tiktok_ads.advertiser_ids instead",
            )
        if not matches:
            known = [f"{adv_name!r}" for _, adv_name in readable if adv_name]
            shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
            raise ConfigError(
                "advertiser_names",
                f"no advertiser named {name!r} among the {len(readable)} advertiser(s) the token can read"
                + (f" ({shown})" if shown else "")
                + "; check the spelling or re-authorize the app for that account",
            )
        ids.append(matches[0])
    return ids


def fetch_advertiser_info(client: TikTokClient, advertiser_ids: Sequence[str]) -> list[dict[str, Any]]:
    """``advertiser/info/`` rows for the given ids, in batches of 100.

    Args:
        client: the API client.
        advertiser_ids: ids to look up.

    Returns:
        Raw rows, in the order of ``advertiser_ids``.

    Raises:
        TikTokBadResponseError: TikTok left an advertiser out of its answer.
    """
    by_id: dict[str, dict[str, Any]] = {}
    for i in range(0, len(advertiser_ids), MAX_IDS_PER_REQUEST):
        batch = list(advertiser_ids[i : i + MAX_IDS_PER_REQUEST])
        data = client.get("advertiser/info/", {"advertiser_ids": batch})
        for row in data.get("list") or []:
            if isinstance(row, dict) and row.get("advertiser_id") is not None:
                by_id[str(row["advertiser_id"])] = row
    missing = [a for a in advertiser_ids if a not in by_id]
    if missing:
        raise TikTokBadResponseError(
            f"advertiser/info/ returned nothing for advertiser(s) {', '.join(missing)}; "
            "check sources.tiktok_ads.advertiser_ids and that the token may read them",
            code=0,
            path="/open_api/v1.3/advertiser/info/",
            reason="missing_advertiser",
        )
    return [by_id[a] for a in advertiser_ids]


def fetch_readable_advertiser_info(
    client: TikTokClient, advertiser_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, TikTokPermissionError]]:
    """Like :func:`fetch_advertiser_info`, but sorting out the advertisers the token may not read (40001).

    One call per 100 advertisers as long as the token may read them all; when TikTok answers 40001 for a
    batch (it does not say which advertiser), each advertiser of that batch is asked for alone.

    Args:
        client: the API client.
        advertiser_ids: ids to look up.

    Returns:
        ``(rows of the readable advertisers in the given order, {inaccessible id: its 40001 error})``.
    """
    try:
        return fetch_advertiser_info(client, advertiser_ids), {}
    except TikTokPermissionError:
        pass
    rows: dict[str, dict[str, Any]] = {}
    refused: dict[str, TikTokPermissionError] = {}
    for adv_id in advertiser_ids:
        try:
            rows[adv_id] = fetch_advertiser_info(client, [adv_id])[0]
        except TikTokPermissionError as err:
            err.advertiser_id = err.advertiser_id or adv_id
            refused[adv_id] = err
    return [rows[a] for a in advertiser_ids if a in rows], refused


class AdvertiserDirectory:
    """The advertisers of one run: resolved and looked up once, lazily, shared by all resources.

    With configured ids nothing is requested when the source is created; the first resource that needs
    advertisers triggers one ``advertiser/info/`` call per 100 advertisers. Discovery (no ids, names, or
    ``bc_ids``) happens when the source is created, since its resources are per advertiser: one
    ``oauth2/advertiser/get/`` (or ``bc/asset/get/``) call, then the ``advertiser/info/`` lookup. (The Airflow
    DAG builds the source inside its task, so parsing the DAG file requests nothing.)

    Args:
        client: the API client.
        advertiser_ids: configured ids; empty (and no names) means "discover with the app credentials".
        advertiser_names: configured names, resolved to ids with ``oauth2/advertiser/get/``.
        skip_inaccessible: leave out (with a warning) advertisers the token may not read (40001) instead
            of failing.
        bc_ids: Business Centers whose ad accounts (``bc/asset/get/``) are added to the configured ids; with
            them, no ids and no names means "the BCs' ad accounts", not "every advertiser of the token".
    """

    def __init__(
        self,
        client: TikTokClient,
        advertiser_ids: Sequence[str],
        advertiser_names: Sequence[str] = (),
        *,
        skip_inaccessible: bool = False,
        bc_ids: Sequence[str] = (),
    ) -> None:
        self._client = client
        self._configured = tuple(advertiser_ids)
        self._bc_ids = tuple(bc_ids)
        self._names = tuple(advertiser_names)
        self._skip_inaccessible = skip_inaccessible
        self._lock = threading.Lock()
        self._advertisers: list[Advertiser] | None = None
        self.skipped: dict[str, str] = {}
        """Advertisers left out because the token may not read them: id -> TikTok's message."""

    def _ids(self) -> list[str]:
        ids = list(self._configured)
        if self._bc_ids:
            ids.extend(bc_advertiser_ids(self._client, self._bc_ids))
        if self._names or not (self._configured or self._bc_ids):
            readable = discover_advertisers(self._client)
            if self._names:
                ids.extend(resolve_advertiser_names(self._names, readable))
            else:
                ids = [adv_id for adv_id, _ in readable]
        return list(dict.fromkeys(ids))

    def ids(self) -> list[str]:
        """The advertiser ids of the run: the configured ones without a request, else :meth:`get`'s.

        Returns:
            The ids, in configured (or discovered) order.
        """
        if self._configured and not (self._bc_ids or self._names):
            return list(dict.fromkeys(self._configured))
        return [advertiser.advertiser_id for advertiser in self.get()]

    def get(self) -> list[Advertiser]:
        """The advertisers, fetching them on first use.

        Returns:
            One :class:`Advertiser` per id, in configured (or discovered) order.

        Raises:
            TikTokPermissionError: the token may not read an advertiser (naming it), unless skipping.
            ConfigError: an advertiser name matches no advertiser, or several.
        """
        with self._lock:
            if self._advertisers is None:
                ids = self._ids()
                if not ids:
                    logger.warning("tiktok_ads: the token cannot read any advertiser; nothing to load")
                rows, refused = fetch_readable_advertiser_info(self._client, ids) if ids else ([], {})
                if refused and not self._skip_inaccessible:
                    first = next(iter(refused.values()))
                    names = ", ".join(refused)
                    raise TikTokPermissionError(
                        f"the access token may not read advertiser(s) {names} ({first.message}); set "
                        "sources.tiktok_ads.skip_inaccessible_advertisers = true to load the others",
                        code=first.code,
                        request_id=first.request_id,
                        path=first.path,
                        advertiser_id=next(iter(refused)),
                        http_status=first.http_status,
                    )
                for adv_id, err in refused.items():
                    self.skipped[adv_id] = err.message
                    logger.warning(
                        "tiktok_ads: skipping advertiser %s: the access token may not read it (%s %s)",
                        adv_id,
                        err.code,
                        err.message,
                    )
                self._advertisers = [
                    Advertiser(
                        advertiser_id=str(row["advertiser_id"]),
                        timezone=row.get("timezone") or None,
                        name=row.get("name") or None,
                        info=row,
                    )
                    for row in rows
                ]
            return list(self._advertisers)


def entity_params(spec: EntityTable, advertiser_id: str, *, include_deleted: bool) -> dict[str, Any]:
    """Query parameters of an entity list request (without paging).

    Args:
        spec: campaigns, adgroups, ads, or an opt-in list table (ad_images ...).
        advertiser_id: the advertiser.
        include_deleted: ask for every status, deleted included (``primary_status: STATUS_ALL``), where
            the endpoint has that filter (``spec.status_filtering``).

    Returns:
        The parameters.
    """
    params: dict[str, Any] = {"advertiser_id": advertiser_id}
    if include_deleted and spec.status_filtering:
        params["filtering"] = {"primary_status": "STATUS_ALL"}
    return params


def entity_pages(
    client: TikTokClient,
    spec: EntityTable,
    advertiser_id: str,
    *,
    include_deleted: bool,
    page_size: int,
    since: dt.datetime | None = None,
    top_view: TopViewCampaigns | None = None,
) -> Iterator[RawPage]:
    """All pages of one advertiser's campaigns, ad groups, ads or other listed objects (no modified-since filter).

    ``page_size`` is capped to the endpoint's largest page (``spec.max_page_size``); the rows are read from
    ``data[spec.list_key]`` by the client's one paging loop (:meth:`TikTokClient.paginate`).
    Campaigns, ad groups and ads are listed once per group of :data:`~tiktok_ads.limits.BUYING_TYPE_GROUPS`
    (auction and Reach & Frequency, then TopView), so reservation objects land too. With ``top_view`` the
    TopView campaign list is the one ``top_view`` holds for the advertiser (read once for all three tables), and
    the ad groups' and ads' TopView lists are read only when it holds a campaign (:mod:`tiktok_ads.endpoints.top_view`).

    Args:
        client: the API client.
        spec: the entity table.
        advertiser_id: the advertiser.
        include_deleted: include deleted objects.
        page_size: rows per page.
        since: the advertiser's stored cursor (None: none); only the GMV Max campaign loop uses it, to ask
            for details of new and changed campaigns only (the caller filters on the cursor anyway).
        top_view: the run's TopView campaign lists (None: every TopView list is read).

    Yields:
        Raw pages.
    """
    pager = ENTITY_PAGERS.get(spec.endpoint)
    if pager is not None:  # GMV Max lists (extract_shop): their own requests
        yield from pager(client, spec, advertiser_id, since=since, page_size=page_size)
        return
    params = entity_params(spec, advertiser_id, include_deleted=include_deleted)
    size = min(page_size, spec.max_page_size)
    if spec.endpoint not in BUYING_TYPE_ENDPOINTS:
        yield from client.paginate(
            spec.endpoint,
            params,
            page_size=size,
            advertiser_id=advertiser_id,
            list_key=spec.list_key,
            paged=spec.paged,
        )
        return
    # campaigns, ad groups and ads: one list per group of buying types, or reservation objects are missing
    others, top_view_types = BUYING_TYPE_GROUPS
    if top_view is None:
        yield from buying_type_pages(client, spec.endpoint, params, others, size, advertiser_id)
        yield from buying_type_pages(client, spec.endpoint, params, top_view_types, size, advertiser_id)
        return
    # read before the other lists: its instant bounds the cursor when the TopView children are not listed
    campaigns = top_view_campaign_pages(top_view, client, params, size, advertiser_id)
    yield from buying_type_pages(client, spec.endpoint, params, others, size, advertiser_id)
    if spec.endpoint == "campaign/get/":
        yield from campaigns
    elif spec.endpoint in TOP_VIEW_CHILD_ENDPOINTS and any(campaigns):
        yield from buying_type_pages(client, spec.endpoint, params, top_view_types, size, advertiser_id)


def top_view_campaign_pages(
    top_view: TopViewCampaigns, client: TikTokClient, params: dict[str, Any], size: int, advertiser_id: str
) -> list[RawPage]:
    """The advertiser's TopView campaign list, read once per run for the three entity tables and the change-log
    path (they send the same parameters, advertiser and status filter, and page size)."""
    _, top_view_types = BUYING_TYPE_GROUPS
    return top_view.pages(
        advertiser_id,
        lambda: buying_type_pages(client, "campaign/get/", params, top_view_types, size, advertiser_id),
    )


def buying_type_pages(
    client: TikTokClient,
    endpoint: str,
    params: dict[str, Any],
    group: tuple[str, ...],
    size: int,
    advertiser_id: str,
) -> Iterator[RawPage]:
    """The pages of one list with ``filtering.buying_types = group`` (TopView ad groups at most 100 a page)."""
    filtering = {**params.get("filtering", {}), "buying_types": list(group)}
    if "RESERVATION_TOP_VIEW" in group:
        size = min(size, TOP_VIEW_MAX_PAGE_SIZE.get(endpoint, size))
    return client.paginate(
        endpoint, {**params, "filtering": filtering}, page_size=size, advertiser_id=advertiser_id
    )


def report_params(
    spec: ReportTable, advertiser_id: str, window: DateWindow, *, include_deleted: bool
) -> dict[str, Any]:
    """Query parameters of a synchronous report request (without paging).

    A lifetime report sends ``query_lifetime`` instead of dates (TikTok ignores dates then); a custom report's
    ``filters`` are sent with the status filter.

    Args:
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days, in the advertiser's time zone (unused by lifetime reports).
        include_deleted: add the level's ``*_status IN ["STATUS_ALL"]`` filter.

    Returns:
        The parameters.
    """
    params: dict[str, Any] = {
        "advertiser_id": advertiser_id,
        "service_type": "AUCTION",
        "report_type": spec.report_type,
        "data_level": spec.data_level,
        "dimensions": list(spec.dimensions),
        "metrics": list(spec.metrics),
    }
    params.update(span_params(window, lifetime=spec.lifetime))
    filtering: list[dict[str, Any]] = [dict(f) for f in spec.filters]
    status_field = spec.status_filter_field
    if include_deleted and status_field:
        # filter_value is itself a JSON array *string* for IN filters
        filtering.append({"field_name": status_field, "filter_type": "IN", "filter_value": '["STATUS_ALL"]'})
    if filtering:
        params["filtering"] = filtering
    return params


def report_pages(
    client: TikTokClient,
    spec: ReportTable,
    advertiser_id: str,
    window: DateWindow,
    *,
    include_deleted: bool,
    page_size: int,
    decode: Decoder | None = None,
) -> Iterator[RawPage]:
    """All pages of one report window; on 40067 ("query too large") the window is halved, down to one day.

    The halving happens before the first page of a window normally (TikTok checks the size up front); if
    it happens later, already-yielded days are read again and the merge on the primary key de-duplicates.

    Args:
        client: the API client.
        spec: the report table.
        advertiser_id: the advertiser.
        window: inclusive days (at most 30).
        include_deleted: include deleted objects' rows.
        page_size: rows per page.
        decode: parses page bodies natively (:func:`tiktok_ads.api.json_pages.report_decoder`); None: orjson.

    Yields:
        Raw pages.

    Raises:
        TikTokQueryTooLargeError: even a one-day window is too large.
    """
    pager = REPORT_PAGERS.get(spec.endpoint)
    if pager is not None:  # GMV Max and Smart+ material reports (extract_shop): their own requests
        try:
            yield from pager(client, spec, advertiser_id, window, page_size=page_size)
        except TikTokAPIError as err:
            err.add_context(table=spec.name, window=str(window))
            raise
        return
    params = report_params(spec, advertiser_id, window, include_deleted=include_deleted)
    try:
        yield from client.paginate(
            spec.endpoint, params, page_size=page_size, advertiser_id=advertiser_id, decode=decode
        )
    except TikTokQueryTooLargeError as err:
        if window.days < 2 or spec.lifetime:  # a lifetime query has no dates to split
            raise err.add_context(table=spec.name, window=str(window)) from None
        first, second = window.halves()
        logger.info(
            "tiktok_ads: %s %s too large for TikTok; splitting into %s and %s",
            spec.name,
            window,
            first,
            second,
        )
        for half in (first, second):
            yield from report_pages(
                client,
                spec,
                advertiser_id,
                half,
                include_deleted=include_deleted,
                page_size=page_size,
                decode=decode,
            )
    except TikTokAPIError as err:
        err.add_context(table=spec.name, window=str(window))
        raise

"""TikTok's documented limits, hosts and answer codes the client and the request planning obey."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

API_VERSION = "v1.3"
"""TikTok Business API version; paths are ``/open_api/{API_VERSION}/<endpoint>/``."""

PRODUCTION_BASE_URL = "https://business-api.tiktok.com"
"""Production host (``sources.tiktok_ads.base_url`` default)."""

SANDBOX_BASE_URL = "https://sandbox-ads.tiktok.com"
"""Sandbox host, used when ``sources.tiktok_ads.sandbox = true`` and no ``base_url`` is set."""

MAX_PAGE_SIZE = 1000
"""Largest ``page_size`` the list and report endpoints accept."""

MAX_REPORT_WINDOW_DAYS = 30
"""Largest inclusive ``start_date..end_date`` span of a ``stat_time_day`` report request."""

MAX_HOURLY_WINDOW_DAYS = 1
"""Largest span of a ``stat_time_hour`` report request: one day (``start_date = end_date``)."""

MAX_IDS_PER_REQUEST = 100
"""Largest number of ids in one ``advertiser/info/`` call."""

EARLIEST_START_DATE = "2012-01-01"
"""TikTok rejects report dates before this day."""

BUYING_TYPE_GROUPS: tuple[tuple[str, ...], ...] = (("AUCTION", "RESERVATION_RF"), ("RESERVATION_TOP_VIEW",))
"""One entity list request per group: campaign/get, adgroup/get and ad/get leave reservation (TopView, Reach &
Frequency) objects out unless ``filtering.buying_types`` asks for them (Airbyte asks for every buying type since
5.0.8), and TikTok refuses ``RESERVATION_TOP_VIEW`` together with any other value. The TopView group of ad groups
and ads is read only for advertisers with a TopView campaign (:mod:`tiktok_ads.endpoints.top_view`)."""

BUYING_TYPE_ENDPOINTS = frozenset({"campaign/get/", "adgroup/get/", "ad/get/"})
"""The list endpoints that take ``filtering.buying_types`` (TikTok's docs; the official SDK's Filtering*Get)."""

TOP_VIEW_MAX_PAGE_SIZE: Mapping[str, int] = MappingProxyType({"adgroup/get/": 100})
"""Largest page of an endpoint when asking for ``RESERVATION_TOP_VIEW`` (adgroup/get: at most 100)."""

# Codes in the response body (HTTP status is 200 for all of them). See errors.py for the mapping.
AUTH_ERROR_CODES = frozenset({40101, 40102, 40104, 40105, 40106, 40110, 40113})
PERMISSION_ERROR_CODES = frozenset({40001})
QUERY_TOO_LARGE_CODES = frozenset({40067})
RATE_LIMIT_CODES = frozenset({40016, 40100, 40133})
TRANSIENT_CODES = frozenset({20001, 40200, 40201, 40700, 60001})
"""Besides these, every 5xxxx code is transient."""

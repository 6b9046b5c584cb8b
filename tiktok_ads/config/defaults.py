"""The source's defaults and bounds (what a setting is when not set, and how far it may go)."""

from __future__ import annotations

PACKAGE_VERSION = "0.1.0"
"""Version of this package (sent in the User-Agent header)."""

DEFAULT_PAGE_SIZE = 1000
"""Default ``page_size``: the fewest requests."""

DEFAULT_MAX_QPS = 10.0
"""TikTok's basic-tier app limit (requests per second, shared by everything using the app)."""

DEFAULT_MAX_CONCURRENCY = 16
"""Requests in flight at once (all tables and advertisers together). The rate limiter decides how many
start per second; this only has to cover TikTok's latency: at 10 QPS and ~1 s per report page, ~10 requests
are open at any moment, so 16 keeps the limiter the only brake. Raise it with ``max_qps`` on higher tiers."""

MAX_CONCURRENCY = 256
"""Upper bound of ``max_concurrency``."""

PREFETCH_PAGES = 3
"""Pages of one report window or entity list requested ahead of the one being read (after page 1 told
how many there are), so one big advertiser's pages are fetched in parallel, not one after another."""

ARROW_BATCH_ROWS = 10_000
"""Report rows collected into one Arrow table before it is handed to dlt (see ``arrow_pages.TableBatcher``).
10,000 rather than 20,000: the extract step's peak RSS at 251k ``ad_insights`` rows 353-362 MB against 396-397 MB
(Arrow's peak 53-58 against 81-84 MB) at the same CPU (bench/README.md, sixth pass); dlt's per-table schema work
(~20 ms a table) stays ~2 µs a row."""

ARROW_BUFFER_ROWS = 2 * ARROW_BATCH_ROWS
"""Report rows waiting in all the batchers of a source together (``arrow_pages.BufferedRows``): one resource per
advertiser and table, each filling its own batch, would hold ``ARROW_BATCH_ROWS`` per advertiser otherwise."""

DEFAULT_ATTRIBUTION_WINDOW_DAYS = 7
"""Days re-read on every run so late conversions and TikTok's restatements are picked up."""

DEFAULT_HISTORY_DAYS = 365
"""When ``start_date`` is not set, history starts this many days before today (UTC)."""

DEFAULT_REQUEST_TIMEOUT = 60.0
"""Seconds to wait for one HTTP answer."""

DEFAULT_MAX_RETRIES = 8
"""Retries of one request (same page, same window) before the run fails."""

MAX_THROTTLED_RETRIES = 30
"""Rate-limit answers (40100/40133) one request may get before the run fails. They do not use up
``max_retries``: with pacing on, a refusal means "later", the limiter slows down and paces the retry; only
another job taking the app's whole budget for minutes makes a request fail this way."""

DEFAULT_RETRY_BACKOFF_SECONDS = 1.0
"""Base of the exponential backoff; the n-th retry waits ``uniform(0, min(cap, base * 2**n))``."""

MAX_RETRY_BACKOFF_SECONDS = 60.0
"""Cap of one backoff sleep."""

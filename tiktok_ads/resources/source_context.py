"""What the resources of one source instance share: settings, the client, the advertisers, the clock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dlt

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.config.defaults import ARROW_BUFFER_ROWS, DEFAULT_HISTORY_DAYS
from tiktok_ads.config.validation import SourceConfig
from tiktok_ads.endpoints.arrow_pages import BufferedRows
from tiktok_ads.endpoints.async_reports import TaskSwitch
from tiktok_ads.endpoints.extract import Advertiser, AdvertiserDirectory
from tiktok_ads.endpoints.top_view import TopViewCampaigns
from tiktok_ads.errors import TikTokPermissionError
from tiktok_ads.limits import EARLIEST_START_DATE
from tiktok_ads.resources.change_log_rounds import ChangeLogRounds
from tiktok_ads.resources.concurrency import PageBudget, WorkerPool
from tiktok_ads.resources.run_summary import RunSummary

logger = logging.getLogger("tiktok_ads")

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class SourceContext:
    """Everything the resources of one source instance share.

    Attributes:
        config: validated settings.
        client: the API client (shared, thread-safe).
        directory: the run's advertisers (fetched once, lazily).
        clock: current instant (tests and the demo use the emulator's clock).
        summary: counters for the run report.
        tasks: whether async report tasks are (still) used in this run (``async_reports``).
        pages: the pages all resources may read ahead of dlt together (:class:`~.concurrency.PageBudget`).
        workers: the threads all resources' units run on (:class:`~.concurrency.WorkerPool`).
        buffered: the report rows all resources' Arrow batches hold together.
        top_view: each advertiser's TopView campaign list, read once (:mod:`~.top_view`).
    """

    config: SourceConfig
    client: TikTokClient
    directory: AdvertiserDirectory
    clock: Clock = _utc_now
    summary: RunSummary = field(default_factory=RunSummary)
    tasks: TaskSwitch = field(default_factory=lambda: TaskSwitch("auto"))
    _default_start: dt.date | None = field(default=None, init=False, repr=False)
    pages: PageBudget = field(init=False, repr=False)
    workers: WorkerPool = field(init=False, repr=False)
    buffered: BufferedRows = field(default_factory=lambda: BufferedRows(ARROW_BUFFER_ROWS), repr=False)
    """Report rows waiting in the Arrow batchers of all resources together (:class:`~.arrow_pages.BufferedRows`)."""
    shared_reports: dict[str, Any] = field(default_factory=dict, repr=False)
    """Each report table's requests shared between advertisers (``share_report_requests``), by table."""
    change_logs: ChangeLogRounds = field(default_factory=ChangeLogRounds, repr=False)
    """Each advertiser's change log round of this run (:mod:`~tiktok_ads.resources.entity_changes`), by advertiser."""
    top_view: TopViewCampaigns = field(init=False, repr=False)
    """Each advertiser's TopView campaign list, shared by the campaign, ad group and ad tables."""

    def __post_init__(self) -> None:
        # pages read ahead of dlt, all resources together: 4 per request in flight (the one-table streams of
        # earlier releases held up to 3 each), so memory does not grow with the number of advertisers
        self.pages = PageBudget(4 * self.config.max_concurrency)
        # one pool for every resource (a resource per advertiser and table): threads do not grow with them
        self.workers = WorkerPool(self.config.max_concurrency)
        self.top_view = TopViewCampaigns(lambda: self.clock())  # the clock is set after construction

    def start_date(self) -> dt.date:
        """The first report day: the ``start_date`` setting, or by default 365 days before TikTok's UTC today.

        The default is taken from :attr:`clock` (TikTok's ``Date`` header) on first use, after the advertiser
        lookup, rather than from the machine's clock when the settings were read.

        Returns:
            The day.
        """
        cfg = self.config
        if not cfg.start_date_is_default:
            return cfg.start_date
        if self._default_start is None:
            today = self.clock().astimezone(dt.timezone.utc).date()
            self._default_start = max(
                today - dt.timedelta(days=DEFAULT_HISTORY_DAYS), dt.date.fromisoformat(EARLIEST_START_DATE)
            )
        return self._default_start

    def advertisers(self) -> list[Advertiser]:
        """The run's advertisers (looked up once), noting the ones skipped as inaccessible in the summary.

        Returns:
            The advertisers to load.
        """
        found = self.directory.get()
        for adv_id, reason in self.directory.skipped.items():
            self.summary.note_skipped(adv_id, reason)
        return found

    def advertiser(self, advertiser_id: str) -> Advertiser | None:
        """One advertiser of the run (looked up with all others on first use), None if it is skipped.

        Args:
            advertiser_id: the advertiser.

        Returns:
            Its :class:`Advertiser`, or None when the token may not read it and
            ``skip_inaccessible_advertisers`` left it out.
        """
        for advertiser in self.advertisers():
            if advertiser.advertiser_id == advertiser_id:
                return advertiser
        return None

    def skips(self, err: TikTokPermissionError, table: str, advertiser_id: str) -> bool:
        """Whether to skip an advertiser whose request answered 40001 (``skip_inaccessible_advertisers``).

        Args:
            err: the permission error.
            table: the table being loaded.
            advertiser_id: the advertiser.

        Returns:
            True (after logging a warning) if the advertiser is to be skipped, False if the run must fail.
        """
        if not self.config.skip_inaccessible_advertisers:
            return False
        logger.warning(
            "tiktok_ads: skipping advertiser %s in %s: the access token may not read it (%s %s); "
            "its incremental state is left as it was",
            advertiser_id,
            table,
            err.code,
            err.message,
        )
        self.summary.note_skipped(advertiser_id, err.message)
        return True


def scheduler_interval(allowed: bool) -> tuple[dt.datetime, dt.datetime] | None:
    """The external scheduler's interval when the source may take it, else None.

    It may when ``allow_external_schedulers`` is set, or a dlt launcher switched external schedulers on
    process-wide (``DLT_ALLOW_EXTERNAL_SCHEDULERS``), and a scheduler (Airflow's ``data_interval_*``, dlt's
    ``DLT_INTERVAL_START/END``) gives one.

    Args:
        allowed: the ``allow_external_schedulers`` setting.

    Returns:
        ``(start, end)``, end exclusive, or None.
    """
    try:
        from dlt.extract.incremental.context import get_interval_context
    except ImportError:  # pragma: no cover - older dlt
        return None
    ctx = get_interval_context()
    if not (allowed or (ctx is not None and ctx.allow_external_schedulers)):
        return None
    interval = dlt.current.interval()
    return (interval[0], interval[1]) if interval is not None else None

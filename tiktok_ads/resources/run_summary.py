"""What one run did, counted while it runs, for the pipeline script's report."""

from __future__ import annotations

import collections
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tiktok_ads.windows import DateWindow

if TYPE_CHECKING:
    from tiktok_ads.api.client import TikTokClient

logger = logging.getLogger("tiktok_ads")


@dataclass
class RunSummary:
    """What one run did, for the pipeline script's report (pass one to the source to fill it).

    Attributes:
        client: the client the source used (its ``stats`` count requests and retries by reason).
        rows: rows yielded per ``(table, advertiser_id)``.
        ranges: days read per ``(table, advertiser_id)``, e.g. ``"2024-05-03..2024-05-10"``.
        skipped: advertisers left out because the token may not read them (40001, with
            ``skip_inaccessible_advertisers``): id -> TikTok's message.
    """

    client: TikTokClient | None = None
    rows: collections.Counter[tuple[str, str]] = field(default_factory=collections.Counter)
    ranges: dict[tuple[str, str], str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    marker_rows: collections.Counter[str] = field(default_factory=collections.Counter)
    _warned: set[str] = field(default_factory=set, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, table: str, advertiser_id: str, n: int) -> None:
        """Add ``n`` rows of ``table`` for ``advertiser_id``."""
        with self._lock:
            self.rows[(table, advertiser_id)] += n

    def note_range(self, table: str, advertiser_id: str, window: DateWindow | None) -> None:
        """Record the days read for ``table`` and ``advertiser_id``."""
        with self._lock:
            self.ranges[(table, advertiser_id)] = str(window) if window else "nothing to read"

    def note_skipped(self, advertiser_id: str, reason: str) -> None:
        """Record that ``advertiser_id`` was left out of this run, and why."""
        with self._lock:
            self.skipped.setdefault(advertiser_id, reason)

    def count_markers(self, table: str, n: int) -> None:
        """Add ``n`` day-marker rows yielded to ``table`` (not data: progress counts leave them out)."""
        with self._lock:
            self.marker_rows[table] += n

    def warn_once(self, message: str) -> None:
        """Log ``message`` as a warning the first time this run says it (many tables share one cause)."""
        with self._lock:
            if message in self._warned:
                return
            self._warned.add(message)
        logger.warning("tiktok_ads: %s", message)

    def rows_by_table(self) -> dict[str, int]:
        """Rows per table, all advertisers together."""
        with self._lock:
            totals: collections.Counter[str] = collections.Counter()
            for (table, _), n in self.rows.items():
                totals[table] += n
            return dict(totals)

"""TopView lists only where TopView campaigns are: each advertiser's TopView campaigns, read once per run.

``campaign/get/``, ``adgroup/get/`` and ``ad/get/`` leave TopView objects out unless ``filtering.buying_types``
is ``["RESERVATION_TOP_VIEW"]``, a value TikTok takes only alone ([TTD-camp] "Get campaigns", ``buying_types``:
default ``["AUCTION", "RESERVATION_RF"]``, "The enum value RESERVATION_TOP_VIEW cannot be combined with other
values"; the same filter on ad groups and ads: [BB] model/adgroup/get.go, the official SDK's FilteringAdGet). A
whole read of an advertiser's objects is therefore two lists per table, and most advertisers buy no TopView.

The buying type is the campaign's: a TopView campaign is a reservation campaign of its own type
(``rf_campaign_type`` ``TOPVIEW`` beside ``STANDARD`` R&F and ``PULSE``: [BB] model/campaign/campaign.go and
enum RFCampaignType), and an ad group or ad belongs to one campaign, so a TopView ad group or ad is a child of a
TopView campaign. UNSURE: no page says in so many words that an auction campaign cannot hold a TopView ad group;
the emulator gives children their campaign's buying type (``emulator/model.py``). So each advertiser's TopView
campaigns are listed once (the campaigns table's own second list, shared here with the other two tables), and
the ad groups' and ads' TopView lists are read only for an advertiser whose list holds a campaign.

Nothing is lost on the way:

- With ``include_deleted`` the campaign list asks for every status (``primary_status`` ``STATUS_ALL``), deleted
  TopView campaigns included, so the children of a deleted TopView campaign are still listed and their final
  (deleted) state lands. Without it, children of a deleted campaign are deleted too
  (``ADGROUP_STATUS_CAMPAIGN_DELETE``) and TikTok's lists leave them out anyway.
- A TopView campaign created after the campaign list was asked for, with children read by this run's auction
  lists only, would leave those children below a cursor moved past them by other objects. So when the TopView
  children were not listed, an ad group or ad cursor moves at most to the instant the campaign list was asked
  for (TikTok's clock, less :data:`CURSOR_MARGIN`): the next run keeps every child modified since, and the
  campaign it then sees makes it list them. The rows re-read are merged on their key (a no-op).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

RawPage = Sequence[dict[str, Any]]

TOP_VIEW_CHILD_ENDPOINTS = frozenset({"adgroup/get/", "ad/get/"})
"""The lists whose TopView half is read only for advertisers with a TopView campaign."""

CURSOR_MARGIN = dt.timedelta(minutes=1)
"""Kept below the instant the TopView campaign list was asked for, for a cursor that skipped TopView children.
UNSURE: how far the stamps of TikTok's objects may lag its ``Date`` header; a minute costs only re-merged rows."""


@dataclass(eq=False)
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    pages: list[RawPage] | None = None
    asked_at: dt.datetime | None = None


class TopViewCampaigns:
    """Each advertiser's TopView campaign list, read once per source instance and shared by its entity tables.

    Thread-safe: the first unit that needs an advertiser's list reads it; units asking meanwhile wait for it.

    Args:
        clock: TikTok's current instant (read when a list is asked for).
    """

    def __init__(self, clock: Callable[[], dt.datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def pages(self, advertiser_id: str, fetch: Callable[[], Iterable[RawPage]]) -> list[RawPage]:
        """The advertiser's TopView campaign pages, read by ``fetch`` on first use.

        A failed ``fetch`` raises and is not remembered (the next caller asks again).

        Args:
            advertiser_id: the advertiser.
            fetch: reads every page of its ``campaign/get/`` list with ``buying_types`` TopView.

        Returns:
            The pages (page 1 always, maybe empty).
        """
        with self._lock:
            entry = self._entries.setdefault(advertiser_id, _Entry())
        with entry.lock:
            if entry.pages is None:
                asked = self._clock()
                entry.pages = list(fetch())
                entry.asked_at = asked
            return entry.pages

    def cursor_cap(self, advertiser_id: str) -> dt.datetime | None:
        """The furthest an ad group or ad cursor of the advertiser may move when its TopView half was skipped.

        Args:
            advertiser_id: the advertiser.

        Returns:
            The instant its TopView campaign list was asked for, less :data:`CURSOR_MARGIN`, when that list held
            no campaign; None when it held one or was not read.
        """
        with self._lock:
            entry = self._entries.get(advertiser_id)
        if entry is None:
            return None
        with entry.lock:
            if entry.pages is None or entry.asked_at is None or any(entry.pages):
                return None
            return entry.asked_at.astimezone(dt.timezone.utc).replace(microsecond=0) - CURSOR_MARGIN


def capped_cursor(
    newest: dt.datetime | None, since: dt.datetime | None, cap: dt.datetime | None
) -> dt.datetime | None:
    """An entity cursor's next value, held at ``cap`` (never below the stored value ``since``).

    Args:
        newest: the largest cursor value the run saw (``since`` if none was larger).
        since: the stored cursor (None on a first load).
        cap: :meth:`TopViewCampaigns.cursor_cap` (None: no cap).

    Returns:
        The value to commit.
    """
    if cap is None or newest is None or newest <= cap:
        return newest
    return cap if since is None else max(cap, since)

"""The change log rounds of one run: what each advertiser's round found, and the lock that makes it one.

Kept apart from :mod:`tiktok_ads.resources.entity_changes` so that the run's context
(:class:`~tiktok_ads.resources.source_context.SourceContext`) can hold it without importing the module that reads it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading


@dataclasses.dataclass
class Round:
    """One advertiser's change log round: the instant it started from, and the ids it named by kind."""

    start: dt.datetime
    ids: dict[str, set[str]] | None  # None: the round failed


class ChangeLogRounds:
    """Each advertiser's round of this run, shared by its campaign, ad group and ad tables."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._rounds: dict[str, Round] = {}

    def lock(self, advertiser_id: str) -> threading.Lock:
        """The advertiser's lock: one round at a time (its three tables wait for the one round)."""
        with self._lock:
            return self._locks.setdefault(advertiser_id, threading.Lock())

    def get(self, advertiser_id: str) -> Round | None:
        """The advertiser's round so far (hold :meth:`lock`)."""
        return self._rounds.get(advertiser_id)

    def put(self, advertiser_id: str, round_: Round) -> None:
        """Remember the advertiser's round (hold :meth:`lock`)."""
        self._rounds[advertiser_id] = round_

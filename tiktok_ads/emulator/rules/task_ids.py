"""What the emulator's two task queues share: task ids, creation counts and scripted failures.

Report tasks (:mod:`.api_tasks`) and change log tasks (:mod:`.api_changelog`) both hand out ids TikTok-shaped
(19 digits, UNSURE: TikTok's ids are opaque numbers of that length), count the tasks created for tests, and
let a test make the next tasks end ``FAILED``.
"""

from __future__ import annotations

import hashlib
import threading


class TaskIds:
    """Mixed into a task queue dataclass that has ``secret``, ``_lock``, ``_serial`` and ``_fail_next``."""

    secret: str
    _lock: threading.Lock
    _serial: int
    _fail_next: int

    def fail_next(self, count: int = 1) -> None:
        """Make the next ``count`` tasks created end ``FAILED`` (tests of a client's fallback)."""
        with self._lock:
            self._fail_next += count

    @property
    def created(self) -> int:
        """Serial numbers handed out so far (tasks created, and for report tasks their download links)."""
        return self._serial

    def _new_task_id(self, kind: str, base: int) -> tuple[str, bool]:
        """A new task's id and whether it is scripted to fail; called with ``_lock`` held.

        Args:
            kind: what the id is for (part of its hash: the two queues never share an id).
            base: the id's first digits (``7_100_...`` report tasks, ``7_200_...`` change log tasks).
        """
        self._serial += 1
        digest = hashlib.sha1(f"{self.secret}:{kind}:{self._serial}".encode()).hexdigest()
        fail = self._fail_next > 0
        self._fail_next -= fail
        return str(base + int(digest[:15], 16) % 10**17), fail

"""The folder a benchmark works in: the one asked for, a kept temp dir, or a temp dir removed at the end."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path


def work_folder(stack: contextlib.ExitStack, workdir: Path | None, keep: bool, prefix: str) -> Path:
    """``workdir`` (created if missing), else a new temp dir, kept with ``keep``, else removed with ``stack``.

    Args:
        stack: the benchmark's exit stack (a temp dir that is not kept is removed when it closes).
        workdir: ``--workdir``, if given.
        keep: ``--keep``.
        prefix: the temp dir's name prefix.

    Returns:
        The folder.
    """
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        return workdir
    if keep:
        return Path(tempfile.mkdtemp(prefix=prefix))
    return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))

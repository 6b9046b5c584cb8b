"""The duckdb database file's block size, chosen when the load creates the file.

duckdb fixes a file's block size when it creates the file (its ``default_block_size`` setting, read at
connect time); dlt sets ``global_config`` only after connecting, so that setting alone never reaches the
file it loads into. :func:`prepare_database_file` creates a missing file with the configured block size
before dlt opens it (``memory_limits.py`` says why smaller blocks need less memory), and for a file created
before with larger blocks sizes the default ``memory_limit`` for those blocks.
"""

from __future__ import annotations

import os

import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbBaseCredentials

from tiktok_ads.load.memory_limits import limit_for_block_size

_NOT_FILES = (":memory:", ":external:")


def prepare_database_file(credentials: DuckDbBaseCredentials) -> None:
    """Create ``credentials``' database file with ``global_config["default_block_size"]`` blocks if it does not
    exist; if it exists with larger blocks, raise the default ``memory_limit`` in ``global_config`` to theirs.

    Does nothing without a ``default_block_size``, for an in-memory or external connection, or for a
    location that is not a local path (``md:``, ``s3://``).
    """
    config = credentials.global_config
    path = getattr(credentials, "database", None)
    if not isinstance(config, dict) or not config.get("default_block_size") or not isinstance(path, str):
        return
    if path in _NOT_FILES or getattr(credentials, "_external_conn", None) is not None or ":" in path[2:]:
        return  # a path like C:\x has its colon at index 1
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        duckdb.connect(path, config={"default_block_size": str(config["default_block_size"])}).close()
        return
    block_size = _file_block_size(path)
    if block_size is not None and (limit := limit_for_block_size(config, block_size)) is not None:
        config["memory_limit"] = limit


_BLOCK_SIZES: dict[tuple[str, int], int | None] = {}
"""Block size per database file (path and inode) seen by this process: dlt makes a client per load job, and
opening the file to ask (which replays its write-ahead log) doubled a small load's time."""


def _file_block_size(path: str) -> int | None:
    """The block size of the existing database file at ``path`` (asked once per file and process)."""
    key = (os.path.abspath(path), os.stat(path).st_ino)
    if key not in _BLOCK_SIZES:
        with duckdb.connect(path, read_only=True) as conn:
            row = conn.execute(
                "SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()"
            ).fetchone()
        _BLOCK_SIZES[key] = None if row is None else int(row[0])
    return _BLOCK_SIZES[key]

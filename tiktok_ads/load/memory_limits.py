"""Bounded memory for a run in one process: duckdb's caps, bounded load files, and Arrow's allocator.

The pipeline script (``tiktok_ads_pipeline.py``) applies these before it builds the pipeline; a library user
can call them too. Measured figures are in ``bench/README.md`` (``bench_extract_memory.py --steps``).

- **duckdb** runs inside the pipeline process. By default it may use 80 % of the machine's RAM and a thread
  per core, and a load of N rows grew the process to ~900 MB at 251k rows. :func:`apply_duckdb_limits`
  sets its ``memory_limit`` and ``threads`` (duckdb spills what does not fit to ``<database>.tmp/``) and
  ``preserve_insertion_order = false`` (duckdb's advice for loads larger than memory; dlt's merge does not
  depend on row order).
- **Load files of bounded size**: dlt writes a table's rows of one run into one parquet file unless
  ``data_writer.file_max_items`` is set, and duckdb loads a file in one statement; files of
  :data:`LOAD_FILE_ROWS` rows, loaded one after another (``load.parallelism_strategy = "sequential"``),
  keep one load step's memory independent of the run's size.
- **Arrow's allocator**: pyarrow's default (mimalloc) keeps a heap per thread that touched it; with
  ``max_concurrency`` worker threads parsing pages that kept ~130 MB more resident than the system
  allocator (glibc, whose arenas the script caps), at the same CPU.

Settings a user made in dlt's config (``destination.duckdb.credentials.global_config``,
``data_writer.file_max_items``, ``load.parallelism_strategy``) always win over these defaults.
"""

from __future__ import annotations

import json
import os
from typing import Any

import dlt
import pyarrow as pa

DUCKDB_MEMORY_LIMIT_MB = 128
"""Least default ``memory_limit`` of the embedded duckdb, in MB (setting ``duckdb_memory_limit``)."""

DUCKDB_MB_PER_COLUMN = 1.25
"""The default ``memory_limit`` grows with the widest table loaded: duckdb builds a block per column of the row
group it inserts, and a merge has two inserts going. Measured: 75 columns load in 128 MB, 187 columns need
more than 128 MB and load in 192 MB (an out-of-memory error otherwise)."""

DUCKDB_THREADS = 1
"""Default ``threads`` of the embedded duckdb (setting ``duckdb_threads``): the load step runs after extraction,
and a second thread measured more memory (each inserts its own row groups) for little wall time."""

LOAD_FILE_ROWS = 100_000
"""Rows per load file (dlt's ``data_writer.file_max_items``), so that one duckdb statement loads at most that."""

_GLOBAL_CONFIG = "destination.duckdb.credentials.global_config"


_SET_HERE: dict[str, str] = {}
"""Environment variables this module set (a second call in one process must not take them for the user's)."""


def _env_name(key: str) -> str:
    return key.upper().replace(".", "__")


def _configured(key: str) -> Any:
    """dlt's value for ``key`` from its config providers (environment, .dlt/*.toml), or None (also when the
    value is the one this module put into the environment)."""
    name = _env_name(key)
    if name in _SET_HERE and os.environ.get(name) == _SET_HERE[name]:
        del os.environ[name]  # ours: look again at what the user configured
    try:
        value: Any = dlt.config.get(key)
    except Exception:  # an unreadable value is dlt's to report when it resolves it
        return None
    return None if value in (None, "") else value


def default_memory_limit(columns: int) -> str:
    """The default duckdb ``memory_limit`` for loading tables of at most ``columns`` columns (e.g. ``"128MB"``).

    Args:
        columns: columns of the widest table of the run.

    Returns:
        A duckdb size: :data:`DUCKDB_MEMORY_LIMIT_MB`, or :data:`DUCKDB_MB_PER_COLUMN` per column rounded up
        to 16 MB, whichever is larger.
    """
    megabytes = max(DUCKDB_MEMORY_LIMIT_MB, -(-int(columns * DUCKDB_MB_PER_COLUMN) // 16) * 16)
    return f"{megabytes}MB"


def apply_duckdb_limits(
    memory_limit: str | None = None, threads: int | None = None, *, columns: int = 0
) -> dict[str, Any]:
    """Cap the embedded duckdb destination's memory and threads, and make its loads bounded in size.

    Args:
        memory_limit: duckdb's ``memory_limit`` (e.g. ``"256MB"``, ``"1GB"``); None: a value the user set in
            ``global_config`` or :func:`default_memory_limit`. Given explicitly, it wins over ``global_config``.
        threads: duckdb's ``threads``; None: the user's ``global_config`` value or :data:`DUCKDB_THREADS`.
        columns: columns of the widest table the run loads (for the default ``memory_limit``).

    Returns:
        The ``global_config`` duckdb will open its database with.

    Raises:
        ValueError: ``threads`` below 1 or an empty ``memory_limit`` (naming the setting).
    """
    if threads is not None and threads < 1:
        raise ValueError(f"duckdb_threads must be 1 or more, got {threads}")
    if memory_limit is not None and not str(memory_limit).strip():
        raise ValueError("duckdb_memory_limit must be a size such as '256MB' or '1GB'")
    user = _configured(_GLOBAL_CONFIG)
    if isinstance(user, str):
        try:
            user = json.loads(user)
        except ValueError:
            user = None
    config: dict[str, Any] = {
        "memory_limit": default_memory_limit(columns),
        "threads": DUCKDB_THREADS,
        "preserve_insertion_order": False,
    }
    config.update(user if isinstance(user, dict) else {})
    if memory_limit is not None:
        config["memory_limit"] = str(memory_limit).strip()
    if threads is not None:
        config["threads"] = threads
    _set(_GLOBAL_CONFIG, json.dumps(config))
    if _configured("data_writer.file_max_items") is None:
        _set("data_writer.file_max_items", str(LOAD_FILE_ROWS))
    if _configured("load.parallelism_strategy") is None:
        _set("load.parallelism_strategy", "sequential")
    return config


def restore_environment() -> None:
    """Take back what :func:`apply_duckdb_limits` put into the environment (the pipeline script does after a
    run, so that a process running several pipelines, e.g. a test session, sees its own configuration)."""
    for name, value in list(_SET_HERE.items()):
        if os.environ.get(name) == value:
            del os.environ[name]
        del _SET_HERE[name]


def _set(key: str, value: str) -> None:
    """Give dlt ``key`` = ``value`` through its environment provider, remembering that this module did."""
    name = _env_name(key)
    os.environ[name] = _SET_HERE[name] = value


def use_system_arrow_allocator() -> None:
    """Make pyarrow allocate with the system allocator (unless ``ARROW_DEFAULT_MEMORY_POOL`` chose one)."""
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())

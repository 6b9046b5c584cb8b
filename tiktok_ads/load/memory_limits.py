"""Bounded memory for a run in one process: duckdb's caps, bounded load files, and Arrow's allocator.

The pipeline script (``tiktok_ads_pipeline.py``) applies these before it builds the pipeline; a library user
can call them too, with the ``bounded_duckdb`` destination (``duckdb_merge.py``): the default ``memory_limit`` is
sized for the 64 KB blocks of a file it creates, and dlt's plain ``duckdb`` destination creates files of 256 KB
blocks, which need about four times that cap. Measured figures are in ``bench/README.md`` (``bench_extract_memory.py --steps``).

- **duckdb** runs inside the pipeline process. By default it may use 80 % of the machine's RAM and a thread
  per core, and a load of N rows grew the process to ~900 MB at 251k rows. :func:`apply_duckdb_limits`
  sets its ``memory_limit`` and ``threads`` (duckdb spills what does not fit to ``<database>.tmp/``) and
  ``preserve_insertion_order = false`` (duckdb's advice for loads larger than memory; dlt's merge does not
  depend on row order).
- **Block size**: duckdb holds a few blocks per column of the row group it inserts, so its memory need per
  column is proportional to the database file's block size (256 KB unless set when the file is created). A new
  database is created with :data:`DUCKDB_BLOCK_SIZE` (64 KB) blocks (``default_block_size``, applied by
  ``duckdb_file.py``), which loads ``ad_insights`` in a quarter of the memory with the same file size.
- **Load files of bounded size**: dlt writes a table's rows of one run into one parquet file unless
  ``data_writer.file_max_items`` is set, and duckdb loads a file in one statement; files of
  :data:`LOAD_FILE_ROWS` rows, loaded one after another (``load.parallelism_strategy = "sequential"``),
  keep one load step's memory independent of the run's size.
- **Arrow's allocator**: pyarrow's default (mimalloc) keeps a heap per thread that touched it; with
  ``max_concurrency`` worker threads parsing pages that kept ~130 MB more resident than the system
  allocator (glibc, whose arenas the script caps), at the same CPU.

Settings a user made in dlt's config (``destination.duckdb.credentials.global_config``, e.g. its
``default_block_size`` or ``memory_limit``,
``data_writer.file_max_items``, ``load.parallelism_strategy``) always win over these defaults.
"""

from __future__ import annotations

import json
import os
from typing import Any

import dlt
import pyarrow as pa

DUCKDB_BLOCK_SIZE = 65_536
"""Block size in bytes of a database file the load creates (duckdb's ``default_block_size``; duckdb's own
default is 262144). Measured on 251k ``ad_insights`` rows (106 columns, ``bench/README.md`` sixth pass): the
same file size (78 MB against 84 MB), and the load fits in 48 MB of ``memory_limit`` instead of 144 MB. 32 KB
blocks made the file three times larger."""

DUCKDB_MEMORY_LIMIT_MB = 48
"""Least default ``memory_limit`` of the embedded duckdb, in MB (setting ``duckdb_memory_limit``), at
:data:`DUCKDB_BLOCK_SIZE` blocks; it scales with a database file's block size."""

DUCKDB_MB_PER_COLUMN = 0.5
"""The default ``memory_limit`` grows with the widest table loaded: duckdb holds a few blocks per column of the
row group it inserts. Measured at 64 KB blocks: 106 columns load in 48 MB (at 256 KB blocks: 75 columns in
128 MB, 187 columns failed at 128 MB and loaded in 192 MB); 0.5 MB per column at 64 KB blocks leaves a margin
over both. Scaled with the block size, as :data:`DUCKDB_MEMORY_LIMIT_MB`."""

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


_DEFAULT_LIMIT: dict[str, Any] = {}
"""The ``memory_limit`` this module chose last and the columns it was sized for (``duckdb_file.py`` sizes it again
for a database file of larger blocks; a limit the user set stays)."""


def default_memory_limit(columns: int, block_size: int = DUCKDB_BLOCK_SIZE) -> str:
    """The default duckdb ``memory_limit`` for loading tables of at most ``columns`` columns (e.g. ``"64MB"``).

    Args:
        columns: columns of the widest table of the run.
        block_size: the database file's block size in bytes (memory per column grows with it).

    Returns:
        A duckdb size: :data:`DUCKDB_MEMORY_LIMIT_MB`, or :data:`DUCKDB_MB_PER_COLUMN` per column, whichever is
        larger, both scaled by ``block_size`` / :data:`DUCKDB_BLOCK_SIZE` and rounded up to 16 MB.
    """
    scale = max(block_size, 1) / DUCKDB_BLOCK_SIZE
    needed = max(DUCKDB_MEMORY_LIMIT_MB, columns * DUCKDB_MB_PER_COLUMN) * scale
    return f"{-(-int(needed) // 16) * 16}MB"


def limit_for_block_size(config: dict[str, Any], block_size: int) -> str | None:
    """The ``memory_limit`` for a database file of ``block_size`` blocks, when ``config``'s is this module's
    default for smaller blocks (a file created before with duckdb's 256 KB blocks); None: keep ``config``'s."""
    ours = _DEFAULT_LIMIT.get("memory_limit")
    if ours is None or config.get("memory_limit") != ours or block_size <= _block_size(config):
        return None
    return default_memory_limit(_DEFAULT_LIMIT["columns"], block_size)


def _block_size(config: dict[str, Any]) -> int:
    """The block size ``config`` creates database files with (duckdb's own default without the setting)."""
    try:
        return int(config.get("default_block_size") or 262_144)
    except (TypeError, ValueError):  # duckdb reports a bad value when it applies it
        return 262_144


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
    user = user if isinstance(user, dict) else {}
    config: dict[str, Any] = {
        "threads": DUCKDB_THREADS,
        "preserve_insertion_order": False,
        "default_block_size": DUCKDB_BLOCK_SIZE,
        **user,
    }
    default = default_memory_limit(columns, _block_size(config))
    config = {"memory_limit": default, **config}
    if memory_limit is not None:
        config["memory_limit"] = str(memory_limit).strip()
    if threads is not None:
        config["threads"] = threads
    _DEFAULT_LIMIT.clear()
    if config["memory_limit"] == default:
        _DEFAULT_LIMIT.update(memory_limit=default, columns=columns)
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

"""Hermetic tests: what dlt could read from the machine running the suite is hidden from every test.

After the README's ``auth`` step, a checkout holds ``.dlt/secrets.toml`` (access token, app id, secret), a
user may have ``~/.dlt/`` and ``SOURCES__*``/``DESTINATION__*``/``RUNTIME__*`` variables set; dlt reads them
all. The autouse fixture of ``conftest.py`` (:func:`isolate`) gives each test, instead:

- an environment without dlt settings (:func:`is_dlt_setting`), telemetry off, and ``HOME`` an empty folder
  (so a subprocess's ``~/.dlt`` is empty too), ``DLT_DATA_DIR`` inside it (pipelines default there);
- in this process, a dlt run context whose settings folder (instead of ``./.dlt``) and global folder are empty,
  so dlt's config providers, which it builds once and caches, read neither the checkout's ``.dlt/`` nor
  ``~/.dlt``.

A test that wants a setting sets it itself (``monkeypatch.setenv``, a ``.dlt/`` in its ``tmp_path``, ...).
The few values a test may take from the machine are read from :data:`ENV_AT_START`, captured when
``conftest.py`` imports this module, before any test runs (``DESTINATION__POSTGRES__CREDENTIALS``, which
``.ci/run`` exports for ``tests/dlt_integration/test_destinations.py``).

Known limit: run as root, dlt's global folder is ``/var/dlt`` and no variable moves it, so a subprocess (the
pipeline script run by a test) would still read ``/var/dlt/*.toml``; this process does not.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ENV_AT_START: Mapping[str, str] = dict(os.environ)
"""The environment as the suite started (before any test or fixture changed it)."""
CWD_AT_START = os.getcwd()
"""The working directory the suite started in (where dlt would read ``.dlt/`` from)."""

_SECTIONED = re.compile(r"^[A-Z0-9][A-Z0-9_]*__")
"""dlt's environment names of sectioned settings: ``SOURCES__TIKTOK_ADS__ACCESS_TOKEN``, ``RUNTIME__LOG_LEVEL``,
``TIKTOK_ADS__DESTINATION__...`` (pipeline-scoped) ... (names starting with ``_``, like ``__CF_USER_TEXT_ENCODING``,
are no dlt settings)."""

_PIPELINE_KEYS = frozenset(
    {
        "CREDENTIALS",
        "DATASET_NAME",
        "DESTINATION_NAME",
        "DESTINATION_TYPE",
        "DEV_MODE",
        "EXPORT_SCHEMA_PATH",
        "IMPORT_SCHEMA_PATH",
        "LOG_LEVEL",
        "PIPELINE_NAME",
        "PIPELINES_DIR",
        "PROGRESS",
        "RESTORE_FROM_DESTINATION",
        "STAGING_NAME",
    }
)
"""Unsectioned names dlt (and the script's ``_pipeline_setting``) fall back to for pipeline settings."""


@functools.cache
def _source_keys() -> frozenset[str]:
    """The source's settings as unsectioned names: dlt falls back from ``SOURCES__TIKTOK_ADS__SECRET`` to
    ``SOURCES__SECRET`` and ``SECRET``."""
    from tiktok_ads import tiktok_ads

    return frozenset(name.upper() for name in inspect.signature(tiktok_ads).parameters)


def is_dlt_setting(name: str) -> bool:
    """Whether the environment variable ``name`` could change what dlt, the source or the script do.

    Args:
        name: an environment variable's name.

    Returns:
        True for dlt's sectioned settings (``X__Y``), its own variables (``DLT_*``), the unsectioned names of
        pipeline and source settings, and the crash-point hook ``TIKTOK_ADS_TEST_*``.
    """
    return (
        bool(_SECTIONED.match(name))
        or name.startswith(("DLT_", "TIKTOK_ADS_TEST_"))
        or name in _PIPELINE_KEYS
        or name in _source_keys()
    )


def hermetic_environ(environ: Mapping[str, str], home: Path) -> dict[str, str]:
    """``environ`` without dlt settings, with ``HOME`` = ``home``, dlt's data in ``home/.dlt``, telemetry off.

    Args:
        environ: an environment (e.g. ``os.environ``).
        home: an empty folder to serve as the home directory.

    Returns:
        The new environment.
    """
    env = {k: v for k, v in environ.items() if not is_dlt_setting(k) and k != "XDG_DATA_HOME"}
    env.update(
        HOME=str(home),
        DLT_DATA_DIR=str(home / ".dlt"),
        RUNTIME__DLTHUB_TELEMETRY="false",
    )
    return env


@contextmanager
def empty_dlt_context(settings_dir: Path, global_dir: Path) -> Iterator[None]:
    """Run the block with dlt's config read from ``settings_dir`` and ``global_dir`` only (and the
    environment), whatever the working directory and the user's home; the previous context comes back after.

    dlt builds its config providers (environment, ``secrets.toml``, ``config.toml``) once per run context and
    caches them, so changing directory or ``HOME`` alone would not change what it reads. Everything else is
    dlt's default context: the working directory stays the run and local folder (a duckdb file lands there).

    Args:
        settings_dir: instead of ``./.dlt``.
        global_dir: instead of ``~/.dlt`` (``/var/dlt`` as root); also the data folder if ``DLT_DATA_DIR`` is
            unset.
    """
    from dlt.common.runtime.run_context import RunContext, switched_run_context

    class HermeticRunContext(RunContext):
        @property
        def settings_dir(self) -> str:
            return str(settings_dir)

    context = HermeticRunContext(None)
    context._global_dir = str(global_dir)  # dlt's hook for it: read before global_dir()
    with switched_run_context(context):
        yield


def _machine_pipelines_dir() -> Path:
    """dlt's default pipelines folder on this machine as the suite starts (``~/.dlt/pipelines``,
    ``/var/dlt/pipelines`` as root), before any test moves ``HOME`` or ``DLT_DATA_DIR``."""
    from dlt.common.pipeline import get_dlt_pipelines_dir

    return Path(get_dlt_pipelines_dir())


MACHINE_PIPELINES_DIR = _machine_pipelines_dir()
"""Where a run without ``pipelines_dir`` keeps its state: the user's, shared by every checkout (and the demo)."""


def pipelines_written_from(folder: Path, pipelines_dir: Path = MACHINE_PIPELINES_DIR) -> list[str]:
    """The pipelines in ``pipelines_dir`` whose first run was in ``folder`` or below (dlt's ``initial_cwd``).

    A test's pipeline there is a leak out of the test into the user's state: it once left a pipeline whose
    duckdb folder was then deleted, and the next ``--demo`` on the machine failed. Other runs on the machine
    (a user's, a demo) have another ``initial_cwd`` and are not counted.

    Args:
        folder: the suite's temporary folder (pytest's base temp).
        pipelines_dir: the folder to look in.

    Returns:
        ``"<pipeline> (first run in <initial_cwd>)"`` for each such pipeline, sorted.
    """
    import json

    found = []
    for state in sorted(pipelines_dir.glob("*/state.json")) if pipelines_dir.is_dir() else []:
        try:
            initial = json.loads(state.read_text())["_local"]["initial_cwd"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if Path(initial).resolve().is_relative_to(folder.resolve()):
            found.append(f"{state.parent.name} (first run in {initial})")
    return found

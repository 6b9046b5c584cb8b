"""A pipeline whose embedded duckdb file is gone starts afresh instead of failing or loading half a history.

dlt keeps a pipeline's state in its pipelines folder (``/var/dlt/pipelines`` as root, ``~/.dlt/pipelines``
otherwise), shared by every checkout on the machine, and puts the default duckdb file in the folder of the
pipeline's *first* run (``initial_cwd`` in the local state), not in the current one. Two things then go wrong
for a user who deleted that folder or its ``tiktok_ads.duckdb`` (a removed clone, a cleaned-up demo):

- the folder is gone: every later run fails with duckdb's "Cannot open file ... No such file or directory",
  whatever folder it is started from (seen on this project's own machine: a deleted test folder broke
  ``--demo`` in a fresh clone);
- only the file is gone: dlt creates an empty database there and the stored incremental state makes the run
  load only the days after its cursors, so the new file silently lacks the history.

:func:`drop_if_duckdb_lost` detects both before the run (the pipeline has run before and its resolved
default duckdb path does not exist), drops the pipeline's local state with dlt's own ``Pipeline.drop()`` and
says so; the run then loads everything from ``start_date`` into ``tiktok_ads.duckdb`` of the current folder.
Nothing is lost by that: the data the state described is already gone. A duckdb path the user configured
(``destination.duckdb.credentials``) is left alone, as are other destinations.
"""

from __future__ import annotations

import os
from typing import Any

import dlt


def lost_duckdb_file(pipeline: dlt.Pipeline) -> str | None:
    """The default duckdb file earlier runs of ``pipeline`` loaded into, if it no longer exists; else None.

    Args:
        pipeline: a pipeline whose destination is (a factory of) dlt's duckdb.

    Returns:
        The missing file's path, or None (first run, a configured path, the file exists, another destination).
    """
    if pipeline.first_run or pipeline.destination is None:
        return None
    if pipeline.destination.destination_type != "dlt.destinations.duckdb":
        return None
    try:
        initial_cwd = pipeline.get_local_state_val("initial_cwd")
    except KeyError:
        return None
    try:
        credentials = pipeline.destination_client().config.credentials
    except Exception:  # a configuration dlt cannot resolve: the run itself reports it in full
        return None
    database = getattr(credentials, "database", None)
    default = os.path.join(str(initial_cwd), f"{pipeline.pipeline_name}.duckdb")
    if not isinstance(database, str) or os.path.abspath(database) != os.path.abspath(default):
        return None  # the user's own path (or :memory:): theirs to manage
    return None if os.path.exists(database) else database


def drop_if_duckdb_lost(pipeline: dlt.Pipeline, out: Any) -> bool:
    """Drop ``pipeline``'s local state if its duckdb file is gone (:func:`lost_duckdb_file`), saying so.

    The caller builds the pipeline again, with a new destination factory: dlt binds the folder of the
    duckdb file into the factory the pipeline was made with.

    Args:
        pipeline: the pipeline about to run.
        out: a text stream to say what was done (the script's stderr).

    Returns:
        Whether the state was dropped (no cursors, no pending packages are left).
    """
    missing = lost_duckdb_file(pipeline)
    if missing is None:
        return False
    pipeline.drop()
    print(
        f"Note: earlier runs of pipeline '{pipeline.pipeline_name}' loaded into {missing}, which no longer "
        "exists; its stored state (incremental cursors) is dropped and this run loads everything from "
        f"start_date into {pipeline.pipeline_name}.duckdb in this folder.",
        file=out,
    )
    return True

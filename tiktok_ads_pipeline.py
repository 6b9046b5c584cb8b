"""Load a TikTok Ads account into a warehouse with dlt (pipeline name ``tiktok_ads``).

Try it without a TikTok account (starts a local TikTok API emulator and loads into duckdb)::

    python tiktok_ads_pipeline.py --demo
    dlt pipeline tiktok_ads show

With a real account, put the token in ``.dlt/secrets.toml`` (see ``.dlt/example.secrets.toml``) or the
environment, then::

    export SOURCES__TIKTOK_ADS__ACCESS_TOKEN=...
    python tiktok_ads_pipeline.py --advertiser-ids 7002238017842757633 --start-date 2024-01-01
    python tiktok_ads_pipeline.py --destination bigquery --dataset-name tiktok_ads
    python tiktok_ads_pipeline.py --tables ad_insights,ads --end-date 2024-03-31   # backfill

Run ``python tiktok_ads_pipeline.py --help`` for every option. Exit status: 0 on success, 1 when the run
failed (nothing was changed), 2 for a usage or configuration problem.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import sys
import textwrap
import time
import traceback
from collections.abc import Sequence
from typing import Any

import dlt
from dlt.common.configuration.exceptions import (
    ConfigFieldMissingException,
    ConfigValueCannotBeCoercedException,
)
from dlt.common.destination import Destination
from dlt.common.runtime.collector import NULL_COLLECTOR
from dlt.pipeline.exceptions import PipelineStepFailed

from tiktok_ads import RunSummary, tiktok_ads
from tiktok_ads.api.redaction import redact
from tiktok_ads.errors import (
    ConfigError,
    TikTokAdsError,
    TikTokAPIError,
    find_in_chain,
    find_tiktok_error,
)
from tiktok_ads.load.duckdb_merge import bounded_duckdb
from tiktok_ads.load.memory_limits import (
    DUCKDB_MB_PER_COLUMN,
    DUCKDB_MEMORY_LIMIT_MB,
    DUCKDB_THREADS,
    apply_duckdb_limits,
    restore_environment,
    use_system_arrow_allocator,
)
from tiktok_ads.tables.registry import TABLES
from tiktok_ads.tables.report_grid import ALL_TABLES, GRID_TABLES
from tiktok_ads_cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tiktok_ads_cli.auth_command import run_auth
from tiktok_ads_cli.lost_duckdb import drop_if_duckdb_lost
from tiktok_ads_cli.progress import PROGRESS_CHOICES, DataRowsCollector, make_collector
from tiktok_ads_cli.run_report import RunReport, format_run_report
from tiktok_ads_cli.source_options import add_setting_options, json_problem, settings_from_args

PIPELINE_NAME = "tiktok_ads"
DEFAULT_DATASET = "tiktok_ads_data"
DEMO_DATASET = "tiktok_ads_demo"

NO_CREDENTIALS_MESSAGE = """\
No TikTok access token is configured, so there is nothing to load.

Set the token (and the advertiser ids) in one of these ways:
  * environment variables:
      export SOURCES__TIKTOK_ADS__ACCESS_TOKEN="<your long-lived access token>"
      export SOURCES__TIKTOK_ADS__ADVERTISER_IDS="7002238017842757633,7001035076276387841"
  * or copy .dlt/example.secrets.toml to .dlt/secrets.toml and fill in
      [sources.tiktok_ads] access_token = "..."
    (advertiser_ids and the other settings are documented in .dlt/config.toml)

With app_id and secret set as well, advertiser_ids may be left empty to load every advertiser
the token can read.

Or let the script get the token: authorize your app for the advertiser account, then run
  python tiktok_ads_pipeline.py auth --app-id <APP_ID>
which exchanges the auth code for the token and stores it in .dlt/secrets.toml (see README.md).

To try the pipeline without a TikTok account, run the demo against a local TikTok emulator:
  python tiktok_ads_pipeline.py --demo
"""

USAGE = """\
%(prog)s [--demo] [options]
       %(prog)s auth [--app-id ID] [--auth-code CODE] [--base-url URL | --sandbox]
       (store the access token first: %(prog)s auth --help)"""


def build_parser() -> argparse.ArgumentParser:
    """The command line of the pipeline script.

    Returns:
        The argument parser.
    """
    parser = argparse.ArgumentParser(
        prog="tiktok_ads_pipeline.py",
        usage=USAGE,
        allow_abbrev=False,  # `--start` must not silently mean `--start-date`
        description=textwrap.fill(
            "Replicate a TikTok Ads account (Business API v1.3) into a warehouse with dlt: advertisers, "
            "campaigns, adgroups, ads and five daily reports, merged on their keys. Settings not given on "
            "the command line come from .dlt/config.toml, .dlt/secrets.toml or SOURCES__TIKTOK_ADS__* "
            "environment variables.",
            width=90,
        ),
        epilog=textwrap.dedent(
            """\
            examples:
              python tiktok_ads_pipeline.py --demo
                  load a small emulated account into duckdb (no TikTok account needed)
              python tiktok_ads_pipeline.py auth --app-id 7100000000000000000
                  exchange an auth code for the access token and store it in .dlt/secrets.toml
                  (asks for the secret and the code; see: python tiktok_ads_pipeline.py auth --help)
              python tiktok_ads_pipeline.py
                  incremental load with the settings from .dlt/ and the environment
              python tiktok_ads_pipeline.py --advertiser-ids 7002238017842757633 --start-date 2024-01-01
              python tiktok_ads_pipeline.py --tables ad_insights,campaigns --attribution-window-days 28
              python tiktok_ads_pipeline.py --start-date 2024-01-01 --end-date 2024-03-31
                  backfill: reload Q1 2024 and leave the incremental state alone
              python tiktok_ads_pipeline.py --destination bigquery --dataset-name tiktok_ads
                  (destination credentials go to .dlt/secrets.toml, see .dlt/example.secrets.toml)
              DESTINATION__POSTGRES__CREDENTIALS=postgresql://loader:pw@db:5432/analytics \\
                python tiktok_ads_pipeline.py --destination postgres --progress log
              SOURCES__TIKTOK_ADS__MAX_QPS=20 python tiktok_ads_pipeline.py --quiet
                  a higher API tier (any setting as an env var); prints nothing unless it fails (cron)
              python tiktok_ads_pipeline.py --tables ad_insights --refresh drop_resources
                  reload ad_insights from start_date (drops that table and its state first)
              python tiktok_ads_pipeline.py --demo --max-qps 5 --page-size 100 --progress tqdm
                  watch a slower run with a progress bar
            """
        )
        + "\n"
        + textwrap.fill("tables: " + ", ".join(TABLES), width=90, subsequent_indent="  ")
        + "\n"
        + textwrap.fill(
            "report grid (opt-in with --tables): " + ", ".join(GRID_TABLES), width=90, subsequent_indent="  "
        )
        + f"\n\nafterwards: dlt pipeline {PIPELINE_NAME} show   (browse the loaded tables)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo", action="store_true", help="start a local TikTok API emulator and load from it into duckdb"
    )
    add_pipeline_options(parser)
    settings = parser.add_argument_group(
        "source settings",
        textwrap.fill(
            "One option per setting of [sources.tiktok_ads] in .dlt/config.toml (or the environment variable "
            "SOURCES__TIKTOK_ADS__<NAME>); an option given here wins. The secrets access_token and secret "
            "have no option (a command line is visible to other users): use .dlt/secrets.toml or the "
            "environment.",
            width=90,
        ),
    )
    add_setting_options(settings)
    parser.add_argument("--traceback", action="store_true", help="print the full traceback on failure")
    return parser


def add_pipeline_options(parser: argparse.ArgumentParser) -> None:
    """The dlt options: destination, dataset, working directory, file format, refresh, progress.

    Each is named like dlt's own argument; the destination, the dataset and the progress can also come from
    dlt's config (``DESTINATION_TYPE``, ``PIPELINES__TIKTOK_ADS__DATASET_NAME`` or ``DATASET_NAME``,
    ``PROGRESS``, or the same keys in .dlt/config.toml).

    Args:
        parser: the script's parser.
    """
    group = parser.add_argument_group("pipeline (dlt)")
    group.add_argument(
        "--destination",
        default=None,
        help="dlt destination: duckdb, postgres, bigquery, snowflake ... (default: duckdb; credentials in "
        ".dlt/secrets.toml or DESTINATION__<NAME>__CREDENTIALS)",
    )
    group.add_argument(
        "--dataset-name",
        default=None,
        help=f"dataset (schema) to load into (default: {DEFAULT_DATASET}; {DEMO_DATASET} with --demo)",
    )
    group.add_argument(
        "--pipelines-dir",
        default=None,
        help="dlt's working folder for the pipeline's state and load packages (default: "
        f"{_default_pipelines_dir()})",
    )
    group.add_argument(
        "--loader-file-format",
        choices=("parquet", "csv", "insert_values", "jsonl"),
        default=None,
        help="file format dlt loads with (default: parquet on duckdb, csv on postgres, else the "
        "destination's preferred one)",
    )
    group.add_argument(
        "--refresh",
        choices=("drop_sources", "drop_resources", "drop_data"),
        default=None,
        help="start over: drop_sources drops every table and the incremental state of this source (a full "
        "refresh); drop_resources only the selected --tables; drop_data empties them and resets their state",
    )
    group.add_argument(
        "--dev-mode",
        action="store_true",
        default=None,
        help="dlt's dev mode: load into a new dataset with a timestamp suffix, starting from scratch",
    )
    group.add_argument(
        "--progress",
        choices=PROGRESS_CHOICES,
        default=None,
        help="progress: auto (default) is a tqdm bar when stderr is a terminal, else log lines on "
        "stdout (per dlt step, every 10 s); none shows nothing",
    )
    group.add_argument(
        "--duckdb-memory-limit",
        default=None,
        help=f"duckdb destination: memory_limit of the embedded database, e.g. 512MB, 2GB (default "
        f"{DUCKDB_MEMORY_LIMIT_MB}MB, or {DUCKDB_MB_PER_COLUMN:g} MB per column of the widest table; what does "
        "not fit spills to disk)",
    )
    group.add_argument(
        "--duckdb-threads",
        type=int,
        default=None,
        help=f"duckdb destination: threads of the embedded database (default {DUCKDB_THREADS})",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress and no summary; errors still go to stderr and the exit status tells",
    )


def _default_pipelines_dir() -> str:
    """dlt's own default for ``pipelines_dir`` (``~/.dlt/pipelines``, ``/var/dlt/pipelines`` as root ...)."""
    from dlt.common.pipeline import get_dlt_pipelines_dir

    try:
        return get_dlt_pipelines_dir()
    except Exception:  # an unreadable .dlt/ is reported by check_config_files, not by --help
        return "dlt's pipelines folder (~/.dlt/pipelines; /var/dlt/pipelines as root)"


def check_config_files() -> str | None:
    """A message naming the file and the TOML error if ``config.toml`` or ``secrets.toml`` dlt reads is broken.

    dlt reads them lazily, at the first setting it looks up, and every later lookup fails the same way (or,
    in the script, is reported as something else); so the files are checked once up front, where dlt looks
    for them: the project's settings folder (``.dlt/``) and dlt's global folder (``~/.dlt``, as root
    ``/var/dlt``).

    Returns:
        The message, or None when every such file present is valid TOML.
    """
    from dlt.common.configuration.providers.toml import TomlProviderReadException
    from dlt.common.runtime import run_context

    try:
        context = run_context.active()  # may read the files itself, on first use
        folders = [context.settings_dir, context.global_dir]
    except TomlProviderReadException as err:
        folders = [os.path.dirname(path) for path in err.full_paths]
    paths = [
        os.path.join(folder, name)
        for folder in dict.fromkeys(folders)
        for name in ("config.toml", "secrets.toml")
    ]
    problems = [f"{path}: {problem}" for path, problem in _toml_problems(paths)]
    if not problems:
        return None
    return (
        f"Configuration error: not valid TOML: {'; '.join(problems)}. Fix the file (a TOML string needs "
        'both quotes: key = "value"), or move it away.'
    )


def _toml_problems(paths: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, TOML error)`` of each existing file among ``paths`` that does not parse."""
    import tomlkit

    problems = []
    for path in paths:
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    tomlkit.parse(f.read())
            except Exception as exc:  # tomlkit's ParseError, or a file that is not UTF-8
                problems.append((os.path.abspath(path), str(exc)))
    return problems


def _pipeline_setting(key: str) -> Any:
    """dlt's setting ``pipelines.tiktok_ads.<key>``, else ``<key>``, from .dlt/config.toml or the environment."""
    for name in (f"pipelines.{PIPELINE_NAME}.{key}", key):
        value: Any
        try:
            value = dlt.config.get(name)
        except Exception:
            value = None
        if value not in (None, ""):
            return value
    return None


def _source_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Source arguments given on the command line (the rest is resolved by dlt from config)."""
    return settings_from_args(args)


def _check_destination(name: str) -> str | None:
    """An error message if ``name`` is not a dlt destination, else None."""
    try:
        Destination.from_reference(name)
    except Exception:
        return (
            f"--destination: {name!r} is not a dlt destination. Use e.g. duckdb, bigquery, snowflake or postgres "
            '(and install its extra: pip install "dlt[bigquery]").'
        )
    return None


def _normalized_dataset(name: str) -> str:
    """The dataset name as dlt will create it (snake_case), saying so once when it differs from ``name``.

    dlt would otherwise log its own multi-line warning for the name and again for its staging dataset.
    """
    from dlt.common.normalizers.naming.snake_case import NamingConvention

    normalized = NamingConvention().normalize_identifier(name)
    if normalized != name:
        print(
            f"Note: the dataset {name!r} is created as {normalized!r} (dlt's naming rules).", file=sys.stderr
        )
    return normalized


def _duckdb_limits(args: argparse.Namespace, columns: int = 0) -> str | None:
    """Cap the embedded duckdb's memory and threads (``duckdb_memory_limit``, ``duckdb_threads``: option, else
    ``pipelines.tiktok_ads.<name>`` or ``<name>`` in dlt's config); an error message for a bad value.
    ``columns``: of the widest table loaded (the default memory limit grows with it)."""
    if args.destination != "duckdb":
        return None
    memory_limit = args.duckdb_memory_limit or _pipeline_setting("duckdb_memory_limit")
    threads: Any = (
        args.duckdb_threads if args.duckdb_threads is not None else _pipeline_setting("duckdb_threads")
    )
    try:
        apply_duckdb_limits(
            str(memory_limit) if memory_limit is not None else None,
            int(threads) if threads is not None else None,
            columns=columns,
        )
    except (TypeError, ValueError) as err:
        text = (
            str(err) if "duckdb_" in str(err) else f"duckdb_threads must be a whole number, got {threads!r}"
        )
        return f"Configuration error: {text}."
    return None


def _destination(name: str) -> Any:
    """The destination to load into: for duckdb, dlt's with a merge whose memory does not grow with the load
    (``tiktok_ads/load/duckdb_merge.py``), else the name for dlt to resolve."""
    return bounded_duckdb() if name == "duckdb" else name


def _loader_file_format(destination: str) -> Any:
    """Parquet for duckdb (an order of magnitude faster than its default INSERT files), csv for postgres
    (COPY: about 3x faster to load than INSERT statements), else dlt's default."""
    if destination in ("duckdb", "motherduck", "ducklake"):
        return "parquet"
    return "csv" if destination == "postgres" else None


def _print_summary(
    pipeline: dlt.Pipeline, summary: RunSummary, out: Any, seconds: float | None = None
) -> None:
    """The end-of-run table: rows per table and advertiser, requests and retries, time per step."""
    counts = summary.rows_by_table()
    trace = pipeline.last_trace
    normalize_info = trace.last_normalize_info if trace else None
    if normalize_info is not None:
        for table, n in normalize_info.row_counts.items():
            if not table.startswith("_dlt") and table not in counts:
                counts[table] = max(0, n - summary.marker_rows.get(table, 0))
    in_schema: Any = pipeline.default_schema.tables if pipeline.default_schema_name else {}
    shown = [t for t in ALL_TABLES if t in counts or t in in_schema] + sorted(set(counts) - set(ALL_TABLES))
    steps: dict[str, float] = {}
    for step in trace.steps if trace else []:
        if step.step in ("extract", "normalize", "load") and step.finished_at is not None:
            steps[step.step] = (
                steps.get(step.step, 0.0) + (step.finished_at - step.started_at).total_seconds()
            )
    report = RunReport(
        destination=pipeline.destination.destination_name,
        dataset=pipeline.dataset_name,
        table_rows={t: counts.get(t, 0) for t in shown},
        rows=dict(summary.rows),
        requests=summary.client.stats.summary() if summary.client is not None else None,
        seconds=seconds,
        step_seconds=steps,
    )
    print(format_run_report(report), file=out)
    print(f"Explore the data: dlt pipeline {PIPELINE_NAME} show", file=out)


def explain_failure(exc: BaseException) -> tuple[str, int]:
    """A one-paragraph message and exit code for an exception raised by a run.

    Args:
        exc: what ``pipeline.run`` (or the source) raised.

    Returns:
        ``(message, exit_code)``.
    """
    ours = find_tiktok_error(exc)
    unchanged = (
        "Nothing was changed: the destination and the incremental state are as they were before this run."
    )
    if isinstance(ours, ConfigError):
        return f"Configuration error: {ours}", EXIT_USAGE
    if isinstance(ours, TikTokAPIError):
        step = f" during {exc.step}" if isinstance(exc, PipelineStepFailed) else ""
        return f"The run failed{step}: {ours}. {unchanged} Fix the cause and run again.", EXIT_FAILED
    if isinstance(ours, TikTokAdsError):
        return f"The run failed: {ours}. {unchanged}", EXIT_FAILED
    missing = find_in_chain(exc, ConfigFieldMissingException)
    if missing is not None:
        fields = ", ".join(missing.fields)
        spec = str(missing.spec_name).lower().replace("_", "")
        if "accesstoken" in {f.lower().replace("_", "") for f in missing.fields} and "tiktokads" in spec:
            return NO_CREDENTIALS_MESSAGE, EXIT_USAGE
        return (
            f"Missing setting(s) {fields} for {missing.spec_name}. If these are destination credentials, "
            "put them in .dlt/secrets.toml (see .dlt/example.secrets.toml) or the matching DESTINATION__* "
            "environment variables.",
            EXIT_USAGE,
        )
    coerce = find_in_chain(exc, ConfigValueCannotBeCoercedException)
    if coerce is not None:
        if coerce.hint is not None and _expects_mapping(coerce.hint):
            value = coerce.field_value
            problem = json_problem(value) if isinstance(value, str) else f"a {type(value).__name__}"
            return (
                f"Configuration error: sources.tiktok_ads.{coerce.field_name}: expected a JSON object, e.g. "
                f'{{"ad_insights": ["spend", "clicks"]}}; {value!r} is {problem or "not one"}.',
                EXIT_USAGE,
            )
        return (
            f"Configuration error: sources.tiktok_ads.{coerce.field_name}: {coerce.field_value!r} cannot be "
            f"read as {getattr(coerce.hint, '__name__', coerce.hint)}.",
            EXIT_USAGE,
        )
    if isinstance(exc, PipelineStepFailed):
        cause = exc.__cause__ or exc.__context__ or exc
        detail = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        if exc.step in ("normalize", "load"):
            return (
                f"The run failed while dlt {exc.step}ed the data: {detail}. The extracted data is kept as a "
                f"pending load package; the next run retries it first (inspect it with "
                f"`dlt pipeline {PIPELINE_NAME} failed-jobs`, or discard it with "
                f"`dlt pipeline {PIPELINE_NAME} abort-packages`).",
                EXIT_FAILED,
            )
        return f"The run failed during {exc.step}: {detail}. {unchanged}", EXIT_FAILED
    return f"The run failed: {type(exc).__name__}: {exc}", EXIT_FAILED


def _expects_mapping(hint: Any) -> bool:
    """Whether a setting's type hint is a mapping (dlt's coercion of a str to it means JSON)."""
    import typing

    from dlt.common.typing import extract_inner_type

    inner = extract_inner_type(hint)
    origin = typing.get_origin(inner) or inner
    return isinstance(origin, type) and issubclass(origin, (dict, typing.Mapping))


def drop_normalized_leftovers(pipeline: dlt.Pipeline) -> list[str]:
    """Remove extracted packages that dlt had already normalized when the process was killed.

    dlt's normalize commits a package by renaming it into the load folder, then deletes its extracted copy.
    A kill (SIGKILL, out of memory, a lost VM) between the two leaves the copy behind, often half deleted,
    and every later run fails on it ("No such file or directory ... new_jobs"). Its data is safe in the
    normalized (or loaded) package with the same load id, so the copy goes.

    Args:
        pipeline: the pipeline.

    Returns:
        The load ids whose leftover copy was removed.
    """
    extracted = set(pipeline.list_extracted_load_packages())
    if not extracted:
        return []
    done = sorted(
        extracted
        & (set(pipeline.list_normalized_load_packages()) | set(pipeline.list_completed_load_packages()))
    )
    storage = pipeline._get_normalize_storage()  # dlt has no public call to drop one extracted package
    for load_id in done:
        storage.extracted_packages.delete_package(load_id)
    return done


def finish_pending(pipeline: dlt.Pipeline, out: Any = None) -> None:
    """Load the packages an interrupted run left behind (killed while dlt normalized or loaded).

    ``pipeline.run(source)`` would load only those and return without extracting, so this run would
    silently bring nothing new; finishing them first lets the run that follows extract as usual.

    Args:
        pipeline: the pipeline about to run.
        out: where to say so (default: the current ``sys.stdout``).
    """
    out = sys.stdout if out is None else out
    drop_normalized_leftovers(pipeline)
    if not pipeline.has_pending_data:
        return
    count = len(pipeline.list_extracted_load_packages()) + len(pipeline.list_normalized_load_packages())
    print(f"Finishing {count} load package(s) left by an interrupted run first.", file=out)
    pipeline.run()


def _pipeline(args: argparse.Namespace, dataset_name: str, progress: Any) -> dlt.Pipeline:
    """The script's pipeline (its state from the pipelines folder), with a new destination factory."""
    return dlt.pipeline(
        pipeline_name=PIPELINE_NAME,
        destination=_destination(args.destination),
        dataset_name=dataset_name,
        pipelines_dir=args.pipelines_dir,
        dev_mode=bool(args.dev_mode),
        progress=progress,
    )


def run(args: argparse.Namespace, source_kwargs: dict[str, Any], dataset_name: str, out: Any = None) -> int:
    """Build the source, run the pipeline and print the summary.

    Args:
        args: parsed command line.
        source_kwargs: explicit source arguments (the rest comes from dlt config).
        dataset_name: dataset to load into.
        out: where to print the summary (default: the current ``sys.stdout``).

    Returns:
        The exit code.
    """
    out = sys.stdout if out is None else out
    started = time.monotonic()
    summary = RunSummary()
    try:
        progress = make_collector(
            args.progress or _pipeline_setting("progress"),
            quiet=args.quiet,
            stream=sys.stderr,
            log_stream=out,
        )
    except ValueError as err:
        print(f"Configuration error: {err}", file=sys.stderr)
        return EXIT_USAGE
    if progress is not NULL_COLLECTOR:
        progress = DataRowsCollector(progress, lambda: summary.marker_rows)
    try:
        source = tiktok_ads(summary=summary, **source_kwargs)
        hints = [r.columns for r in source.selected_resources.values()]
        widest = max((len(h) for h in hints if isinstance(h, dict)), default=0)
        problem = _duckdb_limits(args, widest)  # before the pipeline opens duckdb: sized to the tables
        if problem is not None:
            print(problem, file=sys.stderr)
            return EXIT_USAGE
        pipeline = _pipeline(args, dataset_name, progress)
        if args.destination == "duckdb" and drop_if_duckdb_lost(pipeline, sys.stderr):
            pipeline = _pipeline(args, dataset_name, progress)
        finish_pending(pipeline, out)
        pipeline.run(
            source,
            loader_file_format=args.loader_file_format or _loader_file_format(args.destination),
            refresh=args.refresh,
        )
    except Exception as exc:  # one clear paragraph instead of a traceback
        message, code = explain_failure(exc)
        if args.destination == "duckdb" and ("Out of Memory" in message or "failed to pin block" in message):
            # the cap is ours (memory_limits.py): say which setting lifts it
            limit = json.loads(os.environ.get("DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG") or "{}")
            message += (
                f" duckdb's memory is capped by duckdb_memory_limit ({limit.get('memory_limit', 'default')}): "
                "raise it, e.g. --duckdb-memory-limit 1GB, or load a long backfill in slices with end_date."
            )
        if args.traceback:
            traceback.print_exc()
        if summary.client is not None and summary.client.stats.requests:
            message += f" ({summary.client.stats.summary()})"
        print(redact(message), file=sys.stderr)
        return code
    finally:
        restore_environment()  # the duckdb defaults were for this run only
        if summary.client is not None:
            summary.client.close()
    if not args.quiet:
        _print_summary(pipeline, summary, out, time.monotonic() - started)
    return EXIT_OK


def run_demo(args: argparse.Namespace, out: Any = None) -> int:
    """Start the emulator with a small deterministic world in-process and load from it into duckdb.

    Args:
        args: parsed command line (``--tables``, dates ... apply to the demo too).
        out: where to print (default: the current ``sys.stdout``).

    Returns:
        The exit code.
    """
    out = sys.stdout if out is None else out
    # imported here only: the package itself never depends on the emulator
    from tiktok_ads.emulator import EmulatorServer, WorldConfig

    world = WorldConfig(seed=42, advertisers=2, campaigns=2, adgroups=2, ads=2, days=45)
    with EmulatorServer(world) as server:
        emulated = server.world
        if not args.quiet:
            print(
                f"Demo: a local TikTok API emulator at {server.base_url} with {len(server.advertiser_ids)} advertisers "
                f"and {world.days} days of history (emulated today: {emulated.now.date().isoformat()}).",
                file=out,
            )
        kwargs = _source_kwargs(args)
        kwargs.update(
            access_token=server.access_token,
            base_url=server.base_url,
            advertiser_ids=kwargs.get("advertiser_ids") or server.advertiser_ids,
            start_date=kwargs.get("start_date") or emulated.history_start.isoformat(),
            clock=lambda: emulated.now,
        )
        return run(args, kwargs, _normalized_dataset(args.dataset_name or DEMO_DATASET), out)


_M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number of M_ARENA_MAX."""
_M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter number of M_MMAP_THRESHOLD."""
_MMAP_THRESHOLD = 1 << 20
"""Allocations of at least 1 MiB (page bodies, ~2.6 MB per 1,000 ``ad_insights`` rows, and their copies) are
mapped and unmapped on their own. glibc's default threshold starts at 128 KiB but rises to the size of each
large block freed (up to 32 MiB), after which bodies come from the arenas and their freed space stays resident
between pages of different sizes; a fixed threshold keeps it from rising (``mallopt(3)``)."""


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """Let glibc's malloc use at most ``arenas`` arenas in this process (Linux; elsewhere nothing happens).

    glibc gives each thread that allocates its own arena (up to 8 per core). The source parses TikTok's pages
    on up to ``max_concurrency`` threads; the freed memory of those pages stays spread over as many arenas,
    which measured +150 MB of resident memory at 16 threads for the same data. Python's own allocator
    serves the small objects anyway, so fewer arenas cost nothing measurable. Must run before threads start.
    """
    if not sys.platform.startswith("linux") or os.environ.get("MALLOC_ARENA_MAX"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_ARENA_MAX, arenas)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)  # large blocks go back to the system when freed
    except (OSError, AttributeError):  # not glibc (e.g. musl): its malloc has no per-thread arenas anyway
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point.

    Args:
        argv: command-line arguments (default ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    _limit_malloc_arenas()
    use_system_arrow_allocator()
    problem = check_config_files()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    if argv[:1] == ["auth"]:
        return run_auth(argv[1:])
    args = build_parser().parse_args(argv)
    logging.getLogger("tiktok_ads").setLevel(logging.WARNING)
    if args.demo:
        if args.destination not in (None, "duckdb"):
            print(
                "--demo loads into duckdb; drop --destination or use --destination duckdb.", file=sys.stderr
            )
            return EXIT_USAGE
        args.destination = "duckdb"
        return run_demo(args)
    # an option wins over dlt's config (DESTINATION_TYPE, DATASET_NAME ...), which wins over our defaults
    args.destination = args.destination or _pipeline_setting("destination_type") or "duckdb"
    problem = _check_destination(args.destination)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    dataset_name = _normalized_dataset(
        args.dataset_name or _pipeline_setting("dataset_name") or DEFAULT_DATASET
    )
    return run(args, _source_kwargs(args), dataset_name)


if __name__ == "__main__":
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    sys.exit(main())

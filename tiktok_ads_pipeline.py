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
import logging
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from typing import Any

import dlt
from dlt.common.configuration.exceptions import (
    ConfigFieldMissingException,
    ConfigValueCannotBeCoercedException,
)
from dlt.common.destination import Destination
from dlt.pipeline.exceptions import PipelineStepFailed

from tiktok_ads import RunSummary, tiktok_ads
from tiktok_ads.client import redact
from tiktok_ads.errors import ConfigError, TikTokAdsError, TikTokAPIError, find_tiktok_error
from tiktok_ads.settings import TABLES

PIPELINE_NAME = "tiktok_ads"
DEFAULT_DATASET = "tiktok_ads_data"
DEMO_DATASET = "tiktok_ads_demo"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

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

To try the pipeline without a TikTok account, run the demo against a local TikTok emulator:
  python tiktok_ads_pipeline.py --demo
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line of the pipeline script.

    Returns:
        The argument parser.
    """
    parser = argparse.ArgumentParser(
        prog="tiktok_ads_pipeline.py",
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
              python tiktok_ads_pipeline.py
                  incremental load with the settings from .dlt/ and the environment
              python tiktok_ads_pipeline.py --advertiser-ids 7002238017842757633 --start-date 2024-01-01
              python tiktok_ads_pipeline.py --tables ad_insights,campaigns --attribution-window-days 28
              python tiktok_ads_pipeline.py --start-date 2024-01-01 --end-date 2024-03-31
                  backfill: reload Q1 2024 and leave the incremental state alone
              python tiktok_ads_pipeline.py --destination bigquery --dataset-name tiktok_ads
                  (destination credentials go to .dlt/secrets.toml, see .dlt/example.secrets.toml)
            """
        )
        + "\n"
        + textwrap.fill("tables: " + ", ".join(TABLES), width=90, subsequent_indent="  ")
        + f"\n\nafterwards: dlt pipeline {PIPELINE_NAME} show   (browse the loaded tables)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo", action="store_true", help="start a local TikTok API emulator and load from it"
    )
    parser.add_argument("--destination", default="duckdb", help="dlt destination (default: duckdb)")
    parser.add_argument(
        "--dataset-name",
        default=None,
        help=f"dataset (schema) to load into (default: {DEFAULT_DATASET}; {DEMO_DATASET} with --demo)",
    )
    parser.add_argument("--tables", help="comma-separated tables to load (default: all nine)")
    parser.add_argument(
        "--advertiser-ids", help="comma-separated advertiser ids (sources.tiktok_ads.advertiser_ids)"
    )
    parser.add_argument("--start-date", help="first report day, YYYY-MM-DD or MM/DD/YYYY")
    parser.add_argument(
        "--end-date", help="last report day of a backfill (leaves incremental state untouched)"
    )
    parser.add_argument(
        "--include-deleted",
        action="store_true",
        default=None,
        help="also load deleted campaigns, ad groups and ads, and their spend",
    )
    parser.add_argument(
        "--attribution-window-days", type=int, default=None, help="days re-read on every run (default 7)"
    )
    parser.add_argument("--pipelines-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--traceback", action="store_true", help="print the full traceback on failure")
    return parser


def _source_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Source arguments given on the command line (the rest is resolved by dlt from config)."""
    kwargs: dict[str, Any] = {}
    if args.tables:
        kwargs["tables"] = args.tables
    if args.advertiser_ids:
        kwargs["advertiser_ids"] = args.advertiser_ids
    if args.start_date:
        kwargs["start_date"] = args.start_date
    if args.end_date:
        kwargs["end_date"] = args.end_date
    if args.include_deleted is not None:
        kwargs["include_deleted"] = args.include_deleted
    if args.attribution_window_days is not None:
        kwargs["attribution_window_days"] = args.attribution_window_days
    return kwargs


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


def _loader_file_format(destination: str) -> Any:
    """Parquet for duckdb (an order of magnitude faster than its default INSERT files), else dlt's default."""
    return "parquet" if destination in ("duckdb", "motherduck", "ducklake") else None


def _print_summary(pipeline: dlt.Pipeline, summary: RunSummary, out: Any) -> None:
    """Rows per table and per advertiser, requests and retries."""
    counts = summary.rows_by_table()
    normalize_info = pipeline.last_trace.last_normalize_info if pipeline.last_trace else None
    if normalize_info is not None:
        for table, n in normalize_info.row_counts.items():
            if not table.startswith("_dlt") and table not in counts:
                counts[table] = n
    location = pipeline.destination.destination_name
    print(f"Loaded into {location} dataset {pipeline.dataset_name!r}:", file=out)
    width = max(len(t) for t in TABLES)
    for table in TABLES:
        if table in counts or table in (
            pipeline.default_schema.tables if pipeline.default_schema_name else {}
        ):
            print(f"  {table:<{width}}  {counts.get(table, 0):>10,} rows", file=out)
    advertisers = sorted({adv for (_, adv) in summary.rows})
    if advertisers:
        print("Per advertiser:", file=out)
        for adv in advertisers:
            parts = [f"{t} {summary.rows[(t, adv)]:,}" for t in TABLES if summary.rows.get((t, adv))]
            total = sum(n for (t, a), n in summary.rows.items() if a == adv)
            print(f"  {adv}: {total:,} rows ({', '.join(parts)})", file=out)
    if summary.client is not None:
        print(f"Requests: {summary.client.stats.summary()}", file=out)
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
    missing = _find(exc, ConfigFieldMissingException)
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
    coerce = _find(exc, ConfigValueCannotBeCoercedException)
    if coerce is not None:
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


def _find(exc: BaseException | None, cls: type[Any]) -> Any:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, cls):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def run(
    args: argparse.Namespace, source_kwargs: dict[str, Any], dataset_name: str, out: Any = sys.stdout
) -> int:
    """Build the source, run the pipeline and print the summary.

    Args:
        args: parsed command line.
        source_kwargs: explicit source arguments (the rest comes from dlt config).
        dataset_name: dataset to load into.
        out: where to print the summary.

    Returns:
        The exit code.
    """
    summary = RunSummary()
    try:
        source = tiktok_ads(summary=summary, **source_kwargs)
        pipeline = dlt.pipeline(
            pipeline_name=PIPELINE_NAME,
            destination=args.destination,
            dataset_name=dataset_name,
            pipelines_dir=args.pipelines_dir,
        )
        pipeline.run(source, loader_file_format=_loader_file_format(args.destination))
    except Exception as exc:  # one clear paragraph instead of a traceback
        message, code = explain_failure(exc)
        if args.traceback:
            traceback.print_exc()
        if summary.client is not None and summary.client.stats.requests:
            message += f" ({summary.client.stats.summary()})"
        print(redact(message), file=sys.stderr)
        return code
    finally:
        if summary.client is not None:
            summary.client.close()
    _print_summary(pipeline, summary, out)
    return EXIT_OK


def run_demo(args: argparse.Namespace, out: Any = sys.stdout) -> int:
    """Start the emulator with a small deterministic world in-process and load from it into duckdb.

    Args:
        args: parsed command line (``--tables``, dates ... apply to the demo too).
        out: where to print.

    Returns:
        The exit code.
    """
    # imported here only: the package itself never depends on the emulator
    from tiktok_ads.emulator import EmulatorServer, WorldConfig

    world = WorldConfig(seed=42, advertisers=2, campaigns=2, adgroups=2, ads=2, days=45)
    with EmulatorServer(world) as server:
        emulated = server.world
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
        return run(args, kwargs, args.dataset_name or DEMO_DATASET, out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point.

    Args:
        argv: command-line arguments (default ``sys.argv[1:]``).

    Returns:
        The process exit code.
    """
    args = build_parser().parse_args(argv)
    logging.getLogger("tiktok_ads").setLevel(logging.WARNING)
    problem = _check_destination(args.destination)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    if args.demo:
        if args.destination != "duckdb":
            print(
                "--demo loads into duckdb; drop --destination or use --destination duckdb.", file=sys.stderr
            )
            return EXIT_USAGE
        return run_demo(args)
    return run(args, _source_kwargs(args), args.dataset_name or DEFAULT_DATASET)


if __name__ == "__main__":
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    sys.exit(main())

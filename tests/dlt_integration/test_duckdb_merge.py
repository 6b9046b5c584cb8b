"""The duckdb destination's bounded merge: dlt's delete-insert meaning, in memory that does not grow with the load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pytest
from dlt.destinations.sql_jobs import SqlMergeFollowupJob

from tiktok_ads.load.duckdb_merge import BoundedDedupMergeJob, bounded_duckdb

KEYS = ["advertiser_id", "ad_id", "stat_time_day"]


def _load(tmp_path: Path, rows: list[dict[str, Any]], destination: Any) -> list[tuple[Any, ...]]:
    """Merge ``rows`` like a report table (primary key, merge key advertiser and day, a hard-delete marker)."""

    @dlt.resource(
        name="report",
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        primary_key=KEYS,
        merge_key=["advertiser_id", "stat_time_day"],
        columns={"marker": {"data_type": "bool", "hard_delete": True}, "spend": {"data_type": "text"}},
    )
    def report() -> Any:
        yield pa.Table.from_pylist(rows, schema=SCHEMA)

    pipeline = dlt.pipeline(
        pipeline_name="merge_test",
        destination=destination,
        dataset_name="data",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run(report(), loader_file_format="parquet")
    with pipeline.sql_client() as client:
        return sorted(
            tuple(r)
            for r in client.execute_sql("SELECT advertiser_id, ad_id, stat_time_day, spend FROM report")
        )


SCHEMA = pa.schema(
    [("advertiser_id", pa.string()), ("ad_id", pa.string()), ("stat_time_day", pa.string()),
     ("spend", pa.string()), ("marker", pa.bool_())]
)  # fmt: skip


def _row(
    adv: str, ad: str, day: str, spend: str | None = "1.000", marker: bool | None = None
) -> dict[str, Any]:
    return {"advertiser_id": adv, "ad_id": ad, "stat_time_day": day, "spend": spend, "marker": marker}


def test_merges_like_dlt_one_row_per_key_markers_deleting_days(tmp_path: Path) -> None:
    destination = bounded_duckdb(credentials=str(tmp_path / "m.duckdb"))
    first = [
        _row("A", "1", "d1"), _row("A", "2", "d1"), _row("A", "1", "d2"), _row("B", "1", "d1"),
        _row("A", "1", "d3", "0.500"), _row("A", "1", "d3", "0.750"),  # a day read twice: one row stays
    ]  # fmt: skip
    loaded = _load(tmp_path, first, destination)
    assert len(loaded) == 5 and [r for r in loaded if r[2] == "d3"] == [("A", "1", "d3", "0.750")]
    second = [
        _row("A", "1", "d1", "2.000"),  # d1 of A replaced whole: ad 2 is gone
        _row("A", "~A", "d2", None, marker=True),  # d2 of A had no row any more: the marker empties it
    ]
    assert _load(tmp_path, second, destination) == [
        ("A", "1", "d1", "2.000"),
        ("A", "1", "d3", "0.750"),
        ("B", "1", "d1", "1.000"),  # another advertiser's day is not touched
    ]


def test_the_same_rows_as_dlts_own_merge(tmp_path: Path) -> None:
    rows = [_row("A", str(ad), f"d{day}") for ad in range(20) for day in range(5)]
    rows += [_row("A", "~A", "d9", None, marker=True)]
    ours = _load(tmp_path / "ours", rows, bounded_duckdb(credentials=str(tmp_path / "ours.duckdb")))
    theirs = _load(tmp_path / "dlt", rows, dlt.destinations.duckdb(str(tmp_path / "dlt.duckdb")))
    assert ours == theirs and len(ours) == 100


def test_the_deduplication_fits_where_dlts_window_runs_out_of_memory(tmp_path: Path) -> None:
    """100k staged rows of 32 columns at a 32 MB cap: dlt's ROW_NUMBER() fails, the GROUP BY spills."""
    connection = duckdb.connect(
        str(tmp_path / "w.duckdb"),
        config={"memory_limit": "32MB", "threads": 1, "preserve_insertion_order": False},
    )
    metrics = ", ".join(f"(i * {j})::DECIMAL(18,4) AS m{j}" for j in range(30))
    connection.execute(
        f"CREATE TABLE s AS SELECT (i // 10)::VARCHAR AS k, i % 10 AS day, {metrics} FROM range(100000) r(i)"
    )
    connection.execute("CREATE TABLE d AS SELECT * FROM s LIMIT 0")
    columns = ['"k"', '"day"'] + [f'"m{j}"' for j in range(30)]

    def insert(job: type[SqlMergeFollowupJob]) -> None:
        connection.execute("INSERT INTO d " + job.gen_select_from_dedup_sql("s", ['"k"', '"day"'], columns))

    with pytest.raises(duckdb.OutOfMemoryException):
        insert(SqlMergeFollowupJob)
    insert(BoundedDedupMergeJob)
    assert connection.execute("SELECT count(*) FROM d").fetchone() == (100_000,)

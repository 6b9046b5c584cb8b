"""The duckdb destination's bounded merge: dlt's delete-insert meaning, in memory that does not grow with the load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pytest
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.destinations.sql_jobs import SqlMergeFollowupJob

from tiktok_ads.load import memory_limits
from tiktok_ads.load.duckdb_file import prepare_database_file
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


def _block_size(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute("SELECT block_size FROM pragma_database_size()").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("block_size", [None, 65_536])
def test_the_configured_block_size_reaches_the_file_the_load_creates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_size: int | None
) -> None:
    """dlt applies global_config after connecting; the bounded destination creates the file with the setting."""
    env = "DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG"
    monkeypatch.setenv(env, json.dumps({"default_block_size": block_size} if block_size else {}))
    path = tmp_path / "b.duckdb"
    rows = _load(tmp_path, [_row("1", "a", "2024-01-01")], bounded_duckdb(credentials=str(path)))
    assert len(rows) == 1
    assert _block_size(path) == (block_size or 262_144)  # duckdb's own default without the setting


def test_a_file_made_with_larger_blocks_raises_the_default_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_limits, "_SET_HERE", {})
    monkeypatch.delenv("DESTINATION__DUCKDB__CREDENTIALS__GLOBAL_CONFIG", raising=False)
    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()  # duckdb's 256 KB blocks, as files created before
    config = memory_limits.apply_duckdb_limits(columns=106)
    memory_limits.restore_environment()
    credentials = DuckDbCredentials(str(path))
    credentials.global_config = dict(config)
    prepare_database_file(credentials)
    assert credentials.global_config["memory_limit"] == "224MB" and _block_size(path) == 262_144
    credentials.global_config["memory_limit"] = "80MB"  # the user's: kept
    prepare_database_file(credentials)
    assert credentials.global_config["memory_limit"] == "80MB"


def test_a_files_block_size_is_asked_once_per_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dlt makes a client per load job; opening the file each time to ask its block size doubled a small load."""
    from tiktok_ads.load import duckdb_file

    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    opened: list[str] = []
    real_connect = duckdb.connect

    def counting_connect(database: str, *args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        opened.append(database)
        return real_connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(duckdb_file.duckdb, "connect", counting_connect)
    credentials = DuckDbCredentials(str(path))
    credentials.global_config = {"default_block_size": 65_536, "memory_limit": "64MB"}
    for _ in range(3):
        prepare_database_file(credentials)
    assert opened == [str(path)]

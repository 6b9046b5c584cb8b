"""The embedded duckdb destination with a merge whose memory does not grow with the load.

dlt's ``delete-insert`` merge copies the staging table into the destination through
``ROW_NUMBER() OVER (PARTITION BY <primary key>)`` to keep one row per key. DuckDB's window operator holds
every column of the partitioned rows in memory and does not spill: at the default ``duckdb_memory_limit`` a
load of ~100k synthetic ``ad_insights`` rows (106 columns) fails with "Out of Memory", and the pipeline's
4.6M-row backfill did (``bench/README.md``, issue 15).

:class:`BoundedDedupMergeJob` keeps dlt's meaning (one row per primary key; rows dlt's hard-delete condition
marks, such as the source's day markers, are not inserted) but finds the duplicates with a ``GROUP BY`` of
the key columns only, which duckdb spills to disk, and leaves out all but the last staged row of each
duplicated key by ``rowid``; rows without a duplicate are copied as they are. Measured on 1M synthetic rows
at 144 MB: 8.3 CPU s against 7.9 s for a copy without any de-duplication, peak RSS 230 MB. Its delete
step matches staged rows by the merge key alone where that selects the same rows
(:meth:`BoundedDedupMergeJob.gen_key_table_clauses`): dlt's ``primary key OR merge key`` match spilled tens
of GB re-merging 1M rows.

:class:`bounded_duckdb` is dlt's duckdb destination factory with that merge job; the pipeline script loads
through it. A library user passes ``destination=tiktok_ads.load.duckdb_merge.bounded_duckdb()`` (same arguments as
``dlt.destinations.duckdb``) to get the same, or keeps dlt's and raises duckdb's ``memory_limit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlt.common.destination.capabilities import DestinationCapabilitiesContext
from dlt.common.destination.client import PreparedTableSchema
from dlt.common.destination.reference import DestinationReference
from dlt.common.schema import Schema
from dlt.common.schema.typing import TSortOrder
from dlt.destinations import duckdb as dlt_duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbClientConfiguration
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.impl.duckdb.sql_client import DuckDbSqlClient
from dlt.destinations.job_impl import FollowupJobRequest
from dlt.destinations.sql_jobs import SqlMergeFollowupJob

from tiktok_ads.load.duckdb_file import prepare_database_file

_KEEP = "_dlt_keep_rowid"


class BoundedDedupMergeJob(SqlMergeFollowupJob):
    """dlt's merge SQL, with the staging table de-duplicated by a spilling ``GROUP BY`` instead of a window."""

    @classmethod
    def gen_select_from_dedup_sql(
        cls,
        table_name: str,
        primary_keys: Sequence[str],
        columns: Sequence[str],
        dedup_sort: tuple[str, TSortOrder] | None = None,
        condition: str | None = None,
        condition_columns: Sequence[str] | None = None,
        skip_dedup: bool = False,
    ) -> str:
        """A SELECT of ``columns`` from ``table_name`` with one row per ``primary_keys`` (the last staged).

        With ``dedup_sort`` (the row to keep is chosen by a column) or ``skip_dedup``, dlt's own SQL. The
        arguments are dlt's (escaped identifiers, a qualified table name, a WHERE condition).

        Returns:
            The SELECT statement.
        """
        if skip_dedup or dedup_sort is not None or not primary_keys:
            return super().gen_select_from_dedup_sql(
                table_name,
                primary_keys,
                columns,
                dedup_sort,  # type: ignore[arg-type]  # dlt's signature says `str = None`
                condition,  # type: ignore[arg-type]
                condition_columns,  # type: ignore[arg-type]
                skip_dedup,
            )
        keys = ", ".join(primary_keys)
        # IS NOT DISTINCT FROM: a NULL key groups with NULL, as in dlt's PARTITION BY
        same_key = " AND ".join(f"s.{key} IS NOT DISTINCT FROM k.{key}" for key in primary_keys)
        duplicated = (
            f"SELECT {keys}, max(rowid) AS {_KEEP} FROM {table_name} GROUP BY {keys} HAVING count(*) > 1"
        )
        dropped = (
            f"SELECT s.rowid FROM {table_name} AS s JOIN ({duplicated}) AS k ON {same_key}"
            f" WHERE s.rowid <> k.{_KEEP}"
        )
        return (
            f"SELECT {', '.join(columns)} FROM {table_name}"
            f" WHERE rowid NOT IN ({dropped}) AND ({condition or '1 = 1'})"
        )

    @classmethod
    def gen_key_table_clauses(
        cls,
        root_table_name: str,
        staging_root_table_name: str,
        primary_keys: Sequence[str],
        merge_keys: Sequence[str],
        for_delete: bool,
        source_filter: str | None = None,
    ) -> list[str]:
        """The FROM clause selecting the destination rows the merge replaces: those sharing a merge key with
        a staged row (or, without a merge key, a primary key).

        dlt matches ``<primary key> OR <merge key>`` row by row against the staging table, which duckdb
        cannot hash: re-merging 1M staged rows into a table holding them ran for minutes and spilled tens of
        GB. When the merge key is part of the primary key (the report tables: advertiser and day), a row with
        the same primary key has the same merge key, so the merge key alone selects the same rows; matched
        against the staged keys made distinct first, it is one small hash join (0.2 s for those 1M rows).
        Other key layouts and a ``source_filter`` keep dlt's clause.

        Returns:
            One clause, ``FROM <table> as d WHERE ...``.
        """
        keys = list(merge_keys) if merge_keys else list(primary_keys)
        if source_filter or not set(keys) <= set(primary_keys or keys):
            return super().gen_key_table_clauses(
                root_table_name, staging_root_table_name, primary_keys, merge_keys, for_delete, source_filter
            )
        same_key = " AND ".join(f"d.{key} = s.{key}" for key in keys)
        staged = f"SELECT DISTINCT {', '.join(keys)} FROM {staging_root_table_name}"
        return [f"FROM {root_table_name} as d WHERE EXISTS (SELECT 1 FROM ({staged}) AS s WHERE {same_key})"]


class _FileMakingSqlClient(DuckDbSqlClient):
    """dlt's duckdb SQL client that prepares the database file (``duckdb_file.py``) as it first connects.

    At connection time, not when a client is made: dlt makes clients to read configuration too (the script
    asks one whether a pipeline's old duckdb file still exists, ``lost_duckdb.py``), and a file created then
    would be a file in the wrong place."""

    def open_connection(self) -> Any:
        prepare_database_file(self.credentials)  # before duckdb.connect, which would create the file
        return super().open_connection()


class BoundedMergeDuckDbClient(DuckDbClient):
    """dlt's duckdb client whose merge jobs are :class:`BoundedDedupMergeJob`, and which creates a missing
    database file with the configured block size as it first connects (:class:`_FileMakingSqlClient`)."""

    def __init__(
        self, schema: Schema, config: DuckDbClientConfiguration, capabilities: DestinationCapabilitiesContext
    ) -> None:
        super().__init__(schema, config, capabilities)
        made = self.sql_client
        self.sql_client = _FileMakingSqlClient(
            made.dataset_name, made.staging_dataset_name, config.credentials, capabilities
        )

    def _create_merge_followup_jobs(
        self, table_chain: Sequence[PreparedTableSchema]
    ) -> list[FollowupJobRequest]:
        return [BoundedDedupMergeJob.from_table_chain(table_chain, self.sql_client)]


class bounded_duckdb(dlt_duckdb):  # noqa: N801 - a destination factory, named as dlt names them
    """``dlt.destinations.duckdb`` with :class:`BoundedMergeDuckDbClient`; same arguments, same configuration
    (``destination.duckdb.*``), and the pipeline's state names dlt's duckdb as its destination."""

    @property
    def client_class(self) -> type[DuckDbClient]:
        """The job client: dlt's, with the bounded merge."""
        return BoundedMergeDuckDbClient

    @property
    def destination_type(self) -> str:
        """dlt's own duckdb type, so that configuration, state and ``dlt pipeline`` commands see duckdb."""
        return DestinationReference.normalize_type(f"{dlt_duckdb.__module__}.{dlt_duckdb.__qualname__}")

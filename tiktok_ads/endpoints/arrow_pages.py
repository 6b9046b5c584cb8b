"""Report pages as Arrow tables: columnar conversion with the pinned types, no per-row Python typing.

A report page is up to 1,000 rows of ``{"dimensions": {...}, "metrics": {...}}`` whose values are strings.
The row path (:func:`tiktok_ads.endpoints.transform.transform_report_rows`) types every cell in Python and hands dlt
dicts, which dlt then normalizes one by one. This module instead pulls each column out of the page in one
list comprehension and lets Arrow parse and cast it in C (``"12.34"`` -> ``decimal128(38, 9)``,
``"2024-05-01 00:00:00"`` -> ``date32``). dlt writes an Arrow table straight to parquet and skips its
JSON normalizer, so a report row costs a few microseconds end to end.

The schema is exactly the table's pinned one (``spec.columns`` plus ``_day_marker``), so the destination
schema is the same as with the row path. Anything unusual in a column (an int where a string was
expected, a ``" 5 "`` with spaces, a ratio with more than 9 decimals, a missing key value) sends the whole
page through the row path's converters, which either type it the same way or raise the same precise
:class:`~tiktok_ads.errors.TikTokBadResponseError` (naming table, advertiser, column and value).
"""

from __future__ import annotations

import decimal
import functools
import operator
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tiktok_ads.api.json_pages import ArrowRows
from tiktok_ads.endpoints.transform import bucket_columns, transform_report_rows
from tiktok_ads.errors import TikTokBadResponseError
from tiktok_ads.tables.columns import NULL_METRIC_VALUES, ZERO_IS_NULL_COLUMNS
from tiktok_ads.tables.records import ReportTable, TableSpec

DECIMAL_TYPE = pa.decimal128(38, 9)
"""dlt's default ``decimal`` precision and scale (DECIMAL(38,9) in duckdb, postgres and Snowflake)."""

_ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "bigint": pa.int64(),
    "decimal": DECIMAL_TYPE,
    "double": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
}
_NULLS = pa.array(sorted(NULL_METRIC_VALUES), pa.string())
_DAY_SUFFIXES = pa.array(["", " 00:00:00", "T00:00:00", "T00:00:00Z"], pa.string())


class _Irregular(Exception):
    """A column the fast path cannot convert exactly; the page takes the row path."""


def supports_arrow(spec: TableSpec) -> bool:
    """Whether every column of ``spec`` has an Arrow type (report tables: yes; ``json`` columns: no).

    Args:
        spec: the table.

    Returns:
        True if pages of the table can be yielded as Arrow tables.
    """
    return all(str(hint.get("data_type")) in _ARROW_TYPES for hint in spec.columns.values())


@functools.lru_cache(maxsize=256)
def arrow_schema(spec: ReportTable, extra: tuple[tuple[str, str], ...] = ()) -> pa.Schema:
    """The Arrow schema of a table: its pinned columns in order, then ``extra`` ``(name, dlt type)`` columns.

    Args:
        spec: the table.
        extra: columns added by the source (e.g. ``("_day_marker", "bool")``).

    Returns:
        The schema.
    """
    # dlt makes primary and merge key columns NOT NULL; say so, or dlt warns on every batch
    keys = set(spec.primary_key) | (set(spec.merge_key) if spec.kind == "report" else set())
    fields = [
        pa.field(name, _arrow_type(hint), nullable=name not in keys) for name, hint in spec.columns.items()
    ]
    fields += [pa.field(name, _ARROW_TYPES[kind]) for name, kind in extra]
    return pa.schema(fields)


def _arrow_type(hint: Mapping[str, Any]) -> pa.DataType:
    """The Arrow type of a pinned column (a ``timestamp`` with ``timezone: false`` is a local time)."""
    kind = str(hint["data_type"])
    if kind == "timestamp" and hint.get("timezone") is False:
        return pa.timestamp("us")
    if kind == "decimal" and hint.get("precision") is not None:
        return pa.decimal128(int(hint["precision"]), int(hint.get("scale") or 0))  # metric_types.py
    return _ARROW_TYPES[kind]


def _as_text(values: Sequence[Any], numeric: bool) -> list[Any]:
    """A column that mixes JSON numbers into TikTok's strings, numbers as the text of their JSON digits.

    Only where that is what the row path makes of them: ints anywhere, floats in numeric columns (the cast
    below then parses them, or fails and the row path decides). Anything else (bools, objects, floats in text
    columns) takes the row path.
    """
    out: list[Any] = []
    for value in values:
        kind = type(value)
        if kind is str or value is None:
            out.append(value)
        elif kind is int:
            out.append(str(value))
        elif kind is float and numeric:
            out.append(repr(value))
        else:
            raise _Irregular
    return out


def _strings(values: Sequence[Any] | pa.Array, trim: bool) -> pa.Array:
    if isinstance(values, pa.Array):
        arr = values
    else:
        try:
            arr = pa.array(values, pa.string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            # real answers mix JSON numbers into the strings (likes 36, tt_app_id 0): type them here, in bulk
            try:
                arr = pa.array(_as_text(values, numeric=not trim), pa.string())
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                raise _Irregular from None
    if arr.null_count == len(arr):
        return arr
    # placeholders ("-", "N/A", ...) are NULL; in text columns also with spaces around them, as in the row
    # path (in numeric columns a " - " fails the cast below and the row path decides)
    placeholder = pc.is_in(pc.utf8_trim_whitespace(arr) if trim else arr, value_set=_NULLS)
    if pc.any(placeholder).as_py():
        arr = pc.if_else(placeholder, pa.scalar(None, pa.string()), arr)
    return arr


def _column(values: Sequence[Any] | pa.Array, kind: pa.DataType, *, as_sent: bool = False) -> pa.Array:
    """One column, typed in C; raises :class:`_Irregular` when the row path must decide.

    ``as_sent``: a breakdown dimension, whose placeholder-looking values (``"None"``, ``"NA"``) are TikTok's
    buckets and stay as they are (see :func:`tiktok_ads.endpoints.transform.to_bucket`).
    """
    if kind == pa.bool_():
        raise _Irregular  # rare in reports; the row path knows TikTok's spellings of booleans
    if as_sent and kind == pa.string():
        if isinstance(values, pa.Array):
            return values  # parsed as strings already (json_pages)
        try:
            return pa.array(values, pa.string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            raise _Irregular from None  # a number: the row path makes it text
    if isinstance(values, pa.Array) and (pa.types.is_integer(kind) or pa.types.is_decimal(kind)):
        try:  # no placeholder casts to a number: a column that casts whole has none to look for
            return pc.cast(values, kind)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            pass  # placeholders (or worse): look for them first, as below
    arr = _strings(values, trim=kind == pa.string())
    if kind == pa.string():
        return arr
    try:
        if kind == pa.date32():
            if not pc.all(pc.is_in(pc.utf8_slice_codeunits(arr, 10, 64), value_set=_DAY_SUFFIXES)).as_py():
                raise _Irregular  # a time other than midnight: the row path names the value
            return pc.cast(pc.utf8_slice_codeunits(arr, 0, 10), pa.date32())
        if pa.types.is_timestamp(kind):
            parsed = pc.strptime(arr, format="%Y-%m-%d %H:%M:%S", unit="us", error_is_null=False)
            return pc.cast(parsed, kind)
        return pc.cast(arr, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        raise _Irregular from None


def _scaled(value: Any, kind: pa.Decimal128Type, column: str) -> Any:
    """A decimal rounded half-even to the column's scale; one too large for the column raises, naming it."""
    if not isinstance(value, decimal.Decimal):
        return value
    if value.as_tuple().exponent < -kind.scale:
        value = value.quantize(decimal.Decimal(1).scaleb(-kind.scale), rounding=decimal.ROUND_HALF_EVEN)
    if value.adjusted() >= kind.precision - kind.scale:
        raise TikTokBadResponseError(
            f"column {column}: {value!r} is too large for DECIMAL({kind.precision},{kind.scale})",
            code=0,
            reason="bad_value",
        )
    return value


def rows_to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Already typed rows (dicts) as an Arrow table of ``schema`` (missing keys are NULL).

    Args:
        rows: typed rows, e.g. from the row path or :func:`tiktok_ads.resources.day_markers.day_markers`.
        schema: the table's schema.

    Returns:
        The table.
    """
    columns = []
    for fld in schema:
        values = [row.get(fld.name) for row in rows]
        if pa.types.is_decimal(fld.type):
            values = [_scaled(v, fld.type, fld.name) for v in values]
        columns.append(pa.array(values, fld.type))
    return pa.Table.from_arrays(columns, schema=schema)


def report_page_table(
    spec: ReportTable, advertiser_id: str, page: Sequence[dict[str, Any]], schema: pa.Schema
) -> pa.Table:
    """One page of raw report rows as an Arrow table with the table's pinned types.

    Args:
        spec: the report table.
        advertiser_id: added to every row.
        page: raw rows from ``data.list`` (a list of dicts, or :class:`~tiktok_ads.api.json_pages.ArrowRows`).
        schema: from :func:`arrow_schema` (columns of ``schema`` not in ``spec.columns`` are NULL).

    Returns:
        The typed table (same values as the row path would give).

    Raises:
        TikTokBadResponseError: a value cannot be converted or a key column is missing (from the row path).
    """
    if isinstance(page, ArrowRows):
        try:
            return _native_table(spec, advertiser_id, page, schema)
        except _Irregular:
            page = page.raw()  # exactly as orjson decodes it: the paths below decide, or name the value
    try:
        return _fast_table(spec, advertiser_id, page, schema)
    except _Irregular:
        rows = transform_report_rows(spec, advertiser_id, page)
        # a metric TikTok sent without being asked (a new one) is kept, as text, like on the row path
        extra = sorted({name for row in rows for name in row} - set(schema.names))
        for name in extra:
            schema = schema.append(pa.field(name, pa.string()))
        try:
            return rows_to_table(rows, schema)
        except (
            TikTokBadResponseError
        ) as err:  # a value too large for its column: name the table and advertiser
            err.advertiser_id = err.advertiser_id or advertiser_id
            raise err.add_context(table=spec.name) from None


def _fast_table(
    spec: ReportTable, advertiser_id: str, page: Sequence[dict[str, Any]], schema: pa.Schema
) -> pa.Table:
    try:
        dims = [row["dimensions"] for row in page]
        mets = [row["metrics"] or {} for row in page]
    except (TypeError, KeyError):
        raise _Irregular from None
    if not all(type(d) is dict for d in dims) or not all(type(m) is dict for m in mets):
        raise _Irregular
    count = len(page)
    # transpose in C: one itemgetter call per row, then zip; a row without one of the keys -> row path
    dim_names, met_names = _layout(spec, schema)
    try:
        columns = dict(zip(dim_names, _transpose(dims, dim_names, count), strict=True))
        columns.update(zip(met_names, _transpose(mets, met_names, count), strict=True))
    except KeyError:
        raise _Irregular from None  # a requested metric is missing in a row: NULL, as the row path says
    if count and max(map(len, mets)) > len(met_names):
        raise _Irregular  # TikTok sent a metric that was not asked for: the row path keeps it
    return _typed_table(spec, advertiser_id, columns, count, schema)


def _typed_table(
    spec: ReportTable, advertiser_id: str, columns: Mapping[str, Any], count: int, schema: pa.Schema
) -> pa.Table:
    """The page's table of ``schema`` from its raw columns (Python sequences or Arrow string arrays)."""
    keys = set(spec.primary_key)
    buckets = bucket_columns(spec)
    typed: dict[str, pa.Array] = {}
    for fld in schema:
        name = fld.name
        if name == "advertiser_id":
            arr = pa.repeat(pa.scalar(advertiser_id, pa.string()), count)
        elif name in columns:
            arr = _column(columns[name], fld.type, as_sent=name in buckets)
            if name in ZERO_IS_NULL_COLUMNS and arr.type == pa.string():
                arr = pc.if_else(pc.equal(arr, "0"), pa.scalar(None, pa.string()), arr)
        elif name == spec.day_column and spec.hour_column in typed:
            # hourly rows: the day of their (local wall-clock) hour, as the row path derives it
            arr = pc.cast(typed[spec.hour_column], pa.date32())
        else:
            arr = pa.nulls(count, fld.type)
        if name in keys and arr.null_count:
            raise _Irregular  # the row path names the row without its key
        typed[name] = arr
    return pa.Table.from_arrays(list(typed.values()), schema=schema)


def _native_table(spec: ReportTable, advertiser_id: str, page: ArrowRows, schema: pa.Schema) -> pa.Table:
    """A page parsed by :mod:`tiktok_ads.api.json_pages`: its string arrays typed in C, no Python value per cell."""
    rows = page.rows
    dims, mets = page.part("dimensions"), page.part("metrics")
    if page.extra or rows.null_count or dims is None or mets is None or dims.null_count:
        raise _Irregular  # a metric sent unasked, a row that is not an object, a row without dimensions
    dim_names, met_names = _layout(spec, schema)
    # a row whose metrics are null has every metric NULL (flatten merges the struct's nulls into its fields)
    columns: dict[str, pa.Array] = dict(zip((f.name for f in mets.type), mets.flatten(), strict=True))
    columns = {name: columns[name] for name in met_names if name in columns}
    dim_columns = dict(zip((f.name for f in dims.type), dims.flatten(), strict=True))
    columns.update({name: dim_columns[name] for name in dim_names if name in dim_columns})
    return _typed_table(spec, advertiser_id, columns, len(rows), schema)


@functools.lru_cache(maxsize=256)
def _layout(spec: ReportTable, schema: pa.Schema) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The schema's columns that come from ``dimensions`` and from ``metrics`` (dimensions win)."""
    dims = tuple(n for n in schema.names if n in spec.dimensions and n != "advertiser_id")
    derived = {"advertiser_id"} | ({spec.day_column} if spec.hour_column and spec.day_column else set())
    mets = tuple(
        n for n in schema.names if n in spec.columns and n not in spec.dimensions and n not in derived
    )
    return dims, mets


def _transpose(objects: list[dict[str, Any]], names: tuple[str, ...], count: int) -> list[tuple[Any, ...]]:
    if not names:
        return []
    if len(names) == 1:
        return [tuple(map(operator.itemgetter(names[0]), objects))]
    return (
        list(zip(*map(operator.itemgetter(*names), objects), strict=True)) if count else [() for _ in names]
    )


LOAD_ID_COLUMN = "_dlt_load_id"


class BufferedRows:
    """Rows waiting in the :class:`TableBatcher` s of one source, all its resources together.

    dlt pulls its resources in turn (``round_robin``), so every advertiser's report resource fills its batch at
    the same time: with a batch of ``ARROW_BATCH_ROWS`` each, 8 advertisers held 8 batches. Counted together,
    once the source holds ``limit`` rows a batcher holding at least its share (the rows held / the batchers
    holding some) hands them over early: memory is bounded by the setting plus a page per resource, not by
    the number of advertisers, and batches get smaller only when many advertisers share the limit.

    Args:
        limit: rows the batchers of the source may hold together.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._rows = 0
        self._holders = 0
        self._lock = threading.Lock()

    @property
    def rows(self) -> int:
        """Rows held now, all batchers together."""
        return self._rows

    def add(self, held: int, rows: int) -> bool:
        """Count ``rows`` a batcher took on top of its ``held``; True when it should hand its rows over now."""
        with self._lock:
            if not held and rows:
                self._holders += 1
            self._rows += rows
            return self._rows >= self.limit and (held + rows) * self._holders >= self._rows

    def remove(self, rows: int) -> None:
        """Count the ``rows`` a batcher held and handed over (or dropped)."""
        if not rows:
            return
        with self._lock:
            self._holders = max(0, self._holders - 1)
            self._rows = max(0, self._rows - rows)


class TableBatcher:
    """Collects Arrow pages into few large tables before they are yielded to dlt.

    dlt re-computes and validates a resource's table schema for *every* Arrow item it receives (its schema
    cache does not apply to Arrow), which costs ~20 ms for a 70-column report table. Pages of 1,000 rows
    would spend more time there than in everything else together; tables of
    :data:`~tiktok_ads.config.defaults.ARROW_BATCH_ROWS` rows make it negligible while memory stays bounded.

    dlt adds ``_dlt_load_id`` to rows it normalizes itself, not to Arrow tables; the batcher adds it (the
    load package's id), so every table of the source has it, as on the JSON path.

    Args:
        max_rows: rows at which :meth:`add` hands back a batch.
        load_id: the load package's id for ``_dlt_load_id`` (None: no such column).
        shared: the rows of all batchers of the source (:class:`BufferedRows`): :meth:`add` also hands back a
            batch once they reach its limit (None: only ``max_rows`` counts).
    """

    def __init__(self, max_rows: int, load_id: str | None = None, shared: BufferedRows | None = None) -> None:
        self.max_rows = max_rows
        self.load_id = load_id
        self._shared = shared
        self._tables: list[pa.Table] = []
        self._rows = 0

    def empty(self, schema: pa.Schema) -> pa.Table:
        """A table of no rows with ``schema`` (and ``_dlt_load_id``): yielded first, it creates the table.

        ``dlt.mark.materialize_table_schema()`` would create it through dlt's JSON normalizer, which adds a
        NOT NULL ``_dlt_id`` column that Arrow rows do not fill; an empty Arrow table creates exactly the
        columns the Arrow pages will have, whether or not any row ever arrives.
        """
        self._tables.append(schema.empty_table())
        batch = self.flush()
        assert batch is not None
        return batch

    def add(self, table: pa.Table) -> pa.Table | None:
        """Add a page; returns a batch to yield once ``max_rows`` rows were collected, else None."""
        crowded = self._shared is not None and self._shared.add(self._rows, table.num_rows)
        self._tables.append(table)
        self._rows += table.num_rows
        return self.flush() if self._rows >= self.max_rows or crowded else None

    def release(self) -> None:
        """Drop what was collected and not handed over (a resource closed early), for the shared count."""
        if self._shared is not None:
            self._shared.remove(self._rows)
        self._tables, self._rows = [], 0

    def flush(self) -> pa.Table | None:
        """Everything collected so far as one table (None if nothing was)."""
        if not self._tables:
            return None
        tables = self._tables
        # promote: a page with a metric TikTok sent unasked has one more column than the others
        batch = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="default")
        self.release()
        if self.load_id is not None:
            column = pa.repeat(pa.scalar(self.load_id, pa.string()), batch.num_rows)
            batch = batch.append_column(pa.field(LOAD_ID_COLUMN, pa.string(), nullable=False), column)
        return batch

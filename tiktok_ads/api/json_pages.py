"""Report page bodies parsed straight into Arrow by pyarrow's JSON reader (C++): no Python object per value.

A 1,000-row ``ad_insights`` page is ~1.8 MB of JSON holding ~70,000 values. Parsing it with orjson makes
~70,000 Python strings and 2,000 dicts (~10 MB of small objects per page, ~7 ms), and moving them into Arrow
columns costs as much again. :func:`decode_report_body` instead reads the whole envelope with an explicit
schema (every dimension and metric a string, as TikTok sends them) into Arrow arrays, and the paging loop
gets a :class:`ArrowRows` page instead of a list of dicts. Measured on real-shaped pages (bench/README.md),
this is the cheaper path end to end, and it needs no dependency beyond pyarrow.

Anything the schema does not describe makes the reader fail, and the body then takes the orjson path
(exactly the previous behaviour): a JSON number where a string was expected (mixed strings and numbers in
a column), a ``code`` or ``page_info`` that is not a number, a body that is not one JSON object. Fields
the schema does not name are inferred (a ``total_metrics`` object is ignored; a metric TikTok sent
unasked shows up in :attr:`ArrowRows.extra`, and the page takes the orjson path, which keeps it as text).
"""

from __future__ import annotations

import functools
import io
import os
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

try:  # dlt depends on orjson (except on PyPy)
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
except ImportError:  # pragma: no cover
    import json

    _loads = json.loads

Decoder = Callable[[bytes], "dict[str, Any] | None"]
"""A page body -> an envelope dict whose ``data.list`` is an :class:`ArrowRows`, or None (use orjson)."""

_PAGE_INFO = pa.struct([(name, pa.int64()) for name in ("page", "page_size", "total_number", "total_page")])
_BLOCK = 1 << 20
"""The reader's block size must hold the whole body (one JSON object); rounded up to MB."""


class ArrowRows(Sequence[dict[str, Any]]):
    """One page's ``data.list`` as Arrow: the ``dimensions`` and ``metrics`` objects of every row as structs.

    It is a sequence of row dicts for the paging loop (length, first and last row for its repeated-page
    check; converting a row to Python is only done for those two), and keeps the body so that a page the
    Arrow conversion cannot type exactly can still be decoded by orjson (:meth:`raw`).

    Attributes:
        rows: ``struct<dimensions: struct<...>, metrics: struct<...>>``, one element per row.
        extra: names in ``metrics`` or ``dimensions`` beyond the requested ones (TikTok sent them unasked).
    """

    def __init__(self, rows: pa.StructArray, body: bytes, extra: tuple[str, ...]) -> None:
        self.rows = rows
        self.extra = extra
        self._body = body

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.rows[i].as_py() for i in range(*index.indices(len(self.rows)))]
        return self.rows[index].as_py()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.raw())

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def raw(self) -> list[dict[str, Any]]:
        """The rows exactly as orjson decodes them from the body (for the row path)."""
        rows = (_loads(self._body).get("data") or {}).get("list")
        return rows if isinstance(rows, list) else []

    def body_only(self) -> ArrowRows:
        """This page without its arrays, for :meth:`raw` alone (what a page kept for a later fallback needs)."""
        return ArrowRows(pa.array([], self.rows.type), self._body, self.extra)

    def part(self, name: str) -> pa.StructArray | None:
        """The ``dimensions`` or ``metrics`` struct array (a null row is not merged in), or None if absent."""
        try:
            return self.rows.field(name)
        except KeyError:
            return None


@functools.lru_cache(maxsize=256)
def envelope_schema(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> pa.Schema:
    """The Arrow schema of a report answer whose rows hold ``dimensions`` and ``metrics`` (all strings).

    Args:
        dimensions: names expected in each row's ``dimensions`` object.
        metrics: names expected in each row's ``metrics`` object.

    Returns:
        The schema of the whole envelope (``code``, ``message``, ``request_id``, ``data``).
    """
    row = pa.struct(
        [
            pa.field("dimensions", pa.struct([(name, pa.string()) for name in dimensions])),
            pa.field("metrics", pa.struct([(name, pa.string()) for name in metrics])),
        ]
    )
    data = pa.struct([pa.field("list", pa.list_(row)), pa.field("page_info", _PAGE_INFO)])
    return pa.schema(
        [("code", pa.int64()), ("message", pa.string()), ("request_id", pa.string()), ("data", data)]
    )


@functools.lru_cache(maxsize=256)
def text_envelope_schema(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> pa.Schema:
    """:func:`envelope_schema` with ``code`` and ``page_info``'s numbers as text (the quick quoting quotes every
    bare number; they are made ints after the read)."""
    schema = envelope_schema(dimensions, metrics)
    data = schema.field("data").type
    info = pa.struct([(name, pa.string()) for name in ("page", "page_size", "total_number", "total_page")])
    data = pa.struct([data.field("list"), pa.field("page_info", info)])
    return pa.schema(
        [("code", pa.string()), schema.field("message"), schema.field("request_id"), ("data", data)]
    )


def decode_report_body(
    body: bytes, dimensions: tuple[str, ...], metrics: tuple[str, ...], *, quick: bool = True
) -> dict[str, Any] | None:
    """A report answer as an envelope dict with an :class:`ArrowRows` ``data.list``, or None.

    Args:
        body: the HTTP body.
        dimensions: the names the page's ``dimensions`` objects should hold.
        metrics: the names the page's ``metrics`` objects should hold.
        quick: use the quick quoting where it applies (False: the name-lookup quoting only; benches, tests).

    Returns:
        ``{"code", "message", "request_id", "data": {"list": ArrowRows | None, "page_info": {...} | None}}``,
        or None when the body is anything but one JSON object of that shape (the caller decodes it itself).
    """
    schema = envelope_schema(dimensions, metrics)
    read = pj.ReadOptions(block_size=(len(body) // _BLOCK + 2) * _BLOCK, use_threads=False)
    parse = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    page_info: Any = _FROM_TABLE
    with _DECODING:
        try:
            table = pj.read_json(io.BytesIO(body), read_options=read, parse_options=parse)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            # real answers mix JSON numbers into TikTok's strings (likes 36, cpc 0.5, tt_app_id 0): read them as
            # the text of their digits, as the row path does (ArrowRows keeps the body as sent, for that path)
            fast = _read_quickly(body, dimensions, metrics, read) if quick else None
            if fast is not None:
                table, page_info = fast
            else:
                exact = _read_quoted(body, dimensions, metrics, read)
                if exact is None:
                    return None
                table = exact
    envelope = _envelope(table)
    if envelope is None:
        return None
    data = table.column("data").chunk(0)
    info = data.field("page_info")
    lists = data.field("list")
    rows: ArrowRows | None = None
    if lists.null_count == 0:
        items = lists.flatten()
        extra: list[str] = []
        for part, expected in (("dimensions", dimensions), ("metrics", metrics)):
            kind = items.type.field(part).type
            extra += [
                kind.field(i).name for i in range(kind.num_fields) if kind.field(i).name not in expected
            ]
        rows = ArrowRows(items, body, tuple(extra))
    if page_info is _FROM_TABLE:
        page_info = info[0].as_py()
    envelope["data"] = {"list": rows, "page_info": page_info}
    return envelope


def _envelope(table: pa.Table) -> dict[str, Any] | None:
    """``code``, ``message`` and ``request_id`` of a read envelope (``code`` an int), or None when the body was
    several objects, had no data object (an error answer: orjson says exactly what it is) or no integer code."""
    if table.num_rows != 1 or table.column("data").null_count:
        return None
    envelope: dict[str, Any] = table.select(["code", "message", "request_id"]).to_pylist()[0]
    try:
        envelope["code"] = int(envelope["code"])
    except (TypeError, ValueError):
        return None
    return envelope


_FROM_TABLE: Any = object()


def _read_quickly(
    body: bytes, dimensions: tuple[str, ...], metrics: tuple[str, ...], read: pj.ReadOptions
) -> tuple[pa.Table, dict[str, Any] | None] | None:
    """The body read with every bare JSON number as the text TikTok sent, and its ``page_info`` as sent; or
    None where that might differ from :func:`_read_quoted` (which then reads it).

    Every number right after ``":`` (compact JSON, as TikTok sends it) is quoted by one RE2 substitution
    (``pyarrow.compute``: 9 ms for a 2.6 MB page against 46 ms for the name lookup of :func:`_read_quoted`) and read with
    :func:`text_envelope_schema`. That is the exact quoting's result when: the body holds no escaped quote
    (only inside a string could ``":`` be followed by a digit, and only after ``\\"``); no number would be
    spelled otherwise by Python (:data:`_SPELLED_OTHERWISE_TEXT`; the row path, which reads a float in a text column,
    writes it as Python prints it); ``code`` comes first as a bare integer and ``page_info`` holds bare
    integers (their schema's type), which are taken from the body itself.
    """
    if b'\\"' in body or _CODE_FIRST.match(body) is None:
        return None
    info: dict[str, Any] | None = None
    start = body.find(b'"page_info":')  # C's memchr-speed scan to it (the regex alone: 2.4 ms a page)
    found = (
        None if start < 0 else _PAGE_INFO_OBJECT.match(body, start) or _PAGE_INFO_OBJECT.search(body, start)
    )
    if found is not None:
        sent = _loads(found.group(1))
        if not all(type(v) is int for v in sent.values()) or set(sent) - set(_PAGE_INFO.names):
            return None
        info = {name: sent.get(name) for name in _PAGE_INFO.names}  # as the schema's struct reads it
    elif b'"page_info"' in body:
        return None  # null or another shape: the exact reading says what it is
    parse = pj.ParseOptions(
        explicit_schema=text_envelope_schema(dimensions, metrics), unexpected_field_behavior="infer"
    )
    whole = pa.array([body], pa.binary())  # the body for RE2 (pyarrow.compute): quoting, then the check below
    try:
        quoted = pc.replace_substring_regex(whole, _VALUE_NUMBER, r'":"\1"\2')[0]
        table = pj.read_json(pa.BufferReader(quoted.as_buffer()), read_options=read, parse_options=parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None  # a number where an object or a list belongs ...
    if pc.match_substring_regex(whole, _SUSPECT_BARE)[0].as_py() and _respelled_in_text(
        table, dimensions, metrics, body
    ):
        return None
    return table, info


def _respelled_in_text(
    table: pa.Table, dimensions: tuple[str, ...], metrics: tuple[str, ...], body: bytes
) -> bool:
    """Whether a text column got a bare number that Python would print otherwise (:data:`_SPELLED_OTHERWISE_TEXT`).

    Only text columns care: a number column is cast from the text, which is the same number however spelled.
    Looked for in the read columns (one RE2 pass per text column), then in the body for the few such values:
    a string TikTok sent as ``"0.50"`` reads the same on every path.
    """
    data = table.column("data").chunk(0)
    if data.field("list").null_count:
        return False
    items = data.field("list").flatten()
    suspects: set[str] = set()
    for part, names in (("dimensions", dimensions), ("metrics", _text_metrics(metrics))):
        try:
            struct = items.field(part)
        except KeyError:
            continue
        for name in names:
            try:
                column = struct.field(name)
            except KeyError:
                continue
            long_float = pc.and_(
                pc.greater_equal(pc.utf8_length(column), 17), pc.match_substring_regex(column, _FLOAT_TEXT)
            )
            suspect = pc.or_(pc.match_substring_regex(column, _SPELLED_OTHERWISE_TEXT), long_float)
            if pc.any(suspect).as_py():
                suspects.update(column.filter(suspect).to_pylist())
    if not suspects:
        return False
    # one pass: was any of them sent bare (as a number) anywhere? (then the exact quoting reads the page)
    bare = b'":(?:' + b"|".join(re.escape(v.encode()) for v in sorted(suspects)) + b")[,}\\]]"
    return re.search(bare, body) is not None


@functools.lru_cache(maxsize=256)
def _text_metrics(metrics: tuple[str, ...]) -> tuple[str, ...]:
    """The ``metrics`` whose column is text (not a count or a decimal)."""
    from tiktok_ads.tables.columns import METRIC_TYPES

    return tuple(m for m in metrics if METRIC_TYPES.get(m) not in ("bigint", "decimal"))


def _read_quoted(
    body: bytes, dimensions: tuple[str, ...], metrics: tuple[str, ...], read: pj.ReadOptions
) -> pa.Table | None:
    """The body read after quoting the bare numbers of the page's fields (:func:`_number_quoter`), or None
    (a float in a text column, or a shape the schema does not describe: the row path decides)."""
    quoted = _BARE_NUMBER.sub(_number_quoter(dimensions, metrics), body)
    if quoted == body:
        return None
    parse = pj.ParseOptions(
        explicit_schema=envelope_schema(dimensions, metrics), unexpected_field_behavior="infer"
    )
    try:
        return pj.read_json(io.BytesIO(quoted), read_options=read, parse_options=parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None


_DECODING = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))
"""Pages decoded at once, whatever the worker threads: decoding is CPU-bound, and 16 threads decoding at once on
2 cores measured more CPU per page and +356 MB of peak RSS against +109 MB for 2 at once (bench/README.md)."""

_CODE_FIRST = re.compile(rb'\{"code":-?\d+[,}]')
"""TikTok's envelope starts with its integer ``code``."""

_PAGE_INFO_OBJECT = re.compile(rb'"page_info":(\{[^{}"]*(?:"[a-z_]+":[^,{}"]*,?)*\})')
"""The ``page_info`` object (flat: names and bare values)."""

_VALUE_NUMBER = r'":(-?\d[\d.eE+-]*)([,}\]])'
"""A bare JSON number right after a key (compact JSON) and the character after it (RE2 has no lookahead)."""

_SPELLED_OTHERWISE_TEXT = r"^(?:-?\d+\.\d+0|-?\d*\.0000\d*|-?[\d.]+[eE][-+]?\d+)$"
"""Text of a float that Python's ``repr`` might not print back (RE2, for ``pyarrow.compute``): a fraction of two or
more digits ending in zero (``0.50``, ``4.00``; ``4.0`` prints back as sent), four zeros after the point
(``0.00001`` is ``1e-05``), an exponent; and (:data:`_FLOAT_TEXT`, 17 characters or more) 16 or more digits
with a point. Any one sends the page to the exact quoting; other floats of at most 15 digits print back as
sent."""

_FLOAT_TEXT = r"^-?\d+\.\d+$"
"""A plain decimal's text (RE2): with 17 characters or more, 16 or more digits Python may print otherwise."""

_SUSPECT_BARE = (
    r'":(?:-?\d+\.\d+0|-?\d*\.0000\d*|-?[\d.]+[eE][-+]?\d+|-?(?:'
    + "|".join(rf"\d{{{i},}}\.\d{{{15 - i},}}" for i in range(1, 15))
    + r"))[,}\]]"
)
"""A bare number anywhere in the body that :data:`_SPELLED_OTHERWISE_TEXT` or a long :data:`_FLOAT_TEXT` (15 or
more digits, a point between) would catch. Without one, no text column can hold such a number, so the per-column
check (~13 ms a page) is skipped for one RE2 pass over the body (~4 ms): real pages carry thousands of bare
numbers, almost never one of these."""


_BARE_NUMBER = re.compile(rb'"([^"\\]+)":\s*(-?\d+((?:\.\d+)?(?:[eE][+-]?\d+)?))(?=\s*[,}])')
"""A key with a bare JSON number; group 3 is its fraction and exponent (empty for a whole number). One generic
pattern and a name lookup: an alternation of the ~70 field names tried at every quote took 128 ms of a
1,000-row page's 150 ms decode, this 46 ms (same output)."""


@functools.lru_cache(maxsize=256)
def _number_quoter(
    dimensions: tuple[str, ...], metrics: tuple[str, ...]
) -> Callable[[re.Match[bytes]], bytes]:
    """The replacement quoting the page's fields that hold a bare JSON number: any number in numeric metrics,
    whole numbers only elsewhere (a float in a text column takes the row path, which decides its spelling);
    other keys (``code``, ``page_info``'s) stay as they are."""
    text = frozenset(_text_metrics(metrics))
    numeric = frozenset(m.encode() for m in metrics if m not in text)
    other = frozenset(n.encode() for n in (*dimensions, *metrics)) - numeric

    def quote(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in numeric or (name in other and not match.group(3)):
            return b'"' + name + b'":"' + match.group(2) + b'"'
        return match.group(0)

    return quote


def report_decoder(dimensions: tuple[str, ...], metrics: tuple[str, ...]) -> Decoder:
    """A :data:`Decoder` for the pages of a report with these ``dimensions`` and ``metrics`` objects."""
    return functools.partial(decode_report_body, dimensions=dimensions, metrics=metrics)

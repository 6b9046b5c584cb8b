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
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pyarrow as pa
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


def decode_report_body(
    body: bytes, dimensions: tuple[str, ...], metrics: tuple[str, ...]
) -> dict[str, Any] | None:
    """A report answer as an envelope dict with an :class:`ArrowRows` ``data.list``, or None.

    Args:
        body: the HTTP body.
        dimensions: the names the page's ``dimensions`` objects should hold.
        metrics: the names the page's ``metrics`` objects should hold.

    Returns:
        ``{"code", "message", "request_id", "data": {"list": ArrowRows | None, "page_info": {...} | None}}``,
        or None when the body is anything but one JSON object of that shape (the caller decodes it itself).
    """
    schema = envelope_schema(dimensions, metrics)
    read = pj.ReadOptions(block_size=(len(body) // _BLOCK + 2) * _BLOCK, use_threads=False)
    parse = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
    try:
        table = pj.read_json(io.BytesIO(body), read_options=read, parse_options=parse)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        # real answers mix JSON numbers into TikTok's strings (likes 36, cpc 0.5, tt_app_id 0): read them as
        # the text of their digits, as the row path does (ArrowRows keeps the body as sent, for that path)
        quoted = _BARE_NUMBER.sub(_number_quoter(dimensions, metrics), body)
        if quoted == body:
            return None
        try:
            table = pj.read_json(io.BytesIO(quoted), read_options=read, parse_options=parse)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            return None
    if table.num_rows != 1 or table.column("data").null_count:
        return None  # several objects, or no data object (an error answer): orjson says exactly what it is
    envelope = table.select(["code", "message", "request_id"]).to_pylist()[0]
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
    envelope["data"] = {"list": rows, "page_info": info[0].as_py()}
    return envelope


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
    from .settings import METRIC_TYPES  # here: settings is heavier than this module

    numeric = frozenset(m.encode() for m in metrics if METRIC_TYPES.get(m) in ("bigint", "decimal"))
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

"""Everything readable in files a run leaves behind, for the tests that prove no secret reaches them: load
packages (gzip, parquet, pickle) and the duckdb destination (dlt's compressed state included)."""

from __future__ import annotations

import base64
import gzip
import pickle
import zlib
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq


def texts_of_file(path: Path) -> list[str]:
    """What a file holds, readably: its bytes, and gzip, parquet, pickle or zlib/base64 contents decoded."""
    raw = path.read_bytes()
    out = [raw.decode("latin-1")]
    if raw[:2] == b"\x1f\x8b":
        out.append(gzip.decompress(raw).decode("utf-8", "replace"))
    if raw[:4] == b"PAR1":
        out.append(repr(pq.read_table(path).to_pylist()))
    if path.suffix == ".pickle":
        out.append(repr(pickle.loads(raw)))
    return out


def decompressed_state(value: Any) -> str:
    """dlt stores the pipeline state in the destination as base64 of zlib-compressed JSON."""
    try:
        return zlib.decompress(base64.b64decode(value)).decode("utf-8", "replace")
    except Exception:
        return ""


def destination_texts(db_path: Path) -> list[str]:
    """Every value of every table of every schema of the duckdb file (compressed state decompressed)."""
    out: list[str] = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        for schema, table in tables:
            for row in con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall():
                out.append(repr(row))
                out.extend(decompressed_state(v) for v in row if isinstance(v, str) and len(v) > 40)
    return out

"""Loaded rows against the truth (``truth.py``), row by row on a key: what tests and benchmarks report."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class KeyedDifferences:
    """How loaded rows differ from the truth's, matched on a key (all empty or 0 when they are equal)."""

    #: loaded rows whose key another loaded row has too
    duplicates: int = 0
    #: keys of the truth that no loaded row has
    missing: set[Hashable] = field(default_factory=set)
    #: keys of loaded rows that the truth has not
    extra: set[Hashable] = field(default_factory=set)
    #: (key, column, loaded value, truth's value) for every truth column whose loaded value differs
    wrong: list[tuple[Hashable, str, Any, Any]] = field(default_factory=list)


def keyed_differences(
    got: Sequence[Row], want: Iterable[Row], key_of: Callable[[Row], Hashable], norm: Callable[[Any], Any]
) -> KeyedDifferences:
    """Match ``got`` (loaded) and ``want`` (truth) rows by ``key_of`` and compare every column of the truth's
    rows, both sides through ``norm`` (e.g. so Decimals of other precisions compare equal)."""
    got_by_key = {key_of(r): r for r in got}
    want_by_key = {key_of(r): r for r in want}
    out = KeyedDifferences(
        duplicates=len(got) - len(got_by_key),
        missing=set(want_by_key) - set(got_by_key),
        extra=set(got_by_key) - set(want_by_key),
    )
    for k, want_row in want_by_key.items():
        have = got_by_key.get(k)
        if have is None:
            continue
        for col, value in want_row.items():
            if norm(have.get(col)) != norm(value):
                out.wrong.append((k, col, have.get(col), value))
    return out

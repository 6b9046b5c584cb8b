"""Column hints in one place: the dlt hint of a column type (:func:`column_hint`) and of each metric kind
(:func:`metric_hint`), hence the Arrow and warehouse types.

TikTok sends money with 2-3 decimals (``"20.000"``, ``"14.68"``), ``cost_per_*`` with up to 4, integers only
for currencies without minor units (IDR, VND, KRW ...), and ratios (percentages such as ``ctr``, averages,
ROAS) with 2-4 decimals (see ``docs`` of the reference: where_tiktok_metrics_are_documented.md). A decimal of
precision 18 or less is stored in 64 bits (duckdb DECIMAL(18,s) is an int64, parquet an INT64 decimal), which
costs about 40 % less to load into duckdb than dlt's default DECIMAL(38,9) (a 128-bit value; measured in
``bench/README.md``) and keeps every value TikTok sends exact:

======== ================ ==========================================================================
kind      type             why
======== ================ ==========================================================================
count    BIGINT           impressions, clicks, conversions: whole numbers
money    DECIMAL(18,4)    4 decimals hold every amount TikTok sends; 14 integer digits hold a lifetime
                          spend of 10^14 in the smallest-unit currencies (VND, IDR)
ratio    DECIMAL(18,6)    percentages and averages never reach 10^12; 6 decimals leave room over TikTok's 4
======== ================ ==========================================================================

A value with more decimals than its column keeps is rounded half-even to the column's scale (as DECIMAL(38,9)
did at 9); a value too large for the column fails the run naming the column and the value.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from dlt.common.schema.typing import TColumnSchema

DECIMAL_SIZES: Mapping[str, tuple[int, int]] = MappingProxyType({"money": (18, 4), "ratio": (18, 6)})
"""``(precision, scale)`` of the decimal metric kinds."""

_DATA_TYPES: Mapping[str, str] = MappingProxyType(
    {"attribute": "text", "count": "bigint", "money": "decimal", "ratio": "decimal"}
)


def metric_hint(kind: str) -> TColumnSchema:
    """The dlt column hint of a metric of ``kind`` (``attribute``, ``count``, ``money`` or ``ratio``).

    Args:
        kind: the metric's kind in the catalogue.

    Returns:
        A fresh hint, e.g. ``{"data_type": "decimal", "precision": 18, "scale": 4}``.
    """
    hint: TColumnSchema = {"data_type": _DATA_TYPES[kind]}  # type: ignore[typeddict-item]
    if kind in DECIMAL_SIZES:
        hint["precision"], hint["scale"] = DECIMAL_SIZES[kind]
    return hint


def column_hint(data_type: str, description: str | None = None) -> TColumnSchema:
    """The dlt column hint of a pinned column: its type (timestamps timezone-aware, UTC) and description.

    Args:
        data_type: dlt data type (``text``, ``bigint``, ``decimal``, ``timestamp`` ...).
        description: optional column description stored in the dlt schema.

    Returns:
        A fresh hint (``nullable`` stays true; primary-key columns are made non-nullable by dlt).
    """
    hint: TColumnSchema = {"data_type": data_type}  # type: ignore[typeddict-item]
    if data_type == "timestamp":
        hint["timezone"] = True
    if description:
        hint["description"] = description
    return hint

"""The one metric catalogue, read from its data file (``metrics.toml`` beside this module).

The catalogue is data shared by the source and the emulated TikTok, so that both agree on which metrics
exist, their kinds and where TikTok allows them. This reader is all they share: standard library only, it
imports nothing else of the package (the emulator may import it and nothing else of the source; the source's
rules on top of it are in :mod:`tiktok_ads.tables.metric_catalogue`).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

if sys.version_info >= (3, 11):
    import tomllib

    def _read_toml(path: Path) -> dict[str, Any]:
        with path.open("rb") as f:
            return tomllib.load(f)

else:  # Python 3.10: dlt brings tomlkit
    import tomlkit

    def _read_toml(path: Path) -> dict[str, Any]:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()


ColumnKind = Literal["bigint", "decimal", "text", "date", "timestamp", "bool", "json"]
"""dlt data types the source pins."""

MetricKind = Literal["attribute", "count", "money", "ratio"]
DimensionRole = Literal["id", "time", "breakdown"]

AUCTION_ADVERTISER = "AUCTION_ADVERTISER"
AUCTION_CAMPAIGN = "AUCTION_CAMPAIGN"
AUCTION_ADGROUP = "AUCTION_ADGROUP"
AUCTION_AD = "AUCTION_AD"

DATA_LEVELS: tuple[str, ...] = (AUCTION_ADVERTISER, AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD)
"""The synchronous report data levels (``RESERVATION_*`` are deprecated)."""

REPORT_TYPES: tuple[str, ...] = ("BASIC", "AUDIENCE")
"""The report types the source loads."""

LEVEL_ID_DIMENSION: Mapping[str, str] = MappingProxyType(
    {
        AUCTION_ADVERTISER: "advertiser_id",
        AUCTION_CAMPAIGN: "campaign_id",
        AUCTION_ADGROUP: "adgroup_id",
        AUCTION_AD: "ad_id",
    }
)
"""The one id dimension a report at each data level is broken down by."""

AUDIENCE_BREAKDOWNS: tuple[frozenset[str], ...] = (
    frozenset({"age", "gender"}),
    frozenset({"age"}),
    frozenset({"gender"}),
    frozenset({"country_code"}),
    frozenset({"platform"}),
    frozenset({"province_id"}),
    frozenset({"language"}),
    frozenset({"placement"}),
    frozenset({"ac"}),
    # answered without a time dimension only (reports.py); the source does not request it
    frozenset({"interest_category"}),
)
"""The breakdowns an AUDIENCE report may have: age and gender together, or any single one. UNSURE: TikTok's
full matrix is not public in our sources; age+gender is the only multi-dimension combination every connector
uses, the others are requested alone."""

BASIC_BREAKDOWNS: frozenset[str] = frozenset({"country_code"})
"""The breakdowns a BASIC report accepts besides its id and time dimension."""

TIME_DIMENSIONS: tuple[str, ...] = ("stat_time_day", "stat_time_hour")

_ALL = frozenset(DATA_LEVELS)
_BELOW_ADVERTISER = frozenset({AUCTION_CAMPAIGN, AUCTION_ADGROUP, AUCTION_AD})
_ADGROUP_AND_AD = frozenset({AUCTION_ADGROUP, AUCTION_AD})
_AD = frozenset({AUCTION_AD})
_ADVERTISER = frozenset({AUCTION_ADVERTISER})

# --------------------------------------------------------------------------------------------------
# Metrics (the data file ``metrics.toml`` next to this module)
# --------------------------------------------------------------------------------------------------

CATALOGUE_FILE = Path(__file__).with_name("metrics.toml")
"""TikTok's report metrics as data, one entry per metric, grouped with the source of each group."""

MetricRole = Literal[
    "attribute", "count", "unique", "cost", "rate", "value", "value_per", "roas", "average", "money"
]

_LEVEL_SETS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "all": _ALL,
        "campaign": _BELOW_ADVERTISER,
        "adgroup": _ADGROUP_AND_AD,
        "ad": _AD,
        "advertiser": _ADVERTISER,
    }
)


@dataclasses.dataclass(frozen=True)
class MetricInfo:
    """One metric the source can request.

    Attributes:
        name: the metric's name on the wire.
        kind: ``attribute`` (text), ``count`` (integer), ``money`` or ``ratio`` (exact decimals).
        levels: the data levels at which TikTok accepts it.
        audience: whether AUDIENCE reports accept it (BASIC reports accept every metric).
        group: the catalogue group (``basic``, ``in_app_event``, ...).
        role: what the figure is (``count``, ``unique``, ``cost``, ``rate``, ...; see ``metrics.toml``).
        of: the count metric a derived figure is relative to (``cost_per_X`` -> ``X``).
        value: for ``value_per`` and ``roas``, the value metric on top.
        uv: a unique-visitor figure (not a sum across rows).
        dash: when TikTok sends ``"-"`` instead of a figure (empty: never documented).
        same: another name of the same figure (a renamed metric TikTok answers under both names, equal).
    """

    name: str
    kind: MetricKind
    levels: frozenset[str] = _ALL
    audience: bool = True
    group: str = ""
    role: MetricRole = "count"
    of: str | None = None
    value: str | None = None
    uv: bool = False
    dash: str = ""
    same: str | None = None

    @property
    def column_type(self) -> ColumnKind:
        """The pinned column type: text, bigint or decimal."""
        if self.kind == "attribute":
            return "text"
        return "bigint" if self.kind == "count" else "decimal"

    def allowed_in(self, report_type: str, data_level: str) -> bool:
        """Whether TikTok accepts this metric in a report of ``report_type`` at ``data_level``."""
        return data_level in self.levels and (report_type != "AUDIENCE" or self.audience)


@dataclasses.dataclass(frozen=True)
class MetricGroup:
    """One group of the catalogue (TikTok's documentation sections) and where its facts come from."""

    name: str
    title: str
    source: str
    metrics: tuple[str, ...]


def _load(path: Path) -> tuple[dict[str, MetricInfo], dict[str, MetricGroup], frozenset[str]]:
    data = _read_toml(path)
    metrics: dict[str, MetricInfo] = {}
    groups: dict[str, MetricGroup] = {}
    for gname, g in data["groups"].items():
        for entry in g["metrics"]:
            name = entry["name"]
            if name in metrics:
                raise ValueError(f"{path.name}: metric {name!r} listed twice")
            metrics[name] = MetricInfo(
                name=name,
                kind=entry["kind"],
                levels=_LEVEL_SETS[entry.get("levels", "all")],
                audience=bool(entry.get("audience", g["audience"])),
                group=gname,
                role=entry["role"],
                of=entry.get("of"),
                value=entry.get("value"),
                uv=bool(entry.get("uv", False)),
                dash=entry.get("dash", ""),
                same=entry.get("same"),
            )
        groups[gname] = MetricGroup(gname, g["title"], g["source"], tuple(e["name"] for e in g["metrics"]))
    return metrics, groups, frozenset(data["async_tasks"]["audience_refused"])


_METRICS, _GROUPS, _TASK_AUDIENCE_REFUSED = _load(CATALOGUE_FILE)

METRICS: Mapping[str, MetricInfo] = MappingProxyType(_METRICS)
"""Every metric TikTok documents for ``report/integrated/get`` (that we found evidence for), by name."""

METRIC_GROUPS: Mapping[str, MetricGroup] = MappingProxyType(_GROUPS)
"""The catalogue's groups, in file order."""

TASK_AUDIENCE_REFUSED: frozenset[str] = _TASK_AUDIENCE_REFUSED
"""Metrics async report tasks refuse together with an audience dimension (TikTok's "UV metrics" of "Create an
asynchronous report task"), read by the source (which keeps such tables synchronous) and the emulator."""

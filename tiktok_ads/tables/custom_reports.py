"""User-declared reports: the ``custom_reports`` setting.

A custom report is a report table the user describes; it becomes a typed, merged, incremental table like the
built-in ones (same factory, :func:`~tiktok_ads.tables.records.report_spec`), keyed by ``advertiser_id`` and all its
dimensions::

    # .dlt/config.toml
    [sources.tiktok_ads.custom_reports.campaign_insights_by_network]
    report_type = "AUDIENCE"
    data_level = "AUCTION_CAMPAIGN"          # or "campaign"
    dimensions = ["campaign_id", "stat_time_day", "ac"]
    metrics = ["spend", "impressions", "clicks"]
    filters = [{field_name = "campaign_ids", filter_type = "IN", filter_value = ["1714125042508817"]}]

    # Python
    tiktok_ads(custom_reports={"ad_spend_hourly": {"report_type": "BASIC", "data_level": "AUCTION_AD",
               "dimensions": ["ad_id", "stat_time_hour"], "metrics": ["spend", "impressions"]}})

``dimensions`` need a time dimension (``stat_time_day``: daily, ``stat_time_hour``: hourly), unless
``lifetime = true`` (BASIC without breakdown, or AUDIENCE with its breakdown). Every definition is checked against TikTok's rules
(:func:`~tiktok_ads.tables.metric_catalogue.report_problems`) when the source is created; a refused one raises
:class:`~tiktok_ads.errors.ConfigError` naming ``sources.tiktok_ads.custom_reports.<name>`` and the rules.
Declared custom reports are loaded with the default tables; when ``tables`` is set, only those it names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from tiktok_ads.errors import ConfigError
from tiktok_ads.tables.columns import STATUS_FIELD_BY_DATA_LEVEL
from tiktok_ads.tables.metric_catalogue import DATA_LEVELS, RULES, report_problems
from tiktok_ads.tables.records import ReportTable, report_spec
from tiktok_ads.tables.report_grid import ALL_TABLES, LEVELS

SETTING = "sources.tiktok_ads.custom_reports"

FIELDS = ("report_type", "data_level", "dimensions", "metrics", "filters", "lifetime")
"""What a definition holds (``type`` and ``filtering`` are accepted for ``report_type`` and ``filters``)."""

_ALIASES = {"type": "report_type", "filtering": "filters", "query_lifetime": "lifetime"}
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FILTER_TYPES = frozenset(
    {
        "IN",
        "NOT_IN",
        "CONTAIN_ANY_OF",
        "MATCH",
        "GREATER_EQUAL",
        "GREATER_THAN",
        "LOWER_EQUAL",
        "LOWER_THAN",
        "BETWEEN",
    }
)
"""TikTok's ``filter_type`` values."""

_LIST_FILTER_TYPES = frozenset({"IN", "NOT_IN", "CONTAIN_ANY_OF", "BETWEEN"})
_ID_FILTER_LEVELS = {
    "campaign_ids": frozenset({"AUCTION_CAMPAIGN", "AUCTION_ADGROUP", "AUCTION_AD"}),
    "adgroup_ids": frozenset({"AUCTION_ADGROUP", "AUCTION_AD"}),
    "ad_ids": frozenset({"AUCTION_AD"}),
}
"""An id filter works at its own level and below."""


def _names(value: Any, setting: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+", value) if part]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(setting, f"{what}: expected a list of names, got {value!r}")
    return tuple(value)


def _bool(value: Any, setting: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConfigError(setting, f"lifetime: expected true or false, got {value!r}")


def _level(value: Any, setting: str) -> str:
    text = str(value).strip()
    level = LEVELS.get(text.lower(), text.upper())
    if level not in DATA_LEVELS:
        raise ConfigError(
            setting, f"data_level {value!r} is not one of {', '.join(DATA_LEVELS)} (or {', '.join(LEVELS)})"
        )
    return level


def parse_filters(value: Any, data_level: str, setting: str) -> tuple[Mapping[str, str], ...]:
    """A custom report's ``filters``, as TikTok's ``filtering`` entries (list values as JSON array text).

    Args:
        value: a list of ``{field_name, filter_type, filter_value}`` (or None).
        data_level: the report's data level.
        setting: the setting name for errors.

    Returns:
        The entries.

    Raises:
        ConfigError: a malformed entry, a status filter (use ``include_deleted``), an id filter above the level.
    """
    if value is None:
        return ()
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ConfigError(
            setting, f"filters: expected a list of {{field_name, filter_type, filter_value}}, got {value!r}"
        )
    out: list[Mapping[str, str]] = []
    for item in value:
        if not isinstance(item, Mapping) or set(item) != {"field_name", "filter_type", "filter_value"}:
            raise ConfigError(
                setting, f"filters: {item!r} needs exactly field_name, filter_type and filter_value"
            )
        field, ftype, raw = str(item["field_name"]), str(item["filter_type"]).upper(), item["filter_value"]
        if ftype not in FILTER_TYPES:
            raise ConfigError(
                setting, f"filters: filter_type {ftype!r} is not one of {', '.join(sorted(FILTER_TYPES))}"
            )
        if field in STATUS_FIELD_BY_DATA_LEVEL.values():
            raise ConfigError(
                setting, f"filters: {field} is set by include_deleted (the level's status filter); remove it"
            )
        if field in _ID_FILTER_LEVELS and data_level not in _ID_FILTER_LEVELS[field]:
            raise ConfigError(setting, f"filters: TikTok refuses {field} at data_level {data_level}")
        if isinstance(raw, (list, tuple)):
            if ftype not in _LIST_FILTER_TYPES:
                raise ConfigError(setting, f"filters: filter_type {ftype} takes one value, not a list")
            text = json.dumps([str(v) for v in raw])
        else:
            text = str(raw)
        out.append(MappingProxyType({"field_name": field, "filter_type": ftype, "filter_value": text}))
    return tuple(out)


def custom_report_spec(name: str, definition: Mapping[str, Any]) -> ReportTable:
    """The table spec of one custom report, checked against TikTok's rules.

    Args:
        name: the table name (lowercase letters, digits, underscores; not a built-in table).
        definition: ``report_type``, ``data_level``, ``dimensions``, ``metrics``, optional ``filters`` and
            ``lifetime``.

    Returns:
        The spec (key: ``advertiser_id`` and every dimension).

    Raises:
        ConfigError: naming ``sources.tiktok_ads.custom_reports.<name>`` and what TikTok would refuse.
    """
    setting = f"{SETTING}.{name}"
    if not _NAME_RE.match(name):
        raise ConfigError(setting, "a report name is lowercase letters, digits and underscores (at most 63)")
    if name in ALL_TABLES:
        raise ConfigError(setting, f"{name} is a built-in table; pick another name")
    if not isinstance(definition, Mapping):
        raise ConfigError(setting, f"expected a table of {', '.join(FIELDS)}, got {definition!r}")
    fields = {_ALIASES.get(k, k): v for k, v in definition.items()}
    fields.pop("name", None)
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise ConfigError(setting, f"unknown field(s) {', '.join(unknown)}; a report has {', '.join(FIELDS)}")
    missing = [f for f in ("report_type", "data_level", "dimensions", "metrics") if f not in fields]
    if missing:
        raise ConfigError(setting, f"missing {', '.join(missing)}")
    report_type = str(fields["report_type"]).strip().upper()
    data_level = _level(fields["data_level"], setting)
    dimensions = _names(fields["dimensions"], setting, "dimensions")
    metrics = tuple(dict.fromkeys(_names(fields["metrics"], setting, "metrics")))
    lifetime = _bool(fields.get("lifetime", False), setting)
    problems = report_problems(report_type, data_level, dimensions, metrics, lifetime=lifetime)
    if problems:
        raise ConfigError(setting, f"TikTok refuses this report: {'; '.join(problems)}. ({RULES})")
    return report_spec(
        name,
        report_type,
        data_level,
        dimensions,
        metrics,
        lifetime=lifetime,
        filters=parse_filters(fields.get("filters"), data_level, setting),
        description=f"Custom {report_type} report at {data_level} by {', '.join(dimensions) or 'lifetime'}",
    )


def custom_report_specs(value: Any) -> Mapping[str, ReportTable]:
    """The ``custom_reports`` setting as table specs, in declaration order.

    Args:
        value: ``{name: definition}``, a list of definitions each with a ``name``, their JSON text (an
            environment variable or ``--custom-reports``), or None.

    Returns:
        ``{name: spec}`` (empty when nothing is declared).

    Raises:
        ConfigError: a malformed setting or a report TikTok would refuse.
    """
    if value is None or value == "" or value == {} or value == []:
        return MappingProxyType({})
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as err:
            raise ConfigError(SETTING, f"not JSON of name -> report definition ({err})") from None
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, Sequence):
        items = []
        for entry in value:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                raise ConfigError(SETTING, f"every report of a list needs a name: {entry!r}")
            items.append((entry["name"], entry))
    else:
        raise ConfigError(
            SETTING, f"expected a table of name -> report definition, got {type(value).__name__}"
        )
    specs: dict[str, ReportTable] = {}
    for name, definition in items:
        if name in specs:
            raise ConfigError(f"{SETTING}.{name}", "declared twice")
        specs[str(name)] = custom_report_spec(str(name), definition)
    return MappingProxyType(specs)

"""Wire formatting: how TikTok writes report values in its answers.

Figures come from ``delivery.py`` as integer vectors (money in cents, or whole units for some currencies);
TikTok sends them as strings (``"12.34"``, ``"-"`` where a metric does not apply), a few as JSON numbers or
``null``, ratios rounded half-up to 2 (some 3) decimals. This module holds those spellings and compiles, per
metric list, the function that writes a row's metrics; the dimension values' spellings are here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tiktok_ads.emulator.data import metrics as m

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import Advertiser, Entity

#: (entity, base vector) -> the row's metrics (a dict, or JSON text).
Formatter = Callable[["Entity | Advertiser", Sequence[int]], Any]
#: (attribute metric names, entity, JSON-escaped) -> their values.
Attributes = Callable[[tuple[str, ...], "Entity | Advertiser", bool], dict[str, str]]

_NCORE = len(m.BASE_FIELDS)

#: Currencies whose amounts TikTok sends without decimals: an Indonesian advertiser's captured production
#: answer has ``"spend": "5582123"`` (Nov 2025). For them the model's money unit is the whole rupiah (not a
#: cent), so sums stay exact. UNSURE for other zero-decimal currencies (JPY, KRW ...): kept with 2 decimals.
WHOLE_UNIT_CURRENCIES = frozenset({"IDR"})

#: How real answers spell some metrics. Source: Airbyte's unit-test answer ``ads_reports_hourly.json``
#: (source-tiktok-marketing ``unit_tests/resource/http/response/``), which mixes JSON numbers into the strings of
#: one row: video and engagement counts and ``average_video_play`` as numbers, ``tt_app_id`` ``0`` and
#: ``mobile_app_id``/``tt_app_name`` ``"0"`` for an ad without an app, secondary-goal metrics and
#: ``dpa_target_audience_type`` as JSON ``null``, ``cost_per_result`` with 3 decimals (``"0.290"``). UNSURE: that
#: file is partly hand-edited, so which metrics come as numbers, and whether always, is a guess we keep fixed
#: (deterministic); the docs say strings, and everything else stays a string.
JSON_NUMBER_METRICS: frozenset[str] = frozenset(
    {
        "likes", "comments", "shares", "follows", "profile_visits", "clicks_on_music_disc", "video_play_actions",
        "video_watched_2s", "video_watched_6s", "video_views_p25", "video_views_p50", "video_views_p75",
        "video_views_p100", "app_install", "real_time_app_install", "average_video_play",
        "average_video_play_per_user",
    }
)  # fmt: skip
#: Ratios with 3 decimals on the wire (the same answer: ``"cost_per_result": "0.290"``).
THREE_DECIMAL_METRICS: frozenset[str] = frozenset({"cost_per_result", "real_time_cost_per_result"})
#: Metrics answered JSON ``null`` where they do not apply. UNSURE at which levels: the answer above is ad
#: level; at ad-group level we keep ``"-"`` (the documented placeholder), so both spellings occur.
NULL_AT_AD_LEVEL: frozenset[str] = frozenset({"dpa_target_audience_type"})
#: Attribute metrics real answers may send as JSON booleans (scripted, ``json_booleans``): TikTok's attribute
#: list types ``is_aco`` and ``is_smart_creative`` as booleans (bububa/tiktok-business model/report/metrics.go:
#: Go ``bool`` fields, which a JSON string would not decode into), as ``ad/get/`` answers ``is_aco: false``.
#: UNSURE: no captured report answer holds them and the docs' general rule is strings, so strings stay the default.
JSON_BOOLEAN_METRICS: frozenset[str] = frozenset({"is_aco", "is_smart_creative"})
#: The app attributes of an ad without an app (the same answer): ``tt_app_id`` the number 0, the others "0".
NO_APP: dict[str, str | int] = {"tt_app_id": 0, "tt_app_name": "0", "mobile_app_id": "0"}


def compile_formatter(
    names: Sequence[str],
    level: str,
    currency: str,
    attributes: Attributes,
    as_json: bool = False,
    *,
    json_booleans: bool = False,
) -> Formatter:
    """Compile one function (entity, base vector) -> {metric: wire value} for a metric list.

    Generated code instead of one closure per metric: formatting is the emulator's hot loop (callers cache
    the result: every page of a report asks for the same one).

    Args:
        names: the metrics, in the order of the answer.
        level: the report's data level (some spellings depend on it).
        currency: the advertiser's currency (whole-unit currencies have no decimals).
        attributes: the attribute metrics' values of an entity (names, entity, JSON-escaped or not).
        as_json: produce the metrics object as JSON text instead of a dict.
        json_booleans: spell :data:`JSON_BOOLEAN_METRICS` as JSON booleans (scripted variant).
    """
    exprs: list[str] = []
    plain: list[bool] = []  # whether the value is always a string (else: a number, null or either)
    attrs = [n for n in names if m.METRICS[n].kind == "attribute"]
    attr_names = tuple(attrs)
    ad_level = level == m.AUCTION_AD
    whole = currency in WHOLE_UNIT_CURRENCIES
    cents = 1 if whole else 100  # base money units per currency unit
    money_bases = {md.base or md.name for md in m.METRICS.values() if md.kind == "money"}
    ext = m.ext_fields_for(names)
    b = {**m.BASE_INDEX, **{f: _NCORE + i for i, f in enumerate(ext)}}
    for name in names:
        md = m.METRICS[name]
        is_plain = name not in JSON_NUMBER_METRICS
        if md.kind == "attribute":
            expr = f"attrs[{name!r}]"
            if name in NULL_AT_AD_LEVEL and ad_level:
                expr = f"(None if {expr} == '-' else {expr})"
                is_plain = False
            elif name in JSON_BOOLEAN_METRICS and json_booleans:
                expr = f"({expr} == 'true')"
                is_plain = False
            elif name in NO_APP:
                expr = f"(no_app[{name!r}] if {expr} == '-' else {expr})"
                is_plain = isinstance(NO_APP[name], str)
        elif name == "cash_spend":
            cash = f"(v{b['spend']} - v{b['voucher_spend']})"
            expr = f"str({cash})" if whole else f"'%.2f' % ({cash} / 100)"
        elif md.kind == "count":
            base = f"v{b[md.base or name]}"
            expr = base if not is_plain else f"str({base})"
        elif md.kind == "money":
            expr = f"str(v{b[md.base or name]})" if whole else f"'%.2f' % (v{b[md.base or name]} / 100)"
        else:
            places = 3 if name in THREE_DECIMAL_METRICS else 2
            unit = 10**places
            scale = Fraction(str(md.scale)) * unit
            if md.numerator in money_bases and md.denominator not in money_bases:
                scale *= 100 // cents  # a cost per something: the scales assume cents
            num, den = f"v{b[md.numerator or '']}", f"v{b[md.denominator or '']}"
            sn, sd = scale.numerator, scale.denominator
            dd = den if sd == 1 else f"{den} * {sd}"
            zero = "0." + "0" * places
            # exact half-up rounding of num/den*scale to 2 (or 3) decimals, in integers
            expr = f"('%.{places}f' % (((2 * {num} * {sn} + {dd}) // (2 * {dd})) / {unit}) if {den} else '{zero}')"
            if not is_plain:
                expr = f"float({expr})"
        if md.dash_without_secondary_goal:
            if ad_level:
                expr = f"(None if nosec else {expr})"
                is_plain = False
            else:
                expr = f"('-' if nosec else {expr})"
        exprs.append(f"{name!r}: {expr}")
        plain.append(is_plain)
    src = "def fmt(ent, v):\n"
    src += "    " + ", ".join(f"v{i}" for i in range(_NCORE + len(ext))) + ",  = v\n"
    src += "    nosec = not (secondary_level and getattr(ent, 'has_secondary_goal', False))\n"
    src += "    attrs = attributes(ent)\n" if attrs else ""
    if as_json:  # one %-template producing the JSON object (values are JSON-safe: attributes escaped)
        template = (
            "{"
            + ",".join(f'"{n}":"%s"' if p else f'"{n}":%s' for n, p in zip(names, plain, strict=True))
            + "}"
        )
        values = ", ".join(
            e.split(": ", 1)[1] if p else f"json_value({e.split(': ', 1)[1]})"
            for e, p in zip(exprs, plain, strict=True)
        )
        src += f"    return {template!r} % ({values},)\n"
    else:
        src += "    return {" + ", ".join(exprs) + "}\n"
    scope: dict[str, object] = {
        "json_value": json_value,
        "no_app": NO_APP,
        "secondary_level": level in m.ADGROUP_AND_AD,
        "attributes": lambda ent: attributes(attr_names, ent, as_json),
    }
    exec(compile(src, "<emulator-metrics>", "exec"), scope)  # noqa: S102 - code built from the catalogue
    fmt: Formatter = scope["fmt"]  # type: ignore[assignment]
    return fmt


def json_value(value: object) -> str:
    """A wire value (already JSON-escaped when a string) as JSON text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return repr(value)


def json_str_dict(values: dict[str, str]) -> str:
    """A flat dict of plain strings (ids, dates, enum values) as compact JSON."""
    return "{" + ",".join(f'"{k}":"{v}"' for k, v in values.items()) + "}"


@lru_cache(maxsize=8192)
def day_string(day: int) -> str:
    """``YYYY-MM-DD 00:00:00`` of a proleptic ordinal (how TikTok sends ``stat_time_day``)."""
    return dt.date.fromordinal(day).isoformat() + " 00:00:00"

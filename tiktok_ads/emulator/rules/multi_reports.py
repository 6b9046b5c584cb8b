"""Multi-advertiser synchronous reports: ``GET report/integrated/get/`` with ``advertiser_ids``.

TikTok's rules, from the parameter's documentation (translated in [BB] bububa/tiktok-business
model/report/integrated_get.go, HEAD 051f6c0, from [TTD-sync] "Run a synchronous report"):

- ``advertiser_ids`` (a JSON list) replaces ``advertiser_id``, which is ignored when both are sent; only for
  ``report_type`` BASIC and AUDIENCE; at most 5 ids, all owned by the same TikTok for Business user (else an
  error). UNSURE: the wording of each refusal; they are 40002 naming ``advertiser_ids``. Every advertiser of the
  emulated world belongs to its one user, so "same user" is the token's grant (40001 for one not granted).
- Rows carry ``advertiser_id``, ``currency`` and ``timezone`` in ``metrics``. The dimensions may hold
  ``advertiser_id`` beside the data level's id dimension ([TTD-async]: up to two id dimensions with
  ``advertiser_ids``).
- Without any id dimension, ``advertiser_id``, ``currency`` and ``timezone`` are ``0`` and cost metrics are
  ``"-"`` (rows of several currencies cannot be summed). UNSURE: which other metrics survive; here counts and
  the ratios of counts (``ctr`` ...) are those of all ids of all advertisers together, money and ratios of
  money (``cpc``, ``cost_per_*``) and attribute metrics are ``"-"``. With ``advertiser_id`` but not the level's
  id dimension, each advertiser's ids are summed (one currency: costs stay).
- At most 20,000 ids come back: the ids (campaigns, ad groups or ads of the data level) are cut by creation
  time, newest first, with no promise of an even share per advertiser. A cut answer carries the
  ``X-Tt-Ads-Throttle`` header, as a single-advertiser report over 20,000 ads does ([TTD-sync] response
  headers: "Number of ad ids is equal or more than 20k, only return the top 20k id's results, sorting by
  create time desc order"; the header is in the official SDK's ReportIntegratedGetResponse model). UNSURE:
  that a multi-advertiser cut sends it too, and whether it is sent on every page (here: every page).
- The advertisers must belong to one TikTok for Business user, "otherwise an error occurs" ([BB]
  integrated_get.go, the docs' note on ``advertiser_ids``). UNSURE: its code and wording (not documented);
  every advertiser of the emulated world belongs to its one user, so the emulator never answers it.
- Each advertiser's rows are in its own time zone unless ``multi_adv_report_in_utc_time=true``, which puts every
  row (and the date range) in UTC+0: hours are shifted, days re-summed from the hours.
- Money metrics carry no trailing zeros: after "we return each advertiser's currency in the metrics" the docs
  say these metrics "have no decimal point; e.g. a spend of 100 USD is shown as 100, without a decimal symbol
  such as .000" ([BB] integrated_get.go, translated from [TTD-sync]). UNSURE: the one example is a whole
  amount; the most plausible reading (a number written without its fixed decimals, as a JSON number or a
  float's shortest spelling would be) is modelled: ``"100.00"`` -> ``"100"``, ``"12.50"`` -> ``"12.5"``, cents
  kept. "Money" is every amount of the currency: money metrics and costs per something (``cpc``, ``cpm``,
  ``cost_per_*``); not ratios of two amounts (ROAS).

Variants (:data:`VARIANTS`, set on ``Api.multi_report_variant`` by tests; never TikTok's documented
behaviour, each a way the documented one could turn out to be wrong): ``rounded_money`` rounds those amounts to
whole units (half up), the other reading of the sentence above; ``utc_rows`` answers every row in UTC as if
``multi_adv_report_in_utc_time`` were sent, each row's ``timezone`` saying ``UTC`` (UNSURE what a real answer
would say there).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tiktok_ads.emulator.data import metrics as m
from tiktok_ads.emulator.data.model import Advertiser, World
from tiktok_ads.emulator.rules.params import get_bool, get_id_list, param_error, parse_json_list
from tiktok_ads.emulator.rules.reports import ReportQuery, parse_report_query

__all__ = [
    "MAX_ADVERTISERS",
    "MAX_IDS",
    "THROTTLE_HEADER",
    "VARIANTS",
    "MultiReportQuery",
    "ParseOne",
    "multi_report_rows",
    "parse_multi_report",
    "run_id_summed_report",
    "run_multi_report",
    "without_id_dimension",
]

MAX_ADVERTISERS = 5
MAX_IDS = 20_000
_ADV_DIM = "advertiser_id"
_EXTRA = ("advertiser_id", "currency", "timezone")
UTC = dt.timezone.utc
_LEVEL_KIND = {m.AUCTION_CAMPAIGN: "campaign", m.AUCTION_ADGROUP: "adgroup", m.AUCTION_AD: "ad"}
VARIANTS = ("rounded_money", "utc_rows")
"""The scripted departures from the documented answer (see the module docstring)."""
_MONEY_BASES = frozenset(md.base for md in m.METRICS.values() if md.kind == "money")
#: amounts of the advertiser's currency: money metrics, and ratios of money to something that is not money
_AMOUNTS = frozenset(
    md.name
    for md in m.METRICS.values()
    if md.kind == "money"
    or (md.kind == "ratio" and md.numerator in _MONEY_BASES and md.denominator not in _MONEY_BASES)
)


@dataclass
class MultiReportQuery:
    """A validated multi-advertiser report: one single-advertiser query per advertiser, run with the same
    dimensions (the level's id dimension always included) and metrics."""

    advertiser_ids: list[str]
    queries: list[ReportQuery]
    dimensions: list[str]
    metrics: list[str]
    #: with multi_adv_report_in_utc_time and dates: the UTC range asked (the queries run on local hours)
    utc_range: tuple[dt.date, dt.date] | None
    #: no id dimension at all: rows summed over every id of every advertiser, costs "-"
    no_id: bool
    #: the level's id dimension not asked: rows summed over its ids (per advertiser unless ``no_id``)
    summed: bool
    page: int
    page_size: int
    #: 20,000 ids or more: the answer carries ``X-Tt-Ads-Throttle`` (ids beyond 20,000 are left out)
    cut: bool = False
    #: one of :data:`VARIANTS`, or None for the documented answer
    variant: str | None = None


THROTTLE_HEADER = "X-Tt-Ads-Throttle"
THROTTLE_TEXT = (
    "Number of ad ids is equal or more than 20k, only return the top 20k id's results, sorting by create time "
    "desc order."
)
"""The header TikTok adds to a report cut to 20,000 ids, and its documented value ([TTD-sync])."""


ParseOne = Callable[[dict[str, str], str], ReportQuery]
"""Validates one member's report (its parameters without ``advertiser_ids``, the advertiser id)."""


def parse_multi_report(
    params: Mapping[str, str],
    authorize: Callable[[str], None],
    world: World,
    variant: str | None = None,
    *,
    parse_one: ParseOne = parse_report_query,
    utc_switch: bool = True,
) -> MultiReportQuery:
    """Validate a report request with ``advertiser_ids`` (``authorize`` raises 40001 for an id not granted).

    Args:
        params: the query parameters.
        authorize: checks one advertiser id against the token.
        world: the data model (for the advertisers' time zones in UTC mode).
        variant: one of :data:`VARIANTS`, or None for the documented answer.
        parse_one: the rules of one member's report (the synchronous report's; an async task's for
            ``report/task/create/``, :mod:`.api_tasks`).
        utc_switch: whether ``multi_adv_report_in_utc_time`` (and the ``utc_rows`` variant) apply.

    Returns:
        The query to run.
    """
    raw = params.get("advertiser_ids", "")
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise param_error(f"advertiser_ids: Invalid JSON value {raw!r}.") from None
    ids = get_id_list("advertiser_ids", parse_json_list("advertiser_ids", decoded), max_len=MAX_ADVERTISERS)
    if not ids:
        raise param_error(f"advertiser_ids: Length must be between 1 and {MAX_ADVERTISERS}.")
    report_type = params.get("report_type")
    if report_type not in ("BASIC", "AUDIENCE"):
        raise param_error("advertiser_ids: only supported when report_type is BASIC or AUDIENCE.")
    for advertiser_id in ids:
        authorize(advertiser_id)
    utc = utc_switch and (get_bool(params, "multi_adv_report_in_utc_time") or variant == "utc_rows")
    dims_raw = params.get("dimensions")
    requested: list[str] = []
    if dims_raw:
        try:
            decoded_dims = json.loads(dims_raw)
        except ValueError:
            decoded_dims = None  # parse_report_query names the parameter
        if isinstance(decoded_dims, list) and all(isinstance(d, str) for d in decoded_dims):
            requested = list(dict.fromkeys(decoded_dims))
    level_dim = m.ID_DIMENSION.get(params.get("data_level") or "")
    inner = list(requested)
    if level_dim is not None and level_dim != _ADV_DIM and _ADV_DIM in inner:
        inner.remove(_ADV_DIM)  # advertiser_id beside the level's own id dimension
    summed = bool(requested) and level_dim is not None and level_dim not in requested
    no_id = bool(requested) and not any(d in m.ID_DIMENSIONS for d in requested)
    if summed and level_dim is not None and level_dim not in inner:
        inner = [level_dim, *inner]  # computed per id, then summed over the ids
    single = {k: v for k, v in params.items() if k not in ("advertiser_ids", "advertiser_id")}
    if requested:
        single["dimensions"] = json.dumps(inner)
    queries: list[ReportQuery] = []
    utc_range: tuple[dt.date, dt.date] | None = None
    for advertiser_id in ids:
        query = parse_one(single, advertiser_id)  # the rules on the request as sent
        if utc and query.start_date is not None and query.end_date is not None:
            utc_range = (query.start_date, query.end_date)
            if any(d in m.TIME_DIMENSIONS for d in query.dimensions):
                query = _in_local_hours(world, query)
        queries.append(query)
    cut = _cap_ids(world, queries)
    first = queries[0]
    return MultiReportQuery(
        advertiser_ids=ids,
        queries=queries,
        dimensions=requested,
        metrics=list(first.metrics),
        utc_range=utc_range,
        no_id=no_id,
        summed=summed,
        page=first.page,
        page_size=first.page_size,
        cut=cut,
        variant=variant,
    )


def _in_local_hours(world: World, query: ReportQuery) -> ReportQuery:
    """The internal query behind a UTC one: hourly, over the advertiser-local dates covering the UTC range."""
    assert query.start_date is not None and query.end_date is not None
    adv = world.advertiser(query.advertiser_id)
    assert adv is not None
    zone = ZoneInfo(adv.timezone)
    lo = dt.datetime.combine(query.start_date, dt.time(0), UTC).astimezone(zone).date()
    hi = dt.datetime.combine(query.end_date, dt.time(23), UTC).astimezone(zone).date()
    hourly = ["stat_time_hour" if d == "stat_time_day" else d for d in query.dimensions]
    return replace(query, dimensions=hourly, start_date=lo, end_date=hi)


def _cap_ids(world: World, queries: Sequence[ReportQuery]) -> bool:
    """Keep the 20,000 most recently created ids of the data level over all advertisers (TikTok's cut).

    Returns:
        Whether the answer says so (``X-Tt-Ads-Throttle``): at 20,000 ids or more, as the header's text says.
    """
    level = queries[0].data_level
    kind = _LEVEL_KIND.get(level)
    if kind is None:
        return False
    created: list[tuple[str, str, str]] = []
    for query in queries:
        for entity in world.entities(kind, query.advertiser_id):
            created.append((str(entity["create_time"]), str(entity[f"{kind}_id"]), query.advertiser_id))
    if len(created) <= MAX_IDS:
        return len(created) == MAX_IDS
    created.sort(reverse=True)
    keep: dict[str, set[str]] = {}
    for _, entity_id, advertiser_id in created[:MAX_IDS]:
        keep.setdefault(advertiser_id, set()).add(entity_id)
    name = f"{kind}_ids"
    for query in queries:
        allowed = keep.get(query.advertiser_id, set())
        query.id_filters[name] = query.id_filters.get(name, allowed) & allowed
        if not query.id_filters[name]:
            query.empty = True
    return True


def run_multi_report(world: World, query: MultiReportQuery) -> tuple[dict[str, Any], int]:
    """Answer a multi-advertiser query: ``data`` (``list`` + ``page_info``) and the rows it carries.

    Args:
        world: the data model.
        query: the validated query.

    Returns:
        ``(data, rows on this page)``.
    """
    if query.utc_range is None and not query.summed:
        return _local_page(world, query)
    rows = _pooled_rows(world, query)
    total = len(rows)
    start = (query.page - 1) * query.page_size
    chunk = [_spelled(row, query.variant) for row in rows[start : start + query.page_size]]
    return _answer(chunk, total, query)


def multi_report_rows(world: World, query: MultiReportQuery) -> Iterator[dict[str, dict[str, Any]]]:
    """Every row of a multi-advertiser answer, in the order its pages hold them (an async task's whole output).

    Args:
        world: the data model.
        query: the validated query (its page and page size are ignored).

    Yields:
        Rows as :func:`run_multi_report` spells them.
    """
    if query.utc_range is None and not query.summed:
        for adv, _, result in _results(world, query):
            extra = _extras(adv, query)
            for offset in range(0, len(result), 5_000):
                for row in result.rows(offset, 5_000):
                    yield _spelled(_shape(row["dimensions"], row["metrics"], extra, query), query.variant)
        return
    for row in _pooled_rows(world, query):
        yield _spelled(row, query.variant)


def _pooled_rows(world: World, query: MultiReportQuery) -> list[dict[str, dict[str, Any]]]:
    """Every row (unspelled) of an answer moved to UTC or summed over ids: all members' rows are needed to
    build any page, so they are built whole."""
    rows: list[dict[str, dict[str, str]]] = []
    pooled: dict[tuple[tuple[str, str], ...], _Group] = {}
    for adv, sub, result in _results(world, query):
        groups = _groups(result, adv, sub, query)
        if query.no_id:  # one pool for every advertiser: the sums cross advertisers
            for key, group in groups.items():
                if key in pooled:
                    pooled[key].add(group.total)
                else:
                    pooled[key] = group
            continue
        for group in groups.values():
            rows.append(_shape(group.dims, group.metrics(result, query), _extras(adv, query), query))
    if query.no_id:
        return [
            {"dimensions": g.dims, "metrics": _dashed(g.metrics(g.result, query))}
            for _, g in sorted(pooled.items())
        ]
    rows.sort(key=lambda r: tuple(r["dimensions"].get(d, "") for d in query.dimensions))
    return rows


def without_id_dimension(params: Mapping[str, str]) -> list[str] | None:
    """The requested ``dimensions`` when they hold no id dimension at all (a report summed over the level's ids),
    else None (also for dimensions that do not decode: :func:`parse_report_query` names the parameter)."""
    try:
        decoded = json.loads(params.get("dimensions") or "")
    except ValueError:
        return None
    if not isinstance(decoded, list) or not decoded or not all(isinstance(d, str) for d in decoded):
        return None
    return None if any(d in m.ID_DIMENSIONS for d in decoded) else list(dict.fromkeys(decoded))


def run_id_summed_report(
    world: World, params: Mapping[str, str], advertiser_id: str, requested: list[str]
) -> tuple[dict[str, Any], int, int]:
    """One advertiser's report without an id dimension: rows summed over the data level's ids.

    TikTok answers these: an AUDIENCE report at AUCTION_AD by ``stat_time_day`` and ``age`` (or ``province_id``)
    alone, "confirmed live" (datapoints-hotelplus/get-ads-main lib/tiktok-ads.ts), as they answer the
    multi-advertiser form without id dimensions (module docstring). BASIC reports come here too (api.py): TikTok
    documents "one ID dimension and/or stat_time_day" (bububa/tiktok-business model/report/integrated_get.go) and
    production callers send BASIC by ``stat_time_day`` alone (OWOX js-data-connectors).
    UNSURE: attribute metrics, ``"-"`` as in the multi-advertiser sums. The rules are those of the request with
    the level's id dimension; deleted objects count as at that level (``*_status`` filter).

    Returns:
        ``(data, rows on this page, rows in all)``.
    """
    level_dim = m.ID_DIMENSION.get(params.get("data_level") or "")
    if level_dim is None:
        parse_report_query(params, advertiser_id)  # names the bad data_level
    inner = {**params, "dimensions": json.dumps([level_dim, *requested])}
    query = parse_report_query(inner, advertiser_id)
    groups: dict[tuple[str, ...], _Group] = {}
    if not query.empty:
        result = query.run(world)
        for i in range(len(result)):
            ent, vec, dims = result.cells(i)
            out = {d: dims[d] for d in requested}
            key = tuple(out.values())
            if key in groups:
                groups[key].add(vec)
            else:
                groups[key] = _Group(result, ent, vec, out, summed=True)
    rows = [{"dimensions": g.dims, "metrics": g.metrics(g.result, None)} for _, g in sorted(groups.items())]
    start = (query.page - 1) * query.page_size
    chunk = rows[start : start + query.page_size]
    info = {
        "page": query.page,
        "page_size": query.page_size,
        "total_number": len(rows),
        "total_page": -(-len(rows) // query.page_size),
    }
    return {"list": chunk, "page_info": info}, len(chunk), len(rows)


def _local_page(world: World, query: MultiReportQuery) -> tuple[dict[str, Any], int]:
    """:func:`run_multi_report` for rows in each advertiser's own days: the members' rows one after another, as
    that function orders them, of which only the page asked for is built (not every row of every member at each
    page: a 5-advertiser answer of 58,000 rows took the emulator seconds per page and gigabytes)."""
    start = (query.page - 1) * query.page_size
    end = start + query.page_size
    chunk: list[dict[str, dict[str, Any]]] = []
    total = 0
    for adv, _, result in _results(world, query):
        count = len(result)
        low, high = max(start - total, 0), min(end - total, count)
        if low < high:
            extra = _extras(adv, query)
            chunk += [
                _spelled(_shape(row["dimensions"], row["metrics"], extra, query), query.variant)
                for row in result.rows(low, high - low)
            ]
        total += count
    return _answer(chunk, total, query)


def _results(world: World, query: MultiReportQuery) -> Iterator[tuple[Advertiser, ReportQuery, Any]]:
    """Each member's advertiser, one-advertiser query and result, in the query's order (members without rows
    left out)."""
    for sub in query.queries:
        adv = world.advertiser(sub.advertiser_id)
        assert adv is not None
        if not sub.empty:
            yield adv, sub, sub.run(world)


def _answer(
    chunk: list[dict[str, dict[str, Any]]], total: int, query: MultiReportQuery
) -> tuple[dict[str, Any], int]:
    """``data`` of one page (its rows and ``page_info``) and the rows it carries."""
    info = {
        "page": query.page,
        "page_size": query.page_size,
        "total_number": total,
        "total_page": -(-total // query.page_size),
    }
    return {"list": chunk, "page_info": info}, len(chunk)


def _extras(adv: Advertiser, query: MultiReportQuery) -> dict[str, str]:
    zone = "UTC" if query.variant == "utc_rows" else adv.timezone
    return {"advertiser_id": adv.advertiser_id, "currency": adv.currency, "timezone": zone}


def _spelled(row: dict[str, dict[str, Any]], variant: str | None) -> dict[str, dict[str, Any]]:
    """A row with its amounts spelled as a multi-advertiser answer spells them (see the module docstring)."""
    mets = dict(row["metrics"])
    for name, value in mets.items():
        if name not in _AMOUNTS or not isinstance(value, str) or "." not in value:
            continue  # "-", null, a JSON number, or already whole (IDR)
        if variant == "rounded_money":
            mets[name] = str(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))
        else:
            mets[name] = value.rstrip("0").rstrip(".")
    return {**row, "metrics": mets}


class _Group:
    """Rows summed into one output row: an entity (for the formatter), the summed base figures, the dims.

    The base figures come from ``ReportResult.cells`` and go through the result's own formatter, so a summed
    row (a UTC day of 24 hours, all ids of a level) is exactly what the model would answer for it.
    """

    def __init__(
        self, result: Any, ent: Any, total: Sequence[int], dims: dict[str, str], summed: bool
    ) -> None:
        self.result = result
        self.ent = ent
        self.total = list(total)
        self.dims = dims
        self.summed = summed

    def add(self, vec: Sequence[int]) -> None:
        """Add one row's base figures."""
        for k, value in enumerate(vec):
            self.total[k] += value

    def metrics(self, result: Any, query: MultiReportQuery | None) -> dict[str, str]:
        """The wire metrics of the group (attributes ``"-"`` when several ids were summed: UNSURE)."""
        mets: dict[str, str] = result.format_metrics(self.ent, self.total)
        if self.summed:
            for name in mets:
                if m.METRICS[name].kind == "attribute":
                    mets[name] = "-"
        return mets


def _groups(result: Any, adv: Advertiser, sub: ReportQuery, query: MultiReportQuery) -> dict[Any, _Group]:
    """An advertiser's rows, moved to UTC hours/days and/or summed over the level's ids, keyed by output dims."""
    level_dim = m.ID_DIMENSION[sub.data_level]
    zone = ZoneInfo(adv.timezone)
    hourly = query.utc_range is not None and "stat_time_hour" in sub.dimensions
    daily = "stat_time_day" in query.dimensions
    groups: dict[Any, _Group] = {}
    for i in range(len(result)):
        ent, vec, dims = result.cells(i)
        out = dict(dims)
        if hourly:
            assert query.utc_range is not None
            local = dt.datetime.strptime(dims["stat_time_hour"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            at = local.astimezone(UTC)
            if not query.utc_range[0] <= at.date() <= query.utc_range[1]:
                continue
            if daily:
                del out["stat_time_hour"]
                out["stat_time_day"] = at.strftime("%Y-%m-%d 00:00:00")
            else:
                out["stat_time_hour"] = at.strftime("%Y-%m-%d %H:00:00")
        if query.summed:
            out.pop(level_dim, None)
            if _ADV_DIM in query.dimensions:
                out[_ADV_DIM] = adv.advertiser_id
        out = {d: out[d] for d in query.dimensions if d in out} if query.summed or hourly else out
        key = tuple(sorted(out.items()))
        if key in groups:
            groups[key].add(vec)
        else:
            groups[key] = _Group(result, ent, vec, out, query.summed)
    return groups


def _shape(
    dims: Mapping[str, str], mets: Mapping[str, str], extra: Mapping[str, str], query: MultiReportQuery
) -> dict[str, dict[str, str]]:
    """A row in the requested dimension order, with advertiser_id/currency/timezone added to its metrics."""
    out_dims: dict[str, str] = {}
    for name in query.dimensions or list(dims):
        if name == _ADV_DIM and name not in dims:
            out_dims[name] = extra["advertiser_id"]
        elif name in dims:
            out_dims[name] = dims[name]
    return {"dimensions": out_dims, "metrics": {**dict(mets), **dict(extra)}}


def _dashed(mets: Mapping[str, str]) -> dict[str, str]:
    """Metrics of a row summed over advertisers: costs ``"-"`` (several currencies), the extras ``0``."""
    money_bases = {md.base for md in m.METRICS.values() if md.kind == "money"}
    out: dict[str, str] = {}
    for name, value in mets.items():
        md = m.METRICS[name]
        cost = md.kind == "money" or (md.kind == "ratio" and md.numerator in money_bases)
        out[name] = "-" if cost or md.kind == "attribute" else value
    out.update(dict.fromkeys(_EXTRA, "0"))
    return out

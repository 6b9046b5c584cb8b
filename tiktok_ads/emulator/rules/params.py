"""Parsing of TikTok-style request parameters, and the error type every API rule raises.

TikTok GET endpoints take their list and object parameters JSON-encoded in the query string
(``fields=["campaign_id","campaign_name"]``, ``filtering={"primary_status":"STATUS_ALL"}``); clients differ in
spacing (``["spend", "cpc"]``), so values are JSON-parsed, never string-compared. A bad value is answered with
code 40002 and a message naming the parameter, in the ``<param>: <problem>`` style of TikTok's validation
messages (UNSURE: the exact wording of most real messages is not in our sources; the style is).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import Advertiser, World

__all__ = [
    "ApiError",
    "PARAM_ERROR",
    "get_bool",
    "get_date",
    "get_datetime",
    "get_id",
    "get_id_list",
    "get_int",
    "get_json",
    "get_str",
    "get_str_list",
    "missing",
    "param_error",
    "parse_date",
    "parse_json_list",
]

PARAM_ERROR = 40002
#: An endpoint answering for one (authorized) advertiser: (world, advertiser, query) -> (data, rows).
AdvertiserLister = Callable[["World", "Advertiser", Mapping[str, str]], tuple[dict[str, Any], int]]
MAX_IDS = 100


class ApiError(Exception):
    """An API-level error: answered with HTTP 200 and ``{"code": code, "message": message, "data": {}}``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def param_error(message: str) -> ApiError:
    """A 40002 parameter error with ``message``."""
    return ApiError(PARAM_ERROR, message)


def missing(name: str) -> ApiError:
    """The 40002 error for a missing required parameter."""
    return param_error(f"{name}: Missing data for required field.")


def get_str(params: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    """A plain string parameter (``None`` when absent or empty and not required)."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise missing(name)
        return None
    return raw


def get_json(params: Mapping[str, str], name: str, *, required: bool = False) -> Any:
    """A JSON-encoded parameter, decoded (``None`` when absent and not required)."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise missing(name)
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise param_error(f"{name}: Invalid JSON value {raw!r}.") from None


def parse_json_list(name: str, value: Any) -> list[Any]:
    """``value`` if it is a list, or a JSON-array string decoded (as in report ``filter_value``)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise param_error(f"{name}: Invalid JSON value {value!r}.") from None
    if not isinstance(value, list):
        raise param_error(f"{name}: Not a valid list.")
    return value


def _as_id(name: str, item: Any) -> str:
    # v1.3 ids are strings; integers are tolerated (UNSURE whether TikTok coerces them; v1.2 clients send them)
    if (
        isinstance(item, bool)
        or not isinstance(item, (str, int))
        or (isinstance(item, str) and not item.strip())
    ):
        raise param_error(f"{name}: Not a valid string: {item!r}.")
    return str(item).strip()


def get_id(params: Mapping[str, str], name: str, *, required: bool = False) -> str | None:
    """An id parameter such as ``advertiser_id`` (a plain string of digits)."""
    raw = get_str(params, name, required=required)
    if raw is None:
        return None
    raw = raw.strip().strip('"')
    if not raw.isdigit():
        raise param_error(f"{name}: Not a valid id: {raw!r}.")
    return raw


def get_id_list(name: str, value: Any, *, max_len: int = MAX_IDS) -> list[str]:
    """A list of ids (decoded JSON ``value``), at most ``max_len`` of them.

    UNSURE: TikTok's return-code table has 40011 "too many IDs", but its docs describe the ``*_ids`` filters as
    ordinary validated parameters; we answer 40002 naming the field, like every other parameter error.
    """
    items = parse_json_list(name, value)
    if len(items) > max_len:
        raise param_error(f"{name}: Length must be between 1 and {max_len}. Got {len(items)} ids.")
    ids = [_as_id(name, item) for item in items]
    return list(dict.fromkeys(ids))


def keep_ids(rows: list[dict[str, Any]], name: str, value: Any, field: str) -> list[dict[str, Any]]:
    """The ``rows`` whose ``field`` is one of the ids ``value`` (decoded JSON of the id-list parameter ``name``)."""
    wanted = set(get_id_list(name, value))
    return [r for r in rows if str(r[field]) in wanted]


def keep_param_ids(
    rows: list[dict[str, Any]], params: Mapping[str, str], name: str, field: str
) -> list[dict[str, Any]]:
    """``keep_ids`` for the JSON id-list parameter ``name`` of the query; all ``rows`` when it is not sent."""
    raw = get_json(params, name)
    return rows if raw is None else keep_ids(rows, name, raw, field)


def get_str_list(params: Mapping[str, str], name: str, *, required: bool = False) -> list[str] | None:
    """A JSON list of strings (``None`` when absent and not required); duplicates dropped, order kept."""
    value = get_json(params, name, required=required)
    if value is None:
        return None
    if not isinstance(value, list):
        raise param_error(f"{name}: Not a valid list.")
    if not all(isinstance(item, str) for item in value):
        raise param_error(f"{name}: Every element must be a string.")
    return list(dict.fromkeys(value))


def get_int(params: Mapping[str, str], name: str, default: int, low: int, high: int | None = None) -> int:
    """An integer parameter within ``low..high`` (inclusive), ``default`` when absent."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise param_error(f"{name}: Not a valid integer.") from None
    if value < low or (high is not None and value > high):
        if high is None:
            raise param_error(f"{name}: Must be greater than or equal to {low}.")
        raise param_error(f"{name}: Must be greater than or equal to {low} and less than or equal to {high}.")
    return value


def get_bool(params: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean parameter: ``true``/``false`` in any case (the official SDK sends Python's ``True``)."""
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    lowered = raw.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise param_error(f"{name}: Not a valid boolean.")


def get_date(params: Mapping[str, str], name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date parameter (``None`` when absent)."""
    raw = get_str(params, name)
    if raw is None:
        return None
    return parse_date(name, raw)


def parse_date(name: str, raw: str) -> dt.date:
    """Parse a strict ``YYYY-MM-DD`` date or raise 40002."""
    text = raw.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise param_error(f"{name}: Not a valid date, expected format YYYY-MM-DD: {raw!r}.") from None


def get_date_range(params: Mapping[str, str], order_problem: str) -> tuple[dt.date, dt.date]:
    """The required ``start_date`` and ``end_date`` (``YYYY-MM-DD``); 40002 ``end_date: <order_problem>`` when
    the end is before the start (the wording differs per endpoint)."""
    start_raw = get_str(params, "start_date", required=True)
    end_raw = get_str(params, "end_date", required=True)
    assert start_raw is not None and end_raw is not None
    start, end = parse_date("start_date", start_raw), parse_date("end_date", end_raw)
    if end < start:
        raise param_error(f"end_date: {order_problem}")
    return start, end


def get_datetime(name: str, value: Any) -> str:
    """Validate a ``YYYY-MM-DD HH:MM:SS`` (UTC) value and return it normalised (comparable as a string)."""
    if not isinstance(value, str):
        raise param_error(f"{name}: Not a valid datetime, expected format YYYY-MM-DD HH:MM:SS.")
    try:
        parsed = dt.datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise param_error(
            f"{name}: Not a valid datetime, expected format YYYY-MM-DD HH:MM:SS: {value!r}."
        ) from None
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


def get_filtering(params: Mapping[str, str], problem: str = "Not a valid JSON object.") -> dict[str, Any]:
    """The JSON object ``filtering`` of a list endpoint (``{}`` when absent); 40002 naming it when it is no object.

    Args:
        params: the query parameters.
        problem: TikTok's words for a ``filtering`` that is not an object (UNSURE: they vary by endpoint).
    """
    value = get_json(params, "filtering")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise param_error(f"filtering: {problem}")
    return value


def page_of(
    rows: list[dict[str, Any]],
    params: Mapping[str, str],
    max_size: int,
    key: str = "list",
    default_size: int = 10,
) -> tuple[dict[str, Any], int]:
    """One page of ``rows`` as a list endpoint answers it: ``{key: rows, "page_info": ...}`` and the row count.

    ``page`` (from 1) and ``page_size`` (``1..max_size``, default ``default_size``) are checked (40002).
    """
    page = get_int(params, "page", 1, 1)
    page_size = get_int(params, "page_size", default_size, 1, max_size)
    chunk = rows[(page - 1) * page_size : page * page_size]
    total = len(rows)
    info = {"page": page, "page_size": page_size, "total_number": total, "total_page": -(-total // page_size)}
    return {key: chunk, "page_info": info}, len(chunk)


def created_between(rows: list[dict[str, Any]], filtering: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``rows`` whose ``create_time`` is within ``filtering``'s ``creation_filter_start_time`` /
    ``creation_filter_end_time`` (inclusive; each optional)."""
    for bound, keep in (("creation_filter_start_time", 1), ("creation_filter_end_time", -1)):
        if bound in filtering:
            limit = get_datetime(f"filtering.{bound}", filtering[bound])
            rows = [r for r in rows if (r["create_time"] >= limit if keep > 0 else r["create_time"] <= limit)]
    return rows


def page_with_fields(
    rows: list[dict[str, Any]], params: Mapping[str, str], max_size: int
) -> tuple[dict[str, Any], int]:
    """``page_of`` (key ``list``), each row cut to the ``fields`` parameter when it is sent."""
    fields = get_str_list(params, "fields")
    data, count = page_of(rows, params, max_size)
    if fields is not None:
        data["list"] = [{k: r[k] for k in fields if k in r} for r in data["list"]]
    return data, count


def json_body(body: bytes, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A POST body as a JSON object (40002 when it is none), with the non-empty strings ``required`` checked."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        raise param_error("Invalid JSON body.") from None
    if not isinstance(payload, dict):
        raise param_error("Invalid JSON body: expected an object.")
    for name in required:
        if not isinstance(payload.get(name), str) or not payload[name]:
            raise missing(name)
    return payload

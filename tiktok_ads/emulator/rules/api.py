"""The emulated TikTok Business API v1.3: authentication, routes, validation, filters, paging, envelopes.

:class:`Api` is transport-free: :meth:`Api.route` resolves a method and route (``"campaign/get/"``) to a
:class:`Route`, and :meth:`Api.handle` runs it with the decoded query parameters, the ``Access-Token`` header and
the body, returning an :class:`Answer` (code, message, data). :mod:`.server` puts it on HTTP; rate limits and
faults live there (they are the gateway's). Tokens and auth codes for tests: :meth:`Api.create_token`,
:meth:`Api.revoke_token`, :meth:`Api.expire_token`, :meth:`Api.issue_auth_code`.

Check order for a request: route -> token (40104/40105/40102) -> parameters and advertiser grant (40002/40001)
-> data. UNSURE: TikTok does not document the order; token first is what every observed error suggests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tiktok_ads.emulator.data.model import BUYING_TYPES, World, is_deleted, primary_status
from tiktok_ads.emulator.rules.api_account import ADVERTISER_ROUTES
from tiktok_ads.emulator.rules.api_assets import ASSET_ROUTES
from tiktok_ads.emulator.rules.api_changelog import CHANGELOG_ROUTES, ChangeLogTasks
from tiktok_ads.emulator.rules.api_gmv_max import GMV_MAX_ROUTES
from tiktok_ads.emulator.rules.api_smart_plus import SMART_PLUS_ROUTES
from tiktok_ads.emulator.rules.api_tasks import TASK_ROUTES, ReportTasks
from tiktok_ads.emulator.rules.bc_reports import parse_bc_report
from tiktok_ads.emulator.rules.business_center import BC_ROUTES
from tiktok_ads.emulator.rules.grants import AuthCode, Grant, Tokens
from tiktok_ads.emulator.rules.multi_reports import (
    THROTTLE_HEADER,
    THROTTLE_TEXT,
    parse_multi_report,
    run_id_summed_report,
    run_multi_report,
    without_id_dimension,
)
from tiktok_ads.emulator.rules.oauth_refresh import RefreshTokens, parse_refresh_body
from tiktok_ads.emulator.rules.params import (
    MAX_IDS,
    ApiError,
    get_datetime,
    get_id,
    get_id_list,
    get_int,
    get_json,
    get_str,
    get_str_list,
    json_body,
    param_error,
)
from tiktok_ads.emulator.rules.reports import ReportQuery, parse_report_query
from tiktok_ads.emulator.rules.spark_ads import SPARK_ROUTES
from tiktok_ads.emulator.rules.tt_shop_reports import run_tt_shop_report

__all__ = ["Answer", "Api", "ApiError", "Grant", "ROUTE_PREFIX", "Route", "encode_envelope", "new_request_id"]

ROUTE_PREFIX = "/open_api/v1.3/"

# TikTok's wording: 40104 as quoted in the api-evangelist summary of the Return Codes page ([AE-err]); 40105 in
# Airbyte's source-tiktok-marketing unit tests and users' notes of a real answer from advertiser/info/.
# UNSURE: the 40102, 40101 and 40110 wordings (no real answer in our sources).
MSG_TOKEN_MISSING = "Access token is null, you should set it in http header with key Access-Token."
MSG_TOKEN_INVALID = "Access token is incorrect or has been revoked."
MSG_TOKEN_EXPIRED = "Access token has expired."
MSG_APP_INVALID = "The app_id or secret is invalid."
MSG_AUTH_CODE_INVALID = "Auth_code is invalid or has been used, please get a new one."
#: 40113 (the SDK's ERROR_CODE_APP_FORBIDDEN); message as users report it (reference §1.3, PostHog#78577)
MSG_APP_MISMATCH = "The app_id is inconsistent with the token's app information."

#: Permission scope ids returned by the token exchange (the shape TikTok returns: a list of ints).
SCOPE = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13]

PRIMARY_STATUSES = frozenset(
    {
        "STATUS_ALL",
        "STATUS_NOT_DELETE",
        "STATUS_DELETE",
        "STATUS_DELIVERY_OK",
        "STATUS_DISABLE",
        "STATUS_NOT_DELIVERY",
        "STATUS_TIME_DONE",
        "STATUS_RF_CLOSED",
        "STATUS_FROZEN",
        "STATUS_DELIVERY_PARTIAL",
    }
)
_STATUS_RE = re.compile(r"[A-Z0-9_]+")
_SECONDARY_PREFIX = {"campaign": "CAMPAIGN_STATUS_", "adgroup": "ADGROUP_STATUS_", "ad": "AD_STATUS_"}
#: id filters each entity endpoint accepts inside ``filtering``
_ENTITY_ID_FILTERS = {
    "campaign": ("campaign_ids",),
    "adgroup": ("campaign_ids", "adgroup_ids"),
    "ad": ("campaign_ids", "adgroup_ids", "ad_ids"),
}
#: ``advertiser/info/`` fields TikTok documents ([BB model/advertiser/info.go])
ADVERTISER_FIELDS = frozenset(
    {
        "telephone_number", "contacter", "currency", "cellphone_number", "timezone", "advertiser_id", "role",
        "company", "status", "description", "rejection_reason", "address", "name", "language", "industry",
        "license_no", "email", "license_url", "country", "balance", "create_time", "display_timezone",
        "owner_bc_id", "company_name_editable", "advertiser_account_type", "license_city", "license_province",
        "promotion_area", "promotion_center_city", "promotion_center_province", "brand",
        # booleans of bububa model/advertiser/advertiser.go (were refused as unknown fields)
        "can_use_custom_identity", "ads_only_mode",
    }
)  # fmt: skip


_request_counter = itertools.count(1)
_PROCESS_TAG = os.getpid() & 0xFFFF


def new_request_id(when: dt.datetime | None = None) -> str:
    """A unique request id shaped like TikTok's: UTC ``YYYYMMDDHHMMSS`` followed by 16 upper-case hex digits.

    Args:
        when: the instant it was issued (the emulator's clock); default: the machine's clock.
    """
    n = next(_request_counter)
    stamp = (
        when.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        if when
        else time.strftime("%Y%m%d%H%M%S", time.gmtime())
    )
    return stamp + f"{_PROCESS_TAG:04X}{n & 0xFFFFFFFFFFFF:012X}"


def _dumps_stdlib(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


try:  # orjson (a dependency of dlt) encodes a 1000-row page ~10x faster, byte-identical to the stdlib here
    import orjson

    _dumps: Callable[[Any], bytes] = orjson.dumps
except ImportError:  # pragma: no cover - the stdlib fallback
    _dumps = _dumps_stdlib


def _raw_json(data: bytes) -> Any:
    """Already-serialized JSON to embed as is (orjson.Fragment), or parsed back for the stdlib encoder."""
    fragment = getattr(sys.modules.get("orjson"), "Fragment", None)
    return fragment(data) if fragment is not None and _dumps is not _dumps_stdlib else json.loads(data)


def encode_envelope(code: int, message: str, request_id: str, data: Any) -> bytes:
    """Serialize the TikTok envelope ``{"code","message","request_id","data"}`` compactly (UTF-8 JSON)."""
    return _dumps({"code": code, "message": message, "request_id": request_id, "data": data})


@dataclass
class Answer:
    """What an API call answers: envelope ``code``/``message``/``data`` and how many list rows it carries."""

    code: int
    message: str
    data: Any
    rows: int = 0
    #: a body sent as is instead of the envelope (the CSV stream of ``report/task/download/``)
    raw: bytes | None = None
    content_type: str | None = None
    #: response headers besides TikTok's usual ones (``X-Tt-Ads-Throttle`` on a cut report)
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def ok(cls, data: Any, rows: int = 0) -> Answer:
        """A success answer (code 0, message "OK")."""
        return cls(0, "OK", data, rows)

    @classmethod
    def error(cls, exc: ApiError) -> Answer:
        """An error answer: ``data`` is ``{}`` as TikTok sends it."""
        return cls(exc.code, exc.message, {})


Handler = Callable[[Mapping[str, str], str | None, bytes], Answer]


@dataclass
class Route:
    """A served route: its HTTP method, handler, whether it has side effects, and which query parameter names
    the advertiser (for the per-advertiser rate limit)."""

    method: str
    handler: Handler
    side_effects: bool = False
    advertiser_param: str | None = "advertiser_id"


class Api:
    """The API rules of the emulated TikTok, over a :class:`~tiktok_ads.emulator.data.model.World`.

    Args:
        world: the data model (and clock).
        max_report_cells: refuse report queries with more than ``rows x metrics`` cells with code 40067
            (``None``/0 = no limit).
        refreshable_tokens: the auth-code exchange issues expiring access tokens with refresh tokens
            (:mod:`.oauth_refresh`); off: long-lived tokens, TikTok's documented advertiser flow.
    """

    def __init__(
        self, world: World, *, max_report_cells: int | None = None, refreshable_tokens: bool = False
    ) -> None:
        self.world = world
        self.max_report_cells = max_report_cells or None
        #: Quirk: route -> rows ``page_info.total_number`` announces beyond those any page holds, so the last
        #: page is short (lists with rows only). Real answers do this (a last page with fewer rows than announced, on every retry);
        #: UNSURE why (rows filtered after counting is the likely cause), so it is off unless a test sets it.
        self.phantom_rows: dict[str, int] = {}
        #: A scripted departure of multi-advertiser reports from TikTok's documented answer
        #: (:data:`.multi_reports.VARIANTS`: ``rounded_money``, ``utc_rows``); None (the default) is the documented one.
        self.multi_report_variant: str | None = None
        self.refreshable_tokens = refreshable_tokens
        creds = world.credentials
        self.app_id: str = creds.app_id
        self.secret: str = creds.secret
        self._lock = threading.Lock()
        self._tokens = Tokens()
        self._tokens.grants[creds.access_token] = Grant(creds.access_token)
        self._tokens.codes[creds.auth_code] = AuthCode(creds.auth_code, None)
        self._routes: dict[str, Route] = {
            "oauth2/access_token/": Route(
                "POST", self._access_token, side_effects=True, advertiser_param=None
            ),
            "oauth2/advertiser/get/": Route("GET", self._oauth_advertisers, advertiser_param=None),
            "user/info/": Route("GET", self._user_info, advertiser_param=None),
            "advertiser/info/": Route("GET", self._advertiser_info, advertiser_param=None),
            "campaign/get/": Route("GET", self._entity_handler("campaign")),
            "adgroup/get/": Route("GET", self._entity_handler("adgroup")),
            "ad/get/": Route("GET", self._entity_handler("ad")),
            "report/integrated/get/": Route("GET", self._report),
            "oauth2/refresh_token/": Route(
                "POST", self._refresh_token, side_effects=True, advertiser_param=None
            ),
        }
        self.refresh_tokens = RefreshTokens(f"{world.config.seed}:{self.app_id}")
        listers = {**ASSET_ROUTES, **ADVERTISER_ROUTES, **SPARK_ROUTES, **GMV_MAX_ROUTES, **SMART_PLUS_ROUTES}
        for path, lister in listers.items():
            self._routes[path] = Route("GET", self._asset_handler(lister))
        for path, answer in BC_ROUTES.items():
            # Business Center endpoints name no advertiser: only the app-level rate limit applies
            self._routes[path] = Route("GET", self._bc_handler(answer), advertiser_param=None)
        self.tasks = ReportTasks(world, self.secret)
        """The async report tasks (:mod:`.api_tasks`)."""
        for path, method in TASK_ROUTES.items():
            self._routes[path] = Route(method, self._task_handler(path), side_effects=method == "POST")
        self.changelog = ChangeLogTasks(world, self.secret)
        """The change log tasks (:mod:`.api_changelog`)."""
        for path, method in CHANGELOG_ROUTES.items():
            self._routes[path] = Route(method, self._changelog_handler(path), side_effects=method == "POST")

    # ------------------------------------------------------------------ tokens and auth codes (test helpers)

    def _mint(self, kind: str) -> str:
        with self._lock:
            self._tokens.minted += 1
            n = self._tokens.minted
        seed = f"{self.world.config.seed}:{self.app_id}:{kind}:{n}"
        return hashlib.sha1(seed.encode()).hexdigest()

    def create_token(self, advertiser_ids: list[str] | None = None) -> str:
        """Mint a valid access token granting ``advertiser_ids`` (``None`` = every advertiser)."""
        token = self._mint("token")
        with self._lock:
            self._tokens.grants[token] = Grant(token, _frozen(advertiser_ids))
        return token

    def revoke_token(self, token: str) -> None:
        """Revoke ``token``: it answers 40105 from now on (as after the advertiser revokes the authorization)."""
        with self._lock:
            self._tokens.grants[token].revoked = True

    def expire_token(self, token: str) -> None:
        """Mark ``token`` expired: it answers 40102 from now on (TikTok's long-term tokens do not expire on a
        timer; this exists so clients can be tested against the code)."""
        with self._lock:
            self._tokens.grants[token].expired = True

    def issue_auth_code(self, advertiser_ids: list[str] | None = None) -> str:
        """A fresh single-use auth code (what TikTok appends to the redirect URL after consent)."""
        code = self._mint("auth_code")
        with self._lock:
            self._tokens.codes[code] = AuthCode(code, _frozen(advertiser_ids))
        return code

    def grant(self, token: str) -> Grant | None:
        """The grant behind ``token`` (``None`` if unknown)."""
        with self._lock:
            return self._tokens.grants.get(token)

    # ------------------------------------------------------------------ dispatch

    def route(self, method: str, route: str) -> Route | None:
        """The route answering ``method`` on ``route`` (``"campaign/get/"``), or ``None`` (HTTP 404)."""
        found = self._routes.get(route)
        if found is None or found.method != method:
            return None
        return found

    def routes(self) -> list[str]:
        """Every route served, e.g. ``"report/integrated/get/"``."""
        return list(self._routes)

    def handle(self, route: Route, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        """Run ``route``'s handler, turning :class:`ApiError` into an error answer."""
        try:
            return route.handler(params, token, body)
        except ApiError as exc:
            return Answer.error(exc)

    def _authenticate(self, token: str | None) -> Grant:
        if not token:
            raise ApiError(40104, MSG_TOKEN_MISSING)
        with self._lock:
            grant = self._tokens.grants.get(token)
        if grant is None or grant.revoked:
            raise ApiError(40105, MSG_TOKEN_INVALID)
        if grant.expired or (grant.expires_at is not None and self.world.now >= grant.expires_at):
            raise ApiError(40102, MSG_TOKEN_EXPIRED)
        return grant

    def _authorize(self, grant: Grant, advertiser_id: str) -> None:
        # unknown advertisers are "not granted" as well: TikTok cannot tell the two apart for a token
        if self.world.advertiser(advertiser_id) is None or not grant.allows(advertiser_id):
            # "No permission to operate advertiser" is TikTok's phrase for 40001 (quoted by users who met it,
            # e.g. a GMV Max tool's notes "实测 ... No permission to operate advertiser: <id>"). UNSURE: the
            # exact tail; ": <id>" is the only form seen with the id.
            raise ApiError(40001, f"No permission to operate advertiser: {advertiser_id}")

    def _granted_advertisers(self, grant: Grant) -> list[Any]:
        return [a for a in self.world.advertisers if grant.allows(a.advertiser_id)]

    # ------------------------------------------------------------------ oauth2

    def _access_token(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        payload = json_body(body, ("app_id", "secret", "auth_code"))
        if payload["app_id"] != self.app_id or payload["secret"] != self.secret:
            raise ApiError(40101, MSG_APP_INVALID)
        with self._lock:
            code = self._tokens.codes.get(payload["auth_code"])
            if code is None or code.used:
                raise ApiError(40110, MSG_AUTH_CODE_INVALID)
            code.used = True
            self._tokens.minted += 1
            n = self._tokens.minted
            access_token = hashlib.sha1(
                f"{self.world.config.seed}:{self.app_id}:exchange:{n}".encode()
            ).hexdigest()
            grant = Grant(access_token, code.advertiser_ids)
            self._tokens.grants[access_token] = grant
        data: dict[str, Any] = {"access_token": access_token, "scope": list(SCOPE)}
        if self.refreshable_tokens:
            grant.expires_at = self.world.now + self.refresh_tokens.access_ttl
            data.update(
                self.refresh_tokens.token_fields(
                    self.refresh_tokens.issue(code.advertiser_ids, self.world.now)
                )
            )
        # UNSURE: with return_advertiser_ids=false TikTok presumably omits the list; we send an empty one so
        # clients that always read the key keep working.
        if payload.get("return_advertiser_ids", True) is False:
            data["advertiser_ids"] = []
        else:
            data["advertiser_ids"] = [a.advertiser_id for a in self._granted_advertisers(grant)]
        return Answer.ok(data)

    def _refresh_token(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        """``POST oauth2/refresh_token/``: a new access token and a new refresh token (the old one dies)."""
        payload = parse_refresh_body(body)
        if payload["app_id"] != self.app_id or payload["secret"] != self.secret:
            raise ApiError(40101, MSG_APP_INVALID)
        now = self.world.now
        advertiser_ids = self.refresh_tokens.redeem(payload["refresh_token"], now)
        access_token = self._mint("refreshed")
        grant = Grant(access_token, advertiser_ids, expires_at=now + self.refresh_tokens.access_ttl)
        with self._lock:
            self._tokens.grants[access_token] = grant
        data: dict[str, Any] = {"access_token": access_token, "scope": list(SCOPE)}
        data.update(self.refresh_tokens.token_fields(self.refresh_tokens.issue(advertiser_ids, now)))
        return Answer.ok(data)

    def _check_app(self, params: Mapping[str, str]) -> None:
        app_id = get_str(params, "app_id", required=True)
        secret = get_str(params, "secret", required=True)
        if app_id != self.app_id:
            # the token (checked before) belongs to this world's app: another app_id is a mismatch, 40113 with
            # the message users report (UNSURE: which check TikTok makes first when the secret is wrong too)
            raise ApiError(40113, MSG_APP_MISMATCH)
        if secret != self.secret:
            raise ApiError(40101, MSG_APP_INVALID)

    def _oauth_advertisers(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        # Some clients pass the token as a query parameter here; the official SDK uses the header.
        grant = self._authenticate(token or params.get("access_token"))
        self._check_app(params)
        rows = [
            {"advertiser_id": a.advertiser_id, "advertiser_name": a.name}
            for a in self._granted_advertisers(grant)
        ]
        return Answer.ok({"list": rows}, len(rows))

    # ------------------------------------------------------------------ user / advertiser

    def _user_info(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        grant = self._authenticate(token)
        digest = hashlib.sha1(f"user:{self.world.config.seed}:{self.app_id}".encode()).hexdigest()
        core_user_id = str(7_000_000_000_000_000_000 + int(digest[:15], 16) % 10**18)
        data = {
            "core_user_id": core_user_id,
            "display_name": f"emulator-user-{digest[:6]}",
            "email": f"{digest[0]}***@e******.com",
            "avatar_url": f"https://p16-sign-va.tiktokcdn.com/emulator/{digest[:24]}.jpeg",
            # the user signed up a day before their first advertiser account was created
            "create_time": min(
                (a.create_time for a in self._granted_advertisers(grant)), default=1_600_000_000
            )
            - 86_400,
        }
        return Answer.ok(data)

    def _advertiser_info(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        grant = self._authenticate(token)
        raw_ids = get_json(params, "advertiser_ids", required=True)
        ids = get_id_list("advertiser_ids", raw_ids, max_len=MAX_IDS)
        if not ids:
            raise param_error("advertiser_ids: Length must be between 1 and 100.")
        fields = get_str_list(params, "fields")
        if fields is not None:
            unknown = [f for f in fields if f not in ADVERTISER_FIELDS]
            if unknown:
                raise param_error(f"fields: Invalid fields {unknown}.")
        for advertiser_id in ids:
            self._authorize(grant, advertiser_id)
        rows = []
        for advertiser_id in ids:
            info = self.world.advertiser_info(advertiser_id)
            if fields is None:
                info = {k: v for k, v in info.items() if k != "company_name_editable"}
            elif "company_name_editable" in fields:
                # documented: when company_name_editable is requested only it and advertiser_id come back
                info = {
                    "advertiser_id": info["advertiser_id"],
                    "company_name_editable": info.get("company_name_editable", False),
                }
            else:
                info = {k: info.get(k) for k in fields}
            rows.append(info)
        return Answer.ok({"list": rows}, len(rows))

    # ------------------------------------------------------------------ entities

    def _entity_handler(self, kind: str) -> Handler:
        def handler(params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
            """Answer ``<kind>/get/``."""
            return self._entities(kind, params, token)

        handler.__name__ = f"get_{kind}s"
        return handler

    def _entities(self, kind: str, params: Mapping[str, str], token: str | None) -> Answer:
        grant = self._authenticate(token)
        advertiser_id = get_id(params, "advertiser_id", required=True)
        assert advertiser_id is not None
        self._authorize(grant, advertiser_id)
        fields = get_str_list(params, "fields")
        page = get_int(params, "page", 1, 1)
        page_size = get_int(params, "page_size", 10, 1, 1000)
        filtering = get_json(params, "filtering")
        drop_nulls = _drops_null_fields(params)
        keep = _entity_filter(kind, filtering)
        buying = _buying_types(kind, filtering, page_size)
        objective = _objective_type(filtering)
        world = self.world
        rows = [
            e
            for e in world.entities(kind, advertiser_id)
            if keep(e) and _entity_kind_matches(world, advertiser_id, kind, e, buying, objective)
        ]
        total = len(rows)
        chunk = rows[(page - 1) * page_size : page * page_size]
        if fields is not None:
            chunk = [{k: e[k] for k in fields if k in e} for e in chunk]
        if drop_nulls:
            chunk = [{k: v for k, v in e.items() if v is not None} for e in chunk]
        announced = total + self.phantom_rows.get(f"{kind}/get/", 0) if total else 0
        data = {"list": chunk, "page_info": page_info(page, page_size, announced)}
        return Answer.ok(data, len(chunk))

    # ------------------------------------------------------------------ creatives, audiences, pixels

    def _asset_handler(
        self, lister: Callable[[World, Any, Mapping[str, str]], tuple[dict[str, Any], int]]
    ) -> Handler:
        def handler(params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
            grant = self._authenticate(token)
            advertiser_id = get_id(params, "advertiser_id", required=True)
            assert advertiser_id is not None
            self._authorize(grant, advertiser_id)
            adv = self.world.advertiser(advertiser_id)
            data, rows = lister(self.world, adv, params)
            return Answer.ok(data, rows)

        return handler

    def _bc_handler(
        self, answer: Callable[[World, Mapping[str, str]], tuple[dict[str, Any], int]]
    ) -> Handler:
        def handler(params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
            self._authenticate(token)
            data, rows = answer(self.world, params)
            return Answer.ok(data, rows)

        return handler

    # ------------------------------------------------------------------ async report tasks

    def _task_handler(self, path: str) -> Handler:
        def handler(params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
            grant = self._authenticate(token)
            tasks = self.tasks
            if path == "report/task/create/":
                data, _ = tasks.create(grant, self._authorize, body, self.multi_report_variant)
                return Answer.ok(data)
            if path == "report/task/check/":
                return Answer.ok(tasks.check(grant, self._authorize, params))
            if path == "report/task/cancel/":
                return Answer.ok(tasks.cancel(grant, self._authorize, body))
            data, rows = tasks.download(grant, self._authorize, params)
            answer = (
                Answer(0, "OK", {}, rows, raw=data, content_type="text/csv; charset=utf-8")
                if isinstance(data, bytes)
                else Answer.ok(data)
            )
            if tasks.cut(params):  # a multi-advertiser task cut to 20,000 ids (api_tasks.py, UNSURE)
                answer.headers = ((THROTTLE_HEADER, THROTTLE_TEXT),)
            return answer

        return handler

    def _changelog_handler(self, path: str) -> Handler:
        def handler(params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
            grant = self._authenticate(token)
            logs = self.changelog
            if path == "changelog/task/create/":
                return Answer.ok(logs.create(grant, self._authorize, body))
            if path == "changelog/task/check/":
                return Answer.ok(logs.check(grant, self._authorize, params))
            return Answer.ok(logs.download(grant, self._authorize, params))

        return handler

    # ------------------------------------------------------------------ reports

    def _report(self, params: Mapping[str, str], token: str | None, body: bytes) -> Answer:
        grant = self._authenticate(token)
        if params.get("report_type") == "BC":
            # a Business Center's accounts, by bc_id instead of advertiser_id (bc_reports.py)
            data, rows = run_multi_report(self.world, parse_bc_report(params, self.world))
            return Answer.ok(data, rows)
        if params.get("advertiser_ids", "").strip():
            # the multi-advertiser form; advertiser_id is then ignored ([BB] model/report/integrated_get.go)
            multi = parse_multi_report(
                params, lambda adv: self._authorize(grant, adv), self.world, self.multi_report_variant
            )
            data, rows = run_multi_report(self.world, multi)
            # the same size limit as one advertiser's report: the rows of all advertisers together (UNSURE: TikTok
            # does not document how it sizes a multi-advertiser query; a larger query is refused at least as often)
            self._check_size(data["page_info"]["total_number"], len(multi.metrics))
            answer = Answer.ok(data, rows)
            if multi.cut:
                answer.headers = ((THROTTLE_HEADER, THROTTLE_TEXT),)
            return answer
        advertiser_id = get_id(params, "advertiser_id")
        if advertiser_id is None:
            raise param_error("advertiser_id: Missing data for required field.")
        self._authorize(grant, advertiser_id)
        if params.get("report_type") == "TT_SHOP":  # GMV Max ads reports (tt_shop_reports.py)
            adv = self.world.advertiser(advertiser_id)
            assert adv is not None
            data, rows = run_tt_shop_report(self.world, adv, params)
            return Answer.ok(data, rows)
        requested = without_id_dimension(params)
        if requested is not None and params.get("report_type") in ("AUDIENCE", "BASIC"):
            # no id dimension: rows summed over the level's ids (multi_reports.run_id_summed_report). BASIC too:
            # TikTok documents groupings of "one ID dimension and/or stat_time_day" (e.g. ["stat_time_day"],
            # enable_total_metrics; bububa/tiktok-business model/report/integrated_get.go) and says attribute
            # metrics and currency need an ID dimension, so reports without one exist; production callers send
            # BASIC at AUCTION_ADVERTISER by ["stat_time_day"] alone (e.g. OWOX js-data-connectors TikTokAds
            # Source.js getDimensionsForDataLevel). UNSURE: how TikTok sums UV metrics (reach) over several ids.
            data, rows, total = run_id_summed_report(self.world, params, advertiser_id, requested)
            self._check_size(total, len(get_str_list(params, "metrics") or ()))
            return Answer.ok(data, rows)
        query = parse_report_query(params, advertiser_id)
        return self.run_report(query)

    def run_report(self, query: ReportQuery) -> Answer:
        """Answer a validated report query (40067 if it is larger than ``max_report_cells``)."""
        if query.empty:
            return Answer.ok({"list": [], "page_info": page_info(query.page, query.page_size, 0)})
        result = query.run(self.world)
        total = len(result)
        self._check_size(total, len(query.metrics))
        offset = (query.page - 1) * query.page_size
        rows, count = result.rows_json(offset, query.page_size) if offset < total else (b"[]", 0)
        announced = total + self.phantom_rows.get("report/integrated/get/", 0) if total else 0
        return Answer.ok(
            {"list": _raw_json(rows), "page_info": page_info(query.page, query.page_size, announced)}, count
        )

    def _check_size(self, rows: int, metrics: int) -> None:
        """40067 for a report larger than ``max_report_cells`` (rows x metrics)."""
        if self.max_report_cells and rows * metrics > self.max_report_cells:
            raise ApiError(
                40067,
                "Your query is too large, please reduce the query size (e.g. fewer metrics or time range) "
                "and retry after a while.",
            )


def page_info(page: int, page_size: int, total: int) -> dict[str, int]:
    """TikTok's ``page_info``. UNSURE: for an empty result TikTok's ``total_page`` may be 0 or 1 (mocks use 1);
    we answer 0, the arithmetic value, so clients must stop on ``page >= total_page`` *or* an empty list."""
    return {"page": page, "page_size": page_size, "total_number": total, "total_page": -(-total // page_size)}


def _frozen(ids: list[str] | None) -> frozenset[str] | None:
    return None if ids is None else frozenset(str(i) for i in ids)


Predicate = Callable[[dict[str, Any]], bool]


def _field_in(key: str, ids: frozenset[str]) -> Predicate:
    return lambda e: e.get(key) in ids


def _field_equals(key: str, value: str) -> Predicate:
    return lambda e: e.get(key) == value


def _not_deleted(entity: dict[str, Any]) -> bool:
    return not is_deleted(entity)


def _primary_is(kind: str, value: str) -> Predicate:
    return lambda e: primary_status(kind, e) == value


def _time_bound(name: str, bound: str) -> Predicate:
    # "YYYY-MM-DD HH:MM:SS" strings compare like the times they denote. Both creation bounds are inclusive, and
    # so is modified_after (UNSURE: TikTok does not say; inclusive never loses a change).
    if name == "creation_filter_start_time":
        return lambda e: str(e["create_time"]) >= bound
    if name == "creation_filter_end_time":
        return lambda e: str(e["create_time"]) <= bound
    return lambda e: str(e.get("modify_time") or e["create_time"]) >= bound


#: What campaign/get, adgroup/get and ad/get return without ``filtering.buying_types``. TikTok documents
#: ``["AUCTION", "RESERVATION_RF"]`` (bububa/tiktok-business model/campaign/get.go and model/adgroup/get.go,
#: from TikTok's docs), but Airbyte found Reach & Frequency and TopView campaigns missing from the default answer
#: and since 5.0.8 asks for every buying type (its campaigns stream, test_campaigns.py: one call each for
#: AUCTION, RESERVATION_RF, RESERVATION_TOP_VIEW). We follow what was seen: auction only. UNSURE; ad/get takes
#: the same filter (the official SDK's FilteringAdGet) with an undocumented default, taken to be the same.
DEFAULT_BUYING_TYPES = frozenset({"AUCTION"})
#: adgroup/get answers at most 100 per page for TopView ad groups ([TTD-adg]: page_size 1-1000, or <= 100 when
#: buying_types is ["RESERVATION_TOP_VIEW"]).
TOP_VIEW_MAX_PAGE_SIZE = {"adgroup": 100}


def _buying_types(kind: str, filtering: Any, page_size: int) -> frozenset[str]:
    """The buying types an entity request asks for (``filtering.buying_types``), checked as TikTok does."""
    raw = filtering.get("buying_types") if isinstance(filtering, dict) else None
    if raw is None:
        return DEFAULT_BUYING_TYPES
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise param_error("filtering.buying_types: Not a valid list.")
    unknown = sorted(set(raw) - set(BUYING_TYPES))
    if unknown:
        raise param_error(
            f"filtering.buying_types: Must be one of: {', '.join(BUYING_TYPES)}; got {unknown}."
        )
    wanted = frozenset(raw)
    if "RESERVATION_TOP_VIEW" in wanted:
        # TikTok: RESERVATION_TOP_VIEW cannot be used together with other values (model/campaign/get.go)
        if len(wanted) > 1:
            raise param_error(
                "filtering.buying_types: RESERVATION_TOP_VIEW cannot be combined with other values."
            )
        limit = TOP_VIEW_MAX_PAGE_SIZE.get(kind)
        if limit is not None and page_size > limit:
            raise param_error(f"page_size: Must be between 1 and {limit} for RESERVATION_TOP_VIEW.")
    return wanted


def _entity_kind_matches(
    world: World,
    advertiser_id: str,
    kind: str,
    entity: dict[str, Any],
    buying: frozenset[str],
    objective: str | None,
) -> bool:
    """Whether an object is of an asked buying type and (``filtering.objective_type``) its campaign's objective."""
    found = world.entity(advertiser_id, str(entity[f"{kind}_id"]))
    if (found.buying_type if found is not None else "AUCTION") not in buying:
        return False
    return objective is None or (found is not None and found.objective == objective)


def _objective_type(filtering: Any) -> str | None:
    """``filtering.objective_type`` of campaign/get, adgroup/get and ad/get (the official SDK's FilteringCampaignGet,
    FilteringAdgroupGet, FilteringAdGet; bububa model/adgroup/get.go's example ``{"objective_type":
    "APP_PROMOTION"}``): only objects of campaigns with that objective. UNSURE: an objective TikTok does not know
    is taken to match nothing rather than refused."""
    raw = filtering.get("objective_type") if isinstance(filtering, dict) else None
    if raw is not None and not isinstance(raw, str):
        raise param_error("filtering.objective_type: Not a valid string.")
    return raw


#: ``exclude_field_types_in_response`` values: NULL_FIELD drops the keys whose value is null (bububa
#: model/campaign/get.go, model/adgroup/get.go, model/ad/get.go: "允许的枚举值：NULL_FIELD"; the official SDK's
#: campaign_get/adgroup_get/ad_get take it as a list of strings)
EXCLUDE_FIELD_TYPES = ("NULL_FIELD",)


def _drops_null_fields(params: Mapping[str, str]) -> bool:
    """Whether an entity request asks ``exclude_field_types_in_response=["NULL_FIELD"]``."""
    kinds = get_str_list(params, "exclude_field_types_in_response") or []
    unknown = [k for k in kinds if k not in EXCLUDE_FIELD_TYPES]
    if unknown:  # UNSURE: TikTok's wording for another value
        raise param_error(f"exclude_field_types_in_response: Must be one of: NULL_FIELD; got {unknown}.")
    return "NULL_FIELD" in kinds


def _entity_filter(kind: str, filtering: Any) -> Predicate:
    """Build the predicate for an entity endpoint's ``filtering`` object (unknown keys are ignored)."""
    if filtering is None:
        filtering = {}
    if not isinstance(filtering, dict):
        raise param_error("filtering: Not a valid mapping type.")
    checks: list[Predicate] = []
    for name in _ENTITY_ID_FILTERS[kind]:
        if filtering.get(name) is not None:
            ids = frozenset(get_id_list(f"filtering.{name}", filtering[name]))
            if ids:  # UNSURE: an empty list is treated as "no filter"
                checks.append(_field_in(name[:-1], ids))  # campaign_ids -> campaign_id
    primary = filtering.get("primary_status")
    secondary = filtering.get("secondary_status")
    if primary is not None and (not isinstance(primary, str) or primary not in PRIMARY_STATUSES):
        raise param_error(f"filtering.primary_status: Must be one of: {', '.join(sorted(PRIMARY_STATUSES))}.")
    if secondary is not None:
        prefix = _SECONDARY_PREFIX[kind]
        if not isinstance(secondary, str) or not _STATUS_RE.fullmatch(secondary):
            raise param_error("filtering.secondary_status: Not a valid status.")
        if not secondary.startswith(prefix):
            raise param_error(f"filtering.secondary_status: Must be a {prefix}* value, got {secondary!r}.")
        if secondary == prefix + "DELETE":
            # UNSURE: whether TikTok matches children deleted through a parent (..._CAMPAIGN_DELETE) here; we do
            checks.append(is_deleted)
        elif secondary != prefix + "ALL":
            checks.append(_field_equals("secondary_status", secondary))
    if primary is None and secondary is None:
        primary = "STATUS_NOT_DELETE"  # TikTok's default: deleted entities are left out
    if primary == "STATUS_NOT_DELETE":
        checks.append(_not_deleted)
    elif primary == "STATUS_DELETE":
        checks.append(is_deleted)
    elif primary is not None and primary != "STATUS_ALL":
        checks.append(_primary_is(kind, primary))
    names = ["creation_filter_start_time", "creation_filter_end_time"] + (
        ["modified_after"] if kind == "ad" else []
    )
    for name in names:
        if filtering.get(name) is not None:
            checks.append(_time_bound(name, get_datetime(f"filtering.{name}", filtering[name])))

    def keep(entity: dict[str, Any]) -> bool:
        """Whether ``entity`` passes every filter."""
        return all(check(entity) for check in checks)

    return keep

"""Bad answers: odd but complete answers load every row; broken ones fail loudly and load nothing.

The emulator never answers wrongly, so these tests serve TikTok's wire format from a small scripted HTTP
server on loopback (``advertiser/info/`` plus ``report/integrated/get/`` pages) and run the real source through
dlt into duckdb. Property tests (hypothesis) cover paging under every kind of lying ``page_info`` and the
typing of report rows; date-window slicing is property-tested in ``tests/source/test_windows.py``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import dlt
import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loopback import LoopbackServer

from tiktok_ads import tiktok_ads
from tiktok_ads.api.client import TikTokClient
from tiktok_ads.endpoints.transform import transform_report_rows
from tiktok_ads.errors import TikTokBadResponseError, find_tiktok_error
from tiktok_ads.tables.columns import METRIC_TYPES, NULL_METRIC_VALUES
from tiktok_ads.tables.registry import TABLES

ADV = "7002238017842757633"
TODAY = dt.date(2024, 6, 15)
START = TODAY - dt.timedelta(days=9)
NOW = dt.datetime.combine(TODAY, dt.time(12), dt.timezone.utc)
REPORT_PATH = "/open_api/v1.3/report/integrated/get/"
INFO_PATH = "/open_api/v1.3/advertiser/info/"

#: ``(page, attempt) -> body`` for a report request (attempt counts requests of that page, from 1).
Plan = Callable[[int, int], Any]


class FakeTikTok(LoopbackServer):
    """A loopback server speaking TikTok's wire format: ``advertiser/info/`` for one advertiser (UTC) and
    report pages from a plan; it records the page of every report request."""

    def __init__(self) -> None:
        self.plan: Plan = lambda page, attempt: envelope({"list": []})
        self.pages: list[int] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms stall

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == INFO_PATH:
                    info = {"advertiser_id": ADV, "name": "Acme", "timezone": "UTC", "currency": "USD"}
                    body: Any = envelope({"list": [{**info, "create_time": 1600000000}]})
                elif url.path == REPORT_PATH:
                    page = int(query.get("page", "1"))
                    with outer._lock:
                        outer.pages.append(page)
                        attempt = outer.pages.count(page)
                    body = outer.plan(page, attempt)
                else:
                    body = b"404 page not found"
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(200 if not isinstance(body, bytes) else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        super().__init__(Handler)

    def serve(self, plan: Plan) -> None:
        """Answer report requests from ``plan`` from now on (and forget the recorded pages)."""
        with self._lock:
            self.plan = plan
            self.pages = []


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTikTok]:
    server = FakeTikTok()
    yield server
    server.close()


def envelope(data: Any, code: int = 0, message: str = "OK") -> dict[str, Any]:
    """TikTok's answer envelope."""
    return {"code": code, "message": message, "request_id": "2024061512000000000000000000ABCD", "data": data}


def page_info(page: int, page_size: int, total_number: Any, total_page: Any) -> dict[str, Any]:
    """TikTok's ``page_info`` (any value may be a lie)."""
    return {"page": page, "page_size": page_size, "total_number": total_number, "total_page": total_page}


def report_row(i: int, **metrics: Any) -> dict[str, Any]:
    """Row ``i`` of an ad-level daily report: ad ``i % 4`` on day ``i // 4``, with the given metrics."""
    base = {"campaign_id": "1714125042508817", "adgroup_id": "1714125049901106", "ad_name": f"ad {i % 4}"}
    base.update(metrics)
    day = START + dt.timedelta(days=i // 4)
    return {
        "dimensions": {"ad_id": str(1714125051115560 + i % 4), "stat_time_day": f"{day} 00:00:00"},
        "metrics": base,
    }


def load(tmp_path: Path, fake: FakeTikTok, page_size: int, name: str = "answers") -> dlt.Pipeline:
    """Run the source (ad_insights of one advertiser, one window) into a fresh duckdb file."""
    pipeline = dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=str(tmp_path / "pipelines"),
        destination=dlt.destinations.duckdb(str(tmp_path / f"{name}.duckdb")),
        dataset_name="tiktok",
    )
    source = tiktok_ads(
        access_token="tok-answers-Qw83",
        advertiser_ids=[ADV],
        base_url=fake.base_url,
        tables=["ad_insights"],
        start_date=START.isoformat(),
        page_size=page_size,
        max_qps=0,
        max_retries=1,
        retry_backoff_seconds=0.001,
        clock=lambda: NOW,
    )
    pipeline.run(source, loader_file_format="parquet")
    return pipeline


def stored(tmp_path: Path, name: str = "answers") -> list[dict[str, Any]] | None:
    """The rows of ``tiktok.ad_insights`` (None if the table was never created)."""
    path = tmp_path / f"{name}.duckdb"
    if not path.exists():
        return None
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tiktok' AND table_name = 'ad_insights'"
        ).fetchone()
        if not found or not found[0]:
            return None
        cur = con.execute("SELECT * FROM tiktok.ad_insights ORDER BY stat_time_day, ad_id")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


# ------------------------------------------------------------------------------------------ odd but complete


def test_odd_but_complete_answers_load_every_row_with_the_right_values(
    tmp_path: Path, fake: FakeTikTok
) -> None:
    """Unknown fields, ``"-"`` in metrics and attributes, metrics switching between number and string, a
    ``total_page`` that lies low, a page without ``page_info`` and a page that comes back empty once."""

    def metrics(i: int) -> dict[str, Any]:
        if i < 4:  # page 1: strings, as TikTok sends them (a metric we do not know comes as a number)
            return {
                "spend": f"{i}.50",
                "impressions": str(100 * i),
                "ctr": "1.18",
                "cpc": "-",
                "new_metric": 12,
            }
        # pages 2 and 3: JSON numbers for the same metrics, "-" in an attribute, the new metric a string
        return {
            "spend": i + 0.5,
            "impressions": 100 * i,
            "ctr": 1.18,
            "cpc": 0.25,
            "ad_name": "-",
            "new_metric": "12.5",
        }

    rows = [report_row(i, **metrics(i)) for i in range(10)]
    rows[1]["extra_top_level"] = {"ignored": True}  # unknown keys around the row are harmless

    def plan(page: int, attempt: int) -> Any:
        chunk = rows[(page - 1) * 4 : page * 4]
        if page == 1:
            return envelope(
                {"list": chunk, "page_info": page_info(1, 4, 10, 1), "unknown": "x"}
            )  # total_page lies
        if page == 2:
            return envelope({"list": chunk})  # no page_info at all
        if page == 3 and attempt == 1:
            return envelope({"list": [], "page_info": page_info(3, 4, 10, 3)})  # empty once, then served
        return envelope({"list": chunk, "page_info": page_info(page, 4, 10, 3)})

    fake.serve(plan)
    load(tmp_path, fake, page_size=4)
    got = stored(tmp_path)
    assert got is not None and len(got) == 10  # every row
    assert fake.pages == [1, 2, 3, 3]  # the empty page 3 was asked again, nothing else twice
    by_key = {(r["ad_id"], r["stat_time_day"]): r for r in got}
    for i, raw in enumerate(rows):
        day = START + dt.timedelta(days=i // 4)
        row = by_key[(raw["dimensions"]["ad_id"], day)]
        assert row["advertiser_id"] == ADV and row["campaign_id"] == "1714125042508817"
        assert row["spend"] == decimal.Decimal(f"{i}.5") and row["impressions"] == 100 * i
        assert row["ctr"] == decimal.Decimal("1.18")
        assert row["cpc"] == (None if i < 4 else decimal.Decimal("0.25"))
        assert row["ad_name"] == (f"ad {i % 4}" if i < 4 else None)
        assert row["new_metric"] == ("12" if i < 4 else "12.5")  # unknown metrics are text, whatever is sent
        assert row["reach"] is None  # requested, not sent: NULL


def test_pages_without_page_info_are_followed_until_a_short_page(tmp_path: Path, fake: FakeTikTok) -> None:
    rows = [report_row(i, spend="1.00") for i in range(10)]
    fake.serve(lambda page, attempt: envelope({"list": rows[(page - 1) * 4 : page * 4]}))
    load(tmp_path, fake, page_size=4)
    got = stored(tmp_path)
    assert got is not None and len(got) == 10
    assert fake.pages == [1, 2, 3]


# ------------------------------------------------------------------------------------------ broken answers


def _one_page(list_: Any, total: int | None = None) -> Plan:
    def plan(page: int, attempt: int) -> Any:
        if page > 1:
            return envelope({"list": [], "page_info": page_info(page, 10, total or 1, 1)})
        return envelope({"list": list_, "page_info": page_info(1, 10, total if total is not None else 1, 1)})

    return plan


def _without(key: str, where: str) -> dict[str, Any]:
    row = report_row(0, spend="1.00")
    del row[where][key]
    return row


BROKEN: list[tuple[str, Plan, str]] = [
    ("an id dimension missing", _one_page([_without("ad_id", "dimensions")]), "row has no ad_id"),
    ("the day missing", _one_page([_without("stat_time_day", "dimensions")]), "row has no stat_time_day"),
    ("an id metric missing", _one_page([_without("campaign_id", "metrics")]), "row has no campaign_id"),
    ('"-" as the ad id', _one_page([report_row(0) | {"dimensions": {"ad_id": "-", "stat_time_day": f"{START} 00:00:00"}}]), "row has no ad_id"),
    ("a count that is not a number", _one_page([report_row(0, impressions="lots")]), "column impressions: 'lots'"),
    ("an hourly day", _one_page([report_row(0) | {"dimensions": {"ad_id": "1", "stat_time_day": f"{START} 05:00:00"}}]), "column stat_time_day"),
    ('"-" as a row', _one_page(["-"]), "report row is not an object"),
    ("a list that is not a list", lambda page, attempt: envelope({"list": {"a": 1}}), "data.list is a dict"),
    ("more rows announced than sent, the last page full", _one_page([report_row(i) for i in range(10)], total=13), "10 of 13 rows announced"),
    (
        "an empty page with a non-zero total",
        lambda page, attempt: envelope({"list": [], "page_info": page_info(1, 10, 5, 1)}),
        "0 of 5 rows announced",
    ),
    (
        "a server that ignores the page",
        lambda page, attempt: envelope({"list": [report_row(i) for i in range(4)]}),
        "page 2 repeats page 1",
    ),
    (
        "a server that ignores the page, with page_info",
        lambda page, attempt: envelope({"list": [report_row(i) for i in range(4)], "page_info": page_info(page, 4, 10, 3)}),
        "page 2 repeats page 1",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "plan", "problem"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_answers_fail_loudly_and_load_nothing(
    name: str, plan: Plan, problem: str, tmp_path: Path, fake: FakeTikTok
) -> None:
    fake.serve(plan)
    with pytest.raises(Exception) as info:
        load(tmp_path, fake, page_size=10 if "ignores" not in name else 4)
    err = find_tiktok_error(info.value)
    assert isinstance(err, TikTokBadResponseError), (name, info.value)
    text = str(err)
    assert problem in text, (name, text)
    # the message says where: advertiser, table and window
    assert f"advertiser {ADV}" in text and "table ad_insights" in text, text
    assert f"window {START.isoformat()}..{TODAY.isoformat()}" in text, text
    assert stored(tmp_path) is None  # nothing reached the destination


def test_a_last_page_short_of_its_total_loads_with_a_warning(
    tmp_path: Path, fake: FakeTikTok, caplog: pytest.LogCaptureFixture
) -> None:
    """TikTok's own shortfall: ``total_number`` 3, one page of 1 row, on every retry. Refusing it (as the source
    did) made the table unloadable on every run; the row loads, loudly."""
    fake.serve(_one_page([report_row(0)], total=3))
    with caplog.at_level("WARNING", logger="tiktok_ads"):
        load(tmp_path, fake, page_size=10)
    rows = stored(tmp_path)
    assert rows is not None and [r["ad_id"] for r in rows] == ["1714125051115560"]
    assert fake.pages.count(1) == 3  # the short page was asked for again twice
    assert "ended after 1 of the 3 rows page_info announced" in caplog.text


# ------------------------------------------------------------------------------------------ properties


@pytest.fixture(scope="module")
def paging_client(fake: FakeTikTok) -> Iterator[TikTokClient]:
    client = TikTokClient(
        "tok-paging-Zp41", base_url=fake.base_url, max_qps=0, max_retries=0, backoff_base=0.0
    )
    yield client
    client.close()


LIES = ["honest", "missing", "garbage", "total_page_low", "total_page_high", "total_page_zero", "total_number_low", "total_number_high"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_rows=st.integers(min_value=0, max_value=23),
    page_size=st.integers(min_value=1, max_value=6),
    lie=st.sampled_from(LIES),
)
def test_paging_never_returns_fewer_rows_silently(
    n_rows: int, page_size: int, lie: str, fake: FakeTikTok, paging_client: TikTokClient
) -> None:
    """Whatever ``page_info`` says, the pages give exactly every row once, in order, or a clear error.

    ``page_info`` lies one field at a time (TikTok's two fields cannot both lie consistently and be caught:
    ``total_number`` = rows seen and ``total_page`` = pages seen would look like a complete result)."""
    rows = [{"id": i} for i in range(n_rows)]
    pages = -(-n_rows // page_size)

    def info(page: int) -> dict[str, Any] | None:
        if lie == "missing":
            return None
        number: Any = n_rows
        total_page: Any = pages
        if lie == "garbage":
            number, total_page = "-", "-"
        elif lie == "total_page_low":
            total_page = min(pages, 1)
        elif lie == "total_page_high":
            total_page = pages + 3
        elif lie == "total_page_zero":
            total_page = 0
        elif lie == "total_number_low":
            number = max(0, n_rows - page_size - 1)
        elif lie == "total_number_high":
            number = n_rows + 1
        return page_info(page, page_size, number, total_page)

    def plan(page: int, attempt: int) -> Any:
        data: dict[str, Any] = {"list": rows[(page - 1) * page_size : page * page_size]}
        if (found := info(page)) is not None:
            data["page_info"] = found
        return envelope(data)

    fake.serve(plan)
    shortfalls = paging_client.stats.warnings["short_result"]
    try:
        got = [
            r
            for p in paging_client.paginate(
                "report/integrated/get/", {"advertiser_id": ADV}, page_size=page_size
            )
            for r in p
        ]
    except TikTokBadResponseError as err:
        # only an announced total that was never delivered may fail, and it must when the last page is
        # full or empty (a missing page cannot be told apart from a count that is too high)
        assert lie == "total_number_high" and n_rows % page_size == 0, (lie, str(err))
        return
    assert got == rows, (lie, fake.pages)
    # a short last page below the announced total is TikTok's own shortfall: every row, and a warning
    assert paging_client.stats.warnings["short_result"] - shortfalls == (lie == "total_number_high")
    # each page once (+ a probe / retries, + pages asked for ahead that a lying total_page announced)
    assert fake.pages.count(1) == 1 + 2 * (lie == "total_number_high" and n_rows < page_size)
    assert len(fake.pages) <= pages + 1 + 2 + paging_client.prefetch_pages


def _representations(kind: str) -> st.SearchStrategy[tuple[Any, Any]]:
    """(what TikTok might send, what the destination must hold) for a metric of ``kind``."""
    placeholder = st.sampled_from(sorted(NULL_METRIC_VALUES)).map(lambda v: (v, None))
    sent: st.SearchStrategy[tuple[Any, Any]]
    if kind == "bigint":
        sent = st.integers(min_value=0, max_value=2**53).flatmap(
            lambda n: st.sampled_from([(n, n), (str(n), n), (float(n), n), (f" {n} ", n)])
        )
    elif kind == "decimal":
        sent = st.decimals(
            min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False
        ).flatmap(
            lambda d: st.sampled_from(
                [(str(d), d)] + ([(float(d), d)] if decimal.Decimal(repr(float(d))) == d else [])
            )
        )
    else:
        sent = (
            st.text(min_size=1, max_size=8)
            .filter(lambda t: t.strip() not in NULL_METRIC_VALUES)
            .map(lambda t: (t, t))
        )
    return st.one_of(placeholder, sent)


SPEC = TABLES["ad_insights"]
NUMERIC = [m for m in SPEC.metrics if METRIC_TYPES[m] in ("bigint", "decimal")]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.fixed_dictionaries({m: _representations(METRIC_TYPES[m]) for m in NUMERIC[:12] + ["ad_name"]}),
            st.dictionaries(
                st.from_regex(r"new_[a-z]{1,6}", fullmatch=True),
                st.one_of(st.integers(), st.text(max_size=5), st.just("-"), st.floats(allow_nan=False)),
                max_size=3,
            ),
        ),
        max_size=12,
    )
)
def test_report_rows_are_typed_exactly_and_none_is_dropped(
    rows: list[tuple[dict[str, tuple[Any, Any]], dict[str, Any]]],
) -> None:
    raw = []
    for i, (metrics, unknown) in enumerate(rows):
        sent = {name: value for name, (value, _) in metrics.items()}
        raw.append(report_row(i, **unknown, **sent))
    out = transform_report_rows(SPEC, ADV, raw)
    assert len(out) == len(raw)
    for row, (metrics, unknown) in zip(out, rows, strict=True):
        assert row["advertiser_id"] == ADV and row["campaign_id"] and row["stat_time_day"]
        for name, (_, expected) in metrics.items():
            assert row[name] == expected and type(row[name]) is type(expected), (name, row[name], expected)
        for name, value in unknown.items():
            if isinstance(value, str) and value.strip() in NULL_METRIC_VALUES:
                assert row[name] is None
            else:
                assert isinstance(row[name], str)  # unknown metrics are text, whatever TikTok sent

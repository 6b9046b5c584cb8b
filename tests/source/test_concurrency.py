"""Concurrency (UnitStream, pages fetched ahead, the in-flight cap) and the Arrow path of report pages.

The Arrow path must give exactly the row path's values (it falls back to the row path for anything odd), and
the concurrent paths must give exactly the sequential result, with no wasted request.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
import pyarrow as pa
import pytest

from tiktok_ads.api.client import TikTokClient
from tiktok_ads.api.json_pages import ArrowRows, decode_report_body, report_decoder
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.endpoints.arrow_pages import (
    LOAD_ID_COLUMN,
    BufferedRows,
    TableBatcher,
    arrow_schema,
    report_page_table,
)
from tiktok_ads.endpoints.extract import report_pages
from tiktok_ads.endpoints.transform import transform_report_rows
from tiktok_ads.errors import TikTokBadResponseError
from tiktok_ads.resources.concurrency import Event, PageBudget, UnitStream, WorkerPool
from tiktok_ads.resources.day_markers import DAY_MARKER_COLUMN
from tiktok_ads.tables.report_grid import ALL_TABLES
from tiktok_ads.windows import DateWindow

Factory = Callable[..., EmulatorServer]
ADV = "7000000000000000001"

# ------------------------------------------------------------------------------------------ UnitStream


def _round_robin(*streams: Iterable[Event[Any]]) -> dict[int, list[tuple[Any, Any]]]:
    """Poll the streams one event at a time in turn, as dlt's ``PipeIterator`` polls its resources: the items of
    each, by stream, with their unit."""
    items: dict[int, list[tuple[Any, Any]]] = {n: [] for n in range(len(streams))}
    running = {n: iter(stream) for n, stream in enumerate(streams)}
    while running:
        for n, events in list(running.items()):
            event = next(events, None)
            if event is None:
                del running[n]
            elif event[0] == "item":
                items[n].append((event[1], event[2]))
    return items


def test_unit_stream_delivers_every_item_before_its_done_and_each_unit_once() -> None:
    def work(unit: int) -> Iterator[tuple[int, int]]:
        for i in range(unit % 4):
            time.sleep(0.001 * (unit % 3))
            yield unit, i

    events = list(UnitStream(list(range(20)), work, pool=WorkerPool(5), buffer=3))
    done = [u for kind, u, _ in events if kind == "done"]
    assert sorted(done) == list(range(20))
    for unit in range(20):
        items = [v for kind, u, v in events if kind == "item" and u == unit]
        assert items == [(unit, i) for i in range(unit % 4)]  # in order, complete
        last_item = max(
            (n for n, (kind, u, _) in enumerate(events) if kind == "item" and u == unit), default=-1
        )
        assert last_item < [n for n, (kind, u, _) in enumerate(events) if kind == "done" and u == unit][0]


def test_streams_sharing_a_page_budget_never_read_past_it() -> None:
    """Pages read and not yet taken, all streams together, stay within the budget while nobody takes them (the
    queues are far larger), and every page still arrives, in order, once dlt's polling goes on."""
    budget, pool = PageBudget(3), WorkerPool(4)
    state = threading.Condition()
    read, taken = [0], [0]

    def work(unit: str) -> Iterator[str]:
        for i in range(30):
            with state:
                read[0] += 1
                state.notify_all()
            yield f"{unit}{i}"

    streams = [iter(UnitStream([f"{s}{u}" for u in range(2)], work, pool=pool, buffer=100, budget=budget))
               for s in "ab"]  # fmt: skip
    first = [next(events) for events in streams]  # both streams started (an idle event, or a page)
    taken[0] = sum(kind == "item" for kind, _, _ in first)
    with state:
        # nobody takes a page now: the workers of both streams fill the budget ...
        assert state.wait_for(lambda: read[0] - taken[0] >= 3, timeout=60), (read, taken)
        # ... and read no further (without the budget they would read all 120 pages within this time)
        assert not state.wait_for(lambda: read[0] - taken[0] > 3, timeout=0.3), (read, taken)
    got = _round_robin(*streams)
    assert budget._free == 3  # every slot given back
    for n, s in enumerate("ab"):
        pages = [(unit, page) for kind, unit, page in first[n : n + 1] if kind == "item"] + got[n]
        for unit in (f"{s}0", f"{s}1"):
            assert [page for u, page in pages if u == unit] == [f"{unit}{i}" for i in range(30)]


def test_many_streams_on_a_small_pool_and_budget_deliver_every_page_in_order() -> None:
    """No deadlock: more streams and units than workers and slots, polled in turn as dlt does, each unit's
    pages complete and in order; the pool's threads end with the work."""
    budget, pool = PageBudget(2), WorkerPool(3, name="tiktok_ads_test_pool")

    def work(unit: tuple[int, int]) -> Iterator[tuple[int, int, int]]:
        for i in range(5 + unit[1]):
            yield (*unit, i)

    streams = [UnitStream([(s, u) for u in range(4)], work, pool=pool, buffer=100, budget=budget)
               for s in range(6)]  # fmt: skip
    done = threading.Event()
    got: dict[int, list[tuple[Any, Any]]] = {}
    consumer = threading.Thread(target=lambda: (got.update(_round_robin(*streams)), done.set()))
    consumer.start()
    assert done.wait(timeout=120), "the streams stalled"
    for s in range(6):
        for u in range(4):
            assert [page for unit, page in got[s] if unit == (s, u)] == [(s, u, i) for i in range(5 + u)]
    assert budget._free == 2
    deadline = time.monotonic() + 30
    while any(t.name.startswith("tiktok_ads_test_pool") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the pool's threads outlived the work"
        time.sleep(0.01)


def test_a_closed_stream_gives_its_slots_back() -> None:
    budget = PageBudget(3)
    stream = iter(
        UnitStream([1], lambda unit: iter(range(100)), pool=WorkerPool(1), buffer=100, budget=budget)
    )
    next(stream)
    stream.close()  # (as dlt closes a generator): pages in its queue and in its worker free their slots
    assert budget._free == 3


def test_a_closed_stream_cancels_its_units_not_started() -> None:
    started: list[int] = []
    gate = threading.Event()

    def pages(unit: int) -> Iterator[int]:
        gate.wait(timeout=30)
        yield unit

    def work(unit: int) -> Iterator[int]:  # (called as its unit starts, before any slot is taken)
        started.append(unit)
        return pages(unit)

    pool = WorkerPool(1)
    stream = iter(UnitStream(list(range(5)), work, pool=pool, buffer=10, budget=PageBudget(4)))
    while not started:  # the one worker runs unit 0; units 1-4 wait in the pool's queue
        assert next(stream)[0] == "idle"
    stream.close()
    gate.set()
    other = list(UnitStream([9], work, pool=pool, buffer=10))  # the pool goes on with other streams' work
    assert [v for kind, _, v in other if kind == "item"] == [9]
    assert started == [0, 9]  # the closed stream's waiting units never ran


def test_a_page_budget_waits_for_a_slot_and_stops() -> None:
    budget = PageBudget(1)
    stop = threading.Event()
    assert budget.acquire(stop)
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(budget.acquire(stop)))
    waiter.start()
    waiter.join(timeout=0.2)
    assert waiter.is_alive() and not result  # no slot free: it waits ...
    budget.release()
    waiter.join(timeout=30)
    assert result == [True]  # ... until one is given back
    late = threading.Thread(target=lambda: result.append(budget.acquire(stop)))
    late.start()
    stop.set()
    late.join(timeout=30)
    assert result == [True, False]  # a stopped stream's worker waits no more


def test_unit_stream_hands_errors_to_the_consumer_and_drops_a_group() -> None:
    def work(unit: tuple[str, int]) -> Iterator[int]:
        group, n = unit
        if group == "bad" and n == 0:
            raise ValueError("no access")
        time.sleep(0.01)
        yield n

    units = [("bad", 0)] + [("bad", n) for n in range(1, 6)] + [("good", n) for n in range(6)]
    stream = UnitStream(units, work, pool=WorkerPool(2), buffer=2, group=lambda u: u[0])
    seen: list[tuple[str, Any]] = []
    for kind, unit, value in stream:
        if kind == "error":
            assert isinstance(value, ValueError)
            stream.drop("bad")
        seen.append((kind, unit))
    assert {u for kind, u in seen if kind == "done" and u[0] == "good"} == {("good", n) for n in range(6)}
    assert ("error", ("bad", 0)) in seen
    assert len(seen) - sum(kind == "item" for kind, _ in seen) == len(units)  # one end event per unit


def test_unit_stream_memory_is_bounded_by_workers_and_buffer() -> None:
    produced = [0]
    state = threading.Condition()

    def work(unit: int) -> Iterator[int]:
        for i in range(100):
            with state:
                produced[0] += 1
                state.notify_all()
            yield i

    stream = iter(UnitStream(list(range(4)), work, pool=WorkerPool(2), buffer=3))
    next(stream)
    bound = 1 + 3 + 2  # consumed + queued + one in each worker's hand
    with state:
        # the consumer stalls: the workers fill the queue, then each blocks holding one item ...
        assert state.wait_for(lambda: produced[0] >= bound, timeout=60), produced
        # ... and stay blocked (unbounded workers would produce all 400 items within this time)
        assert not state.wait_for(lambda: produced[0] > bound, timeout=0.3), produced
    stream.close()  # type: ignore[attr-defined]


def test_a_closed_stream_stops_its_requests_retrying(emulator_factory: Factory) -> None:
    """A worker of a closed stream must not go on retrying (it used to try "attempt 9 of 9" against a stopped
    server after its test had ended): its wait before the next attempt ends, and it sends no more."""
    server = emulator_factory(
        WorldConfig(seed=4, advertisers=1, days=5), fault_rate=1.0, fault_kinds=["50002"]
    )
    adv = server.advertiser_ids[0]
    # the first backoff of seed 0 is ~50 s (uniform(0, 60)): a worker that keeps waiting outlives the test
    client = TikTokClient(
        server.access_token, base_url=server.base_url, max_qps=0, backoff_base=60.0, rng=random.Random(0)
    )
    pool = WorkerPool(1, name="tiktok_ads_retrying")
    with client:
        stream = iter(
            UnitStream([adv], lambda unit: iter([client.get("advertiser/info/", {"advertiser_ids": [unit]})]),
                       pool=pool, buffer=2, budget=PageBudget(2))
        )  # fmt: skip
        # (polled: the first attempt is sent, then the worker waits to retry)
        while client.stats.requests == 0:
            assert next(stream)[0] == "idle"
        stream.close()  # type: ignore[attr-defined]
        workers = [t for t in threading.enumerate() if t.name.startswith("tiktok_ads_retrying")]
        for worker in workers:
            worker.join(timeout=20)
        assert not any(worker.is_alive() for worker in workers), (
            "the closed stream's worker still waits to retry"
        )
    assert client.stats.requests == 1


def test_a_paging_loop_keeps_no_page_it_handed_over(emulator: EmulatorServer) -> None:
    """Suspended until its next page is wanted (its worker waits for a budget slot), the paging loop must not
    keep the page it handed over: with a worker per window of every advertiser, held bodies and parsed arrays
    made a run's memory grow with its advertisers (issue 15)."""
    spec = ALL_TABLES["ad_insights"]
    start = emulator.world.history_start + dt.timedelta(days=3)
    window = DateWindow(start, start + dt.timedelta(days=3))
    decode = report_decoder(spec.dimensions, spec.metrics)
    with TikTokClient(
        emulator.access_token, base_url=emulator.base_url, max_qps=0, prefetch_pages=0
    ) as client:
        adv = emulator.advertiser_ids[0]
        pages = report_pages(client, spec, adv, window, include_deleted=True, page_size=2, decode=decode)
        first = next(pages)
        assert isinstance(first, ArrowRows) and len(first) == 2
        page = weakref.ref(first)
        del first
        gc.collect()
        assert page() is None  # the suspended loop holds neither the page nor the answer it came in
        pages.close()


# --------------------------------------------------------------------------- paging ahead, in-flight cap


def test_pages_fetched_ahead_equal_the_sequential_pages_with_no_extra_request(
    emulator: EmulatorServer,
) -> None:
    adv = emulator.advertiser_ids[0]
    spec = ALL_TABLES["ad_insights_by_age_and_gender"]
    window = DateWindow(emulator.world.history_start, emulator.world.history_start + dt.timedelta(days=9))
    results = {}
    for ahead in (0, 3):
        client = TikTokClient(
            emulator.access_token, base_url=emulator.base_url, max_qps=0, prefetch_pages=ahead
        )
        with client:
            pages = list(report_pages(client, spec, adv, window, include_deleted=True, page_size=7))
        results[ahead] = (pages, client.stats.requests)
    (sequential, seq_requests), (ahead_pages, ahead_requests) = results[0], results[3]
    assert len(sequential) > 5 and ahead_pages == sequential
    assert ahead_requests == seq_requests == len(sequential)


def test_requests_run_in_parallel_up_to_the_in_flight_cap(
    emulator_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = emulator_factory(WorldConfig(seed=4, advertisers=1, days=5))
    adv = server.advertiser_ids[0]
    # the emulator holds every answer until the test lets go, and counts the requests it holds
    state = threading.Condition()
    held, peak, release = [0], [0], threading.Event()
    handle = server.api.handle

    def holding_handle(*args: Any, **kwargs: Any) -> Any:
        with state:
            held[0] += 1
            peak[0] = max(peak[0], held[0])
            state.notify_all()
        release.wait(timeout=120)
        with state:
            held[0] -= 1
        return handle(*args, **kwargs)

    monkeypatch.setattr(server.api, "handle", holding_handle)
    client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_concurrency=4)
    answers: list[Any] = []
    with client:
        threads = [
            threading.Thread(
                target=lambda: answers.append(client.get("advertiser/info/", {"advertiser_ids": [adv]}))
            )
            for _ in range(8)
        ]
        for t in threads:
            t.start()
        with state:
            # 8 requests at once, 4 in flight: the cap lets 4 in, whatever the machine's speed ...
            assert state.wait_for(lambda: held[0] == 4, timeout=60), held
            # ... and no 5th while they are held (a broken cap lets the others in within this time)
            assert not state.wait_for(lambda: held[0] > 4, timeout=0.5), held
        release.set()
        for t in threads:
            t.join()
    assert peak[0] == 4 and len(answers) == 8 and all(a["list"] for a in answers)
    assert client.stats.requests == 8


# ------------------------------------------------------------------------------------------ Arrow pages


def _pages(server: EmulatorServer, table: str, days: int = 4, native: bool = False) -> list[Any]:
    spec = ALL_TABLES[table]
    decode = report_decoder(spec.dimensions, spec.metrics) if native else None
    start = server.world.history_start + dt.timedelta(days=3)
    window = DateWindow(start, start + dt.timedelta(days=days - 1 if spec.window_days != 1 else 0))
    client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0)
    with client:
        return list(
            report_pages(
                client,
                spec,
                server.advertiser_ids[0],
                window,
                include_deleted=True,
                page_size=50,
                decode=decode,
            )
        )


def _same(arrow_rows: list[dict[str, Any]], typed: list[dict[str, Any]]) -> None:
    assert len(arrow_rows) == len(typed)
    for got, want in zip(arrow_rows, typed, strict=True):
        for column, value in want.items():
            assert got[column] == value, (
                column,
                got[column],
                value,
            )  # Decimal("1.5") == Decimal("1.500000000")


@pytest.mark.parametrize(
    "table",
    ["ad_insights", "ad_insights_by_age_and_gender", "campaign_insights_by_province", "adgroup_insights_hourly",
     "campaign_insights_lifetime", "advertiser_insights_by_language"],
)  # fmt: skip
@pytest.mark.parametrize("native", [False, True], ids=["orjson", "native"])
def test_arrow_pages_hold_exactly_the_row_path_values(
    emulator: EmulatorServer, table: str, native: bool
) -> None:
    spec = ALL_TABLES[table]
    schema = arrow_schema(spec, ((DAY_MARKER_COLUMN, "bool"),))
    pages = _pages(emulator, table, native=native)
    assert sum(map(len, pages)) > 0
    for page in pages:
        assert isinstance(page, ArrowRows) == native
        got = report_page_table(spec, ADV, page, schema)
        assert got.schema.names[: len(spec.columns)] == list(spec.columns)
        _same(got.to_pylist(), transform_report_rows(spec, ADV, list(page)))


def _native(page: list[dict[str, Any]], spec: Any) -> Any:
    """``page`` as TikTok's answer body, decoded by the native reader (None: it left the body to orjson)."""
    body = orjson.dumps(
        {"code": 0, "message": "OK", "request_id": "1", "data": {"list": page, "page_info": {"page": 1}}}
    )
    decoded = decode_report_body(body, spec.dimensions, spec.metrics)
    return page if decoded is None else decoded["data"]["list"]


def test_the_native_reader_reads_strings_nulls_and_placeholders_itself() -> None:
    spec = _narrow()
    page = [_raw(0, ctr="1.5", ad_name="a"), _raw(1, ctr=None, spend="-", ad_name=" N/A ")]
    native = _native(page, spec)
    assert isinstance(native, ArrowRows) and len(native) == 2 and native[-1]["metrics"]["ctr"] is None
    _same(
        report_page_table(spec, ADV, native, arrow_schema(spec)).to_pylist(),
        transform_report_rows(spec, ADV, page),
    )


def test_money_and_ratios_as_tiktok_sends_them_are_typed_natively_and_exactly() -> None:
    from tiktok_ads.endpoints.arrow_pages import (
        _native_table,  # the native step alone: it must not need the fallback
    )

    spec = _narrow()
    page = [
        _raw(0, spend="20.000", ctr="0.2899", ad_name="a"),  # 3-decimal money, 4-decimal ratio
        _raw(1, spend="1500", ctr="-", ad_name="b"),  # integer-only money (IDR), a placeholder
        _raw(2, spend=None, ctr="12.3456", ad_name="c"),  # null
    ]
    got = _native_table(spec, ADV, _native(page, spec), arrow_schema(spec)).to_pylist()
    assert [(r["spend"], r["ctr"]) for r in got] == [
        (decimal.Decimal("20.000"), decimal.Decimal("0.2899")),
        (decimal.Decimal("1500"), None),
        (None, decimal.Decimal("12.3456")),
    ]
    _same(got, transform_report_rows(spec, ADV, page))


def test_the_native_reader_reads_numbers_among_strings_as_the_row_path_does() -> None:
    from tiktok_ads.endpoints.arrow_pages import (
        _native_table,  # the native step alone: it must not need the fallback
    )

    spec = _narrow()
    # JSON numbers among TikTok's strings (as real answers have them): count, money, a ratio, a whole number
    # in a text column; negative and zero too
    page = [_raw(0, impressions=12, spend=0.5, ctr=1.25, ad_name=7), _raw(1, impressions=0, spend=-3)]
    native = _native(page, spec)
    assert isinstance(native, ArrowRows)
    got = _native_table(spec, ADV, native, arrow_schema(spec)).to_pylist()
    _same(got, transform_report_rows(spec, ADV, page))
    assert got[0]["impressions"] == 12 and got[0]["spend"] == decimal.Decimal("0.5")
    # a float in a text column: read natively when its text is what the row path writes (Python's repr of it),
    # left to the row path when Python spells it otherwise (the row path decides: one spelling on every path)
    native = _native([_raw(0, ad_name=1.5)], spec)
    assert isinstance(native, ArrowRows) and native[0]["metrics"]["ad_name"] == "1.5"
    for spelled_otherwise in (b"0.50", b"1e-05", b"0.00001", b"1234567890.1234567"):
        body = _body([_raw(0, ad_name=0.5)]).replace(b'"ad_name":0.5', b'"ad_name":' + spelled_otherwise)
        assert b'"ad_name":' + spelled_otherwise in body
        assert decode_report_body(body, spec.dimensions, spec.metrics) is None, spelled_otherwise
        # in a number column the spelling does not matter: read natively, the exact decimal
        body = body.replace(b'"ad_name":' + spelled_otherwise, b'"ad_name":"a"').replace(
            b'"spend":"1.25"', b'"spend":' + spelled_otherwise
        )
        decoded = decode_report_body(body, spec.dimensions, spec.metrics)
        assert decoded is not None and isinstance(decoded["data"]["list"], ArrowRows), spelled_otherwise
        assert decoded["data"]["list"][0]["metrics"]["spend"] == spelled_otherwise.decode()


def test_the_body_scan_finds_every_bare_number_the_text_column_check_would_catch() -> None:
    # the quick path skips the per-column check when one RE2 pass finds no suspect bare number in the body:
    # that pass must find every number the check catches in a text column, or a respelled value would load
    import re

    import pyarrow.compute as pc

    from tiktok_ads.api.json_pages import _FLOAT_TEXT, _SPELLED_OTHERWISE_TEXT, _SUSPECT_BARE

    rng = random.Random(15)
    spellings = {
        "0.50",
        "4.00",
        "1e-05",
        "2E+10",
        "0.00001",
        "-.00007",
        "1234567890.1234567",
        "4.0",
        "0.5",
        "7",
    }
    for _ in range(3000):
        whole, fraction = rng.randint(0, 10 ** rng.randint(0, 16)), rng.randint(0, 10 ** rng.randint(0, 18))
        sign = rng.choice(["", "-"])
        spellings |= {f"{sign}{whole}.{fraction}", f"{sign}{whole}.{fraction}0", f"{sign}{whole / 7!r}"}
    caught = 0
    for text in sorted(spellings):
        check = re.fullmatch(_SPELLED_OTHERWISE_TEXT.strip("^$"), text) is not None or (
            len(text) >= 17 and re.fullmatch(_FLOAT_TEXT.strip("^$"), text) is not None
        )
        body = b'{"code":0,"data":{"list":[{"metrics":{"ad_name":' + text.encode() + b"}}]}}"
        scan = pc.match_substring_regex(pa.array([body], pa.binary()), _SUSPECT_BARE)[0].as_py()
        assert scan or not check, text
        caught += check
    assert caught > 1000  # the spellings do exercise the check


def test_the_quick_quoting_leaves_what_it_cannot_read_exactly_to_the_exact_quoting() -> None:
    spec = _narrow()
    page = [_raw(0, impressions=12, spend=0.5, ad_name='a "quoted":1 name'), _raw(1, impressions=3)]
    body = _body(page)
    assert b'\\"' in body  # an escaped quote: ":1 could be inside a string, so the exact quoting reads it
    decoded = decode_report_body(body, spec.dimensions, spec.metrics)
    assert decoded is not None and decoded["data"]["list"][0]["metrics"]["ad_name"] == 'a "quoted":1 name'
    _same(
        report_page_table(spec, ADV, decoded["data"]["list"], arrow_schema(spec)).to_pylist(),
        transform_report_rows(spec, ADV, page),
    )
    # page_info and code keep their types as sent: a page_info number sent as text is the exact reading's to judge
    quick = _body([_raw(0, impressions=5)])
    info = decode_report_body(quick, spec.dimensions, spec.metrics)["data"]["page_info"]  # type: ignore[index]
    assert info == {
        "page": 1,
        "page_size": None,
        "total_number": None,
        "total_page": None,
    }  # as the exact read
    texted = quick.replace(b'"page_info":{"page":1}', b'"page_info":{"page":"1"}')
    assert decode_report_body(texted, spec.dimensions, spec.metrics) is None


def _body(page: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {"code": 0, "message": "OK", "request_id": "1", "data": {"list": page, "page_info": {"page": 1}}}
    )


def test_the_native_reader_leaves_other_shapes_to_orjson() -> None:
    spec = _narrow()
    body = b'{"code": "0", "data": {"list": []}}'  # a code that is not a number
    assert decode_report_body(body, spec.dimensions, spec.metrics) is None
    assert decode_report_body(b"[1, 2]", spec.dimensions, spec.metrics) is None
    assert decode_report_body(b'{"code": 0}\n{"code": 0}', spec.dimensions, spec.metrics) is None


def _raw(i: int, **metrics: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"campaign_id": "1714", "adgroup_id": "1715", "spend": "1.25", "impressions": "10"}
    base.update(metrics)
    return {"dimensions": {"ad_id": str(100 + i), "stat_time_day": "2024-05-01 00:00:00"}, "metrics": base}


def _narrow() -> Any:
    from tiktok_ads.tables.custom_metrics import with_metrics

    return with_metrics(ALL_TABLES["ad_insights"], ["spend", "impressions", "ctr", "ad_name"])


@pytest.mark.parametrize(
    "odd",
    [
        {"impressions": 12},  # a JSON number where a string was expected
        {"impressions": " 7 "},  # spaces
        {"spend": "0.1234567891234"},  # more decimals than money's DECIMAL(18,4) keeps
        {"spend": "-"},  # placeholder
        {"ad_name": " N/A "},  # placeholder with spaces in a text column
        {"new_metric": "3"},  # a metric TikTok sent unasked: kept as text
        {"ctr": None},  # JSON null
        {"impressions": 12, "spend": 1.5, "ad_name": 7},  # numbers among strings, in three kinds of column
    ],
)
@pytest.mark.parametrize("native", [False, True], ids=["orjson", "native"])
def test_odd_values_give_the_row_path_values(odd: dict[str, Any], native: bool) -> None:
    spec = _narrow()
    page = [_raw(0, ctr="1.5", ad_name="a"), _raw(1, **{"ctr": "2", "ad_name": "b", **odd})]
    given = _native(page, spec) if native else page
    got = report_page_table(spec, ADV, given, arrow_schema(spec)).to_pylist()
    want = transform_report_rows(spec, ADV, page)
    if str(odd.get("spend")).startswith("0.12"):
        want[1]["spend"] = decimal.Decimal("0.1235")  # rounded half-even to money's scale (metric_types.py)
    _same(got, want)


@pytest.mark.parametrize("native", [False, True], ids=["orjson", "native"])
@pytest.mark.parametrize("bad", ["lots", "<5", "1.2.3"])
def test_a_value_that_is_no_number_fails_naming_table_column_and_value(native: bool, bad: str) -> None:
    spec = _narrow()
    page = [_raw(0, ctr="1.5", ad_name="a"), _raw(1, ctr=bad, ad_name="b")]
    given = _native(page, spec) if native else page
    assert isinstance(given, ArrowRows) == native
    with pytest.raises(TikTokBadResponseError, match=rf"ctr.*'{bad}'"):
        report_page_table(spec, ADV, given, arrow_schema(spec))


@pytest.mark.parametrize("native", [False, True], ids=["orjson", "native"])
def test_a_value_too_large_for_its_column_fails_naming_table_column_and_value(native: bool) -> None:
    spec = _narrow()
    page = [_raw(0, ctr="1.5", ad_name="a"), _raw(1, ctr="2", ad_name="b", spend="123456789012345.5")]
    given = _native(page, spec) if native else page
    with pytest.raises(TikTokBadResponseError, match=r"spend.*123456789012345.*DECIMAL\(18,4\)") as err:
        report_page_table(spec, ADV, given, arrow_schema(spec))
    assert err.value.context.get("table") == spec.name and err.value.advertiser_id == ADV


def test_metric_columns_are_sized_per_kind() -> None:
    spec = ALL_TABLES["ad_insights"]
    schema = arrow_schema(spec)
    assert schema.field("spend").type == pa.decimal128(18, 4)  # money
    assert schema.field("ctr").type == pa.decimal128(18, 6)  # ratio
    assert schema.field("impressions").type == pa.int64()  # count
    assert spec.columns["spend"]["precision"] == 18 and spec.columns["spend"]["scale"] == 4


@pytest.mark.parametrize("native", [False, True], ids=["orjson", "native"])
@pytest.mark.parametrize(
    "row",
    [
        {"dimensions": {"stat_time_day": "2024-05-01 00:00:00"}, "metrics": {}},
        {"dimensions": {"ad_id": None, "stat_time_day": "2024-05-01 00:00:00"}, "metrics": None},
    ],
)
def test_a_row_without_its_key_fails_like_the_row_path(native: bool, row: dict[str, Any]) -> None:
    spec = _narrow()
    page = [_raw(0, ctr="1.5", ad_name="a"), row]
    given = _native(page, spec) if native else page
    with pytest.raises(TikTokBadResponseError, match="ad_id"):
        report_page_table(spec, ADV, given, arrow_schema(spec))


def test_batches_collect_pages_and_carry_the_load_id() -> None:
    schema = pa.schema([pa.field("a", pa.int64())])
    batcher = TableBatcher(5, load_id="1795600000.1")
    assert batcher.add(pa.table({"a": [1, 2]}, schema=schema)) is None
    batch = batcher.add(pa.table({"a": [3, 4, 5]}, schema=schema))
    assert batch is not None and batch.column("a").to_pylist() == [1, 2, 3, 4, 5]
    assert batch.column(LOAD_ID_COLUMN).to_pylist() == ["1795600000.1"] * 5
    assert batcher.flush() is None


def test_batchers_of_a_source_hold_at_most_their_shared_rows_whatever_the_advertisers() -> None:
    """One resource per advertiser fills its batch at the same time as the others (dlt pulls them in turn):
    counted together, the source's batchers hold about ``limit`` rows, however many they are (issue 15)."""
    schema = pa.schema([pa.field("a", pa.int64())])
    page = pa.table({"a": list(range(100))}, schema=schema)
    for advertisers in (2, 8, 36):
        shared = BufferedRows(1_000)
        batchers = [TableBatcher(500, shared=shared) for _ in range(advertisers)]
        handed, peak = 0, 0
        for _ in range(40):  # round robin, a page each
            for batcher in batchers:
                if (batch := batcher.add(page)) is not None:
                    handed += batch.num_rows
                peak = max(peak, shared.rows)
        for batcher in batchers:
            handed += last.num_rows if (last := batcher.flush()) is not None else 0
        assert handed == 40 * 100 * advertisers and shared.rows == 0  # every row once, none left counted
        assert peak <= 1_000 + 100 * advertisers, (advertisers, peak)  # the limit and a page per batcher
    alone = BufferedRows(1_000)
    small = TableBatcher(500, shared=alone)
    assert [small.add(page) is None for _ in range(5)] == [True] * 4 + [False]  # alone: its own max_rows
    small.add(page)
    small.release()  # closed early: its rows no longer count
    assert alone.rows == 0


def test_lists_sharing_the_pages_ahead_budget_never_ask_for_a_page_twice(emulator_factory: Factory) -> None:
    # slow answers keep pages ahead in flight; max_concurrency 4 leaves one page-ahead slot for three lists,
    # so each list often reads its next page itself and must not ask for it again later
    server = emulator_factory(
        WorldConfig(seed=4, days=12), fault_rate=1.0, fault_kinds=["slow"], slow_seconds=0.01
    )
    spec = ALL_TABLES["ad_insights_by_age_and_gender"]
    window = DateWindow(server.world.history_start, server.world.history_start + dt.timedelta(days=9))
    client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, max_concurrency=4)
    got: dict[str, list[Any]] = {}

    def read(adv: str) -> None:
        got[adv] = list(report_pages(client, spec, adv, window, include_deleted=True, page_size=2))

    with client:
        threads = [threading.Thread(target=read, args=(adv,)) for adv in server.advertiser_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    pages = sum(len(g) for g in got.values())
    assert len(got) == 3 and pages > 20 and client.stats.requests == pages

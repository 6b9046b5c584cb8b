"""Benchmark: report requests of the small agency of issue #16 with and without :class:`ReportBatches`.

The agency: 20 advertisers of 1 campaign, 1 ad group and 2 ads each, 90 days of history, the nine default tables.
The requests are counted by the client against the emulator (in this process, no rate limits, no latency: only
the counts matter here), for the first load and for the daily run a day later, through:

- **alone**: one advertiser per request (:func:`tiktok_ads.endpoints.extract.report_pages`, the source today);
- **batched**: :class:`tiktok_ads.endpoints.report_batches.ReportBatches`, up to five advertisers of any time zone with
  the same window together (the emulator gives its advertisers 11 time zones in turn), each answer checked
  (time zones, currencies, money with cents) as the source does.

The entity and advertiser requests are made the source's way (``entity_pages`` per advertiser and table,
``advertiser/info/`` per 100) and added to each total. The windows are the source's
(:func:`tiktok_ads.windows.report_range` on the emulator's clock, 30-day windows).

``--pipeline`` runs the real pipeline instead (the source into duckdb, the nine default tables, async tasks
as by default), with ``share_report_requests`` off and on (the default), and prints the requests the emulator
counted, for the shared runs also by route and report table.

Measured 2026-12-01 (``--pipeline``; one advertiser per request / shared): first load 514 / 216, the daily run a
day later 181 / 104. Where the shared runs' requests go: 81 entity and advertiser requests each run
(``advertiser/info/`` 1; per advertiser ``campaign/get/`` twice, auction and TopView, which TikTok does not take
together; ``adgroup/get/`` and ``ad/get/`` once), then the reports: first load 60 by age and gender (50,631 rows
of 1,000-row pages), 27 by country, 16 each by platform, by province and ``ad_insights`` (4 batches of five x 4
windows of 91-92 days); the daily run 7 + 4 + 4 + 4 + 4 (4 batches each). Under TikTok's documented limits (5
advertisers, 30 days and 1,000 rows per request; TopView listed apart; audience reports with UV metrics not
served by async tasks) the floor is about 102 for the daily run (80 lists + 1 + 5 tables x 4 batches, and the
~5,000 age and gender rows need a fifth page) and at least 196 for the first load (81 + 3 x 16 + 51 + 16; about
205-210 with the pages each batch and window leave part empty).

Async tasks shared by advertisers (``advertiser_ids`` on ``report/task/create/``) change neither figure
(measured again 2026-12-02: 216 / 104): every default audience table asks UV metrics (``result``,
``cost_per_result`` ...), which TikTok's async reports refuse with audience dimensions ("Create an asynchronous
report task"), so the age-and-gender table's 60 pages stay synchronous; ``ad_insights``'s 4 one-page windows per
batch cost what a task does (create, 2 checks in the emulator, download); the daily run's 8 days are one window.
``--year`` shows where they save: the agency's first load of a year of ``ad_insights`` (13 windows per
advertiser), 2026-12-02: one advertiser per request 260, one task per advertiser 80 (the default before), shared
windows 52, shared tasks 16 (4 batches of five x create + 2 checks + download).

Run from the repository root::

    /work/venv/bin/python bench/bench_report_batches.py
    /work/venv/bin/python bench/bench_report_batches.py --pipeline
    /work/venv/bin/python bench/bench_report_batches.py --year
"""

from __future__ import annotations

import collections
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tiktok_ads.api.client import TikTokClient  # noqa: E402
from tiktok_ads.config.defaults import DEFAULT_ATTRIBUTION_WINDOW_DAYS  # noqa: E402
from tiktok_ads.emulator import EmulatorServer  # noqa: E402
from tiktok_ads.emulator.data.model import WorldConfig  # noqa: E402
from tiktok_ads.endpoints.extract import entity_pages, fetch_advertiser_info, report_pages  # noqa: E402
from tiktok_ads.endpoints.report_batches import ReportBatches  # noqa: E402
from tiktok_ads.endpoints.top_view import TopViewCampaigns  # noqa: E402
from tiktok_ads.tables.registry import DEFAULT_TABLES, TABLES  # noqa: E402
from tiktok_ads.windows import DateWindow, local_today, report_range, split_range  # noqa: E402

UTC = dt.timezone.utc
TODAY = dt.datetime.now(UTC).date() - dt.timedelta(days=2)
AGENCY = WorldConfig(seed=11, advertisers=20, campaigns=1, adgroups=1, ads=2, days=90, today=TODAY)
PAGE_SIZE = 1000
REPORT_PATH = "/open_api/v1.3/report/integrated/get/"
WAYS = ("alone", "batched")


def plans_of(
    server: EmulatorServer, zones: Mapping[str, str], start: dt.date, last_days: Mapping[str, dt.date] | None
) -> tuple[dict[str, list[DateWindow]], dict[str, dt.date]]:
    """Each advertiser's 30-day windows on the emulator's clock (a first load, or the run after ``last_days``)."""
    plans: dict[str, list[DateWindow]] = {}
    todays: dict[str, dt.date] = {}
    for adv, zone in zones.items():
        today = local_today(zone, server.world.now)
        todays[adv] = today
        days = report_range(
            start_date=start,
            today=today,
            last_day=(last_days or {}).get(adv),
            attribution_window_days=DEFAULT_ATTRIBUTION_WINDOW_DAYS,
        )
        plans[adv] = split_range(days.start, days.end, 30) if days is not None else []
    return plans, todays


def count(
    server: EmulatorServer, zones: Mapping[str, str], plans: Mapping[str, Sequence[DateWindow]]
) -> dict[str, int]:
    """Requests of one run of the nine tables, both ways (see the module docstring)."""
    out: dict[str, int] = collections.Counter()
    with TikTokClient(server.access_token, base_url=server.base_url, max_qps=0) as client:
        fetch_advertiser_info(client, list(zones))
        top_view = TopViewCampaigns(lambda: server.world.now)  # one TopView campaign list per advertiser
        for name in DEFAULT_TABLES:
            spec = TABLES[name]
            if spec.kind == "entity":
                for adv in zones:
                    pages = entity_pages(
                        client, spec, adv, include_deleted=False, page_size=PAGE_SIZE, top_view=top_view
                    )
                    for _ in pages:
                        pass
        entities = client.stats.requests
        for name in DEFAULT_TABLES:
            spec = TABLES[name]
            if spec.kind != "report":
                continue
            currencies = {adv: server.world.advertiser_info(adv)["currency"] for adv in zones}
            for way in WAYS:
                before = client.stats.requests_by_path[REPORT_PATH]
                batches = (
                    ReportBatches(
                        client,
                        spec,
                        plans,
                        zones,
                        include_deleted=False,
                        page_size=PAGE_SIZE,
                        currencies=currencies,
                    )
                    if way == "batched"
                    else None
                )
                for adv, windows in plans.items():
                    for window in windows:
                        pages = (
                            batches.pages(adv, window)
                            if batches is not None
                            else report_pages(
                                client, spec, adv, window, include_deleted=False, page_size=PAGE_SIZE
                            )
                        )
                        for _ in pages:
                            pass
                spent = client.stats.requests_by_path[REPORT_PATH] - before
                out[way] += spent
                out[f"{name}: {way}"] = spent
        out["entities"] = entities
    return dict(out)


def show(title: str, counts: Mapping[str, int]) -> None:
    """Print one run's figures."""
    entities = counts["entities"]
    alone = entities + counts["alone"]
    print(f"{title}: {entities} entity/advertiser requests + report requests")
    for name in DEFAULT_TABLES:
        if f"{name}: alone" in counts:
            figures = " / ".join(str(counts[f"{name}: {way}"]) for way in WAYS)
            print(f"  {name:<32} {figures} (alone / batched)")
    for way in WAYS:
        total = entities + counts[way]
        print(
            f"  {way:<18} {counts[way]:>4} report requests, {total:>4} in all ({total / alone:.2f} of alone)"
        )


def main() -> None:
    """Count the first load and the daily run."""
    server = EmulatorServer(AGENCY, qps=None, qpm=None, advertiser_qps=None, task_create_qps=None).start()
    try:
        zones = {}
        for adv in server.advertiser_ids:
            info = server.world.advertiser(adv)
            assert info is not None
            zones[adv] = info.timezone
        print(
            f"agency: 20 advertisers x 1 campaign x 1 ad group x 2 ads, 90 days to {TODAY}, {len(set(zones.values()))} zones"
        )
        start = TODAY - dt.timedelta(days=AGENCY.days)
        plans, todays = plans_of(server, zones, start, None)
        show("first load", count(server, zones, plans))
        server.world.set_today(TODAY + dt.timedelta(days=1))
        plans, _ = plans_of(server, zones, start, todays)
        show("daily run a day later", count(server, zones, plans))
    finally:
        server.stop()


def record_requests(server: EmulatorServer) -> list[str]:
    """Name every API request the emulator answers from now on: its route, and for reports the table's
    report type, data level and dimensions (the bench's own hook on the emulator's dispatch)."""
    import json
    import threading

    names: list[str] = []
    local = threading.local()
    route_of, handle = server.api.route, server.api.handle

    def route(method: str, name: str) -> Any:
        local.name = name
        return route_of(method, name)

    def recorded(found: Any, params: Mapping[str, str], token: str | None, body: bytes) -> Any:
        name = str(local.name)
        if name == REPORT_PATH.removeprefix("/open_api/v1.3/"):
            dims = ",".join(json.loads(params.get("dimensions", "[]")))
            name += f" {params.get('report_type')} {params.get('data_level')} [{dims}]"
        names.append(name)
        return handle(found, params, token, body)

    server.api.route, server.api.handle = route, recorded  # type: ignore[method-assign,assignment]
    return names


def duckdb_pipeline(folder: str, name: str) -> Any:
    """A dlt pipeline named ``name`` into a duckdb file, both in ``folder``."""
    import dlt

    return dlt.pipeline(
        pipeline_name=name,
        pipelines_dir=f"{folder}/p",
        destination=dlt.destinations.duckdb(f"{folder}/w.duckdb"),
        dataset_name="tiktok",
    )


def pipeline_runs(share: bool) -> tuple[int, int]:
    """Requests of the whole pipeline's first load and of its daily run a day later (with sharing on, also
    printed by route and report table)."""
    import tempfile

    from tiktok_ads import tiktok_ads

    server = EmulatorServer(AGENCY, qps=None, qpm=None, advertiser_qps=None, task_create_qps=None).start()
    names = record_requests(server)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            pipe = duckdb_pipeline(tmp, "bench_shared")
            counts = []
            for day in (TODAY, TODAY + dt.timedelta(days=1)):
                server.world.set_today(day)
                before = server.stats.total_requests
                source = tiktok_ads(
                    access_token=server.access_token,
                    base_url=server.base_url,
                    advertiser_ids=server.advertiser_ids,
                    start_date=(TODAY - dt.timedelta(days=AGENCY.days)).isoformat(),
                    max_qps=0,
                    share_report_requests=share,
                    clock=lambda: server.world.now,
                )
                done = len(names)
                pipe.run(source, loader_file_format="parquet")
                counts.append(server.stats.total_requests - before)
                if share:
                    print(f"requests of the run of {day} (shared), by route and report table:")
                    for name, n in sorted(collections.Counter(names[done:]).items()):
                        print(f"  {n:>4}  {name}")
            return counts[0], counts[1]
    finally:
        server.stop()


def main_pipeline() -> None:
    """The whole pipeline with shared report requests off and on."""
    alone = pipeline_runs(False)
    shared = pipeline_runs(True)
    print("agency (20 advertisers, 90 days, nine tables), requests counted by the emulator:")
    for title, a, b in (("first load", alone[0], shared[0]), ("daily run a day later", alone[1], shared[1])):
        print(f"  {title:<22} one advertiser per request {a:>4}, shared {b:>4} ({b / a:.2f})")


YEAR_AGENCY = WorldConfig(seed=11, advertisers=20, campaigns=1, adgroups=1, ads=2, days=370, today=TODAY)
YEAR_WAYS = {
    "one advertiser per request, no tasks": {"share_report_requests": False, "async_reports": "never"},
    "one task per advertiser": {"share_report_requests": False},
    "shared requests, no tasks": {"async_reports": "never"},
    "tasks shared by advertisers (default)": {},
}


def pipeline_year() -> None:
    """The agency's first load of a year of ``ad_insights`` (13 windows per advertiser), each way of reading it:
    the report and task requests the emulator counted."""
    import tempfile

    from tiktok_ads import tiktok_ads

    print("agency (20 advertisers), first load of 365 days of ad_insights, report and task requests:")
    for title, settings in YEAR_WAYS.items():
        server = EmulatorServer(
            YEAR_AGENCY, qps=None, qpm=None, advertiser_qps=None, task_create_qps=None
        ).start()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                pipe = duckdb_pipeline(tmp, "bench_year")
                source = tiktok_ads(
                    access_token=server.access_token,
                    base_url=server.base_url,
                    advertiser_ids=server.advertiser_ids,
                    start_date=(TODAY - dt.timedelta(days=365)).isoformat(),
                    tables=["ad_insights"],
                    max_qps=0,
                    clock=lambda world=server.world: world.now,
                    **settings,
                )
                pipe.run(source, loader_file_format="parquet")
            routes = {r: n for r, n in server.stats.requests.items() if r.startswith("report/")}
            total = sum(routes.values())
            parts = ", ".join(f"{r} {n}" for r, n in sorted(routes.items()))
            print(f"  {title:<40} {total:>4} ({parts})")
        finally:
            server.stop()


if __name__ == "__main__":
    if "--year" in sys.argv[1:]:
        pipeline_year()
    else:
        main_pipeline() if "--pipeline" in sys.argv[1:] else main()

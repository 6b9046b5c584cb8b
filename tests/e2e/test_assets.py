"""The opt-in creative and account-side tables (ad_images, ad_videos, custom_audiences, pixels) end to end.

Each test runs the real source through dlt into duckdb against the emulator and compares the destination
with the emulator's truth (``truth.asset_rows``), value for value; the incremental test moves the emulator's
clock so assets appear and change, and checks that only those arrive. Small worlds: a few seconds each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from support import (
    advertiser_states,
    make_pipeline,
    object_differences,
    rows,
    run,
    truth_value,
)

from tiktok_ads import TABLES, RunSummary, TikTokBadResponseError
from tiktok_ads.api.client import TikTokClient
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.endpoints.extract import entity_pages, entity_params
from tiktok_ads.endpoints.transform import transform_entity_rows
from tiktok_ads.tables.registry import DEFAULT_TABLES

TODAY = dt.date(2025, 5, 1)
WORLD = WorldConfig(seed=11, advertisers=2, campaigns=1, adgroups=1, ads=1, days=20, today=TODAY)
START = TODAY - dt.timedelta(days=20)
UTC = dt.timezone.utc

#: table -> the truth's asset kind
ASSETS = {"ad_images": "image", "ad_videos": "video", "custom_audiences": "audience", "pixels": "pixel"}
NAMES = list(ASSETS)


def differences(pipeline: Any, server: EmulatorServer, name: str) -> list[str]:
    """Differences between a destination table and its truth now (``[]`` = equal, value for value)."""
    return object_differences(pipeline, name, T.asset_rows(server.world, ASSETS[name], server.advertiser_ids))


@pytest.fixture
def server(emulator_factory: Callable[..., EmulatorServer]) -> EmulatorServer:
    return emulator_factory(WORLD)


def test_asset_tables_are_opt_in_with_keys_and_cursors() -> None:
    assert not set(NAMES) & set(DEFAULT_TABLES) and len(DEFAULT_TABLES) == 9
    expected = {
        "ad_images": ("file/image/ad/search/", ("advertiser_id", "image_id"), "modify_time"),
        "ad_videos": ("file/video/ad/search/", ("advertiser_id", "video_id"), "modify_time"),
        "custom_audiences": (
            "dmp/custom_audience/list/",
            ("advertiser_id", "custom_audience_id"),
            "update_time",
        ),
        "pixels": ("pixel/list/", ("advertiser_id", "pixel_id"), None),
    }
    for name, (endpoint, key, cursor) in expected.items():
        spec = TABLES[name]
        assert (spec.kind, spec.endpoint, spec.primary_key, spec.cursor) == ("entity", endpoint, key, cursor)
        assert spec.opt_in and set(key) <= set(spec.columns)
        if cursor:
            assert spec.columns[cursor]["data_type"] == "timestamp"
        # no primary_status filter on these endpoints, even with include_deleted
        assert "filtering" not in entity_params(spec, "1", include_deleted=True)


def test_asset_tables_load_and_equal_the_truth(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "assets_full")
    # page_size 1: every endpoint pages (pixel/list/ through its own data.pixels loop)
    summary = run(pipeline, server, start_date=START, tables=["ads", *NAMES], page_size=1)
    for name in NAMES:
        assert differences(pipeline, server, name) == [], name
        assert rows(pipeline, name), f"{name}: the world should hold some"
    assert {n: summary.rows_by_table()[n] for n in NAMES} == {n: len(rows(pipeline, n)) for n in NAMES}
    # the creative tables join to the ads (and so to spend): every ad's video and image is in the library
    videos = {(r["advertiser_id"], r["video_id"]) for r in rows(pipeline, "ad_videos")}
    images = {(r["advertiser_id"], r["image_id"]) for r in rows(pipeline, "ad_images")}
    ads = rows(pipeline, "ads")
    assert ads and all((a["advertiser_id"], a["video_id"]) in videos for a in ads)
    assert all((a["advertiser_id"], i) in images for a in ads for i in json.loads(a["image_ids"]))
    # lists stay json columns, no child tables
    assert not [t for t in pipeline.default_schema.tables if "__" in t and t.split("__")[0] in NAMES]


def _max_cursor(server: EmulatorServer, name: str, adv: str) -> dt.datetime:
    spec = TABLES[name]
    assert spec.cursor is not None
    values = [
        truth_value("timestamp", r[spec.cursor]) for r in T.asset_rows(server.world, ASSETS[name], [adv])
    ]
    return max(values)


def test_second_run_brings_only_new_and_changed_assets(tmp_path: Path, server: EmulatorServer) -> None:
    pipeline = make_pipeline(tmp_path, "assets_incremental")
    run(pipeline, server, start_date=START, tables=NAMES)  # page_size 1000, capped to 100 / 20
    cursors = {
        (name, adv): _max_cursor(server, name, adv)
        for name in NAMES
        if TABLES[name].cursor
        for adv in server.advertiser_ids
    }
    first_run = {
        name: {str(r[TABLES[name].primary_key[1]]): r for r in rows(pipeline, name)} for name in NAMES
    }

    server.world.set_today(TODAY + dt.timedelta(days=5))
    summary = RunSummary()
    run(pipeline, server, start_date=START, tables=NAMES, summary=summary)
    for name in NAMES:
        assert differences(pipeline, server, name) == [], name

    changed_somewhere = False
    due_total: dict[str, int] = {}
    for (name, adv), since in cursors.items():
        cursor = str(TABLES[name].cursor)
        now = T.asset_rows(server.world, ASSETS[name], [adv])
        due = [r for r in now if truth_value("timestamp", r[cursor]) >= since]
        # exactly the rows at or after the stored cursor arrived, not the whole list
        assert summary.rows[(name, adv)] == len(due), (name, adv)
        due_total[name] = due_total.get(name, 0) + len(due)
        changed_somewhere |= any(truth_value("timestamp", r[cursor]) > since for r in due)
    assert changed_somewhere, "the clock move should create or change assets"
    for name, due_rows in due_total.items():
        assert due_rows < len(rows(pipeline, name)), (name, "the test world should hold unchanged assets")
    # an image that existed at the first run and changed since: its row was updated in place
    id_field = "image_id"
    updated = [
        r
        for r in rows(pipeline, "ad_images")
        if r[id_field] in first_run["ad_images"]
        and r["modify_time"] != first_run["ad_images"][r[id_field]]["modify_time"]
    ]
    assert updated, "no image was modified between the runs: pick another world"
    # pixels have no cursor: every pixel arrives every run, merged on its key
    for adv in server.advertiser_ids:
        assert summary.rows[("pixels", adv)] == len(T.asset_rows(server.world, "pixel", [adv]))
    assert set(advertiser_states(pipeline, "custom_audiences")[server.advertiser_ids[0]]) == {
        "max_update_time",
        "include_deleted",
    }
    assert advertiser_states(pipeline, "pixels") == {}  # no cursor: nothing kept per advertiser


# -------------------------------------------------------------------------------- bad answers, no HTTP

ADV = "7000000000000000001"


def test_rows_without_their_id_or_cursor_fail_naming_the_field() -> None:
    image = {
        "file_name": "a.jpg",
        "create_time": "2025-01-01T00:00:00Z",
        "modify_time": "2025-01-02T00:00:00Z",
    }
    with pytest.raises(TikTokBadResponseError, match="image_id"):
        transform_entity_rows(TABLES["ad_images"], ADV, [image])
    audience = {"custom_audience_id": "1", "create_time": "2025-01-01 00:00:00"}
    [row] = transform_entity_rows(TABLES["custom_audiences"], ADV, [audience])
    assert row["update_time"] == row["create_time"] == dt.datetime(2025, 1, 1, tzinfo=UTC)
    assert "modify_time" not in row and row["advertiser_id"] == ADV
    with pytest.raises(TikTokBadResponseError, match="update_time"):
        transform_entity_rows(TABLES["custom_audiences"], ADV, [{"custom_audience_id": "1"}])
    with pytest.raises(TikTokBadResponseError, match="pixel_id"):
        transform_entity_rows(TABLES["pixels"], ADV, [{"pixel_code": "C1"}])


class _Pages(TikTokClient):
    """The real client (its one paging loop), answering each request with the next scripted ``data`` object."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        super().__init__("token-for-tests", max_qps=0, prefetch_pages=0, sleep=lambda _: None)
        self.answers = list(answers)
        self.asked: list[int] = []
        self.get_with_request_id = self._next  # type: ignore[method-assign]

    def _next(self, endpoint: str, params: Mapping[str, Any], **_: Any) -> tuple[dict[str, Any], str | None]:
        self.asked.append(params["page"])
        return self.answers.pop(0), f"r{len(self.asked)}"


def _pages(client: _Pages, page_size: int = 2) -> list[list[dict[str, Any]]]:
    pages = client.paginate("pixel/list/", {}, list_key="pixels", page_size=page_size, advertiser_id=ADV)
    return [list(p) for p in pages]


def test_keyed_lists_follow_page_info_and_never_return_short() -> None:
    a, b, c = {"pixel_id": "1"}, {"pixel_id": "2"}, {"pixel_id": "3"}
    info = {"total_number": 3, "total_page": 2}
    client = _Pages({"pixels": [a, b], "page_info": info}, {"pixels": [c], "page_info": info})
    assert _pages(client) == [[a, b], [c]] and client.asked == [1, 2]
    # no page_info: a short page is the last
    assert _pages(_Pages({"pixels": [a, b]}, {"pixels": [c]})) == [[a, b], [c]]
    # empty result: one empty page
    assert _pages(_Pages({"pixels": [], "page_info": {"total_number": 0, "total_page": 0}})) == [[]]
    # an empty page with rows missing is asked for again (as every list's), then refused
    empty = _Pages({"pixels": [a, b], "page_info": info}, *[{"pixels": [], "page_info": info}] * 3)
    with pytest.raises(TikTokBadResponseError, match="empty after 2 of 3"):
        _pages(empty)
    assert empty.asked == [1, 2, 2, 2] and empty.stats.retries == {"empty_page": 2}
    # TikTok's own shortfall: the last page short of total_number, on every retry -> its rows, counted
    four = {"total_number": 4, "total_page": 2}
    short = _Pages({"pixels": [a, b], "page_info": four}, *[{"pixels": [c], "page_info": four}] * 3)
    assert _pages(short) == [[a, b], [c]] and short.asked == [1, 2, 2, 2]
    assert short.stats.warnings == {"short_result": 1}
    with pytest.raises(TikTokBadResponseError, match="data.pixels is a dict"):
        _pages(_Pages({"pixels": {}}))
    with pytest.raises(TikTokBadResponseError, match="repeats"):
        _pages(_Pages({"pixels": [a, b], "page_info": {"total_number": 9}}, {"pixels": [a, b]}))


def test_pixels_get_the_empty_page_retry_of_every_list(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty page while ``page_info`` announces more pixels is asked for again, as for every other list
    (the pixel loop of its own used to fail the run at once): every pixel arrives."""
    adv = server.advertiser_ids[0]
    want = sorted(r["pixel_id"] for r in T.asset_rows(server.world, "pixel", [adv]))
    assert len(want) >= 2  # page 2 exists at page_size 1
    client = TikTokClient(server.access_token, base_url=server.base_url, max_qps=0, sleep=lambda _: None)
    answer = client.get_with_request_id
    emptied: list[int] = []

    def once_empty(
        endpoint: str, params: Mapping[str, Any], **kwargs: Any
    ) -> tuple[dict[str, Any], str | None]:
        # the emulator's answer, except that page 2 of pixel/list/ comes empty the first time it is asked for
        data, request_id = answer(endpoint, params, **kwargs)
        if endpoint == "pixel/list/" and params["page"] == 2 and not emptied:
            emptied.append(2)
            return {**data, "pixels": []}, request_id
        return data, request_id

    monkeypatch.setattr(client, "get_with_request_id", once_empty)
    with client:
        pages = list(entity_pages(client, TABLES["pixels"], adv, include_deleted=False, page_size=1))
    assert emptied and client.stats.retries == {"empty_page": 1}
    assert sorted(str(r["pixel_id"]) for page in pages for r in page) == want

"""Change log tasks of the emulator over HTTP: create -> check -> download, the log's contents, refusals."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer, WorldConfig

WORLD = WorldConfig(seed=7, advertisers=1, campaigns=3, adgroups=2, ads=3, days=40, delete_rate=0.3)
FMT = "%Y-%m-%d %H:%M:%S"


class Logs:
    """``changelog/task/*`` calls with the world's token."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers["Access-Token"] = server.access_token
        self.adv = server.advertiser_ids[0]
        self.tz = server.world.advertiser(self.adv).timezone  # type: ignore[union-attr]

    def local(self, when: dt.datetime) -> str:
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo(self.tz)).strftime(FMT)

    def create(self, **body: Any) -> dict[str, Any]:
        body.setdefault("advertiser_id", self.adv)
        url = self.server.api_base + "changelog/task/create/"
        return dict(self.session.post(url, json=body, timeout=30).json())

    def get(self, route: str, task_id: str) -> dict[str, Any]:
        params = {"advertiser_id": self.adv, "task_id": task_id}
        return dict(self.session.get(self.server.api_base + route, params=params, timeout=30).json())

    def rows(self, task_id: str) -> list[dict[str, str]]:
        assert self.get("changelog/task/check/", task_id)["data"]["status"] == "SUCCESS"
        data = self.get("changelog/task/download/", task_id)["data"]
        assert data["status"] == "SUCCESS"
        file = ast.literal_eval(data["changelog"])  # the Python repr TikTok answers
        assert set(file) == {"file_data", "file_name"} and file["file_name"].endswith(".csv")
        lines = file["file_data"].decode("utf-8").splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Time,log_object_type,Object ID"))
        assert all(line == "" or line.split(",")[1].isdigit() for line in lines[:start])  # summary lines
        return list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))


@pytest.fixture
def logs(emulator_factory: Callable[..., EmulatorServer]) -> Logs:
    return Logs(emulator_factory(WORLD))


def test_round_trip_lists_every_object_modified_in_the_window(logs: Logs) -> None:
    world = logs.server.world
    end = world.now
    start = end - dt.timedelta(days=20)
    created = logs.create(start_time=logs.local(start), end_time=logs.local(end))
    assert created["code"] == 0, created
    task_id = created["data"]["task_id"]
    early = logs.get("changelog/task/download/", task_id)
    assert early["code"] == 0 and early["data"] == {"status": "PROCESSING"}
    rows = logs.rows(task_id)
    logged = {r["Object ID"] for r in rows}
    assert {r["log_object_type"] for r in rows} <= {"Campaign", "Ad group", "Ad"}
    assert [r["Time"] for r in rows] == sorted(r["Time"] for r in rows)
    # every object whose visible modify_time is in the window is logged, or deleted with a logged parent
    for kind in ("campaign", "adgroup", "ad"):
        for e in world.entity_objects(kind, logs.adv):
            if e.exists(end) and start <= e.modify_time(end) <= end:
                chain = [e]
                while chain[-1].parent is not None:
                    chain.append(chain[-1].parent)  # type: ignore[arg-type]
                assert any(x.entity_id in logged for x in chain), (kind, e.entity_id)
    # and nothing outside the window is
    for r in rows:
        e = world.entity(logs.adv, r["Object ID"])
        assert e is not None and any(start <= t <= end for t in e.mod_times)


def test_object_type_and_ids_narrow_the_log(logs: Logs) -> None:
    world = logs.server.world
    ads = world.entity_objects("ad", logs.adv)
    span = {"start_time": logs.local(world.now - dt.timedelta(days=29)), "end_time": logs.local(world.now)}
    rows = logs.rows(logs.create(object_type="AD", **span)["data"]["task_id"])
    assert rows and {r["log_object_type"] for r in rows} == {"Ad"}
    one = rows[0]["Object ID"]
    only = logs.rows(logs.create(object_type="AD", object_ids=[one], **span)["data"]["task_id"])
    assert {r["Object ID"] for r in only} == {one}
    creates = logs.rows(logs.create(operation_types=["CREATE"], **span)["data"]["task_id"])
    assert all('"action": "Create"' in r["Activity details"] for r in creates)
    assert {a.entity_id for a in ads} >= {r["Object ID"] for r in rows}


def test_span_and_values_are_checked(logs: Logs) -> None:
    now = logs.server.world.now
    too_long = logs.create(start_time=logs.local(now - dt.timedelta(days=31)), end_time=logs.local(now))
    assert too_long["code"] == 40002 and "30 days" in too_long["message"]
    backwards = logs.create(start_time=logs.local(now), end_time=logs.local(now - dt.timedelta(hours=1)))
    assert backwards["code"] == 40002
    assert logs.create(start_time="2026-01-01")["code"] == 40002
    assert logs.create(object_type="CREATIVE")["code"] == 40002
    assert logs.create(operation_types=["EDIT"])["code"] == 40002
    assert logs.get("changelog/task/check/", "123")["code"] == 40002


def test_a_failed_task_has_no_file(logs: Logs) -> None:
    logs.server.api.changelog.fail_next()
    task_id = logs.create()["data"]["task_id"]
    assert logs.get("changelog/task/check/", task_id)["data"]["status"] == "FAILED"
    assert logs.get("changelog/task/download/", task_id)["data"] == {"status": "FAILED"}

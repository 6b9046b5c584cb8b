"""Async report tasks of the emulator over HTTP: create -> check -> download, limits, links, failures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tiktok_ads.emulator import EmulatorServer, WorldConfig

WORLD = WorldConfig(seed=5, advertisers=2, campaigns=2, adgroups=1, ads=2, days=80)
METRICS = ["spend", "impressions", "clicks", "ctr", "conversion"]


class Tasks:
    """``report/task/*`` calls with the world's token."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers["Access-Token"] = server.access_token
        self.adv = server.advertiser_ids[0]
        self.today = server.world.local_today(self.adv)

    def body(self, **over: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "advertiser_id": self.adv,
            "report_type": "BASIC",
            "data_level": "AUCTION_AD",
            "dimensions": ["ad_id", "stat_time_day"],
            "metrics": METRICS,
            "start_date": (self.today.replace(day=1) - dt.timedelta(days=70)).isoformat(),
            "end_date": self.today.isoformat(),
            "enable_report_title_translation": False,
        }
        body.update(over)
        return {k: v for k, v in body.items() if v is not None}

    def create(self, **over: Any) -> dict[str, Any]:
        return dict(
            self.session.post(self.server.api_base + "report/task/create/", json=self.body(**over)).json()
        )

    def get(self, route: str, **params: Any) -> requests.Response:
        params.setdefault("advertiser_id", self.adv)
        return self.session.get(self.server.api_base + route, params=params, timeout=30)

    def check(self, task_id: str) -> dict[str, Any]:
        return dict(self.get("report/task/check/", task_id=task_id).json())

    def finish(self, task_id: str) -> str:
        status = ""
        for _ in range(5):
            status = self.check(task_id)["data"]["status"]
            if status not in ("QUEUING", "PROCESSING"):
                break
        return status


@pytest.fixture
def tasks(emulator_factory: Callable[..., EmulatorServer]) -> Tasks:
    return Tasks(emulator_factory(WORLD))


def sync_rows(tasks: Tasks, body: dict[str, Any]) -> list[list[str]]:
    """The same report through ``report/integrated/get/``, 30 days at a time, as CSV cells."""
    start, end = dt.date.fromisoformat(body["start_date"]), dt.date.fromisoformat(body["end_date"])
    names = [*body["dimensions"], *body["metrics"]]
    out: list[list[str]] = []
    while start <= end:
        last = min(end, start + dt.timedelta(days=29))
        page = 1
        while True:
            params = {
                **{k: json.dumps(v) if isinstance(v, list) else v for k, v in body.items()},
                "start_date": start.isoformat(),
                "end_date": last.isoformat(),
                "page": page,
                "page_size": 1000,
            }
            params.pop("enable_report_title_translation")
            data = tasks.get("report/integrated/get/", **params).json()["data"]
            for row in data["list"]:
                cells = {**row["dimensions"], **row["metrics"]}
                out.append([str(cells[n]) for n in names])
            if page >= data["page_info"]["total_page"]:
                break
            page += 1
        start = last + dt.timedelta(days=1)
    return out


def test_task_runs_through_its_states_and_its_csv_holds_the_sync_rows(tasks: Tasks) -> None:
    created = tasks.create()
    assert created["code"] == 0, created
    task_id = created["data"]["task_id"]
    # not ready: 40201
    early = tasks.get("report/task/download/", task_id=task_id).json()
    assert early["code"] == 40201
    assert tasks.check(task_id)["data"]["status"] == "PROCESSING"
    assert tasks.check(task_id)["data"] == {"status": "SUCCESS", "message": ""}
    answer = tasks.get("report/task/download/", task_id=task_id)
    assert answer.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.text)))
    body = tasks.body()
    assert table[0] == [*body["dimensions"], *body["metrics"]]
    expected = sync_rows(tasks, body)
    assert len(expected) > 100  # a span no synchronous request may ask for (> 30 days)
    assert sorted(table[1:]) == sorted(expected)  # the same rows (ordered by object, then time)
    assert tasks.server.stats.requests["report/task/download/"] == 2


def test_titles_are_translated_by_default(tasks: Tasks) -> None:
    task_id = tasks.create(enable_report_title_translation=None)["data"]["task_id"]
    assert tasks.finish(task_id) == "SUCCESS"
    header = tasks.get("report/task/download/", task_id=task_id).text.splitlines()[0]
    assert header == "Ad ID,Stat Time Day,Spend,Impressions,Clicks,Ctr,Conversion"


def test_download_links_expire_after_an_hour_and_a_new_one_can_be_asked_for(tasks: Tasks) -> None:
    task_id = tasks.create(output_format="CSV_DOWNLOAD", file_name="year")["data"]["task_id"]
    assert tasks.finish(task_id) == "SUCCESS"
    data = tasks.get("report/task/download/", task_id=task_id).json()["data"]
    assert data["output_format"] == "CSV_DOWNLOAD" and data["file_name"] == "year.csv"
    first = requests.get(data["download_url"], timeout=30)
    assert first.status_code == 200 and first.text.startswith("ad_id,stat_time_day,")
    world = tasks.server.world
    world.set_now(world.now + dt.timedelta(minutes=61))
    assert requests.get(data["download_url"], timeout=30).status_code == 403
    again = tasks.get("report/task/download/", task_id=task_id).json()["data"]["download_url"]
    assert requests.get(again, timeout=30).text == first.text
    assert requests.get(again.replace("sign=", "sign=0"), timeout=30).status_code == 403


def test_a_failed_task_says_why_and_cannot_be_downloaded(tasks: Tasks) -> None:
    tasks.server.api.tasks.fail_next()
    task_id = tasks.create()["data"]["task_id"]
    assert tasks.finish(task_id) == "FAILED"
    assert tasks.check(task_id)["data"]["message"]
    assert tasks.get("report/task/download/", task_id=task_id).json()["code"] == 40201


def test_a_task_of_another_advertiser_or_an_unknown_id_is_refused(tasks: Tasks) -> None:
    task_id = tasks.create()["data"]["task_id"]
    other = tasks.server.advertiser_ids[1]
    assert tasks.get("report/task/check/", task_id=task_id, advertiser_id=other).json()["code"] == 40002
    assert tasks.check("123")["code"] == 40002


def test_tasks_expire_after_30_days(tasks: Tasks) -> None:
    task_id = tasks.create()["data"]["task_id"]
    world = tasks.server.world
    world.set_now(world.now + dt.timedelta(days=31))
    assert tasks.check(task_id)["code"] == 40200


def test_per_account_hourly_task_limit(tasks: Tasks) -> None:
    tasks.server.api.tasks.per_account_hour = 2
    assert tasks.create()["code"] == 0
    assert tasks.create()["code"] == 0
    refused = tasks.create()
    assert refused["code"] == 40200 and "last hour" in refused["message"]
    assert tasks.create(advertiser_id=tasks.server.advertiser_ids[1])["code"] == 0  # per account
    world = tasks.server.world
    world.set_now(world.now + dt.timedelta(hours=1))
    assert tasks.create()["code"] == 0


def test_app_limit_of_one_task_creation_per_second(emulator_factory: Callable[..., EmulatorServer]) -> None:
    tasks = Tasks(emulator_factory(WORLD, task_create_qps=1))
    assert tasks.create()["code"] == 0
    assert tasks.create()["code"] == 40100
    # other routes keep their own budget
    assert tasks.get("report/task/check/", task_id="1").json()["code"] == 40002


@pytest.mark.parametrize(
    "over",
    [
        {"filtering": [{"field_name": "ad_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}]},
        {"report_type": "AUDIENCE", "dimensions": ["ad_id", "age"], "metrics": ["spend", "reach"]},
        {"report_type": "PLAYABLE_MATERIAL"},
        {"output_format": "PDF"},
        {"start_date": None},
        {"dimensions": ["campaign_id", "stat_time_day"]},
        {"filtering": {"field_name": "ad_ids"}},
        {"filtering": [{"field_name": "ad_ids", "filter_type": "MATCH", "filter_value": '["1"]'}]},
        {
            "data_level": "AUCTION_CAMPAIGN",
            "dimensions": ["campaign_id", "stat_time_day"],
            "filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": '["1"]'}],
        },
    ],
)
def test_invalid_tasks_are_refused(tasks: Tasks, over: dict[str, Any]) -> None:
    assert tasks.create(**over)["code"] == 40002


def test_ids_filter_and_no_span_limit_for_hourly_reports(tasks: Tasks) -> None:
    ad_id = tasks.server.world.entities("ad", tasks.adv)[0]["ad_id"]
    body = {
        "dimensions": ["ad_id", "stat_time_hour"],
        # more ids than a synchronous report takes (100): async filters take 20,000
        "filtering": [
            {
                "field_name": "ad_ids",
                "filter_type": "IN",
                "filter_value": json.dumps([*(str(9 * 10**15 + i) for i in range(150)), ad_id]),
            }
        ],
    }
    task_id = tasks.create(**body)["data"]["task_id"]
    assert tasks.finish(task_id) == "SUCCESS"
    lines = tasks.get("report/task/download/", task_id=task_id).text.splitlines()[1:]
    assert lines and {line.split(",")[0] for line in lines} == {ad_id}
    assert len({line.split(",")[1][:10] for line in lines}) > 1  # several days in one task


# ------------------------------------------------------------------------------------------- advertiser_ids


def multi_sync_rows(tasks: Tasks, body: dict[str, Any]) -> list[list[str]]:
    """The multi-advertiser synchronous report of the same range (30 days at a time), as CSV cells."""
    ids = body["advertiser_ids"]
    return sync_rows(tasks, {**body, "advertiser_ids": ids, "advertiser_id": ids[0]})


@pytest.mark.parametrize(
    "over",
    [
        {},  # BASIC at ad level
        {
            "report_type": "AUDIENCE",
            "dimensions": ["ad_id", "advertiser_id", "stat_time_day", "age", "gender"],
        },
    ],
    ids=["basic", "audience"],
)
def test_a_multi_advertiser_task_holds_the_multi_advertiser_sync_rows(
    tasks: Tasks, over: dict[str, Any]
) -> None:
    ids = list(tasks.server.advertiser_ids)
    fields: dict[str, Any] = {
        "advertiser_id": None,
        "advertiser_ids": ids,
        "dimensions": ["ad_id", "advertiser_id", "stat_time_day"],
        "metrics": [*METRICS, "currency"],
    }
    body = tasks.body(**{**fields, **over})
    created = tasks.session.post(tasks.server.api_base + "report/task/create/", json=body).json()
    assert created["code"] == 0, created
    task_id = created["data"]["task_id"]
    # [BB-multi] task_check.go: check and download take any of the task's advertisers
    assert tasks.get("report/task/check/", task_id=task_id, advertiser_id=ids[1]).json()["code"] == 0
    assert tasks.finish(task_id) == "SUCCESS"
    answer = tasks.get("report/task/download/", task_id=task_id, advertiser_id=ids[1])
    assert "X-Tt-Ads-Throttle" not in answer.headers
    table = list(csv.reader(io.StringIO(answer.text)))
    assert table[0] == [*body["dimensions"], *body["metrics"]]  # the columns asked, nothing added
    expected = multi_sync_rows(tasks, body)
    assert len(expected) > 100 and {row[1] for row in expected} == set(ids)
    assert sorted(table[1:]) == sorted(expected)
    # money as the multi-advertiser answer writes it: no trailing zeros
    spend = [row[len(body["dimensions"])] for row in table[1:]]
    assert not any(value.endswith("0") and "." in value for value in spend)


def test_a_multi_advertiser_task_counts_for_each_member_and_refuses_what_sync_refuses(tasks: Tasks) -> None:
    ids = list(tasks.server.advertiser_ids)
    tasks.server.api.tasks.per_account_hour = 1
    assert tasks.create(advertiser_id=None, advertiser_ids=ids)["code"] == 0
    refused = tasks.create(advertiser_id=ids[1])
    assert refused["code"] == 40200 and ids[1] in refused["message"]
    tasks.server.api.tasks.per_account_hour = 100
    for over in (
        {"advertiser_ids": [*ids, *(str(9 * 10**15 + i) for i in range(5))]},  # more than 5
        {"advertiser_ids": []},
        {"advertiser_ids": ids, "report_type": "PLAYABLE_MATERIAL"},
        {"advertiser_ids": ids, "dimensions": ["ad_id", "adgroup_id", "stat_time_day"]},  # two ids + ...
    ):
        assert tasks.create(advertiser_id=None, **over)["code"] in (40002, 40001), over


def test_a_multi_advertiser_task_over_20000_ids_is_cut_and_says_so(
    emulator_factory: Callable[..., EmulatorServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tiktok_ads.emulator.rules import multi_reports

    monkeypatch.setattr(multi_reports, "MAX_IDS", 5)  # the 20,000-id cut, on a world of 8 ads
    tasks = Tasks(emulator_factory(WORLD))
    ids = list(tasks.server.advertiser_ids)
    task_id = tasks.create(advertiser_id=None, advertiser_ids=ids)["data"]["task_id"]
    assert tasks.finish(task_id) == "SUCCESS"
    answer = tasks.get("report/task/download/", task_id=task_id)
    assert answer.headers.get("X-Tt-Ads-Throttle", "").startswith("Number of ad ids")
    assert len({line.split(",")[0] for line in answer.text.splitlines()[1:]}) == 5

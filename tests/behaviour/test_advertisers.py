"""Advertisers over time (issue 4): added ones load their whole history while the others re-read their window,
removed ones keep their data, advertisers by id or by name, all readable advertisers when none are set, and
advertisers the token may not read (40001): a clear failure naming them, or skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from support import advertiser_states, compare_reports, has_source_state, make_pipeline, rows, run

from tiktok_ads.config.validation import parse_advertiser_names, validate_config
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.errors import ConfigError, TikTokPermissionError, find_tiktok_error
from tiktok_ads_pipeline import explain_failure

Factory = Callable[..., EmulatorServer]

TODAY = dt.date(2026, 3, 31)
#: 45 days of history: an advertiser's first load takes two 30-day windows, a daily re-read one.
WORLD = WorldConfig(seed=41, advertisers=3, campaigns=1, adgroups=1, ads=2, days=45, today=TODAY)
START = TODAY - dt.timedelta(days=45)
REPORT = "report/integrated/get/"


def test_an_added_advertiser_loads_its_whole_history_and_a_removed_one_keeps_its_data(
    tmp_path: Path, emulator_factory: Factory
) -> None:
    server = emulator_factory(WORLD)
    first, second, _ = server.advertiser_ids
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=START, advertiser_ids=[first], tables=["ad_insights"])
    server.world.set_today(TODAY + dt.timedelta(days=1))

    before = server.stats.requests[REPORT]
    summary = run(pipeline, server, start_date=START, advertiser_ids=[first, second], tables=["ad_insights"])
    # the newcomer: its whole history (two 30-day windows); the other: its 8-day window, which shares the
    # newcomer's last window's request (share_report_requests, on by default): 2 requests, not 2 + 1
    new_days = summary.ranges[("ad_insights", second)]
    assert new_days == f"{START.isoformat()}..{server.world.local_today(second).isoformat()}"
    old_from = dt.date.fromisoformat(summary.ranges[("ad_insights", first)].split("..")[0])
    assert old_from == TODAY - dt.timedelta(days=7)
    assert server.stats.requests[REPORT] - before == 2
    both = [first, second]
    assert (
        compare_reports(
            pipeline, server, ["ad_insights"], start_date=START, include_deleted=False, advertiser_ids=both
        )
        == []
    )

    # removing an advertiser keeps its rows as they were
    kept = rows(pipeline, "ad_insights", f"advertiser_id = '{first}'")
    summary = run(pipeline, server, start_date=START, advertiser_ids=[second], tables=["ad_insights"])
    assert {adv for _, adv in summary.ranges} == {second}
    assert rows(pipeline, "ad_insights", f"advertiser_id = '{first}'") == kept


def test_advertisers_by_name_or_all_the_token_may_read(tmp_path: Path, emulator_factory: Factory) -> None:
    server = emulator_factory(WORLD)
    first, second, third = server.advertiser_ids
    name = {a.advertiser_id: a.name for a in server.world.advertisers}
    app = {"app_id": server.app_id, "secret": server.secret}
    pipeline = make_pipeline(tmp_path)

    # by id and by name (names looked up with oauth2/advertiser/get/, case and spacing forgiven)
    summary = run(
        pipeline,
        server,
        start_date=START,
        advertiser_ids=[first],
        advertiser_names=f"{name[third].upper()},  {name[first]}",
        tables=["advertisers"],
        **app,
    )
    assert {r["advertiser_id"] for r in rows(pipeline, "advertisers")} == {first, third}
    assert (
        summary.client is not None
        and summary.client.stats.requests_by_path["/open_api/v1.3/oauth2/advertiser/get/"] == 1
    )

    # no advertisers set: every advertiser this (restricted) token may read, and only those
    token = server.api.create_token([second, third])
    other = make_pipeline(tmp_path, "all_readable")
    run(
        other,
        server,
        start_date=START,
        access_token=token,
        advertiser_ids=None,
        tables=["advertisers"],
        **app,
    )
    assert {r["advertiser_id"] for r in rows(other, "advertisers")} == {second, third}

    # an unknown name stops the run with a message naming the setting
    with pytest.raises(Exception) as info:
        run(
            pipeline, server, start_date=START, advertiser_names="No Such Shop", tables=["advertisers"], **app
        )
    err = find_tiktok_error(info.value)
    assert isinstance(err, ConfigError) and err.setting == "sources.tiktok_ads.advertiser_names"
    assert "No Such Shop" in str(err) and name[first] in str(err)
    message, code = explain_failure(info.value)
    assert code == 2 and "sources.tiktok_ads.advertiser_names" in message

    # names need the app credentials, checked before any request
    with pytest.raises(ConfigError, match="advertiser_names"):
        run(pipeline, server, start_date=START, advertiser_names=name[first], tables=["advertisers"])


def test_an_advertiser_the_token_may_not_read_fails_naming_it_or_is_skipped(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    server = emulator_factory(WORLD)
    first, second, _ = server.advertiser_ids
    token = server.api.create_token([first])
    tables = ["advertisers", "campaigns", "ad_insights"]
    pipeline = make_pipeline(tmp_path)
    reads = {"start_date": START, "access_token": token, "advertiser_ids": [first, second], "tables": tables}
    with pytest.raises(Exception) as info:
        run(pipeline, server, **reads)
    err = find_tiktok_error(info.value)
    assert isinstance(err, TikTokPermissionError) and err.code == 40001 and err.advertiser_id == second
    text = str(err)
    assert f"advertiser {second}" in text and "skip_inaccessible_advertisers" in text
    assert first not in text.split("[")[0]  # the readable one is not blamed
    assert not has_source_state(pipeline), "a failed run stores nothing"

    caplog.set_level(logging.WARNING, logger="tiktok_ads")
    summary = run(pipeline, server, **reads, skip_inaccessible_advertisers=True)
    assert set(summary.skipped) == {second}
    assert any(second in r.getMessage() and "skipping" in r.getMessage() for r in caplog.records)
    for table in tables:
        assert {r["advertiser_id"] for r in rows(pipeline, table)} == {first}, table
    assert (
        compare_reports(
            pipeline, server, ["ad_insights"], start_date=START, include_deleted=False, advertiser_ids=[first]
        )
        == []
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme US #1, Acme EU", ("Acme US #1", "Acme EU")),
        ("Acme US #1\nAcme EU\n", ("Acme US #1", "Acme EU")),
        ('["Acme, Inc.", "Acme EU"]', ("Acme, Inc.", "Acme EU")),
        (["Acme EU", " Acme EU "], ("Acme EU",)),
        (None, ()),
    ],
)
def test_advertiser_names_setting_forms(value: object, expected: tuple[str, ...]) -> None:
    assert parse_advertiser_names(value) == expected


def test_new_settings_are_validated_before_any_request() -> None:
    base = {"access_token": "tok-Zq81Lm", "start_date": "2026-01-01", "app_id": "7100000000000000001"}
    cfg = validate_config(
        **base, secret="s3cr3t-app", advertiser_names="Acme EU", skip_inaccessible_advertisers="yes"
    )
    assert (
        cfg.advertiser_names == ("Acme EU",)
        and cfg.advertiser_ids == ()
        and cfg.skip_inaccessible_advertisers
    )
    with pytest.raises(ConfigError, match="sources.tiktok_ads.skip_inaccessible_advertisers"):
        validate_config(**base, advertiser_ids="1", skip_inaccessible_advertisers="maybe")
    with pytest.raises(ConfigError, match="sources.tiktok_ads.advertiser_names: .*app_id"):
        validate_config(**base, advertiser_names="Acme EU")  # no secret
    with pytest.raises(ConfigError, match="sources.tiktok_ads.advertiser_names"):
        validate_config(**base, secret="s3cr3t-app", advertiser_names=[3])


def test_an_advertiser_that_loses_access_during_the_run_is_skipped(
    tmp_path: Path, emulator_factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    """The authorization of one advertiser is withdrawn after the run looked its advertisers up: its report
    requests answer 40001; with ``skip_inaccessible_advertisers`` it is skipped and keeps its state."""
    server = emulator_factory(WORLD)
    first, second, _ = server.advertiser_ids
    token = server.api.create_token([first, second])
    grant = server.api.grant(token)
    assert grant is not None
    pipeline = make_pipeline(tmp_path)
    reads = {
        "start_date": START,
        "access_token": token,
        "advertiser_ids": [first, second],
        "tables": ["ad_insights"],
    }
    run(pipeline, server, **reads)
    state = advertiser_states(pipeline, "ad_insights")[second]
    server.world.set_today(TODAY + dt.timedelta(days=1))

    def clock() -> dt.datetime:
        # the source asks for the time per advertiser once the advertisers were looked up
        if server.stats.requests["advertiser/info/"] >= 2:
            grant.advertiser_ids = frozenset([first])
        return server.world.now

    caplog.set_level(logging.WARNING, logger="tiktok_ads")
    summary = run(pipeline, server, **reads, skip_inaccessible_advertisers=True, clock=clock)
    # 40001 twice: the report request both advertisers shared, then the withdrawn one's own request
    assert set(summary.skipped) == {second} and server.stats.codes[40001] == 2
    assert any("skipping advertiser" in r.getMessage() and second in r.getMessage() for r in caplog.records)
    states = advertiser_states(pipeline, "ad_insights")
    assert (
        states[second] == state and states[first]["last_day"] == server.world.local_today(first).isoformat()
    )

"""TopViewCampaigns: one TopView campaign list per advertiser and run, shared by threads; the cursor cap."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest

from tiktok_ads.endpoints.top_view import CURSOR_MARGIN, TopViewCampaigns, capped_cursor

NOW = dt.datetime(2026, 3, 31, 12, 0, 0, 500_000, tzinfo=dt.timezone.utc)
ADV = "7000000000000000001"


def test_the_list_is_read_once_while_many_threads_ask() -> None:
    top_view = TopViewCampaigns(lambda: NOW)
    calls = 0
    release = threading.Event()

    def fetch() -> Iterator[list[dict[str, str]]]:
        nonlocal calls
        calls += 1
        release.wait(5)
        yield [{"campaign_id": "1"}]

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(top_view.pages(ADV, fetch))) for _ in range(8)]
    for t in threads:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert calls == 1 and len(got) == 8 and all(g == [[{"campaign_id": "1"}]] for g in got)
    assert top_view.cursor_cap(ADV) is None  # the advertiser has a TopView campaign: its lists are read


def test_a_failed_read_is_not_remembered() -> None:
    top_view = TopViewCampaigns(lambda: NOW)

    def failing() -> Iterator[list[dict[str, str]]]:
        raise RuntimeError("40001")
        yield []

    with pytest.raises(RuntimeError):
        top_view.pages(ADV, failing)
    assert top_view.cursor_cap(ADV) is None
    assert top_view.pages(ADV, lambda: iter([[]])) == [[]]


def test_an_empty_list_caps_the_cursor_at_the_instant_it_was_asked_for() -> None:
    asked = iter([NOW, NOW + dt.timedelta(hours=1)])
    top_view = TopViewCampaigns(lambda: next(asked))
    assert top_view.cursor_cap(ADV) is None  # not read yet
    top_view.pages(ADV, lambda: iter([[]]))
    cap = top_view.cursor_cap(ADV)
    assert cap == NOW.replace(microsecond=0) - CURSOR_MARGIN
    assert top_view.cursor_cap("other") is None


def test_capped_cursor_never_passes_the_cap_nor_goes_back() -> None:
    cap = NOW - CURSOR_MARGIN
    later = NOW + dt.timedelta(minutes=5)
    assert capped_cursor(later, None, cap) == cap
    assert capped_cursor(later, NOW - dt.timedelta(days=1), cap) == cap
    assert capped_cursor(later, later, cap) == later  # the stored cursor is never moved back
    assert capped_cursor(cap - dt.timedelta(seconds=1), None, cap) == cap - dt.timedelta(seconds=1)
    assert capped_cursor(later, None, None) == later
    assert capped_cursor(None, None, cap) is None

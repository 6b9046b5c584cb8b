"""The loop every resource body shares: run its units on the source's workers, yield their pages, skip or raise."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tiktok_ads.errors import TikTokPermissionError
from tiktok_ads.resources.concurrency import UnitStream
from tiktok_ads.resources.source_context import SourceContext
from tiktok_ads.tables.records import TableSpec


def run_units(
    ctx: SourceContext,
    spec: TableSpec,
    units: Sequence[Any],
    work: Callable[[Any], Iterator[Any]],
    *,
    skipped: set[str],
    on_done: Callable[[Any], Any] | None = None,
) -> Iterator[Any]:
    """Yield the items of every unit as they arrive, run on the source's workers (``max_concurrency`` units at
    once, all the source's resources together).

    A unit's items come before what ``on_done(unit)`` returns (e.g. the day markers of a window read whole).
    A unit that answers 40001 skips its advertiser when ``skip_inaccessible_advertisers`` says so (its other
    units are dropped, and its id is added to ``skipped``: its cursor must not move); any other error is raised
    in dlt's thread.

    Args:
        ctx: the source context.
        spec: the table (for messages).
        units: the units, each with an ``advertiser_id``, started in this order.
        work: yields one unit's items; runs on a worker thread.
        skipped: filled with the advertisers skipped as inaccessible.
        on_done: called in dlt's thread when a unit finished; a non-None result is yielded.

    Yields:
        Items of the units, and ``on_done``'s results; None while none is there (the body passes it to dlt).
    """
    stream = UnitStream(
        units,
        work,
        pool=ctx.workers,
        buffer=2 * ctx.workers.workers,
        group=lambda unit: unit.advertiser_id,
        budget=ctx.pages,
    )
    for kind, unit, value in stream:
        if kind == "idle":  # nothing yet: dlt takes None as "no item" and polls its other resources
            yield None
            continue
        adv_id = unit.advertiser_id
        if kind == "item":
            yield value
        elif kind == "done":
            extra = on_done(unit) if on_done is not None else None
            if extra is not None:
                yield extra
        elif kind == "error":
            if isinstance(value, TikTokPermissionError) and (
                adv_id in skipped or ctx.skips(value, spec.name, adv_id)
            ):
                skipped.add(adv_id)
                stream.drop(adv_id)
                continue
            raise value

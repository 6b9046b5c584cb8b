"""campaign/get, adgroup/get and ad/get answers with the nested fields real objects carry (bububa/tiktok-business
``model/adgroup/adgroup.go``, ``model/ad/ad.go``: string lists, lists of objects, booleans, numeric ids), loaded
end to end and compared field by field with what the emulator sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support import make_pipeline, rows, run, stored_value, truth_value

from tiktok_ads import TABLES
from tiktok_ads.emulator import EmulatorServer, WorldConfig
from tiktok_ads.emulator.data import truth as T
from tiktok_ads.endpoints.transform import is_null

Factory = Callable[..., EmulatorServer]
TODAY = dt.date(2024, 6, 15)
WORLD = WorldConfig(seed=11, advertisers=2, campaigns=4, adgroups=2, ads=2, days=20, today=TODAY)
KINDS = {"campaigns": "campaign", "adgroups": "adgroup", "ads": "ad"}


def _field_differences(table: str, got: list[dict[str, Any]], want: list[dict[str, Any]]) -> list[str]:
    """Every field of every object as the destination holds it against the value TikTok sent."""
    columns = TABLES[table].columns
    id_key = f"{KINDS[table]}_id"
    by_id = {r[id_key]: r for r in got}
    out = [f"{table}: {len(got)} rows, {len(want)} sent"] if len(got) != len(want) else []
    for w in want:
        g = by_id.get(str(w[id_key]))
        if g is None:
            out.append(f"{table}: {w[id_key]} missing")
            continue
        for name, value in w.items():
            data_type = str(columns[name]["data_type"])
            # numeric ids load as their text; placeholders such as deeplink's "" as null (transform.is_null)
            sent = None if is_null(value) else str(value) if data_type == "text" else value
            if stored_value(data_type, g.get(name)) != truth_value(data_type, sent):
                out.append(f"{table}: {w[id_key]} {name} = {g.get(name)!r}, sent {value!r}")
    return out[:20]


def test_nested_entity_fields_load_as_sent_in_json_columns(tmp_path: Path, emulator_factory: Factory) -> None:
    """String lists (``audience_ids``, ``exclude_audience_ids``, ``household_income``, ``ad_texts``, ``image_ids``),
    lists of objects (``actions``, ``app_config``, ``utm_params``), booleans and ids sent as JSON numbers
    (``page_id``, ``tracking_pixel_id``) land in their pinned columns exactly as sent: one JSON value per row, no
    child table, no variant column."""
    server = emulator_factory(WORLD)
    pipeline = make_pipeline(tmp_path)
    run(pipeline, server, start_date=TODAY - dt.timedelta(days=5), tables=list(KINDS), include_deleted=True)
    world, ids = server.world, server.advertiser_ids
    sent = {t: T.entity_rows(world, k, advertiser_ids=ids, include_deleted=True) for t, k in KINDS.items()}
    for table, want in sent.items():
        assert _field_differences(table, rows(pipeline, table), want) == [], table
    schema_tables = set(pipeline.default_schema.tables)
    assert not [t for t in schema_tables if t.split("__")[0] in KINDS and "__" in t], schema_tables
    for table in KINDS:
        columns = pipeline.default_schema.get_table_columns(table)
        assert not [c for c in columns if "__v_" in c], table
    # the world does send the shapes under test (else the comparison above proves nothing about them)
    groups, ads = sent["adgroups"], sent["ads"]
    assert any(g["household_income"] and g["audience_ids"] and g["exclude_audience_ids"] for g in groups)
    assert any(g["actions"] for g in groups) and any(g["app_config"] for g in groups)
    assert any(a["ad_texts"] for a in ads) and any(a["utm_params"] for a in ads)
    assert any(isinstance(a["tracking_pixel_id"], int) for a in ads)
    loaded = rows(pipeline, "adgroups")
    incomes = [
        stored_value("json", r["household_income"]) for r in loaded if r["household_income"] is not None
    ]
    assert incomes and all(v == ["TOP10", "TOP10_25"] for v in incomes)

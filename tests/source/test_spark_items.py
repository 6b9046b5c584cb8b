"""tiktok_ads/endpoints/spark_items.py: a ``tt_video/list/`` item becomes one flat row, whatever TikTok leaves null."""

from __future__ import annotations

from tiktok_ads.endpoints.spark_items import authorized_post_row

ITEM = {
    "item_info": {
        "item_id": "7200000000000000001",
        "item_type": "VIDEO",
        "status": "S",
        "text": "t",
        "auth_code": "#c",
    },
    "user_info": {"tiktok_name": "brand", "identity_id": "709", "identity_type": "AUTH_CODE"},
    "video_info": {"duration": 9.5, "width": 720, "height": 1280, "url": "u"},
    "auth_info": {
        "ad_auth_status": "AUTHORIZED",
        "auth_start_time": "2025-01-01 00:00:00",
        "invite_start_time": None,
    },
}


def test_item_is_flattened_without_its_auth_code() -> None:
    row = authorized_post_row(ITEM)
    assert (
        row["item_id"] == "7200000000000000001"
        and row["identity_id"] == "709"
        and row["tiktok_name"] == "brand"
    )
    assert row["duration"] == 9.5 and row["size"] is None  # fields TikTok left out are null columns
    assert row["ad_auth_status"] == "AUTHORIZED" and "invite_start_time" in row
    assert "auth_code" not in row and "#c" not in row.values()


def test_carousel_and_missing_objects_give_null_columns() -> None:
    # [BB] model/ttvideo/info.go: video_info's fields are null for a CAROUSEL post
    carousel = {**ITEM, "item_info": {**ITEM["item_info"], "item_type": "CAROUSEL"}, "video_info": None}
    del carousel["user_info"]
    row = authorized_post_row(carousel)
    assert row["item_type"] == "CAROUSEL" and row["duration"] is None and row["identity_id"] is None
    assert set(row) == set(authorized_post_row(ITEM))

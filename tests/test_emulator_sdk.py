"""TikTok's official Python SDK (``tiktok-business-api-sdk-official``, import ``business_api_client``) against the
emulator: only the host is changed (through the SDK's ``Configuration``), the SDK's code is used as shipped."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from tiktok_ads.emulator import EmulatorServer

sdk = pytest.importorskip("business_api_client")


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[Any]:
    """An SDK ``ApiClient`` whose host is the emulator."""
    configuration = sdk.Configuration()
    configuration.host = emulator.base_url  # the SDK appends /open_api/v1.3/<route> itself
    api_client = sdk.ApiClient(configuration)
    yield api_client
    # the SDK closes its thread pool in __del__; collect it now rather than at interpreter exit
    del api_client
    gc.collect()


def test_sdk_reads_advertiser_info(client: Any, emulator: EmulatorServer) -> None:
    answer = sdk.AccountManagementApi(client).advertiser_info(
        advertiser_ids=emulator.advertiser_ids, access_token=emulator.access_token
    )
    rows = answer["data"]["list"]
    assert [r["advertiser_id"] for r in rows] == emulator.advertiser_ids
    assert all(r["timezone"] and r["currency"] for r in rows)
    assert answer["request_id"]
    some = sdk.AccountManagementApi(client).advertiser_info(
        advertiser_ids=emulator.advertiser_ids[:1], access_token=emulator.access_token, fields=["name"]
    )
    assert list(some["data"]["list"][0]) == ["name"]


def test_sdk_reads_campaigns_with_filtering_model(client: Any, emulator: EmulatorServer) -> None:
    advertiser_id = emulator.advertiser_ids[-1]
    api = sdk.CampaignCreationApi(client)
    default = api.campaign_get(
        advertiser_id=advertiser_id, access_token=emulator.access_token, page_size=1000
    )
    everything = api.campaign_get(
        advertiser_id=advertiser_id,
        access_token=emulator.access_token,
        filtering=sdk.FilteringCampaignGet(primary_status="STATUS_ALL"),
        page_size=1000,
    )
    assert everything["data"]["list"] == emulator.world.entities("campaign", advertiser_id)
    # the last advertiser of the test world has a deleted campaign
    assert len(default["data"]["list"]) < len(everything["data"]["list"])
    assert everything["data"]["page_info"]["total_number"] == len(everything["data"]["list"])


def test_sdk_runs_reports(client: Any, emulator: EmulatorServer) -> None:
    api = sdk.ReportingApi(client)
    daily = api.report_integrated_get(
        report_type="BASIC",
        access_token=emulator.access_token,
        advertiser_id=emulator.advertiser_ids[0],
        service_type="AUCTION",
        data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions", "clicks", "ctr", "ad_name"],
        start_date="2024-06-01",
        end_date="2024-06-14",
        page=1,
        page_size=100,
        filtering=[{"field_name": "ad_status", "filter_type": "IN", "filter_value": '["STATUS_ALL"]'}],
    )
    rows = daily["data"]["list"]
    assert rows and set(rows[0]["dimensions"]) == {"ad_id", "stat_time_day"}
    assert set(rows[0]["metrics"]) == {"spend", "impressions", "clicks", "ctr", "ad_name"}
    lifetime = api.report_integrated_get(
        report_type="BASIC",
        access_token=emulator.access_token,
        advertiser_id=emulator.advertiser_ids[0],
        data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id"],
        query_lifetime=True,  # sent as "True" by the SDK
    )
    assert lifetime["data"]["list"] and all(
        set(r["metrics"]) == {"spend", "impressions"} for r in lifetime["data"]["list"]
    )


def test_sdk_surfaces_emulator_errors(client: Any, emulator: EmulatorServer) -> None:
    from business_api_client.tiktok_business.tiktok_exceptions import TiktokSDKError

    with pytest.raises(TiktokSDKError, match="40105"):
        sdk.AccountManagementApi(client).advertiser_info(
            advertiser_ids=emulator.advertiser_ids, access_token="bad"
        )
    with pytest.raises(TiktokSDKError, match="40002"):
        sdk.ReportingApi(client).report_integrated_get(
            report_type="AUDIENCE",
            access_token=emulator.access_token,
            advertiser_id=emulator.advertiser_ids[0],
            data_level="AUCTION_AD",
            dimensions=["ad_id", "stat_time_hour", "age"],
            start_date="2024-06-01",
            end_date="2024-06-01",
        )

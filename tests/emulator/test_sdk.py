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


def test_sdk_runs_multi_advertiser_reports(client: Any, emulator: EmulatorServer) -> None:
    ids = emulator.advertiser_ids[:2]
    answer = sdk.ReportingApi(client).report_integrated_get(
        report_type="BASIC",
        access_token=emulator.access_token,
        advertiser_ids=ids,
        data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id", "stat_time_day"],
        metrics=["spend"],
        start_date="2024-06-10",
        end_date="2024-06-14",
        multi_adv_report_in_utc_time=True,
        page_size=1000,
    )
    rows = answer["data"]["list"]
    assert rows and {r["metrics"]["advertiser_id"] for r in rows} == set(ids)


def test_sdk_reads_the_account_side_endpoints(client: Any, emulator: EmulatorServer) -> None:
    token, adv = emulator.access_token, emulator.advertiser_ids[0]
    bc = str(emulator.world.advertiser_info(adv)["owner_bc_id"])
    answers = {
        "saved_audiences": sdk.AudienceApi(client).dmp_saved_audience_list(
            advertiser_id=adv, access_token=token
        ),
        "portfolios": sdk.CreativeManagementApi(client).creative_portfolio_list(
            advertiser_id=adv, access_token=token
        ),
        "rules": sdk.AutomatedRulesApi(client).optimizer_rule_list(advertiser_id=adv, access_token=token),
        "results": sdk.AutomatedRulesApi(client).optimizer_rule_result_list(
            advertiser_id=adv, access_token=token
        ),
        "apps": sdk.APPManagementApi(client).app_list(advertiser_id=adv, access_token=token),
        "identities": sdk.IdentityApi(client).identity_get(advertiser_id=adv, access_token=token),
        "balances": sdk.BCApi(client).advertiser_balance_get(bc_id=bc, access_token=token),
        "transactions": sdk.BCApi(client).advertiser_transaction_get(bc_id=bc, access_token=token),
    }
    keys = {name: sorted(a["data"]) for name, a in answers.items()}
    assert keys == {
        "saved_audiences": ["page_info", "saved_audiences"],
        "portfolios": ["creative_portfolios", "page_info"],
        "rules": ["page_info", "rules"],
        "results": ["list", "page_info"],
        "apps": ["apps"],
        "identities": ["identity_list", "page_info"],
        "balances": ["advertiser_account_list", "page_info"],
        "transactions": ["page_info", "transaction_list"],
    }

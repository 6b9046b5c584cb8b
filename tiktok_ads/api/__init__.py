"""The one client of TikTok's Business API: every request goes through ``client.TikTokClient``.

Auth header, envelope, typed errors (``tiktok_ads.errors``), retries, the shared rate limiter (``rate_limit``,
and per advertiser ``advertiser_limits``), paging, report page bodies to Arrow as they arrive (``json_pages``);
refreshable tokens (``token_refresh``); TikTok's clock (``server_clock``); secrets kept out of every text
(``redaction``).
"""

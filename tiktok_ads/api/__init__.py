"""The one client of TikTok's Business API: every request goes through ``client.TikTokClient``.

Auth header, envelope, typed errors (``errors``), retries, the shared rate limiter (``rate_limit``, and per
advertiser ``advertiser_limits``), paging; OAuth and refreshable tokens (``auth``, ``token_refresh``); TikTok's
clock (``server_clock``); secrets kept out of every text (``redaction``).
"""

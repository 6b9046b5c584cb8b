"""What each endpoint is asked and how its answers become rows or Arrow tables.

A new endpoint is a fetch function over ``TikTokClient`` here (``extract`` for reports, entities and
advertisers; ``extract_shop`` for GMV Max and Smart+; ``auth`` for OAuth). Report pages become typed Arrow
tables in ``arrow_pages`` (the client decodes them: ``tiktok_ads.api.json_pages``). The request savers are
``report_batches`` (several advertisers per request), ``async_reports`` (tasks) and ``top_view`` (one TopView
campaign list per advertiser and run); the change-log path of large accounts, which keeps state, is
``tiktok_ads.resources.entity_changes``.
"""

"""The settings: every setting once (``source_settings.TikTokAdsSettings``), and what each value must mean
(``validation``: dates, ids, ranges, settings that need each other, into ``SourceConfig``).

A new setting is a field of ``TikTokAdsSettings`` and, if its value needs a check, a line in ``validation``.
"""

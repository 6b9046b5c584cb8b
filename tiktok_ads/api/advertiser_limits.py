"""Pacing per (advertiser, path), learned from TikTok's 40133 answers.

On top of the app's budget, TikTok limits each advertiser's requests per path (code 40133: "Advertiser
(<id>)'s QPS (21) reaches QPS limit 20 for current path, request is temporarily restricted."; see
``tiktok_business_api_v1_3.md``, error table). The limit is not documented per path and differs by tier, so
it is learned: the first 40133 for an (advertiser, path) creates a token bucket at 90% of the limit its
message names (10 QPS when it names none, UNSURE), and later 40133s halve it as the app bucket does. With
several tables of one advertiser read at once, this keeps retries from burning out on one advertiser.
"""

from __future__ import annotations

import re
import threading

from tiktok_ads.api.rate_limit import AdaptiveTokenBucket

_LIMIT = re.compile(r"QPS limit (\d+(?:\.\d+)?)")
_DEFAULT_QPS = 10.0


class AdvertiserPathLimits:
    """The buckets of the (advertiser, path) pairs TikTok has throttled so far, for one client."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], AdaptiveTokenBucket] = {}
        self._lock = threading.Lock()

    def get(self, advertiser_id: str | None, path: str) -> AdaptiveTokenBucket | None:
        """The bucket pacing ``advertiser_id`` on ``path``, None while TikTok never throttled the pair."""
        if advertiser_id is None:
            return None
        return self._buckets.get((advertiser_id, path))

    def on_throttle(self, advertiser_id: str, path: str, message: str, sent_at: float | None = None) -> None:
        """TikTok answered 40133 for the pair: start pacing it, or slow its pacing down.

        Args:
            advertiser_id: the advertiser.
            path: the API path.
            message: TikTok's message (it names the limit).
            sent_at: when the refused request was sent (the bucket's clock), if it already existed.
        """
        with self._lock:
            bucket = self._buckets.get((advertiser_id, path))
            if bucket is None:
                found = _LIMIT.search(message)
                limit = float(found.group(1)) if found else _DEFAULT_QPS
                self._buckets[(advertiser_id, path)] = AdaptiveTokenBucket(
                    max(0.5, 0.9 * limit), capacity=1.0
                )
                return
        bucket.on_throttle(sent_at)

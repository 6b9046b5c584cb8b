"""TikTok Business API v1.3 emulator: a real HTTP server on loopback with a deterministic data model.

Used by the tests, the pipeline's ``--demo`` mode and the benchmarks; it is an independent "TikTok" and never
imports the ``tiktok_ads`` source modules (nor do they import it).

In process::

    from tiktok_ads.emulator import EmulatorServer, WorldConfig

    with EmulatorServer(WorldConfig(seed=1), qps=None, qpm=None) as server:
        server.base_url        # "http://127.0.0.1:<port>" - append "/open_api/v1.3/<route>"
        server.access_token    # a token granting every advertiser

As a process: ``python -m tiktok_ads.emulator --port 0`` prints one JSON line (base_url and credentials).

This module stays light: the server (and the model behind it) is imported on first use of a name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiktok_ads.emulator.data.model import World, WorldConfig
    from tiktok_ads.emulator.transport.server import EmulatorServer

__all__ = ["EmulatorServer", "World", "WorldConfig"]


def __getattr__(name: str) -> Any:
    """Import ``EmulatorServer``, ``World`` and ``WorldConfig`` lazily."""
    if name == "EmulatorServer":
        from tiktok_ads.emulator.transport.server import EmulatorServer

        return EmulatorServer
    if name in ("World", "WorldConfig"):
        from tiktok_ads.emulator.data import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

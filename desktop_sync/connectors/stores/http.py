"""``StoreHttp``: the name the store connectors use for the shared HTTP layer
(``connectors.http.ApiHttp``): one reused client per store, safe reads retried, writes never
repeated blindly, 429s waited out, every wait cancellable by the stop flag; and
``HttpSettings``, the five settings every store connector takes for it, in one value."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_sync.connectors import waits
from desktop_sync.connectors.http import USER_AGENT, ApiHttp
from desktop_sync.connectors.retry import Backoff

__all__ = ["PRODUCT_HTTP", "USER_AGENT", "HttpSettings", "StoreHttp"]

StoreHttp = ApiHttp


@dataclass(frozen=True)
class HttpSettings:
    """How a store connector talks HTTP; the defaults are the product's, tests narrow them."""

    timeout: float = 30.0
    """Seconds before a request is given up (then retried or reported)."""
    transport: httpx.BaseTransport | None = None
    """httpx's transport (a test's mock); None for the network."""
    backoff: Backoff | None = None
    """How retries wait; None for the HTTP layer's own."""
    sleep: Callable[[float], None] = waits.sleep
    """How to wait (cancellable by the stop flag)."""
    clock: Callable[[], float] = time.monotonic
    """Seconds, for pacing and token lifetimes."""

    def client(self, base_url: str, *, service: str, **hooks: Any) -> ApiHttp:
        """The HTTP layer for ``base_url`` with these settings (``hooks``: headers,
        ``retry_after``, ``on_response``, ...; a hook may wrap ``transport``)."""
        settings: dict[str, Any] = {
            "timeout": self.timeout,
            "transport": self.transport,
            "backoff": self.backoff,
            "sleep": self.sleep,
            "clock": self.clock,
        }
        return StoreHttp(base_url, service=service, **{**settings, **hooks})


PRODUCT_HTTP = HttpSettings()
"""The settings the product runs with."""

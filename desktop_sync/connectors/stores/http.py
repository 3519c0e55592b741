"""``StoreHttp``: the name the store connectors use for the shared HTTP layer
(``connectors.http.ApiHttp``): one reused client per store, safe reads retried, writes never
repeated blindly, 429s waited out, every wait cancellable by the stop flag."""

from __future__ import annotations

from desktop_sync.connectors.http import USER_AGENT, ApiHttp

__all__ = ["USER_AGENT", "StoreHttp"]

StoreHttp = ApiHttp

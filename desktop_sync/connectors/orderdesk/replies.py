"""How Order Desk's replies and transport failures become typed connector errors."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

from desktop_sync.connectors.errors import (
    Ambiguous,
    AuthError,
    ConnectorError,
    Rejected,
    Transient,
)

__all__ = [
    "AUTH_SENTENCE",
    "FIREWALL_SENTENCE",
    "RETRY_LATER",
    "SERVICE",
    "DuplicateOrder",
    "interpret_reply",
    "retry_after",
    "transport_error",
]

SERVICE = "Order Desk"
# Never wait longer than this for one 429, whatever the header says.
MAX_RETRY_AFTER = 120.0

AUTH_SENTENCE = (
    "Order Desk did not accept the Store ID and API Key. Check both in Order Desk under "
    "Store Settings > API, then press Verify Connection."
)
RETRY_LATER = "Desktop Sync will try again shortly."
FIREWALL_SENTENCE = (
    "A firewall in front of Order Desk refused this computer's connection (error 403) before "
    "the Store ID and API Key were checked; if this lasts, try without a VPN or proxy, or ask "
    "Order Desk support why this network is blocked."
)

# Order Desk documents no auth status code; its messages name the key or the store id.
_AUTH_WORDS = ("api key", "store id", "unauthori", "authenticat", "credential", "access denied")
_DUPLICATE_ID = re.compile(r"order id\D{0,5}(\d+)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Transport errors raised before anything was sent; any other may follow a processed write.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class DuplicateOrder(Rejected):
    """Order Desk refused a new order as a duplicate; ``existing_order_id`` names the original."""

    def __init__(
        self,
        reason: str,
        *,
        existing_order_id: str | None = None,
        service: str = SERVICE,
        status_code: int | None = None,
    ) -> None:
        super().__init__(reason, service=service, status_code=status_code)
        self.existing_order_id = existing_order_id


def _maybe_saved(what: str, cause: str) -> Ambiguous:
    return Ambiguous(
        f"Order Desk {cause} after {what} was sent, so it may or may not have been saved; "
        "Desktop Sync will check before sending it again.",
        service=SERVICE,
    )


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx.ConnectError):
        return "connection refused or no network"
    return "connection lost"


def transport_error(exc: httpx.TransportError, *, writing: bool, what: str) -> ConnectorError:
    """The typed error for a request that got no HTTP answer."""
    if isinstance(exc, _NOT_SENT_ERRORS):
        return Transient(
            f"Desktop Sync could not connect to Order Desk ({_describe(exc)}); check the "
            f"internet connection. {RETRY_LATER}",
            service=SERVICE,
        )
    if writing:
        return _maybe_saved(what, f"stopped answering ({_describe(exc)})")
    return Transient(
        f"Order Desk did not answer ({_describe(exc)}). {RETRY_LATER}", service=SERVICE
    )


def clean_message(value: Any, secret: str) -> str:
    """Order Desk's own message, fit for display: no markup, no secret, one short line."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = " ".join(_TAG.sub(" ", str(value)).split())
    if secret:
        text = text.replace(secret, "***")
    return text[:300]


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        payload = json.loads(response.content)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def interpret_reply(
    response: httpx.Response, *, writing: bool, what: str, secret: str
) -> dict[str, Any]:
    """The JSON object of a successful reply; raises the typed error for any other.

    ``writing`` replies that may follow a saved write (5xx, unreadable) raise ``Ambiguous``;
    ``secret`` (the API key) is masked out of any message taken from the body.
    """
    status = response.status_code
    payload = _json_object(response)
    message = clean_message(payload.get("message"), secret) if payload else ""
    refused = status >= 400 or (payload is not None and payload.get("status") == "error")
    if status == 403 and payload is None:
        # Order Desk answers in JSON; a web page is a firewall (Cloudflare, a proxy) that
        # refused the request before Order Desk saw the credentials.
        raise Transient(FIREWALL_SENTENCE, service=SERVICE)
    if status in (401, 403) or (refused and any(w in message.lower() for w in _AUTH_WORDS)):
        raise AuthError(AUTH_SENTENCE, service=SERVICE)
    if status >= 500 or status == 408:
        if writing:
            raise _maybe_saved(what, f"answered with error {status}")
        raise Transient(
            f"Order Desk had a temporary problem (error {status}). {RETRY_LATER}",
            service=SERVICE,
        )
    if 300 <= status < 400:
        raise Rejected(
            f"Order Desk answered with a redirect (error {status}); check the Order Desk "
            "API address in Settings.",
            service=SERVICE,
            status_code=status,
        )
    if refused:
        reason = message or f"Order Desk refused the request (error {status})."
        if "duplicate" in message.lower():
            # Our reading of the wording, never relied on: without an id, the client looks
            # the order up (``OrderDeskClient.create_order``).
            match = _DUPLICATE_ID.search(message)
            raise DuplicateOrder(
                reason, existing_order_id=match.group(1) if match else None, status_code=status
            )
        raise Rejected(reason, service=SERVICE, status_code=status)
    if payload is None or payload.get("status") != "success":
        if writing:
            raise _maybe_saved(what, "sent a reply Desktop Sync could not read")
        raise Transient(
            f"Order Desk sent a reply Desktop Sync could not read. {RETRY_LATER}", service=SERVICE
        )
    return payload


def retry_after(headers: Mapping[str, str]) -> float:
    """Seconds a 429 asks us to wait (``X-Retry-After``, else ``Retry-After``, else 1)."""
    for name in ("X-Retry-After", "Retry-After"):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, min(MAX_RETRY_AFTER, float(raw)))
        except ValueError:
            continue
    return 1.0

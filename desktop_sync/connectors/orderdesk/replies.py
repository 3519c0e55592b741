"""How Order Desk's replies become typed connector errors (the shared HTTP layer,
``connectors.http``, has already dealt with transport trouble, 5xx and 429s)."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from desktop_sync.connectors.errors import (
    ORDERDESK,
    AuthError,
    DuplicateOrder,
    Rejected,
    Transient,
)
from desktop_sync.connectors.http import RETRY_LATER, header_seconds, maybe_saved

__all__ = [
    "AUTH_SENTENCE",
    "FIREWALL_SENTENCE",
    "RETRY_LATER",
    "SERVICE",
    "DuplicateOrder",
    "interpret_reply",
    "readable",
    "retry_after",
]

SERVICE = ORDERDESK

AUTH_SENTENCE = (
    "Order Desk did not accept the Store ID and API Key. Check both in Order Desk under "
    "Store Settings > API, then press Verify Connection."
)
FIREWALL_SENTENCE = (
    "A firewall in front of Order Desk refused this computer's connection (error 403) before "
    "the Store ID and API Key were checked; if this lasts, try without a VPN or proxy, or ask "
    "Order Desk support why this network is blocked."
)

# Order Desk documents no auth status code; its messages name the key or the store id.
_AUTH_WORDS = ("api key", "store id", "unauthori", "authenticat", "credential", "access denied")
_DUPLICATE_ID = re.compile(r"order id\D{0,5}(\d+)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


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

    ``writing`` replies that may follow a saved write (unreadable) raise ``Ambiguous``;
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
            raise maybe_saved(SERVICE, what, "sent a reply Desktop Sync could not read")
        raise Transient(
            f"Order Desk sent a reply Desktop Sync could not read. {RETRY_LATER}", service=SERVICE
        )
    return payload


def readable(response: httpx.Response) -> bool:
    """Whether a 2xx answer to a read is one of Order Desk's own (a JSON object whose
    ``status`` says success or error); anything else is retried like a 5xx."""
    payload = _json_object(response)
    return payload is not None and payload.get("status") in ("success", "error")


def retry_after(response: httpx.Response) -> float:
    """Seconds a 429 asks us to wait (``X-Retry-After``, else ``Retry-After``, else 1); the
    HTTP layer decides how much of it to sit out."""
    told = header_seconds(response, "X-Retry-After", "Retry-After")
    return 1.0 if told is None else told

"""Shopify's error shapes (HTTP statuses, GraphQL ``errors[]``, token-grant refusals) turned
into the connector's typed errors, each with one sentence a merchant can act on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected, Transient

__all__ = [
    "CLIENT_HELP",
    "SERVICE",
    "TOKEN_HELP",
    "QueryTooCostly",
    "client_credentials_refusal",
    "error_code",
    "garbled",
    "raise_errors",
    "response_text",
]

SERVICE = "Shopify"
TOKEN_HELP = (
    "Shopify refused the access token; in Shopify admin open Settings › Apps › Develop apps, "
    "open your app's API credentials and copy the Admin API access token (shpat_…) again."
)
CLIENT_HELP = (
    "Shopify refused the client ID and secret; in the Dev Dashboard (dev.shopify.com) open your "
    "app's Settings, copy its Client ID and Client secret again, and check the app is "
    "installed on this store."
)


class QueryTooCostly(Exception):
    """Shopify refused a query whose requested cost is over its per-query cap."""

    def __init__(self, cost: int, limit: int) -> None:
        super().__init__(f"query cost {cost} over {limit}")
        self.cost = cost
        self.limit = limit


def error_code(errors: Any) -> str:
    if isinstance(errors, list):
        for error in errors:
            extensions = error.get("extensions") if isinstance(error, Mapping) else None
            if isinstance(extensions, Mapping) and extensions.get("code"):
                return str(extensions["code"])
    return ""


def _messages(errors: Any) -> str:
    if isinstance(errors, str):
        return errors.strip()
    if isinstance(errors, Mapping):
        return "; ".join(f"{k} {v}" for k, v in errors.items())
    texts = [
        str(e.get("message", "")).strip() if isinstance(e, Mapping) else str(e) for e in errors
    ]
    return "; ".join(t.splitlines()[0] for t in texts if t) or "no reason given"


def raise_errors(errors: Any, write: bool) -> None:
    """Top-level GraphQL ``errors``: by ``extensions.code``, the kind of failure."""
    code = error_code(errors)
    text = _messages(errors).rstrip(".")
    if code == "MAX_COST_EXCEEDED":
        first = errors[0].get("extensions", {})
        raise QueryTooCostly(int(first.get("cost") or 0), int(first.get("maxCost") or 1000))
    if code == "ACCESS_DENIED":
        raise AuthError(
            f"Shopify denied access ({text}); add the missing scope to the app's Admin API "
            "scopes, release the new version and install it on the store.",
            service=SERVICE,
        )
    if code == "SHOP_INACTIVE":
        raise AuthError(
            "Shopify says this store is inactive; check the store's plan in Shopify admin.",
            service=SERVICE,
        )
    if code in ("INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"):
        if write:
            raise Ambiguous(
                f"Shopify reported an internal error ({text}) while making the change; the sync "
                "will check whether it went through before trying again.",
                service=SERVICE,
            )
        raise Transient(
            f"Shopify reported an internal error ({text}); the sync will try again shortly.",
            service=SERVICE,
        )
    raise Rejected(f"Shopify refused the request: {text}.", service=SERVICE)


def garbled(write: bool) -> Exception:
    if write:
        return Ambiguous(
            "Shopify's answer to a change could not be read; the sync will check whether it "
            "went through before trying again.",
            service=SERVICE,
        )
    return Transient(
        "Shopify's answer could not be read; the sync will try again shortly.", service=SERVICE
    )


def response_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, Mapping):
        found = body.get("errors") or body.get("error_description") or body.get("error")
        if found:
            return _messages(found).rstrip(".")
    return f"HTTP {response.status_code}"


def client_credentials_refusal(response: httpx.Response) -> str:
    """The sentence for a refused client-credentials grant (its body is undocumented)."""
    try:
        body = json.dumps(response.json())
    except ValueError:
        body = response.text
    if "app_not_installed" in body or "not installed" in body:
        return (
            "Shopify says the app is not installed on this store; install it from the Dev "
            "Dashboard (dev.shopify.com, your app › Install app) and verify again."
        )
    if "shop_not_permitted" in body:
        return (
            "Shopify only gives tokens to apps of the organisation that owns the store; create "
            "the app in that organisation's Dev Dashboard and use its client ID and secret."
        )
    return CLIENT_HELP

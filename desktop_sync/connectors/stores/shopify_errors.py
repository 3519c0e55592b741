"""Shopify's error shapes (HTTP statuses, GraphQL ``errors[]``, token-grant refusals) turned
into the connector's typed errors, each with one sentence a merchant can act on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected, Transient
from desktop_sync.connectors.stores.answers import json_or_none
from desktop_sync.connectors.stores.refusals import Refusal, Refusals

__all__ = [
    "CLIENT_HELP",
    "GRAPHQL_REFUSALS",
    "HTTP_REFUSALS",
    "PLATFORM",
    "SERVICE",
    "TOKEN_HELP",
    "QueryTooCostly",
    "access_denied_sentence",
    "client_credentials_refusal",
    "error_code",
    "missing_scopes_sentence",
    "raise_errors",
    "redacted_sentence",
    "response_text",
]

PLATFORM = "shopify"
"""This connector's platform id (the registry in ``app.platforms`` agrees; never read here)."""
SERVICE = "Shopify"
"""What the merchant calls the platform, in every sentence."""
TOKEN_HELP = (
    "Shopify refused the access token; for a Dev Dashboard app enter its Client ID and "
    "Client secret instead (dev.shopify.com > your app > Settings), or, for a custom app made "
    "in Shopify admin before 2026, copy its Admin API access token (shpat_…) again from "
    "Settings > Apps > Develop apps > your app > API credentials."
)
SCOPE_HELP = (
    "Dev Dashboard (dev.shopify.com) > your app > Versions: create a version with the scope, "
    "release it and install the update on the store (a custom app made in Shopify admin: "
    "Settings > Apps > Develop apps > Configuration), then verify again"
)
PROTECTED_HELP = (
    "in the Dev Dashboard (dev.shopify.com) select name, email, phone and address in your "
    "app's protected customer data settings and install the update (for a custom app made in "
    "Shopify admin these fields depend on the store's Shopify plan)"
)
# Which protected customer field of the connector's documents holds what.
_PROTECTED_FIELDS = {
    "email": "email addresses",
    "phone": "phone numbers",
    "firstName": "names",
    "lastName": "names",
    "name": "names",
    "address1": "addresses",
    "address2": "addresses",
    "zip": "addresses",
}
_SCOPE_NAME = re.compile(r"`([a-z][a-z0-9_]*)`")
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
    # Shopify repeats an error once per order or line it met it on: say each once, counted.
    counted: dict[str, int] = {}
    for text in texts:
        if text:
            first = text.splitlines()[0]
            counted[first] = counted.get(first, 0) + 1
    return (
        "; ".join(f"{t} ({n} times)" if n > 1 else t for t, n in counted.items())
        or "no reason given"
    )


_UNAVAILABLE = Refusal(
    AuthError,
    "Shopify says this store is unavailable (frozen, paused or locked); check the store's plan "
    "and status in Shopify admin.",
)
HTTP_REFUSALS = Refusals(
    SERVICE,
    {
        401: Refusal(AuthError, "{login_help}"),
        402: _UNAVAILABLE,
        423: _UNAVAILABLE,
        403: Refusal(
            AuthError,
            "Shopify refused the request for lack of a permission ({reason}); add the missing "
            "scope to the app and install the update.",
        ),
        404: Refusal(
            AuthError, "Shopify found no store at {shop}; check the myshopify.com address."
        ),
    },
    other=Refusal(Rejected, "Shopify refused the request (HTTP {status}): {reason}."),
)
"""What an HTTP status from Shopify means (GraphQL answers 200 with ``errors`` otherwise)."""
_INTERNAL = Refusal(
    Transient,
    "Shopify reported an internal error ({reason}); the sync will try again shortly.",
    on_write=Refusal(
        Ambiguous,
        "Shopify reported an internal error ({reason}) while making the change; the sync "
        "will check whether it went through before trying again.",
    ),
)
GRAPHQL_REFUSALS = Refusals(
    SERVICE,
    {
        "ACCESS_DENIED": Refusal(AuthError, "{denied}"),
        "SHOP_INACTIVE": Refusal(
            AuthError,
            "Shopify says this store is inactive; check the store's plan in Shopify admin.",
        ),
        "INTERNAL_SERVER_ERROR": _INTERNAL,
        "SERVICE_UNAVAILABLE": _INTERNAL,
        "TIMEOUT": _INTERNAL,
    },
    other=Refusal(Rejected, "Shopify refused the request: {reason}."),
)
"""What a GraphQL ``extensions.code`` in top-level ``errors`` means."""


def raise_errors(errors: Any, write: bool) -> None:
    """Top-level GraphQL ``errors``: by ``extensions.code``, the kind of failure."""
    code = error_code(errors)
    if code == "MAX_COST_EXCEEDED":
        first = errors[0].get("extensions", {})
        raise QueryTooCostly(int(first.get("cost") or 0), int(first.get("maxCost") or 1000))
    denied = access_denied_sentence(errors) if code == "ACCESS_DENIED" else ""
    reason = _messages(errors).rstrip(".")
    GRAPHQL_REFUSALS.refuse(code, {"reason": reason, "denied": denied}, write=write)


def missing_scopes_sentence(missing: Sequence[str]) -> str:
    """The app lacks ``missing`` (scope handles): which, and where to add them."""
    names = " and ".join(missing) if len(missing) <= 2 else ", ".join(missing)
    what = "permission" if len(missing) == 1 else "permissions"
    return f"The Shopify app is missing the {what} {names}; add {names} in the {SCOPE_HELP}."


def _denied_field(error: Mapping[str, Any]) -> str:
    path = [p for p in error.get("path") or () if isinstance(p, str)]
    return path[-1] if path else ""


def access_denied_sentence(errors: Any) -> str:
    """Shopify's ``ACCESS_DENIED`` errors (one per field and per order or line it withheld)
    said once: the scope each withheld field needs, or the protected customer data withheld,
    with how many times it came in the answer."""
    denials = [
        e
        for e in errors or ()
        if isinstance(e, Mapping) and (e.get("extensions") or {}).get("code") == "ACCESS_DENIED"
    ]
    scopes: dict[str, dict[str, int]] = {}
    protected: dict[str, int] = {}
    for error in denials:
        extensions = error.get("extensions") or {}
        required = str(extensions.get("requiredAccess") or "")
        names = _SCOPE_NAME.findall(required) or _SCOPE_NAME.findall(str(error.get("message")))
        field = _denied_field(error) or "data"
        if names:
            fields = scopes.setdefault(" or ".join(dict.fromkeys(names)), {})
            fields[field] = fields.get(field, 0) + 1
        else:
            kind = _PROTECTED_FIELDS.get(field, "customer details")
            protected[kind] = protected.get(kind, 0) + 1
    parts = []
    for scope, fields in scopes.items():
        listed = _and(sorted(fields))
        count = sum(fields.values())
        parts.append(
            f"Shopify withheld the field{'s' if len(fields) > 1 else ''} {listed}"
            f"{_times(count)} for lack of the permission {scope}; add {scope} in the "
            f"{SCOPE_HELP}"
        )
    if protected:
        count = sum(protected.values())
        parts.append(_protected(list(protected), _times(count, "fields")))
    if not parts:
        return "Shopify denied access; check the app's access scopes and install the update."
    return "; also, ".join(parts) + "."


def _protected(kinds: list[str], counted: str = "") -> str:
    return (
        f"Shopify withholds customers' {_and(kinds)} from this app as protected customer "
        f"data{counted}; {PROTECTED_HELP}"
    )


def redacted_sentence() -> str:
    """Shopify answered with addresses emptied of their protected fields (redacted)."""
    return _protected(["names", "addresses"]) + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _times(count: int, what: str = "times") -> str:
    return f" ({count} {what} in one answer)" if count > 1 else ""


def response_text(response: httpx.Response) -> str:
    body = json_or_none(response)
    if isinstance(body, Mapping):
        found = body.get("errors") or body.get("error_description") or body.get("error")
        if found:
            return _messages(found).rstrip(".")
    return f"HTTP {response.status_code}"


def client_credentials_refusal(response: httpx.Response) -> str:
    """The sentence for a refused client-credentials grant (its body is undocumented)."""
    found = json_or_none(response)
    body = response.text if found is None else json.dumps(found)
    if "app_not_installed" in body or "not installed" in body:
        return (
            "Shopify says the app is not installed on this store; install it from the Dev "
            "Dashboard (dev.shopify.com, your app > Install app) and verify again."
        )
    if "shop_not_permitted" in body:
        return (
            "Shopify only gives tokens to apps of the organisation that owns the store; create "
            "the app in that organisation's Dev Dashboard and use its client ID and secret."
        )
    return CLIENT_HELP

"""Reading Shopify's answers: required parts, mutation payloads, order ids, the guard over cursors
that must move on, and addresses Shopify redacted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_sync.connectors.errors import Rejected, Transient
from desktop_sync.connectors.stores.paging import PageGuard
from desktop_sync.connectors.stores.shopify_errors import SERVICE

__all__ = ["mutation_result", "order_gid", "page_guard", "redacted", "required"]


def redacted(address: Any) -> bool:
    if not isinstance(address, Mapping):
        return False
    protected = ("firstName", "lastName", "address1", "zip")
    return not any(address.get(k) for k in protected) and bool(
        address.get("city") or address.get("countryCodeV2")
    )


def order_gid(order_id: str) -> str:
    """A GID, also from the numeric id a merchant sees in an admin address."""
    text = str(order_id).strip()
    return f"gid://shopify/Order/{text}" if text.isdigit() else text


def page_guard(what: str) -> PageGuard:
    """The repeated-page guard of one Shopify listing (``paging``)."""
    return PageGuard(
        SERVICE,
        what,
        "if this keeps happening, check for a proxy or firewall between this computer and Shopify.",
    )


def required(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Transient(
            f"Shopify answered without the {what} asked for; the sync will try again shortly.",
            service=SERVICE,
        )
    return value


def mutation_result(data: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    """The mutation's ``fulfillment``; its ``userErrors`` become ``Rejected`` in their words."""
    payload = required(data.get(field), field)
    errors = [e for e in payload.get("userErrors") or () if isinstance(e, Mapping)]
    if errors:
        text = "; ".join(str(e.get("message", "")).strip().rstrip(".") for e in errors)
        raise Rejected(f"Shopify refused the fulfillment: {text}.", service=SERVICE)
    return required(payload.get("fulfillment"), "fulfillment")

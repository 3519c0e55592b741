"""What the app's Shopify access scopes let it see: the scopes the connector needs, the 60-day
window Shopify shows without ``read_all_orders``, and the sentences that say so."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "ALL_ORDERS_SCOPE",
    "RECENT_ORDER_DAYS",
    "REQUIRED_SCOPES",
    "granted_scopes_of",
    "history_limit_sentence",
    "no_order_sentence",
    "reaches_past_recent_orders",
]

REQUIRED_SCOPES = (
    "read_orders",
    "read_products",
    "read_locations",
    "write_merchant_managed_fulfillment_orders",
)
"""The scopes the connector's documents need, derived from Shopify's schema (``requiredAccess``
of every field selected; ``tests/spec/test_shopify_schema.py`` checks the list): ``read_orders``
(orders, line items, fulfillments), ``read_products`` (a line's variant options),
``read_locations`` (the location of a fulfillment order) and
``write_merchant_managed_fulfillment_orders`` (fulfilling them; Shopify's write scope includes
``read_merchant_managed_fulfillment_orders``, which reading them needs)."""
ALL_ORDERS_SCOPE = "read_all_orders"
RECENT_ORDER_DAYS = 60
"""Without ``read_all_orders`` Shopify shows an app only the orders of the last 60 days."""


def granted_scopes_of(data: Mapping[str, Any]) -> frozenset[str]:
    """The scopes ``currentAppInstallation.accessScopes`` lists (a write scope counts as its
    read scope too)."""
    installation = data.get("currentAppInstallation") or {}
    handles = {
        str(s.get("handle"))
        for s in installation.get("accessScopes") or ()
        if isinstance(s, Mapping) and s.get("handle")
    }
    # A write scope includes its read scope.
    handles |= {"read_" + h.removeprefix("write_") for h in handles if h.startswith("write_")}
    return frozenset(handles)


def reaches_past_recent_orders(since: datetime, now: datetime) -> bool:
    """A window from ``since`` starts before the orders Shopify shows without
    ``read_all_orders``."""
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since < now - timedelta(days=RECENT_ORDER_DAYS)


def history_limit_sentence(now: datetime) -> str:
    """What a merchant should hear before a backfill older than Shopify shows the app."""
    return (
        f"Shopify shows this app only the orders of the last {RECENT_ORDER_DAYS} days, so "
        f"orders from before {(now - timedelta(days=RECENT_ORDER_DAYS)):%Y-%m-%d} will "
        f"not be sent; to include them, request the {ALL_ORDERS_SCOPE} scope for the app "
        "(Dev Dashboard > your app > API access), add it to the app's scopes, install the "
        "update and start the backfill again."
    )


def no_order_sentence(order_id: str, *, limited: bool) -> str:
    """Why ``order(id:)`` came back null: deleted, or (``limited``: the app lacks
    ``read_all_orders``) older than Shopify shows the app."""
    if limited:
        return (
            f"Shopify shows no order {order_id}: it was deleted, or it is older than the "
            f"{RECENT_ORDER_DAYS} days Shopify shows this app without the "
            f"{ALL_ORDERS_SCOPE} scope; add that scope to the app to reach older orders."
        )
    return f"Shopify has no order {order_id} any more; it may have been deleted."

"""Reading a Shopify order's nested connections to the end: the line items past the first page,
its fulfillment orders, and the fulfillments that still stand."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from desktop_sync.connectors.errors import Rejected
from desktop_sync.connectors.stores.paging import CursorPage, by_cursor
from desktop_sync.connectors.stores.shopify_answers import order_gid, page_guard, required
from desktop_sync.connectors.stores.shopify_parsing import order_number
from desktop_sync.connectors.stores.shopify_queries import (
    FULFILLMENT_LINE_ITEMS,
    FULFILLMENT_ORDER_LINE_ITEMS,
    FULFILLMENT_ORDERS,
    FULFILLMENTS,
)
from desktop_sync.connectors.stores.shopify_transport import SERVICE, ShopifyGraphQL

__all__ = ["fulfillment_orders", "rest_of", "standing_fulfillments"]

# ``Order.fulfillments`` has no cursor; this many cost about 900 points, Shopify's cap is 1,000.
MAX_FULFILLMENTS = 25
FIRST_FULFILLMENTS = 10
NOT_STANDING = ("CANCELLED", "ERROR", "FAILURE")
"""Fulfillment statuses that ship nothing: Shopify's cancelled and failed fulfillments."""

NoOrder = Callable[[str], str]
"""Why an order id came back null, as a sentence."""


def rest_of(
    graphql: ShopifyGraphQL, document: str, owner_id: str, owner: str, field: str, page_info: Any
) -> list[Mapping[str, Any]]:
    """Follow-up pages of a nested connection, read through its owner's root field."""

    def read(after: str | None) -> CursorPage:
        data = graphql.run(document, {"id": owner_id, "after": after})
        return CursorPage.of(required(required(data.get(owner), owner).get(field), field))

    first = CursorPage.of({"pageInfo": page_info})
    pages = by_cursor(read, guard=page_guard(field), first=first)
    return [node for page in pages for node in page]


def fulfillment_orders(
    graphql: ShopifyGraphQL, order_id: str, no_order: NoOrder
) -> tuple[str, list[dict[str, Any]]]:
    """The order's name and fulfillment orders, each with all of its line items."""
    gid = order_gid(order_id)
    names = [order_id]

    def read(after: str | None) -> CursorPage:
        data = graphql.run(FULFILLMENT_ORDERS, {"id": gid, "after": after})
        order = data.get("order")
        if not isinstance(order, Mapping):
            raise Rejected(no_order(order_id), service=SERVICE)
        names.append(order_number(order.get("name")) or order_id)
        return CursorPage.of(required(order.get("fulfillmentOrders"), "fulfillmentOrders"))

    found: list[dict[str, Any]] = []
    for page in by_cursor(read, guard=page_guard("fulfillment orders")):
        for node in page:
            items = node.get("lineItems") or {}
            lines = list(items.get("nodes") or ())
            lines += rest_of(
                graphql,
                FULFILLMENT_ORDER_LINE_ITEMS,
                str(node["id"]),
                "fulfillmentOrder",
                "lineItems",
                items.get("pageInfo"),
            )
            found.append(dict(node, lineItems={"nodes": lines}))
    return names[-1], found


def standing_fulfillments(
    graphql: ShopifyGraphQL, order_id: str, no_order: NoOrder
) -> tuple[str, list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]]:
    """The order's name and its standing fulfillments, each with all its line items.

    ``Order.fulfillments`` is a plain list: when ``fulfillmentsCount`` says the first read
    did not hold them all, they are read again with room for all of them.
    """
    gid, first = order_gid(order_id), FIRST_FULFILLMENTS
    while True:
        data = graphql.run(FULFILLMENTS, {"id": gid, "first": first})
        order = data.get("order")
        if not isinstance(order, Mapping):
            raise Rejected(no_order(order_id), service=SERVICE)
        listed = list(order.get("fulfillments") or ())
        count = (order.get("fulfillmentsCount") or {}).get("count")
        total = int(count) if isinstance(count, int) else len(listed)
        if total <= len(listed) or len(listed) < first:
            break
        if first >= MAX_FULFILLMENTS:
            raise Rejected(
                f"Shopify order #{order_number(order.get('name')) or order_id} has "
                f"{total} fulfillments, more than the {MAX_FULFILLMENTS} the app can "
                "check for this tracking number; add the shipment in Shopify admin.",
                service=SERVICE,
            )
        first = min(MAX_FULFILLMENTS, total)
    out = []
    for node in listed:
        if str(node.get("status", "")).upper() in NOT_STANDING:
            continue
        items = node.get("fulfillmentLineItems") or {}
        lines = list(items.get("nodes") or ())
        lines += rest_of(
            graphql,
            FULFILLMENT_LINE_ITEMS,
            str(node["id"]),
            "fulfillment",
            "fulfillmentLineItems",
            items.get("pageInfo"),
        )
        out.append((node, lines))
    return order_number(order.get("name")) or order_id, out

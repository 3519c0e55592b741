"""The records of the Shopify emulator's shop and their GraphQL Admin API shapes: orders,
line items, fulfillment orders and fulfillments as source objects for ``shopify_graphql.resolve``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from desktop_sync_sandbox.samples import SampleLine, SampleOrder
from desktop_sync_sandbox.shopify_graphql import GraphQLError
from desktop_sync_sandbox.shopify_money import OrderMoney, default_money

__all__ = [
    "MAX_PAGE",
    "OPEN_STATES",
    "FOLine",
    "Fulfillment",
    "FulfillmentOrder",
    "LineItem",
    "Order",
    "SentEmail",
    "cursor",
    "fulfillment_order_source",
    "fulfillment_source",
    "gid",
    "index_connection",
    "iso",
    "line_source",
    "order_source",
    "page_size",
    "uncursor",
]

MAX_PAGE = 250
OPEN_STATES = ("OPEN", "IN_PROGRESS")
_FINANCIAL = {
    "paid": "PAID",
    "authorized": "AUTHORIZED",
    "pending": "PENDING",
    "refunded": "REFUNDED",
    "partially_refunded": "PARTIALLY_REFUNDED",
    "voided": "VOIDED",
}


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _amount(value: Decimal) -> str:
    # GraphQL Decimal scalars look like "20.0" and "48.6", not "20.00".
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def money(value: Decimal, currency: str) -> dict[str, Any]:
    money = {"amount": _amount(value), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def cursor(payload: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def uncursor(text: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.b64decode(text.encode(), validate=True))
    except ValueError as exc:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {text}") from exc
    if not isinstance(value, dict):
        raise GraphQLError(f"Invalid cursor for current pagination sort: {text}")
    return value


def page_size(args: dict[str, Any], connection: str) -> int:
    first = args.get("first")
    if first is None:
        raise GraphQLError("you must provide one of first or last", "BAD_REQUEST")
    if not 0 <= int(first) <= MAX_PAGE:
        raise GraphQLError(
            f"The connection '{connection}' cannot return more than {MAX_PAGE} records."
        )
    return int(first)


def index_connection(items: list[Any], args: dict[str, Any], connection: str) -> dict[str, Any]:
    """A connection over a fixed list, cursored by position."""
    size = page_size(args, connection)
    start = int(uncursor(args["after"]).get("last_index", -1)) + 1 if args.get("after") else 0
    page = items[start : start + size]
    end = start + len(page) - 1
    return {
        "pageInfo": {
            "hasNextPage": start + len(page) < len(items),
            "hasPreviousPage": start > 0,
            "endCursor": cursor({"last_index": end}) if page else None,
            "startCursor": cursor({"last_index": start}) if page else None,
        },
        "nodes": page,
        "edges": [
            {"cursor": cursor({"last_index": start + i}), "node": node}
            for i, node in enumerate(page)
        ],
    }


@dataclass(frozen=True)
class SentEmail:
    """One email Shopify sent to a customer."""

    kind: str
    """``Shipping confirmation`` or ``Shipping update``, as Shopify's notification settings say."""
    order_id: str
    to: str
    tracking_numbers: tuple[str, ...]


@dataclass
class LineItem:
    number: int
    line: SampleLine
    discount: Decimal = Decimal(0)
    """Every discount allocated to this line (line-level and its share of order-level ones)."""
    tax: Decimal = Decimal(0)
    requires_shipping: bool = True

    @property
    def id(self) -> str:
        return gid("LineItem", self.number)


@dataclass
class FOLine:
    number: int
    item: LineItem
    total: int
    remaining: int


@dataclass
class FulfillmentOrder:
    number: int
    location: tuple[int, str]
    lines: list[FOLine]
    status: str = "OPEN"


@dataclass
class Fulfillment:
    number: int
    name: str
    created: datetime
    tracking: list[dict[str, str | None]]
    lines: list[tuple[int, LineItem, int]]
    """(FulfillmentLineItem number, line item, quantity)."""
    status: str = "SUCCESS"


@dataclass
class Order:
    number: int
    name: str
    sample: SampleOrder
    created: datetime
    updated: datetime
    items: list[LineItem]
    fulfillment_orders: list[FulfillmentOrder]
    fulfillments: list[Fulfillment] = field(default_factory=list)
    cancelled: datetime | None = None
    money: OrderMoney | None = None

    @property
    def order_money(self) -> OrderMoney:
        return self.money or default_money(self.sample)

    @property
    def id(self) -> str:
        return gid("Order", self.number)


def _allocations(amount: Decimal, title: str, currency: str) -> list[dict[str, Any]]:
    if not amount:
        return []
    return [
        {
            "allocatedAmountSet": money(amount, currency),
            "discountApplication": {"__typename": "DiscountCodeApplication", "code": title},
        }
    ]


def _tax_lines(amount: Decimal, currency: str) -> list[dict[str, Any]]:
    if not amount:
        return []
    return [{"title": "Tax", "rate": None, "priceSet": money(amount, currency)}]


def order_source(order: Order, currency: str) -> dict[str, Any]:
    sample, cur = order.sample, currency
    cash = order.order_money
    address = address_source(sample)
    shipping_line = {
        "id": gid("ShippingLine", order.number),
        "title": sample.shipping_method,
        "code": sample.shipping_method,
        "source": "shopify",
        "isRemoved": False,
        "originalPriceSet": money(sample.shipping_total, cur),
        "discountedPriceSet": money(sample.shipping_total - cash.shipping_discount, cur),
        "discountAllocations": _allocations(cash.shipping_discount, cash.discount_title, cur),
        "taxLines": _tax_lines(cash.shipping_tax, cur),
    }
    return {
        "__typename": "Order",
        "id": order.id,
        "legacyResourceId": str(order.number),
        "name": order.name,
        "email": sample.customer.email,
        "phone": None,
        "note": sample.customer_note or None,
        "createdAt": iso(order.created),
        "updatedAt": iso(order.updated),
        "processedAt": iso(order.created),
        "cancelledAt": iso(order.cancelled),
        "closed": False,
        "displayFinancialStatus": _FINANCIAL.get(sample.payment, "PENDING"),
        "displayFulfillmentStatus": fulfillment_status(order),
        "currencyCode": cur,
        "shippingAddress": address,
        "billingAddress": dict(address, phone=None),
        "shippingLine": shipping_line,
        "shippingLines": lambda args: index_connection([shipping_line], args, "shippingLines"),
        "taxesIncluded": cash.taxes_included,
        "subtotalPriceSet": money(cash.subtotal(sample), cur),
        "totalShippingPriceSet": money(sample.shipping_total, cur),
        "totalTaxSet": money(cash.tax_total, cur),
        "totalDiscountsSet": money(cash.discount_total, cur),
        "totalPriceSet": money(cash.total(sample), cur),
        # No duties or import fees in the sample shop: Shopify answers null for those.
        "originalTotalDutiesSet": None,
        "originalTotalAdditionalFeesSet": None,
        "fulfillmentsCount": {"count": len(order.fulfillments), "precision": "EXACT"},
        "lineItems": lambda args: index_connection(
            [line_source(i, currency) for i in order.items], args, "lineItems"
        ),
        "fulfillmentOrders": lambda args: index_connection(
            [fulfillment_order_source(fo, currency) for fo in order.fulfillment_orders],
            args,
            "fulfillmentOrders",
        ),
        "fulfillments": lambda args: [
            fulfillment_source(f, currency)
            for f in order.fulfillments[: int(args.get("first") or MAX_PAGE)]
        ],
    }


def line_source(item: LineItem, currency: str) -> dict[str, Any]:
    line, cur = item.line, currency
    variant_title = " / ".join(value for _, value in line.options) or None
    # A product without options has one variant, "Default Title", as in Shopify.
    options = line.options or (("Title", "Default Title"),)
    return {
        "__typename": "LineItem",
        "id": item.id,
        "sku": line.sku,
        "name": f"{line.name} - {variant_title}" if variant_title else line.name,
        "title": line.name,
        "variantTitle": variant_title,
        "quantity": line.quantity,
        "currentQuantity": line.quantity,
        "requiresShipping": item.requires_shipping,
        "originalUnitPriceSet": money(line.unit_price, cur),
        "discountedUnitPriceSet": money(line.unit_price, cur),
        "discountAllocations": _allocations(item.discount, "SAVE", cur),
        "taxLines": _tax_lines(item.tax, cur),
        "variant": {
            "id": gid("ProductVariant", 44_000_000_000_000 + item.number % 1_000_000),
            "title": variant_title or "Default Title",
            "selectedOptions": [{"name": n, "value": v} for n, v in options],
        },
    }


def fulfillment_order_source(fo: FulfillmentOrder, currency: str) -> dict[str, Any]:
    actions = {
        "OPEN": ["CREATE_FULFILLMENT", "HOLD", "MOVE"],
        "IN_PROGRESS": ["CREATE_FULFILLMENT", "HOLD"],
        "ON_HOLD": ["RELEASE_HOLD"],
    }.get(fo.status, [])
    lines = [
        {
            "id": gid("FulfillmentOrderLineItem", fl.number),
            "totalQuantity": fl.total,
            "remainingQuantity": fl.remaining,
            "lineItem": line_source(fl.item, currency),
        }
        for fl in fo.lines
    ]
    return {
        "__typename": "FulfillmentOrder",
        "id": gid("FulfillmentOrder", fo.number),
        "status": fo.status,
        "requestStatus": "UNSUBMITTED",
        "supportedActions": [{"action": a} for a in actions],
        "assignedLocation": {
            "name": fo.location[1],
            "location": {"id": gid("Location", fo.location[0]), "name": fo.location[1]},
        },
        "lineItems": lambda args: index_connection(lines, args, "lineItems"),
    }


def fulfillment_source(f: Fulfillment, currency: str) -> dict[str, Any]:
    lines = [
        {"id": gid("FulfillmentLineItem", n), "quantity": q, "lineItem": line_source(i, currency)}
        for n, i, q in f.lines
    ]
    return {
        "__typename": "Fulfillment",
        "id": gid("Fulfillment", f.number),
        "legacyResourceId": str(f.number),
        "name": f.name,
        "status": f.status,
        "createdAt": iso(f.created),
        "updatedAt": iso(f.created),
        "trackingInfo": lambda args: [dict(t) for t in f.tracking][
            : int(args.get("first") or MAX_PAGE)
        ],
        "fulfillmentLineItems": lambda args: index_connection(lines, args, "fulfillmentLineItems"),
    }


# -- mutations ------------------------------------------------------------------------


def address_source(sample: SampleOrder) -> dict[str, Any]:
    c = sample.customer
    return {
        "firstName": c.first_name,
        "lastName": c.last_name,
        "name": f"{c.first_name} {c.last_name}",
        "company": c.company or None,
        "address1": c.address1,
        "address2": c.address2 or None,
        "city": c.city,
        "province": c.state,
        "provinceCode": c.state,
        "zip": c.postal_code,
        "country": c.country_name,
        "countryCodeV2": c.country_code,
        "phone": c.phone,
    }


def fulfillment_status(order: Order) -> str:
    lines = [fl for fo in order.fulfillment_orders for fl in fo.lines]
    remaining = sum(fl.remaining for fl in lines)
    if remaining == 0 and lines:
        return "FULFILLED"
    return "PARTIALLY_FULFILLED" if remaining < sum(fl.total for fl in lines) else "UNFULFILLED"

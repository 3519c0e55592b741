"""Shopify GraphQL Admin API shapes turned into the normalised store models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop_sync.connectors.errors import Transient
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreAddress,
    StoreFulfillment,
    StoreLine,
    StoreOrder,
)

__all__ = [
    "PAYMENT_STATES",
    "format_datetime",
    "order_number",
    "parse_datetime",
    "parse_fulfillment",
    "parse_line",
    "parse_order",
]

PAYMENT_STATES = {
    "PAID": PaymentState.PAID,
    "AUTHORIZED": PaymentState.AUTHORIZED,
    "PENDING": PaymentState.PENDING,
    "PARTIALLY_PAID": PaymentState.PARTIALLY_PAID,
    "PARTIALLY_REFUNDED": PaymentState.PARTIALLY_REFUNDED,
    "REFUNDED": PaymentState.REFUNDED,
    "VOIDED": PaymentState.VOIDED,
    # An authorisation that lapsed uncaptured: no money was taken, as with a voided one.
    "EXPIRED": PaymentState.VOIDED,
}
# What Shopify reports as the options of a product that has none.
_DEFAULT_OPTION = ("Title", "Default Title")


def parse_datetime(value: Any) -> datetime:
    """A GraphQL ``DateTime`` (ISO-8601, UTC) as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        raise Transient(
            "Shopify sent an order without its dates; the sync will try again shortly.",
            service="Shopify",
        )
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(moment: datetime) -> str:
    """A moment for Shopify's search syntax, in UTC to the second (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_number(name: Any) -> str:
    """The order number the merchant sees: Shopify's ``name`` (``#1001``) without the ``#``.

    A store may give its numbers a prefix or suffix (``EU-1001-X``); those are kept.
    """
    return str(name or "").strip().removeprefix("#")


def _money(value: Any) -> Decimal:
    """The ``shopMoney.amount`` of a MoneyBag (the shop's currency), as a Decimal."""
    money = value.get("shopMoney") if isinstance(value, Mapping) else None
    amount = money.get("amount") if isinstance(money, Mapping) else None
    try:
        return Decimal(str(amount)) if amount is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _address(value: Any, email: str) -> StoreAddress:
    if not isinstance(value, Mapping):
        return StoreAddress(email=email)
    return StoreAddress(
        first_name=_text(value.get("firstName")),
        last_name=_text(value.get("lastName")),
        company=_text(value.get("company")),
        address1=_text(value.get("address1")),
        address2=_text(value.get("address2")),
        city=_text(value.get("city")),
        state=_text(value.get("provinceCode") or value.get("province")),
        postal_code=_text(value.get("zip")),
        country=_text(value.get("countryCodeV2") or value.get("country")),
        phone=_text(value.get("phone")),
        email=email,
    )


def parse_line(node: Mapping[str, Any]) -> StoreLine:
    """A LineItem: ``currentQuantity`` (ordered minus refunded or removed) is what ships."""
    variant = node.get("variant")
    options = variant.get("selectedOptions") if isinstance(variant, Mapping) else None
    pairs = tuple(
        (_text(o.get("name")), _text(o.get("value")))
        for o in options or ()
        if isinstance(o, Mapping)
    )
    quantity = node.get("currentQuantity")
    return StoreLine(
        id=str(node["id"]),
        sku=_text(node.get("sku")),
        name=_text(node.get("title") or node.get("name")),
        quantity=int(quantity if quantity is not None else node.get("quantity") or 0),
        unit_price=_money(node.get("originalUnitPriceSet")),
        options=() if pairs == (_DEFAULT_OPTION,) else pairs,
        requires_shipping=bool(node.get("requiresShipping", True)),
    )


def parse_order(node: Mapping[str, Any], line_nodes: Sequence[Mapping[str, Any]]) -> StoreOrder:
    """An Order node with all its line items (``line_nodes``, every page of them).

    Lines whose current quantity is zero (removed or refunded in full) are left out: there is
    nothing of them to ship.
    """
    email = _text(node.get("email"))
    lines = tuple(line for line in map(parse_line, line_nodes) if line.quantity > 0)
    cancelled = node.get("cancelledAt") is not None
    fulfillment = _text(node.get("displayFulfillmentStatus")).lower()
    shipping_line = node.get("shippingLine")
    return StoreOrder(
        id=str(node["id"]),
        number=order_number(node.get("name")),
        created_at=parse_datetime(node.get("createdAt")),
        updated_at=parse_datetime(node.get("updatedAt")),
        status="cancelled" if cancelled else fulfillment or "unfulfilled",
        payment_state=PAYMENT_STATES.get(
            _text(node.get("displayFinancialStatus")), PaymentState.UNKNOWN
        ),
        email=email,
        shipping_address=_address(node.get("shippingAddress"), email),
        billing_address=_address(node.get("billingAddress"), email),
        shipping_method=_text(shipping_line.get("title"))
        if isinstance(shipping_line, Mapping)
        else "",
        lines=lines,
        shipping_total=_money(node.get("totalShippingPriceSet")),
        tax_total=_money(node.get("totalTaxSet")),
        discount_total=_money(node.get("totalDiscountsSet")),
        order_total=_money(node.get("totalPriceSet")),
        currency=_text(node.get("currencyCode")),
        customer_note=_text(node.get("note")),
        is_cancelled=cancelled,
    )


def parse_fulfillment(
    node: Mapping[str, Any], order_id: str, line_nodes: Sequence[Mapping[str, Any]]
) -> StoreFulfillment:
    """A Fulfillment with all its fulfillment line items (quantities summed per line)."""
    quantities: dict[str, int] = {}
    for item in line_nodes:
        line = item.get("lineItem")
        if isinstance(line, Mapping) and line.get("id"):
            key = str(line["id"])
            quantities[key] = quantities.get(key, 0) + int(item.get("quantity") or 0)
    numbers = tuple(
        str(t["number"])
        for t in node.get("trackingInfo") or ()
        if isinstance(t, Mapping) and t.get("number")
    )
    return StoreFulfillment(
        id=str(node["id"]),
        order_id=order_id,
        tracking_numbers=numbers,
        lines=tuple(FulfillmentLine(k, q) for k, q in quantities.items()),
    )

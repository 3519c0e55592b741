"""Shopify GraphQL Admin API shapes turned into the normalised store models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreAddress,
    StoreFulfillment,
    StoreLine,
    StoreOrder,
)
from desktop_sync.connectors.stores.unreadable import Unreadable, strict_amount
from desktop_sync.connectors.stores.window import as_utc

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
CENT = Decimal("0.01")
# What Shopify reports as the options of a product that has none.
_DEFAULT_OPTION = ("Title", "Default Title")


def parse_datetime(value: Any, what: str = "a date") -> datetime:
    """A GraphQL ``DateTime`` (ISO-8601, UTC) as an aware UTC datetime; ``Unreadable`` (named
    ``what``) when it is missing or not a date."""
    if not isinstance(value, str) or not value:
        raise Unreadable(what, value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Unreadable(what, value) from None
    return as_utc(parsed)


def format_datetime(moment: datetime) -> str:
    """A moment for Shopify's search syntax, in UTC to the second (naive means UTC)."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def order_number(name: Any) -> str:
    """The order number the merchant sees: Shopify's ``name`` (``#1001``) without the ``#``.

    A store may give its numbers a prefix or suffix (``EU-1001-X``); those are kept.
    """
    return str(name or "").strip().removeprefix("#")


def _money(value: Any) -> Decimal:
    """The ``shopMoney.amount`` of a MoneyBag (the shop's currency), as a Decimal."""
    money = value.get("shopMoney") if isinstance(value, Mapping) else None
    amount = money.get("amount") if isinstance(money, Mapping) else None
    return strict_amount(amount, "an amount", absent=Decimal(0))


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


def _sum(items: Any, key: str) -> Decimal:
    """The total of ``key`` (a MoneyBag) over a list of Shopify objects."""
    return sum(
        (_money(item.get(key)) for item in items or () if isinstance(item, Mapping)), Decimal(0)
    )


def _pre_tax(gross: Decimal, discount: Decimal, tax: Decimal) -> tuple[Decimal, Decimal]:
    """A tax-inclusive ``gross`` and its ``discount`` (both with tax inside) before tax.

    Shopify's tax is on the discounted amount: ``gross - discount - tax`` is what was sold
    before tax. The discount loses its tax share at the same rate (to the cent), and the
    gross keeps whatever makes ``gross' - discount' == gross - discount - tax`` exact.
    """
    paid = gross - discount
    net = paid - tax
    share = (discount * net / paid).quantize(CENT, ROUND_HALF_UP) if paid > 0 else discount
    return net + share, share


def _line_money(node: Mapping[str, Any], quantity: int, taxes_included: bool) -> LineMoney:
    unit = _money(node.get("originalUnitPriceSet"))
    discount = _sum(node.get("discountAllocations"), "allocatedAmountSet")
    if not taxes_included:
        return LineMoney(unit, discount)
    tax = _sum(node.get("taxLines"), "priceSet")
    gross, share = _pre_tax(unit * quantity, discount, tax)
    # Unrounded where the pre-tax line total does not divide by its quantity; the mapping
    # rounds the line, not the unit price.
    return LineMoney(gross / quantity if quantity else unit, share)


@dataclass(frozen=True)
class LineMoney:
    unit_price: Decimal
    """Before discounts and before tax."""
    discount: Decimal
    """Every discount allocated to the line (line, order-level and code discounts)."""


def parse_line(node: Mapping[str, Any], taxes_included: bool = False) -> StoreLine:
    """A LineItem: ``currentQuantity`` (ordered minus refunded or removed) is what ships."""
    variant = node.get("variant")
    options = variant.get("selectedOptions") if isinstance(variant, Mapping) else None
    pairs = tuple(
        (_text(o.get("name")), _text(o.get("value")))
        for o in options or ()
        if isinstance(o, Mapping)
    )
    current = node.get("currentQuantity")
    quantity = int(current if current is not None else node.get("quantity") or 0)
    return StoreLine(
        id=str(node["id"]),
        sku=_text(node.get("sku")),
        name=_text(node.get("title") or node.get("name")),
        quantity=quantity,
        unit_price=_line_money(node, quantity, taxes_included).unit_price,
        options=() if pairs == (_DEFAULT_OPTION,) else pairs,
        requires_shipping=bool(node.get("requiresShipping", True)),
    )


def parse_order(node: Mapping[str, Any], line_nodes: Sequence[Mapping[str, Any]]) -> StoreOrder:
    """An Order node with all its line items (``line_nodes``, every page of them).

    Lines whose current quantity is zero (removed or refunded in full) are left out: there is
    nothing of them to ship. Lines that need no shipping (``requiresShipping: false``: gift
    cards, digital goods) are kept with ``requires_shipping=False``.

    Money, in ``StoreOrder``'s terms: a line's price is Shopify's original unit price (before
    discounts); every discount Shopify allocated, to lines (line, order and code discounts) or
    to shipping lines (shipping discounts), is the order's discount; shipping is the shipping
    lines' original price; tax is ``totalTaxSet``; duties and additional fees are handling.
    A tax-inclusive shop (``taxesIncluded``: prices and shipping with tax inside, as in VAT
    countries) has the tax taken out of each line's price, each discount and shipping, so the
    parts add up to ``totalPriceSet`` just the same.
    """
    email = _text(node.get("email"))
    taxes_included = bool(node.get("taxesIncluded"))
    lines = tuple(
        line for line in (parse_line(n, taxes_included) for n in line_nodes) if line.quantity > 0
    )
    line_discount = Decimal(0)
    for line_node in line_nodes:
        current = line_node.get("currentQuantity")
        quantity = int(current if current is not None else line_node.get("quantity") or 0)
        if quantity > 0:
            line_discount += _line_money(line_node, quantity, taxes_included).discount
    shipping, shipping_discount = _shipping_money(node, taxes_included)
    cancelled = node.get("cancelledAt") is not None
    fulfillment = _text(node.get("displayFulfillmentStatus")).lower()
    shipping_line = node.get("shippingLine")
    return StoreOrder(
        id=str(node["id"]),
        number=order_number(node.get("name")),
        created_at=parse_datetime(node.get("createdAt"), "createdAt"),
        updated_at=parse_datetime(node.get("updatedAt"), "updatedAt"),
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
        shipping_total=shipping,
        tax_total=_money(node.get("totalTaxSet")),
        discount_total=line_discount + shipping_discount,
        order_total=_money(node.get("totalPriceSet")),
        handling_total=_money(node.get("originalTotalDutiesSet"))
        + _money(node.get("originalTotalAdditionalFeesSet")),
        prices_include_tax=taxes_included,
        currency=_text(node.get("currencyCode")),
        customer_note=_text(node.get("note")),
        is_cancelled=cancelled,
    )


def _shipping_money(node: Mapping[str, Any], taxes_included: bool) -> tuple[Decimal, Decimal]:
    """Shipping before discounts and tax, and the shipping discounts, over every shipping
    line (``totalShippingPriceSet`` when the order came without its shipping lines)."""
    connection = node.get("shippingLines")
    if not isinstance(connection, Mapping):
        return _money(node.get("totalShippingPriceSet")), Decimal(0)
    shipping, discount = Decimal(0), Decimal(0)
    for line in connection.get("nodes") or ():
        if not isinstance(line, Mapping) or line.get("isRemoved"):
            continue
        gross = _money(line.get("originalPriceSet"))
        off = _sum(line.get("discountAllocations"), "allocatedAmountSet")
        if taxes_included:
            gross, off = _pre_tax(gross, off, _sum(line.get("taxLines"), "priceSet"))
        shipping += gross
        discount += off
    return shipping, discount


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

"""BigCommerce v2 JSON (orders, products, shipping addresses, shipments, errors) to our models."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreAddress,
    StoreFulfillment,
    StoreLine,
    StoreOrder,
)
from desktop_sync.connectors.stores.window import as_utc

__all__ = [
    "PAYMENT_STATES",
    "SYSTEM_STATUSES",
    "error_message",
    "order_addresses",
    "order_lines",
    "parse_address",
    "parse_fulfillment",
    "parse_line",
    "parse_order",
    "parse_rfc2822",
]

PAYMENT_STATES = {
    "paid": PaymentState.PAID,
    "captured": PaymentState.PAID,
    "authorized": PaymentState.AUTHORIZED,
    # A void still being processed leaves the money authorised until it completes.
    "void pending": PaymentState.AUTHORIZED,
    "pending": PaymentState.PENDING,
    "capture pending": PaymentState.PENDING,
    "held for review": PaymentState.PENDING,
    "declined": PaymentState.DECLINED,
    "partially refunded": PaymentState.PARTIALLY_REFUNDED,
    "refunded": PaymentState.REFUNDED,
    "void": PaymentState.VOIDED,
}
log = logging.getLogger(__name__)

CANCELLED = 5
SYSTEM_STATUSES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
"""BigCommerce's order statuses by ``status_id`` (spec ``/order_statuses``). A merchant may
rename any of them, and an order's ``status`` may carry the new name: rules go by the id,
through these system names; the merchant's label is only shown."""
NOT_SHIPPED = {"digital", "giftcertificate"}
"""Product types (spec ``orderProducts.type``) with nothing to put in a parcel."""
CENT = Decimal("0.01")
_CONSIGNMENT_KINDS = {"shipping", "pickups", "downloads", "email"}
_MAX_MESSAGE = 300


def parse_rfc2822(value: Any) -> datetime:
    """A v2 timestamp (``"Tue, 05 Mar 2019 21:40:11 +0000"``) as an aware UTC datetime."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a timestamp: {value!r}")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        # v2 documents RFC 2822 only, but an ISO 8601 time (as v3 sends) means the same moment.
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a timestamp: {value!r}") from None
    return as_utc(moment)


def _money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def parse_address(raw: dict[str, Any] | None) -> StoreAddress:
    """A billing address or a ``shipping_addresses`` element."""
    if not raw:
        return StoreAddress()
    return StoreAddress(
        first_name=_text(raw, "first_name"),
        last_name=_text(raw, "last_name"),
        company=_text(raw, "company"),
        address1=_text(raw, "street_1"),
        address2=_text(raw, "street_2"),
        city=_text(raw, "city"),
        state=_text(raw, "state"),
        postal_code=_text(raw, "zip"),
        country=_text(raw, "country_iso2") or _text(raw, "country"),
        phone=_text(raw, "phone"),
        email=_text(raw, "email"),
    )


def parse_line(raw: dict[str, Any], *, tax_inclusive: bool = False) -> StoreLine:
    """One ``/orders/{id}/products`` element; the id is the ``order_product_id``.

    The unit price is the line's own total before tax over its quantity, unrounded, so that
    ``unit_price * quantity`` is the line total to the cent. In a tax-inclusive store the
    ex-tax figures are BigCommerce's estimates (spec: ``is_tax_inclusive_pricing``), so the
    actual inc-tax total less its tax is used.
    """
    options = tuple(
        (_text(option, "display_name"), _text(option, "display_value"))
        for option in raw.get("product_options") or ()
        if isinstance(option, dict)
    )
    quantity = int(raw.get("quantity") or 0)
    return StoreLine(
        id=str(raw["id"]),
        sku=_text(raw, "sku"),
        name=_text(raw, "name"),
        quantity=quantity,
        unit_price=_unit_price(raw, quantity, tax_inclusive),
        options=options,
        weight=_money(raw.get("weight")),
        # Gift certificates are emailed and digital products downloaded: nothing to ship.
        requires_shipping=_text(raw, "type") not in NOT_SHIPPED,
    )


def _given(raw: dict[str, Any], key: str) -> bool:
    return raw.get(key) not in (None, "")


def _unit_price(raw: dict[str, Any], quantity: int, tax_inclusive: bool) -> Decimal:
    if quantity > 0:
        if tax_inclusive and _given(raw, "total_inc_tax"):
            return (_money(raw.get("total_inc_tax")) - _money(raw.get("total_tax"))) / quantity
        if _given(raw, "total_ex_tax"):
            return _money(raw.get("total_ex_tax")) / quantity
    if tax_inclusive and _given(raw, "price_inc_tax"):
        return _money(raw.get("price_inc_tax")) - _money(raw.get("price_tax"))
    return _money(raw.get("price_ex_tax", raw.get("base_price")))


def _ex_tax(raw: dict[str, Any], name: str, tax_inclusive: bool) -> Decimal:
    """A charge before tax (``shipping_cost``, ``handling_cost``, ``wrapping_cost``, a fee's
    ``cost``).

    BigCommerce says which of its figures are actual (``is_tax_inclusive_pricing``): the
    inc-tax ones in a tax-inclusive store, the ex-tax ones otherwise. ``total_tax`` holds the
    tax of every charge, so each charge is carried before tax whichever way it was priced.
    """
    if tax_inclusive and _given(raw, f"{name}_inc_tax"):
        return _money(raw.get(f"{name}_inc_tax")) - _money(raw.get(f"{name}_tax"))
    if _given(raw, f"{name}_ex_tax"):
        return _money(raw.get(f"{name}_ex_tax"))
    return _money(raw.get(f"{name}_inc_tax")) - _money(raw.get(f"{name}_tax"))


def _fees(raw: dict[str, Any], tax_inclusive: bool) -> Decimal:
    """Order-level fees (``include=fees``), before tax; 0 when they were not included."""
    fees = raw.get("fees")
    if not isinstance(fees, list):
        return Decimal(0)
    return sum(
        (_ex_tax(fee, "cost", tax_inclusive) for fee in fees if isinstance(fee, dict)),
        Decimal(0),
    )


def order_lines(raw: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The order's products from ``include=consignments.line_items``, or None when the answer
    does not hold them (then ``/orders/{id}/products`` must be read)."""
    consignments = raw.get("consignments")
    if not isinstance(consignments, dict) or not _CONSIGNMENT_KINDS & consignments.keys():
        return None  # absent, or a link ({url, resource}) where the object was asked for
    groups: list[Any] = []
    for key in ("shipping", "pickups", "downloads"):
        value = consignments.get(key)
        if isinstance(value, list):
            groups.extend(value)
    email = consignments.get("email")
    if isinstance(email, dict) and isinstance(email.get("gift_certificates"), list):
        groups.extend(email["gift_certificates"])
    lines: dict[Any, dict[str, Any]] = {}
    for group in groups:
        items = group.get("line_items") if isinstance(group, dict) else None
        # The spec's own example shows a lone object where it declares an array.
        for item in items if isinstance(items, list) else [items]:
            if not isinstance(item, dict):
                continue
            if "id" not in item or "quantity" not in item:
                return None  # a link to the products, not the products themselves
            lines.setdefault(item["id"], item)
    return list(lines.values())


def order_addresses(raw: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The shipping addresses from ``include=consignments``, or None when not included."""
    consignments = raw.get("consignments")
    if not isinstance(consignments, dict) or not isinstance(consignments.get("shipping"), list):
        return None
    return [address for address in consignments["shipping"] if isinstance(address, dict)]


def parse_order(
    raw: dict[str, Any], products: list[dict[str, Any]], addresses: list[Any]
) -> StoreOrder:
    """An order from ``GET /v2/orders`` with its products and shipping addresses.

    Money, per the rule of ``StoreOrder``: goods, shipping, handling, gift wrapping and fees
    before tax; ``total_tax`` is all of the order's tax (goods, shipping, handling, wrapping:
    the spec's own example has 4.40 + 0.91 = 5.31), so no charge is taken with its tax.
    ``discount_amount`` and ``coupon_discount`` both come off ``total_inc_tax`` (the spec's
    example: 67.84 + 12.00 - 5 - 5 = 69.84).
    """
    billing = raw.get("billing_address") if isinstance(raw.get("billing_address"), dict) else {}
    first = next((a for a in addresses if isinstance(a, dict)), None)
    status_id = int(raw.get("status_id") or 0)
    label = _text(raw, "custom_status") or _text(raw, "status")
    status = SYSTEM_STATUSES.get(status_id) or label
    inclusive = raw.get("is_tax_inclusive_pricing") is True
    lines = tuple(parse_line(product, tax_inclusive=inclusive) for product in products)
    shipping = _ex_tax(raw, "shipping_cost", inclusive)
    handling = (
        _ex_tax(raw, "handling_cost", inclusive)
        + _ex_tax(raw, "wrapping_cost", inclusive)
        + _fees(raw, inclusive)
    )
    tax = _money(raw.get("total_tax"))
    discount = _money(raw.get("discount_amount")) + _money(raw.get("coupon_discount"))
    total = _money(raw.get("total_inc_tax"))
    goods = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    residual = total - (goods + shipping + handling + tax - discount)
    _warn_if_unbalanced(raw, residual, len(lines))
    # What is left over is BigCommerce rounding its 4-decimal figures, or a charge or
    # reduction this app does not know by name: by the StoreOrder rule a charge is handling
    # and a reduction a discount, so the order reaches Order Desk with the store's own total.
    if residual > 0:
        handling += residual
    elif residual < 0:
        discount -= residual
    return StoreOrder(
        id=str(raw["id"]),
        number=str(raw["id"]),
        created_at=parse_rfc2822(raw.get("date_created")),
        updated_at=parse_rfc2822(raw.get("date_modified")),
        status=status,
        status_label=label or status,
        payment_state=PAYMENT_STATES.get(
            _text(raw, "payment_status").lower(), PaymentState.UNKNOWN
        ),
        email=_text(billing, "email") if billing else "",
        shipping_address=parse_address(first),
        billing_address=parse_address(billing),
        shipping_method=_text(first, "shipping_method") if first else "",
        lines=lines,
        shipping_total=shipping,
        tax_total=tax,
        discount_total=discount,
        handling_total=handling,
        order_total=total,
        # The spec's info.description: the *default* currency is the one the shopper paid
        # in; currency_code is only the storefront's display currency.
        currency=_text(raw, "default_currency_code") or _text(raw, "currency_code"),
        customer_note=_text(raw, "customer_message"),
        prices_include_tax=inclusive,
        is_cancelled=status_id == CANCELLED,
        problem=_archived(raw),
    )


def _archived(raw: dict[str, Any]) -> str:
    if raw.get("is_deleted") is not True:
        return ""
    return (
        f"BigCommerce order {raw.get('id')} is archived (deleted) in the store, so it is not "
        "sent; restore it in the BigCommerce control panel, then press Retry."
    )


def _warn_if_unbalanced(raw: dict[str, Any], residual: Decimal, lines: int) -> None:
    # BigCommerce keeps 4 decimals; up to a cent per line and per charge is its own rounding.
    if abs(residual) > CENT * (lines + 4):
        log.warning(
            "BigCommerce order %s: %.2f of its total is in no field the app reads; it is "
            "sent as %s",
            raw.get("id"),
            residual,
            "handling" if residual > 0 else "a discount",
        )


def parse_fulfillment(raw: dict[str, Any]) -> StoreFulfillment:
    """A shipment: one tracking number, the order lines and quantities it covers."""
    number = _text(raw, "tracking_number")
    return StoreFulfillment(
        id=str(raw["id"]),
        order_id=str(raw.get("order_id", "")),
        tracking_numbers=(number,) if number else (),
        lines=tuple(
            FulfillmentLine(str(item["order_product_id"]), int(item.get("quantity") or 0))
            for item in raw.get("items") or ()
            if isinstance(item, dict) and "order_product_id" in item
        ),
    )


def error_message(content: bytes) -> str:
    """The words of a v2 error array (``[{status, message, details}]``) or a v3 error object
    (``{status, title, type, errors}``), joined and trimmed for display; "" when none."""
    try:
        body = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    entries = body if isinstance(body, list) else [body]
    parts: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            parts.append(entry)
            continue
        if not isinstance(entry, dict):
            continue
        for key in ("message", "title", "details"):
            value = entry.get(key)
            if isinstance(value, str) and value.strip():
                parts.append(value)
        errors = entry.get("errors")
        if isinstance(errors, dict):
            parts.extend(f"{field}: {text}" for field, text in errors.items())
        elif isinstance(errors, list):
            parts.extend(str(text) for text in errors)
    message = " ".join(" ".join(parts).split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"

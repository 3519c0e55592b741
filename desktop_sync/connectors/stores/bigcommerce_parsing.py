"""BigCommerce v2 JSON (orders, products, shipping addresses, shipments, errors) to our models."""

from __future__ import annotations

import json
from datetime import UTC, datetime
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

__all__ = [
    "PAYMENT_STATES",
    "error_message",
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
CANCELLED = 5
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
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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


def parse_line(raw: dict[str, Any]) -> StoreLine:
    """One ``/orders/{id}/products`` element; the id is the ``order_product_id``."""
    options = tuple(
        (_text(option, "display_name"), _text(option, "display_value"))
        for option in raw.get("product_options") or ()
        if isinstance(option, dict)
    )
    return StoreLine(
        id=str(raw["id"]),
        sku=_text(raw, "sku"),
        name=_text(raw, "name"),
        quantity=int(raw.get("quantity") or 0),
        # Tax is carried on the order's total_tax, so lines are priced without it.
        unit_price=_money(raw.get("price_ex_tax", raw.get("base_price"))),
        options=options,
        weight=_money(raw.get("weight")),
        requires_shipping=_text(raw, "type") != "digital",
    )


def parse_order(
    raw: dict[str, Any], products: list[dict[str, Any]], addresses: list[Any]
) -> StoreOrder:
    """An order from ``GET /v2/orders`` with its products and shipping addresses."""
    billing = raw.get("billing_address") if isinstance(raw.get("billing_address"), dict) else {}
    first = next((a for a in addresses if isinstance(a, dict)), None)
    status_id = int(raw.get("status_id") or 0)
    status = _text(raw, "custom_status") or _text(raw, "status")
    return StoreOrder(
        id=str(raw["id"]),
        number=str(raw["id"]),
        created_at=parse_rfc2822(raw.get("date_created")),
        updated_at=parse_rfc2822(raw.get("date_modified")),
        status=status,
        payment_state=PAYMENT_STATES.get(
            _text(raw, "payment_status").lower(), PaymentState.UNKNOWN
        ),
        email=_text(billing, "email") if billing else "",
        shipping_address=parse_address(first),
        billing_address=parse_address(billing),
        shipping_method=_text(first, "shipping_method") if first else "",
        lines=tuple(parse_line(product) for product in products),
        shipping_total=_money(raw.get("shipping_cost_inc_tax", raw.get("shipping_cost_ex_tax"))),
        tax_total=_money(raw.get("total_tax")),
        discount_total=_money(raw.get("discount_amount")) + _money(raw.get("coupon_discount")),
        order_total=_money(raw.get("total_inc_tax")),
        currency=_text(raw, "currency_code") or _text(raw, "default_currency_code"),
        customer_note=_text(raw, "customer_message"),
        is_cancelled=status_id == CANCELLED,
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

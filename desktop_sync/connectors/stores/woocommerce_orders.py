"""WooCommerce ``wc/v3`` order JSON turned into ``StoreOrder``, and the record of which lines each
tracking number covers (WooCommerce itself keeps none), stored in the order's meta data.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreAddress,
    StoreFulfillment,
    StoreLine,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.unreadable import Unreadable, strict_amount
from desktop_sync.connectors.stores.window import as_utc

__all__ = [
    "RECORD_KEY",
    "ShipmentRecord",
    "format_gmt",
    "note_text",
    "parse_gmt",
    "parse_order",
    "payment_state",
    "read_records",
    "records_meta",
]

RECORD_KEY = "_desktop_sync_fulfillments"
"""Order meta key holding our shipment records; the leading ``_`` hides it from the customer."""

_WP_DATE = "%Y-%m-%dT%H:%M:%S"
CENT = Decimal("0.01")


def parse_gmt(value: Any) -> datetime | None:
    """A ``date_*_gmt`` value (no zone, UTC by definition) as an aware UTC datetime."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(parsed)


def format_gmt(moment: datetime) -> str:
    """A naive UTC timestamp, as ``modified_after`` wants it with ``dates_are_gmt=true``."""
    return moment.astimezone(UTC).strftime(_WP_DATE)


def _text(value: Any) -> str:
    if value is None or isinstance(value, list | dict | bool):
        return ""
    return str(value).strip()


def _money(value: Any) -> Decimal:
    """A number in our own shipment records; garbage counts as zero (the record is ours, and
    a wrong count only means a line is checked again). Store orders use ``strict_amount``."""
    if value is None or isinstance(value, bool):
        return Decimal(0)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return number if number.is_finite() else Decimal(0)


def _int(value: Any) -> int:
    number = _money(value)
    return int(number) if number == number.to_integral_value() else math.floor(number)


def payment_state(order: Mapping[str, Any]) -> PaymentState:
    """WooCommerce has no payment status field; it is read from the order status.

    * ``processing`` and ``completed`` are WooCommerce's "paid" statuses (it sets ``date_paid``
      on entering them; ``set_paid`` on create does the same): PAID, or PARTIALLY_REFUNDED when
      ``refunds`` is not empty.
    * ``on-hold`` with ``date_paid``: PAID; with a gateway ``transaction_id`` but no payment date,
      AUTHORIZED (authorise-only card gateways); else PENDING (bank transfer, cheque).
    * ``pending``, ``checkout-draft``: PENDING; ``refunded``: REFUNDED; ``cancelled``: VOIDED;
      ``failed``: DECLINED; a custom status: PAID when ``date_paid`` is set, else UNKNOWN.
    """
    status = _text(order.get("status"))
    paid = parse_gmt(order.get("date_paid_gmt")) is not None
    refunded_part = bool(order.get("refunds"))
    if status in ("processing", "completed"):
        return PaymentState.PARTIALLY_REFUNDED if refunded_part else PaymentState.PAID
    if status == "on-hold":
        if paid:
            return PaymentState.PAID
        return (
            PaymentState.AUTHORIZED if _text(order.get("transaction_id")) else PaymentState.PENDING
        )
    fixed = {
        "pending": PaymentState.PENDING,
        "checkout-draft": PaymentState.PENDING,
        "refunded": PaymentState.REFUNDED,
        "cancelled": PaymentState.VOIDED,
        "failed": PaymentState.DECLINED,
    }
    if status in fixed:
        return fixed[status]
    return PaymentState.PAID if paid else PaymentState.UNKNOWN


def _address(data: Any, email: str = "") -> StoreAddress:
    fields = data if isinstance(data, Mapping) else {}
    return StoreAddress(
        first_name=_text(fields.get("first_name")),
        last_name=_text(fields.get("last_name")),
        company=_text(fields.get("company")),
        address1=_text(fields.get("address_1")),
        address2=_text(fields.get("address_2")),
        city=_text(fields.get("city")),
        state=_text(fields.get("state")),
        postal_code=_text(fields.get("postcode")),
        country=_text(fields.get("country")),
        phone=_text(fields.get("phone")),
        email=email or _text(fields.get("email")),
    )


# WooCommerce core's own line meta that is no variant option (its key is translated; the
# English one is what the REST API of an English shop shows).
_CORE_ITEM_META = {"backordered"}
# "Ship Your Idea – Color: Black, Size: M Test": a variation's name with its shown options.
_NAMED_OPTIONS = re.compile(r"^(?P<name>.+?) (?:–|-) (?P<options>[^:]+: .+)$")


def _line_options(item: Mapping[str, Any], name: str) -> tuple[str, list[tuple[str, str]]]:
    """The product's own name and the variant options as the shop shows them.

    Current WooCommerce gives line meta ``display_key``/``display_value``; older stores send
    only ``pa_color: black``, and the line's name then holds the shown words, which are used
    when they match the meta one for one."""
    options: list[tuple[str, str]] = []
    bare = False
    for meta in item.get("meta_data") or ():
        if not isinstance(meta, Mapping):
            continue
        key = _text(meta.get("key"))
        if not key or key.startswith("_") or key.lower() in _CORE_ITEM_META:
            continue  # private plugin data (_reduced_stock) and core notes (Backordered)
        value = _text(meta.get("display_value")) or _text(meta.get("value"))
        if not value:
            continue
        shown = _text(meta.get("display_key"))
        bare = bare or not shown
        if not shown and key.startswith("pa_"):
            shown = key[3:].replace("-", " ").replace("_", " ").capitalize()
            value = value.replace("-", " ").title() if value == value.lower() else value
        options.append((html.unescape(shown or key), html.unescape(value)))
    parent = html.unescape(_text(item.get("parent_name")))
    named = _NAMED_OPTIONS.match(name)
    if bare and named:
        pairs = [p.partition(": ") for p in named["options"].split(", ")]
        if len(pairs) == len(options) and all(sep for _, sep, _ in pairs):
            return parent or named["name"], [(k.strip(), v.strip()) for k, _, v in pairs]
    # A variation's ``name`` repeats its options ("Logo Tee - Black, M"); the options travel
    # separately, so the product's own name reads better.
    if options and (parent or named):
        return parent or (named["name"] if named else name), options
    return name, options


def _line(item: Mapping[str, Any], ships: Callable[[Mapping[str, Any]], bool]) -> StoreLine:
    name, options = _line_options(item, html.unescape(_text(item.get("name"))))
    field = f"line {_text(item.get('id')) or name}"
    count = strict_amount(item.get("quantity"), f"the quantity of {field}")
    if count != count.to_integral_value():
        raise Unreadable(f"the quantity of {field}", item.get("quantity"))
    quantity = int(count)
    # ``price`` is the line total after coupons over the quantity; the price before discounts
    # is the ``subtotal`` (before tax, also in a tax-inclusive shop) over the quantity, kept
    # unrounded (6 x 8.333... is 50.00, not 49.98).
    subtotal = item.get("subtotal")
    if subtotal is not None and quantity:
        price = strict_amount(subtotal, f"the subtotal of {field}") / quantity
    else:
        price = strict_amount(item.get("price"), f"the price of {field}", absent=Decimal(0))
    return StoreLine(
        id=_text(item.get("id")),
        sku=_text(item.get("sku")),
        name=name,
        quantity=quantity,
        unit_price=price,
        options=tuple(options),
        requires_shipping=ships(item),
    )


def _amount(data: Mapping[str, Any], field: str) -> Decimal:
    """An order amount; a missing one is none (older stores leave some out)."""
    return strict_amount(data.get(field), field, absent=Decimal(0))


def _ships_always(item: Mapping[str, Any]) -> bool:
    return True


def parse_order(
    data: Mapping[str, Any], ships: Callable[[Mapping[str, Any]], bool] = _ships_always
) -> StoreOrder:
    """One order of ``GET wc/v3/orders``; dates from the ``_gmt`` fields, money as Decimal.

    Money in ``StoreOrder``'s terms: lines at their subtotal (before coupons and tax), the
    coupons as ``discount_total`` (before tax), positive fee lines as ``handling_total`` and
    negative ones added to the discount, all tax in ``tax_total``. ``ships(line_item)`` says
    whether a line is goods to ship (virtual and downloadable products are not).

    A value that makes no sense (a date or an amount that is not one) raises ``Unreadable``:
    the connector then lists the order with the reason instead of sending made-up values."""
    created = parse_gmt(data.get("date_created_gmt"))
    if created is None:
        raise Unreadable("date_created_gmt", data.get("date_created_gmt"))
    modified = data.get("date_modified_gmt")
    updated = parse_gmt(modified) if modified is not None else created
    if updated is None:
        raise Unreadable("date_modified_gmt", modified)
    billing = data.get("billing") if isinstance(data.get("billing"), Mapping) else {}
    email = _text(billing.get("email")) if isinstance(billing, Mapping) else ""
    shipping_lines = [s for s in data.get("shipping_lines") or () if isinstance(s, Mapping)]
    status = _text(data.get("status"))
    charges, credits = _fees(data)
    lines = tuple(
        _line(item, ships) for item in data.get("line_items") or () if isinstance(item, Mapping)
    )
    shipping = _amount(data, "shipping_total")
    discount = _amount(data, "discount_total") + credits
    total = strict_amount(data.get("total"), "total")
    goods = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    tax = _amount(data, "total_tax")
    # Each amount is shown rounded to cents; where WooCommerce rounds tax "at subtotal"
    # instead of per line, they can miss its total by a cent or so, which is tax rounding.
    residual = (total - (goods + shipping + charges + tax - discount)).quantize(CENT)
    if residual and abs(residual) <= CENT * (len(lines) + 2):
        tax += residual
    return StoreOrder(
        id=_text(data.get("id")),
        number=_text(data.get("number")) or _text(data.get("id")),
        created_at=created,
        updated_at=updated,
        status=status,
        payment_state=payment_state(data),
        email=email,
        shipping_address=_address(data.get("shipping")),
        billing_address=_address(billing, email),
        shipping_method=_text(shipping_lines[0].get("method_title")) if shipping_lines else "",
        lines=lines,
        shipping_total=shipping,
        tax_total=tax,
        discount_total=discount,
        handling_total=charges,
        order_total=total,
        currency=_text(data.get("currency")),
        customer_note=_text(data.get("customer_note")),
        prices_include_tax=data.get("prices_include_tax") is True,
        is_cancelled=status in ("cancelled", "trash"),
    )


def _fees(data: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    """Fee lines before tax (their tax is in ``total_tax``), as (charges, credits): a negative
    fee is a discount given as a fee; the two are kept apart so one never hides the other."""
    fees = [f for f in data.get("fee_lines") or () if isinstance(f, Mapping)]
    totals = [strict_amount(f.get("total"), "a fee line's total", absent=Decimal(0)) for f in fees]
    charges = sum((t for t in totals if t > 0), Decimal(0))
    credits = -sum((t for t in totals if t < 0), Decimal(0))
    return charges, credits


@dataclass(frozen=True)
class ShipmentRecord:
    """What we shipped under one tracking id: kept as JSON in the order's ``RECORD_KEY`` meta."""

    id: str
    tracking_numbers: tuple[str, ...]
    lines: tuple[FulfillmentLine, ...]

    def to_fulfillment(self, order_id: str) -> StoreFulfillment:
        return StoreFulfillment(self.id, order_id, self.tracking_numbers, self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tracking_numbers": list(self.tracking_numbers),
            "lines": {line.line_id: line.quantity for line in self.lines},
        }


def read_records(order: Mapping[str, Any]) -> list[ShipmentRecord]:
    """Our records from the order's ``meta_data`` (a JSON string, or an array if a plugin
    re-saved it); anything unreadable is ignored rather than trusted."""
    for meta in order.get("meta_data") or ():
        if not isinstance(meta, Mapping) or meta.get("key") != RECORD_KEY:
            continue
        value = meta.get("value")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return []
        if not isinstance(value, list):
            return []
        records = []
        for entry in value:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("lines"), Mapping):
                continue
            numbers = tuple(_text(n) for n in entry.get("tracking_numbers") or () if _text(n))
            lines = tuple(
                FulfillmentLine(str(line_id), _int(qty)) for line_id, qty in entry["lines"].items()
            )
            records.append(ShipmentRecord(_text(entry.get("id")), numbers, lines))
        return records
    return []


def records_meta(records: Iterable[ShipmentRecord]) -> dict[str, Any]:
    """The ``meta_data`` entry for a ``PUT`` of the order; the key replaces the earlier value."""
    payload = [record.to_json() for record in records]
    return {"key": RECORD_KEY, "value": json.dumps(payload, separators=(",", ":"))}


def note_text(
    order: StoreOrder,
    lines: Sequence[FulfillmentLine],
    tracking: Tracking,
    *,
    more_to_come: bool,
) -> str:
    """The customer note: what shipped, with which carrier, number and link."""
    names = {line.id: line for line in order.lines}
    parts = []
    for line in lines:
        known = names.get(line.line_id)
        label = known.name if known else f"item {line.line_id}"
        if known and known.options:
            label += " - " + ", ".join(value for _, value in known.options)
        parts.append(f"{line.quantity} × {label}")
    text = "Shipped " + ", ".join(parts) if parts else "Shipped"
    if tracking.carrier:
        text += f" via {tracking.carrier}"
    text += f", tracking number {tracking.number}"
    if tracking.url:
        text += f": {tracking.url}"
    text += "."
    if more_to_come:
        text += " The rest of your order will follow in another shipment."
    return text

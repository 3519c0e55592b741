"""Turns a normalised store order into the Order Desk order to create, or says why it cannot."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from desktop_sync.connectors.orderdesk.models import Address, NewOrder, NewOrderItem
from desktop_sync.connectors.stores.base import PaymentState, StoreAddress, StoreLine, StoreOrder
from desktop_sync.errors import DesktopSyncError

__all__ = [
    "CURRENCY_KEY",
    "CUSTOMER_NOTE_KEY",
    "LINE_ID_KEY",
    "MAX_NOTE_LENGTH",
    "MAX_SOURCE_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "PAYMENT_STATUS_FOR",
    "PRICES_INCLUDE_TAX_KEY",
    "ROUNDING_NAME",
    "STORE_ORDER_ID_KEY",
    "STORE_ORDER_NUMBER_KEY",
    "STORE_PLATFORM_KEY",
    "UnmappableOrder",
    "default_source_name",
    "map_order",
    "store_line_id",
    "trim_text",
]

LINE_ID_KEY = "store_line_id"
"""Item metadata key holding the store's line id: how a shipment maps back to store lines."""

STORE_PLATFORM_KEY = "store_platform"
STORE_ORDER_ID_KEY = "store_order_id"
STORE_ORDER_NUMBER_KEY = "store_order_number"
CURRENCY_KEY = "currency"
CUSTOMER_NOTE_KEY = "Customer Note"
PRICES_INCLUDE_TAX_KEY = "prices_include_tax"
"""Order metadata: the store showed tax-inclusive prices (the amounts sent are before tax)."""
ROUNDING_NAME = "Rounding"
"""The ``discount_list`` entry that reconciles unit prices rounded to cents."""
CENT = Decimal("0.01")

MAX_SOURCE_NAME_LENGTH = 64
MAX_TEXT_LENGTH = 255
# An Order Desk note holds 2,000 characters including its metadata (reference §4.1).
MAX_NOTE_LENGTH = 1800

PAYMENT_STATUS_FOR: Mapping[PaymentState, str] = {
    PaymentState.PAID: "Captured",
    PaymentState.AUTHORIZED: "Authorized",
    PaymentState.PENDING: "Pending",
    # Part of the money is still owed, so the payment is not complete: "Captured" would tell the
    # merchant's Order Desk rules the order is paid for. "Pending" keeps it out of paid-only flows.
    PaymentState.PARTIALLY_PAID: "Pending",
    PaymentState.PARTIALLY_REFUNDED: "Partially Refunded",
    PaymentState.REFUNDED: "Fully Refunded",
    PaymentState.VOIDED: "Voided",
    PaymentState.DECLINED: "Rejected",
    # When unsure, never claim money was captured.
    PaymentState.UNKNOWN: "Pending",
}

# Characters that only make sense joined to the character after or before them; a cut that
# leaves one of these at the end would show a broken glyph.
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}
_ELLIPSIS = "…"


class UnmappableOrder(DesktopSyncError):
    """Order Desk would refuse this order; ``reason`` tells the merchant what to fix."""

    title = "Order cannot be sent"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def default_source_name(store_name: str) -> str:
    """The Order Desk ``source_name`` of orders from a store the merchant calls ``store_name``
    ("BigCommerce") when none was chosen for it (at most 64 characters)."""
    label = store_name.strip()
    return trim_text(f"Desktop Sync ({label})" if label else "Desktop Sync", MAX_SOURCE_NAME_LENGTH)


def store_line_id(item_metadata: Mapping[str, object]) -> str | None:
    """The store line id an Order Desk item was pushed with, or None (e.g. an item added later)."""
    value = item_metadata.get(LINE_ID_KEY)
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def trim_text(text: str, limit: int) -> str:
    """``text`` stripped, cut to ``limit`` characters with an ellipsis, never mid-character.

    A cut never leaves half an emoji sequence, half a flag, or a bare combining mark.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    cut = text[: limit - 1]
    following = text[limit - 1]
    # Back off to the start of the cluster the cut fell into.
    while cut and (
        unicodedata.combining(following)
        or following in _JOINERS
        or cut[-1] in _JOINERS
        or _is_modifier(following)
    ):
        following = cut[-1]
        cut = cut[:-1]
    cut = _drop_unpaired_flag_half(cut)
    return cut.rstrip() + _ELLIPSIS


def _is_modifier(char: str) -> bool:
    # Skin tone modifiers (U+1F3FB..U+1F3FF) belong to the emoji before them.
    return 0x1F3FB <= ord(char) <= 0x1F3FF


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _drop_unpaired_flag_half(text: str) -> str:
    # Flags are pairs of regional indicators; an odd run at the end means the cut split a flag.
    run = 0
    for char in reversed(text):
        if not _is_regional_indicator(char):
            break
        run += 1
    return text[:-1] if run % 2 else text


def map_order(
    order: StoreOrder,
    *,
    platform: str,
    store_name: str,
    source_name: str,
    folder_id: int | None,
) -> NewOrder:
    """The Order Desk order for ``order``; ``UnmappableOrder`` if Order Desk would refuse it.

    ``platform`` is the store's platform id ("bigcommerce"), kept in the order's metadata;
    ``store_name`` what the merchant calls it ("BigCommerce"), for the reasons;
    ``source_name`` the Order Desk source name its orders carry."""
    if order.problem:
        raise UnmappableOrder(order.problem)
    number = (order.number or order.id).strip()
    store = store_name.strip() or "your store"
    label = f"Order {number}" if number else "An order"
    items = _map_lines(order.lines, label=label, store=store)

    shipping_source = order.shipping_address
    billing_source = order.billing_address
    if _is_blank(shipping_source):
        shipping_source = billing_source
    if _is_blank(billing_source):
        billing_source = shipping_source
    shipping = _map_address(shipping_source)
    customer = _map_address(billing_source)
    if not any(a.first_name or a.last_name or a.company for a in (shipping, customer)):
        raise UnmappableOrder(
            f"{label} has no customer name or company on its shipping or billing address. "
            f"Add one in {store}, then press Retry."
        )
    if not number:
        raise UnmappableOrder(
            f"An order from {store} has no order number or id. Check the order in {store}, "
            "then press Retry."
        )

    email = order.email or order.billing_address.email or order.shipping_address.email
    checkout_data: dict[str, str] = {}
    note = trim_text(order.customer_note, MAX_NOTE_LENGTH)
    if note:
        checkout_data[CUSTOMER_NOTE_KEY] = note

    money = _money(order, items)
    return NewOrder(
        source_id=number,
        source_name=source_name,
        folder_id=folder_id,
        email=trim_text(email, MAX_TEXT_LENGTH),
        shipping_method=trim_text(order.shipping_method, MAX_TEXT_LENGTH),
        payment_status=PAYMENT_STATUS_FOR[order.payment_state],
        shipping=shipping,
        customer=customer,
        items=items,
        date_added=_as_utc(order.created_at),
        shipping_total=money.shipping,
        handling_total=money.handling,
        tax_total=money.tax,
        discount_total=sum((amount for _, amount in money.discounts), Decimal(0)),
        discounts=money.discounts,
        order_metadata={
            STORE_PLATFORM_KEY: platform,
            STORE_ORDER_ID_KEY: order.id,
            STORE_ORDER_NUMBER_KEY: number,
            CURRENCY_KEY: order.currency,
            # The amounts above are before tax either way; this says how the shop showed them.
            PRICES_INCLUDE_TAX_KEY: order.prices_include_tax,
        },
        checkout_data=checkout_data,
    )


@dataclass(frozen=True)
class _Money:
    shipping: Decimal
    handling: Decimal
    tax: Decimal
    discounts: tuple[tuple[str, Decimal], ...]


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _money(order: StoreOrder, items: tuple[NewOrderItem, ...]) -> _Money:
    """The order's charges in cents, with the rounding of its parts reconciled.

    Every amount sent has exactly two decimals, so Order Desk's sum cannot depend on what it
    does with more (round, truncate, keep). Rounding each unit price (6 x 8.3333 = 49.98, not
    50.00) and each charge to cents leaves a few cents between the sum of the parts and the
    order's exact total; that difference is sent as a handling charge (when the parts came
    out short) or as a discount entry named "Rounding" (when they came out over). Both are
    plain order-level amounts every reading of Order Desk's totals adds, and a packer never
    sees them as goods; changing a line's price instead would misstate what the item cost.
    """
    # Order Desk discounts are positive amounts; a platform that signs them must not add money.
    discount = abs(order.discount_total)
    handling = order.handling_total
    if handling < 0:  # a negative charge is a discount by another name
        discount, handling = discount - handling, Decimal(0)
    goods = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
    exact = _cents(goods + order.shipping_total + handling + order.tax_total - discount)
    shipping, tax = _cents(order.shipping_total), _cents(order.tax_total)
    handling, discount = _cents(handling), _cents(discount)
    sent_goods = sum((item.price * item.quantity for item in items), Decimal(0))
    difference = exact - (sent_goods + shipping + handling + tax - discount)
    discounts: list[tuple[str, Decimal]] = [("Discount", discount)] if discount else []
    if difference > 0:
        handling += difference
    elif difference < 0:
        discounts.append((ROUNDING_NAME, -difference))
    return _Money(shipping=shipping, handling=handling, tax=tax, discounts=tuple(discounts))


def _map_lines(lines: tuple[StoreLine, ...], *, label: str, store: str) -> tuple[NewOrderItem, ...]:
    items: list[NewOrderItem] = []
    for line in lines:
        what = _describe_line(line)
        if line.quantity < 0:
            raise UnmappableOrder(
                f"{label} has a negative quantity ({line.quantity}) for {what}, which Order Desk "
                f"cannot accept. Correct the item in {store}, then press Retry."
            )
        if line.unit_price < 0:
            raise UnmappableOrder(
                f"{label} has a negative price ({line.unit_price}) for {what}, which Order Desk "
                f"cannot accept. Correct the item in {store}, then press Retry."
            )
        if line.quantity == 0:
            # Fully removed or refunded lines: nothing to ship, and Order Desk would show them.
            continue
        items.append(
            NewOrderItem(
                name=trim_text(line.name or line.sku or f"Item {line.id}", MAX_TEXT_LENGTH),
                code=trim_text(line.sku, MAX_TEXT_LENGTH),
                price=_cents(line.unit_price),
                quantity=line.quantity,
                variation_list=_variation_list(line.options),
                metadata={LINE_ID_KEY: line.id},
                weight=line.weight,
                delivery_type="ship" if line.requires_shipping else "noship",
            )
        )
    if not items:
        raise UnmappableOrder(
            f"{label} has no items with a quantity above zero, and Order Desk needs at least one. "
            f"Check the items in {store}, then press Retry."
        )
    return tuple(items)


def _describe_line(line: StoreLine) -> str:
    name = trim_text(line.name, 60)
    if name and line.sku:
        return f'"{name}" (SKU {line.sku})'
    if name:
        return f'"{name}"'
    if line.sku:
        return f"SKU {line.sku}"
    return f"line {line.id}"


def _variation_list(options: tuple[tuple[str, str], ...]) -> dict[str, str]:
    # A dict keeps one value per name; two options with one name (a store allows it) must both
    # reach the packer, so later ones get a numbered name.
    result: dict[str, str] = {}
    for raw_name, value in options:
        base = trim_text(raw_name, MAX_TEXT_LENGTH - 4) or "Option"
        name = base
        count = 1
        while name in result:
            count += 1
            name = f"{base} ({count})"
        result[name] = trim_text(value, MAX_TEXT_LENGTH)
    return result


def _is_blank(address: StoreAddress) -> bool:
    return not any(
        field.strip()
        for field in (
            address.first_name,
            address.last_name,
            address.company,
            address.address1,
            address.address2,
            address.city,
            address.state,
            address.postal_code,
            address.country,
            address.phone,
        )
    )


def _map_address(address: StoreAddress) -> Address:
    return Address(
        first_name=trim_text(address.first_name, MAX_TEXT_LENGTH),
        last_name=trim_text(address.last_name, MAX_TEXT_LENGTH),
        company=trim_text(address.company, MAX_TEXT_LENGTH),
        address1=trim_text(address.address1, MAX_TEXT_LENGTH),
        address2=trim_text(address.address2, MAX_TEXT_LENGTH),
        city=trim_text(address.city, MAX_TEXT_LENGTH),
        state=trim_text(address.state, MAX_TEXT_LENGTH),
        postal_code=trim_text(address.postal_code, MAX_TEXT_LENGTH),
        country=trim_text(address.country, MAX_TEXT_LENGTH),
        phone=trim_text(address.phone, MAX_TEXT_LENGTH),
    )


def _as_utc(moment: datetime) -> datetime:
    # A naive time from a connector is already UTC by the connector contract.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)

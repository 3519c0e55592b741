"""What the orders view keeps of a store order as the push sees it (``state.order_facts``),
and the true reason a held order now qualifies."""

from __future__ import annotations

from desktop_sync.connectors.stores.base import StoreAddress, StoreOrder
from desktop_sync.engine.send_rules import NEVER_SENT_PAYMENTS
from desktop_sync.state.order_facts import Hold, OrderFacts
from desktop_sync.state.records import OrderRow, iso

__all__ = ["BEFORE_START", "folder_words", "order_facts_of", "why_it_qualifies"]

BEFORE_START = "before start"
"""The reason ``order_facts_of`` is given for an order placed before the start."""


def _name(address: StoreAddress) -> str:
    parts = (address.first_name.strip(), address.last_name.strip())
    return " ".join(p for p in parts if p) or address.company.strip()


def _hold(order: StoreOrder, reason: str) -> Hold:
    if reason == BEFORE_START:
        return Hold.BEFORE_START
    if not reason:
        return Hold.NONE
    if order.is_cancelled:
        return Hold.CANCELLED
    if order.payment_state in NEVER_SENT_PAYMENTS:
        return Hold.PAYMENT
    return Hold.STATUS


def order_facts_of(order: StoreOrder, reason: str, *, platform: str = "") -> OrderFacts:
    """``order`` as the orders view shows it; ``reason`` is why it is not sent ("" when it
    is, ``BEFORE_START`` when it was placed before the start)."""
    customer = _name(order.billing_address) or _name(order.shipping_address) or order.email
    return OrderFacts(
        store_order_id=order.id,
        order_number=order.number,
        placed=order.created_at,
        platform=platform,
        customer=customer,
        total=f"{order.order_total:.2f}",
        currency=order.currency,
        store_status=order.status.strip(),
        hold=_hold(order, reason),
    )


def why_it_qualifies(known: OrderRow, order: StoreOrder) -> str:
    """Why an order held until now is sent: the store changed it, or (its store copy the same
    as when it was held) the statuses chosen in Settings changed."""
    if iso(known.store_updated_at) == iso(order.updated_at):
        return "the statuses chosen in Settings changed"
    return "its status or payment changed in the store"


def folder_words(chosen: int | str | None, folder_id: int) -> str:
    """The Order Desk folder an order went to as the merchant chose it: "New (21654)"."""
    named = chosen if isinstance(chosen, str) and chosen else ""
    return f"{named} ({folder_id})" if named and folder_id else named or str(folder_id or "")

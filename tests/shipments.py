"""A shipment in the journal, for the tests of what the window and the CLI show of orders."""

from __future__ import annotations

from desktop_sync.state.journal import Journal
from desktop_sync.state.states import ShipmentKind


def add_shipment(
    journal: Journal,
    store_order_id: str,
    number: str,
    tracking: str,
    *,
    orderdesk_id: str = "1",
    done: bool = True,
) -> None:
    """One UPS shipment of line 1, sent to the store (``done``) or waiting."""
    shipment_id = f"s-{store_order_id}-{tracking}"
    journal.record_shipment(
        shipment_id=shipment_id,
        orderdesk_order_id=orderdesk_id,
        store_order_id=store_order_id,
        order_number=number,
        tracking_number=tracking,
        carrier="UPS",
        tracking_url="",
        shipment_method="",
        lines=[("1", 1)],
        kind=ShipmentKind.FULFIL,
    )
    if done:
        journal.mark_shipment_done(shipment_id, "F1")

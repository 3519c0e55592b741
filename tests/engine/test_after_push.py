"""After it was sent (issue 12, item 8), over real sockets: a cancel in the store moves the
Order Desk order to the cancellations folder with a note, unless it shipped (then the merchant
is told, loudly, and nothing moves); a refund or an address change leaves a note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_sync.engine.events import Level
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.bigcommerce_shapes import STATUS_LABELS
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine, minute_ago

CANCELLED = 5


def _change(kit: BigCommerceKit, order_id: str, **data: Any) -> None:
    """The merchant edits the order in the BigCommerce control panel."""
    emulator = kit.emulator
    with emulator.lock:
        record = emulator._orders[int(order_id)]
        record.data.update(data)
        record.address.update(data.pop("address", {}))
    kit.touch_order(order_id)


def _cancel(kit: BigCommerceKit, order_id: str) -> None:
    label = STATUS_LABELS[CANCELLED]
    _change(kit, order_id, status_id=CANCELLED, status=label, custom_status=label)


def _history(orderdesk: OrderDeskEmulator, orderdesk_id: str) -> list[str]:
    with orderdesk.lock:
        return [h["note"] for h in orderdesk.book.orders[orderdesk_id]["order_history"]]


def _two_sent(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, journal: Path, seed: int
) -> tuple[SyncEngine, list[str], list[str]]:
    """An engine that has sent two store orders: (engine, store ids, Order Desk ids)."""
    ids = store.add_orders(generate_orders(2, seed=seed))
    engine = make_engine(orderdesk, store.connector(), journal, start_at=minute_ago())
    engine.run_cycle()
    rows = [engine.journal.get_order(i) for i in ids]
    return engine, ids, [row.orderdesk_order_id or "" for row in rows if row is not None]


def _log(engine: SyncEngine, level: Level) -> list[str]:
    return [e.message for e in engine.journal.events_page(0, 200, levels=(level,))]


def test_cancelled_after_the_push_moves_to_canceled_with_a_note_unless_it_shipped(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    engine, ids, (waiting, shipped) = _two_sent(store, orderdesk, tmp_path / "j.sqlite3", 71)
    try:
        orderdesk.add_shipment(shipped, "1Z999AA10000000071")
        engine.run_cycle()  # the shipment reaches the store
        for order_id in ids:
            _cancel(store, order_id)
        result = engine.run_cycle()
        again = engine.run_cycle()
        errors = _log(engine, Level.ERROR)
    finally:
        engine.close()
    folders = orderdesk.folder_ids()
    assert orderdesk.get(waiting)["folder_id"] == folders["Canceled"]
    assert any("Cancelled in BigCommerce: do not ship" in n for n in _history(orderdesk, waiting))
    assert orderdesk.get(shipped)["folder_id"] == folders["New"]  # shipped: nothing moves
    assert not any("do not ship" in n for n in _history(orderdesk, shipped))
    (attention,) = result.attention
    assert attention.order_number == ids[1] and "after it shipped" in attention.reason
    assert "1Z999AA10000000071" in attention.reason
    assert attention.reason in errors
    assert again.attention == ()  # told once


def test_a_refund_or_an_address_change_before_shipping_leaves_a_note_for_the_warehouse(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    engine, ids, (refunded, moved) = _two_sent(store, orderdesk, tmp_path / "j.sqlite3", 72)
    try:
        # (Refunded in full, it must not ship: tests/engine/test_refunds.py.)
        _change(store, ids[0], payment_status="partially refunded")
        _change(store, ids[1], address={"street_1": "9 New Street", "city": "Newtown"})
        engine.run_cycle()
        engine.run_cycle()
        warnings = _log(engine, Level.WARNING)
    finally:
        engine.close()
    (refund_note,) = [n for n in _history(orderdesk, refunded) if "Refunded" in n]
    assert "in part" in refund_note
    (address_note,) = [n for n in _history(orderdesk, moved) if "address" in n]
    assert "9 New Street" in address_note and "Newtown" in address_note
    assert sum("A note was added in Order Desk" in w for w in warnings) == 2
    assert orderdesk.get(refunded)["folder_id"] == orderdesk.folder_ids()["New"]

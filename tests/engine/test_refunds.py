"""A refund after the push (issue 21, item 3), over real sockets: refunded in full before it
shipped, the order must not ship, so it is treated like a cancel (moved to the cancellations
folder with a note); refunded in part, a note tells the warehouse and the order is listed as
needing the merchant's look."""

from __future__ import annotations

from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_after_push import _change, _history


def _sent(store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, seed: int):
    (sid,) = store.add_orders(generate_orders(1, seed=seed))
    engine.run_cycle()
    row = engine.journal.get_order(sid)
    assert row is not None and row.orderdesk_order_id
    return sid, row.orderdesk_order_id


def test_refunded_in_full_before_shipping_is_moved_to_the_cancellations_folder(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    sid, orderdesk_id = _sent(store, orderdesk, engine, seed=2131)
    _change(store, sid, payment_status="refunded")
    engine.run_cycle()
    again = engine.run_cycle()
    assert orderdesk.get(orderdesk_id)["folder_id"] == orderdesk.folder_ids()["Canceled"]
    notes = [n for n in _history(orderdesk, orderdesk_id) if "do not ship" in n]
    assert len(notes) == 1 and "Refunded in full" in notes[0]
    assert again.push is not None and again.push.attention == ()


def test_refunded_in_full_after_shipping_tells_the_merchant_and_moves_nothing(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    sid, orderdesk_id = _sent(store, orderdesk, engine, seed=2132)
    orderdesk.add_shipment(orderdesk_id, "1ZREFUNDSHIP1")
    engine.run_cycle()
    _change(store, sid, payment_status="refunded")
    result = engine.run_cycle()
    assert orderdesk.get(orderdesk_id)["folder_id"] == orderdesk.folder_ids()["New"]
    assert result.push is not None
    (attention,) = result.push.attention
    assert "refunded in full" in attention.reason and "1ZREFUNDSHIP1" in attention.reason


def test_refunded_in_part_leaves_a_note_and_lists_the_order_for_the_merchant(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    sid, orderdesk_id = _sent(store, orderdesk, engine, seed=2133)
    _change(store, sid, payment_status="partially refunded")
    result = engine.run_cycle()
    again = engine.run_cycle()
    assert orderdesk.get(orderdesk_id)["folder_id"] == orderdesk.folder_ids()["New"]
    (note,) = [n for n in _history(orderdesk, orderdesk_id) if "Refunded" in n]
    assert "in part" in note
    (flagged,) = engine.journal.orders_needing_look()
    assert flagged.store_order_id == sid and "refunded in part" in flagged.needs_look
    assert result.push is not None
    (attention,) = result.push.attention
    assert attention.reason == flagged.needs_look
    assert again.push is not None and again.push.attention == ()

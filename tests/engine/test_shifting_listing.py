"""A waiting shipment survives a listing that shifts (issue 21, item 8): an Order Desk order is
deleted between list page 1 and page 2, page 2 starts one order later, and the waiting
shipment's order is not listed. "Not listed" is no proof the shipment was deleted: the pull
reads the order itself before dropping anything. Over real sockets."""

from __future__ import annotations

from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock


def _listing(orderdesk: OrderDeskEmulator, engine: SyncEngine) -> list[str]:
    """The Order Desk ids one pull lists, in the order it lists them."""
    seen: list[str] = []
    orderdesk.after_list_page = lambda offset, ids: seen.extend(ids)
    try:
        engine.run_cycle(push=False)
    finally:
        orderdesk.after_list_page = None
    return seen


def _shifted_pull(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    engine: SyncEngine,
    clock: Clock,
    *,
    shipment_deleted: bool,
) -> tuple[str, list[str]]:
    """A shipment waits after a store error; in the next pull an Order Desk order is deleted
    between page 1 and page 2, so the shipment's order is not listed. Returns the store
    order id and the log."""
    store.add_orders(generate_orders(5, seed=2181))
    engine.run_cycle()
    orderdesk.list_page_limit = 2
    listed = _listing(orderdesk, engine)
    assert len(listed) == 5
    deleted, victim = listed[0], listed[2]
    sid = str(orderdesk.get(victim)["order_metadata"]["store_order_id"])
    shipment = orderdesk.add_shipment(victim, "1ZSHIFTED0001")
    store.emulator.faults.inject(Fault.SERVER_ERROR, 1, method="POST", path=r"/shipments$")
    first = engine.run_cycle()
    assert first.pull is not None and first.pull.waiting == 1
    if shipment_deleted:
        assert orderdesk.delete_shipment(victim, shipment["id"])

    def delete_after_the_first_page(offset: int, ids: list[str]) -> None:
        if offset == 0 and deleted in ids:
            with orderdesk.lock:
                orderdesk.book.delete(deleted)

    orderdesk.after_list_page = delete_after_the_first_page
    try:
        clock.skip()
        engine.run_cycle()
    finally:
        orderdesk.after_list_page = None
    clock.skip()
    engine.run_cycle()
    return sid, [e.message for e in engine.journal.events_page(0, 200)]


def test_a_waiting_shipment_whose_order_a_shifted_page_left_out_still_ships(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid, log = _shifted_pull(store, orderdesk, engine, clock, shipment_deleted=False)
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZSHIFTED0001"]]
    assert not any("deleted in Order Desk" in n for n in log)


def test_a_shipment_deleted_in_order_desk_is_dropped_once_its_order_is_read(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid, log = _shifted_pull(store, orderdesk, engine, clock, shipment_deleted=True)
    assert store.fulfillments(sid) == []
    assert sum("1ZSHIFTED0001" in n and "deleted in Order Desk" in n for n in log) == 1

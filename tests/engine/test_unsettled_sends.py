"""A shipment that comes before an interrupted send is settled (issue 21, item 0): Order Desk
stored the order but its answer was lost, so the journal still says ``sending`` when the
warehouse ships it. The shipment waits for the send to be settled and then reaches the store;
it is never given up on as "not an order this app sent". Over real sockets, per platform.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.states import OrderState, ShipmentState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits import bigcommerce, shopify, woocommerce
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator, running

KITS = {"bigcommerce": bigcommerce, "shopify": shopify, "woocommerce": woocommerce}
NOT_OURS = "Not an order this app sent"
Kit = Any  # the three kits share one duck-typed interface (tests/contract/kits)


@pytest.fixture(params=[True, False], ids=["duplicates_refused", "duplicates_accepted"])
def orderdesk(request: pytest.FixtureRequest) -> Iterator[OrderDeskEmulator]:
    """Order Desk under each reading of a second order with the same number (undocumented)."""
    with running(orderdesk_emulator(reject_duplicates=request.param)) as emulator:
        yield emulator


@pytest.fixture(params=sorted(KITS))
def store(request: pytest.FixtureRequest) -> Iterator[Kit]:
    """The store of each platform in turn (the engine fixture builds on it)."""
    made = KITS[request.param].make_kit()
    made.start()
    yield made
    made.stop()


def _send_with_answer_lost(
    store: Kit, orderdesk: OrderDeskEmulator, engine: SyncEngine, seed: int
) -> tuple[str, dict[str, Any]]:
    """One order whose create Order Desk stores, then drops the connection: ``sending``."""
    (sid,) = store.add_orders(generate_orders(1, seed=seed))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    first = engine.run_cycle()
    assert first.push is not None and first.push.waiting == 1
    row = engine.journal.get_order(sid)
    assert row is not None and row.state is OrderState.SENDING
    (od,) = orderdesk.orders_with_source(row.order_number)
    return sid, od


def _settle(engine: SyncEngine, clock: Clock, cycles: int = 3) -> None:
    for _ in range(cycles):
        clock.skip()
        engine.run_cycle()


def _messages(engine: SyncEngine) -> str:
    return "\n".join(e.message for e in engine.journal.events_page(0, 1000))


def test_a_shipment_added_while_the_send_is_unsettled_reaches_the_store(
    store: Kit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid, od = _send_with_answer_lost(store, orderdesk, engine, seed=2101)
    orderdesk.add_shipment(od["id"], "1ZUNSETTLED1")
    engine.run_cycle()  # the retry of the send is not due yet; the pull lists the order
    assert engine.journal.shipments_in_state(ShipmentState.SKIPPED) == []
    _settle(engine, clock)
    assert engine.journal.get_order(sid).state is OrderState.SENT  # type: ignore[union-attr]
    text = _messages(engine)
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZUNSETTLED1"]]
    assert NOT_OURS not in text
    assert "left alone" not in text


def test_a_partial_shipment_before_the_send_settled_leaves_only_the_rest_for_the_next(
    store: Kit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    seed = next(s for s in range(2110, 2200) if len(generate_orders(1, seed=s)[0].lines) >= 2)
    sid, od = _send_with_answer_lost(store, orderdesk, engine, seed=seed)
    first = od["order_items"][0]
    orderdesk.add_shipment(
        od["id"], "1ZPARTFIRST1", order_items=[{"id": first["id"], "quantity": 1}]
    )
    engine.run_cycle()
    _settle(engine, clock)
    orderdesk.add_shipment(od["id"], "1ZTHERESTNOW")  # "the rest": no items named
    _settle(engine, clock)
    made = {f["tracking_numbers"][0]: f["lines"] for f in store.fulfillments(sid)}
    line = first["metadata"]["store_line_id"]
    rest = {i["metadata"]["store_line_id"]: i["quantity"] for i in od["order_items"]}
    rest[line] -= 1
    assert made["1ZPARTFIRST1"] == {line: 1}
    assert made["1ZTHERESTNOW"] == {k: v for k, v in rest.items() if v}


def test_a_shipment_left_alone_before_its_order_was_adopted_is_looked_at_again(
    store: Kit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    """The journal was lost (a new PC, a restored backup): the order is in Order Desk, this
    journal has no row for it yet, and the store is unreachable in the first cycle, so only
    the pull runs. Absence from the journal is no proof the order is not ours."""
    start = minute_ago()
    (sid,) = store.add_orders(generate_orders(1, seed=2102))
    first = make_engine(orderdesk, store.connector(), tmp_path / "a.sqlite3", start_at=start)
    try:
        assert first.run_cycle().push.sent == 1  # type: ignore[union-attr]
    finally:
        first.close()
    (od,) = orderdesk.orders_with_source(sid if store.platform != "shopify" else _number(orderdesk))
    orderdesk.add_shipment(od["id"], "1ZLOSTJOURNAL")
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "b.sqlite3", start_at=start, clock=clock
    )
    try:
        store.emulator.faults.inject(Fault.SERVER_ERROR, 1000)
        offline = engine.run_cycle()
        assert offline.health.value == "store_offline"
        store.emulator.faults.clear()
        _settle(engine, clock)
        assert engine.journal.get_order(sid).state is OrderState.SENT  # type: ignore[union-attr]
    finally:
        engine.close()
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZLOSTJOURNAL"]]


def _number(orderdesk: OrderDeskEmulator) -> str:
    (order,) = orderdesk.orders()
    return str(order["source_id"])

"""The month's "orders sent" is what reached Order Desk from this computer, once each: an order
whose send Order Desk stored but whose answer was lost was sent all the same (found there at
the next attempt, never sent twice), and counts once. Over real sockets, the engine writing
its own log."""

from __future__ import annotations

from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.month import per_day
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock


def test_an_order_whose_answer_was_lost_counts_once_as_sent(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    lost, sent = store.add_orders(generate_orders(2, seed=2207))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    engine.run_cycle()
    row = engine.journal.get_order(lost)
    assert row is not None and row.state is OrderState.SENDING
    for _ in range(3):
        clock.skip(0.25)  # the retry comes due within the day
        engine.run_cycle()
    assert {engine.journal.get_order(i).state for i in (lost, sent)} == {  # type: ignore[union-attr]
        OrderState.SENT
    }
    assert len(orderdesk.orders()) == 2
    month = per_day(engine.journal, clock(), stores=("1",))
    assert sum(d.sent for d in month.days) == 2

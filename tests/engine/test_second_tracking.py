"""A second tracking number entered in Order Desk a cycle after the first reached the store
(issue 21, item 9): by then every line has shipped and the pull no longer looks at the order,
but the new number is this app's order's all the same; it reaches the customer, and the log
never calls the order another's. Over real sockets, WooCommerce (the order is completed by
then) and BigCommerce."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import Clock, make_engine, minute_ago

Kit = Any


@pytest.fixture(params=["woocommerce", "bigcommerce"])
def kit(request: pytest.FixtureRequest) -> Iterator[Kit]:
    made = WooCommerceKit() if request.param == "woocommerce" else BigCommerceKit()
    made.start()
    yield made
    made.stop()


def test_a_second_tracking_number_a_cycle_after_the_first_reaches_the_store(
    kit: Kit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    (sid,) = kit.add_orders(generate_orders(1, seed=2191))
    engine = make_engine(
        orderdesk, kit.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=clock
    )
    try:
        engine.run_cycle()
        row = engine.journal.get_order(sid)
        assert row is not None and row.orderdesk_order_id
        orderdesk.add_shipment(row.orderdesk_order_id, "1ZFIRSTBOX001")
        first = engine.run_cycle()
        assert first.pull is not None and first.pull.fulfillments_created == 1
        clock.skip(hours=0.1)
        engine.run_cycle()  # a quiet cycle: the order has fully shipped
        orderdesk.add_shipment(row.orderdesk_order_id, "1ZSECONDBOX02")
        clock.skip(hours=0.1)
        second = engine.run_cycle()
        log = [e.message for e in engine.journal.events_page(0, 200)]
        can_add = kit.connector().capabilities.multiple_tracking_numbers
    finally:
        engine.close()
    assert not any("did not send" in m or "Not an order this app sent" in m for m in log)
    numbers = [n for f in kit.fulfillments(sid) for n in f["tracking_numbers"]]
    assert second.pull is not None
    if can_add:
        assert numbers == ["1ZFIRSTBOX001", "1ZSECONDBOX02"]
        assert second.pull.tracking_added == 1
    else:  # one number per shipment: the second is logged, not dropped silently
        assert numbers == ["1ZFIRSTBOX001"]
        assert any("1ZSECONDBOX02" in m and "was not added" in m for m in log)

"""An upgrade never makes unsendable an order the old version would have sent (issue 21,
item 10): on a headless WooCommerce profile (no start date saved, so the start is when the
command starts), an order awaiting payment when the first release was replaced (that release
listed only processing and on-hold orders, so its journal never saw it), paid after the
upgrade, is sent, not "placed before the app started sending orders". Over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine.first_release import first_release_journal
from tests.harness import Clock, make_engine
from tests.reliability.rig import woo_connector_on


@pytest.fixture
def woo(clock: Clock) -> Iterator[WooCommerceKit]:
    kit = WooCommerceKit()
    kit.emulator = WooCommerceEmulator(shipment_tracking=True, now=clock)
    kit.start()
    yield kit
    kit.stop()


def test_an_order_awaiting_payment_at_the_upgrade_and_paid_after_it_is_sent(
    woo: WooCommerceKit, clocked_orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    # The first release is connected and sends a paid order.
    sent = tmp_path / "sent.sqlite3"
    woo.add_orders(generate_orders(1, seed=2201))
    connected = clock() - timedelta(minutes=1)
    first = make_engine(
        clocked_orderdesk,
        woo_connector_on(woo.emulator, clock),
        sent,
        start_at=connected,
        clock=clock,
    )
    try:
        assert first.run_cycle().push.sent == 1  # type: ignore[union-attr]
    finally:
        first.close()
    clock.skip(hours=1)
    awaiting = woo.emulator.add_order(generate_orders(2, seed=2202)[1], status="pending")
    clock.skip(hours=1)
    # The upgrade, on a headless profile: the start is when the command starts.
    old = tmp_path / "old.sqlite3"
    first_release_journal(sent, old, push_mark=clock())
    engine = make_engine(
        clocked_orderdesk, woo_connector_on(woo.emulator, clock), old, start_at=clock(), clock=clock
    )
    try:
        engine.run_cycle()
        clock.skip(hours=0.1)
        with woo.emulator.lock:
            shop = woo.emulator.shop
            shop.set_status(shop.orders[awaiting], "processing")
            shop.bump(shop.orders[awaiting])
        clock.skip(hours=0.01)
        engine.run_cycle()
        row = engine.journal.get_order(str(awaiting))
        log = [e.message for e in engine.journal.events_page(0, 100)]
    finally:
        engine.close()
    assert not any("before the app started sending orders" in m for m in log)
    assert row is not None and row.state == "sent"
    assert len(clocked_orderdesk.orders()) == 2

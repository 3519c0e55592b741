"""What time it is (issue 12, item 3): a PC clock that is off never moves a mark past the
servers' own time, is reported to the merchant, and leaves no hole once it is set right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.engine.events import Level
from desktop_sync.state.states import Cursor
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine, minute_ago


def test_a_pc_clock_an_hour_fast_loses_no_order_and_is_reported(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    pc = Clock()
    pc.offset = timedelta(hours=1)  # more than the 10-minute overlap
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=pc
    )
    try:
        store.add_orders(generate_orders(1, seed=31))
        first = engine.run_cycle()
        real_now = datetime.now(UTC)
        for cursor in Cursor:
            mark = engine.journal.get_cursor(cursor)
            if cursor is Cursor.SWEEP and mark is None:
                continue  # written once the pull sweeps older open orders: none here
            assert mark is not None and mark <= real_now, f"{cursor} mark past the servers' time"
        assert first.push is not None and first.push.sent == 1
        assert first.clock_offset is not None
        assert abs(first.clock_offset - timedelta(hours=1)) < timedelta(minutes=1)
        assert "1 h ahead of Order Desk's" in first.clock_message
        warnings = [e.message for e in engine.journal.events_page(0, 50, levels=(Level.WARNING,))]
        assert first.clock_message in warnings

        store.add_orders(generate_orders(1, seed=32))  # placed after the first scan
        engine.run_cycle()
        pc.offset = timedelta(0)  # the merchant sets the clock right
        store.add_orders(generate_orders(1, seed=33))
        engine.run_cycle()
        # Order Desk's clock reads in whole seconds, so an order placed within a second of a
        # scan may wait for the next one; none waits longer.
        engine.run_cycle()
    finally:
        engine.close()
    assert len(orderdesk.orders()) == 3


def test_a_start_ahead_of_the_servers_is_brought_back_to_their_time(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    # Connected while the PC's clock ran a day fast: "from now on" is the servers' now.
    pc = Clock()
    pc.offset = timedelta(days=1)
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=pc(), clock=pc
    )
    try:
        engine.run_cycle()
        pc.offset = timedelta(0)
        store.add_orders(generate_orders(2, seed=34))
        engine.run_cycle()
        result = engine.run_cycle()  # an order within a second of a scan waits for the next
        infos = [e.message for e in engine.journal.events_page(0, 50, levels=(Level.INFO,))]
    finally:
        engine.close()
    assert len(orderdesk.orders()) == 2
    assert result.clock_message == ""  # set right: nothing to report any more
    assert "This computer's clock is right again." in infos

"""One order stamped a day ahead (a wrong store clock, an import tool) never moves the push
mark past the servers' own time (issue 21, item 7): an order placed an hour later, while the
PC was off, is still sent. Over real sockets, on one clock for the engine and both servers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_sync.state.states import Cursor
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine


@pytest.fixture
def store(clock: Clock) -> Iterator[BigCommerceKit]:
    kit = BigCommerceKit()
    kit.emulator = BigCommerceEmulator(
        access_token=kit.emulator.access_token, time_scale=100.0, now=clock
    )
    kit.start()
    yield kit
    kit.stop()


def _stamp_ahead(store: BigCommerceKit, order_id: str, ahead: timedelta) -> None:
    emulator = store.emulator
    with emulator.lock:
        record = emulator._orders[int(order_id)]
        record.created += ahead
        record.modified += ahead
        emulator._stamp(record)


def test_an_order_stamped_a_day_ahead_does_not_carry_the_push_mark_with_it(
    store: BigCommerceKit, clocked_orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    engine = make_engine(
        clocked_orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=clock(), clock=clock
    )
    try:
        clock.skip(hours=0.01)
        _, outlier = store.add_orders(generate_orders(2, seed=2171))
        _stamp_ahead(store, outlier, timedelta(days=1))
        first = engine.run_cycle()
        assert first.push is not None and first.push.sent == 2
        mark = engine.journal.get_cursor(Cursor.PUSH)
        assert mark is not None and mark <= clock() + timedelta(minutes=1)
        # The PC is off for an hour; an order comes in half way through.
        clock.skip(hours=0.5)
        (later,) = store.add_orders(generate_orders(1, seed=2172))
        clock.skip(hours=0.5)
        second = engine.run_cycle()
        sent = engine.journal.get_order(later)
    finally:
        engine.close()
    assert second.push is not None and second.push.sent == 1
    assert sent is not None and sent.state == "sent"
    assert len(clocked_orderdesk.orders()) == 3

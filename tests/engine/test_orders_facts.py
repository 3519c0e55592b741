"""What the push keeps for the orders view and Needs you (issue 22), over real sockets: each
order's customer, total and folder; an order placed before the start said once, not at every
restart; a held order's true reason for qualifying; Send anyway for one order."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.events import Level
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.needs_you import needs_you
from desktop_sync.state.order_facts import send_anyway
from desktop_sync.state.orders_view import OrdersQuery, OrderWord, Show, find_orders, orders_page
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.shopify import ShopifyKit
from tests.harness import make_engine


@pytest.fixture
def shopify() -> Iterator[ShopifyKit]:
    kit = ShopifyKit()
    kit.start()
    yield kit
    kit.stop()


def _engine(
    orderdesk: OrderDeskEmulator,
    store: StoreConnector,
    path: Path,
    *,
    start_at: datetime,
    statuses: Collection[str] | None = None,
) -> SyncEngine:
    return make_engine(orderdesk, store, path, start_at=start_at, order_statuses=statuses)


def _info(engine: SyncEngine) -> list[str]:
    return [e.message for e in engine.journal.events_page(0, 200, levels=(Level.INFO,))]


def test_a_held_order_that_qualifies_after_the_setting_changed_does_not_blame_the_store(
    shopify: ShopifyKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = datetime.now(UTC) - timedelta(minutes=1)
    path = tmp_path / "j.sqlite3"
    (order_id,) = shopify.add_orders(generate_orders(1, seed=11))
    held = _engine(orderdesk, shopify.connector(), path, start_at=start, statuses=("fulfilled",))
    try:
        held.run_cycle()
        assert held.journal.get_order(order_id).state is OrderState.SKIPPED  # type: ignore[union-attr]
        (line,) = orders_page(held.journal, OrdersQuery(show=Show.NEEDS_ME), 10)
        assert (line.state, line.store_order_id) == (OrderWord.HELD, order_id)
    finally:
        held.close()
    cleared = _engine(orderdesk, shopify.connector(), path, start_at=start)
    try:
        cleared.run_cycle()
        said = [m for m in _info(cleared) if "now qualifies" in m]
    finally:
        cleared.close()
    assert len(orderdesk.orders()) == 1
    assert said and "changed in the store" not in said[0]
    assert "statuses chosen in Settings changed" in said[0]


def test_an_order_placed_before_the_start_is_said_once_across_restarts_and_listed_once(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    (old,) = store.add_orders(generate_orders(1, seed=21))
    with store.emulator.lock:
        record = store.emulator._orders[int(old)]
        record.created = record.modified = now - timedelta(minutes=5)
        store.emulator._stamp(record)
    path = tmp_path / "j.sqlite3"
    for _ in range(3):  # three starts of the app, each scanning the overlap again
        engine = _engine(orderdesk, store.connector(), path, start_at=now)
        try:
            engine.run_cycle()
            messages = _info(engine)
            listed = needs_you(engine.journal)
        finally:
            engine.close()
    assert len([m for m in messages if "before the app started sending" in m]) == 1
    (row,) = listed.rows
    assert (row.count, row.button, row.store_order_ids) == (1, "Send it", (old,))
    assert orderdesk.orders() == []


def test_send_anyway_sends_one_order_placed_before_the_start_and_no_other(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    old = store.add_orders(generate_orders(2, seed=31))
    with store.emulator.lock:
        for order_id in old:
            record = store.emulator._orders[int(order_id)]
            record.created = record.modified = now - timedelta(minutes=5)
            store.emulator._stamp(record)
    engine = _engine(orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=now)
    try:
        engine.run_cycle()
        engine.run_cycle()  # the second scan looks back over the overlap
        assert orderdesk.orders() == []
        (row,) = needs_you(engine.journal).rows
        assert row.title.startswith("2 orders placed before setup")
        journal = engine.journal
        chosen = old[0]
        (line,) = [o for o in orders_page(journal, OrdersQuery(), 10) if o.store_order_id == chosen]
        send_anyway(journal, chosen)
        journal.record_order_seen(chosen, line.number, line.placed, line.placed)
        engine.run_cycle()
        (sent,) = find_orders(journal, line.number)
    finally:
        engine.close()
    assert [o["source_id"] for o in orderdesk.orders()] == [chosen]
    assert sent.state is OrderWord.SENT and sent.orderdesk_ids
    assert sent.customer and sent.total and sent.folder


def test_send_anyway_sends_an_order_held_by_the_statuses_chosen(
    shopify: ShopifyKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = datetime.now(UTC) - timedelta(minutes=1)
    (order_id,) = shopify.add_orders(generate_orders(1, seed=41))
    engine = _engine(
        orderdesk,
        shopify.connector(),
        tmp_path / "j.sqlite3",
        start_at=start,
        statuses=("fulfilled",),
    )
    try:
        engine.run_cycle()
        assert orderdesk.orders() == []
        send_anyway(engine.journal, order_id)
        assert engine.journal.requeue_order(order_id)
        engine.run_cycle()
        assert engine.journal.get_order(order_id).state is OrderState.SENT  # type: ignore[union-attr]
    finally:
        engine.close()
    assert len(orderdesk.orders()) == 1

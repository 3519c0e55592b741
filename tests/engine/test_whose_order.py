"""Whose order it is (issue 12, items 1 and 2): the push matches Order Desk orders on the store's
identity and the store order id, never on the order number, over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from desktop_sync.app.platforms import source_name_for
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.events import CycleResult
from desktop_sync.engine.identity import STORE_KEY
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import make_engine, minute_ago, orderdesk_emulator


@pytest.fixture
def second_store() -> Iterator[BigCommerceKit]:
    """Another BigCommerce store of the same merchant: its numbers also start at 100."""
    kit = BigCommerceKit()
    kit.emulator.store_hash = "sandbox2"
    kit.start()
    yield kit
    kit.stop()


def _sync_once(
    orderdesk: OrderDeskEmulator, store: StoreConnector, journal: Path, start: datetime
) -> CycleResult:
    """One cycle of a fresh engine (a PC of its own, with its own journal)."""
    engine = make_engine(orderdesk, store, journal, start_at=start)
    try:
        return engine.run_cycle()
    finally:
        engine.close()


def _orderdesk(reject_duplicates: bool) -> OrderDeskEmulator:
    emulator = orderdesk_emulator(reject_duplicates=reject_duplicates)
    emulator.start()
    return emulator


def test_two_stores_numbering_alike_never_adopt_each_others_orders(
    store: BigCommerceKit, second_store: BigCommerceKit, tmp_path: Path
) -> None:
    orderdesk = _orderdesk(reject_duplicates=False)
    try:
        start = minute_ago()
        first_ids = store.add_orders(generate_orders(3, seed=21))
        second_ids = second_store.add_orders(generate_orders(3, seed=22))
        assert first_ids == second_ids == ["100", "101", "102"]
        first = make_engine(orderdesk, store.connector(), tmp_path / "a.sqlite3", start_at=start)
        second = make_engine(
            orderdesk, second_store.connector(), tmp_path / "b.sqlite3", start_at=start
        )
        try:
            assert first.run_cycle().push.sent == 3  # type: ignore[union-attr]
            result = second.run_cycle()
        finally:
            first.close()
            second.close()
        assert result.push is not None
        assert (result.push.sent, result.push.adopted) == (3, 0)
        for number in first_ids:
            owners = {o["order_metadata"][STORE_KEY] for o in orderdesk.orders_with_source(number)}
            assert owners == {
                f"bigcommerce:{store.emulator.store_hash}",
                f"bigcommerce:{second_store.emulator.store_hash}",
            }
    finally:
        orderdesk.stop()


def test_a_duplicate_refusal_naming_another_stores_order_fails_with_a_sentence(
    store: BigCommerceKit, second_store: BigCommerceKit, tmp_path: Path
) -> None:
    orderdesk = _orderdesk(reject_duplicates=True)
    try:
        start = minute_ago()
        store.add_orders(generate_orders(2, seed=23))
        second_store.add_orders(generate_orders(2, seed=24))
        first = make_engine(orderdesk, store.connector(), tmp_path / "a.sqlite3", start_at=start)
        second = make_engine(
            orderdesk, second_store.connector(), tmp_path / "b.sqlite3", start_at=start
        )
        try:
            first.run_cycle()
            result = second.run_cycle()
            linked = second.journal.orders_in_state(OrderState.SENT)
        finally:
            first.close()
            second.close()
        assert result.push is not None
        assert (result.push.sent, result.push.adopted, len(result.push.failed)) == (0, 0, 2)
        assert "duplicate" in result.push.failed[0].reason
        assert "press Retry" in result.push.failed[0].reason
        assert linked == []  # nothing of the second store points at the first store's orders
    finally:
        orderdesk.stop()


def test_an_interrupted_send_is_not_resolved_onto_another_stores_order(
    store: BigCommerceKit,
    second_store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    tmp_path: Path,
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(1, seed=25))
    _sync_once(orderdesk, store.connector(), tmp_path / "a.sqlite3", start)
    orderdesk.book.reject_duplicates = False
    (order,) = generate_orders(1, seed=26)
    second_store.add_orders([order])
    second = make_engine(
        orderdesk, second_store.connector(), tmp_path / "b.sqlite3", start_at=start
    )
    try:
        store_order = second_store.connector().get_order("100")
        second.journal.record_order_seen(
            "100", "100", store_order.created_at, store_order.updated_at
        )
        second.journal.mark_sending("100")  # a crash between the commit and the answer
        result = second.run_cycle()
    finally:
        second.close()
    assert result.push is not None
    assert (result.push.sent, result.push.adopted) == (1, 0)
    assert len(orderdesk.orders_with_source("100")) == 2


def test_an_order_sent_before_the_store_identity_was_written_is_still_adopted(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    store.add_orders(generate_orders(2, seed=27))
    _sync_once(orderdesk, store.connector(), tmp_path / "a.sqlite3", start)
    with orderdesk.lock:  # as an earlier version wrote them: no store identity
        for order in orderdesk.book.orders.values():
            order["order_metadata"].pop(STORE_KEY)
    result = _sync_once(orderdesk, store.connector(), tmp_path / "b.sqlite3", start)
    assert result.push is not None
    assert (result.push.sent, result.push.adopted) == (0, 2)


def test_two_orders_with_one_number_in_one_store_are_both_sent(
    woo: WooCommerceKit, tmp_path: Path
) -> None:
    orderdesk = _orderdesk(reject_duplicates=False)

    def place(seed: int) -> str:
        (order_id,) = woo.add_orders(generate_orders(1, seed=seed))
        with woo.emulator.lock:  # a sequential-number plugin gives both the number 1001
            woo.emulator.shop.orders[int(order_id)]["number"] = "1001"
        return order_id

    try:
        start = minute_ago()
        engine = make_engine(orderdesk, woo.connector(), tmp_path / "w.sqlite3", start_at=start)
        try:
            ids = [place(28)]
            first = engine.run_cycle()
            ids.append(place(29))
            second = engine.run_cycle()
        finally:
            engine.close()
        assert first.push is not None and second.push is not None
        assert (first.push.sent, second.push.sent, second.push.adopted) == (1, 1, 0)
        sent = orderdesk.orders_with_source("1001", source_name_for("woocommerce"))
        assert sorted(o["order_metadata"]["store_order_id"] for o in sent) == sorted(ids)
    finally:
        orderdesk.stop()

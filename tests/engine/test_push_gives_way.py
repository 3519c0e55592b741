"""Issue 20, one Order Desk bucket shared fairly: a push gives way to another store between
orders when asked, and the next push goes on where it stopped, over real sockets. No order
is lost or sent twice by the turns, and a push that goes on keeps its batch's look-up (one
list call for the whole backlog, as without turns) unless new orders joined the batch."""

from __future__ import annotations

from collections.abc import Callable

from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_exactly_once import assert_each_order_once
from tests.harness import Clock


def every(n: int) -> Callable[[], bool]:
    """A ``give_way`` that asks for a turn after every ``n`` orders."""
    asked = [0]

    def give_way() -> bool:
        asked[0] += 1
        return asked[0] % n == 0

    return give_way


def listings(orderdesk: OrderDeskEmulator) -> int:
    return len([r for r in orderdesk.request_log if r[:2] == ("GET", "/api/v2/orders")])


def test_a_push_that_gives_way_goes_on_next_time_and_sends_each_order_once(
    engine: SyncEngine, store: BigCommerceKit, orderdesk: OrderDeskEmulator
) -> None:
    store.add_orders(generate_orders(25, seed=81))
    first = engine.run_cycle(pull=False, give_way=every(10))
    assert first.push is not None
    assert (first.push.sent, first.push.unsent) == (10, 15)
    assert len(orderdesk.orders()) == 10
    assert engine.journal.counts().pending == 15

    second = engine.run_cycle(pull=False, give_way=every(10))
    assert second.push is not None and (second.push.sent, second.push.unsent) == (10, 5)
    third = engine.run_cycle(pull=False, give_way=every(10))
    assert third.push is not None and (third.push.sent, third.push.unsent) == (5, 0)
    assert_each_order_once(orderdesk, 25)
    assert listings(orderdesk) == 1  # the batch's look-up, kept while the push went on
    assert store_listings(store) == 1  # the store's listing too: no order read one by one
    assert order_reads(store) == 0

    fourth = engine.run_cycle(pull=False, give_way=every(10))
    assert fourth.push is not None and (fourth.push.sent, fourth.push.unsent) == (0, 0)
    assert_each_order_once(orderdesk, 25)


def test_the_push_that_goes_on_lists_the_store_again_only_after_two_minutes(
    engine: SyncEngine, store: BigCommerceKit, orderdesk: OrderDeskEmulator, clock: Clock
) -> None:
    store.add_orders(generate_orders(12, seed=82))
    first = engine.run_cycle(pull=False, give_way=every(5))
    assert first.push is not None and first.push.unsent == 7
    store.add_orders(generate_orders(1, seed=83))
    going_on = engine.run_cycle(pull=False)
    # Its backlog first (oldest first in any case), the store not listed again for it.
    assert going_on.push is not None and (going_on.push.sent, going_on.push.unsent) == (7, 0)
    assert store_listings(store) == 1
    assert order_reads(store) == 0

    clock.skip(hours=3 / 60)
    later = engine.run_cycle(pull=False)
    assert later.push is not None and later.push.sent == 1
    assert store_listings(store) == 2
    assert listings(orderdesk) == 2  # a new batch: looked up again
    assert_each_order_once(orderdesk, 13)


def store_listings(store: BigCommerceKit) -> int:
    orders = f"/stores/{store.emulator.store_hash}/v2/orders"
    return len([r for r in store.emulator.request_log if r[:2] == ("GET", orders)])


def order_reads(store: BigCommerceKit) -> int:
    """Reads of one order (the listing carries every order the push sends)."""
    orders = f"/stores/{store.emulator.store_hash}/v2/orders/"
    return len([r for r in store.emulator.request_log if r[0] == "GET" and orders in r[1]])


def test_listing_the_store_again_keeps_the_batchs_look_up_when_no_order_joined(
    engine: SyncEngine, store: BigCommerceKit, orderdesk: OrderDeskEmulator, clock: Clock
) -> None:
    store.add_orders(generate_orders(10, seed=84))
    first = engine.run_cycle(pull=False, give_way=every(4))
    assert first.push is not None and first.push.unsent == 6
    clock.skip(hours=3 / 60)
    done = engine.run_cycle(pull=False)
    assert done.push is not None and (done.push.sent, done.push.unsent) == (6, 0)
    assert store_listings(store) == 2
    assert listings(orderdesk) == 1
    assert_each_order_once(orderdesk, 10)

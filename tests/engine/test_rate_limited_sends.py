"""A rate limit is not a failure of the order: Order Desk refused the request unprocessed and
said how long to wait, so the order is due again after that wait, its attempts not counted
(the slow soak's WooCommerce run, where every 429 burst pushed an order's retry out by a
minute or more: 30 s at least, growing with each burst)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from desktop_sync.engine.events import Health
from desktop_sync.state.journal import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_exactly_once import wait_until
from tests.harness import make_engine, minute_ago

# More 429s in a row than the client sits out inside one request (it then gives up and says
# Order Desk kept asking it to slow down), each asking for a second.
BURST = 5
ASKED = 1.0


def test_an_order_refused_by_a_429_burst_is_sent_after_the_wait_asked_for_not_a_minute_later(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    (sid,) = store.add_orders(generate_orders(1, seed=2103))
    orderdesk.injected_retry_after = ASKED
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        for burst in range(2):  # two bursts in a row: neither pushes the order out
            orderdesk.faults.inject(Fault.RATE_LIMIT, BURST, method="POST", path="/orders$")
            refused = engine.run_cycle()
            assert refused.push is not None
            assert (refused.push.sent, refused.push.waiting) == (0, 1), burst
            row = engine.journal.get_order(sid)
            assert row is not None and row.state is OrderState.PENDING
            assert row.attempts == 0  # the refused sends are not counted
            assert row.next_attempt_at is not None
            assert row.next_attempt_at - engine.ctx.now() <= timedelta(seconds=ASKED + 1)
            wait_until(lambda: bool(engine.journal.orders_due(engine.ctx.now())), timeout=5.0)
        sent = engine.run_cycle()
        assert sent.push is not None and sent.push.sent == 1
    finally:
        engine.close()
    assert len(orderdesk.orders()) == 1


def test_a_send_interrupted_earlier_is_still_looked_up_first_after_a_429_on_its_look_up(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    # The first send's answer is lost: the order stays "sending". At its next try the batch
    # look-up answers, then the order's own look-up meets a 429 burst: the order must stay
    # "sending" (looked up before any send), not be made "pending" (sent blind).
    (sid,) = store.add_orders(generate_orders(1, seed=2104))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        first = engine.run_cycle()
        assert first.push is not None and first.push.waiting == 1
        engine.journal.mark_order_retry(sid, "", engine.ctx.now(), state=OrderState.SENDING)
        orderdesk.injected_retry_after = ASKED
        burst_after_the_batch_look_up(orderdesk)
        refused = engine.run_cycle()
        assert refused.push is not None and refused.push.waiting == 1
        row = engine.journal.get_order(sid)
        assert row is not None and row.state is OrderState.SENDING
        assert row.next_attempt_at is not None
        assert row.next_attempt_at - engine.ctx.now() <= timedelta(seconds=ASKED + 1)
        wait_until(lambda: bool(engine.journal.orders_due(engine.ctx.now())), timeout=5.0)
        last = engine.run_cycle()
        assert last.push is not None and (last.push.adopted, last.push.sent) == (1, 0)
    finally:
        engine.close()
    assert len(orderdesk.orders()) == 1


def burst_after_the_batch_look_up(orderdesk: OrderDeskEmulator) -> None:
    """A 429 burst on the Order Desk requests that follow the next order listing."""

    def once(offset: int, ids: list[str]) -> None:
        orderdesk.after_list_page = None
        orderdesk.faults.inject(Fault.RATE_LIMIT, BURST)

    orderdesk.after_list_page = once


def test_a_cycle_cut_short_by_a_rate_limit_says_the_wait_asked_for_and_no_other_trouble(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    # What the scheduler waits on instead of its back-off (``CycleResult.rate_limited``).
    orderdesk.injected_retry_after = ASKED
    orderdesk.faults.inject(Fault.RATE_LIMIT, BURST, method="GET", path="/test$")
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        limited = engine.run_cycle()
        assert limited.health is Health.ORDERDESK_OFFLINE
        assert limited.rate_limited == ASKED
        orderdesk.faults.inject(Fault.RATE_LIMIT, BURST, method="GET")
        store.emulator.faults.inject(Fault.SERVER_ERROR, 20)  # the store is down as well
        both = engine.run_cycle()
        assert {health for health, _ in both.troubles} == {
            Health.STORE_OFFLINE,
            Health.ORDERDESK_OFFLINE,
        }
        assert both.rate_limited is None  # a side that cannot be reached: the back-off
    finally:
        engine.close()

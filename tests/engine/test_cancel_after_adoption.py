"""An order cancelled in the store after it reached Order Desk is passed on however the journal
came to know it was there (issue 21, item 1): sent, adopted after a lost answer, or sent by the
first release and upgraded since. Over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.first_release import first_release_journal
from tests.engine.test_after_push import _cancel, _history
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator, running


@pytest.fixture(params=[True, False], ids=["duplicates_refused", "duplicates_accepted"])
def orderdesk(request: pytest.FixtureRequest) -> Iterator[OrderDeskEmulator]:
    """Order Desk under each reading of a second order with the same number (undocumented)."""
    with running(orderdesk_emulator(reject_duplicates=request.param)) as emulator:
        yield emulator


def _cancelled_and_passed_on(orderdesk: OrderDeskEmulator, orderdesk_id: str) -> None:
    assert orderdesk.get(orderdesk_id)["folder_id"] == orderdesk.folder_ids()["Canceled"]
    assert any("do not ship" in note for note in _history(orderdesk, orderdesk_id))


def _answer_lost(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, seed: int
) -> str:
    """One order that Order Desk stored but whose answer was lost: the journal says sending."""
    (sid,) = store.add_orders(generate_orders(1, seed=seed))
    orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
    engine.run_cycle()
    return sid


def test_an_order_adopted_after_a_lost_answer_then_cancelled_is_moved_with_a_note(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid = _answer_lost(store, orderdesk, engine, seed=2111)
    clock.skip()
    adopted = engine.run_cycle()
    assert adopted.push is not None and adopted.push.adopted == 1
    _cancel(store, sid)
    engine.run_cycle()
    row = engine.journal.get_order(sid)
    log = [e.message for e in engine.journal.events_page(0, 100)]
    assert row is not None and row.state is OrderState.SENT and row.orderdesk_order_id
    _cancelled_and_passed_on(orderdesk, row.orderdesk_order_id)
    assert any(m.startswith("Cancelled in BigCommerce: moved") for m in log)


def test_an_order_cancelled_while_its_send_was_unsettled_is_moved_once_adopted(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid = _answer_lost(store, orderdesk, engine, seed=2112)
    _cancel(store, sid)  # while the journal still says "sending"
    clock.skip()
    engine.run_cycle()
    engine.run_cycle()
    row = engine.journal.get_order(sid)
    assert row is not None and row.orderdesk_order_id
    _cancelled_and_passed_on(orderdesk, row.orderdesk_order_id)


def test_an_order_sent_before_an_upgrade_and_cancelled_after_it_is_moved_with_a_note(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    (sid,) = store.add_orders(generate_orders(1, seed=2113))
    sent = tmp_path / "sent.sqlite3"
    first = make_engine(orderdesk, store.connector(), sent, start_at=start)
    try:
        assert first.run_cycle().push.sent == 1  # type: ignore[union-attr]
        orderdesk_id = first.journal.get_order(sid).orderdesk_order_id  # type: ignore[union-attr]
    finally:
        first.close()
    old = tmp_path / "old.sqlite3"
    first_release_journal(sent, old)
    _cancel(store, sid)
    engine = make_engine(orderdesk, store.connector(), old, start_at=start)
    try:
        assert engine.journal.previous_schema == 1
        engine.run_cycle()
    finally:
        engine.close()
    assert orderdesk_id
    _cancelled_and_passed_on(orderdesk, orderdesk_id)

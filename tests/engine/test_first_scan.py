"""The first sync after setup sees what the second would (the audit's shots 09, 10): orders
placed minutes before setup were found only by the second scan, two minutes later, because the
first scan started at the moment of connection and the later ones at the mark minus the
overlap. Over real sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.engine.events import Level
from desktop_sync.state.needs_you import needs_you
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_which_orders import _place, _sent
from tests.harness import make_engine


def test_orders_placed_minutes_before_setup_are_listed_by_the_first_sync(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    placed = now - timedelta(minutes=2)
    before = {_place(store, 60 + n, created=placed, modified=placed) for n in range(3)}
    engine = make_engine(orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=now)
    try:
        engine.run_cycle()
        notes = [e.message for e in engine.journal.events_page(0, 100, levels=(Level.INFO,))]
        listed = needs_you(engine.journal)
        engine.run_cycle()  # the second scan finds nothing more to say
        later = [e.message for e in engine.journal.events_page(0, 100, levels=(Level.INFO,))]
    finally:
        engine.close()
    left_out = [n for n in notes if "before the app started sending orders" in n]
    assert len(left_out) == 3, "the first sync says each order placed before setup"
    assert listed.count == 3 and "placed before setup" in listed.rows[0].title
    assert later == notes
    assert not before & _sent(orderdesk), "placed before setup: not sent"

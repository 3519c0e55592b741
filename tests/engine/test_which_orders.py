"""Which orders are sent (issue 12, items 4 and 6), over real sockets: "new orders from now on"
means orders placed after connecting; older ones only through a backfill that covers them, and
a backfill never moves the start forward nor is written over by a scan running meanwhile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.engine.events import Level
from desktop_sync.state.journal import Journal
from desktop_sync.state.states import Cursor
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _place(kit: BigCommerceKit, seed: int, *, created: datetime, modified: datetime) -> str:
    """An order placed at ``created`` and last changed at ``modified``."""
    (order_id,) = kit.add_orders(generate_orders(1, seed=seed))
    emulator = kit.emulator
    with emulator.lock:
        record = emulator._orders[int(order_id)]
        record.created, record.modified = created, modified
        emulator._stamp(record)
    return order_id


def _sent(orderdesk: OrderDeskEmulator) -> set[str]:
    return {o["source_id"] for o in orderdesk.orders()}


def test_orders_placed_before_connecting_are_not_sent_by_the_overlap_nor_when_edited(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = _now()
    minutes_ago = now - timedelta(minutes=5)
    placed_before = _place(store, 41, created=minutes_ago, modified=minutes_ago)
    old = _place(store, 42, created=now - timedelta(days=2), modified=now - timedelta(days=2))
    engine = make_engine(orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=now)
    try:
        engine.run_cycle()
        placed_after = store.add_orders(generate_orders(1, seed=43))[0]
        store.touch_order(old)  # marked shipped in the store after connecting, say
        engine.run_cycle()
        engine.run_cycle()
        notes = [e.message for e in engine.journal.events_page(0, 100, levels=(Level.INFO,))]
    finally:
        engine.close()
    assert _sent(orderdesk) == {placed_after}
    left_out = [n for n in notes if "before the app started sending orders" in n]
    assert len(left_out) == 2, "each order left out is said once"
    assert placed_before not in _sent(orderdesk) and old not in _sent(orderdesk)


def test_a_backfill_sends_the_older_orders_it_covers_and_no_others(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = _now()
    day = timedelta(days=1)
    covered = _place(store, 44, created=now - 2 * day, modified=now - 2 * day)
    too_old = _place(store, 45, created=now - 9 * day, modified=now - day)
    engine = make_engine(orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=now)
    try:
        engine.run_cycle()
        assert _sent(orderdesk) == set()
        assert engine.backfill(now - 3 * day) == now - 3 * day
        engine.run_cycle()
    finally:
        engine.close()
    assert _sent(orderdesk) == {covered}
    assert too_old not in _sent(orderdesk)


def test_a_backfill_later_than_the_mark_keeps_the_earlier_date(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = _now()
    hour = timedelta(hours=1)
    # The PC was off: the journal's mark is three hours old, an order came in two hours ago.
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=now - 3 * hour
    )
    try:
        engine.run_cycle()
        waiting = _place(store, 46, created=now - 2 * hour, modified=now - 2 * hour)
        assert engine.backfill(now - hour) == now - 3 * hour
        assert engine.journal.get_cursor(Cursor.PUSH) == now - 3 * hour
        engine.run_cycle()
    finally:
        engine.close()
    assert _sent(orderdesk) == {waiting}


class _BackfillMidScan:
    """The store's connector, with a backfill arriving from another window while it scans."""

    def __init__(self, store: StoreConnector, journal_path: Path, since: datetime) -> None:
        self._store = store
        self._journal_path = journal_path
        self._since = since
        self.platform = store.platform
        self.api_url = getattr(store, "api_url", "")

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        for index, order in enumerate(self._store.iter_orders(since, until)):
            if index == 0:
                with Journal(self._journal_path) as other:  # the CLI, say
                    other.backfill(self._since)
            yield order

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_a_backfill_given_while_a_scan_runs_is_not_written_over(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    now = _now()
    day = timedelta(days=1)
    journal_path = tmp_path / "j.sqlite3"
    older = _place(store, 47, created=now - 2 * day, modified=now - 2 * day)
    engine = make_engine(orderdesk, store.connector(), journal_path, start_at=now)
    try:
        engine.run_cycle()
        newer = store.add_orders(generate_orders(1, seed=48))[0]
        engine.pusher.store = _BackfillMidScan(  # type: ignore[assignment]
            store.connector(), journal_path, now - 3 * day
        )
        engine.run_cycle()
        assert engine.journal.get_cursor(Cursor.PUSH) == now - 3 * day
        engine.run_cycle()
    finally:
        engine.close()
    assert _sent(orderdesk) == {older, newer}

"""A pull that stays cheap (issue 21, item 11): one order placed 30 days ago still waits for
its shipment while every later order has shipped. The orders of the last days are listed every
cycle; the older open orders on a sweep once an hour, so a pull costs at most 2 Order Desk
requests on average, a shipment on the old order is found within the hour and one on a recent
order within a cycle. Orders moved to the cancellations folder leave the open set.

Over real sockets, on a clock the test moves (no sleeping), with Order Desk's list pages made
small (5 orders) so the old order's listing takes several pages, and under each reading of what
Order Desk does not document: date filters in UTC or in the store's zone, date_added as sent or
as received, a split-off order dated like the original or when split.
"""

# ruff: noqa: F811 (the store fixture imported below is the tests' parameter)
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_sync.engine.events import PullResult
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.engine.test_after_push import _cancel

# The store on the test's clock: orders are placed days before the test's present.
from tests.engine.test_push_mark import store  # noqa: F401
from tests.harness import Clock, make_engine, orderdesk_emulator

PAGE = 5
LATER = 24
"""Orders placed after the old one, over the 29 days since; all of them ship."""
CYCLE = timedelta(minutes=5)
"""The default pull interval."""
HOUR = 12
SWEEP = timedelta(hours=1)

READINGS = {
    "as documented": {},
    "dates in the store's zone": {"search_dates_zone": "store"},
    "date_added as received": {"date_added_on_create": "received"},
    "a split dated when split": {"split_date_added": "split"},
}


@pytest.fixture(params=list(READINGS))
def orderdesk(request: pytest.FixtureRequest, clock: Clock) -> Iterator[OrderDeskEmulator]:
    emulator = orderdesk_emulator(now=clock, split_suffix="-1")
    emulator.list_page_limit = PAGE
    for name, value in READINGS[request.param].items():
        owner = emulator if name == "search_dates_zone" else emulator.book
        setattr(owner, name, value)
    emulator.start()
    yield emulator
    emulator.stop()


def _pull(engine: SyncEngine, orderdesk: OrderDeskEmulator) -> tuple[PullResult, int]:
    """One pull, and the Order Desk requests it made besides reading Order Desk's clock
    (``GET /test``, at most once a minute for push and pull together)."""
    start = len(orderdesk.request_log)
    result = engine.pull_shipments()
    made = [r for r in orderdesk.request_log[start:] if r[1] != "/api/v2/test"]
    return result, len(made)


def _scene(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, journal: Path, clock: Clock
) -> tuple[SyncEngine, str, str, str]:
    """Orders placed and sent as the days went: the old one (30 days ago) still open, every
    later one shipped and fulfilled, a recent one (2 hours ago) open; a first pull done.
    Returns the engine, the old order's store id and Order Desk id, and the recent order's
    Order Desk id."""
    start = clock() - timedelta(days=31)
    engine = make_engine(orderdesk, store.connector(), journal, start_at=start, clock=clock)
    placed = []
    for n, ago in enumerate(
        [30.0, *(29 - day * 28 / LATER for day in range(LATER)), 2 / 24], start=2111
    ):
        clock.offset = -timedelta(days=ago)
        placed += store.add_orders(generate_orders(1, seed=n))
        assert engine.push_orders().sent == 1
    clock.offset = timedelta(0)
    old, recent = placed[0], placed[-1]
    rows = {r.store_order_id: r for r in engine.journal.orders_awaiting_shipment(start)}
    for sid, row in rows.items():
        if sid not in (old, recent):
            assert row.orderdesk_order_id
            orderdesk.add_shipment(row.orderdesk_order_id, f"1ZLATER{sid:0>8}")
    first, _ = _pull(engine, orderdesk)
    assert first.fulfillments_created == LATER and not first.failed
    old_id, recent_id = rows[old].orderdesk_order_id, rows[recent].orderdesk_order_id
    assert old_id and recent_id
    return engine, old, old_id, recent_id


def test_a_shipment_on_a_30_day_old_order_is_found_within_the_hour_at_2_requests_a_cycle(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    engine, old, old_id, _ = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        quiet = []
        for _ in range(HOUR):  # an hour without news, the old order still open
            clock.offset += CYCLE
            result, made = _pull(engine, orderdesk)
            quiet.append(made)
        # Added just after the hour's sweep: the longest wait there is.
        orderdesk.add_shipment(old_id, "1ZOLDORDER0001")
        found_after: timedelta | None = None
        for cycle in range(1, HOUR + 1):
            clock.offset += CYCLE
            result, _ = _pull(engine, orderdesk)
            assert not result.failed
            if found_after is None and store.fulfillments(old):
                found_after = CYCLE * cycle
    finally:
        engine.close()
    assert sum(quiet) / len(quiet) <= 2, quiet
    assert found_after is not None and found_after <= timedelta(hours=1)
    assert [f["tracking_numbers"] for f in store.fulfillments(old)] == [["1ZOLDORDER0001"]]


def test_a_shipment_on_a_recent_order_is_found_in_the_next_cycle(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    engine, _, _, recent_id = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        clock.offset += CYCLE
        _pull(engine, orderdesk)  # a cycle without news
        orderdesk.add_shipment(recent_id, "1ZRECENT000001")
        clock.offset += CYCLE
        result, made = _pull(engine, orderdesk)
    finally:
        engine.close()
    assert result.fulfillments_created == 1
    assert made == 1  # the window of the last day: one page


def test_a_split_part_of_the_old_order_ships_within_the_hour_and_is_never_called_another_s(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    engine, old, old_id, _ = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        items = [i["id"] for i in orderdesk.get(old_id)["order_items"]]
        if len(items) < 2:
            pytest.skip("the sample order has one line")
        part = orderdesk.split_order(old_id, items[:1])
        orderdesk.add_shipment(part, "1ZSPLITPART001")
        found = False
        for _ in range(HOUR):
            clock.offset += CYCLE
            _pull(engine, orderdesk)
            found = found or bool(store.fulfillments(old))
        log = [e.message for e in engine.journal.events_page(0, 500)]
    finally:
        engine.close()
    assert found
    assert not any("did not send" in m for m in log)


def test_an_order_moved_to_the_cancellations_folder_leaves_the_open_set(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    engine, old, old_id, _ = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        _cancel(store, old)
        engine.push_orders()
        assert orderdesk.get(old_id)["folder_id"] == orderdesk.folder_ids()["Canceled"]
        requests = []
        for _ in range(HOUR):
            clock.offset += CYCLE
            requests.append(_pull(engine, orderdesk)[1])
    finally:
        engine.close()
    # Only the recent order is open: the last day is listed, one page a cycle, no sweep.
    assert requests == [1] * HOUR


def test_a_waiting_shipment_of_an_old_order_deleted_between_sweeps_is_not_sent(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    """Between sweeps the old order is not listed; absence proves nothing either way, so a
    waiting shipment's order is read itself before the shipment is sent."""
    engine, old, old_id, _ = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        clock.offset += SWEEP  # the next pull sweeps: the shipment is found
        shipment = orderdesk.add_shipment(old_id, "1ZDELETED00001")
        store.emulator.faults.inject(Fault.SERVER_ERROR, 1, method="POST", path=r"/shipments$")
        found, _ = _pull(engine, orderdesk)
        assert found.waiting == 1 and not store.fulfillments(old)
        orderdesk.delete_shipment(old_id, shipment["id"])
        clock.offset += CYCLE * 2  # the retry is due; no sweep yet
        result, made = _pull(engine, orderdesk)
    finally:
        engine.close()
    assert not store.fulfillments(old)
    assert result.skipped == 1
    assert made == 2  # the window's page, and the waiting shipment's order read by id


def test_a_cancelled_order_shipped_anyway_is_never_called_another_s(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    """Moved to the cancellations folder, the order left the open set; when the warehouse
    ships it all the same, the log still knows it as this app's order."""
    engine, _, _, recent_id = _scene(store, orderdesk, tmp_path / "j.sqlite3", clock)
    try:
        recent = next(o for o in orderdesk.orders() if o["id"] == recent_id)
        _cancel(store, recent["source_id"])
        engine.push_orders()
        assert orderdesk.get(recent_id)["folder_id"] == orderdesk.folder_ids()["Canceled"]
        orderdesk.add_shipment(recent_id, "1ZSHIPPEDANYWAY")
        clock.offset += CYCLE
        _pull(engine, orderdesk)
        log = [e.message for e in engine.journal.events_page(0, 500)]
    finally:
        engine.close()
    assert not any("did not send" in m for m in log)

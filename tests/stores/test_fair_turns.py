"""Issue 20, one Order Desk bucket shared fairly, end to end over real sockets: two stores with
a backlog and a quiet one push through one bucket, driven by the scheduler on its own thread.
The quiet store's new order reaches Order Desk on its push interval while the backlogs still
drain (before: after both backlogs, each pushed to the end in turn), every order exactly once,
and Order Desk never answers 429. The emulator's bucket and the client's run 50x faster."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_sync.app.scheduler import CycleFinished, Scheduler, SchedulerEvent
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kit import StoreKit
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine.test_exactly_once import wait_until
from tests.harness import TIME_SCALE, make_engine, minute_ago

BACKLOG = 300  # each busy store's: 600 orders, 4 s at the emulator's pace


@pytest.fixture
def kits() -> Iterator[dict[str, StoreKit]]:
    started: dict[str, StoreKit] = {
        "Main shop": BigCommerceKit(),
        "Second shop": BigCommerceKit(),
        "Wholesale": WooCommerceKit(),
    }
    for kit in started.values():
        kit.start()
    yield started
    for kit in started.values():
        kit.stop()


def test_a_quiet_stores_new_order_goes_on_its_interval_while_two_backlogs_drain(
    orderdesk: OrderDeskEmulator, kits: dict[str, StoreKit], tmp_path: Path
) -> None:
    start = minute_ago()
    for seed, name in enumerate(("Main shop", "Second shop"), start=100):
        kits[name].add_orders(generate_orders(BACKLOG, seed=seed))
    quiet_finished = threading.Event()

    def said(event: SchedulerEvent) -> None:
        if isinstance(event, CycleFinished) and event.store == "Wholesale":
            quiet_finished.set()

    scheduler = Scheduler(
        push_seconds=0.5, pull_seconds=600, on_event=said, slice_seconds=0.1
    )  # a 6 s slice and a 30 s push interval, at the emulator's pace
    bucket = TokenBucket(20, 3.0 * TIME_SCALE)  # the one bucket of the Order Desk store
    built: list[SyncEngine] = []

    def drive() -> None:
        for name, kit in kits.items():
            engine = make_engine(
                orderdesk,
                kit.connector(),
                tmp_path / "journal.sqlite3",
                start_at=start,
                source_name=f"Desktop Sync ({name})",
                store_id=name,
                limiter=bucket,
                stop=scheduler.interrupt,
            )
            built.append(engine)
            scheduler.add_store(name, engine)
        try:
            scheduler.run()
        finally:
            for engine in built:
                engine.close()

    thread = threading.Thread(target=drive, name="test-scheduler")
    thread.start()
    try:
        assert quiet_finished.wait(20)  # its first push found nothing
        kits["Wholesale"].add_orders(generate_orders(1, seed=102))
        in_orderdesk_then: list[int] = []

        def quiet_order_sent() -> bool:
            sources = [o["source_name"] for o in orderdesk.orders()]
            if "Desktop Sync (Wholesale)" in sources:
                in_orderdesk_then.append(len(sources))
            return bool(in_orderdesk_then)

        wait_until(quiet_order_sent, timeout=60)
        # Sent while most of the backlogs still waited, not after them.
        assert in_orderdesk_then[0] <= BACKLOG
        wait_until(lambda: len(orderdesk.orders()) == 2 * BACKLOG + 1, timeout=60)
    finally:
        scheduler.stop()
        thread.join(30)
    assert not thread.is_alive()

    by_source: dict[str, list[str]] = {}
    for order in orderdesk.orders():
        by_source.setdefault(order["source_name"], []).append(order["source_id"])
    assert sorted(len(ids) for ids in by_source.values()) == [1, BACKLOG, BACKLOG]
    assert all(len(set(ids)) == len(ids) for ids in by_source.values())  # none twice
    assert orderdesk.stats()["rate_limited"] == 0

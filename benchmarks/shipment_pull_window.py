"""The shipment pull's cost with one old order still open (issue 21, item 11): one unshipped
order placed 59 days ago and 5,000 later orders, spread over the days since, that shipped.

Before the pull listed a window, every pull listed all 5,001 (11 list requests). Now each
cycle lists the last day (the recent window) and an hourly sweep lists since the old order.
Measured over a simulated hour at the default pull interval (5 minutes), on a clock the
benchmark moves on (no sleeping), with rate limits off: only requests are counted. Part of
``benchmarks.shipment_pull``.
"""

from __future__ import annotations

import math
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import (
    UNLIMITED_QUOTA,
    Report,
    ShiftedClock,
    bigcommerce_connector,
    bigcommerce_emulator,
    make_engine,
    orderdesk_client,
    orderdesk_emulator,
)
from desktop_sync.app.platforms import source_name_for
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders

FULL = 5000
SMOKE = 100
SMOKE_PAGE = 10
"""Smoke mode lists 10 orders a page, so its 101 orders still take 11 pages."""
OLD = timedelta(days=59)
CYCLE = timedelta(minutes=5)
"""The default pull interval (Settings: pull every 5 minutes)."""
CYCLES_PER_HOUR = 12
GOAL_PER_CYCLE = 2.0
_CLOCK_READ = "/api/v2/test"


class _Listed:
    """Counts the orders Order Desk lists (the bytes of a listing follow them)."""

    def __init__(self) -> None:
        self.orders = 0

    def __call__(self, offset: int, ids: list[str]) -> None:
        self.orders += len(ids)


def open_old_order(report: Report) -> None:
    """The item's scenario at full scale (``--smoke``: 100 later orders, 10 a page)."""
    later = SMOKE if report.options.smoke else FULL
    clock = ShiftedClock()
    orderdesk = orderdesk_emulator(report.options.scale, now=clock.now, rate_limit=False)
    if report.options.smoke:
        orderdesk.list_page_limit = SMOKE_PAGE
    listed = _Listed()
    store = bigcommerce_emulator(report.options.scale, UNLIMITED_QUOTA, now=clock.now)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pull-window-") as home:
            engine = make_engine(
                orderdesk_client(orderdesk, report.options.scale, unlimited=True),
                bigcommerce_connector(store),
                Path(home) / "journal.sqlite3",
                start_at=datetime.now(UTC) - OLD - timedelta(days=1),
                clock=clock.now,
            )
            try:
                old_id = _scene(engine, orderdesk, store, clock, later)
                orderdesk.after_list_page = listed
                _measure(report, engine, orderdesk, store, clock, listed, old_id, later)
            finally:
                engine.close()
    finally:
        orderdesk.stop()
        store.stop()


def _scene(
    engine: SyncEngine,
    orderdesk: OrderDeskEmulator,
    store: BigCommerceEmulator,
    clock: ShiftedClock,
    later: int,
) -> str:
    """Set the scene (not measured): the old order and ``later`` orders placed since, all
    sent; every later one shipped in Order Desk and fulfilled in the store. The old order's
    Order Desk id."""
    samples = generate_orders(later + 1, seed=2111)
    for n, sample in enumerate(samples):
        clock.offset = -OLD + (OLD - timedelta(minutes=10)) * n / later
        store.add_order(sample)
    clock.offset = timedelta(0)
    pushed = engine.push_orders()
    if pushed.sent != later + 1:
        raise SystemExit(f"shipment_pull (window): sent {pushed.sent} of {later + 1} orders")
    rows = sorted(
        engine.journal.orders_awaiting_shipment(clock.now() - OLD - timedelta(days=1)),
        key=lambda r: r.store_created_at,
    )
    old_id = rows[0].orderdesk_order_id or ""
    for n, row in enumerate(rows[1:]):
        orderdesk.add_shipment(row.orderdesk_order_id or "", f"1ZWIN{n:011d}")
    first = engine.pull_shipments()
    if first.fulfillments_created != later or first.failed:
        raise SystemExit(f"shipment_pull (window): expected {later} fulfillments: {first}")
    return old_id


def _pull(engine: SyncEngine, orderdesk: OrderDeskEmulator, clock: ShiftedClock) -> list[str]:
    """One pull a cycle later; the paths of the Order Desk requests it made."""
    clock.offset += CYCLE
    start = len(orderdesk.request_log)
    engine.pull_shipments()
    return [path for _, path, _ in orderdesk.request_log[start:]]


def _measure(
    report: Report,
    engine: SyncEngine,
    orderdesk: OrderDeskEmulator,
    store: BigCommerceEmulator,
    clock: ShiftedClock,
    listed: _Listed,
    old_id: str,
    later: int,
) -> None:
    total = later + 1
    page = orderdesk.list_page_limit or 500
    # Before: each pull listed every order since the oldest open one, less a day.
    start = len(orderdesk.request_log)
    client = engine.puller.orderdesk
    since = clock.now() - OLD - timedelta(days=1)
    for _ in client.iter_orders(
        source_name=source_name_for("bigcommerce"), search_start_date=since
    ):
        pass
    before = len(orderdesk.request_log) - start
    listed.orders = 0

    hour = [_pull(engine, orderdesk, clock) for _ in range(CYCLES_PER_HOUR)]
    per_cycle = [sum(1 for p in paths if p != _CLOCK_READ) for paths in hour]
    clock_reads = sum(1 for paths in hour for p in paths if p == _CLOCK_READ)
    average = sum(per_cycle) / len(per_cycle)
    orders_listed = listed.orders

    # A shipment on the old order right after the hour's sweep: the longest wait there is.
    orderdesk.add_shipment(old_id, "1ZWINOLD0000001")
    old_sid = str(engine.journal.orders_awaiting_shipment(clock.now() - OLD * 2)[0].store_order_id)
    waited = None
    for cycle in range(1, CYCLES_PER_HOUR + 2):
        _pull(engine, orderdesk, clock)
        if store.shipments(int(old_sid)):
            waited = CYCLE * cycle
            break
    # A recent order, sent, then shipped: found by the next pull.
    store.add_order(generate_orders(1, seed=2112)[0])
    engine.push_orders()
    recent = max(
        engine.journal.orders_awaiting_shipment(clock.now() - timedelta(days=1)),
        key=lambda r: r.store_created_at,
    )
    orderdesk.add_shipment(recent.orderdesk_order_id or "", "1ZWINNEW0000001")
    _pull(engine, orderdesk, clock)
    recent_found = bool(store.shipments(int(recent.store_order_id)))

    report.add(
        "window_orderdesk_requests_per_pull_before",
        f"1 open order 59 days old + {later:,} shipped: list requests a pull, before",
        before,
        goal=f"{math.ceil(total / page)} (every order since the old one, each pull)",
    )
    report.add(
        "window_orderdesk_requests_per_pull",
        "the same, average over an hour of pulls (5 min apart)",
        average,
        goal=f"<= {GOAL_PER_CYCLE:g}",
        met=average <= GOAL_PER_CYCLE,
    )
    report.add("window_orderdesk_requests_per_hour", "Order Desk requests an hour", sum(per_cycle))
    report.add("window_orders_listed_per_hour", "orders listed an hour", orders_listed)
    report.add(
        "window_minutes_to_find_old_shipment",
        "minutes to find a shipment on the 59-day-old order (added after a sweep)",
        None if waited is None else waited.total_seconds() / 60,
        goal="<= 60",
        met=waited is not None and waited <= timedelta(hours=1),
    )
    report.add(
        "window_recent_shipment_found_next_pull",
        "shipment on a recent order found by the next pull (1 = yes)",
        int(recent_found),
        goal="1",
        met=recent_found,
    )
    report.notes.append(
        f"Open old order (item 11): {total:,} orders placed over 59 days ({page} a list page), "
        f"all sent, the {later:,} later ones shipped and fulfilled; then {CYCLES_PER_HOUR} "
        f"pulls {CYCLE.seconds // 60} minutes apart on a moved clock. Per pull: "
        f"{', '.join(map(str, per_cycle))} requests (the window of the last day, and the "
        f"hourly sweep since the old order); {clock_reads} GET /test (Order Desk's clock, read "
        "once a minute for push and pull together, here every pull as the clock jumps) not "
        f"counted. Before: {before} list requests every pull."
    )

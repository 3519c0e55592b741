"""Shipment pull: what one pull cycle costs on each API, with 2,000 orders in Order Desk of
which 200 have new shipments, and how fast fulfillments reach the store against its own limit;
and Order Desk requests per pull cycle with 2,000 open orders, whether or not a shipment moves
the order's date_updated (``orderdesk_requests_per_pull_cycle``); and Order Desk requests per
pull over an hour with one open order placed 59 days ago and 5,000 later ones shipped
(``shipment_pull_window``).

Run: ``.venv/bin/python -m benchmarks.shipment_pull [--smoke] [--scale S]``.
"""

from __future__ import annotations

import math
import sys
import tempfile
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import (
    BIGCOMMERCE_QUOTA,
    BIGCOMMERCE_WINDOW,
    ORDERDESK_BUCKET,
    ORDERDESK_REFILL,
    UNLIMITED_QUOTA,
    Options,
    Report,
    RequestTimer,
    ShiftedClock,
    bigcommerce_connector,
    bigcommerce_emulator,
    count_matching,
    make_engine,
    orderdesk_client,
    orderdesk_emulator,
    parse_options,
    requests_since,
)
from benchmarks.shipment_pull_window import open_old_order
from desktop_sync.app.platforms import source_name_for
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.leaky_bucket import LeakyBucket
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders

FULL = (2000, 200)
SMOKE = (40, 5)
PAGE = 500
GOAL_STORE_REQUESTS_PER_FULFILLMENT = 1.1
# Orders nobody touched since the last pull were last modified this long ago: well outside the
# pull's window (10 min overlap + the store's offset west of UTC, 8 h for Los Angeles).
UNCHANGED_AGE = timedelta(days=2)


def run(options: Options) -> Report:
    total, shipped = SMOKE if options.smoke else FULL
    scale = options.scale
    report = Report("shipment_pull", options)
    od_clock = ShiftedClock(-UNCHANGED_AGE)
    orderdesk = orderdesk_emulator(scale, now=od_clock.now, rate_limit=False)
    store = bigcommerce_emulator(scale, UNLIMITED_QUOTA)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pull-") as home:
            journal_path = Path(home) / "journal.sqlite3"
            _push_backlog(orderdesk, store, journal_path, total)
            _enforce_real_limits(orderdesk, store, od_clock)
            start_at = datetime.now(UTC) - timedelta(minutes=1)
            ids = sorted((o["id"] for o in orderdesk.orders()), key=int)
            step = max(1, len(ids) // shipped)
            for n, order_id in enumerate(ids[::step][:shipped]):
                orderdesk.add_shipment(order_id, f"1Z999AA1{n:010d}", "UPS", "Ground")
            _measure(report, orderdesk, store, journal_path, start_at, total, shipped)
    finally:
        orderdesk.stop()
        store.stop()
    orderdesk_requests_per_pull_cycle(report, total, shipped)
    open_old_order(report)
    return report


def _push_backlog(
    orderdesk: OrderDeskEmulator, store: BigCommerceEmulator, journal_path: Path, total: int
) -> None:
    """Set the scene: ``total`` orders pushed to Order Desk (no limits; not measured)."""
    start_at = datetime.now(UTC) - timedelta(minutes=1)
    for sample in generate_orders(total, seed=11):
        store.add_order(sample)
    engine = make_engine(
        orderdesk_client(orderdesk, 1.0, unlimited=True),
        bigcommerce_connector(store),
        journal_path,
        start_at=start_at,
    )
    try:
        result = engine.push_orders()
    finally:
        engine.close()
    if result.sent != total:
        raise SystemExit(f"shipment_pull: the backlog push sent {result.sent} of {total} orders")


def _enforce_real_limits(
    orderdesk: OrderDeskEmulator, store: BigCommerceEmulator, od_clock: ShiftedClock
) -> None:
    """From here on: Order Desk's clock is now, both APIs have their real limits again."""
    od_clock.offset = timedelta(0)
    with orderdesk.lock:
        orderdesk.rate_limit = True
        orderdesk.bucket = LeakyBucket(ORDERDESK_BUCKET, ORDERDESK_REFILL)
    with store.lock:
        store.quota = BIGCOMMERCE_QUOTA
    # The setup spent far more than 150 requests in the store's current window; a window
    # passes before the measured pull, so it starts with the quota a new cycle would have.
    threading.Event().wait(store.clock.to_real(store.window_seconds) * 1.05)


def _measure(
    report: Report,
    orderdesk: OrderDeskEmulator,
    store: BigCommerceEmulator,
    journal_path: Path,
    start_at: datetime,
    total: int,
    shipped: int,
) -> None:
    scale = report.options.scale
    od_timer, store_timer = RequestTimer(), RequestTimer()
    client = orderdesk_client(orderdesk, scale, transport=od_timer)
    engine = make_engine(
        client,
        bigcommerce_connector(store, transport=store_timer),
        journal_path,
        start_at=start_at,
    )
    try:
        od_start, store_start = len(orderdesk.request_log), len(store.request_log)
        first = engine.pull_shipments()
        od_first = requests_since(orderdesk, od_start)
        store_first = requests_since(store, store_start)
        store_429 = sum(1 for *_, status in store.request_log[store_start:] if status == 429)
        store_span = store_timer.span

        od_start, store_start = len(orderdesk.request_log), len(store.request_log)
        second = engine.pull_shipments()
        od_second = sum(requests_since(orderdesk, od_start).values())
        store_second = sum(requests_since(store, store_start).values())

        # Paging alone: the same listing over a window that holds every order.
        od_start = len(orderdesk.request_log)
        listed = sum(
            1
            for _ in client.iter_orders(
                source_name=source_name_for("bigcommerce"),
                modified_start_date=datetime.now(UTC) - 2 * UNCHANGED_AGE,
            )
        )
        paging = sum(requests_since(orderdesk, od_start).values())
    finally:
        engine.close()

    created = first.fulfillments_created
    if created != shipped or first.failed or second.fulfillments_created:
        raise SystemExit(f"shipment_pull: expected {shipped} fulfillments, got {first}/{second}")
    od_requests = sum(od_first.values())
    od_store_calls = count_matching(od_first, ["GET"], "/store")
    od_lists = count_matching(od_first, ["GET"], "/orders")
    # The engine reads Order Desk's clock (GET /test) at most once a minute, whatever the
    # number of orders: so no mark runs ahead of the servers' time (issue 12).
    od_clock_reads = count_matching(od_first, ["GET"], "/test")
    snapshots = count_matching(store_first, ["GET"], "/orders")
    checks = count_matching(store_first, ["GET"], "/shipments")
    addresses = count_matching(store_first, ["GET"], "/shipping_addresses")
    posts = count_matching(store_first, ["POST"], "/shipments")
    store_requests = sum(store_first.values())
    per_fulfillment = store_requests / created
    store_seconds = store_span * scale
    rate = created / store_seconds if store_seconds else None
    sustained = BIGCOMMERCE_QUOTA / BIGCOMMERCE_WINDOW / per_fulfillment
    # Every sent order is open (not fully shipped) at the first pull: the pull lists them all.
    expected_lists = math.ceil(total / PAGE)

    report.add("orders_in_orderdesk", "orders in Order Desk", total)
    report.add("orders_with_new_shipments", "orders with new shipments", shipped)
    report.add(
        "orderdesk_requests_first_cycle",
        "Order Desk requests, first pull",
        od_requests,
        goal=f"{expected_lists} list (1 per {PAGE} open orders) + at most 1 clock read, none "
        "per order",
        met=od_lists == expected_lists and od_requests - od_lists == od_clock_reads <= 1,
    )
    report.add(
        "orderdesk_requests_next_cycle",
        "Order Desk requests, next pull",
        od_second,
        goal=f"{expected_lists} list",
        met=od_second <= expected_lists,
    )
    report.add(
        "list_requests_all_orders",
        f"list requests for {listed} modified orders",
        paging,
        goal=f"{math.ceil(listed / PAGE)} (1 per {PAGE})",
        met=paging == max(1, math.ceil(listed / PAGE)),
    )
    report.add(
        "store_requests_per_fulfillment",
        "store requests per fulfillment",
        per_fulfillment,
        goal=f"<= {GOAL_STORE_REQUESTS_PER_FULFILLMENT}",
        met=None
        if report.options.smoke
        else per_fulfillment <= GOAL_STORE_REQUESTS_PER_FULFILLMENT,
    )
    report.add(
        "store_rate_limited", "429s seen by the store", store_429, goal="0", met=store_429 == 0
    )
    report.add("fulfillments_per_second", "fulfillments/s (store seconds)", rate, "/s")
    report.add(
        "store_limit_fulfillments_per_second",
        f"store limit ({BIGCOMMERCE_QUOTA}/{BIGCOMMERCE_WINDOW:g} s / {per_fulfillment:g})",
        sustained,
        "/s",
    )
    report.add(
        "store_efficiency",
        "fulfillments/s / store limit",
        rate / sustained if rate is not None else None,
    )
    report.add("store_requests_next_cycle", "store requests, next pull", store_second)
    report.notes += [
        f"Order Desk at its real bucket ({ORDERDESK_BUCKET} + {ORDERDESK_REFILL:g}/s) and "
        f"BigCommerce at its real quota ({BIGCOMMERCE_QUOTA} per {BIGCOMMERCE_WINDOW:g} s), "
        f"both on clocks {scale:g}x faster (client bucket TokenBucket({ORDERDESK_BUCKET}, "
        f"{ORDERDESK_REFILL:g} * {scale:g})); rates are per emulated (real-API) second.",
        f"The {total} orders were pushed first (unlimited, not measured) and last changed "
        f"{UNCHANGED_AGE.days} days ago; {shipped} then got a shipment in Order Desk.",
        f"First pull: {od_lists} list page(s) of this source's orders placed since the oldest "
        f"sent order not fully shipped yet (500 per page) + {od_store_calls} GET /store + "
        f"{od_clock_reads} GET /test (Order Desk's clock, read at most once a minute); no "
        "request per order. The next pull lists the orders still open again: no new "
        "shipments, no store calls.",
        f"Per fulfillment on BigCommerce: {snapshots / created:g} GET orders (a snapshot of "
        "the shipping state of up to 250 orders from this one on, with include="
        "consignments.line_items: an order none of whose items has shipped has no shipment "
        "with this tracking number, so a retry never doubles one; its consignments give the "
        f"order_address_id a v2 shipment must name), {checks / created:g} GET shipments "
        f"(orders something of which has shipped), {addresses / created:g} GET "
        f"shipping_addresses (orders no snapshot holds), {posts / created:g} POST shipments.",
        "The store connector keeps 1 request of each window in reserve and waits for the "
        "window's reset when it is down to it, so it never sees a 429.",
    ]
    report.extra["store_requests"] = {f"{m} {p}": n for (m, p), n in sorted(store_first.items())}


def orderdesk_requests_per_pull_cycle(report: Report, total: int, shipped: int) -> None:
    """Order Desk requests per pull cycle with ``total`` open orders, under both readings of
    whether a shipment moves the order's ``date_updated`` (Order Desk does not say; its own
    sample shows one that did not). No rate limits: only requests are counted."""
    scale = report.options.scale
    for moves in (True, False):
        way = "moves" if moves else "stays"
        od_clock = ShiftedClock(-UNCHANGED_AGE)
        orderdesk = orderdesk_emulator(
            scale, now=od_clock.now, rate_limit=False, shipment_moves_date_updated=moves
        )
        store = bigcommerce_emulator(scale, UNLIMITED_QUOTA)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-pull-cycle-") as home:
                journal_path = Path(home) / "journal.sqlite3"
                _push_backlog(orderdesk, store, journal_path, total)
                od_clock.offset = timedelta(0)  # the shipments come days after the push
                ids = sorted((o["id"] for o in orderdesk.orders()), key=int)
                for n, order_id in enumerate(ids[:: max(1, total // shipped)][:shipped]):
                    orderdesk.add_shipment(order_id, f"1Z999BB1{n:010d}", "UPS", "Ground")
                engine = make_engine(
                    orderdesk_client(orderdesk, scale, unlimited=True),
                    bigcommerce_connector(store),
                    journal_path,
                    start_at=datetime.now(UTC) - timedelta(minutes=1),
                )
                try:
                    start = len(orderdesk.request_log)
                    result = engine.pull_shipments()
                    cycle = requests_since(orderdesk, start)
                finally:
                    engine.close()
        finally:
            orderdesk.stop()
            store.stop()
        if result.fulfillments_created != shipped or result.failed:
            raise SystemExit(f"shipment_pull ({way}): expected {shipped} fulfillments: {result}")
        lists = count_matching(cycle, ["GET"], "/orders")
        clock_reads = count_matching(cycle, ["GET"], "/test")
        requests = sum(cycle.values())
        goal = math.ceil(total / PAGE)
        report.add(
            f"orderdesk_requests_per_pull_cycle_date_updated_{way}",
            f"Order Desk requests, pull of {total} open orders (date_updated {way})",
            requests,
            goal=f"{goal} list (1 per {PAGE}) + at most 1 clock read, 0 per order",
            met=lists == goal and requests - lists == clock_reads <= 1,
        )
    report.notes.append(
        f"Both ways: {total} orders pushed, then {shipped} shipped in Order Desk days later, "
        "once with shipments moving the order's date_updated and once without (Order Desk's "
        "own sample); the pull found all of them either way, at the same cost."
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=10.0, smoke_scale=50.0)
    report = run(options)
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

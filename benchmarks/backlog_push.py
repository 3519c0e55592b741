"""Backlog push: how close pushing 2,000 store orders runs to Order Desk's rate limit, with
BigCommerce at its real quota (150 requests per 30 s) on the same scaled clock.

Run: ``.venv/bin/python -m benchmarks.backlog_push [--smoke] [--scale S]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import (
    BIGCOMMERCE_QUOTA,
    BIGCOMMERCE_WINDOW,
    ORDERDESK_BUCKET,
    ORDERDESK_REFILL,
    Options,
    Report,
    RequestTimer,
    bigcommerce_connector,
    bigcommerce_emulator,
    bucket_ceiling_seconds,
    make_engine,
    orderdesk_client,
    orderdesk_emulator,
    parse_options,
    requests_since,
)
from desktop_sync_sandbox.samples import generate_orders

FULL_ORDERS = 2000
SMOKE_ORDERS = 40
GOAL_EFFICIENCY = 0.95
GOAL_REQUESTS_PER_ORDER = 1.01
GOAL_STORE_REQUESTS_PER_ORDER = 0.02


def run(options: Options) -> Report:
    count = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    scale = options.scale
    report = Report("backlog_push", options)
    orderdesk = orderdesk_emulator(scale)
    store = bigcommerce_emulator(scale, BIGCOMMERCE_QUOTA)
    timer = RequestTimer()
    try:
        start_at = datetime.now(UTC) - timedelta(minutes=1)
        for sample in generate_orders(count, seed=7):
            store.add_order(sample)
        with tempfile.TemporaryDirectory(prefix="bench-push-") as home:
            engine = make_engine(
                orderdesk_client(orderdesk, scale, transport=timer),
                bigcommerce_connector(store),
                Path(home) / "journal.sqlite3",
                start_at=start_at,
            )
            before = orderdesk.stats()
            store_log = len(store.request_log)
            started = time.perf_counter()
            try:
                result = engine.push_orders()
                wall = time.perf_counter() - started
                store_counts = requests_since(store, store_log)
                # The next cycle: the same window again, every order already sent.
                next_log = len(store.request_log)
                again = engine.push_orders()
                next_cycle = requests_since(store, next_log)
            finally:
                engine.close()
        after = orderdesk.stats()
    finally:
        orderdesk.stop()
        store.stop()

    if result.sent != count or result.failed or again.sent:
        raise SystemExit(f"backlog_push: expected {count} orders sent once, got {result}/{again}")
    requests = after["requests"] - before["requests"]
    rate_limited = after["rate_limited"] - before["rate_limited"]
    store_requests = sum(store_counts.values())
    # Reads of one order (its products, addresses, the order itself): none when the list
    # carries them, and none of orders the journal already sent.
    order_reads = sum(n for (_, path), n in store_counts.items() if "{id}" in path)
    rereads = sum(n for (_, path), n in next_cycle.items() if "{id}" in path)
    # The Order Desk phase: from the first Order Desk request to the last answer. Only that
    # phase is paced by the (scaled) bucket; reading the store before it is not scaled.
    orderdesk_seconds = timer.span * scale
    ceiling = bucket_ceiling_seconds(requests)
    efficiency = ceiling / orderdesk_seconds if orderdesk_seconds > 0 else None
    store_seconds = max(0.0, wall - timer.span)
    end_to_end = store_seconds + orderdesk_seconds

    report.add("orders", "orders pushed", count)
    report.add(
        "orders_per_second",
        "orders/s (Order Desk seconds)",
        count / orderdesk_seconds if orderdesk_seconds else None,
        "/s",
    )
    report.add(
        "ceiling_orders_per_second",
        f"ceiling for {requests} requests",
        count / ceiling if ceiling else None,
        "/s",
    )
    report.add(
        "efficiency",
        "orders/s / ceiling",
        efficiency,
        goal=f">= {GOAL_EFFICIENCY}",
        met=None if options.smoke or efficiency is None else efficiency >= GOAL_EFFICIENCY,
    )
    report.add(
        "requests_per_order",
        "Order Desk requests per order",
        requests / count,
        goal=f"<= {GOAL_REQUESTS_PER_ORDER}",
        met=None if options.smoke else requests / count <= GOAL_REQUESTS_PER_ORDER,
    )
    report.add(
        "rate_limited", "429s seen by Order Desk", rate_limited, goal="0", met=rate_limited == 0
    )
    report.add(
        "store_requests_per_order",
        f"store requests per order ({store_requests} for {count})",
        store_requests / count,
        goal=f"<= {GOAL_STORE_REQUESTS_PER_ORDER}",
        met=None if options.smoke else store_requests / count <= GOAL_STORE_REQUESTS_PER_ORDER,
    )
    report.add(
        "store_order_reads",
        "store reads of single orders",
        order_reads,
        goal="0",
        met=order_reads == 0,
    )
    report.extra["store_request_kinds"] = {f"{m} {p}": n for (m, p), n in store_counts.items()}
    report.add(
        "store_rereads_next_cycle",
        "store reads of orders already sent, next cycle",
        rereads,
        goal="0",
        met=rereads == 0,
    )
    report.add("store_seconds", "store read (wall, not scaled)", store_seconds, "s")
    report.add(
        "end_to_end_efficiency",
        "end to end at real pace / ceiling",
        ceiling / end_to_end if end_to_end else None,
        goal=f">= {GOAL_EFFICIENCY}",
        met=None if options.smoke or not end_to_end else ceiling / end_to_end >= GOAL_EFFICIENCY,
    )
    report.notes += [
        f"Order Desk emulator and client bucket at the real {ORDERDESK_BUCKET} tokens + "
        f"{ORDERDESK_REFILL:g}/s, on a clock {scale:g}x faster (TokenBucket({ORDERDESK_BUCKET}, "
        f"{ORDERDESK_REFILL:g} * {scale:g})); times are given in Order Desk seconds "
        f"(wall seconds x {scale:g}).",
        "Ceiling: a perfect client sends the first 20 requests at once and then one per "
        f"refill: (requests - 20) / 3 s = {ceiling:.1f} s for {requests} requests.",
        f"BigCommerce at its real quota ({BIGCOMMERCE_QUOTA} requests per "
        f"{BIGCOMMERCE_WINDOW:g} s) on the same {scale:g}x clock; reading {count} orders took "
        f"{store_requests} store requests (1 list per 250 orders, each order with its products, "
        "shipping addresses and fees: include=consignments.line_items,fees).",
        "Next cycle: the same window listed again (its list pages only); the orders are all "
        "in the journal as sent, so none is read or sent again.",
        f"Order Desk requests: {count} POST /orders, 1 batch look-up page per 500 orders "
        "already there, 1 GET /store (the folder named 'New').",
        "End to end at real pace: the store read (unscaled wall time) plus the Order Desk "
        "phase at 1x.",
    ]
    report.extra["orderdesk_requests"] = requests
    report.extra["store_requests"] = store_requests
    report.extra["store_requests_next_cycle"] = sum(next_cycle.values())
    return report


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=10.0, smoke_scale=50.0)
    report = run(options)
    report.print()
    return 0  # a missed goal shows in the table and the JSON line, not as a failure


if __name__ == "__main__":
    sys.exit(main())

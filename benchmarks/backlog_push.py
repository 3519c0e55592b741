"""Backlog push: how close pushing 2,000 store orders runs to Order Desk's rate limit.

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
    ORDERDESK_BUCKET,
    ORDERDESK_REFILL,
    UNLIMITED_QUOTA,
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
from desktop_sync.sandbox.samples import generate_orders

FULL_ORDERS = 2000
SMOKE_ORDERS = 40
GOAL_EFFICIENCY = 0.95
GOAL_REQUESTS_PER_ORDER = 1.01


def run(options: Options) -> Report:
    count = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    scale = options.scale
    report = Report("backlog_push", options)
    orderdesk = orderdesk_emulator(scale)
    # The store gets a quota it never reaches: this run measures the Order Desk side.
    store = bigcommerce_emulator(scale, UNLIMITED_QUOTA)
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
            finally:
                wall = time.perf_counter() - started
                engine.close()
        after = orderdesk.stats()
    finally:
        orderdesk.stop()
        store.stop()

    if result.sent != count or result.failed:
        raise SystemExit(f"backlog_push: expected {count} orders sent, got {result}")
    requests = after["requests"] - before["requests"]
    rate_limited = after["rate_limited"] - before["rate_limited"]
    store_requests = sum(requests_since(store, store_log).values())
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
    report.add("store_seconds", "store read (wall, not scaled)", store_seconds, "s")
    report.add(
        "end_to_end_efficiency",
        "end to end at real pace / ceiling",
        ceiling / end_to_end if end_to_end else None,
    )
    report.notes += [
        f"Order Desk emulator and client bucket at the real {ORDERDESK_BUCKET} tokens + "
        f"{ORDERDESK_REFILL:g}/s, on a clock {scale:g}x faster (TokenBucket({ORDERDESK_BUCKET}, "
        f"{ORDERDESK_REFILL:g} * {scale:g})); times are given in Order Desk seconds "
        f"(wall seconds x {scale:g}).",
        "Ceiling: a perfect client sends the first 20 requests at once and then one per "
        f"refill: (requests - 20) / 3 s = {ceiling:.1f} s for {requests} requests.",
        f"The BigCommerce emulator has a quota of {UNLIMITED_QUOTA:,} per window so the store "
        f"is never the limit; reading {count} orders took {store_requests} store requests "
        "(1 list per 250 orders + products + shipping addresses per order).",
        f"Order Desk requests: {count} POST /orders, 1 batch look-up page per 500 orders "
        "already there, 1 GET /store (the folder named 'New').",
        "End to end at real pace: the store read (unscaled wall time) plus the Order Desk "
        "phase at 1x.",
    ]
    report.extra["orderdesk_requests"] = requests
    report.extra["store_requests"] = store_requests
    return report


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=10.0, smoke_scale=50.0)
    report = run(options)
    report.print()
    return 0  # a missed goal shows in the table and the JSON line, not as a failure


if __name__ == "__main__":
    sys.exit(main())

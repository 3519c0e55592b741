"""Mapping and journal: orders mapped per second and journal writes per second on one core,
each as a multiple of Order Desk's ceiling of 3 orders per second (goal: 20x or more).

Run: ``.venv/bin/python -m benchmarks.mapping_journal [--smoke]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from benchmarks.common import ORDERDESK_REFILL, Options, Report, parse_options
from desktop_sync.app.platforms import platform_display_name, source_name_for
from desktop_sync.connectors.stores.base import (
    PaymentState,
    StoreAddress,
    StoreLine,
    StoreOrder,
)
from desktop_sync.engine.mapping import map_order
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.samples import SampleOrder, generate_orders

FULL_ORDERS = 10_000
SMOKE_ORDERS = 200
GOAL_MULTIPLE = 20.0
_PAYMENTS = {state.value: state for state in PaymentState}


def store_orders(count: int) -> list[StoreOrder]:
    """``count`` store orders as a connector would hand them over (multi-line, variants,
    unicode names, several countries), from the emulators' seeded samples."""
    orders = []
    line_id = 1000
    for index, sample in enumerate(generate_orders(count, seed=13, spacing=timedelta(seconds=3))):
        lines = []
        for line in sample.lines:
            line_id += 1
            lines.append(
                StoreLine(
                    str(line_id),
                    line.sku,
                    line.name,
                    line.quantity,
                    line.unit_price,
                    line.options,
                    line.weight,
                )
            )
        address = _address(sample)
        orders.append(
            StoreOrder(
                id=str(100 + index),
                number=str(100 + index),
                created_at=sample.created_at,
                updated_at=sample.created_at,
                status="Awaiting Fulfillment",
                payment_state=_PAYMENTS.get(sample.payment, PaymentState.UNKNOWN),
                email=sample.customer.email,
                shipping_address=address,
                billing_address=address,
                shipping_method=sample.shipping_method,
                lines=tuple(lines),
                shipping_total=sample.shipping_total,
                tax_total=sample.tax_total,
                discount_total=sample.discount_total,
                order_total=sample.total,
                currency="USD",
                customer_note=sample.customer_note,
            )
        )
    return orders


def _address(sample: SampleOrder) -> StoreAddress:
    c = sample.customer
    return StoreAddress(
        c.first_name,
        c.last_name,
        c.company,
        c.address1,
        c.address2,
        c.city,
        c.state,
        c.postal_code,
        c.country_code,
        c.phone,
        c.email,
    )


def _mapping_rate(orders: Sequence[StoreOrder]) -> tuple[float, float]:
    """(orders mapped per second, the same with the JSON body built as the client sends it)."""
    started = time.process_time()
    drafts = [
        map_order(
            order,
            platform="bigcommerce",
            store_name=platform_display_name("bigcommerce"),
            source_name=source_name_for("bigcommerce"),
            folder_id=1,
        )
        for order in orders
    ]
    mapped = time.process_time() - started
    started = time.process_time()
    for draft in drafts:
        draft.to_payload()
    payload = time.process_time() - started
    return len(orders) / mapped, len(orders) / (mapped + payload)


def _journal_rate(orders: Sequence[StoreOrder], home: Path) -> tuple[float, float]:
    """(journal writes per second for seen/sending/sent, orders per second with the one log
    line per order the engine also writes)."""
    with Journal(home / "journal.sqlite3") as journal:
        started = time.perf_counter()
        for n, order in enumerate(orders):
            journal.record_order_seen(order.id, order.number, order.created_at, order.updated_at)
            journal.mark_sending(order.id)
            journal.mark_sent(order.id, str(5000 + n))
        states = time.perf_counter() - started
    with Journal(home / "journal-with-log.sqlite3") as journal:
        started = time.perf_counter()
        for n, order in enumerate(orders):
            journal.record_order_seen(order.id, order.number, order.created_at, order.updated_at)
            journal.mark_sending(order.id)
            journal.mark_sent(order.id, str(5000 + n))
            journal.add_event(
                order.created_at, "info", "push", "Sent to Order Desk.", order.number, str(5000 + n)
            )
        with_log = time.perf_counter() - started
    return 3 * len(orders) / states, len(orders) / with_log


def run(options: Options) -> Report:
    count = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    report = Report("mapping_journal", options, scaled=False)
    orders = store_orders(count)
    map_rate, map_payload_rate = _mapping_rate(orders)
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as home:
        write_rate, logged_rate = _journal_rate(orders, Path(home))
    ceiling = ORDERDESK_REFILL
    journal_orders = write_rate / 3

    def judged(multiple: float) -> bool | None:
        return None if options.smoke else multiple >= GOAL_MULTIPLE

    report.add("orders", "orders", count)
    report.add("mapped_per_second", "orders mapped/s", map_rate, "/s")
    report.add(
        "mapping_multiple",
        "mapping / API ceiling",
        map_rate / ceiling,
        "x",
        goal=f">= {GOAL_MULTIPLE:g}x",
        met=judged(map_rate / ceiling),
    )
    report.add("mapped_with_payload_per_second", "mapped + JSON body/s", map_payload_rate, "/s")
    report.add("journal_writes_per_second", "journal writes/s", write_rate, "/s")
    report.add(
        "journal_multiple",
        "journal orders (3 writes) / API ceiling",
        journal_orders / ceiling,
        "x",
        goal=f">= {GOAL_MULTIPLE:g}x",
        met=judged(journal_orders / ceiling),
    )
    report.add(
        "journal_orders_with_log_per_second", "orders/s, 3 writes + log line", logged_rate, "/s"
    )
    report.notes += [
        f"API ceiling: Order Desk refills {ceiling:g} tokens per second, one order per "
        "request, so a sync can never send more than 3 orders per second.",
        "Mapping: desktop_sync.engine.mapping.map_order over seeded sample orders (1-4 lines, "
        "variants, unicode, several countries), CPU time of one thread.",
        "Journal: record_order_seen, mark_sending, mark_sent per order (3 committed "
        "transactions; SQLite WAL, synchronous=NORMAL) in a file in the temp directory, wall "
        "time of one thread; the last figure adds the log line the engine writes per order.",
    ]
    return report


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=1.0, smoke_scale=1.0)
    report = run(options)
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

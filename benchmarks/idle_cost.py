"""Idle cost: requests per hour to each API, and CPU seconds per hour, of an engine with nothing
to do, at the app's default intervals (push every 120 s, pull every 300 s).

Run: ``.venv/bin/python -m benchmarks.idle_cost [--smoke] [--scale S]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from benchmarks.common import (
    BIGCOMMERCE_QUOTA,
    Options,
    Report,
    ShiftedClock,
    bigcommerce_connector,
    bigcommerce_emulator,
    make_engine,
    orderdesk_client,
    orderdesk_emulator,
    parse_options,
    requests_since,
)
from desktop_sync.app.settings import Settings
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders

T = TypeVar("T")
HOUR = 3600.0
FULL_CYCLES = 200
SMOKE_CYCLES = 3
HISTORY_ORDERS = 20
HISTORY_SHIPPED = 5
RECENT_ORDERS = 10
AGO = timedelta(days=2)


@dataclass(frozen=True)
class _Cost:
    orderdesk: float
    store: float
    engine_cpu: float
    """CPU seconds of the engine's own thread (client and journal included)."""
    process_cpu: float
    """CPU seconds of the whole process: the in-process emulators' answers too."""


def run(options: Options) -> Report:
    cycles = SMOKE_CYCLES if options.smoke else FULL_CYCLES
    scale = options.scale
    report = Report("idle_cost", options)
    defaults = Settings()
    push_interval = defaults.push_interval_seconds
    pull_interval = defaults.pull_interval_seconds
    clock = ShiftedClock(-AGO)
    orderdesk = orderdesk_emulator(scale, now=clock.now)
    store = bigcommerce_emulator(scale, BIGCOMMERCE_QUOTA, now=clock.now)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-idle-") as home:
            engine = make_engine(
                orderdesk_client(orderdesk, scale),
                bigcommerce_connector(store),
                Path(home) / "journal.sqlite3",
                start_at=clock.now() - timedelta(minutes=1),
                clock=clock.now,
            )
            try:
                _history(engine, orderdesk, store, clock)
                push = _idle(engine, orderdesk, store, cycles, push=True)
                pull = _idle(engine, orderdesk, store, cycles, push=False)
                recent = _overlap_reread(engine, orderdesk, store)
            finally:
                engine.close()
    finally:
        orderdesk.stop()
        store.stop()

    push_per_hour = HOUR / push_interval
    pull_per_hour = HOUR / pull_interval
    od_hour = push.orderdesk * push_per_hour + pull.orderdesk * pull_per_hour
    store_hour = push.store * push_per_hour + pull.store * pull_per_hour
    cpu_hour = push.engine_cpu * push_per_hour + pull.engine_cpu * pull_per_hour
    process_hour = push.process_cpu * push_per_hour + pull.process_cpu * pull_per_hour
    report.add(
        "orderdesk_requests_per_push_cycle", "Order Desk requests per idle push", push.orderdesk
    )
    report.add(
        "orderdesk_requests_per_pull_cycle", "Order Desk requests per idle pull", pull.orderdesk
    )
    report.add("store_requests_per_push_cycle", "store requests per idle push", push.store)
    report.add("store_requests_per_pull_cycle", "store requests per idle pull", pull.store)
    report.add("orderdesk_requests_per_hour", "Order Desk requests per hour", od_hour)
    report.add("store_requests_per_hour", "store requests per hour", store_hour)
    report.add("engine_cpu_seconds_per_hour", "CPU s per hour, engine thread", cpu_hour, "s")
    report.add("process_cpu_seconds_per_hour", "CPU s per hour, whole process", process_hour, "s")
    report.add(
        "store_requests_per_recent_order",
        "store requests per push per order < 10 min old",
        recent,
    )
    report.notes += [
        f"Default intervals (Settings): push every {push_interval} s "
        f"({push_per_hour:g} cycles/hour), pull every {pull_interval} s "
        f"({pull_per_hour:g} cycles/hour), as the GUI worker's two timers run them. Per hour = "
        "requests (or CPU) of one idle cycle, averaged over "
        f"{cycles} push-only and {cycles} pull-only cycles, x cycles per hour.",
        f"Idle: {HISTORY_ORDERS} orders pushed and {HISTORY_SHIPPED} shipped two days ago, "
        "nothing changed since (the first cycle after that is a warm-up and not counted).",
        "Idle push: one store list call (empty page), nothing due, no Order Desk call. "
        "Idle pull: one Order Desk list call (orders modified since the mark, minus overlap "
        "and the time zone guard), nothing to fulfil, no store call.",
        "CPU is time.thread_time() of the engine's thread and time.process_time() of the "
        "process; the process figure includes the in-process emulators answering, so it is an "
        "upper bound. Between cycles the loop waits on an event and costs nothing measurable.",
        f"Orders changed less than 10 minutes ago are read again by each push (the overlap "
        f"window): BigCommerce serves products and shipping addresses separately, so each "
        f"costs this many requests per push until it leaves the window (measured with "
        f"{RECENT_ORDERS} such orders).",
        f"Emulators at their real limits on clocks {scale:g}x faster; the figures are counts, "
        "so the scale does not change them.",
    ]
    return report


def _history(
    engine: SyncEngine,
    orderdesk: OrderDeskEmulator,
    store: BigCommerceEmulator,
    clock: ShiftedClock,
) -> None:
    """Orders pushed and shipped in the past; then time moves on and one warm-up cycle runs."""
    for sample in generate_orders(HISTORY_ORDERS, seed=3):
        store.add_order(sample)
    _must(engine.run_cycle().push, "push", lambda r: r.sent == HISTORY_ORDERS)
    for n, order in enumerate(orderdesk.orders()[:HISTORY_SHIPPED]):
        orderdesk.add_shipment(order["id"], f"1Z999AA1{n:010d}", "UPS", "Ground")
    _must(
        engine.run_cycle().pull,
        "pull",
        lambda r: r.fulfillments_created == HISTORY_SHIPPED,
    )
    clock.offset = timedelta(0)
    engine.run_cycle()


def _idle(
    engine: SyncEngine,
    orderdesk: OrderDeskEmulator,
    store: BigCommerceEmulator,
    cycles: int,
    *,
    push: bool,
) -> _Cost:
    od_start, store_start = len(orderdesk.request_log), len(store.request_log)
    cpu, process = time.thread_time(), time.process_time()
    for _ in range(cycles):
        result = engine.run_cycle(push=push, pull=not push)
        if result.message:
            raise SystemExit(f"idle_cost: an idle cycle reported trouble: {result.message}")
    cpu, process = time.thread_time() - cpu, time.process_time() - process
    return _Cost(
        orderdesk=sum(requests_since(orderdesk, od_start).values()) / cycles,
        store=sum(requests_since(store, store_start).values()) / cycles,
        engine_cpu=cpu / cycles,
        process_cpu=process / cycles,
    )


def _overlap_reread(
    engine: SyncEngine, orderdesk: OrderDeskEmulator, store: BigCommerceEmulator
) -> float:
    """Store requests per push cycle for each order still inside the overlap window."""
    for sample in generate_orders(RECENT_ORDERS, seed=5):
        store.add_order(sample)
    _must(engine.run_cycle(pull=False).push, "push", lambda r: r.sent == RECENT_ORDERS)
    idle = _idle(engine, orderdesk, store, 1, push=True)
    return (idle.store - 1) / RECENT_ORDERS  # less the one list call every push makes


def _must(result: T | None, what: str, ok: Callable[[T], bool]) -> None:
    if result is None or not ok(result):
        raise SystemExit(f"idle_cost: setting the scene failed ({what}: {result})")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=10.0, smoke_scale=50.0)
    report = run(options)
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

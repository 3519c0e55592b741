"""The Orders tab over a big journal: time to open it (first page read and painted) over
100,000 orders, and the time each filter and search takes to show its first page (the count
beside it is read just after, and timed on its own).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.orders_view [--smoke]``.
Not a test: the numbers depend on the machine. Each figure is the median of five runs.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.common import Report, parse_options
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.call_threads import calls_done
from desktop_sync.gui.needs_you import NeedsYouPanel
from desktop_sync.gui.orders_tab import OrdersTab
from desktop_sync.gui.read_apart import reads_done
from desktop_sync.state.journal import Journal
from desktop_sync.state.needs_you import NeedsYou
from desktop_sync.state.order_facts import ensure_tables
from desktop_sync.state.orders_view import OrdersQuery, Show
from desktop_sync.state.records import iso

FULL_ORDERS = 100_000
SMOKE_ORDERS = 2_000
OPEN_GOAL_MS = 300.0
FILTER_GOAL_MS = 100.0
STALL_GOAL_MS = 50.0
"""The longest the GUI thread may stand still (issue 22)."""
RUNS = 5


def fill(path: Path, count: int) -> None:
    """``count`` orders over a year: 90% sent (a third of those shipped, with tracking),
    the rest waiting, failed or held; customers and totals as the push records them."""
    start = datetime.now(UTC) - timedelta(days=365)
    states = ("pending", "failed", "skipped")
    orders, facts, shipments = [], [], []
    for i in range(count):
        placed = iso(start + timedelta(seconds=i * 315_000 // max(count // 100, 1)))
        state = "sent" if i % 10 else states[(i // 10) % 3]
        shipped = state == "sent" and i % 3 == 0
        orders.append(
            (
                str(i),
                str(10_000 + i),
                state,
                str(500_000 + i) if state == "sent" else None,
                placed,
                placed,
                placed,
                placed,
                placed if shipped else None,
                "Not sent yet: its status in the store is 'pending'." if state == "skipped" else "",
            )
        )
        name = f"Customer {i} Müller" if i % 7 == 0 else f"Customer {i}"
        facts.append(
            (str(i), str(10_000 + i), placed, name, name.casefold(), "49.90", "USD", placed)
        )
        if shipped:
            shipments.append(
                (f"s{i}", str(500_000 + i), str(i), str(10_000 + i), f"1Z{i:010d}", placed, placed)
            )
    with Journal(path) as journal:
        ensure_tables(journal)
        with journal.write() as conn:
            conn.executemany(
                "INSERT INTO orders (store, store_order_id, order_number, state, "
                "orderdesk_order_id, store_created_at, store_updated_at, created_at, updated_at, "
                "shipped_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(journal.store, *row) for row in orders],
            )
            conn.executemany(
                "INSERT INTO order_facts (store, store_order_id, order_number, placed, customer, "
                "customer_folded, total, currency, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(journal.store, *row) for row in facts],
            )
            conn.executemany(
                "INSERT INTO shipments (store, shipment_id, orderdesk_order_id, store_order_id, "
                "order_number, tracking_number, carrier, lines, kind, state, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'UPS', '[]', 'fulfil', 'done', ?, ?)",
                [(journal.store, *row) for row in shipments],
            )
        journal.read("ANALYZE")


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _median(call: Callable[[], object], runs: int = RUNS) -> float:
    """The median time of ``call``; each run starts once the count of the one before has
    finished on its worker (as when a merchant reads a page before filtering again)."""
    times = []
    for _ in range(runs):
        times.append(_ms(call))
        calls_done(60.0)
        reads_done(60.0)  # the count, on the window's reading thread
        QApplication.processEvents()
    return statistics.median(times)


def _refreshed(panel: NeedsYouPanel, listed: NeedsYou) -> float:
    """What the GUI thread spends on one read of Needs you: starting it on its worker, and
    showing what lands (timed here on the list the worker read); the wait between is the
    worker's, and the window goes on meanwhile."""
    started = _ms(panel.refresh)
    loop = QEventLoop()
    panel.listed_changed.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    panel.listed_changed.disconnect(loop.quit)
    return started + _ms(lambda: panel._show(listed))


def run(count: int, report: Report) -> None:
    app = QApplication.instance() or QApplication([])
    fill(journal_path(), count)
    reader = DesktopSync(driver="benchmark", lock=False)
    tabs: list[OrdersTab] = []

    def open_tab() -> None:
        tab = OrdersTab(reader, lambda: ("", ""))
        tab.resize(1000, 600)
        tab.show()
        tab.repaint()  # painted: the first page is on screen
        app.processEvents()
        tabs.append(tab)

    _ms(lambda: reader.orders_page(OrdersQuery(), 1))  # opens the journal, as the window has
    opened = _median(open_tab)
    report.add(
        "open_ms",
        f"open the Orders tab over {count:,} orders (first page painted)",
        opened,
        "ms",
        goal=f"<= {OPEN_GOAL_MS:g} ms",
        met=opened <= OPEN_GOAL_MS,
    )
    model = tabs[-1].model
    queries = {
        "needs_me": OrdersQuery(show=Show.NEEDS_ME),
        "waiting": OrdersQuery(show=Show.WAITING),
        "sent": OrdersQuery(show=Show.SENT),
        "shipped": OrdersQuery(show=Show.SHIPPED),
        "search_number": OrdersQuery(text=str(10_000 + count // 2)),
        "search_name": OrdersQuery(text="müller"),
        "search_tracking": OrdersQuery(text=f"1Z{count // 3 * 3:010d}"),
    }
    worst = 0.0
    for key, query in queries.items():
        shown = _median(lambda query=query: model.set_query(query, now=True))
        counted = _median(lambda query=query: reader.count_orders(query))
        worst = max(worst, shown)
        report.add(
            f"{key}_ms",
            f"{key.replace('_', ' ')}: first page",
            shown,
            "ms",
            goal=f"<= {FILTER_GOAL_MS:g} ms",
            met=shown <= FILTER_GOAL_MS,
        )
        report.add(f"{key}_count_ms", f"{key.replace('_', ' ')}: its count", counted, "ms")
    report.add(
        "worst_filter_ms",
        "slowest filter or search, first page",
        worst,
        "ms",
        goal=f"<= {FILTER_GOAL_MS:g} ms",
        met=worst <= FILTER_GOAL_MS,
    )
    needs = _median(reader.needs_you)
    listed = reader.needs_you()
    report.add(
        "needs_you_ms",
        f"Needs you ({listed.count:,} orders in {len(listed.rows)} rows) read for the dashboard",
        needs,
        "ms",
        goal=f"<= {FILTER_GOAL_MS:g} ms",
        met=needs <= FILTER_GOAL_MS,
    )
    apart = _median(reader.needs_you_apart)
    report.add(
        "needs_you_worker_ms",
        "the same read as the window makes it, on a worker with its own journal connection",
        apart,
        "ms",
        goal=f"<= {FILTER_GOAL_MS:g} ms",
        met=apart <= FILTER_GOAL_MS,
    )
    panel = NeedsYouPanel(reader)
    panel.show()  # on screen, as on the dashboard (its first showing is not the read's)
    _refreshed(panel, listed)
    landed = statistics.median(_refreshed(panel, listed) for _ in range(RUNS))
    report.add(
        "needs_you_gui_thread_ms",
        "GUI thread: start the read, then show the list that landed (its rows and count)",
        landed,
        "ms",
        goal=f"<= {STALL_GOAL_MS:g} ms",
        met=landed <= STALL_GOAL_MS,
    )
    panel.close()
    for tab in tabs:
        tab.close()
    reader.close()


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=1.0, smoke_scale=1.0)
    report = Report("orders_view", options, scaled=False)
    count = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    with tempfile.TemporaryDirectory() as home:
        os.environ["DESKTOP_SYNC_HOME"] = home
        run(count, report)
    report.notes.append(
        f"median of {RUNS} runs each; the count beside the table is read on a worker thread "
        "after the first page is shown, so it is timed on its own"
    )
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

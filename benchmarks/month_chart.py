"""The dashboard's month chart over a big journal: 100,000 orders over a year in two stores
(the Orders view benchmark's journal), each sent order with the push's log line and another
line of its own, a third of them shipped. How long the month's read takes (on the facade's
connection, and as the window makes it: on a worker with a connection of its own), what the
GUI thread spends on it (starting the read, then drawing what lands), and the longest the GUI
thread stands still while the worker reads.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.month_chart [--smoke]``.
Not a test: the numbers depend on the machine. Each figure is the median of five runs.
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.common import Report, parse_options
from benchmarks.orders_view import FULL_ORDERS, RUNS, SMOKE_ORDERS, STALL_GOAL_MS, fill
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.gui.month_chart import MonthChart
from desktop_sync.state.journal import Journal
from desktop_sync.state.month import SENT_LINE
from desktop_sync.state.records import iso, parse_time

READ_GOAL_MS = 100.0
GUI_SHARE_GOAL_MS = 2.0
"""What the GUI thread may spend on one read of the month (brief: about 0-2 ms)."""
STORES = (
    StoreSettings(id="1", name="Main shop", platform="bigcommerce", url="https://main.example"),
    StoreSettings(id="b7", name="Outlet", platform="woocommerce", url="https://outlet.example"),
)


def fill_log(path: Path) -> int:
    """Every other order (and its shipment) to the second store; each sent order's log line a
    minute after it was placed, and one other line for every order. The log's size."""
    with Journal(path) as journal:
        sent = journal.read("SELECT store_order_id, order_number, created_at FROM orders")
        with journal.write() as conn:
            conn.execute("UPDATE orders SET store = 'b7' WHERE CAST(store_order_id AS INT) % 2")
            conn.execute("UPDATE shipments SET store = 'b7' WHERE CAST(store_order_id AS INT) % 2")
            lines = []
            for order_id, number, created in sent:
                store = "b7" if int(order_id) % 2 else "1"
                placed = parse_time(created)
                assert placed is not None
                later = iso(placed + timedelta(minutes=1))
                lines.append((later, "info", "push", number, "Seen in the store.", store))
                lines.append((later, "info", "push", number, SENT_LINE, store))
            conn.executemany(
                "INSERT INTO events (time, level, direction, order_number, message, store) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                lines,
            )
        journal.read("ANALYZE")
        return int(journal.read("SELECT COUNT(*) FROM events")[0][0])


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _median_ms(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(_ms(started))
    return statistics.median(times)


def _one_read(chart: MonthChart) -> tuple[float, float, float, float]:
    """One read as the dashboard makes it: what the GUI thread spends starting it, then taking
    in the month that landed and painting it, and the longest the thread stood still meanwhile
    (a timer ticks every millisecond on it; a tick late by more is the thread held up)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ticks: list[float] = []
    ticker = QTimer()
    ticker.setInterval(1)
    ticker.timeout.connect(lambda: ticks.append(time.perf_counter()))
    spent: list[float] = []
    draw = chart.set_month

    def drawn(month: object) -> None:
        started = time.perf_counter()
        draw(month)  # type: ignore[arg-type]
        spent.append(_ms(started))
        started = time.perf_counter()
        chart.repaint()
        spent.append(_ms(started))
        loop.quit()

    chart.set_month = drawn  # type: ignore[method-assign]
    loop = QEventLoop()
    QTimer.singleShot(30_000, loop.quit)
    ticker.start()
    ticks.append(time.perf_counter())
    started = time.perf_counter()
    chart.refresh()
    spent.append(_ms(started))
    loop.exec()
    ticker.stop()
    chart.set_month = draw  # type: ignore[method-assign]
    gaps = [(b - a) * 1000 for a, b in itertools.pairwise(ticks)]
    start, taken, painted = spent
    return start, taken, painted, max(gaps, default=0.0)


def run(count: int, report: Report) -> None:
    app = QApplication.instance() or QApplication([])
    save_settings(Settings(stores=STORES))
    fill(journal_path(), count)
    events = fill_log(journal_path())
    reader = DesktopSync(driver="benchmark", lock=False)
    started = time.perf_counter()
    month = reader.month_apart()
    first = _ms(started)
    sent = sum(d.sent for d in month.days)
    shipped = sum(d.shipped for d in month.days)
    said = (
        f"{count:,} orders, {events:,} log lines; the month: {sent:,} sent, "
        f"{shipped:,} shipped, in {len(month.stores)} stores"
    )
    report.extra["journal"] = said
    report.add(
        "month_first_read_ms",
        "the first read of a journal (it indexes the log's sent lines, once)",
        first,
        "ms",
    )
    read = _median_ms(reader.month)
    report.add("month_read_ms", f"the month's read, facade's connection ({said})", read, "ms")
    apart = _median_ms(reader.month_apart)
    report.add(
        "month_worker_ms",
        "the same read as the window makes it: on a worker, with a connection of its own",
        apart,
        "ms",
        goal=f"<= {READ_GOAL_MS:g} ms",
        met=apart <= READ_GOAL_MS,
    )
    chart = MonthChart(reader)
    chart.resize(900, 74)
    chart.show()
    _one_read(chart)  # its first showing is not the read's
    runs = [_one_read(chart) for _ in range(RUNS)]
    share = statistics.median(r[0] + r[1] for r in runs)
    report.add(
        "month_gui_thread_ms",
        "GUI thread: start the read, then take in the month that landed",
        share,
        "ms",
        goal=f"<= {GUI_SHARE_GOAL_MS:g} ms",
        met=share <= GUI_SHARE_GOAL_MS,
    )
    started = statistics.median(r[0] for r in runs)
    report.add("month_start_ms", "of which: starting the read's thread", started, "ms")
    painted = statistics.median(r[2] for r in runs)
    report.add("month_paint_ms", "GUI thread: paint the chart (as at any repaint)", painted, "ms")
    stall = statistics.median(r[3] for r in runs)
    report.add(
        "month_stall_ms",
        "longest the GUI thread stood still while the worker read",
        stall,
        "ms",
        goal=f"<= {STALL_GOAL_MS:g} ms",
        met=stall <= STALL_GOAL_MS,
    )
    chart.close()
    reader.close()
    app.processEvents()


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(__doc__ or "", argv, full_scale=1.0, smoke_scale=1.0)
    report = Report("month_chart", options, scaled=False)
    count = SMOKE_ORDERS if options.smoke else FULL_ORDERS
    with tempfile.TemporaryDirectory() as home:
        os.environ["DESKTOP_SYNC_HOME"] = home
        run(count, report)
    report.notes.append(f"median of {RUNS} runs each")
    report.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How the GUI copes with a big log and a big sync: time to first paint of the main window over a
100,000-event journal, and the longest GUI-thread stall while 2,000 orders sync against the
emulators (a 5 ms heartbeat timer measures the gaps). Prints a table and one JSON line.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_log_open.py

Not a test: numbers depend on the machine. The emulators run in a child process, as a real
Order Desk and store run elsewhere, so their work does not count against the GUI thread.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.gui_heartbeat import Heartbeat  # noqa: E402
from desktop_sync.app.facade import DesktopSync  # noqa: E402
from desktop_sync.app.paths import journal_path  # noqa: E402
from desktop_sync.app.platforms import send_rule_for  # noqa: E402
from desktop_sync.app.profile import Profile  # noqa: E402
from desktop_sync.app.settings import Settings  # noqa: E402
from desktop_sync.app.wiring import make_store_connector  # noqa: E402
from desktop_sync.connectors.orderdesk.client import OrderDeskClient  # noqa: E402
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket  # noqa: E402
from desktop_sync.engine.events import CycleResult, EventSink  # noqa: E402
from desktop_sync.engine.sync import SyncEngine  # noqa: E402
from desktop_sync.gui.app import keep_the_window_responsive  # noqa: E402
from desktop_sync.gui.main_window import MainWindow  # noqa: E402
from desktop_sync.gui.workers import SyncController  # noqa: E402
from desktop_sync.state.journal import Journal  # noqa: E402
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator  # noqa: E402
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator  # noqa: E402

HEARTBEAT_MS = 5
STORE_ID, API_KEY, TOKEN = "100001", "bench-key-1", "bench-token-1"


def bench_profile(orderdesk_url: str, store_url: str) -> Profile:
    """The profile the benchmarks sync with, over the emulators at these addresses."""
    return Profile(
        orderdesk_store_id=STORE_ID,
        orderdesk_api_key=API_KEY,
        orderdesk_api_url=orderdesk_url,
        store_platform="bigcommerce",
        store_url=store_url,
        store_key=TOKEN,
        sync_since=datetime.now(UTC) - timedelta(minutes=10),
    )


def load_events(path: Path, count: int) -> None:
    """``count`` log lines in one transaction (the journal's own add_event commits per line)."""
    Journal(path).close()  # creates and migrates the schema
    start = datetime.now(UTC) - timedelta(days=30)
    levels = ("info",) * 8 + ("warning", "error")
    rows = (
        (
            (start + timedelta(seconds=i * 20)).isoformat(timespec="microseconds"),
            levels[i % len(levels)],
            "orders" if i % 3 else "shipments",
            str(100_000 + i // 3),
            str(5_000_000 + i // 3),
            f"Sent to Order Desk (benchmark line {i}).",
        )
        for i in range(count)
    )
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO events (time, level, direction, order_number, orderdesk_order_id, "
            "message) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()


def load_held(path: Path, count: int) -> None:
    """``count`` orders held by the store status chosen in Settings, as the push records them:
    each is in Needs you, which the window reads again at the end of every cycle."""
    placed = (datetime.now(UTC) - timedelta(days=3)).isoformat(timespec="microseconds")
    reason = "Not sent yet: its status in the store is 'Awaiting Payment'."
    rows = ((f"held-{i}", str(900_000 + i), reason, placed) for i in range(count))
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO orders (store, store_order_id, order_number, state, last_error, "
            "store_created_at, store_updated_at, created_at, updated_at) "
            "VALUES ('1', ?, ?, 'skipped', ?, ?, ?4, ?4, ?4)",
            rows,
        )
    conn.close()


def serve_emulators(conn: Any, orders: int, scale: float) -> None:
    """The child process: both emulators with ``orders`` store orders, until told to stop."""
    orderdesk = OrderDeskEmulator(store_id=STORE_ID, api_key=API_KEY, time_scale=scale)
    store = BigCommerceEmulator(access_token=TOKEN, time_scale=scale)
    orderdesk.start()
    store.start()
    try:
        store.add_sample_orders(orders)
        conn.send((orderdesk.api_url, store.api_url))
        conn.recv()
    finally:
        store.stop()
        orderdesk.stop()


def fast_engine_factory(scale: float, journal_file: Path) -> Callable[..., SyncEngine]:
    """``build_engine`` with the client's bucket as fast as the emulator's scaled one, so 2,000
    orders take seconds rather than Order Desk's real 3 requests a second."""

    def build(profile: Profile, *, sink: EventSink | None = None, stop: Any = None) -> SyncEngine:
        client = OrderDeskClient(
            profile.orderdesk_store_id,
            profile.orderdesk_api_key,
            base_url=profile.orderdesk_api_url,
            limiter=TokenBucket(20, 3.0 * scale),
        )
        store = make_store_connector(profile.store_platform, profile.store_url, profile.store_key)
        return SyncEngine(
            orderdesk=client,
            store=store,
            journal=Journal(journal_file),
            folder=profile.folder,
            send_rule=send_rule_for(profile.store_platform, profile.order_statuses or None),
            start_at=profile.sync_since,
            sink=sink,
            stop=stop or threading.Event(),
            on_close=client.close,
        )

    return build


class _FirstPaint(QObject):
    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.at: float | None = None
        self._loop = loop

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.at is None:
            self.at = time.perf_counter()
            QTimer.singleShot(0, self._loop.quit)
        return False


IDLE_CONTROL_MS = 5_000


def measure(journal_file: Path, profile: Profile, scale: float) -> dict[str, Any]:
    loop = QEventLoop()
    painted = _FirstPaint(loop)
    opened = time.perf_counter()
    reader = DesktopSync(driver="benchmark", lock=False)  # the window reads through the facade
    controller = SyncController(
        profile,
        push_interval_seconds=3600,
        pull_interval_seconds=3600,
        run_at_start=False,
        engine_factory=fast_engine_factory(scale, journal_file),
    )
    window = MainWindow(
        reader, controller, settings=Settings(), profile=profile, end_app=lambda: None
    )
    window.log_view.table.viewport().installEventFilter(painted)
    window.show()
    keep_the_window_responsive()  # as GuiSession.show() does at the end of start-up
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    if painted.at is None:
        raise SystemExit("The log was never painted")
    first_paint_ms = (painted.at - opened) * 1000

    # Control, same run: the heartbeat with the window open and nothing syncing. On a loaded
    # machine the OS alone delays the GUI thread; the sync's own cost is the difference.
    idle = Heartbeat(HEARTBEAT_MS)
    idle_loop = QEventLoop()
    idle.start()
    QTimer.singleShot(IDLE_CONTROL_MS, idle_loop.quit)
    idle_loop.exec()
    idle.stop()

    controller.start()
    heartbeat = Heartbeat(HEARTBEAT_MS)
    finished: list[CycleResult] = []
    done = QEventLoop()
    controller.cycle_finished.connect(lambda result: (finished.append(result), done.quit()))
    started = time.perf_counter()
    heartbeat.start()
    window.sync_now()
    QTimer.singleShot(600_000, done.quit)
    done.exec()
    heartbeat.stop()
    sync_seconds = time.perf_counter() - started
    if not finished:
        raise SystemExit("The sync did not finish within 10 minutes")
    window.log_model.refresh()
    rows_loaded = window.log_model.rowCount()
    window.quit_app()
    reader.close()
    gaps = sorted(late + HEARTBEAT_MS for late in heartbeat.late) or [0.0]
    idle_gaps = sorted(late + HEARTBEAT_MS for late in idle.late) or [0.0]
    push = finished[0].push
    return {
        "idle_longest_stall_ms": round(max(idle_gaps[-1] - HEARTBEAT_MS, 0.0), 1),
        "idle_p99_gap_ms": round(idle_gaps[max(int(len(idle_gaps) * 0.99) - 1, 0)], 1),
        "first_paint_ms": round(first_paint_ms, 1),
        "sync_s": round(sync_seconds, 2),
        "orders_sent": push.sent if push else 0,
        "health": finished[0].health.value,
        "longest_stall_ms": round(max(gaps[-1] - HEARTBEAT_MS, 0.0), 1),
        "p99_gap_ms": round(gaps[max(int(len(gaps) * 0.99) - 1, 0)], 1),
        "heartbeats": len(gaps),
        "log_rows_loaded": rows_loaded,
    }


def launch_child(journal_file: Path) -> int:
    """In a fresh process: the app's window over ``journal_file``, until its log has painted."""
    from desktop_sync.gui.app import application

    application()
    loop = QEventLoop()
    painted = _FirstPaint(loop)
    profile = Profile(
        orderdesk_store_id=STORE_ID,
        orderdesk_api_key=API_KEY,
        orderdesk_api_url="http://127.0.0.1:9/api/v2",
        store_platform="bigcommerce",
        store_url="http://127.0.0.1:9/stores/x",
        store_key=TOKEN,
    )
    controller = SyncController(
        profile, push_interval_seconds=3600, pull_interval_seconds=3600, run_at_start=False
    )
    window = MainWindow(
        DesktopSync(driver="benchmark", lock=False),  # over journal_path(), as the parent's
        controller,
        settings=Settings(),
        profile=profile,
        end_app=lambda: None,
    )
    window.log_view.table.viewport().installEventFilter(painted)
    window.show()
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    print("painted" if painted.at is not None else "never painted", flush=True)
    controller.shutdown()
    return 0 if painted.at is not None else 1


def measure_launch(journal_file: Path) -> float:
    """Milliseconds from starting a new process to its window's first paint of the log:
    interpreter start, imports, the journal's first page, Qt's first frame."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.gui_log_open", "--launch-child", str(journal_file)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if "painted" not in child.stdout.splitlines():
        raise SystemExit(f"The launched app never painted: {child.stderr[-500:]}")
    return elapsed


def run(events: int, orders: int, scale: float, held: int = 0) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="desktop-sync-bench-"))
    os.environ["DESKTOP_SYNC_HOME"] = str(home)
    journal_file = journal_path()  # where the window's facade reads it
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve_emulators, args=(theirs, orders, scale), daemon=True)
    child.start()
    try:
        app = QApplication.instance() or QApplication(sys.argv)
        started = time.perf_counter()
        load_events(journal_file, events)
        load_held(journal_file, held)
        load_seconds = time.perf_counter() - started
        launch_ms = measure_launch(journal_file)
        if not ours.poll(120):
            raise SystemExit("The emulators did not start")
        orderdesk_url, store_url = ours.recv()
        profile = bench_profile(orderdesk_url, store_url)
        results = measure(journal_file, profile, scale)
    finally:
        ours.send("stop")
        child.join(30)
    return {
        "events": events,
        "orders": orders,
        "needing_you": held,
        "load_events_s": round(load_seconds, 2),
        "launch_to_paint_ms": round(launch_ms, 1),
        **results,
        # The GUI process (window, log model, sync engine); the emulators run in a child.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "platform": QApplication.platformName() if app else "",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--time-scale", type=float, default=50.0)
    parser.add_argument(
        "--needing-you",
        type=int,
        default=0,
        help="orders held in the journal beforehand, all in Needs you (read at each cycle's end)",
    )
    parser.add_argument("--launch-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.launch_child:
        return launch_child(args.launch_child)
    report = run(args.events, args.orders, args.time_scale, args.needing_you)
    width = max(len(k) for k in report)
    print(f"{'measure':<{width}}  value")
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

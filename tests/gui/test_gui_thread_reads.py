"""Issue 22: the GUI thread never stands still while a sync runs. Over a journal of 100,000
orders the dashboard's counts took 100-200 ms and every store's status (the store cards)
110 ms, read on the GUI thread at each progress step without counts (reading the store,
checking Order Desk) and at every cycle's end (``benchmarks/gui_stall.py`` listed them).
The Orders tab read its first page again there too (23-39 ms). They are read on worker
threads now, each on a journal connection of its own, and shown when
they land. The window's signals are emitted here as its controller relays the worker's."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_records import Status
from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    Health,
    Progress,
    PushResult,
    Stage,
)
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.workers import SyncController
from desktop_sync.state.journal import Journal
from desktop_sync.state.orders_view import OrderLine, OrdersQuery, PageKey
from desktop_sync.state.records import JournalCounts

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


class _Watched(DesktopSync):
    """The facade, noting which thread makes each read of the counts and of the status."""

    reads: list[tuple[str, threading.Thread]]

    def counts(self) -> JournalCounts:
        self.reads.append(("counts", threading.current_thread()))
        return super().counts()

    def status(self, *, store: str | None = None) -> Status:
        self.reads.append(("status", threading.current_thread()))
        return super().status(store=store)

    def orders_page(
        self, query: OrdersQuery, limit: int, *, after: PageKey | None = None
    ) -> list[OrderLine]:
        self.reads.append(("orders_page", threading.current_thread()))
        return super().orders_page(query, limit, after=after)

    def on_the_gui_thread(self) -> list[str]:
        return [name for name, thread in self.reads if thread is threading.main_thread()]


def _orders(first: int, count: int) -> None:
    """``count`` orders waiting to be sent, and as many failed."""
    with Journal(journal_path()) as journal:
        for n in range(first, first + 2 * count):
            placed = T0 + timedelta(minutes=n)
            journal.record_order_seen(str(n), str(1000 + n), placed, placed)
            if n % 2:
                journal.mark_failed(str(n), "Order Desk refused the order: the SKU is missing.")


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[tuple[MainWindow, _Watched]]:
    _orders(0, 3)
    profile = Profile(
        orderdesk_store_id="100001",
        orderdesk_api_key="key",
        orderdesk_api_url="http://127.0.0.1:9/api/v2",
        store_platform="bigcommerce",
        store_url="http://127.0.0.1:9/stores/x",
        store_key="token",
    )
    with _Watched(driver="test", lock=False) as reader:
        reader.reads = []
        controller = SyncController(profile, run_at_start=False)  # never started: no thread
        made = MainWindow(
            reader, controller, settings=Settings(), profile=profile, end_app=lambda: None
        )
        qtbot.addWidget(made)
        made.show()
        qtbot.waitExposed(made)
        reader.reads.clear()  # what the window read to open is not a sync's
        yield made, reader
        made.log_model.stop_live()


def test_counts_during_and_after_a_cycle_are_read_off_the_gui_thread(
    window: tuple[MainWindow, _Watched], qtbot: QtBot
) -> None:
    made, reader = window
    dashboard, controller = made.dashboard, made.controller
    assert dashboard.pending.number.text() == "3"
    controller.cycle_started.emit()
    _orders(10, 2)  # the store's orders read so far: two more wait, two more failed
    controller.progress.emit(Progress(Direction.PUSH, 4, 0, Stage.READING))
    qtbot.waitUntil(lambda: dashboard.pending.number.text() == "5", timeout=10_000)
    assert dashboard.activity.text() == "Reading the store: 4 orders found so far"
    _orders(20, 1)
    controller.cycle_finished.emit(
        CycleResult(Health.OK, push=PushResult(sent=0), finished_at=datetime.now(UTC))
    )
    qtbot.waitUntil(lambda: dashboard.pending.number.text() == "6", timeout=10_000)
    qtbot.waitUntil(lambda: dashboard.failed.number.text() == "6", timeout=10_000)
    assert reader.on_the_gui_thread() == []
    assert any(name == "counts" for name, _ in reader.reads), "the counts were not read"


def test_the_store_cards_read_every_stores_status_off_the_gui_thread(
    window: tuple[MainWindow, _Watched], qtbot: QtBot
) -> None:
    made, reader = window
    made.controller.cycle_finished.emit(
        CycleResult(Health.OK, push=PushResult(sent=0), finished_at=datetime.now(UTC))
    )
    made.controller.stores_paused.emit(())
    qtbot.waitUntil(lambda: sum(n == "status" for n, _ in reader.reads) >= 1, timeout=10_000)
    assert "status" not in reader.on_the_gui_thread()


def test_the_orders_tab_reads_its_page_again_off_the_gui_thread_after_a_cycle(
    window: tuple[MainWindow, _Watched], qtbot: QtBot
) -> None:
    made, reader = window
    model = made.orders_tab.model
    assert model.rowCount() == 6
    _orders(30, 2)  # what the cycle recorded
    made.controller.cycle_finished.emit(
        CycleResult(Health.OK, push=PushResult(sent=0), finished_at=datetime.now(UTC))
    )
    qtbot.waitUntil(lambda: model.rowCount() == 10, timeout=10_000)
    assert model.line_at(0).number == "1033"  # the newest placed first
    qtbot.waitUntil(lambda: model.total == 10, timeout=10_000)
    assert ("orders_page", threading.main_thread()) not in reader.reads
    assert any(name == "orders_page" for name, _ in reader.reads)


def test_the_windows_reads_start_no_thread_from_the_gui_thread(
    window: tuple[MainWindow, _Watched], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each read had a thread of its own, and ``Thread.start`` waits for the thread to begin:
    20-70 ms of the GUI thread under load, hundreds of times in a sync. The reads go to one
    reading thread, already there, in turn."""
    made, _reader = window
    dashboard = made.dashboard
    qtbot.waitUntil(lambda: not dashboard.needs_you.reading, timeout=10_000)
    started_here: list[str] = []
    start = threading.Thread.start

    def noted(thread: threading.Thread) -> None:
        if threading.current_thread() is threading.main_thread():
            started_here.append(thread.name)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", noted)
    made.controller.cycle_started.emit()
    made.controller.progress.emit(Progress(Direction.PUSH, 4, 0, Stage.READING))
    _orders(40, 1)
    made.controller.cycle_finished.emit(
        CycleResult(Health.OK, push=PushResult(sent=0), finished_at=datetime.now(UTC))
    )
    qtbot.waitUntil(lambda: dashboard.pending.number.text() == "4", timeout=10_000)
    qtbot.waitUntil(lambda: made.orders_tab.model.rowCount() == 8, timeout=10_000)
    qtbot.waitUntil(lambda: not dashboard.needs_you.reading, timeout=10_000)
    assert dashboard.failed.number.text() == "4"
    assert [n for n in started_here if n != "desktop-sync-reads"] == []

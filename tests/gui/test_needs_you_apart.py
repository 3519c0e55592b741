"""Issue 22: Needs you is read on a worker thread, never on the window's: over a journal where
thousands of orders need the merchant it took 233-287 ms, and the window stood still while
it read. The count lands on the dashboard when the read does."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import Failure
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.state.journal import Journal
from desktop_sync.state.needs_you import Look, NeedsYou

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


class _Watched(DesktopSync):
    """The facade, noting the thread each Needs you read runs on."""

    threads: list[threading.Thread]

    def needs_you(self, looks: Sequence[Look] = ()) -> NeedsYou:
        self.threads.append(threading.current_thread())
        return super().needs_you(looks)

    def needs_you_apart(self, looks: Sequence[Look] = ()) -> NeedsYou:
        self.threads.append(threading.current_thread())
        return super().needs_you_apart(looks)


def test_needs_you_is_read_on_a_worker_and_its_count_lands_on_the_dashboard(
    qtbot: QtBot,
) -> None:
    with Journal(journal_path()) as journal:
        for n in range(300):
            placed = T0 + timedelta(minutes=n)
            journal.record_order_seen(str(n), str(1000 + n), placed, placed)
            journal.mark_failed(str(n), "Order Desk refused the order: the SKU is missing.")
    with _Watched(driver="test", lock=False) as reader:
        reader.threads = []
        dashboard = Dashboard(reader)
        qtbot.addWidget(dashboard)
        dashboard.refresh_counts()
        qtbot.waitUntil(lambda: dashboard.needs_attention == 300, timeout=10_000)
        assert reader.threads, "Needs you was not read"
        assert threading.main_thread() not in reader.threads
        assert dashboard.failed.number.text() == "300"
        assert not dashboard.failed_box.isHidden()


class _Gated(DesktopSync):
    """The facade, whose Needs you reads wait for ``gate`` and are counted."""

    gate: threading.Event
    asked: list[tuple[Look, ...]]

    def needs_you_apart(self, looks: Sequence[Look] = ()) -> NeedsYou:
        self.asked.append(tuple(looks))
        self.gate.wait(10)
        return super().needs_you_apart(looks)


def test_a_burst_of_refreshes_makes_at_most_two_reads_the_last_with_the_latest(
    qtbot: QtBot,
) -> None:
    """A progress step re-reads Needs you whenever an order failed or was held: 450 times
    in a 2,000-order sync (benchmarks/gui_stall.py), each a new thread started by the window
    (up to 47 ms of its time under load) and a read of thousands of rows, most of them
    dropped unread by the next. Asked again while it reads (or within half a second of a
    read), the list is read once more after it, with what was asked last."""
    with _Gated(driver="test", lock=False) as reader:
        reader.gate, reader.asked = threading.Event(), []
        reader.gate.set()  # the first read, as the dashboard opens
        dashboard = Dashboard(reader)
        qtbot.addWidget(dashboard)
        qtbot.waitUntil(lambda: not dashboard.needs_you.reading, timeout=10_000)
        reader.asked.clear()
        reader.gate.clear()
        for n in range(10):
            dashboard.needs_you.refresh(
                [Failure(str(n), "Cancelled in the store after it shipped.")]
            )
        qtbot.waitUntil(lambda: bool(reader.asked), timeout=10_000)
        reader.gate.set()
        qtbot.waitUntil(lambda: not dashboard.needs_you.reading, timeout=10_000)
        read = [looks[-1].order_number for looks in reader.asked]
        assert len(read) <= 2 and read[-1] == "9", read

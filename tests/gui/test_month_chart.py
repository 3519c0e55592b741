"""Issue 22, item 5: the month at a glance on the dashboard. Orders sent and shipments sent
back per day for the last 30 days, store by store when there are several, read through the
facade on a worker thread; a day's figures (each store's) and the last good sync's exact
time on hover, and the days by keyboard."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app import order_services
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.state.journal import Journal, JournalError
from desktop_sync.state.month import SENT_LINE, Month, per_day
from tests.shipments import add_shipment

pytestmark = pytest.mark.gui

MAIN = StoreSettings(id="1", name="Main shop", platform="shopify", url="https://main.example")
OUTLET = StoreSettings(id="b7", name="Outlet", platform="woocommerce", url="https://out.example")


def _sent(store: str, days_ago: int, count: int) -> None:
    with Journal(journal_path(), store=store) as journal:
        when = datetime.now(UTC) - timedelta(days=days_ago)
        for n in range(count):
            journal.add_event(when, "info", "push", SENT_LINE, order_number=f"{n}")


def _shown(qtbot: QtBot, reader: DesktopSync) -> Dashboard:
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    dashboard.resize(900, 500)
    dashboard.show()
    qtbot.waitUntil(lambda: len(dashboard.month_chart.days) == 30, timeout=10_000)
    return dashboard


def _last_bar(dashboard: Dashboard) -> QPoint:
    chart = dashboard.month_chart
    return QPoint(chart.width() - 8, chart.height() - 20)


def test_the_chart_shows_each_days_orders_and_shipments_and_the_last_good_sync(
    qtbot: QtBot, reader: DesktopSync
) -> None:
    for days_ago, orders in ((0, 3), (2, 1), (40, 5)):  # 40 days ago: outside the month
        _sent("1", days_ago, orders)
    with Journal(journal_path()) as journal:
        journal.add_event(datetime.now(UTC), "info", "push", "Not sent: something else.")
        add_shipment(journal, "1", "1001", "1Z1")
    dashboard = _shown(qtbot, reader)
    chart = dashboard.month_chart
    assert len(chart.stores) == 1  # one store: one series
    today, two_days_ago = chart.days[-1], chart.days[-3]
    assert (today.sent, today.shipped, two_days_ago.sent) == (3, 1, 1)
    assert sum(d.sent for d in chart.days) == 4
    assert chart.summary() == ("Last 30 days: 4 orders sent, 1 shipment sent back to the store")
    assert chart.legend() == ["Orders sent", "Shipments back"]  # as before stores: no names
    assert chart.tooltip_at(_last_bar(dashboard)).endswith(
        ": 3 orders sent to Order Desk, 1 shipment sent back to the store"
    )
    assert chart.tooltip_at(QPoint(10, 2)) == (
        "No sync has finished without a problem since Desktop Sync started."
    )
    finished = datetime(2026, 12, 7, 9, 30, 15, tzinfo=UTC)
    dashboard.on_cycle_finished(CycleResult(Health.OK, finished_at=finished))
    exact = f"Last good sync: {finished.astimezone():%Y-%m-%d %H:%M:%S}"
    # The cycle's end is taken in once the counts read after it land.
    qtbot.waitUntil(lambda: chart.tooltip_at(QPoint(10, 2)) == exact, timeout=10_000)
    assert chart.tooltip_at(QPoint(chart.width() - 10, 2)) == exact  # anywhere on that line
    assert exact in chart.accessibleDescription()
    # A sync with a problem leaves the last good one as it was.
    dashboard.on_cycle_finished(
        CycleResult(Health.ORDERDESK_OFFLINE, finished_at=finished + timedelta(minutes=5))
    )
    assert chart.tooltip_at(QPoint(10, 2)) == exact
    image = chart.grab()  # it paints without error
    assert not image.isNull()


def test_two_stores_sending_on_the_same_day_are_two_named_series(
    qtbot: QtBot, reader: DesktopSync
) -> None:
    save_settings(Settings(stores=(MAIN, OUTLET)))
    _sent("1", 0, 3)
    _sent("b7", 0, 2)
    _sent("b7", 1, 4)
    with Journal(journal_path(), store="b7") as journal:
        add_shipment(journal, "100", "100", "1ZB")
    dashboard = _shown(qtbot, reader)
    chart = dashboard.month_chart
    assert chart.stores == ("Main shop", "Outlet")
    assert chart.legend() == ["Main shop", "Outlet", "Orders sent", "Shipments back"]
    today, yesterday = chart.days[-1], chart.days[-2]
    assert [(s.store, s.sent, s.shipped) for s in today.stores] == [
        ("Main shop", 3, 0),
        ("Outlet", 2, 1),
    ]
    assert [(s.store, s.sent) for s in yesterday.stores] == [("Main shop", 0), ("Outlet", 4)]
    lines = chart.tooltip_at(_last_bar(dashboard)).splitlines()
    assert lines[0].endswith(": 5 orders sent to Order Desk, 1 shipment sent back to the store")
    assert lines[1:] == [
        "Main shop: 3 orders sent, 0 shipments sent back",
        "Outlet: 2 orders sent, 1 shipment sent back",
    ]
    assert not chart.grab().isNull()


def test_the_month_is_read_on_a_worker_thread_never_the_windows(
    qtbot: QtBot, reader: DesktopSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []

    def watched(*args: object, **kwargs: object) -> Month:
        threads.append(threading.current_thread())
        return per_day(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(order_services, "per_day", watched)
    _sent("1", 0, 2)
    dashboard = _shown(qtbot, reader)
    assert threads and threading.main_thread() not in threads
    _sent("1", 0, 1)
    dashboard.on_cycle_finished(CycleResult(Health.OK, finished_at=datetime.now(UTC)))
    qtbot.waitUntil(lambda: dashboard.month_chart.days[-1].sent == 3, timeout=10_000)
    assert len(threads) >= 2 and threading.main_thread() not in threads


class _Held(DesktopSync):
    """The facade whose first month read waits until the test lets it go."""

    released: threading.Event
    reads: list[str]

    def month_apart(self, now: datetime | None = None, days: int = 30) -> Month:
        first = not self.reads
        self.reads.append("first" if first else "later")
        if first:
            assert self.released.wait(10)
        return super().month_apart(now, days)


def test_a_newer_read_replaces_an_older_one_that_lands_late(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read at the window's start is slow; a cycle ends meanwhile and asks again. The slow
    one, landing first, is older news and never drawn: only the newer read is."""
    with _Held(driver="test", lock=False) as reader:
        reader.released, reader.reads = threading.Event(), []
        dashboard = Dashboard(reader)
        qtbot.addWidget(dashboard)
        drawn: list[int] = []
        draw = dashboard.month_chart.set_month
        monkeypatch.setattr(
            dashboard.month_chart, "set_month", lambda m: (drawn.append(m.days[-1].sent), draw(m))
        )
        qtbot.waitUntil(lambda: reader.reads == ["first"], timeout=5000)
        _sent("1", 0, 2)
        dashboard.on_cycle_finished(CycleResult(Health.OK, finished_at=datetime.now(UTC)))
        _sent("1", 0, 5)
        reader.released.set()  # the slow read finds 7 orders now, and lands nowhere
        qtbot.waitUntil(lambda: reader.reads == ["first", "later"], timeout=10_000)
        qtbot.waitUntil(lambda: not dashboard.month_chart.reading, timeout=10_000)
        qtbot.waitUntil(lambda: drawn != [], timeout=10_000)
        assert drawn == [7]  # the newer read's, once; the slow read's never drawn


def test_the_days_by_keyboard(qtbot: QtBot, reader: DesktopSync) -> None:
    save_settings(Settings(stores=(MAIN, OUTLET)))
    _sent("1", 0, 3)
    _sent("b7", 1, 4)
    dashboard = _shown(qtbot, reader)
    chart = dashboard.month_chart
    assert chart.focusPolicy() & Qt.FocusPolicy.TabFocus
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.chosen == 29
    assert "Main shop: 3 orders sent" in chart.accessibleDescription()
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert chart.chosen == 28
    text = chart.accessibleDescription()
    assert "Outlet: 4 orders sent, 0 shipments sent back" in text
    assert text.splitlines()[0] == chart.day_text(chart.days[28]).splitlines()[0]
    qtbot.keyClick(chart, Qt.Key.Key_Home)
    assert chart.chosen == 0
    qtbot.keyClick(chart, Qt.Key.Key_Left)  # already the first day: stays
    assert chart.chosen == 0
    assert not chart.grab().isNull()  # the chosen day drawn with its mark


class _Failing(DesktopSync):
    """The facade whose month reads fail after the first (the journal locked by a repair)."""

    reads: list[str]
    """Shared with the copies the reads are made on."""

    def month_apart(self, now: datetime | None = None, days: int = 30) -> Month:
        self.reads.append("read")
        if len(self.reads) > 1:
            raise JournalError("The sync journal could not be read: database is locked.")
        return super().month_apart(now, days)


def test_a_read_that_fails_leaves_the_chart_as_it_was_and_says_why_in_the_log(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    _sent("1", 0, 2)
    with _Failing(driver="test", lock=False) as reader:
        reader.reads = []
        dashboard = _shown(qtbot, reader)
        dashboard.on_cycle_finished(CycleResult(Health.OK, finished_at=datetime.now(UTC)))
        qtbot.waitUntil(lambda: "database is locked" in caplog.text, timeout=10_000)
        assert len(reader.reads) == 2
        assert dashboard.month_chart.days[-1].sent == 2

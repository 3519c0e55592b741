"""The sync log model and view: lazy pages, newest first, filters, live rows, row actions, CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.log_model import (
    COLUMNS,
    PAGE_SIZE,
    SyncLogModel,
    readable_time,
)
from desktop_sync.gui.log_view import LogView
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import OrderFacts, note_folder, note_order

pytestmark = pytest.mark.gui

EVENTS = 1000
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _add(journal: Journal, n: int, *, first: int = 0) -> None:
    for i in range(first, first + n):
        level = "error" if i % 10 == 0 else "warning" if i % 10 == 5 else "info"
        journal.add_event(
            START + timedelta(seconds=i),
            level,
            "orders" if i % 2 else "shipments",
            f"Event number {i}: sent to Order Desk.",
            order_number=f"#{i:05d}",
            orderdesk_order_id=str(900_000 + i),
        )


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal(journal_path()) as opened:
        _add(opened, EVENTS)
        yield opened


@pytest.fixture
def model(journal: Journal, reader: DesktopSync, qtbot: QtBot) -> Iterator[SyncLogModel]:
    log_model = SyncLogModel(reader, debounce_ms=20)
    yield log_model
    log_model.stop_live()


def _orders(model: SyncLogModel) -> list[str]:
    return [model.event_at(row).order_number for row in range(model.rowCount())]


def test_opening_reads_one_page_newest_first(model: SyncLogModel) -> None:
    assert model.rowCount() == PAGE_SIZE
    assert model.columnCount() == len(COLUMNS)
    assert _orders(model)[:3] == ["#00999", "#00998", "#00997"]
    assert model.canFetchMore(QModelIndex())


def test_fetch_more_grows_the_table_page_by_page_until_the_oldest_event(
    model: SyncLogModel,
) -> None:
    sizes = []
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        sizes.append(model.rowCount())
    assert sizes == [400, 600, 800, 1000]
    orders = _orders(model)
    assert orders == sorted(orders, reverse=True)
    assert orders[-1] == "#00000"
    assert len(set(orders)) == EVENTS


def test_events_written_while_paging_do_not_shift_pages(
    model: SyncLogModel, journal: Journal
) -> None:
    _add(journal, 50, first=EVENTS)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == EVENTS
    assert len(set(_orders(model))) == EVENTS
    assert model.refresh() == 50
    assert model.rowCount() == EVENTS + 50
    assert _orders(model)[0] == "#01049"


def test_live_refresh_inserts_new_events_at_the_top(
    model: SyncLogModel, journal: Journal, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(model.rowsInserted, timeout=5000) as inserted:
        _add(journal, 3, first=EVENTS)
        model.refresh_soon()  # what each engine event does; the only live path
    assert inserted.args[1:] == [0, 2]
    assert _orders(model)[:4] == ["#01002", "#01001", "#01000", "#00999"]


def test_text_filter_matches_message_and_order_number(model: SyncLogModel, qtbot: QtBot) -> None:
    with qtbot.waitSignal(model.filter_applied, timeout=5000):
        model.set_filter(text="#0042")
    assert sorted(_orders(model)) == [f"#0042{i}" for i in range(10)]
    model.set_filter(text="number 7", now=True)
    # "Event number 7:", "number 70..79", "number 700..799": 1 + 10 + 100 rows
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 111
    assert all("number 7" in model.event_at(r).message for r in range(model.rowCount()))


def test_level_filter_and_live_rows_respect_the_filter(
    model: SyncLogModel, journal: Journal
) -> None:
    model.set_filter(levels=["error"], now=True)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == EVENTS // 10
    assert {model.event_at(r).level for r in range(model.rowCount())} == {"error"}
    _add(journal, 11, first=EVENTS)  # 1000 and 1010 are errors
    assert model.refresh() == 2
    assert _orders(model)[:2] == ["#01010", "#01000"]


def test_cells_are_readable_with_level_icon_and_full_message_tooltip(
    model: SyncLogModel,
) -> None:
    row = 9  # event 990: an error
    cells = [model.index(row, c).data() for c in range(len(COLUMNS))]
    store = model.store_of(model.event_at(row))  # the Store column: hidden with one store
    assert cells[1:] == [
        "Error",
        "Shipments",
        "#00990",
        store,
        "Event number 990: sent to Order Desk.",
    ]
    local = (START + timedelta(seconds=990)).astimezone()
    assert cells[0] == f"{local:%b} {local.day} {local.year}, {local:%H:%M:%S}"
    assert not model.index(row, 1).data(Qt.ItemDataRole.DecorationRole).isNull()
    tooltip = model.index(row, 5).data(Qt.ItemDataRole.ToolTipRole)
    assert "Event number 990: sent to Order Desk." in tooltip
    assert "Order #00990" in tooltip
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Message"


def test_readable_time_names_today_and_yesterday() -> None:
    now = datetime(2024, 5, 2, 15, 0).astimezone()
    assert readable_time(now - timedelta(hours=1), now=now) == "Today 14:00:00"
    assert readable_time(now - timedelta(days=1), now=now) == "Yesterday 15:00:00"
    assert readable_time(now - timedelta(days=3), now=now) == "Apr 29, 15:00:00"
    assert readable_time(now - timedelta(days=400), now=now) == "Mar 29 2023, 15:00:00"


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_row_actions_copy_and_open_the_order_in_order_desk(
    model: SyncLogModel, journal: Journal, qtbot: QtBot
) -> None:
    view = LogView(model)
    qtbot.addWidget(view)
    event = model.event_at(0)
    actions = {a.text(): a for a in view.actions_for(event)}
    assert set(actions) == {
        "Copy row",
        "Copy order number",
        "Open in Order Desk",
        "Export to CSV...",
    }
    actions["Copy order number"].trigger()
    assert QGuiApplication.clipboard().text() == "#00999"
    actions["Copy row"].trigger()
    assert "Event number 999: sent to Order Desk." in QGuiApplication.clipboard().text()
    # Order Desk: the order's folder (no page of one order is known to exist), its id copied
    # for Order Desk's search, and the window says so.
    journal.record_order_seen("999", "00999", START, START)
    journal.mark_sent("999", "900999")
    note_order(journal, OrderFacts("999", "00999", START, platform="bigcommerce"))
    note_folder(journal, "999", "4321")
    window = QMainWindow()
    window.setCentralWidget(view)
    qtbot.addWidget(window)
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        actions["Open in Order Desk"].trigger()
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert [u.toString() for u in catcher.urls] == ["https://app.orderdesk.me/orders?folder=4321"]
    assert QGuiApplication.clipboard().text() == "900999"
    assert window.statusBar().currentMessage() == (
        "Order Desk order 900999 copied: paste it into Order Desk's search."
    )


def test_export_writes_every_matching_event_off_the_gui_thread(
    model: SyncLogModel, qtbot: QtBot, tmp_path: Path
) -> None:
    view = LogView(model)
    qtbot.addWidget(view)
    view.levels.setCurrentIndex(1)  # warnings and errors
    target = tmp_path / "log.csv"
    with qtbot.waitSignal(view.export_finished, timeout=10_000) as done:
        view.export_csv(target)
    assert done.args == [str(target), 200]
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Time", "Level", "Direction", "Order", "Order Desk order", "Message"]
    assert len(rows) == 201
    assert {row[1] for row in rows[1:]} == {"Warning", "Error"}
    assert rows[1][3] == "#00995"


def test_typing_in_the_search_box_filters_after_a_pause(model: SyncLogModel, qtbot: QtBot) -> None:
    view = LogView(model)
    qtbot.addWidget(view)
    with qtbot.waitSignal(model.filter_applied, timeout=5000):
        qtbot.keyClicks(view.search, "no such thing")
    assert model.rowCount() == 0
    assert not view.empty_note.isHidden()
    assert view.empty_note.text() == "No log lines match \u201cno such thing\u201d."

"""Issue 22, audit E: with two stores the Orders tab had no room: at the window's default
size the table showed its header and no row (the dashboard's cards, counters, chart, Needs
you and the store cards took ~500 px above it). With three stores and Needs you listing
orders, the orders list now shows at least eight rows at the default size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.gui.log_model import STORE
from desktop_sync.state.journal import Journal
from tests.gui.conftest import needs_you_read
from tests.gui.test_main_window import WindowMaker, ended, make_window

__all__ = ["ended", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STORES = tuple(
    StoreSettings(id=i, name=name, platform="bigcommerce", url=f"https://{i}.example")
    for i, name in (("1", "Retail"), ("b7", "Wholesale"), ("c9", "Outlet"))
)


def _orders_in_three_stores() -> None:
    with Journal(journal_path()) as journal:
        for n in range(60):
            store = journal.for_store(STORES[n % 3].id)
            placed = T0 + timedelta(minutes=n)
            store.record_order_seen(str(n), str(1000 + n), placed, placed)
            if n < 8:  # Needs you lists four reasons
                store.mark_failed(str(n), f"Order Desk refused the order: reason {n % 4}.")
            else:
                store.mark_sent(str(n), f"OD{n}")


def test_the_orders_list_shows_eight_rows_at_the_default_size_with_three_stores(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    save_settings(Settings(stores=STORES))
    _orders_in_three_stores()
    window = make_window()
    needs_you_read(qtbot, window.dashboard)
    assert window.dashboard.needs_attention == 8
    assert not window.store_cards.isHidden()
    assert not window.log_view.table.isColumnHidden(STORE), "several stores: whose line"
    window.tabs.setCurrentWidget(window.orders_tab)
    table = window.orders_tab.table
    qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() >= 10, timeout=10_000)
    QApplication.processEvents()
    rows = table.viewport().height() // table.rowHeight(0)
    assert window.size().width() <= 1040 and window.size().height() <= 760
    assert rows >= 8, f"{rows} rows of orders visible at {window.width()}x{window.height()}"
    needs = window.dashboard.needs_you
    assert needs.height() >= needs.sizeHint().height(), "Needs you is not squeezed"
    assert needs.list.verticalScrollBar().maximum() > 0, "four rows: the rest scroll"
    # The stores' cards have their tab (Ctrl+3).
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.tabs.stores_page
    assert window.tabs.tabText(window.tabs.currentIndex()) == "&Stores (3)"
    assert len(window.store_cards.cards) == 3
    assert all(card.isVisible() for card in window.store_cards.cards)


def test_needs_you_appearing_with_three_stores_squeezes_nothing(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    save_settings(Settings(stores=STORES))
    window = make_window()
    dashboard = window.dashboard
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_you.isHidden()
    _orders_in_three_stores()
    dashboard.refresh_counts()
    needs_you_read(qtbot, dashboard)
    QApplication.processEvents()
    needs = dashboard.needs_you
    assert needs.isVisible() and needs.height() >= needs.sizeHint().height()
    table = window.orders_tab.table
    assert table.height() >= table.minimumHeight()

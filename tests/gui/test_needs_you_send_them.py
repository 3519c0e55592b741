"""Issue 22, items 2 and 4, from the window (audit): the orders placed before setup are one
Needs you row whose button is "Send them"; pressed from the keyboard, it sends those orders
and no others, and the dashboard then says it is in sync. An order's details close on Escape.
BigCommerce and Order Desk emulators over real sockets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop_sync.gui.main_window import MainWindow
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import needs_you_read
from tests.gui.test_needs_you import _sync, app, press_the_first_rows_button
from tests.gui.test_orders_backfill import _placed, window

__all__ = ["app", "window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


def test_send_them_on_the_placed_before_setup_row_sends_those_orders_alone(
    window: MainWindow,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    # Within the look-back (10 min): seen by the scan, but placed before the start.
    before_setup = {_placed(bigcommerce, 3 / (24 * 60)), _placed(bigcommerce, 4 / (24 * 60))}
    long_ago = _placed(bigcommerce, 20)  # outside the look-back: never seen, never sent
    dashboard = window.dashboard
    _sync(window, qtbot)
    _sync(window, qtbot)  # the second scan looks back over the overlap
    assert orderdesk.orders() == []
    assert dashboard.needs_attention == 2
    assert dashboard.failed_list.topLevelItemCount() == 1, "the same reason is one row"
    assert "in sync" not in dashboard.banner_text.text()

    press_the_first_rows_button(window, qtbot, "Send them", "placed before setup")
    qtbot.waitUntil(lambda: len(orderdesk.orders()) == 2, timeout=WAIT_MS)
    assert {o["source_id"] for o in orderdesk.orders()} == before_setup
    assert long_ago not in {o["source_id"] for o in orderdesk.orders()}
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_attention == 0 and dashboard.failed_box.isHidden()
    qtbot.waitUntil(lambda: dashboard.banner_text.text() == "Everything is in sync.")


def test_an_orders_details_close_on_escape(
    window: MainWindow, bigcommerce: BigCommerceEmulator, qtbot: QtBot
) -> None:
    _placed(bigcommerce, 3 / (24 * 60))
    _sync(window, qtbot)
    _sync(window, qtbot)
    tab = window.orders_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    window.activateWindow()
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 1))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    details = tab.details
    assert details is not None and details.isVisible()
    details.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is details, timeout=5_000)
    qtbot.keyClick(details, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not details.isVisible(), timeout=5_000)

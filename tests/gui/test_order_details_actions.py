"""Issue 22, audit B: an order's details had only the Open buttons; Needs you folds orders
held for the same reason into one row whose button acts on all of them. The issue asks for
Send anyway on this one order, Retry and Dismiss: now in the details, shown only when they
apply, run through the facade on a worker thread, the details and the lists read again after.
Keyboard only, against the Shopify and Order Desk emulators over real sockets."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.order_details import OrderDetails
from desktop_sync.state.journal import Journal
from desktop_sync.state.orders_view import OrderWord
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.shopify import ShopifyKit
from tests.engine.test_orders_facts import shopify
from tests.gui.conftest import needs_you_read
from tests.gui.test_needs_you import WAIT_MS, _sync, app, held_window

__all__ = ["app", "held_window", "shopify"]  # fixtures, used by name

pytestmark = pytest.mark.gui


def _open_details(window: MainWindow, qtbot: QtBot, number: str) -> OrderDetails:
    """Keyboard only: the Orders tab, search the number, Enter, Enter opens it."""
    tab = window.orders_tab
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is tab
    qtbot.keyClick(tab, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.search, number)
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=WAIT_MS)
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert tab.details is not None
    return tab.details


def test_send_anyway_in_the_details_sends_that_one_order_alone(
    held_window: MainWindow, shopify: ShopifyKit, orderdesk: OrderDeskEmulator, qtbot: QtBot
) -> None:
    window, dashboard = held_window, held_window.dashboard
    shopify.add_orders(generate_orders(2, seed=11))
    _sync(window, qtbot)
    (row,) = window.reader.needs_you().rows  # the two held orders, one row
    assert row.count == 2
    first, second = row.order_numbers
    details = _open_details(window, qtbot, first)
    assert details.line.state is OrderWord.HELD
    qtbot.waitUntil(lambda: not details.acting, timeout=WAIT_MS)  # is it listed: read
    assert not details.send_button.isHidden()
    assert details.retry_button.isHidden()
    assert not details.dismiss_button.isHidden()

    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        qtbot.keyClick(details, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Send &anyway
        qtbot.waitUntil(lambda: not details.acting, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(orderdesk.orders()) == 1, timeout=WAIT_MS)
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_attention == 1, "the other held order is still listed"
    assert window.reader.needs_you().rows[0].order_numbers == (second,)
    assert "sent at the next sync" in details.said.text()
    assert details.send_button.isHidden(), "the details were read again: no longer held"
    said = [details.timeline.topLevelItem(i) for i in range(details.timeline.topLevelItemCount())]
    assert any(item is not None and item.text(1).startswith("Send anyway") for item in said)


def test_dismiss_in_the_details_takes_one_order_off_needs_you_on_a_worker(
    held_window: MainWindow, shopify: ShopifyKit, qtbot: QtBot
) -> None:
    window, dashboard = held_window, held_window.dashboard
    shopify.add_orders(generate_orders(2, seed=12))
    _sync(window, qtbot)
    first, second = window.reader.needs_you().rows[0].order_numbers
    details = _open_details(window, qtbot, second)
    qtbot.waitUntil(lambda: not details.acting, timeout=WAIT_MS)  # is it listed: read
    assert not details.dismiss_button.isHidden()
    seen: list[threading.Thread] = []
    reader = window.reader
    real = reader.dismiss

    def watched(keys: object) -> None:
        seen.append(threading.current_thread())
        real(keys)  # type: ignore[arg-type]

    reader.dismiss = watched  # type: ignore[method-assign]
    details.dismiss_button.setFocus()
    qtbot.keyClick(details.dismiss_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not details.acting, timeout=WAIT_MS)
    needs_you_read(qtbot, dashboard)
    assert seen and threading.main_thread() not in seen
    assert dashboard.needs_attention == 1
    assert window.reader.needs_you().rows[0].order_numbers == (first,)
    assert details.dismiss_button.isHidden(), "it is no longer in Needs you"
    assert not details.send_button.isHidden(), "still held: it can still be sent anyway"
    assert details.said.text() == "Taken off Needs you."


def test_retry_in_the_details_makes_one_failed_order_due_and_shows_it_waiting(
    qtbot: QtBot,
) -> None:
    placed = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    with Journal(journal_path()) as journal:
        for n in (1, 2):
            journal.record_order_seen(str(n), str(1000 + n), placed, placed)
            journal.mark_failed(str(n), "Order Desk refused the order: the SKU is missing.")
    with DesktopSync(driver="window") as reader:
        (line,) = reader.find_orders("1001")
        details = OrderDetails(line, [], ("", ""), reader=reader)
        qtbot.addWidget(details)
        details.show()
        qtbot.waitUntil(lambda: not details.acting, timeout=WAIT_MS)
        assert not details.retry_button.isHidden() and details.send_button.isHidden()
        assert not details.dismiss_button.isHidden()
        with qtbot.waitSignal(details.acted, timeout=WAIT_MS) as acted:
            qtbot.keyClick(details, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
        assert acted.args == ["It is sent again at the next sync."]
        assert details.line.state is OrderWord.WAITING
        assert details.retry_button.isHidden() and details.dismiss_button.isHidden()
        assert [r.order_numbers for r in reader.needs_you().rows] == [("1002",)]

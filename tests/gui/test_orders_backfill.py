"""Issue 22, item 4: backfill in the window. "Also send orders placed since [date]" counts
what would be sent (the store listed on a worker thread) before anything is sent; Send them
sends those orders, and the orders placed earlier stay unsent. Real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.gui.main_window import MainWindow
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.test_needs_you import app, window_on
from tests.gui.test_workers import make_profile

__all__ = ["app"]  # a fixture, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


def _placed(store: BigCommerceEmulator, days_ago: float) -> str:
    (order_id,) = store.add_sample_orders(1)
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    with store.lock:
        record = store._orders[int(order_id)]
        record.created = record.modified = moment
        store._stamp(record)
    return str(order_id)


@pytest.fixture
def window(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator, app: DesktopSync
) -> Iterator[MainWindow]:
    profile = make_profile(orderdesk, bigcommerce, sync_since=datetime.now(UTC))
    yield from window_on(profile, app, qtbot)


def test_also_send_orders_placed_since_counts_first_then_sends_only_those(
    window: MainWindow,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    recent = {_placed(bigcommerce, 2), _placed(bigcommerce, 3)}
    older = _placed(bigcommerce, 20)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    assert orderdesk.orders() == []  # placed before the start: not sent by a sync

    bar = window.orders_tab.backfill_bar
    window.tabs.setCurrentWidget(window.orders_tab)
    bar.date.setDate(QDate.currentDate().addDays(-5))
    bar.check_button.setFocus()
    qtbot.keyClick(bar.check_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bar.preview is not None, timeout=WAIT_MS)
    assert bar.preview is not None and bar.preview.to_send == 2
    assert bar.said.text().startswith("2 orders placed since ")
    assert orderdesk.orders() == [], "nothing is sent before Send them"
    assert bar.send_button.isEnabled()

    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        bar.send_button.setFocus()
        qtbot.keyClick(bar.send_button, Qt.Key.Key_Space)
    sent = {o["source_id"] for o in orderdesk.orders()}
    assert sent == recent and older not in sent

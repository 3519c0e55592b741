"""The backfill's sentence ends with the sending (the audit's shots 31-55: "Sending 13 orders
now; ..." stayed ten minutes after they were sent): the result is said once, then it goes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from desktop_sync.gui.main_window import MainWindow
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.test_needs_you import app
from tests.gui.test_orders_backfill import WAIT_MS, _placed, window

__all__ = ["app", "window"]  # fixtures, used by name

pytestmark = pytest.mark.gui


def test_the_backfill_sentence_says_the_result_once_then_goes(
    window: MainWindow,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    _placed(bigcommerce, 2)
    _placed(bigcommerce, 3)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    bar = window.orders_tab.backfill_bar
    bar.date.setDate(QDate.currentDate().addDays(-5))
    bar.check()
    qtbot.waitUntil(lambda: bar.preview is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        bar.send()
        assert bar.said.text().startswith("Sending 2 orders now")  # while they go
    assert len(orderdesk.orders()) == 2
    assert bar.said.text() == "Done: 2 orders sent to Order Desk."
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()  # the next sync: the backfill's result was said, it goes
    assert bar.said.text() == ""

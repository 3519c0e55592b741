"""Issue 22, item 5: the month at a glance on the dashboard. Orders sent and shipments sent
back per day for the last 30 days, read from the journal through the facade; a day's figures
and the last good sync's exact time on hover."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.state.journal import Journal
from desktop_sync.state.month import SENT_LINE
from tests.shipments import add_shipment

pytestmark = pytest.mark.gui


def test_the_chart_shows_each_days_orders_and_shipments_and_the_last_good_sync(
    qtbot: QtBot, reader: DesktopSync
) -> None:
    now = datetime.now(UTC)
    with Journal(journal_path()) as journal:
        for days_ago, orders in ((0, 3), (2, 1), (40, 5)):  # 40 days ago: outside the month
            for _ in range(orders):
                journal.add_event(now - timedelta(days=days_ago), "info", "push", SENT_LINE)
        journal.add_event(now, "info", "push", "Not sent: something else.")
        add_shipment(journal, "1", "1001", "1Z1")
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    dashboard.resize(900, 500)
    dashboard.show()
    chart = dashboard.month_chart
    assert len(chart.days) == 30
    today, two_days_ago = chart.days[-1], chart.days[-3]
    assert (today.sent, today.shipped, two_days_ago.sent) == (3, 1, 1)
    assert sum(d.sent for d in chart.days) == 4
    assert chart.summary() == ("Last 30 days: 4 orders sent, 1 shipment sent back to the store")
    plot_y = chart.height() - 20
    last_x = chart.width() - 8
    assert chart.tooltip_at(QPoint(last_x, plot_y)).endswith(
        ": 3 orders sent to Order Desk, 1 shipment sent back to the store"
    )
    assert chart.tooltip_at(QPoint(10, 2)) == "No sync has finished without a problem yet."
    finished = datetime(2026, 12, 7, 9, 30, 15, tzinfo=UTC)
    dashboard.on_cycle_finished(CycleResult(Health.OK, finished_at=finished))
    assert chart.tooltip_at(QPoint(10, 2)) == (
        f"Last good sync: {finished.astimezone():%Y-%m-%d %H:%M:%S}"
    )
    image = chart.grab()  # it paints without error
    assert not image.isNull()

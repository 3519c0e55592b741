"""Issue 22, audit F: the same list was "Need attention", "Needs you", "need you", "need
attention" and "Needs me", and the window said dates four ways ("30 November 2026",
"2026-11-30", "Today 17:07:08", "2026-12-07 17:07"). One name, "Needs you", in the window,
the tray and ``desktop-sync status``; one family of dates, from ``gui/log_model``."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import desktop_sync
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import Health
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.log_model import exact_time, readable_time
from desktop_sync.gui.order_details import OrderDetails
from desktop_sync.gui.orders_tab import OrdersTab
from desktop_sync.gui.tray import SyncTray
from desktop_sync.state.journal import Journal

pytestmark = pytest.mark.gui

PACKAGE = Path(desktop_sync.__file__).parent
SAID = [
    *sorted((PACKAGE / "gui").glob("*.py")),
    PACKAGE / "cli_status.py",
    PACKAGE / "cli_orders.py",
]
OTHER_NAMES = ("need attention", "needs attention", "needs me")
MONTH_CHART = PACKAGE / "gui" / "month_chart.py"
"""The month's chart is another change's (its exact time on hover is said its own way)."""


def _words(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("path", SAID, ids=lambda p: p.name)
def test_the_list_has_one_name_and_dates_one_family(path: Path) -> None:
    for words in _words(path):
        assert not any(name in words.lower() for name in OTHER_NAMES), (path.name, words)
        if path.parent.name == "gui" and path != MONTH_CHART:  # the command line says UTC
            assert "%Y-%m-%d" not in words, (path.name, words)


def test_the_window_and_the_tray_say_needs_you_and_the_same_dates(qtbot: QtBot) -> None:
    placed = datetime(2026, 11, 30, 17, 7, 8, tzinfo=UTC)
    with Journal(journal_path()) as journal:
        for n in (1, 2):
            journal.record_order_seen(str(n), str(1000 + n), placed, placed)
            journal.mark_failed(str(n), "Order Desk refused the order: the SKU is missing.")
    with DesktopSync(driver="test", lock=False) as reader:
        dashboard = Dashboard(reader)
        qtbot.addWidget(dashboard)
        assert dashboard.failed.caption.text() == "Needs you"
        tab = OrdersTab(reader, lambda: ("", ""))
        qtbot.addWidget(tab)
        shown = [tab.show_box.itemText(i) for i in range(tab.show_box.count())]
        assert "Needs you" in shown
        (line,) = reader.find_orders("1001")
        details = OrderDetails(line, [], ("", ""))
        qtbot.addWidget(details)
        assert details.facts.itemAt(0, details.facts.ItemRole.FieldRole).widget().text() == (
            exact_time(placed)
        )
    local = placed.astimezone()
    assert exact_time(placed) == f"{local:%b} {local.day} {local.year}, {local:%H:%M:%S}"
    later = placed + timedelta(days=3)
    assert readable_time(placed, now=later) == f"{local:%b} {local.day}, {local:%H:%M:%S}"
    tray = SyncTray()
    tray.failing = 2
    tray.health = Health.FAILING
    assert tray.status_line() == "2 orders need you"

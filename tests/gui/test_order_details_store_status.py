"""Issue 22, audit A: a shipped order's details said "Status in the store: unfulfilled"
beside "Fulfilled in the store: Yes": the status is the one the sync last read, and the app
fulfilled the order after that read. The details now say when it was read, and that the app
fulfilled the order since; the next read of the order makes it current again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QFormLayout, QLabel
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.order_details import OrderDetails
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import OrderFacts, note_order

pytestmark = pytest.mark.gui

PLACED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _read_in_the_store(journal: Journal, status: str) -> None:
    """What the sync's read of the order keeps of it."""
    note_order(journal, OrderFacts("46", "1008", PLACED, store_status=status))


def _status_shown(qtbot: QtBot) -> str:
    with DesktopSync(driver="test", lock=False) as reader:
        (line,) = reader.find_orders("1008")
    details = OrderDetails(line, [], ("", ""))
    qtbot.addWidget(details)
    for row in range(details.facts.rowCount()):
        name = details.facts.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = details.facts.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if name and field and isinstance(name.widget(), QLabel):
            label, value = name.widget(), field.widget()
            if isinstance(label, QLabel) and label.text() == "Status in the store":
                assert isinstance(value, QLabel)
                return value.text()
    raise AssertionError("no store status shown")


def test_a_status_read_before_the_app_fulfilled_the_order_is_not_shown_as_current(
    qtbot: QtBot,
) -> None:
    with Journal(journal_path()) as journal:
        journal.record_order_seen("46", "1008", PLACED, PLACED)
        _read_in_the_store(journal, "unfulfilled")
        journal.mark_sent("46", "4091036043")
        journal.mark_order_shipped("46")  # the app fulfilled it after that read
    shown = _status_shown(qtbot)
    assert shown != "unfulfilled"
    assert shown.startswith("unfulfilled when read ")
    assert "before this app fulfilled it" in shown

    with Journal(journal_path()) as journal:
        _read_in_the_store(journal, "fulfilled")  # the next check reads the order again
    shown = _status_shown(qtbot)
    assert shown.startswith("fulfilled (read ") and "before" not in shown


def test_send_anyway_is_not_taken_for_a_read_of_the_order(qtbot: QtBot) -> None:
    with Journal(journal_path()) as journal:
        journal.record_order_seen("46", "1008", PLACED, PLACED)
        _read_in_the_store(journal, "unfulfilled")
        journal.mark_sent("46", "4091036043")
        journal.mark_order_shipped("46")
    with DesktopSync(driver="window") as app:
        app.send_anyway(["46"])
    assert "before this app fulfilled it" in _status_shown(qtbot)

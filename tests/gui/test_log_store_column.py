"""Issue 22, audit C: with two stores the log said "Sent to Order Desk." for order 104 and
order 1008 and nothing told whose. Each line carries its store (schema 4); the log now has a
Store column with the merchant's name for it, shown while there are several stores, and
still reads a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import Direction, Level
from desktop_sync.gui.log_model import COLUMNS, STORE, SyncLogModel
from desktop_sync.state.journal import Journal
from tests.gui.test_main_window import WindowMaker, ended, make_window

__all__ = ["ended", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STORES = (StoreSettings(id="1", name="Retail"), StoreSettings(id="b7", name="Wholesale"))


def test_each_log_line_names_its_store_and_pages_stay(qtbot: QtBot) -> None:
    save_settings(Settings(stores=STORES))
    with Journal(journal_path()) as journal:
        for n in range(12):
            store, number = ("1", "104") if n % 2 else ("b7", "1008")
            journal.for_store(store).add_event(
                T0 + timedelta(seconds=n), Level.INFO, Direction.PUSH, "Sent to Order Desk.", number
            )
    with DesktopSync(driver="test", lock=False) as reader:
        model = SyncLogModel(reader, page_size=5, debounce_ms=20)
        assert COLUMNS[STORE] == "Store"
        assert model.rowCount() == 5, "one page"
        model.fetchMore(QModelIndex())
        assert model.rowCount() == 10, "the next page"
        shown = {
            (model.index(r, STORE).data(), model.event_at(r).order_number)
            for r in range(model.rowCount())
        }
        assert shown == {("Retail", "104"), ("Wholesale", "1008")}
        model.stop_live()


def test_the_store_column_shows_only_while_there_are_several_stores(
    make_window: WindowMaker,
) -> None:
    window = make_window()
    assert len(window.log_model.store_names) == 1
    assert window.log_view.table.isColumnHidden(STORE)

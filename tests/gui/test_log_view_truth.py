"""Issue 17 items 12, 16, 20 and 23 and issue 11 item 9 for the log: the viewport stays still
while the merchant reads older rows, Escape clears the search, the empty state names the
filter, Export reopens the last folder, and the live tail and a fresh query filter alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.log_model import SyncLogModel
from desktop_sync.gui.log_view import LogView
from desktop_sync.state.journal import Journal

pytestmark = pytest.mark.gui

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def add(journal: Journal, n: int, *, first: int = 0, message: str = "Sent to Order Desk.") -> None:
    for i in range(first, first + n):
        journal.add_event(
            START + timedelta(seconds=i), "info", "orders", message, order_number=f"#{i:05d}"
        )


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal(journal_path()) as opened:
        yield opened


@pytest.fixture
def view(journal: Journal, reader: DesktopSync, qtbot: QtBot) -> Iterator[LogView]:
    model = SyncLogModel(reader, debounce_ms=10)
    log_view = LogView(model)
    qtbot.addWidget(log_view)
    log_view.resize(700, 300)
    log_view.show()
    qtbot.waitExposed(log_view)
    yield log_view
    model.stop_live()


def top_order(view: LogView) -> str:
    index = view.table.indexAt(view.table.viewport().rect().topLeft())
    return view.model.event_at(index.row()).order_number


def test_new_rows_do_not_move_the_rows_the_merchant_is_reading(
    view: LogView, journal: Journal, qtbot: QtBot
) -> None:
    add(journal, 150)
    view.model.apply_filter()
    bar = view.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 40, timeout=5000)
    bar.setValue(40)
    reading = top_order(view)
    add(journal, 30, first=150)
    view.model.refresh()
    assert top_order(view) == reading
    # At the top, the newest rows come into view as they arrive.
    bar.setValue(0)
    add(journal, 5, first=180)
    view.model.refresh()
    assert top_order(view) == "#00184"


def test_escape_in_the_search_clears_it(view: LogView, journal: Journal, qtbot: QtBot) -> None:
    add(journal, 3)
    view.search.setFocus()
    qtbot.keyClicks(view.search, "#00001")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    qtbot.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == ""
    qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=5000)


def test_the_empty_state_names_what_was_chosen(view: LogView, journal: Journal) -> None:
    add(journal, 3)
    view.levels.setCurrentIndex(view.levels.findText("Errors only"))
    assert view.model.rowCount() == 0
    assert view.empty_note.text() == "No errors in the log."
    view.levels.setCurrentIndex(view.levels.findText("Warnings and errors"))
    assert view.empty_note.text() == "No warnings or errors in the log."
    view.levels.setCurrentIndex(0)
    view.search.setText("nothing like this")
    view.model.apply_filter()
    assert view.empty_note.text() == "No log lines match \u201cnothing like this\u201d."


def test_export_opens_in_the_folder_used_last(
    view: LogView, journal: Journal, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(journal, 3)
    asked: list[str] = []
    folder = tmp_path / "exports"
    folder.mkdir()

    def dialog(*args: object) -> tuple[str, str]:
        asked.append(str(args[2]))
        return str(folder / f"log-{len(asked)}.csv"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    for _ in range(2):
        with qtbot.waitSignal(view.export_finished, timeout=5000):
            view.export_csv()
    assert Path(asked[0]).parent == Path.home()
    assert Path(asked[1]).parent == folder
    assert (folder / "log-2.csv").read_text(encoding="utf-8").count("\n") == 4


def test_the_live_tail_and_a_fresh_query_filter_non_ascii_text_alike(
    view: LogView, journal: Journal
) -> None:
    add(journal, 2, message="Sent for Jörg MÜLLER.")
    model = view.model
    for needle in ("MÜLLER", "müller", "jörg", "JÖRG", "Jörg"):
        model.set_filter(text=needle, now=True)
        add(journal, 2, first=model.rowCount() + 100, message="Sent for Jörg MÜLLER.")
        model.refresh()
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        live = [model.event_at(r).id for r in range(model.rowCount())]
        model.apply_filter()
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        fresh = [model.event_at(r).id for r in range(model.rowCount())]
        assert live == fresh, needle


def test_the_search_finds_any_script_whatever_its_case(
    view: LogView, journal: Journal, qtbot: QtBot
) -> None:
    add(journal, 2, message="Sent for Jörg Müller.")
    add(journal, 1, first=10, message="Sent for Anna Schmidt.")
    model = view.model
    with qtbot.waitSignal(model.filter_applied, timeout=5000):
        view.search.setText("MÜLLER")
    assert model.rowCount() == 2
    add(journal, 1, first=20, message="Tracking sent for JÖRG MÜLLER.")
    add(journal, 1, first=30, message="Sent for Anna Schmidt.")
    model.refresh()  # the live tail, as the window's event signal runs it
    assert model.rowCount() == 3
    assert {model.event_at(r).order_number for r in range(3)} == {"#00000", "#00001", "#00020"}

"""The sync log panel: a filterable table of events; copy, open in Order Desk, export to CSV."""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from contextlib import closing
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import EventRow, JournalError, Level
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.log_model import (
    MESSAGE,
    SyncLogModel,
    direction_label,
    level_label,
    readable_time,
)
from desktop_sync.gui.order_links import (
    OpensInOrderDesk,
    open_in_orderdesk,
    orderdesk_folder_of,
    say_in_window,
)

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = ["LEVEL_CHOICES", "CsvExport", "LogView", "empty_text"]

log = logging.getLogger(__name__)

LEVEL_CHOICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("All messages", ()),
    ("Warnings and errors", (Level.WARNING.value, Level.ERROR.value)),
    ("Errors only", (Level.ERROR.value,)),
)


def row_text(event: EventRow) -> str:
    """One event as a line of text for the clipboard."""
    order = f"order {event.order_number}" if event.order_number else ""
    parts = [
        readable_time(event.time),
        level_label(event.level),
        direction_label(event.direction),
        order,
        event.message,
    ]
    return "\t".join(part for part in parts if part)


def empty_text(text: str, levels: Sequence[str]) -> str:
    """What an empty log says, in terms of what the merchant chose."""
    if text:
        return f"No log lines match \u201c{text}\u201d."
    if tuple(levels) == (Level.ERROR.value,):
        return "No errors in the log."
    if levels:
        return "No warnings or errors in the log."
    return "Nothing here yet: the sync log fills in as orders move."


class CsvExport:
    """Writes every event matching a filter to a CSV file; ``run`` is called on a pool thread
    (a 100,000-row log takes a moment; the window stays responsive), reads through the
    facade's ``events_matching`` (its own journal connection, on that thread) and returns the
    number of rows written."""

    def __init__(
        self, reader: JournalReader, target: Path, text: str, levels: Sequence[str]
    ) -> None:
        self._reader = reader
        self.target = target
        self._text = text
        self._levels = tuple(levels)

    def describe(self, exc: Exception) -> str:
        if isinstance(exc, (OSError, JournalError)):
            log.warning("Log export to %s failed: %s", self.target, exc)
            return (
                f"The log could not be saved to {self.target} ({exc}). "
                "Choose another folder and try again."
            )
        log.error("Log export to %s failed", self.target, exc_info=exc)
        return f"The log could not be saved to {self.target}. Try again; the log file has why."

    def run(self) -> int:
        written = 0
        with closing(self._reader.events_matching(self._text, self._levels)) as events:
            # The journal opens (or says why not) before the file is created, as it always did.
            first = next(events, None)
            with self.target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ["Time", "Level", "Direction", "Order", "Order Desk order", "Message"]
                )
                for event in chain(() if first is None else (first,), events):
                    writer.writerow(
                        [
                            event.time.astimezone().isoformat(timespec="seconds"),
                            level_label(event.level),
                            direction_label(event.direction),
                            event.order_number,
                            event.orderdesk_order_id,
                            event.message,
                        ]
                    )
                    written += 1
        return written


class LogView(QWidget):
    """The table plus its filter bar. Double-click or right-click a row for its actions."""

    export_finished = Signal(str, int)
    """The CSV path and the number of events written."""
    export_failed = Signal(str)

    def __init__(self, model: SyncLogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.order_link: OpensInOrderDesk | None = open_in_orderdesk
        """Opens an order's folder in Order Desk (``gui.order_links``); None hides "Open in
        Order Desk" (demo)."""
        self.export_folder = Path.home()
        """Where the next export dialog opens: the folder of the last export."""

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search messages and order numbers")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self.model.set_filter(text=text))
        clear = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search)
        clear.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear.activated.connect(self.search.clear)
        self.levels = QComboBox()
        for label, levels in LEVEL_CHOICES:
            self.levels.addItem(label, levels)
        self.levels.currentIndexChanged.connect(self._level_chosen)

        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Fixed widths, not ResizeToContents: measuring every row of a long log would stall.
        for column, width in enumerate((150, 90, 90, 90)):
            header.resizeSection(column, width)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(
            lambda index: self._context_menu(self.table.visualRect(index).center())
        )

        self.empty_note = QLabel("Nothing here yet: the sync log fills in as orders move.")
        self.empty_note.setWordWrap(True)
        self.empty_note.setStyleSheet("color: palette(mid);")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Sync log</b>"))
        bar.addStretch(1)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.levels)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_note)
        for signal in (model.modelReset, model.rowsInserted):
            signal.connect(self._update_empty_note)
        # New rows arrive at the top; a merchant reading older rows keeps them in place.
        self._scroll_kept: int | None = None
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsInserted.connect(self._after_insert)
        self._update_empty_note()

    # -- actions -------------------------------------------------------------------------

    def selected_event(self) -> EventRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.event_at(rows[0].row()) if rows else None

    def copy_row(self, event: EventRow) -> None:
        QGuiApplication.clipboard().setText(row_text(event))

    def copy_order_number(self, event: EventRow) -> None:
        QGuiApplication.clipboard().setText(event.order_number)

    def open_in_orderdesk(self, event: EventRow) -> bool:
        if not event.orderdesk_order_id or self.order_link is None:
            return False
        number, orderdesk_id = event.order_number, event.orderdesk_order_id
        folder = orderdesk_folder_of(self.model.reader, number, orderdesk_id)
        say_in_window(self, self.order_link(orderdesk_id, folder))
        return True

    def actions_for(self, event: EventRow) -> list[QAction]:
        """The row's menu; built per row so disabled entries say why they are off."""
        copy_row = QAction("Copy row", self)
        copy_row.triggered.connect(lambda: self.copy_row(event))
        copy_number = QAction("Copy order number", self)
        copy_number.setEnabled(bool(event.order_number))
        copy_number.triggered.connect(lambda: self.copy_order_number(event))
        actions = [copy_row, copy_number]
        if self.order_link is not None:
            open_od = QAction("Open in Order Desk", self)
            open_od.setEnabled(bool(event.orderdesk_order_id))
            open_od.triggered.connect(lambda: self.open_in_orderdesk(event))
            actions.append(open_od)
        export = QAction("Export to CSV...", self)
        export.triggered.connect(lambda: self.export_csv())
        actions.append(export)
        return actions

    def export_csv(self, target: Path | None = None) -> CsvExport | None:
        """Save every event matching the current filter; asks where unless ``target``."""
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                "Export sync log",
                str(self.export_folder / "desktop-sync-log.csv"),
                "CSV files (*.csv)",
            )
            if not chosen:
                return None
            target = Path(chosen)
        self.export_folder = target.parent
        job = CsvExport(self.model.reader, target, self.model.text_filter, self.model.level_filter)
        runner = TaskRunner(self, describe=job.describe, latest_only=False)
        runner.succeeded.connect(lambda rows: self.export_finished.emit(str(target), rows))
        runner.failed.connect(self.export_failed)
        for signal in (runner.succeeded, runner.failed):
            signal.connect(runner.deleteLater)
        runner.start(job.run)
        return job

    # -- internals -----------------------------------------------------------------------

    def _level_chosen(self, position: int) -> None:
        self.model.set_filter(levels=self.levels.itemData(position), now=True)

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        menu.addActions(self.actions_for(self.model.event_at(index.row())))
        menu.popup(self.table.viewport().mapToGlobal(point))

    def _before_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        bar = self.table.verticalScrollBar()
        at_top = bar.value() == bar.minimum()
        self._scroll_kept = None if at_top or first != 0 else bar.value()

    def _after_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        kept, self._scroll_kept = self._scroll_kept, None
        if kept is None:
            return
        added = last - first + 1
        if self.table.verticalScrollMode() is QAbstractItemView.ScrollMode.ScrollPerPixel:
            added *= self.table.verticalHeader().defaultSectionSize()
        self.table.updateGeometries()  # the scroll range must include the new rows first
        self.table.verticalScrollBar().setValue(kept + added)

    def _update_empty_note(self) -> None:
        self.empty_note.setText(empty_text(self.model.text_filter, self.model.level_filter))
        self.empty_note.setVisible(self.model.rowCount() == 0)

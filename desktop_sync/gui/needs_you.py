"""Needs you: the dashboard's one list of what the merchant must act on (failed orders and
shipments, held orders, orders placed before setup, orders that need a look), a row per
reason, with the row's action (Retry, Send anyway, Send them) and Dismiss."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import Action, Failure, Look, NeedsYou, NeedsYouRow
from desktop_sync.gui.read_apart import ReadApart

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = ["SHOWN_ROWS", "NeedsYouPanel"]

SHOWN_ROWS = 2
"""The rows Needs you shows at once; with several stores, more left the orders no room."""

_HINT = (
    "Select a row to read the whole reason. Fix it in your store or in Order Desk, then press "
    "its button; Dismiss hides it."
)


def _first_column(row: NeedsYouRow) -> str:
    return row.order_numbers[0] if row.count == 1 else f"{row.count:,}"


def _second_column(row: NeedsYouRow) -> str:
    """The row's words without the orders the first column names (its button says the
    action): one order's own reason, or what is said of several."""
    if row.count == 1:
        return row.reason or row.title
    return row.said or row.title


def _needs_you_apart(reader: JournalReader, looks: list[Look]) -> NeedsYou:
    return reader.needs_you_apart(looks)


READ_SPACING_MS = 500
"""Needs you is read at most this often; an ask in between is read when it ends."""


class NeedsYouPanel(QFrame):
    """Reads the list through the facade on a worker thread (``reader.needs_you_apart``:
    thousands of held orders never hold the window up); actions go through the facade too."""

    retry_requested = Signal(str)
    """One failed order's number, or "" for every failed order (the controller retries)."""
    acted = Signal(str)
    """An action changed the journal (its sentence): the window syncs and redraws."""
    listed_changed = Signal()
    """A read of the list has landed: ``count`` and the rows are the journal's now."""

    def __init__(self, reader: JournalReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self._reader = reader
        self.listed = NeedsYou(())
        self._reading = ReadApart(reader, _needs_you_apart, self)
        self._reading.landed.connect(self._show)
        self._reading.failed.connect(self._not_read)
        self._again: list[Look] | None = None
        """What to read next: asked while a read ran, or within ``READ_SPACING_MS`` of one."""
        self._spacing = QTimer(self)
        self._spacing.setSingleShot(True)
        self._spacing.setInterval(READ_SPACING_MS)
        self._spacing.timeout.connect(self._read_again)
        self.title = QLabel()
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["Orders", "What needs you"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().setStretchLastSection(True)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.list.currentItemChanged.connect(self._selection_changed)
        self.detail = QLabel()
        self.detail.setObjectName("caption")
        # Two lines reserved whatever it says, so nothing above or below it moves.
        self.detail.setWordWrap(True)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 2 + 2)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.act_button = QPushButton("Retry selected")
        self.act_button.setEnabled(False)
        self.act_button.clicked.connect(self._act)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setEnabled(False)
        self.dismiss_button.setToolTip("Take the selected row off this list")
        self.dismiss_button.clicked.connect(self._dismiss)
        self.retry_all_button = QPushButton("Retry all")
        self.retry_all_button.clicked.connect(lambda: self.retry_requested.emit(""))
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        for button in (self.act_button, self.dismiss_button, self.retry_all_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        layout.addWidget(self.detail)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.hide()

    @property
    def count(self) -> int:
        return self.listed.count

    @property
    def reading(self) -> bool:
        """A read of the list is on its way."""
        return self._reading.reading or self._again is not None

    def refresh(self, attention: Sequence[Failure] = ()) -> None:
        """Read the list again, on a worker (``listed_changed`` says when it has landed);
        ``attention`` are what this window's cycles said needs a look (also saved, so the
        count is the one ``desktop-sync status`` shows)."""
        self._again = [Look(f.order_number, f.reason) for f in attention]
        self._read_again()

    def _read_again(self) -> None:
        """Read what was asked last, unless a read runs or ran just now: then once it lands,
        or its spacing ends (a burst of asks, a held order at each progress step of a
        backlog, is one read, not one thread and a read of every row per ask)."""
        if self._again is None or self._reading.reading or self._spacing.isActive():
            return
        looks, self._again = self._again, None
        self._spacing.start()
        self._reading.start(looks)

    def _not_read(self, sentence: str) -> None:
        """The journal could not be read (the sentence says why): the list stays as it was."""
        self._read_again()
        self.detail.setText(sentence)

    def _show(self, listed: object) -> None:
        self._read_again()
        if not isinstance(listed, NeedsYou):
            return
        selected = self._selected()
        self.listed = listed
        self.list.clear()
        for row in self.listed.rows:
            item = QTreeWidgetItem([_first_column(row), _second_column(row)])
            item.setToolTip(1, row.title)
            self.list.addTopLevelItem(item)
            if selected is not None and row.keys == selected.keys:
                item.setSelected(True)
        count = self.listed.count
        self.title.setText(f"<b>Needs you ({count:,})</b>")
        # As tall as its rows, up to ``SHOWN_ROWS`` (more scroll; the title counts them all):
        # the orders and the log below keep the rest.
        rows = max(1, min(SHOWN_ROWS, self.list.topLevelItemCount()))
        row_height = self.list.sizeHintForRow(0) if self.list.topLevelItemCount() else 20
        frame = self.list.frameWidth() * 2 + self.list.header().sizeHint().height()
        self.list.setFixedHeight(frame + rows * max(row_height, 18) + 2)
        self.retry_all_button.setVisible(any(r.action is Action.RETRY for r in self.listed.rows))
        self.setVisible(bool(self.listed.rows))
        self._selection_changed()
        self.listed_changed.emit()

    def _selected(self) -> NeedsYouRow | None:
        # The selected row, else the one the keyboard is on (Tab into the list lands there).
        items = self.list.selectedItems()
        item = items[0] if items else self.list.currentItem()
        if item is None:
            return None
        index = self.list.indexOfTopLevelItem(item)
        rows = self.listed.rows
        return rows[index] if 0 <= index < len(rows) else None

    def _selection_changed(self) -> None:
        row = self._selected()
        self.dismiss_button.setEnabled(row is not None)
        self.act_button.setEnabled(row is not None and row.action is not Action.NONE)
        self.act_button.setText(row.button if row and row.button else "Retry selected")
        self.detail.setText(f"{row.title}" if row is not None else _HINT)

    def _act(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.action is Action.RETRY:
            count = self._reader.retry_orders(
                row.store_order_ids,
                row.shipment_ids,
                stores=row.stores,
                shipment_stores=row.shipment_stores,
            )
            self.acted.emit(f"{count:,} made due again.")
        elif row.action is Action.SEND_ANYWAY:
            count = self._reader.send_anyway(row.store_order_ids, stores=row.stores)
            noun = "order is" if count == 1 else "orders are"
            self.acted.emit(f"{count:,} {noun} sent at the next sync.")

    def _dismiss(self) -> None:
        row = self._selected()
        if row is not None:
            self._reader.dismiss(row.keys)
            self.acted.emit("")

"""The Orders tab beside the log: every store order in a table, with filters (needs you,
waiting, sent, shipped, by store) and a search (number, name, tracking). Enter or a
double-click opens the order's details. Usable from the keyboard alone: Ctrl+F searches,
the arrows move, Enter opens."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import OrdersQuery, Show
from desktop_sync.gui.order_details import OrderDetails, StoreAddress
from desktop_sync.gui.orders_backfill import BackfillBar
from desktop_sync.gui.orders_model import OrdersModel

if TYPE_CHECKING:
    from desktop_sync.app.facade_types import OrdersReader

__all__ = ["OrdersTab"]

_SHOWS = (
    ("All orders", Show.ALL),
    ("Needs you", Show.NEEDS_ME),
    ("Waiting", Show.WAITING),
    ("Sent", Show.SENT),
    ("Shipped", Show.SHIPPED),
)


# Room for what each column usually holds (the last one takes the rest).
_WIDTHS = (100, 60, 130, 150, 90, 90, 100, 100, 230)


class OrdersTab(QWidget):
    order_acted = Signal(str)
    """An action in an order's details changed the journal (its sentence; "" for Dismiss):
    the list is read again here, and the window redraws Needs you and syncs."""

    def __init__(
        self,
        reader: OrdersReader,
        addresses: Callable[[], StoreAddress],
        *,
        opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._addresses = addresses
        self._opener = opener
        self.details: OrderDetails | None = None
        """The details window last opened (kept so it stays open)."""
        self.model = OrdersModel(reader, self)

        self.show_box = QComboBox()
        for words, show in _SHOWS:
            self.show_box.addItem(words, show)
        self.show_box.setToolTip("Which orders to show")
        self.store_box = QComboBox()
        self.store_box.addItem("All stores", "")
        for name in reader.store_names():
            self.store_box.addItem(name, name)
        self.store_box.setToolTip("Which store's orders to show")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Order number, name or tracking number")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Search the orders (Ctrl+F)")
        self.count = QLabel()
        self.count.setObjectName("caption")
        show_label = QLabel("&Show")
        show_label.setBuddy(self.show_box)
        search_label = QLabel("Sea&rch")
        search_label.setBuddy(self.search)
        bar = QHBoxLayout()
        bar.addWidget(show_label)
        bar.addWidget(self.show_box)
        bar.addWidget(self.store_box)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for column, width in enumerate(_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.setToolTip("Enter or double-click opens the order")
        self.table.activated.connect(self._open_index)

        self.backfill_bar = BackfillBar(reader)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.backfill_bar)

        self.show_box.currentIndexChanged.connect(lambda _: self._query(now=True))
        self.store_box.currentIndexChanged.connect(lambda _: self._query(now=True))
        self.search.textChanged.connect(lambda _: self._query(now=False))
        self.search.returnPressed.connect(self._search_done)
        self.model.counted.connect(self._show_count)
        QShortcut(QKeySequence.StandardKey.Find, self, self._focus_search)
        self._show_count(self.model.total)

    def show_only(self, show: Show) -> None:
        """Switch the filter (the dashboard's Needs you opens the tab on "Needs you")."""
        self.show_box.setCurrentIndex(self.show_box.findData(show))

    def open_row(self, row: int) -> OrderDetails:
        """The details of the order on ``row``, in a window of their own."""
        line = self.model.line_at(row)
        timeline = self._reader.order_timeline(line.number, store=line.store_id)
        self.details = OrderDetails(
            line, timeline, self._addresses(), reader=self._reader, opener=self._opener, parent=self
        )
        self.details.acted.connect(self._acted)
        self.details.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.details.show()
        return self.details

    def refresh(self) -> None:
        self.model.refresh()

    def _acted(self, sentence: str) -> None:
        self.model.refresh()
        self.order_acted.emit(sentence)

    def _query(self, *, now: bool) -> None:
        self.model.set_query(
            OrdersQuery(
                show=self.show_box.currentData(),
                store=self.store_box.currentData() or "",
                text=self.search.text(),
            ),
            now=now,
        )

    def _search_done(self) -> None:
        """Enter in the search box: search now and move to the first order found."""
        self._query(now=True)
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())

    def _show_count(self, total: int) -> None:
        self.count.setText("1 order" if total == 1 else f"{total:,} orders")

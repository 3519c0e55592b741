"""The window's lower half: the log, the orders and, while there are several stores, a card
per store, as tabs (Ctrl+1, Ctrl+2, Ctrl+3, or Ctrl+Tab). The orders list keeps room for
``ORDER_ROWS`` rows at its smallest: above it the dashboard steps aside (its month's chart
first), never the orders."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from desktop_sync.gui.log_view import LogView
from desktop_sync.gui.orders_tab import OrdersTab
from desktop_sync.gui.store_cards import StoreCards

__all__ = ["ORDER_ROWS", "WindowTabs"]

ORDER_ROWS = 8
"""The orders the Orders tab shows at its smallest."""


class WindowTabs(QTabWidget):
    def __init__(
        self, log: LogView, orders: OrdersTab, stores: StoreCards, shortcuts_on: QWidget
    ) -> None:
        super().__init__()
        self.log = log
        self.orders = orders
        self.stores = stores
        self.addTab(log, "&Log")
        self.addTab(orders, "&Orders")
        # The store cards in a page of their own, scrolled when there are many: in the
        # window's column above the orders, two or three of them left no room for a row.
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(stores)
        column.addStretch(1)
        self.stores_page = QScrollArea()
        self.stores_page.setWidgetResizable(True)
        self.stores_page.setFrameShape(QScrollArea.Shape.NoFrame)
        self.stores_page.setWidget(page)
        table = orders.table
        header = table.horizontalHeader().sizeHint().height()
        scroll = table.horizontalScrollBar().sizeHint().height()
        rows = table.verticalHeader().defaultSectionSize() * ORDER_ROWS
        self._orders_room = header + rows + scroll + table.frameWidth() * 2
        self._table_least = table.minimumHeight()
        for number in (1, 2, 3):
            QShortcut(
                QKeySequence(f"Ctrl+{number}"),
                shortcuts_on,
                lambda number=number: self.setCurrentIndex(min(number, self.count()) - 1),
            )
        self.stores_changed()

    def stores_changed(self) -> None:
        """The Stores tab is there while the profile has several stores; the room their
        cards took above goes to the orders, which then keep ``ORDER_ROWS`` rows at the
        smallest (with one store the window is as it was, its dashboard laid out for it)."""
        index = self.indexOf(self.stores_page)
        several = bool(self.stores.cards)
        self.orders.table.setMinimumHeight(self._orders_room if several else self._table_least)
        # No shorter than the log alone needs; with several stores, tall enough for the rows.
        least = self.log.minimumSizeHint().height()
        self.setMinimumHeight(0)
        self.setMinimumHeight(max(least, self.minimumSizeHint().height()) if several else least)
        if several and index < 0:
            self.addTab(self.stores_page, f"&Stores ({len(self.stores.cards)})")
        elif several:
            self.setTabText(index, f"&Stores ({len(self.stores.cards)})")
        elif index >= 0:
            self.removeTab(index)

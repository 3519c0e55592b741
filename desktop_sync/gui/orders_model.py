"""The orders view's table: one row per store order, read through the facade a page at a time
(keyset pages, like the sync log's), so a journal of 100,000 orders opens as fast as one of
ten. Filters and the search run in the journal; typing waits for a pause (debounced)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from desktop_sync.app.facade_types import OrderLine, OrdersQuery, OrderWord
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.log_model import readable_time

if TYPE_CHECKING:
    from desktop_sync.app.facade_types import OrdersReader

__all__ = ["COLUMNS", "PAGE_SIZE", "OrdersModel", "tracking_text"]

COLUMNS = (
    "Store",
    "Order",
    "Placed",
    "Customer",
    "Total",
    "State",
    "Order Desk",
    "Folder",
    "Tracking",
    "Fulfilled",
)
STORE, NUMBER, PLACED, CUSTOMER, TOTAL, STATE, ORDERDESK, FOLDER, TRACKING, FULFILLED = range(
    len(COLUMNS)
)
PAGE_SIZE = 200

_STATE_COLOURS = {
    OrderWord.FAILED: QColor("#b91c1c"),
    OrderWord.HELD: QColor("#b45309"),
    OrderWord.SHIPPED: QColor("#15803d"),
    OrderWord.CANCELLED: QColor("#6b7280"),
}

Index = QModelIndex | QPersistentModelIndex


def tracking_text(line: OrderLine) -> str:
    return ", ".join(f"{t.carrier} {t.number}".strip() for t in line.tracking)


def _cells(line: OrderLine) -> tuple[str, ...]:
    return (
        line.store,
        line.number,
        readable_time(line.placed),
        line.customer,
        f"{line.total} {line.currency}".strip(),
        line.state.value.capitalize(),
        ", ".join(line.orderdesk_ids),
        line.folder,
        tracking_text(line),
        "Yes" if line.fulfilled else "No",
    )


class OrdersModel(QAbstractTableModel):
    query_applied = Signal()
    """A (debounced) filter or search has read its first page."""
    counted = Signal(int)
    """How many orders the filter matches (counted on a worker after the first page)."""

    def __init__(
        self,
        reader: OrdersReader,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        debounce_ms: int = 250,
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._page_size = page_size
        self._query = OrdersQuery()
        self._lines: list[OrderLine] = []
        # Each row's words are made when it is first painted, not when its page is read: a
        # page holds 200 orders and only a few dozen are ever on screen.
        self._cells: dict[int, tuple[str, ...]] = {}
        self._exhausted = False
        self.total = 0
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.apply_query)
        # Counted on a worker: the table shows its first page at once, the count follows.
        self._counter = TaskRunner(self, describe=lambda exc: str(exc), latest_only=True)
        self._counter.succeeded.connect(self._counted)
        self._load_first_page()

    # -- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or not self._lines:
            return
        page = self._read(self._lines[-1])
        if not page:
            return
        start = len(self._lines)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._add(page)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        line = self._lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells_of(index.row())[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            colour = _STATE_COLOURS.get(line.state)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PLACED:
                return line.placed.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if column == STATE and line.reason:
                return line.reason
            return self._cells_of(index.row())[column] or None
        if role == Qt.ItemDataRole.UserRole:
            return line
        return None

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of a cell in one call (see ``SyncLogModel.multiData``)."""
        cells: Iterable[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Iterable[QModelRoleData]", roleDataSpan)
        )
        for role_data in cells:
            role_data.setData(self.data(index, role_data.role()))

    # -- our API -------------------------------------------------------------------------

    @property
    def query(self) -> OrdersQuery:
        return self._query

    def line_at(self, row: int) -> OrderLine:
        return self._lines[row]

    def set_query(self, query: OrdersQuery, *, now: bool = False) -> None:
        """Show the orders ``query`` matches; a search waits for typing to pause unless
        ``now``."""
        self._query = query
        if now:
            self._debounce.stop()
            self.apply_query()
        else:
            self._debounce.start()

    def apply_query(self) -> None:
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()
        self.query_applied.emit()

    def refresh(self) -> None:
        """Read the first page again (after a sync), keeping the filter."""
        self.apply_query()

    # -- internals -----------------------------------------------------------------------

    def _read(self, after: OrderLine | None) -> list[OrderLine]:
        page = self._reader.orders_page(
            self._query, self._page_size, after=after.key if after is not None else None
        )
        self._exhausted = len(page) < self._page_size
        return page

    def _cells_of(self, row: int) -> tuple[str, ...]:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = _cells(self._lines[row])
        return cells

    def _add(self, page: list[OrderLine]) -> None:
        self._lines.extend(page)

    def _load_first_page(self) -> None:
        self._lines, self._cells = [], {}
        self._add(self._read(None))
        self._counter.start(functools.partial(self._reader.count_orders_apart, self._query))

    def _counted(self, total: object) -> None:
        self.total = total if isinstance(total, int) else 0
        self.counted.emit(self.total)

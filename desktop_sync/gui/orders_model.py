"""The orders view's table: one row per store order, read through the facade a page at a time
(``PagedTableModel``, as the sync log is), so a journal of 100,000 orders opens as fast as one of
ten. Filters and the search run in the journal; typing waits for a pause (debounced)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_sync.app.facade_types import OrderLine, OrdersQuery, OrderWord
from desktop_sync.gui.log_model import exact_time, readable_time
from desktop_sync.gui.paged_model import Index, PagedTableModel
from desktop_sync.gui.read_apart import ReadApart

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


def _first_page(
    reader: OrdersReader, query: OrdersQuery, limit: int
) -> tuple[OrdersQuery, list[OrderLine]]:
    return query, reader.orders_page(query, limit)


def _count(reader: OrdersReader, query: OrdersQuery) -> tuple[OrdersQuery, int]:
    return query, reader.count_orders_apart(query)


_STATE_COLOURS = {
    OrderWord.FAILED: QColor("#b91c1c"),
    OrderWord.HELD: QColor("#b45309"),
    OrderWord.SHIPPED: QColor("#15803d"),
    OrderWord.CANCELLED: QColor("#6b7280"),
}


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


class OrdersModel(PagedTableModel[OrderLine]):
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
        super().__init__(COLUMNS, parent, page_size=page_size, debounce_ms=debounce_ms)
        self._reader = reader
        self._query = OrdersQuery()
        # Each row's words are made when it is first painted, not when its page is read: a
        # page holds 200 orders and only a few dozen are ever on screen.
        self._cells: dict[int, tuple[str, ...]] = {}
        self.total = 0
        # Counted on the reading thread: the table shows its first page at once, the count
        # follows.
        self._counter = ReadApart(reader, _count, self)
        self._counter.landed.connect(self._counted)
        # After a sync: the first page read again on a worker, shown when it lands.
        self._fresh = ReadApart(reader, _first_page, self)
        self._fresh.landed.connect(self._fresh_page)
        self._load_first_page()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        line = self._row(index)
        if line is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells_of(index.row())[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            colour = _STATE_COLOURS.get(line.state)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == PLACED:
                return exact_time(line.placed)
            if column == STATE and line.reason:
                return line.reason
            return self._cells_of(index.row())[column] or None
        if role == Qt.ItemDataRole.UserRole:
            return line
        return None

    # -- our API -------------------------------------------------------------------------

    @property
    def query(self) -> OrdersQuery:
        return self._query

    def line_at(self, row: int) -> OrderLine:
        return self._rows[row]

    def set_query(self, query: OrdersQuery, *, now: bool = False) -> None:
        """Show the orders ``query`` matches; a search waits for typing to pause unless
        ``now``."""
        self._query = query
        self._read_soon(now=now)

    def apply_query(self) -> None:
        self._read_afresh()

    def refresh(self) -> None:
        """Read the first page again (after a sync), keeping the filter: on a worker thread
        (over 100,000 orders it takes a while), shown when it lands."""
        self._fresh.start(self._query, self._page_size + 1)

    # -- internals -----------------------------------------------------------------------

    def _read_afresh(self) -> None:
        self._fresh.cancel()  # read before this: older
        super()._read_afresh()
        self.query_applied.emit()

    def _fresh_page(self, landed: object) -> None:
        query, rows = landed if isinstance(landed, tuple) else (None, [])
        if query != self._query:
            return  # the filter changed meanwhile: its own page is shown
        self.beginResetModel()
        self._forget()
        self._show_page(rows)
        self.endResetModel()
        self._counter.start(self._query)
        self.query_applied.emit()

    def _read_page(self, after: OrderLine | None, limit: int) -> list[OrderLine]:
        key = after.key if after is not None else None
        return self._reader.orders_page(self._query, limit, after=key)

    def _forget(self) -> None:
        self._cells = {}

    def _cells_of(self, row: int) -> tuple[str, ...]:
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = _cells(self._rows[row])
        return cells

    def _load_first_page(self) -> None:
        super()._load_first_page()
        self._counter.start(self._query)

    def _counted(self, counted: object) -> None:
        query, total = counted if isinstance(counted, tuple) else (None, 0)
        if query != self._query:
            return  # counted for a filter since changed: its own count follows
        self.total = total
        self.counted.emit(self.total)

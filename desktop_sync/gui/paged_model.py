"""A read-only table read from the journal a page at a time: the sync log and the orders view
both open over 100,000 rows as fast as over ten.

The first page is read at once; the view asks for more as it scrolls (``canFetchMore`` /
``fetchMore``), each page read after the last row loaded (keyset paging, never an OFFSET), one
row more than a page saying whether another remains. A filter or a search waits for typing to
pause (debounced) and then reads its first page afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

__all__ = ["Index", "PagedTableModel"]

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of type ``Row`` under ``columns``, newest first. A subclass says how a page is
    read (``_read_page``) and what a cell shows (``data``)."""

    def __init__(
        self,
        columns: Sequence[str],
        parent: QObject | None = None,
        *,
        page_size: int,
        debounce_ms: int,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._page_size = page_size
        self._rows: list[Row] = []
        self._exhausted = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._read_afresh)

    # -- what a subclass says ------------------------------------------------------------

    def _read_page(self, after: Row | None, limit: int) -> list[Row]:
        """Up to ``limit`` rows after ``after`` (the last row loaded; None: the first page)."""
        raise NotImplementedError

    def _forget(self) -> None:
        """Forget what was kept of the rows (their words, made when first painted)."""

    def _read_afresh(self) -> None:
        """Read the first page again; a subclass adds its signal."""
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()

    # -- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section]
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or not self._rows:
            return
        page = self._page(self._rows[-1])
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def multiData(self, index: Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of one cell in one call. Painting asks for about seven roles per cell;
        each call from Qt into Python must win the interpreter lock back from the sync
        thread, so one call per cell instead of seven keeps repaints short during a sync."""
        cells: Iterable[QModelRoleData] = (
            (roleDataSpan,)
            if isinstance(roleDataSpan, QModelRoleData)
            # PySide6 iterates a span; its type stub does not say so.
            else cast("Iterable[QModelRoleData]", roleDataSpan)
        )
        for role_data in cells:
            role_data.setData(self.data(index, role_data.role()))

    # -- for subclasses ------------------------------------------------------------------

    def _row(self, index: Index) -> Row | None:
        """The row of ``index``, or None when it is not one of the loaded rows."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        return self._rows[index.row()]

    def _read_soon(self, *, now: bool) -> None:
        """Read the first page afresh once typing pauses, or ``now``."""
        if now:
            self._debounce.stop()
            self._read_afresh()
        else:
            self._debounce.start()

    def _load_first_page(self) -> None:
        self._forget()
        self._show_page(self._read_page(None, self._page_size + 1))

    def _show_page(self, rows: list[Row]) -> None:
        """The first page, read with one row more than a page (inside a model reset)."""
        self._rows = self._trimmed(rows)

    def _page(self, after: Row | None) -> list[Row]:
        return self._trimmed(self._read_page(after, self._page_size + 1))

    def _trimmed(self, rows: list[Row]) -> list[Row]:
        # One row more than a page says whether to offer another fetch, without a COUNT.
        self._exhausted = len(rows) <= self._page_size
        return rows[: self._page_size]

"""The sync log as a read-only, lazily fetched, live-updating table model over the journal
(read through the facade's ``JournalReader``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
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

from desktop_sync.app.facade_types import Direction, EventRow, Level
from desktop_sync.gui.icons import level_icon
from desktop_sync.gui.status import banner_sentence

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = [
    "COLUMNS",
    "PAGE_SIZE",
    "SyncLogModel",
    "direction_label",
    "level_label",
    "readable_time",
    "shown_message",
]

COLUMNS = ("Time", "Level", "Direction", "Order", "Message")
TIME, LEVEL, DIRECTION, ORDER, MESSAGE = range(len(COLUMNS))
PAGE_SIZE = 200
# A live refresh pulls at most this many new rows per tick so one tick never stalls the GUI;
# the rest arrive on the next ticks.
_LIVE_BATCH = 1000

_LEVEL_LABELS = {
    Level.INFO.value: "Info",
    Level.WARNING.value: "Warning",
    Level.ERROR.value: "Error",
}
_LEVEL_COLOURS = {Level.WARNING.value: QColor("#b45309"), Level.ERROR.value: QColor("#b91c1c")}
_DIRECTION_LABELS = {
    Direction.PUSH.value: "Orders",
    Direction.PULL.value: "Shipments",
    Direction.SYSTEM.value: "App",
}

Index = QModelIndex | QPersistentModelIndex


def level_label(level: str) -> str:
    return _LEVEL_LABELS.get(level, level.capitalize())


def direction_label(direction: str) -> str:
    return _DIRECTION_LABELS.get(direction, direction.capitalize())


def shown_message(message: str) -> str:
    """A logged sentence as the banner says it (retrying said once; Reconnect, not a button
    inside the wizard)."""
    return banner_sentence(message, needs_reconnect="until you reconnect" in message)


def readable_time(moment: datetime, *, now: datetime | None = None) -> str:
    """Local time, short for today and yesterday, with the date otherwise."""
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).astimezone().date()
    clock = local.strftime("%H:%M:%S")
    if local.date() == today:
        return f"Today {clock}"
    if local.date() == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if local.year == today.year:
        return f"{local.strftime('%b')} {local.day}, {clock}"
    return f"{local.strftime('%b')} {local.day} {local.year}, {clock}"


class SyncLogModel(QAbstractTableModel):
    """Newest first. The first page loads at once; the view asks for more as it scrolls
    (``canFetchMore``/``fetchMore``), so a log of 100,000 events opens as fast as one of 10.

    Pages are read with keyset paging (``max_id`` = the oldest loaded id - 1), so rows the
    engine appends meanwhile never shift a page; those arrive through ``refresh``.
    """

    filter_applied = Signal()
    """Emitted after a (debounced) filter change has re-queried the journal."""

    def __init__(
        self,
        reader: JournalReader,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        debounce_ms: int = 250,
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._page_size = page_size
        self._rows: list[EventRow] = []
        self._text = ""
        self._levels: tuple[str, ...] = ()
        self._last_id = 0
        # The time column is formatted once per row, not on every paint: a repaint during a
        # busy sync asks for hundreds of cells, and local-time formatting is not cheap.
        self._times: dict[int, str] = {}
        self._messages: dict[int, str] = {}
        self._now = datetime.now().astimezone()
        self._oldest_id: int | None = None
        self._exhausted = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.apply_filter)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        # During a busy sync events arrive by the hundred; a repaint every half second at
        # most keeps the log live without making the window repaint for each of them.
        self._soon.setInterval(500)
        self._soon.timeout.connect(self.refresh)
        self._stopped = False
        self._load_first_page()

    # -- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

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
        if parent.isValid() or self._exhausted:
            return
        page, more = self._page()
        self._exhausted = not more
        if not page:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self._oldest_id = page[-1].id
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        event = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == Qt.ItemDataRole.DecorationRole and column == LEVEL:
            return level_icon(event.level)
        if role == Qt.ItemDataRole.ForegroundRole and column in (LEVEL, MESSAGE):
            colour = _LEVEL_COLOURS.get(event.level)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            local = event.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            order = f" Order {event.order_number}." if event.order_number else ""
            return f"{local} ({level_label(event.level)}).{order}\n{shown_message(event.message)}"
        if role == Qt.ItemDataRole.UserRole:
            return event
        return None

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

    # -- our API -------------------------------------------------------------------------

    @property
    def reader(self) -> JournalReader:
        """Where the rows come from (the facade); the CSV export reads through it too."""
        return self._reader

    @property
    def text_filter(self) -> str:
        return self._text

    @property
    def level_filter(self) -> tuple[str, ...]:
        return self._levels

    def event_at(self, row: int) -> EventRow:
        return self._rows[row]

    def set_filter(
        self, text: str | None = None, levels: Iterable[str] | None = None, *, now: bool = False
    ) -> None:
        """Filter by text (message or order number) and levels; the query waits for typing to
        pause (debounced) unless ``now``."""
        if text is not None:
            self._text = text.strip()
        if levels is not None:
            self._levels = tuple(str(level) for level in levels)
        if now:
            self._debounce.stop()
            self.apply_filter()
        else:
            self._debounce.start()

    def apply_filter(self) -> None:
        self.beginResetModel()
        self._load_first_page()
        self.endResetModel()
        self.filter_applied.emit()

    def refresh(self) -> int:
        """Put events written since the last look at the top; the number of rows added."""
        added = 0
        self._roll_over_the_day()
        fresh = self._reader.events_after(self._last_id, limit=_LIVE_BATCH)
        if not fresh:
            return 0
        after, self._last_id = self._last_id, fresh[-1].id
        if self._text or self._levels:
            # The journal's own filter, over just the new rows: the live tail and a fresh
            # query always agree (one filter, whatever the text).
            page = self._reader.events_page(
                0, len(fresh), self._text, self._levels, max_id=self._last_id
            )
            matching = [e for e in page if e.id > after]
        else:
            matching = list(reversed(fresh))  # events_after is oldest first
        if matching:
            self.beginInsertRows(QModelIndex(), 0, len(matching) - 1)
            self._rows[0:0] = matching
            self.endInsertRows()
            added = len(matching)
        if len(fresh) == _LIVE_BATCH:
            self._soon.start()
        return added

    def refresh_soon(self) -> None:
        """The one live path: every engine event lands here, and a burst of them becomes one
        refresh a moment later."""
        if self._stopped:
            return
        if not self._soon.isActive():
            self._soon.start()

    def flush(self) -> None:
        """Deliver a refresh the events asked for now rather than in a moment (a cycle ended:
        its last lines belong on screen with its summary)."""
        if self._soon.isActive():
            self._soon.stop()
            self.refresh()

    def stop_live(self) -> None:
        """No more refreshes (the window is going and its journal with it)."""
        self._stopped = True
        self._soon.stop()
        self._debounce.stop()

    # -- internals -----------------------------------------------------------------------

    def _roll_over_the_day(self) -> None:
        """After midnight "Today" becomes "Yesterday": format the time column afresh."""
        now = datetime.now().astimezone()
        if now.date() == self._now.date():
            return
        self._now = now
        self._times.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, TIME), self.index(len(self._rows) - 1, TIME))

    def _load_first_page(self) -> None:
        self._last_id = self._reader.last_event_id()
        self._oldest_id = None
        self._exhausted = False
        page, more = self._page()
        self._rows = page
        if page:
            self._oldest_id = page[-1].id
        self._exhausted = not more

    def _page(self) -> tuple[list[EventRow], bool]:
        """The next page older than what is loaded, and whether any older rows remain."""
        max_id = self._last_id if self._oldest_id is None else self._oldest_id - 1
        if max_id <= 0:
            return [], False
        # One row more than a page says whether to offer another fetch, without a COUNT.
        rows = self._reader.events_page(
            0, self._page_size + 1, self._text, self._levels, max_id=max_id
        )
        return rows[: self._page_size], len(rows) > self._page_size

    def _display(self, event: EventRow, column: int) -> str:
        if column == TIME:
            text = self._times.get(event.id)
            if text is None:
                text = self._times[event.id] = readable_time(event.time, now=self._now)
            return text
        if column == LEVEL:
            return level_label(event.level)
        if column == DIRECTION:
            return direction_label(event.direction)
        if column == ORDER:
            return event.order_number
        # One line in the table; the tooltip carries the whole message.
        text = self._messages.get(event.id)
        if text is None:
            text = self._messages[event.id] = shown_message(event.message).replace("\n", " ")
        return text

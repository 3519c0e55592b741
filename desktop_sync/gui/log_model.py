"""The sync log as a read-only, lazily fetched, live-updating table model over the journal
(read through the facade's ``JournalReader``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_sync.app.facade_types import Direction, EventRow, Level
from desktop_sync.gui.icons import level_icon
from desktop_sync.gui.paged_model import Index, PagedTableModel
from desktop_sync.gui.status import banner_sentence

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = [
    "COLUMNS",
    "PAGE_SIZE",
    "STORE",
    "SyncLogModel",
    "direction_label",
    "exact_time",
    "level_label",
    "readable_time",
    "shown_message",
]

COLUMNS = ("Time", "Level", "Direction", "Order", "Store", "Message")
TIME, LEVEL, DIRECTION, ORDER, STORE, MESSAGE = range(len(COLUMNS))
"""The Store column is hidden by the window while the profile has one store."""
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


def level_label(level: str) -> str:
    return _LEVEL_LABELS.get(level, level.capitalize())


def direction_label(direction: str) -> str:
    return _DIRECTION_LABELS.get(direction, direction.capitalize())


def shown_message(message: str) -> str:
    """A logged sentence as the banner says it (retrying said once; Reconnect, not a button
    inside the wizard)."""
    return banner_sentence(message, needs_reconnect="until you reconnect" in message)


def exact_time(moment: datetime) -> str:
    """A moment in full, in the window's one family of dates: "Dec 7 2026, 17:07:08"
    (tooltips, and wherever the year matters)."""
    local = moment.astimezone()
    return f"{local.strftime('%b')} {local.day} {local.year}, {local.strftime('%H:%M:%S')}"


def readable_time(moment: datetime, *, now: datetime | None = None) -> str:
    """Local time, short for today and yesterday, with the date otherwise: the window's one
    way of saying a moment ("Today 17:07:08", "Yesterday 09:12:00", "Nov 30, 17:07:08");
    ``exact_time`` in full."""
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


class SyncLogModel(PagedTableModel[EventRow]):
    """Newest first, a page at a time (``PagedTableModel``), so a log of 100,000 events opens
    as fast as one of 10.

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
        super().__init__(COLUMNS, parent, page_size=page_size, debounce_ms=debounce_ms)
        self._reader = reader
        self._text = ""
        self._levels: tuple[str, ...] = ()
        self._last_id = 0
        # The time column is formatted once per row, not on every paint: a repaint during a
        # busy sync asks for hundreds of cells, and local-time formatting is not cheap.
        self._times: dict[int, str] = {}
        self._messages: dict[int, str] = {}
        self.store_names: dict[str, str] = reader.store_labels()
        """Each store's name by its journal id (``stores_changed`` reads them again)."""
        self._now = datetime.now().astimezone()
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        # During a busy sync events arrive by the hundred; a repaint every half second at
        # most keeps the log live without making the window repaint for each of them.
        self._soon.setInterval(500)
        self._soon.timeout.connect(self.refresh)
        self._stopped = False
        self._load_first_page()

    # -- Qt model API --------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        event = self._row(index)
        if event is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(event, column)
        if role == Qt.ItemDataRole.DecorationRole and column == LEVEL:
            return level_icon(event.level)
        if role == Qt.ItemDataRole.ForegroundRole and column in (LEVEL, MESSAGE):
            colour = _LEVEL_COLOURS.get(event.level)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            local = exact_time(event.time)
            store = self.store_of(event)
            order = f" Order {event.order_number}." if event.order_number else ""
            order += f" Store: {store}." if store and len(self.store_names) > 1 else ""
            return f"{local} ({level_label(event.level)}).{order}\n{shown_message(event.message)}"
        if role == Qt.ItemDataRole.UserRole:
            return event
        return None

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

    def stores_changed(self) -> None:
        """A store was added, renamed or removed: its name in the Store column."""
        self.store_names = self._reader.store_labels()
        if self._rows:
            self.dataChanged.emit(self.index(0, STORE), self.index(len(self._rows) - 1, STORE))

    def store_of(self, event: EventRow) -> str:
        """The name of the store whose sync wrote the line (a removed store's: its id)."""
        return self.store_names.get(event.store, event.store)

    def set_filter(
        self, text: str | None = None, levels: Iterable[str] | None = None, *, now: bool = False
    ) -> None:
        """Filter by text (message or order number) and levels; the query waits for typing to
        pause (debounced) unless ``now``."""
        if text is not None:
            self._text = text.strip()
        if levels is not None:
            self._levels = tuple(str(level) for level in levels)
        self._read_soon(now=now)

    def apply_filter(self) -> None:
        self._read_afresh()

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

    def _read_afresh(self) -> None:
        super()._read_afresh()
        self.filter_applied.emit()

    def _load_first_page(self) -> None:
        self._last_id = self._reader.last_event_id()
        super()._load_first_page()

    def _read_page(self, after: EventRow | None, limit: int) -> list[EventRow]:
        """The events older than ``after`` (the first page: than the newest at the last look)."""
        max_id = self._last_id if after is None else after.id - 1
        if max_id <= 0:
            return []
        return self._reader.events_page(0, limit, self._text, self._levels, max_id=max_id)

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
        if column == STORE:
            return self.store_of(event)
        # One line in the table; the tooltip carries the whole message.
        text = self._messages.get(event.id)
        if text is None:
            text = self._messages[event.id] = shown_message(event.message).replace("\n", " ")
        return text

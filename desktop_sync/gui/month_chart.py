"""The month at a glance on the dashboard: orders sent to Order Desk and shipments sent back to
the store per day for the last 30 days, two thin bars a day, drawn with QPainter (no charting
library). With several stores each bar is stacked by store, a colour each, the shipments' part
paler; the legend names the stores. Hovering a day says its figures, store by store; hovering
the line above the bars says the last good sync's exact time. With the keyboard focus, the
arrow keys (and Home, End) go from day to day and say each one.

The month is read through the facade on the window's reading thread (``gui.read_apart``,
``reader.month_apart``), never the GUI thread; a read asked later replaces one still running,
whose answer is then dropped."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_sync.app.facade_types import DayTally, Month
from desktop_sync.gui.read_apart import ReadApart

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = ["SENT_COLOUR", "SHIPPED_COLOUR", "STORE_COLOURS", "MonthChart"]

log = logging.getLogger(__name__)

SENT_COLOUR = QColor("#2563eb")
SHIPPED_COLOUR = QColor("#16a34a")
STORE_COLOURS = tuple(
    QColor(c) for c in ("#2563eb", "#ea580c", "#7c3aed", "#0d9488", "#db2777", "#a16207")
)
"""One per store, in the profile's order (then again, for a seventh)."""
_KEY = QColor("#4b5563")
"""The legend's "Orders sent" with several stores: the colour is the store's, not the kind's."""
_GRID = QColor("#d1d5db")
_HEIGHT = 74
_CAPTION = 16  # the line of words above the bars
_AXIS = 14  # the dates below them
_KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Home: -10_000, Qt.Key.Key_End: 10_000}


def _pale(colour: QColor) -> QColor:
    """``colour`` mixed half and half with white: a store's shipments beside its orders."""
    return QColor(
        (colour.red() + 255) // 2, (colour.green() + 255) // 2, (colour.blue() + 255) // 2
    )


def _orders(count: int) -> str:
    return "1 order" if count == 1 else f"{count:,} orders"


def _shipments(count: int) -> str:
    return "1 shipment" if count == 1 else f"{count:,} shipments"


def _day(tally: DayTally) -> str:
    return f"{tally.day:%a} {tally.day:%b} {tally.day.day}"


class MonthChart(QWidget):
    def __init__(self, reader: JournalReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._reading = ReadApart(reader, _month_of, self)
        self._reading.landed.connect(self._landed)
        self._reading.failed.connect(self._not_read)
        self.month = Month()
        self.last_good: datetime | None = None
        self.chosen: int | None = None
        """The day the keyboard is on (an index into ``days``), None before it moves."""
        self.setFixedHeight(_HEIGHT)
        self.setMinimumWidth(300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Orders sent and shipments sent back per day, last 30 days")

    def sizeHint(self) -> QSize:
        return QSize(600, _HEIGHT)

    @property
    def days(self) -> tuple[DayTally, ...]:
        return self.month.days

    @property
    def stores(self) -> tuple[str, ...]:
        return self.month.stores

    @property
    def per_store(self) -> bool:
        """Several stores: a series each, and their names in the legend."""
        return len(self.stores) > 1

    @property
    def reading(self) -> bool:
        """A read of the month is on its way."""
        return self._reading.reading

    def refresh(self) -> None:
        """Read the month again, on a worker; it is drawn when it lands. A read that fails
        (the journal busy or damaged: the log says so) leaves the chart as it was."""
        self._reading.cancel()  # older news: it lands nowhere
        self._reading.start()

    def _not_read(self, sentence: str) -> None:
        log.warning("The month's chart could not be read: %s", sentence)

    def _landed(self, month: object) -> None:
        if isinstance(month, Month):
            self.set_month(month)

    def set_month(self, month: Month) -> None:
        self.month = month
        if self.chosen is not None:
            self.chosen = min(self.chosen, len(month.days) - 1) if month.days else None
        self._describe()
        self.update()

    def set_last_good(self, moment: datetime | None) -> None:
        self.last_good = moment
        self._describe()
        self.update()

    # -- words ---------------------------------------------------------------------------

    def summary(self) -> str:
        sent = sum(d.sent for d in self.days)
        shipped = sum(d.shipped for d in self.days)
        return f"Last 30 days: {_orders(sent)} sent, {_shipments(shipped)} sent back to the store"

    def last_good_text(self) -> str:
        if self.last_good is None:
            return "No sync has finished without a problem since Desktop Sync started."
        return f"Last good sync: {self.last_good.astimezone():%Y-%m-%d %H:%M:%S}"

    def legend(self) -> list[str]:
        return [label for _, label in self._legend()]

    def _legend(self) -> list[tuple[QColor, str]]:
        if not self.per_store:
            return [(SENT_COLOUR, "Orders sent"), (SHIPPED_COLOUR, "Shipments back")]
        stores = [(self._colours(i)[0], name) for i, name in enumerate(self.stores)]
        return [*stores, (_KEY, "Orders sent"), (_pale(_KEY), "Shipments back")]

    def day_text(self, tally: DayTally) -> str:
        """The day's figures; with several stores, a line more for each store."""
        lines = [
            f"{_day(tally)}: {_orders(tally.sent)} sent to Order Desk, "
            f"{_shipments(tally.shipped)} sent back to the store"
        ]
        if self.per_store:
            lines += [
                f"{part.store}: {_orders(part.sent)} sent, {_shipments(part.shipped)} sent back"
                for part in tally.stores
            ]
        return "\n".join(lines)

    def _describe(self) -> None:
        """What a screen reader says of the chart: the chosen day, else the month."""
        chosen = self._chosen_day()
        said = self.day_text(chosen) if chosen is not None else self.summary()
        self.setAccessibleDescription(f"{said}\n{self.last_good_text()}")

    def _chosen_day(self) -> DayTally | None:
        if self.chosen is None or not 0 <= self.chosen < len(self.days):
            return None
        return self.days[self.chosen]

    # -- geometry ------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(4, _CAPTION + 4, self.width() - 8, self.height() - _CAPTION - _AXIS - 6)

    def _slot(self, index: int) -> QRectF:
        plot = self._plot()
        width = plot.width() / max(1, len(self.days))
        return QRectF(plot.left() + index * width, plot.top(), width, plot.height())

    def day_at(self, x: float) -> DayTally | None:
        """The day drawn at ``x`` (widget coordinates), if any."""
        plot = self._plot()
        if not self.days or not plot.left() <= x < plot.right():
            return None
        index = int((x - plot.left()) / (plot.width() / len(self.days)))
        return self.days[min(index, len(self.days) - 1)]

    def tooltip_at(self, point: QPoint) -> str:
        if point.y() < _CAPTION + 2:
            return self.last_good_text()
        tally = self.day_at(point.x())
        return "" if tally is None else self.day_text(tally)

    def _colours(self, store: int) -> tuple[QColor, QColor]:
        """The colours of a store's orders and of its shipments."""
        if not self.per_store:
            return SENT_COLOUR, SHIPPED_COLOUR
        colour = STORE_COLOURS[store % len(STORE_COLOURS)]
        return colour, _pale(colour)

    # -- Qt ------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = _KEYS.get(Qt.Key(event.key()))
        if step is None or not self.days:
            super().keyPressEvent(event)
            return
        last = len(self.days) - 1
        start = last if self.chosen is None else self.chosen
        self.chosen = max(0, min(last, start + step))
        self._describe()
        self.update()
        slot = self._slot(self.chosen)
        where = self.mapToGlobal(QPoint(int(slot.center().x()), int(slot.top())))
        QToolTip.showText(where, self.day_text(self.days[self.chosen]), self)
        event.accept()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        text = self.palette().color(self.foregroundRole())
        self._paint_caption(painter, text)
        plot = self._plot()
        painter.setPen(_GRID)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if self.days:
            self._paint_bars(painter)
            self._paint_axis(painter, text)
        chosen = self._chosen_day()
        if chosen is not None and self.hasFocus() and self.chosen is not None:
            painter.setPen(QPen(self.palette().highlight().color(), 1))
            painter.drawRect(self._slot(self.chosen).adjusted(0, -2, -1, 1))
        painter.end()
        event.accept()

    def _paint_caption(self, painter: QPainter, text: QColor) -> None:
        metrics = painter.fontMetrics()
        painter.setPen(text)
        x = 4
        for colour, words in self._legend():
            painter.fillRect(x, 5, 9, 9, colour)
            painter.drawText(x + 13, metrics.ascent() + 2, words)
            x += 13 + metrics.horizontalAdvance(words) + 12
        caption = self.summary()
        if self.last_good is not None:
            caption += f". Last good sync {self.last_good.astimezone():%H:%M}"
        room = self.width() - x - 10
        if room > 40:
            elided = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room)
            painter.drawText(x + 6, metrics.ascent() + 2, elided)

    def _paint_bars(self, painter: QPainter) -> None:
        """Each day's orders bar, then its shipments bar, each stacked store on store."""
        plot = self._plot()
        top = max(1, *(max(d.sent, d.shipped) for d in self.days))
        slot = plot.width() / len(self.days)
        bar = max(1.0, (slot - 3) / 2)
        for index, tally in enumerate(self.days):
            for kind in (0, 1):
                left = plot.left() + index * slot + 1 + kind * bar
                bottom = plot.bottom()
                for store, part in enumerate(tally.stores):
                    value = part.shipped if kind else part.sent
                    if value:
                        height = max(1.0, plot.height() * value / top)
                        block = QRectF(left, bottom - height, bar, height)
                        painter.fillRect(block, self._colours(store)[kind])
                        bottom -= height

    def _paint_axis(self, painter: QPainter, text: QColor) -> None:
        metrics = painter.fontMetrics()
        plot = self._plot()
        top = max(1, *(max(d.sent, d.shipped) for d in self.days))
        painter.setPen(text)
        axis = plot.bottom() + metrics.ascent() + 1
        first = self.days[0]
        painter.drawText(int(plot.left()), int(axis), f"{first.day:%b} {first.day.day}")
        today = "Today"
        painter.drawText(int(plot.right() - metrics.horizontalAdvance(today)), int(axis), today)
        peak = f"{top:,} a day at most"
        painter.drawText(
            int(plot.center().x() - metrics.horizontalAdvance(peak) / 2), int(axis), peak
        )


def _month_of(reader: JournalReader) -> Month:
    """The month's read, as the reading thread makes it."""
    return reader.month_apart()

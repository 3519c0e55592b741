"""The month at a glance on the dashboard: orders sent to Order Desk and shipments sent back to
the store per day for the last 30 days, two thin bars a day, drawn with QPainter (no charting
library). Hovering a day says its figures; hovering the caption says the last good sync's
exact time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_sync.app.facade_types import DayTally

__all__ = ["SENT_COLOUR", "SHIPPED_COLOUR", "MonthChart"]

SENT_COLOUR = QColor("#2563eb")
SHIPPED_COLOUR = QColor("#16a34a")
_GRID = QColor("#d1d5db")
_HEIGHT = 74
_CAPTION = 16  # the line of words above the bars
_AXIS = 14  # the dates below them


def _day(tally: DayTally) -> str:
    return f"{tally.day:%a} {tally.day:%b} {tally.day.day}"


class MonthChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[DayTally] = []
        self.last_good: datetime | None = None
        self.setFixedHeight(_HEIGHT)
        self.setMinimumWidth(300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setAccessibleName("Orders sent and shipments sent back per day, last 30 days")

    def sizeHint(self) -> QSize:
        return QSize(600, _HEIGHT)

    def set_days(self, days: Sequence[DayTally]) -> None:
        self.days = list(days)
        self.setAccessibleDescription(self.summary())
        self.update()

    def set_last_good(self, moment: datetime | None) -> None:
        self.last_good = moment
        self.update()

    def summary(self) -> str:
        sent = sum(d.sent for d in self.days)
        shipped = sum(d.shipped for d in self.days)
        orders = "1 order" if sent == 1 else f"{sent:,} orders"
        shipments = "1 shipment" if shipped == 1 else f"{shipped:,} shipments"
        return f"Last 30 days: {orders} sent, {shipments} sent back to the store"

    # -- geometry ------------------------------------------------------------------------

    def _plot(self) -> QRectF:
        return QRectF(4, _CAPTION + 4, self.width() - 8, self.height() - _CAPTION - _AXIS - 6)

    def day_at(self, x: float) -> DayTally | None:
        """The day drawn at ``x`` (widget coordinates), if any."""
        plot = self._plot()
        if not self.days or not plot.left() <= x < plot.right():
            return None
        index = int((x - plot.left()) / (plot.width() / len(self.days)))
        return self.days[min(index, len(self.days) - 1)]

    def tooltip_at(self, point: QPoint) -> str:
        if point.y() < _CAPTION + 2:
            if self.last_good is None:
                return "No sync has finished without a problem yet."
            return f"Last good sync: {self.last_good.astimezone():%Y-%m-%d %H:%M:%S}"
        tally = self.day_at(point.x())
        if tally is None:
            return ""
        orders = "1 order" if tally.sent == 1 else f"{tally.sent:,} orders"
        shipments = "1 shipment" if tally.shipped == 1 else f"{tally.shipped:,} shipments"
        return f"{_day(tally)}: {orders} sent to Order Desk, {shipments} sent back to the store"

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

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = painter.fontMetrics()
        text = self.palette().color(self.foregroundRole())
        painter.setPen(text)
        caption = self.summary()
        if self.last_good is not None:
            caption += f". Last good sync {self.last_good.astimezone():%H:%M}"
        x = 4
        for colour, words in ((SENT_COLOUR, "Orders sent"), (SHIPPED_COLOUR, "Shipments back")):
            painter.fillRect(x, 5, 9, 9, colour)
            painter.drawText(x + 13, metrics.ascent() + 2, words)
            x += 13 + metrics.horizontalAdvance(words) + 14
        painter.drawText(x + 6, metrics.ascent() + 2, caption)
        plot = self._plot()
        painter.setPen(_GRID)
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        if not self.days:
            painter.end()
            return
        top = max(1, *(max(d.sent, d.shipped) for d in self.days))
        slot = plot.width() / len(self.days)
        bar = max(1.0, (slot - 3) / 2)
        for index, tally in enumerate(self.days):
            left = plot.left() + index * slot + 1
            for offset, value, colour in (
                (0.0, tally.sent, SENT_COLOUR),
                (bar, tally.shipped, SHIPPED_COLOUR),
            ):
                if value:
                    height = max(1.0, plot.height() * value / top)
                    painter.fillRect(
                        QRectF(left + offset, plot.bottom() - height, bar, height), colour
                    )
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
        painter.end()
        event.accept()

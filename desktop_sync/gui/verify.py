"""Run one "verify" network call off the GUI thread and show that it is running."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from desktop_sync.app.facade_types import ConnectorError
from desktop_sync.gui.background import TaskRunner

__all__ = [
    "ERROR_COLOR",
    "OK_COLOR",
    "BusyIndicator",
    "VerifyRow",
    "VerifyRunner",
    "describe_check_error",
    "unexpected_error_sentence",
]

log = logging.getLogger(__name__)

OK_COLOR = "#1b7f3b"
ERROR_COLOR = "#b3261e"


def unexpected_error_sentence() -> str:
    return (
        "Something unexpected went wrong while checking the connection. Check the addresses "
        "you entered and try again; the log file has the details."
    )


def describe_check_error(exc: Exception) -> str:
    """A failed connection check as the merchant's sentence (connector errors carry one)."""
    if isinstance(exc, ConnectorError):
        return str(exc)
    # Anything untyped is a bug or a malformed address; the merchant gets a sentence, the log
    # gets the traceback (connector errors never carry secrets).
    log.error("A connection check failed unexpectedly", exc_info=exc)
    return unexpected_error_sentence()


class VerifyRunner(TaskRunner):
    """One connection check at a time: a new check, or ``cancel()``, supersedes the last."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent, describe=describe_check_error, latest_only=True)


class BusyIndicator(QWidget):
    """A small spinning arc, shown only while something runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._advance)
        self.setFixedSize(self.sizeHint())
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip("Checking…")
        self.setVisible(False)

    def sizeHint(self) -> QSize:
        side = max(16, self.fontMetrics().height())
        return QSize(side, side)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def set_running(self, running: bool) -> None:
        if running:
            self._timer.start()
        else:
            self._timer.stop()
        self.setVisible(running)

    def _advance(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = QColor(self.palette().color(self.foregroundRole()))
        pen = QPen(color, max(2.0, self.width() / 8))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        margin = pen.widthF()
        rect = self.rect().adjusted(int(margin), int(margin), -int(margin), -int(margin))
        # Qt angles are in sixteenths of a degree, counter-clockwise.
        painter.drawArc(rect, -self._angle * 16, 270 * 16)
        painter.end()


class VerifyRow(QWidget):
    """The button, the busy indicator and the status sentence of one connection check.

    Enter on the focused button checks, as Space does, until the check succeeded; then Enter
    is the dialog's (the wizard's Next), never a second check.
    """

    verify_clicked = Signal()

    def __init__(self, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(button_text)
        # Not a dialog's auto-default: Enter on it means the wizard's Next, never a second check.
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.verify_clicked)
        self.button.installEventFilter(self)
        self.verified = False
        """True while the status says the check succeeded."""
        self._focus_parked = False
        self.busy = BusyIndicator()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.status, 1)
        self.show_idle()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        enter = (
            watched is self.button
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        )
        if enter and not self.verified and self.button.isEnabled():
            self.button.click()
            return True
        return super().eventFilter(watched, event)

    def show_idle(self, text: str = "Not verified") -> None:
        self._show(text, "")

    def show_busy(self) -> None:
        if self.button.hasFocus():
            # A disabled button loses the focus to the next in the chain (the dialog's Cancel,
            # where Enter would quit): park it on this row, and hand it back when done.
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self._focus_parked = True
        self.verified = False
        self.button.setEnabled(False)
        self.busy.set_running(True)
        self.status.setText("Checking…")
        self.status.setStyleSheet("")

    def show_ok(self, text: str) -> None:
        self._show(text, f"color: {OK_COLOR}; font-weight: bold;", verified=True)

    def show_error(self, text: str) -> None:
        self._show(text, f"color: {ERROR_COLOR};")

    def _show(self, text: str, style: str, *, verified: bool = False) -> None:
        self.verified = verified
        self.button.setEnabled(True)
        if self._focus_parked:
            self._focus_parked = False
            if self.hasFocus():
                self.button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.busy.set_running(False)
        self.status.setText(text)
        self.status.setStyleSheet(style)

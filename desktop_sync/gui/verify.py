"""Run one "verify" network call off the GUI thread and show that it is running."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from desktop_sync.connectors.errors import ConnectorError

__all__ = [
    "ERROR_COLOR",
    "OK_COLOR",
    "BusyIndicator",
    "VerifyRow",
    "VerifyRunner",
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


class _TaskSignals(QObject):
    # Created on the GUI thread, so receivers there get the results as queued calls.
    succeeded = Signal(int, object)
    failed = Signal(int, str)


class _VerifyTask(QRunnable):
    def __init__(self, call: Callable[[], object], ticket: int, signals: _TaskSignals) -> None:
        super().__init__()
        self._call = call
        self._ticket = ticket
        # A strong reference: the signals outlive the runner if the window closes mid-call.
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._call()
        except ConnectorError as error:
            self._emit_failure(str(error))
        except Exception:
            # Anything untyped is a bug or a malformed address; the merchant gets a sentence,
            # the log gets the traceback (connector errors never carry secrets).
            log.exception("A connection check failed unexpectedly")
            self._emit_failure(unexpected_error_sentence())
        else:
            try:
                self._signals.succeeded.emit(self._ticket, result)
            except RuntimeError:
                log.debug("A connection check finished after its window closed")

    def _emit_failure(self, sentence: str) -> None:
        try:
            self._signals.failed.emit(self._ticket, sentence)
        except RuntimeError:
            log.debug("A connection check failed after its window closed")


class VerifyRunner(QObject):
    """Runs one call at a time on a thread pool; results arrive as signals on the GUI thread.

    Starting again, or ``cancel()``, makes any call still running report nowhere: its answer
    belongs to field values the merchant has since changed.
    """

    succeeded = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._signals = _TaskSignals()
        self._signals.succeeded.connect(self._on_succeeded)
        self._signals.failed.connect(self._on_failed)
        self._ticket = 0
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self, call: Callable[[], object]) -> None:
        self._ticket += 1
        self._pool.start(_VerifyTask(call, self._ticket, self._signals))
        self._set_busy(True)

    def cancel(self) -> None:
        self._ticket += 1
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    @Slot(int, object)
    def _on_succeeded(self, ticket: int, result: object) -> None:
        if ticket == self._ticket:
            self._set_busy(False)
            self.succeeded.emit(result)

    @Slot(int, str)
    def _on_failed(self, ticket: int, sentence: str) -> None:
        if ticket == self._ticket:
            self._set_busy(False)
            self.failed.emit(sentence)


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
    """The button, the busy indicator and the status sentence of one connection check."""

    verify_clicked = Signal()

    def __init__(self, button_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(button_text)
        # Not a dialog's auto-default: Enter on it means the wizard's Next, never a second check.
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.verify_clicked)
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

    def show_idle(self, text: str = "Not verified") -> None:
        self._show(text, "")

    def show_busy(self) -> None:
        if self.button.hasFocus():
            # A disabled button loses the focus to the next in the chain (the dialog's Cancel,
            # where Enter would quit): park it on this row, and hand it back when done.
            self.setFocus(Qt.FocusReason.OtherFocusReason)
            self._focus_parked = True
        self.button.setEnabled(False)
        self.busy.set_running(True)
        self.status.setText("Checking…")
        self.status.setStyleSheet("")

    def show_ok(self, text: str) -> None:
        self._show(text, f"color: {OK_COLOR}; font-weight: bold;")

    def show_error(self, text: str) -> None:
        self._show(text, f"color: {ERROR_COLOR};")

    def _show(self, text: str, style: str) -> None:
        self.button.setEnabled(True)
        if self._focus_parked:
            self._focus_parked = False
            if self.hasFocus():
                self.button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.busy.set_running(False)
        self.status.setText(text)
        self.status.setStyleSheet(style)

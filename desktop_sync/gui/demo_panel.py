"""The demo strip: says this is a sandbox, and plays the merchant's part (new order, shipment)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_sync.sandbox.demo import DemoSandbox

__all__ = ["DemoPanel"]

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(str)


class _SandboxCall(QRunnable):
    """One sandbox action on a pool thread: the emulators are servers, not GUI work."""

    def __init__(self, call: Callable[[], str]) -> None:
        super().__init__()
        self.signals = _Signals()
        self._call = call

    def run(self) -> None:
        try:
            sentence = self._call()
        except Exception as exc:  # the demo must say what went wrong, not go quiet
            log.exception("A sandbox action failed")
            sentence = f"The sandbox could not do that ({type(exc).__name__}: {exc})."
        self.signals.done.emit(sentence)


class DemoPanel(QFrame):
    """Buttons that act in the sandbox store and the sandbox Order Desk."""

    action_done = Signal(str)
    """The sandbox's sentence about what it just did."""

    def __init__(self, sandbox: DemoSandbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        self._running: list[_SandboxCall] = []
        self.setObjectName("demo")
        self.setStyleSheet(
            "QFrame#demo { border: 1px solid #93c5fd; border-radius: 8px; background: #eff6ff; }"
            "QFrame#demo QLabel { color: #1e3a8a; }"
        )
        note = QLabel(
            "<b>Demo mode.</b> This is a sandbox: the store and Order Desk run on this "
            "computer with sample orders, and nothing reaches a real account. A new store order "
            "arrives every few seconds; use the buttons to play your part."
        )
        note.setWordWrap(True)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.add_button = QPushButton("Add a store order")
        self.add_button.clicked.connect(self.add_store_order)
        self.ship_button = QPushButton("Ship an order")
        self.ship_button.setToolTip(
            "Adds tracking in the sandbox Order Desk, as your warehouse would; the next sync "
            "sends it to the store."
        )
        self.ship_button.clicked.connect(self.ship_an_order)
        text = QVBoxLayout()
        text.addWidget(note)
        text.addWidget(self.result)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(text, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.ship_button)
        self.result.hide()

    def add_store_order(self) -> None:
        self._start(self.sandbox.add_store_order)

    def ship_an_order(self) -> None:
        self._start(self.sandbox.ship_an_order)

    def _start(self, call: Callable[[], str]) -> None:
        job = _SandboxCall(call)
        job.setAutoDelete(False)  # kept until its signal has been delivered
        job.signals.done.connect(lambda sentence: self._finished(job, sentence))
        self._running.append(job)
        QThreadPool.globalInstance().start(job)

    def _finished(self, job: _SandboxCall, sentence: str) -> None:
        if job in self._running:
            self._running.remove(job)
        self.result.setText(sentence)
        self.result.show()
        self.action_done.emit(sentence)

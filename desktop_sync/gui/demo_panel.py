"""The demo strip: says this is a sandbox, and plays the merchant's part (new order, shipment)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_sync.gui.background import TaskRunner

if TYPE_CHECKING:
    from desktop_sync_sandbox.demo import DemoSandbox

__all__ = ["DemoPanel"]

log = logging.getLogger(__name__)


def _sandbox_trouble(exc: Exception) -> str:
    # The demo must say what went wrong, not go quiet.
    log.error("A sandbox action failed", exc_info=exc)
    return f"The sandbox could not do that ({type(exc).__name__}: {exc})."


def _cadence(sandbox: DemoSandbox) -> str:
    """How new orders arrive, from the sandbox's own setting."""
    every = sandbox.new_order_every
    if not every:
        return "Use Add a store order to place a new order, and Ship an order to ship one."
    return f"A new store order arrives every {every:g} seconds; use the buttons to play your part."


class DemoPanel(QFrame):
    """Buttons that act in the sandbox store and the sandbox Order Desk."""

    action_done = Signal(str)
    """The sandbox's sentence about what it just did."""

    def __init__(self, sandbox: DemoSandbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sandbox = sandbox
        self.runner = TaskRunner(self, describe=_sandbox_trouble, latest_only=False)
        self.runner.succeeded.connect(lambda sentence: self._finished(str(sentence)))
        self.runner.failed.connect(self._finished)
        self.setObjectName("demo")
        self.setStyleSheet(
            "QFrame#demo { border: 1px solid #93c5fd; border-radius: 8px; background: #eff6ff; }"
            "QFrame#demo QLabel { color: #1e3a8a; }"
        )
        self.note = QLabel(
            "<b>Demo mode.</b> This is a sandbox: the store and Order Desk run on this "
            f"computer with sample orders, and nothing reaches a real account. {_cadence(sandbox)}"
        )
        self.note.setWordWrap(True)
        # What the sandbox holds until the merchant's first action says what it did.
        self.result = QLabel(
            f"The sandbox store started with {sandbox.initial_orders} sample orders."
        )
        self.result.setWordWrap(True)
        # Its two lines are kept from the start: the first sentence never moves the window.
        self.result.setMinimumHeight(self.result.fontMetrics().lineSpacing() * 2 + 2)
        self.add_button = QPushButton("Add a store order")
        self.add_button.clicked.connect(self.add_store_order)
        self.ship_button = QPushButton("Ship an order")
        self.ship_button.setToolTip(
            "Adds tracking in the sandbox Order Desk, as your warehouse would; the next sync "
            "sends it to the store."
        )
        self.ship_button.clicked.connect(self.ship_an_order)
        text = QVBoxLayout()
        text.addWidget(self.note)
        text.addWidget(self.result)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(text, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.ship_button)

    def add_store_order(self) -> None:
        self._start(self.sandbox.add_store_order)

    def ship_an_order(self) -> None:
        self._start(self.sandbox.ship_an_order)

    def _start(self, call: Callable[[], str]) -> None:
        self.runner.start(call)

    def _finished(self, sentence: str) -> None:
        self.result.setText(sentence)
        self.action_done.emit(sentence)

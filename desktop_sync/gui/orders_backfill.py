"""Backfill in the window: "Also send orders placed since [date]". Check counts what would
be sent (the store is listed on a worker thread) before anything is sent; Send them moves the
start back to that date and syncs."""

from __future__ import annotations

import functools
from datetime import date, datetime, time
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_sync.app.facade_types import BackfillPreview, CycleResult
from desktop_sync.gui.background import TaskRunner

if TYPE_CHECKING:
    from desktop_sync.app.facade_types import OrdersReader

__all__ = ["BackfillBar"]


class _Stage(Enum):
    """Where the bar's sentence is: nothing said, Send them pressed, its sync running, its
    result said."""

    QUIET = "quiet"
    ASKED = "asked"
    SYNCING = "syncing"
    SAID = "said"


# The backfill's result is said once: it goes at the next sync, or after this long.
_RESULT_MS = 60_000


def _problem(exc: Exception) -> str:
    return f"The store could not be asked: {exc}"


class BackfillBar(QWidget):
    backfilled = Signal()
    """The start moved back: the window syncs now."""

    def __init__(self, reader: OrdersReader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self.preview: BackfillPreview | None = None
        self.date = QDateEdit(QDate.currentDate().addDays(-7))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setMinimumDate(QDate(2000, 1, 1))
        label = QLabel("Also send orders placed &since")
        label.setBuddy(self.date)
        self.check_button = QPushButton("&Check")
        self.check_button.setToolTip("Count the orders that would be sent; nothing is sent yet")
        self.check_button.clicked.connect(self.check)
        self.send_button = QPushButton("Send &them")
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        self.said = QLabel()
        self.said.setObjectName("caption")
        self.said.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.date)
        layout.addWidget(self.check_button)
        layout.addWidget(self.said, 1)
        layout.addWidget(self.send_button)
        self.date.dateChanged.connect(self._date_changed)
        self._runner = TaskRunner(self, describe=_problem, latest_only=True)
        self._runner.succeeded.connect(self._previewed)
        self._runner.failed.connect(self._failed)
        self._runner.busy_changed.connect(lambda busy: self.check_button.setEnabled(not busy))
        self._stage = _Stage.QUIET
        """"asked" (Send pressed, its sync not started), "sending" (its sync runs), "said"
        (its result is shown) or ""."""
        self._result_shown = QTimer(self)
        self._result_shown.setSingleShot(True)
        self._result_shown.setInterval(_RESULT_MS)
        self._result_shown.timeout.connect(self._result_said)

    def on_cycle_started(self) -> None:
        if self._stage is _Stage.SAID:
            self._result_said()
        elif self._stage is _Stage.ASKED:
            self._stage = _Stage.SYNCING

    def on_cycle_finished(self, result: CycleResult) -> None:
        """The sync that sent the backfill ended: its result, said once."""
        if self._stage is not _Stage.SYNCING:
            return
        push = result.push
        if push is None:
            self.said.setText("The sync stopped before sending them; they go at the next sync.")
        else:
            sent, left = push.sent + push.adopted, push.waiting + len(push.failed) + push.unsent
            words = f"{sent:,} {'order' if sent == 1 else 'orders'} sent to Order Desk"
            self.said.setText(
                f"Done: {words}."
                if not left
                else f"{words}; {left:,} could not be sent yet (the banner above says why)."
            )
        self._stage = _Stage.SAID
        self._result_shown.start()

    @property
    def since(self) -> datetime:
        """The start of the chosen day on this computer's calendar."""
        day = self.date.date()
        return datetime.combine(date(day.year(), day.month(), day.day()), time()).astimezone()

    def check(self) -> None:
        self._stage = _Stage.QUIET  # the merchant moved on: what is said now is this check's
        self._result_shown.stop()
        self.preview = None
        self.send_button.setEnabled(False)
        self.said.setText("Asking the store...")
        self._runner.start(functools.partial(self._reader.preview_backfill, self.since))

    def send(self) -> None:
        if self.preview is None or not self.preview.to_send:
            return
        self._reader.backfill(self.preview.since)
        count = self.preview.to_send
        self.said.setText(
            f"Sending {count:,} {'order' if count == 1 else 'orders'} now; orders already "
            "in Order Desk are recognised and not sent twice."
        )
        self.preview = None
        self.send_button.setEnabled(False)
        self._stage = _Stage.ASKED
        self.backfilled.emit()

    def _previewed(self, preview: object) -> None:
        assert isinstance(preview, BackfillPreview)
        self.preview = preview
        self.said.setText(preview.sentence())
        self.send_button.setEnabled(preview.to_send > 0)
        self.send_button.setText("Send &it" if preview.to_send == 1 else "Send &them")

    def _failed(self, sentence: str) -> None:
        self.preview = None
        self.said.setText(sentence)

    def _result_said(self) -> None:
        self._stage = _Stage.QUIET
        self._result_shown.stop()
        self.said.clear()

    def _date_changed(self) -> None:
        self._runner.cancel()
        self.preview = None
        self.send_button.setEnabled(False)
        self.said.clear()

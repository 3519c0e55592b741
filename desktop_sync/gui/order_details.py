"""One order's details: where it stands, both sides' ids, its tracking, its whole timeline
from the journal, buttons that open it in Order Desk and in the store's admin, and the
actions on this one order when they apply: Retry (failed), Send anyway (held), Dismiss (in
Needs you). An action runs through the facade on a worker thread, on a journal connection of
its own; the details are read again after it, and ``acted`` tells the window."""

from __future__ import annotations

import enum
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import EventRow, OrderLine, OrdersQuery, OrderWord, Show
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.log_model import exact_time, readable_time, shown_message
from desktop_sync.gui.order_links import open_in_orderdesk, store_admin_url
from desktop_sync.gui.orders_model import tracking_text

if TYPE_CHECKING:
    from desktop_sync.app.facade_types import OrdersReader

__all__ = ["OrderDetails", "StoreAddress", "store_status_words"]

StoreAddress = tuple[str, str]
"""(Order Desk's API address, the store's address) from the profile, for the links."""


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def store_status_words(line: OrderLine) -> str:
    """The store's status as last read, with when: the sync reads it each time it reads the
    order, so after the app fulfils the order it is out of date until the next read."""
    if line.status_read is None:
        return line.store_status
    read = readable_time(line.status_read)
    if line.shipped_at is not None and line.status_read < line.shipped_at:
        return (
            f"{line.store_status} when read {read}, before this app fulfilled it "
            f"({readable_time(line.shipped_at)}); read again at the next check"
        )
    return f"{line.store_status} (read {read})"


class _Act(enum.Enum):
    RETRY = enum.auto()
    SEND_ANYWAY = enum.auto()
    DISMISS = enum.auto()


@dataclass(frozen=True)
class _Done:
    """An action's outcome: its sentence, and the order and its timeline read after it."""

    sentence: str
    line: OrderLine
    timeline: Sequence[EventRow]
    listed: bool
    """The order is in Needs you (not dismissed)."""


def _listed(services: OrdersReader, line: OrderLine) -> bool:
    """Whether Needs you lists ``line`` (a held or failed order not dismissed)."""
    if not line.needs_me:
        return False
    query = OrdersQuery(show=Show.NEEDS_ME, store=line.store_id, text=line.number)
    return any(
        (found.store_id, found.store_order_id) == (line.store_id, line.store_order_id)
        for found in services.orders_page(query, 100)
    )


def _listed_apart(reader: OrdersReader, line: OrderLine) -> bool:
    with reader.apart() as services:
        return _listed(services, line)


def _act_apart(reader: OrdersReader, line: OrderLine, act: _Act) -> _Done:
    """On a worker thread: ``act`` on this one order, then the order read again."""
    one, store = [line.store_order_id], [line.store_id]
    with reader.apart() as services:
        sentence = ""
        if act is _Act.RETRY and not services.retry_orders(one, stores=store):
            sentence = "Nothing to retry: the order has not failed."
        elif act is _Act.RETRY:
            sentence = "It is sent again at the next sync."
        elif act is _Act.SEND_ANYWAY and not services.send_anyway(one, stores=store):
            sentence = "Not sent: the order is no longer known to this app."
        elif act is _Act.SEND_ANYWAY:
            sentence = "It is sent at the next sync unless it is cancelled or unpaid in the store."
        else:
            services.dismiss_order(line)
        fresh = [
            found
            for found in services.find_orders(line.number)
            if (found.store_id, found.store_order_id) == (line.store_id, line.store_order_id)
        ]
        now = fresh[0] if fresh else line
        timeline = services.order_timeline(line.number, store=line.store_id)
        return _Done(sentence, now, timeline, _listed(services, now))


class OrderDetails(QDialog):
    acted = Signal(str)
    """An action changed the journal: its sentence ("" for Dismiss, which sends nothing)."""

    def __init__(
        self,
        line: OrderLine,
        timeline: Sequence[EventRow],
        addresses: StoreAddress,
        *,
        reader: OrdersReader | None = None,
        opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Order {line.number}")
        self.resize(640, 480)
        self._opener = opener
        self._addresses = addresses
        self._reader = reader
        self.line = line
        self.store_url = ""
        self._acting = TaskRunner(self, latest_only=False)
        self._acting.succeeded.connect(self._done)
        self._acting.failed.connect(self._not_done)
        self._reading = TaskRunner(self, latest_only=True)
        self._reading.succeeded.connect(self._listed_read)
        self.listed = False
        """Needs you lists the order (read on a worker when the details open)."""

        self.title = QLabel()
        self.facts = QFormLayout()
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["Time", "What happened"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.header().setStretchLastSection(True)
        self.said = QLabel()
        """What the last action did, or why it could not."""
        self.said.setWordWrap(True)

        self.retry_button = QPushButton("&Retry")
        self.retry_button.setToolTip("Send this failed order again at the next sync")
        self.send_button = QPushButton("Send &anyway")
        self.send_button.setToolTip(
            "Send this one order at the next sync whatever its status or the day it was "
            "placed (as a backfill would); never when it is cancelled or unpaid"
        )
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setToolTip("Take this order off Needs you")
        for button, act in (
            (self.retry_button, _Act.RETRY),
            (self.send_button, _Act.SEND_ANYWAY),
            (self.dismiss_button, _Act.DISMISS),
        ):
            button.clicked.connect(lambda _=False, act=act: self._act(act))
        self.orderdesk_button = QPushButton("Open in &Order Desk")
        self.orderdesk_button.clicked.connect(self._open_in_orderdesk)
        self.store_button = QPushButton("Open in the &store's admin")
        self.store_button.clicked.connect(lambda: self._open(self.store_url))
        actions = QHBoxLayout()
        for button in (self.retry_button, self.send_button, self.dismiss_button):
            actions.addWidget(button)
        actions.addWidget(self.said, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.orderdesk_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.store_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.facts)
        layout.addLayout(actions)
        layout.addWidget(QLabel("<b>Timeline</b>"))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(buttons)
        self._show(line, timeline)
        if reader is not None and line.needs_me:
            self._reading.start(lambda: _listed_apart(reader, line))

    @property
    def acting(self) -> bool:
        """An action on the order, or the read of whether Needs you lists it, is on its
        way."""
        return self._acting.busy or self._reading.busy

    def _listed_read(self, listed: object) -> None:
        self.listed = listed is True
        self.dismiss_button.setVisible(self._reader is not None and self.listed)

    def _show(self, line: OrderLine, timeline: Sequence[EventRow]) -> None:
        self.line = line
        _, store_url = self._addresses
        self.store_url = store_admin_url(line.platform, store_url, line.store_order_id)
        self.title.setText(
            f"<b>Order {html.escape(line.number)}</b> · {html.escape(line.store)} · "
            f"<b>{html.escape(line.state.value.capitalize())}</b>"
        )
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self._fill_facts(line)
        self.timeline.clear()
        for event in timeline:
            item = QTreeWidgetItem([readable_time(event.time), shown_message(event.message)])
            item.setToolTip(1, shown_message(event.message))
            self.timeline.addTopLevelItem(item)
        if not timeline:
            self.timeline.addTopLevelItem(QTreeWidgetItem(["", "Nothing logged yet."]))
        self.orderdesk_button.setEnabled(bool(line.orderdesk_ids))
        self.orderdesk_button.setToolTip(
            "Opens its Order Desk folder and copies its Order Desk order id for the search."
            if line.orderdesk_ids
            else "Not in Order Desk yet"
        )
        self.store_button.setEnabled(bool(self.store_url))
        self.store_button.setToolTip(
            self.store_url or "The store's address does not say where its admin is."
        )
        can_act = self._reader is not None
        self.retry_button.setVisible(can_act and line.state is OrderWord.FAILED)
        self.send_button.setVisible(can_act and line.state is OrderWord.HELD)
        self.dismiss_button.setVisible(can_act and self.listed)
        for button in (self.retry_button, self.send_button, self.dismiss_button):
            button.setEnabled(True)

    def _fill_facts(self, line: OrderLine) -> None:
        facts = self.facts
        facts.addRow("Placed", _selectable(exact_time(line.placed)))
        facts.addRow("Customer", _selectable(line.customer or "Not known yet"))
        facts.addRow("Total", _selectable(f"{line.total} {line.currency}".strip() or "-"))
        if line.store_status:
            facts.addRow("Status in the store", _selectable(store_status_words(line)))
        facts.addRow("Store's order id", _selectable(line.store_order_id))
        facts.addRow(
            "Order Desk order id",
            _selectable(", ".join(line.orderdesk_ids) or "Not in Order Desk yet"),
        )
        facts.addRow("Order Desk folder", _selectable(line.folder or "-"))
        facts.addRow("Tracking", _selectable(tracking_text(line) or "None yet"))
        facts.addRow("Fulfilled in the store", _selectable("Yes" if line.fulfilled else "No"))
        if line.reason:
            facts.addRow("Why", _selectable(line.reason))

    def _act(self, act: _Act) -> None:
        if self._reader is None or self.acting:
            return
        for button in (self.retry_button, self.send_button, self.dismiss_button):
            button.setEnabled(False)
        self.said.setText("Working…")
        reader, line = self._reader, self.line
        self._acting.start(lambda: _act_apart(reader, line, act))

    def _done(self, done: object) -> None:
        if not isinstance(done, _Done):
            return
        moved = self.focusWidget() in (self.retry_button, self.send_button, self.dismiss_button)
        self.listed = done.listed
        self._show(done.line, done.timeline)
        self.said.setText(done.sentence or "Taken off Needs you.")
        if moved:
            self.close_button.setFocus()  # the button pressed may be gone now
        self.acted.emit(done.sentence)

    def _not_done(self, sentence: str) -> None:
        self.said.setText(sentence)
        for button in (self.retry_button, self.send_button, self.dismiss_button):
            button.setEnabled(True)

    def _open_in_orderdesk(self) -> None:
        line = self.line
        if line.orderdesk_ids:
            self.said.setText(
                open_in_orderdesk(
                    line.orderdesk_ids[0], line.folder, self._addresses[0], opener=self._opener
                )
            )

    def _open(self, url: str) -> None:
        if url:
            self._opener(QUrl(url))

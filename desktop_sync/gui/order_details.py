"""One order's details: where it stands, both sides' ids, its tracking, its whole timeline
from the journal, and buttons that open it in Order Desk and in the store's admin."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import EventRow, OrderLine
from desktop_sync.gui.log_model import readable_time, shown_message
from desktop_sync.gui.order_links import open_in_orderdesk, store_admin_url
from desktop_sync.gui.orders_model import tracking_text

__all__ = ["OrderDetails", "StoreAddress"]

StoreAddress = tuple[str, str]
"""(Order Desk's API address, the store's address) from the profile, for the links."""


def _selectable(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class OrderDetails(QDialog):
    def __init__(
        self,
        line: OrderLine,
        timeline: Sequence[EventRow],
        addresses: StoreAddress,
        *,
        opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Order {line.number}")
        self.resize(640, 480)
        self._opener = opener
        self._orderdesk_api, store_url = addresses
        self._line = line
        self.store_url = store_admin_url(line.platform, store_url, line.store_order_id)

        title = QLabel(
            f"<b>Order {html.escape(line.number)}</b> · {html.escape(line.store)} · "
            f"<b>{html.escape(line.state.value.capitalize())}</b>"
        )
        facts = QFormLayout()
        facts.addRow("Placed", _selectable(line.placed.astimezone().strftime("%Y-%m-%d %H:%M")))
        facts.addRow("Customer", _selectable(line.customer or "Not known yet"))
        facts.addRow("Total", _selectable(f"{line.total} {line.currency}".strip() or "-"))
        if line.store_status:
            facts.addRow("Status in the store", _selectable(line.store_status))
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

        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["Time", "What happened"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.header().setStretchLastSection(True)
        for event in timeline:
            item = QTreeWidgetItem([readable_time(event.time), shown_message(event.message)])
            item.setToolTip(1, shown_message(event.message))
            self.timeline.addTopLevelItem(item)
        if not timeline:
            self.timeline.addTopLevelItem(QTreeWidgetItem(["", "Nothing logged yet."]))

        self.orderdesk_button = QPushButton("Open in &Order Desk")
        self.orderdesk_button.setEnabled(bool(line.orderdesk_ids))
        self.orderdesk_button.setToolTip(
            "Opens its Order Desk folder and copies its Order Desk order id for the search."
            if line.orderdesk_ids
            else "Not in Order Desk yet"
        )
        self.orderdesk_button.clicked.connect(self._open_in_orderdesk)
        self.said = QLabel()
        """What "Open in Order Desk" did, in one sentence."""
        self.said.setWordWrap(True)
        self.store_button = QPushButton("Open in the &store's admin")
        self.store_button.setEnabled(bool(self.store_url))
        self.store_button.setToolTip(
            self.store_url or "The store's address does not say where its admin is."
        )
        self.store_button.clicked.connect(lambda: self._open(self.store_url))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.orderdesk_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.store_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(facts)
        layout.addWidget(QLabel("<b>Timeline</b>"))
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.said)
        layout.addWidget(buttons)

    def _open_in_orderdesk(self) -> None:
        line = self._line
        if line.orderdesk_ids:
            self.said.setText(
                open_in_orderdesk(
                    line.orderdesk_ids[0], line.folder, self._orderdesk_api, opener=self._opener
                )
            )

    def _open(self, url: str) -> None:
        if url:
            self._opener(QUrl(url))

"""A card per store, when the profile has more than one: its name, platform and address, its
Order Desk folder, and what was sent, waits and failed. Read through the facade's status."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_sync.app.facade import DesktopSync, StoreStatus

__all__ = ["StoreCards", "store_card_lines", "store_parts"]


def store_parts(reader: object) -> tuple[StoreStatus, ...]:
    """Each store's status, from a reader that offers the facade's ``status`` (else none)."""
    status = getattr(reader, "status", None)
    return tuple(status().stores) if callable(status) else ()


def store_card_lines(part: StoreStatus) -> tuple[str, str, str]:
    """(title, where, counts): what one store's card says."""
    known = DesktopSync.find_platform(part.platform)
    platform = known.display_name if known else part.platform
    where = f"{platform} · {part.url}\nOrder Desk folder: {part.folder}"
    counts = part.counts
    said = f"Sent {counts.sent} · waiting {counts.pending} · failed {counts.failed}"
    if counts.shipments_failed:
        said += f" · {counts.shipments_failed} shipment(s) failed"
    return part.store, where, said


class StoreCards(QWidget):
    """One small card per store, side by side; hidden while the profile has one store (the
    dashboard's store card tells it). ``read`` gives each store's status (the facade's)."""

    def __init__(
        self, read: Callable[[], tuple[StoreStatus, ...]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._read = read
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(10)
        self.cards: list[QFrame] = []
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Read every store's status again and show it (after each cycle, after a change)."""
        parts = self._read()
        for card in self.cards:
            self._row.removeWidget(card)
            card.deleteLater()
        self.cards = [self._card(part) for part in parts] if len(parts) > 1 else []
        for card in self.cards:
            self._row.addWidget(card, 1)
        self.setVisible(bool(self.cards))

    def _card(self, part: StoreStatus) -> QFrame:
        title, where, counts = store_card_lines(part)
        card = QFrame()
        card.setObjectName("card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        for text, rich in ((f"<b>{html.escape(title)}</b>", True), (where, False), (counts, False)):
            label = QLabel(text)
            label.setWordWrap(True)
            if not rich:
                label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        return card

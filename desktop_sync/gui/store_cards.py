"""A card per store, when the profile has more than one: its name, platform and address, its
Order Desk folder, what was sent, waits and failed, and a button to pause that store alone.
Read through the facade's status; the pause goes to the sync controller."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_sync.app.facade import DesktopSync, StoreStatus
from desktop_sync.gui.read_apart import ReadApart

__all__ = ["PAUSED_LINE", "PausesStores", "StoreCards", "store_card_lines", "store_parts"]

PAUSED_LINE = "Paused: this store's orders and shipments wait until you resume it."


class PausesStores(Protocol):
    """What pauses one store (the window's ``SyncController``)."""

    def set_paused(self, paused: bool, store: str | None = None) -> None: ...

    def is_paused(self, store: str) -> bool: ...


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
    dashboard's store card tells it). ``read`` gives each store's status (the facade's);
    ``control`` (set by the window) pauses and resumes one store."""

    def __init__(
        self,
        read: Callable[[], tuple[StoreStatus, ...]],
        parent: QWidget | None = None,
        *,
        reader: object = None,
    ) -> None:
        super().__init__(parent)
        self._read = read
        # The window's reads after each cycle: every store's status on a worker thread.
        self._reading = ReadApart(reader, store_parts, self) if reader is not None else None
        if self._reading is not None:
            self._reading.landed.connect(self._show)
        self.control: PausesStores | None = None
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(10)
        self.cards: list[QFrame] = []
        self.pause_buttons: dict[str, QPushButton] = {}
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Read every store's status again and show it (after a change of stores)."""
        if self._reading is not None:
            self._reading.cancel()  # what it reads is older than this
        self._show(self._read())

    def refresh_soon(self, *_: object) -> None:
        """``refresh``, read on a worker thread when a ``reader`` was given (after each cycle,
        when a store is paused or resumed: over a big journal the statuses take a while)."""
        if self._reading is None:
            self.refresh()
        else:
            self._reading.start()

    def _show(self, parts: object) -> None:
        assert isinstance(parts, tuple)
        for card in self.cards:
            self._row.removeWidget(card)
            card.deleteLater()
        self.pause_buttons = {}
        self.cards = [self._card(part) for part in parts] if len(parts) > 1 else []
        for card in self.cards:
            self._row.addWidget(card, 1)
        self.setVisible(bool(self.cards))

    def _card(self, part: StoreStatus) -> QFrame:
        title, where, counts = store_card_lines(part)
        paused = self.control is not None and self.control.is_paused(part.store)
        card = QFrame()
        card.setObjectName("card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(2)
        lines = [(f"<b>{html.escape(title)}</b>", True), (where, False), (counts, False)]
        if paused:
            lines.append((PAUSED_LINE, False))
        for text, rich in lines:
            label = QLabel(text)
            label.setWordWrap(True)
            if not rich:
                label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        if self.control is not None:
            button = QPushButton("Resume this store" if paused else "Pause this store")
            button.setToolTip(
                f"Start syncing {title} again."
                if paused
                else f"Stop syncing {title} for now; the other stores go on."
            )
            button.clicked.connect(lambda *_: self._toggle(part.store, not paused))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.pause_buttons[part.store] = button
        return card

    def _toggle(self, store: str, paused: bool) -> None:
        if self.control is not None:
            self.control.set_paused(paused, store)
        self.refresh()

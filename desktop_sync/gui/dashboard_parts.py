"""The dashboard's parts and their words: a card per side (its status, its sync times), a
counter, and the banner's sentence for the app's health."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import ANOTHER_COMPUTER, Health, JournalCounts
from desktop_sync.gui.log_model import exact_time, readable_time
from desktop_sync.gui.status import SideTrouble, ago, until

__all__ = [
    "RED",
    "STYLE",
    "Banner",
    "Counter",
    "Counters",
    "SideCard",
    "latest",
    "needs_you_may_change",
    "reserve_lines",
    "room_for",
    "side_status",
]

_GREEN, _GREY, RED = "#15803d", "#6b7280", "#b91c1c"
STYLE = """
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QFrame#banner { border: 1px solid #f59e0b; border-radius: 8px; background: #fef3c7; }
QFrame#banner[severity="error"] { border-color: #dc2626; background: #fee2e2; }
QFrame#banner[severity="ok"] { border-color: #86efac; background: #f0fdf4; }
QFrame#banner[severity="quiet"] { border-color: palette(mid); background: palette(base); }
QFrame#banner QLabel { color: #1f2937; }
QLabel#number { font-size: 20pt; font-weight: 600; }
QLabel#caption, QLabel#subtitle { color: #4b5563; }
QLabel#keys { background: #fef3c7; border: 1px solid #f59e0b; border-radius: 6px;
  padding: 4px 8px; color: #1f2937; }
"""


# Card reasons are short and fixed, so they always fit their two reserved lines; the banner
# above carries the whole sentence.
_REASONS = {
    Health.ORDERDESK_AUTH: "Refused the key. Press Reconnect.",
    Health.STORE_AUTH: "Refused the key. Press Reconnect.",
    Health.ORDERDESK_OFFLINE: "Not answering. The app keeps retrying.",
    Health.STORE_OFFLINE: "Not answering. The app keeps retrying.",
    Health.HELD: "Stopped. It waits for your choice.",
}


def side_status(
    health: Health | None, trouble: SideTrouble | None, *, pausing: bool = False
) -> tuple[str, str, str]:
    """(word, colour, reason) for one side: the app's pause, else that side's own trouble."""
    if pausing:
        return "Pausing", _GREY, "Stopping after the order being sent."
    if health is None:
        return "Starting", _GREY, ""
    if health is Health.PAUSED:
        return "Paused", _GREY, "Press Resume to continue."
    if health is Health.SETUP:  # neither side was reached: nothing about it is known
        return "Not set up", RED, "Check the setup. Press Reconnect."
    if trouble is not None:
        return "Error", RED, _REASONS.get(trouble.health, "")
    return "Enabled", _GREEN, ""


def reserve_lines(label: QLabel, count: int, *, fixed: bool = False) -> None:
    """Reserve ``count`` lines for a wrapped label, so what it says never moves what is below;
    ``fixed``: exactly that many, so it never grows either (its texts are written to fit)."""
    label.setWordWrap(True)
    height = label.fontMetrics().lineSpacing() * count + 2
    if fixed:
        label.setFixedHeight(height)
    else:
        label.setMinimumHeight(height)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


class SideCard(QFrame):
    """One side of the connection: its name, where it is, its status and its sync times.

    Every line has its fixed place (the reason two, the times three, the next check on the
    last, blank when none is due), so both cards are of one height and never change it.
    """

    def __init__(self, title: str, subtitle: str, checked_words: str, sent_words: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.title = QLabel()
        self.set_title(title)
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.reason = QLabel()
        reserve_lines(self.reason, 2, fixed=True)
        self.times = QLabel()
        self.times.setObjectName("subtitle")
        reserve_lines(self.times, 3, fixed=True)
        self.checked_words = checked_words
        self.sent_words = sent_words
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(3)
        for widget in (self.title, self.subtitle, self.status, self.reason, self.times):
            layout.addWidget(widget)
        layout.addStretch(1)
        # Never squeezed below what it needs: a taller attention panel takes from the log.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(240)

    def set_title(self, title: str) -> None:
        self.title.setText(f"<b>{html.escape(title)}</b>")

    def show_status(self, word: str, colour: str, reason: str) -> None:
        self.status.setText(f"<span style='color:{colour}'>\u25cf</span> <b>{word}</b>")
        self.reason.setText(reason)

    def show_times(
        self,
        checked: datetime | None,
        upcoming: datetime | None,
        last_sent: datetime | None,
        now: datetime,
        *,
        running: bool = False,
    ) -> None:
        first = f"Checked {ago(checked, now)}." if checked is not None else "Not checked yet."
        if running:
            first = "Checking now."
        sent = readable_time(last_sent) if last_sent is not None else "none yet"
        upcoming_line = (
            f"Next check {until(upcoming, now)}." if upcoming is not None and not running else ""
        )
        self.times.setText(f"{first}\n{self.sent_words}: {sent}\n{upcoming_line}")
        exact = [(w, t) for w, t in (("Checked", checked), (self.sent_words, last_sent)) if t]
        self.times.setToolTip(
            "\n".join(f"{words}: {exact_time(moment)}" for words, moment in exact)
        )


class Counter(QWidget):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.number = QLabel("0")
        self.number.setObjectName("number")
        self.caption = QLabel(caption)
        self.caption.setObjectName("caption")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(0)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)

    def set(self, value: int, colour: str | None = None) -> None:
        self.number.setText(f"{value:,}")
        self.number.setStyleSheet(f"color: {colour};" if colour else "")


SYNC_HERE = "Sync from this computer"


class Banner(QFrame):
    """The line at the top: the app's health in one sentence, and Reconnect when a side
    refused its key. One height whatever it says, so nothing below it ever moves."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.text = QLabel()
        reserve_lines(self.text, 2)
        self.text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reconnect_button = QPushButton("Reconnect...")
        keep = self.reconnect_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.reconnect_button.setSizePolicy(keep)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        lines = self.text.fontMetrics().lineSpacing() * 2 + 2
        self.setFixedHeight(max(lines, self.reconnect_button.sizeHint().height()) + 14)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reconnect_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.choose_button = QPushButton(SYNC_HERE)
        self.choose_button.hide()
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def say(self, severity: str, sentence: str, tooltip: str, *, reconnect: bool) -> None:
        self.setProperty("severity", severity)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(sentence)
        self.text.setToolTip(tooltip)
        self.reconnect_button.setVisible(reconnect)

    def offer_choice(self, held: str | None) -> None:
        """A store held for the merchant's choice (its sentence), or None: the button that
        chooses ("Sync from this computer" when another computer syncs it, else "Same
        store" when its site gives another address); none for a hold no button answers (a
        folder Order Desk no longer has: its sentence says where to choose another)."""
        choice = None
        if held is not None and ANOTHER_COMPUTER in held:
            choice = SYNC_HERE
        elif held is not None and "same-store" in held:
            choice = "Same store"
        if choice is not None:
            self.choose_button.setText(choice)
        self.choose_button.setVisible(choice is not None)


class Counters(QFrame):
    """The four counters in a row, and what the sync is doing beside them."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("card")
        self.sent = Counter("Orders sent")
        self.pending = Counter("Waiting to send")
        self.failed = Counter("Needs you")
        self.fulfilled = Counter("Shipments sent to store")
        self.activity = QLabel("Waiting for the first sync.")
        self.activity.setObjectName("caption")
        reserve_lines(self.activity, 3, fixed=True)
        self.activity.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.activity.setMinimumWidth(220)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(18)
        for counter in (self.sent, self.pending, self.failed, self.fulfilled):
            layout.addWidget(counter)
        layout.addStretch(1)
        layout.addWidget(self.activity, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)


def needs_you_may_change(before: JournalCounts, after: JournalCounts) -> bool:
    """Whether Needs you may have changed: a progress step (five a second during a backlog)
    reads it again only when an order failed or was held, never for each order sent."""
    return (before.failed, before.skipped, before.shipments_failed) != (
        after.failed,
        after.skipped,
        after.shipments_failed,
    )


def room_for(widget: QWidget) -> int:
    """The height ``widget`` may take: all of a splitter's but what the other panes
    need at their smallest, else its own."""
    holder = widget.parentWidget()
    if not isinstance(holder, QSplitter):
        return widget.height()
    panes = (holder.widget(i) for i in range(holder.count()))
    others = sum(
        p.minimumHeight() or p.minimumSizeHint().height()  # as the splitter reads them
        for p in panes
        if p is not None and p is not widget
    )
    return holder.height() - others - holder.handleWidth() * (holder.count() - 1)


def latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None

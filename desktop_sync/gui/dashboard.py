"""The dashboard: both connections' status, sync times, counters, Sync now / Pause, the problem
banner, and the orders that need the merchant (with Retry)."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import (
    ANOTHER_COMPUTER,
    CycleResult,
    Failure,
    Health,
    JournalCounts,
    Progress,
)
from desktop_sync.gui.log_model import readable_time
from desktop_sync.gui.month_chart import MonthChart
from desktop_sync.gui.needs_you import NeedsYouPanel
from desktop_sync.gui.status import (
    Side,
    SideTrouble,
    ago,
    banner_sentence,
    progress_text,
    side_troubles,
    sync_summary,
    until,
    what_happened,
)
from desktop_sync.gui.workers import Schedule

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = ["KEYS_FOR_THIS_SESSION", "Dashboard", "side_status"]

# How often "2 min ago" and "next in 1 min" are brought up to date.
_CLOCK_MS = 15_000
# Progress arrives per order; the line and the counters are redrawn together at most this often.
_PROGRESS_MS = 200

_GREEN, _GREY, _RED, _AMBER = "#15803d", "#6b7280", "#b91c1c", "#b45309"
_STYLE = """
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


KEYS_FOR_THIS_SESSION = (
    "Your keys are kept for this session only: Desktop Sync forgets them when it quits and "
    "asks for them at the next start. Install a password store to keep them."
)

_SYNC_HERE = "Sync from this computer"
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
        return "Not set up", _RED, "Check the setup. Press Reconnect."
    if trouble is not None:
        return "Error", _RED, _REASONS.get(trouble.health, "")
    return "Enabled", _GREEN, ""


def _lines(label: QLabel, count: int, *, fixed: bool = False) -> None:
    """Reserve ``count`` lines for a wrapped label, so what it says never moves what is below;
    ``fixed``: exactly that many, so it never grows either (its texts are written to fit)."""
    label.setWordWrap(True)
    height = label.fontMetrics().lineSpacing() * count + 2
    if fixed:
        label.setFixedHeight(height)
    else:
        label.setMinimumHeight(height)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


class _Card(QFrame):
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
        _lines(self.reason, 2, fixed=True)
        self.times = QLabel()
        self.times.setObjectName("subtitle")
        _lines(self.times, 3, fixed=True)
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
            "\n".join(
                f"{words}: {moment.astimezone():%Y-%m-%d %H:%M:%S}" for words, moment in exact
            )
        )


class _Counter(QWidget):
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


def _needs_change(before: JournalCounts, after: JournalCounts) -> bool:
    """Whether Needs you may have changed: a progress step (five a second during a backlog)
    reads it again only when an order failed or was held, never for each order sent."""
    return (before.failed, before.skipped, before.shipments_failed) != (
        after.failed,
        after.skipped,
        after.shipments_failed,
    )


class Dashboard(QWidget):
    """Reads counts, failed orders and the last send through the facade (``reader``, on the GUI
    thread); everything else arrives by the controller's signals.

    Nothing here changes height as the sync's state changes (the banner, the card reasons, the
    times and the attention panel each keep their space), so a click aimed at a button never
    lands on another one.
    """

    sync_now_clicked = Signal()
    pause_toggled = Signal(bool)
    reconnect_clicked = Signal()
    choose_clicked = Signal(bool)
    """The merchant's choice for a held store: True "Sync from this computer" (another
    computer syncs it), False "Same store" (its site gives another address)."""
    retry_requested = Signal(str)
    """An order number, or "" for every failed order."""

    def __init__(
        self,
        reader: JournalReader,
        *,
        orderdesk_subtitle: str = "",
        store_title: str = "Your store",
        store_subtitle: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setStyleSheet(_STYLE)
        self._reader = reader
        self.health: Health | None = None
        self.paused = False
        self.running = False
        self.last_result: CycleResult | None = None
        self.last_push: CycleResult | None = None
        """The latest cycle that ran the push (its counts and time)."""
        self.last_pull: CycleResult | None = None
        self.last_order_sent: datetime | None = None
        self.last_tracking_sent: datetime | None = None
        self.sides: dict[Side, SideTrouble | None] = {}
        self.schedule = Schedule(None, None)
        self.counts = JournalCounts()
        self._progress: Progress | None = None
        self.attention: list[Failure] = []
        """Orders that need the merchant though nothing failed (cancelled in the store after
        they shipped), newest last, as the cycles (and the saved notices) said them."""
        self.clock_message = ""
        """The sentence about this PC's clock when the last reading found it off, else ""."""
        self._needs_read = False
        self._watched: QWidget | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        """Now, for the relative times (tests move it)."""

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner_text = QLabel()
        _lines(self.banner_text, 2)
        self.banner_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reconnect_button = QPushButton("Reconnect...")
        self.reconnect_button.clicked.connect(self.reconnect_clicked)
        keep = self.reconnect_button.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.reconnect_button.setSizePolicy(keep)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(12, 6, 12, 6)
        # One height whatever it says (two lines of text), so nothing below it ever moves.
        lines = self.banner_text.fontMetrics().lineSpacing() * 2 + 2
        self.banner.setFixedHeight(max(lines, self.reconnect_button.sizeHint().height()) + 14)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.reconnect_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.choose_button = QPushButton(_SYNC_HERE)
        self.choose_button.clicked.connect(
            lambda: self.choose_clicked.emit(self.choose_button.text() == _SYNC_HERE)
        )
        self.choose_button.hide()
        banner_layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.orderdesk_card = _Card("Order Desk", orderdesk_subtitle, "", "Last order sent")
        self.store_card = _Card(store_title, store_subtitle, "", "Last tracking sent")

        self.sync_button = QPushButton("Sync now")
        self.sync_button.setDefault(True)
        self.sync_button.setToolTip("Sync both ways now (Ctrl+R or F5)")
        self.sync_button.clicked.connect(self.sync_now_clicked)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._pause_clicked)
        for button in (self.sync_button, self.pause_button):
            button.setMinimumHeight(32)
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.pause_button)
        buttons.addStretch(1)
        button_box = QWidget()
        button_box.setLayout(buttons)
        button_box.setMinimumWidth(150)
        button_box.setMaximumWidth(200)

        self.sent = _Counter("Orders sent")
        self.pending = _Counter("Waiting to send")
        self.failed = _Counter("Need attention")
        self.fulfilled = _Counter("Shipments sent to store")
        self.activity = QLabel("Waiting for the first sync.")
        self.activity.setObjectName("caption")
        _lines(self.activity, 3, fixed=True)
        self.activity.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.activity.setMinimumWidth(220)
        counters_box = QFrame()
        counters_box.setObjectName("card")
        counters = QHBoxLayout(counters_box)
        counters.setContentsMargins(12, 6, 12, 6)
        counters.setSpacing(18)
        for counter in (self.sent, self.pending, self.failed, self.fulfilled):
            counters.addWidget(counter)
        counters.addStretch(1)
        counters.addWidget(self.activity, 1)
        counters_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.needs_you = NeedsYouPanel(reader)
        self.needs_you.retry_requested.connect(self.retry_requested)
        self.needs_you.acted.connect(self._acted)
        self.needs_you.listed_changed.connect(self._needs_listed)
        # The names the window and its tests know the list and its buttons by.
        self.failed_box = self.needs_you
        self.failed_list = self.needs_you.list
        self.failed_detail = self.needs_you.detail
        self.retry_button = self.needs_you.act_button
        self.retry_all_button = self.needs_you.retry_all_button

        self.keys_note = QLabel(KEYS_FOR_THIS_SESSION)
        """Shown from the start when the keys live in memory only (no password store)."""
        self.keys_note.setObjectName("keys")
        self.keys_note.setWordWrap(True)
        self.keys_note.hide()

        top = QGridLayout()
        top.setHorizontalSpacing(10)
        top.addWidget(self.orderdesk_card, 0, 0)
        top.addWidget(self.store_card, 0, 1)
        top.addWidget(button_box, 0, 2)
        top.setColumnStretch(0, 1)
        top.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(counters_box)
        layout.addWidget(self.keys_note)
        self.month_chart = MonthChart()
        self.month_chart.hide()  # until the dashboard knows its height (``_fit_chart``)
        layout.addWidget(self.month_chart)
        # Last: it only ever pushes the log down, never a control the merchant aims at.
        layout.addWidget(self.failed_box)

        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(_PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self._clock = QTimer(self)
        self._clock.setInterval(_CLOCK_MS)
        self._clock.timeout.connect(self._show_times)
        self._clock.start()
        self._read_last_sent()
        self._show_health()
        self._show_times()
        self.refresh_counts()
        self.month_chart.set_days(reader.month())

    # -- slots for the controller's signals ----------------------------------------------

    def on_cycle_started(self) -> None:
        self.running = True
        self.sync_button.setEnabled(False)
        self.sync_button.setText("Syncing...")
        self.activity.setText("Syncing...")
        self._show_health()
        self._show_times()

    def on_cycle_finished(self, result: CycleResult) -> None:
        self.running = False
        self._progress = None
        self._progress_timer.stop()
        self.last_result = result
        if result.push is not None:
            self.last_push = result
        if result.pull is not None:
            self.last_pull = result
        self._read_last_sent()  # also what a cycle cut short by a pause sent
        self.sides = side_troubles(result, self.sides)
        if result.health is Health.OK and result.finished_at is not None:
            self.month_chart.set_last_good(result.finished_at)
        self._add_attention(result.attention)
        if result.clock_offset is not None:  # read this cycle: the clock's state is known now
            self.clock_message = result.clock_message
        # The worker's health_changed follows; the cards need not wait for it.
        self.health = Health.PAUSED if self.paused else result.health
        self.sync_button.setEnabled(True)
        self.sync_button.setText("Sync now")
        self.refresh_counts()
        self.month_chart.set_days(self._reader.month())
        self.activity.setText(self._after_cycle_text(result))
        self._show_times()
        self._show_health()

    def on_health_changed(self, health: Health) -> None:
        self.health = health
        self.paused = health is Health.PAUSED
        self._set_pause_checked(self.paused)
        self._show_health()
        if self.paused and not self.running:
            self.activity.setText(self._paused_text())

    def on_schedule_changed(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._show_times()

    def on_progress(self, progress: Progress) -> None:
        self._progress = progress
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def set_paused(self, paused: bool) -> None:
        """Mirror a pause made here or elsewhere (the tray) without echoing it back."""
        self.paused = paused
        self._set_pause_checked(paused)
        self._show_health()
        if paused:
            self.activity.setText(
                "Pausing: the order being sent finishes first, the rest wait."
                if self.running
                else self._paused_text()
            )

    def say_keys_are_for_this_session(self) -> None:
        """The keys live in memory only: said for as long as the window is open."""
        self.keys_note.show()

    def set_notices(self, attention: tuple[Failure, ...], clock_message: str) -> None:
        """What earlier cycles found (the saved notices), shown before the first cycle here."""
        self._add_attention(attention)
        self.clock_message = clock_message
        self._needs_read = False  # the list takes the notices in
        self.refresh_counts(self.counts)
        self._show_health()

    @property
    def needs_attention(self) -> int:
        """The "Need attention" count: everything in Needs you (failed and held orders,
        failed shipments, the orders the cycles said need the merchant)."""
        return self.needs_you.count

    def refresh_counts(self, counts: JournalCounts | None = None) -> None:
        """The counters, from ``counts`` (a progress step's) or else read through the reader."""
        given, before = counts, self.counts
        self.counts = counts if counts is not None else self._reader.counts()
        counts = self.counts
        if given is None or _needs_change(before, counts) or not self._needs_read:
            self._needs_read = True
            self.needs_you.refresh(self.attention)
        self.sent.set(counts.sent)
        self.pending.set(counts.pending + counts.shipments_pending)
        problems = self.needs_attention
        self.failed.set(problems, _RED if problems else None)
        self.fulfilled.set(counts.fulfillments)
        self._fit_chart()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_chart()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        holder = self.parentWidget()
        if holder is not None and holder is not self._watched:
            self._watched = holder  # the window's splitter: its height is the room there is
            holder.installEventFilter(self)
        self._fit_chart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and event.type() == QEvent.Type.Resize:
            self._fit_chart()
        return False

    # -- internals -----------------------------------------------------------------------

    def _fit_chart(self) -> None:
        """Show the month's chart only when there is room for it: in a short window it steps
        aside, so it never squeezes the controls, Needs you or the log's smallest height."""
        layout = self.layout()
        chart = self.month_chart
        if layout is None:
            return
        own = chart.sizeHint().height() + layout.spacing()
        others = layout.sizeHint().height() - (own if chart.isVisibleTo(self) else 0)
        chart.setVisible(self._room() >= others + own)

    def _room(self) -> int:
        """The height the dashboard may take: all of a splitter's but what the other panes
        need at their smallest, else its own."""
        holder = self.parentWidget()
        if not isinstance(holder, QSplitter):
            return self.height()
        panes = (holder.widget(i) for i in range(holder.count()))
        others = sum(
            p.minimumHeight() or p.minimumSizeHint().height()  # as the splitter reads them
            for p in panes
            if p is not None and p is not self
        )
        return holder.height() - others - holder.handleWidth() * (holder.count() - 1)

    def _show_progress(self) -> None:
        # The line and the counters from the same moment, so "24 of 150" and the counters agree.
        if self._progress is None or not self.running:
            return
        self.refresh_counts(self._progress.counts)
        if self.paused:
            return
        self.activity.setText(progress_text(self._progress))

    def _after_cycle_text(self, result: CycleResult) -> str:
        if self.paused:
            return self._paused_text()
        return sync_summary(result, self.last_push, self.last_pull)

    def _add_attention(self, attention: tuple[Failure, ...]) -> None:
        known = {(f.order_number, f.reason) for f in self.attention}
        for failure in attention:
            if (failure.order_number, failure.reason) not in known:
                known.add((failure.order_number, failure.reason))
                self.attention.append(failure)

    def _paused_text(self) -> str:
        waiting = self.counts.pending
        if waiting:
            noun = "order waits" if waiting == 1 else "orders wait"
            return f"Paused: {waiting:,} {noun} to send. Press Resume to send them."
        return "Paused. Press Resume to sync again."

    def _pause_clicked(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_toggled.emit(paused)

    def _set_pause_checked(self, paused: bool) -> None:
        blocked = self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.blockSignals(blocked)

    def _show_health(self) -> None:
        health = self.health
        pausing = self.paused and self.running
        shown = Health.PAUSED if self.paused and not self.running else health
        for card, side in ((self.orderdesk_card, Side.ORDERDESK), (self.store_card, Side.STORE)):
            card.show_status(*side_status(shown, self.sides.get(side), pausing=pausing))
        severity, text = self._banner(shown, pausing)
        self.banner.setProperty("severity", severity)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner_text.setText(text)
        self.banner_text.setToolTip(self.clock_message)
        self.reconnect_button.setVisible(health is not None and health.needs_reconnect)
        held = health is Health.HELD and self.last_result is not None
        if held and self.last_result is not None:
            elsewhere = ANOTHER_COMPUTER in self.last_result.message
            self.choose_button.setText(_SYNC_HERE if elsewhere else "Same store")
        self.choose_button.setVisible(held)

    def _banner(self, health: Health | None, pausing: bool) -> tuple[str, str]:
        if health is None:
            return "quiet", "Starting…"
        if pausing:
            return "quiet", "Pausing after the order being sent; the others stay waiting."
        if health is Health.PAUSED:
            return "quiet", "Syncing is paused. Press Resume to continue."
        if health is Health.OK and self.clock_message:
            return "warning", self.clock_message
        if health is Health.OK and self.needs_attention and not self.running:
            count = self.needs_attention
            who = "1 order needs" if count == 1 else f"{count:,} orders need"
            return "warning", f"Connected to both. {who} you: see Needs you below."
        if health is Health.OK:
            return "ok", "Connected to both; syncing now." if self.running else (
                "Everything is in sync."
            )
        message = self.last_result.message if self.last_result is not None else ""
        severity = "error" if health.needs_reconnect else "warning"
        troubles = [t for t in (self.sides.get(side) for side in Side) if t is not None]
        if len(troubles) > 1 and not any(t.health.needs_reconnect for t in troubles):
            # Both sides down: say both, not only the one that happened to be more urgent.
            both = " ".join(what_happened(t.message) for t in troubles)
            return severity, f"{both} The app keeps retrying; nothing is lost."
        if not message:
            return severity, "Something needs your attention; see the log below."
        return severity, banner_sentence(message, needs_reconnect=health.needs_reconnect)

    def _read_last_sent(self) -> None:
        """What was last sent each way, from the journal: the one source of truth, whatever
        cycle (cut short or not, this run or an earlier one) sent it."""
        self.last_order_sent = self._reader.last_sent()
        self.last_tracking_sent = self._reader.last_tracking_sent()

    def _show_times(self) -> None:
        now = self.clock()
        # A side was checked at least when something last went to it.
        push = _latest(self.last_push.finished_at if self.last_push else None, self.last_order_sent)
        pull = _latest(
            self.last_pull.finished_at if self.last_pull else None, self.last_tracking_sent
        )
        running = self.running
        self.orderdesk_card.show_times(
            push, self.schedule.next_push, self.last_order_sent, now, running=running
        )
        self.store_card.show_times(
            pull, self.schedule.next_pull, self.last_tracking_sent, now, running=running
        )

    def _needs_listed(self) -> None:
        """Needs you's read has landed (it is read on a worker): its count on the counter
        and in the banner."""
        problems = self.needs_attention
        self.failed.set(problems, _RED if problems else None)
        self._show_health()
        self._fit_chart()  # the list may have appeared or gone: the chart makes room

    def _acted(self, sentence: str) -> None:
        """Needs you changed the journal: redraw, and sync now when orders became due."""
        self.refresh_counts()
        self._show_health()
        if sentence:
            self.activity.setText(sentence)
            self.sync_now_clicked.emit()


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None

"""The dashboard: both connections' status, sync times, counters, Sync now / Pause, the problem
banner, and the orders that need the merchant (with Retry)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade_types import CycleResult, Failure, Health, JournalCounts, Progress
from desktop_sync.gui.dashboard_parts import (
    RED,
    STYLE,
    SYNC_HERE,
    Banner,
    Counters,
    SideCard,
    latest,
    needs_you_may_change,
    room_for,
    side_status,
)
from desktop_sync.gui.month_chart import MonthChart
from desktop_sync.gui.needs_you import NeedsYouPanel
from desktop_sync.gui.read_apart import ReadApart
from desktop_sync.gui.standing import Facts, SyncRecord, standing
from desktop_sync.gui.status import (
    Side,
    SideTrouble,
    progress_text,
    side_troubles,
    sync_summary,
)
from desktop_sync.gui.workers import Schedule

if TYPE_CHECKING:
    from desktop_sync.app.facade import JournalReader

__all__ = ["KEYS_FOR_THIS_SESSION", "Dashboard", "side_status"]

# How often "2 min ago" and "next in 1 min" are brought up to date.
_CLOCK_MS = 15_000
# Progress arrives per order; the line and the counters are redrawn together at most this often.
_PROGRESS_MS = 200

KEYS_FOR_THIS_SESSION = (
    "Your keys are kept for this session only: Desktop Sync forgets them when it quits and "
    "asks for them at the next start. Install a password store to keep them."
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
    standing_changed = Signal(object)
    """The ``Standing`` the banner says, for the tray to say the same."""

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
        self.setStyleSheet(STYLE)
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
        self.paused_stores: tuple[str, ...] = ()
        """The stores paused on their own while the others sync."""
        self.record = SyncRecord()
        """What the syncs did, from the journal: what the summary and the banner say."""
        self.standing = standing(Facts(None))
        self.schedule = Schedule(None, None)
        self.counts = JournalCounts()
        self._progress: Progress | None = None
        self.attention: list[Failure] = []
        """Orders that need the merchant though nothing failed (cancelled in the store after
        they shipped), newest last, as the cycles (and the saved notices) said them."""
        self.clock_message = ""
        """The sentence about this PC's clock when the last reading found it off, else ""."""
        self._needs_read = False
        self._counting = ReadApart(reader, lambda apart: apart.counts(), self)
        self._counting.landed.connect(self._counts_landed)
        self._finished: list[CycleResult] = []
        """Cycles' ends waiting for the counts read after them."""
        self._watched: QWidget | None = None
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        """Now, for the relative times (tests move it)."""

        self.banner = Banner()
        self.banner_text = self.banner.text
        self.reconnect_button = self.banner.reconnect_button
        self.choose_button = self.banner.choose_button
        self.choose_button.clicked.connect(
            lambda: self.choose_clicked.emit(self.choose_button.text() == SYNC_HERE)
        )
        self.reconnect_button.clicked.connect(self.reconnect_clicked)

        self.orderdesk_card = SideCard("Order Desk", orderdesk_subtitle, "", "Last order sent")
        self.store_card = SideCard(store_title, store_subtitle, "", "Last tracking sent")

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

        counters_box = Counters()
        self.sent, self.pending = counters_box.sent, counters_box.pending
        self.failed, self.fulfilled = counters_box.failed, counters_box.fulfilled
        self.activity = counters_box.activity

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
        self.month_chart = MonthChart(reader)
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
        self.refresh_counts(reader.counts())  # before the window shows: read here, at once
        self.month_chart.refresh()

    # -- slots for the controller's signals ----------------------------------------------

    def on_cycle_started(self) -> None:
        self.running = True
        self.record.started(self.counts)  # as last shown: no read on the GUI thread
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
        self._add_attention(result.attention)
        if result.clock_offset is not None:  # read this cycle: the clock's state is known now
            self.clock_message = result.clock_message
        # The worker's health_changed follows; the cards need not wait for it.
        self.health = Health.PAUSED if self.paused else result.health
        self.sync_button.setEnabled(True)
        self.sync_button.setText("Sync now")
        # What this cycle did is told once its end's counts land (read on the reading thread;
        # a read begun before the end would count what was then, so it lands nowhere).
        if result.push is None and result.pull is None:
            self._take_in(result)  # nothing ran: nothing to count first
        else:
            self._finished.append(result)
            self._counting.cancel()
        self.refresh_counts()
        self.month_chart.refresh()
        self._show_times()
        self._show_health()

    def _take_in(self, result: CycleResult) -> None:
        """The cycle's end, with the counts read after it."""
        if self.record.finished(result, self.counts) and result.finished_at is not None:
            self.month_chart.set_last_good(result.finished_at)  # a cycle that did its work
        if not self.running:
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

    def set_paused_stores(self, names: tuple[str, ...]) -> None:
        """The stores paused on their own (the others sync): the banner names them."""
        self.paused_stores = tuple(names)
        self._show_health()

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
        """The "Needs you" count: everything in Needs you (failed and held orders,
        failed shipments, the orders the cycles said need the merchant)."""
        return self.needs_you.count

    @property
    def counting(self) -> bool:
        """The counters are being read (on a worker thread)."""
        return self._counting.reading

    def refresh_counts(self, counts: JournalCounts | None = None) -> None:
        """The counters, from ``counts`` (a progress step's); else read on a worker thread
        (over a big journal the count takes a while) and shown when they land, with Needs
        you read again meanwhile."""
        if counts is None:
            self._needs_read = True
            self.needs_you.refresh(self.attention)
            self._counting.start()
            return
        self._counting.cancel()  # a step's counts are newer than a read still running
        self._show_counts(counts)

    def _show_counts(self, counts: JournalCounts) -> None:
        before, self.counts = self.counts, counts
        if needs_you_may_change(before, counts) or not self._needs_read:
            self._needs_read = True
            self.needs_you.refresh(self.attention)
        self.sent.set(counts.sent)
        self.pending.set(counts.pending + counts.shipments_pending)
        problems = self.needs_attention
        self.failed.set(problems, RED if problems else None)
        self.fulfilled.set(counts.fulfillments)
        self._fit_chart()
        finished, self._finished = self._finished, []
        for result in finished:
            self._take_in(result)

    def _counts_landed(self, counts: object) -> None:
        if not isinstance(counts, JournalCounts):
            return
        self._show_counts(counts)
        if self.paused and not self.running and self.activity.text().startswith("Paused"):
            self.activity.setText(self._paused_text())  # how many wait, as now counted

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
        chart.setVisible(room_for(self) >= others + own)

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
        return sync_summary(
            result,
            self.last_push,
            self.last_pull,
            waiting=self.counts.pending,
            sent=self.record.sent,
            shipped=self.record.shipped,
        )

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
        said = standing(
            Facts(
                shown,
                paused=self.paused,
                running=self.running,
                paused_stores=self.paused_stores,
                needs_attention=self.needs_attention,
                waiting=self.counts.pending + self.counts.shipments_pending,
                retrying=self.record.retrying,
                clock_message=self.clock_message,
                message=self.last_result.message if self.last_result is not None else "",
                store=self.last_result.store if self.last_result is not None else "",
                sides=self.sides,
            )
        )
        needs_reconnect = health is not None and health.needs_reconnect
        self.banner.say(said.severity, said.banner, self.clock_message, reconnect=needs_reconnect)
        if said != self.standing:
            self.standing = said
            self.standing_changed.emit(said)
        held = health is Health.HELD and self.last_result is not None
        self.banner.offer_choice(self.last_result.message if held and self.last_result else None)

    def _read_last_sent(self) -> None:
        """What was last sent each way, from the journal: the one source of truth, whatever
        cycle (cut short or not, this run or an earlier one) sent it."""
        self.last_order_sent = self._reader.last_sent()
        self.last_tracking_sent = self._reader.last_tracking_sent()

    def _show_times(self) -> None:
        now = self.clock()
        # A side was checked at least when something last went to it.
        push = latest(self.last_push.finished_at if self.last_push else None, self.last_order_sent)
        pull = latest(
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
        self.failed.set(problems, RED if problems else None)
        self._show_health()
        self._fit_chart()  # the list may have appeared or gone: the chart makes room

    def _acted(self, sentence: str) -> None:
        """Needs you changed the journal: redraw, and sync now when orders became due."""
        self.refresh_counts()
        self._show_health()
        if sentence:
            self.activity.setText(sentence)
            self.sync_now_clicked.emit()

"""The dashboard: both connections' status, sync times, counters, Sync now / Pause, the problem
banner, and the orders that need the merchant (with Retry)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.engine.events import CycleResult, Direction, Health, Progress
from desktop_sync.gui.log_model import readable_time
from desktop_sync.gui.workers import Schedule
from desktop_sync.state.journal import Journal, JournalCounts, OrderState, ShipmentState

__all__ = ["Dashboard", "side_status"]

_GREEN, _GREY, _RED, _AMBER = "#15803d", "#6b7280", "#b91c1c", "#b45309"
_STYLE = """
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QFrame#banner { border: 1px solid #f59e0b; border-radius: 8px; background: #fef3c7; }
QFrame#banner[severity="error"] { border-color: #dc2626; background: #fee2e2; }
QFrame#banner QLabel { color: #1f2937; }
QLabel#number { font-size: 20pt; font-weight: 600; }
QLabel#caption, QLabel#subtitle { color: #4b5563; }
"""


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def side_status(health: Health | None, side: str, message: str = "") -> tuple[str, str, str]:
    """(word, colour, reason) for one side (``orderdesk`` or ``store``) of the connection."""
    if health is None:
        return "Starting", _GREY, ""
    if health is Health.PAUSED:
        return "Paused", _GREY, "Syncing is paused; press Resume to continue."
    trouble = {
        "orderdesk": (Health.ORDERDESK_AUTH, Health.ORDERDESK_OFFLINE),
        "store": (Health.STORE_AUTH, Health.STORE_OFFLINE),
    }[side]
    if health in trouble:
        return "Error", _RED, _first_sentence(message)
    return "Enabled", _GREEN, ""


class _Card(QFrame):
    """One side of the connection: its name, where it is, its status and its sync times."""

    def __init__(self, title: str, subtitle: str, direction_words: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.title = QLabel(f"<b>{title}</b>")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setObjectName("subtitle")
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.times = QLabel()
        self.times.setWordWrap(True)
        self.direction_words = direction_words
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(3)
        for widget in (self.title, self.subtitle, self.status, self.reason, self.times):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(240)

    def show_status(self, word: str, colour: str, reason: str) -> None:
        self.status.setText(f"<span style='color:{colour}'>\u25cf</span> <b>{word}</b>")
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))

    def show_times(self, last: datetime | None, upcoming: datetime | None) -> None:
        last_text = readable_time(last) if last is not None else "not yet"
        next_text = upcoming.astimezone().strftime("%H:%M:%S") if upcoming is not None else "-"
        self.times.setText(f"{self.direction_words}: last {last_text}, next {next_text}")


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


class Dashboard(QWidget):
    """Reads counts and failed orders from the GUI thread's journal; everything else arrives by
    the controller's signals."""

    sync_now_clicked = Signal()
    pause_toggled = Signal(bool)
    reconnect_clicked = Signal()
    retry_requested = Signal(str)
    """An order number, or "" for every failed order."""

    def __init__(
        self,
        journal: Journal,
        *,
        orderdesk_subtitle: str = "",
        store_title: str = "Your store",
        store_subtitle: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setStyleSheet(_STYLE)
        self._journal = journal
        self.health: Health | None = None
        self.last_result: CycleResult | None = None
        self.last_push: datetime | None = None
        self.last_pull: datetime | None = None
        self.schedule = Schedule(None, None)
        self.counts = JournalCounts()

        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.reconnect_button = QPushButton("Reconnect...")
        self.reconnect_button.clicked.connect(self.reconnect_clicked)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(12, 8, 12, 8)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.reconnect_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()

        self.orderdesk_card = _Card("Order Desk", orderdesk_subtitle, "Orders sent")
        self.store_card = _Card(store_title, store_subtitle, "Tracking sent")

        self.sync_button = QPushButton("Sync now")
        self.sync_button.setDefault(True)
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
        self.activity.setWordWrap(True)
        self.activity.setObjectName("caption")
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

        self.failed_box = QFrame()
        self.failed_box.setObjectName("card")
        self.failed_list = QTreeWidget()
        self.failed_list.setHeaderLabels(["Order", "What went wrong"])
        self.failed_list.setRootIsDecorated(False)
        self.failed_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.failed_list.setWordWrap(True)
        self.failed_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.failed_list.header().setStretchLastSection(True)
        self.failed_list.setMaximumHeight(130)
        self.failed_list.itemSelectionChanged.connect(self._selection_changed)
        self.retry_button = QPushButton("Retry selected")
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self._retry_selected)
        self.retry_all_button = QPushButton("Retry all")
        self.retry_all_button.clicked.connect(lambda: self.retry_requested.emit(""))
        failed_buttons = QHBoxLayout()
        failed_title = QLabel("<b>Orders that need your attention</b>")
        failed_buttons.addWidget(failed_title, 1)
        failed_buttons.addWidget(self.retry_button)
        failed_buttons.addWidget(self.retry_all_button)
        failed_layout = QVBoxLayout(self.failed_box)
        failed_layout.setContentsMargins(12, 8, 12, 8)
        failed_layout.addLayout(failed_buttons)
        failed_layout.addWidget(self.failed_list)
        self.failed_box.hide()

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
        layout.addWidget(self.failed_box)

        # While a cycle runs the counters follow the journal once a second, not per event.
        self._counts_timer = QTimer(self)
        self._counts_timer.setInterval(1000)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._show_health()
        self._show_times()
        self.refresh_counts()

    # -- slots for the controller's signals ----------------------------------------------

    def on_cycle_started(self) -> None:
        self.sync_button.setEnabled(False)
        self.sync_button.setText("Syncing...")
        self.activity.setText("Syncing...")
        self._counts_timer.start()

    def on_cycle_finished(self, result: CycleResult) -> None:
        self.last_result = result
        if result.finished_at is not None:
            if result.push is not None:
                self.last_push = result.finished_at
            if result.pull is not None:
                self.last_pull = result.finished_at
        self._counts_timer.stop()
        self.sync_button.setEnabled(True)
        self.sync_button.setText("Sync now")
        self.activity.setText(_summary(result))
        self._show_times()
        self.refresh_counts()
        self._show_health()

    def on_health_changed(self, health: Health) -> None:
        self.health = health
        self._set_pause_checked(health is Health.PAUSED)
        self._show_health()

    def on_schedule_changed(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._show_times()

    def on_progress(self, progress: Progress) -> None:
        what = "Sending orders" if progress.direction is Direction.PUSH else "Sending tracking"
        self.activity.setText(f"{what}: {progress.done:,} of {progress.total:,}")

    def set_paused(self, paused: bool) -> None:
        """Mirror a pause made elsewhere (the tray) without echoing it back."""
        self._set_pause_checked(paused)

    def refresh_counts(self) -> None:
        self.counts = self._journal.counts()
        counts = self.counts
        self.sent.set(counts.sent)
        self.pending.set(counts.pending + counts.shipments_pending)
        problems = counts.failed + counts.shipments_failed
        self.failed.set(problems, _RED if problems else None)
        self.fulfilled.set(counts.fulfillments)
        self._show_failed()

    # -- internals -----------------------------------------------------------------------

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
        message = self.last_result.message if self.last_result is not None else ""
        for card, side in ((self.orderdesk_card, "orderdesk"), (self.store_card, "store")):
            card.show_status(*side_status(health, side, message))
        if health is None or health in (Health.OK, Health.PAUSED):
            self.banner.hide()
            return
        self.banner.setProperty("severity", "error" if health.needs_reconnect else "warning")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner_text.setText(message or "Something needs your attention; see the log below.")
        self.reconnect_button.setVisible(health.needs_reconnect)
        self.banner.show()

    def _show_times(self) -> None:
        self.orderdesk_card.show_times(self.last_push, self.schedule.next_push)
        self.store_card.show_times(self.last_pull, self.schedule.next_pull)

    def _show_failed(self) -> None:
        rows = [
            (o.order_number, o.last_error) for o in self._journal.orders_in_state(OrderState.FAILED)
        ]
        rows += [
            (s.order_number, f"Shipment {s.tracking_number}: {s.last_error}")
            for s in self._journal.shipments_in_state(ShipmentState.FAILED)
        ]
        selected = self._selected_order()
        self.failed_list.clear()
        for number, reason in rows:
            item = QTreeWidgetItem([number, reason or "No reason was recorded."])
            item.setToolTip(1, reason)
            self.failed_list.addTopLevelItem(item)
            if number == selected:
                item.setSelected(True)
        self.failed_box.setVisible(bool(rows))
        self._selection_changed()

    def _selected_order(self) -> str:
        items = self.failed_list.selectedItems()
        return items[0].text(0) if items else ""

    def _selection_changed(self) -> None:
        self.retry_button.setEnabled(bool(self._selected_order()))

    def _retry_selected(self) -> None:
        number = self._selected_order()
        if number:
            self.retry_requested.emit(number)


def _summary(result: CycleResult) -> str:
    """One line about the cycle that just ended, for under the buttons."""
    parts: list[str] = []
    if result.push is not None:
        sent = result.push.sent + result.push.adopted
        parts.append(f"{sent:,} order{'s' if sent != 1 else ''} sent")
    if result.pull is not None:
        shipped = result.pull.fulfillments_created + result.pull.tracking_added
        parts.append(f"{shipped:,} shipment{'s' if shipped != 1 else ''} sent to the store")
    when = readable_time(result.finished_at) if result.finished_at else ""
    text = ", ".join(parts) if parts else "Sync finished"
    return f"Last sync: {text}" + (f" ({when})." if when else ".")

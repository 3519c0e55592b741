"""The tray icon: status at a glance, a short menu, and notifications the merchant can turn off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop_sync import APP_DISPLAY_NAME
from desktop_sync.app.facade_types import CycleResult, Direction, Health, Level, Progress, SyncEvent
from desktop_sync.gui.icons import health_icon
from desktop_sync.gui.standing import Facts, Standing, health_words, standing
from desktop_sync.gui.status import banner_sentence, progress_text

__all__ = ["Notice", "SyncTray", "cycle_notices", "health_tooltip", "health_words"]


@dataclass(frozen=True)
class Notice:
    """One tray notification: ``kind`` is ``error`` or ``shipments`` (each switchable)."""

    kind: str
    title: str
    message: str


def health_tooltip(health: Health, *, syncing: bool = False, store: str = "") -> str:
    words = "Syncing..." if syncing and health is Health.OK else health_words(health, store)
    return f"{APP_DISPLAY_NAME}: {words}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _numbers(orders: Sequence[str]) -> str:
    shown = [f"{number}" for number in orders[:3]]
    more = len(orders) - len(shown)
    if more:
        shown.append(f"{more} more")
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def cycle_notices(
    result: CycleResult,
    previous: CycleResult | None,
    *,
    errors: bool,
    shipments: bool,
    shipped_orders: Sequence[str] = (),
) -> list[Notice]:
    """What to tell the merchant after a cycle: a new problem (not the same one every cycle),
    more failing orders than before, and one summary of the shipments sent to the store."""
    notices: list[Notice] = []
    was = previous.health if previous is not None else Health.OK
    quiet = (Health.OK, Health.PAUSED, Health.FAILING)
    if errors and result.health not in quiet and result.health is not was:
        sentence = banner_sentence(result.message, needs_reconnect=result.health.needs_reconnect)
        title = health_words(result.health, result.store)
        if sentence.startswith(f"{title}: "):  # the title says it already
            rest = sentence[len(title) + 2 :]
            sentence = rest[:1].upper() + rest[1:]
        notices.append(Notice("error", title, sentence))
    if errors and was not in quiet and result.health in quiet:
        notices.append(
            Notice(
                "error",
                "Connected again",
                "Order Desk and your store answer again; syncing goes on.",
            )
        )
    if errors:
        failed_before = len(previous.failures) if previous is not None else 0
        failed_now = len(result.failures)
        if failed_now > failed_before or (result.health is Health.FAILING and was is Health.OK):
            count = max(failed_now, 1)
            reason = result.failures[0].reason if result.failures else result.message
            notices.append(
                Notice(
                    "error",
                    f"{_plural(count, 'order')} could not be synced",
                    f"{reason} Open Desktop Sync to see the list and retry.",
                )
            )
    if shipments and result.pull is not None:
        # Named from this cycle's own events: the profile's result adds every store's last
        # cycle, so its count may be another store's, told already.
        shipped = result.pull.fulfillments_created + result.pull.tracking_added
        if shipped and shipped_orders:
            word = "Order" if len(shipped_orders) == 1 else "Orders"
            notices.append(
                Notice(
                    "shipments",
                    f"{word} {_numbers(shipped_orders)} shipped",
                    f"Tracking for {word.lower()} {_numbers(shipped_orders)} was sent to your "
                    "store.",
                )
            )
    return notices


class SyncTray(QObject):
    """Wraps a ``QSystemTrayIcon``; the actions work (and are tested) where no tray exists."""

    open_requested = Signal()
    sync_now_requested = Signal()
    pause_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.health = Health.OK
        self.paused = False
        self.standing: Standing | None = None
        """What the dashboard says (its banner's ``Standing``): the picture, the tooltip and
        the menu line say the same; None without a dashboard (the tray's own facts then)."""
        self.paused_stores: tuple[str, ...] = ()
        """Stores paused on their own while the others sync (named on the status line)."""
        self.syncing = False
        self.notify_errors = True
        self.notify_shipments = True
        self.shown: list[Notice] = []
        """Every notice shown this session (newest last), for the tests and diagnostics."""
        self._previous: CycleResult | None = None
        self._shipped: list[str] = []
        self._progress: Progress | None = None
        self.failing = 0
        self.store = ""
        """The store the last cycle's result named (the one a store's trouble is about)."""

        self.menu = QMenu()
        self.status_action = QAction("Starting…", self)
        """The first line of the menu: what the app is doing, in words."""
        self.status_action.setEnabled(False)
        self.open_action = QAction("Open Desktop Sync", self)
        self.open_action.triggered.connect(self.open_requested)
        self.sync_now_action = QAction("Sync now", self)
        self.sync_now_action.triggered.connect(self.sync_now_requested)
        self.pause_action = QAction("Pause syncing", self)
        """Says what it does ("Pause syncing" or "Resume syncing"), never ticked."""
        self.pause_action.triggered.connect(self._pause_triggered)
        self.quit_action = QAction("Quit", self)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.status_action)
        self.menu.addSeparator()
        self.menu.addAction(self.open_action)
        self.menu.addSeparator()
        self.menu.addAction(self.sync_now_action)
        self.menu.addAction(self.pause_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)

        self.icon = QSystemTrayIcon(health_icon(Health.OK), self)
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip(health_tooltip(Health.OK))
        self.icon.activated.connect(self._activated)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        if self.available():
            self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_health(self, health: Health) -> None:
        self.health = health
        self._mirror_paused(health is Health.PAUSED)
        self._refresh()

    def on_event(self, event: SyncEvent) -> None:
        """Remember which orders shipped this cycle, to name them in the notice."""
        shipped = event.direction is Direction.PULL and event.level is Level.INFO
        if shipped and event.order_number and "not created again" not in event.message:
            self._shipped.append(event.order_number)

    def on_progress(self, progress: Progress) -> None:
        self._progress = progress
        self._refresh()

    def set_paused_stores(self, names: tuple[str, ...]) -> None:
        """The stores paused on their own (the others sync): the status line names them."""
        self.paused_stores = tuple(names)
        self._refresh()

    def set_standing(self, said: Standing) -> None:
        """What the dashboard's banner says now: the tray says the same."""
        self.standing = said
        self._refresh()

    def status_line(self) -> str:
        """One line: "Up to date", "Sending 3 of 100 orders to Order Desk", "1 order needs
        you"; with " · Wholesale paused" after it while a store is paused on its own."""
        said = self._said()
        if self.syncing and self._progress is not None and said.picture is not Health.PAUSED:
            line = progress_text(self._progress)
            if self.paused_stores:
                line += f" · {' and '.join(self.paused_stores)} paused"
            return line
        return said.line

    def _said(self) -> Standing:
        if self.standing is not None:
            return self.standing
        facts = Facts(
            self.health,
            paused=self.paused,
            running=self.syncing,
            paused_stores=self.paused_stores,
            needs_attention=self.failing,
            store=self.store,
        )
        return standing(facts)

    def set_syncing(self, syncing: bool) -> None:
        self.syncing = syncing
        if syncing:
            self._shipped = []
        self._progress = None
        self.sync_now_action.setEnabled(not syncing)
        self._refresh()

    def set_paused(self, paused: bool) -> None:
        """Mirror a pause made elsewhere (the dashboard) without echoing it back."""
        self._mirror_paused(paused)
        self._refresh()

    def cycle_finished(self, result: CycleResult) -> list[Notice]:
        """Show the notices this cycle deserves; returns them."""
        notices = cycle_notices(
            result,
            self._previous,
            errors=self.notify_errors,
            shipments=self.notify_shipments,
            shipped_orders=self._shipped,
        )
        self._previous = result
        self._shipped = []
        self.store = result.store
        self._refresh()
        for notice in notices:
            self.notify(notice)
        return notices

    def notify(self, notice: Notice) -> None:
        self.shown.append(notice)
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if notice.kind == "error"
            else QSystemTrayIcon.MessageIcon.Information
        )
        if self.icon.isVisible() and QSystemTrayIcon.supportsMessages():
            self.icon.showMessage(notice.title, notice.message, icon, 10_000)

    def _mirror_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_action.setText("Resume syncing" if paused else "Pause syncing")

    def _pause_triggered(self) -> None:
        self._mirror_paused(not self.paused)
        self.pause_toggled.emit(self.paused)

    def _refresh(self) -> None:
        self.icon.setIcon(health_icon(self._said().picture, syncing=self.syncing))
        line = self.status_line()
        self.status_action.setText(line)
        self.icon.setToolTip(f"{APP_DISPLAY_NAME}: {line}")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

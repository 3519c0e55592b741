"""The main window: the dashboard above the live sync log, the menus, and close-to-tray."""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, SignalInstance
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_sync import APP_DISPLAY_NAME, __version__
from desktop_sync.app.facade import DesktopSync, JournalReader
from desktop_sync.app.facade_types import (
    CycleResult,
    DesktopSyncError,
    Health,
    Profile,
    SecretStore,
    Settings,
    StoreSettings,
)
from desktop_sync.gui.add_store import AddStoreWizard, StoreAdder
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.icons import app_icon
from desktop_sync.gui.log_model import STORE, SyncLogModel
from desktop_sync.gui.log_view import LogView
from desktop_sync.gui.orders_tab import OrdersTab
from desktop_sync.gui.store_cards import StoreCards, store_parts
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.window_tabs import WindowTabs
from desktop_sync.gui.workers import SyncController

if TYPE_CHECKING:
    from desktop_sync.gui.wizard import BackfillNotice

__all__ = ["ABOUT_TEXT", "MainWindow", "store_words"]

log = logging.getLogger(__name__)

ABOUT_TEXT = (
    "Sends your online store's orders to Order Desk, and brings tracking numbers back to your "
    "store when Order Desk ships them."
)

ControllerFactory = Callable[[Profile], SyncController]

QUIT_DEADLINE_MS = 2500
"""Quit ends the app by then even when the sync thread is still in a slow call."""


def _orderdesk_name(store_id: str, api_key: str, api_url: str) -> str:
    """The Order Desk store's name, as Order Desk gives it."""
    return DesktopSync.verify_orderdesk(store_id, api_key, api_url).name.strip()


def store_words(profile: Profile | None) -> tuple[str, str, str]:
    """(Order Desk subtitle, store title, store subtitle) for the dashboard cards. The store
    is named by the merchant's name for it (``Profile.store_name``), as everywhere in the
    window, never by the name its platform gives the shop."""
    if profile is None:
        return "", "Your store", ""
    try:
        platform = DesktopSync.platform_info(profile.store_platform).display_name
    except ValueError:
        platform = profile.store_platform.capitalize()
    name = profile.store_name
    title = f"{platform}: {name}" if platform and name else (name or platform or "Your store")
    folder = profile.orderdesk_folder_name or str(profile.orderdesk_folder_id or "")
    orderdesk = f"Store ID {profile.orderdesk_store_id}" + (f", folder {folder}" if folder else "")
    return orderdesk, title, profile.store_url


class MainWindow(QMainWindow):
    """Shows and drives one ``SyncController``; ``quit_app`` stops it before the app ends."""

    quitting = Signal()

    def __init__(
        self,
        reader: JournalReader,
        controller: SyncController,
        *,
        settings: Settings,
        profile: Profile | None = None,
        secrets: SecretStore | None = None,
        tray: SyncTray | None = None,
        controller_factory: ControllerFactory | None = None,
        tray_available: Callable[[], bool] | None = None,
        save: Callable[[Settings], None] = DesktopSync.save_settings,
        end_app: Callable[[], None] | None = None,
        backfill_notice: BackfillNotice | None = None,
    ) -> None:
        super().__init__()
        self.backfill_notice = backfill_notice
        """What a new setup's wizard asks the store before a backfill (the facade's)."""
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(780, 560)
        self.resize(1040, 740)
        self.reader = reader
        """What the dashboard and the log read (the facade): the window holds no journal."""
        self.settings = settings
        self.profile = profile
        self.secrets = secrets
        self.tray = tray
        self.controller = controller
        self._controller_factory = controller_factory
        self._tray_available = tray_available or SyncTray.available
        self._save = save
        self._end_app = end_app or QApplication.quit
        self._quitting = False
        self._ended = False
        self._links: list[tuple[SignalInstance, Callable[..., object]]] = []
        self.log_folder_box: QMessageBox | None = None
        self.retired: list[SyncController] = []
        """Controllers replaced by a Reconnect (their threads stopped, or stopping)."""
        self.dialogs: list[QWidget] = []
        """Open Settings dialogs and wizards, kept alive while shown."""

        orderdesk, store_title, store_subtitle = store_words(profile)
        self.dashboard = Dashboard(
            reader,
            orderdesk_subtitle=orderdesk,
            store_title=store_title,
            store_subtitle=store_subtitle,
        )
        self.log_model = SyncLogModel(reader, self)
        self.log_view = LogView(self.log_model)
        self.log_view.export_finished.connect(
            lambda path, rows: self.statusBar().showMessage(f"Saved {rows:,} log lines to {path}.")
        )
        self.log_view.export_failed.connect(self._export_failed)
        self._show_store_column()

        self.orders_tab = OrdersTab(reader, self._store_addresses)
        self.orders_tab.backfill_bar.backfilled.connect(self.sync_now)
        # An action in an order's details: Needs you and the counts are read again, and a
        # Retry or Send anyway syncs now, as the same action in Needs you does.
        self.orders_tab.order_acted.connect(self.dashboard.needs_you.acted)
        # A card per store (hidden with one store: the dashboard's card tells it).
        self.store_cards = StoreCards(lambda: store_parts(reader), reader=reader)
        # The log, the orders and the stores as tabs below the dashboard; they take the
        # window's height, and the orders keep room for their rows at the smallest.
        self.tabs = WindowTabs(self.log_view, self.orders_tab, self.store_cards, self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.dashboard)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        central = QWidget()
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(12, 10, 12, 6)
        self._layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_menus()

        self.dashboard.sync_now_clicked.connect(self.sync_now)
        self.dashboard.pause_toggled.connect(self.set_paused)
        self.dashboard.retry_requested.connect(lambda number: self.controller.retry(number))
        self.dashboard.reconnect_clicked.connect(self.reconnect)
        self.dashboard.choose_clicked.connect(self.choose_for_held_stores)
        if tray is not None:
            tray.notify_errors = settings.notify_errors
            tray.notify_shipments = settings.notify_shipments
            tray.open_requested.connect(self.bring_to_front)
            tray.sync_now_requested.connect(self.sync_now)
            tray.pause_toggled.connect(self.set_paused)
            tray.quit_requested.connect(self.quit_app)
            tray.set_paused(settings.paused)
            self.dashboard.needs_you.listed_changed.connect(self._needs_listed)
            self.dashboard.standing_changed.connect(tray.set_standing)  # one source for both
        self.dashboard.set_paused(settings.paused)
        if tray is not None:
            tray.set_standing(self.dashboard.standing)
        self._attach(controller)
        self._names = TaskRunner(self, describe=lambda exc: "", latest_only=False)
        self._names.succeeded.connect(self._name_found)
        self.look_up_names(profile)

    def _store_addresses(self) -> tuple[str, str]:
        """(Order Desk's API address, the store's address), for the order pages' links."""
        profile = self.profile
        return (profile.orderdesk_api_url, profile.store_url) if profile else ("", "")

    # -- names ---------------------------------------------------------------------------

    def look_up_names(self, profile: Profile | None) -> None:
        """The name of the Order Desk store, for its card's title (an id says little at a
        glance); off the GUI thread, and quietly kept as it is when Order Desk cannot be
        reached. The store's card has the merchant's own name for it already."""
        if profile is None:
            return
        self._names.start(
            functools.partial(
                _orderdesk_name,
                profile.orderdesk_store_id,
                profile.orderdesk_api_key,
                profile.orderdesk_api_url,
            )
        )

    def _name_found(self, name: object) -> None:
        if isinstance(name, str) and name:
            self.dashboard.orderdesk_card.set_title(f"Order Desk: {name}")

    # -- the controller ------------------------------------------------------------------

    def _attach(self, controller: SyncController) -> None:
        """Show ``controller`` from now on; the one it replaces says nothing more here, and is
        kept for the window's life (a QThread must never be destroyed while it runs, and the
        app's exit waits for each one)."""
        previous = self.controller
        if previous is not controller:
            self._detach()
            if previous not in self.retired:
                self.retired.append(previous)
        self.controller = controller
        self.store_cards.control = controller  # each store's card pauses that store
        self._links = [
            (controller.event, self.log_model.refresh_soon),
            (controller.progress, self.dashboard.on_progress),
            (controller.cycle_started, self.dashboard.on_cycle_started),
            (controller.cycle_finished, self._cycle_finished),
            (controller.health_changed, self._health_changed),
            (controller.schedule_changed, self.dashboard.on_schedule_changed),
            (controller.cycle_started, self._cycle_started),
            (controller.cycle_finished, self.store_cards.refresh_soon),
            (controller.stores_paused, self.store_cards.refresh_soon),
            (controller.stores_paused, self.dashboard.set_paused_stores),
        ]
        if self.tray is not None:
            self._links += [
                (controller.event, self.tray.on_event),
                (controller.progress, self.tray.on_progress),
                (controller.stores_paused, self.tray.set_paused_stores),
            ]
        for signal, slot in self._links:
            signal.connect(slot)

    def _detach(self) -> None:
        """After Quit the worker may still finish its order: nothing it says reaches the
        window, whose journal is about to close."""
        for signal, slot in self._links:
            signal.disconnect(slot)
        self._links = []

    def _cycle_started(self) -> None:
        self.orders_tab.backfill_bar.on_cycle_started()
        if self.tray is not None:
            self.tray.set_syncing(True)

    def _cycle_finished(self, result: CycleResult) -> None:
        self.log_model.flush()
        self.dashboard.on_cycle_finished(result)
        self.orders_tab.refresh()
        self.orders_tab.backfill_bar.on_cycle_finished(result)
        if self.tray is not None:
            self.tray.failing = self.dashboard.needs_attention
            self.tray.set_syncing(False)
            self.tray.cycle_finished(result)

    def _needs_listed(self) -> None:
        """Needs you's read has landed: the tray's line says its count."""
        if self.tray is not None:
            self.tray.failing = self.dashboard.needs_attention
            self.tray.set_health(self.tray.health)

    def _health_changed(self, health: Health) -> None:
        self.dashboard.on_health_changed(health)
        if self.tray is not None:
            self.tray.set_health(health)

    def sync_now(self) -> None:
        if not self.controller.running:
            self.controller.sync_now()

    def set_paused(self, paused: bool) -> None:
        self.controller.set_paused(paused)
        self.dashboard.set_paused(paused)
        if self.tray is not None:
            self.tray.set_paused(paused)
        self._remember(dataclasses.replace(self.settings, paused=paused))

    def restart_sync(self, profile: Profile) -> None:
        """A new connection (Reconnect or a new setup): stop the old worker, and start a new
        one once the old has let go of the journal (asynchronously: the window never waits)."""
        self.profile = profile
        orderdesk, store_title, store_subtitle = store_words(profile)
        self.dashboard.orderdesk_card.subtitle.setText(orderdesk)
        self.dashboard.store_card.set_title(store_title)
        self.dashboard.store_card.subtitle.setText(store_subtitle)
        self.dashboard.orderdesk_card.set_title("Order Desk")
        self.look_up_names(profile)
        old = self.controller
        old.stopped.connect(lambda: self._start_for(old, profile))
        old.stop()

    def _start_for(self, old: SyncController, profile: Profile) -> None:
        """One new worker when ``old`` has stopped: not for a profile replaced since, and not
        again when ``old`` says "stopped" once more (a later stop, or a later Reconnect)."""
        if self._quitting or profile is not self.profile or self.controller is not old:
            return
        if self._controller_factory is None:
            log.error("No way to start syncing for the new profile was given")
            return
        controller = self._controller_factory(profile)
        self._attach(controller)
        controller.start()

    # -- menus and dialogs ---------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.settings_action = QAction("&Settings...", self)
        # Ctrl+, everywhere (the platform's Preferences key is empty on most Linux desktops).
        self.settings_action.setShortcuts(
            [QKeySequence("Ctrl+,"), QKeySequence(QKeySequence.StandardKey.Preferences)]
        )
        self.settings_action.triggered.connect(self.open_settings)
        self.export_action = QAction("&Export log...", self)
        self.export_action.triggered.connect(lambda: self.log_view.export_csv())
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.quit_app)
        self.sync_action = QAction("Sync &now", self)
        self.sync_action.setShortcuts([QKeySequence("Ctrl+R"), QKeySequence(Qt.Key.Key_F5)])
        self.sync_action.triggered.connect(self.sync_now)
        file_menu.addAction(self.sync_action)
        self.add_store_action = QAction("&Add a store...", self)
        self.add_store_action.triggered.connect(self.add_store)
        self.add_store_action.setEnabled(callable(getattr(self.reader, "add_store", None)))
        file_menu.addAction(self.add_store_action)
        file_menu.addAction(self.settings_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        self.log_folder_action = QAction("Open &log folder", self)
        self.log_folder_action.triggered.connect(self.open_log_folder)
        help_menu.addAction(self.log_folder_action)
        self.about_action = QAction("&About Desktop Sync", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def open_log_folder(self) -> bool:
        """The folder of the app's log files, in the system's file manager (for support);
        without one, a box with the path to copy. The status bar names the path either way."""
        folder = str(DesktopSync.log_folder())
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
        self.statusBar().showMessage(f"Log files: {folder}")
        if not opened:
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Information)
            box.setWindowTitle("Log folder")
            box.setText("No file manager opened the log folder. The log files are in:")
            box.setInformativeText(folder)
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            copy = box.addButton("Copy path", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Close)
            copy.clicked.disconnect()  # copying must not close the box
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(folder))
            self.log_folder_box = box
            box.open()
        return bool(opened)

    def set_demo_panel(self, panel: QWidget) -> None:
        self._layout.insertWidget(0, panel)

    def about_html(self) -> str:
        return (
            f"<h3>{html.escape(APP_DISPLAY_NAME)}</h3><p>Version {html.escape(__version__)}</p>"
            f"<p>{html.escape(ABOUT_TEXT, quote=False)}</p>"
            f"<p>Log files: {html.escape(str(DesktopSync.log_folder()))}</p>"
        )

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_DISPLAY_NAME}", self.about_html())

    def open_settings(self) -> None:
        from desktop_sync.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(
            self.profile,
            self.secrets,
            self,
            profiles=self._store_profiles(),
            remove_store=getattr(self.reader, "remove_store", None),
        )
        dialog.settings_changed.connect(self.apply_settings)
        dialog.store_removed.connect(self._store_removed)
        dialog.reconnect_requested.connect(self.reconnect)
        dialog.forgotten.connect(self._forgotten)
        self._keep(dialog)
        dialog.open()

    def add_store(self) -> AddStoreWizard:
        """*Add a store*: the wizard's store page for one more store, synced with the others
        from then on."""
        wizard = AddStoreWizard(cast(StoreAdder, self.reader), self)
        wizard.added.connect(self._store_added)
        self._keep(wizard)
        wizard.open()
        return wizard

    def _show_store_column(self) -> None:
        """The log's Store column names each line's store while there are several."""
        self.log_view.table.setColumnHidden(STORE, len(self.log_model.store_names) < 2)

    def _stores_changed(self) -> None:
        self.log_model.stores_changed()
        self._show_store_column()
        self.tabs.stores_changed()

    def _store_added(self, _store: object) -> None:
        self.store_cards.refresh()
        self._stores_changed()
        if self.profile is not None:
            self.restart_sync(self.profile)  # the new engines include the new store

    def _store_profiles(self) -> tuple[Profile, ...]:
        """Every store's profile (its keys, to read its statuses); none when unreadable."""
        try:
            return tuple(getattr(self.reader, "profiles", ()))
        except DesktopSyncError as exc:
            log.warning("The stores' keys could not be read for Settings: %s", exc)
            return ()

    def _store_removed(self, store: object) -> None:
        """A store removed in Settings: its card goes, and the sync goes on without it."""
        self.store_cards.refresh()
        self._stores_changed()
        profile = self.profile
        if profile is not None and isinstance(store, StoreSettings):
            if profile.store_id == store.id:
                others = self._store_profiles()
                profile = others[0] if others else None
            if profile is not None:
                self.restart_sync(profile)

    def apply_settings(self, settings: Settings) -> None:
        """Settings saved by the dialog: new intervals and notification switches apply now;
        a new choice of what is sent (statuses, the cancel folder) gets a new engine."""
        before = self.settings
        self.settings = settings
        if before.stores != settings.stores:
            self._stores_changed()  # a store renamed
        profile = self.profile
        engine_changed = (before.order_statuses, before.cancel_folder_name, before.stores) != (
            settings.order_statuses,
            settings.cancel_folder_name,
            settings.stores,
        )
        if profile is not None and engine_changed:
            self.restart_sync(
                Profile(
                    settings=settings, credentials=profile.credentials, store_id=profile.store_id
                )
            )
        self.controller.set_intervals(
            settings.push_interval_seconds, settings.pull_interval_seconds
        )
        if self.tray is not None:
            self.tray.notify_errors = settings.notify_errors
            self.tray.notify_shipments = settings.notify_shipments

    def choose_for_held_stores(self, sync_here: bool) -> None:
        """The banner's choice for the stores held for it ("Sync from this computer", or
        "Same store"), through the facade; the engines are built again to sync with it."""
        choose = getattr(self.reader, "sync_here" if sync_here else "same_store", None)
        if not callable(choose) or self.profile is None:
            return
        try:
            said = str(choose())
        except DesktopSyncError as exc:
            said = str(exc)
        self.dashboard.banner_text.setText(said)
        self.restart_sync(self.profile)

    def reconnect(self) -> None:
        """The wizard, filled with the current connection, to enter a new key."""
        self._open_wizard(self.profile, reconnecting=True)

    def _forgotten(self) -> None:
        # The connection is gone: nothing may sync with the old keys; set up again or quit.
        self.controller.stop()
        self.profile = None
        wizard = self._open_wizard(None)
        wizard.rejected.connect(self.quit_app)

    def _open_wizard(self, prefill: Profile | None, *, reconnecting: bool = False) -> QDialog:
        from desktop_sync.gui.wizard import FirstRunWizard

        wizard = FirstRunWizard(
            self.secrets,
            self,
            prefill=prefill,
            reconnecting=reconnecting,
            backfill_notice=self.backfill_notice,
        )
        wizard.profile_saved.connect(self.restart_sync)
        self._keep(wizard)
        wizard.open()
        return wizard

    def _keep(self, dialog: QWidget) -> None:
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self.dialogs.remove(dialog))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _export_failed(self, sentence: str) -> None:
        QMessageBox.warning(self, "The log could not be saved", sentence)

    def _remember(self, settings: Settings) -> None:
        self.settings = settings
        try:
            self._save(settings)
        except OSError as exc:
            self.statusBar().showMessage(
                f"Your choice applies now but could not be saved for next time ({exc.strerror})."
            )

    # -- window life ---------------------------------------------------------------------

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._quitting:
            event.accept()
            return
        if self.tray is not None and self._tray_available():
            # The window closes to the tray: syncing goes on, which the merchant is told once.
            event.ignore()
            self.hide()
            if not self.settings.close_to_tray_notice_shown:
                self.tray.icon.showMessage(
                    APP_DISPLAY_NAME,
                    "Desktop Sync keeps syncing in the background. Open it from this icon; "
                    "choose Quit in its menu to stop syncing.",
                )
                self._remember(dataclasses.replace(self.settings, close_to_tray_notice_shown=True))
            return
        event.accept()
        self.quit_app()

    def quit_app(self) -> None:
        """Stop syncing (the worker finishes the order in flight), then end the app when the
        worker says it stopped, or after ``QUIT_DEADLINE_MS`` at the latest: the window goes
        at once and never waits on a slow server."""
        if self._quitting:
            return
        self._quitting = True
        self.log_model.stop_live()
        if self.tray is not None:
            self.tray.hide()
        self.hide()
        self._names.cancel()  # a look-up still waiting on a server ends now, unheard
        self.quitting.emit()
        self._detach()
        self.controller.stopped.connect(self._end)
        QTimer.singleShot(QUIT_DEADLINE_MS, self._end)
        self.controller.stop()

    def _end(self) -> None:
        if self._ended:
            return
        self._ended = True
        if self.controller.is_alive():
            log.warning("Quitting while the sync thread is still busy; it is left to finish")
        self.close()
        self._end_app()

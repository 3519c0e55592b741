"""The Settings dialog: how often to sync, the Order Desk folder, each store's folder and
statuses (``store_settings``), notifications, and the connection itself (reconnect, remove a
store, or forget them all)."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import (
    DesktopSyncError,
    KeyringUnavailable,
    Profile,
    SecretStore,
    Settings,
    StartAtLogin,
    StartAtLoginFailed,
    StoreInfo,
    StoreSettings,
)
from desktop_sync.gui.remove_store import confirm_forget, confirm_remove
from desktop_sync.gui.store_settings import StoresBox
from desktop_sync.gui.verify import ERROR_COLOR, BusyIndicator, VerifyRunner
from desktop_sync.gui.wizard_orderdesk import hint_label

__all__ = ["SettingsDialog"]

log = logging.getLogger(__name__)

_MAX_MINUTES = 24 * 60


def _minutes_box(minimum: int, value_seconds: int) -> QSpinBox:
    """Minutes; an interval saved in seconds that is not whole minutes (the demo's 15 s) is
    shown in seconds, so the dialog never claims an interval the app does not use."""
    box = QSpinBox()
    if value_seconds < 60 or value_seconds % 60:
        box.setRange(1, _MAX_MINUTES * 60)
        box.setSuffix(" s")
        box.setValue(max(1, value_seconds))
        return box
    box.setRange(minimum, _MAX_MINUTES)
    box.setSuffix(" min")
    box.setValue(max(minimum, round(value_seconds / 60)))
    return box


class SettingsDialog(QDialog):
    """Edits the saved ``Settings``; ``profile`` supplies the credentials to list the folders,
    ``profiles`` (one per store) each store's to read its statuses, and ``remove_store`` (the
    facade's, by the store's name) removes a store.

    Without a profile (not connected, or the keyring is locked) the folder stays as saved.
    """

    settings_changed = Signal(object)
    reconnect_requested = Signal()
    forgotten = Signal()
    store_removed = Signal(object)
    """The ``StoreSettings`` of a store just removed (the window drops its card)."""

    def __init__(
        self,
        profile: Profile | None = None,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
        *,
        login_item: StartAtLogin | None = None,
        profiles: Sequence[Profile] = (),
        remove_store: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._login = login_item or DesktopSync.start_at_login()
        self._profile = profile
        self._profiles = tuple(profiles) or ((profile,) if profile is not None else ())
        self._remove_store = remove_store
        self.remove_box: QMessageBox | None = None
        self._secrets = secrets
        self._saved = DesktopSync.load_settings()
        self.forget_box: QMessageBox | None = None
        self.delete_history: QCheckBox | None = None
        self.setWindowTitle("Settings")
        # A form, not a document: no maximize button (only the title and Close).
        self.setWindowFlags(
            Qt.WindowType.Dialog
            | Qt.WindowType.CustomizeWindowHint
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowCloseButtonHint
        )
        self.setMinimumWidth(540)

        saved = self._saved
        self.push_minutes = _minutes_box(1, saved.push_interval_seconds)
        self.pull_minutes = _minutes_box(1, saved.pull_interval_seconds)
        self.overlap_minutes = QSpinBox()
        self.overlap_minutes.setRange(0, _MAX_MINUTES)
        self.overlap_minutes.setSuffix(" min")
        self.overlap_minutes.setValue(saved.overlap_minutes)
        sync_box = QGroupBox("Syncing")
        sync_form = QFormLayout()
        sync_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        sync_form.addRow("Send new orders to Order Desk every", self.push_minutes)
        sync_form.addRow("Bring shipments back to the store every", self.pull_minutes)
        sync_form.addRow("Look back over the last", self.overlap_minutes)
        # Outside the form: a wrapped label in a form row gets too little height and clips.
        sync_layout = QVBoxLayout(sync_box)
        sync_layout.addLayout(sync_form)
        sync_layout.addWidget(
            hint_label(
                "Each check also looks this far back, so an order saved late by the store is "
                "not missed. Orders are never sent twice."
            )
        )

        self.folder = QComboBox()
        self.folder.setMinimumContentsLength(16)
        self.folder_busy = BusyIndicator()
        self.folder_status = QLabel()
        self.folder_status.setWordWrap(True)
        self.folder_status.setStyleSheet(f"color: {ERROR_COLOR};")
        self.folder_status.setVisible(False)
        self._show_saved_folder()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.folder_busy)
        folder_box = QGroupBox("Order Desk folder")
        folder_layout = QVBoxLayout(folder_box)
        folder_layout.addWidget(QLabel("New orders from your store go into this folder:"))
        folder_layout.addLayout(folder_row)
        folder_layout.addWidget(self.folder_status)
        # Editable: a choice from Order Desk's folders once they are listed, else a name.
        self.cancel_folder = QComboBox()
        self.cancel_folder.setEditable(True)
        self.cancel_folder.setMinimumContentsLength(16)
        self.cancel_folder.setEditText(saved.cancel_folder_name)
        cancel_row = QFormLayout()
        cancel_row.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        cancel_row.addRow("Orders cancelled in the store go to", self.cancel_folder)
        folder_layout.addLayout(cancel_row)

        self.stores_box = StoresBox(saved, self._profile_of)
        self.stores_box.remove_requested.connect(self._confirm_remove)
        self.stores_box.setVisible(bool(saved.stores))

        self.notify_errors = QCheckBox("Tell me when something goes wrong")
        self.notify_errors.setChecked(saved.notify_errors)
        self.notify_shipments = QCheckBox("Tell me when tracking numbers reach the store")
        self.notify_shipments.setChecked(saved.notify_shipments)
        notify_box = QGroupBox("Notifications")
        notify_layout = QVBoxLayout(notify_box)
        notify_layout.addWidget(self.notify_errors)
        notify_layout.addWidget(self.notify_shipments)

        self.start_minimized = QCheckBox("Start minimized to the tray")
        self.start_minimized.setChecked(saved.start_minimized)
        # Nothing registers the app with the OS's login items yet: say so rather than pretend.
        self.start_at_login = QCheckBox("Start Desktop Sync when I log in")
        self.start_at_login.setChecked(self._login.is_enabled())
        self.start_at_login.setToolTip(
            "Desktop Sync starts in the system tray when you log in to this computer."
        )
        startup_box = QGroupBox("Startup")
        startup_layout = QVBoxLayout(startup_box)
        startup_layout.addWidget(self.start_minimized)
        startup_layout.addWidget(self.start_at_login)

        self.reconnect_button = QPushButton("Reconnect…")
        self.reconnect_button.setToolTip("Enter new keys, or connect another store or account")
        self.reconnect_button.clicked.connect(self._reconnect)
        self.forget_button = QPushButton("Forget this store…")
        self.forget_button.clicked.connect(self._confirm_forget)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOR};")
        self.problem.setVisible(False)
        connection_box = QGroupBox("Connection")
        connection_row = QHBoxLayout(connection_box)
        connection_row.addWidget(self.reconnect_button)
        connection_row.addWidget(self.forget_button)
        connection_row.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        # Two tabs, so each store's statuses have room: how the app runs, and where each
        # store's orders go.
        self.tabs = QTabWidget()
        for title, boxes in (
            ("General", (sync_box, folder_box, notify_box, startup_box, connection_box)),
            ("Stores", (self.stores_box,)),
        ):
            tab = QWidget()
            tab_layout = QVBoxLayout(tab)
            for box in boxes:
                tab_layout.addWidget(box)
            tab_layout.addStretch(1)
            self.tabs.addTab(tab, title)
        # Later, not now: boxes just added are shown by a queued call, and only then count.
        self.stores_box.grew.connect(lambda: QTimer.singleShot(0, self._fit_height))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.runner = VerifyRunner(self)
        self.runner.succeeded.connect(self._folders_loaded)
        self.runner.failed.connect(self._folders_failed)
        self.runner.busy_changed.connect(self.folder_busy.set_running)
        self.load_folders()
        self.stores_box.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        # Wrapped sentences need more height at this width than the size hint says; grow to
        # fit them rather than squeeze the rows. The size is then fixed: a window manager
        # offers a maximize button for any window that can be resized (Openbox ignores the
        # flags above), and a form has no use for one.
        layout = self.layout()
        needed = -1
        if layout is not None:
            # Boxes just shown (a store's statuses) post their layouts' requests: take them
            # now, so the sizes below count those boxes.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            layout.activate()
            # The tabs report no height for a width: their pages' minimum counts too.
            needed = max(
                layout.totalHeightForWidth(self.width()), layout.totalMinimumSize().height()
            )
        self.setFixedSize(self.width(), max(needed, self.height()))

    def _show_saved_folder(self) -> None:
        self.folder.clear()
        saved = self._saved
        self.folder.addItem(saved.orderdesk_folder_name or "New", saved.orderdesk_folder_id)

    def load_folders(self) -> None:
        """List the Order Desk folders (on a worker thread) with the saved credentials."""
        if self._profile is None:
            self._folder_problem(
                "Desktop Sync is not connected to Order Desk, so the folder list cannot be "
                "loaded. Use Reconnect to connect, then choose the folder here."
            )
            return
        profile = self._profile
        self.folder.setEnabled(False)
        self.folder_status.setVisible(False)
        self.runner.start(
            functools.partial(
                DesktopSync.verify_orderdesk,
                profile.orderdesk_store_id,
                profile.orderdesk_api_key,
                profile.orderdesk_api_url,
            )
        )

    def _folders_loaded(self, info: object) -> None:
        assert isinstance(info, StoreInfo)
        saved = self._saved
        chosen = (
            info.folder_by_id(saved.orderdesk_folder_id)
            if saved.orderdesk_folder_id is not None
            else None
        )
        chosen = chosen or info.folder_named(saved.orderdesk_folder_name or "New")
        self.folder.clear()
        for folder in info.folders:
            self.folder.addItem(folder.name, folder.id)
        self.stores_box.set_folders(info)
        cancel_name = self.cancel_folder.currentText()
        self.cancel_folder.clear()
        self.cancel_folder.addItems([folder.name for folder in info.folders])
        self.cancel_folder.setEditText(cancel_name)
        if chosen is not None:
            self.folder.setCurrentIndex(self.folder.findData(chosen.id))
        elif info.folders:
            # The saved folder was renamed or deleted in Order Desk: keep its name visible so
            # saving without touching the combo does not silently move orders elsewhere.
            self.folder.insertItem(0, saved.orderdesk_folder_name, saved.orderdesk_folder_id)
            self.folder.setCurrentIndex(0)
        else:
            self._show_saved_folder()
        self.folder.setEnabled(True)

    def _folders_failed(self, sentence: str) -> None:
        self._folder_problem(
            f"{sentence} The folder stays as it is until the list can be loaded; reopen "
            "Settings to try again."
        )

    def _folder_problem(self, sentence: str) -> None:
        self._show_saved_folder()
        self.folder.setEnabled(False)
        self.folder_status.setText(sentence)
        self.folder_status.setVisible(True)
        self._fit_height()

    def settings(self) -> Settings:
        """The saved settings (read now, so other changes are kept) with this dialog's values."""
        current = DesktopSync.load_settings()
        folder_id = self.folder.currentData()
        chosen = {store.id: store for store in self.stores_box.stores()}
        # Each store's statuses are its own now (each page shows the profile's as its own).
        statuses = () if chosen else current.order_statuses
        return dataclasses.replace(
            current,
            push_interval_seconds=self._seconds(self.push_minutes, current.push_interval_seconds),
            pull_interval_seconds=self._seconds(self.pull_minutes, current.pull_interval_seconds),
            overlap_minutes=self.overlap_minutes.value(),
            orderdesk_folder_id=folder_id if isinstance(folder_id, int) else None,
            orderdesk_folder_name=self.folder.currentText() or current.orderdesk_folder_name,
            cancel_folder_name=self.cancel_folder.currentText().strip()
            or current.cancel_folder_name,
            order_statuses=statuses,
            stores=tuple(chosen.get(store.id, store) for store in current.stores),
            notify_errors=self.notify_errors.isChecked(),
            notify_shipments=self.notify_shipments.isChecked(),
            start_minimized=self.start_minimized.isChecked(),
        )

    @staticmethod
    def _seconds(box: QSpinBox, saved_seconds: int) -> int:
        if box.suffix() == " s":
            return box.value()
        return box.value() * 60

    def save(self) -> None:
        try:
            wanted = self.start_at_login.isChecked()
            if wanted != self._login.is_enabled():
                if wanted:
                    self._login.enable(DesktopSync.launch_command())
                else:
                    self._login.disable()
        except StartAtLoginFailed as error:
            self._problem(str(error))
            return
        new = self.settings()
        try:
            DesktopSync.save_settings(new)
        except OSError as error:
            log.warning("The settings could not be saved: %s", error)
            self._problem(
                f"Your settings could not be saved ({error.strerror or error}). Check that the "
                "disk is not full, then press Save again."
            )
            return
        self._saved = new
        self.settings_changed.emit(new)
        self.accept()

    def _problem(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setVisible(bool(sentence))
        self._fit_height()

    def _reconnect(self) -> None:
        self.runner.cancel()
        self.reconnect_requested.emit()
        self.reject()

    def _profile_of(self, store: StoreSettings) -> Profile | None:
        return next((p for p in self._profiles if p.store_id == store.id), None)

    def _confirm_remove(self, store: object) -> None:
        assert isinstance(store, StoreSettings)
        self.remove_box = confirm_remove(self, store, self._remove)

    def _remove(self, store: StoreSettings) -> None:
        if self._remove_store is None:
            self._problem("Stores can be removed only while Desktop Sync is connected.")
            return
        try:
            self._remove_store(store.label)
        except (DesktopSyncError, OSError) as error:
            log.warning("The store could not be removed: %s", error)
            self._problem(f"{store.label} could not be removed: {error}")
            return
        self.stores_box.drop(store.id)
        self._problem("")
        self.store_removed.emit(store)

    def _confirm_forget(self) -> None:
        # Held on self: the message box does not keep the Python wrapper alive.
        self.forget_box, self.delete_history = confirm_forget(self, self._forget)

    def _forget(self, delete_history: bool) -> None:
        try:
            secrets = self._secrets if self._secrets is not None else DesktopSync.keyring()
            DesktopSync.forget_profile(secrets, keep_journal=not delete_history)
        except KeyringUnavailable as error:
            self._problem(str(error))
            return
        except OSError as error:
            log.warning("The store could not be forgotten: %s", error)
            self._problem(
                f"Desktop Sync could not remove everything ({error.strerror or error}). Quit "
                "Desktop Sync, open it again, and choose Forget this store again."
            )
            return
        self.runner.cancel()
        self.forgotten.emit()
        self.accept()

"""Settings' part for each store: its Order Desk folder, its statuses (checkboxes read from the
store) and its folder for cancelled orders, each defaulting to the profile's; and Remove.

With several stores a picker chooses which store's page is shown; each store's statuses are
read from the store the first time its page is shown (on a worker thread).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import Profile, Settings, StoreInfo, StoreSettings
from desktop_sync.gui.status_boxes import StatusBoxes
from desktop_sync.gui.wizard_orderdesk import hint_label

__all__ = ["StorePage", "StoresBox"]

log = logging.getLogger(__name__)


class StorePage(QWidget):
    """One store's folder, statuses and cancel folder."""

    def __init__(self, store: StoreSettings, settings: Settings, profile: Profile | None) -> None:
        super().__init__()
        self.store = store
        self.profile = profile
        self.folder = QComboBox()
        self.folder.setMinimumContentsLength(22)
        self.cancel_folder = QComboBox()
        self.cancel_folder.setEditable(True)
        self.cancel_folder.setMinimumContentsLength(22)
        self.cancel_folder.setEditText(store.cancel_folder_name)
        line = self.cancel_folder.lineEdit()
        if line is not None:
            line.setPlaceholderText(f"as on General: {settings.cancel_folder_name}")
        self._profile_id = settings.orderdesk_folder_id
        self._profile_folder = (
            settings.folder_names.get(settings.orderdesk_folder_id or 0)
            or settings.orderdesk_folder_name
            or "New"
        )
        self.folder_note = hint_label()
        """Says when the saved folder is not one Order Desk lists (deleted there)."""
        self.folder_note.setVisible(False)
        self._show_folders((), listed=False)
        self.folder.currentIndexChanged.connect(self._say_if_gone)
        # The store's own choice, else the profile's (an earlier version's one field).
        saved = DesktopSync.chosen_statuses(
            store.platform, store.order_statuses or settings.order_statuses
        )
        self.statuses = StatusBoxes(store.platform, saved, store.label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Its new orders go to the folder", self.folder)
        form.addRow("", self.folder_note)
        form.addRow("Its orders cancelled later go to", self.cancel_folder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.statuses)

    def read_statuses(self) -> None:
        """Ask the store for its statuses, once (a worker thread does the asking)."""
        if self.statuses.runner.busy or self.statuses.loaded:
            return
        profile = self.profile
        if profile is None:
            self.statuses.say_unavailable(
                f"The keys of {self.store.label} are not available, so its statuses cannot be "
                "listed now; your saved choice is kept."
            )
            return
        self.statuses.load(
            functools.partial(
                DesktopSync.read_status_choices,
                profile.store_platform,
                profile.store_url,
                profile.store_key,
                profile.store_secret,
                self.statuses.saved,
                store_name=self.store.label,
            )
        )

    def set_folders(self, info: StoreInfo) -> None:
        profile_folder = info.folder_by_id(self._profile_id) if self._profile_id else None
        if profile_folder is not None:
            self._profile_folder = profile_folder.name
        self._show_folders([(folder.name, folder.id) for folder in info.folders], listed=True)
        cancel = self.cancel_folder.currentText()
        self.cancel_folder.clear()
        self.cancel_folder.addItems([folder.name for folder in info.folders])
        self.cancel_folder.setEditText(cancel)

    def _show_folders(self, folders: Sequence[tuple[str, int]], *, listed: bool) -> None:
        """The profile's folder first, then Order Desk's (``listed``: as Order Desk lists
        them now); a saved folder Order Desk does not list is kept, marked and said."""
        store = self.store
        self.folder.blockSignals(True)
        self.folder.clear()
        self.folder.addItem(f"the same folder as {self._profile_folder}", None)
        for name, folder_id in folders:
            self.folder.addItem(name, folder_id)
        saved = store.folder_name.strip()
        self._gone = ""
        self._unlisted = False
        index = 0
        if store.folder_id is not None or saved:
            index = self.folder.findData(store.folder_id) if store.folder_id is not None else -1
            if index < 0 and store.folder_id is None:
                index = self.folder.findText(saved)
            if index < 0:  # kept as saved: not read yet, or no longer in Order Desk
                shown = saved or str(store.folder_id)
                self._gone = shown if listed else ""
                mark = " (not in Order Desk)" if listed else ""
                self.folder.addItem(f"{shown}{mark}", store.folder_id)
                self._unlisted = True
                index = self.folder.count() - 1
        self.folder.setCurrentIndex(index)
        self.folder.blockSignals(False)
        self._say_if_gone()

    def _say_if_gone(self) -> None:
        last = self.folder.currentIndex() == self.folder.count() - 1
        gone = self._unlisted and bool(self._gone) and last
        self.folder_note.setVisible(gone)
        if gone:
            self.folder_note.setText(
                f'Order Desk has no folder "{self._gone}", so {self.store.label}\'s new orders '
                "are not sent: choose one of its folders here, then Save."
            )

    def chosen(self) -> StoreSettings:
        """The store with this page's choices (a folder kept as saved stays as it was)."""
        index = self.folder.currentIndex()
        if self._unlisted and index == self.folder.count() - 1:
            folder_id, folder_name = self.store.folder_id, self.store.folder_name
        elif index > 0:
            data = self.folder.currentData()
            folder_id = data if isinstance(data, int) else None
            folder_name = self.folder.currentText()
        else:
            folder_id, folder_name = None, ""
        return dataclasses.replace(
            self.store,
            folder_id=folder_id,
            folder_name=folder_name,
            order_statuses=self.statuses.chosen(),
            cancel_folder_name=self.cancel_folder.currentText().strip(),
        )


class StoresBox(QGroupBox):
    """Each store's page, a picker when there are several, and Remove this store."""

    remove_requested = Signal(object)
    """A ``StoreSettings`` the merchant asked to remove (the dialog confirms it)."""
    grew = Signal()
    """A store's statuses arrived: the dialog makes room for them."""

    def __init__(
        self,
        settings: Settings,
        profile_of: Callable[[StoreSettings], Profile | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Each store", parent)
        self.picker = QComboBox()
        self.pages = QStackedWidget()
        self.store_pages: list[StorePage] = []
        for store in settings.stores:
            page = StorePage(store, settings, profile_of(store))
            page.statuses.answered.connect(self.grew)
            self.store_pages.append(page)
            self.pages.addWidget(page)
            self.picker.addItem(store.label, store.id)
        self.picker.currentIndexChanged.connect(self._picked)
        self.remove_button = QPushButton("Remove this store…")
        self.remove_button.clicked.connect(self._remove)
        self.only_store = hint_label()
        top = QHBoxLayout()
        top.addWidget(QLabel("Store"))
        top.addWidget(self.picker, 1)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.only_store)
        layout.addWidget(self.pages)
        self._say_if_only()

    def start(self) -> None:
        """Read the statuses of the store shown."""
        page = self.current_page()
        if page is not None:
            page.read_statuses()

    def current_page(self) -> StorePage | None:
        index = self.pages.currentIndex()
        return self.store_pages[index] if 0 <= index < len(self.store_pages) else None

    def set_folders(self, info: StoreInfo) -> None:
        """Order Desk's folders, just read: each page lists them, and the settings keep them
        (they name the folders kept by id)."""
        try:
            DesktopSync.remember_folders(info)
        except OSError as error:  # only the names are missing; the choice is unaffected
            log.warning("Order Desk's folder names could not be kept: %s", error)
        for page in self.store_pages:
            page.set_folders(info)

    def stores(self) -> tuple[StoreSettings, ...]:
        return tuple(page.chosen() for page in self.store_pages)

    def drop(self, store_id: str) -> None:
        """The store was removed: its page goes."""
        index = next((i for i, p in enumerate(self.store_pages) if p.store.id == store_id), -1)
        if index < 0:
            return
        page = self.store_pages.pop(index)
        page.statuses.runner.cancel()
        self.pages.removeWidget(page)
        page.deleteLater()
        self.picker.removeItem(index)
        self._say_if_only()

    def _picked(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.start()

    def _remove(self) -> None:
        page = self.current_page()
        if page is not None:
            self.remove_requested.emit(page.store)

    def _say_if_only(self) -> None:
        only = len(self.store_pages) == 1
        self.remove_button.setEnabled(not only)
        self.only_store.setVisible(only)
        if only:
            self.only_store.setText(
                f"{self.store_pages[0].store.label} is your only store, so it cannot be "
                "removed: add another store first, or use Forget this store on the General "
                "tab to stop syncing."
            )

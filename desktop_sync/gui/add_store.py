"""*Add a store*: the setup wizard's store page for one more store of the profile, then its
name and Order Desk folder. Its keys are verified on the page (on a worker thread) before
Finish; the folder is chosen from Order Desk's own folders, read on a worker thread as the
first wizard's folder page lists them (``FolderList``), first "the same folder as" the
profile's. Finish saves it through the facade (keys to the keyring first; with no usable
keyring nothing is saved and the sentence says so), and the window then syncs it with the
others."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget, QWizard, QWizardPage

from desktop_sync.app.facade import StoreSettings
from desktop_sync.app.facade_types import DesktopSyncError, Settings, StoreInfo
from desktop_sync.gui.verify import VerifyRunner
from desktop_sync.gui.wizard_orderdesk import FolderList, hint_label
from desktop_sync.gui.wizard_store import StorePage

__all__ = ["AddStoreWizard", "StoreAdder"]


class StoreAdder(Protocol):
    """What the wizard needs of the facade."""

    def add_store(self, *args: Any, **kwargs: Any) -> StoreSettings: ...

    def orderdesk_folders(self) -> StoreInfo: ...

    def load_settings(self) -> Settings: ...


def profile_folder(settings: Settings, info: StoreInfo | None = None) -> str:
    """The profile's Order Desk folder by name (Order Desk's name for its id when known)."""
    folder_id = settings.orderdesk_folder_id
    listed = info.folder_by_id(folder_id) if info is not None and folder_id is not None else None
    if listed is not None:
        return listed.name
    named = settings.folder_names.get(folder_id) if folder_id is not None else None
    return named or settings.orderdesk_folder_name.strip() or "New"


class _NamePage(QWizardPage):
    """The store's name, as the merchant will see it in the window and in Order Desk, and its
    Order Desk folder, chosen from Order Desk's list."""

    def __init__(self, reader: StoreAdder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Name the store")
        self.setSubTitle(
            "The name shows on its card and, as its source, on its orders in Order Desk."
        )
        self._reader = reader
        self.name = QLineEdit()
        self.folders = FolderList()
        self.folders.setMinimumHeight(90)
        self.folders_note = hint_label()
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.runner = VerifyRunner(self)
        self.runner.succeeded.connect(self._listed)
        self.runner.failed.connect(self._not_listed)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Order Desk folder", self.folders)
        form.addRow("", self.folders_note)
        form.addRow(self.error)

    def initializePage(self) -> None:
        """List the profile's folder at once, then Order Desk's folders once read."""
        if self.folders.count() > 1 or self.runner.busy:
            return
        self.folders.show_folders((), None, same_as=profile_folder(self._reader.load_settings()))
        self.folders_note.setText("Reading Order Desk's folders…")
        self.runner.start(self._reader.orderdesk_folders)

    def _listed(self, info: object) -> None:
        assert isinstance(info, StoreInfo)
        same_as = profile_folder(self._reader.load_settings(), info)
        self.folders.show_folders(info.folders, None, same_as=same_as)
        self.folders_note.setText("New orders of this store go into the folder chosen here.")

    def _not_listed(self, sentence: str) -> None:
        self.folders_note.setText(
            f"{sentence} Until Order Desk's folders can be read, this store's orders go to the "
            "profile's folder; choose another later in Settings > Stores."
        )


class AddStoreWizard(QWizard):
    """Store page, then name page; ``added`` carries the store once it is saved."""

    added = Signal(object)

    def __init__(self, reader: StoreAdder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a store")
        self._reader = reader
        self.store_page = StorePage()
        self.name_page = _NamePage(reader)
        self.addPage(self.store_page)
        self.addPage(self.name_page)
        self.currentIdChanged.connect(self._suggest_name)

    def _suggest_name(self, page_id: int) -> None:
        if self.page(page_id) is self.name_page and not self.name_page.name.text().strip():
            identity = self.store_page.identity
            self.name_page.name.setText(identity.name.strip() if identity is not None else "")

    def accept(self) -> None:
        platform, url, key, secret = self.store_page.credentials()
        folder = self.name_page.folders.chosen_folder()
        try:
            store = self._reader.add_store(
                platform,
                url,
                key,
                secret,
                name=self.name_page.name.text(),
                folder=str(folder.id) if folder is not None else "",
                verified=True,  # the pages verified these keys and read this folder list
            )
        except DesktopSyncError as exc:
            self.name_page.error.setText(f"The store was not added, nothing was saved: {exc}")
            return
        self.added.emit(store)
        super().accept()

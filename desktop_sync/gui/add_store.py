"""*Add a store*: the setup wizard's store page for one more store of the profile, then its
name and Order Desk folder. Its keys are verified on the page (on a worker thread) before
Finish; Finish saves it through the facade (keys to the keyring first; with no usable keyring
nothing is saved and the sentence says so), and the window then syncs it with the others."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget, QWizard, QWizardPage

from desktop_sync.app.facade import StoreSettings
from desktop_sync.app.facade_types import DesktopSyncError
from desktop_sync.gui.wizard_store import StorePage

__all__ = ["AddStoreWizard", "StoreAdder"]

StoreAdder = Callable[..., StoreSettings]
"""The facade's ``add_store``."""


class _NamePage(QWizardPage):
    """The store's name, as the merchant will see it in the window and in Order Desk, and its
    Order Desk folder (empty: the profile's)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Name the store")
        self.setSubTitle(
            "The name shows on its card and, as its source, on its orders in Order Desk."
        )
        self.name = QLineEdit()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText("the profile's folder")
        self.error = QLabel()
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Order Desk folder", self.folder)
        form.addRow(self.error)


class AddStoreWizard(QWizard):
    """Store page, then name page; ``added`` carries the store once it is saved."""

    added = Signal(object)

    def __init__(self, add_store: StoreAdder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a store")
        self._add_store = add_store
        self.store_page = StorePage()
        self.name_page = _NamePage()
        self.addPage(self.store_page)
        self.addPage(self.name_page)
        self.currentIdChanged.connect(self._suggest_name)

    def _suggest_name(self, page_id: int) -> None:
        if self.page(page_id) is self.name_page and not self.name_page.name.text().strip():
            identity = self.store_page.identity
            self.name_page.name.setText(identity.name.strip() if identity is not None else "")

    def accept(self) -> None:
        platform, url, key, secret = self.store_page.credentials()
        try:
            store = self._add_store(
                platform,
                url,
                key,
                secret,
                name=self.name_page.name.text(),
                folder=self.name_page.folder.text(),
                verified=True,  # the store page verified these keys
            )
        except DesktopSyncError as exc:
            self.name_page.error.setText(f"The store was not added, nothing was saved: {exc}")
            return
        self.added.emit(store)
        super().accept()

"""Taking stores away in the window, each after one question: remove a store (its history
kept, its keys deleted from the keyring; the facade's ``remove_store``), or forget the whole
connection (Settings' Forget this store)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from desktop_sync.app.facade_types import StoreSettings

__all__ = ["confirm_forget", "confirm_remove"]


def confirm_remove(
    parent: QWidget, store: StoreSettings, remove: Callable[[StoreSettings], None]
) -> QMessageBox:
    """A window-modal question; ``remove`` is called only when the merchant confirms."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Remove this store?")
    box.setText(f"Remove {store.label} from Desktop Sync?")
    box.setInformativeText(
        "Its keys are deleted from this computer's keyring and it is no longer synced; its "
        "sync history is kept, so its orders are never sent twice if you add it again."
    )
    button = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.buttonClicked.connect(lambda clicked: remove(store) if clicked is button else None)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box


def confirm_forget(
    parent: QWidget, forget: Callable[[bool], None]
) -> tuple[QMessageBox, QCheckBox]:
    """A window-modal question; ``forget(delete_history)`` is called only when confirmed."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Forget this store?")
    box.setText("Forget this store and stop syncing?")
    box.setInformativeText(
        "Desktop Sync removes your saved keys and settings from this computer. Orders "
        "already in Order Desk and tracking already in your store stay as they are."
    )
    history = QCheckBox("Also delete the sync history")
    history.setToolTip(
        "Keep the history if you may connect this store again: it stops orders from being "
        "sent twice."
    )
    box.setCheckBox(history)
    button = box.addButton("Forget", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.buttonClicked.connect(
        lambda clicked: forget(history.isChecked()) if clicked is button else None
    )
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box, history

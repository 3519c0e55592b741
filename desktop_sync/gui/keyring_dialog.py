"""The choice shown when this computer has no password store: keep secrets for this session only,
or go back; never a plain-text file."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["KeyringChoiceDialog", "what_to_install"]


def what_to_install(platform: str = sys.platform) -> str:
    """One or two sentences naming the password store to install or unlock on ``platform``."""
    if platform == "win32":
        return (
            "Windows always has the Credential Manager, so it is probably blocked for your "
            "account. Sign in to Windows with your own account (not a guest account) and try again."
        )
    if platform == "darwin":
        return (
            "macOS always has the Keychain, so it is probably locked. Open Keychain Access, "
            "unlock your login keychain, and try again."
        )
    return (
        "Install a password store that offers the Secret Service: GNOME Keyring (on most "
        "desktops), KWallet (on KDE), or KeePassXC with Secret Service integration turned on. "
        "Then sign out and in again, and run this setup again."
    )


class KeyringChoiceDialog(QDialog):
    """Accepted means "keep the secrets in memory for this session"; rejected means "go back"."""

    def __init__(self, parent: QWidget | None = None, *, platform: str = sys.platform) -> None:
        super().__init__(parent)
        self.setWindowTitle("No password store on this computer")
        self.setMinimumWidth(460)

        heading = QLabel("<b>This computer has no password store.</b>")
        explanation = QLabel(
            "Desktop Sync keeps your API keys in the system's password store and never in a "
            "file. It could not find a password store it can use."
        )
        advice = QLabel(what_to_install(platform))
        session = QLabel(
            "You can also keep your keys for this session only: syncing works until you quit "
            "Desktop Sync, and you will need to enter the keys again after a restart."
        )
        layout = QVBoxLayout(self)
        for label in (heading, explanation, advice, session):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)

        buttons = QDialogButtonBox()
        self.session_button = QPushButton("Keep secrets for this session only")
        self.cancel_button = QPushButton("Cancel")
        buttons.addButton(self.session_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

"""The wizard's store page: platform, address and credentials, with Verify."""

from __future__ import annotations

import functools

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import PlatformInfo, StoreIdentity
from desktop_sync.gui.status import check_sentence
from desktop_sync.gui.verify import VerifyRow, VerifyRunner
from desktop_sync.gui.wizard_orderdesk import SecretField, first_empty, hint_label, with_hint

__all__ = ["StorePage", "uses_secret"]


def uses_secret(info: PlatformInfo) -> bool:
    # PlatformInfo has no flag for "this platform has no secret at all"; BigCommerce says so
    # with an optional secret whose label is "(not used)", and showing that field would only
    # invite the merchant to paste something into it.
    return not (info.secret_optional and info.secret_label.startswith("("))


def _labels(info: PlatformInfo) -> tuple[str, str, str]:
    """The platform's words for the address, the key and the secret fields."""
    optional = " (optional)" if info.secret_optional else ""
    return info.url_label, info.key_label, info.secret_label + optional


class StorePage(QWizardPage):
    """Platform, store address, key and secret; Next only after a good verify."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Connect your store")
        self.setSubTitle("Choose your store's platform and paste the API details from its admin.")
        self.identity: StoreIdentity | None = None
        """What the last good verify returned."""
        self._working: tuple[str, str, str, str] | None = None

        self.platform = QComboBox()
        for info in DesktopSync.platforms():
            self.platform.addItem(info.display_name, info.name)
        self.url = QLineEdit()
        self.key = SecretField()
        self.secret = SecretField()
        self.platform_label = QLabel("Platform")
        self.url_label, self.key_label, self.secret_label = QLabel(), QLabel(), QLabel()
        self.url_hint, self.key_hint, self.secret_hint = hint_label(), hint_label(), hint_label()
        for label, field in (
            (self.platform_label, self.platform),
            (self.url_label, self.url),
            (self.key_label, self.key),
            (self.secret_label, self.secret),
        ):
            label.setBuddy(field)
        # The labels' column is as wide as the widest any platform has: the fields never move
        # sideways when the platform changes.
        widest = max(
            self.url_label.fontMetrics().horizontalAdvance(text)
            for text in (
                "Platform",
                *(words for info in DesktopSync.platforms() for words in _labels(info)),
            )
        )
        for label in (self.platform_label, self.url_label, self.key_label, self.secret_label):
            label.setMinimumWidth(widest + 2)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow(self.platform_label, self.platform)
        self.form.addRow(self.url_label, with_hint(self.url, self.url_hint))
        self.form.addRow(self.key_label, with_hint(self.key, self.key_hint))
        self.secret_row = with_hint(self.secret, self.secret_hint)
        self.form.addRow(self.secret_label, self.secret_row)

        self.verify_row = VerifyRow("Verify")
        self.runner = VerifyRunner(self)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addSpacing(8)
        layout.addWidget(self.verify_row)
        layout.addStretch(1)

        self.platform.currentIndexChanged.connect(self._platform_changed)
        self.verify_row.verify_clicked.connect(self.verify)
        self.runner.succeeded.connect(self._verified)
        self.runner.failed.connect(self._failed)
        for edit in (self.url, self.key, self.secret):
            edit.textChanged.connect(self._edited)
        # Enter in a field moves on to the next empty one, and checks once all are filled in.
        for edit in (self.url, self.key.edit, self.secret.edit):
            edit.returnPressed.connect(self._enter)
        self._platform_changed()

    def initializePage(self) -> None:
        # The cursor starts in a text field, never on the Platform box (where a typed letter
        # would choose another platform); after the wizard's own choice of focus.
        QTimer.singleShot(0, lambda: self.first_field().setFocus(Qt.FocusReason.TabFocusReason))

    def _required(self) -> tuple[QLineEdit, ...]:
        info = self.platform_info()
        needs_secret = uses_secret(info) and not info.secret_optional
        return (self.url, self.key.edit, *((self.secret.edit,) if needs_secret else ()))

    def first_field(self) -> QLineEdit:
        """Where the cursor starts: the first required field still empty, else the address."""
        return first_empty(self._required()) or self.url

    def _enter(self) -> None:
        if self.identity is not None or self.unchanged() or self.runner.busy:
            return
        empty = first_empty(self._required())
        if empty is not None:
            empty.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.verify()

    def platform_info(self) -> PlatformInfo:
        return DesktopSync.platforms()[max(self.platform.currentIndex(), 0)]

    def select_platform(self, name: str) -> None:
        index = self.platform.findData(name)
        if index >= 0:
            self.platform.setCurrentIndex(index)

    def credentials(self) -> tuple[str, str, str, str]:
        """Platform name, address, key and secret as entered, without stray spaces."""
        info = self.platform_info()
        secret = self.secret.text().strip() if uses_secret(info) else ""
        return info.name, self.url.text().strip(), self.key.text().strip(), secret

    def verify(self) -> None:
        self.key.clean()
        self.secret.clean()
        info = self.platform_info()
        platform, url, key, secret = self.credentials()
        missing = [info.url_label] if not url else []
        if not key:
            missing.append(info.key_label)
        if not secret and uses_secret(info) and not info.secret_optional:
            missing.append(info.secret_label)
        if missing:
            self.verify_row.show_error(
                f"Enter the {' and the '.join(missing)} first, then press Verify."
            )
            return
        self.verify_row.show_busy()
        self.runner.start(functools.partial(DesktopSync.verify_store, platform, url, key, secret))
        self.completeChanged.emit()

    def keep_as_working(self) -> None:
        """Reconnect: the store as filled in already worked; it needs no new check unless a
        field changes."""
        self._working = self.credentials()
        self.verify_row.show_ok("Unchanged: connected before")
        self.completeChanged.emit()

    def unchanged(self) -> bool:
        return self._working is not None and self.credentials() == self._working

    def isComplete(self) -> bool:
        if self.runner.busy:
            return False
        return self.identity is not None or self.unchanged()

    def _platform_changed(self) -> None:
        info = self.platform_info()
        url_words, key_words, secret_words = _labels(info)
        self.url_label.setText(url_words)
        self.url_hint.setText(info.url_hint)
        self.key_label.setText(key_words)
        self.key_hint.setText(info.key_hint)
        self.secret_label.setText(secret_words)
        self.secret_hint.setText(info.secret_hint)
        shown = uses_secret(info)
        self.form.setRowVisible(self.secret_row, shown)
        self._edited()

    def _verified(self, identity: object) -> None:
        assert isinstance(identity, StoreIdentity)
        self.identity = identity
        name = identity.name.strip() or self.url.text().strip()
        self.verify_row.show_ok(f"Enabled — connected to {name}")
        self.completeChanged.emit()

    def _failed(self, sentence: str) -> None:
        self.identity = None
        self.verify_row.show_error(check_sentence(sentence, "Verify"))
        self.completeChanged.emit()

    def _edited(self) -> None:
        self.runner.cancel()
        self.identity = None
        if self.unchanged():
            self.verify_row.show_ok("Unchanged: connected before")
        else:
            self.verify_row.show_idle()
        self.completeChanged.emit()

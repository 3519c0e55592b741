"""The wizard's store page: platform, address and credentials, with Verify."""

from __future__ import annotations

import functools

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_sync.app.wiring import PLATFORMS, PlatformInfo, verify_store
from desktop_sync.connectors.stores.base import StoreIdentity
from desktop_sync.gui.status import check_sentence
from desktop_sync.gui.verify import VerifyRow, VerifyRunner
from desktop_sync.gui.wizard_orderdesk import SecretField, hint_label, with_hint

__all__ = ["StorePage", "uses_secret"]


def uses_secret(info: PlatformInfo) -> bool:
    # PlatformInfo has no flag for "this platform has no secret at all"; BigCommerce says so
    # with an optional secret whose label is "(not used)", and showing that field would only
    # invite the merchant to paste something into it.
    return not (info.secret_optional and info.secret_label.startswith("("))


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
        for info in PLATFORMS:
            self.platform.addItem(info.display_name, info.name)
        self.url = QLineEdit()
        self.key = SecretField()
        self.secret = SecretField()
        self.url_label, self.key_label, self.secret_label = QLabel(), QLabel(), QLabel()
        self.url_hint, self.key_hint, self.secret_hint = hint_label(), hint_label(), hint_label()
        for label, field in (
            (self.url_label, self.url),
            (self.key_label, self.key),
            (self.secret_label, self.secret),
        ):
            label.setBuddy(field)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("Platform", self.platform)
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
        for field in (self.key, self.secret):
            field.edit.returnPressed.connect(self._enter_in_key)
        self._platform_changed()

    def _enter_in_key(self) -> None:
        if self.identity is None and not self.runner.busy:
            self.verify()

    def platform_info(self) -> PlatformInfo:
        return PLATFORMS[max(self.platform.currentIndex(), 0)]

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
        self.runner.start(functools.partial(verify_store, platform, url, key, secret))
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
        self.url_label.setText(info.url_label)
        self.url_hint.setText(info.url_hint)
        self.key_label.setText(info.key_label)
        self.key_hint.setText(info.key_hint)
        optional = " (optional)" if info.secret_optional else ""
        self.secret_label.setText(info.secret_label + optional)
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

"""The wizard's Order Desk pages: credentials with Verify Connection, then the folder choice."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import DEFAULT_ORDERDESK_API_URL, Folder, StoreInfo
from desktop_sync.gui.status import check_sentence
from desktop_sync.gui.verify import VerifyRow, VerifyRunner

__all__ = [
    "FolderList",
    "FolderPage",
    "OrderDeskPage",
    "SecretField",
    "first_empty",
    "hint_label",
    "with_hint",
]

ORDERDESK_HINT = (
    "In Order Desk: Store Settings > API tab. Create a key there; the Store ID is shown beside it."
)


def hint_label(text: str = "") -> QLabel:
    """A small, wrapped line under a field saying where the merchant finds its value."""
    label = QLabel(text)
    label.setWordWrap(True)
    palette = label.palette()
    # The theme's muted text colour keeps the hint readable in light and dark themes.
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)
    font = label.font()
    font.setPointSizeF(max(font.pointSizeF() - 1, 7))
    label.setFont(font)
    return label


def first_empty(fields: Sequence[QLineEdit]) -> QLineEdit | None:
    """The first of a page's required fields still empty, where Enter moves the cursor on."""
    return next((field for field in fields if not field.text().strip()), None)


def with_hint(field: QWidget, hint: QLabel) -> QWidget:
    """``field`` with ``hint`` right under it, as one form row (a separate row leaves a gap)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(hint)
    return box


class SecretField(QWidget):
    """A masked line edit with a Show/Hide toggle; the value is shown only when asked."""

    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        # No autocompletion or undo history keeps a pasted key out of other widgets' memory.
        self.edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText
        )
        self.edit.textChanged.connect(self.textChanged)
        self.edit.editingFinished.connect(self.clean)
        self.toggle = QAction("Show", self)
        self.toggle.setCheckable(True)
        self.toggle.setToolTip("Show or hide what you typed")
        self.toggle.toggled.connect(self._reveal)
        button = QToolButton()
        button.setDefaultAction(self.toggle)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def clean(self) -> None:
        """Show the key as it is used: the spaces and invisible characters a paste brings
        along (a web page's non-breaking space) are removed from the field itself."""
        cleaned = DesktopSync.without_invisible(self.edit.text())
        if cleaned != self.edit.text():
            self.edit.setText(cleaned)

    @property
    def revealed(self) -> bool:
        return self.edit.echoMode() == QLineEdit.EchoMode.Normal

    def _reveal(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setText("Hide" if shown else "Show")


class OrderDeskPage(QWizardPage):
    """Store ID, API Key and (under Advanced) the API URL; Next only after a good verify."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle("Connect to Order Desk")
        self.setSubTitle(
            "Desktop Sync sends your store's new orders to Order Desk and brings the tracking "
            "numbers back to your store."
        )
        self.store_info: StoreInfo | None = None
        """What the last good verify returned; the folder page lists its folders."""

        self.store_id = QLineEdit()
        self.store_id.setPlaceholderText("e.g. 12345")
        self.api_key = SecretField()
        self.api_url = QLineEdit(DEFAULT_ORDERDESK_API_URL)
        self.advanced = QToolButton()
        self.advanced.setText("Advanced")
        self.advanced.setCheckable(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setAutoRaise(True)
        self.advanced.toggled.connect(self._show_advanced)
        self.api_url_row = with_hint(
            self.api_url,
            hint_label(
                "Change this only to use the Order Desk sandbox, or when Order Desk support "
                "asks you to."
            ),
        )

        self.verify_row = VerifyRow("Verify Connection")
        self.runner = VerifyRunner(self)
        self.notice = QLabel()
        """Why the wizard opened again (the keys were kept for one session only), if it did."""
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "QLabel { background: #fef3c7; border: 1px solid #f59e0b; border-radius: 6px; "
            "padding: 6px 8px; color: #1f2937; }"
        )
        self.notice.setVisible(False)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("Store ID", self.store_id)
        self.form.addRow("API Key", with_hint(self.api_key, hint_label(ORDERDESK_HINT)))
        self.form.addRow(self.advanced)
        self.form.addRow("API URL", self.api_url_row)
        # Hidden until asked for: only the sandbox, or Order Desk support, needs another URL.
        self.form.setRowVisible(self.api_url_row, False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(self.form)
        layout.addSpacing(8)
        layout.addWidget(self.verify_row)
        layout.addStretch(1)

        self.verify_row.verify_clicked.connect(self.verify)
        self.runner.succeeded.connect(self._verified)
        self.runner.failed.connect(self._failed)
        for edit in (self.store_id, self.api_key, self.api_url):
            edit.textChanged.connect(self._edited)
        # Enter in a field moves on to the next empty one, and checks once all are filled in
        # (once checked, Enter is the wizard's Next).
        for edit in (self.store_id, self.api_key.edit, self.api_url):
            edit.returnPressed.connect(self._enter)

    def show_notice(self, sentence: str) -> None:
        self.notice.setText(sentence)
        self.notice.setVisible(bool(sentence))

    def credentials(self) -> tuple[str, str, str]:
        """Store ID, API key and API URL as entered, without stray spaces from a paste."""
        url = self.api_url.text().strip() or DEFAULT_ORDERDESK_API_URL
        return self.store_id.text().strip(), self.api_key.text().strip(), url

    def verify(self) -> None:
        self.api_key.clean()
        store_id, api_key, api_url = self.credentials()
        if not store_id or not api_key:
            self.verify_row.show_error(
                "Enter your Store ID and API Key first, then press Verify Connection."
            )
            return
        self.verify_row.show_busy()
        self.runner.start(
            functools.partial(DesktopSync.verify_orderdesk, store_id, api_key, api_url)
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.store_info is not None and not self.runner.busy

    def first_field(self) -> QLineEdit:
        """Where the cursor starts: the first required field still empty."""
        return first_empty((self.store_id, self.api_key.edit)) or self.store_id

    def _enter(self) -> None:
        if self.store_info is not None or self.runner.busy:
            return
        empty = first_empty((self.store_id, self.api_key.edit))
        if empty is not None:
            empty.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.verify()

    def _verified(self, info: object) -> None:
        assert isinstance(info, StoreInfo)
        self.store_info = info
        name = info.name.strip()
        self.verify_row.show_ok(f"Enabled — connected to {name}" if name else "Enabled")
        self.completeChanged.emit()

    def _failed(self, sentence: str) -> None:
        self.store_info = None
        self.verify_row.show_error(check_sentence(sentence, "Verify Connection"))
        self.completeChanged.emit()

    def _edited(self) -> None:
        # A verify answers for the values it was given; any edit makes that answer stale.
        self.runner.cancel()
        self.store_info = None
        self.verify_row.show_idle()
        self.completeChanged.emit()

    def _show_advanced(self, shown: bool) -> None:
        self.form.setRowVisible(self.api_url_row, shown)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)


class FolderList(QListWidget):
    """Order Desk's own folders, as ``GET /store`` lists them, to choose from: nothing can be
    typed, so no folder Order Desk does not have can be chosen. With ``same_as`` the first row
    is "the same folder as <the profile's folder>" (``chosen_folder`` is None for it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(120)
        # Roomy rows, easy to click; the list is only as tall as a dozen of them.
        self.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.setMaximumHeight(320)

    def show_folders(
        self, folders: Sequence[Folder], preferred: Folder | None, *, same_as: str = ""
    ) -> None:
        """List ``folders`` (after the same-as row when ``same_as``) and select ``preferred``,
        else the first row."""
        self.blockSignals(True)
        self.clear()
        if same_as:
            self.addItem(QListWidgetItem(f"the same folder as {same_as}"))
        for folder in folders:
            item = QListWidgetItem(folder.name)
            item.setData(Qt.ItemDataRole.UserRole, folder.id)
            self.addItem(item)
        self.blockSignals(False)
        ids = [folder.id for folder in folders]
        if preferred is not None and preferred.id in ids:
            self.setCurrentRow(ids.index(preferred.id) + (1 if same_as else 0))
        elif self.count():
            self.setCurrentRow(0)

    def chosen_folder(self) -> Folder | None:
        """The folder chosen from Order Desk's list; None for the same-as row or none."""
        item = self.currentItem()
        folder_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if item is None or folder_id is None:
            return None
        return Folder(id=int(folder_id), name=item.text())


class FolderPage(QWizardPage):
    """The Order Desk folder new orders go into, from the verified store's folder list."""

    def __init__(self, orderdesk: OrderDeskPage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._orderdesk = orderdesk
        self.preferred: int | str | None = None
        """A folder id or name to select when listed (a previous choice); else "New"."""
        self.setTitle("Order Desk folder")
        self.setSubTitle("New orders from your store go into this Order Desk folder.")
        self.folders = FolderList()
        self.folders.currentItemChanged.connect(self._chosen)
        self.empty_note = QLabel(
            "Order Desk did not list any folders for this store. Add a folder in Order Desk, "
            "then go Back and press Verify Connection again."
        )
        self.empty_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folders)
        layout.addWidget(self.empty_note)
        layout.addWidget(
            hint_label("You can change the folder later in Settings; orders already sent stay.")
        )
        layout.addStretch(1)

    def initializePage(self) -> None:
        info = self._orderdesk.store_info
        folders = info.folders if info is not None else ()
        self.folders.show_folders(folders, self._preselect(info) if info is not None else None)
        self.empty_note.setVisible(not folders)
        self.completeChanged.emit()

    def _preselect(self, info: StoreInfo) -> Folder | None:
        preferred: Folder | None = None
        if isinstance(self.preferred, int):
            preferred = info.folder_by_id(self.preferred)
        elif isinstance(self.preferred, str) and self.preferred:
            preferred = info.folder_named(self.preferred)
        if preferred is None:
            preferred = info.folder_named("New")
        if preferred is None and info.folders:
            preferred = info.folders[0]
        return preferred

    def chosen_folder(self) -> Folder | None:
        return self.folders.chosen_folder()

    def isComplete(self) -> bool:
        return self.chosen_folder() is not None

    def _chosen(self) -> None:
        folder = self.chosen_folder()
        if folder is not None:
            # Going Back and Next again keeps the merchant's pick rather than resetting to New.
            self.preferred = folder.id
        self.completeChanged.emit()

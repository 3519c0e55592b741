"""The first-run wizard: Order Desk, its folder, the store, and where syncing starts; then save."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import KeyringUnavailable, Profile, SecretStore
from desktop_sync.gui.background import TaskRunner
from desktop_sync.gui.keyring_dialog import KeyringChoiceDialog
from desktop_sync.gui.verify import ERROR_COLOR
from desktop_sync.gui.wizard_orderdesk import FolderPage, OrderDeskPage
from desktop_sync.gui.wizard_store import StorePage

__all__ = [
    "CATCHING_UP",
    "CHECKING_HISTORY",
    "PAGE_FINISH",
    "PAGE_FOLDER",
    "PAGE_ORDERDESK",
    "PAGE_STORE",
    "RESUMING",
    "SESSION_ONLY",
    "BackfillNotice",
    "FinishPage",
    "FirstRunWizard",
]

log = logging.getLogger(__name__)

PAGE_ORDERDESK = 0
PAGE_FOLDER = 1
PAGE_STORE = 2
PAGE_FINISH = 3

BackfillNotice = Callable[[Profile, datetime], str]
"""Asks the store what the merchant must hear before a backfill from a date with this profile
("" for nothing; Shopify's 60 days): a network call, run on a worker thread."""

CHECKING_HISTORY = "Checking how far back your store shows its orders..."

SESSION_ONLY = (
    "This computer has no password store, so your keys are kept for this session only: "
    "you will enter them again after Desktop Sync quits."
)
CATCHING_UP = (
    "Desktop Sync catches up by itself: orders placed while it is closed are sent when it "
    "opens again."
)
RESUMING = (
    "Syncing goes on where it stopped: orders placed while Desktop Sync was closed are sent too."
)

# How far back the backfill date starts when the merchant first ticks it.
_DEFAULT_BACKFILL_DAYS = 7


def _no_password_store(secrets: SecretStore | None) -> bool:
    """No keyring can keep the keys: the store given is a placeholder, or none is given and
    the system's is one."""
    if secrets is not None:
        return not secrets.usable
    return not DesktopSync.usable_backend()


class FinishPage(QWizardPage):
    """A summary of the connection and the choice of where syncing starts."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Ready to sync")
        self.setSubTitle("Check the details below, then press Finish to save them.")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.from_now = QRadioButton("Orders placed from now on")
        self.since = QRadioButton("Also orders since")
        self.from_now.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_now)
        group.addButton(self.since)
        today = QDate.currentDate()
        self.since_date = QDateEdit(today.addDays(-_DEFAULT_BACKFILL_DAYS))
        self.since_date.setCalendarPopup(True)
        self.since_date.setMaximumDate(today)
        self.since_date.setDisplayFormat("d MMMM yyyy")
        self.since_date.setEnabled(False)
        self.since.toggled.connect(self.since_date.setEnabled)
        since_row = QHBoxLayout()
        since_row.addWidget(self.since)
        since_row.addWidget(self.since_date)
        since_row.addStretch(1)
        start_box = self.start_box = QGroupBox("Start syncing from")
        start_layout = QVBoxLayout(start_box)
        start_layout.addWidget(self.from_now)
        start_layout.addLayout(since_row)
        self.catching_up = QLabel(CATCHING_UP)
        self.catching_up.setWordWrap(True)
        start_layout.addWidget(self.catching_up)
        # Instead of the choice, when this connection synced before (its keys were kept for one
        # session only): where syncing starts was decided then.
        self.resuming = QLabel(RESUMING)
        self.resuming.setWordWrap(True)
        self.resuming.setVisible(False)

        # What the store says about a backfill from this date, before Finish; three lines
        # kept for it, so the page never jumps when it arrives.
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.history.setMinimumHeight(self.history.fontMetrics().lineSpacing() * 3 + 2)
        start_layout.addWidget(self.history)
        self.history_check = TaskRunner(self, describe=lambda _exc: "")
        self.history_check.succeeded.connect(self._history_said)
        self.history_check.failed.connect(self._history_said)
        self.since.toggled.connect(self.check_history)
        self.since_date.dateChanged.connect(self.check_history)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOR};")
        self.problem.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        layout.addWidget(start_box)
        layout.addWidget(self.resuming)
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self.show_problem("")
        self.summary.setText(self._wizard.summary_html())
        self.check_history()

    def check_history(self) -> None:
        """Ask the store (on a worker thread) what a backfill from the chosen date means."""
        self.history.setText("")
        ask = self._wizard.backfill_notice
        if ask is None or not self.since.isChecked() or not self.start_box.isVisibleTo(self):
            self.history_check.cancel()
            return
        self.history.setText(CHECKING_HISTORY)
        self.history_check.start(functools.partial(ask, self._wizard.profile(), self.sync_since()))

    def _history_said(self, notice: object) -> None:
        self.history.setText(notice if isinstance(notice, str) else "")

    def sync_since(self) -> datetime:
        """UTC start of the first order scan: now, or local midnight of the chosen date."""
        if not self.since.isChecked():
            return datetime.now(UTC)
        chosen = self.since_date.date()
        day = date(chosen.year(), chosen.month(), chosen.day())
        return datetime.combine(day, time()).astimezone().astimezone(UTC)

    def show_problem(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setVisible(bool(sentence))

    def validatePage(self) -> bool:
        # The store's word on the backfill is read before Finish saves, never after.
        if self.since.isChecked() and self.history_check.busy:
            return False
        return self._wizard.save()


class FirstRunWizard(QWizard):
    """Connects Order Desk and a store, then saves the profile and emits ``profile_saved``.

    ``secrets`` is where the keys are saved (default: the system keyring). When no keyring can be
    used the merchant chooses between keeping them for this session only and going back.
    ``prefill`` fills the fields (Reconnect, demo); nothing counts as verified until Verify.
    """

    profile_saved = Signal(object)

    def __init__(
        self,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
        *,
        prefill: Profile | None = None,
        notice: str = "",
        reconnecting: bool = False,
        resuming: bool = False,
        backfill_notice: BackfillNotice | None = None,
    ) -> None:
        super().__init__(parent)
        self.backfill_notice = backfill_notice
        """Asks the store about a backfill before Finish; None: nothing is asked."""
        self._secrets = secrets
        self._prefill = prefill
        self.saved_profile: Profile | None = None
        self.session_only = False
        """True when the merchant chose to keep the keys in memory for this session."""
        self.keyring_dialog: KeyringChoiceDialog | None = None
        self.discard_box: QMessageBox | None = None
        """The "Discard this setup?" question, while it is asked."""

        self.setWindowTitle("Set up Desktop Sync")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(640, 520)
        self.orderdesk_page = OrderDeskPage()
        self.folder_page = FolderPage(self.orderdesk_page)
        self.store_page = StorePage()
        self.finish_page = FinishPage(self)
        self.setPage(PAGE_ORDERDESK, self.orderdesk_page)
        self.setPage(PAGE_FOLDER, self.folder_page)
        self.setPage(PAGE_STORE, self.store_page)
        self.setPage(PAGE_FINISH, self.finish_page)
        self.setStartId(PAGE_ORDERDESK)
        if prefill is not None:
            self._fill(prefill)
        self.reconnecting = reconnecting and prefill is not None
        """Reconnect from a working connection: the store, unchanged, needs no new check, and
        where syncing starts was decided long ago."""
        if self.reconnecting:
            self.store_page.keep_as_working()
            self.finish_page.start_box.setVisible(False)
        self.resuming = resuming and prefill is not None and not self.reconnecting
        """The keys were forgotten (kept for one session only): the connection goes on where
        it stopped, so where syncing starts is not asked again."""
        if self.resuming:
            self.finish_page.start_box.setVisible(False)
            self.finish_page.resuming.setVisible(True)
        self.no_password_store = _no_password_store(secrets)
        """Found as the wizard opens: the merchant chooses before typing any key."""
        self._notice = notice
        self.orderdesk_page.show_notice(notice)
        self._first_focus: QWidget | None = None
        if prefill is not None and not prefill.orderdesk_api_key:
            # The one thing left to type: the cursor waits there.
            self._first_focus = self.orderdesk_page.api_key.edit
        self._untouched = self._typed()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        first, self._first_focus = self._first_focus, None
        if first is not None:
            QTimer.singleShot(0, first.setFocus)
        if self.no_password_store and not self.session_only and self.keyring_dialog is None:
            QTimer.singleShot(0, lambda: self._ask_about_keyring(up_front=True))

    def _typed(self) -> tuple[str, ...]:
        """Everything the merchant can type, to tell whether Cancel would throw work away."""
        return (*self.orderdesk_page.credentials(), *self.store_page.credentials())

    def reject(self) -> None:
        """Escape, Cancel or the window's close: ask first when anything was typed."""
        if self.saved_profile is not None or self._typed() == self._untouched:
            super().reject()
            return
        if self.discard_box is not None and self.discard_box.isVisible():
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Discard this setup?")
        box.setText("Discard this setup?")
        box.setInformativeText("What you entered is not saved, and nothing will sync.")
        # Wide enough for its title beside a title bar's icon and buttons (else "Discard...").
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 300px; }")
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(lambda button: self._discard() if button is discard else None)
        self.discard_box = box
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()

    def _discard(self) -> None:
        self._untouched = self._typed()
        super().reject()

    @property
    def secret_store(self) -> SecretStore | None:
        """Where the keys were saved: the keyring, or memory when ``session_only``."""
        return self._secrets

    def _fill(self, profile: Profile) -> None:
        page = self.orderdesk_page
        page.store_id.setText(profile.orderdesk_store_id)
        page.api_key.setText(profile.orderdesk_api_key)
        page.api_url.setText(profile.orderdesk_api_url)
        self.folder_page.preferred = profile.folder
        store = self.store_page
        store.select_platform(profile.store_platform)
        store.url.setText(profile.store_url)
        store.key.setText(profile.store_key)
        store.secret.setText(profile.store_secret)
        if profile.sync_since is not None:
            local = profile.sync_since.astimezone()
            self.finish_page.since.setChecked(True)
            self.finish_page.since_date.setDate(QDate(local.year, local.month, local.day))

    def summary_html(self) -> str:
        """What Finish will save, in the merchant's words (no secrets)."""
        info = self.orderdesk_page.store_info
        store_id = self.orderdesk_page.credentials()[0]
        folder = self.folder_page.chosen_folder()
        identity = self.store_page.identity
        platform = self.store_page.platform_info()
        url = self.store_page.credentials()[1]
        orderdesk = f"{info.name} (Store ID {store_id})" if info else f"Store ID {store_id}"
        store = f"{identity.name} ({url})" if identity and identity.name else url
        rows = [
            ("Order Desk", orderdesk),
            ("New orders go to folder", folder.name if folder else ""),
            (platform.display_name, store),
        ]
        cells = "".join(
            f"<tr><td style='padding-right:12px'><b>{html.escape(label)}</b></td>"
            f"<td>{html.escape(value)}</td></tr>"
            for label, value in rows
        )
        return f"<table>{cells}</table>"

    def profile(self) -> Profile:
        """The profile from the pages' current values (intervals kept from before, if any)."""
        store_id, api_key, api_url = self.orderdesk_page.credentials()
        platform, url, key, secret = self.store_page.credentials()
        folder = self.folder_page.chosen_folder()
        # Reconnect keeps the intervals the merchant chose; a first run takes the saved defaults.
        kept = self._prefill.settings if self._prefill is not None else DesktopSync.load_settings()
        # The merchant's name for the store: the one saved, else the name the shop gave when
        # it was verified (shown by that one name everywhere, Settings included).
        named = self._prefill.store.name.strip() if self._prefill is not None else ""
        identity = self.store_page.identity
        return Profile(
            orderdesk_store_id=store_id,
            orderdesk_api_key=api_key,
            orderdesk_api_url=api_url,
            orderdesk_folder_id=folder.id if folder else None,
            orderdesk_folder_name=folder.name if folder else "New",
            store_platform=platform,
            store_url=url,
            store_name=named or (identity.name.strip() if identity is not None else ""),
            store_key=key,
            store_secret=secret,
            push_interval_seconds=kept.push_interval_seconds,
            pull_interval_seconds=kept.pull_interval_seconds,
            overlap_minutes=kept.overlap_minutes,
            order_statuses=kept.order_statuses,
            cancel_folder_name=kept.cancel_folder_name,
            sync_since=(
                self._prefill.sync_since
                if (self.reconnecting or self.resuming) and self._prefill is not None
                else self.finish_page.sync_since()
            ),
        )

    def save(self) -> bool:
        """Save the profile; False (and a question or a sentence on screen) when it could not."""
        if self.saved_profile is not None:
            return True
        if self._secrets is None:
            if not DesktopSync.usable_backend():
                self._ask_about_keyring()
                return False
            try:
                self._secrets = DesktopSync.keyring()
            except KeyringUnavailable:
                self._ask_about_keyring()
                return False
        profile = self.profile()
        try:
            DesktopSync.save_profile(profile, self._secrets)
        except KeyringUnavailable as error:
            log.warning("The keyring could not be used: %s", error)
            self._secrets = None
            self._ask_about_keyring()
            return False
        except OSError as error:
            log.warning("The settings could not be saved: %s", error)
            self.finish_page.show_problem(
                f"Your settings could not be saved ({error.strerror or error}). Check that the "
                "disk is not full and that you may write to your home folder, then press Finish "
                "again."
            )
            return False
        info = self.orderdesk_page.store_info
        if info is not None:
            try:  # the folder, kept by its id, is then shown by its name
                DesktopSync.remember_folders(info)
            except OSError as error:  # only the names are missing: the profile is saved
                log.warning("Order Desk's folder names could not be kept: %s", error)
        self.saved_profile = profile
        self.profile_saved.emit(profile)
        return True

    def _ask_about_keyring(self, *, up_front: bool = False) -> None:
        """The choice between keeping the keys for this session only and not going on: as the
        wizard opens when no password store is found then (closing it means no setup), else
        at Finish (going back to the summary)."""
        dialog = KeyringChoiceDialog(self)
        if up_front:
            dialog.cancel_button.setText("Close setup")
            dialog.accepted.connect(self._session_only_from_the_start)
            dialog.rejected.connect(lambda: QWizard.reject(self))
        else:
            dialog.accepted.connect(self._keep_for_session)
            dialog.rejected.connect(self._keyring_declined)
        self.keyring_dialog = dialog
        # open(), not exec(): the wizard keeps its event loop and the choice arrives by signal.
        dialog.open()

    def _session_only_from_the_start(self) -> None:
        self._secrets = DesktopSync.session_keys()
        self.session_only = True
        self.orderdesk_page.show_notice(" ".join(filter(None, (self._notice, SESSION_ONLY))))

    def _keep_for_session(self) -> None:
        self._secrets = DesktopSync.session_keys()
        self.session_only = True
        self.finish_page.show_problem("")
        if self.save():
            self.accept()

    def _keyring_declined(self) -> None:
        self.finish_page.show_problem(
            "Nothing was saved. Set up a password store as described, then press Finish again."
        )

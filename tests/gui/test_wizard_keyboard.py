"""Issue 17 items 1, 4, 13 and 16: the wizard's keyboard (Enter, Escape, focus, Enter in the key
field) and the session-only restart, against the Order Desk emulator over a real socket."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from desktop_sync.app.profile import Profile, ProfileIncomplete, load_profile, save_profile
from desktop_sync.app.secrets import MemorySecretStore, SecretStore
from desktop_sync.app.settings import load_settings
from desktop_sync.gui.app import KEYS_FORGOTTEN, GuiSession
from desktop_sync.gui.wizard import (
    PAGE_FINISH,
    PAGE_FOLDER,
    PAGE_ORDERDESK,
    PAGE_STORE,
    FirstRunWizard,
)
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


def shown_wizard(qtbot: QtBot) -> FirstRunWizard:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    return wizard


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Qt.Key) -> None:
    """A key as the merchant presses it: to whatever has the focus."""
    qtbot.keyClick(focused(), key)


def verify_by_keyboard(qtbot: QtBot, wizard: FirstRunWizard, api_url: str) -> None:
    page = wizard.orderdesk_page
    page.store_id.setFocus()
    qtbot.keyClicks(page.store_id, ORDERDESK_STORE_ID)
    qtbot.keyClicks(page.api_key.edit, ORDERDESK_API_KEY)
    page.api_url.setText(api_url)
    page.verify_row.button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert page.runner.busy
    # While the check runs, focus is parked off the buttons, never on Cancel.
    assert focused() is not wizard.button(FirstRunWizard.WizardButton.CancelButton)
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.verify_row.status.text().startswith("Enabled")


def test_enter_after_verify_goes_to_the_next_page_and_never_quits(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = shown_wizard(qtbot)
    verify_by_keyboard(qtbot, wizard, orderdesk.api_url)
    assert focused() is not wizard.button(FirstRunWizard.WizardButton.CancelButton)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.isVisible()
    assert wizard.result() == 0
    assert wizard.currentId() == PAGE_FOLDER


def test_enter_in_a_field_before_verify_does_nothing(qtbot: QtBot) -> None:
    wizard = shown_wizard(qtbot)
    wizard.orderdesk_page.store_id.setFocus()
    qtbot.keyClicks(wizard.orderdesk_page.store_id, "123")
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.isVisible()
    assert wizard.currentId() == PAGE_ORDERDESK


def test_escape_with_nothing_typed_closes_without_asking(qtbot: QtBot) -> None:
    wizard = shown_wizard(qtbot)
    wizard.orderdesk_page.store_id.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert wizard.discard_box is None


def test_escape_after_typing_asks_and_keep_editing_keeps_everything(qtbot: QtBot) -> None:
    wizard = shown_wizard(qtbot)
    wizard.orderdesk_page.store_id.setFocus()
    qtbot.keyClicks(wizard.orderdesk_page.store_id, "100001")
    press(qtbot, Qt.Key.Key_Escape)
    box = wizard.discard_box
    assert box is not None and box.isVisible()
    assert box.text() == "Discard this setup?"
    assert wizard.isVisible()
    # Escape in the question means "no": back to the wizard, nothing lost.
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=WAIT_MS)
    assert wizard.isVisible()
    assert wizard.orderdesk_page.store_id.text() == "100001"


def test_cancel_after_typing_asks_and_discard_closes(qtbot: QtBot) -> None:
    wizard = shown_wizard(qtbot)
    wizard.orderdesk_page.store_id.setText("100001")
    wizard.button(FirstRunWizard.WizardButton.CancelButton).click()
    box = wizard.discard_box
    assert box is not None and box.isVisible()
    assert wizard.isVisible()
    discard = next(
        b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.DestructiveRole
    )
    discard.click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT_MS)
    assert wizard.result() == 0
    assert wizard.saved_profile is None


def test_enter_in_the_key_field_verifies_then_enter_goes_next(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = shown_wizard(qtbot)
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_url.setText(orderdesk.api_url)
    page.api_key.setFocus()
    qtbot.keyClicks(focused(), ORDERDESK_API_KEY)
    press(qtbot, Qt.Key.Key_Return)
    assert page.runner.busy
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert wizard.currentId() == PAGE_ORDERDESK
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_FOLDER


def test_after_a_session_only_restart_everything_but_the_keys_is_filled_in_and_said(
    qtbot: QtBot,
) -> None:
    profile = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=ORDERDESK_API_KEY,
        orderdesk_api_url="http://127.0.0.1:9/api/v2",
        orderdesk_folder_name="Rush",
        store_platform="woocommerce",
        store_url="https://shop.example.com",
        store_key="ck_live",
        store_secret="cs_live",
    )
    save_profile(profile, MemorySecretStore())  # the session-only choice: keys in memory
    # The next start: the settings are there, the keys are not.
    with pytest.raises(ProfileIncomplete):
        load_profile({}, secrets=SecretStore())
    session = GuiSession()
    session.settings = load_settings()
    wizard = session.make_wizard()
    qtbot.addWidget(wizard)
    with qtbot.waitActive(wizard):
        wizard.show()
        wizard.activateWindow()
    page = wizard.orderdesk_page
    assert page.notice.isVisible()
    assert page.notice.text() == KEYS_FORGOTTEN
    assert page.store_id.text() == ORDERDESK_STORE_ID
    assert page.api_url.text() == "http://127.0.0.1:9/api/v2"
    assert page.api_key.text() == ""
    store = wizard.store_page
    assert store.platform_info().name == "woocommerce"
    assert store.url.text() == "https://shop.example.com"
    assert (store.key.text(), store.secret.text()) == ("", "")
    assert wizard.folder_page.preferred == "Rush"
    assert focused() is page.api_key.edit
    # Nothing typed yet: Escape closes without a question.
    press(qtbot, Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_reconnect_with_only_a_new_orderdesk_key_asks_nothing_else(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    since = datetime(2024, 3, 1, tzinfo=UTC)
    working = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=ORDERDESK_API_KEY,
        orderdesk_api_url=orderdesk.api_url,
        store_platform="bigcommerce",
        store_url=bigcommerce.api_url,
        store_key=BIGCOMMERCE_TOKEN,
        sync_since=since,
    )
    orderdesk.set_credentials(ORDERDESK_STORE_ID, "od-new-key")
    wizard = FirstRunWizard(MemorySecretStore(), prefill=working, reconnecting=True)
    qtbot.addWidget(wizard)
    with qtbot.waitActive(wizard):
        wizard.show()
        wizard.activateWindow()
    page = wizard.orderdesk_page
    page.api_key.setText("")
    page.api_key.setFocus()
    qtbot.keyClicks(focused(), "od-new-key")
    press(qtbot, Qt.Key.Key_Return)  # verifies
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_FOLDER
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_STORE
    # The store worked and nothing about it changed: no second check.
    assert wizard.store_page.isComplete()
    assert wizard.store_page.verify_row.status.text() == "Unchanged: connected before"
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_FINISH
    assert not wizard.finish_page.start_box.isVisible()  # no backfill question again
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS) as saved:
        press(qtbot, Qt.Key.Key_Return)
    profile = saved.args[0]
    assert profile.orderdesk_api_key == "od-new-key"
    assert profile.store_key == BIGCOMMERCE_TOKEN
    assert profile.sync_since == since


def test_reconnect_with_a_changed_store_field_checks_the_store_again(qtbot: QtBot) -> None:
    working = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=ORDERDESK_API_KEY,
        store_platform="bigcommerce",
        store_url="http://127.0.0.1:9/stores/abc/v3",
        store_key=BIGCOMMERCE_TOKEN,
    )
    wizard = FirstRunWizard(MemorySecretStore(), prefill=working, reconnecting=True)
    qtbot.addWidget(wizard)
    store = wizard.store_page
    assert store.isComplete()
    store.key.setText("another-token")
    assert not store.isComplete()
    store.key.setText(BIGCOMMERCE_TOKEN)
    assert store.isComplete()

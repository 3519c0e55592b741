"""Issue 23 item 6: the wizard by keyboard. Each page opens with the cursor in its first text
field (never on the Platform box, where a typed letter picks another platform); the fields stay
in one column whatever the platform; Enter on a focused Verify button verifies; Enter in a field
moves on to the next empty one, or verifies when all are filled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop_sync.gui.wizard import PAGE_FOLDER, PAGE_ORDERDESK, PAGE_STORE, FirstRunWizard
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.gui.test_wizard_keyboard import focused, press, shown_wizard, verify_by_keyboard

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


def fill_orderdesk(wizard: FirstRunWizard, api_url: str) -> None:
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(ORDERDESK_API_KEY)
    page.api_url.setText(api_url)


def test_the_first_page_opens_with_the_cursor_in_the_store_id(qtbot: QtBot) -> None:
    wizard = shown_wizard(qtbot)
    qtbot.waitUntil(lambda: focused() is wizard.orderdesk_page.store_id, timeout=WAIT_MS)


def test_the_store_page_opens_in_its_first_text_field_and_a_letter_goes_there(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = shown_wizard(qtbot)
    verify_by_keyboard(qtbot, wizard, orderdesk.api_url)
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_FOLDER
    press(qtbot, Qt.Key.Key_Return)
    assert wizard.currentId() == PAGE_STORE
    store = wizard.store_page
    platform = store.platform_info().name
    qtbot.waitUntil(lambda: focused() is store.url, timeout=WAIT_MS)
    qtbot.keyClicks(focused(), "w")
    assert store.platform_info().name == platform
    assert store.url.text() == "w"


def test_the_fields_stay_in_one_column_whatever_the_platform(qtbot: QtBot) -> None:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.setStartId(PAGE_STORE)
    wizard.show()
    qtbot.waitExposed(wizard)
    store = wizard.store_page
    columns = set()
    for index in range(store.platform.count()):
        store.platform.setCurrentIndex(index)
        store.layout().activate()
        columns.add(
            tuple(
                widget.mapTo(store, QPoint(0, 0)).x()
                for widget in (store.platform, store.url, store.key)
            )
        )
    assert len(columns) == 1, columns


def test_enter_on_a_focused_verify_button_verifies_then_goes_next(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = shown_wizard(qtbot)
    fill_orderdesk(wizard, orderdesk.api_url)
    page = wizard.orderdesk_page
    page.verify_row.button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert page.runner.busy
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.verify_row.status.text().startswith("Enabled")
    assert wizard.currentId() == PAGE_ORDERDESK
    press(qtbot, Qt.Key.Key_Return)  # verified: Enter is the wizard's Next
    assert wizard.currentId() == PAGE_FOLDER


def test_enter_in_the_store_id_moves_on_to_the_key_then_verifies(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = shown_wizard(qtbot)
    page = wizard.orderdesk_page
    page.api_url.setText(orderdesk.api_url)
    page.store_id.setFocus()
    qtbot.keyClicks(focused(), ORDERDESK_STORE_ID)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is page.api_key.edit
    assert not page.runner.busy
    page.api_key.setText(ORDERDESK_API_KEY)
    page.store_id.setFocus()
    press(qtbot, Qt.Key.Key_Return)  # everything is filled in: Enter verifies
    assert page.runner.busy
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.store_info is not None


def test_enter_in_the_api_url_verifies(qtbot: QtBot, orderdesk: OrderDeskEmulator) -> None:
    wizard = shown_wizard(qtbot)
    fill_orderdesk(wizard, "")
    page = wizard.orderdesk_page
    page.advanced.setChecked(True)
    page.api_url.setFocus()
    qtbot.keyClicks(focused(), orderdesk.api_url)
    press(qtbot, Qt.Key.Key_Return)
    assert page.runner.busy
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.store_info is not None


def test_enter_in_the_store_address_moves_on_to_the_key_then_verifies(
    qtbot: QtBot, bigcommerce: BigCommerceEmulator
) -> None:
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.setStartId(PAGE_STORE)
    wizard.show()
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    store = wizard.store_page
    store.select_platform("bigcommerce")
    store.url.setFocus()
    qtbot.keyClicks(focused(), bigcommerce.api_url)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is store.key.edit
    qtbot.keyClicks(focused(), BIGCOMMERCE_TOKEN)
    press(qtbot, Qt.Key.Key_Return)
    assert store.runner.busy
    qtbot.waitUntil(lambda: not store.runner.busy, timeout=WAIT_MS)
    assert store.identity is not None

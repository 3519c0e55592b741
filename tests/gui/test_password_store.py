"""Issue 23 item 7: a computer with no password store is found as the wizard opens, before any
key is typed; after "this session only" the dashboard says the keys go when the app quits; and
the start of syncing is said truthfully (orders placed while the app is closed are not lost)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop_sync.app.profile import Profile, save_profile
from desktop_sync.app.secrets import MemorySecretStore, SecretStore
from desktop_sync.app.settings import load_settings
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.dashboard import KEYS_FOR_THIS_SESSION
from desktop_sync.gui.wizard import CATCHING_UP, RESUMING, SESSION_ONLY, FirstRunWizard
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.gui.test_wizard import files_containing, walk_to_finish
from tests.gui.test_workers import make_profile

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


@pytest.fixture
def no_password_store() -> Iterator[None]:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    yield


def opened(qtbot: QtBot, secrets: SecretStore | None) -> FirstRunWizard:
    wizard = FirstRunWizard(secrets)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


@pytest.mark.parametrize("given", ["the system's store", "none"])
def test_no_password_store_is_said_as_the_wizard_opens_and_session_only_goes_through(
    no_password_store: None,
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    isolated_profile: Path,
    given: str,
) -> None:
    # GuiSession.load hands the wizard a SecretStore (or None when even that failed).
    wizard = opened(qtbot, SecretStore() if given != "none" else None)
    qtbot.waitUntil(
        lambda: wizard.keyring_dialog is not None and wizard.keyring_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    assert wizard.orderdesk_page.api_key.text() == ""  # nothing typed yet
    dialog = wizard.keyring_dialog
    assert dialog is not None
    dialog.session_button.click()
    assert wizard.isVisible() and wizard.session_only
    assert SESSION_ONLY in wizard.orderdesk_page.notice.text()
    assert wizard.orderdesk_page.notice.isVisible()
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.keyring_dialog is dialog  # asked once, at the start
    assert isinstance(wizard.secret_store, MemorySecretStore)
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert files_containing(isolated_profile, [ORDERDESK_API_KEY, BIGCOMMERCE_TOKEN]) == []


def test_closing_the_question_at_the_start_closes_the_setup(
    no_password_store: None, qtbot: QtBot
) -> None:
    wizard = opened(qtbot, SecretStore())
    qtbot.waitUntil(
        lambda: wizard.keyring_dialog is not None and wizard.keyring_dialog.isVisible(),
        timeout=WAIT_MS,
    )
    assert wizard.keyring_dialog is not None
    assert wizard.keyring_dialog.cancel_button.text() == "Close setup"
    wizard.keyring_dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=WAIT_MS)
    assert wizard.saved_profile is None
    assert load_settings().orderdesk_store_id == ""


def test_with_a_password_store_nothing_is_asked(qtbot: QtBot) -> None:
    wizard = opened(qtbot, SecretStore())
    qtbot.wait(50)
    assert wizard.keyring_dialog is None
    assert not wizard.orderdesk_page.notice.isVisible()


@pytest.mark.parametrize("memory", [True, False], ids=["session only", "password store"])
def test_after_session_only_the_dashboard_says_the_keys_go_when_the_app_quits(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator, memory: bool
) -> None:
    session = GuiSession()
    session.profile = make_profile(orderdesk, bigcommerce)
    session.secrets = MemorySecretStore() if memory else SecretStore()
    try:
        assert session.open_journal()
        window = session.show()
        qtbot.addWidget(window)
        note = window.dashboard.keys_note
        assert note.isVisibleTo(window) is memory
        assert note.text() == KEYS_FOR_THIS_SESSION
        assert "forgets them when it quits" in note.text()
    finally:
        session.close()


def test_a_first_setup_says_orders_placed_while_closed_are_not_lost(qtbot: QtBot) -> None:
    wizard = opened(qtbot, SecretStore())
    finish = wizard.finish_page
    assert finish.from_now.text() == "Orders placed from now on"
    assert finish.catching_up.text() == CATCHING_UP
    assert "closed are sent" in CATCHING_UP


def test_after_a_session_only_restart_syncing_goes_on_where_it_stopped(qtbot: QtBot) -> None:
    since = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    save_profile(
        Profile(
            orderdesk_store_id=ORDERDESK_STORE_ID,
            orderdesk_api_key=ORDERDESK_API_KEY,
            store_platform="bigcommerce",
            store_url="http://127.0.0.1:9/stores/abc/v3",
            store_key=BIGCOMMERCE_TOKEN,
            sync_since=since,
        ),
        MemorySecretStore(),
    )
    session = GuiSession()
    session.settings = load_settings()
    wizard = session.make_wizard()
    qtbot.addWidget(wizard)
    wizard.show()
    finish = wizard.finish_page
    assert not finish.start_box.isVisibleTo(wizard)
    assert finish.resuming.text() == RESUMING
    assert not finish.resuming.isHidden()
    assert wizard.profile().sync_since == since  # not moved to now

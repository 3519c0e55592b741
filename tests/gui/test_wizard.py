"""The first-run wizard against the Order Desk and BigCommerce emulators over real sockets."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QDate
from PySide6.QtWidgets import QLabel, QLineEdit, QWizard
from pytestqt.qtbot import QtBot

from desktop_sync.app.profile import Profile, load_profile
from desktop_sync.app.secrets import MemorySecretStore, SecretStore
from desktop_sync.app.settings import load_settings
from desktop_sync.gui.call_threads import calls_done
from desktop_sync.gui.wizard import (
    PAGE_FINISH,
    PAGE_FOLDER,
    PAGE_ORDERDESK,
    PAGE_STORE,
    FirstRunWizard,
)
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


def make_wizard(qtbot: QtBot, **kwargs: object) -> FirstRunWizard:
    wizard = FirstRunWizard(**kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def verify_orderdesk_page(
    qtbot: QtBot, wizard: FirstRunWizard, api_url: str, api_key: str = ORDERDESK_API_KEY
) -> None:
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(api_key)
    page.api_url.setText(api_url)
    page.verify_row.button.click()
    assert page.runner.busy
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)


def verify_store_page(qtbot: QtBot, wizard: FirstRunWizard, api_url: str, token: str) -> None:
    page = wizard.store_page
    page.select_platform("bigcommerce")
    page.url.setText(api_url)
    page.key.setText(token)
    page.verify_row.button.click()
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)


def walk_to_finish(
    qtbot: QtBot,
    wizard: FirstRunWizard,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
) -> None:
    verify_orderdesk_page(qtbot, wizard, orderdesk.api_url)
    wizard.next()
    assert wizard.currentId() == PAGE_FOLDER
    wizard.next()
    assert wizard.currentId() == PAGE_STORE
    verify_store_page(qtbot, wizard, bigcommerce.api_url, BIGCOMMERCE_TOKEN)
    wizard.next()
    assert wizard.currentId() == PAGE_FINISH


def files_containing(root: Path, secrets: list[str]) -> list[str]:
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            data = (Path(folder) / name).read_bytes()
            found += [f"{name}: {s[:4]}…" for s in secrets if s.encode() in data]
    return found


def test_wrong_api_key_shows_the_error_sentence_and_keeps_the_fields(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = make_wizard(qtbot)
    page = wizard.orderdesk_page

    verify_orderdesk_page(qtbot, wizard, orderdesk.api_url, api_key="not-the-key")

    status = page.verify_row.status.text()
    assert "did not accept the Store ID and API Key" in status
    assert "not-the-key" not in status
    assert page.store_id.text() == ORDERDESK_STORE_ID
    assert page.api_key.text() == "not-the-key"
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_right_api_key_shows_enabled_and_allows_next(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = make_wizard(qtbot)
    page = wizard.orderdesk_page

    verify_orderdesk_page(qtbot, wizard, orderdesk.api_url)

    assert page.verify_row.status.text().startswith("Enabled")
    assert page.store_info is not None and page.store_info.name == orderdesk.store_name
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not page.verify_row.busy.running


def test_unreachable_orderdesk_says_so_in_a_sentence(qtbot: QtBot, closed_port_url: str) -> None:
    wizard = make_wizard(qtbot)

    verify_orderdesk_page(qtbot, wizard, closed_port_url)

    status = wizard.orderdesk_page.verify_row.status.text()
    assert "Order Desk" in status and status.endswith(".")
    assert "Traceback" not in status
    assert not wizard.orderdesk_page.isComplete()


def test_editing_a_field_after_verify_resets_the_status(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = make_wizard(qtbot)
    page = wizard.orderdesk_page
    verify_orderdesk_page(qtbot, wizard, orderdesk.api_url)

    page.store_id.setText(ORDERDESK_STORE_ID + "9")

    assert page.verify_row.status.text() == "Not verified"
    assert page.store_info is None
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_api_key_is_masked_until_shown(qtbot: QtBot) -> None:
    wizard = make_wizard(qtbot)
    field = wizard.orderdesk_page.api_key

    assert field.edit.echoMode() == QLineEdit.EchoMode.Password
    field.toggle.trigger()
    assert field.edit.echoMode() == QLineEdit.EchoMode.Normal
    field.toggle.trigger()
    assert field.edit.echoMode() == QLineEdit.EchoMode.Password


def test_folder_page_lists_the_folders_with_new_preselected(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    wizard = make_wizard(qtbot)
    verify_orderdesk_page(qtbot, wizard, orderdesk.api_url)

    wizard.next()

    page = wizard.folder_page
    names = [page.folders.item(i).text() for i in range(page.folders.count())]
    assert names == list(orderdesk.folder_ids())
    chosen = page.chosen_folder()
    assert chosen is not None
    assert (chosen.name, chosen.id) == ("New", orderdesk.folder_ids()["New"])
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_store_page_verifies_against_the_bigcommerce_emulator(
    qtbot: QtBot, bigcommerce: BigCommerceEmulator
) -> None:
    wizard = make_wizard(qtbot)
    wizard.setStartId(PAGE_STORE)
    wizard.restart()
    page = wizard.store_page

    verify_store_page(qtbot, wizard, bigcommerce.api_url, "wrong-token")
    assert "BigCommerce refused the access token" in page.verify_row.status.text()
    assert not page.isComplete()

    page.key.setText(BIGCOMMERCE_TOKEN)
    page.verify_row.button.click()
    qtbot.waitUntil(page.isComplete, timeout=WAIT_MS)
    assert page.verify_row.status.text() == "Enabled — connected to Sandbox Store"


def test_store_page_shows_each_platforms_labels_and_hints(qtbot: QtBot) -> None:
    wizard = make_wizard(qtbot)
    page = wizard.store_page

    page.select_platform("woocommerce")
    assert page.key_label.text() == "Consumer key"
    assert "REST API" in page.key_hint.text()
    assert page.form.isRowVisible(page.secret_row)

    page.select_platform("bigcommerce")
    assert page.key_label.text() == "Access token"
    assert not page.form.isRowVisible(page.secret_row)

    page.select_platform("shopify")
    assert page.secret_label.text().endswith("(optional)")
    assert page.secret.edit.echoMode() == QLineEdit.EchoMode.Password


def test_finish_saves_secrets_in_the_keyring_and_none_in_any_file(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    isolated_profile: Path,
) -> None:
    wizard = make_wizard(qtbot)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)
    assert "Sandbox Store" in wizard.finish_page.summary.text()

    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS) as saved:
        wizard.button(QWizard.WizardButton.FinishButton).click()

    profile = saved.args[0]
    assert isinstance(profile, Profile)
    assert wizard.result() == QWizard.DialogCode.Accepted
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    stored = backend.passwords.values()
    assert ORDERDESK_API_KEY in stored and BIGCOMMERCE_TOKEN in stored
    assert files_containing(isolated_profile, [ORDERDESK_API_KEY, BIGCOMMERCE_TOKEN]) == []
    loaded = load_profile({})
    assert loaded.orderdesk_api_key == ORDERDESK_API_KEY
    assert loaded.orderdesk_folder_id == orderdesk.folder_ids()["New"]
    # Order Desk's folder list is kept: the folder, kept by its id, is shown as "New".
    assert load_settings().folder_names == {v: k for k, v in orderdesk.folder_ids().items()}
    assert loaded.store_platform == "bigcommerce" and loaded.store_key == BIGCOMMERCE_TOKEN
    # One name everywhere (the card, Settings, the tray): the name the shop gave at setup is
    # saved as the merchant's, never looked up again apart.
    assert loaded.store_name == "Sandbox Store"
    assert [s.name for s in load_settings().stores] == ["Sandbox Store"]
    # "New orders from now on": the first scan starts at the moment of connection.
    assert loaded.sync_since is not None
    assert abs((datetime.now(UTC) - loaded.sync_since).total_seconds()) < 120


def test_backfill_date_becomes_the_first_scan_start(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    wizard = make_wizard(qtbot)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)
    finish = wizard.finish_page
    finish.since.setChecked(True)
    finish.since_date.setDate(QDate(2025, 3, 1))

    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS) as saved:
        wizard.button(QWizard.WizardButton.FinishButton).click()

    since = saved.args[0].sync_since
    assert since.astimezone().date() == date(2025, 3, 1)
    assert since.astimezone().hour == 0
    assert load_settings().sync_since == since.isoformat()


class LockedKeyring(MemoryKeyring):
    """A real keyring that refuses to keep anything (locked): found only when saving."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("The collection is locked")


def test_a_keyring_refusing_at_finish_offers_this_session_only_and_it_works(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    isolated_profile: Path,
) -> None:
    keyring.set_keyring(LockedKeyring())
    wizard = make_wizard(qtbot)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)

    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.keyring_dialog is not None and wizard.keyring_dialog.isVisible())
    dialog = wizard.keyring_dialog
    assert dialog is not None
    assert "GNOME Keyring" in " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert load_settings().orderdesk_store_id == ""

    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        dialog.session_button.click()

    assert wizard.session_only
    store = wizard.secret_store
    assert isinstance(store, MemorySecretStore)
    assert load_profile({}, secrets=store).orderdesk_api_key == ORDERDESK_API_KEY
    assert wizard.result() == QWizard.DialogCode.Accepted
    assert files_containing(isolated_profile, [ORDERDESK_API_KEY, BIGCOMMERCE_TOKEN]) == []


def test_a_keyring_refusing_at_finish_and_cancel_saves_nothing_and_stays_on_finish(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    keyring.set_keyring(LockedKeyring())
    wizard = make_wizard(qtbot, secrets=None)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)

    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.keyring_dialog is not None and wizard.keyring_dialog.isVisible())
    assert wizard.keyring_dialog is not None
    wizard.keyring_dialog.cancel_button.click()

    assert wizard.isVisible() and wizard.currentId() == PAGE_FINISH
    assert wizard.saved_profile is None
    assert "Nothing was saved" in wizard.finish_page.problem.text()
    assert load_settings().orderdesk_store_id == ""


def test_prefill_fills_every_field_but_nothing_counts_as_verified(qtbot: QtBot) -> None:
    prefill = Profile(
        orderdesk_store_id="4242",
        orderdesk_api_key="prefilled-key",
        orderdesk_api_url="http://127.0.0.1:9/api/v2",
        orderdesk_folder_name="Prepared",
        store_platform="woocommerce",
        store_url="https://shop.example.com",
        store_key="ck_prefilled",
        store_secret="cs_prefilled",
    )
    wizard = make_wizard(qtbot, secrets=SecretStore(), prefill=prefill)

    assert wizard.currentId() == PAGE_ORDERDESK
    assert wizard.orderdesk_page.credentials() == (
        "4242",
        "prefilled-key",
        "http://127.0.0.1:9/api/v2",
    )
    assert wizard.store_page.credentials() == (
        "woocommerce",
        "https://shop.example.com",
        "ck_prefilled",
        "cs_prefilled",
    )
    assert wizard.folder_page.preferred == "Prepared"
    assert wizard.orderdesk_page.verify_row.status.text() == "Not verified"
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_an_answer_for_values_since_edited_is_ignored(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    orderdesk.faults.delay = 0.5
    orderdesk.faults.inject(Fault.DELAY, path="/test")
    wizard = make_wizard(qtbot)
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(ORDERDESK_API_KEY)
    page.api_url.setText(orderdesk.api_url)
    page.verify_row.button.click()
    assert page.verify_row.busy.running
    # The check is on the wire (an edit before it left would stop it unsent).
    qtbot.waitUntil(lambda: orderdesk.faults.injected.get(Fault.DELAY) == 1, timeout=WAIT_MS)

    page.api_key.setText(ORDERDESK_API_KEY + "x")
    assert calls_done(WAIT_MS / 1000)
    QCoreApplication.processEvents()  # delivers anything the stopped check posted

    assert page.verify_row.status.text() == "Not verified"
    assert page.store_info is None and not page.verify_row.busy.running


def test_closing_the_wizard_during_a_verify_is_safe(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    orderdesk.faults.delay = 0.5
    orderdesk.faults.inject(Fault.DELAY, path="/test")
    wizard = FirstRunWizard()
    wizard.show()
    verify = wizard.orderdesk_page
    verify.store_id.setText(ORDERDESK_STORE_ID)
    verify.api_key.setText(ORDERDESK_API_KEY)
    verify.api_url.setText(orderdesk.api_url)
    verify.verify_row.button.click()
    qtbot.waitUntil(lambda: orderdesk.faults.injected.get(Fault.DELAY) == 1, timeout=WAIT_MS)

    wizard.reject()
    shiboken6.delete(wizard)
    assert calls_done(WAIT_MS / 1000)
    QCoreApplication.processEvents()


def test_every_page_is_reachable_by_its_id(qtbot: QtBot) -> None:
    wizard = make_wizard(qtbot)

    for page_id in (PAGE_FOLDER, PAGE_STORE, PAGE_FINISH):
        wizard.setCurrentId(page_id)
        assert wizard.currentId() == page_id

    # Unverified, the folder page says why it is empty and the finish page still renders.
    assert wizard.folder_page.folders.count() == 0
    assert not wizard.folder_page.empty_note.isHidden()
    assert "Order Desk" in wizard.finish_page.summary.text()

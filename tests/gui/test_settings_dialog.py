"""The Settings dialog: intervals and folder saved, folders loaded from the emulator, forget."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.profile import Profile, save_profile
from desktop_sync.app.secrets import SecretStore, orderdesk_api_key_name
from desktop_sync.app.settings import load_settings, save_settings
from desktop_sync.gui.settings_dialog import SettingsDialog
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import ORDERDESK_API_KEY, ORDERDESK_STORE_ID

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


def saved_profile(api_url: str, api_key: str = ORDERDESK_API_KEY) -> Profile:
    profile = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=api_key,
        orderdesk_api_url=api_url,
        orderdesk_folder_name="New",
        store_platform="bigcommerce",
        store_url="https://api.bigcommerce.com/stores/sandbox1",
        store_key="bc-saved-token",
        push_interval_seconds=120,
        pull_interval_seconds=300,
    )
    save_profile(profile, SecretStore())
    return profile


def make_dialog(qtbot: QtBot, profile: Profile | None) -> SettingsDialog:
    dialog = SettingsDialog(profile, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def folder_names(dialog: SettingsDialog) -> list[str]:
    return [dialog.folder.itemText(i) for i in range(dialog.folder.count())]


def test_folders_load_off_the_gui_thread_with_the_saved_folder_selected(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    dialog = make_dialog(qtbot, saved_profile(orderdesk.api_url))

    assert dialog.runner.busy and dialog.folder_busy.running
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=WAIT_MS)

    assert folder_names(dialog) == list(orderdesk.folder_ids())
    assert dialog.folder.currentText() == "New"
    assert dialog.folder.isEnabled() and not dialog.folder_busy.running


def test_saving_writes_the_intervals_and_the_folder(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    dialog = make_dialog(qtbot, saved_profile(orderdesk.api_url))
    qtbot.waitUntil(lambda: dialog.folder.isEnabled(), timeout=WAIT_MS)
    assert (dialog.push_minutes.value(), dialog.pull_minutes.value()) == (2, 5)

    dialog.push_minutes.setValue(7)
    dialog.pull_minutes.setValue(15)
    dialog.overlap_minutes.setValue(30)
    dialog.folder.setCurrentText("Prepared")
    dialog.notify_shipments.setChecked(False)
    dialog.start_minimized.setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS) as changed:
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    saved = load_settings()
    assert changed.args[0] == saved
    assert (saved.push_interval_seconds, saved.pull_interval_seconds) == (420, 900)
    assert saved.overlap_minutes == 30
    assert saved.orderdesk_folder_id == orderdesk.folder_ids()["Prepared"]
    assert saved.orderdesk_folder_name == "Prepared"
    assert (saved.notify_shipments, saved.start_minimized) == (False, True)
    # What the dialog does not show is kept as it was.
    assert saved.store_platform == "bigcommerce"
    assert not dialog.isVisible()


def test_a_wrong_saved_key_shows_a_sentence_and_keeps_the_saved_folder(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    dialog = make_dialog(qtbot, saved_profile(orderdesk.api_url, api_key="revoked-key"))

    qtbot.waitUntil(lambda: dialog.folder_status.isVisible(), timeout=WAIT_MS)

    assert "did not accept the Store ID and API Key" in dialog.folder_status.text()
    assert folder_names(dialog) == ["New"] and not dialog.folder.isEnabled()
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.save()
    assert load_settings().orderdesk_folder_name == "New"


def test_an_interval_saved_in_seconds_is_kept_when_not_touched(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    profile = saved_profile(orderdesk.api_url)
    save_settings(dataclasses.replace(load_settings(), push_interval_seconds=90))
    dialog = make_dialog(qtbot, profile)
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=WAIT_MS)

    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.save()

    assert load_settings().push_interval_seconds == 90


def test_start_at_login_writes_and_removes_the_autostart_entry(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    entry = tmp_path / "xdg-config" / "autostart"
    dialog = make_dialog(qtbot, None)
    assert not dialog.start_at_login.isChecked()
    assert "not connected to Order Desk" in dialog.folder_status.text()

    dialog.start_at_login.setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.save()
    (written,) = entry.glob("*.desktop")
    assert "--minimized" in written.read_text(encoding="utf-8")

    again = make_dialog(qtbot, None)
    assert again.start_at_login.isChecked()
    again.start_at_login.setChecked(False)
    with qtbot.waitSignal(again.settings_changed, timeout=WAIT_MS):
        again.save()
    assert not list(entry.glob("*.desktop"))


def test_reconnect_asks_for_the_wizard(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, None)

    with qtbot.waitSignal(dialog.reconnect_requested, timeout=WAIT_MS):
        dialog.reconnect_button.click()

    assert not dialog.isVisible()


def test_forget_with_history_removes_keys_settings_and_journal(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    dialog = make_dialog(qtbot, saved_profile(orderdesk.api_url))
    journal = journal_path()
    journal.write_bytes(b"history")
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=WAIT_MS)

    dialog.forget_button.click()
    box = dialog.forget_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert dialog.delete_history is not None
    dialog.delete_history.setChecked(True)
    forget = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole
    )
    with qtbot.waitSignal(dialog.forgotten, timeout=WAIT_MS):
        forget.click()

    assert not settings_path().exists()
    assert not journal.exists()
    assert SecretStore().get(orderdesk_api_key_name(ORDERDESK_STORE_ID)) is None


def test_forget_cancelled_keeps_everything(qtbot: QtBot, isolated_profile: Path) -> None:
    saved_profile("http://127.0.0.1:9/api/v2")
    dialog = make_dialog(qtbot, None)

    dialog.forget_button.click()
    box = dialog.forget_box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    box.button(QMessageBox.StandardButton.Cancel).click()

    assert settings_path().exists()
    assert SecretStore().get(orderdesk_api_key_name(ORDERDESK_STORE_ID)) == ORDERDESK_API_KEY
    assert dialog.isVisible()


def test_the_demo_s_15_s_interval_is_shown_as_15_s_not_1_min(qtbot: QtBot) -> None:
    save_settings(
        dataclasses.replace(load_settings(), push_interval_seconds=15, pull_interval_seconds=15)
    )
    dialog = make_dialog(qtbot, None)
    assert dialog.push_minutes.text() == "15 s"
    assert dialog.pull_minutes.text() == "15 s"

"""Issue 23 items 1 and 10: in the demo, saving a changed setting keeps syncing; and a setup the
sync cannot start from is shown as a setup problem (banner, cards, tray), never as a failed
order."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_sync.app.paths import HOME_ENV
from desktop_sync.app.settings import Settings
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.settings_dialog import SettingsDialog
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.test_workers import make_profile

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[GuiSession]:
    # The demo points the profile home at its own folder; put the test's back afterwards.
    monkeypatch.setenv(HOME_ENV, os.environ[HOME_ENV])
    session = GuiSession(demo=True)
    session.prepare_demo()
    try:
        yield session
    finally:
        session.close()


def first_cycle(qtbot: QtBot, window: MainWindow) -> CycleResult:
    controller = window.controller
    qtbot.waitUntil(lambda: controller.last_result is not None, timeout=WAIT_MS)
    assert controller.last_result is not None
    return controller.last_result


def test_saving_a_changed_setting_in_the_demo_keeps_syncing(demo: GuiSession, qtbot: QtBot) -> None:
    assert demo.open_journal()
    window = demo.show()
    qtbot.addWidget(window)
    assert first_cycle(qtbot, window).health is Health.OK
    before = window.controller
    window.open_settings()
    dialog = next(d for d in window.dialogs if isinstance(d, SettingsDialog))
    page = dialog.stores_box.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: page.statuses.loaded, timeout=WAIT_MS)
    page.statuses.boxes["pending"].setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: window.controller is not before, timeout=WAIT_MS)
    result = first_cycle(qtbot, window)
    assert result.health is Health.OK, result.message
    assert window.profile is not None
    assert window.profile.orderdesk_store_id == demo.sandbox.orderdesk.store_id  # type: ignore[union-attr]
    assert window.profile.order_statuses == ("pending",)
    assert "could not start" not in window.dashboard.banner_text.text()


@pytest.fixture
def broken_window(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    reader: object,
) -> Iterator[MainWindow]:
    """A window whose saved setup has no Order Desk store ID: syncing cannot start."""
    profile = make_profile(orderdesk, bigcommerce, orderdesk_store_id="")
    controller = SyncController(profile, push_interval_seconds=3600, pull_interval_seconds=3600)
    window = MainWindow(
        reader,  # type: ignore[arg-type]
        controller,
        settings=Settings(),
        profile=profile,
        tray=SyncTray(),
        tray_available=lambda: False,
        end_app=lambda: None,
    )
    qtbot.addWidget(window)
    controller.start()
    try:
        yield window
    finally:
        window.quit_app()
        assert window.controller.shutdown()


def test_a_setup_problem_is_said_as_one_on_the_banner_the_cards_and_the_tray(
    broken_window: MainWindow, qtbot: QtBot
) -> None:
    result = first_cycle(qtbot, broken_window)
    assert result.health is Health.SETUP
    dashboard = broken_window.dashboard
    qtbot.waitUntil(lambda: dashboard.health is Health.SETUP, timeout=WAIT_MS)
    banner = dashboard.banner_text.text()
    assert "Order Desk Store ID" in banner
    assert banner.count("econnect") == 1, banner  # what to do, said once
    assert dashboard.banner.property("severity") == "error"
    assert dashboard.reconnect_button.isVisibleTo(broken_window)
    for card in (dashboard.orderdesk_card, dashboard.store_card):
        assert "Enabled" not in card.status.text()
        assert "#15803d" not in card.status.text()  # never green
    tray = broken_window.tray
    assert tray is not None
    # The tray hears the health through its own queued signal: wait for it, not for the cards.
    qtbot.waitUntil(lambda: tray.status_line() == "Syncing could not start", timeout=WAIT_MS)
    # Item 10: the notice says what is wrong with the setup, and no order is blamed.
    assert [n.title for n in tray.shown] == ["Syncing could not start"]
    assert "Order Desk Store ID" in tray.shown[0].message
    assert all("order could not be synced" not in n.title for n in tray.shown)
    assert dashboard.failed.number.text() == "0"


def test_sync_now_after_a_setup_problem_tries_to_start_again(
    broken_window: MainWindow, qtbot: QtBot
) -> None:
    first_cycle(qtbot, broken_window)
    controller = broken_window.controller
    with qtbot.waitSignal(controller.cycle_finished, timeout=WAIT_MS) as again:
        broken_window.sync_now()
    assert again.args[0].health is Health.SETUP


def test_the_setup_notice_in_the_tray_names_the_setup() -> None:
    tray = SyncTray()
    sentence = "Syncing could not start: enter both the Order Desk Store ID and API Key."
    notices = tray.cycle_finished(CycleResult(Health.SETUP, sentence))
    # The title says what happened; the message what is wrong, not the title again.
    assert [(n.title, n.message) for n in notices] == [
        ("Syncing could not start", "Enter both the Order Desk Store ID and API Key.")
    ]


def test_the_dashboard_cards_show_a_setup_problem_in_red(reader: object) -> None:
    dashboard = Dashboard(reader)  # type: ignore[arg-type]
    dashboard.on_cycle_finished(CycleResult(Health.SETUP, "Syncing could not start: x."))
    for card in (dashboard.orderdesk_card, dashboard.store_card):
        assert card.status.text().endswith("<b>Not set up</b>")
        assert card.reason.text() == "Check the setup. Press Reconnect."
    assert dashboard.activity.text() == "Syncing could not start; see the message above."

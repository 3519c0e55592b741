"""Issue 12 items 7 and 8 in the window: the store statuses that are sent and the Order Desk
folder for orders cancelled after the push are chosen in Settings, saved, and given to the
engine the window builds (a new engine when they change), as ``order_statuses`` and
``cancel_folder_name`` for every platform."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.platforms import get_platform
from desktop_sync.app.profile import Profile, save_profile
from desktop_sync.app.secrets import SecretStore
from desktop_sync.app.settings import Settings, load_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.app.wiring import build_engine
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.gui.app import saved_connection
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.settings_dialog import SettingsDialog
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.test_main_window import journal
from tests.gui.test_workers import make_profile

__all__ = ["journal"]  # a fixture, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 20_000


@pytest.fixture
def built() -> list[SyncEngine]:
    return []


@pytest.fixture
def window(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    journal: Journal,
    reader: DesktopSync,
    built: list[SyncEngine],
) -> Iterator[MainWindow]:
    profile = make_profile(orderdesk, bigcommerce)
    save_profile(profile, SecretStore())

    def engine(p: Any, **options: Any) -> SyncEngine:
        made = build_engine(p, **options)
        built.append(made)
        return made

    def controller(p: Profile) -> SyncController:
        return SyncController(
            p,
            push_interval_seconds=3600,
            pull_interval_seconds=3600,
            run_at_start=False,
            engine_factory=engine,
        )

    made = MainWindow(
        reader,
        controller(profile),
        settings=load_settings(),
        profile=profile,
        tray=SyncTray(),
        tray_available=lambda: False,
        end_app=lambda: None,
        controller_factory=controller,
    )
    qtbot.addWidget(made)
    made.show()
    made.controller.start()
    yield made
    made.log_model.stop_live()
    for c in (made.controller, *made.retired):
        assert c.shutdown(), "a sync thread outlived its test"


def _dialog(window: MainWindow) -> SettingsDialog:
    window.open_settings()
    dialogs = [d for d in window.dialogs if isinstance(d, SettingsDialog)]
    assert dialogs
    return dialogs[-1]


def test_statuses_and_cancel_folder_chosen_in_settings_are_saved_and_reach_the_engine(
    window: MainWindow, built: list[SyncEngine], qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: len(built) == 1, timeout=WAIT_MS)
    first = built[0].pusher
    assert first.after_push.cancel_folder == "Canceled"  # the default
    assert first.send_rule == get_platform("bigcommerce").send_rule
    dialog = _dialog(window)
    assert dialog.cancel_folder.currentText() == "Canceled"
    qtbot.waitUntil(lambda: dialog.cancel_folder.count() > 0, timeout=WAIT_MS)
    # Order Desk's own folders are offered for cancellations.
    offered = [dialog.cancel_folder.itemText(i) for i in range(dialog.cancel_folder.count())]
    assert "Prepared" in offered
    dialog.cancel_folder.setCurrentIndex(offered.index("Prepared"))
    page = dialog.stores_box.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: page.statuses.loaded, timeout=WAIT_MS)
    page.statuses.boxes["awaiting fulfillment"].setChecked(True)
    page.statuses.boxes["awaiting shipment"].setChecked(True)
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    saved = load_settings()
    assert saved.cancel_folder_name == "Prepared"
    assert set(saved.stores[0].order_statuses) == {"awaiting fulfillment", "awaiting shipment"}
    qtbot.waitUntil(lambda: len(built) == 2, timeout=WAIT_MS)
    pusher = built[1].pusher
    assert pusher.after_push.cancel_folder == "Prepared"
    assert pusher.send_rule.sent == {"awaiting fulfillment", "awaiting shipment"}
    assert window.profile is not None
    assert window.profile.order_statuses == saved.stores[0].order_statuses


def test_settings_shows_the_platform_default_and_only_intervals_keep_the_engine(
    window: MainWindow, built: list[SyncEngine], qtbot: QtBot
) -> None:
    qtbot.waitUntil(lambda: len(built) == 1, timeout=WAIT_MS)
    dialog = _dialog(window)
    page = dialog.stores_box.current_page()
    assert page is not None
    qtbot.waitUntil(lambda: page.statuses.loaded, timeout=WAIT_MS)
    assert not any(box.isChecked() for box in page.statuses.boxes.values())
    assert "every status but" in page.statuses.default_hint.text()
    assert "cancelled" in page.statuses.default_hint.text()
    dialog.push_minutes.setValue(9)
    with qtbot.waitSignal(dialog.settings_changed, timeout=WAIT_MS):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert window.retired == []  # the same engine: nothing it was built with changed


def test_the_saved_connection_keeps_the_choice_of_statuses_and_cancel_folder() -> None:
    settings = Settings(
        orderdesk_store_id="1",
        stores=(StoreSettings(platform="woocommerce", url="https://shop.example"),),
        order_statuses=("processing",),
        cancel_folder_name="Stopped",
    )
    profile = saved_connection(settings)
    assert profile is not None
    assert profile.order_statuses == ("processing",)
    assert profile.cancel_folder == "Stopped"


def test_the_saved_connection_is_the_first_store_as_saved_its_id_and_source_name_kept() -> None:
    settings = Settings(
        orderdesk_store_id="1",
        stores=(
            StoreSettings(
                id="b7",
                name="Outlet",
                platform="woocommerce",
                url="https://outlet.example",
                source_name="Desktop Sync (Outlet)",
                folder_name="Outlet",
            ),
        ),
    )
    profile = saved_connection(settings)
    assert profile is not None
    assert (profile.store_id, profile.source_name, profile.folder) == (
        "b7",
        "Desktop Sync (Outlet)",
        "Outlet",
    )
    assert (profile.orderdesk_api_key, profile.store_key) == ("", "")

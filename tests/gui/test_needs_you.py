"""Issue 22, item 2: Needs you. The issue's case: Shopify statuses chosen that a new order is
not in (the issue had 'paid', which now means the payment state; 'fulfilled' holds an
unfulfilled order the same way), the order is held, and the dashboard said "Everything is in
sync", Waiting 0, Need attention 0. Now it is listed with Send anyway, counted on the
dashboard and in the tray, and Send anyway sends it. Against the Shopify and Order Desk
emulators over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.engine.events import Health
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.shopify import ShopifyKit
from tests.engine.test_orders_facts import shopify
from tests.gui.conftest import ORDERDESK_API_KEY, ORDERDESK_STORE_ID, needs_you_read

__all__ = ["shopify"]  # a fixture, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


@pytest.fixture
def app() -> Iterator[DesktopSync]:
    """The facade holding the profile, as the window's does (its actions change the journal)."""
    with DesktopSync(driver="window") as opened:
        yield opened


@pytest.fixture
def held_window(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, shopify: ShopifyKit, app: DesktopSync
) -> Iterator[MainWindow]:
    profile = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=ORDERDESK_API_KEY,
        orderdesk_api_url=orderdesk.api_url,
        store_platform="shopify",
        store_url=shopify.emulator.api_url,
        store_key=shopify.emulator.client_id,
        store_secret=shopify.emulator.client_secret,
        sync_since=datetime.now(UTC) - timedelta(minutes=1),
        order_statuses=("fulfilled",),
    )
    yield from window_on(profile, app, qtbot)


def window_on(
    profile: Profile, app: DesktopSync, qtbot: QtBot, *, through_app: bool = False
) -> Iterator[MainWindow]:
    """A window syncing ``profile`` through ``app`` (which holds the profile), with a tray;
    its sync thread is stopped after the test. ``through_app``: its engines are the facade's
    (``engine_factory``), and a restart builds a new worker the same way."""
    app.use_profile(profile)

    def controller_for(chosen: Profile) -> SyncController:
        return SyncController(
            chosen,
            push_interval_seconds=3600,
            pull_interval_seconds=3600,
            run_at_start=False,
            engine_factory=app.engine_factory if through_app else None,
        )

    window = MainWindow(
        app,
        controller_for(profile),
        settings=Settings(),
        profile=profile,
        tray=SyncTray(),
        tray_available=lambda: False,
        end_app=lambda: None,
        controller_factory=controller_for if through_app else None,
    )
    qtbot.addWidget(window)
    window.show()
    window.controller.start()
    yield window
    window.log_model.stop_live()
    assert window.controller.shutdown(), "a sync thread outlived its test"


def press_the_first_rows_button(window: MainWindow, qtbot: QtBot, button: str, reason: str) -> None:
    """Keyboard only: into the list, pick the first row (its button and reason as given),
    press its button, and wait for the cycle it starts."""
    dashboard = window.dashboard
    window.activateWindow()
    dashboard.failed_list.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dashboard.failed_list, Qt.Key.Key_Home)
    assert dashboard.retry_button.text() == button
    assert reason in dashboard.failed_detail.text()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        dashboard.retry_button.setFocus()
        qtbot.keyClick(dashboard.retry_button, Qt.Key.Key_Space)


def _sync(window: MainWindow, qtbot: QtBot) -> None:
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    needs_you_read(qtbot, window.dashboard)


def test_a_held_order_is_in_needs_you_and_the_dashboard_does_not_say_in_sync(
    held_window: MainWindow, shopify: ShopifyKit, orderdesk: OrderDeskEmulator, qtbot: QtBot
) -> None:
    shopify.add_orders(generate_orders(1, seed=7))
    window, dashboard = held_window, held_window.dashboard
    _sync(window, qtbot)
    qtbot.waitUntil(lambda: dashboard.health is Health.OK, timeout=WAIT_MS)
    assert orderdesk.orders() == []
    assert "in sync" not in dashboard.banner_text.text()
    assert dashboard.banner_text.text() == (
        "Connected to both. 1 order needs you: see Needs you below."
    )
    assert dashboard.failed.number.text() == "1"
    assert not dashboard.failed_box.isHidden()
    assert window.tray is not None and window.tray.status_line() == "1 order needs you"
    assert dashboard.needs_attention == window.reader.needs_you().count == 1

    press_the_first_rows_button(
        window, qtbot, "Send anyway", "its status in the store is 'unfulfilled'"
    )
    qtbot.waitUntil(lambda: len(orderdesk.orders()) == 1, timeout=WAIT_MS)
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_attention == 0 and dashboard.failed_box.isHidden()
    assert dashboard.banner_text.text() == "Everything is in sync."


def test_dismiss_takes_a_held_order_off_the_list_and_the_count(
    held_window: MainWindow, shopify: ShopifyKit, qtbot: QtBot
) -> None:
    shopify.add_orders(generate_orders(2, seed=9))
    window, dashboard = held_window, held_window.dashboard
    _sync(window, qtbot)
    assert dashboard.failed_list.topLevelItemCount() == 1, "the same reason is one row"
    item = dashboard.failed_list.topLevelItem(0)
    assert item is not None and item.text(0) == "2"
    assert dashboard.failed.number.text() == "2"
    item.setSelected(True)
    qtbot.mouseClick(dashboard.needs_you.dismiss_button, Qt.MouseButton.LeftButton)
    needs_you_read(qtbot, dashboard)
    assert dashboard.needs_attention == 0 and dashboard.failed_box.isHidden()

"""The main window against the real engine and emulators: Sync now, the live log, the counters,
failed orders with Retry, the reconnect banner, pausing, closing to the tray, and quitting."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_sync import __version__
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import save_profile
from desktop_sync.app.secrets import SecretStore
from desktop_sync.app.settings import Settings, load_settings
from desktop_sync.engine.events import Health
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.demo_panel import DemoPanel
from desktop_sync.gui.main_window import ABOUT_TEXT, MainWindow
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.demo import DemoSandbox
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import counters_read, needs_you_read
from tests.gui.test_workers import make_profile

pytestmark = pytest.mark.gui

WindowMaker = Callable[..., MainWindow]


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal(journal_path()) as opened:
        yield opened


@pytest.fixture
def ended() -> list[bool]:
    return []


@pytest.fixture
def make_window(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    reader: DesktopSync,
    ended: list[bool],
) -> Iterator[WindowMaker]:
    windows: list[MainWindow] = []

    def build(
        *, tray_available: bool = False, paused: bool = False, engine_factory: Any = None
    ) -> MainWindow:
        profile = make_profile(orderdesk, bigcommerce)
        controller = SyncController(
            profile,
            push_interval_seconds=3600,
            pull_interval_seconds=3600,
            paused=paused,
            run_at_start=False,
            engine_factory=engine_factory,
        )
        window = MainWindow(
            reader,
            controller,
            settings=Settings(paused=paused),
            profile=profile,
            tray=SyncTray(),
            tray_available=lambda: tray_available,
            end_app=lambda: ended.append(True),
        )
        qtbot.addWidget(window)
        windows.append(window)
        window.show()
        controller.start()
        return window

    yield build
    for window in windows:
        window.log_model.stop_live()
        assert window.controller.shutdown(), "a sync thread outlived its test"


def _log_orders(window: MainWindow, message: str) -> set[str]:
    model = window.log_model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    rows = (model.event_at(r) for r in range(model.rowCount()))
    return {e.order_number for e in rows if e.message == message}


def test_sync_now_shows_the_pushed_orders_in_the_log_and_the_counters(
    make_window: WindowMaker, bigcommerce: BigCommerceEmulator, qtbot: QtBot
) -> None:
    numbers = {str(n) for n in bigcommerce.add_sample_orders(4)}
    window = make_window()
    dashboard = window.dashboard
    assert dashboard.sent.number.text() == "0"
    with qtbot.waitSignal(window.controller.cycle_started, timeout=10_000):
        qtbot.mouseClick(dashboard.sync_button, Qt.MouseButton.LeftButton)
    assert not dashboard.sync_button.isEnabled()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000):
        pass
    assert _log_orders(window, "Sent to Order Desk.") == numbers
    counters_read(qtbot, dashboard)
    assert dashboard.sent.number.text() == "4"
    assert dashboard.failed.number.text() == "0"
    assert dashboard.sync_button.isEnabled()
    assert dashboard.activity.text().startswith("Last sync: 4 orders sent")
    assert "Checked just now" in dashboard.orderdesk_card.times.text()
    assert "Last order sent: Today" in dashboard.orderdesk_card.times.text()
    assert dashboard.banner.property("severity") == "ok"


def test_a_failed_order_is_listed_with_its_reason_and_retry_sends_it(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    journal: Journal,
    qtbot: QtBot,
) -> None:
    (order_id,) = bigcommerce.add_sample_orders(1)
    data = bigcommerce.order(order_id)
    journal.record_order_seen(
        str(order_id),
        str(order_id),
        parsedate_to_datetime(data["date_created"]),
        parsedate_to_datetime(data["date_modified"]),
    )
    reason = "Order Desk refused the order: the SKU is missing."
    journal.mark_failed(str(order_id), reason)
    window = make_window()
    dashboard = window.dashboard
    needs_you_read(qtbot, dashboard)
    assert not dashboard.failed_box.isHidden()
    assert dashboard.failed.number.text() == "1"
    item = dashboard.failed_list.topLevelItem(0)
    assert (item.text(0), item.text(1)) == (str(order_id), reason)
    assert not dashboard.retry_button.isEnabled()
    item.setSelected(True)
    assert dashboard.retry_button.isEnabled()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000):
        qtbot.mouseClick(dashboard.retry_button, Qt.MouseButton.LeftButton)
    assert [o["source_id"] for o in orderdesk.orders()] == [str(order_id)]
    needs_you_read(qtbot, dashboard)
    counters_read(qtbot, dashboard)
    assert dashboard.failed_box.isHidden()
    assert dashboard.sent.number.text() == "1"


def test_a_refused_key_shows_the_banner_with_reconnect(
    make_window: WindowMaker, orderdesk: OrderDeskEmulator, qtbot: QtBot
) -> None:
    orderdesk.set_credentials(orderdesk.store_id, "a-rotated-key")
    window = make_window()
    with qtbot.waitSignal(window.controller.health_changed, timeout=20_000) as health:
        window.sync_now()
    assert health.args == [Health.ORDERDESK_AUTH]
    dashboard = window.dashboard
    assert not dashboard.banner.isHidden()
    assert "reconnect" in dashboard.banner_text.text().lower()
    assert not dashboard.reconnect_button.isHidden()
    assert dashboard.orderdesk_card.status.text().endswith("<b>Error</b>")
    assert window.tray is not None
    assert window.tray.icon.toolTip().endswith("Order Desk needs you to reconnect")
    assert [n.title for n in window.tray.shown] == ["Order Desk needs you to reconnect"]


def test_pausing_on_the_dashboard_pauses_the_tray_and_is_remembered(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    window = make_window()
    with qtbot.waitSignal(window.controller.health_changed, timeout=10_000) as health:
        qtbot.mouseClick(window.dashboard.pause_button, Qt.MouseButton.LeftButton)
    assert health.args == [Health.PAUSED]
    assert window.dashboard.pause_button.text() == "Resume"
    assert window.tray is not None and window.tray.paused
    assert load_settings().paused
    assert window.dashboard.orderdesk_card.status.text().endswith("<b>Paused</b>")


def test_closing_the_window_keeps_the_app_running_in_the_tray(
    make_window: WindowMaker, ended: list[bool]
) -> None:
    window = make_window(tray_available=True)
    assert window.close() is False
    assert window.isHidden()
    assert window.controller.is_alive()
    assert ended == []
    assert window.settings.close_to_tray_notice_shown
    assert load_settings().close_to_tray_notice_shown


def test_closing_without_a_tray_stops_syncing_and_quits(
    make_window: WindowMaker, ended: list[bool], qtbot: QtBot
) -> None:
    window = make_window(tray_available=False)
    window.close()
    qtbot.waitUntil(lambda: ended == [True], timeout=5000)
    assert not window.controller.is_alive()


def test_window_title_menus_and_about(make_window: WindowMaker) -> None:
    window = make_window()
    assert window.windowTitle() == "Desktop Sync for Order Desk"
    menus = {
        m.title(): [a.text() for a in m.actions() if not a.isSeparator()]
        for m in (a.menu() for a in window.menuBar().actions())
    }
    assert menus == {
        "&File": ["Sync &now", "&Add a store...", "&Settings...", "&Export log...", "&Quit"],
        "&Help": ["Open &log folder", "&About Desktop Sync"],
    }
    about = window.about_html()
    assert "Desktop Sync for Order Desk" in about
    assert f"Version {__version__}" in about
    assert ABOUT_TEXT in about


def test_open_log_folder_shows_the_app_log_folder(
    make_window: WindowMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_sync.app.logs import log_folder

    opened: list[str] = []
    monkeypatch.setattr(
        "desktop_sync.gui.main_window.QDesktopServices.openUrl",
        lambda url: opened.append(url.toLocalFile()) or True,
    )
    make_window().log_folder_action.trigger()
    assert opened == [str(log_folder())]


def test_demo_panel_places_an_order_in_the_sandbox_off_the_gui_thread(qtbot: QtBot) -> None:
    with DemoSandbox(initial_orders=0, new_order_every=None, time_scale=20.0) as sandbox:
        panel = DemoPanel(sandbox)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.action_done, timeout=10_000) as done:
            qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
        assert done.args[0].endswith("was placed in the sandbox store.")
        assert panel.result.text() == done.args[0]
        with qtbot.waitSignal(panel.action_done, timeout=10_000) as shipped:
            panel.ship_an_order()
        assert shipped.args[0].startswith("There is no unshipped order")


def test_a_saved_profile_opens_without_the_wizard(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    profile = make_profile(orderdesk, bigcommerce)
    save_profile(profile, SecretStore())
    session = GuiSession()
    assert session.load()
    assert session.profile is not None
    assert session.profile.orderdesk_api_key == profile.orderdesk_api_key
    assert session.profile.store_url == profile.store_url


def test_demo_session_syncs_the_sandbox_and_close_stops_everything(qtbot: QtBot) -> None:
    session = GuiSession(demo=True)
    session.prepare_demo()
    try:
        assert isinstance(session.sandbox, DemoSandbox)
        sandbox = session.sandbox
        port = sandbox.orderdesk.port
        assert session.open_journal()
        window = session.show()
        qtbot.addWidget(window)
        assert window.windowTitle() == "Desktop Sync for Order Desk (demo)"
        assert window.log_view.order_link is None
        with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000) as finished:
            pass
        assert finished.args[0].push.sent == sandbox.initial_orders
        counters_read(qtbot, window.dashboard)
        assert window.dashboard.sent.number.text() == str(sandbox.initial_orders)
    finally:
        session.close()
    assert session.controller is not None and not session.controller.is_alive()
    with pytest.raises(OSError):  # the sandbox's Order Desk is gone
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_shortcuts_for_sync_now_and_settings(
    make_window: WindowMaker, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    with qtbot.waitActive(window):
        window.activateWindow()
    opened: list[bool] = []
    monkeypatch.setattr(window, "open_settings", lambda: opened.append(True))
    window.settings_action.triggered.disconnect()
    window.settings_action.triggered.connect(window.open_settings)
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]
    for key, modifier in (
        (Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier),
    ):
        with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000):
            qtbot.keyClick(window, key, modifier)


def test_without_a_file_manager_the_log_folder_is_shown_to_copy(
    make_window: WindowMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_sync.app.logs import log_folder

    monkeypatch.setattr("desktop_sync.gui.main_window.QDesktopServices.openUrl", lambda url: False)
    window = make_window()
    assert not window.open_log_folder()
    box = window.log_folder_box
    assert box is not None and box.isVisible()
    assert box.informativeText() == str(log_folder())
    copy = next(b for b in box.buttons() if b.text() == "Copy path")
    copy.click()
    assert QGuiApplication.clipboard().text() == str(log_folder())
    assert str(log_folder()) in window.statusBar().currentMessage()
    assert f"Log files: {log_folder()}" in window.about_html()


def test_the_cards_name_the_order_desk_store_and_the_shop(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    window = make_window()
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: ":" in dashboard.orderdesk_card.title.text(), timeout=10_000)
    qtbot.waitUntil(lambda: ":" in dashboard.store_card.title.text(), timeout=10_000)
    assert dashboard.orderdesk_card.title.text().startswith("<b>Order Desk: ")
    # The store by the merchant's name for it (its address until they name it), as Settings
    # and every other place name it; not "Sandbox Store", the name the platform gives it.
    assert window.profile is not None
    assert dashboard.store_card.title.text() == f"<b>BigCommerce: {window.profile.store_name}</b>"
    # The ids and the address stay, under the names.
    assert dashboard.orderdesk_card.subtitle.text().startswith("Store ID ")

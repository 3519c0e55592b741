"""Issue 13 in the wizard: before a backfill, the store's own word on how far back it shows
orders (Shopify's 60 days without ``read_all_orders``) is asked on a worker thread and shown on
the Finish page before the merchant confirms; Finish waits for the answer."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.wizard import CHECKING_HISTORY, FirstRunWizard
from desktop_sync.gui.workers import SyncController
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.shopify import ShopifyEmulator
from tests.gui.test_wizard import WAIT_MS, make_wizard, walk_to_finish
from tests.gui.test_workers import make_profile

pytestmark = pytest.mark.gui

SIXTY_DAYS = (
    "Shopify shows this app only the orders of the last 60 days; older orders are not sent. "
    "To send them, add the read_all_orders scope to the app, then reconnect."
)


class FakeStore:
    """Answers like the facade's ``backfill_notice``, once released, on whatever thread."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, datetime, bool]] = []
        self.release = threading.Event()

    def __call__(self, profile: Profile, since: datetime) -> str:
        on_gui_thread = threading.current_thread() is threading.main_thread()
        self.asked.append((profile.store_url, since, on_gui_thread))
        self.release.wait(WAIT_MS / 1000)
        return SIXTY_DAYS


def test_the_sixty_day_limit_is_said_before_finish_off_the_gui_thread(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    store = FakeStore()
    wizard: FirstRunWizard = make_wizard(qtbot, backfill_notice=store)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)
    finish = wizard.finish_page
    assert store.asked == []  # "new orders from now on": nothing to ask
    assert finish.history.text() == ""
    saved: list[Profile] = []
    wizard.profile_saved.connect(saved.append)

    finish.since.setChecked(True)
    finish.since_date.setDate(QDate(2024, 1, 15))
    qtbot.waitUntil(lambda: len(store.asked) >= 1, timeout=WAIT_MS)
    assert finish.history.text() == CHECKING_HISTORY
    # Finish waits for the store's answer: nothing is saved unheard.
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert saved == [] and wizard.isVisible()

    store.release.set()
    qtbot.waitUntil(lambda: finish.history.text() == SIXTY_DAYS, timeout=WAIT_MS)
    # Asked for the date shown (the tick and the date each asked; the pool may run them in
    # either order), and never on the GUI thread.
    assert (bigcommerce.api_url, finish.sync_since(), False) in store.asked
    assert not any(on_gui_thread for _, _, on_gui_thread in store.asked)
    with qtbot.waitSignal(wizard.profile_saved, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert saved[0].sync_since == finish.sync_since()


def test_back_to_from_now_on_clears_the_sentence(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    store = FakeStore()
    store.release.set()
    wizard = make_wizard(qtbot, backfill_notice=store)
    walk_to_finish(qtbot, wizard, orderdesk, bigcommerce)
    finish = wizard.finish_page
    finish.since.setChecked(True)
    qtbot.waitUntil(lambda: finish.history.text() == SIXTY_DAYS, timeout=WAIT_MS)
    height = finish.history.height()
    finish.from_now.setChecked(True)
    assert finish.history.text() == "" and not finish.history_check.busy
    assert finish.history.height() == height


def test_the_session_asks_shopify_through_the_facade(qtbot: QtBot) -> None:
    with ShopifyEmulator(time_scale=50.0) as shop:
        profile = Profile(
            orderdesk_store_id="12345",
            orderdesk_api_key="od-key-0123",
            store_platform="shopify",
            store_url=shop.api_url,
            store_key=shop.client_id,
            store_secret=shop.client_secret,
        )
        session = GuiSession()
        try:
            assert session.claim() is None
            wizard = session.make_wizard()
            qtbot.addWidget(wizard)
            assert wizard.backfill_notice is not None
            long_ago = datetime.now(UTC) - timedelta(days=200)
            notice = wizard.backfill_notice(profile, long_ago)
            assert "60 days" in notice and "read_all_orders" in notice
            assert wizard.backfill_notice(profile, datetime.now(UTC) - timedelta(days=3)) == ""
            shop.scopes.add("read_all_orders")
            assert wizard.backfill_notice(profile, long_ago) == ""
        finally:
            session.close()


def test_a_new_setup_from_the_window_asks_too(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator, tmp_path: Path
) -> None:
    store = FakeStore()
    profile = make_profile(orderdesk, bigcommerce)
    controller = SyncController(
        profile, push_interval_seconds=3600, pull_interval_seconds=3600, run_at_start=False
    )
    with DesktopSync(driver="test", lock=False) as reader:
        window = MainWindow(
            reader,
            controller,
            settings=Settings(),
            profile=profile,
            tray_available=lambda: False,
            end_app=lambda: None,
            backfill_notice=store,
        )
        qtbot.addWidget(window)
        wizard = window._open_wizard(None)
        assert isinstance(wizard, FirstRunWizard)
        assert wizard.backfill_notice is store
        wizard.close()
        window.log_model.stop_live()
        assert controller.shutdown()

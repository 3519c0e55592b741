"""The window when another computer syncs the same store (issue 21, item 5): the banner says
so in one sentence with "Sync from this computer", which (through the facade) makes this
computer the one that syncs, and the next sync runs. Over real sockets, offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.engine.events import Health
from desktop_sync.engine.identity import ThisComputer
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.gui.conftest import BIGCOMMERCE_TOKEN
from tests.gui.test_needs_you import window_on
from tests.gui.test_workers import make_profile
from tests.harness import make_engine


@pytest.fixture
def app() -> Iterator[DesktopSync]:
    """The window's own facade, holding the profile (its choices need the lock)."""
    with DesktopSync(driver="window", env=dict(os.environ)) as opened:
        yield opened


def _office_sends(orderdesk: OrderDeskEmulator, store: BigCommerceEmulator, journal: Path) -> None:
    """Another computer (its own journal and installation) sends the store's orders."""
    connector = BigCommerceConnector(store.api_url, BIGCOMMERCE_TOKEN)
    start = datetime.now(UTC) - timedelta(minutes=1)
    office = ThisComputer("office-1", "OFFICE-PC")
    engine = make_engine(orderdesk, connector, journal, start_at=start, this_computer=office)
    try:
        assert engine.run_cycle().push.sent == 2  # type: ignore[union-attr]
    finally:
        engine.close()


def test_the_banner_offers_sync_from_this_computer_which_takes_over(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    app: DesktopSync,
    tmp_path: Path,
) -> None:
    bigcommerce.add_sample_orders(2)
    _office_sends(orderdesk, bigcommerce, tmp_path / "office.sqlite3")
    windows = window_on(make_profile(orderdesk, bigcommerce), app, qtbot, through_app=True)
    window = next(windows)
    try:
        with qtbot.waitSignal(window.controller.health_changed, timeout=20_000) as health:
            window.sync_now()
        assert health.args == [Health.HELD]
        dashboard = window.dashboard
        assert dashboard.banner_text.text().startswith("Another computer (OFFICE-PC) also")
        assert not dashboard.choose_button.isHidden()
        assert dashboard.choose_button.text() == "Sync from this computer"
        assert dashboard.reconnect_button.isHidden()
        assert window.tray is not None
        assert window.tray.icon.toolTip().endswith("A store waits for your choice")
        assert len(orderdesk.orders()) == 2  # this computer sent nothing

        old = window.controller
        qtbot.mouseClick(dashboard.choose_button, Qt.MouseButton.LeftButton)
        assert "This computer now syncs" in dashboard.banner_text.text()
        qtbot.waitUntil(lambda: window.controller is not old, timeout=20_000)
        bigcommerce.add_sample_orders(1)
        with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000) as finished:
            window.sync_now()
        assert finished.args[0].health is Health.OK, finished.args[0].message
        assert len(orderdesk.orders()) == 3
        assert dashboard.choose_button.isHidden()
    finally:
        next(windows, None)

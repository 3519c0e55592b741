"""GUI fixtures: the Order Desk and BigCommerce emulators on free ports; no call left running."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.gui.call_threads import calls_done
from desktop_sync.gui.collector import GuiThreadCollector
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator

ORDERDESK_STORE_ID = "100001"
ORDERDESK_API_KEY = "od-key-3f9a1c7e5b"
BIGCOMMERCE_TOKEN = "bc-token-8d2e6f0a4c"


@pytest.fixture
def orderdesk() -> Iterator[OrderDeskEmulator]:
    emulator = OrderDeskEmulator(
        store_id=ORDERDESK_STORE_ID, api_key=ORDERDESK_API_KEY, time_scale=20.0
    )
    emulator.start()
    try:
        yield emulator
    finally:
        _drain()
        emulator.stop()


@pytest.fixture
def bigcommerce() -> Iterator[BigCommerceEmulator]:
    emulator = BigCommerceEmulator(access_token=BIGCOMMERCE_TOKEN, time_scale=20.0)
    emulator.start()
    try:
        yield emulator
    finally:
        _drain()
        emulator.stop()


def _drain() -> None:
    assert calls_done(10.0), "a verify call is still running"


@pytest.fixture
def reader() -> Iterator[DesktopSync]:
    """The facade on the test's profile, holding its lock as the window's does (Needs you's
    Retry and Send anyway write through it); the tests' engines and journals write beside it.
    It keeps the test's environment: a window's timer that reads after the test has put the
    environment back must still read the test's journal, never the real profile's."""
    with DesktopSync(driver="test", env=dict(os.environ)) as app:
        yield app


@pytest.fixture
def closed_port_url() -> str:
    """An address on 127.0.0.1 where nothing listens: the "no network" case, for real."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v2"


@pytest.fixture(autouse=True)
def drained_verify_pool(qtbot: object) -> Iterator[None]:
    """Verify calls run on their own threads; none may outlive its test (or its emulator)."""
    yield
    _drain()


@pytest.fixture(autouse=True)
def collected_on_the_gui_thread(qtbot: QtBot) -> Iterator[None]:
    """As in the app (``application()``): Python collects garbage on this, the GUI thread,
    only; a widget collected on a check's thread crashed the suite."""
    collector = GuiThreadCollector()
    yield
    collector.stop()
    shiboken6.delete(collector)


def counters_read(qtbot: QtBot, dashboard: Dashboard) -> None:
    """Wait until the counters' read (made on a worker thread) has landed on the dashboard."""
    qtbot.waitUntil(lambda: not dashboard.counting, timeout=10_000)


def needs_you_read(qtbot: QtBot, dashboard: Dashboard) -> None:
    """Wait until Needs you's read (made on a worker thread) has landed on the dashboard."""
    qtbot.waitUntil(lambda: not dashboard.needs_you.reading, timeout=10_000)

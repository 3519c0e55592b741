"""Issue 17 items 3 and 5-8: what the dashboard says is what happens. Pause stops after the
order in flight; times are relative and move; each card shows its own side; the summary covers
both directions; recovery is said out loud. Against the emulators over real sockets."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.settings import Settings
from desktop_sync.engine.events import (
    CycleResult,
    Health,
    PullResult,
    PushResult,
    SyncEvent,
)
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.workers import Schedule, SyncController
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.conftest import counters_read
from tests.gui.test_main_window import WindowMaker, _log_orders, ended, journal, make_window
from tests.gui.test_workers import make_profile

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000


def free_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_pause_during_a_burst_stops_after_the_order_in_flight_and_says_so(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    journal: Journal,
    qtbot: QtBot,
) -> None:
    bigcommerce.add_sample_orders(30)
    orderdesk.faults.delay = 0.15
    orderdesk.faults.inject(Fault.DELAY, 30, method="POST", path="orders")
    window = make_window()
    dashboard = window.dashboard
    sent: list[SyncEvent] = []
    window.controller.event.connect(
        lambda e: sent.append(e) if e.message == "Sent to Order Desk." else None
    )
    qtbot.mouseClick(dashboard.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(sent) >= 3, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dashboard.pause_button, Qt.MouseButton.LeftButton)
        at_click = len(orderdesk.orders())
        assert dashboard.activity.text().startswith("Pausing")
        assert dashboard.orderdesk_card.status.text().endswith("<b>Pausing</b>")
    in_orderdesk = len(orderdesk.orders())
    assert at_click <= in_orderdesk <= at_click + 1, "more than the order in flight went out"
    waiting = journal.counts().pending
    assert waiting == 30 - in_orderdesk > 0
    qtbot.waitUntil(lambda: window.controller.health is Health.PAUSED, timeout=WAIT_MS)
    counters_read(qtbot, dashboard)
    assert dashboard.activity.text() == (
        f"Paused: {waiting} orders wait to send. Press Resume to send them."
    )
    assert dashboard.orderdesk_card.status.text().endswith("<b>Paused</b>")
    assert dashboard.pending.number.text() == str(waiting)
    # Resume sends the rest, once each.
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        qtbot.mouseClick(dashboard.pause_button, Qt.MouseButton.LeftButton)
    assert len({o["source_id"] for o in orderdesk.orders()}) == len(orderdesk.orders()) == 30


def test_times_are_relative_refreshed_and_the_next_time_moves_with_the_schedule(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    reader: DesktopSync,
) -> None:
    controller = SyncController(
        make_profile(orderdesk, bigcommerce), push_interval_seconds=1, pull_interval_seconds=3600
    )
    schedules: list[Schedule] = []
    controller.schedule_changed.connect(schedules.append)
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    controller.schedule_changed.connect(dashboard.on_schedule_changed)
    controller.cycle_finished.connect(dashboard.on_cycle_finished)
    try:
        controller.start()
        # A scheduled push (not Sync now) announces the next one: the times never go stale.
        qtbot.waitUntil(lambda: len(schedules) >= 3, timeout=WAIT_MS)
        pushes = [s.next_push for s in schedules if s.next_push is not None]
        assert pushes[-1] > pushes[0]
    finally:
        assert controller.shutdown()
    card = dashboard.orderdesk_card
    assert card.times.text().startswith("Checked just now")
    # Nothing was sent: "Last order sent" says so, rather than showing the time of the check.
    assert "Last order sent: none yet" in card.times.text().splitlines()
    real = datetime.now(UTC)
    dashboard.schedule = Schedule(real + timedelta(minutes=3, seconds=5), None)
    dashboard.clock = lambda: real + timedelta(minutes=2, seconds=1)
    dashboard._clock.timeout.emit()
    assert card.times.text().splitlines()[0] == "Checked 2 min ago."
    assert card.times.text().endswith("\nNext check in 1 min.")


def test_each_card_shows_its_own_side_with_both_servers_down_cycle_after_cycle(
    qtbot: QtBot,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    reader: DesktopSync,
) -> None:
    profile = make_profile(
        orderdesk,
        bigcommerce,
        orderdesk_api_url=free_port_url() + "/api/v2",
        store_url=free_port_url() + "/" + bigcommerce.api_url.split("/", 3)[3],
    )
    controller = SyncController(
        profile, push_interval_seconds=3600, pull_interval_seconds=3600, run_at_start=False
    )
    window = MainWindow(reader, controller, settings=Settings(), profile=profile)
    qtbot.addWidget(window)
    window.show()
    try:
        controller.start()
        for _ in range(2):
            with qtbot.waitSignal(controller.cycle_finished, timeout=WAIT_MS):
                window.sync_now()
            for card in (window.dashboard.orderdesk_card, window.dashboard.store_card):
                assert card.status.text().endswith("<b>Error</b>")
                assert card.reason.text() == "Not answering. The app keeps retrying."
            banner = window.dashboard.banner_text.text()
            assert "Order Desk" in banner and "BigCommerce" in banner, banner
            assert banner.count("retrying") == 1 and "try again" not in banner, banner
    finally:
        window.log_model.stop_live()
        assert controller.shutdown()


def _push(sent: int, when: datetime) -> CycleResult:
    return CycleResult(Health.OK, push=PushResult(sent=sent), finished_at=when)


def test_the_summary_covers_both_directions_and_a_failed_cycle_says_so(
    qtbot: QtBot, reader: DesktopSync
) -> None:
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    now = datetime.now(UTC)
    dashboard.on_cycle_finished(
        CycleResult(
            Health.OK,
            push=PushResult(sent=4),
            pull=PullResult(fulfillments_created=0),
            finished_at=now,
        )
    )
    counters_read(qtbot, dashboard)
    assert dashboard.activity.text() == "Last sync: 4 orders sent; no new shipments."
    # A pull-only cycle does not wipe out what the push did.
    dashboard.on_cycle_finished(
        CycleResult(Health.OK, pull=PullResult(fulfillments_created=2), finished_at=now)
    )
    counters_read(qtbot, dashboard)
    assert dashboard.activity.text() == "Last sync: 4 orders sent; 2 shipments sent to the store."
    message = "Order Desk could not be reached. The app keeps retrying; nothing is lost."
    dashboard.on_cycle_finished(
        CycleResult(
            Health.ORDERDESK_OFFLINE,
            message,
            troubles=((Health.ORDERDESK_OFFLINE, message),),
            finished_at=now,
        )
    )
    counters_read(qtbot, dashboard)
    # Said once, in the banner; this line only points there (issue 23 item 9).
    assert dashboard.activity.text() == "Last sync stopped; see the message above."
    assert message not in dashboard.activity.text()
    assert "finished" not in dashboard.activity.text()


def test_recovery_is_said_in_the_log_and_the_tray(
    make_window: WindowMaker, orderdesk: OrderDeskEmulator, qtbot: QtBot
) -> None:
    orderdesk.faults.set_rates({Fault.SERVER_ERROR: 1.0})
    window = make_window()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    # health_changed follows cycle_finished
    qtbot.waitUntil(lambda: window.controller.health is Health.ORDERDESK_OFFLINE, timeout=5000)
    assert window.dashboard.orderdesk_card.status.text().endswith("<b>Error</b>")
    assert window.dashboard.store_card.status.text().endswith("<b>Enabled</b>")
    orderdesk.faults.clear()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    window.log_model.refresh()
    newest = window.log_model.event_at(0)
    assert newest.message == "Connected again: Order Desk answers, and syncing goes on."
    assert newest.level == "info"
    assert window.tray is not None
    assert window.tray.shown[-1].title == "Connected again"
    assert window.dashboard.orderdesk_card.status.text().endswith("<b>Enabled</b>")
    assert _log_orders(window, "Sent to Order Desk.") == set()

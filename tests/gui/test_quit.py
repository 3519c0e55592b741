"""Issue 11 item 2, the GUI half: Quit during a slow Order Desk ends the app within 3 s, on the
worker's ``stopped`` signal or the deadline, and never waits on the GUI thread."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from desktop_sync.app.profile import Profile
from desktop_sync.gui.workers import SyncController
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window
from tests.gui.test_workers import make_profile

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui


def test_quit_during_a_slow_orderdesk_ends_the_app_within_3_s(
    make_window: WindowMaker,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    ended: list[bool],
    qtbot: QtBot,
) -> None:
    bigcommerce.add_sample_orders(1)
    orderdesk.faults.delay = 4.0
    orderdesk.faults.inject(Fault.DELAY, 1, path="orders")
    window = make_window(tray_available=False)
    window.sync_now()
    qtbot.waitUntil(lambda: orderdesk.faults.injected.get(Fault.DELAY) == 1, timeout=10_000)
    started = time.monotonic()
    window.quit_app()
    assert window.isHidden()  # at once: the window never waits on the server
    assert time.monotonic() - started < 0.5
    qtbot.waitUntil(lambda: ended == [True], timeout=3000)
    assert time.monotonic() - started < 3.0


def test_stop_is_asynchronous_and_stopped_follows(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    controller = idle_controller(make_profile(orderdesk, bigcommerce))
    with qtbot.waitSignal(controller.schedule_changed, timeout=10_000):
        controller.start()
    with qtbot.waitSignal(controller.stopped, timeout=5000):
        controller.stop()
    assert not controller.is_alive()
    # Never started: stopped still comes, so a caller waiting on it is never stuck.
    idle = SyncController(make_profile(orderdesk, bigcommerce))
    with qtbot.waitSignal(idle.stopped, timeout=1000):
        idle.stop()


def test_reconnect_restarts_syncing_without_waiting_also_after_forget(
    make_window: WindowMaker,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    qtbot: QtBot,
) -> None:
    window = make_window()
    window._controller_factory = idle_controller
    for stopped_first in (False, True):
        old = window.controller
        if stopped_first:  # what Forget does before the wizard opens
            old.stop()
            qtbot.waitUntil(lambda old=old: not old.is_alive(), timeout=5000)
        window.restart_sync(make_profile(orderdesk, bigcommerce))
        qtbot.waitUntil(
            lambda old=old: window.controller is not old and window.controller.is_alive(),
            timeout=10_000,
        )
        assert not old.is_alive()
        assert old in window.retired  # kept: never destroyed while its thread could run
        bigcommerce.add_sample_orders(1)
        with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000) as finished:
            window.sync_now()
        assert finished.args[0].push.sent == 1


def test_a_second_stop_before_the_first_is_reported_says_stopped_once(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceEmulator
) -> None:
    # Issue 23: the thread had ended but its "stopped" was still queued when Reconnect asked
    # the controller to stop again; both said "stopped", and the window started two workers.
    controller = idle_controller(make_profile(orderdesk, bigcommerce))
    said: list[bool] = []
    controller.stopped.connect(lambda: said.append(True))
    try:
        with qtbot.waitSignal(controller.schedule_changed, timeout=10_000):
            controller.start()
        controller.stop()
        assert controller.sync_thread.wait(10_000)  # ended; its report is still queued
        controller.stop()
        _deliver_everything_queued()
        assert said == [True]
        # Stopped already and reported: a later stop is answered, for whoever waits on it.
        with qtbot.waitSignal(controller.stopped, timeout=1000):
            controller.stop()
    finally:
        assert controller.shutdown()


def test_reconnect_while_the_stop_is_still_being_reported_starts_one_worker(
    make_window: WindowMaker,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceEmulator,
    qtbot: QtBot,
) -> None:
    # Issue 23: under load, Forget's stop had ended the thread but not yet been reported when
    # the new connection was saved; two workers were started and the first was dropped while
    # its thread ran ("QThread: Destroyed while thread is still running", the process aborts).
    window = make_window()
    made: list[SyncController] = []

    def factory(profile: Profile) -> SyncController:
        made.append(idle_controller(profile))
        return made[-1]

    window._controller_factory = factory
    old = window.controller
    try:
        old.stop()  # what Forget does before the wizard opens
        assert old.sync_thread.wait(10_000)  # ended; its "stopped" is still queued
        window.restart_sync(make_profile(orderdesk, bigcommerce))
        qtbot.waitUntil(lambda: bool(made) and made[-1].is_alive(), timeout=10_000)
        _deliver_everything_queued()
        assert len(made) == 1
        assert window.controller is made[0]
        assert old in window.retired
    finally:
        for controller in made:
            assert controller.shutdown()


def idle_controller(profile: Profile) -> SyncController:
    """A controller that syncs only when asked (its schedule is an hour away)."""
    return SyncController(
        profile, push_interval_seconds=3600, pull_interval_seconds=3600, run_at_start=False
    )


def _deliver_everything_queued() -> None:
    """Every queued call and zero-time timer, delivered now (no waiting on the clock)."""
    for _ in range(5):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()

"""Issue 23 items 2 and 3: what the window says about Pause and Resume is what happens, also
while a cycle runs. Against the emulators over real sockets."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.wiring import build_engine
from desktop_sync.engine.events import CycleResult, Health, SyncEvent
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.conftest import counters_read
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 20_000


class HeldCycles:
    """Builds the real engine; each cycle waits at its start until the test lets it go."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.gate = threading.Event()

    def __call__(self, profile: Any, **options: Any) -> SyncEngine:
        engine = build_engine(profile, **options)
        run_cycle = engine.run_cycle

        def held(**kwargs: Any) -> CycleResult:
            self.entered.set()
            self.gate.wait(WAIT_MS / 1000)
            return run_cycle(**kwargs)

        engine.run_cycle = held  # type: ignore[method-assign]
        return engine


def test_resume_during_a_running_sync_no_longer_says_paused(
    make_window: WindowMaker, bigcommerce: BigCommerceEmulator, qtbot: QtBot
) -> None:
    # Paused, Sync now, then Resume while that cycle runs: the banner, both cards and the tray
    # kept saying "paused" until the cycle ended (about 2 minutes on a real store).
    bigcommerce.add_sample_orders(2)
    held = HeldCycles()
    window = make_window(paused=True, engine_factory=held)
    qtbot.waitUntil(lambda: window.dashboard.health is Health.PAUSED, timeout=WAIT_MS)
    window.sync_now()
    assert held.entered.wait(WAIT_MS / 1000)
    try:
        window.set_paused(False)
        qtbot.waitUntil(lambda: window.dashboard.health is not Health.PAUSED, timeout=5000)
        assert window.tray is not None and window.tray.health is not Health.PAUSED
        assert "paused" not in window.dashboard.banner_text.text().lower()
    finally:
        held.gate.set()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        pass
    assert window.dashboard.health is Health.OK
    counters_read(qtbot, window.dashboard)
    assert window.dashboard.sent.number.text() == "2"


def test_after_a_pause_mid_sync_the_cards_say_what_was_sent(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    # Item 3: after a mid-sync pause the Order Desk card said "Not checked yet. Last order
    # sent: none yet" while 17 orders had been sent (the cut-short cycle reports no push).
    bigcommerce.add_sample_orders(30)
    orderdesk.faults.delay = 0.15
    orderdesk.faults.inject(Fault.DELAY, 30, method="POST", path="orders")
    window = make_window()
    sent: list[SyncEvent] = []
    window.controller.event.connect(
        lambda event: sent.append(event) if event.message == "Sent to Order Desk." else None
    )
    window.sync_now()
    qtbot.waitUntil(lambda: len(sent) >= 3, timeout=WAIT_MS)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS) as finished:
        window.set_paused(True)
    assert finished.args[0].health is Health.PAUSED
    assert 3 <= len(orderdesk.orders()) < 30
    card = window.dashboard.orderdesk_card.times.text()
    assert "Not checked yet" not in card, card
    assert "Last order sent: Today" in card, card


def test_the_last_tracking_sent_is_still_shown_after_a_restart(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    # Item 4: "Last tracking sent: none yet" after every restart, with shipments counted.
    bigcommerce.add_sample_orders(1)
    first = make_window()
    with qtbot.waitSignal(first.controller.cycle_finished, timeout=WAIT_MS):
        first.sync_now()
    (order,) = orderdesk.orders()
    orderdesk.add_shipment(order["id"], "1ZRESTART01")
    with qtbot.waitSignal(first.controller.cycle_finished, timeout=WAIT_MS) as finished:
        first.sync_now()
    assert finished.args[0].pull.fulfillments_created == 1
    assert "Last tracking sent: Today" in first.dashboard.store_card.times.text()
    first.controller.shutdown()
    again = make_window()  # the app started again: nothing known but what the journal says
    card = again.dashboard.store_card.times.text()
    assert "Last tracking sent: Today" in card, card

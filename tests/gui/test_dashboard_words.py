"""Issue 17 items 9, 10, 11 and 14: sentences that match what happens, a layout that never
jumps, progress that moves with counters from the same source, and no clipped text at the
window's minimum size."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    Health,
    Progress,
    PushResult,
    Stage,
)
from desktop_sync.gui.demo_panel import DemoPanel
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.wizard import FirstRunWizard
from desktop_sync.state.journal import Journal
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.conftest import ORDERDESK_API_KEY, ORDERDESK_STORE_ID, needs_you_read
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 30_000
OFFLINE = (
    "Order Desk did not answer (timed out). Desktop Sync will try again shortly. The app keeps "
    "retrying; nothing is lost."
)


def test_the_wizard_never_promises_a_retry_it_does_not_make(
    qtbot: QtBot, orderdesk: OrderDeskEmulator
) -> None:
    orderdesk.faults.set_rates({Fault.SERVER_ERROR: 1.0})
    wizard = FirstRunWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(ORDERDESK_API_KEY)
    page.api_url.setText(orderdesk.api_url)
    page.verify_row.button.click()
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    status = page.verify_row.status.text()
    assert "temporary problem" in status
    assert "try again shortly" not in status
    assert status.endswith("Press Verify Connection to try again.")


def test_the_banner_says_retrying_once_and_names_its_own_button(
    make_window: WindowMaker, orderdesk: OrderDeskEmulator, qtbot: QtBot
) -> None:
    orderdesk.faults.set_rates({Fault.SERVER_ERROR: 1.0})
    window = make_window()
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    qtbot.waitUntil(lambda: window.controller.health is Health.ORDERDESK_OFFLINE, timeout=5000)
    text = window.dashboard.banner_text.text()
    assert text.count("try again") + text.count("retrying") == 1, text
    orderdesk.faults.clear()
    orderdesk.set_credentials(orderdesk.store_id, "a-rotated-key")
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    qtbot.waitUntil(lambda: window.controller.health is Health.ORDERDESK_AUTH, timeout=5000)
    text = window.dashboard.banner_text.text()
    assert "Verify Connection" not in text
    assert "press Reconnect" in text
    assert window.dashboard.reconnect_button.isVisible()


class _Sandbox:
    new_order_every = 20
    initial_orders = 8

    def add_store_order(self) -> str:
        return "Order 1042 was added to the sandbox store; the next sync sends it to Order Desk."

    def ship_an_order(self) -> str:
        return "Order 1042 was shipped in the sandbox Order Desk."


def _at(widget: QWidget, window: QWidget) -> QPoint:
    return widget.mapTo(window, QPoint(0, 0))


@pytest.fixture
def demo_window(make_window: WindowMaker, qtbot: QtBot) -> Iterator[MainWindow]:
    window = make_window()
    window.set_demo_panel(DemoPanel(_Sandbox()))  # type: ignore[arg-type]
    qtbot.waitExposed(window)
    yield window


@pytest.fixture
def small_window(make_window: WindowMaker, qtbot: QtBot) -> Iterator[MainWindow]:
    window = make_window()
    window.resize(window.minimumSize())
    qtbot.waitUntil(lambda: window.size() == window.minimumSize(), timeout=5000)
    yield window


def test_nothing_moves_the_buttons_banner_pause_demo_line_or_attention_panel(
    demo_window: MainWindow, journal: Journal, qtbot: QtBot
) -> None:
    window, dashboard = demo_window, demo_window.dashboard
    qtbot.wait(50)
    controls = (dashboard.sync_button, dashboard.pause_button, dashboard.orderdesk_card.status)
    before = [_at(w, window) for w in controls]
    panel = window.findChild(DemoPanel)
    assert panel is not None
    with qtbot.waitSignal(panel.action_done, timeout=5000):
        panel.add_button.click()
    now = datetime.now(UTC)
    dashboard.on_cycle_finished(
        CycleResult(
            Health.ORDERDESK_OFFLINE,
            OFFLINE,
            troubles=((Health.ORDERDESK_OFFLINE, OFFLINE),),
            finished_at=now,
        )
    )
    dashboard.on_health_changed(Health.ORDERDESK_OFFLINE)
    journal.record_order_seen("77", "1077", now, now)
    journal.mark_failed("77", "Order Desk refused the order: the SKU is missing.")
    dashboard.refresh_counts()
    needs_you_read(qtbot, dashboard)
    assert dashboard.failed_box.isVisible()
    qtbot.wait(50)
    assert [_at(w, window) for w in controls] == before
    dashboard.set_paused(True)
    dashboard.on_health_changed(Health.PAUSED)
    qtbot.wait(50)
    assert [_at(w, window) for w in controls] == before


def test_at_the_minimum_size_the_banner_and_attention_panel_move_nothing_either(
    small_window: MainWindow, journal: Journal, qtbot: QtBot
) -> None:
    window, dashboard = small_window, small_window.dashboard
    qtbot.wait(50)
    controls = (dashboard.sync_button, dashboard.pause_button, dashboard.store_card.times)
    before = [_at(w, window) for w in controls]
    now = datetime.now(UTC)
    dashboard.on_cycle_finished(
        CycleResult(Health.STORE_AUTH, OFFLINE, troubles=((Health.STORE_AUTH, OFFLINE),))
    )
    dashboard.on_health_changed(Health.STORE_AUTH)
    journal.record_order_seen("77", "1077", now, now)
    journal.mark_failed("77", "Order Desk refused the order: the SKU is missing.")
    dashboard.refresh_counts()
    needs_you_read(qtbot, dashboard)
    qtbot.wait(50)
    assert dashboard.failed_box.isVisible() and dashboard.reconnect_button.isVisible()
    assert [_at(w, window) for w in controls] == before


def _fits(label: QLabel) -> bool:
    needed = label.heightForWidth(label.contentsRect().width()) if label.wordWrap() else 0
    return label.contentsRect().height() >= needed


def test_at_the_minimum_size_no_text_is_clipped(
    small_window: MainWindow, journal: Journal, qtbot: QtBot
) -> None:
    dashboard = small_window.dashboard
    now = datetime.now(UTC)
    store_down = (
        "BigCommerce answered with a server error (HTTP 500); the sync will try again shortly. "
        "The app keeps retrying; nothing is lost."
    )
    for health in (Health.ORDERDESK_OFFLINE, Health.STORE_AUTH, Health.PAUSED):
        message = OFFLINE if health is not Health.PAUSED else ""
        troubles = ((health, message),)
        if health is Health.ORDERDESK_OFFLINE:  # both down: the banner names both
            troubles += ((Health.STORE_OFFLINE, store_down),)
        dashboard.on_cycle_finished(
            CycleResult(health, message, troubles=troubles, finished_at=now)
        )
        dashboard.on_health_changed(health)
        journal.record_order_seen("77", "1077", now, now)
        journal.mark_failed("77", "Order Desk refused the order: the SKU is missing. " * 3)
        dashboard.refresh_counts()
        needs_you_read(qtbot, dashboard)
        qtbot.wait(30)
        labels = [
            dashboard.banner_text,
            dashboard.activity,
            dashboard.failed_detail,
            *(c.reason for c in (dashboard.orderdesk_card, dashboard.store_card)),
            *(c.times for c in (dashboard.orderdesk_card, dashboard.store_card)),
        ]
        for label in labels:
            assert _fits(label), f"{health}: {label.text()!r} is cut"


def test_progress_reads_sends_and_agrees_with_the_counters(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    qtbot: QtBot,
) -> None:
    bigcommerce.add_sample_orders(40)
    window = make_window()
    dashboard = window.dashboard
    seen: list[tuple[str, str, str]] = []

    def look() -> None:
        # Right after each redraw of the progress line: what the merchant sees together.
        counters = (dashboard.sent.number.text(), dashboard.pending.number.text())
        seen.append((dashboard.activity.text(), *counters))

    dashboard._progress_timer.timeout.connect(look)
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS):
        window.sync_now()
    sending = [s for s in seen if s[0].startswith("Sending ")]
    assert sending, seen
    for text, sent, pending in sending:
        done = int(text.split()[1])
        assert (int(sent), int(pending)) == (done, 40 - done), (text, sent, pending)
    dashboard.on_cycle_started()
    dashboard.on_progress(Progress(Direction.PUSH, 120, 0, Stage.READING))
    qtbot.waitUntil(lambda: dashboard.activity.text().startswith("Reading the store"), timeout=2000)
    assert dashboard.activity.text() == "Reading the store: 120 orders found so far"
    dashboard.on_cycle_finished(CycleResult(Health.OK, push=PushResult(sent=40), finished_at=None))

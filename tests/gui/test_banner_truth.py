"""What the banner, the summary, the last good sync and the tray say is what is so (the
merchant-eyes audit of issues 22/23): against the emulators over real sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop_sync import APP_DISPLAY_NAME
from desktop_sync.app.facade import DesktopSync
from desktop_sync.engine.events import CycleResult, Health, PullResult, PushResult
from desktop_sync.gui.dashboard import Dashboard
from desktop_sync.gui.icons import health_icon
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.tray import SyncTray
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import Hold, OrderFacts, note_before_start
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault
from tests.gui.conftest import counters_read, needs_you_read
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window
from tests.shipments import add_shipment

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 20_000


def _sync(window: MainWindow, qtbot: QtBot) -> CycleResult:
    with qtbot.waitSignal(window.controller.cycle_finished, timeout=WAIT_MS) as done:
        qtbot.mouseClick(window.dashboard.sync_button, Qt.MouseButton.LeftButton)
    result = done.args[0] if done.args else None
    assert isinstance(result, CycleResult)
    return result


def _tray(window: MainWindow) -> SyncTray:
    assert window.tray is not None
    return window.tray


def _picture(tray: SyncTray) -> int:
    return tray.icon.icon().cacheKey()


def test_orders_left_unsent_after_order_desk_errors_are_not_everything_in_sync(
    make_window: WindowMaker,
    bigcommerce: BigCommerceEmulator,
    orderdesk: OrderDeskEmulator,
    journal: Journal,
    qtbot: QtBot,
) -> None:
    # Shots 56, 57: Order Desk answered 500 to every new order; the banner stayed green
    # "Everything is in sync.", a second Sync now said "No new orders" with 2 waiting, and
    # "Last good sync" moved on at each such cycle.
    orderdesk.faults.inject(Fault.SERVER_ERROR, 1000, method="POST", path=r"/orders$")
    ids = [str(n) for n in bigcommerce.add_sample_orders(2)]
    window = make_window()
    dashboard, tray = window.dashboard, _tray(window)
    for _ in range(2):
        result = _sync(window, qtbot)
        counters_read(qtbot, dashboard)  # the cycle's end is told with the counts after it
        assert result.health is Health.OK  # both sides answered; the sends did not go
        assert dashboard.pending.number.text() == "2"
        banner = dashboard.banner_text.text()
        assert banner.startswith("2 orders could not be sent yet (the log below says why)")
        assert banner.endswith("the app tries them again by itself; nothing is lost.")
        assert dashboard.banner.property("severity") == "warning"
        assert dashboard.activity.text() == "Last sync: No new orders, 2 waiting; no new shipments."
        assert dashboard.month_chart.last_good is None  # no cycle did its work
        assert tray.status_line() == "2 orders wait to be sent"
        assert _picture(tray) == health_icon(Health.FAILING).cacheKey()
    orderdesk.faults.clear()  # Order Desk answers again (shot 58), and their next try is due
    for order_id in ids:
        row = journal.get_order(order_id)
        assert row is not None
        due = datetime.now(UTC) - timedelta(seconds=1)
        journal.mark_order_retry(order_id, row.last_error, due, state=row.state)
    _sync(window, qtbot)
    counters_read(qtbot, dashboard)
    assert len(orderdesk.orders()) == 2
    assert dashboard.banner_text.text() == "Everything is in sync."
    assert dashboard.activity.text() == "Last sync: 2 orders sent; no new shipments."
    assert dashboard.month_chart.last_good is not None  # this cycle did its work
    assert tray.status_line() == "Up to date"
    assert _picture(tray) == health_icon(Health.OK).cacheKey()


def test_the_tray_picture_tooltip_and_line_say_what_the_banner_says(
    make_window: WindowMaker,
    journal: Journal,
    qtbot: QtBot,
) -> None:
    # Shots 10b, 12: the menu said "8 orders need you" under the green "all good" tick
    # (the picture followed the health alone).
    placed = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for n in range(8):  # held: placed before setup (as in the shots), nothing failed
        order_id = f"{9000 + n}"
        note_before_start(journal, OrderFacts(order_id, order_id, placed, hold=Hold.BEFORE_START))
    window = make_window()
    dashboard, tray = window.dashboard, _tray(window)
    _sync(window, qtbot)
    needs_you_read(qtbot, dashboard)
    assert dashboard.failed.number.text() == "8"
    assert (
        dashboard.banner_text.text() == "Connected to both. 8 orders need you: see Needs you below."
    )
    assert tray.status_line() == "8 orders need you"
    assert tray.icon.toolTip() == f"{APP_DISPLAY_NAME}: 8 orders need you"
    assert _picture(tray) == health_icon(Health.FAILING).cacheKey()
    assert _picture(tray) != health_icon(Health.OK).cacheKey()


def test_a_store_left_paused_after_resuming_another_is_said_by_the_banner_and_the_tray(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    # Shot 46: Pause all, then "Resume this store" on one card: the other store stayed paused
    # while the banner said "Everything is in sync."; shot 45: the tray's pause item was a
    # ticked "Resume syncing".
    window = make_window()
    dashboard, tray = window.dashboard, _tray(window)
    window.set_paused(True)
    assert tray.pause_action.text() == "Resume syncing"
    assert not tray.pause_action.isCheckable()  # says what it does, never ticked
    window.set_paused(False)
    _sync(window, qtbot)
    # What the controller says after "Resume this store" on the other store's card (the
    # scheduler's pauses are helper "persist"'s; here: what the window says of them).
    window.controller.stores_paused.emit(("Wholesale",))
    assert dashboard.banner_text.text() == (
        "Wholesale is paused: its orders wait until you press Resume this store on its card."
    )
    assert dashboard.banner.property("severity") == "quiet"
    assert tray.status_line() == "Up to date · Wholesale paused"
    assert tray.pause_action.text() == "Pause syncing"
    window.controller.stores_paused.emit(())
    assert dashboard.banner_text.text() == "Everything is in sync."
    assert tray.status_line() == "Up to date"


def test_the_summary_says_the_shipments_of_this_sync_not_another_stores_last(
    qtbot: QtBot, reader: DesktopSync, journal: Journal
) -> None:
    # Shot 46: "Last sync: No new orders; 1 shipment sent to the store." after a cycle that
    # sent none: the profile's result adds every store's last cycle, so store A's shipment
    # stayed in it through store B's cycles. The journal says what this sync did.
    dashboard = Dashboard(reader)
    qtbot.addWidget(dashboard)
    now = datetime.now(UTC)
    with_a_shipment = CycleResult(
        Health.OK, push=PushResult(), pull=PullResult(fulfillments_created=1), finished_at=now
    )
    dashboard.on_cycle_started()  # store A's turn: order 1042 shipped
    add_shipment(journal, "1042", "1042", "1ZSHIPPED")
    dashboard.on_cycle_finished(with_a_shipment)
    counters_read(qtbot, dashboard)
    assert dashboard.activity.text() == "Last sync: No new orders; 1 shipment sent to the store."
    dashboard.on_cycle_started()  # store B's turn: nothing; the profile's result is the same
    dashboard.on_cycle_finished(with_a_shipment)
    counters_read(qtbot, dashboard)
    assert dashboard.activity.text() == "Last sync: No new orders; no new shipments."

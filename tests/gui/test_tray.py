"""The tray: its menu, its status picture, and which notifications a cycle deserves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.store_results import StoreCycle, combine_cycles
from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    Failure,
    Health,
    Level,
    Progress,
    PullResult,
    PushResult,
    SyncEvent,
)
from desktop_sync.gui.tray import SyncTray, cycle_notices

pytestmark = pytest.mark.gui

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tray(qtbot: QtBot) -> SyncTray:
    return SyncTray()


def test_menu_has_open_sync_now_pause_and_quit(tray: SyncTray) -> None:
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts == ["Starting…", "Open Desktop Sync", "Sync now", "Pause syncing", "Quit"]
    assert not tray.status_action.isEnabled()  # a line to read, not a command


def test_each_menu_action_asks_for_its_thing(tray: SyncTray, qtbot: QtBot) -> None:
    with qtbot.waitSignal(tray.open_requested, timeout=1000):
        tray.open_action.trigger()
    with qtbot.waitSignal(tray.sync_now_requested, timeout=1000):
        tray.sync_now_action.trigger()
    with qtbot.waitSignal(tray.pause_toggled, timeout=1000) as paused:
        tray.pause_action.trigger()
    assert paused.args == [True]
    assert tray.pause_action.text() == "Resume syncing"
    with qtbot.waitSignal(tray.pause_toggled, timeout=1000) as resumed:
        tray.pause_action.trigger()
    assert resumed.args == [False]
    with qtbot.waitSignal(tray.quit_requested, timeout=1000):
        tray.quit_action.trigger()


def test_status_picture_and_tooltip_follow_health_and_syncing(tray: SyncTray) -> None:
    before = tray.icon.icon().cacheKey()
    tray.set_syncing(True)
    assert tray.icon.toolTip() == "Desktop Sync for Order Desk: Syncing..."
    assert not tray.sync_now_action.isEnabled()
    syncing = tray.icon.icon().cacheKey()
    tray.set_syncing(False)
    tray.set_health(Health.ORDERDESK_AUTH)
    assert tray.icon.toolTip() == "Desktop Sync for Order Desk: Order Desk needs you to reconnect"
    error = tray.icon.icon().cacheKey()
    tray.set_health(Health.PAUSED)
    assert tray.paused
    assert tray.pause_action.text() == "Resume syncing"
    paused = tray.icon.icon().cacheKey()
    assert len({before, syncing, error, paused}) == 4


def test_a_pause_made_elsewhere_is_mirrored_without_echo(tray: SyncTray, qtbot: QtBot) -> None:
    echoed: list[bool] = []
    tray.pause_toggled.connect(echoed.append)
    tray.set_paused(True)
    assert tray.paused and tray.pause_action.text() == "Resume syncing"
    assert echoed == []


def test_no_tray_on_this_desktop_means_nothing_is_shown(tray: SyncTray) -> None:
    # Offscreen Qt has no system tray: the app must notice rather than assume one.
    assert not SyncTray.available()
    tray.show()
    assert not tray.icon.isVisible()


def _shipped(n: int) -> CycleResult:
    return CycleResult(Health.OK, pull=PullResult(fulfillments_created=n), finished_at=NOW)


def test_one_summary_per_cycle_for_shipped_orders() -> None:
    three = ("1001", "1002", "1003")
    notices = cycle_notices(_shipped(3), None, errors=True, shipments=True, shipped_orders=three)
    assert [(n.kind, n.message) for n in notices] == [
        ("shipments", "Tracking for orders 1001, 1002 and 1003 was sent to your store.")
    ]
    one = cycle_notices(_shipped(1), None, errors=True, shipments=True, shipped_orders=("7",))
    assert one[0].message == "Tracking for order 7 was sent to your store."
    assert cycle_notices(_shipped(0), None, errors=True, shipments=True) == []
    assert cycle_notices(_shipped(3), None, errors=True, shipments=False) == []
    # A count with no shipment of this cycle behind it is another store's, told already.
    assert cycle_notices(_shipped(3), None, errors=True, shipments=True) == []


def test_an_auth_failure_is_told_once_not_every_cycle() -> None:
    refused = CycleResult(
        Health.ORDERDESK_AUTH,
        "Order Desk refused the API key. Syncing is stopped until you reconnect.",
        finished_at=NOW,
    )
    first = cycle_notices(refused, None, errors=True, shipments=True)
    assert [(n.kind, n.title) for n in first] == [("error", "Order Desk needs you to reconnect")]
    assert first[0].message == refused.message
    assert cycle_notices(refused, refused, errors=True, shipments=True) == []
    assert cycle_notices(refused, None, errors=False, shipments=True) == []


def test_more_failing_orders_are_told_with_the_first_reason() -> None:
    failing = CycleResult(
        Health.FAILING,
        "2 orders could not be sent to Order Desk.",
        push=PushResult(
            failed=(
                Failure("1001", "Order Desk refused the order: the SKU is missing."),
                Failure("1002", "Order Desk refused the order: no address."),
            )
        ),
        finished_at=NOW,
    )
    notices = cycle_notices(failing, _shipped(0), errors=True, shipments=True)
    assert [n.title for n in notices] == ["2 orders could not be synced"]
    assert notices[0].message.startswith("Order Desk refused the order: the SKU is missing.")


def test_tray_records_what_it_told(tray: SyncTray) -> None:
    tray.notify_shipments = True
    tray.set_syncing(True)
    tray.on_event(SyncEvent(NOW, Level.INFO, Direction.PULL, "Tracking sent.", "1042"))
    tray.cycle_finished(_shipped(1))
    tray.notify_shipments = False
    tray.set_syncing(True)
    tray.on_event(SyncEvent(NOW, Level.INFO, Direction.PULL, "Tracking sent.", "1043"))
    tray.cycle_finished(_shipped(1))
    assert [n.message for n in tray.shown] == ["Tracking for order 1042 was sent to your store."]


def test_one_shipment_of_two_stores_is_told_once(tray: SyncTray) -> None:
    # Shots 46, 47: "1 order shipped: tracking sent to your store." with no new shipment. The
    # window is told the profile's result (every store's last cycle added up, as the worker
    # emits it), so after store A's cycle shipped order 1042, store B's next cycle still
    # carried A's count.
    shipped_a = StoreCycle("a", _shipped(1))
    quiet_b = StoreCycle("b", CycleResult(Health.OK, pull=PullResult(), finished_at=NOW))
    tray.set_syncing(True)  # store A's turn: one shipment, its event said
    tray.on_event(SyncEvent(NOW, Level.INFO, Direction.PULL, "Tracking sent.", "1042"))
    tray.set_syncing(False)
    tray.cycle_finished(combine_cycles([shipped_a]).result)
    for _ in range(2):  # store B's turns, then A's again with nothing new: nothing shipped
        tray.set_syncing(True)
        tray.set_syncing(False)
        tray.cycle_finished(combine_cycles([shipped_a, quiet_b]).result)
    assert [n.title for n in tray.shown] == ["Order 1042 shipped"]


def test_the_menu_and_tooltip_say_what_is_happening(tray: SyncTray) -> None:
    tray.set_health(Health.OK)
    assert tray.status_action.text() == "Up to date"
    tray.set_syncing(True)
    tray.on_progress(Progress(Direction.PUSH, 3, 100))
    assert tray.status_action.text() == "Sending 3 of 100 orders to Order Desk"
    assert (
        tray.icon.toolTip() == "Desktop Sync for Order Desk: Sending 3 of 100 orders to Order Desk"
    )
    tray.failing = 1
    tray.set_syncing(False)
    assert tray.status_action.text() == "1 order needs you"


def test_the_shipment_notice_names_the_orders(tray: SyncTray) -> None:
    tray.set_syncing(True)
    for number in ("1042", "1043"):
        tray.on_event(SyncEvent(NOW, Level.INFO, Direction.PULL, "Tracking sent.", number))
    tray.set_syncing(False)
    (notice,) = tray.cycle_finished(_shipped(2))
    assert notice.title == "Orders 1042 and 1043 shipped"
    assert notice.message == "Tracking for orders 1042 and 1043 was sent to your store."


def test_the_tray_names_the_store_that_needs_reconnecting(tray: SyncTray) -> None:
    """Issue 20: with several stores, "Your store needs you to reconnect" does not say which."""
    refused = CycleResult(
        Health.STORE_AUTH, "Shop Two: BigCommerce refused the access token.", store="Shop Two"
    )
    tray.cycle_finished(refused)
    tray.set_health(Health.STORE_AUTH)
    assert tray.status_action.text() == "Shop Two needs you to reconnect"
    assert tray.icon.toolTip() == "Desktop Sync for Order Desk: Shop Two needs you to reconnect"
    tray.cycle_finished(
        CycleResult(Health.STORE_OFFLINE, "Wholesale: no answer.", store="Wholesale")
    )
    tray.set_health(Health.STORE_OFFLINE)
    assert tray.status_action.text() == "Wholesale cannot be reached"
    # Order Desk's own trouble is not a store's; a result naming no store says "Your store".
    tray.set_health(Health.ORDERDESK_AUTH)
    assert tray.status_action.text() == "Order Desk needs you to reconnect"
    tray.cycle_finished(CycleResult(Health.STORE_AUTH, "The key was refused."))
    tray.set_health(Health.STORE_AUTH)
    assert tray.status_action.text() == "Your store needs you to reconnect"


def test_the_notice_of_a_store_refusing_its_key_names_the_store() -> None:
    refused = CycleResult(
        Health.STORE_AUTH, "Shop Two: Shopify refused the access token.", store="Shop Two"
    )
    (notice,) = cycle_notices(refused, None, errors=True, shipments=True)
    assert notice.title == "Shop Two needs you to reconnect"
    alone = CycleResult(Health.STORE_OFFLINE, "The store did not answer.")
    (said,) = cycle_notices(alone, None, errors=True, shipments=True)
    assert said.title == "Your store cannot be reached"

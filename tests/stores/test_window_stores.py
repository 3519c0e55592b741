"""Issue 20 in the window: the worker gives each store its own entry in the scheduler; Pause
one store (its card's button) and the others go on; the window's health, last result and
next times are the profile's. Over real sockets, the worker on its own thread."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync.gui.store_cards import PAUSED_LINE, StoreCards, store_parts
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores

pytestmark = pytest.mark.gui


@pytest.fixture
def window_app(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> Iterator[DesktopSync]:
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    with DesktopSync(driver="window") as app:
        yield app


@pytest.fixture
def controller(window_app: DesktopSync) -> Iterator[SyncController]:
    made = SyncController(
        window_app.load_profile(),
        push_interval_seconds=3600,
        pull_interval_seconds=3600,
        engine_factory=window_app.engine_factory,
    )
    yield made
    assert made.shutdown(), "the sync thread outlived its test"


def sources(orderdesk: OrderDeskEmulator) -> list[str]:
    return sorted(o["source_name"] for o in orderdesk.orders())


def test_pause_one_store_the_other_goes_on_and_resume_sends_the_rest(
    qtbot: QtBot,
    controller: SyncController,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
) -> None:
    finished: list[CycleResult] = []
    paused: list[tuple[str, ...]] = []
    controller.cycle_finished.connect(finished.append)
    controller.stores_paused.connect(paused.append)
    controller.start()
    qtbot.waitUntil(lambda: len(finished) >= 2, timeout=20_000)  # a cycle for each store
    assert controller.scheduler.stores == ("Main shop", "Wholesale")

    controller.set_paused(True, "Wholesale")
    qtbot.waitUntil(lambda: paused[-1:] == [("Wholesale",)], timeout=5_000)
    assert controller.paused_stores == ("Wholesale",)
    assert controller.is_paused("Wholesale") and not controller.paused
    assert controller.health is Health.OK  # the window is not paused: one store is

    main = bigcommerce.add_orders(generate_orders(2, seed=95))
    woo.add_orders(generate_orders(3, seed=96))
    controller.sync_now()
    qtbot.waitUntil(lambda: len(orderdesk.orders()) == len(main), timeout=20_000)
    qtbot.waitUntil(lambda: not controller.running, timeout=20_000)
    assert len(orderdesk.orders()) == 2  # the paused store sent nothing

    controller.set_paused(False, "Wholesale")
    qtbot.waitUntil(lambda: len(orderdesk.orders()) == 5, timeout=20_000)
    qtbot.waitUntil(lambda: paused[-1:] == [()], timeout=5_000)
    # The window's last result is the profile's: each store's last cycle, added up.
    qtbot.waitUntil(lambda: sent(finished[-1]) == 5, timeout=20_000)
    assert finished[-1].health is Health.OK


def sent(result: CycleResult) -> int:
    return result.push.sent if result.push is not None else 0


def test_each_stores_card_pauses_that_store_and_the_tray_names_it(
    qtbot: QtBot, window_app: DesktopSync, controller: SyncController
) -> None:
    tray = SyncTray()
    controller.stores_paused.connect(tray.set_paused_stores)
    finished: list[CycleResult] = []
    controller.cycle_finished.connect(finished.append)
    cards = StoreCards(lambda: store_parts(window_app))
    qtbot.addWidget(cards)
    cards.control = controller
    controller.stores_paused.connect(cards.refresh)
    controller.start()
    qtbot.waitUntil(lambda: len(finished) >= 2, timeout=20_000)
    cards.refresh()
    assert [b.text() for b in cards.pause_buttons.values()] == ["Pause this store"] * 2

    qtbot.mouseClick(cards.pause_buttons["Wholesale"], Qt.MouseButton.LeftButton)
    assert controller.is_paused("Wholesale") and not controller.is_paused("Main shop")
    qtbot.waitUntil(lambda: tray.status_line() == "Up to date · Wholesale paused", timeout=5_000)
    assert cards.pause_buttons["Wholesale"].text() == "Resume this store"
    assert cards.pause_buttons["Main shop"].text() == "Pause this store"
    texts = [label.text() for card in cards.cards for label in card.findChildren(QLabel)]
    assert texts.count(PAUSED_LINE) == 1

    qtbot.mouseClick(cards.pause_buttons["Wholesale"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tray.status_line() == "Up to date", timeout=5_000)
    assert not controller.is_paused("Wholesale")


def test_a_store_paused_on_its_card_is_still_paused_after_the_app_restarts(
    qtbot: QtBot,
    window_app: DesktopSync,
    orderdesk: OrderDeskEmulator,
    bigcommerce: BigCommerceKit,
    woo: WooCommerceKit,
) -> None:
    def started() -> tuple[SyncController, SyncTray, StoreCards, list[CycleResult]]:
        made = SyncController(
            window_app.load_profile(),
            push_interval_seconds=3600,
            pull_interval_seconds=3600,
            engine_factory=window_app.engine_factory,
        )
        tray, cards, finished = SyncTray(), StoreCards(lambda: store_parts(window_app)), []
        qtbot.addWidget(cards)
        cards.control = made
        made.stores_paused.connect(tray.set_paused_stores)
        made.stores_paused.connect(cards.refresh)
        made.cycle_finished.connect(finished.append)
        made.start()
        return made, tray, cards, finished

    first, _, cards, finished = started()
    qtbot.waitUntil(lambda: len(finished) >= 2, timeout=20_000)
    cards.refresh()
    qtbot.mouseClick(cards.pause_buttons["Wholesale"], Qt.MouseButton.LeftButton)
    assert first.is_paused("Wholesale")
    assert first.shutdown(), "the sync thread outlived its test"

    main = bigcommerce.add_orders(generate_orders(2, seed=97))
    woo.add_orders(generate_orders(3, seed=98))
    again, tray, cards, finished = started()
    try:
        qtbot.waitUntil(
            lambda: tray.status_line() == "Up to date · Wholesale paused", timeout=20_000
        )
        assert again.is_paused("Wholesale") and not again.is_paused("Main shop")
        assert cards.pause_buttons["Wholesale"].text() == "Resume this store"
        shown = window_app.status().stores
        assert [(s.store, s.paused) for s in shown] == [("Main shop", False), ("Wholesale", True)]
        qtbot.waitUntil(lambda: len(orderdesk.orders()) == len(main), timeout=20_000)
        qtbot.waitUntil(lambda: not again.running, timeout=20_000)
        assert len(orderdesk.orders()) == len(main)  # Wholesale sent nothing while paused
    finally:
        assert again.shutdown(), "the sync thread outlived its test"

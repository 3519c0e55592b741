"""*Add a store* in the window (issue 20): the wizard's store page for one more store, verified
against the store over real sockets before Finish, saved through the facade, and a card per
store on the window once there are several."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.settings import load_settings
from desktop_sync.gui.add_store import AddStoreWizard
from desktop_sync.gui.store_cards import StoreCards, store_parts
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.gui.test_main_window import WindowMaker, ended, journal, make_window
from tests.harness import minute_ago
from tests.stores.profile import save_stores

__all__ = ["ended", "journal", "make_window"]  # fixtures, used by name

pytestmark = pytest.mark.gui

WAIT_MS = 10_000


@pytest.fixture
def kits() -> Iterator[tuple[BigCommerceKit, WooCommerceKit]]:
    started = (BigCommerceKit(), WooCommerceKit())
    for kit in started:
        kit.start()
    yield started
    for kit in started:
        kit.stop()


def _filled(
    qtbot: QtBot, wizard: AddStoreWizard, woo: WooCommerceKit, folder: str = "Prepared"
) -> None:
    page = wizard.store_page
    env = woo.env()
    page.select_platform("woocommerce")
    page.url.setText(env["STORE_URL"])
    page.key.setText(env["STORE_KEY"])
    page.secret.setText(env["STORE_SECRET"])
    page.verify_row.button.click()
    qtbot.waitUntil(lambda: not page.runner.busy, timeout=WAIT_MS)
    assert page.isComplete(), page.verify_row.status.text()
    wizard.next()
    wizard.name_page.name.setText("Wholesale")
    folders = wizard.name_page.folders
    qtbot.waitUntil(lambda: folders.count() > 1, timeout=WAIT_MS)  # read from Order Desk
    folders.setCurrentItem(folders.findItems(folder, Qt.MatchFlag.MatchExactly)[0])


def test_a_second_store_is_verified_then_added_and_gets_its_card(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> None:
    bigcommerce, woo = kits
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    with DesktopSync(driver="window") as app:
        cards = StoreCards(lambda: store_parts(app))
        qtbot.addWidget(cards)
        assert cards.cards == [] and cards.isHidden()  # one store: the dashboard tells it

        wizard = AddStoreWizard(app)
        qtbot.addWidget(wizard)
        wizard.show()
        _filled(qtbot, wizard, woo)
        with qtbot.waitSignal(wizard.added, timeout=WAIT_MS):
            wizard.accept()

        _, wholesale = load_settings().stores
        assert (wholesale.name, wholesale.platform, wholesale.folder_name) == (
            "Wholesale",
            "woocommerce",
            "Prepared",
        )
        assert wholesale.folder_id == orderdesk.folder_ids()["Prepared"]
        assert wholesale.order_desk_source_name == "Desktop Sync (Wholesale)"
        cards.refresh()
        assert len(cards.cards) == 2 and not cards.isHidden()
        texts = [
            label.text()
            for card in cards.cards
            for label in card.findChildren(type(wizard.name_page.error))
        ]
        assert any("Order Desk folder: Prepared" in text for text in texts)
        assert [p.store_name for p in app.load_profiles()] == ["Main shop", "Wholesale"]


def test_the_folder_is_chosen_from_order_desks_folders_and_none_can_be_typed(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> None:
    """Audit 2, shot 26: "Bogus folder" could be typed, saved, then ignored. The name page
    lists Order Desk's own folders (read on a worker), the profile's first."""
    bigcommerce, woo = kits
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    with DesktopSync(driver="window") as app:
        wizard = AddStoreWizard(app)
        qtbot.addWidget(wizard)
        wizard.show()
        _filled(qtbot, wizard, woo, folder="the same folder as New")
        page = wizard.name_page
        listed = [page.folders.item(i).text() for i in range(page.folders.count())]
        assert listed == ["the same folder as New", *orderdesk.folder_ids()]
        assert [edit for edit in page.findChildren(QLineEdit)] == [page.name]  # nothing typed
        with qtbot.waitSignal(wizard.added, timeout=WAIT_MS):
            wizard.accept()
        _, wholesale = load_settings().stores
        assert (wholesale.folder_id, wholesale.folder_name) == (None, "")  # the profile's


def test_with_no_usable_keyring_nothing_is_added_and_the_page_says_so(
    qtbot: QtBot, orderdesk: OrderDeskEmulator, kits: tuple[BigCommerceKit, WooCommerceKit]
) -> None:
    bigcommerce, woo = kits
    save_stores(orderdesk, [("Main shop", bigcommerce, "")], since=minute_ago())
    with DesktopSync(driver="window") as app:
        wizard = AddStoreWizard(app)
        qtbot.addWidget(wizard)
        wizard.show()
        _filled(qtbot, wizard, woo)
        keyring.set_keyring(keyring.backends.fail.Keyring())
        wizard.accept()
        assert wizard.isVisible()
        assert wizard.name_page.error.text().startswith(
            "The store was not added, nothing was saved: Desktop Sync cannot keep your passwords"
        )
        assert [s.name for s in load_settings().stores] == ["Main shop"]


def test_the_file_menu_opens_the_store_page_for_another_store(
    make_window: WindowMaker, qtbot: QtBot
) -> None:
    window = make_window()
    assert window.add_store_action.isEnabled()  # the window reads through the facade
    assert window.store_cards.isHidden()  # one store: its card is the dashboard's
    wizard = window.add_store()
    assert wizard.isVisible() and wizard.currentPage() is wizard.store_page
    wizard.reject()

"""A store held because Order Desk no longer has its folder: the banner says the sentence and
offers no "Same store" or "Sync from this computer" (neither is the merchant's answer there;
the sentence says to choose its folder in Settings > Stores)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.gui.dashboard_parts import SYNC_HERE, Banner

pytestmark = pytest.mark.gui

GONE = (
    'Order Desk no longer has the folder "Prepared" this store\'s new orders go to, so none '
    "are sent; choose its folder in Settings > Stores."
)
MOVED = (
    "The WooCommerce site now says its address is shop.example, not old.example: nothing is "
    "synced for it until you confirm it is the same store, moved (Same store in the window, "
    "or desktop-sync store same-store)."
)


def test_a_store_held_for_its_folder_gets_no_choice_button(qtbot: QtBot) -> None:
    banner = Banner()
    qtbot.addWidget(banner)
    banner.offer_choice(GONE)
    assert banner.choose_button.isHidden()
    banner.offer_choice(MOVED)
    assert not banner.choose_button.isHidden() and banner.choose_button.text() == "Same store"
    banner.offer_choice("Another computer (OFFICE-PC) also sends this store's orders ...")
    assert not banner.choose_button.isHidden() and banner.choose_button.text() == SYNC_HERE

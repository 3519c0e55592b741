"""The window names a store the same way everywhere: by the merchant's name for it (its
settings' ``label``), never by the name the platform gives the shop. The demo's store card said
"Sandbox Store" (the shop's own name) where Settings said "Sandbox store"."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.demo import DEMO_STORE_NAME
from desktop_sync.gui.app import GuiSession
from desktop_sync.gui.store_cards import store_parts

pytestmark = pytest.mark.gui


def test_the_demo_names_its_store_by_the_merchants_name_everywhere(qtbot: QtBot) -> None:
    session = GuiSession(demo=True)
    session.prepare_demo()
    try:
        assert session.open_journal()
        window = session.show()
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.controller.cycle_finished, timeout=20_000):
            pass
        # The names looked up (off the GUI thread) have landed: Order Desk's is its own.
        card = window.dashboard.store_card
        qtbot.waitUntil(
            lambda: "Order Desk: " in window.dashboard.orderdesk_card.title.text(),
            timeout=20_000,
        )
        qtbot.waitUntil(lambda: DEMO_STORE_NAME in card.title.text(), timeout=5_000)
        assert "Sandbox Store" not in card.title.text()
        assert [part.store for part in store_parts(window.reader)] == [DEMO_STORE_NAME]
        window.orders_tab.refresh()
        qtbot.waitUntil(lambda: window.orders_tab.model.rowCount() > 0, timeout=5_000)
        model = window.orders_tab.model
        assert {model.line_at(r).store for r in range(model.rowCount())} == {DEMO_STORE_NAME}
        assert window.reader.store_names() == [DEMO_STORE_NAME]
    finally:
        session.close()

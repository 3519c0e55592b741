"""Issue 22, item 3: the Orders tab, paged through the facade, with filters and a search,
details on Enter or double-click and links to both sides' pages; usable without a mouse."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.gui.orders_tab import OrdersTab
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import Hold, OrderFacts, note_folder, note_order
from tests.shipments import add_shipment

pytestmark = pytest.mark.gui

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STORE = "https://my-shop.myshopify.com"


def _add(journal: Journal, n: int, customer: str, hold: Hold = Hold.NONE) -> str:
    order_id = f"gid://shopify/Order/{n}"
    placed = T0 + timedelta(minutes=n)
    journal.record_order_seen(order_id, str(1000 + n), placed, placed)
    facts = OrderFacts(
        order_id,
        str(1000 + n),
        placed,
        platform="shopify",
        customer=customer,
        total="12.00",
        currency="USD",
        hold=hold,
    )
    note_order(journal, facts)
    return order_id


@pytest.fixture
def filled() -> Iterator[Journal]:
    with Journal(journal_path()) as journal:
        for n in range(1, 451):
            journal.mark_sent(_add(journal, n, f"Customer {n}"), f"OD{n}")
        special = _add(journal, 500, "Zoë Müller")
        journal.mark_sent(special, "OD500")
        note_folder(journal, special, "4321")
        add_shipment(journal, special, "1500", "1ZTRACK500", orderdesk_id="OD500", done=False)
        journal.add_event(T0, "info", "push", "Sent to Order Desk.", order_number="1500")
        journal.mark_skipped(_add(journal, 501, "Held Person", Hold.STATUS), "Not sent yet: x.")
        yield journal


@pytest.fixture
def tab(qtbot: QtBot, reader: DesktopSync, filled: Journal) -> tuple[OrdersTab, list[QUrl]]:
    opened: list[QUrl] = []

    def opener(url: QUrl) -> bool:
        opened.append(url)
        return True

    widget = OrdersTab(reader, lambda: ("http://127.0.0.1:9/api/v2", STORE), opener=opener)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, opened


def test_it_opens_on_the_newest_page_and_loads_more_as_it_scrolls(
    tab: tuple[OrdersTab, list[QUrl]], qtbot: QtBot
) -> None:
    widget, _ = tab
    model = widget.model
    assert model.rowCount() == 200  # one page, never the whole journal
    assert model.line_at(0).number == "1501"
    qtbot.waitUntil(lambda: widget.count.text() == "452 orders")
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 452
    assert len({model.line_at(r).store_order_id for r in range(452)}) == 452


def test_search_filter_and_details_from_the_keyboard(
    tab: tuple[OrdersTab, list[QUrl]], qtbot: QtBot
) -> None:
    widget, opened = tab
    widget.activateWindow()
    qtbot.keyClick(widget, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert widget.search.hasFocus()
    with qtbot.waitSignal(widget.model.query_applied, timeout=5000):
        qtbot.keyClicks(widget.search, "MÜLLER")
    assert [widget.model.line_at(r).number for r in range(widget.model.rowCount())] == ["1500"]
    qtbot.keyClick(widget.search, Qt.Key.Key_Return)  # to the first order found
    assert widget.table.hasFocus()
    qtbot.keyClick(widget.table, Qt.Key.Key_Return)  # Enter opens it
    details = widget.details
    assert details is not None and details.windowTitle() == "Order 1500"
    item = details.timeline.topLevelItem(0)
    assert item is not None and item.text(1) == "Sent to Order Desk."
    details.orderdesk_button.click()
    details.store_button.click()
    assert [u.toString() for u in opened] == [
        "http://127.0.0.1:9/orders?folder=4321",  # its folder: no page of one order is known
        "https://admin.shopify.com/store/my-shop/orders/500",
    ]
    assert QGuiApplication.clipboard().text() == "OD500"
    assert (
        details.said.text() == "Order Desk order OD500 copied: paste it into Order Desk's search."
    )
    details.close()

    # Tracking finds it too; the filter box moves with the arrow keys.
    widget.search.setText("1ztrack")
    widget.model.apply_query()
    assert widget.model.rowCount() == 1
    widget.search.clear()
    widget.show_box.setFocus()
    with qtbot.waitSignal(widget.model.query_applied, timeout=5000):
        qtbot.keyClick(widget.show_box, Qt.Key.Key_Down)  # "Needs you"
    assert [widget.model.line_at(r).number for r in range(widget.model.rowCount())] == ["1501"]
    qtbot.waitUntil(lambda: widget.count.text() == "1 order")


def test_double_click_opens_the_details(tab: tuple[OrdersTab, list[QUrl]], qtbot: QtBot) -> None:
    widget, _ = tab
    rect = widget.table.visualRect(widget.model.index(1, 1))
    # A real double-click: a click, then the second press that Qt reports as a double-click.
    qtbot.mouseClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(widget.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert widget.details is not None and widget.details.windowTitle() == "Order 1500"

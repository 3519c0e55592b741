"""Issue 22 with several stores in one journal: two stores both have an order 100 (the same
store order id and number, placed at the same moment). Each store's order keeps its own
failed shipment, its own timeline and its own place in the orders view's pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import Direction, Level
from desktop_sync.gui.needs_you import NeedsYouPanel
from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import OrderFacts, note_before_start
from desktop_sync.state.orders_view import OrdersQuery, PageKey, orders_page, timeline
from desktop_sync.state.states import OrderState, ShipmentState
from tests.shipments import add_shipment

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
STORES = ("1", "b7")


def _order_100_in_each_store(journal: Journal) -> None:
    for store in STORES:
        mine = journal.for_store(store)
        mine.record_order_seen("100", "100", T0, T0)
        mine.mark_sent("100", f"OD-{store}")
        mine.add_event(T0, Level.INFO, Direction.PUSH, f"Sent to Order Desk ({store}).", "100")


def test_a_failed_shipment_is_retried_in_its_own_store(qtbot: QtBot) -> None:
    with Journal(journal_path()) as journal:
        _order_100_in_each_store(journal)
        second = journal.for_store("b7")
        add_shipment(second, "100", "100", "1ZB7", done=False)
        second.mark_shipment_failed("s-100-1ZB7", "The store refused the tracking number.")
    with DesktopSync(driver="test") as app:
        panel = NeedsYouPanel(app)
        qtbot.addWidget(panel)
        panel.refresh()
        qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 1, timeout=5000)
        panel.list.setCurrentItem(panel.list.topLevelItem(0))
        with qtbot.waitSignal(panel.acted, timeout=5000):
            panel.act_button.click()
        shipment = app.journal.for_store("b7").get_shipment("s-100-1ZB7")
        assert shipment is not None and shipment.state == ShipmentState.PENDING


def test_retry_of_one_failed_order_retries_it_in_its_own_store_alone(qtbot: QtBot) -> None:
    """Both stores' order 100 failed; Retry on the second store's row makes that one due
    again, and leaves the first store's as it was (a retry by number would take both)."""
    with Journal(journal_path()) as journal:
        for store in STORES:
            mine = journal.for_store(store)
            mine.record_order_seen("100", "100", T0, T0)
            mine.mark_failed("100", f"Order Desk refused the order ({store}).")
    with DesktopSync(driver="test") as app:
        panel = NeedsYouPanel(app)
        qtbot.addWidget(panel)
        panel.refresh()
        qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 2, timeout=5000)
        (second,) = [
            panel.list.topLevelItem(i)
            for i in range(2)
            if "(b7)" in panel.list.topLevelItem(i).text(1)
        ]
        panel.list.setCurrentItem(second)
        with qtbot.waitSignal(panel.acted, timeout=5000):
            panel.act_button.click()
        states = {s: app.journal.for_store(s).get_order("100") for s in STORES}
        assert states["b7"] is not None and states["b7"].state is OrderState.PENDING
        assert states["1"] is not None and states["1"].state is OrderState.FAILED


def test_an_orders_timeline_is_its_own_stores() -> None:
    with Journal(journal_path()) as journal:
        _order_100_in_each_store(journal)
    with DesktopSync(driver="test") as app:
        (line,) = [o for o in app.find_orders("100") if o.store_id == "b7"]
        timeline = app.order_timeline(line.number, store=line.store_id)
        assert [e.message for e in timeline] == ["Sent to Order Desk (b7)."]


@pytest.mark.parametrize("page_size", [1, 2, 3])
def test_pages_never_skip_or_repeat_two_stores_orders_placed_alike(
    tmp_path: object, page_size: int
) -> None:
    with Journal(journal_path()) as journal:
        for store in STORES:
            mine = journal.for_store(store)
            for n in (100, 101):  # the same ids, numbers and moment in both stores
                mine.record_order_seen(str(n), str(n), T0, T0)
            note_before_start(mine, OrderFacts("99", "99", T0))
        seen: list[tuple[str, str]] = []
        after: PageKey | None = None
        while page := orders_page(journal, OrdersQuery(), page_size, after=after):
            seen += [(o.store_id, o.store_order_id) for o in page]
            after = page[-1].key
        assert sorted(seen) == sorted((s, i) for s in STORES for i in ("99", "100", "101"))


def test_the_journals_timeline_reads_its_own_stores_lines() -> None:
    with Journal(journal_path()) as journal:
        _order_100_in_each_store(journal)
        for store in STORES:
            lines = timeline(journal.for_store(store), "100")
            assert [e.message for e in lines] == [f"Sent to Order Desk ({store})."]

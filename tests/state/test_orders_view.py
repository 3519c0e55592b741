"""The orders view's query layer (issue 22): one row per store order with its state in the
merchant's words, filters, search by number, name and tracking, keyset pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.state.journal import Journal
from desktop_sync.state.needs_you import needs_you
from desktop_sync.state.order_facts import Hold, OrderFacts, dismiss, note_before_start, note_order
from desktop_sync.state.orders_view import (
    OrdersQuery,
    OrderWord,
    Show,
    count_orders,
    orders_page,
    timeline,
)
from tests.shipments import add_shipment

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _order(journal: Journal, n: int, customer: str = "", hold: Hold = Hold.NONE) -> str:
    placed = T0 + timedelta(minutes=n)
    journal.record_order_seen(str(n), str(1000 + n), placed, placed)
    note_order(
        journal,
        OrderFacts(str(n), str(1000 + n), placed, customer=customer, total="9.50", hold=hold),
    )
    return str(n)


def _ship(journal: Journal, n: int, tracking: str, *, done: bool) -> None:
    add_shipment(journal, str(n), str(1000 + n), tracking, orderdesk_id=f"OD{n}", done=done)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    journal = Journal(tmp_path / "j.sqlite3")
    _order(journal, 1, "Zoë Müller")  # waiting
    journal.mark_sent(_order(journal, 2, "Ann Lee"), "OD2")  # sent
    journal.mark_sent(_order(journal, 3), "OD3")
    _ship(journal, 3, "1ZPART", done=True)  # partly shipped
    journal.mark_sent(_order(journal, 4), "OD4")
    _ship(journal, 4, "1ZDONE", done=True)
    journal.mark_order_shipped("4")  # shipped
    journal.mark_failed(_order(journal, 5), "Order Desk refused the order: no address.")
    journal.mark_skipped(_order(journal, 6, hold=Hold.STATUS), "Not sent yet: its status is x.")
    journal.mark_skipped(_order(journal, 7, hold=Hold.CANCELLED), "Not sent: cancelled.")
    note_before_start(
        journal, OrderFacts("8", "1008", T0 - timedelta(days=1), hold=Hold.BEFORE_START)
    )
    return journal


def test_each_order_has_its_state_in_the_merchants_words_newest_first(journal: Journal) -> None:
    rows = orders_page(journal, OrdersQuery(), 50)
    assert [(r.number, r.state) for r in rows] == [
        ("1007", OrderWord.CANCELLED),
        ("1006", OrderWord.HELD),
        ("1005", OrderWord.FAILED),
        ("1004", OrderWord.SHIPPED),
        ("1003", OrderWord.PARTLY_SHIPPED),
        ("1002", OrderWord.SENT),
        ("1001", OrderWord.WAITING),
        ("1008", OrderWord.HELD),
    ]
    shipped = rows[3]
    assert shipped.fulfilled and shipped.orderdesk_ids == ("OD4",) and shipped.store == "1"
    assert [(t.number, t.carrier, t.in_store) for t in shipped.tracking] == [
        ("1ZDONE", "UPS", True)
    ]
    assert not rows[4].fulfilled and rows[0].total == "9.50"


@pytest.mark.parametrize(
    ("show", "numbers"),
    [
        (Show.NEEDS_ME, ["1006", "1005", "1008"]),
        (Show.WAITING, ["1001"]),
        (Show.SENT, ["1003", "1002"]),
        (Show.SHIPPED, ["1004"]),
    ],
)
def test_filters(journal: Journal, show: Show, numbers: list[str]) -> None:
    assert [r.number for r in orders_page(journal, OrdersQuery(show=show), 50)] == numbers
    assert count_orders(journal, OrdersQuery(show=show)) == len(numbers)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("müller", ["1001"]),
        ("MÜLLER", ["1001"]),
        ("#1004", ["1004"]),
        ("1zpart", ["1003"]),
        ("ann", ["1002"]),
        ("zo", ["1001"]),
        ("05", ["1005"]),
    ],
)
def test_search_by_number_name_or_tracking(journal: Journal, text: str, numbers: list[str]) -> None:
    assert [r.number for r in orders_page(journal, OrdersQuery(text=text), 50)] == numbers


def test_by_store_counts_the_orders_of_that_store_id(journal: Journal) -> None:
    assert count_orders(journal, OrdersQuery(store="1")) == 8
    assert count_orders(journal, OrdersQuery(store="b7")) == 0


def test_keyset_pages_cover_every_order_once(journal: Journal) -> None:
    seen: list[str] = []
    page = orders_page(journal, OrdersQuery(), 3)
    while page:
        seen += [r.number for r in page]
        page = orders_page(journal, OrdersQuery(), 3, after=page[-1].key)
    assert sorted(seen) == sorted(f"100{i}" for i in range(1, 9))


def test_needs_you_collapses_and_dismiss_hides_a_row(journal: Journal) -> None:
    listed = needs_you(journal)
    assert listed.count == 3
    assert [r.button for r in listed.rows] == ["Retry", "Send anyway", "Send it"]
    dismiss(journal, listed.rows[2].keys[0])  # the order placed before the start
    assert needs_you(journal).count == 2
    assert count_orders(journal, OrdersQuery(show=Show.NEEDS_ME)) == 2


def test_an_orders_timeline_is_its_log_oldest_first(journal: Journal) -> None:
    journal.add_event(T0, "info", "push", "Found.", order_number="1002")
    journal.add_event(T0, "info", "push", "Other.", order_number="1003")
    journal.add_event(T0, "info", "push", "Sent to Order Desk.", order_number="1002")
    assert [e.message for e in timeline(journal, "1002")] == ["Found.", "Sent to Order Desk."]

"""The orders view's queries over a big journal (issue 22): each filter's page is walked along
an index newest placed first and stops at the page, never sorting every sent order (the "sent"
filter took 330 ms over 100,000 orders when SQLite sorted them all), and Needs you reads its
orders from their own small index, never the whole table. Read from SQLite's own plans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.state.journal import Journal
from desktop_sync.state.needs_you import needs_you
from desktop_sync.state.orders_view import OrdersQuery, Show, orders_page

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "j.sqlite3") as journal:
        for store in ("1", "b7"):
            mine = journal.for_store(store)
            for n in range(30):
                placed = T0 + timedelta(minutes=n)
                mine.record_order_seen(str(n), str(n), placed, placed)
                if n % 3 == 0:
                    mine.mark_sent(str(n), f"OD{n}")
                    if n % 2 == 0:
                        mine.mark_order_shipped(str(n))
                elif n % 3 == 1:
                    mine.mark_failed(str(n), "Order Desk refused the order.")
        yield journal


def _plans(journal: Journal, read: object, *, finding: bool = False) -> list[str]:
    """The steps of SQLite's plan for each query ``read()`` makes of the orders; ``finding``:
    only those that find a page's rows (the page's own sort of its few rows is not counted)."""
    plans: list[str] = []
    real = journal.read

    def planned(sql: str, params: Sequence[object] = ()) -> list[object]:
        if "FROM orders o" in sql:
            steps = real(f"EXPLAIN QUERY PLAN {sql}", params)
            found = {r[0] for r in steps if str(r[3]).startswith("LIST SUBQUERY")}
            finding_only = finding and bool(found)  # else one query finds and reads the page
            for step_id, parent, _, detail in steps:
                if not finding_only or parent in found:
                    plans.append(str(detail))
                    found |= {step_id} if finding_only else set()
        return list(real(sql, params))

    journal.read = planned  # type: ignore[method-assign]
    try:
        assert callable(read)
        read()
    finally:
        del journal.read
    assert plans, "no query of the orders was read"
    return plans


def _walked(plans: list[str]) -> bool:
    """Found along an index in the page's order: no sort, no reading of the table itself."""
    return bool(plans) and not [p for p in plans if "TEMP B-TREE" in p or p == "SCAN o"]


# "Waiting" is two states: SQLite may sort them, and a store has few orders waiting.
@pytest.mark.parametrize("show", [Show.ALL, Show.SENT, Show.SHIPPED])
@pytest.mark.parametrize("store", ["", "b7"])
def test_a_filters_page_is_walked_along_an_index_never_sorted(
    journal: Journal, show: Show, store: str
) -> None:
    query = OrdersQuery(show=show, store=store)
    first = orders_page(journal, query, 5)
    assert len(first) == 5
    assert _walked(_plans(journal, lambda: orders_page(journal, query, 5), finding=True))
    after = first[-1].key
    next_page = _plans(journal, lambda: orders_page(journal, query, 5, after=after), finding=True)
    assert _walked(next_page), next_page


def test_needs_you_reads_its_orders_from_their_own_index(journal: Journal) -> None:
    plans = _plans(journal, lambda: needs_you(journal))
    assert any("COVERING INDEX orders_needing_you" in p for p in plans), plans
    assert not [p for p in plans if p.startswith("SCAN o")], plans
    assert needs_you(journal).count == 20

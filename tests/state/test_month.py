"""Issue 22, item 5: the month at a glance, store by store. Orders sent come from the push's
log line, which each store's engine writes with its store (the events' ``store`` column,
schema 4); shipments from the store-keyed shipments table. Days are this computer's days."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from desktop_sync.app.paths import journal_path
from desktop_sync.state import month as month_module
from desktop_sync.state.journal import Journal
from desktop_sync.state.month import SENT_LINE, StoreDay, per_day
from tests.shipments import add_shipment

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)


def _sent(journal: Journal, store: str, when: datetime, count: int) -> None:
    mine = journal.for_store(store)
    for n in range(count):
        mine.add_event(when, "info", "push", SENT_LINE, order_number=f"{store}-{n}")


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal(journal_path()) as opened:
        yield opened


def test_two_stores_sending_on_the_same_day_are_two_series(journal: Journal) -> None:
    now = datetime.now(UTC)  # the shipments are marked sent back now
    _sent(journal, "1", now, 3)
    _sent(journal, "b7", now, 2)
    _sent(journal, "b7", now - timedelta(days=2), 1)
    _sent(journal, "b7", now - timedelta(days=40), 5)  # before the month
    journal.add_event(now, "info", "push", "Not sent: something else.")
    # Sent by another computer or an earlier install, not from here:
    journal.add_event(now, "info", "push", "Not sent again: already in Order Desk.")
    add_shipment(journal.for_store("1"), "100", "100", "1ZA")
    add_shipment(journal.for_store("b7"), "100", "100", "1ZB")
    add_shipment(journal.for_store("b7"), "101", "101", "1ZC")
    add_shipment(journal.for_store("b7"), "102", "102", "1ZD", done=False)  # not sent back

    month = per_day(journal, now, stores=("1", "b7"))

    assert month.stores == ("1", "b7")
    assert len(month.days) == 30
    today = month.days[-1]
    assert today.day == now.astimezone().date()
    assert (today.sent, today.shipped) == (5, 3)
    assert today.stores == (StoreDay("1", sent=3, shipped=1), StoreDay("b7", sent=2, shipped=2))
    assert month.days[-3].stores == (StoreDay("1"), StoreDay("b7", sent=1))
    assert sum(d.sent for d in month.days) == 6


def test_one_store_is_one_series(journal: Journal) -> None:
    _sent(journal, "1", NOW, 4)
    month = per_day(journal, NOW, stores=("1",))
    assert month.stores == ("1",)
    assert month.days[-1].stores == (StoreDay("1", sent=4),)
    assert (month.days[-1].sent, month.days[-1].shipped) == (4, 0)


def test_a_store_not_listed_but_with_orders_this_month_has_its_series_after_the_listed(
    journal: Journal,
) -> None:
    """A store removed from the profile keeps what it sent; nothing is left out of the
    day's totals. A listed store with nothing this month still has its (empty) series."""
    _sent(journal, "gone", NOW, 2)
    month = per_day(journal, NOW, stores=("1", "b7"))
    assert month.stores == ("1", "b7", "gone")
    assert month.days[-1].stores == (StoreDay("1"), StoreDay("b7"), StoreDay("gone", sent=2))
    assert month.days[-1].sent == 2


@pytest.fixture
def in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("in_new_york")
def test_days_are_this_computers_days(journal: Journal) -> None:
    """An order sent at 03:00 UTC on the 8th was sent on the evening of the 7th in New York."""
    now = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
    _sent(journal, "1", datetime(2026, 12, 8, 3, 0, tzinfo=UTC), 1)
    _sent(journal, "1", datetime(2026, 12, 8, 5, 30, tzinfo=UTC), 2)  # 00:30 on the 8th there
    month = per_day(journal, now, stores=("1",))
    by_day = {d.day: d.sent for d in month.days}
    assert (by_day[date(2026, 12, 7)], by_day[date(2026, 12, 8)]) == (1, 2)
    assert month.days[-1].day == date(2026, 12, 8)


def test_each_count_reads_its_own_index_not_the_whole_month(journal: Journal) -> None:
    """Over a year of 100,000 orders the month's sent lines are 8,000 of 200,000 log lines
    and its shipments 2,400 of 30,000 (benchmarks/month_chart.py): each count walks an index
    by time that holds just what it counts."""
    per_day(journal, NOW, stores=("1",))  # makes the indexes
    start = "2026-11-08T00:00:00.000000+00:00"
    plans = {
        sql: " ".join(str(row[3]) for row in journal.read(f"EXPLAIN QUERY PLAN {sql}", args))
        for sql, args in (
            (month_module._SENT, (start,)),
            (month_module._SHIPPED, ("done", start)),
        )
    }
    assert list(plans.values()) == [
        "SEARCH events USING COVERING INDEX events_sent_lines_by_time (time>?) "
        "USE TEMP B-TREE FOR GROUP BY",
        "SEARCH shipments USING INDEX shipments_done_by_time (state=? AND updated_at>?) "
        "USE TEMP B-TREE FOR GROUP BY",
    ]

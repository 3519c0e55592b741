"""Which orders a pull's listing covers (``engine.pull_window``), on a real journal: the
recent window every cycle, the older open orders on the hourly sweep, the stopped and the
fully shipped ones not at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.engine.after_push import StoreFacts
from desktop_sync.engine.pull_window import (
    LEAST_WINDOW,
    LOOKUP_MARGIN,
    SWEEP_EVERY,
    WINDOW,
    PullWindow,
)
from desktop_sync.state.journal import Journal

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _sent(journal: Journal, order_id: str, ago: timedelta, told: StoreFacts | None = None) -> None:
    placed = NOW - ago
    journal.record_order_seen(order_id, order_id, placed, placed)
    facts = StoreFacts(False, "paid", "A street").to_json()
    journal.mark_sent(order_id, f"od-{order_id}", facts, told=told.to_json() if told else None)


def test_the_window_starts_at_the_oldest_recent_open_order_and_the_sweep_takes_the_rest(
    tmp_path: Path,
) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _sent(journal, "old", timedelta(days=30))
        _sent(journal, "three-days", timedelta(days=3))
        _sent(journal, "today", timedelta(hours=2))
        window = PullWindow(journal)

        first = window.plan(NOW)  # never swept: the sweep lists since the old order
        assert first.sweep and set(first.covered) == {"old", "three-days", "today"}
        assert first.since == NOW - timedelta(days=30) - LOOKUP_MARGIN
        window.listed(first, NOW)

        later = NOW + SWEEP_EVERY / 2
        cycle = window.plan(later)
        assert not cycle.sweep
        assert set(cycle.covered) == {"three-days", "today"} and set(cycle.elsewhere) == {"old"}
        assert cycle.since == NOW - timedelta(days=3) - LOOKUP_MARGIN

        assert window.plan(NOW + SWEEP_EVERY).sweep


def test_with_no_recent_order_open_the_last_day_is_listed(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _sent(journal, "shipped", timedelta(hours=5))
        journal.mark_order_shipped("shipped")
        listing = PullWindow(journal).plan(NOW)
    assert not listing.sweep and not listing.covered and not listing.elsewhere
    assert listing.since == NOW - LEAST_WINDOW - LOOKUP_MARGIN


def test_orders_told_not_to_ship_leave_the_open_set(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _sent(journal, "cancelled", timedelta(days=20), StoreFacts(True, "paid", "A street"))
        _sent(journal, "refunded", timedelta(days=20), StoreFacts(False, "refunded", None))
        _sent(journal, "in-part", timedelta(days=20), StoreFacts(False, "partially_refunded", None))
        listing = PullWindow(journal).plan(NOW)
    # Refunded in part may still ship (what ships is the merchant's call): it stays open.
    assert listing.sweep and set(listing.covered) == {"in-part"}
    assert set(listing.elsewhere) == {"cancelled", "refunded"}  # known, never swept


def test_a_cancelled_order_alone_calls_for_no_sweep(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _sent(journal, "cancelled", timedelta(days=59), StoreFacts(True, "paid", "A street"))
        listing = PullWindow(journal).plan(NOW)
    assert not listing.sweep and listing.since == NOW - LEAST_WINDOW - LOOKUP_MARGIN


def test_a_recent_open_order_older_than_the_window_waits_for_the_sweep(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _sent(journal, "eight-days", WINDOW + timedelta(days=1))
        window = PullWindow(journal)
        window.listed(window.plan(NOW), NOW)
        listing = window.plan(NOW + timedelta(minutes=5))
    assert set(listing.elsewhere) == {"eight-days"} and not listing.covered

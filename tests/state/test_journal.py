"""The journal keeps exactly what the engine needs to resume after anything."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desktop_sync.state.journal import Cursor, Journal, JournalError
from desktop_sync.state.schema import SCHEMA_VERSION

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


def test_new_journal_is_in_wal_mode_at_the_current_schema(journal: Journal) -> None:
    conn = sqlite3.connect(journal.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert journal.previous_schema == 0


def test_reopening_keeps_the_data_and_migrates_nothing(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as first:
        first.record_order_seen("1", "1001", T0, T0)
    with Journal(tmp_path / "j.sqlite3") as again:
        assert again.previous_schema == SCHEMA_VERSION
        row = again.get_order("1")
        assert row is not None and row.order_number == "1001"


def test_a_journal_from_a_newer_app_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer version"):
        Journal(path)


def test_a_corrupt_file_raises_journal_error_naming_the_way_out(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match="rebuild it from Order Desk"):
        Journal(path)


def test_an_order_is_new_once_and_deduplicated_by_store_id(journal: Journal) -> None:
    assert journal.record_order_seen("7", "1007", T0, T0) is True
    assert journal.record_order_seen("7", "1007", T0, T0 + timedelta(minutes=1)) is False
    assert [r.store_order_id for r in journal.orders_due(T0)] == ["7"]


def test_sending_survives_a_restart_and_stays_due(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.record_order_seen("7", "1007", T0, T0)
        journal.mark_sending("7")
    with Journal(tmp_path / "j.sqlite3") as journal:
        (row,) = journal.orders_due(T0)
        assert (row.state, row.attempts) == ("sending", 1)


def test_retry_later_hides_an_order_until_its_time(journal: Journal) -> None:
    journal.record_order_seen("7", "1007", T0, T0)
    journal.mark_order_retry("7", "Order Desk is down.", T0 + timedelta(minutes=5), state="pending")
    assert journal.orders_due(T0) == []
    (row,) = journal.orders_due(T0 + timedelta(minutes=5))
    assert row.last_error == "Order Desk is down."


def test_a_failed_order_changed_in_the_store_becomes_due_again(journal: Journal) -> None:
    journal.record_order_seen("7", "1007", T0, T0)
    journal.mark_failed("7", "No customer name.")
    assert journal.orders_due(T0) == []
    journal.record_order_seen("7", "1007", T0, T0)  # unchanged: stays failed
    assert journal.orders_due(T0) == []
    journal.record_order_seen("7", "1007", T0, T0 + timedelta(hours=1))
    assert [r.state for r in journal.orders_due(T0)] == ["pending"]


def test_requeue_only_touches_failed_or_skipped_orders(journal: Journal) -> None:
    journal.record_order_seen("1", "1", T0, T0)
    journal.record_order_seen("2", "2", T0, T0)
    journal.mark_sent("1", "od-1")
    journal.mark_failed("2", "bad")
    assert journal.requeue_order("1") is False
    assert journal.requeue_order("2") is True
    assert journal.get_order("1").state == "sent"  # type: ignore[union-attr]


def test_shipments_are_recorded_once_with_their_lines(journal: Journal) -> None:
    fields = dict(
        shipment_id="s1",
        orderdesk_order_id="od1",
        store_order_id="7",
        order_number="1007",
        tracking_number="1Z1",
        carrier="UPS",
        tracking_url="",
        shipment_method="Ground",
        lines=[("101", 2), ("102", 1)],
        kind="fulfil",
    )
    journal.record_shipment(**fields)  # type: ignore[arg-type]
    journal.record_shipment(**{**fields, "lines": [("999", 9)]})  # type: ignore[arg-type]
    (row,) = journal.shipments_due(T0)
    assert row.lines == (("101", 2), ("102", 1))
    assert journal.known_shipment_ids(["s1", "s2"]) == {"s1"}
    journal.mark_shipment_done("s1", "f1")
    assert journal.counts().fulfillments == 1
    assert journal.shipments_due(T0) == []


def test_cursor_round_trips_in_utc(journal: Journal) -> None:
    assert journal.get_cursor("push") is None
    local = datetime(2026, 11, 1, 10, 0, tzinfo=UTC).astimezone()
    journal.set_cursor("push", local, 600)
    mark = journal.get_cursor("push")
    assert mark == local and mark is not None and mark.utcoffset() == timedelta(0)


def test_events_page_newest_first_with_text_and_level_filters(journal: Journal) -> None:
    for n in range(30):
        level = "error" if n % 10 == 0 else "info"
        journal.add_event(
            T0 + timedelta(seconds=n),
            level,
            "orders",
            f"event {n} 100%_done",
            order_number=str(1000 + n),
        )

    def found(text: str = "", levels: tuple[str, ...] = ()) -> int:
        return len(journal.events_page(0, 100, text, levels))

    assert found() == 30
    first_page = journal.events_page(0, 5)
    assert [e.message.split()[1] for e in first_page] == ["29", "28", "27", "26", "25"]
    assert found(levels=("error",)) == 3
    assert found(text="1017") == 1
    assert found(text="100%_") == 30  # LIKE wildcards are taken literally
    assert found(text="%") == 30
    assert found(text="x%") == 0
    snapshot = journal.last_event_id()
    journal.add_event(T0, "info", "orders", "later")
    assert journal.events_page(0, 1, max_id=snapshot)[0].message.startswith("event 29")
    assert [e.message for e in journal.events_after(snapshot)] == ["later"]


def test_a_failed_write_is_reported_not_swallowed(journal: Journal) -> None:
    journal._conn.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalError, match="could not be written"):
        journal.record_order_seen("1", "1", T0, T0)


def test_a_retry_scheduled_by_a_clock_since_set_back_is_due_now(journal: Journal) -> None:
    # Scheduled while the PC ran a day fast; the clock is now right.
    journal.record_order_seen("7", "1007", T0, T0)
    journal.mark_order_retry("7", "Order Desk is down.", T0 + timedelta(days=1), state="pending")
    assert [r.store_order_id for r in journal.orders_due(T0)] == ["7"]


def test_a_backfill_takes_the_earlier_date_and_a_later_scan_does_not_undo_it(
    journal: Journal,
) -> None:
    journal.set_cursor(Cursor.PUSH, T0, 600)
    assert journal.backfill(T0 + timedelta(days=1)) == T0 + timedelta(days=1)  # no start yet
    assert journal.get_cursor(Cursor.PUSH) == T0  # the mark never moves forward
    assert journal.backfill(T0 - timedelta(days=2)) == T0 - timedelta(days=2)
    assert journal.backfill(T0) == T0 - timedelta(days=2)  # the earlier start wins
    # A scan that read the mark T0 before the backfill finishes after it: the backfill stands.
    assert not journal.advance_cursor(Cursor.PUSH, T0 + timedelta(hours=1), 600, scanned_from=T0)
    assert journal.get_cursor(Cursor.PUSH) == T0 - timedelta(days=2)
    assert journal.advance_cursor(Cursor.PUSH, T0, 600, scanned_from=T0 - timedelta(days=2))
    assert journal.get_cursor(Cursor.PUSH) == T0

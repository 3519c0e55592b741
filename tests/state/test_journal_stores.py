"""The journal keyed by store: each store's orders, shipments, marks and start are its own, and
a single-store journal of every earlier schema upgrades to the profile's first store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_sync.state.journal import Cursor, Journal, OrderState, ShipmentKind, ShipmentState
from desktop_sync.state.store_migration import FIRST_STORE

VERSIONS = Path(__file__).parents[1] / "reliability" / "journal_versions"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _journal_at(version: int, path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript((VERSIONS / f"v{version}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


@pytest.mark.parametrize("version", [1, 2])
def test_a_single_store_journal_upgrades_to_the_first_store_with_nothing_lost(
    version: int, tmp_path: Path
) -> None:
    path = _journal_at(version, tmp_path / "journal.sqlite3")
    with Journal(path, store=FIRST_STORE) as first:
        # Sent stays sent with its Order Desk id: it is not due, so it is never sent again.
        sent = first.get_order("218")
        assert sent is not None and (sent.state, sent.orderdesk_order_id) == ("sent", "7001")
        assert [r.store_order_id for r in first.orders_due(NOW)] == []
        assert first.orders_in_state(OrderState.FAILED)[0].store_order_id == "219"
        # The shipment that reached the store is still known, so it is not fulfilled again.
        assert first.known_shipment_ids(["9001"]) == {"9001"}
        shipment = first.get_shipment("9001")
        assert shipment is not None and shipment.state is ShipmentState.DONE
        assert first.get_cursor(Cursor.PUSH) == datetime(2024, 3, 6, 12, tzinfo=UTC)
        assert first.counts().sent == 1
        assert first.stores() == [FIRST_STORE]
        # Another store sees none of it.
        other = first.for_store("b7")
        assert other.get_order("218") is None
        assert other.known_shipment_ids(["9001"]) == set()
        assert other.get_cursor(Cursor.PUSH) is None
        assert other.counts().sent == 0
        other.close()  # a view: the journal stays open
        assert first.get_order("219") is not None


def test_two_stores_both_with_order_100_are_kept_apart(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3", store="a") as a:
        b = a.for_store("b")
        assert a.record_order_seen("100", "100", NOW, NOW)
        assert b.record_order_seen("100", "100", NOW, NOW)  # new to store b too
        a.mark_sending("100")
        a.mark_sent("100", "od-1")
        assert a.get_order("100").state is OrderState.SENT  # type: ignore[union-attr]
        row_b = b.get_order("100")
        assert row_b is not None and (row_b.state, row_b.orderdesk_order_id) == ("pending", None)
        assert [r.store_order_id for r in b.orders_due(NOW)] == ["100"]
        assert a.orders_due(NOW) == []

        for journal, od_id in ((a, "od-1"), (b, "od-2")):
            journal.record_shipment(
                shipment_id="s1",
                orderdesk_order_id=od_id,
                store_order_id="100",
                order_number="100",
                tracking_number="1Z",
                carrier="UPS",
                tracking_url="",
                shipment_method="",
                lines=[("1", 1)],
                kind=ShipmentKind.FULFIL,
            )
        a.mark_shipment_done("s1", "f-1")
        assert b.get_shipment("s1").state is ShipmentState.PENDING  # type: ignore[union-attr]
        assert [s.orderdesk_order_id for s in b.shipments_due(NOW)] == ["od-2"]

        a.set_cursor(Cursor.PUSH, NOW, 600)
        b.backfill(datetime(2025, 1, 1, tzinfo=UTC))
        assert a.get_cursor(Cursor.PUSH) == NOW
        assert a.get_cursor(Cursor.SEND_FROM) is None
        assert b.get_cursor(Cursor.PUSH) == datetime(2025, 1, 1, tzinfo=UTC)
        assert (a.counts().sent, b.counts().pending) == (1, 1)

        b.add_event(NOW, "info", "orders", "From b.")
        a.add_event(NOW, "info", "orders", "From a.")
        # The log is the whole profile's: every store's lines, newest first.
        assert [e.message for e in a.events_page(0, 10)] == ["From a.", "From b."]
        assert a.stores() == ["a", "b"]


def test_a_schema_4_journal_opens_as_it_was_left(tmp_path: Path) -> None:
    path = _journal_at(4, tmp_path / "journal.sqlite3")
    with Journal(path) as first:
        assert first.previous_schema == 4
        assert first.get_order("218").state is OrderState.SENT  # type: ignore[union-attr]
        second = first.for_store("b7")
        assert second.get_order("218").state is OrderState.PENDING  # type: ignore[union-attr]
        assert second.get_cursor(Cursor.PUSH) == datetime(2024, 3, 6, 9, 30, tzinfo=UTC)

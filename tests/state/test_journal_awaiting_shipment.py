"""The journal knows which sent orders still wait for shipments, so the pull's listing starts
at the oldest of them and stops looking at an order once every line shipped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.state.journal import Journal


def test_sent_orders_wait_for_shipments_until_marked_shipped(tmp_path: Path) -> None:
    placed = datetime(2026, 11, 1, 9, tzinfo=UTC)
    with Journal(tmp_path / "j.sqlite3") as journal:
        for n, store_id in enumerate(("a", "b", "c", "d")):
            at = placed + timedelta(days=n)
            journal.record_order_seen(store_id, store_id.upper(), at, at)
        for store_id in ("a", "b", "c"):
            journal.mark_sending(store_id)
            journal.mark_sent(store_id, f"od-{store_id}")
        # "d" was never sent; "a" was placed before the horizon
        since = placed + timedelta(hours=1)
        assert [r.store_order_id for r in journal.orders_awaiting_shipment(since)] == ["b", "c"]
        journal.mark_order_shipped("b")
        assert [r.store_order_id for r in journal.orders_awaiting_shipment(since)] == ["c"]
        assert [r.store_order_id for r in journal.orders_awaiting_shipment(placed)] == ["a", "c"]


def test_a_corrected_tracking_number_makes_a_failed_shipment_due_again(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.record_shipment(
            shipment_id="s1",
            orderdesk_order_id="od-1",
            store_order_id="1",
            order_number="1",
            tracking_number="1Z" + "9" * 198,
            carrier="UPS",
            tracking_url="",
            shipment_method="Ground",
            lines=(("11", 1),),
            kind="fulfil",
        )
        journal.mark_shipment_creating("s1")
        journal.mark_shipment_failed("s1", "Too long.")
        journal.correct_shipment_tracking("s1", "1ZFIXED", "UPS", "https://t.example/1ZFIXED")
        (due,) = journal.shipments_due(datetime.now(UTC))
        assert (due.shipment_id, due.tracking_number, due.state) == ("s1", "1ZFIXED", "pending")
        assert (due.attempts, due.last_error, due.lines) == (0, "", (("11", 1),))

"""The facade's Needs you (issue 22): orders that failed alike, each reason naming its own
order, are one row, said as ``desktop-sync status`` says them."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.paths import journal_path
from desktop_sync.state.journal import Journal

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def test_orders_failed_alike_but_for_their_number_are_one_row_with_retry() -> None:
    with Journal(journal_path()) as journal:
        for n in (1001, 1002, 1003):
            journal.record_order_seen(str(n), str(n), T0, T0)
            journal.mark_failed(str(n), f"Order {n} has no customer name. Add one, then Retry.")
        journal.record_order_seen("9", "1009", T0, T0)
        journal.mark_failed("9", "Order Desk refused the order: the SKU is missing.")
    with DesktopSync(driver="test") as app:
        listed = app.needs_you()
        assert listed.count == 4
        alike, other = listed.rows
        assert (
            alike.title == "3 orders failed. Each order has no customer name. Add one, then Retry."
        )
        assert (alike.order_numbers, alike.button) == (("1001", "1002", "1003"), "Retry")
        assert sorted(alike.store_order_ids) == ["1001", "1002", "1003"]
        assert other.order_numbers == ("1009",)
        assert app.retry_orders(alike.store_order_ids) == 3
        assert app.needs_you().count == 1

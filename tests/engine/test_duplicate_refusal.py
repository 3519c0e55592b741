"""Order Desk's duplicate refusal is a type of its own (``DuplicateOrder``), and the push adopts
the order it names instead of failing it (issue 11, item 8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.engine.context import OrderDeskApi
from tests.harness import minute_ago
from tests.reliability.rig import Rig


class LaggingSearch:
    """Order Desk whose order search has not caught up yet: listings find nothing, so only
    Order Desk's own duplicate refusal can say that an order is already there."""

    def __init__(self, orderdesk: OrderDeskApi) -> None:
        self._orderdesk = orderdesk

    def __getattr__(self, name: str) -> Any:
        return getattr(self._orderdesk, name)  # everything but the search answers as usual

    def find_orders(self, source_id: str, source_name: str | None = None) -> list[Order]:
        return []

    def iter_orders(
        self, *, source_name: str | None = None, search_start_date: datetime | None = None
    ) -> Iterator[Order]:
        return iter(())


def test_a_refusal_as_duplicate_adopts_the_order_it_names_and_sends_nothing_twice(
    tmp_path: Path,
) -> None:
    start = minute_ago()
    with Rig() as rig:
        rig.place_orders(3, seed=81)
        first = rig.engine(tmp_path / "first-pc.sqlite3", start_at=start)
        try:
            assert first.run_cycle().push.sent == 3  # type: ignore[union-attr]
        finally:
            first.close()
        originals = {o["source_id"]: o["id"] for o in rig.orderdesk.orders()}
        second = rig.engine(tmp_path / "second-pc.sqlite3", start_at=start)
        second.pusher.orderdesk = LaggingSearch(second.orderdesk)
        try:
            result = second.run_cycle()
            assert result.push is not None
            assert (result.push.sent, result.push.adopted, result.push.failed) == (0, 3, ())
            rows = second.journal.orders_in_state("sent")
            assert len(rows) == 3
            for row in rows:
                assert row.orderdesk_order_id == originals[row.order_number]
        finally:
            second.close()
        tally = rig.tally()
        assert not tally.duplicate_orders and not tally.lost_orders, tally

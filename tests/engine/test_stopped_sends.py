"""A send cut short by stopping the sync: nothing left the PC, so the order is simply due again;
or the request was on the wire, so it stays ``sending`` and is looked up first (issue 11,
item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from desktop_sync.connectors.errors import Cancelled
from desktop_sync.connectors.orderdesk.models import NewOrder, Order, StoreInfo
from desktop_sync.engine.context import OrderDeskApi
from desktop_sync.engine.events import Health
from tests.harness import minute_ago
from tests.reliability.rig import Rig


class StoppedWhileCreating:
    """Order Desk as the engine sees it when the merchant quits during ``create_order``."""

    def __init__(self, orderdesk: OrderDeskApi, cancelled: Cancelled) -> None:
        self._orderdesk = orderdesk
        self._cancelled = cancelled

    def store(self) -> StoreInfo:
        return self._orderdesk.store()

    def create_order(self, order: NewOrder) -> Order:
        raise self._cancelled

    def find_orders(self, source_id: str, source_name: str | None = None) -> list[Order]:
        return self._orderdesk.find_orders(source_id, source_name)

    def iter_orders(
        self, *, source_name: str | None = None, search_start_date: datetime | None = None
    ) -> Iterator[Order]:
        return self._orderdesk.iter_orders(
            source_name=source_name, search_start_date=search_start_date
        )


@pytest.mark.parametrize(("maybe_sent", "state"), [(False, "pending"), (True, "sending")])
def test_a_send_stopped_midway_is_due_again_or_looked_up_first(
    tmp_path: Path, maybe_sent: bool, state: str
) -> None:
    with Rig() as rig:
        rig.place_orders(1, seed=91)
        engine = rig.engine(tmp_path / "j.sqlite3", start_at=minute_ago())
        real = engine.pusher.orderdesk
        engine.pusher.orderdesk = StoppedWhileCreating(real, Cancelled(maybe_sent=maybe_sent))
        try:
            assert engine.run_cycle().health is Health.PAUSED
            (row,) = engine.journal.orders_in_state("pending", "sending")
            assert row.state == state
            assert engine.journal.orders_due(rig.clock()) == [row]
            engine.pusher.orderdesk = real
            rig.settle(engine)
        finally:
            engine.close()
        tally = rig.tally()
        assert not tally.duplicate_orders and not tally.lost_orders, tally

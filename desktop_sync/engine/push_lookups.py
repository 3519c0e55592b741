"""What the push asks Order Desk before and after a send: which of the due orders it already
holds (one listing per batch, kept while a push that gave way goes on), an interrupted send's
copy, and, after a send, a copy another computer sent at the same moment.

Every match is on the store's identity and the store order id (``engine.identity``), never on
the order number alone."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import Ambiguous, RateLimited, Rejected, Transient
from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.identity import store_order_id_of
from desktop_sync.engine.whose_store import stop_if_sent_elsewhere
from desktop_sync.state.journal import OrderRow

__all__ = ["GoOn", "OrderDeskLookups", "oldest_of"]

log = logging.getLogger(__name__)

# The batch look-up searches Order Desk from a day before the oldest order in the batch: the
# reference leaves open whether date filters are UTC or store-local (open question 5), and a
# day covers every time zone.
_LOOKUP_MARGIN = timedelta(days=1)
# A push that gave way goes on with its batch's look-up for at most this long: about a
# 2,000-order backfill at Order Desk's pace, as long as one push without turns would keep it.
_LOOKUP_KEPT = timedelta(minutes=15)
# After a send, Order Desk is looked at once more for a copy another computer sent at the same
# moment (two computers on one store): after the first send that follows each batch look-up,
# and then at most this often. A look-up after every send would double what a backlog costs
# (one request per order); this costs under half a percent of Order Desk's budget.
_LOOK_AGAIN_EVERY = timedelta(minutes=2)


@dataclass(frozen=True)
class GoOn:
    """What a push that gave way leaves the next: the orders it left due, what its batch's
    look-up found in Order Desk and when, and when the store was last listed (the store's
    copies of the orders stay in ``_seen``)."""

    orders: frozenset[str]
    found: dict[str, str]
    looked_at: datetime
    listed_at: datetime


class OrderDeskLookups:
    """The push's look-ups in Order Desk (``OrderPusher`` is one)."""

    ctx: EngineContext
    orderdesk: OrderDeskApi
    source_name: str
    _looked_at: datetime | None
    """When the batch look-up the sends rely on was made."""
    _looked_again: tuple[datetime | None, datetime] | None

    def _in_orderdesk(
        self, due: Sequence[OrderRow], carried: GoOn | None
    ) -> tuple[dict[str, str], datetime]:
        """What Order Desk already holds of ``due``, and when it was looked up. A push that
        goes on where it gave way keeps its batch's look-up, as it would have without giving
        way (for as long as a backfill at Order Desk's pace takes); an order not in that
        batch means a look-up."""
        now = self.ctx.now()
        if (
            carried is not None
            and now - carried.looked_at < _LOOKUP_KEPT
            and {row.store_order_id for row in due} <= carried.orders
        ):
            return carried.found, carried.looked_at
        return self._already_in_orderdesk(due), now

    def _already_in_orderdesk(self, due: Iterable[OrderRow]) -> dict[str, str]:
        """store order id -> Order Desk id of this store's orders since the oldest due order."""
        oldest = min(row.store_created_at for row in due)
        found: dict[str, str] = {}
        for order in self.orderdesk.iter_orders(
            source_name=self.source_name, search_start_date=oldest - _LOOKUP_MARGIN
        ):
            if self._ours(order):
                stop_if_sent_elsewhere(self.ctx, order)
                key = store_order_id_of(order)
                known = found.get(key)
                found[key] = order.id if known is None else oldest_of((known, order.id))
        return found

    def _ours(self, order: Order, store_order_id: str | None = None) -> bool:
        """This store sent ``order`` (as ``store_order_id``, when given)."""
        return self.ctx.ours(order, self.source_name) and (
            store_order_id is None or store_order_id_of(order) == store_order_id
        )

    def _sent_alone(self, row: OrderRow, created_id: str) -> None:
        """With installations named, look at Order Desk once more after a send: a copy another
        computer sent at the same moment stops this one (``StoreHeld``). Done after the first
        send that follows each batch look-up, then at most every ``_LOOK_AGAIN_EVERY`` (after
        every send it would double a backlog's cost); a copy sent in between is found by the
        next batch look-up or the pull's listing. Two computers that start apart by a moment
        double at most one order each. A look-up that fails is left to the next batch's."""
        if not self.ctx.this_computer.installation:
            return
        now = self.ctx.now()
        last = self._looked_again
        if last is not None and last[0] == self._looked_at and now - last[1] < _LOOK_AGAIN_EVERY:
            return
        self._looked_again = (self._looked_at, now)
        try:
            copies = self.orderdesk.find_orders(row.order_number, self.source_name)
        except (Transient, Rejected, Ambiguous, RateLimited) as exc:
            log.debug("Order %s not looked up after sending: %s", row.order_number, exc)
            return
        for copy in copies:
            if copy.id != created_id and self._ours(copy, row.store_order_id):
                stop_if_sent_elsewhere(self.ctx, copy)


def oldest_of(orderdesk_ids: Iterable[str]) -> str:
    """A split leaves several Order Desk orders with one source_id; the original is the
    oldest (lowest id), and it is the one the journal links to."""
    return min(orderdesk_ids, key=_id_order)


def _id_order(orderdesk_id: str) -> tuple[int, str]:
    return (int(orderdesk_id), "") if orderdesk_id.isdigit() else (0, orderdesk_id)

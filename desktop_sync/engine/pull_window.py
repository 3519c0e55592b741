"""Which Order Desk orders a pull lists, so a pull stays cheap (sync rule 3).

The open set comes from the journal: orders this app sent, not fully shipped, placed within
``HORIZON``, and not stopped (moved to the cancellations folder, or noted not to ship, after a
cancel or a full refund). Every cycle lists the recent ones: this source's orders placed since
the oldest open order of the last ``WINDOW`` (7 days, as Order Desk's etiquette asks), and at
least the last ``LEAST_WINDOW`` (a day), which is one request for most stores. Open orders
placed before that are covered by a sweep once every ``SWEEP_EVERY`` (an hour): one listing
since the oldest of them, which holds their split-off parts whatever date Order Desk gives a
split. Nothing relies on ``date_updated`` moving.

An open order the listing does not cover is never taken as gone: its parts in a recent
listing are left for the sweep, which reads them with their original, and a shipment of it
waiting to be sent is read from its order first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import PaymentState
from desktop_sync.engine.after_push import StoreFacts
from desktop_sync.engine.pull_parts import claimed_store_order_id
from desktop_sync.state.journal import Cursor, Journal, OrderRow

__all__ = ["HORIZON", "LEAST_WINDOW", "SWEEP_EVERY", "WINDOW", "Listing", "PullWindow"]

HORIZON = timedelta(days=60)
"""Shipments are looked for until this long after the order was placed in the store."""
WINDOW = timedelta(days=7)
LEAST_WINDOW = timedelta(days=1)
SWEEP_EVERY = timedelta(hours=1)
# Order Desk's clock is read to the second and carried forward: a sweep an hour after the last
# one may read a few seconds short of the hour, and must not wait a whole cycle more for them.
_SLACK = timedelta(minutes=1)
# Order Desk may read search_start_date in UTC or in the store's time zone (reference open
# question 5), and keeps the date_added the push sends or stamps a later one: a day earlier
# than the store's order date is safe under every reading.
LOOKUP_MARGIN = timedelta(days=1)


@dataclass(frozen=True)
class Listing:
    """One cycle's listing: from when, the open orders it covers, and the open orders it
    does not (the next sweep's)."""

    since: datetime
    """``search_start_date``: the margin is already taken off."""
    covered: dict[str, OrderRow]
    elsewhere: dict[str, OrderRow]
    sweep: bool

    def is_elsewhere(self, order: Order) -> bool:
        """The Order Desk order is (a part of) an open order this listing does not cover."""
        if claimed_store_order_id(order) in self.elsewhere:
            return True
        return any(r.order_number == order.source_id for r in self.elsewhere.values())


def stopped(row: OrderRow) -> bool:
    """Order Desk was told not to ship the order: cancelled, or refunded in full, in the store
    (``engine.after_push`` moved it to the cancellations folder, or noted it)."""
    told = StoreFacts.from_json(row.facts_told)
    return told is not None and (told.cancelled or told.payment == PaymentState.REFUNDED.value)


class PullWindow:
    """Plans each cycle's listing; remembers the last sweep in the journal."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def plan(self, now: datetime) -> Listing:
        """The listing for a pull at ``now`` (the servers' time)."""
        rows = self.journal.orders_awaiting_shipment(now - HORIZON)
        live = [r for r in rows if not stopped(r)]
        recent = [r.store_created_at for r in live if r.store_created_at >= now - WINDOW]
        start = min([*recent, now - LEAST_WINDOW])
        # A stopped order the window holds anyway is read like the others (a shipment on it
        # is this app's order's, not another's); an older one never calls for a sweep.
        covered = {r.store_order_id: r for r in rows if r.store_created_at >= start}
        older = {r.store_order_id: r for r in live if r.store_created_at < start}
        left = {r.store_order_id: r for r in rows if r.store_created_at < start and stopped(r)}
        if older and self._sweep_due(now):
            start = min(r.store_created_at for r in older.values())
            return Listing(start - LOOKUP_MARGIN, {**covered, **older}, left, sweep=True)
        return Listing(start - LOOKUP_MARGIN, covered, {**older, **left}, sweep=False)

    def listed(self, listing: Listing, now: datetime) -> None:
        """The listing was read to its end."""
        if listing.sweep:
            self.journal.set_cursor(Cursor.SWEEP, now, 0)

    def _sweep_due(self, now: datetime) -> bool:
        last = self.journal.get_cursor(Cursor.SWEEP)
        return last is None or now - last >= SWEEP_EVERY - _SLACK or last > now

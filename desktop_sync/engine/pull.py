"""Pull: every Order Desk shipment becomes exactly one store fulfillment (sync rule 3).

Order Desk does not say whether adding a shipment moves an order's ``date_updated`` (its own
sample shows one that did not), so the pull never relies on it: each cycle lists this
source's Order Desk orders placed in a recent window, and once an hour since the oldest sent
order that is not fully shipped yet (``pull_window``; 500 per page, none per order), and reads
the shipments of the orders this journal sent and of their splits (``pull_parts``). Orders
placed more than ``HORIZON`` ago are no longer looked for.

What a shipment covers is decided by ``pull_parts.plan_shipment``. A shipment deleted in
Order Desk before its fulfillment was made is dropped, once its order was read without it
(absence from a listing is no proof); one corrected in place is sent with its new tracking.
A shipment on an order whose send is not settled yet waits for the push. The store side,
never twice, is ``engine.fulfil``; the journal's side, ``pull_record`` (with the store lines
each shipment covers, ``pull_lines``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import Ambiguous, RateLimited, Rejected, Transient
from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import (
    StoreConnector,
)
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.events import Direction, Level, PullResult
from desktop_sync.engine.fulfil import Fulfiller, Tally
from desktop_sync.engine.identity import store_order_id_of
from desktop_sync.engine.mapping import default_source_name
from desktop_sync.engine.pull_lines import Unmatched
from desktop_sync.engine.pull_parts import (
    add_lines,
    claimed_store_order_id,
    is_split_of,
    lines_left,
)
from desktop_sync.engine.pull_record import LIVE, ShipmentRecords
from desktop_sync.engine.pull_window import HORIZON, Listing, PullWindow
from desktop_sync.engine.whose_store import stop_if_sent_elsewhere
from desktop_sync.state.journal import (
    Cursor,
    OrderRow,
    OrderState,
    ShipmentKind,
    ShipmentRow,
    ShipmentState,
)

__all__ = ["HORIZON", "ShipmentPuller"]

CURSOR = Cursor.PULL


@dataclass
class Scan:
    """One complete listing: the open orders it covered and the shipments Order Desk has."""

    open_orders: dict[str, OrderRow] = field(default_factory=dict)
    listed: set[str] = field(default_factory=set)
    """The Order Desk ids the listing held (with their shipments, as read)."""
    present: set[str] = field(default_factory=set)
    parts: dict[str, list[Order]] = field(default_factory=dict)
    """store order id -> its Order Desk parts (the sent order first, then its splits)."""
    elsewhere: frozenset[str] = frozenset()
    """Open orders the listing did not cover (placed before its window): read when needed."""

    def missing(self, row: ShipmentRow) -> bool:
        """The listing did not show the shipment of an order it covered (deleted, or its
        order left out of a listing that shifted while it was read), or did not cover it."""
        if row.store_order_id in self.elsewhere:
            return True
        return row.store_order_id in self.open_orders and row.shipment_id not in self.present


class ShipmentPuller(ShipmentRecords):
    def __init__(
        self,
        ctx: EngineContext,
        orderdesk: OrderDeskApi,
        store: StoreConnector,
        *,
        overlap: timedelta,
        start_at: datetime,
    ) -> None:
        self.ctx = ctx
        self.orderdesk = orderdesk
        self.overlap = overlap
        self.start_at = start_at
        self.source_name = self.ctx.source_name or default_source_name(store.display_name)
        self._store_lines: dict[str, dict[str, list[str]]] = {}
        self.fulfiller = Fulfiller(ctx, store)
        self.window = PullWindow(ctx.journal)

    @property
    def store(self) -> StoreConnector:
        """The store the shipments go to (the fulfiller's: one connector for both)."""
        return self.fulfiller.store

    @store.setter
    def store(self, store: StoreConnector) -> None:
        self.fulfiller.store = store

    def pull_shipments(self) -> PullResult:
        """Find new Order Desk shipments, then create the store fulfillments that are due."""
        self._store_lines = {}
        scan = self._scan()
        tally = Tally()
        if scan is None:  # stopped mid-listing
            return tally.result()
        due = self.ctx.journal.shipments_due(self.ctx.now())
        for done, row in enumerate(due, start=1):
            if self.ctx.stop.is_set():
                break
            try:
                gone = scan.missing(row) and self._deleted(row, scan)
                if gone is None:  # Order Desk could not say: look again next cycle
                    tally.waiting += 1
                elif gone:
                    self.fulfiller.drop_deleted(row, tally)
                else:
                    self.fulfiller.fulfil(row, tally)
            except RateLimited as exc:
                self.fulfiller.wait_as_asked(row, exc)
                tally.waiting += 1
                self.ctx.emit(Level.WARNING, Direction.PULL, str(exc))
                break
            self.ctx.progress(Direction.PULL, done, len(due))
        if not self.ctx.stop.is_set():
            self._close_shipped(scan)
        return tally.result()

    # -- finding shipments ---------------------------------------------------------------

    def _scan(self) -> Scan | None:
        journal = self.ctx.journal
        # The servers' time, not this PC's: the mark never runs ahead of Order Desk's clock.
        now = self.ctx.server_now()
        scan = Scan()
        listing = self.window.plan(now)
        scan.open_orders = dict(listing.covered)
        scan.elsewhere = frozenset(listing.elsewhere)
        # With nothing open, the listing of the last day is one request: it still tells a
        # revoked key or an unreachable Order Desk, as every pull has.
        if not self._list(scan, listing):
            return None
        self.window.listed(listing, now)
        found = sum(self._record_parts(row, scan) for row in scan.open_orders.values())
        if found:
            noun = "shipment" if found == 1 else "shipments"
            self.ctx.emit(Level.INFO, Direction.PULL, f"{found} new {noun} found in Order Desk.")
        journal.set_cursor(CURSOR, now, int(self.overlap.total_seconds()))
        return scan

    def _list(self, scan: Scan, listing: Listing) -> bool:
        """List this source's orders the listing covers; False when stopped."""
        listed: list[Order] = []
        for order in self.orderdesk.iter_orders(
            source_name=self.source_name, search_start_date=listing.since
        ):
            if self.ctx.stop.is_set():
                return False
            if order.source_name == self.source_name:
                if self.ctx.ours(order, self.source_name):
                    stop_if_sent_elsewhere(self.ctx, order)
                listed.append(order)
        scan.listed = {o.id for o in listed}
        self._reopen_shipped(listed, scan)
        by_orderdesk_id = {r.orderdesk_order_id: r for r in scan.open_orders.values()}
        numbers = {r.order_number for r in scan.open_orders.values()}
        sent: dict[str, Order] = {}
        claimants: list[Order] = []
        for order in listed:
            if order.id in by_orderdesk_id:
                sent[order.id] = order
            elif claimed_store_order_id(order) in scan.open_orders or order.source_id in numbers:
                claimants.append(order)
            elif listing.is_elsewhere(order):
                continue  # this app's order, outside this listing's window: not another's
            elif order.shipments and not self._send_unsettled(order):
                self._leave_alone(order)
        for row in scan.open_orders.values():
            original = sent.get(row.orderdesk_order_id or "")
            if original is not None:
                scan.parts[row.store_order_id] = [original]
        by_number = {r.order_number: r.store_order_id for r in scan.open_orders.values()}
        for order in claimants:
            claimed = claimed_store_order_id(order) or by_number.get(order.source_id, "")
            parts = scan.parts.get(claimed, [])
            if parts and is_split_of(order, parts[0]):
                parts.append(order)
            elif order.shipments:
                self._leave_alone(order)
        scan.present = {s.id for parts in scan.parts.values() for o in parts for s in o.shipments}
        return True

    def _record_parts(self, row: OrderRow, scan: Scan) -> int:
        return sum(self._record_part(row, part) for part in scan.parts.get(row.store_order_id, []))

    def _reopen_shipped(self, listed: list[Order], scan: Scan) -> None:
        """A sent order that had fully shipped is looked at again when Order Desk has a
        shipment on it (or on a part of it) that the journal has not seen: another tracking
        number entered after the first one reached the store."""
        journal = self.ctx.journal
        candidates = [
            order
            for order in listed
            if order.shipments
            and claimed_store_order_id(order) not in scan.open_orders
            and self.ctx.ours(order, self.source_name)
        ]
        # One look-up for the whole listing: most listed orders shipped long ago.
        known = journal.known_shipment_ids([s.id for o in candidates for s in o.shipments])
        for order in candidates:
            if all(s.id in known for s in order.shipments):
                continue
            row = journal.shipped_order(store_order_id_of(order))
            if row is not None:
                scan.open_orders[row.store_order_id] = row

    def _send_unsettled(self, order: Order) -> bool:
        """The order names one of this store's orders whose send the journal has not settled
        (its answer was lost, say): its shipments wait for the push to settle it."""
        if not self.ctx.ours(order, self.source_name):
            return False
        row = self.ctx.journal.get_order(store_order_id_of(order))
        return row is not None and row.state in (OrderState.PENDING, OrderState.SENDING)

    def _close_shipped(self, scan: Scan) -> None:
        """Orders whose every part is fully covered by fulfillments in the store are no
        longer looked for."""
        journal = self.ctx.journal
        for store_order_id, parts in scan.parts.items():
            try:
                shipped = all(self._part_shipped(part, store_order_id) for part in parts)
            except (Unmatched, Rejected, Transient, Ambiguous, RateLimited):
                shipped = False
            if shipped:
                journal.mark_order_shipped(store_order_id)

    def _part_shipped(self, part: Order, store_order_id: str) -> bool:
        rows = self.ctx.journal.shipments_of_orderdesk_order(part.id)
        if any(r.state in (*LIVE, ShipmentState.FAILED) for r in rows):
            return False
        if not any(i.delivery_type != "noship" and i.quantity > 0 for i in part.items):
            return True
        if not rows:
            return False
        covered: Counter[str] = Counter()
        for r in rows:
            if r.kind == ShipmentKind.FULFIL and r.state == ShipmentState.DONE:
                add_lines(covered, r.lines)
        return not lines_left(self._all_lines(part, store_order_id), covered)

    # -- deleted or not ------------------------------------------------------------------

    def _deleted(self, row: ShipmentRow, scan: Scan) -> bool | None:
        """Whether the shipment was deleted in Order Desk, read from its order: the listing
        shows the order's shipments when it held the order, else the order is read itself
        (absence from a listing is no proof). None when Order Desk could not be asked."""
        if row.orderdesk_order_id in scan.listed and row.store_order_id not in scan.elsewhere:
            return True
        try:
            order = self.orderdesk.get_order(row.orderdesk_order_id)
        except Rejected:  # the order itself was deleted, its shipments with it
            return True
        except (Transient, Ambiguous):
            return None
        return all(s.id != row.shipment_id for s in order.shipments)

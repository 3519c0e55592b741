"""Pull: every Order Desk shipment becomes exactly one store fulfillment (sync rule 3).

Order Desk does not say whether adding a shipment moves an order's ``date_updated`` (its own
sample shows one that did not), so the pull never relies on it: each cycle lists this
source's Order Desk orders placed in a recent window, and once an hour since the oldest sent
order that is not fully shipped yet (``pull_window``; 500 per page, none per order), and reads
the shipments of the orders this journal sent and of their splits (``pull_parts``). Orders
placed more than ``HORIZON`` ago are no longer looked for.

What a shipment covers is decided by ``pull_parts.plan_shipment``. A shipment deleted in
Order Desk before its fulfillment was made is dropped; one corrected in place is sent with
its new tracking. Before creating, the store's fulfillments are checked for one with the same
tracking number over the same lines, so a retry never doubles one and two split parts sent
under one tracking number are both fulfilled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import Ambiguous, AuthError, RateLimited, Rejected, Transient
from desktop_sync.connectors.orderdesk.models import Order, OrderItem, Shipment
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    StoreConnector,
    StoreFulfillment,
    Tracking,
)
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.events import Direction, Failure, Level, PullResult
from desktop_sync.engine.identity import belongs_to, store_order_id_of
from desktop_sync.engine.mapping import source_name_for, store_line_id
from desktop_sync.engine.pull_parts import (
    Lines,
    add_lines,
    claimed_store_order_id,
    is_split_of,
    lines_left,
    plan_shipment,
)
from desktop_sync.engine.pull_window import HORIZON, Listing, PullWindow
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
_LIVE = (ShipmentState.PENDING, ShipmentState.CREATING)
LEFT_ALONE = "Not an order this app sent."


class _Unmatched(Exception):
    """An Order Desk item that matches no store line."""


@dataclass
class _Scan:
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


class ShipmentPuller:
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
        self.store = store
        self.overlap = overlap
        self.start_at = start_at
        self.source_name = source_name_for(store.platform)
        self._store_lines: dict[str, dict[str, list[str]]] = {}
        self.window = PullWindow(ctx.journal)

    def pull_shipments(self) -> PullResult:
        """Find new Order Desk shipments, then create the store fulfillments that are due."""
        self._store_lines = {}
        scan = self._scan()
        tally = _Tally()
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
                    self._drop_deleted(row, tally)
                else:
                    self._fulfil(row, tally)
            except RateLimited as exc:
                self._retry_later(row, str(exc))
                tally.waiting += 1
                self.ctx.emit(Level.WARNING, Direction.PULL, str(exc))
                break
            self.ctx.progress(Direction.PULL, done, len(due))
        if not self.ctx.stop.is_set():
            self._close_shipped(scan)
        return tally.result()

    # -- finding shipments ---------------------------------------------------------------

    def _scan(self) -> _Scan | None:
        journal = self.ctx.journal
        # The servers' time, not this PC's: the mark never runs ahead of Order Desk's clock.
        now = self.ctx.server_now()
        scan = _Scan()
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

    def _list(self, scan: _Scan, listing: Listing) -> bool:
        """List this source's orders the listing covers; False when stopped."""
        listed: list[Order] = []
        for order in self.orderdesk.iter_orders(
            source_name=self.source_name, search_start_date=listing.since
        ):
            if self.ctx.stop.is_set():
                return False
            if order.source_name == self.source_name:
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

    def _reopen_shipped(self, listed: list[Order], scan: _Scan) -> None:
        """A sent order that had fully shipped is looked at again when Order Desk has a
        shipment on it (or on a part of it) that the journal has not seen: another tracking
        number entered after the first one reached the store."""
        journal = self.ctx.journal
        for order in listed:
            if not order.shipments or claimed_store_order_id(order) in scan.open_orders:
                continue
            if not belongs_to(order, store_key=self.ctx.store_key, source_name=self.source_name):
                continue
            known = journal.known_shipment_ids([s.id for s in order.shipments])
            if all(s.id in known for s in order.shipments):
                continue
            row = journal.shipped_order(store_order_id_of(order))
            if row is not None:
                scan.open_orders[row.store_order_id] = row

    def _send_unsettled(self, order: Order) -> bool:
        """The order names one of this store's orders that the journal has not settled as
        sent (its answer was lost, say): its shipments wait for the push to settle it."""
        if not belongs_to(order, store_key=self.ctx.store_key, source_name=self.source_name):
            return False
        row = self.ctx.journal.get_order(store_order_id_of(order))
        return row is not None and row.state is not OrderState.SENT

    def _leave_alone(self, order: Order) -> None:
        """Shipments on an Order Desk order this journal did not send: recorded once, skipped."""
        known = self.ctx.journal.known_shipment_ids([s.id for s in order.shipments])
        new = [s for s in order.shipments if s.id not in known]
        if not new:
            return
        for shipment in new:
            self._record_row(
                order,
                shipment,
                "",
                order.source_id,
                (),
                ShipmentKind.FULFIL,
                state=ShipmentState.SKIPPED,
                reason=LEFT_ALONE,
            )
        self.ctx.emit(
            Level.WARNING,
            Direction.PULL,
            "A shipment was added to an Order Desk order this app did not send; it was left alone.",
            order_number=order.source_id,
            orderdesk_order_id=order.id,
        )

    def _record_parts(self, row: OrderRow, scan: _Scan) -> int:
        return sum(self._record_part(row, part) for part in scan.parts.get(row.store_order_id, []))

    def _record_part(self, row: OrderRow, part: Order) -> int:
        """Record the part's new shipments with the lines each covers; how many were new."""
        journal = self.ctx.journal
        if not part.shipments:
            return 0
        known = {r.shipment_id: r for r in journal.shipments_of_orderdesk_order(part.id)}
        # Left alone while the journal did not know the order as sent (its send unsettled,
        # or the journal rebuilt): it is this store's order after all, so they are planned now.
        reopened = [i for i, r in known.items() if _left_alone(r)]
        if reopened:
            journal.forget_shipments(reopened)
            known = {i: r for i, r in known.items() if i not in reopened}
        present = {s.id: s for s in part.shipments}
        self._take_corrections(row, known, present)
        new = sorted(
            (s for s in part.shipments if s.id not in known),
            key=lambda s: (s.date_added is None, s.date_added, s.id),
        )
        if not new:
            return 0
        covered: Counter[str] = Counter()
        fulfilled: list[Lines] = []
        for earlier in known.values():
            # A fulfillment in the store covers its lines; one not made yet only while its
            # shipment is still in Order Desk, and a failed one not at all.
            counts = earlier.state == ShipmentState.DONE or (
                earlier.state in _LIVE and earlier.shipment_id in present
            )
            if earlier.kind == ShipmentKind.FULFIL and counts:
                add_lines(covered, earlier.lines)
                fulfilled.append(earlier.lines)
        count = 0
        for shipment in new:
            try:
                named = (
                    self._explicit_lines(part, shipment, row.store_order_id)
                    if shipment.order_items
                    else None
                )
                whole = self._all_lines(part, row.store_order_id) if named is None else ()
            except _Unmatched as exc:
                self._record_unmatched(part, shipment, row, str(exc))
                continue
            plan = plan_shipment(named, whole, covered, fulfilled)
            if plan is None:
                self._record_row(
                    part,
                    shipment,
                    row.store_order_id,
                    row.order_number,
                    (),
                    ShipmentKind.FULFIL,
                    state=ShipmentState.SKIPPED,
                    reason="Nothing on this Order Desk order is left to ship.",
                )
                continue
            if plan.kind == ShipmentKind.FULFIL:
                fulfilled.append(plan.lines)
            self._record_row(
                part, shipment, row.store_order_id, row.order_number, plan.lines, plan.kind
            )
            count += 1
        return count

    def _take_corrections(
        self, row: OrderRow, known: dict[str, ShipmentRow], present: dict[str, Shipment]
    ) -> None:
        """A shipment whose tracking was corrected in Order Desk before it reached the store
        is sent with the corrected number."""
        for shipment_id, earlier in known.items():
            now = present.get(shipment_id)
            if now is None or earlier.state not in (ShipmentState.FAILED, ShipmentState.PENDING):
                continue
            if now.tracking_number == earlier.tracking_number:
                continue
            self.ctx.journal.correct_shipment_tracking(
                shipment_id, now.tracking_number, now.carrier_code, now.tracking_url
            )
            self.ctx.emit(
                Level.INFO,
                Direction.PULL,
                f"Tracking corrected in Order Desk to {now.tracking_number}; it will be sent.",
                order_number=row.order_number,
                orderdesk_order_id=earlier.orderdesk_order_id,
            )

    def _record_unmatched(self, order: Order, shipment: Shipment, row: OrderRow, why: str) -> None:
        self._record_row(
            order,
            shipment,
            row.store_order_id,
            row.order_number,
            (),
            ShipmentKind.FULFIL,
            state=ShipmentState.FAILED,
            reason=why,
        )
        self.ctx.emit(
            Level.ERROR,
            Direction.PULL,
            why,
            order_number=row.order_number,
            orderdesk_order_id=order.id,
        )

    def _close_shipped(self, scan: _Scan) -> None:
        """Orders whose every part is fully covered by fulfillments in the store are no
        longer looked for."""
        journal = self.ctx.journal
        for store_order_id, parts in scan.parts.items():
            try:
                shipped = all(self._part_shipped(part, store_order_id) for part in parts)
            except (_Unmatched, Rejected, Transient, Ambiguous, RateLimited):
                shipped = False
            if shipped:
                journal.mark_order_shipped(store_order_id)

    def _part_shipped(self, part: Order, store_order_id: str) -> bool:
        rows = self.ctx.journal.shipments_of_orderdesk_order(part.id)
        if any(r.state in (*_LIVE, ShipmentState.FAILED) for r in rows):
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

    def _record_row(
        self,
        order: Order,
        shipment: Shipment,
        store_order_id: str,
        number: str,
        lines: Sequence[tuple[str, int]],
        kind: ShipmentKind,
        *,
        state: ShipmentState = ShipmentState.PENDING,
        reason: str = "",
    ) -> None:
        self.ctx.journal.record_shipment(
            shipment_id=shipment.id,
            orderdesk_order_id=order.id,
            store_order_id=store_order_id,
            order_number=number,
            tracking_number=shipment.tracking_number,
            carrier=shipment.carrier_code,
            tracking_url=shipment.tracking_url,
            shipment_method=shipment.shipment_method,
            lines=lines,
            kind=kind,
            state=state,
            reason=reason,
        )

    def _all_lines(self, order: Order, store_order_id: str) -> tuple[tuple[str, int], ...]:
        items = [i for i in order.items if i.delivery_type != "noship" and i.quantity > 0]
        return self._to_store_lines(order, [(i, i.quantity) for i in items], store_order_id)

    def _explicit_lines(
        self, order: Order, shipment: Shipment, store_order_id: str
    ) -> tuple[tuple[str, int], ...]:
        by_id = {i.id: i for i in order.items}
        by_code = {i.code: i for i in order.items if i.code}
        picked: list[tuple[OrderItem, int]] = []
        for part in shipment.order_items:
            item = by_id.get(part.item_id) or by_code.get(part.code)
            if item is None:
                raise _Unmatched(
                    f"The Order Desk shipment names an item ({part.item_id or part.code}) that "
                    "is not on the order; add the tracking in the store by hand."
                )
            picked.append((item, part.quantity))
        return self._to_store_lines(order, picked, store_order_id)

    def _to_store_lines(
        self, order: Order, items: Sequence[tuple[OrderItem, int]], store_order_id: str
    ) -> tuple[tuple[str, int], ...]:
        lines: dict[str, int] = {}
        for item, quantity in items:
            line_id = store_line_id(item.metadata)
            if line_id is None:
                candidates = self._lines_by_sku(store_order_id).get(item.code) or []
                if not item.code or not candidates:
                    raise _Unmatched(
                        f"The Order Desk item '{item.name}' (SKU {item.code or 'none'}) matches "
                        "no line of the store order; add its tracking in the store by hand."
                    )
                line_id = candidates[0]
            lines[line_id] = lines.get(line_id, 0) + quantity
        if not lines:
            raise _Unmatched("The Order Desk order has no items to ship.")
        return tuple(lines.items())

    def _lines_by_sku(self, store_order_id: str) -> dict[str, list[str]]:
        """SKU -> store line ids, read from the store once per order per cycle."""
        if store_order_id not in self._store_lines:
            by_sku: dict[str, list[str]] = {}
            for line in self.store.get_order(store_order_id).lines:
                by_sku.setdefault(line.sku, []).append(line.id)
            self._store_lines[store_order_id] = by_sku
        return self._store_lines[store_order_id]

    # -- fulfilling ----------------------------------------------------------------------

    def _deleted(self, row: ShipmentRow, scan: _Scan) -> bool | None:
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

    def _drop_deleted(self, row: ShipmentRow, tally: _Tally) -> None:
        """The shipment was deleted in Order Desk before its fulfillment was made."""
        if row.kind == ShipmentKind.FULFIL and row.attempts > 0:
            # An earlier attempt may have reached the store before the deletion; then it stands.
            existing = self._fulfillment_with(row)
            if existing is not None:
                self._adopt(row, existing, tally)
                return
        reason = (
            f"The shipment with tracking {row.tracking_number} was deleted in Order Desk "
            "before it reached the store, so it was not sent."
        )
        self._settle(row, ShipmentState.SKIPPED, Level.INFO, reason)
        tally.skipped += 1

    def _fulfil(self, row: ShipmentRow, tally: _Tally) -> None:
        tracking = Tracking(row.tracking_number, row.carrier, row.tracking_url, row.shipment_method)
        try:
            if row.kind == ShipmentKind.ADD_TRACKING:
                self._add_tracking(row, tracking, tally)
                return
            existing = self._fulfillment_with(row)
            if existing is not None:
                self._adopt(row, existing, tally)
                return
            self.ctx.journal.mark_shipment_creating(row.shipment_id)
            lines = [FulfillmentLine(line_id, qty) for line_id, qty in row.lines]
            created = self.store.create_fulfillment(row.store_order_id, lines, tracking, True)
        except Rejected as exc:
            # Another PC (or our own lost answer) may have fulfilled it between the look and
            # the create; the store then refuses ours as already shipped. Look once more.
            if self._adopt_after_refusal(row, tally):
                return
            name = self.store.display_name
            # Connectors usually name themselves ("BigCommerce refused the request: ...").
            reason = exc.reason if name in exc.reason else f"{name} refused it: {exc.reason}"
            self._fail(row, f"The fulfillment was not created. {reason}", tally)
            return
        except (Transient, Ambiguous) as exc:
            # After an ambiguous create the next attempt finds it by tracking number.
            self._retry_later(row, str(exc))
            self.ctx.emit(
                Level.WARNING, Direction.PULL, f"{exc} Will retry.", order_number=row.order_number
            )
            tally.waiting += 1
            return
        except AuthError:
            self.ctx.journal.mark_shipment_pending(row.shipment_id)
            raise
        self._done(
            row,
            created.id,
            f"Fulfilled in {self.store.display_name} with tracking {row.tracking_number}.",
            tally,
        )
        tally.fulfillments_created += 1

    def _add_tracking(self, row: ShipmentRow, tracking: Tracking, tally: _Tally) -> None:
        if not self.store.capabilities.multiple_tracking_numbers:
            reason = (
                f"{self.store.display_name} keeps one tracking number per shipment, so tracking "
                f"{row.tracking_number} was not added; the order's first tracking number stands."
            )
            self._settle(row, ShipmentState.SKIPPED, Level.WARNING, reason)
            tally.skipped += 1
            return
        fulfils = [
            r
            for r in self.ctx.journal.shipments_of_orderdesk_order(row.orderdesk_order_id)
            if r.kind == ShipmentKind.FULFIL
        ]
        # The fulfillment over the same lines; any of the part's when none matches exactly.
        siblings = [r for r in fulfils if r.lines == row.lines] or fulfils
        first = next(
            (r for r in siblings if r.state == ShipmentState.DONE and r.store_fulfillment_id),
            None,
        )
        if first is None:  # the fulfillment is not in the store yet; try after it
            self._retry_later(row, "Waiting for the order's first shipment.")
            tally.waiting += 1
            return
        fulfillment = next(
            (
                f
                for f in self.store.list_fulfillments(row.store_order_id)
                if f.id == first.store_fulfillment_id
            ),
            None,
        )
        if fulfillment is None:
            self._fail(
                row,
                "The store's fulfillment for this order is gone; add the tracking "
                "number in the store by hand.",
                tally,
            )
            return
        if row.tracking_number not in fulfillment.tracking_numbers:
            self.ctx.journal.mark_shipment_creating(row.shipment_id)
            self.store.add_tracking(row.store_order_id, fulfillment, tracking)
        self._done(row, fulfillment.id, f"Tracking {row.tracking_number} added.", tally)
        tally.tracking_added += 1

    def _adopt_after_refusal(self, row: ShipmentRow, tally: _Tally) -> bool:
        if row.kind != ShipmentKind.FULFIL:
            return False
        try:
            existing = self._fulfillment_with(row)
        except (Rejected, Transient, Ambiguous, RateLimited):
            return False  # the refusal stands; its reason is the one to show
        if existing is None:
            return False
        self._adopt(row, existing, tally)
        return True

    def _fulfillment_with(self, row: ShipmentRow) -> StoreFulfillment | None:
        """The store's fulfillment of this shipment: its tracking number over its lines.

        Two split parts may ship under one tracking number; each is its own fulfillment, so
        the number alone would let the second part "find" the first one's and never ship.
        """
        for fulfillment in self.store.list_fulfillments(row.store_order_id):
            if row.tracking_number in fulfillment.tracking_numbers and _covers(fulfillment, row):
                return fulfillment
        return None

    def _done(self, row: ShipmentRow, fulfillment_id: str, message: str, tally: _Tally) -> None:
        self.ctx.journal.mark_shipment_done(row.shipment_id, fulfillment_id)
        self.ctx.emit(
            Level.INFO,
            Direction.PULL,
            message,
            order_number=row.order_number,
            orderdesk_order_id=row.orderdesk_order_id,
        )

    def _adopt(self, row: ShipmentRow, existing: StoreFulfillment, tally: _Tally) -> None:
        self._done(row, existing.id, "Already in the store; not created again.", tally)
        tally.adopted += 1

    def _fail(self, row: ShipmentRow, reason: str, tally: _Tally) -> None:
        self._settle(row, ShipmentState.FAILED, Level.ERROR, reason)
        tally.failed.append(Failure(row.order_number, reason))

    def _settle(self, row: ShipmentRow, state: ShipmentState, level: Level, reason: str) -> None:
        """A shipment that will not be sent: its state and reason, and one log line."""
        if state is ShipmentState.FAILED:
            self.ctx.journal.mark_shipment_failed(row.shipment_id, reason)
        else:
            self.ctx.journal.mark_shipment_skipped(row.shipment_id, reason)
        self.ctx.emit(
            level,
            Direction.PULL,
            reason,
            order_number=row.order_number,
            orderdesk_order_id=row.orderdesk_order_id,
        )

    def _retry_later(self, row: ShipmentRow, error: str) -> None:
        self.ctx.journal.mark_shipment_retry(
            row.shipment_id, error, self.ctx.next_attempt(row.attempts + 1)
        )


class _Tally:
    def __init__(self) -> None:
        self.fulfillments_created = self.tracking_added = self.adopted = 0
        self.skipped = self.waiting = 0
        self.failed: list[Failure] = []

    def result(self) -> PullResult:
        return PullResult(
            fulfillments_created=self.fulfillments_created,
            tracking_added=self.tracking_added,
            adopted=self.adopted,
            skipped=self.skipped,
            failed=tuple(self.failed),
            waiting=self.waiting,
        )


def _left_alone(row: ShipmentRow) -> bool:
    return row.state is ShipmentState.SKIPPED and not row.store_order_id


def _covers(fulfillment: StoreFulfillment, row: ShipmentRow) -> bool:
    """The fulfillment holds at least the row's lines (platforms without per-line
    fulfillments report the whole order)."""
    held = {line.line_id: line.quantity for line in fulfillment.lines}
    if not held:
        return True
    return all(held.get(line_id, 0) >= quantity for line_id, quantity in row.lines)

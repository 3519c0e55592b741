"""Pull: every Order Desk shipment becomes exactly one store fulfillment (sync rule 3).

A shipment on an Order Desk order covers that order's items: the whole order, or after a split
just the split's items, mapped back to store lines through the ``store_line_id`` item metadata
set at push time (SKU as the fallback). The first shipment of an order or split creates the
fulfillment; a later one adds its tracking where the platform can hold several numbers and is
logged where it cannot. Before creating, the store's fulfillments are checked for the same
tracking number, so a retry never doubles one.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from desktop_sync.engine.mapping import source_name_for, store_line_id
from desktop_sync.state.journal import Cursor, ShipmentKind, ShipmentRow, ShipmentState

__all__ = ["ShipmentPuller"]

CURSOR = Cursor.PULL


class _Unmatched(Exception):
    """An Order Desk item that matches no store line."""


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
        self._timezone_guard: timedelta | None = None

    def pull_shipments(self) -> PullResult:
        """Find new Order Desk shipments, then create the store fulfillments that are due."""
        self._collect_new_shipments()
        tally = _Tally()
        due = self.ctx.journal.shipments_due(self.ctx.now())
        for done, row in enumerate(due, start=1):
            if self.ctx.stop.is_set():
                break
            try:
                self._fulfil(row, tally)
            except RateLimited as exc:
                self._retry_later(row, str(exc))
                tally.waiting += 1
                self.ctx.emit(Level.WARNING, Direction.PULL, str(exc))
                break
            self.ctx.progress(Direction.PULL, done, len(due))
        return tally.result()

    # -- collecting ----------------------------------------------------------------------

    def _collect_new_shipments(self) -> None:
        journal = self.ctx.journal
        since, query_time = self.ctx.scan_window(CURSOR, self.overlap, self.start_at)
        found = 0
        for order in self.orderdesk.iter_orders(
            source_name=self.source_name,
            modified_start_date=since - self._guard_for_store_local_dates(),
        ):
            if self.ctx.stop.is_set():
                return
            if order.source_name != self.source_name or not order.shipments:
                continue
            known = journal.known_shipment_ids([s.id for s in order.shipments])
            new = [s for s in order.shipments if s.id not in known]
            if new:
                found += self._record(order, new)
        journal.set_cursor(CURSOR, query_time, int(self.overlap.total_seconds()))
        if found:
            noun = "shipment" if found == 1 else "shipments"
            self.ctx.emit(Level.INFO, Direction.PULL, f"{found} new {noun} found in Order Desk.")

    def _guard_for_store_local_dates(self) -> timedelta:
        """Widen the window by the store's offset west of UTC.

        The reference's open question 5: Order Desk may read ``modified_start_date`` in the
        store's local time. If it does, a store behind UTC would see our window start late and
        miss shipments; starting earlier by that offset is safe either way (shipment ids dedupe).
        """
        if self._timezone_guard is None:
            self._timezone_guard = timedelta(0)
            try:
                from zoneinfo import ZoneInfo

                tz = ZoneInfo(self.orderdesk.store().timezone)
                offset = self.ctx.now().astimezone(tz).utcoffset() or timedelta(0)
                self._timezone_guard = max(timedelta(0), -offset)
            except (Transient, Rejected, ValueError, KeyError):
                self._timezone_guard = timedelta(hours=12)  # unknown zone: the widest west offset
        return self._timezone_guard

    def _record(self, order: Order, new: Sequence[Shipment]) -> int:
        journal = self.ctx.journal
        link = self._store_order_for(order)
        if link is None:
            for shipment in new:
                self._record_row(
                    order,
                    shipment,
                    "",
                    order.source_id,
                    (),
                    ShipmentKind.FULFIL,
                    state=ShipmentState.SKIPPED,
                    reason="Not an order this app sent.",
                )
            self.ctx.emit(
                Level.WARNING,
                Direction.PULL,
                "A shipment was added to an Order Desk order this app did not send; "
                "it was left alone.",
                order_number=order.source_id,
                orderdesk_order_id=order.id,
            )
            return 0
        store_order_id, number = link
        earlier = [
            r
            for r in journal.shipments_of_orderdesk_order(order.id)
            if r.kind == ShipmentKind.FULFIL
        ]
        count = 0
        for shipment in sorted(new, key=lambda s: (s.date_added is None, s.date_added, s.id)):
            try:
                if shipment.order_items:
                    lines = self._explicit_lines(order, shipment, store_order_id)
                    kind = ShipmentKind.FULFIL
                elif earlier:
                    lines, kind = earlier[0].lines, ShipmentKind.ADD_TRACKING
                else:
                    lines, kind = self._all_lines(order, store_order_id), ShipmentKind.FULFIL
            except _Unmatched as exc:
                self._record_row(
                    order,
                    shipment,
                    store_order_id,
                    number,
                    (),
                    ShipmentKind.FULFIL,
                    state=ShipmentState.FAILED,
                    reason=str(exc),
                )
                self.ctx.emit(
                    Level.ERROR,
                    Direction.PULL,
                    str(exc),
                    order_number=number,
                    orderdesk_order_id=order.id,
                )
                continue
            self._record_row(order, shipment, store_order_id, number, lines, kind)
            if kind == ShipmentKind.FULFIL and not shipment.order_items:
                earlier = [
                    r
                    for r in journal.shipments_of_orderdesk_order(order.id)
                    if r.kind == ShipmentKind.FULFIL
                ]
            count += 1
        return count

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

    def _store_order_for(self, order: Order) -> tuple[str, str] | None:
        """(store order id, order number) of the store order this Order Desk order came from."""
        journal = self.ctx.journal
        store_id = str(order.order_metadata.get("store_order_id") or "")
        if store_id:
            row = journal.get_order(store_id)
            return store_id, (row.order_number if row else order.source_id)
        row = journal.find_order_by_orderdesk_id(order.id)
        if row is None:
            matches = journal.find_orders_by_number(order.source_id)
            row = matches[0] if len(matches) == 1 else None
        return (row.store_order_id, row.order_number) if row else None

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
        by_sku: dict[str, list[str]] | None = None
        for item, quantity in items:
            line_id = store_line_id(item.metadata)
            if line_id is None:
                if by_sku is None:
                    store_order = self.store.get_order(store_order_id)
                    by_sku = {}
                    for line in store_order.lines:
                        by_sku.setdefault(line.sku, []).append(line.id)
                candidates = by_sku.get(item.code) or []
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

    # -- fulfilling ----------------------------------------------------------------------

    def _fulfil(self, row: ShipmentRow, tally: _Tally) -> None:
        tracking = Tracking(row.tracking_number, row.carrier, row.tracking_url, row.shipment_method)
        try:
            if row.kind == ShipmentKind.ADD_TRACKING:
                self._add_tracking(row, tracking, tally)
                return
            existing = self._fulfillment_with(row.store_order_id, row.tracking_number)
            if existing is not None:
                self._done(row, existing.id, "Already in the store; not created again.", tally)
                tally.adopted += 1
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
            self.ctx.journal.mark_shipment_skipped(row.shipment_id, reason)
            self.ctx.emit(Level.WARNING, Direction.PULL, reason, order_number=row.order_number)
            tally.skipped += 1
            return
        first = next(
            (
                r
                for r in self.ctx.journal.shipments_of_orderdesk_order(row.orderdesk_order_id)
                if r.kind is ShipmentKind.FULFIL
                and r.state is ShipmentState.DONE
                and r.store_fulfillment_id
            ),
            None,
        )
        if first is None:  # the first shipment is not in the store yet; try after it
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
            existing = self._fulfillment_with(row.store_order_id, row.tracking_number)
        except (Rejected, Transient, Ambiguous, RateLimited):
            return False  # the refusal stands; its reason is the one to show
        if existing is None:
            return False
        self._done(row, existing.id, "Already in the store; not created again.", tally)
        tally.adopted += 1
        return True

    def _fulfillment_with(self, store_order_id: str, tracking: str) -> StoreFulfillment | None:
        for fulfillment in self.store.list_fulfillments(store_order_id):
            if tracking in fulfillment.tracking_numbers:
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

    def _fail(self, row: ShipmentRow, reason: str, tally: _Tally) -> None:
        self.ctx.journal.mark_shipment_failed(row.shipment_id, reason)
        self.ctx.emit(
            Level.ERROR,
            Direction.PULL,
            reason,
            order_number=row.order_number,
            orderdesk_order_id=row.orderdesk_order_id,
        )
        tally.failed.append(Failure(row.order_number, reason))

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

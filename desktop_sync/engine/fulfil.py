"""Fulfilling in the store: each due shipment becomes one store fulfillment (or another
tracking number on one), never two (sync rule 3).

Before creating, the store's fulfillments are checked for one with the same tracking number
over the same lines, so a retry after a lost answer adopts it instead of doubling it, and two
split parts sent under one tracking number are both fulfilled.
"""

from __future__ import annotations

from desktop_sync.connectors.errors import Ambiguous, AuthError, RateLimited, Rejected, Transient
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    StoreConnector,
    StoreFulfillment,
    Tracking,
)
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.events import Direction, Failure, Level, PullResult
from desktop_sync.state.journal import ShipmentKind, ShipmentRow, ShipmentState

__all__ = ["Fulfiller", "Tally", "deleted_reason"]


class Fulfiller:
    """Makes the store fulfillments of due shipments, and settles those that will not be."""

    def __init__(self, ctx: EngineContext, store: StoreConnector) -> None:
        self.ctx = ctx
        self.store = store

    def drop_deleted(self, row: ShipmentRow, tally: Tally) -> None:
        """The shipment was deleted in Order Desk before its fulfillment was made."""
        if row.kind == ShipmentKind.FULFIL and row.attempts > 0:
            # An earlier attempt may have reached the store before the deletion; then it stands.
            existing = self._fulfillment_with(row)
            if existing is not None:
                self._adopt(row, existing, tally)
                return
        self.settle(row, ShipmentState.SKIPPED, Level.INFO, deleted_reason(row))
        tally.skipped += 1

    def fulfil(self, row: ShipmentRow, tally: Tally) -> None:
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
            self.retry_later(row, str(exc))
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

    def _add_tracking(self, row: ShipmentRow, tracking: Tracking, tally: Tally) -> None:
        if not self.store.capabilities.multiple_tracking_numbers:
            reason = (
                f"{self.store.display_name} keeps one tracking number per shipment, so tracking "
                f"{row.tracking_number} was not added; the order's first tracking number stands."
            )
            self.settle(row, ShipmentState.SKIPPED, Level.WARNING, reason)
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
            self.retry_later(row, "Waiting for the order's first shipment.")
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

    def _adopt_after_refusal(self, row: ShipmentRow, tally: Tally) -> bool:
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

    def _done(self, row: ShipmentRow, fulfillment_id: str, message: str, tally: Tally) -> None:
        self.ctx.journal.mark_shipment_done(row.shipment_id, fulfillment_id)
        self.ctx.emit(
            Level.INFO,
            Direction.PULL,
            message,
            order_number=row.order_number,
            orderdesk_order_id=row.orderdesk_order_id,
        )

    def _adopt(self, row: ShipmentRow, existing: StoreFulfillment, tally: Tally) -> None:
        self._done(row, existing.id, "Already in the store; not created again.", tally)
        tally.adopted += 1

    def _fail(self, row: ShipmentRow, reason: str, tally: Tally) -> None:
        self.settle(row, ShipmentState.FAILED, Level.ERROR, reason)
        tally.failed.append(Failure(row.order_number, reason))

    def settle(self, row: ShipmentRow, state: ShipmentState, level: Level, reason: str) -> None:
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

    def wait_as_asked(self, row: ShipmentRow, exc: RateLimited) -> None:
        """A rate limit refused a request of this shipment's turn: due again once the wait
        the server asked for is over (its attempts kept: one may have reached the store
        before, so it is looked for before it is created)."""
        self.ctx.journal.mark_shipment_retry(
            row.shipment_id, str(exc), self.ctx.after_rate_limit(exc)
        )

    def retry_later(self, row: ShipmentRow, error: str) -> None:
        self.ctx.journal.mark_shipment_retry(
            row.shipment_id, error, self.ctx.next_attempt(row.attempts + 1)
        )


class Tally:
    """What one pull did, counted as it goes."""

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


def deleted_reason(row: ShipmentRow) -> str:
    return (
        f"The shipment with tracking {row.tracking_number} was deleted in Order Desk "
        "before it reached the store, so it was not sent."
    )


def _covers(fulfillment: StoreFulfillment, row: ShipmentRow) -> bool:
    """The fulfillment holds at least the row's lines (platforms without per-line
    fulfillments report the whole order)."""
    held = {line.line_id: line.quantity for line in fulfillment.lines}
    if not held:
        return True
    return all(held.get(line_id, 0) >= quantity for line_id, quantity in row.lines)

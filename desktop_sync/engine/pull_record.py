"""How the pull writes Order Desk's shipments into the journal: each new shipment of a sent
order (and of its splits) with the store lines it covers (``pull_parts.plan_shipment``), a
tracking corrected in Order Desk before it reached the store, an item that matches no store
line, and shipments on orders this app did not send (recorded once, left alone)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from desktop_sync.connectors.orderdesk.models import Order, Shipment
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.events import Direction, Level
from desktop_sync.engine.fulfil import deleted_reason
from desktop_sync.engine.pull_lines import StoreLineMatching, Unmatched
from desktop_sync.engine.pull_parts import Lines, add_lines, plan_shipment
from desktop_sync.state.journal import OrderRow, ShipmentKind, ShipmentRow, ShipmentState

__all__ = ["LEFT_ALONE", "LIVE", "ShipmentRecords"]

LIVE = (ShipmentState.PENDING, ShipmentState.CREATING)
"""The states of a shipment whose fulfillment is yet to be made."""
LEFT_ALONE = "Not an order this app sent."


class ShipmentRecords(StoreLineMatching):
    """The pull's recording of shipments (``ShipmentPuller`` is one)."""

    ctx: EngineContext

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

    def _record_part(self, row: OrderRow, part: Order) -> int:
        """Record the part's new shipments with the lines each covers; how many were new."""
        journal = self.ctx.journal
        known = {r.shipment_id: r for r in journal.shipments_of_orderdesk_order(part.id)}
        if not part.shipments and not known:
            return 0
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
                earlier.state in LIVE and earlier.shipment_id in present
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
            except Unmatched as exc:
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
        is sent with the corrected number; a failed one deleted there no longer counts as a
        failure (its replacement, if any, is a new shipment)."""
        for shipment_id, earlier in known.items():
            now = present.get(shipment_id)
            if now is None and earlier.state is ShipmentState.FAILED:
                # Read with its order, and gone: its failure is no longer the merchant's to fix.
                self.fulfiller.settle(
                    earlier, ShipmentState.SKIPPED, Level.INFO, deleted_reason(earlier)
                )
                continue
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


def _left_alone(row: ShipmentRow) -> bool:
    return row.state is ShipmentState.SKIPPED and not row.store_order_id

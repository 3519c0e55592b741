"""After an order reached Order Desk: a cancel, a refund or an address change in the store is
passed on, so the warehouse never ships what it should not.

* Cancelled in the store, not yet shipped: every part of it in Order Desk (splits included) is
  moved to the merchant's cancellations folder (default: a folder named "Canceled"), with a
  note in its history saying why.
* Cancelled after it shipped: nothing is moved; the merchant is told, loudly (an error in the
  log, and ``PushResult.attention``). After part of a split order shipped: the parts not
  shipped are moved with their note, the shipped ones stay, and the merchant is told.
* Refunded, or its shipping address changed, before shipping: a note in the order's history
  and a line in the log.

The journal keeps what the store last said of each sent order and what Order Desk has been told
(``facts_seen``, ``facts_told``), so a change seen while Order Desk is away is told later.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import timedelta

from desktop_sync.connectors.errors import Ambiguous, RateLimited, Rejected, Transient
from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import PaymentState, StoreAddress, StoreOrder
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.events import Direction, Failure, Level
from desktop_sync.engine.identity import store_order_id_of
from desktop_sync.engine.mapping import MAX_NOTE_LENGTH, trim_text
from desktop_sync.engine.pull_parts import is_split_of
from desktop_sync.state.journal import OrderRow

__all__ = ["DEFAULT_CANCEL_FOLDER", "AfterPush", "StoreFacts"]

DEFAULT_CANCEL_FOLDER = "Canceled"
# Order Desk may read date filters as UTC or as store-local time: a day covers both.
LOOKUP_MARGIN = timedelta(days=1)
_REFUNDS = {PaymentState.REFUNDED.value, PaymentState.PARTIALLY_REFUNDED.value}


@dataclass(frozen=True)
class StoreFacts:
    """What matters to the warehouse once an order is in Order Desk."""

    cancelled: bool
    payment: str
    address: str | None
    """None when not known (Order Desk's copy was not written by this journal)."""

    @classmethod
    def of(cls, order: StoreOrder) -> StoreFacts:
        return cls(order.is_cancelled, order.payment_state.value, _one_line(order))

    @classmethod
    def held_by_orderdesk(cls) -> StoreFacts:
        """What an Order Desk order holds when this journal did not write down what it was
        sent (adopted after a lost answer or from another PC, or sent by the first release):
        an order that was not cancelled (only such orders are sent), its payment and address
        not known. A cancel or a refund seen later is passed on; an address seen later is
        taken as the one Order Desk has."""
        return cls(False, "", None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoreFacts | None:
        try:
            data = json.loads(text)
            address = data["address"]
            return cls(
                bool(data["cancelled"]),
                str(data["payment"]),
                None if address is None else str(address),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _address_changed(seen: StoreFacts, told: StoreFacts) -> bool:
    return told.address is not None and seen.address != told.address


def _news(seen: StoreFacts, told: StoreFacts) -> bool:
    """Something the warehouse must hear of (a cancel, a reinstatement, a refund, a new
    address); anything else is written down without a word to Order Desk."""
    return (
        seen.cancelled != told.cancelled
        or (seen.payment != told.payment and seen.payment in _REFUNDS)
        or _address_changed(seen, told)
    )


def _one_line(order: StoreOrder) -> str:
    address = order.shipping_address
    if not any((address.address1, address.city, address.postal_code)):
        address = order.billing_address
    return _address_line(address)


def _address_line(a: StoreAddress) -> str:
    name = " ".join(p for p in (a.first_name.strip(), a.last_name.strip()) if p)
    parts = (name, a.company, a.address1, a.address2, a.city, a.state, a.postal_code, a.country)
    return ", ".join(p.strip() for p in parts if p.strip())


class AfterPush:
    """Tells Order Desk what changed in the store after an order was sent."""

    def __init__(
        self,
        ctx: EngineContext,
        orderdesk: OrderDeskApi,
        *,
        store_name: str,
        source_name: str,
        cancel_folder: int | str | None = DEFAULT_CANCEL_FOLDER,
    ) -> None:
        self.ctx = ctx
        self.orderdesk = orderdesk
        self.store_name = store_name
        self.source_name = source_name
        self.cancel_folder = cancel_folder
        self._cancel_folder_id: int | None = None
        self._folder_looked_up = False

    def tell(self) -> tuple[Failure, ...]:
        """Pass on every change not yet told; returns what needs the merchant's attention.

        Stops at the first temporary Order Desk trouble (the rest is told next time); raises
        ``AuthError`` like the rest of the push.
        """
        attention: list[Failure] = []
        for row in self.ctx.journal.orders_to_tell():
            if self.ctx.stop.is_set():
                break
            try:
                attention.extend(self._tell_one(row))
            except (Transient, RateLimited, Ambiguous) as exc:
                self.ctx.emit(
                    Level.WARNING,
                    Direction.PUSH,
                    f"A change in the store could not be passed on to Order Desk yet ({exc}); "
                    "the app tries again at the next sync.",
                    order_number=row.order_number,
                )
                break
        return tuple(attention)

    def _tell_one(self, row: OrderRow) -> list[Failure]:
        journal = self.ctx.journal
        seen = StoreFacts.from_json(row.facts_seen)
        told = StoreFacts.from_json(row.facts_told) or StoreFacts.held_by_orderdesk()
        if seen is None or not _news(seen, told):
            journal.mark_told(row.store_order_id, row.facts_seen)
            return []
        parts = self._parts(row)
        attention: list[Failure] = []
        if not parts:
            self._say(
                Level.WARNING,
                row,
                f"The order changed in {self.store_name} but is no longer in Order Desk; "
                "nothing was passed on.",
            )
        else:
            shipped = [s.tracking_number for p in parts for s in p.shipments]
            refunded = seen.payment != told.payment and seen.payment in _REFUNDS
            full = seen.payment == PaymentState.REFUNDED.value
            if seen.cancelled and not told.cancelled:
                attention.extend(self._stop(row, parts, shipped, "cancelled"))
            elif refunded and full and not seen.cancelled:
                # Nothing is left to pay for: it must not ship, like a cancelled order.
                attention.extend(self._stop(row, parts, shipped, "refunded in full"))
            elif told.cancelled and not seen.cancelled:
                self._note(
                    row,
                    parts,
                    f"Reinstated in {self.store_name}: the order is active again.",
                    log=" Move it out of the cancellations folder in Order Desk if it is to ship.",
                )
            if refunded and not full and not shipped:
                attention.append(self._refunded_in_part(row, parts))
            if _address_changed(seen, told) and not shipped:
                self._note(
                    row,
                    parts,
                    f"The shipping address was changed in {self.store_name} to: "
                    f"{seen.address or '(none)'}. Ship to the new address.",
                )
        journal.mark_told(row.store_order_id, row.facts_seen)
        return attention

    def _refunded_in_part(self, row: OrderRow, parts: list[Order]) -> Failure:
        """A note for the warehouse, and the order listed for the merchant: what still
        ships after a refund in part is the merchant's call."""
        self._note(row, parts, f"Refunded in part in {self.store_name} after it was sent.")
        reason = (
            f"Order {row.order_number} was refunded in part in {self.store_name} before it "
            "shipped: check in Order Desk what is still to ship."
        )
        self.ctx.journal.flag_for_look(row.store_order_id, reason)
        return Failure(row.order_number, reason)

    def _stop(
        self, row: OrderRow, parts: list[Order], shipped: list[str], happened: str
    ) -> list[Failure]:
        """The order was ``happened`` ("cancelled", "refunded in full") in the store: every
        part not shipped yet is moved (or noted); a part that shipped stays, and the merchant
        is told."""
        waiting = [p for p in parts if not p.shipments]
        if waiting:
            moved = self._stop_shipping(row, waiting, happened)
            if not shipped:
                return []
            done = (
                "moved to the cancellations folder with a note"
                if moved
                else "given a note in Order Desk saying not to ship them"
            )
            what = f"after part of it shipped (tracking {', '.join(shipped)}). The parts not "
            what += f"shipped were {done}; contact the customer about a return or a refund "
            what += "of what shipped."
        else:
            what = f"after it shipped (tracking {', '.join(shipped)}). Nothing was changed in "
            what += "Order Desk: contact the customer about a return or a refund."
        reason = f"Order {row.order_number} was {happened} in {self.store_name} {what}"
        self._say(Level.ERROR, row, reason)
        return [Failure(row.order_number, reason)]

    def _stop_shipping(self, row: OrderRow, parts: list[Order], happened: str) -> bool:
        """A note on each part, and a move to the cancellations folder; True when moved."""
        folder = self._cancel_folder()
        where = "moved to the cancellations folder" if folder is not None else "left where it is"
        head = f"{happened[0].upper()}{happened[1:]} in {self.store_name}"
        note = f"{head}: do not ship. Desktop Sync {where}."
        for part in parts:
            self.orderdesk.add_history_note(part.id, trim_text(note, MAX_NOTE_LENGTH))
        if folder is not None:
            try:
                self.orderdesk.move_orders([p.id for p in parts], folder_id=folder)
            except Rejected as exc:
                self._say(
                    Level.WARNING,
                    row,
                    f"{head}; Order Desk refused to move it "
                    f"({exc.reason}), so a note says not to ship it.",
                )
                return False
        self._say(
            Level.WARNING,
            row,
            f"{head}: "
            + (
                "moved to the cancellations folder in Order Desk, with a note."
                if folder is not None
                else "a note in Order Desk says not to ship it. Choose a cancellations folder "
                "in Settings to have such orders moved."
            ),
        )
        return folder is not None

    def _note(self, row: OrderRow, parts: list[Order], note: str, *, log: str = "") -> None:
        for part in parts:
            self.orderdesk.add_history_note(part.id, trim_text(note, MAX_NOTE_LENGTH))
        self._say(Level.WARNING, row, f"{note} A note was added in Order Desk.{log}")

    def _say(self, level: Level, row: OrderRow, message: str) -> None:
        self.ctx.emit(
            level,
            Direction.PUSH,
            message,
            order_number=row.order_number,
            orderdesk_order_id=row.orderdesk_order_id or "",
        )

    def _parts(self, row: OrderRow) -> list[Order]:
        """The Order Desk orders of this store order: the one sent, and its splits, whether
        Order Desk numbers a split part like the original ("100") or with a suffix ("100-1")."""
        original = self._original(row)
        if original is None:
            return [
                order
                for order in self.orderdesk.find_orders(row.order_number, self.source_name)
                if self.ctx.ours(order, self.source_name)
                and store_order_id_of(order) == row.store_order_id
            ]
        # A split is dated like the original or later (when split); the listing starts a day
        # before the order was placed (Order Desk may read dates as UTC or store-local time).
        since = min(original.date_added or row.store_created_at, row.store_created_at)
        splits = [
            order
            for order in self.orderdesk.iter_orders(
                source_name=self.source_name, search_start_date=since - LOOKUP_MARGIN
            )
            if is_split_of(order, original)
        ]
        return [original, *splits]

    def _original(self, row: OrderRow) -> Order | None:
        if not row.orderdesk_order_id:
            return None
        try:
            return self.orderdesk.get_order(row.orderdesk_order_id)
        except Rejected:  # deleted in Order Desk: its parts are looked up by number
            return None

    def _cancel_folder(self) -> int | None:
        """The cancellations folder's id: the merchant's choice, else "Canceled" if any."""
        if isinstance(self.cancel_folder, int):
            return self.cancel_folder
        if not self._folder_looked_up:
            self._folder_looked_up = True
            name = (self.cancel_folder or DEFAULT_CANCEL_FOLDER).strip()
            match = self.orderdesk.store().folder_named(name)
            self._cancel_folder_id = match.id if match is not None else None
        return self._cancel_folder_id

"""The push's first step: the store's new and changed orders, read from the high-water mark
minus the overlap, written into the journal (pending, or held with the send rule's reason), the
mark moved to the latest change the store reported."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta

from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.connectors.stores.window import as_utc as _as_utc
from desktop_sync.engine.after_push import StoreFacts
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.events import Direction, Failure, Level, Stage
from desktop_sync.engine.order_facts import BEFORE_START, order_facts_of, why_it_qualifies
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.state.journal import Cursor, OrderState
from desktop_sync.state.order_facts import (
    OrderFacts,
    note_before_start,
    note_order,
    sends_anyway,
)

__all__ = ["CURSOR", "NewOrders"]

CURSOR = Cursor.PUSH
# While the store is read, the driver hears how far it got at most this often (seconds).
_PROGRESS_EVERY = 0.25


class NewOrders:
    """The push's reading of the store (``OrderPusher`` is one)."""

    ctx: EngineContext
    store: StoreConnector
    overlap: timedelta
    start_at: datetime
    send_rule: SendRule
    _seen: dict[str, StoreOrder]
    """The store's copies of the orders this push listed, by store order id."""
    _left_out: set[str]
    _unreadable: dict[str, Failure]
    """Sent orders the store could not read this cycle: the merchant's to look at."""

    def _collect_new_orders(self) -> None:
        """Poll the store from the high-water mark minus the overlap; record what is new.

        The scan runs to the store's own present (no upper bound), and the new mark is the
        latest change the store reported: a time on the store's clock, so a PC clock that is
        off can neither move the mark past what the store has indexed nor leave a hole. A
        change stamped after the servers' present is an outlier and never moves the mark.
        """
        journal = self.ctx.journal
        said = {o: f.reason for o, f in self._unreadable.items()}
        self._unreadable.clear()
        mark, first = self.ctx.mark_or_start(CURSOR, self.start_at)
        # The first scan too reads the overlap before the mark: orders placed just before
        # setup are listed at once as placed before it, not only by the second scan.
        since = mark - self.overlap
        send_from = self._send_from(mark, first)
        newest: datetime | None = None
        # A change stamped after the servers' present (a wrong store clock, an import tool)
        # does not move the mark: one such order would carry it past orders not placed yet.
        ceiling = self.ctx.server_now()
        new = 0
        self.ctx.progress(Direction.PUSH, 0, 0, Stage.READING)
        told = time.monotonic()
        for found, order in enumerate(self.store.iter_orders(since, None), start=1):
            if self.ctx.stop.is_set():
                return  # the mark stays put: the next cycle scans this window again
            if time.monotonic() - told >= _PROGRESS_EVERY:
                told = time.monotonic()
                self.ctx.progress(Direction.PUSH, found, 0, Stage.READING)
            changed = _as_utc(order.updated_at)
            if changed <= ceiling:
                newest = changed if newest is None else max(newest, changed)
            known = journal.get_order(order.id)
            if (
                known is None
                and _as_utc(order.created_at) < send_from
                and not order.problem  # its dates may be unreadable; its reason is shown
            ):
                self._leave_out(order, send_from)
                continue
            self._seen[order.id] = order
            if known is not None and known.state is OrderState.SENT and order.problem:
                self._unreadable_after_send(order, said)  # its empty fields are made up, not news
                continue
            if known is not None and known.state is OrderState.SENT:
                journal.note_store_facts(order.id, StoreFacts.of(order).to_json())
                note_order(journal, self._facts(order, ""))
                continue
            reason = self._why_not_sent(order)
            state = OrderState.SKIPPED if reason else OrderState.PENDING
            note_order(journal, self._facts(order, reason))
            if (
                known is not None
                and known.state is OrderState.SKIPPED
                and state is OrderState.PENDING
            ):
                self.ctx.emit(
                    Level.INFO,
                    Direction.PUSH,
                    f"The order now qualifies to be sent ({why_it_qualifies(known, order)}).",
                    order_number=order.number,
                )
            if journal.record_order_seen(
                order.id,
                order.number,
                order.created_at,
                order.updated_at,
                state=state,
                reason=reason,
            ):
                new += 1
                if state is OrderState.SKIPPED:
                    self.ctx.emit(Level.INFO, Direction.PUSH, reason, order_number=order.number)
        if newest is not None:
            journal.advance_cursor(
                CURSOR, newest, int(self.overlap.total_seconds()), scanned_from=mark
            )
        if new:
            noun = "order" if new == 1 else "orders"
            self.ctx.emit(Level.INFO, Direction.PUSH, f"{new} new {noun} found in the store.")

    def _send_from(self, mark: datetime, first: bool) -> datetime:
        """Orders placed before this are not sent: the moment of connection, or the earliest
        backfill. A journal from before this rule starts it when the journal began (its first
        order or log line): that version sent every order it saw qualify, so an order placed
        while it ran and paid only after the upgrade is still sent."""
        journal = self.ctx.journal
        start = journal.get_cursor(Cursor.SEND_FROM)
        if start is None:
            start = mark if first else min(self.start_at, mark - self.overlap)
            began = None if first else journal.began_at()
            if began is not None:
                start = min(start, began)
            journal.backfill_start(start)
        return start

    def _unreadable_after_send(self, order: StoreOrder, said: dict[str, str]) -> None:
        """A sent order the store can no longer read: nothing it seems to say (no address,
        not cancelled) is passed on to Order Desk; the merchant is told (in the log once)."""
        check = order.problem.removesuffix(", then press Retry.").rstrip(".")
        reason = (
            f"{check}. It is in Order Desk already: until it can be read again, no change to "
            "it (a cancel, a refund, a new address) is passed on."
        )
        self._unreadable[order.id] = Failure(order.number, reason)
        if said.get(order.id) != reason:
            self.ctx.emit(Level.WARNING, Direction.PUSH, reason, order_number=order.number)

    def _leave_out(self, order: StoreOrder, send_from: datetime) -> None:
        """An order placed before the start is sent only by a backfill that covers it."""
        if order.id in self._left_out:
            return  # said once; an old order edited again and again is not news
        self._left_out.add(order.id)
        if not note_before_start(self.ctx.journal, self._facts(order, BEFORE_START)):
            return  # said at an earlier start; Needs you lists it
        self.ctx.emit(
            Level.INFO,
            Direction.PUSH,
            f"Not sent: placed on {_as_utc(order.created_at):%Y-%m-%d %H:%M} UTC, before "
            f"the app started sending orders ({send_from:%Y-%m-%d %H:%M} UTC). To send it, "
            "backfill from the day it was placed.",
            order_number=order.number,
        )

    def _facts(self, order: StoreOrder, reason: str) -> OrderFacts:
        return order_facts_of(order, reason, platform=self.store.platform)

    def _why_not_sent(self, order: StoreOrder) -> str:
        """The send rule's reason, without the Settings statuses for an order the merchant
        pressed Send anyway on (cancelled or unpaid orders are never sent)."""
        rule = self.send_rule
        if rule.sent and sends_anyway(self.ctx.journal, order.id):
            rule = replace(rule, sent=frozenset())
        return rule.why_not_sent(order)

"""Push: every store order reaches Order Desk exactly once (architecture, sync rules 1 and 2).

Order Desk has no idempotency key, so exactly-once rests on three habits:
- the journal marks an order ``sending`` (committed) before the POST, so a crash, a timeout or a
  dropped connection leaves a trace that the next attempt resolves by looking the order up by
  ``source_id`` before sending again;
- before each batch one list call of this source's recent Order Desk orders (500 per page) finds
  orders another PC, or a lost journal, already sent; they are adopted, not sent again;
- Order Desk's own duplicate refusal, when it names the existing order, is an adoption too.

Every match is on the store's identity and the store order id (``engine.identity``), never on
the order number alone: another store's order 100, or a second order numbered 100 in this
store, is never taken for this one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from desktop_sync.connectors.errors import (
    Ambiguous,
    AuthError,
    Cancelled,
    ConnectorError,
    DuplicateOrder,
    RateLimited,
    Rejected,
    Transient,
)
from desktop_sync.connectors.orderdesk.models import Order, StoreInfo
from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.connectors.stores.window import as_utc as _as_utc
from desktop_sync.engine.after_push import DEFAULT_CANCEL_FOLDER, AfterPush, StoreFacts
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.events import Direction, Failure, Level, PushResult, Stage
from desktop_sync.engine.identity import STORE_KEY, store_order_id_of
from desktop_sync.engine.mapping import UnmappableOrder, default_source_name, map_order
from desktop_sync.engine.order_facts import (
    BEFORE_START,
    order_facts_of,
    why_it_qualifies,
)
from desktop_sync.engine.push_folder import ChosenFolder, FolderGone
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.engine.whose_store import stop_if_sent_elsewhere
from desktop_sync.state.journal import Cursor, OrderRow, OrderState
from desktop_sync.state.order_facts import (
    OrderFacts,
    note_before_start,
    note_folder,
    note_order,
    sends_anyway,
)

__all__ = ["OrderPusher"]

log = logging.getLogger(__name__)

CURSOR = Cursor.PUSH
# The batch look-up searches Order Desk from a day before the oldest order in the batch: the
# reference leaves open whether date filters are UTC or store-local (open question 5), and a
# day covers every time zone.
_LOOKUP_MARGIN = timedelta(days=1)
# A push that gave way goes on with its batch's look-up for at most this long: about a
# 2,000-order backfill at Order Desk's pace, as long as one push without turns would keep it.
_LOOKUP_KEPT = timedelta(minutes=15)
# ... and lists the store again only this long after its last listing (the app's default push
# interval): its orders wait behind its backlog (oldest first) anyway, and listing a backlog
# again at every turn would spend the store's quota and Order Desk's time for nothing.
_RELIST_AFTER = timedelta(minutes=2)
# After a send, Order Desk is looked at once more for a copy another computer sent at the same
# moment (two computers on one store): after the first send that follows each batch look-up,
# and then at most this often. A look-up after every send would double what a backlog costs
# (one request per order); this costs under half a percent of Order Desk's budget.
_LOOK_AGAIN_EVERY = timedelta(minutes=2)
# While the store is read, the driver hears how far it got at most this often (seconds).
_PROGRESS_EVERY = 0.25


class OrderPusher:
    def __init__(
        self,
        ctx: EngineContext,
        orderdesk: OrderDeskApi,
        store: StoreConnector,
        *,
        folder: int | str | None,
        folder_name: str = "",
        on_folders: Callable[[StoreInfo], None] | None = None,
        overlap: timedelta,
        start_at: datetime,
        send_rule: SendRule,
        cancel_folder: int | str | None = DEFAULT_CANCEL_FOLDER,
    ) -> None:
        self.ctx = ctx
        self.orderdesk = orderdesk
        self.store = store
        self.folder = folder
        self.chosen_folder = ChosenFolder(orderdesk, folder, ctx.now, folder_name, on_folders)
        self.overlap = overlap
        self.start_at = start_at
        self.source_name = ctx.source_name or default_source_name(store.display_name)
        self.send_rule = send_rule
        self._seen: dict[str, StoreOrder] = {}
        self._left_out: set[str] = set()
        self._carried: _GoOn | None = None
        """After a push gave way: what the next push goes on with."""
        self._looked_at: datetime | None = None  # the batch look-up the sends rely on
        self._looked_again: tuple[datetime | None, datetime] | None = None
        self._unreadable: dict[str, Failure] = {}
        """Sent orders the store could not read this cycle: the merchant's to look at."""
        self.after_push = AfterPush(
            ctx,
            orderdesk,
            store_name=store.display_name,
            source_name=self.source_name,
            cancel_folder=cancel_folder,
        )

    def push_orders(self, give_way: Callable[[], bool] | None = None) -> PushResult:
        """Collect new store orders into the journal, then send every order that is due.

        ``give_way`` is asked after each order: True ends the push there (another store's
        turn); the orders left stay due in the journal, counted in ``unsent``, and the next
        push goes on with them.

        Raises ``AuthError`` (either side) and, when the store cannot be listed, ``Transient``;
        per-order failures are recorded and reported, never raised.
        """
        carried, self._carried = self._carried, None
        if carried is None or self.ctx.now() - carried.listed_at >= _RELIST_AFTER:
            self._seen.clear()
            listed_at = self.ctx.now()
            self._collect_new_orders()
        else:
            listed_at = carried.listed_at  # goes on where it gave way: the listing stands
        due = self.ctx.journal.orders_due(self.ctx.now())
        tally = _Tally()
        if due and not self.ctx.stop.is_set():
            self.ctx.progress(Direction.PUSH, 0, len(due), Stage.CHECKING)
            in_orderdesk, looked_at = self._in_orderdesk(due, carried)
            self._looked_at = looked_at
            self.ctx.progress(Direction.PUSH, 0, len(due))
            for done, row in enumerate(due, start=1):
                if self.ctx.stop.is_set():
                    break
                try:
                    self._push_one(row, in_orderdesk, tally)
                except RateLimited as exc:
                    self._retry_later(row, str(exc), state=OrderState.PENDING)
                    tally.waiting += 1
                    self.ctx.emit(Level.WARNING, Direction.PUSH, str(exc))
                    break
                self.ctx.progress(Direction.PUSH, done, len(due))
                if done < len(due) and give_way is not None and give_way():
                    tally.unsent = len(due) - done
                    left = frozenset(r.store_order_id for r in due[done:])
                    self._carried = _GoOn(left, in_orderdesk, looked_at, listed_at)
                    break
        if self._carried is None:
            self._seen.clear()
        if not self.ctx.stop.is_set():
            tally.attention = (*self._unreadable.values(), *self.after_push.tell())
        return tally.result()

    # -- collecting ----------------------------------------------------------------------

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
        since = mark if first else mark - self.overlap
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

    def _in_orderdesk(
        self, due: Sequence[OrderRow], carried: _GoOn | None
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
                found[key] = order.id if known is None else _oldest(known, order.id)
        return found

    def _ours(self, order: Order, store_order_id: str | None = None) -> bool:
        """This store sent ``order`` (as ``store_order_id``, when given)."""
        return self.ctx.ours(order, self.source_name) and (
            store_order_id is None or store_order_id_of(order) == store_order_id
        )

    def _whose(self) -> dict[str, str]:
        """What each order sent says of who sent it: the store, and this installation."""
        return {STORE_KEY: self.ctx.store_key, **self.ctx.this_computer.written()}

    # -- sending one order ---------------------------------------------------------------

    def _push_one(self, row: OrderRow, in_orderdesk: dict[str, str], tally: _Tally) -> None:
        journal = self.ctx.journal
        number = row.order_number
        if row.state is OrderState.SENDING:
            # An earlier attempt may have reached Order Desk: look before sending again.
            existing = [
                o
                for o in self.orderdesk.find_orders(number, self.source_name)
                if self._ours(o, row.store_order_id)
            ]
            for found in existing:
                stop_if_sent_elsewhere(self.ctx, found)
            if existing:
                oldest = min((o.id for o in existing), key=_id_order)
                self._adopt(row, oldest, "found in Order Desk after an interrupted send")
                tally.adopted += 1
                return
        if row.store_order_id in in_orderdesk:
            self._adopt(row, in_orderdesk[row.store_order_id], "already in Order Desk")
            tally.adopted += 1
            return
        try:
            order = self._seen.get(row.store_order_id) or self.store.get_order(row.store_order_id)
        except Rejected as exc:
            self._fail(row, f"The store no longer has this order ({exc.reason}).", tally)
            return
        except Transient as exc:
            self._retry_later(row, str(exc), state=_unchanged(row))
            tally.waiting += 1
            return
        not_sent = self._why_not_sent(order)
        if not_sent:
            journal.mark_skipped(row.store_order_id, not_sent)
            self.ctx.emit(Level.INFO, Direction.PUSH, not_sent, order_number=number)
            tally.skipped += 1
            return
        try:
            draft = map_order(
                order,
                platform=self.store.platform,
                store_name=self.store.display_name,
                source_name=self.source_name,
                folder_id=self.chosen_folder.folder_id(),
            )
        except UnmappableOrder as exc:
            self._fail(row, exc.reason, tally)
            return
        draft = replace(
            draft,
            order_metadata={**draft.order_metadata, **self._whose()},
        )

        journal.mark_sending(row.store_order_id)
        try:
            created = self.orderdesk.create_order(draft)
        except Cancelled as exc:
            if not exc.maybe_sent:  # stopped before it left: due again, nothing to look up
                self.ctx.journal.mark_order_retry(
                    row.store_order_id, row.last_error, self.ctx.now(), state=_unchanged(row)
                )
            raise
        except Ambiguous as exc:
            # Keep "sending": the next attempt looks the order up before anything else.
            self._retry_later(row, str(exc), state=OrderState.SENDING)
            # Its sentence already says Order Desk is checked before sending it again.
            self.ctx.emit(Level.WARNING, Direction.PUSH, str(exc), order_number=number)
            tally.waiting += 1
        except (Transient, RateLimited, AuthError) as exc:
            # Nothing reached Order Desk: back to pending.
            self._retry_later(row, str(exc), state=OrderState.PENDING)
            if not isinstance(exc, Transient):
                raise
            self.ctx.emit(Level.WARNING, Direction.PUSH, f"{exc} Will retry.", order_number=number)
            tally.waiting += 1
        except DuplicateOrder as exc:
            if exc.existing_order_id:
                self._resolve_duplicate(row, str(exc.existing_order_id), tally)
            else:
                self._fail(row, f"Order Desk refused the order: {exc.reason}", tally)
        except Rejected as exc:
            self._refused(row, exc, tally)
        else:
            journal.mark_sent(row.store_order_id, created.id, StoreFacts.of(order).to_json())
            note_folder(journal, row.store_order_id, self.chosen_folder.words(created.folder_id))
            self.ctx.emit(
                Level.INFO,
                Direction.PUSH,
                "Sent to Order Desk.",
                order_number=number,
                orderdesk_order_id=created.id,
            )
            tally.sent += 1
            self._sent_alone(row, created.id)
            self.chosen_folder.filed_in(created.folder_id)  # elsewhere: is the folder gone?

    def _refused(self, row: OrderRow, exc: Rejected, tally: _Tally) -> None:
        """Order Desk refused the order: failed, unless its folder is gone (then it waits,
        and ``FolderGone`` stops the store's sends) or the look at the folders fails."""
        try:
            self.chosen_folder.refused()
        except (FolderGone, ConnectorError):
            self.ctx.journal.mark_order_retry(
                row.store_order_id, row.last_error, self.ctx.now(), state=OrderState.PENDING
            )
            raise
        self._fail(row, f"Order Desk refused the order: {exc.reason}", tally)

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

    def _resolve_duplicate(self, row: OrderRow, existing_id: str, tally: _Tally) -> None:
        """Order Desk refused the order as a copy of ``existing_id``: adopt it if it is this
        order, else say so (Order Desk keeps one order per number and source)."""
        try:
            existing = self.orderdesk.get_order(existing_id)
        except (Transient, Rejected) as exc:
            self._retry_later(row, str(exc), state=OrderState.PENDING)
            tally.waiting += 1
            return
        if self._ours(existing, row.store_order_id):
            stop_if_sent_elsewhere(self.ctx, existing)
            self._adopt(row, existing_id, "Order Desk already had it")
            tally.adopted += 1
            return
        self._fail(
            row,
            f"Order Desk refused order {row.order_number} as a duplicate of its order "
            f"{existing_id}, which is another order with the same number (from another store, "
            "or an earlier order numbered alike). Ask Order Desk support to accept duplicate "
            "order numbers for your account, or remove the other order, then press Retry.",
            tally,
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

    def _adopt(self, row: OrderRow, orderdesk_order_id: str, why: str) -> None:
        """Link the order to its Order Desk copy, writing down what that copy holds and
        what the store says now, so a cancel or a refund seen since is passed on."""
        try:
            order = self._seen.get(row.store_order_id) or self.store.get_order(row.store_order_id)
            seen = StoreFacts.of(order).to_json()
        except (Rejected, Transient, RateLimited, Ambiguous):
            seen = ""  # written down when the store next reports the order
        self.ctx.journal.mark_sent(
            row.store_order_id,
            orderdesk_order_id,
            seen,
            told=StoreFacts.held_by_orderdesk().to_json(),
        )
        self.ctx.emit(
            Level.INFO,
            Direction.PUSH,
            f"Not sent again: {why}.",
            order_number=row.order_number,
            orderdesk_order_id=orderdesk_order_id,
        )

    def _fail(self, row: OrderRow, reason: str, tally: _Tally) -> None:
        self.ctx.journal.mark_failed(row.store_order_id, reason)
        self.ctx.emit(Level.ERROR, Direction.PUSH, reason, order_number=row.order_number)
        tally.failed.append(Failure(row.order_number, reason))

    def _retry_later(self, row: OrderRow, error: str, *, state: OrderState) -> None:
        self.ctx.journal.mark_order_retry(
            row.store_order_id, error, self.ctx.next_attempt(row.attempts + 1), state=state
        )


@dataclass(frozen=True)
class _GoOn:
    """What a push that gave way leaves the next: the orders it left due, what its batch's
    look-up found in Order Desk and when, and when the store was last listed (the store's
    copies of the orders stay in ``_seen``)."""

    orders: frozenset[str]
    found: dict[str, str]
    looked_at: datetime
    listed_at: datetime


def _id_order(orderdesk_id: str) -> tuple[int, str]:
    return (int(orderdesk_id), "") if orderdesk_id.isdigit() else (0, orderdesk_id)


def _oldest(a: str, b: str) -> str:
    """A split leaves several Order Desk orders with one source_id; the original is the
    oldest (lowest id), and it is the one the journal links to."""
    return min(a, b, key=_id_order)


def _unchanged(row: OrderRow) -> OrderState:
    return OrderState.SENDING if row.state is OrderState.SENDING else OrderState.PENDING


class _Tally:
    def __init__(self) -> None:
        self.sent = self.adopted = self.skipped = self.waiting = self.unsent = 0
        self.failed: list[Failure] = []
        self.attention: tuple[Failure, ...] = ()

    def result(self) -> PushResult:
        return PushResult(
            unsent=self.unsent,
            sent=self.sent,
            adopted=self.adopted,
            skipped=self.skipped,
            failed=tuple(self.failed),
            waiting=self.waiting,
            attention=self.attention,
        )

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

The push reads the store (``push_collect``), asks Order Desk what it holds
(``push_lookups``), sends each due order and gives way to another store after its slice
(here), and writes down each outcome (``push_outcomes``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
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
from desktop_sync.connectors.orderdesk.models import StoreInfo
from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.engine.after_push import DEFAULT_CANCEL_FOLDER, AfterPush, StoreFacts
from desktop_sync.engine.context import EngineContext, OrderDeskApi
from desktop_sync.engine.events import Direction, Failure, Level, PushResult, Stage
from desktop_sync.engine.identity import STORE_KEY
from desktop_sync.engine.mapping import UnmappableOrder, default_source_name, map_order
from desktop_sync.engine.push_collect import NewOrders
from desktop_sync.engine.push_folder import ChosenFolder, FolderGone
from desktop_sync.engine.push_lookups import GoOn, OrderDeskLookups, oldest_of
from desktop_sync.engine.push_outcomes import PushOutcomes, PushTally, unchanged_state
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.engine.whose_store import stop_if_sent_elsewhere
from desktop_sync.state.journal import OrderRow, OrderState
from desktop_sync.state.order_facts import note_folder

__all__ = ["OrderPusher"]

# A push that gave way lists the store again only this long after its last listing (the app's
# default push interval): its orders wait behind its backlog (oldest first) anyway, and listing
# a backlog again at every turn would spend the store's quota and Order Desk's time for nothing.
_RELIST_AFTER = timedelta(minutes=2)


class OrderPusher(NewOrders, OrderDeskLookups, PushOutcomes):
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
        self._carried: GoOn | None = None
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
        tally = PushTally()
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
                    self._wait_as_asked(row, exc)
                    tally.waiting += 1
                    self.ctx.emit(Level.WARNING, Direction.PUSH, str(exc))
                    break
                self.ctx.progress(Direction.PUSH, done, len(due))
                if done < len(due) and give_way is not None and give_way():
                    tally.unsent = len(due) - done
                    left = frozenset(r.store_order_id for r in due[done:])
                    self._carried = GoOn(left, in_orderdesk, looked_at, listed_at)
                    break
        if self._carried is None:
            self._seen.clear()
        if not self.ctx.stop.is_set():
            tally.attention = (*self._unreadable.values(), *self.after_push.tell())
        return tally.result()

    # -- sending one order ---------------------------------------------------------------

    def _whose(self) -> dict[str, str]:
        """What each order sent says of who sent it: the store, and this installation."""
        return {STORE_KEY: self.ctx.store_key, **self.ctx.this_computer.written()}

    def _push_one(self, row: OrderRow, in_orderdesk: dict[str, str], tally: PushTally) -> None:
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
                oldest = oldest_of(o.id for o in existing)
                self._adopt(row, oldest, "found in Order Desk after an interrupted send")
                tally.adopted += 1
                return
        if row.store_order_id in in_orderdesk:
            self._adopt(row, in_orderdesk[row.store_order_id], "already in Order Desk")
            tally.adopted += 1
            return
        try:
            order = self._seen.get(row.store_order_id) or self.store.get_order(row.store_order_id)
            order = self.store.ready_to_send(order)
        except Rejected as exc:
            self._fail(row, f"The store no longer has this order ({exc.reason}).", tally)
            return
        except Transient as exc:
            self._retry_later(row, str(exc), state=unchanged_state(row))
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
                    row.store_order_id, row.last_error, self.ctx.now(), state=unchanged_state(row)
                )
            raise
        except Ambiguous as exc:
            # Keep "sending": the next attempt looks the order up before anything else.
            self._retry_later(row, str(exc), state=OrderState.SENDING)
            # Its sentence already says Order Desk is checked before sending it again.
            self.ctx.emit(Level.WARNING, Direction.PUSH, str(exc), order_number=number)
            tally.waiting += 1
        except (Transient, AuthError) as exc:
            # Nothing reached Order Desk: back to pending. (A rate limit is the push loop's.)
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

    def _refused(self, row: OrderRow, exc: Rejected, tally: PushTally) -> None:
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

    def _resolve_duplicate(self, row: OrderRow, existing_id: str, tally: PushTally) -> None:
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

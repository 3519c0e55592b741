"""How the push writes down what became of each order: sent elsewhere and linked (adopted),
failed with its reason, or due again later (after the retry schedule, or after the wait a rate
limit asked for), and the tally of one push."""

from __future__ import annotations

from desktop_sync.connectors.errors import Ambiguous, RateLimited, Rejected, Transient
from desktop_sync.connectors.stores.base import StoreConnector, StoreOrder
from desktop_sync.engine.after_push import StoreFacts
from desktop_sync.engine.context import EngineContext
from desktop_sync.engine.events import Direction, Failure, Level, PushResult
from desktop_sync.state.journal import OrderRow, OrderState

__all__ = ["PushOutcomes", "PushTally", "unchanged_state"]


class PushOutcomes:
    """The push's writing of outcomes (``OrderPusher`` is one)."""

    ctx: EngineContext
    store: StoreConnector
    _seen: dict[str, StoreOrder]

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

    def _fail(self, row: OrderRow, reason: str, tally: PushTally) -> None:
        self.ctx.journal.mark_failed(row.store_order_id, reason)
        self.ctx.emit(Level.ERROR, Direction.PUSH, reason, order_number=row.order_number)
        tally.failed.append(Failure(row.order_number, reason))

    def _wait_as_asked(self, row: OrderRow, exc: RateLimited) -> None:
        """A rate limit refused a request of this order's turn unprocessed (its look-up, its
        store copy or its send): the order is left as it was before the turn, its state and
        its attempts, and is due again once the wait the server asked for is over."""
        self.ctx.journal.mark_order_retry(
            row.store_order_id,
            str(exc),
            self.ctx.after_rate_limit(exc),
            state=unchanged_state(row),
            attempts=row.attempts,
        )

    def _retry_later(self, row: OrderRow, error: str, *, state: OrderState) -> None:
        self.ctx.journal.mark_order_retry(
            row.store_order_id, error, self.ctx.next_attempt(row.attempts + 1), state=state
        )


def unchanged_state(row: OrderRow) -> OrderState:
    return OrderState.SENDING if row.state is OrderState.SENDING else OrderState.PENDING


class PushTally:
    """What one push did, counted as it goes."""

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

"""The journal's orders: each store order seen, and what became of sending it."""

from __future__ import annotations

from datetime import datetime

from desktop_sync.state.journal_row_state import DUE, RETRY_HORIZON, RowStates, Table
from desktop_sync.state.records import ORDER_COLUMNS, OrderRow, iso, order_from, utc_now
from desktop_sync.state.states import OrderState

_ORDERS = Table("orders", "store_order_id", "orderdesk_order_id")


class JournalOrders(RowStates):
    """Store orders: seen, sending, sent (and what Order Desk was told), failed, skipped."""

    def get_order(self, store_order_id: str) -> OrderRow | None:
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND store_order_id = ?",
            (self.store, store_order_id),
        )
        return order_from(rows[0]) if rows else None

    def record_order_seen(
        self,
        store_order_id: str,
        order_number: str,
        created_at: datetime,
        updated_at: datetime,
        *,
        state: OrderState = OrderState.PENDING,
        reason: str = "",
    ) -> bool:
        """Remember a store order as ``state`` (pending, or skipped with ``reason``); True
        when it is new to the journal.

        An order not yet sent takes the new verdict: a failed one is pending again once its
        store copy changed (the merchant may have fixed what Order Desk refused), a skipped one
        that now qualifies (paid, reinstated after a cancel) is pending, and a pending one
        that no longer does (cancelled before it was sent) is skipped.
        """
        now = iso(utc_now())
        with self._tx() as conn:
            existing = conn.execute(
                "SELECT state, store_updated_at FROM orders WHERE store = ? AND store_order_id = ?",
                (self.store, store_order_id),
            ).fetchone()
            if existing is None:
                conn.execute(
                    "INSERT INTO orders (store, store_order_id, order_number, state, last_error, "
                    "store_created_at, store_updated_at, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.store,
                        store_order_id,
                        order_number,
                        state,
                        reason,
                        iso(created_at),
                        iso(updated_at),
                        now,
                        now,
                    ),
                )
                return True
            before = OrderState(existing[0])
            changed = iso(updated_at) != existing[1]
            # A failed order is retried only once the store copy changed; a skipped or
            # pending one follows the verdict (a status can change within the same second).
            if (before is OrderState.FAILED and changed) or (
                before in (OrderState.SKIPPED, OrderState.PENDING) and (changed or state != before)
            ):
                conn.execute(
                    "UPDATE orders SET state = ?, next_attempt_at = NULL, last_error = ?, "
                    "store_updated_at = ?, updated_at = ? WHERE store = ? AND store_order_id = ?",
                    (state, reason, iso(updated_at), now, self.store, store_order_id),
                )
            return False

    def orders_due(self, now: datetime, limit: int = 10_000) -> list[OrderRow]:
        """Orders to (re)try now: pending or interrupted while sending, oldest first."""
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND state IN (?, ?) AND {DUE} "
            "ORDER BY store_created_at, store_order_id LIMIT ?",
            (
                self.store,
                OrderState.PENDING,
                OrderState.SENDING,
                iso(now),
                iso(now + RETRY_HORIZON),
                limit,
            ),
        )
        return [order_from(r) for r in rows]

    def orders_in_state(self, *states: OrderState) -> list[OrderRow]:
        marks = ",".join("?" * len(states))
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND state IN ({marks}) "
            "ORDER BY store_created_at, store_order_id",
            (self.store, *states),
        )
        return [order_from(r) for r in rows]

    def mark_sending(self, store_order_id: str) -> None:
        """Committed before the POST: a crash from here on is resolved by a lookup."""
        self._set_order(store_order_id, state=OrderState.SENDING, bump_attempts=True)

    def mark_sent(
        self,
        store_order_id: str,
        orderdesk_order_id: str,
        facts: str = "",
        *,
        told: str | None = None,
    ) -> None:
        """Sent (or found in Order Desk); ``facts`` are what the store says of it, ``told``
        what Order Desk holds of it (``facts`` when this app just sent them)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE orders SET state = ?, orderdesk_order_id = ?, last_error = '', "
                "next_attempt_at = NULL, facts_seen = ?, facts_told = ?, updated_at = ? "
                "WHERE store = ? AND store_order_id = ?",
                (
                    OrderState.SENT,
                    orderdesk_order_id,
                    facts,
                    facts if told is None else told,
                    iso(utc_now()),
                    self.store,
                    store_order_id,
                ),
            )

    def note_store_facts(self, store_order_id: str, facts: str) -> None:
        """What the store now says of a sent order; Order Desk is told the difference."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE orders SET facts_seen = ? WHERE store = ? AND store_order_id = ? "
                "AND state = ?",
                (facts, self.store, store_order_id, OrderState.SENT),
            )

    def mark_told(self, store_order_id: str, facts: str) -> None:
        """Order Desk now knows ``facts`` of the order (a note was written, it was moved)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE orders SET facts_told = ?, updated_at = ? "
                "WHERE store = ? AND store_order_id = ?",
                (facts, iso(utc_now()), self.store, store_order_id),
            )

    def flag_for_look(self, store_order_id: str, why: str) -> None:
        """The merchant should look at the order, for the reason ``why`` (a sentence)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE orders SET needs_look = ?, updated_at = ? "
                "WHERE store = ? AND store_order_id = ?",
                (why, iso(utc_now()), self.store, store_order_id),
            )

    def orders_needing_look(self) -> list[OrderRow]:
        """Orders flagged for the merchant's look, oldest first."""
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND needs_look != '' "
            "ORDER BY store_created_at, store_order_id",
            (self.store,),
        )
        return [order_from(r) for r in rows]

    def orders_to_tell(self) -> list[OrderRow]:
        """Sent orders whose store copy changed in a way Order Desk has not been told of."""
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND state = ? "
            "AND facts_seen != '' AND facts_seen != facts_told "
            "ORDER BY store_created_at, store_order_id",
            (self.store, OrderState.SENT),
        )
        return [order_from(r) for r in rows]

    def mark_order_retry(
        self,
        store_order_id: str,
        error: str,
        next_attempt_at: datetime,
        *,
        state: OrderState,
        attempts: int | None = None,
    ) -> None:
        """A temporary failure: try again at ``next_attempt_at``. ``state`` stays ``sending``
        when the outcome is unknown, so the next attempt looks the order up first.
        ``attempts`` (when given) is the count to keep: a rate limit refused the request
        unprocessed, so the send it was counted as did not happen."""
        self._set_order(
            store_order_id,
            state=state,
            error=error,
            next_attempt_at=next_attempt_at,
            attempts=attempts,
        )

    def mark_failed(self, store_order_id: str, reason: str) -> None:
        self._set_order(store_order_id, state=OrderState.FAILED, error=reason)

    def mark_skipped(self, store_order_id: str, reason: str) -> None:
        self._set_order(store_order_id, state=OrderState.SKIPPED, error=reason)

    def orders_awaiting_shipment(self, placed_since: datetime) -> list[OrderRow]:
        """Sent orders placed since ``placed_since`` whose lines are not all shipped yet,
        oldest first: the orders the pull looks for shipments of."""
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND state = ? "
            "AND orderdesk_order_id IS NOT NULL AND shipped_at IS NULL "
            "AND store_created_at >= ? ORDER BY store_created_at, store_order_id",
            (self.store, OrderState.SENT.value, iso(placed_since)),
        )
        return [order_from(r) for r in rows]

    def shipped_order(self, store_order_id: str) -> OrderRow | None:
        """The sent order, when every line of it has shipped (the pull no longer looks at it)."""
        rows = self._query(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND store_order_id = ? "
            "AND state = ? AND orderdesk_order_id IS NOT NULL AND shipped_at IS NOT NULL",
            (self.store, store_order_id, OrderState.SENT.value),
        )
        return order_from(rows[0]) if rows else None

    def mark_order_shipped(self, store_order_id: str) -> None:
        """Every line of the order is covered by a shipment that reached the store."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE orders SET shipped_at = ?, updated_at = ? "
                "WHERE store = ? AND store_order_id = ?",
                (iso(utc_now()), iso(utc_now()), self.store, store_order_id),
            )

    def requeue_order(self, store_order_id: str) -> bool:
        """Make a failed or skipped order pending again (the merchant pressed Retry)."""
        return self._requeue(_ORDERS, store_order_id, (OrderState.FAILED, OrderState.SKIPPED))

    def _set_order(
        self,
        store_order_id: str,
        *,
        state: OrderState,
        orderdesk_order_id: str | None = None,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        bump_attempts: bool = False,
        attempts: int | None = None,
    ) -> None:
        self._set_state(
            _ORDERS,
            store_order_id,
            state,
            orderdesk_order_id,
            error,
            next_attempt_at,
            bump_attempts,
            attempts,
        )

"""The journal: what has been sent where, so a crash, a restart or a retry never sends twice.

One ``Journal`` per thread (SQLite connections are not shared across threads); WAL mode lets
the GUI read the log while a worker writes. Every method commits before it returns, so the
state on disk is always the state the engine last acted on.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.records import (
    ORDER_COLUMNS,
    SHIPMENT_COLUMNS,
    EventRow,
    JournalCounts,
    OrderRow,
    ShipmentRow,
    event_from,
    iso,
    order_from,
    parse_time,
    shipment_from,
    utc_now,
)
from desktop_sync.state.schema import migrate
from desktop_sync.state.states import Cursor, OrderState, ShipmentKind, ShipmentState
from desktop_sync.state.store_migration import FIRST_STORE

__all__ = [
    "Cursor",
    "EventRow",
    "Journal",
    "JournalCounts",
    "JournalError",
    "OrderRow",
    "OrderState",
    "ShipmentKind",
    "ShipmentRow",
    "ShipmentState",
]


# No retry is scheduled further ahead than the engine's longest back-off (an hour); one further
# ahead was scheduled while the PC's clock ran fast, and is due now that it has been set right.
RETRY_HORIZON = timedelta(hours=2)
_DUE = "(next_attempt_at IS NULL OR next_attempt_at <= ? OR next_attempt_at > ?)"

_REBUILD_HINT = "Run 'desktop-sync doctor' or remove the file to rebuild it from Order Desk."


class JournalError(DesktopSyncError):
    """The journal could not be read or written (disk full, corrupt file, permissions)."""

    title = "Sync journal problem"


class _NewerJournal(JournalError, RuntimeError):
    """A journal from a newer app; still the ``RuntimeError`` that ``migrate`` raises."""


@dataclass(frozen=True)
class _Table:
    """The columns the shared state updates name (constants, never user input)."""

    name: str
    key: str
    link: str


_ORDERS = _Table("orders", "store_order_id", "orderdesk_order_id")
_SHIPMENTS = _Table("shipments", "shipment_id", "store_fulfillment_id")


_CONTAINS = "ds_contains_folded"
"""The SQL function the log's text filter uses: ``ds_contains_folded(text, needle)``."""


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _contains_folded(haystack: object, needle: object) -> int:
    """1 when ``needle`` (already folded) is in ``haystack`` with case folded, else 0."""
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return 0
    return int(needle in _folded(haystack))


class Journal:
    """The SQLite journal at ``path`` (created and migrated on open)."""

    def __init__(
        self, path: Path | str, *, timeout: float = 30.0, store: str = FIRST_STORE
    ) -> None:
        self.path = Path(path)
        self.store = store
        """The store whose rows this journal reads and writes (events: every store's)."""
        self._owns_connection = True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.create_function(_CONTAINS, 2, _contains_folded, deterministic=True)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self.previous_schema = migrate(self._conn)
        except RuntimeError as exc:  # written by a newer app: its sentence says what to do
            self._conn.close()
            raise _NewerJournal(str(exc)) from exc
        except sqlite3.DatabaseError as exc:
            raise JournalError(
                f"The sync journal at {self.path} could not be opened ({exc}). {_REBUILD_HINT}"
            ) from exc

    def close(self) -> None:
        if self._owns_connection:
            self._conn.close()

    def for_store(self, store: str) -> Journal:
        """The same journal, reading and writing ``store``'s rows, on this connection (so on
        this thread); closing it leaves the connection open."""
        view = copy.copy(self)
        view.store = store
        view._owns_connection = False
        return view

    def stores(self) -> list[str]:
        """Every store with rows in the journal (removed stores' rows are kept)."""
        rows = self._query(
            "SELECT store FROM orders UNION SELECT store FROM shipments "
            "UNION SELECT store FROM cursors ORDER BY 1"
        )
        return [r[0] for r in rows]

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; errors become ``JournalError`` with a readable reason."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise JournalError(f"The sync journal could not be written: {exc}.") from exc
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            full = "full" in str(exc).lower()
            hint = " Free some disk space; nothing was lost." if full else ""
            raise JournalError(f"The sync journal could not be written: {exc}.{hint}") from exc
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # After some errors (a full disk, for one) SQLite has already rolled back, and a second
        # ROLLBACK would raise over the error that says what happened.
        if self._conn.in_transaction:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction, for the modules that keep tables beside these
        (``state.order_facts``)."""
        return self._tx()

    def read(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """One read, its errors a ``JournalError`` with a readable reason."""
        return self._query(sql, params)

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            damaged = isinstance(exc, sqlite3.DatabaseError) and "malformed" in str(exc)
            hint = f" {_REBUILD_HINT}" if damaged else ""
            raise JournalError(f"The sync journal could not be read: {exc}.{hint}") from exc

    # -- orders --------------------------------------------------------------------------

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
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE store = ? AND state IN (?, ?) AND {_DUE} "
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
        self, store_order_id: str, error: str, next_attempt_at: datetime, *, state: OrderState
    ) -> None:
        """A temporary failure: try again at ``next_attempt_at``. ``state`` stays ``sending``
        when the outcome is unknown, so the next attempt looks the order up first."""
        self._set_order(store_order_id, state=state, error=error, next_attempt_at=next_attempt_at)

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
    ) -> None:
        self._set_state(
            _ORDERS,
            store_order_id,
            state,
            orderdesk_order_id,
            error,
            next_attempt_at,
            bump_attempts,
        )

    def _set_state(
        self,
        table: _Table,
        key: str,
        state: str,
        link: str | None,
        error: str | None,
        next_attempt_at: datetime | None,
        bump_attempts: bool,
    ) -> None:
        """One row's state, with its link on the other side (kept when None), its last error
        (kept when None), when to try next, and one more attempt when asked."""
        with self._tx() as conn:
            conn.execute(
                f"UPDATE {table.name} SET state = ?, "
                f"{table.link} = COALESCE(?, {table.link}), "
                "last_error = COALESCE(?, last_error), next_attempt_at = ?, "
                f"attempts = attempts + ?, updated_at = ? WHERE store = ? AND {table.key} = ?",
                (
                    state,
                    link,
                    error,
                    iso(next_attempt_at),
                    int(bump_attempts),
                    iso(utc_now()),
                    self.store,
                    key,
                ),
            )

    def _requeue(self, table: _Table, key: str, from_states: tuple[str, ...]) -> bool:
        # OrderState.PENDING and ShipmentState.PENDING are the same word.
        with self._tx() as conn:
            marks = ",".join("?" * len(from_states))
            cursor = conn.execute(
                f"UPDATE {table.name} SET state = ?, next_attempt_at = NULL, "
                f"attempts = 0, updated_at = ? WHERE store = ? AND {table.key} = ? "
                f"AND state IN ({marks})",
                (OrderState.PENDING, iso(utc_now()), self.store, key, *from_states),
            )
            return cursor.rowcount > 0

    # -- shipments -----------------------------------------------------------------------

    def get_shipment(self, shipment_id: str) -> ShipmentRow | None:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND shipment_id = ?",
            (self.store, shipment_id),
        )
        return shipment_from(rows[0]) if rows else None

    def known_shipment_ids(self, shipment_ids: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(shipment_ids), 500):
            chunk = list(shipment_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT shipment_id FROM shipments WHERE store = ? AND shipment_id IN ({marks})",
                [self.store, *chunk],
            )
            known.update(r[0] for r in rows)
        return known

    def shipments_of_orderdesk_order(self, orderdesk_order_id: str) -> list[ShipmentRow]:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND orderdesk_order_id = ? "
            "ORDER BY created_at, shipment_id",
            (self.store, orderdesk_order_id),
        )
        return [shipment_from(r) for r in rows]

    def forget_shipments(self, shipment_ids: Sequence[str]) -> None:
        """Drop the rows of shipments left alone as another's, to record them anew."""
        with self._tx() as conn:
            conn.executemany(
                "DELETE FROM shipments WHERE store = ? AND shipment_id = ? AND state = ?",
                [(self.store, i, ShipmentState.SKIPPED) for i in shipment_ids],
            )

    def record_shipment(
        self,
        *,
        shipment_id: str,
        orderdesk_order_id: str,
        store_order_id: str,
        order_number: str,
        tracking_number: str,
        carrier: str,
        tracking_url: str,
        shipment_method: str,
        lines: Sequence[tuple[str, int]],
        kind: ShipmentKind,
        state: ShipmentState = ShipmentState.PENDING,
        reason: str = "",
    ) -> None:
        now = iso(utc_now())
        with self._tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO shipments (store, shipment_id, orderdesk_order_id, "
                "store_order_id, order_number, tracking_number, carrier, tracking_url, "
                "shipment_method, lines, kind, state, last_error, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.store,
                    shipment_id,
                    orderdesk_order_id,
                    store_order_id,
                    order_number,
                    tracking_number,
                    carrier,
                    tracking_url,
                    shipment_method,
                    json.dumps([list(x) for x in lines]),
                    kind,
                    state,
                    reason,
                    now,
                    now,
                ),
            )

    def shipments_due(self, now: datetime) -> list[ShipmentRow]:
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND state IN (?, ?) "
            f"AND {_DUE} ORDER BY created_at, shipment_id",
            (
                self.store,
                ShipmentState.PENDING,
                ShipmentState.CREATING,
                iso(now),
                iso(now + RETRY_HORIZON),
            ),
        )
        return [shipment_from(r) for r in rows]

    def shipments_in_state(self, *states: ShipmentState) -> list[ShipmentRow]:
        marks = ",".join("?" * len(states))
        rows = self._query(
            f"SELECT {SHIPMENT_COLUMNS} FROM shipments WHERE store = ? AND state IN ({marks}) "
            "ORDER BY created_at, shipment_id",
            (self.store, *states),
        )
        return [shipment_from(r) for r in rows]

    def mark_shipment_creating(self, shipment_id: str) -> None:
        """Committed before the store call: a retry first looks for the tracking number."""
        self._set_shipment(shipment_id, ShipmentState.CREATING, bump_attempts=True)

    def mark_shipment_done(self, shipment_id: str, store_fulfillment_id: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.DONE, store_fulfillment_id, error="")

    def mark_shipment_failed(self, shipment_id: str, reason: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.FAILED, error=reason)

    def mark_shipment_skipped(self, shipment_id: str, reason: str) -> None:
        self._set_shipment(shipment_id, ShipmentState.SKIPPED, error=reason)

    def mark_shipment_pending(self, shipment_id: str) -> None:
        """Nothing reached the store (the store refused our key): try again when due."""
        self._set_shipment(shipment_id, ShipmentState.PENDING)

    def mark_shipment_retry(self, shipment_id: str, error: str, next_attempt_at: datetime) -> None:
        """A temporary failure: try again at ``next_attempt_at``."""
        self._set_shipment(
            shipment_id, ShipmentState.PENDING, error=error, next_attempt_at=next_attempt_at
        )

    def _set_shipment(
        self,
        shipment_id: str,
        state: ShipmentState,
        store_fulfillment_id: str | None = None,
        *,
        error: str | None = None,
        next_attempt_at: datetime | None = None,
        bump_attempts: bool = False,
    ) -> None:
        self._set_state(
            _SHIPMENTS,
            shipment_id,
            state,
            store_fulfillment_id,
            error,
            next_attempt_at,
            bump_attempts,
        )

    def correct_shipment_tracking(
        self, shipment_id: str, tracking_number: str, carrier: str, tracking_url: str
    ) -> None:
        """The merchant corrected a shipment's tracking in Order Desk: due again with it."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE shipments SET tracking_number = ?, carrier = ?, tracking_url = ?, "
                "state = ?, next_attempt_at = NULL, attempts = 0, last_error = '', "
                "updated_at = ? WHERE store = ? AND shipment_id = ?",
                (
                    tracking_number,
                    carrier,
                    tracking_url,
                    ShipmentState.PENDING,
                    iso(utc_now()),
                    self.store,
                    shipment_id,
                ),
            )

    def requeue_shipment(self, shipment_id: str) -> bool:
        return self._requeue(_SHIPMENTS, shipment_id, (ShipmentState.FAILED,))

    # -- cursors -------------------------------------------------------------------------

    def get_cursor(self, direction: Cursor) -> datetime | None:
        rows = self._query(
            "SELECT high_water FROM cursors WHERE store = ? AND direction = ?",
            (self.store, direction),
        )
        return parse_time(rows[0][0]) if rows else None

    def set_cursor(self, direction: Cursor, high_water: datetime, overlap_seconds: int) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO cursors (store, direction, high_water, overlap_seconds, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (store, direction) DO UPDATE SET "
                "high_water = excluded.high_water, overlap_seconds = excluded.overlap_seconds, "
                "updated_at = excluded.updated_at",
                (self.store, direction, iso(high_water), overlap_seconds, iso(utc_now())),
            )

    def advance_cursor(
        self,
        direction: Cursor,
        high_water: datetime,
        overlap_seconds: int,
        *,
        scanned_from: datetime,
    ) -> bool:
        """Move the mark to ``high_water`` after a scan that started from ``scanned_from``,
        unless a backfill moved it back before that meanwhile: the backfill then stands, and
        its orders are scanned next. True when the mark moved."""
        with self._tx() as conn:
            cursor = conn.execute(
                "UPDATE cursors SET high_water = ?, overlap_seconds = ?, updated_at = ? "
                "WHERE store = ? AND direction = ? AND high_water >= ?",
                (
                    iso(high_water),
                    overlap_seconds,
                    iso(utc_now()),
                    self.store,
                    direction,
                    iso(scanned_from),
                ),
            )
            return cursor.rowcount > 0

    def began_at(self) -> datetime | None:
        """When this journal first wrote down an order or a log line (None when empty)."""
        rows = self._query(
            "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM orders "
            "UNION ALL SELECT MIN(time) FROM events)"
        )
        return parse_time(rows[0][0]) if rows else None

    def backfill_start(self, since: datetime) -> None:
        """Record where sending starts when no start is recorded yet (an earlier journal)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO cursors (store, direction, high_water, overlap_seconds, "
                "updated_at) VALUES (?, ?, ?, 0, ?)",
                (self.store, Cursor.SEND_FROM, iso(since), iso(utc_now())),
            )

    def backfill(self, since: datetime) -> datetime:
        """Send the store's orders placed since ``since`` too: the push mark and the start of
        what is sent move back to ``since``, never forward (the earlier date wins, so orders
        in between are never skipped). Returns the start now in force. One transaction, so a
        scan running meanwhile cannot write over it (see ``advance_cursor``)."""
        with self._tx() as conn:
            for direction in (Cursor.PUSH, Cursor.SEND_FROM):
                conn.execute(
                    "INSERT INTO cursors (store, direction, high_water, overlap_seconds, "
                    "updated_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (store, direction) DO UPDATE "
                    "SET high_water = MIN(high_water, excluded.high_water), "
                    "updated_at = excluded.updated_at",
                    (self.store, direction, iso(since), iso(utc_now())),
                )
            (start,) = conn.execute(
                "SELECT high_water FROM cursors WHERE store = ? AND direction = ?",
                (self.store, Cursor.SEND_FROM),
            ).fetchone()
        return parse_time(start) or since

    # -- events --------------------------------------------------------------------------

    def add_event(
        self,
        time: datetime,
        level: str,
        direction: str,
        message: str,
        order_number: str = "",
        orderdesk_order_id: str = "",
    ) -> int:
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO events (time, level, direction, order_number, orderdesk_order_id, "
                "message, store) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    iso(time),
                    level,
                    direction,
                    order_number,
                    orderdesk_order_id,
                    message,
                    self.store,
                ),
            )
            return int(cursor.lastrowid or 0)

    def _event_filter(self, text: str, levels: Sequence[str]) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if levels:
            clauses.append(f"level IN ({','.join('?' * len(levels))})")
            params.extend(levels)
        if text:
            # Case folded for every script ("MÜLLER" finds "müller"); LIKE folds ASCII only.
            clauses.append(f"({_CONTAINS}(message, ?) OR {_CONTAINS}(order_number, ?))")
            needle = _folded(text)
            params.extend([needle, needle])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def events_page(
        self,
        offset: int,
        limit: int,
        text: str = "",
        levels: Sequence[str] = (),
        *,
        max_id: int | None = None,
    ) -> list[EventRow]:
        """Events newest first; ``max_id`` pins a snapshot so pages stay stable while rows
        are appended."""
        where, params = self._event_filter(text, levels)
        if max_id is not None:
            where += (" AND " if where else " WHERE ") + "id <= ?"
            params.append(max_id)
        rows = self._query(
            "SELECT id, time, level, direction, order_number, orderdesk_order_id, message "
            f"FROM events{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [event_from(r) for r in rows]

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]:
        """Events newer than ``event_id``, oldest first (for live tails)."""
        rows = self._query(
            "SELECT id, time, level, direction, order_number, orderdesk_order_id, message "
            "FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, limit),
        )
        return [event_from(r) for r in rows]

    def last_event_id(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(id), 0) FROM events")[0][0])

    def last_shipment_done(self) -> datetime | None:
        """When a shipment last reached the store (its fulfillment or tracking recorded)."""
        rows = self._query(
            "SELECT MAX(updated_at) FROM shipments WHERE state = ?", (ShipmentState.DONE.value,)
        )
        return parse_time(rows[0][0]) if rows else None

    # -- counts --------------------------------------------------------------------------

    def counts(self) -> JournalCounts:
        orders: dict[str, int] = {
            r[0]: r[1]
            for r in self._query(
                "SELECT state, COUNT(*) FROM orders WHERE store = ? GROUP BY state", (self.store,)
            )
        }
        shipments: dict[str, int] = {
            r[0]: r[1]
            for r in self._query(
                "SELECT state, COUNT(*) FROM shipments WHERE store = ? GROUP BY state",
                (self.store,),
            )
        }
        return JournalCounts(
            sent=orders.get(OrderState.SENT, 0),
            pending=orders.get(OrderState.PENDING, 0) + orders.get(OrderState.SENDING, 0),
            failed=orders.get(OrderState.FAILED, 0),
            skipped=orders.get(OrderState.SKIPPED, 0),
            fulfillments=shipments.get(ShipmentState.DONE, 0),
            shipments_pending=shipments.get(ShipmentState.PENDING, 0)
            + shipments.get(ShipmentState.CREATING, 0),
            shipments_failed=shipments.get(ShipmentState.FAILED, 0),
        )

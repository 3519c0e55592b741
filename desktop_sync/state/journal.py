"""The journal: what has been sent where, so a crash, a restart or a retry never sends twice.

One ``Journal`` per thread (SQLite connections are not shared across threads); WAL mode lets
the GUI read the log while a worker writes. Every method commits before it returns, so the
state on disk is always the state the engine last acted on.

This module is the core: the connection, its transactions and reads, and the counts. What the
journal keeps is in its parts: ``journal_orders``, ``journal_shipments``, ``journal_cursors``
and ``journal_events``.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from pathlib import Path

from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal_cursors import JournalCursors
from desktop_sync.state.journal_events import JournalEvents, add_text_search
from desktop_sync.state.journal_orders import JournalOrders
from desktop_sync.state.journal_row_state import RETRY_HORIZON as RETRY_HORIZON
from desktop_sync.state.journal_shipments import JournalShipments
from desktop_sync.state.records import EventRow, JournalCounts, OrderRow, ShipmentRow
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


_REBUILD_HINT = "Run 'desktop-sync doctor' or remove the file to rebuild it from Order Desk."


class JournalError(DesktopSyncError):
    """The journal could not be read or written (disk full, corrupt file, permissions)."""

    title = "Sync journal problem"


class _NewerJournal(JournalError, RuntimeError):
    """A journal from a newer app; still the ``RuntimeError`` that ``migrate`` raises."""


class Journal(JournalOrders, JournalShipments, JournalCursors, JournalEvents):
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
            add_text_search(self._conn)
            _write_ahead(self._conn, timeout)
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


def _write_ahead(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the journal in WAL mode. On a journal just made, another connection opening it at
    the same moment (the window and its reading thread on a first start) may hold it while
    it changes mode, and SQLite answers "locked" at once, without its busy wait: wait here."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)

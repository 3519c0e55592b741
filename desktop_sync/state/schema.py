"""The journal's schema and its migrations, one step per schema version."""

from __future__ import annotations

import sqlite3

from desktop_sync.state.store_migration import KEYED_BY_STORE

__all__ = ["SCHEMA_VERSION", "migrate"]

# 4 -> 5: the orders view's indexes (issue 22). Its pages walk the orders newest placed
# first, of every store or of one, by state or not, with the store order id and the store
# as tiebreaks (two stores may both have an order 100 placed at the same moment). Needs
# you reads a partial index that holds just the failed and skipped orders with what it
# reads of them, and the failed shipments' own. The indexes an earlier build made on
# first use (without the store) go.
_ORDERS_VIEW_STEP = """
CREATE INDEX orders_by_placed_in_stores ON orders (store_created_at, store_order_id, store);
CREATE INDEX orders_of_store_by_placed ON orders (store, store_created_at, store_order_id);
CREATE INDEX orders_by_state_placed_in_stores
    ON orders (state, store_created_at, store_order_id, store);
CREATE INDEX orders_of_store_by_state_placed
    ON orders (store, state, store_created_at, store_order_id);
CREATE INDEX orders_needing_you
    ON orders (state, last_error, store_created_at, store_order_id, store, order_number)
    WHERE state IN ('failed', 'skipped');
CREATE INDEX shipments_failed ON shipments (created_at, shipment_id, store)
    WHERE state = 'failed';
DROP INDEX IF EXISTS orders_by_placed;
DROP INDEX IF EXISTS orders_by_state_placed
"""
# Kept without the layout's spaces, as ``KEYED_BY_STORE`` is (the schema's text stays small).
_ORDERS_VIEW_INDEXES = ";\n".join(" ".join(s.split()) for s in _ORDERS_VIEW_STEP.split(";"))

# Each entry upgrades the journal from version i to i + 1. Never edit a released step: add one.
_MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE orders (
        store_order_id      TEXT PRIMARY KEY,
        order_number        TEXT NOT NULL,
        state               TEXT NOT NULL
                            CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
        orderdesk_order_id  TEXT,
        attempts            INTEGER NOT NULL DEFAULT 0,
        next_attempt_at     TEXT,
        last_error          TEXT NOT NULL DEFAULT '',
        store_created_at    TEXT NOT NULL,
        store_updated_at    TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        updated_at          TEXT NOT NULL
    );
    CREATE INDEX orders_by_state ON orders (state, next_attempt_at);
    CREATE INDEX orders_by_number ON orders (order_number);
    CREATE INDEX orders_by_orderdesk_id ON orders (orderdesk_order_id);

    CREATE TABLE shipments (
        shipment_id          TEXT PRIMARY KEY,
        orderdesk_order_id   TEXT NOT NULL,
        store_order_id       TEXT NOT NULL,
        order_number         TEXT NOT NULL,
        tracking_number      TEXT NOT NULL,
        carrier              TEXT NOT NULL DEFAULT '',
        tracking_url         TEXT NOT NULL DEFAULT '',
        shipment_method      TEXT NOT NULL DEFAULT '',
        lines                TEXT NOT NULL,
        kind                 TEXT NOT NULL CHECK (kind IN ('fulfil', 'add_tracking')),
        state                TEXT NOT NULL
                             CHECK (state IN ('pending', 'creating', 'done', 'failed', 'skipped')),
        store_fulfillment_id TEXT,
        attempts             INTEGER NOT NULL DEFAULT 0,
        next_attempt_at      TEXT,
        last_error           TEXT NOT NULL DEFAULT '',
        created_at           TEXT NOT NULL,
        updated_at           TEXT NOT NULL
    );
    CREATE INDEX shipments_by_state ON shipments (state, next_attempt_at);
    CREATE INDEX shipments_by_orderdesk_order ON shipments (orderdesk_order_id);

    CREATE TABLE cursors (
        direction        TEXT PRIMARY KEY,
        high_water       TEXT NOT NULL,
        overlap_seconds  INTEGER NOT NULL,
        updated_at       TEXT NOT NULL
    );

    CREATE TABLE events (
        id                  INTEGER PRIMARY KEY AUTOINCREMENT,
        time                TEXT NOT NULL,
        level               TEXT NOT NULL,
        direction           TEXT NOT NULL,
        order_number        TEXT NOT NULL DEFAULT '',
        orderdesk_order_id  TEXT NOT NULL DEFAULT '',
        message             TEXT NOT NULL
    );
    CREATE INDEX events_by_level ON events (level, id);
    """,
    # 1 -> 2: when every line of a sent order was covered by Order Desk shipments (the pull
    # looks for shipments of the sent orders where this is still NULL); and what the store last
    # said of a sent order (cancelled, payment, address) and what Order Desk has been told of
    # it, so a cancel, a refund or an address change after the push reaches the warehouse even
    # when Order Desk is away when the store reports it.
    """
    ALTER TABLE orders ADD COLUMN shipped_at TEXT;
    CREATE INDEX orders_awaiting_shipment ON orders (state, shipped_at, store_created_at);
    ALTER TABLE orders ADD COLUMN facts_seen TEXT NOT NULL DEFAULT '';
    ALTER TABLE orders ADD COLUMN facts_told TEXT NOT NULL DEFAULT '';
    """,
    # 2 -> 3: why a sent order needs the merchant's look (a refund in part: what ships is for
    # the merchant to decide), "" when it does not; the window lists the orders that do.
    """
    ALTER TABLE orders ADD COLUMN needs_look TEXT NOT NULL DEFAULT '';
    """,
    # 3 -> 4: every row keyed by its store (one profile, any number of stores).
    KEYED_BY_STORE,
    # 4 -> 5: the orders view's indexes (issue 22), see ``_ORDERS_VIEW_INDEXES``.
    _ORDERS_VIEW_INDEXES,
)

SCHEMA_VERSION = len(_MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the journal to ``SCHEMA_VERSION``; return the version it had before.

    Each step runs in one transaction with the ``user_version`` bump, so a crash mid-migration
    leaves the previous version intact.
    """
    (before,) = conn.execute("PRAGMA user_version").fetchone()
    if before > SCHEMA_VERSION:
        raise RuntimeError(
            f"This journal was written by a newer version of the app (schema {before}); "
            "update the app before opening it."
        )
    stepped = False
    for version in range(before, SCHEMA_VERSION):
        statements = [s.strip() for s in _MIGRATIONS[version].split(";") if s.strip()]
        with conn:
            # Another connection opening the same new journal at the same moment (the window
            # and its reading thread) may have taken this step while this one waited for the
            # write lock: the version read under the lock says.
            conn.execute("BEGIN IMMEDIATE")
            (now,) = conn.execute("PRAGMA user_version").fetchone()
            if now > version:
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            stepped = True
    if stepped:
        # Rebuilt tables leave their old pages free and the schema spread over several: pack
        # the file once, so it is as small, and its first page as whole, as a fresh one.
        conn.execute("VACUUM")
    return int(before)

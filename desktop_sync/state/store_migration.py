"""Schema 4: the journal keyed by store, so one profile feeds any number of stores.

Orders, shipments and cursors gain a ``store`` column, part of each key: two stores may both
have an order ``100``, and each has its own push mark, pull mark and "from now on" start. The
rows an earlier, single-store version wrote are the profile's first store's (``FIRST_STORE``),
moved over as they are, so nothing is sent twice and no shipment is lost. Events gain a
``store`` column too ("" for lines about the whole profile).
"""

from __future__ import annotations

__all__ = ["FIRST_STORE", "KEYED_BY_STORE"]

FIRST_STORE = "1"
"""The store the rows of a single-store journal belong to (``app.stores.FIRST_STORE_ID``)."""

_ORDER_COLUMNS = (
    "store_order_id, order_number, state, orderdesk_order_id, attempts, next_attempt_at, "
    "last_error, store_created_at, store_updated_at, created_at, updated_at, shipped_at, "
    "facts_seen, facts_told, needs_look"
)
_SHIPMENT_COLUMNS = (
    "shipment_id, orderdesk_order_id, store_order_id, order_number, tracking_number, carrier, "
    "tracking_url, shipment_method, lines, kind, state, store_fulfillment_id, attempts, "
    "next_attempt_at, last_error, created_at, updated_at"
)

_STEP = f"""
    CREATE TABLE orders_of_stores (
        store               TEXT NOT NULL,
        store_order_id      TEXT NOT NULL,
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
        updated_at          TEXT NOT NULL,
        shipped_at          TEXT,
        facts_seen          TEXT NOT NULL DEFAULT '',
        facts_told          TEXT NOT NULL DEFAULT '',
        needs_look          TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (store, store_order_id)
    );
    INSERT INTO orders_of_stores (store, {_ORDER_COLUMNS})
        SELECT '{FIRST_STORE}', {_ORDER_COLUMNS} FROM orders;
    DROP TABLE orders;
    ALTER TABLE orders_of_stores RENAME TO orders;
    CREATE INDEX orders_by_state ON orders (store, state, next_attempt_at);
    CREATE INDEX orders_by_number ON orders (store, order_number);
    CREATE INDEX orders_by_orderdesk_id ON orders (store, orderdesk_order_id);
    CREATE INDEX orders_awaiting_shipment ON orders (store, state, shipped_at, store_created_at);

    CREATE TABLE shipments_of_stores (
        store                TEXT NOT NULL,
        shipment_id          TEXT NOT NULL,
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
        updated_at           TEXT NOT NULL,
        PRIMARY KEY (store, shipment_id)
    );
    INSERT INTO shipments_of_stores (store, {_SHIPMENT_COLUMNS})
        SELECT '{FIRST_STORE}', {_SHIPMENT_COLUMNS} FROM shipments;
    DROP TABLE shipments;
    ALTER TABLE shipments_of_stores RENAME TO shipments;
    CREATE INDEX shipments_by_state ON shipments (store, state, next_attempt_at);
    CREATE INDEX shipments_by_orderdesk_order ON shipments (store, orderdesk_order_id);

    CREATE TABLE cursors_of_stores (
        store            TEXT NOT NULL,
        direction        TEXT NOT NULL,
        high_water       TEXT NOT NULL,
        overlap_seconds  INTEGER NOT NULL,
        updated_at       TEXT NOT NULL,
        PRIMARY KEY (store, direction)
    );
    INSERT INTO cursors_of_stores (store, direction, high_water, overlap_seconds, updated_at)
        SELECT '{FIRST_STORE}', direction, high_water, overlap_seconds, updated_at FROM cursors;
    DROP TABLE cursors;
    ALTER TABLE cursors_of_stores RENAME TO cursors;

    ALTER TABLE events ADD COLUMN store TEXT NOT NULL DEFAULT '';
    UPDATE events SET store = '{FIRST_STORE}'
"""

# Written without the layout's spaces: SQLite keeps each table's text in the file's first page
# while it fits, and a journal damaged past that page can still be opened and reported on.
KEYED_BY_STORE = ";\n".join(" ".join(statement.split()) for statement in _STEP.split(";"))
"""The step from schema 3 to 4 (statements separated by ``;``, none inside one)."""

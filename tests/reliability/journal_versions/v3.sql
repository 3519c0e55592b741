-- Schema version 3 (orders.needs_look: why a sent order needs the merchant's look, such as a
-- refund in part, "" when it does not), on top of version 2, with one row of each kind, as a
-- v3 app left it. When schema 4 arrives, add v4.sql.
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
    updated_at          TEXT NOT NULL,
    shipped_at          TEXT
);
CREATE INDEX orders_by_state ON orders (state, next_attempt_at);
CREATE INDEX orders_by_number ON orders (order_number);
CREATE INDEX orders_by_orderdesk_id ON orders (orderdesk_order_id);
CREATE INDEX orders_awaiting_shipment ON orders (state, shipped_at, store_created_at);
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

INSERT INTO orders VALUES ('218', '218', 'sent', '7001', 1, NULL, '',
    '2024-03-05T21:40:11.000000+00:00', '2024-03-05T21:45:00.000000+00:00',
    '2024-03-05T21:46:00.000000+00:00', '2024-03-05T21:46:01.000000+00:00',
    '2024-03-06T10:00:01.000000+00:00');
INSERT INTO orders VALUES ('219', '219', 'failed', NULL, 2, NULL,
    'Order 219 has no customer name or company on its shipping or billing address.',
    '2024-03-05T22:00:00.000000+00:00', '2024-03-05T22:00:00.000000+00:00',
    '2024-03-05T22:01:00.000000+00:00', '2024-03-05T22:02:00.000000+00:00', NULL);
INSERT INTO shipments VALUES ('9001', '7001', '218', '218', '1Z999AA10123456784', 'UPS', '',
    'Ground', '[["1", 2]]', 'fulfil', 'done', '31', 1, NULL, '',
    '2024-03-06T10:00:00.000000+00:00', '2024-03-06T10:00:01.000000+00:00');
INSERT INTO cursors VALUES ('push', '2024-03-06T12:00:00.000000+00:00', 600,
    '2024-03-06T12:00:00.000000+00:00');
INSERT INTO events (time, level, direction, order_number, orderdesk_order_id, message)
    VALUES ('2024-03-05T21:46:01.000000+00:00', 'info', 'orders', '218', '7001',
    'Sent to Order Desk.');
ALTER TABLE orders ADD COLUMN facts_seen TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN facts_told TEXT NOT NULL DEFAULT '';
UPDATE orders SET facts_seen = '{"address": "Pat Doe, 1 Main St, Springfield, US", "cancelled": false, "payment": "paid"}',
    facts_told = '{"address": "Pat Doe, 1 Main St, Springfield, US", "cancelled": false, "payment": "paid"}'
    WHERE store_order_id = '218';
INSERT INTO cursors VALUES ('send_from', '2024-03-06T11:50:00.000000+00:00', 0,
    '2024-03-06T12:00:00.000000+00:00');
ALTER TABLE orders ADD COLUMN needs_look TEXT NOT NULL DEFAULT '';
PRAGMA user_version = 3;

-- Schema version 5 (the orders view's indexes, issue 22: pages newest placed first of every
-- store or one, with the store as the last tiebreak; Needs you's partial indexes of failed and
-- skipped orders and of failed shipments), on top of version 4, as a v5 app left it: v4's rows
-- (the orders view's own tables are made on first use, not by a schema step). When schema 6
-- arrives, add v6.sql.
CREATE TABLE "cursors" (
        store            TEXT NOT NULL,
        direction        TEXT NOT NULL,
        high_water       TEXT NOT NULL,
        overlap_seconds  INTEGER NOT NULL,
        updated_at       TEXT NOT NULL,
        PRIMARY KEY (store, direction)
    );
INSERT INTO "cursors" VALUES('1','push','2024-03-06T12:00:00.000000+00:00',600,'2024-03-06T12:00:00.000000+00:00');
INSERT INTO "cursors" VALUES('1','send_from','2024-03-06T11:50:00.000000+00:00',0,'2024-03-06T12:00:00.000000+00:00');
INSERT INTO "cursors" VALUES('b7','push','2024-03-06T09:30:00.000000+00:00',600,'2024-03-06T09:30:00.000000+00:00');
CREATE TABLE events (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    time                TEXT NOT NULL,
    level               TEXT NOT NULL,
    direction           TEXT NOT NULL,
    order_number        TEXT NOT NULL DEFAULT '',
    orderdesk_order_id  TEXT NOT NULL DEFAULT '',
    message             TEXT NOT NULL
, store TEXT NOT NULL DEFAULT '');
INSERT INTO "events" VALUES(1,'2024-03-05T21:46:01.000000+00:00','info','orders','218','7001','Sent to Order Desk.','1');
CREATE TABLE "orders" (
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
        facts_told          TEXT NOT NULL DEFAULT '', needs_look TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (store, store_order_id)
    );
INSERT INTO "orders" VALUES('1','218','218','sent','7001',1,NULL,'','2024-03-05T21:40:11.000000+00:00','2024-03-05T21:45:00.000000+00:00','2024-03-05T21:46:00.000000+00:00','2024-03-05T21:46:01.000000+00:00','2024-03-06T10:00:01.000000+00:00','{"address": "Pat Doe, 1 Main St, Springfield, US", "cancelled": false, "payment": "paid"}','{"address": "Pat Doe, 1 Main St, Springfield, US", "cancelled": false, "payment": "paid"}','Refunded in part in the store: check what ships.');
INSERT INTO "orders" VALUES('1','219','219','failed',NULL,2,NULL,'Order 219 has no customer name or company on its shipping or billing address.','2024-03-05T22:00:00.000000+00:00','2024-03-05T22:00:00.000000+00:00','2024-03-05T22:01:00.000000+00:00','2024-03-05T22:02:00.000000+00:00',NULL,'','','');
INSERT INTO "orders" VALUES('b7','218','218','pending',NULL,0,NULL,'','2024-03-06T09:00:00.000000+00:00','2024-03-06T09:00:00.000000+00:00','2024-03-06T09:01:00.000000+00:00','2024-03-06T09:01:00.000000+00:00',NULL,'','','');
CREATE TABLE "shipments" (
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
INSERT INTO "shipments" VALUES('1','9001','7001','218','218','1Z999AA10123456784','UPS','','Ground','[["1", 2]]','fulfil','done','31',1,NULL,'','2024-03-06T10:00:00.000000+00:00','2024-03-06T10:00:01.000000+00:00');
CREATE INDEX events_by_level ON events (level, id);
CREATE INDEX orders_by_state ON orders (store, state, next_attempt_at);
CREATE INDEX orders_by_number ON orders (store, order_number);
CREATE INDEX orders_by_orderdesk_id ON orders (store, orderdesk_order_id);
CREATE INDEX orders_awaiting_shipment ON orders (store, state, shipped_at, store_created_at);
CREATE INDEX shipments_by_state ON shipments (store, state, next_attempt_at);
CREATE INDEX shipments_by_orderdesk_order ON shipments (store, orderdesk_order_id);
CREATE INDEX orders_by_placed_in_stores ON orders (store_created_at, store_order_id, store);
CREATE INDEX orders_of_store_by_placed ON orders (store, store_created_at, store_order_id);
CREATE INDEX orders_by_state_placed_in_stores ON orders (state, store_created_at, store_order_id, store);
CREATE INDEX orders_of_store_by_state_placed ON orders (store, state, store_created_at, store_order_id);
CREATE INDEX orders_needing_you ON orders (state, last_error, store_created_at, store_order_id, store, order_number) WHERE state IN ('failed', 'skipped');
CREATE INDEX shipments_failed ON shipments (created_at, shipment_id, store) WHERE state = 'failed';
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('events',1);
PRAGMA user_version = 5;

"""What the orders view shows that the engine's own tables do not keep: each store order's
customer, total, store status and folder, the orders placed before the start (never sent, so
never in ``orders``), the merchant's "Send anyway" and what they dismissed from Needs you.

These tables sit beside the journal's and are created on first use (``CREATE ... IF NOT
EXISTS``), not by a schema step: an older app opening the journal ignores them, and they add
no step that another change to ``state/schema.py`` could collide with. Every write is keyed on
the journal's store id and the store order id (two stores may both have an order 100), so
writing the same facts again changes nothing.
"""

from __future__ import annotations

import enum
import re
import unicodedata
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from desktop_sync.state.journal import Journal
from desktop_sync.state.records import iso, utc_now

__all__ = [
    "SEARCH_TABLE",
    "Hold",
    "OrderFacts",
    "dismiss",
    "ensure_tables",
    "folded",
    "folder_shown",
    "note_before_start",
    "note_folder",
    "note_order",
    "send_anyway",
    "sends_anyway",
]

_TABLES = """
CREATE TABLE IF NOT EXISTS order_facts (
    store            TEXT NOT NULL,
    store_order_id   TEXT NOT NULL,
    platform         TEXT NOT NULL DEFAULT '',
    order_number     TEXT NOT NULL,
    placed           TEXT NOT NULL,
    customer         TEXT NOT NULL DEFAULT '',
    customer_folded  TEXT NOT NULL DEFAULT '',
    total            TEXT NOT NULL DEFAULT '',
    currency         TEXT NOT NULL DEFAULT '',
    store_status     TEXT NOT NULL DEFAULT '',
    hold             TEXT NOT NULL DEFAULT '',
    folder           TEXT NOT NULL DEFAULT '',
    before_start     INTEGER NOT NULL DEFAULT 0,
    send_anyway      INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL, -- when the store's facts were last read
    PRIMARY KEY (store, store_order_id)
);
DROP INDEX IF EXISTS order_facts_before_start;
CREATE INDEX IF NOT EXISTS order_facts_placed_before_start
    ON order_facts (placed, store_order_id, store) WHERE before_start = 1;
CREATE INDEX IF NOT EXISTS order_facts_of_store_placed_before_start
    ON order_facts (store, placed, store_order_id) WHERE before_start = 1;
CREATE INDEX IF NOT EXISTS order_facts_by_customer
    ON order_facts (customer_folded, store, store_order_id);
CREATE TABLE IF NOT EXISTS needs_you_dismissed (
    key         TEXT PRIMARY KEY,
    dismissed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_facts_hold ON order_facts (store, store_order_id, hold);
CREATE INDEX IF NOT EXISTS shipments_by_store_order ON shipments (store_order_id, state);
CREATE INDEX IF NOT EXISTS shipments_done_by_time ON shipments (state, updated_at);
CREATE INDEX IF NOT EXISTS events_by_time ON events (time);
CREATE INDEX IF NOT EXISTS events_by_order ON events (order_number, id);
CREATE INDEX IF NOT EXISTS shipments_by_tracking ON shipments (tracking_number, store_order_id)
"""

# The orders view's search: every order's number, customer and tracking numbers in a trigram
# index (any part of three letters or more is found without reading every order), kept by
# triggers so the engine's own writes (the pull's shipments) feed it too.
_SEARCH = SEARCH_TABLE = "order_search"
_SEARCH_TABLE = (
    f"CREATE VIRTUAL TABLE {_SEARCH} USING fts5(store UNINDEXED, store_order_id UNINDEXED, "
    "words, tokenize='trigram')"
)
_SEARCH_FILL = (
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) SELECT store, store_order_id, "
    "order_number FROM orders",
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) SELECT store, store_order_id, "
    "order_number || ' ' || customer FROM order_facts",
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) SELECT store, store_order_id, "
    "tracking_number FROM shipments",
)
_SEARCH_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {_SEARCH}_number AFTER INSERT ON orders BEGIN "
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) VALUES (new.store, "
    "new.store_order_id, new.order_number); END",
    f"CREATE TRIGGER IF NOT EXISTS {_SEARCH}_customer AFTER INSERT ON order_facts BEGIN "
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) VALUES (new.store, "
    "new.store_order_id, new.order_number || ' ' || new.customer); END",
    f"CREATE TRIGGER IF NOT EXISTS {_SEARCH}_customer_changed AFTER UPDATE OF customer ON "
    f"order_facts WHEN new.customer != old.customer BEGIN INSERT INTO {_SEARCH} "
    "(store, store_order_id, words) VALUES (new.store, new.store_order_id, new.customer); END",
    f"CREATE TRIGGER IF NOT EXISTS {_SEARCH}_tracking AFTER INSERT ON shipments BEGIN "
    f"INSERT INTO {_SEARCH} (store, store_order_id, words) VALUES (new.store, "
    "new.store_order_id, new.tracking_number); END",
    f"CREATE TRIGGER IF NOT EXISTS {_SEARCH}_tracking_changed AFTER UPDATE OF tracking_number "
    f"ON shipments WHEN new.tracking_number != old.tracking_number BEGIN INSERT INTO {_SEARCH} "
    "(store, store_order_id, words) VALUES (new.store, new.store_order_id, "
    "new.tracking_number); END",
)
# What the build before stores kept (never released): order facts keyed by the store order id
# alone and a search index without the store. Dropped and built anew, the facts come back as the
# pull sees each order again.
_SINGLE_STORE = (
    "DROP TABLE IF EXISTS order_facts",
    f"DROP TABLE IF EXISTS {_SEARCH}",
    *(
        f"DROP TRIGGER IF EXISTS {_SEARCH}_{name}"
        for name in ("number", "customer", "customer_changed", "tracking", "tracking_changed")
    ),
)

_ready: weakref.WeakSet[Journal] = weakref.WeakSet()


class Hold(enum.StrEnum):
    """Why an order seen in the store is not (yet) in Order Desk; "" when nothing holds it."""

    NONE = ""
    STATUS = "status"
    """Its store status is not one the merchant sends (Settings)."""
    CANCELLED = "cancelled"
    PAYMENT = "payment"
    """Declined, refunded in full or voided."""
    BEFORE_START = "before_start"
    """Placed before the app started sending orders."""


@dataclass(frozen=True)
class OrderFacts:
    """One store order as the merchant knows it."""

    store_order_id: str
    order_number: str
    placed: datetime
    platform: str = ""
    customer: str = ""
    total: str = ""
    currency: str = ""
    store_status: str = ""
    hold: Hold = Hold.NONE


def folded(text: str) -> str:
    """``text`` as searches compare it: composed and case folded ("MÜLLER" finds "müller")."""
    return unicodedata.normalize("NFC", text).casefold()


# What the push writes of the folder an order went to: its id ("21654"), or the name chosen
# with the id after it ("New (21654)"), or a name alone.
_NAME_AND_ID = re.compile(r"^(?P<name>.*\S)\s+\((?P<id>\d+)\)$")


def folder_shown(written: str, names: Mapping[int, str]) -> tuple[str, int | None]:
    """The folder an order went to as the merchant reads it, and its Order Desk id when
    known: "21654" is "New" when Order Desk's folder list (``names``, as last read) says so;
    the name in Order Desk's list wins over a name written before (a folder renamed since)."""
    text = written.strip()
    folder_id: int | None = None
    name = text
    if text.isdigit():
        folder_id, name = int(text), text
    else:
        both = _NAME_AND_ID.match(text)
        if both is not None:
            folder_id, name = int(both["id"]), both["name"]
    if folder_id is not None:
        name = names.get(folder_id, name)
    return name, folder_id


def ensure_tables(journal: Journal) -> None:
    """Create the tables and indexes once per open journal (cheap when they exist)."""
    if journal in _ready:
        return
    with journal.write() as conn:
        keys = [r[1] for r in conn.execute("PRAGMA table_info(order_facts)") if r[5]]
        if keys and keys != ["store", "store_order_id"]:
            for statement in _SINGLE_STORE:
                conn.execute(statement)
        for statement in (s.strip() for s in _TABLES.split(";")):
            if statement:
                conn.execute(statement)
        known = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_SEARCH,)
        ).fetchone()
        if known is None:  # new here: take in what the journal already holds
            conn.execute(_SEARCH_TABLE)
            for statement in _SEARCH_FILL:
                conn.execute(statement)
        for statement in _SEARCH_TRIGGERS:
            conn.execute(statement)
    _ready.add(journal)


def note_order(journal: Journal, facts: OrderFacts) -> None:
    """Remember what the store said of an order (each time it is seen)."""
    _upsert(journal, facts, before_start=False)


def note_before_start(journal: Journal, facts: OrderFacts) -> bool:
    """Remember an order placed before the start; True the first time (so the log says it
    once, not at every restart)."""
    ensure_tables(journal)
    known = journal.read(
        "SELECT before_start FROM order_facts WHERE store = ? AND store_order_id = ?",
        (journal.store, facts.store_order_id),
    )
    _upsert(journal, facts, before_start=True)
    return not known or not known[0][0]


def _upsert(journal: Journal, facts: OrderFacts, *, before_start: bool) -> None:
    ensure_tables(journal)
    with journal.write() as conn:
        conn.execute(
            "INSERT INTO order_facts (store, store_order_id, platform, order_number, placed, "
            "customer, customer_folded, total, currency, store_status, hold, before_start, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (store, store_order_id) DO UPDATE SET "
            "platform = excluded.platform, order_number = excluded.order_number, "
            "placed = excluded.placed, customer = excluded.customer, "
            "customer_folded = excluded.customer_folded, total = excluded.total, "
            "currency = excluded.currency, store_status = excluded.store_status, "
            "hold = excluded.hold, before_start = excluded.before_start, "
            "updated_at = excluded.updated_at",
            (
                journal.store,
                facts.store_order_id,
                facts.platform,
                facts.order_number,
                iso(facts.placed),
                facts.customer,
                folded(facts.customer),
                facts.total,
                facts.currency,
                facts.store_status,
                facts.hold.value,
                int(before_start),
                iso(utc_now()),
            ),
        )


def note_folder(journal: Journal, store_order_id: str, folder: str) -> None:
    """The Order Desk folder the order was sent to (its id, or the name chosen)."""
    ensure_tables(journal)
    with journal.write() as conn:
        conn.execute(
            "UPDATE order_facts SET folder = ? WHERE store = ? AND store_order_id = ?",
            (folder, journal.store, store_order_id),
        )


def send_anyway(journal: Journal, store_order_id: str) -> None:
    """The merchant asked for this one order to be sent whatever its store status (never
    when cancelled or unpaid) and whenever it was placed."""
    ensure_tables(journal)
    with journal.write() as conn:
        conn.execute(
            "UPDATE order_facts SET send_anyway = 1, before_start = 0 "
            "WHERE store = ? AND store_order_id = ?",
            (journal.store, store_order_id),
        )


def sends_anyway(journal: Journal, store_order_id: str) -> bool:
    ensure_tables(journal)
    rows = journal.read(
        "SELECT send_anyway FROM order_facts WHERE store = ? AND store_order_id = ?",
        (journal.store, store_order_id),
    )
    return bool(rows and rows[0][0])


def dismiss(journal: Journal, key: str) -> None:
    """Needs you no longer lists the row with ``key`` (see ``orders_view.NeedsYouRow``)."""
    ensure_tables(journal)
    with journal.write() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO needs_you_dismissed (key, dismissed_at) VALUES (?, ?)",
            (key, iso(utc_now())),
        )

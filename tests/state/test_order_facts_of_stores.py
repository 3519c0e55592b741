"""The orders view's facts keyed by store: two stores' orders 100 each keep their own, and a
journal with the single-store build's table (never released) gets the keyed one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import OrderFacts, note_order, send_anyway, sends_anyway
from desktop_sync.state.orders_view import OrdersQuery, orders_page

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

_SINGLE_STORE_BUILD = (
    "CREATE TABLE order_facts (store_order_id TEXT PRIMARY KEY, store TEXT NOT NULL DEFAULT '', "
    "platform TEXT NOT NULL DEFAULT '', order_number TEXT NOT NULL, placed TEXT NOT NULL, "
    "customer TEXT NOT NULL DEFAULT '', customer_folded TEXT NOT NULL DEFAULT '', "
    "total TEXT NOT NULL DEFAULT '', currency TEXT NOT NULL DEFAULT '', "
    "store_status TEXT NOT NULL DEFAULT '', hold TEXT NOT NULL DEFAULT '', "
    "folder TEXT NOT NULL DEFAULT '', before_start INTEGER NOT NULL DEFAULT 0, "
    "send_anyway INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE order_search USING fts5(store_order_id UNINDEXED, words, "
    "tokenize='trigram')",
    "CREATE TRIGGER order_search_number AFTER INSERT ON orders BEGIN INSERT INTO order_search "
    "(store_order_id, words) VALUES (new.store_order_id, new.order_number); END",
)


def _two_orders_100(journal: Journal) -> None:
    for store, customer in (("1", "Ann Lee"), ("b7", "Bo Chen")):
        mine = journal.for_store(store)
        mine.record_order_seen("100", "100", T0, T0)
        note_order(mine, OrderFacts("100", "100", T0, customer=customer))


def test_a_single_store_builds_facts_table_is_made_anew_keyed_by_store(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as conn:
        for statement in _SINGLE_STORE_BUILD:
            conn.execute(statement)
    with Journal(path) as journal:
        _two_orders_100(journal)
        rows = orders_page(journal, OrdersQuery(), 10)
        assert sorted((r.store, r.customer) for r in rows) == [("1", "Ann Lee"), ("b7", "Bo Chen")]
        found = orders_page(journal, OrdersQuery(text="Chen"), 10)
        assert [(r.store, r.customer) for r in found] == [("b7", "Bo Chen")]


def test_send_anyway_is_the_one_stores_order(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _two_orders_100(journal)
        send_anyway(journal.for_store("b7"), "100")
        assert sends_anyway(journal.for_store("b7"), "100")
        assert not sends_anyway(journal.for_store("1"), "100")

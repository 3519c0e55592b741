"""A journal as the first release (schema 1) left it, built from one a current engine wrote:
the tests of what an upgrade must keep (tests/reliability/journal_versions has the schema)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from desktop_sync.state.records import iso

__all__ = ["first_release_journal"]

VERSIONS = Path(__file__).parents[1] / "reliability" / "journal_versions"
V1_ORDER_COLUMNS = (
    "store_order_id, order_number, state, orderdesk_order_id, attempts, next_attempt_at, "
    "last_error, store_created_at, store_updated_at, created_at, updated_at"
)
V1_EVENT_COLUMNS = "id, time, level, direction, order_number, orderdesk_order_id, message"
V1_CURSOR_COLUMNS = "direction, high_water, overlap_seconds, updated_at"


def first_release_journal(sent: Path, old: Path, *, push_mark: datetime | None = None) -> None:
    """Write at ``old`` a schema-1 journal holding the orders, log and push mark of ``sent``
    (``push_mark`` instead, where its last scan ended), and no start of sending: the first
    release had none."""
    ddl = (VERSIONS / "v1.sql").read_text(encoding="utf-8").split("\nINSERT", 1)[0]
    conn = sqlite3.connect(old)
    try:
        conn.executescript(ddl)
        conn.execute("ATTACH DATABASE ? AS sent", (str(sent),))
        conn.execute(
            f"INSERT INTO orders ({V1_ORDER_COLUMNS}) SELECT {V1_ORDER_COLUMNS} FROM sent.orders"
        )
        conn.execute(
            f"INSERT INTO events ({V1_EVENT_COLUMNS}) SELECT {V1_EVENT_COLUMNS} FROM sent.events"
        )
        conn.execute(
            f"INSERT INTO cursors ({V1_CURSOR_COLUMNS}) "
            f"SELECT {V1_CURSOR_COLUMNS} FROM sent.cursors WHERE direction = 'push'"
        )
        if push_mark is not None:
            conn.execute("UPDATE cursors SET high_water = ?", (iso(push_mark),))
        conn.commit()
        conn.execute("DETACH DATABASE sent")
        conn.execute("PRAGMA user_version = 1")
    finally:
        conn.close()

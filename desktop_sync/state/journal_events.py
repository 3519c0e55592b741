"""The journal's event log: the lines the merchant reads, for every store."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from desktop_sync.state.journal_part import JournalPart
from desktop_sync.state.records import EventRow, event_from, iso

_CONTAINS = "ds_contains_folded"
"""The SQL function the log's text filter uses: ``ds_contains_folded(text, needle)``."""


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _contains_folded(haystack: object, needle: object) -> int:
    """1 when ``needle`` (already folded) is in ``haystack`` with case folded, else 0."""
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return 0
    return int(needle in _folded(haystack))


def add_text_search(conn: sqlite3.Connection) -> None:
    """Give ``conn`` the SQL function the log's text filter uses."""
    conn.create_function(_CONTAINS, 2, _contains_folded, deterministic=True)


class JournalEvents(JournalPart):
    """The log: appended to, read a page at a time, tailed live."""

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
            "SELECT id, time, level, direction, order_number, orderdesk_order_id, message, store "
            f"FROM events{where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [event_from(r) for r in rows]

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]:
        """Events newer than ``event_id``, oldest first (for live tails)."""
        rows = self._query(
            "SELECT id, time, level, direction, order_number, orderdesk_order_id, message, store "
            "FROM events WHERE id > ? ORDER BY id LIMIT ?",
            (event_id, limit),
        )
        return [event_from(r) for r in rows]

    def last_event_id(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(id), 0) FROM events")[0][0])

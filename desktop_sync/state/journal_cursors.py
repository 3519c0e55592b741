"""The journal's cursors: how far each direction has read, and where sending starts."""

from __future__ import annotations

from datetime import datetime

from desktop_sync.state.journal_part import JournalPart
from desktop_sync.state.records import iso, parse_time, utc_now
from desktop_sync.state.states import Cursor


class JournalCursors(JournalPart):
    """The high-water marks, moved forward by scans and back by a backfill."""

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

"""The sync log's reads, as the window's log view, its CSV export and the dashboard make them:
part of the facade (``app.facade.DesktopSync``), on the profile's journal."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import datetime

from desktop_sync.app.facade_core import FacadeCore
from desktop_sync.app.paths import journal_path
from desktop_sync.engine.events import Level
from desktop_sync.state.journal import Journal
from desktop_sync.state.records import EventRow

__all__ = ["SyncLogReads"]

_SENT = "Sent to Order Desk."
"""The push's log line for an order sent (engine/push.py), which ``last_sent`` looks for."""


class SyncLogReads(FacadeCore):
    """The log of every store of the profile, newest first, read through the facade."""

    def events_page(
        self,
        offset: int,
        limit: int,
        text: str = "",
        levels: Sequence[str] = (),
        *,
        max_id: int | None = None,
    ) -> list[EventRow]:
        """One page of the sync log, newest first, filtered as the window's log filters it;
        ``max_id`` pins a snapshot so pages stay stable while rows are appended."""
        return self.journal.events_page(offset, limit, text, levels, max_id=max_id)

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]:
        """Events newer than ``event_id``, oldest first (the log's live tail)."""
        return self.journal.events_after(event_id, limit)

    def last_event_id(self) -> int:
        """The newest event's id, 0 for an empty log."""
        return self.journal.last_event_id()

    def last_sent(self) -> datetime | None:
        """When the newest order went to Order Desk, from the log (so it survives a restart)."""
        rows = self.journal.events_page(0, 1, _SENT, (Level.INFO,))
        return rows[0].time if rows else None

    def last_tracking_sent(self) -> datetime | None:
        """When tracking last reached a store, from the journal (so it survives a restart)."""
        return self.journal.last_shipment_done()

    def events_matching(
        self, text: str = "", levels: Sequence[str] = (), *, page: int = 5000
    ) -> Generator[EventRow, None, None]:
        """Every event matching a filter, newest first, as the log stood at the first read.

        Read a page at a time on a journal connection of its own, opened by the thread that
        iterates (the window's CSV export runs on a worker) and closed when the iteration
        ends or is closed. ``JournalError`` when the journal cannot be opened.
        """
        with Journal(journal_path(self._env)) as journal:
            max_id = journal.last_event_id()
            while max_id > 0:
                rows = journal.events_page(0, page, text, levels, max_id=max_id)
                yield from rows
                if len(rows) < page:
                    return
                max_id = rows[-1].id - 1

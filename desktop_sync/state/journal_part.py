"""What every part of the journal uses of its core (``state.journal.Journal``).

The parts (orders, shipments, cursors, the log) are mixins of ``Journal``; the connection, its
one-transaction writes and its reads are the core's. ``JournalPart`` is the protocol of that
host, so each part type-checks on its own and ``Journal`` must supply every member.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

__all__ = ["JournalPart"]


class JournalPart(Protocol):
    """A part of the journal: reads and writes the rows of ``store`` through the core."""

    store: str
    """The store whose rows this journal reads and writes (events: every store's)."""

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction; errors become ``JournalError``."""
        ...

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """One read; errors become ``JournalError``."""
        ...

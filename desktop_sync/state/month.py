"""The month at a glance: orders sent to Order Desk and shipments sent back to the store per
day (this computer's days), store by store.

Orders sent are counted from the push's log lines: each store's engine writes them with its
store (the events' ``store`` column, schema 4; a single-store journal's lines became the first
store's), one per order it sent (``SENT_LINE``, or ``FOUND_AFTER_INTERRUPTION`` when the
answer to the send was lost). Shipments are the store-keyed shipments sent back, by the
time they were. Both are counted in SQLite, a row per store and day, so a busy month costs the
reader a few dozen rows, not one per order; the sent lines have an index of their own (made on
first use, as ``order_facts`` makes its own), so the count reads them alone, not every line of
the month.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import ensure_tables
from desktop_sync.state.records import iso
from desktop_sync.state.states import ShipmentState

__all__ = ["FOUND_AFTER_INTERRUPTION", "SENT_LINE", "DayTally", "Month", "StoreDay", "per_day"]

SENT_LINE = "Sent to Order Desk."
"""The push's log line for an order sent (engine/push.py)."""
FOUND_AFTER_INTERRUPTION = "Not sent again: found in Order Desk after an interrupted send."
"""The push's line for an order whose send reached Order Desk but whose answer was lost: it
was sent from here, that once (the line for an order already in Order Desk, sent by another
computer or an earlier install, is not counted)."""


@dataclass(frozen=True)
class StoreDay:
    """One store's part of a day."""

    store: str
    """The journal's store id (the facade puts the merchant's name for it)."""
    sent: int = 0
    shipped: int = 0


@dataclass(frozen=True)
class DayTally:
    day: date
    """A day on this computer's calendar."""
    sent: int
    """Every store's."""
    shipped: int
    stores: tuple[StoreDay, ...] = ()
    """Each store's part, one per ``Month.stores`` in that order (a store with nothing that
    day too)."""


@dataclass(frozen=True)
class Month:
    days: tuple[DayTally, ...] = ()
    """Oldest first, the last one today."""
    stores: tuple[str, ...] = ()
    """A series each: the stores asked for, then any other that sent or shipped this month
    (one since removed from the profile)."""

    def named(self, names: Mapping[str, str]) -> Month:
        """The same month with each store id that ``names`` knows as its name."""

        def name(store: str) -> str:
            return names.get(store, store)

        return Month(
            tuple(
                replace(d, stores=tuple(replace(s, store=name(s.store)) for s in d.stores))
                for d in self.days
            ),
            tuple(name(s) for s in self.stores),
        )


_SENT_INDEX = "events_sent_lines_by_time"
# The lines as literals, not parameters: SQLite uses a partial index only for a query whose
# WHERE says what the index's does. Grouped by day first: grouped by store first, SQLite
# would rather walk an index that starts with the store than the one by time.
_SENT_WHERE = "message IN ({})".format(
    ", ".join("'" + line.replace("'", "''") + "'" for line in (SENT_LINE, FOUND_AFTER_INTERRUPTION))
)
# The message in it too, so the count reads the index alone (SQLite checks the WHERE on it).
_SENT_INDEX_MADE = (
    f"CREATE INDEX IF NOT EXISTS {_SENT_INDEX} ON events (time, store, message) WHERE {_SENT_WHERE}"
)
_SENT = (
    "SELECT store, date(time, 'localtime'), COUNT(*) FROM events "
    f"WHERE {_SENT_WHERE} AND time >= ? GROUP BY 2, 1"
)
_SHIPPED = (
    "SELECT store, date(updated_at, 'localtime'), COUNT(*) FROM shipments "
    "WHERE state = ? AND updated_at >= ? GROUP BY 2, 1"
)
_indexed: weakref.WeakSet[Journal] = weakref.WeakSet()


def _ensure_index(journal: Journal) -> None:
    """The sent lines' index, made once per journal file (it reads the whole log once); each
    connection after that only looks for it."""
    if journal in _indexed:
        return
    known = journal.read(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (_SENT_INDEX,)
    )
    if not known:
        with journal.write() as conn:
            conn.execute(_SENT_INDEX_MADE)
    _indexed.add(journal)


def per_day(journal: Journal, now: datetime, days: int = 30, stores: Sequence[str] = ()) -> Month:
    """The ``days`` days up to ``now``'s day, each with every store's part (``stores`` first,
    in that order)."""
    ensure_tables(journal)  # its index of the shipments by time
    _ensure_index(journal)
    today = now.astimezone().date()
    first = today - timedelta(days=days - 1)
    start = iso(datetime.combine(first, datetime.min.time()).astimezone())
    sent = _tally(journal.read(_SENT, (start,)))
    shipped = _tally(journal.read(_SHIPPED, (ShipmentState.DONE.value, start)))
    seen = sorted({store for store, _ in (*sent, *shipped)} - set(stores))
    series = (*dict.fromkeys(stores), *seen)
    tallies = []
    for day in (first + timedelta(days=i) for i in range(days)):
        parts = tuple(StoreDay(s, sent.get((s, day), 0), shipped.get((s, day), 0)) for s in series)
        tallies.append(
            DayTally(day, sum(p.sent for p in parts), sum(p.shipped for p in parts), parts)
        )
    return Month(tuple(tallies), series)


def _tally(rows: Iterable[Sequence[object]]) -> dict[tuple[str, date], int]:
    return {
        (str(store), date.fromisoformat(day)): int(str(n))
        for store, day, n in rows
        if isinstance(day, str)  # NULL: a time SQLite could not read
    }

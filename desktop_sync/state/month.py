"""The month at a glance: orders sent to Order Desk and shipments sent back to the store per
day (local days), read from the journal's log and shipments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop_sync.state.journal import Journal
from desktop_sync.state.order_facts import ensure_tables
from desktop_sync.state.records import iso, parse_time
from desktop_sync.state.states import ShipmentState

__all__ = ["SENT_LINE", "DayTally", "per_day"]

SENT_LINE = "Sent to Order Desk."
"""The push's log line for an order sent (engine/push.py)."""


@dataclass(frozen=True)
class DayTally:
    day: date
    """A day on this computer's calendar."""
    sent: int
    shipped: int


def per_day(journal: Journal, now: datetime, days: int = 30) -> list[DayTally]:
    """One tally per day for the ``days`` days up to ``now``'s day, oldest first."""
    ensure_tables(journal)
    today = now.astimezone().date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time()).astimezone()
    sent = _by_day(
        journal.read(
            "SELECT time FROM events WHERE time >= ? AND message = ?", (iso(start), SENT_LINE)
        )
    )
    shipped = _by_day(
        journal.read(
            "SELECT updated_at FROM shipments WHERE state = ? AND updated_at >= ?",
            (ShipmentState.DONE.value, iso(start)),
        )
    )
    return [
        DayTally(day, sent[day], shipped[day])
        for day in (first + timedelta(days=i) for i in range(days))
    ]


def _by_day(rows: Sequence[Sequence[object]]) -> Counter[date]:
    tally: Counter[date] = Counter()
    for row in rows:
        moment = parse_time(str(row[0]))
        if moment is not None:
            tally[moment.astimezone().date()] += 1
    return tally

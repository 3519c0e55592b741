"""What the push and the pull share: the journal, the log, the clock, the stop flag, and the
small slice of the Order Desk client the engine uses (a protocol, so tests can stand in)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from desktop_sync.connectors.orderdesk.models import NewOrder, Order, StoreInfo
from desktop_sync.connectors.retry import Backoff
from desktop_sync.engine.events import Direction, EventSink, Level, Progress, SyncEvent
from desktop_sync.state.journal import Cursor, Journal

__all__ = ["EngineContext", "OrderDeskApi", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class OrderDeskApi(Protocol):
    """The Order Desk calls the engine makes (``OrderDeskClient`` provides them)."""

    def store(self) -> StoreInfo: ...

    def create_order(self, order: NewOrder) -> Order: ...

    def get_order(self, order_id: str) -> Order: ...

    def find_orders(self, source_id: str, source_name: str | None = None) -> list[Order]: ...

    def iter_orders(self, **filters: Any) -> Iterator[Order]: ...


# A failed attempt is retried after 30 s, 1 min, 2 min, ... up to an hour, jittered so two PCs
# do not retry in step.
RETRY_SCHEDULE = Backoff(base=60.0, cap=3600.0, floor=30.0)


@dataclass
class EngineContext:
    journal: Journal
    sink: EventSink | None = None
    clock: Callable[[], datetime] = utc_now
    stop: threading.Event = field(default_factory=threading.Event)
    retry_schedule: Backoff = RETRY_SCHEDULE
    store_key: str = ""
    """Which store this is (``engine.identity.store_key_of``): part of every Order Desk match."""

    def now(self) -> datetime:
        return self.clock()

    def next_attempt(self, attempts: int) -> datetime:
        return self.now() + timedelta(seconds=self.retry_schedule.delay(max(1, attempts)))

    def scan_window(
        self, cursor: Cursor, overlap: timedelta, start_at: datetime
    ) -> tuple[datetime, datetime]:
        """(since, until) of the next scan: the high-water mark minus the overlap, up to now.

        On the first run the start (the moment of connection, or a backfill date) is written as
        the mark before anything is scanned, so a restart before the first full scan still
        starts there and nothing in between is missed. The caller moves the mark to ``until``
        once the whole window is recorded.
        """
        mark = self.journal.get_cursor(cursor)
        if mark is None:
            self.journal.set_cursor(cursor, start_at, 0)
            return start_at, self.now()
        return mark - overlap, self.now()

    def emit(
        self,
        level: Level,
        direction: Direction,
        message: str,
        *,
        order_number: str = "",
        orderdesk_order_id: str = "",
    ) -> None:
        """Write one log line to the journal, then tell the driver."""
        event = SyncEvent(self.now(), level, direction, message, order_number, orderdesk_order_id)
        self.journal.add_event(
            event.time, level.value, direction.value, message, order_number, orderdesk_order_id
        )
        if self.sink is not None:
            self.sink(event)

    def progress(self, direction: Direction, done: int, total: int) -> None:
        if self.sink is not None:
            self.sink(Progress(direction, done, total))

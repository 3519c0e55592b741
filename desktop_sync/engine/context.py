"""What the push and the pull share: the journal, the log, the clocks (the PC's, and the
servers' as Order Desk last told it), the stop flag, and the small slice of the Order Desk client
the engine uses (a protocol, so tests can stand in)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from desktop_sync.connectors.errors import RateLimited
from desktop_sync.connectors.orderdesk.models import NewOrder, Order, StoreInfo
from desktop_sync.connectors.retry import Backoff
from desktop_sync.engine.events import Direction, EventSink, Level, Progress, Stage, SyncEvent
from desktop_sync.engine.identity import ThisComputer, belongs_to
from desktop_sync.state.journal import Cursor, Journal

__all__ = ["EngineContext", "OrderDeskApi", "ServerClock", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


class OrderDeskApi(Protocol):
    """The Order Desk calls the engine makes (``OrderDeskClient`` provides them)."""

    def test(self) -> datetime: ...

    def store(self) -> StoreInfo: ...

    def create_order(self, order: NewOrder) -> Order: ...

    def get_order(self, order_id: str) -> Order: ...

    def find_orders(self, source_id: str, source_name: str | None = None) -> list[Order]: ...

    def iter_orders(
        self, *, source_name: str | None = None, search_start_date: datetime | None = None
    ) -> Iterator[Order]: ...

    def add_history_note(self, order_id: str, note: str, source_name: str = "") -> None: ...

    def move_orders(
        self,
        order_ids: Iterable[str],
        *,
        folder_id: int | None = None,
        folder_name: str | None = None,
    ) -> None: ...


# A failed attempt is retried after 30 s, 1 min, 2 min, ... up to an hour, jittered so two PCs
# do not retry in step.
RETRY_SCHEDULE = Backoff(base=60.0, cap=3600.0, floor=30.0)


class ServerClock:
    """The servers' time: Order Desk's clock as last read, carried forward on this computer's
    monotonic clock, which a change of the PC's wall clock does not move."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._read: tuple[datetime, float] | None = None

    def observe(self, server_time: datetime) -> None:
        # The server stamped its answer before we got it: carried forward from here, the
        # estimate runs a little behind the server, the safe side for a high-water mark.
        self._read = (server_time, self._monotonic())

    def now(self) -> datetime | None:
        if self._read is None:
            return None
        server_time, at = self._read
        return server_time + timedelta(seconds=max(0.0, self._monotonic() - at))


@dataclass
class EngineContext:
    journal: Journal
    sink: EventSink | None = None
    clock: Callable[[], datetime] = utc_now
    stop: threading.Event = field(default_factory=threading.Event)
    retry_schedule: Backoff = RETRY_SCHEDULE
    store_key: str = ""
    """Which store this is (``engine.whose_store``), written with every order sent: part of
    every Order Desk match."""
    former_keys: frozenset[str] = frozenset()
    """Other keys of this store, matched as its own (what earlier versions wrote: the typed
    address; the address a moved WooCommerce site had)."""
    this_computer: ThisComputer = field(default_factory=ThisComputer)
    """The installation sending (one profile on one computer), named in every order sent."""
    held: str = ""
    """Why nothing more is synced for this store until the merchant chooses ("" when it
    syncs): another computer was found sending its orders (``engine.whose_store``)."""
    source_name: str = ""
    """The Order Desk source name of this store's orders ("": its platform's)."""
    server_clock: ServerClock = field(default_factory=ServerClock)

    def now(self) -> datetime:
        return self.clock()

    def ours(self, order: Order, source_name: str) -> bool:
        """This store sent ``order`` (``engine.identity.belongs_to``, under any of its keys)."""
        return belongs_to(
            order, store_key=self.store_key, source_name=source_name, former=self.former_keys
        )

    def server_now(self) -> datetime:
        """The servers' time where Order Desk has told it, else this computer's."""
        return self.server_clock.now() or self.now()

    def clock_offset(self) -> timedelta | None:
        """How far this computer's clock is ahead of Order Desk's (None until read)."""
        server = self.server_clock.now()
        return None if server is None else self.now() - server

    def next_attempt(self, attempts: int) -> datetime:
        return self.now() + timedelta(seconds=self.retry_schedule.delay(max(1, attempts)))

    def after_rate_limit(self, exc: RateLimited) -> datetime:
        """When a request a rate limit refused may be made again: once the wait the server
        asked for is over (a rate limit is no failure of the order or shipment, so it does
        not grow the retry schedule)."""
        return self.now() + timedelta(seconds=max(0.0, exc.retry_after))

    def mark_or_start(self, cursor: Cursor, start_at: datetime) -> tuple[datetime, bool]:
        """The cursor's mark, no later than the servers' now, and whether this is the first
        run (the start, no later than the servers' now, is then written as the mark).

        On the first run the start (the moment of connection, or a backfill date) is written as
        the mark before anything is scanned, so a restart before the first full scan still
        starts there and nothing in between is missed.

        Marks are in the servers' time, never the PC's: a PC clock that runs fast would move a
        mark past what the store has indexed, and what is changed in between would never be
        scanned. A start or a mark ahead of the servers' time (a fast clock at connection, or
        an earlier version) is brought back to it.
        """
        until = self.server_now()
        mark = self.journal.get_cursor(cursor)
        if mark is None:
            # Whole seconds: stores stamp orders to the second, and an order placed in the
            # start's own second was placed after connecting.
            start = min(start_at, until).replace(microsecond=0)
            self.journal.set_cursor(cursor, start, 0)
            return start, True
        return min(mark, until), False

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

    def progress(
        self, direction: Direction, done: int, total: int, stage: Stage = Stage.SENDING
    ) -> None:
        if self.sink is not None:
            counts = self.journal.counts() if stage is Stage.SENDING else None
            self.sink(Progress(direction, done, total, stage, counts))

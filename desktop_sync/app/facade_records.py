"""What the facade (``app.facade.DesktopSync``) gives its drivers besides the engine: the
status, a backfill's outcome, and the reads the window's dashboard and log make."""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from desktop_sync.app.order_services import OrdersReader
from desktop_sync.app.store_results import StoreBackfill, StoreStatus
from desktop_sync.engine.events import Failure
from desktop_sync.state.records import EventRow, JournalCounts, OrderRow, ShipmentRow

__all__ = ["Backfill", "JournalReader", "Status"]

Read = TypeVar("Read")


class JournalReader(OrdersReader, Protocol):
    """The reads the window's dashboard and sync log make, all through the facade (which
    offers them): the widgets never hold the journal itself."""

    def counts(self) -> JournalCounts: ...

    def read_apart(self, read: Callable[[Any], Read]) -> Read: ...

    def failures(self) -> tuple[tuple[OrderRow, ...], tuple[ShipmentRow, ...]]: ...

    def last_sent(self) -> datetime | None: ...

    def last_tracking_sent(self) -> datetime | None: ...

    def events_page(
        self,
        offset: int,
        limit: int,
        text: str = "",
        levels: Sequence[str] = (),
        *,
        max_id: int | None = None,
    ) -> list[EventRow]: ...

    def events_after(self, event_id: int, limit: int = 1000) -> list[EventRow]: ...

    def last_event_id(self) -> int: ...

    def events_matching(
        self, text: str = "", levels: Sequence[str] = ()
    ) -> Generator[EventRow, None, None]: ...


@dataclass(frozen=True)
class Status:
    """What has been sent, what waits, what failed: the journal's view, no connection needed."""

    counts: JournalCounts
    failed_orders: tuple[OrderRow, ...]
    failed_shipments: tuple[ShipmentRow, ...]
    orders_checked_until: datetime | None
    shipments_checked_until: datetime | None
    last_event: str | None
    attention: tuple[Failure, ...] = ()
    """Orders that need the merchant though nothing failed (cancelled after they shipped),
    as the last cycles found them (``CycleResult.attention``)."""
    clock_message: str = ""
    """The sentence about this PC's clock when the last reading found it off, else ""."""
    held: tuple[str, ...] = ()
    """Stores whose syncing waits for the merchant's choice: "<store>: <sentence>"."""
    stores: tuple[StoreStatus, ...] = ()
    """Each store's part (the fields above add them up; a mark is the earliest store's)."""
    paused: bool = False
    """Every store is paused (the window's Pause, or ``store pause``), kept until resumed."""


@dataclass(frozen=True)
class Backfill:
    """What a backfill did: the date asked for, where the order scan starts now (the earliest
    store's), and whether that moved for any store (it never moves later: a backfill only
    ever reaches further back); and each store's."""

    since: datetime
    starts_at: datetime
    moved: bool
    stores: tuple[StoreBackfill, ...] = ()

"""What the engine tells its driver (GUI, CLI, tests): plain dataclasses passed to a callback."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from desktop_sync.state.records import JournalCounts

__all__ = [
    "CycleResult",
    "Direction",
    "EventSink",
    "Failure",
    "FailureGroup",
    "Health",
    "Level",
    "Progress",
    "PullResult",
    "PushResult",
    "Stage",
    "SyncEvent",
    "said_once",
]


class Level(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Direction(enum.StrEnum):
    PUSH = "orders"
    """Store orders going to Order Desk."""
    PULL = "shipments"
    """Order Desk shipments coming back as store fulfillments."""
    SYSTEM = "system"


class Health(enum.StrEnum):
    """The one state the dashboard banner and the tray icon show."""

    OK = "ok"
    PAUSED = "paused"
    ORDERDESK_AUTH = "orderdesk_auth"
    """Order Desk refused the key: the merchant must reconnect."""
    STORE_AUTH = "store_auth"
    ORDERDESK_OFFLINE = "orderdesk_offline"
    """Order Desk could not be reached; the engine keeps retrying."""
    STORE_OFFLINE = "store_offline"
    FAILING = "failing"
    """Some orders or shipments keep failing; they wait for the merchant."""
    HELD = "held"
    """Nothing is synced for a store until the merchant chooses: another computer syncs it,
    or it says it is not the store that was connected (the sentence says which, and how)."""
    SETUP = "setup"
    """Syncing could not start from the saved setup (a driver's word: the engine never runs
    then); the merchant must set up or reconnect."""

    @property
    def needs_reconnect(self) -> bool:
        return self in (Health.ORDERDESK_AUTH, Health.STORE_AUTH, Health.SETUP)


@dataclass(frozen=True)
class SyncEvent:
    """One line of the sync log; every event also lands in the journal's ``events`` table."""

    time: datetime
    level: Level
    direction: Direction
    message: str
    order_number: str = ""
    orderdesk_order_id: str = ""


class Stage(enum.StrEnum):
    """What a running cycle is doing, for the driver's progress line."""

    READING = "reading"
    """Listing the store's new orders: ``done`` orders found so far, ``total`` 0 (unknown)."""
    CHECKING = "checking"
    """Looking up which of ``total`` due orders Order Desk already has."""
    SENDING = "sending"
    """``done`` of ``total`` due orders handled (sent, adopted, failed or left waiting)."""


@dataclass(frozen=True)
class Progress:
    direction: Direction
    done: int
    total: int
    stage: Stage = Stage.SENDING
    counts: JournalCounts | None = None
    """The journal's counters at this very step, so a driver's "24 of 150" and its counters
    never disagree."""


@dataclass(frozen=True)
class Failure:
    order_number: str
    reason: str


@dataclass(frozen=True)
class FailureGroup:
    """One reason that several orders failed for, to be said once with its count."""

    reason: str
    """The reason; when several orders share it, with each order's own number left out."""
    order_numbers: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.order_numbers)

    def sentence(self) -> str:
        """The reason, said once: "... (21 orders)" when it is several orders'."""
        if self.count == 1:
            return self.reason
        return f"{self.reason.rstrip('. ')} ({self.count} orders)."

    def numbers(self, most: int = 5) -> str:
        """The orders' numbers, the first ``most`` of them, for a list line."""
        shown = ", ".join(self.order_numbers[:most])
        more = self.count - most
        return f"{shown} and {more} more" if more > 0 else shown


def _without_number(reason: str, number: str) -> str:
    """The reason with "order 1001" (or "Order #1001") said of any order, so the reasons
    of several orders that failed alike compare equal."""
    if not number:
        return reason
    pattern = rf"\b([Oo])rder #?{re.escape(number)}(?![\w-])"
    return re.sub(pattern, lambda m: "Each order" if m.group(1) == "O" else "each order", reason)


def said_once(failures: Iterable[Failure]) -> tuple[FailureGroup, ...]:
    """The failures grouped by reason, in the order first met: an error repeated for every
    order of a page is one group with its count, not one line per order."""
    groups: dict[str, list[Failure]] = {}
    for failure in failures:
        key = _without_number(failure.reason, failure.order_number)
        groups.setdefault(key, []).append(failure)
    return tuple(
        FailureGroup(
            reason if len(members) > 1 else members[0].reason,
            tuple(f.order_number for f in members),
        )
        for reason, members in groups.items()
    )


@dataclass(frozen=True)
class PushResult:
    sent: int = 0
    adopted: int = 0
    """Already in Order Desk (another PC, a lost journal, an ambiguous send) and linked."""
    skipped: int = 0
    failed: tuple[Failure, ...] = ()
    waiting: int = 0
    """Orders left for a later attempt (backoff after a temporary error)."""
    attention: tuple[Failure, ...] = ()
    """Needs the merchant: e.g. cancelled in the store after it shipped from Order Desk."""
    unsent: int = 0
    """Orders left due when the push gave way to another store (sent at its next turn)."""


@dataclass(frozen=True)
class PullResult:
    fulfillments_created: int = 0
    tracking_added: int = 0
    adopted: int = 0
    skipped: int = 0
    failed: tuple[Failure, ...] = ()
    waiting: int = 0


@dataclass(frozen=True)
class CycleResult:
    health: Health
    message: str = ""
    """The banner sentence when health is not OK."""
    push: PushResult | None = None
    pull: PullResult | None = None
    finished_at: datetime | None = None
    troubles: tuple[tuple[Health, str], ...] = ()
    """Every problem of the cycle (one per direction that stopped), each with its sentence;
    ``health`` is the most urgent of them. Each side's status comes from its own."""
    clock_offset: timedelta | None = None
    """How far this computer's clock is ahead of Order Desk's (negative: behind); None when
    Order Desk's clock could not be read."""
    clock_message: str = ""
    """A sentence for the dashboard and doctor when the PC's clock is off, else ""."""
    rate_limited: float | None = None
    """Seconds a side asked the app to wait (a 429's ``Retry-After``) when a rate limit was
    all that cut this cycle short; None otherwise. A rate limit is no failure: the scheduler
    tries again after that wait, not after the back-off of a side it cannot reach."""
    store: str = ""
    """The store whose result speaks for the profile's (its name, as the merchant chose it),
    so the tray can say "Shop Two needs you to reconnect"; "" when no store named it."""

    @property
    def failures(self) -> tuple[Failure, ...]:
        return (self.push.failed if self.push else ()) + (self.pull.failed if self.pull else ())

    @property
    def attention(self) -> tuple[Failure, ...]:
        """What needs the merchant though nothing failed ("Needs attention")."""
        return self.push.attention if self.push else ()


EventSink = Callable[[SyncEvent | Progress], None]
"""The callback a driver passes in; called on the engine's thread."""

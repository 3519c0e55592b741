"""What the scheduler tells its driver (the window's worker, ``desktop-sync run``): plain
events, each naming the store it concerns; no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop_sync.app.sides import Side
from desktop_sync.engine.events import CycleResult, Health, SyncEvent

__all__ = [
    "ConnectedAgain",
    "CycleFinished",
    "CycleStarted",
    "HealthChanged",
    "Retried",
    "ScheduleChanged",
    "SchedulerEvent",
]


@dataclass(frozen=True)
class CycleStarted:
    store: str


@dataclass(frozen=True)
class CycleFinished:
    store: str
    result: CycleResult


@dataclass(frozen=True)
class HealthChanged:
    store: str
    health: Health


@dataclass(frozen=True)
class ScheduleChanged:
    """When each direction of ``store`` runs next (UTC); None while paused."""

    store: str
    next_push: datetime | None
    next_pull: datetime | None


@dataclass(frozen=True)
class ConnectedAgain:
    """A side that could not be reached (or refused) answers again; ``event`` is the log line,
    already in the journal."""

    store: str
    sides: tuple[Side, ...]
    event: SyncEvent


@dataclass(frozen=True)
class Retried:
    """``count`` failed orders and shipments made due again, in ``store`` ("": every store)."""

    store: str
    count: int


SchedulerEvent = (
    CycleStarted | CycleFinished | HealthChanged | ScheduleChanged | ConnectedAgain | Retried
)

"""One store's entry in the scheduler: when its push and pull are due, whether it is paused,
asked for, or has more to send, and how long it waits while a side is in trouble (no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from desktop_sync.app.sides import Side, SideTrouble, side_of
from desktop_sync.engine.events import CycleResult, Health

__all__ = ["LONGEST_WAIT", "EventLog", "StoreEngine", "StoreSchedule"]

LONGEST_WAIT = timedelta(minutes=15)
"""The wait between tries grows while a side cannot be reached, up to this (or the interval,
when that is longer)."""
_FIRST_LIMITED_WAIT = timedelta(seconds=1)
"""While a rate limit goes on, the wait between tries grows from this (at least what the
server asked for), up to the interval."""


class EventLog(Protocol):
    def add_event(self, time: datetime, level: str, direction: str, message: str, /) -> object: ...


class StoreEngine(Protocol):
    """What the scheduler drives for one store: ``SyncEngine``, or a stand-in of its shape.
    ``give_way`` (when given) is asked between orders: True ends the push there, with the
    rest left due and counted in ``PushResult.unsent``."""

    @property
    def journal(self) -> EventLog: ...

    def run_cycle(
        self,
        *,
        push: bool = True,
        pull: bool = True,
        give_way: Callable[[], bool] | None = None,
    ) -> CycleResult: ...

    def retry(self, order_number: str | None = None) -> int: ...


@dataclass
class StoreSchedule:
    engine: StoreEngine
    next_push: datetime | None = None
    next_pull: datetime | None = None
    asked: bool = False
    """Sync now (or Resume, or a retry): both directions at the next step, paused or not."""
    paused: bool = False
    more: bool = False
    """Its last push gave way with orders still due: it goes on at the next turn."""
    failures: int = 0
    """Cycles in a row that found a side unreachable or refusing."""
    limited: int = 0
    """Cycles in a row that a rate limit cut short (the side answered: no failure)."""
    health: Health | None = None
    last_health: Health = Health.OK
    """What the last cycle found, to show again when a pause ends."""
    last_result: CycleResult | None = None
    sides: dict[Side, SideTrouble | None] = field(default_factory=dict)
    announced: tuple[datetime | None, datetime | None] | None = None

    def due(self, now: datetime) -> tuple[bool, bool]:
        """(push, pull): what is due now on its own."""
        if self.asked:
            return True, True
        if self.paused:
            return False, False
        return _due(self.next_push, now), _due(self.next_pull, now)

    def waits(self, now: datetime) -> bool:
        """It would run now, were no other store running."""
        return any(self.due(now)) or (self.more and not self.paused)

    def reschedule(
        self,
        result: CycleResult | None,
        now: datetime,
        *,
        push: timedelta | None,
        pull: timedelta | None,
    ) -> None:
        """The next times of the directions that just ran (each given its interval), or were
        skipped (``result`` None). After a cycle a rate limit cut short, the wait the server
        asked for (growing while the limit goes on, up to the interval), not the back-off of
        a side that cannot be reached."""
        asked = None if result is None else result.rate_limited
        if result is not None:
            troubled = side_of(result.health) is not None and asked is None
            self.failures = self.failures + 1 if troubled else 0
            self.limited = self.limited + 1 if asked is not None else 0
        if push is not None:
            self.next_push = now + self._wait(push, asked)
        if pull is not None:
            self.next_pull = now + self._wait(pull, asked)

    def _wait(self, interval: timedelta, asked: float | None) -> timedelta:
        if asked is None:
            return _backoff(interval, self.failures)
        grown: timedelta = _FIRST_LIMITED_WAIT * (2 ** min(self.limited - 1, 10))
        return max(timedelta(seconds=asked), min(grown, interval))


def _backoff(interval: timedelta, failures: int) -> timedelta:
    if failures <= 1:
        return interval
    grown: timedelta = interval * (2 ** min(failures - 1, 10))
    return min(grown, max(interval, LONGEST_WAIT))


def _due(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now

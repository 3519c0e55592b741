"""When each store syncs, for the window and for ``desktop-sync run`` alike (no Qt).

Each store has one engine; the scheduler runs its push on the push interval and its pull on
the pull interval, Sync now (paused or not), Pause and Resume, a growing wait while a side
cannot be reached or refuses its key, and the "connected again" line when it answers again.
What happens reaches the driver as plain events through one callback; the window turns them
into Qt signals, ``run`` into lines on the terminal.

The scheduler runs on one thread (``run``: the sync thread, or the command's own); every
request (``sync_now``, ``set_paused``, ``retry``, ``stop``...) may come from any thread and
wakes it. The clock and the wait are injectable, so a test drives hours in no time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from desktop_sync.app.sides import Side, SideTrouble, recovered_sides, side_of, side_troubles
from desktop_sync.engine.events import CycleResult, Direction, Health, Level, SyncEvent

__all__ = [
    "ONE_STORE",
    "ConnectedAgain",
    "CycleFinished",
    "CycleStarted",
    "HealthChanged",
    "Retried",
    "ScheduleChanged",
    "Scheduler",
    "SchedulerEvent",
    "StoreEngine",
    "utc_now",
]

ONE_STORE = "store"
"""The key of a profile's one store (until a profile holds several)."""

log = logging.getLogger(__name__)

SHORTEST = 0.1
"""Seconds: the shortest interval (``run --interval`` takes fractions, for tests and demos)."""

LONGEST_WAIT = timedelta(minutes=15)
"""The wait between tries grows while a side cannot be reached, up to this (or the interval,
when that is longer)."""


class EventLog(Protocol):
    def add_event(self, time: datetime, level: str, direction: str, message: str, /) -> object: ...


class StoreEngine(Protocol):
    """What the scheduler drives for one store: ``SyncEngine``, or a stand-in of its shape."""

    @property
    def journal(self) -> EventLog: ...

    def run_cycle(self, *, push: bool = True, pull: bool = True) -> CycleResult: ...

    def retry(self, order_number: str | None = None) -> int: ...


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
    store: str
    count: int


SchedulerEvent = (
    CycleStarted | CycleFinished | HealthChanged | ScheduleChanged | ConnectedAgain | Retried
)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Store:
    engine: StoreEngine
    next_push: datetime | None = None
    next_pull: datetime | None = None
    asked: bool = False
    """Sync now (or Resume, or a retry): both directions at the next step, paused or not."""
    failures: int = 0
    """Cycles in a row that found a side unreachable or refusing."""
    health: Health | None = None
    last_health: Health = Health.OK
    """What the last cycle found, to show again when a pause ends."""
    sides: dict[Side, SideTrouble | None] = field(default_factory=dict)
    announced: tuple[datetime | None, datetime | None] | None = None


class Scheduler:
    """Runs every store's push and pull on their own intervals until ``stop``."""

    def __init__(
        self,
        *,
        push_seconds: float,
        pull_seconds: float,
        on_event: Callable[[SchedulerEvent], None],
        paused: bool = False,
        run_at_start: bool = True,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.interrupt = threading.Event()
        """What every engine watches: set by Pause and by stop (from any thread), so a running
        cycle returns after the order in flight and the journal keeps the rest pending."""
        self._stopped = threading.Event()
        self._woken = threading.Event()
        self._lock = threading.RLock()
        self._requests: list[Callable[[], None]] = []
        self._stores: dict[str, _Store] = {}
        self._push = timedelta(seconds=max(SHORTEST, push_seconds))
        self._pull = timedelta(seconds=max(SHORTEST, pull_seconds))
        self._paused = paused
        self._run_at_start = run_at_start
        self._on_event = on_event
        self._clock = clock

    # -- set up (on the scheduler's thread) ----------------------------------------------

    def add_store(self, key: str, engine: StoreEngine) -> None:
        store = _Store(engine)
        self._stores[key] = store
        now = self._clock()
        store.next_push = now if self._run_at_start else now + self._push
        store.next_pull = now if self._run_at_start else now + self._pull
        if self._paused:
            self._set_health(key, store, Health.PAUSED)
        if self._paused or not self._run_at_start:
            self._announce(key, store)  # else the first cycle's end says when the next is

    # -- requests (from any thread) ------------------------------------------------------

    def sync_now(self, store: str | None = None) -> None:
        """Both directions now, paused or not (the merchant asked)."""
        self._ask(lambda: self._mark_asked(store))

    def set_paused(self, paused: bool) -> None:
        """Pause: a running cycle stops after the order in flight. Resume: the state from before
        the pause shows at once (even while a cycle runs), and both directions sync."""
        with self._lock:
            self._paused = paused
            if paused:
                self.interrupt.set()
            elif not self._stopped.is_set():
                self.interrupt.clear()
            for key, store in self._stores.items():
                self._set_health(key, store, Health.PAUSED if paused else store.last_health)
        self._ask(lambda: None if paused else self._mark_asked(None))

    def set_intervals(self, push_seconds: float, pull_seconds: float) -> None:
        def apply() -> None:
            now = self._clock()
            self._push = timedelta(seconds=max(SHORTEST, push_seconds))
            self._pull = timedelta(seconds=max(SHORTEST, pull_seconds))
            for store in self._stores.values():
                store.next_push = now + self._push
                store.next_pull = now + self._pull

        self._ask(apply)

    def retry(self, order_number: str | None = None, store: str | None = None) -> None:
        """Make one failed order (or all, for None) due again, then sync."""

        def apply() -> None:
            for key, each in self._chosen(store):
                count = int(each.engine.retry(order_number))
                self._on_event(Retried(key, count))
                each.asked = each.asked or count > 0

        self._ask(apply)

    def stop(self) -> None:
        """End ``run`` as soon as the cycle in flight (if any) has returned."""
        self._stopped.set()
        self.interrupt.set()
        self._woken.set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    # -- the loop ------------------------------------------------------------------------

    def run(self, wait: Callable[[float], object] | None = None) -> None:
        """Until ``stop``: run what is due, then wait until the next is due or a request
        comes. ``wait(seconds)`` may return early; the default ends at once on a request."""
        pause = wait or self._wait
        while not self._stopped.is_set():
            self.step()
            if self._stopped.is_set():
                break
            pause(self.seconds_to_next())

    def step(self) -> None:
        """Take the requests, then run every store's cycle that is due now."""
        self._take_requests()
        for key, store in list(self._stores.items()):
            if self._stopped.is_set():
                return
            now = self._clock()
            asked = store.asked
            push = asked or (not self._paused and _due(store.next_push, now))
            pull = asked or (not self._paused and _due(store.next_pull, now))
            if push or pull:
                self._cycle(key, store, push=push, pull=pull, asked=asked)
            self._announce(key, store)

    def seconds_to_next(self) -> float:
        """How long until something is due (an hour at most: a request wakes the wait)."""
        with self._lock:
            if self._requests:
                return 0.0
        now = self._clock()
        times = [
            t
            for store in self._stores.values()
            for t in (store.next_push, store.next_pull)
            if t is not None and (store.asked or not self._paused)
        ]
        if any(store.asked for store in self._stores.values()):
            return 0.0
        if not times:
            return 3600.0
        return max(0.0, min((min(times) - now).total_seconds(), 3600.0))

    # -- internals -----------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        self._woken.wait(seconds)
        self._woken.clear()

    def _ask(self, request: Callable[[], None]) -> None:
        with self._lock:
            self._requests.append(request)
        self._woken.set()

    def _take_requests(self) -> None:
        with self._lock:
            requests, self._requests = self._requests, []
        for request in requests:
            request()

    def _chosen(self, store: str | None) -> list[tuple[str, _Store]]:
        return [(k, s) for k, s in self._stores.items() if store is None or k == store]

    def _mark_asked(self, store: str | None) -> None:
        for _, each in self._chosen(store):
            each.asked = True

    def _cycle(self, key: str, store: _Store, *, push: bool, pull: bool, asked: bool) -> None:
        """One cycle; one the merchant did not ask for waits out a pause."""
        store.asked = False
        with self._lock:
            if self.interrupt.is_set():
                if not asked or self._stopped.is_set():
                    self._reschedule(store, None, push=push, pull=pull)
                    return
                self.interrupt.clear()
        self._on_event(CycleStarted(key))
        try:
            result = store.engine.run_cycle(push=push, pull=pull)
        except Exception as exc:  # the engine reports remote trouble itself; this is a bug
            log.exception("A sync cycle stopped unexpectedly")
            result = CycleResult(
                Health.FAILING,
                f"A sync stopped unexpectedly ({type(exc).__name__}). The app will try again "
                "at the next sync; if this keeps happening, send the log file to support.",
                finished_at=self._clock(),
            )
        self._finish(key, store, result)
        self._reschedule(store, result, push=push, pull=pull)

    def _finish(self, key: str, store: _Store, result: CycleResult) -> None:
        before, store.sides = store.sides, side_troubles(result, store.sides)
        back = recovered_sides(before, store.sides)
        if back:
            self._say_connected_again(key, store, back)
        self._on_event(CycleFinished(key, result))
        with self._lock:
            if result.health is not Health.PAUSED:
                store.last_health = result.health
            pausing = self._paused or (self.interrupt.is_set() and not self._stopped.is_set())
            self._set_health(key, store, Health.PAUSED if pausing else store.last_health)

    def _reschedule(
        self, store: _Store, result: CycleResult | None, *, push: bool, pull: bool
    ) -> None:
        """The next times of the directions that just ran (or were skipped: ``result`` None)."""
        if result is not None:
            troubled = side_of(result.health) is not None
            store.failures = store.failures + 1 if troubled else 0
        now = self._clock()
        if push:
            store.next_push = now + self._backoff(self._push, store.failures)
        if pull:
            store.next_pull = now + self._backoff(self._pull, store.failures)

    @staticmethod
    def _backoff(interval: timedelta, failures: int) -> timedelta:
        if failures <= 1:
            return interval
        grown: timedelta = interval * (2 ** min(failures - 1, 10))
        return min(grown, max(interval, LONGEST_WAIT))

    def _say_connected_again(self, key: str, store: _Store, sides: list[Side]) -> None:
        """A line in the log when a side answers again: the banner clearing alone is easy to
        miss."""
        names = " and ".join(side.words for side in sides)
        names = names[0].upper() + names[1:]
        verb = "answers" if len(sides) == 1 else "answer"
        message = f"Connected again: {names} {verb}, and syncing goes on."
        event = SyncEvent(self._clock(), Level.INFO, Direction.SYSTEM, message)
        try:
            store.engine.journal.add_event(
                event.time, event.level.value, event.direction.value, message
            )
        except Exception:  # the line is a courtesy; a journal problem shows elsewhere
            log.exception("The reconnection could not be logged")
        self._on_event(ConnectedAgain(key, tuple(sides), event))

    def _set_health(self, key: str, store: _Store, health: Health) -> None:
        # Said under the lock: Pause and Resume (the GUI thread) and a cycle's end (the sync
        # thread) must reach the driver in the order they were decided.
        with self._lock:
            if health is not store.health:
                store.health = health
                self._on_event(HealthChanged(key, health))

    def _announce(self, key: str, store: _Store) -> None:
        pausing = self._paused or self.interrupt.is_set() or self._stopped.is_set()
        times = (None, None) if pausing else (store.next_push, store.next_pull)
        if times != store.announced:
            store.announced = times
            self._on_event(ScheduleChanged(key, *times))


def _due(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now

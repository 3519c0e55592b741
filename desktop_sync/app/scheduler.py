"""When each store syncs, for the window and for ``desktop-sync run`` alike (no Qt).

Each store has one engine and its own entry: its push on the push interval and its pull on the
pull interval, Sync now (paused or not), Pause and Resume (every store or one), a growing wait
while a side cannot be reached or refuses its key, and the "connected again" line when it
answers again; a store in trouble holds back no other.

The stores share one Order Desk budget (one rate-limit bucket), so a store's push gives way
once it has run ``slice_seconds`` (6 s) while another store waits: a store whose interval has come
goes first, and a store with more to send comes back at once, the stores taking turns. A new
order in a quiet store thus waits for one slice at most, not for another store's backfill.
The journal keeps what a push left due, so a slice loses and doubles nothing.

What happens reaches the driver as plain events through one callback; the window turns them
into Qt signals, ``run`` into lines on the terminal. The profile's health and last result (the
banner's, the tray's, the exit code's) come from here too, one source for every driver.

The scheduler runs on one thread (``run``: the sync thread, or the command's own); every
request (``sync_now``, ``set_paused``, ``retry``, ``stop``...) may come from any thread and
wakes it. The clock and the wait are injectable, so a test drives hours in no time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from desktop_sync.app.schedule_events import (
    ConnectedAgain,
    CycleFinished,
    CycleStarted,
    HealthChanged,
    Retried,
    ScheduleChanged,
    SchedulerEvent,
)
from desktop_sync.app.sides import Side, recovered_sides, side_troubles
from desktop_sync.app.store_pauses import ONE_STORE, PauseMemory
from desktop_sync.app.store_results import StoreCycle, combine_cycles, most_urgent
from desktop_sync.app.store_schedule import LONGEST_WAIT, StoreEngine, StoreSchedule
from desktop_sync.engine.events import CycleResult, Direction, Health, Level, SyncEvent

__all__ = [
    "LONGEST_WAIT",
    "ONE_STORE",
    "SLICE_SECONDS",
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

log = logging.getLogger(__name__)

SHORTEST = 0.1
"""Seconds: the shortest interval (``run --interval`` takes fractions, for tests and demos)."""

SLICE_SECONDS = 6.0
"""How long a store's push runs before it gives way to a store that waits: 18 orders at Order
Desk's 3 a second, so a quiet store's new order is sent within its push interval + 10 s (a
turn costs no request: the push that goes on keeps its listing and its look-up)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


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
        slice_seconds: float = SLICE_SECONDS,
        pauses: PauseMemory | None = None,
    ) -> None:
        """``pauses`` keeps each store's own pause between runs (``app.store_pauses``): a
        store paused there starts paused; none: every store starts as ``paused`` says."""
        self.interrupt = threading.Event()
        """What every engine watches: set by stop and by pausing the store whose cycle runs
        (from any thread), so that cycle returns after the order in flight and the journal
        keeps the rest pending."""
        self._stopped = threading.Event()
        self._woken = threading.Event()
        self._lock = threading.RLock()
        self._requests: list[Callable[[], None]] = []
        self._turn_asked = False
        self._stores: dict[str, StoreSchedule] = {}
        self._running: str | None = None
        self._push = timedelta(seconds=max(SHORTEST, push_seconds))
        self._pull = timedelta(seconds=max(SHORTEST, pull_seconds))
        self._slice = timedelta(seconds=slice_seconds)
        self._paused = paused
        self._run_at_start = run_at_start
        self._on_event = on_event
        self._clock = clock
        self._pauses = pauses

    # -- set up (on the scheduler's thread) ----------------------------------------------

    def add_store(self, key: str, engine: StoreEngine) -> None:
        own = self._pauses is not None and self._pauses.is_paused(key)
        store = StoreSchedule(engine, paused=self._paused or own)
        self._stores[key] = store
        now = self._clock()
        store.next_push = now if self._run_at_start else now + self._push
        store.next_pull = now if self._run_at_start else now + self._pull
        if store.paused:
            self._set_health(key, store, Health.PAUSED)
        if store.paused or not self._run_at_start:
            self._announce(key, store)  # else the first cycle's end says when the next is

    # -- what the window and ``run`` show (any thread) -----------------------------------

    @property
    def stores(self) -> tuple[str, ...]:
        return tuple(self._stores)

    def is_paused(self, store: str | None = None) -> bool:
        """Whether ``store`` is paused (None: whether every store is)."""
        with self._lock:
            chosen = self._chosen(store)
            return bool(chosen) and all(each.paused for _, each in chosen)

    def paused_stores(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(key for key, each in self._stores.items() if each.paused)

    @property
    def health(self) -> Health:
        """The profile's: the most urgent of the stores that are not paused ("paused" only
        when every store is)."""
        with self._lock:
            shown = [s.health for s in self._stores.values() if s.health is not None]
            running = [h for h in shown if h is not Health.PAUSED]
            if shown and not running:
                return Health.PAUSED
            return most_urgent(running)

    def profile_result(self) -> CycleResult | None:
        """Every store's last cycle in one (the most urgent health and sentence, named by its
        store when there are several); None before any cycle ended."""
        with self._lock:
            cycles = [
                StoreCycle(key, each.last_result)
                for key, each in self._stores.items()
                if each.last_result is not None
            ]
        return combine_cycles(cycles).result if cycles else None

    # -- requests (from any thread) ------------------------------------------------------

    def sync_now(self, store: str | None = None) -> None:
        """Both directions now, paused or not (the merchant asked): of ``store``, or of every
        store but those paused on their own (every store, when all are paused)."""

        def apply() -> None:
            if store is None and not self.is_paused():
                for _, each in self._chosen(None):
                    each.asked = each.asked or not each.paused
            else:
                self._mark_asked(store)

        self._ask(apply, turn=True)

    def set_paused(self, paused: bool, store: str | None = None) -> None:
        """Pause every store (None) or one: its running cycle stops after the order in flight.
        Resume: the state from before the pause shows at once (even while a cycle runs), and
        both directions sync. A store's own pause, and any Resume, is remembered for the next
        run; Pause of every store is the driver's to keep (the window's setting)."""
        with self._lock:
            if store is None:
                self._paused = paused
            chosen = self._chosen(store)
            for _, each in chosen:
                each.paused = paused
            running = self._stores.get(self._running) if self._running is not None else None
            if running is not None and running.paused:
                self.interrupt.set()
            elif not self._stopped.is_set():
                self.interrupt.clear()
            for key, each in chosen:
                self._set_health(key, each, Health.PAUSED if paused else each.last_health)
        if self._pauses is not None and (store is not None or not paused):
            for key, _ in chosen:
                self._pauses.remember(key, paused)
        self._ask(lambda: None if paused else self._mark_asked(store), turn=not paused)

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
            total = 0
            for _, each in self._chosen(store):
                count = int(each.engine.retry(order_number))
                total += count
                each.asked = each.asked or count > 0
            self._on_event(Retried(store or "", total))

        self._ask(apply, turn=True)

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
        """Take the requests, then give each store that is due its turn, once: first the
        stores asked for or whose interval has come, then those with more to send."""
        self._take_requests()
        ran: set[str] = set()
        while not self._stopped.is_set():
            turn = self._next_turn(ran)
            if turn is None:
                break
            key, push, pull = turn
            ran.add(key)
            self._cycle(key, self._stores[key], push=push, pull=pull)
            self._take_requests()
        for key, store in list(self._stores.items()):
            self._announce(key, store)

    def seconds_to_next(self) -> float:
        """How long until something is due (an hour at most: a request wakes the wait)."""
        with self._lock:
            if self._requests:
                return 0.0
        now = self._clock()
        if any(store.waits(now) for store in self._stores.values()):
            return 0.0
        times = [
            t
            for store in self._stores.values()
            for t in (store.next_push, store.next_pull)
            if t is not None and not store.paused
        ]
        if not times:
            return 3600.0
        return max(0.0, min((min(times) - now).total_seconds(), 3600.0))

    # -- internals -----------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        self._woken.wait(seconds)
        self._woken.clear()

    def _ask(self, request: Callable[[], None], *, turn: bool = False) -> None:
        """``request`` on the scheduler's thread at its next step; ``turn``: it may make a
        store due, so a running push gives way (after its slice)."""
        with self._lock:
            self._requests.append(request)
            self._turn_asked = self._turn_asked or turn
        self._woken.set()

    def _take_requests(self) -> None:
        with self._lock:
            requests, self._requests = self._requests, []
            self._turn_asked = False
        for request in requests:
            request()

    def _chosen(self, store: str | None) -> list[tuple[str, StoreSchedule]]:
        return [(k, s) for k, s in self._stores.items() if store is None or k == store]

    def _mark_asked(self, store: str | None) -> None:
        for _, each in self._chosen(store):
            each.asked = True

    def _next_turn(self, ran: set[str]) -> tuple[str, bool, bool] | None:
        """The store whose turn it is, and its directions; None when no store is due."""
        now = self._clock()
        waiting = [(k, s) for k, s in self._stores.items() if k not in ran]
        for key, store in waiting:
            push, pull = store.due(now)
            if push or pull:
                return key, push or (store.more and not store.paused), pull
        for key, store in waiting:
            if store.more and not store.paused:
                return key, True, False
        return None

    def _give_way(self, key: str, started: datetime) -> Callable[[], bool]:
        """For the engine of ``key``: True once its slice is over and another store waits."""

        def give_way() -> bool:
            now = self._clock()
            if now - started < self._slice:
                return False
            with self._lock:
                if self._turn_asked:
                    return True
            return any(s.waits(now) for k, s in self._stores.items() if k != key)

        return give_way

    def _cycle(self, key: str, store: StoreSchedule, *, push: bool, pull: bool) -> None:
        """One cycle; one the merchant did not ask for waits out the store's pause."""
        asked, store.asked = store.asked, False
        with self._lock:
            if self._stopped.is_set() or (store.paused and not asked):
                self._reschedule(store, None, push=push, pull=pull)
                return
            self.interrupt.clear()
            self._running = key
        self._on_event(CycleStarted(key))
        try:
            result = store.engine.run_cycle(
                push=push, pull=pull, give_way=self._give_way(key, self._clock())
            )
        except Exception as exc:  # the engine reports remote trouble itself; this is a bug
            log.exception("A sync cycle stopped unexpectedly")
            result = CycleResult(
                Health.FAILING,
                f"A sync stopped unexpectedly ({type(exc).__name__}). The app will try again "
                "at the next sync; if this keeps happening, send the log file to support.",
                finished_at=self._clock(),
            )
        with self._lock:
            self._running = None
        if push:  # a pull alone leaves what the last push left
            store.more = result.push is not None and result.push.unsent > 0
        self._finish(key, store, result)
        self._reschedule(store, result, push=push, pull=pull)
        self._announce(key, store)

    def _finish(self, key: str, store: StoreSchedule, result: CycleResult) -> None:
        before, store.sides = store.sides, side_troubles(result, store.sides)
        back = recovered_sides(before, store.sides)
        if back:
            self._say_connected_again(key, store, back)
        with self._lock:
            if result.health is not Health.PAUSED:
                store.last_health = result.health
                store.last_result = result
            elif store.last_result is None:
                store.last_result = result
        self._on_event(CycleFinished(key, result))
        with self._lock:
            self._set_health(key, store, Health.PAUSED if store.paused else store.last_health)

    def _reschedule(
        self, store: StoreSchedule, result: CycleResult | None, *, push: bool, pull: bool
    ) -> None:
        store.reschedule(
            result,
            self._clock(),
            push=self._push if push else None,
            pull=self._pull if pull else None,
        )

    def _say_connected_again(self, key: str, store: StoreSchedule, sides: list[Side]) -> None:
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

    def _set_health(self, key: str, store: StoreSchedule, health: Health) -> None:
        # Said under the lock: Pause and Resume (the GUI thread) and a cycle's end (the sync
        # thread) must reach the driver in the order they were decided.
        with self._lock:
            if health is not store.health:
                store.health = health
                self._on_event(HealthChanged(key, health))

    def _announce(self, key: str, store: StoreSchedule) -> None:
        pausing = store.paused or self._stopped.is_set()
        times = (None, None) if pausing else (store.next_push, store.next_pull)
        if times != store.announced:
            store.announced = times
            self._on_event(ScheduleChanged(key, *times))

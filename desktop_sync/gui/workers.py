"""The background sync: one worker on its own thread owns the engine and its schedule; the
controller on the GUI side starts it, talks to it by signals only, and stops it cleanly."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from desktop_sync.engine.events import (
    CycleResult,
    Direction,
    EventSink,
    Health,
    Level,
    Progress,
    SyncEvent,
)
from desktop_sync.gui.status import Side, SideTrouble, recovered_sides, side_troubles

if TYPE_CHECKING:
    from desktop_sync.app.profile import Profile
    from desktop_sync.state.journal import Journal

__all__ = [
    "Engine",
    "EngineFactory",
    "Schedule",
    "SyncController",
    "SyncWorker",
]

log = logging.getLogger(__name__)


class Engine(Protocol):
    """What the worker drives: ``SyncEngine``, or a stand-in with the same shape."""

    @property
    def journal(self) -> Journal: ...

    def run_cycle(self, *, push: bool = True, pull: bool = True) -> CycleResult: ...

    def retry(self, order_number: str | None = None) -> int: ...

    def close(self) -> None: ...


class EngineFactory(Protocol):
    """Builds the engine for a profile on the sync thread (``app.wiring.build_engine``)."""

    def __call__(
        self,
        profile: Profile,
        *,
        sink: EventSink | None = None,
        stop: threading.Event | None = None,
    ) -> Engine: ...


@dataclass(frozen=True)
class Schedule:
    """When each direction runs next (UTC); None while paused or not yet scheduled."""

    next_push: datetime | None
    next_pull: datetime | None


def _default_factory() -> EngineFactory:
    from desktop_sync.app.wiring import build_engine  # the wiring imports every connector

    return build_engine


class SyncWorker(QObject):
    """Lives on the sync thread. Every slot runs there; a cycle blocks only this thread."""

    # Shadows QObject.event() for Python callers only; Qt dispatches events in C++ (checked:
    # queued slots still arrive), and "event" is the name the GUI contract gives this signal.
    event = Signal(object)  # type: ignore[assignment]
    """A ``SyncEvent``, already in the journal."""
    progress = Signal(object)
    cycle_started = Signal()
    cycle_finished = Signal(object)
    """A ``CycleResult``."""
    health_changed = Signal(object)
    schedule_changed = Signal(object)
    """A ``Schedule``."""
    retried = Signal(int)
    stopped = Signal()

    def __init__(
        self,
        profile: Profile,
        *,
        push_interval_seconds: int,
        pull_interval_seconds: int,
        paused: bool = False,
        engine_factory: EngineFactory | None = None,
        run_at_start: bool = True,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.stop_flag = threading.Event()
        """Set once, to end the worker: the engine's waits and loops end as soon as they can."""
        self.interrupt = threading.Event()
        """What the engine watches: set by a stop, and by Pause (from the GUI thread, directly,
        since a queued request would wait for the cycle to end), so a running cycle returns
        after the order in flight and the journal keeps the rest pending."""
        self._push_ms = max(1, push_interval_seconds) * 1000
        self._pull_ms = max(1, pull_interval_seconds) * 1000
        self._paused = paused
        self._factory = engine_factory
        self._run_at_start = run_at_start
        self._engine: Engine | None = None
        self._health: Health | None = None
        self._last_health = Health.OK
        """What the last cycle found, to show again when a pause ends."""
        self._sides: dict[Side, SideTrouble | None] = {}
        self._push_timer: QTimer | None = None
        self._pull_timer: QTimer | None = None

    # -- slots (queued from the GUI thread) ----------------------------------------------

    @Slot()
    def start(self) -> None:
        """Build the engine on this thread (its journal connection belongs here) and schedule."""
        self._push_timer = QTimer(self)
        self._push_timer.timeout.connect(lambda: self._tick(push=True, pull=False))
        self._pull_timer = QTimer(self)
        self._pull_timer.timeout.connect(lambda: self._tick(push=False, pull=True))
        if not self._build():
            return
        if self._paused:
            self._set_health(Health.PAUSED)
        elif self._run_at_start:
            self._run(push=True, pull=True)
        self._schedule()

    def _build(self) -> bool:
        """The engine for the profile; False (and the setup problem said) when it cannot be."""
        factory = self._factory or _default_factory()
        try:
            self._engine = factory(self.profile, sink=self._sink, stop=self.interrupt)
        except Exception as exc:  # a broken profile must reach the banner, not kill the thread
            log.exception("The sync engine could not be started")
            self._finish(CycleResult(Health.SETUP, _startup_sentence(exc)))
            return False
        return True

    @Slot()
    def sync_now(self) -> None:
        """Both directions now, paused or not (the merchant asked), then the schedule restarts;
        after a setup problem, first another try at starting."""
        if self._engine is None and not self.stop_flag.is_set() and not self._build():
            return
        self._run(push=True, pull=True, asked=True)
        self._schedule()

    def request_pause(self) -> None:
        """Thread-safe, called from the GUI thread: a running cycle stops after its current
        order. ``set_paused`` (queued) then records the pause here."""
        self.interrupt.set()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if paused:
            self.interrupt.set()
            self._set_health(Health.PAUSED)
        elif self._engine is not None:
            # Not "paused" while the resumed cycle runs: the state it was in before the pause.
            self._set_health(self._last_health)
            self._run(push=True, pull=True, asked=True)
        self._schedule()

    @Slot(int, int)
    def set_intervals(self, push_seconds: int, pull_seconds: int) -> None:
        self._push_ms = max(1, push_seconds) * 1000
        self._pull_ms = max(1, pull_seconds) * 1000
        self._schedule()

    @Slot(str)
    def retry(self, order_number: str) -> None:
        """Make one failed order (or all, for "") due again, then sync it."""
        if self._engine is None:
            return
        count = self._engine.retry(order_number or None)
        self.retried.emit(int(count))
        if count:
            self._run(push=True, pull=True, asked=True)

    @Slot()
    def stop(self) -> None:
        """Close the engine here, on its own thread, then end the thread's event loop."""
        self.stop_flag.set()
        self.interrupt.set()
        for timer in (self._push_timer, self._pull_timer):
            if timer is not None:
                timer.stop()
        if self._engine is not None:
            try:
                self._engine.close()
            except Exception:  # closing must not leave the thread running
                log.exception("The sync engine did not close cleanly")
            self._engine = None
        self.stopped.emit()
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()

    # -- internals -----------------------------------------------------------------------

    def _sink(self, item: SyncEvent | Progress) -> None:
        # Called by the engine on this thread; signals cross to the GUI thread queued.
        if isinstance(item, SyncEvent):
            self.event.emit(item)
        else:
            self.progress.emit(item)

    def _run(self, *, push: bool, pull: bool, asked: bool = False) -> None:
        """One cycle; a scheduled one (not ``asked`` for by the merchant) waits out a pause."""
        if self._engine is None or self.stop_flag.is_set():
            return
        if self.interrupt.is_set():
            if not asked:
                return
            self.interrupt.clear()
        self.cycle_started.emit()
        try:
            result = self._engine.run_cycle(push=push, pull=pull)
        except Exception as exc:  # the engine reports remote trouble itself; this is a bug
            log.exception("A sync cycle stopped unexpectedly")
            result = CycleResult(
                Health.FAILING,
                f"A sync stopped unexpectedly ({type(exc).__name__}). The app will try again "
                "at the next sync; if this keeps happening, send the log file to support.",
                finished_at=datetime.now(UTC),
            )
        self._finish(result)

    def _finish(self, result: CycleResult) -> None:
        self._last_health = result.health
        before, self._sides = self._sides, side_troubles(result, self._sides)
        back = recovered_sides(before, self._sides)
        if back:
            self._log_recovery(back)
        self.cycle_finished.emit(result)
        self._set_health(Health.PAUSED if self._pausing else result.health)

    @property
    def _pausing(self) -> bool:
        return self._paused or (self.interrupt.is_set() and not self.stop_flag.is_set())

    def _log_recovery(self, sides: list[Side]) -> None:
        """A line in the log when a side that could not be reached (or refused) answers again:
        the banner clearing alone is easy to miss."""
        names = " and ".join(side.words for side in sides)
        names = names[0].upper() + names[1:]
        verb = "answers" if len(sides) == 1 else "answer"
        message = f"Connected again: {names} {verb}, and syncing goes on."
        event = SyncEvent(datetime.now(UTC), Level.INFO, Direction.SYSTEM, message)
        try:
            if self._engine is not None:
                self._engine.journal.add_event(
                    event.time, event.level.value, event.direction.value, message
                )
        except Exception:  # the line is a courtesy; a journal problem shows elsewhere
            log.exception("The reconnection could not be logged")
        self.event.emit(event)

    def _set_health(self, health: Health) -> None:
        if health is not self._health:
            self._health = health
            self.health_changed.emit(health)

    def _schedule(self) -> None:
        if self._push_timer is None or self._pull_timer is None:
            return
        if self._paused or self._engine is None or self.stop_flag.is_set():
            self._push_timer.stop()
            self._pull_timer.stop()
            self.schedule_changed.emit(Schedule(None, None))
            return
        self._push_timer.start(self._push_ms)
        self._pull_timer.start(self._pull_ms)
        self._announce()

    def _tick(self, *, push: bool, pull: bool) -> None:
        """A scheduled cycle; then the times of the next ones (the timers repeat by themselves)."""
        self._run(push=push, pull=pull)
        self._announce()

    def _announce(self) -> None:
        now = datetime.now(UTC)

        def upcoming(timer: QTimer | None) -> datetime | None:
            if timer is None or not timer.isActive() or self._pausing:
                return None
            return now + timedelta(milliseconds=max(0, timer.remainingTime()))

        self.schedule_changed.emit(Schedule(upcoming(self._push_timer), upcoming(self._pull_timer)))


def _startup_sentence(exc: Exception) -> str:
    text = str(exc).strip()
    if text and len(text) < 300 and "press Verify Connection" in text:
        return f"Syncing could not start: {text}"  # it says what to do (Reconnect, on screen)
    if text and len(text) < 300:
        return f"Syncing could not start: {text.rstrip('.')}. Check your settings, then reconnect."
    return "Syncing could not start. Check your settings, then reconnect."


class SyncController(QObject):
    """The GUI side of the worker: forwards its signals and owns the thread's lifetime."""

    event = Signal(object)  # type: ignore[assignment]
    progress = Signal(object)
    cycle_started = Signal()
    cycle_finished = Signal(object)
    health_changed = Signal(object)
    schedule_changed = Signal(object)
    retried = Signal(int)
    stopped = Signal()
    """The worker has stopped and its thread has ended (after ``stop``, or at once if it never
    ran)."""

    # Requests to the worker travel as queued signals, so they run on the sync thread.
    _sync_now = Signal()
    _set_paused = Signal(bool)
    _set_intervals = Signal(int, int)
    _retry = Signal(str)
    _stop = Signal()

    def __init__(
        self,
        profile: Profile,
        *,
        push_interval_seconds: int = 120,
        pull_interval_seconds: int = 300,
        paused: bool = False,
        engine_factory: EngineFactory | None = None,
        run_at_start: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.running = False
        self.paused = paused
        self.health: Health | None = None
        self.last_result: CycleResult | None = None
        self.sync_thread = QThread()
        self.sync_thread.setObjectName("desktop-sync-worker")
        self.worker = SyncWorker(
            profile,
            push_interval_seconds=push_interval_seconds,
            pull_interval_seconds=pull_interval_seconds,
            paused=paused,
            engine_factory=engine_factory,
            run_at_start=run_at_start,
        )
        self.worker.moveToThread(self.sync_thread)
        queued = Qt.ConnectionType.QueuedConnection
        self.sync_thread.started.connect(self.worker.start)
        self._sync_now.connect(self.worker.sync_now, queued)
        self._set_paused.connect(self.worker.set_paused, queued)
        self._set_intervals.connect(self.worker.set_intervals, queued)
        self._retry.connect(self.worker.retry, queued)
        self._stop.connect(self.worker.stop, queued)
        self.worker.event.connect(self.event, queued)
        self.worker.progress.connect(self.progress, queued)
        self.worker.cycle_started.connect(self._on_started, queued)
        self.worker.cycle_finished.connect(self._on_finished, queued)
        self.worker.health_changed.connect(self._on_health, queued)
        self.worker.schedule_changed.connect(self.schedule_changed, queued)
        self.worker.retried.connect(self.retried, queued)
        self.worker.stopped.connect(self._on_stopped, queued)
        self.sync_thread.finished.connect(self._on_stopped, queued)
        self._stopped = False
        self._started = False

    def start(self) -> None:
        self._started = True
        self.sync_thread.start()

    def sync_now(self) -> None:
        self._sync_now.emit()

    def set_paused(self, paused: bool) -> None:
        """Pause: a running cycle stops after the order in flight (the rest stay pending)."""
        self.paused = paused
        if paused:
            self.worker.request_pause()
        self._set_paused.emit(paused)

    def set_intervals(self, push_seconds: int, pull_seconds: int) -> None:
        self._set_intervals.emit(push_seconds, pull_seconds)

    def retry(self, order_number: str = "") -> None:
        """Retry one failed order by number, or every failed order for ""."""
        self._retry.emit(order_number)

    def is_alive(self) -> bool:
        """True until the thread has wholly ended. (``isRunning`` is already False while the
        thread is still finishing; a QThread destroyed then aborts the process.)"""
        return self._started and not self.sync_thread.isFinished()

    def stop(self) -> None:
        """Ask the worker to stop and return at once; ``stopped`` follows, once. The stop flag
        is set directly (thread-safe): a running cycle ends after the order in flight, and the
        engine's waits end as soon as they can."""
        self.worker.stop_flag.set()
        self.worker.interrupt.set()
        if self._stopped or not self._started:
            QTimer.singleShot(0, self, self.stopped.emit)  # said already, or never started
        elif self.sync_thread.isRunning():
            self._stop.emit()
        # Else the thread has ended and its "stopped" is on its way (queued): said once, since
        # whoever reacts to it (a Reconnect starting a new worker) must not react twice.

    def _on_stopped(self) -> None:
        # The worker said "stopped" just before its thread's loop ends: a moment, not a wait.
        # The thread's own ``finished`` calls here too, in case that moment runs long.
        if self._stopped:
            return
        if not self.sync_thread.wait(2000):
            return
        self._stopped = True
        self.stopped.emit()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Stop the worker and wait for its thread; True when the thread has ended.

        The stop flag is set directly (thread-safe) so a running cycle returns at its next
        order boundary; the engine commits per step, so nothing is left half-written.
        """
        self.worker.stop_flag.set()
        self.worker.interrupt.set()
        if self.sync_thread.isRunning() and not self._stopped:
            self._stop.emit()
        # Always wait: it returns at once for a thread never started or wholly ended, and
        # covers one that is still finishing.
        finished = self.sync_thread.wait(timeout_ms)
        if not finished:
            log.error("The sync thread did not stop within %d ms", timeout_ms)
        return bool(finished)

    def _on_started(self) -> None:
        self.running = True
        self.cycle_started.emit()

    def _on_finished(self, result: CycleResult) -> None:
        self.running = False
        self.last_result = result
        self.cycle_finished.emit(result)

    def _on_health(self, health: Health) -> None:
        self.health = health
        self.health_changed.emit(health)

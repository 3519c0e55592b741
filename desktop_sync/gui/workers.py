"""The background sync: one worker on its own thread owns the engine and drives the scheduler
(``app/scheduler.py``, which decides when to sync); the controller on the GUI side starts it,
hands the merchant's requests to the scheduler, and stops it cleanly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import (
    ONE_STORE,
    ConnectedAgain,
    CycleFinished,
    CycleResult,
    CycleStarted,
    EventSink,
    Health,
    HealthChanged,
    Progress,
    Retried,
    ScheduleChanged,
    SchedulerEvent,
    SyncEvent,
)

if TYPE_CHECKING:
    from desktop_sync.app.facade_types import Journal, Profile

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
    return DesktopSync.build_engine


class SyncWorker(QObject):
    """Lives on the sync thread: builds the engine there, then runs the scheduler (which owns
    the schedule, Pause, Sync now, backoff and "connected again") until it is stopped, and
    turns its events into signals. Requests reach the scheduler directly (it is thread-safe)."""

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
        self.scheduler = DesktopSync.scheduler(
            push_seconds=push_interval_seconds,
            pull_seconds=pull_interval_seconds,
            on_event=self._said,
            paused=paused,
            run_at_start=run_at_start,
        )
        self._factory = engine_factory

    @Slot()
    def start(self) -> None:
        """Build the engine on this thread (its journal connection belongs here), run the
        schedule until stopped, then close the engine here and end the thread's loop."""
        factory = self._factory or _default_factory()
        engine = _EngineOnDemand(
            lambda: factory(self.profile, sink=self._sink, stop=self.scheduler.interrupt)
        )
        if not self.scheduler.stopped:
            problem = engine.build()
            if problem is not None:  # said now; Sync now (or the next due cycle) tries again
                self.cycle_finished.emit(problem)
                self.health_changed.emit(problem.health)
            self.scheduler.add_store(ONE_STORE, engine)
        self.scheduler.run()  # until stop(): the thread ends one way
        engine.close()
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

    def _said(self, said: SchedulerEvent) -> None:
        """A scheduler event as the signal the window listens to (from the sync thread, or
        from the GUI thread for Pause and Resume, which show at once)."""
        if isinstance(said, CycleStarted):
            self.cycle_started.emit()
        elif isinstance(said, CycleFinished):
            self.cycle_finished.emit(said.result)
        elif isinstance(said, HealthChanged):
            self.health_changed.emit(said.health)
        elif isinstance(said, ScheduleChanged):
            self.schedule_changed.emit(Schedule(said.next_push, said.next_pull))
        elif isinstance(said, ConnectedAgain):
            self.event.emit(said.event)
        elif isinstance(said, Retried):
            self.retried.emit(said.count)


class _EngineOnDemand:
    """The engine the scheduler drives, built on the sync thread. A setup it cannot be built
    from is a cycle whose health is ``SETUP`` (said on the banner, the cards and the tray), and
    each later cycle, Sync now included, tries to build it again."""

    def __init__(self, build: Callable[[], Engine]) -> None:
        self._build = build
        self.engine: Engine | None = None

    def build(self) -> CycleResult | None:
        """None when the engine is there, else the setup problem as a cycle's result."""
        if self.engine is None:
            try:
                self.engine = self._build()
            except Exception as exc:  # a broken profile must reach the banner, not the thread
                log.exception("The sync engine could not be started")
                return CycleResult(Health.SETUP, _startup_sentence(exc))
        return None

    @property
    def journal(self) -> Journal:
        if self.engine is None:
            raise RuntimeError("The sync engine has not started")
        return self.engine.journal

    def run_cycle(self, *, push: bool = True, pull: bool = True) -> CycleResult:
        problem = self.build()
        if problem is not None or self.engine is None:
            return problem or CycleResult(Health.SETUP, _startup_sentence(RuntimeError()))
        return self.engine.run_cycle(push=push, pull=pull)

    def retry(self, order_number: str | None = None) -> int:
        return 0 if self.engine is None else self.engine.retry(order_number)

    def close(self) -> None:
        if self.engine is None:
            return
        try:
            self.engine.close()
        except Exception:  # closing must not leave the thread running
            log.exception("The sync engine did not close cleanly")


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
        self.scheduler = self.worker.scheduler
        """Thread-safe: every request goes to it directly, also while a cycle runs."""
        self.worker.moveToThread(self.sync_thread)
        queued = Qt.ConnectionType.QueuedConnection
        self.sync_thread.started.connect(self.worker.start)
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
        self.scheduler.sync_now()

    def set_paused(self, paused: bool) -> None:
        """Pause: a running cycle stops after the order in flight (the rest stay pending).
        Resume: what was shown before the pause shows at once, also during a cycle."""
        self.paused = paused
        self.scheduler.set_paused(paused)

    def set_intervals(self, push_seconds: int, pull_seconds: int) -> None:
        self.scheduler.set_intervals(push_seconds, pull_seconds)

    def retry(self, order_number: str = "") -> None:
        """Retry one failed order by number, or every failed order for ""."""
        self.scheduler.retry(order_number or None)

    def is_alive(self) -> bool:
        """True until the thread has wholly ended. (``isRunning`` is already False while the
        thread is still finishing; a QThread destroyed then aborts the process.)"""
        return self._started and not self.sync_thread.isFinished()

    def stop(self) -> None:
        """Ask the worker to stop and return at once; ``stopped`` follows, once. The stop flag
        is set directly (thread-safe): a running cycle ends after the order in flight, and the
        engine's waits end as soon as they can."""
        self.scheduler.stop()
        if self._stopped or not self._started:
            QTimer.singleShot(0, self, self.stopped.emit)  # said already, or never started
        # Else the worker ends its thread once the cycle in flight returns, and "stopped"
        # follows (queued), said once: whoever reacts to it (a Reconnect starting a new
        # worker) must not react twice.

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
        self.scheduler.stop()
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

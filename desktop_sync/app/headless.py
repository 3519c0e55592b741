"""``desktop-sync run``: the scheduler on the command's own thread, until Ctrl-C, a refused
key, or as many cycles as asked. The command only prints what it reports."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from desktop_sync.app.scheduler import (
    ONE_STORE,
    CycleFinished,
    Scheduler,
    SchedulerEvent,
    StoreEngine,
    utc_now,
)
from desktop_sync.engine.events import CycleResult

__all__ = ["run_on_schedule"]


def run_on_schedule(
    engine: StoreEngine,
    *,
    push_seconds: float,
    pull_seconds: float,
    stop: threading.Event,
    on_cycle: Callable[[CycleResult], None],
    most: int | None = None,
    clock: Callable[[], datetime] = utc_now,
    wait: Callable[[threading.Event, float], object] | None = None,
) -> CycleResult | None:
    """Push on the push interval and pull on the pull interval (each cycle reported to
    ``on_cycle``) until ``stop`` is set, a side refuses its key, or ``most`` cycles ran;
    the last cycle's result (None when none ran).

    ``wait(stop, seconds)`` waits between cycles (``stop.wait`` by default; a test passes one
    that moves its ``clock`` on instead)."""
    results: list[CycleResult] = []

    def said(event: SchedulerEvent) -> None:
        if not isinstance(event, CycleFinished):
            return
        results.append(event.result)
        on_cycle(event.result)
        ended = event.result.health.needs_reconnect or (most is not None and len(results) >= most)
        if ended or stop.is_set():
            scheduler.stop()

    def pause(seconds: float) -> None:
        (wait or _wait)(stop, seconds)
        if stop.is_set():
            scheduler.stop()

    scheduler = Scheduler(
        push_seconds=push_seconds, pull_seconds=pull_seconds, on_event=said, clock=clock
    )
    scheduler.add_store(ONE_STORE, engine)
    if not stop.is_set():
        scheduler.run(pause)
    return results[-1] if results else None


def _wait(stop: threading.Event, seconds: float) -> None:
    stop.wait(seconds)

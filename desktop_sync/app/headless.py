"""``desktop-sync run``: the scheduler on the command's own thread, each store its own entry,
until Ctrl-C, a refused key, or as many cycles as asked. The command only prints what it
reports."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from desktop_sync.app.scheduler import (
    SLICE_SECONDS,
    CycleFinished,
    Scheduler,
    SchedulerEvent,
    StoreEngine,
    utc_now,
)
from desktop_sync.app.store_pauses import PauseMemory
from desktop_sync.engine.events import CycleResult

__all__ = ["run_on_schedule"]


def run_on_schedule(
    stores: Sequence[tuple[str, StoreEngine]],
    *,
    push_seconds: float,
    pull_seconds: float,
    stop: threading.Event,
    on_cycle: Callable[[CycleResult], None],
    most: int | None = None,
    clock: Callable[[], datetime] = utc_now,
    wait: Callable[[threading.Event, float], object] | None = None,
    slice_seconds: float = SLICE_SECONDS,
    pauses: PauseMemory | None = None,
) -> CycleResult | None:
    """Push each store (name, engine) on the push interval and pull it on the pull interval
    until ``stop`` is set, every store's key is refused (Order Desk's refuses them all), or
    every store ran ``most`` whole cycles (a push that gave way to another store is not one).
    After each store's cycle ``on_cycle`` hears the profile's (every store's last, in one);
    the last of those is returned (None when no cycle ran).

    ``wait(stop, seconds)`` waits between cycles (``stop.wait`` by default; a test passes one
    that moves its ``clock`` on instead). A store paused on its own in ``pauses`` is left
    alone (and not waited for); with every store paused, nothing runs (None)."""
    results: list[CycleResult] = []
    whole: dict[str, int] = {name: 0 for name, _ in stores}
    refused: dict[str, bool] = {}

    def said(event: SchedulerEvent) -> None:
        if not isinstance(event, CycleFinished):
            return
        push = event.result.push
        if push is None or not push.unsent:
            whole[event.store] += 1
        refused[event.store] = event.result.health.needs_reconnect
        profile = scheduler.profile_result() or event.result
        results.append(profile)
        on_cycle(profile)
        done = most is not None and min(whole.values()) >= most
        if done or (len(refused) == len(whole) and all(refused.values())) or stop.is_set():
            scheduler.stop()

    def pause(seconds: float) -> None:
        (wait or _wait)(stop, seconds)
        if stop.is_set():
            scheduler.stop()

    scheduler = Scheduler(
        push_seconds=push_seconds,
        pull_seconds=pull_seconds,
        on_event=said,
        clock=clock,
        slice_seconds=slice_seconds,
        pauses=pauses,
    )
    for name, engine in stores:
        scheduler.add_store(name, engine)
    for name in scheduler.paused_stores():
        whole.pop(name, None)
    if whole and not stop.is_set():
        scheduler.run(pause)
    return results[-1] if results else None


def _wait(stop: threading.Event, seconds: float) -> None:
    stop.wait(seconds)

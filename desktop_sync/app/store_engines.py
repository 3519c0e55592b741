"""The engines of a profile, one per store, driven as one: a cycle runs each store's in turn
and says what happened in all and store by store. Each engine keeps its own store's journal
rows, source name and folder; a stop ends the running store's cycle and skips the rest."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence

from desktop_sync.app.store_results import (
    ProfileCycle,
    StoreCycle,
    combine_counts,
    combine_cycles,
)
from desktop_sync.engine.events import CycleResult, EventSink, Progress, SyncEvent
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.journal import Journal

__all__ = ["EveryStore", "StoreEngines", "with_profile_counts"]


class StoreEngines:
    """``engines``: (store name, its engine), in the profile's order; all share ``stop``."""

    def __init__(self, engines: Sequence[tuple[str, SyncEngine]], stop: threading.Event) -> None:
        self.engines = tuple(engines)
        self._stop = stop

    def __enter__(self) -> StoreEngines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_cycle(
        self,
        *,
        push: bool = True,
        pull: bool = True,
        give_way: Callable[[], bool] | None = None,
    ) -> ProfileCycle:
        cycles: list[StoreCycle] = []
        for name, engine in self.engines:
            if self._stop.is_set():
                break
            result = engine.run_cycle(push=push, pull=pull, give_way=give_way)
            cycles.append(StoreCycle(name, result))
        return combine_cycles(cycles)

    def stop(self) -> None:
        """End the running cycle now (thread-safe: a signal handler or the window calls it)."""
        self._stop.set()

    def close(self) -> None:
        """Close every engine, each even when another's close fails."""
        errors: list[BaseException] = []
        for _, engine in self.engines:
            try:
                engine.close()
            except BaseException as exc:
                errors.append(exc)
        if errors:
            raise errors[0]


class EveryStore:
    """Every store's engine in the shape of one engine, for a driver that knows one (the
    window's worker): a cycle is every store's, its result the profile's in one."""

    def __init__(self, engines: StoreEngines) -> None:
        self.engines = engines

    @property
    def stores(self) -> tuple[tuple[str, SyncEngine], ...]:
        """Each store's own engine, by name: a scheduler gives each its own entry."""
        return self.engines.engines

    @property
    def journal(self) -> Journal:
        """The journal (every store's rows; the log is the profile's)."""
        return self.engines.engines[0][1].journal

    def run_cycle(
        self,
        *,
        push: bool = True,
        pull: bool = True,
        give_way: Callable[[], bool] | None = None,
    ) -> CycleResult:
        return self.engines.run_cycle(push=push, pull=pull, give_way=give_way).result

    def retry(self, order_number: str | None = None) -> int:
        return sum(engine.retry(order_number) for _, engine in self.engines.engines)

    def stop(self) -> None:
        self.engines.stop()

    def close(self) -> None:
        self.engines.close()


def with_profile_counts(
    sink: EventSink, store_ids: Sequence[str], built: Sequence[tuple[str, SyncEngine]]
) -> EventSink:
    """``sink``, with each progress step's counters the whole profile's (an engine counts its
    own store's rows), read on the engine's thread through the first engine's journal (the
    engines of ``built`` run on one thread)."""

    def forward(item: SyncEvent | Progress) -> None:
        if isinstance(item, Progress) and item.counts is not None and built:
            journal = built[0][1].journal
            totals = combine_counts([journal.for_store(i).counts() for i in store_ids])
            item = dataclasses.replace(item, counts=totals)
        sink(item)

    return forward

"""The engines of a profile, one per store, driven as one: a cycle runs each store's in turn
and says what happened in all and store by store. Each engine keeps its own store's journal
rows, source name and folder; a stop ends the running store's cycle and skips the rest."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from desktop_sync.app.store_results import ProfileCycle, StoreCycle, combine_cycles
from desktop_sync.engine.sync import SyncEngine

__all__ = ["StoreEngines"]


class StoreEngines:
    """``engines``: (store name, its engine), in the profile's order; all share ``stop``."""

    def __init__(self, engines: Sequence[tuple[str, SyncEngine]], stop: threading.Event) -> None:
        self.engines = tuple(engines)
        self._stop = stop

    def __enter__(self) -> StoreEngines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run_cycle(self, *, push: bool = True, pull: bool = True) -> ProfileCycle:
        cycles: list[StoreCycle] = []
        for name, engine in self.engines:
            if self._stop.is_set():
                break
            cycles.append(StoreCycle(name, engine.run_cycle(push=push, pull=pull)))
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

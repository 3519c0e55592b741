"""Which calls hold the GUI thread: every method of the window's parts, and every read of the
facade, timed when it runs on the GUI thread; the long ones are listed by name (for
``benchmarks/gui_stall.py``).

The methods are wrapped on their classes before the window is built, so the bound methods
the window connects to its signals are the timed ones. Calls nest (a cycle's end calls the
dashboard, which reads the counts), so a slow read shows under its own name and under each
caller's.
"""

from __future__ import annotations

import functools
import gc
import inspect
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FunctionType
from typing import Any

__all__ = ["PER_CELL", "SlotClock", "Timed"]

PER_CELL = frozenset(
    {
        "data",
        "multiData",
        "rowCount",
        "columnCount",
        "headerData",
        "canFetchMore",
        "flags",
        "eventFilter",
        "sizeHint",
        "minimumSizeHint",
    }
)
"""Called by Qt for each cell or event: cheap one by one, and timing them would cost more than
they do; a slow repaint shows in the heartbeat instead."""


@dataclass
class Timed:
    """One name's calls on the GUI thread."""

    calls: int = 0
    long_calls: int = 0
    longest_ms: float = 0.0
    total_ms: float = 0.0
    long_at: list[float] = field(default_factory=list)
    """When each long call started (perf_counter seconds)."""


class SlotClock:
    """Times the methods of ``classes`` (and those of their bases given) on the GUI thread."""

    def __init__(self, threshold_ms: float = 20.0) -> None:
        self.threshold_ms = threshold_ms
        self.timed: dict[str, Timed] = {}
        self._gui = threading.get_ident()
        self._undo: list[tuple[type, str, Any]] = []
        self._collecting = 0.0
        self.on = False
        """Calls count only while on (the window's start-up is not the sync's doing)."""

    def wrap(self, classes: Iterable[type], *, public_only: bool = False) -> None:
        for cls in classes:
            for name, value in list(vars(cls).items()):
                if not isinstance(value, FunctionType) or name.startswith("__"):
                    continue
                if name in PER_CELL or (public_only and name.startswith("_")):
                    continue
                self._undo.append((cls, name, value))
                setattr(cls, name, self._timed(f"{cls.__name__}.{name}", value))

    def watch_collections(self) -> None:
        """Python's garbage collections count too, under the name ``gc (generation N)``: one
        runs between any two calls and stops every thread."""
        gc.callbacks.append(self._collection)

    def _collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        elif self.on and threading.get_ident() == self._gui:
            self._note(f"gc (generation {info.get('generation')})", self._collecting)

    def unwrap(self) -> None:
        if self._collection in gc.callbacks:
            gc.callbacks.remove(self._collection)
        for cls, name, value in reversed(self._undo):
            setattr(cls, name, value)
        self._undo.clear()

    def long_ones(self) -> list[tuple[str, Timed]]:
        """The names with a call over the threshold, longest first."""
        found = [(name, t) for name, t in self.timed.items() if t.long_calls]
        return sorted(found, key=lambda item: -item[1].longest_ms)

    def _timed(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        clock = self
        # Qt drops a signal's extra arguments to fit a slot's; the wrapper must fit the same.
        params = inspect.signature(call).parameters.values()
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        many = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
        fits = None if many else sum(p.kind in kinds for p in params)

        @functools.wraps(call)
        def timed(*args: Any, **kwargs: Any) -> Any:
            args = args[:fits]
            if not clock.on or threading.get_ident() != clock._gui:
                return call(*args, **kwargs)
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                clock._note(name, started)

        return timed

    def _note(self, name: str, started: float) -> None:
        took = (time.perf_counter() - started) * 1000
        timed = self.timed.setdefault(name, Timed())
        timed.calls += 1
        timed.total_ms += took
        if took >= self.threshold_ms:
            timed.long_calls += 1
            timed.long_at.append(started)
        timed.longest_ms = max(timed.longest_ms, took)

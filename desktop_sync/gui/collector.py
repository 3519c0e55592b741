"""Python's garbage collector runs on the GUI thread only.

CPython collects reference cycles on whichever thread happens to allocate when a threshold is
crossed: a connection check building its HTTP client, the sync thread parsing orders. A cycle
that holds a Qt widget (a closed wizard, a dialog whose slots refer back to it) is then
destroyed on that thread, while the GUI thread uses the same objects: the process crashed
(segmentation fault in ``QObject::~QObject`` on a check's thread, or an abort in the GUI
thread's ``connect``) under load. So automatic collection is off, and a timer on the GUI
thread collects, by the same thresholds, what the other threads left.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector", "collect_due"]

# Often enough that garbage never piles up (a sync cycle leaves a few thousand objects), rare
# enough that an idle window stays idle.
INTERVAL_MS = 1000


def collect_due() -> int:
    """On the calling thread, collect the oldest generation whose count has crossed its
    threshold (as Python would); the number of objects found unreachable."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    due = [gen for gen in range(3) if thresholds[gen] and counts[gen] > thresholds[gen]]
    return gc.collect(due[-1]) if due else 0


class GuiThreadCollector(QObject):
    """While it exists, cycles are collected on its (the GUI) thread, never on another."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        return collect_due()

    def stop(self) -> None:
        """Collect what is left here, and let Python collect on any thread again."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

"""A timer on the GUI thread that notes how late each beat comes: a late beat is a moment the
merchant's window stood still (for the GUI benchmarks)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer

__all__ = ["Heartbeat", "p99"]


class Heartbeat(QObject):
    """A beat every ``interval_ms``; ``late`` holds how late each came (ms past its due time).
    ``stop_when`` (asked at each beat) ends the beats and the event loop."""

    def __init__(self, interval_ms: int, stop_when: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.interval_ms = interval_ms
        self.late: list[float] = []
        self._stop_when = stop_when
        self._last = 0.0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(self.interval_ms)

    def stop(self) -> None:
        self._timer.stop()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, (now - self._last) * 1000 - self.interval_ms))
        self._last = now
        if self._stop_when is not None and self._stop_when():
            self.stop()
            QCoreApplication.quit()


def p99(values: Sequence[float]) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

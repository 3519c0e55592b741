"""The one way the GUI runs short background work (a connection check, a CSV export, a sandbox
action): a call on Qt's thread pool whose result comes back as a signal on the GUI thread.

The long-running sync has its own worker thread (``workers.py``); everything else goes here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["Describe", "TaskRunner"]

log = logging.getLogger(__name__)

Describe = Callable[[Exception], str]
"""Turns what a call raised into the sentence the merchant reads."""


def _unexpected(exc: Exception) -> str:
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Try again; if it keeps "
        "happening, send the log file to support."
    )


class _Relay(QObject):
    # Created on the GUI thread, so receivers there get the results as queued calls. Held by
    # the runner and by each task, so a task that ends after its window closed still has it.
    succeeded = Signal(int, object)
    failed = Signal(int, str)


class _Task(QRunnable):
    def __init__(
        self, call: Callable[[], object], ticket: int, relay: _Relay, describe: Describe
    ) -> None:
        super().__init__()
        self._call = call
        self._ticket = ticket
        self._relay = relay
        self._describe = describe

    def run(self) -> None:
        try:
            result = self._call()
        except Exception as exc:
            try:
                sentence = self._describe(exc)
            except Exception:
                log.exception("A background task's error could not be described")
                sentence = _unexpected(exc)
            self._relay.failed.emit(self._ticket, sentence)
        else:
            self._relay.succeeded.emit(self._ticket, result)


class TaskRunner(QObject):
    """Runs calls on a thread pool; each result arrives as ``succeeded`` (the value) or
    ``failed`` (a sentence from ``describe``) on the GUI thread.

    ``latest_only`` (a connection check): starting again, or ``cancel()``, makes any call still
    running report nowhere, since its answer belongs to values the merchant has since changed.
    Otherwise (an export, a sandbox action) every call reports.
    """

    succeeded = Signal(object)
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        describe: Describe = _unexpected,
        latest_only: bool = True,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._describe = describe
        self._latest_only = latest_only
        self._relay = _Relay()
        self._relay.succeeded.connect(self._on_succeeded)
        self._relay.failed.connect(self._on_failed)
        self._ticket = 0
        self._running: set[int] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def start(self, call: Callable[[], object]) -> None:
        was_busy = self.busy
        self._ticket += 1
        if self._latest_only:
            self._running.clear()
        self._running.add(self._ticket)
        self._pool.start(_Task(call, self._ticket, self._relay, self._describe))
        if not was_busy:
            self.busy_changed.emit(True)

    def cancel(self) -> None:
        """Forget every call still running: they end, but report nowhere."""
        self._ticket += 1
        self._finish(None)

    def _finish(self, ticket: int | None) -> bool:
        """True when ``ticket`` is still awaited (None forgets all)."""
        was_busy = self.busy
        if ticket is None:
            self._running.clear()
            awaited = False
        else:
            awaited = ticket in self._running
            self._running.discard(ticket)
        if was_busy and not self.busy:
            self.busy_changed.emit(False)
        return awaited

    @Slot(int, object)
    def _on_succeeded(self, ticket: int, result: object) -> None:
        if self._finish(ticket):
            self.succeeded.emit(result)

    @Slot(int, str)
    def _on_failed(self, ticket: int, sentence: str) -> None:
        if self._finish(ticket):
            self.failed.emit(sentence)

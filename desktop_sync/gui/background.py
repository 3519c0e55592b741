"""The one way the GUI runs short background work (a connection check, a CSV export, a sandbox
action): a call on Qt's thread pool whose result comes back as a signal on the GUI thread.

Every call runs with a stop flag bound (``connectors.waits.stop_on``), so a connection check
that is superseded, cancelled, dropped with its window, or still running at Quit ends at once
(its request and its back-off waits raise ``Cancelled``) instead of waiting out its timeouts.

The long-running sync has its own worker thread (``workers.py``); everything else goes here.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from desktop_sync.connectors.waits import stop_on

__all__ = ["Describe", "TaskRunner", "stop_every_task"]

log = logging.getLogger(__name__)

Describe = Callable[[Exception], str]
"""Turns what a call raised into the sentence the merchant reads."""


def _unexpected(exc: Exception) -> str:
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Try again; if it keeps "
        "happening, send the log file to support."
    )


class _Relay(QObject):
    # Created on the GUI thread, so receivers there get the results as queued calls.
    succeeded = Signal(int, object)
    failed = Signal(int, str)


class _Desk:
    """What one runner shares with its running tasks: the relay they report on, each task's
    stop flag, and whether the runner is still there to hear them.

    The relay belongs to the application, never to Python: at exit PySide deletes every
    Python-owned QObject and only then destroys the application, whose end waits for the
    thread pool; a task still running then would report on a deleted relay ("Signal source
    has been deleted"). Nor is it deleted while the app runs: a relay deleted (``deleteLater``
    posted by the pool thread of the runner's last task) while the GUI thread's event loop ran
    crashed the process once under load. So a relay lives as long as the application (one
    small object per runner: a window's, a wizard page's), and every report is made under the
    desk's lock.
    """

    def __init__(self) -> None:
        self.relay = _Relay(QCoreApplication.instance())
        self._lock = threading.Lock()
        self._flags: dict[int, threading.Event] = {}
        self._open = True

    def take(self, ticket: int) -> threading.Event:
        with self._lock:
            flag = self._flags[ticket] = threading.Event()
        return flag

    def stop(self, keep: int | None = None) -> None:
        """Stop every running task (but ``keep``'s): its answer will go nowhere."""
        with self._lock:
            for ticket, flag in self._flags.items():
                if ticket != keep:
                    flag.set()

    def close(self) -> None:
        """The runner is gone: its tasks stop, and say nothing more."""
        with self._lock:
            self._open = False
            for flag in self._flags.values():
                flag.set()

    def report(self, ticket: int, say: Callable[[_Relay], None]) -> None:
        """The task of ``ticket`` has ended: ``say`` its outcome on the relay, unless it was
        stopped or its runner is gone."""
        with self._lock:
            flag = self._flags.pop(ticket)
            if self._open and not flag.is_set():
                say(self.relay)


# Every desk with a task that may still run, for Quit (weakly: a desk lives with its runner).
_desks: weakref.WeakSet[_Desk] = weakref.WeakSet()


def stop_every_task(wait_ms: int) -> bool:
    """At Quit: every running task's requests and waits end now, and it reports nowhere.
    True when every task on Qt's global pool has ended within ``wait_ms``."""
    for desk in list(_desks):
        desk.stop()
    return QThreadPool.globalInstance().waitForDone(wait_ms)


class _Task(QRunnable):
    def __init__(
        self, call: Callable[[], object], ticket: int, desk: _Desk, describe: Describe
    ) -> None:
        super().__init__()
        self._call = call
        self._ticket = ticket
        self._desk = desk
        self._stop = desk.take(ticket)
        self._describe = describe

    def run(self) -> None:
        ticket = self._ticket
        try:
            with stop_on(self._stop):
                result = self._call()
        except Exception as exc:
            sentence = "" if self._stop.is_set() else self._sentence(exc)
            self._desk.report(ticket, lambda relay: relay.failed.emit(ticket, sentence))
        else:
            self._desk.report(ticket, lambda relay: relay.succeeded.emit(ticket, result))

    def _sentence(self, exc: Exception) -> str:
        try:
            return self._describe(exc)
        except Exception:
            log.exception("A background task's error could not be described")
            return _unexpected(exc)


class TaskRunner(QObject):
    """Runs calls on a thread pool; each result arrives as ``succeeded`` (the value) or
    ``failed`` (a sentence from ``describe``) on the GUI thread.

    ``latest_only`` (a connection check): starting again, or ``cancel()``, stops any call still
    running and makes it report nowhere, since its answer belongs to values the merchant has
    since changed. Otherwise (an export, a sandbox action) every call reports; ``cancel()``
    still stops them all. A runner deleted (with its window) stops its calls the same way.
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
        self._desk = _Desk()
        _desks.add(self._desk)
        self._desk.relay.succeeded.connect(self._on_succeeded)
        self._desk.relay.failed.connect(self._on_failed)
        # Not a method of this runner: it must run while the runner is being destroyed.
        self.destroyed.connect(self._desk.close)
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
        task = _Task(call, self._ticket, self._desk, self._describe)
        if self._latest_only:
            self._desk.stop(keep=self._ticket)
        self._pool.start(task)
        if not was_busy:
            self.busy_changed.emit(True)

    def cancel(self) -> None:
        """Stop every call still running: they end at their next wait, and report nowhere."""
        self._ticket += 1
        self._desk.stop()
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

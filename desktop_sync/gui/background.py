"""The one way the GUI runs short background work (a connection check, a CSV export, a sandbox
action): a call on a plain Python thread (``call_threads``) whose outcome comes back as a signal
on the GUI thread.

No Qt object is touched off the GUI thread: a call's thread leaves its outcome in the inbox (a
queue, and a byte on a socket pair to wake the GUI thread), and the GUI thread hands it to the
runner, if that runner still exists and still waits for it. A call that outlives its window,
or runs at Quit, so never reports on a deleted object.

The long-running sync has its own worker thread (``workers.py``); everything else goes here.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Signal

from desktop_sync.gui.call_threads import CallThreads, Outcome

__all__ = ["Describe", "TaskRunner", "gui_thread_inbox"]

log = logging.getLogger(__name__)

Describe = Callable[[Exception], str]
"""Turns what a call raised into the sentence the merchant reads."""


def _unexpected(exc: Exception) -> str:
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Try again; if it keeps "
        "happening, send the log file to support."
    )


class _Inbox(QObject):
    """The one relay: it lives on the GUI thread as long as the application. ``post`` (from
    any thread) is Qt-free; the GUI thread runs each posted report when the socket wakes it."""

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self._reports: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._bell, self._ring = socket.socketpair()
        self._bell.setblocking(False)
        self._ring.setblocking(False)
        self._notifier = QSocketNotifier(self._bell.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._deliver)

    def post(self, report: Callable[[], None]) -> None:
        self._reports.put(report)
        # Full: the GUI thread is woken already. Closed: the app has ended.
        with contextlib.suppress(OSError):
            self._ring.send(b"\0")

    def _deliver(self) -> None:
        with contextlib.suppress(OSError):  # raised once drained
            while self._bell.recv(4096):
                pass
        while True:
            try:
                report = self._reports.get_nowait()
            except queue.Empty:
                return
            try:
                report()
            except Exception:  # one report's trouble never holds back the others
                log.exception("A background call's outcome could not be shown")


_inbox: _Inbox | None = None


def gui_thread_inbox() -> _Inbox:
    """The application's inbox, made on first use (on the GUI thread, by a runner); its
    ``post`` may be called from any thread."""
    global _inbox
    if _inbox is None or not shiboken6.isValid(_inbox):
        _inbox = _Inbox()
    return _inbox


class TaskRunner(QObject):
    """Runs calls on their own threads; each result arrives as ``succeeded`` (the value) or
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
    ) -> None:
        super().__init__(parent)
        self._describe = describe
        self._latest_only = latest_only
        inbox = gui_thread_inbox()
        self._calls = CallThreads(lambda outcome: inbox.post(lambda: self._heard(outcome)))
        # Not a method of this runner: it must run while the runner is being destroyed.
        self.destroyed.connect(self._calls.close)
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
            self._calls.abandon()
        self._running.add(self._ticket)
        self._calls.start(self._ticket, call)
        if not was_busy:
            self.busy_changed.emit(True)

    def cancel(self) -> None:
        """Stop every call still running: they end at their next wait, and report nowhere."""
        self._ticket += 1
        self._calls.abandon()
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

    def _heard(self, outcome: Outcome) -> None:
        """On the GUI thread: ``outcome`` reaches the merchant if this runner still waits."""
        if not shiboken6.isValid(self) or not self._finish(outcome.ticket):
            return
        if outcome.error is None:
            self.succeeded.emit(outcome.value)
        else:
            self.failed.emit(self._sentence(outcome.error))

    def _sentence(self, exc: Exception) -> str:
        try:
            return self._describe(exc)
        except Exception:
            log.exception("A background task's error could not be described")
            return _unexpected(exc)

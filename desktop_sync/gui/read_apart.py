"""The window's journal reads that take a while over a big journal (the counters, Needs you,
every store's status, the Orders tab's page after a sync), made away from the GUI thread.

They run in turn on one long-lived plain Python thread, through the facade's ``read_apart`` (a
journal connection of its own). Starting a thread for each read made the GUI thread wait for
that thread to begin, 20-70 ms under load, hundreds of times in a sync (``Thread.start``
waits for it); handing a read to a thread that is already there is a queue's put.

No Qt object reaches the reading thread: it is given the read (the facade's method and plain
values) and a number; the answer comes back through the GUI thread's inbox
(``background.gui_thread_inbox``), where the number finds the ``ReadApart`` still waiting.
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

from desktop_sync.gui.background import gui_thread_inbox
from desktop_sync.gui.call_threads import Outcome

__all__ = ["ReadApart", "reads_done"]

log = logging.getLogger(__name__)

_numbers = itertools.count(1)
_waiting: dict[int, ReadApart] = {}
"""The reads on their way, by number; touched on the GUI thread only."""


class _ReadingThread:
    """One daemon thread making the reads handed to it, in turn; started by the first."""

    def __init__(self) -> None:
        self._work: queue.SimpleQueue[tuple[int, Callable[[], object]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._left = 0
        self._idle = threading.Condition()

    def read(self, number: int, call: Callable[[], object]) -> None:
        """On the GUI thread: ``call`` is made in turn; its outcome lands as ``number``."""
        inbox = gui_thread_inbox()  # made here, on the GUI thread, before any read lands
        with self._idle:
            self._left += 1
        self._work.put((number, functools.partial(_made, number, call, inbox.post)))
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="desktop-sync-reads", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            _number, make = self._work.get()
            make()
            del make
            with self._idle:
                self._left -= 1
                self._idle.notify_all()

    def done(self, timeout: float) -> bool:
        """True once every read handed over has been made (its answer posted), within
        ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._left == 0, timeout)


def _made(number: int, call: Callable[[], object], post: Callable[..., None]) -> None:
    try:
        outcome = Outcome(number, value=call())
    except Exception as exc:  # said on the GUI thread; the reading thread goes on
        outcome = Outcome(number, error=exc)
    post(functools.partial(_landed, outcome))


def _landed(outcome: Outcome) -> None:
    """On the GUI thread: the read's answer to its ``ReadApart``, if it still waits."""
    owner = _waiting.pop(outcome.ticket, None)
    if owner is not None and shiboken6.isValid(owner):
        owner._heard(outcome)


_reads = _ReadingThread()


def reads_done(timeout: float) -> bool:
    """True once every read handed to the reading thread has been made, within ``timeout``
    seconds (its answer lands when the GUI thread next runs its events)."""
    return _reads.done(timeout)


class ReadApart(QObject):
    """One kind of read, ``read(reader, *args)``, made through ``reader.read_apart`` on the reading
    thread; ``landed`` carries its answer on the GUI thread, ``failed`` the sentence of what it
    raised. Asked again while it reads, it reads once more when that read lands, with the
    last ask's arguments (the last answer is never older than the last ask, and a stream of
    asks still lands). A reader without ``read_apart`` (a stand-in) is read at once, here.
    ``read`` and ``args`` must hold no Qt object."""

    landed = Signal(object)
    failed = Signal(str)

    def __init__(
        self, reader: object, read: Callable[..., object], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._reader = reader
        self._read = read
        self._number: int | None = None
        self._again: tuple[object, ...] | None = None

    @property
    def reading(self) -> bool:
        return self._number is not None

    def start(self, *args: object) -> None:
        apart = getattr(self._reader, "read_apart", None)
        if not callable(apart):
            self.landed.emit(self._read(self._reader, *args))
        elif self._number is not None:
            self._again = args
        else:
            self._number = next(_numbers)
            _waiting[self._number] = self
            _reads.read(self._number, functools.partial(apart, _Given(self._read, args)))

    def cancel(self) -> None:
        """What is being read is already out of date: it lands nowhere."""
        self._again = None
        if self._number is not None:
            _waiting.pop(self._number, None)
            self._number = None

    def _heard(self, outcome: Outcome) -> None:
        self._number = None
        if outcome.error is None:
            self.landed.emit(outcome.value)
        else:
            log.warning("A journal read for the window failed: %s", outcome.error)
            self.failed.emit(str(outcome.error))
        again, self._again = self._again, None
        if again is not None:
            self.start(*again)


class _Given:
    """``read(reader, *args)`` as the facade's ``read_apart`` calls it: with the reader alone."""

    def __init__(self, read: Callable[..., object], args: tuple[object, ...]) -> None:
        self._read = read
        self._args = args

    def __call__(self, reader: object) -> object:
        return self._read(reader, *self._args)

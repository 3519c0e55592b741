"""Short background calls (a connection check, a name look-up, an export) on plain daemon
threads, with no Qt in them: Qt's own pool threads are foreign to Python, and a request
started from one on a Python thread crashed the interpreter under load.

Each call runs with its own stop flag bound (``DesktopSync.stop_on``). Abandoning a call
sets it: the call's requests and back-off waits raise ``Cancelled`` at once (the request's
helper thread is left to the server's answer or the process's end), and its outcome is
dropped. At Quit every call is abandoned; being daemon threads, none keeps the process alive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_sync.app.facade import DesktopSync

__all__ = ["CallThreads", "Outcome", "abandon_every_call", "calls_done"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """How one call ended: its ``value``, or the ``error`` it raised."""

    ticket: int
    value: object = None
    error: Exception | None = None


# One lock for every call's bookkeeping: an outcome is handed over under it, so once
# ``abandon`` returns, the calls it abandoned hand over nothing.
_lock = threading.Lock()
_running: dict[threading.Thread, threading.Event] = {}
"""Every call still running, in any owner, with its stop flag (for Quit)."""


class CallThreads:
    """The calls one owner (a window, a wizard page) has running; each outcome goes to
    ``deliver``, called on the call's own thread, unless the call was abandoned first."""

    def __init__(self, deliver: Callable[[Outcome], None]) -> None:
        self._deliver = deliver
        self._flags: dict[int, threading.Event] = {}
        self._open = True

    def start(self, ticket: int, call: Callable[[], object]) -> None:
        flag = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(ticket, call, flag), name="desktop-sync-call", daemon=True
        )
        with _lock:  # started under the lock: a thread in ``_running`` can be joined
            if not self._open:
                return
            self._flags[ticket] = flag
            _running[thread] = flag
            thread.start()

    def abandon(self) -> None:
        """Stop every call running; none of them hands over an outcome."""
        with _lock:
            for flag in self._flags.values():
                flag.set()

    def close(self) -> None:
        """The owner is gone: every call stops, and nothing more is started or handed over."""
        with _lock:
            self._open = False
            for flag in self._flags.values():
                flag.set()

    def _run(self, ticket: int, call: Callable[[], object], flag: threading.Event) -> None:
        outcome: Outcome | None = None  # none when the call raised more than an Exception
        try:
            with DesktopSync.stop_on(flag):
                outcome = Outcome(ticket, value=call())
        except Exception as exc:
            outcome = Outcome(ticket, error=exc)
        finally:
            with _lock:
                del self._flags[ticket]
                _running.pop(threading.current_thread(), None)
                if outcome is not None and self._open and not flag.is_set():
                    self._hand_over(outcome)

    def _hand_over(self, outcome: Outcome) -> None:
        try:
            self._deliver(outcome)
        except Exception:
            log.exception("A background call's outcome could not be handed over")


def abandon_every_call() -> None:
    """At Quit: every running call, in every owner, stops now and hands over nothing."""
    with _lock:
        for flag in _running.values():
            flag.set()


def calls_done(timeout: float) -> bool:
    """True once no call is running (every outcome handed over), within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        with _lock:
            threads = list(_running)
        if not threads:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        threads[0].join(left)

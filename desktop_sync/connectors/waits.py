"""Every wait a connector makes ends as soon as the sync is stopped, by raising ``Cancelled``.

The engine binds its stop flag to the thread that runs a cycle (``stop_on``), and the window
binds one to the thread of each connection check (``gui/call_threads.py``: a check abandoned
by an edit, a closed window or Quit); within it, the connectors' default ``sleep`` (rate-limit
pauses, back-off, 429 waits) is ``threading.Event.wait`` on that flag, and ``cancellable`` runs
a request on a helper thread so the caller walks away from a server that answers slowly instead
of waiting out its timeout (about 78 s for an Order Desk that never answers). Outside a bound
flag (the command line's checks, a test) both behave as plain calls.

The window's checks run on threads Python started, never on Qt's thread pool: helper threads
started from pool tasks crashed the interpreter under load.

A write cut short this way (after a short grace) has the outcome of any unconfirmed write:
the journal still says ``sending``, and the next attempt looks the order up before it sends it
again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from desktop_sync.connectors.errors import Cancelled

__all__ = ["bound_stop", "cancellable", "raise_if_stopped", "sleep", "stop_on"]

T = TypeVar("T")

# How often a caller whose request runs on a helper thread looks at the stop flag: one
# threading.Event cannot wake a wait on another, and 50 ms keeps Ctrl-C well inside 2 s.
_POLL = 0.05

_bound = threading.local()


@contextmanager
def stop_on(flag: threading.Event) -> Iterator[None]:
    """Within the block, this thread's connector waits and requests end when ``flag`` is set."""
    previous: threading.Event | None = getattr(_bound, "flag", None)
    _bound.flag = flag
    try:
        yield
    finally:
        _bound.flag = previous


def bound_stop() -> threading.Event | None:
    """The stop flag bound to this thread, if any."""
    flag: threading.Event | None = getattr(_bound, "flag", None)
    return flag


def raise_if_stopped() -> None:
    flag = bound_stop()
    if flag is not None and flag.is_set():
        raise Cancelled()


def sleep(seconds: float) -> None:
    """Wait ``seconds``, or raise ``Cancelled`` as soon as the bound stop flag is set."""
    flag = bound_stop()
    if flag is None:
        time.sleep(max(0.0, seconds))
    elif flag.wait(max(0.0, seconds)):
        raise Cancelled()


def cancellable(call: Callable[[], T], *, grace: float = 0.0) -> T:
    """``call()``, or ``Cancelled`` once the bound stop flag is set while it runs and
    ``grace`` more seconds have passed without it finishing.

    With a flag bound, ``call`` runs on a daemon thread that is left to finish on its own
    (the request's timeout bounds it) when the sync is stopped; its result is dropped. A
    write gets a ``grace``: on a server that answers at its usual speed it still finishes, so
    stopping leaves no change unconfirmed; on a slow one it is given up.
    """
    flag = bound_stop()
    if flag is None:
        return call()
    if flag.is_set():
        raise Cancelled()
    done = threading.Event()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the caller, who raises it on its own thread
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="desktop-sync-request", daemon=True).start()
    while not done.wait(_POLL):
        if flag.is_set() and not done.wait(grace):
            raise Cancelled(maybe_sent=True)
    if failure:
        raise failure[0]
    return outcome[0]

"""The Qt-free side of background calls (``gui/call_threads.py``): each call on its own daemon
thread, its outcome handed over once, or never when abandoned; none is left counted as
running, however it ended."""

from __future__ import annotations

import sys
import threading

import pytest

from desktop_sync.connectors.waits import sleep
from desktop_sync.gui.call_threads import CallThreads, Outcome, calls_done


def test_an_outcome_is_handed_over_once_from_the_calls_daemon_thread() -> None:
    heard: list[tuple[Outcome, bool]] = []
    calls = CallThreads(lambda outcome: heard.append((outcome, threading.current_thread().daemon)))
    calls.start(1, lambda: 42)
    calls.start(2, lambda: {}["missing"])
    assert calls_done(5.0)
    by_ticket = {outcome.ticket: (outcome, daemon) for outcome, daemon in heard}
    assert by_ticket[1] == (Outcome(1, value=42), True)
    assert isinstance(by_ticket[2][0].error, KeyError)
    assert len(heard) == 2


def test_an_abandoned_call_stops_its_wait_at_once_and_hands_nothing_over() -> None:
    heard: list[Outcome] = []
    calls = CallThreads(heard.append)
    waiting = threading.Event()

    def waits_an_hour() -> None:
        waiting.set()
        sleep(3600)  # a connector's wait: ends with Cancelled once the call's flag is set

    calls.start(1, waits_an_hour)
    assert waiting.wait(5.0)
    calls.abandon()
    assert calls_done(2.0)
    assert heard == []


# The thread itself ends on it, as any thread does: pytest reports that, which is expected here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_call_that_raises_more_than_an_exception_is_not_left_running() -> None:
    heard: list[Outcome] = []
    calls = CallThreads(heard.append)
    calls.start(1, lambda: sys.exit(3))  # a thread ends quietly on SystemExit
    assert calls_done(5.0)
    assert heard == []


def test_a_closed_owner_starts_nothing_more() -> None:
    heard: list[Outcome] = []
    calls = CallThreads(heard.append)
    calls.close()
    calls.start(1, lambda: 42)
    assert calls_done(1.0)
    assert heard == []

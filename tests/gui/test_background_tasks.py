"""Background work ends when nobody waits for it any more (issue 21 item 13), on an Order Desk
on 127.0.0.1 that takes every request and never answers: a check whose window closes, whose
runner is deleted, or that is cancelled or superseded, stops its request at once and says
nothing; no exception is raised anywhere, on any thread, late or not. And a Qt object is
never freed on a call's thread (Python's collector runs on the GUI thread only)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.profile import Profile
from desktop_sync.app.wiring import verify_orderdesk
from desktop_sync.gui.call_threads import calls_done
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.verify import VerifyRunner
from tests.gui.conftest import BIGCOMMERCE_TOKEN, ORDERDESK_API_KEY, ORDERDESK_STORE_ID
from tests.gui.silent_orderdesk import SilentOrderDesk, silent_orderdesk
from tests.gui.test_needs_you import window_on
from tests.gui.test_wizard import make_wizard

__all__ = ["silent_orderdesk"]  # a fixture, used by name

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]

# A stopped check ends within the connectors' 50 ms look at its stop flag; one left running
# would wait out its timeouts (about 78 s).
ENDS_WITHIN_S = 2.0


@pytest.fixture
def raised_anywhere(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Everything raised and not caught during the test: in a slot (Qt's handler), on any
    thread, or where Python can only call it unraisable (a signal on a deleted object)."""
    raised: list[str] = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: raised.append(f"thread: {args.exc_value!r}")
    )
    monkeypatch.setattr(
        sys, "unraisablehook", lambda args: raised.append(f"unraisable: {args.exc_value!r}")
    )
    with qtbot.captureExceptions() as in_slots:
        yield raised
    raised.extend(f"slot: {exc!r}" for _, exc, _ in in_slots)


def _hanging_check(server: SilentOrderDesk) -> functools.partial[Any]:
    return functools.partial(
        verify_orderdesk, ORDERDESK_STORE_ID, ORDERDESK_API_KEY, server.api_url
    )


@pytest.fixture
def hanging_window(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk, closed_port_url: str, reader: DesktopSync
) -> Iterator[MainWindow]:
    """A window whose Order Desk never answers (and whose store is unreachable)."""
    profile = Profile(
        orderdesk_store_id=ORDERDESK_STORE_ID,
        orderdesk_api_key=ORDERDESK_API_KEY,
        orderdesk_api_url=silent_orderdesk.api_url,
        store_platform="bigcommerce",
        store_url=closed_port_url,
        store_key=BIGCOMMERCE_TOKEN,
    )
    yield from window_on(profile, reader, qtbot)


def test_closing_the_window_while_its_name_look_up_hangs_ends_it_and_nothing_comes_late(
    qtbot: QtBot,
    hanging_window: MainWindow,
    silent_orderdesk: SilentOrderDesk,
    raised_anywhere: list[str],
) -> None:
    # The window looks up the Order Desk store's name at start: ``/test`` first.
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)

    hanging_window.close()  # no tray: closing is Quit
    qtbot.waitUntil(lambda: not hanging_window.controller.is_alive(), timeout=5000)
    assert calls_done(ENDS_WITHIN_S), "the look-up still runs after the window closed"
    QCoreApplication.processEvents()  # anything a look-up posted is delivered now

    assert hanging_window.isHidden()
    assert raised_anywhere == []
    assert silent_orderdesk.count("/test") == 1  # not tried again after the stop


def test_a_runner_deleted_while_its_check_hangs_stops_it_and_nothing_raises(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk, raised_anywhere: list[str]
) -> None:
    owner = QWidget()
    runner = VerifyRunner(owner)
    heard: list[object] = []
    runner.succeeded.connect(heard.append)
    runner.failed.connect(heard.append)
    runner.start(_hanging_check(silent_orderdesk))
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
    del runner
    shiboken6.delete(owner)  # the window closed: the runner goes with it

    assert calls_done(ENDS_WITHIN_S)
    QCoreApplication.processEvents()  # anything the call posted is delivered now
    assert raised_anywhere == []
    assert heard == []
    assert silent_orderdesk.count("/test") == 1  # not tried again after the stop


def test_an_edit_during_a_hanging_verify_stops_it(
    qtbot: QtBot, silent_orderdesk: SilentOrderDesk, raised_anywhere: list[str]
) -> None:
    page = make_wizard(qtbot).orderdesk_page
    page.store_id.setText(ORDERDESK_STORE_ID)
    page.api_key.setText(ORDERDESK_API_KEY)
    page.api_url.setText(silent_orderdesk.api_url)

    page.verify_row.button.click()
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
    page.api_key.setText(ORDERDESK_API_KEY + "x")  # its answer would be for the old key

    assert calls_done(ENDS_WITHIN_S)
    QCoreApplication.processEvents()
    assert page.verify_row.status.text() == "Not verified"
    assert not page.runner.busy and page.store_info is None
    assert raised_anywhere == []


def test_a_new_check_stops_the_one_still_hanging_and_only_the_new_one_reports(
    qtbot: QtBot,
    silent_orderdesk: SilentOrderDesk,
    closed_port_url: str,
    raised_anywhere: list[str],
) -> None:
    runner = VerifyRunner()
    heard: list[object] = []
    runner.succeeded.connect(heard.append)
    runner.failed.connect(heard.append)
    runner.start(_hanging_check(silent_orderdesk))
    qtbot.waitUntil(lambda: silent_orderdesk.count("/test") == 1, timeout=10_000)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed:
        runner.start(
            functools.partial(
                verify_orderdesk, ORDERDESK_STORE_ID, ORDERDESK_API_KEY, closed_port_url
            )
        )
    assert calls_done(ENDS_WITHIN_S)
    QCoreApplication.processEvents()
    assert heard == [failed.args[0]]  # the unreachable one; the first says nothing
    assert silent_orderdesk.count("/test") == 1
    assert raised_anywhere == []


def test_calls_run_on_python_threads_never_on_qt_pool_threads(qtbot: QtBot) -> None:
    runner = VerifyRunner()
    with qtbot.waitSignal(runner.succeeded, timeout=5000) as answered:
        runner.start(lambda: threading.current_thread())
    thread = answered.args[0]
    # A thread Python started (Qt's would be a "dummy" thread to Python), and a daemon: it
    # never holds the process at Quit.
    assert not isinstance(thread, threading._DummyThread)
    assert thread.daemon


# The app as it starts (``application()``), with a Qt object left in a reference cycle: a
# check's thread drops the last reference and then allocates (as building an HTTP client
# does). Python would collect the cycle, and so destroy the Qt object, on that thread.
FREED_WHERE = """
import threading
import weakref

from PySide6.QtCore import QObject, QTimer

from desktop_sync.gui.app import application

app = application()
freed_on = []
box = [QObject()]
box[0].itself = box[0]  # a cycle: only a collection frees it
watch = weakref.ref(box[0], lambda _: freed_on.append(threading.current_thread().name))
kept = []


def check():
    box.clear()
    kept.extend([] for _ in range(500_000))


worker = threading.Thread(target=check, name="check")
worker.start()
worker.join()
QTimer.singleShot(2500, app.quit)  # more than one round of the GUI thread's collector
app.exec()
print(",".join(freed_on))
"""


def test_a_qt_object_left_in_a_cycle_is_freed_on_the_gui_thread_never_on_a_checks() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", FREED_WHERE],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "MainThread"

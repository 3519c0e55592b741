"""Issue 21 item 13: Quit while a connection check hangs on Order Desk. The window went at once,
but the process stayed until the check's timeouts ran out (about 78 s), then printed
``RuntimeError: Signal source has been deleted``. The app runs as a process, offscreen, against
an Order Desk on 127.0.0.1 that takes every request and never answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gui.silent_orderdesk import SilentOrderDesk, silent_orderdesk

__all__ = ["silent_orderdesk"]  # a fixture, used by name

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]

# The app as the merchant starts it (``desktop-sync``), told what to do by lines on stdin:
# "reconnect" opens Reconnect and verifies a new Order Desk key, "quit" chooses File > Quit;
# without a profile, "set-up URL" verifies Order Desk at URL in the first-run wizard, and
# "cancel-set-up" cancels the wizard and discards what was typed.
APP = """
import sys
from typing import Any

import keyring
from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from desktop_sync.cli import main
from desktop_sync.gui.app import application
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.wizard import FirstRunWizard
from tests.memory_keyring import MemoryKeyring

keyring.set_keyring(MemoryKeyring())
application()


def shown(kind: type) -> Any:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, kind))


def set_up(url: str) -> None:
    wizard = next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunWizard)), None
    )
    if wizard is None or not wizard.isVisible():  # not shown yet: once it is
        QTimer.singleShot(50, lambda: set_up(url))
        return
    page = wizard.orderdesk_page
    page.store_id.setText("100001")
    page.api_key.setText("od-key-3f9a1c7e5b")
    page.api_url.setText(url)
    page.verify_row.button.click()


def do_as_told() -> None:
    word, _, url = sys.stdin.readline().strip().partition(" ")
    if not word:  # stdin closed
        told.setEnabled(False)
    elif word == "reconnect":
        window = shown(MainWindow)
        window.reconnect()
        page = window.dialogs[-1].orderdesk_page
        page.api_key.setText("od-key-new-5b3f9a1c7e")
        page.verify_row.button.click()
    elif word == "set-up":
        set_up(url)
    elif word == "quit":
        shown(MainWindow).quit_action.trigger()
        print("quit chosen", flush=True)
    elif word == "cancel-set-up":
        wizard = shown(FirstRunWizard)
        wizard.reject()  # "Discard this setup?"
        next(b for b in wizard.discard_box.buttons() if b.text() == "Discard").click()
        print("quit chosen", flush=True)


told = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
told.activated.connect(do_as_told)
sys.exit(main(["gui"]))
"""

# Most of the exit is the interpreter's own; "a few seconds" leaves room for a busy machine.
QUIT_WITHIN_S = 5.0


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


# What Qt's offscreen platform (the tests' stand-in for a screen) says of itself.
OFFSCREEN_NOTICES = ("This plugin does not support",)


def _said(stderr: str) -> list[str]:
    """The app's own lines on stderr (a traceback, a warning), the offscreen notices aside."""
    return [
        line
        for line in stderr.splitlines()
        if line.strip() and not line.startswith(OFFSCREEN_NOTICES)
    ]


def _run_app(home: Path, profile: dict[str, str]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        **profile,
        "QT_QPA_PLATFORM": "offscreen",
        "DESKTOP_SYNC_HOME": str(home),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-c", APP],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _tell(app: subprocess.Popen[str], word: str) -> None:
    assert app.stdin is not None
    app.stdin.write(word + "\n")
    app.stdin.flush()


@pytest.mark.parametrize(
    "hanging", ["the window's name look-up", "Reconnect's Verify", "the first-run Verify"]
)
def test_quit_while_an_orderdesk_check_hangs_ends_the_process_within_seconds(
    hanging: str, silent_orderdesk: SilentOrderDesk, tmp_path: Path, closed_port_url: str
) -> None:
    first_run = hanging == "the first-run Verify"
    profile = {
        "ORDERDESK_API_URL": silent_orderdesk.api_url,
        "ORDERDESK_STORE_ID": "100001",
        "ORDERDESK_API_KEY": "od-key-3f9a1c7e5b",
        "STORE_PLATFORM": "bigcommerce",
        "STORE_URL": closed_port_url.removesuffix("/api/v2"),
        "STORE_KEY": "bc-token-8d2e6f0a4c",
    }
    app = _run_app(tmp_path / "app-home", {} if first_run else profile)
    try:
        if first_run:
            _tell(app, "set-up " + silent_orderdesk.api_url)
        # The window looks up the Order Desk store's name at start: ``/test`` first (or the
        # first-run wizard's Verify does).
        checks = 1
        assert _wait_for(lambda: silent_orderdesk.count("/test") >= checks, 60), (
            silent_orderdesk.requests
        )
        if hanging == "Reconnect's Verify":
            _tell(app, "reconnect")
            checks = 2
            assert _wait_for(lambda: silent_orderdesk.count("/test") >= checks, 30), (
                silent_orderdesk.requests
            )
        _tell(app, "cancel-set-up" if first_run else "quit")
        quit_at = time.monotonic()
        try:
            out, err = app.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            out, err = app.communicate()
        took = time.monotonic() - quit_at
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert "quit chosen" in out
    assert _said(err) == [], err
    assert app.returncode == 0, err
    assert took < QUIT_WITHIN_S, f"the process stayed {took:.1f} s after Quit"
    # Each hanging check was sent once: none was tried again while the app was ending.
    assert silent_orderdesk.count("/test") == checks, silent_orderdesk.requests


# A task still running when the interpreter ends: PySide deletes every QObject Python owns,
# then the application, whose end waits for the thread pool; the task then ends and reports.
OUTLIVED = """
import sys
import threading

from PySide6.QtWidgets import QApplication

from desktop_sync.gui.background import TaskRunner

app = QApplication(sys.argv[:1])
runner = TaskRunner(latest_only=False)
runner.start(lambda: threading.Event().wait(1.0))
sys.exit(0)
"""


def test_a_task_that_outlives_its_runner_at_exit_reports_on_nothing_deleted() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", OUTLIVED], capture_output=True, text=True, timeout=60, env=env
    )
    assert "RuntimeError" not in done.stderr, done.stderr
    assert "Signal source has been deleted" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr

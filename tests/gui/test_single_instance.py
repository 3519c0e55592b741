"""One app per profile: the first start listens, a second start hands over and exits."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_sync.gui.single_instance import SingleInstance, instance_key

ROOT = Path(__file__).resolve().parents[2]


def _unique_key() -> str:
    # Local server names are global to the machine: never share one with another test run.
    return f"desktop-sync-test-{uuid.uuid4().hex[:16]}"


def test_first_start_listens_for_later_ones(qtbot: QtBot) -> None:
    first = SingleInstance(_unique_key())
    try:
        assert first.start() is True
        assert first.listening
    finally:
        first.close()


def test_second_start_in_process_finds_the_first_and_asks_it_to_show(qtbot: QtBot) -> None:
    key = _unique_key()
    first = SingleInstance(key)
    # The first instance's event loop cannot answer while the second waits in this same
    # thread, so the second does not wait for the reply here.
    second = SingleInstance(key, reply_timeout_ms=0)
    try:
        assert first.start()
        with qtbot.waitSignal(first.activation_requested, timeout=5000):
            assert second.start() is False
        assert not second.listening
    finally:
        first.close()
        second.close()


def test_second_process_hands_over_and_exits_zero(qtbot: QtBot) -> None:
    key = _unique_key()
    first = SingleInstance(key)
    assert first.start()
    script = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop_sync.gui.single_instance import SingleInstance\n"
        "app = QCoreApplication(sys.argv)\n"
        f"sys.exit(0 if not SingleInstance({key!r}).start() else 3)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=15000):
            second = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)
        # The first instance answered while waitSignal ran its event loop; the second ends.
        assert second.wait(timeout=15) == 0
    finally:
        first.close()


def test_a_closed_instance_lets_the_next_start_become_first(qtbot: QtBot) -> None:
    key = _unique_key()
    first = SingleInstance(key)
    assert first.start()
    first.close()
    again = SingleInstance(key)
    try:
        assert again.start() is True
    finally:
        again.close()


def test_key_depends_on_profile_and_user(tmp_path: Path) -> None:
    one = instance_key(tmp_path / "a", user="alice")
    assert one == instance_key(tmp_path / "a", user="alice")
    assert one != instance_key(tmp_path / "b", user="alice")
    assert one != instance_key(tmp_path / "a", user="bob")
    assert one.startswith("desktop-sync-") and len(one) < 64


def test_default_key_follows_the_profile_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    here = instance_key()
    monkeypatch.setenv("DESKTOP_SYNC_HOME", str(tmp_path / "other"))
    assert instance_key() != here


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave nothing behind")
def test_a_socket_left_by_a_crash_does_not_block_the_next_start(qtbot: QtBot) -> None:
    import socket

    from PySide6.QtCore import QDir

    key = _unique_key()
    path = Path(QDir.tempPath()) / key
    # What a killed instance leaves: the socket file, with nobody listening.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()
    assert path.exists()
    first = SingleInstance(key)
    try:
        assert first.start() is True
        assert first.listening
    finally:
        first.close()


def test_starting_the_app_again_brings_the_first_forward_and_exits_zero(
    qtbot: QtBot, isolated_profile: Path
) -> None:
    # The running app holds the default key of this profile, as run_gui does.
    first = SingleInstance()
    assert first.start()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        with qtbot.waitSignal(first.activation_requested, timeout=15000):
            second = subprocess.Popen([sys.executable, "-m", "desktop_sync"], cwd=ROOT, env=env)
        assert second.wait(timeout=15) == 0
    finally:
        first.close()

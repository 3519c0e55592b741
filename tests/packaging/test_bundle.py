"""Smoke test of the built app (packaging/build_linux.sh): it starts, answers --version, syncs
the sandbox headless, and opens its window on the demo, all from the bundle alone.

Runs only when the bundle exists: ``DESKTOP_SYNC_BUNDLE`` names its program, else
``dist/desktop-sync/desktop-sync`` is used. CI builds it first (see .ci/run).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_sync import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(
    os.environ.get("DESKTOP_SYNC_BUNDLE", ROOT / "dist" / "desktop-sync" / "desktop-sync")
)
VENV_CLI = [sys.executable, "-m", "desktop_sync"]

# Named explicitly (as CI does), a missing bundle is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    "DESKTOP_SYNC_BUNDLE" not in os.environ and not BUNDLE.is_file(),
    reason=f"no built bundle at {BUNDLE} (run packaging/build_linux.sh)",
)


def _wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def _clean_env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        # The bundle must not lean on this checkout's Python or Qt.
        if not k.startswith(("ORDERDESK_", "STORE_", "PYTHON", "QT_", "VIRTUAL_ENV"))
    }
    env["DESKTOP_SYNC_HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _bundle(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUNDLE), *args], env=env, capture_output=True, text=True, timeout=timeout, cwd="/"
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``desktop-sync sandbox`` from the venv; the environment it prints, for the bundle."""
    home = tmp_path / "sandbox-home"
    env_file = tmp_path / "sandbox.env"
    process = subprocess.Popen(
        [*VENV_CLI, "sandbox", "--env-file", str(env_file)],
        env=_clean_env(home),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: env_file.exists() or process.poll() is not None, 60, "the sandbox")
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        values: dict[str, str] = {}
        for line in env_file.read_text(encoding="utf-8").splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            values[name] = value.strip("'")
        yield values
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_bundle_answers_version(tmp_path: Path) -> None:
    result = _bundle("--version", env=_clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"desktop-sync {__version__}"


def test_bundle_carries_the_qt_plugins_for_tray_and_svg_icons() -> None:
    plugins = BUNDLE.parent / "_internal" / "PySide6" / "Qt" / "plugins"
    for plugin in (
        "imageformats/libqsvg.so",
        "iconengines/libqsvgicon.so",
        "platforms/libqxcb.so",
        "platforms/libqwayland.so",
        "platforms/libqoffscreen.so",
    ):
        assert (plugins / plugin).is_file(), plugin
    resources = BUNDLE.parent / "_internal" / "desktop_sync" / "resources"
    assert (resources / "app-icon.svg").is_file() and (resources / "tray-ok.svg").is_file()


def test_bundle_holds_each_platforms_keyring_backend() -> None:
    viewer = Path(sys.executable).parent / "pyi-archive_viewer"
    if not viewer.exists():
        pytest.skip("PyInstaller is not installed in this environment")
    listing = subprocess.run(
        [str(viewer), "--recursive", "--brief", str(BUNDLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    for module in (
        "keyring.backends.SecretService",
        "keyring.backends.kwallet",
        "keyring.backends.Windows",
        "secretstorage",
        "jeepney.io.blocking",
        "desktop_sync.gui.app",
        "desktop_sync_sandbox.demo",
        "desktop_sync_sandbox.admin",
    ):
        assert module in listing, module


KEYRING_SESSION = """
export XDG_DATA_HOME="$(mktemp -d)"
eval "$(printf any-password | gnome-keyring-daemon --unlock --components=secrets)"
"$0" doctor
"""


def test_bundle_uses_the_desktops_keyring(tmp_path: Path) -> None:
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon (apt: dbus gnome-keyring)")
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", KEYRING_SESSION, str(BUNDLE)],
        env=_clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    backend = json.loads(result.stdout)["keyring"]
    assert backend == "keyring.backends.SecretService.Keyring", backend


def test_bundle_syncs_the_sandbox_both_ways(tmp_path: Path, sandbox: dict[str, str]) -> None:
    env = {**_clean_env(tmp_path / "home"), **sandbox}
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert _bundle("backfill", "--since", today, env=env).returncode == 0

    first = _bundle("sync", "--once", "--json", env=env)
    assert first.returncode == 0, first.stderr
    pushed = json.loads(first.stdout.strip().splitlines()[-1])
    assert pushed["pushed"] >= 1 and pushed["failed"] == 0, pushed

    ship = subprocess.run(
        [*VENV_CLI, "sandbox", "ship"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert ship.returncode == 0, ship.stderr

    second = _bundle("sync", "--once", "--json", env=env)
    assert second.returncode == 0, second.stderr
    pulled = json.loads(second.stdout.strip().splitlines()[-1])
    assert pulled["fulfillments_created"] == 1, pulled


def test_bundle_opens_the_app_on_the_demo_and_syncs(tmp_path: Path) -> None:
    env = _clean_env(tmp_path / "home")
    env["TMPDIR"] = str(tmp_path)  # the demo's throwaway profile lands here, where we can look
    process = subprocess.Popen(
        [str(BUNDLE), "--demo"],
        env=env,
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def sent_orders() -> int:
        if process.poll() is not None:
            raise AssertionError(f"the app ended early: {process.stderr and process.stderr.read()}")
        for journal in tmp_path.glob("desktop-sync-demo-*/data/journal.sqlite3"):
            try:
                conn = sqlite3.connect(f"{journal.as_uri()}?mode=ro", uri=True)
                try:
                    row = conn.execute("SELECT count(*) FROM orders WHERE state = 'sent'")
                    return int(row.fetchone()[0])
                finally:
                    conn.close()
            except sqlite3.Error:
                return 0  # still being created
        return 0

    try:
        # The window is up and its background sync has sent the demo's orders.
        _wait_for(lambda: sent_orders() > 0, 90, "the demo's first orders to be sent")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

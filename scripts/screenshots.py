"""Screenshots for the docs: the setup wizard's pages (prefilled with the demo sandbox's keys and
verified) and the main window during a demo sync, then as a merchant meets it on a bad day: both
servers down, recovering, paused in the middle of a burst, a long backfill in progress, and the
window at its minimum size. Saved to docs/screenshots/.

Run under a real X server with a window manager and a tray, e.g. (see /work/shared/TESTING.md):
    Xvfb :57 -screen 0 1280x800x24 & export DISPLAY=:57; openbox & trayer &
    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A throwaway profile home before anything reads the paths: no real settings are touched.
os.environ["DESKTOP_SYNC_HOME"] = tempfile.mkdtemp(prefix="desktop-sync-shots-")

from desktop_sync.app.demo import demo_profile  # noqa: E402
from desktop_sync.app.secrets import MemorySecretStore  # noqa: E402
from desktop_sync.engine.events import Health  # noqa: E402
from desktop_sync.gui.app import GuiSession, application, leave  # noqa: E402
from desktop_sync.gui.main_window import MainWindow  # noqa: E402
from desktop_sync.gui.wizard import FirstRunWizard  # noqa: E402
from desktop_sync_sandbox.demo import DemoSandbox  # noqa: E402
from desktop_sync_sandbox.server import Fault  # noqa: E402


def wait_for(signal: SignalInstance, timeout_ms: int = 20_000) -> bool:
    """Run the event loop until ``signal`` fires; False on timeout."""
    fired: list[bool] = []
    loop = QEventLoop()

    def done(*_: object) -> None:
        fired.append(True)
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(done)
    return bool(fired)


def wait_until(condition: Callable[[], bool], what: str, timeout_ms: int = 60_000) -> None:
    """Run the event loop until ``condition`` holds."""
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            message = f"Timed out waiting for {what}; the window said: {said()}"
            print(message, file=sys.stderr, flush=True)
            raise SystemExit(message)
        settle(50)
        waited += 50


def said() -> str:
    window = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)
    if window is None:
        return "(no window)"
    dashboard = window.dashboard
    return f"{dashboard.activity.text()!r} / {dashboard.banner_text.text()!r}"


def settle(ms: int = 300) -> None:
    """Let layouts, repaints and queued signals finish before a grab."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, target: Path) -> None:
    settle()
    if not widget.grab().save(str(target)):
        raise SystemExit(f"Could not write {target}")
    print(f"saved {target}")


def verified(start: Callable[[], None], succeeded: SignalInstance, what: str) -> None:
    start()
    if not wait_for(succeeded):
        raise SystemExit(f"The sandbox {what} did not verify in time")


def wizard_shots(sandbox: DemoSandbox, out: Path) -> None:
    wizard = FirstRunWizard(MemorySecretStore(), prefill=demo_profile(sandbox))
    wizard.resize(720, 580)
    wizard.show()
    page = wizard.orderdesk_page
    verified(page.verify, page.runner.succeeded, "Order Desk")
    page.verify_row.setFocus()  # no selected text in the picture
    page.store_id.deselect()
    grab(wizard, out / "wizard-orderdesk.png")
    wizard.next()
    grab(wizard, out / "wizard-folder.png")
    wizard.next()
    store = wizard.store_page
    verified(store.verify, store.runner.succeeded, "store")
    store.verify_row.setFocus()
    grab(wizard, out / "wizard-store.png")
    wizard.hide()
    wizard.deleteLater()


def dashboard_shot(session: GuiSession, out: Path) -> None:
    assert isinstance(session.sandbox, DemoSandbox)
    sandbox = session.sandbox
    if not session.open_journal():
        raise SystemExit("The demo journal could not be opened")
    window = session.show()
    window.resize(1100, 760)
    controller = window.controller
    if not wait_for(controller.cycle_finished):
        raise SystemExit("The first demo sync did not finish in time")
    # The merchant's warehouse ships three orders; the next sync sends their tracking back.
    for _ in range(3):
        sandbox.ship_an_order()
    sandbox.add_store_order()
    window.sync_now()
    if not wait_for(controller.cycle_finished):
        raise SystemExit("The second demo sync did not finish in time")
    window.log_model.refresh()
    grab(window, out / "dashboard.png")
    bad_day_shots(window, sandbox, out)


def sync_and_wait(window: MainWindow) -> None:
    window.sync_now()
    if not wait_for(window.controller.cycle_finished, 90_000):
        raise SystemExit("A demo sync did not finish in time")
    settle(500)


def sending_at_least(window: MainWindow, done: int) -> bool:
    words = window.dashboard.activity.text().split()
    return len(words) > 1 and words[0] == "Sending" and words[1].isdigit() and int(words[1]) >= done


def backfill_shown(window: MainWindow) -> bool:
    """Well into reading a long backlog from the store, or sending it."""
    text = window.dashboard.activity.text()
    found = text.removeprefix("Reading the store: ").split(" ")[0]
    return sending_at_least(window, 30) or (found.isdigit() and int(found) >= 150)


def bad_day_shots(window: MainWindow, sandbox: DemoSandbox, out: Path) -> None:
    controller = window.controller
    # Both servers down: each card says so, cycle after cycle.
    for emulator in sandbox.emulators:
        emulator.faults.set_rates({Fault.SERVER_ERROR: 1.0})
    for _ in range(2):
        sync_and_wait(window)
    grab(window, out / "both-servers-down.png")
    # They come back: the banner clears and the log says so.
    for emulator in sandbox.emulators:
        emulator.faults.clear()
    sync_and_wait(window)
    grab(window, out / "recovering.png")
    # A burst of 60 orders with a slow Order Desk; Pause in the middle of it.
    sandbox.store.add_sample_orders(60)  # type: ignore[union-attr]
    sandbox.orderdesk.faults.delay = 0.15
    sandbox.orderdesk.faults.inject(Fault.DELAY, 1000, method="POST", path="orders")
    window.sync_now()
    wait_until(lambda: sending_at_least(window, 12), "the burst to start")
    window.dashboard.pause_button.click()
    if not wait_for(controller.cycle_finished, 60_000):
        raise SystemExit("The paused burst did not stop in time")
    wait_until(lambda: controller.health is Health.PAUSED, "the pause")
    grab(window, out / "paused-mid-burst.png")
    # A long backfill: 400 orders, read and sent one by one, shown while it runs.
    sandbox.store.add_sample_orders(300)  # type: ignore[union-attr]
    window.dashboard.pause_button.click()  # Resume
    wait_until(lambda: backfill_shown(window), "the backfill to be under way", 120_000)
    grab(window, out / "backfill-in-progress.png")
    window.dashboard.pause_button.click()
    wait_for(controller.cycle_finished, 60_000)
    sandbox.orderdesk.faults.clear()
    # The smallest the window goes, with the attention panel and the banner showing.
    window.resize(window.minimumSize())
    settle(600)
    grab(window, out / "minimum-size.png")


def take(shots: Callable[[GuiSession, Path], None], argv: list[str] | None = None) -> int:
    """Run ``shots`` on a demo session, saving into --out (docs/screenshots by default)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    if app.platformName() == "offscreen":
        print("Note: offscreen Qt draws without the desktop's fonts; prefer xvfb-run.")
    session = GuiSession(demo=True)
    session.prepare_demo()
    try:
        shots(session, out)
    finally:
        QApplication.processEvents()
        leave(1, ended=session.close())  # a running sync thread must never be destroyed
    return 0


def all_shots(session: GuiSession, out: Path) -> None:
    assert isinstance(session.sandbox, DemoSandbox)
    wizard_shots(session.sandbox, out)
    dashboard_shot(session, out)


def main(argv: list[str] | None = None) -> int:
    return take(all_shots, argv)


if __name__ == "__main__":
    raise SystemExit(main())

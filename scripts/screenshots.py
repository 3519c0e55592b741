"""Screenshots for the docs: the setup wizard's pages (prefilled with the demo sandbox's keys and
verified) and the main window during a demo sync, saved to docs/screenshots/.

Run under a real X server, e.g.:
    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python scripts/screenshots.py
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

from desktop_sync.app.secrets import MemorySecretStore  # noqa: E402
from desktop_sync.gui.app import GuiSession, application  # noqa: E402
from desktop_sync.gui.wizard import FirstRunWizard  # noqa: E402
from desktop_sync.sandbox.demo import DemoSandbox  # noqa: E402


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


def settle(ms: int = 300) -> None:
    """Let layouts, repaints and queued signals finish before a grab."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, target: Path) -> None:
    settle()
    if not widget.grab().save(str(target)):
        raise SystemExit(f"Could not write {target}")
    print(f"saved {target.relative_to(ROOT)}")


def verified(start: Callable[[], None], succeeded: SignalInstance, what: str) -> None:
    start()
    if not wait_for(succeeded):
        raise SystemExit(f"The sandbox {what} did not verify in time")


def wizard_shots(sandbox: DemoSandbox, out: Path) -> None:
    wizard = FirstRunWizard(MemorySecretStore(), prefill=sandbox.profile())
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


def main(argv: list[str] | None = None) -> int:
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
        assert isinstance(session.sandbox, DemoSandbox)
        wizard_shots(session.sandbox, out)
        dashboard_shot(session, out)
    finally:
        session.close()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

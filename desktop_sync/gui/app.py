"""The GUI's entry point: the application object, the profile (or the setup wizard), then the
main window, the tray and the background sync; in demo mode, the sandbox behind all of it."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_sync import APP_DISPLAY_NAME, APP_NAME, __version__
from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.facade_types import (
    HOME_ENV,
    WINDOW,
    Journal,
    JournalError,
    KeyringUnavailable,
    MemorySecretStore,
    Profile,
    ProfileBusy,
    ProfileFolderUnusable,
    ProfileIncomplete,
    SecretStore,
    Settings,
)
from desktop_sync.gui.call_threads import abandon_every_call, calls_done
from desktop_sync.gui.collector import GuiThreadCollector
from desktop_sync.gui.icons import app_icon
from desktop_sync.gui.main_window import MainWindow
from desktop_sync.gui.single_instance import SingleInstance
from desktop_sync.gui.tray import SyncTray
from desktop_sync.gui.workers import SyncController

if TYPE_CHECKING:
    from desktop_sync.gui.wizard import FirstRunWizard
    from desktop_sync_sandbox.demo import DemoSandbox

__all__ = [
    "KEYS_FORGOTTEN",
    "GuiSession",
    "application",
    "keep_the_window_responsive",
    "leave",
    "run_gui",
    "saved_connection",
]

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The one QApplication, named and with its icon; the app lives on in the tray."""
    existing = QApplication.instance()
    # argparse has read our arguments; Qt must not (it takes `--platform shopify` for its own
    # platform plugin option and aborts), so it gets the program name alone.
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName("Desktop Sync")
    app.setApplicationName(APP_NAME)
    # No applicationDisplayName: Qt would append it to every window title ("Settings — Desktop
    # Sync for Order Desk"), doubling the main window's and cutting the dialogs' short.
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    if app.findChild(GuiThreadCollector) is None:  # Qt objects are never freed on other threads
        GuiThreadCollector(app)
    return app


def keep_the_window_responsive() -> None:
    """Interpreter settings for a window that shares the interpreter with a busy sync thread;
    call once start-up is done. Measured with benchmarks/gui_log_open.py.

    - Every C++-to-Python call Qt makes while painting (the log model's ``data()``, hundreds
      per repaint) must win the GIL back from the sync thread, and CPython hands it over only
      every "switch interval": 5 ms by default, which added up to stalls of 40-80 ms. At 1 ms
      the window waits at most that long per call.
    - Qt's bindings, the modules and the window are tens of thousands of long-lived objects;
      a full garbage collection walks them all with every thread stopped (50-170 ms pauses).
      Frozen after start-up, they are never scanned again; what the sync creates and drops is
      still collected as usual.
    """
    sys.setswitchinterval(0.001)
    gc.collect()
    gc.freeze()


KEYS_FORGOTTEN = "Your keys were kept for the last session only; enter them again."


def saved_connection(settings: Settings) -> Profile | None:
    """The saved connection (its first store, as saved) without its keys, when the settings
    name one; else None."""
    if not (settings.orderdesk_store_id and settings.store_platform and settings.store_url):
        return None
    return Profile(settings)


# After Quit, how long the app still waits for the sync thread, and for background calls (an
# export finishing its file), before leaving without them.
_LAST_WAIT_MS = 1000


class GuiSession:
    """Everything one run of the GUI owns, built in order and torn down in reverse."""

    def __init__(
        self,
        *,
        demo: bool = False,
        minimized: bool = False,
        platform: str = "bigcommerce",
        end_app: Callable[[], None] | None = None,
    ) -> None:
        self.demo = demo
        self.end_app = end_app
        """What the window's Quit calls last (default: ``QApplication.quit``)."""
        self.minimized = minimized
        self.demo_platform = platform
        self.app: DesktopSync | None = None
        """The facade on this profile: the window holds the profile's lock through it."""
        self.sandbox: DemoSandbox | None = None
        self.demo_home: Path | None = None
        """The demo's throwaway profile home, removed when the session closes."""
        self.profile: Profile | None = None
        self.secrets: SecretStore | None = None
        self.settings = Settings()
        self.journal: Journal | None = None
        self.controller: SyncController | None = None
        self.tray: SyncTray | None = None
        self.window: MainWindow | None = None

    # -- building ------------------------------------------------------------------------

    def prepare_demo(self) -> None:
        """Start the sandbox with a throwaway profile home, so no real settings are touched."""
        self.demo_home = Path(tempfile.mkdtemp(prefix="desktop-sync-demo-"))
        os.environ[HOME_ENV] = str(self.demo_home)
        self.sandbox, self.profile = DesktopSync.start_demo(self.demo_platform)
        self.secrets = DesktopSync.session_keys()  # the demo's keys live in memory only
        # The sandbox's whole connection (its keys aside) is saved in the throwaway home, as a
        # wizard would: Settings shows its real intervals, and a profile rebuilt from what
        # Settings saves still names both sandboxes.
        self.settings = self.profile.settings
        DesktopSync.save_settings(self.settings)

    def load(self) -> bool:
        """The saved profile, else the wizard; False when the merchant cancelled the setup."""
        self.settings = DesktopSync.load_settings()
        try:
            self.secrets = DesktopSync.keyring()
            self.profile = DesktopSync.read_profile(secrets=self.secrets, settings=self.settings)
            return True
        except ProfileIncomplete as exc:
            log.info("Setup needed: %s", exc)
        except KeyringUnavailable as exc:
            # The wizard asks again and offers to keep the keys for this session only.
            log.warning("No keyring: %s", exc)
            self.secrets = None
        return self.run_wizard()

    def make_wizard(self) -> FirstRunWizard:
        """The setup wizard, filled with what the settings still hold (everything but the keys)
        when only the keys are missing: they were kept for the last session only."""
        from desktop_sync.gui.wizard import FirstRunWizard

        prefill = saved_connection(self.settings)
        wizard = FirstRunWizard(
            self.secrets,
            prefill=prefill,
            notice=KEYS_FORGOTTEN if prefill is not None else "",
            resuming=prefill is not None,
            backfill_notice=self.backfill_notice if self.app is not None else None,
        )
        wizard.setWindowIcon(app_icon())
        return wizard

    def backfill_notice(self, profile: Profile, since: datetime) -> str:
        """The facade's word on a backfill from ``since`` for the wizard's ``profile`` (on
        the wizard's worker thread; nothing syncs while the first-run wizard is open)."""
        app = self.app
        if app is None:
            return ""
        app.use_profile(profile)
        return app.backfill_notice(since)

    def run_wizard(self) -> bool:
        wizard = self.make_wizard()
        wizard.exec()
        if wizard.saved_profile is None:
            return False
        self.profile = wizard.saved_profile
        self.secrets = wizard.secret_store
        self.settings = DesktopSync.load_settings()
        return True

    def claim(self) -> str | None:
        """Take this profile for the window (the facade and its lock); the sentence saying why
        not (another Desktop Sync holds it, a folder cannot be used), else None."""
        if self.app is not None:
            return None
        try:
            self.app = DesktopSync(driver=WINDOW)
        except (ProfileBusy, ProfileFolderUnusable) as exc:
            return str(exc)
        return None

    def open_journal(self) -> bool:
        """Open the facade's journal (on this, the GUI thread), saying in a box why not."""
        refusal = self.claim()
        if refusal is not None:
            QMessageBox.critical(None, APP_DISPLAY_NAME, refusal)
            return False
        assert self.app is not None
        try:
            self.journal = self.app.journal
        except JournalError as exc:
            QMessageBox.critical(None, APP_DISPLAY_NAME, str(exc))
            return False
        return True

    def make_controller(self, profile: Profile) -> SyncController:
        if self.app is not None:
            self.app.use_profile(profile)  # its keys never in a log, from here on
        else:
            DesktopSync.register_secrets(profile)
        return SyncController(
            profile,
            push_interval_seconds=profile.push_interval_seconds,
            pull_interval_seconds=profile.pull_interval_seconds,
            paused=self.settings.paused,
            # The window's engine comes from the facade, which holds the profile's lock.
            engine_factory=self.app.engine_factory if self.app is not None else None,
        )

    def show(self) -> MainWindow:
        assert self.app is not None and self.journal is not None and self.profile is not None
        self.tray = SyncTray()
        self.controller = self.make_controller(self.profile)
        window = MainWindow(
            self.app,  # the widgets read through the facade, never the journal itself
            self.controller,
            settings=self.settings,
            profile=self.profile,
            secrets=self.secrets,
            tray=self.tray,
            controller_factory=self.make_controller,
            backfill_notice=self.backfill_notice if self.app is not None else None,
            end_app=self.end_app,
        )
        self.window = window
        if self.app is not None:  # what earlier cycles found, until this window's first cycle
            status = self.app.status()
            window.dashboard.set_notices(status.attention, status.clock_message)
            self.tray.failing = window.dashboard.needs_attention
        if self.sandbox is not None:
            from desktop_sync.gui.demo_panel import DemoPanel

            window.set_demo_panel(DemoPanel(self.sandbox))
            window.setWindowTitle(f"{APP_DISPLAY_NAME} (demo)")
            window.log_view.order_link = None  # sandbox orders have no page on orderdesk.me
        if self.sandbox is None and isinstance(self.secrets, MemorySecretStore):
            window.dashboard.say_keys_are_for_this_session()
        self.tray.show()
        hidden = (self.minimized or self.settings.start_minimized) and SyncTray.available()
        if not hidden:
            window.show()
        keep_the_window_responsive()
        self.controller.start()
        return window

    # -- tearing down --------------------------------------------------------------------

    def close(self) -> bool:
        """Idempotent: the worker stops before the journal closes, the sandbox last. False
        when the sync thread is still in a call that would not end (the caller must then
        leave the process without destroying the thread)."""
        ended = True
        controllers = {self.controller}
        if self.window is not None:
            controllers |= {self.window.controller, *self.window.retired}
        if self.window is not None:
            self.window.log_model.stop_live()
        for controller in controllers:
            if controller is not None and not controller.shutdown(timeout_ms=_LAST_WAIT_MS):
                ended = False
        if self.tray is not None:
            self.tray.hide()
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        app, self.app = self.app, None
        if app is not None:
            app.close()  # the worker has stopped: the profile is free for another driver
        sandbox, self.sandbox = self.sandbox, None
        if sandbox is not None:
            sandbox.stop()
        home, self.demo_home = self.demo_home, None
        if home is not None and ended:  # a sync thread left running may still write there
            shutil.rmtree(home, ignore_errors=True)
        return ended


def run_gui(*, demo: bool = False, minimized: bool = False, platform: str = "bigcommerce") -> int:
    """Run the app until the merchant quits; the process exit code."""
    app = application()
    problems = [] if demo else DesktopSync.check_profile_folders()
    if problems:  # said in a box: a window started from a menu has no terminal to say it in
        QMessageBox.critical(None, APP_DISPLAY_NAME, str(problems[0]))
        return 2
    # One app per profile: a second start asks the first to show itself and leaves. The demo
    # runs on a throwaway profile, so it never collides with the merchant's own app.
    instance = SingleInstance()
    if not demo and not instance.start():
        return 0
    # Quit ends the event loop as it is: QApplication.quit() would first close every window,
    # and an open Reconnect wizard asking "Discard this setup?" would cancel the quit, leaving
    # a process with no window and no tray icon.
    session = GuiSession(demo=demo, minimized=minimized, platform=platform, end_app=app.exit)
    code = 1
    try:
        if demo:
            session.prepare_demo()
        # Before the wizard: a merchant is told at once that a command holds the profile.
        refusal = session.claim()
        if refusal is not None:
            QMessageBox.critical(None, APP_DISPLAY_NAME, refusal)
            return 2
        if not demo and not session.load():
            return 0
        if not session.open_journal():
            return 2
        window = session.show()
        instance.activation_requested.connect(window.bring_to_front)
        code = int(app.exec())
    finally:
        instance.close()
        # Before the journal closes: a connection check still waiting on a server ends now and
        # says nothing (its request's thread, a daemon, ends with the process).
        abandon_every_call()
        calls_done(_LAST_WAIT_MS / 1000)
        # Also on the way out of an exception: a running QThread must never be destroyed.
        leave(code, ended=session.close())
    return code


def leave(code: int, *, ended: bool) -> int:
    """``code``, or, when the sync thread is still running, the process ends here: a QThread
    destroyed while it runs aborts the process, so it leaves without destructors. The journal
    commits every step, so this is no worse than a power cut, which it survives."""
    if not ended:
        log.error("The sync thread did not stop in time; leaving it behind")
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code

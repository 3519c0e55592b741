"""What the drivers do around a sync, as part of the facade (``app.facade.DesktopSync``): the
saved settings and keys, the platforms on offer, checking a connection before it is saved,
start at login, the log and support's report, the demo, and the scheduler the window's
worker drives. The window and the command line call these on ``DesktopSync`` and import
nothing else of the app (``tests/test_facade_door.py``).

None of them needs the profile's lock: the wizard, Settings and ``doctor`` use them before or
without one. Most are the app's own functions under the facade's name, so a driver and the
rest of the app call the same code.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from desktop_sync.app import autostart, credentials, folders, logs, paths, sides, status_choices
from desktop_sync.app import platforms as registry
from desktop_sync.app import profile as profiles
from desktop_sync.app import secrets as keyrings
from desktop_sync.app import settings as saved
from desktop_sync.app.facade_types import (
    CycleResult,
    EventSink,
    PlatformInfo,
    Profile,
    Scheduler,
    SecretStore,
    Settings,
    StartAtLogin,
    StoreIdentity,
    StoreInfo,
)
from desktop_sync.app.headless import run_on_schedule
from desktop_sync.app.store_engines import StoreEngines
from desktop_sync.app.store_pauses import SavedPauses
from desktop_sync.connectors import waits
from desktop_sync.engine import events
from desktop_sync.engine.sync import SyncEngine

__all__ = ["SetupServices"]


class SetupServices:
    """The facade's services that need no profile lock (all static)."""

    # -- the profile's folders, the log -------------------------------------------------

    stop_on = staticmethod(waits.stop_on)
    """Within the block, this thread's requests and waits end as soon as the flag is set (a
    check the window abandons ends at once)."""
    check_profile_folders = staticmethod(paths.check_profile_folders)
    """The profile folders that cannot be used, each a ``ProfileFolderUnusable``."""
    data_dir = staticmethod(paths.data_dir)
    log_folder = staticmethod(logs.log_folder)
    setup_logging = staticmethod(logs.setup_logging)
    register_secrets = staticmethod(logs.register_secrets)
    """Mask a profile's keys in every log line from now on."""

    # -- settings and keys ----------------------------------------------------------------

    load_settings = staticmethod(saved.load_settings)
    remember_folders = staticmethod(folders.remember_folders)
    """Keep Order Desk's folder list, just read (a ``StoreInfo``), in the settings: it names
    the folders kept by id in the window and the command line."""
    save_settings = staticmethod(saved.save_settings)
    save_profile = staticmethod(profiles.save_profile)
    forget_profile = staticmethod(profiles.forget_profile)
    usable_backend = staticmethod(keyrings.usable_backend)
    """Whether a real keyring can keep the keys here."""

    @staticmethod
    def read_profile(
        *, secrets: SecretStore | None = None, settings: Settings | None = None
    ) -> Profile:
        """The first store's profile from this process's environment and the saved settings,
        its keys from ``secrets`` (the keyring by default); the facade is not told to use it
        (``use_profile`` does that)."""
        return profiles.load_profile(os.environ, secrets=secrets, settings=settings)

    @staticmethod
    def keyring() -> SecretStore:
        """The system keyring, where the keys are saved."""
        return keyrings.SecretStore()

    @staticmethod
    def session_keys() -> SecretStore:
        """A keyring in memory: keys kept for this session only (``MemorySecretStore``)."""
        return keyrings.MemorySecretStore()

    # -- words the drivers show ------------------------------------------------------------

    parse_start = staticmethod(saved.parse_start)
    """A start date as the merchant writes it (``BadStartDate`` with a sentence else)."""
    without_invisible = staticmethod(credentials.without_invisible)
    said_once = staticmethod(events.said_once)
    """Failures grouped by reason, each reason once."""
    side_troubles = staticmethod(sides.side_troubles)
    recovered_sides = staticmethod(sides.recovered_sides)

    # -- the platforms on offer, and checking a connection before it is saved -------------

    find_platform = staticmethod(registry.find_platform)
    platform_info = staticmethod(registry.get_platform)
    chosen_statuses = staticmethod(registry.chosen_statuses)
    """The statuses chosen as the send rule reads them (Shopify's bare 'paid' is a payment)."""
    read_status_choices = staticmethod(status_choices.read_status_choices)
    """A store's own statuses and its recent orders for Settings' checkboxes (network: run
    it on a worker)."""
    saved_status_choices = staticmethod(status_choices.saved_choices)

    @staticmethod
    def platforms() -> tuple[PlatformInfo, ...]:
        """Every store platform on offer, in the order the wizard lists them."""
        return registry.PLATFORMS

    @staticmethod
    def verify_orderdesk(store_id: str, api_key: str, api_url: str) -> StoreInfo:
        """Order Desk's check of the account's key, then its folders (``app.wiring``)."""
        from desktop_sync.app.wiring import verify_orderdesk  # imports every connector

        return verify_orderdesk(store_id, api_key, api_url)

    @staticmethod
    def verify_store(platform: str, url: str, key: str, secret: str = "") -> StoreIdentity:
        """The store's own check of its keys (``app.wiring``)."""
        from desktop_sync.app.wiring import verify_store  # imports every connector

        return verify_store(platform, url, key, secret)

    # -- start at login, support's report ----------------------------------------------

    launch_command = staticmethod(autostart.launch_command)

    @staticmethod
    def start_at_login() -> StartAtLogin:
        """This computer's start-at-login entry for the app."""
        return autostart.StartAtLogin()

    @staticmethod
    def support_bundle() -> dict[str, Any]:
        """What support needs to help (``doctor``); ``OSError`` when a folder cannot be read."""
        from desktop_sync.app import diagnostics

        return diagnostics.collect()

    @staticmethod
    def support_report(bundle: dict[str, Any], secrets: Iterable[str] = ()) -> str:
        """The bundle as ``doctor`` prints it, every secret masked."""
        from desktop_sync.app import diagnostics

        return diagnostics.render(bundle, secrets)

    # -- the demo, the engine and the schedule ---------------------------------------------

    @staticmethod
    def start_demo(platform: str) -> tuple[Any, Profile]:
        """The built-in sandbox running (a ``DemoSandbox``) and the profile that syncs it."""
        from desktop_sync.app.demo import start_demo

        return start_demo(platform)

    @staticmethod
    def build_engine(
        profile: Profile, *, sink: EventSink | None = None, **options: Any
    ) -> SyncEngine:
        """A ready ``SyncEngine`` for ``profile`` on the default journal, built on the thread
        that runs it (the window's worker without a facade of its own)."""
        from desktop_sync.app.wiring import build_engine  # imports every connector

        return build_engine(profile, sink=sink, **options)

    @staticmethod
    def scheduler(**options: Any) -> Scheduler:
        """The Qt-free scheduler (``app.scheduler``, with its options): every store's push
        and pull on their intervals, Sync now, Pause, backoff and "connected again"; each
        store's own pause is kept in its settings, so it stays paused after a restart."""
        return Scheduler(pauses=SavedPauses(paths.settings_path()), **options)

    @staticmethod
    def run_on_schedule(
        engines: StoreEngines,
        *,
        push_seconds: float,
        pull_seconds: float,
        on_cycle: Callable[[CycleResult], None],
        **options: Any,
    ) -> CycleResult | None:
        """Every store's engines on the scheduler until stopped (``desktop-sync run``); the
        last cycle's result (``app.headless.run_on_schedule``)."""
        return run_on_schedule(
            engines.engines,  # each store its own entry in the scheduler
            push_seconds=push_seconds,
            pull_seconds=pull_seconds,
            on_cycle=on_cycle,
            pauses=SavedPauses(paths.settings_path()),
            **options,
        )

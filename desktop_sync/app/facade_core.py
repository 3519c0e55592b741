"""The facade's core (``app.facade.DesktopSync``): one profile, its lock, its profile and its
journal. It checks the profile's folders, takes the profile lock and migrates what an upgrade
needs when it opens, and holds the lock until it closes, so no driver can forget it: a second
driver on the same profile, a window or a command, is turned away with a sentence naming who
holds it (``ProfileBusy``). The facade's services (``app.facade_*``, ``app.order_services``)
build on it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime
from typing import Self

from desktop_sync.app.lock import LOCK_FILE, ProfileBusy, ProfileLock
from desktop_sync.app.logs import register_secrets
from desktop_sync.app.paths import check_profile_folders, data_dir, journal_path, settings_path
from desktop_sync.app.profile import (
    Profile,
    find_store,
    load_profile,
    load_profiles,
    stores_to_run,
)
from desktop_sync.app.secrets import SecretStore
from desktop_sync.app.settings import Settings, load_settings, parse_start
from desktop_sync.app.stores import StoreSettings
from desktop_sync.app.upgrade import migrate_on_start
from desktop_sync.state.journal import Journal

__all__ = ["FacadeCore", "NotLocked", "start_of"]

log = logging.getLogger(__name__)


class NotLocked(RuntimeError):
    """A change asked of a facade opened to read only (a programming error, not a merchant's)."""


def start_of(since: datetime | str) -> datetime:
    return parse_start(since) if isinstance(since, str) else parse_start(since.isoformat())


def _migrate_if_free(driver: str, env: Mapping[str, str]) -> list[str]:
    """A reader migrates only when no driver holds the profile (the holder already did)."""
    try:
        held = ProfileLock(data_dir(env) / LOCK_FILE, driver=driver).acquire()
    except ProfileBusy:
        return []
    try:
        return migrate_on_start(env)
    finally:
        held.release()


class FacadeCore:
    """One profile, driven by one window or one command at a time.

    ``driver`` says who drives it (``"window"`` or the command's name); it is what a second
    driver is told. ``lock=False`` opens it to read only (``status``): the journal-only views
    work, anything that changes the journal or syncs raises ``NotLocked``.

    Raises ``ProfileFolderUnusable`` (a profile folder is a file or cannot be written) and
    ``ProfileBusy`` (another driver holds the profile), each with its sentence.
    """

    def __init__(
        self,
        *,
        driver: str,
        env: Mapping[str, str] | None = None,
        lock: bool = True,
    ) -> None:
        self.driver = driver
        self._env: Mapping[str, str] = os.environ if env is None else env
        problems = check_profile_folders(self._env)
        if problems:
            raise problems[0]
        self._lock = ProfileLock(data_dir(self._env) / LOCK_FILE, driver=driver) if lock else None
        self.upgrade_notes: list[str] = []
        """What an upgrade migrated (backed up first), one line each; done holding the lock,
        so no other driver is using the files meanwhile."""
        if self._lock is not None:
            self._lock.acquire()
            try:
                self.upgrade_notes = migrate_on_start(self._env)
            except BaseException:
                self._lock.release()
                raise
        else:
            self.upgrade_notes = _migrate_if_free(driver, self._env)
        self._journal: Journal | None = None
        self._profile: Profile | None = None
        self._profiles: tuple[Profile, ...] | None = None

    # -- lifetime ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def holds_lock(self) -> bool:
        return self._lock is not None and self._lock.held

    def close(self) -> None:
        """Close the journal, then let go of the profile. Idempotent."""
        journal, self._journal = self._journal, None
        try:
            if journal is not None:
                journal.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def _require_lock(self) -> None:
        if not self.holds_lock:
            raise NotLocked(f"This Desktop Sync was opened by '{self.driver}' to read only.")

    # -- the profile ---------------------------------------------------------------------

    def load_profile(
        self, *, secrets: SecretStore | None = None, settings: Settings | None = None
    ) -> Profile:
        """The profile from the environment and the saved settings (see ``load_profile``)."""
        profile = load_profile(self._env, secrets=secrets, settings=settings)
        self.use_profile(profile)
        return profile

    def use_profile(self, profile: Profile) -> None:
        """Sync with ``profile`` from now on (the wizard's, a reconnect's); its keys are
        masked in the log from here on."""
        register_secrets(profile)
        self._profile = profile

    def load_profiles(
        self,
        *,
        store: str | None = None,
        secrets: SecretStore | None = None,
        settings: Settings | None = None,
    ) -> tuple[Profile, ...]:
        """One profile per store (``store``: that one alone) to sync from now on; see
        ``load_profiles``. Every store's keys are masked in the log from here on."""
        profiles = load_profiles(self._env, secrets=secrets, settings=settings, store=store)
        for profile in profiles:
            register_secrets(profile)
        self._profiles = profiles
        self._profile = profiles[0]
        return profiles

    def _in_use(self, store: str | None) -> tuple[Profile, ...]:
        """The profiles in use: ``store``'s, else those loaded, else the one given (the
        window's wizard's), else every saved store's."""
        if store is not None:
            return self.load_profiles(store=store)
        if self._profiles is None and self._profile is not None:
            return (self._profile,)
        return self.profiles

    @property
    def profiles(self) -> tuple[Profile, ...]:
        """The stores' profiles in use, loaded on first need."""
        return self._profiles if self._profiles is not None else self.load_profiles()

    def stores(self, store: str | None = None) -> tuple[StoreSettings, ...]:
        """The profile's stores (``store``: that one; ``StoreNotFound`` else), as saved or as
        the environment describes one; no keyring needed."""
        saved = load_settings(settings_path(self._env), warn=lambda _: None)
        stores = stores_to_run(self._env, saved)
        return (find_store(stores, store),) if store is not None else stores

    @property
    def all_paused(self) -> bool:
        """Every store is paused (the window's Pause, or ``store pause``), as saved: kept
        across restarts until the merchant resumes."""
        return load_settings(settings_path(self._env), warn=lambda _: None).paused

    @property
    def profile(self) -> Profile:
        """The profile in use, loaded on first need."""
        return self._profile if self._profile is not None else self.load_profile()

    # -- the journal ---------------------------------------------------------------------

    @property
    def journal(self) -> Journal:
        """The profile's journal, opened on first use (by the thread that asks)."""
        if self._journal is None:
            self._journal = Journal(journal_path(self._env))
        return self._journal

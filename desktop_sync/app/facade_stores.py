"""Setting up a profile's stores headless (the window has its wizard), as part of the facade
(``app.facade.DesktopSync``): connect Order Desk, add, remove, pause or resume a store, and the
merchant's choices about whose store it is."""

from __future__ import annotations

from collections.abc import Callable

from desktop_sync.app.facade_core import FacadeCore
from desktop_sync.app.facade_types import Folder, StoreInfo
from desktop_sync.app.folders import orderdesk_account, remember_folders
from desktop_sync.app.notices import NOTICES_FILE
from desktop_sync.app.paths import data_dir, settings_path
from desktop_sync.app.profile import (
    Profile,
)
from desktop_sync.app.secrets import SecretStore, unavailable_message, usable_backend
from desktop_sync.app.settings import load_settings
from desktop_sync.app.store_choices import held_stores, same_store, sync_here
from desktop_sync.app.store_pauses import pause_every_store, pause_store
from desktop_sync.app.store_setup import add_store, connect_orderdesk, remove_store
from desktop_sync.app.stores import StoreSettings

__all__ = ["StoreChoices"]


class StoreChoices(FacadeCore):
    """The store commands' and the banner's changes to the profile."""

    @staticmethod
    def keyring_problem() -> str:
        """Why no key can be saved here ("" when a real keyring is in use)."""
        return "" if usable_backend() else unavailable_message(session_only=False)

    def connect_orderdesk(
        self, store_id: str, api_key: str, *, folder: str = "", api_url: str = ""
    ) -> None:
        """Verify the Order Desk account's key, then save it (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, with the account's key
        connect_orderdesk(
            store_id,
            api_key,
            folder=folder,
            api_url=api_url or self._env.get("ORDERDESK_API_URL", ""),
            secrets=SecretStore(),
            settings_file=settings_path(self._env),
        )

    def add_store(
        self,
        platform: str,
        url: str,
        key: str,
        secret: str = "",
        *,
        name: str = "",
        folder: str = "",
        verified: bool = False,
    ) -> StoreSettings:
        """Verify a store's keys (unless the window's store page just ``verified`` them),
        then add it to the profile (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, with the new store
        return add_store(
            platform,
            url,
            key,
            secret,
            name=name,
            folder=folder,
            secrets=SecretStore(),
            settings_file=settings_path(self._env),
            verify=_already_verified if verified else None,
            kept=self.journal.stores(),
            # The window chose the folder from the list it just read (and kept): no new read.
            orderdesk_folders=self._remembered_folders if verified else self._listed_folders,
        )

    def orderdesk_folders(self) -> StoreInfo:
        """Order Desk's folders, read now with the profile's account and kept in the
        settings, where they name the folders kept by id (network: the window runs it on a
        worker). Raises the connection's typed errors, or ``FolderNotInOrderDesk`` when no
        Order Desk account is connected."""
        from desktop_sync.app.wiring import verify_orderdesk  # the wiring loads every connector

        target = settings_path(self._env)
        info = verify_orderdesk(*orderdesk_account(self._env, target, SecretStore()))
        remember_folders(info, target)
        return info

    def _listed_folders(self) -> tuple[Folder, ...]:
        return self.orderdesk_folders().folders

    def _remembered_folders(self) -> tuple[Folder, ...]:
        saved = load_settings(settings_path(self._env), warn=lambda _: None)
        return tuple(Folder(folder_id, name) for folder_id, name in saved.orderdesk_folders)

    def remove_store(self, name: str) -> StoreSettings:
        """Remove a store and its keys; its journal rows are kept (``app.store_setup``)."""
        self._require_lock()
        self._profiles = None  # loaded again, without it
        return remove_store(name, secrets=SecretStore(), settings_file=settings_path(self._env))

    def pause_store(self, name: str | None, paused: bool) -> str:
        """Pause (or resume) one store on its own, or every store (``name`` None, as the
        window's Pause), kept in the settings for the next run of the window or of ``run``;
        the sentence to show (``app.store_pauses``)."""
        self._require_lock()
        target = settings_path(self._env)
        if name is None:
            return pause_every_store(paused, settings_file=target)
        return pause_store(name, paused, settings_file=target)

    def sync_here(self, store: str | None = None) -> str:
        """Sync from this computer: this computer syncs the store (default: each store held
        because another computer syncs it); the sentence to show (``app.store_choices``)."""
        folder, target = data_dir(self._env), settings_path(self._env)
        return self._choose(
            store, True, lambda p: sync_here(p, data_folder=folder, settings_file=target)
        )

    def same_store(self, store: str | None = None) -> str:
        """The merchant confirms a moved WordPress site is their store (default: each store
        held because it gives another address); the sentence to show."""
        target = settings_path(self._env)
        said = self._choose(store, False, lambda p: same_store(p, settings_file=target))
        self._profiles = None  # loaded again, with what was confirmed
        return said

    def _choose(self, store: str | None, elsewhere: bool, act: Callable[[Profile], str]) -> str:
        self._require_lock()
        notices = data_dir(self._env) / NOTICES_FILE
        in_use = self._in_use(store)
        chosen = in_use if store else held_stores(notices, in_use, elsewhere)
        return " ".join(act(profile) for profile in chosen) or "No store waits for this choice."


def _already_verified(*_: str) -> None:
    """The window's store page verified the keys a moment ago."""

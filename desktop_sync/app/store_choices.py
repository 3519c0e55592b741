"""The merchant's two choices about whose store it is: which computer syncs a store ("Sync
from this computer", ``engine.whose_store``), and that a WordPress site now giving another
address is the store that was connected, moved ("Same store")."""

from __future__ import annotations

from pathlib import Path

from desktop_sync.app.installation import choose_this_computer
from desktop_sync.app.profile import Profile
from desktop_sync.app.store_identity import confirm_same_store
from desktop_sync.connectors.stores.base import StoreIdentity

__all__ = ["same_store", "sync_here"]


def sync_here(profile: Profile, *, data_folder: Path) -> str:
    """This computer syncs the store of ``profile`` from now on; the sentence to show."""
    choose_this_computer(data_folder, profile.store_id)
    return (
        f'This computer now syncs "{profile.store_name}"; another computer that synced it '
        "stops when it sees the orders this one sends."
    )


def same_store(profile: Profile, *, settings_file: Path) -> str:
    """The store of ``profile`` moved to the address its site now gives (asked now, with its
    keys); the sentence to show, or ``NothingToConfirm``."""
    return confirm_same_store(
        profile.store_id, settings_file=settings_file, identify=lambda _: _identify(profile)
    )


def _identify(profile: Profile) -> StoreIdentity:
    from desktop_sync.app.wiring import make_store_connector  # the wiring loads every connector

    connector = make_store_connector(
        profile.store_platform, profile.store_url, profile.store_key, profile.store_secret
    )
    try:
        return connector.identify()
    finally:
        connector.close()

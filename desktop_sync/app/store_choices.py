"""The merchant's two choices about whose store it is: which computer syncs a store ("Sync
from this computer", ``engine.whose_store``), and that a WordPress site now giving another
address is the store that was connected, moved ("Same store")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop_sync.app.installation import choose_this_computer
from desktop_sync.app.notices import load_notices
from desktop_sync.app.profile import Profile
from desktop_sync.app.store_hold import release_hold
from desktop_sync.app.store_identity import confirm_same_store
from desktop_sync.connectors.stores.base import StoreIdentity
from desktop_sync.engine.whose_store import ANOTHER_COMPUTER

__all__ = ["held_stores", "same_store", "sync_here"]


def held_stores(
    notices_file: Path, profiles: Sequence[Profile], elsewhere: bool
) -> tuple[Profile, ...]:
    """The stores whose last cycle was held because another computer syncs them
    (``elsewhere``), or because their site gives another address (not ``elsewhere``)."""
    held = dict(load_notices(notices_file).held)
    return tuple(
        p
        for p in profiles
        if p.store_name in held and held[p.store_name].startswith(ANOTHER_COMPUTER) == elsewhere
    )


def sync_here(profile: Profile, *, data_folder: Path, settings_file: Path) -> str:
    """This computer syncs the store of ``profile`` from now on (its saved hold, if any, is
    released); the sentence to show."""
    choose_this_computer(data_folder, profile.store_id)
    release_hold(profile.store_id, settings_file=settings_file)
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

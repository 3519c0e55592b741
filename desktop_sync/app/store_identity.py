"""What the platform calls each store, kept in its settings (``StoreSettings.identity``): saved
when its engine first learns it, and the merchant's word that a WordPress site now giving
another address is the store that was connected, moved (``seen_as``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from desktop_sync.app.profile import find_store
from desktop_sync.app.settings import change_store, load_settings
from desktop_sync.app.stores import StoreSettings
from desktop_sync.connectors.stores.base import StoreIdentity
from desktop_sync.engine.identity import comparable, platform_key
from desktop_sync.errors import DesktopSyncError

__all__ = ["NothingToConfirm", "confirm_same_store", "remember_identity"]


class NothingToConfirm(DesktopSyncError):
    """The store gives the identity it was connected with, or another store's own id."""

    title = "Nothing to confirm"


def remember_identity(store_id: str, identity: str, *, settings_file: Path) -> None:
    """Save what the platform calls the store, learned by its engine; never over an identity
    already saved (a moved store keeps its own)."""
    saved = load_settings(settings_file)
    if any(s.id == store_id and not s.identity for s in saved.stores):
        change_store(store_id, settings_file, identity=identity)


def confirm_same_store(
    name: str, *, settings_file: Path, identify: Callable[[StoreSettings], StoreIdentity]
) -> str:
    """The merchant says the WooCommerce site that now gives another address is the store
    they connected, moved: its identity stays, and the address it gives now (``identify``
    asks the site) is taken as its own. Returns the sentence to show; ``NothingToConfirm``
    when there is nothing to confirm."""
    saved = load_settings(settings_file)
    store = find_store(saved.stores, name)
    learned = platform_key(store.platform, identify(store))
    known = {comparable(k) for k in (store.identity, store.seen_as) if k}
    if not learned or not store.identity or comparable(learned) in known:
        raise NothingToConfirm(
            f'"{store.label}" is the store that was connected; nothing to confirm.'
        )
    if store.platform != "woocommerce":
        raise NothingToConfirm(
            f'"{store.label}" now reaches another store (its platform\'s own id changed); '
            "add that store as a new store instead."
        )
    change_store(store.id, settings_file, seen_as=learned)
    return (
        f'"{store.label}" is now synced at {learned.partition(":")[2]}, as the same store: '
        "orders it sent before are not sent again."
    )

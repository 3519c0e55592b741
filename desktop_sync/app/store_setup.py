"""Setting up a profile's stores headless: connect the Order Desk account, add a store, remove
one. Every key is verified with its service before anything is saved; keys go to the keyring
first, so a keyring that fails leaves the settings as they were, and with no usable keyring
nothing is saved at all."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_sync.app.credentials import clean_orderdesk_key, clean_store_key, clean_text
from desktop_sync.app.folders import listed_folder
from desktop_sync.app.platforms import NAMES, find_platform
from desktop_sync.app.profile import find_store
from desktop_sync.app.secrets import (
    SecretStore,
    orderdesk_api_key_name,
    store_key_name,
    store_secret_name,
)
from desktop_sync.app.settings import DEFAULT_ORDERDESK_API_URL, load_settings, save_settings
from desktop_sync.app.stores import (
    StoreSettings,
    default_store_name,
    new_store_id,
    source_name_for_new_store,
)
from desktop_sync.connectors.orderdesk.models import Folder, StoreInfo
from desktop_sync.connectors.stores.base import StoreIdentity
from desktop_sync.engine.identity import platform_key
from desktop_sync.errors import DesktopSyncError

__all__ = ["StoreRefused", "add_store", "connect_orderdesk", "remove_store"]


class StoreRefused(DesktopSyncError):
    """A store that cannot be added as asked; the sentence says why and what to do."""

    title = "Store not added"


def connect_orderdesk(
    store_id: str,
    api_key: str,
    *,
    folder: str = "",
    api_url: str = "",
    secrets: SecretStore,
    settings_file: Path,
    verify: Callable[[str, str, str], Any] | None = None,
) -> None:
    """Connect the profile's Order Desk account: the key is verified (``/test``), then saved
    in the keyring and the account in the settings. Raises the verification's typed error,
    or ``KeyringUnavailable``; nothing is saved then."""
    from desktop_sync.app.wiring import verify_orderdesk  # the wiring loads every connector

    saved = load_settings(settings_file)
    store_id = clean_text(store_id)
    key = clean_orderdesk_key(api_key)
    url = clean_text(api_url) or saved.orderdesk_api_url or DEFAULT_ORDERDESK_API_URL
    found = (verify or verify_orderdesk)(store_id, key, url)
    chosen: Folder | None = None
    if isinstance(found, StoreInfo) and folder.strip():
        chosen = listed_folder(folder, found.folders)  # nothing saved when Order Desk has none
    secrets.set(orderdesk_api_key_name(store_id), key)
    if saved.orderdesk_store_id.strip() and saved.orderdesk_store_id.strip() != store_id:
        secrets.delete(orderdesk_api_key_name(saved.orderdesk_store_id))
    changed = dataclasses.replace(saved, orderdesk_store_id=store_id, orderdesk_api_url=url)
    if isinstance(found, StoreInfo) and found.folders:
        listed = tuple((each.id, each.name) for each in found.folders)
        changed = dataclasses.replace(changed, orderdesk_folders=listed)
    if chosen is not None:
        changed = dataclasses.replace(
            changed, orderdesk_folder_id=chosen.id, orderdesk_folder_name=chosen.name
        )
    save_settings(changed, settings_file)


def add_store(
    platform: str,
    url: str,
    key: str,
    secret: str = "",
    *,
    name: str = "",
    folder: str = "",
    secrets: SecretStore,
    settings_file: Path,
    now: datetime | None = None,
    verify: Callable[[str, str, str, str], Any] | None = None,
    kept: Iterable[str] = (),
    orderdesk_folders: Callable[[], tuple[Folder, ...]],
) -> StoreSettings:
    """Add a store to the profile: its keys verified with the store, then saved in the
    keyring, then the store in the settings, sending its orders from now on. Raises
    ``StoreRefused`` (an unknown platform, a name or address the profile already has), the
    verification's typed error, ``FolderNotInOrderDesk`` (a ``folder``, id or name, that
    ``orderdesk_folders`` does not list), or ``KeyringUnavailable``; nothing is saved then.
    ``kept``: the stores with rows in the journal, whose ids it never takes."""
    from desktop_sync.app.wiring import verify_store  # the wiring loads every connector

    chosen = platform.strip().lower()
    if find_platform(chosen) is None:
        raise StoreRefused(
            f'"{platform}" is not a store platform Desktop Sync supports; choose '
            f"{', '.join(NAMES[:-1])} or {NAMES[-1]}."
        )
    address = clean_text(url)
    label = clean_text(name) or default_store_name(address)
    saved = load_settings(settings_file)
    for store in saved.stores:
        if store.label.casefold() == label.casefold():
            raise StoreRefused(
                f'This profile already has a store called "{store.label}"; choose another '
                "name with --name."
            )
        if store.platform == chosen and store.url.rstrip("/") == address.rstrip("/"):
            raise StoreRefused(
                f'The store at {address} is already in this profile, as "{store.label}".'
            )
    own_folder = _own_folder(folder, orderdesk_folders)
    store_key = clean_store_key(chosen, key)
    store_secret = clean_store_key(chosen, secret, secret=True)
    found = (verify or verify_store)(chosen, address, store_key, store_secret)

    secrets.set(store_key_name(chosen, address), store_key)
    if store_secret:
        secrets.set(store_secret_name(chosen, address), store_secret)
    else:
        secrets.delete(store_secret_name(chosen, address))
    added = StoreSettings(
        id=new_store_id(saved.stores, kept),
        name=label,
        platform=chosen,
        url=address,
        source_name=source_name_for_new_store(label, chosen, saved.stores),
        folder_id=own_folder.id if own_folder is not None else None,
        folder_name=own_folder.name if own_folder is not None else "",
        sync_since=(now or datetime.now(UTC)).astimezone(UTC).isoformat(),
        identity=platform_key(chosen, found) if isinstance(found, StoreIdentity) else "",
    )
    save_settings(dataclasses.replace(saved, stores=(*saved.stores, added)), settings_file)
    return added


def _own_folder(wanted: str, orderdesk_folders: Callable[[], tuple[Folder, ...]]) -> Folder | None:
    """The store's own folder (None: the profile's), one Order Desk lists."""
    return listed_folder(wanted, orderdesk_folders()) if wanted.strip() else None


def remove_store(name: str, *, secrets: SecretStore, settings_file: Path) -> StoreSettings:
    """Remove a store from the profile: its keys leave the keyring first, then it leaves the
    settings. Its journal rows are kept (a store added again later is a new store and starts
    from then on). ``StoreNotFound``, or ``KeyringUnavailable`` with nothing removed."""
    saved = load_settings(settings_file)
    store = find_store(saved.stores, name)
    others = [s for s in saved.stores if s.id != store.id]
    shared = any(s.platform == store.platform and s.url == store.url for s in others)
    if not shared and store.platform and store.url:
        secrets.delete(store_key_name(store.platform, store.url))
        secrets.delete(store_secret_name(store.platform, store.url))
    save_settings(dataclasses.replace(saved, stores=tuple(others)), settings_file)
    return store

"""The stores of a profile: one Order Desk account feeds any number of them.

Each store has an id the journal keys its rows by (never changed, never reused), a name the
merchant chose, its platform and address, the Order Desk ``source_name`` its orders carry (the
merchant sees it in Order Desk; two shops that both number from 100 stay apart by it), and its
own folder, statuses and cancel folder, each empty to take the profile's. Secrets are never
here: they are in the keyring, keyed by the store's platform and address.
"""

from __future__ import annotations

import secrets as random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from desktop_sync.app.platforms import find_platform
from desktop_sync.state.store_migration import FIRST_STORE

__all__ = [
    "FIRST_STORE_ID",
    "MAX_SOURCE_NAME_LENGTH",
    "StoreSettings",
    "default_store_name",
    "new_store_id",
    "source_name_for_new_store",
    "store_from_json",
    "stores_to_json",
]

FIRST_STORE_ID = FIRST_STORE
"""The id of a profile's first store: the one an earlier, single-store version kept (its
journal rows are this store's once the journal is upgraded)."""

MAX_SOURCE_NAME_LENGTH = 64
"""Order Desk keeps at most this many characters of a ``source_name``."""


@dataclass(frozen=True)
class StoreSettings:
    """One store of the profile as saved (never its secrets)."""

    id: str = FIRST_STORE_ID
    name: str = ""
    """The merchant's name for it; "" until chosen (``label`` then names it by address)."""
    platform: str = ""
    url: str = ""
    source_name: str = ""
    """The Order Desk source name of its orders; "" is its platform's own (the first store's,
    as an earlier version sent it, so an upgrade sends nothing twice)."""
    folder_id: int | None = None
    folder_name: str = ""
    """Its Order Desk folder; neither set: the profile's folder."""
    order_statuses: tuple[str, ...] = ()
    """Its statuses sent; empty: the profile's choice, else the platform's rule."""
    cancel_folder_name: str = ""
    """Its folder for orders cancelled after the push; "": the profile's."""
    sync_since: str = ""
    """ISO 8601 UTC: the moment it was connected, or where its backfill starts."""
    identity: str = ""
    """What the platform calls the store (``engine.identity.platform_key``), written with
    its orders in Order Desk; "" until first learned. Kept when its address changes."""
    seen_as: str = ""
    """The address a moved WooCommerce site now gives for itself, confirmed by the merchant
    as the same store ("" when it never moved)."""
    paused: bool = False
    """Paused on its own ("Pause this store", ``desktop-sync store pause``): it syncs again
    only when the merchant resumes it, also after a restart."""
    held: str = ""
    """Why nothing is synced for it: another computer sends its orders (the sentence, "" when
    it syncs); kept until the merchant chooses this computer (``app.store_hold``)."""
    held_by: str = ""
    """The name of the other computer that syncs it ("" when it gave none)."""
    held_since: str = ""
    """ISO 8601 UTC: when this computer found the other one syncing it."""

    @property
    def label(self) -> str:
        """What the merchant calls it: its name, else its address."""
        return self.name.strip() or default_store_name(self.url) or self.platform

    @property
    def order_desk_source_name(self) -> str:
        """The source name its orders carry in Order Desk."""
        if self.source_name.strip():
            return self.source_name.strip()
        known = find_platform(self.platform)
        if known is not None:
            return known.source_name
        title = self.platform.strip().title()
        return f"Desktop Sync ({title})" if title else "Desktop Sync"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "platform": self.platform,
            "url": self.url,
            "source_name": self.source_name,
            "folder_id": self.folder_id,
            "folder_name": self.folder_name,
            "order_statuses": list(self.order_statuses),
            "cancel_folder_name": self.cancel_folder_name,
            "sync_since": self.sync_since,
            "identity": self.identity,
            "seen_as": self.seen_as,
            "paused": self.paused,
            "held": self.held,
            "held_by": self.held_by,
            "held_since": self.held_since,
        }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def store_from_json(data: Any) -> StoreSettings | None:
    """One saved store, or None when the entry is unusable (no id, or a value of the wrong
    kind): a hand-edited file never stops the app, and an unreadable store is not guessed."""
    if not isinstance(data, Mapping):
        return None
    texts: tuple[str, ...] = ("id", "name", "platform", "url", "source_name", "folder_name")
    texts += ("cancel_folder_name", "sync_since", "identity", "seen_as")
    texts += ("held", "held_by", "held_since")
    values: dict[str, Any] = {}
    for name in texts:
        value = data.get(name, "")
        if not isinstance(value, str):
            return None
        values[name] = value.strip()
    folder_id = data.get("folder_id")
    paused = data.get("paused", False)
    if not isinstance(paused, bool):
        return None
    statuses = data.get("order_statuses", [])
    if folder_id is not None and not _is_int(folder_id):
        return None
    if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
        return None
    if not values["id"]:
        return None
    values["platform"] = values["platform"].lower()
    return StoreSettings(
        folder_id=folder_id, order_statuses=tuple(statuses), paused=paused, **values
    )


def stores_to_json(stores: Iterable[StoreSettings]) -> list[dict[str, Any]]:
    return [store.to_json() for store in stores]


def default_store_name(url: str) -> str:
    """A store's name until the merchant chooses one: its host (``shop.example``)."""
    text = url.strip()
    if not text:
        return ""
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = parts.hostname or text
    path = parts.path.rstrip("/")
    # BigCommerce's API address names the store in its path (/stores/abc123).
    return f"{host}{path}" if "/stores/" in path else host


def new_store_id(existing: Iterable[StoreSettings], kept: Iterable[str] = ()) -> str:
    """An id no store of the profile has, nor any store whose journal rows are ``kept``: the
    first store's when both are empty, else a random one, so a removed store's rows (its
    orders sent, its marks) are never taken for a new store's."""
    taken = {store.id for store in existing} | set(kept)
    if not taken:
        return FIRST_STORE_ID
    while True:
        candidate = random.token_hex(4)
        if candidate not in taken:
            return candidate


def source_name_for_new_store(name: str, platform: str, existing: Iterable[StoreSettings]) -> str:
    """The source name a new store's orders carry: its own, in the merchant's name for it,
    so no two stores of the profile share one (and two shops that both number from 100 stay
    apart in Order Desk). The profile's first store keeps its platform's (as before)."""
    stores = list(existing)
    if not stores:
        return ""
    taken = {store.order_desk_source_name.casefold() for store in stores}
    base = f"Desktop Sync ({name.strip() or platform})"
    candidate = base[:MAX_SOURCE_NAME_LENGTH]
    number = 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" {number}"
        candidate = base[: MAX_SOURCE_NAME_LENGTH - len(suffix)] + suffix
    return candidate

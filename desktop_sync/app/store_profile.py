"""``Profile``: the Order Desk account and one of its stores, everything one engine needs.

The saved ``Settings`` (every default lives there) with one of its stores picked, and the
``Credentials`` that go with them; the keys are cleaned as they enter (``app.credentials``).
Loading and saving a profile are ``app.profile``'s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop_sync.app.credentials import Credentials, clean_credentials, clean_text
from desktop_sync.app.platforms import Platform, find_platform
from desktop_sync.app.settings import CONNECTION_FIELDS, Settings
from desktop_sync.app.stores import FIRST_STORE_ID, StoreSettings

__all__ = ["Profile"]

_CREDENTIAL_FIELDS = frozenset(f.name for f in dataclasses.fields(Credentials))
_SETTING_FIELDS = frozenset(CONNECTION_FIELDS)

# The fields of the profile's store, by the names a Profile is built with.
_STORE_FIELDS = {
    "store_platform": "platform",
    "store_url": "url",
    "sync_since": "sync_since",
    "store_name": "name",
}


@dataclass(frozen=True, init=False)
class Profile:
    """The Order Desk account and one of its stores: everything one engine needs.

    Built either from its parts, ``Profile(settings=..., credentials=...)``, or from the
    fields by name (``Profile(orderdesk_store_id=..., store_key=..., ...)``): each name goes to
    ``Settings``, the store (``store_platform``, ``store_url``, ``sync_since``, ``store_name``)
    or ``Credentials``, and what is not given keeps the ``Settings`` default. ``store_id``
    picks the store among ``settings.stores`` (default: the first; a new one when absent).
    ``UnusableKey`` when a key holds a character no key can hold.
    """

    settings: Settings
    credentials: Credentials
    store_id: str

    def __init__(
        self,
        settings: Settings | None = None,
        credentials: Credentials | None = None,
        *,
        store_id: str | None = None,
        **fields: Any,
    ) -> None:
        if "woocommerce_statuses" in fields:  # the older name, still given by the window
            fields["order_statuses"] = fields.pop("woocommerce_statuses")
        unknown = set(fields) - _CREDENTIAL_FIELDS - _SETTING_FIELDS - set(_STORE_FIELDS)
        if unknown:
            raise TypeError(f"Profile has no field {', '.join(sorted(unknown))}")
        secrets = {k: v for k, v in fields.items() if k in _CREDENTIAL_FIELDS}
        chosen = {k: v for k, v in fields.items() if k in _SETTING_FIELDS}
        store_values = {_STORE_FIELDS[k]: v for k, v in fields.items() if k in _STORE_FIELDS}
        since = store_values.get("sync_since")
        if isinstance(since, datetime):
            store_values["sync_since"] = since.astimezone(UTC).isoformat()
        elif since is None and "sync_since" in store_values:
            store_values["sync_since"] = ""
        if "order_statuses" in chosen:
            chosen["order_statuses"] = tuple(chosen["order_statuses"])
        base = dataclasses.replace(settings or Settings(), **chosen)
        stores = list(base.stores)
        index = next(
            (i for i, s in enumerate(stores) if store_id in (None, s.id)),
            None,
        )
        store = stores[index] if index is not None else StoreSettings(id=store_id or FIRST_STORE_ID)
        store = dataclasses.replace(store, **store_values)
        store = dataclasses.replace(
            store, platform=store.platform.strip().lower(), url=clean_text(store.url)
        )
        if index is None:
            stores.append(store)
        else:
            stores[index] = store
        base = dataclasses.replace(
            base,
            orderdesk_store_id=clean_text(base.orderdesk_store_id),
            orderdesk_api_url=clean_text(base.orderdesk_api_url),
            stores=tuple(stores),
        )
        keys = dataclasses.replace(credentials or Credentials(), **secrets)
        object.__setattr__(self, "settings", base)
        object.__setattr__(self, "store_id", store.id)
        object.__setattr__(self, "credentials", clean_credentials(store.platform, keys))

    @property
    def store(self) -> StoreSettings:
        """This profile's store, as saved."""
        return next(s for s in self.settings.stores if s.id == self.store_id)

    @property
    def store_name(self) -> str:
        """What the merchant calls the store."""
        return self.store.label

    @property
    def source_name(self) -> str:
        """The Order Desk source name of this store's orders."""
        return self.store.order_desk_source_name

    # The settings and credentials by name, as the engine, the window and the CLI read them.
    @property
    def orderdesk_store_id(self) -> str:
        return self.settings.orderdesk_store_id

    @property
    def orderdesk_api_url(self) -> str:
        return self.settings.orderdesk_api_url

    def _own_folder(self) -> bool:
        return self.store.folder_id is not None or bool(self.store.folder_name.strip())

    @property
    def orderdesk_folder_id(self) -> int | None:
        """The store's Order Desk folder id, else the profile's."""
        return self.store.folder_id if self._own_folder() else self.settings.orderdesk_folder_id

    @property
    def orderdesk_folder_name(self) -> str:
        """The store's Order Desk folder name, else the profile's."""
        if self._own_folder():
            return self.store.folder_name.strip()
        return self.settings.orderdesk_folder_name

    @property
    def cancel_folder(self) -> str:
        """The Order Desk folder for orders cancelled in the store after the push: the
        store's, else the profile's."""
        return (
            self.store.cancel_folder_name.strip()
            or self.settings.cancel_folder_name.strip()
            or Settings().cancel_folder_name
        )

    @property
    def store_platform(self) -> str:
        return self.store.platform

    @property
    def store_url(self) -> str:
        return self.store.url

    @property
    def push_interval_seconds(self) -> int:
        return self.settings.push_interval_seconds

    @property
    def pull_interval_seconds(self) -> int:
        return self.settings.pull_interval_seconds

    @property
    def overlap_minutes(self) -> int:
        return self.settings.overlap_minutes

    @property
    def order_statuses(self) -> tuple[str, ...]:
        """The statuses chosen for the store, else in Settings; empty: the platform's rule."""
        return self.store.order_statuses or self.settings.order_statuses

    @property
    def woocommerce_statuses(self) -> tuple[str, ...]:
        """The older name of ``order_statuses``."""
        return self.order_statuses

    @property
    def orderdesk_api_key(self) -> str:
        return self.credentials.orderdesk_api_key

    @property
    def store_key(self) -> str:
        return self.credentials.store_key

    @property
    def store_secret(self) -> str:
        return self.credentials.store_secret

    @property
    def platform(self) -> Platform | None:
        """The registry entry of this profile's store platform (None when it is unknown)."""
        return find_platform(self.store_platform)

    @property
    def sync_since(self) -> datetime | None:
        """UTC start of the first order scan; None means "from the moment sync first runs"."""
        text = self.store.sync_since.strip()
        if not text:
            return None
        moment = datetime.fromisoformat(text)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    @property
    def folder(self) -> int | str:
        """The chosen folder: its id when known, else its name."""
        return (
            self.orderdesk_folder_id
            if self.orderdesk_folder_id is not None
            else (self.orderdesk_folder_name)
        )

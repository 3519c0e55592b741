"""Loading and saving the profile: the Order Desk account and its stores, saved settings and
secrets, overridable by the environment (which describes one store, as before).

A ``Profile`` (``app.store_profile``) is the account and one of its stores: what one engine
runs. ``load_profiles`` gives one per store.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from desktop_sync.app.credentials import Credentials, clean_text
from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.platforms import NAMES, find_platform
from desktop_sync.app.secrets import (
    SecretStore,
    orderdesk_api_key_name,
    store_key_name,
    store_secret_name,
)
from desktop_sync.app.settings import (
    CONNECTION_FIELDS,
    DEFAULT_ORDERDESK_API_URL,
    BadStartDate,
    Settings,
    load_settings,
    parse_start,
    save_settings,
)
from desktop_sync.app.store_profile import Profile
from desktop_sync.app.stores import StoreSettings
from desktop_sync.errors import DesktopSyncError

__all__ = [
    "ENV_VARS",
    "Credentials",
    "Profile",
    "ProfileIncomplete",
    "StoreNotFound",
    "find_store",
    "forget_profile",
    "load_profile",
    "load_profiles",
    "save_profile",
    "stores_to_run",
]

ENV_VARS = (
    "ORDERDESK_API_URL",
    "ORDERDESK_STORE_ID",
    "ORDERDESK_API_KEY",
    "ORDERDESK_FOLDER",
    "STORE_PLATFORM",
    "STORE_URL",
    "STORE_KEY",
    "STORE_SECRET",
)

# What each missing piece is called in a message, keyed by its environment variable.
_DESCRIPTIONS = {
    "ORDERDESK_STORE_ID": "the Order Desk store ID",
    "ORDERDESK_API_KEY": "the Order Desk API key",
    "STORE_PLATFORM": "the store platform",
    "STORE_URL": "the store address (URL)",
    "STORE_KEY": "the store API key",
    "STORE_SECRET": "the store API secret",
}


class ProfileIncomplete(DesktopSyncError):
    """The connection is not fully set up; the message names what is missing and how to add it."""

    title = "Setup incomplete"

    def __init__(self, message: str, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing
        """The environment variables that would supply the missing pieces."""

    def __str__(self) -> str:
        return self.message


def _env(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _parse_folder(value: str) -> tuple[int | None, str]:
    return (int(value), "") if value.isdigit() else (None, value)


def _checked_since(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return parse_start(value).isoformat()
    except BadStartDate as exc:
        raise ProfileIncomplete(
            f"The saved start date for syncing is unusable: {exc} Choose the date again in "
            "Settings, or run the setup wizard."
        ) from None


_STORE_ENV = ("STORE_PLATFORM", "STORE_URL", "STORE_KEY", "STORE_SECRET")


class StoreNotFound(ProfileIncomplete):
    """No store of the profile has the name asked for; the sentence lists the names there are."""

    title = "No such store"


def _same_address(store: StoreSettings, platform: str, url: str) -> bool:
    return store.platform == platform and store.url.rstrip("/") == url.rstrip("/")


def stores_to_run(env: Mapping[str, str], saved: Settings) -> tuple[StoreSettings, ...]:
    """The stores to run: every saved one; or, when the environment describes a store, that
    one alone (the saved store at its address, else the first, keeping its journal rows)."""
    if not any(_env(env, name) for name in _STORE_ENV):
        return saved.stores or (StoreSettings(),)
    first = saved.first_store
    platform = (_env(env, "STORE_PLATFORM") or first.platform).strip().lower()
    url = clean_text(_env(env, "STORE_URL") or first.url)
    same = [s for s in saved.stores if _same_address(s, platform, url)]
    return (dataclasses.replace(same[0] if same else first, platform=platform, url=url),)


def find_store(stores: tuple[StoreSettings, ...], name: str) -> StoreSettings:
    """The store called ``name`` (its name, any case, or its id); ``StoreNotFound`` else."""
    wanted = name.strip().casefold()
    for store in stores:
        if wanted in (store.label.casefold(), store.id.casefold()):
            return store
    names = ", ".join(f'"{s.label}"' for s in stores if s.label) or "none yet"
    raise StoreNotFound(
        f'This profile has no store called "{name}". Its stores: {names}. '
        "See them with 'desktop-sync store list'."
    )


def load_profile(
    env: Mapping[str, str] = os.environ,
    *,
    secrets: SecretStore | None = None,
    settings: Settings | None = None,
) -> Profile:
    """The profile of the first store to run (see ``load_profiles``)."""
    return load_profiles(env, secrets=secrets, settings=settings)[0]


def load_profiles(
    env: Mapping[str, str] = os.environ,
    *,
    secrets: SecretStore | None = None,
    settings: Settings | None = None,
    store: str | None = None,
) -> tuple[Profile, ...]:
    """One profile per store to run (``store``: the one of that name alone), each piece from
    its environment variable when set, else as saved.

    The keyring is opened only for secrets the environment does not supply. ``STORE_KEY`` and
    ``STORE_SECRET`` come as a pair: when ``STORE_KEY`` is set, the secret is taken only from
    ``STORE_SECRET``. Raises ``ProfileIncomplete`` (naming what is missing), ``StoreNotFound``,
    ``UnusableKey`` (a key that holds a character no key has) and, when a secret has to come
    from the keyring and none works, ``KeyringUnavailable``.
    """
    saved = settings if settings is not None else load_settings()
    stores = stores_to_run(env, saved)
    if store is not None:
        stores = (find_store(stores, store),)
    opened: list[SecretStore] = []

    def keyring_value(name: str) -> str:
        # Opened on first need, so a profile given wholly by the environment never touches it.
        if not opened:
            opened.append(secrets if secrets is not None else SecretStore())
        return (opened[0].get(name) or "").strip()

    return tuple(_load_one(env, saved, chosen, keyring_value) for chosen in stores)


def _load_one(
    env: Mapping[str, str],
    saved: Settings,
    chosen: StoreSettings,
    keyring_value: Callable[[str], str],
) -> Profile:
    store_id = clean_text(_env(env, "ORDERDESK_STORE_ID") or saved.orderdesk_store_id)
    api_url = _env(env, "ORDERDESK_API_URL") or saved.orderdesk_api_url.strip()
    platform = chosen.platform.strip().lower()
    store_url = clean_text(chosen.url)
    folder_env = _env(env, "ORDERDESK_FOLDER")
    if folder_env:
        folder_id, folder_name = _parse_folder(folder_env)
        chosen = dataclasses.replace(chosen, folder_id=None, folder_name="")
    else:
        folder_id, folder_name = saved.orderdesk_folder_id, saved.orderdesk_folder_name.strip()
    if folder_id is None and not folder_name:
        folder_name = "New"

    if platform and find_platform(platform) is None:
        raise ProfileIncomplete(
            f'The store platform "{platform}" is not one Desktop Sync supports. Choose '
            f"{', '.join(NAMES[:-1])} or {NAMES[-1]} in the setup wizard, "
            "or in STORE_PLATFORM.",
            ("STORE_PLATFORM",),
        )
    since = _checked_since(chosen.sync_since)

    api_key = _env(env, "ORDERDESK_API_KEY")
    if not api_key and store_id:
        api_key = keyring_value(orderdesk_api_key_name(store_id))
    store_key = _env(env, "STORE_KEY")
    store_secret = _env(env, "STORE_SECRET")
    if not store_key and platform and store_url:
        store_key = keyring_value(store_key_name(platform, store_url))
        if not store_secret:
            store_secret = keyring_value(store_secret_name(platform, store_url))

    credentials = Credentials(api_key, store_key, store_secret)
    connection = dataclasses.replace(
        Settings(),
        **{name: getattr(saved, name) for name in CONNECTION_FIELDS if name != "stores"},
        stores=(chosen,),
    )
    profile = Profile(
        connection,
        credentials,
        orderdesk_store_id=store_id,
        orderdesk_api_url=api_url or DEFAULT_ORDERDESK_API_URL,
        orderdesk_folder_id=folder_id,
        orderdesk_folder_name=folder_name,
        store_platform=platform,
        store_url=store_url,
        sync_since=since,
    )
    present = {
        "ORDERDESK_STORE_ID": profile.orderdesk_store_id,
        "ORDERDESK_API_KEY": profile.orderdesk_api_key,
        "STORE_PLATFORM": platform,
        "STORE_URL": profile.store_url,
        "STORE_KEY": profile.store_key,
    }
    known = profile.platform
    if known is not None and known.secret_required:
        present["STORE_SECRET"] = profile.store_secret
    missing = tuple(name for name, value in present.items() if not value)
    if missing:
        raise ProfileIncomplete(_missing_message(missing), missing)
    return profile


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _missing_message(missing: tuple[str, ...]) -> str:
    described = [_DESCRIPTIONS[name] for name in missing]
    verb = "is" if len(missing) == 1 else "are"
    what = _join(described)
    return (
        f"Desktop Sync is not fully set up: {what} {verb} missing. Run the setup wizard "
        f"(open Desktop Sync), or set {_join(list(missing))}."
    )


def save_profile(profile: Profile, secrets: SecretStore, *, path: Path | None = None) -> None:
    """Save ``profile``: its secrets to ``secrets``, the rest to the settings file, its store
    in the place of the saved store with its id (the profile's other stores are kept).

    Secrets go first, so a keyring failure leaves the settings as they were. Secrets of the
    store's previous address or a previous Order Desk account are removed so none linger.
    """
    target = path if path is not None else settings_path()
    previous = load_settings(target)

    secrets.set(orderdesk_api_key_name(profile.orderdesk_store_id), profile.orderdesk_api_key)
    secrets.set(store_key_name(profile.store_platform, profile.store_url), profile.store_key)
    secret_name = store_secret_name(profile.store_platform, profile.store_url)
    if profile.store_secret:
        secrets.set(secret_name, profile.store_secret)
    else:
        secrets.delete(secret_name)

    current_names = {
        orderdesk_api_key_name(profile.orderdesk_store_id),
        store_key_name(profile.store_platform, profile.store_url),
        secret_name,
    }
    replaced = [s for s in previous.stores if s.id == profile.store_id]
    others = [s for s in previous.stores if s.id != profile.store_id]
    stale = _orderdesk_secret_names(previous) | _store_secret_names(replaced)
    for name in stale - current_names - _store_secret_names(others):
        secrets.delete(name)

    # What the platform calls the store is learned by its engine into the file: a profile
    # read before that keeps it.
    store = profile.store
    if replaced and not store.identity:
        store = dataclasses.replace(
            store, identity=replaced[0].identity, seen_as=replaced[0].seen_as
        )
    stores = tuple(store if s.id == profile.store_id else s for s in previous.stores)
    if not replaced:
        stores += (store,)
    connection = {
        name: getattr(profile.settings, name) for name in CONNECTION_FIELDS if name != "stores"
    }
    save_settings(dataclasses.replace(previous, **connection, stores=stores), target)


def _orderdesk_secret_names(saved: Settings) -> set[str]:
    if saved.orderdesk_store_id.strip():
        return {orderdesk_api_key_name(saved.orderdesk_store_id)}
    return set()


def _store_secret_names(stores: Iterable[StoreSettings]) -> set[str]:
    names: set[str] = set()
    for store in stores:
        if store.platform.strip() and store.url.strip():
            names.add(store_key_name(store.platform, store.url))
            names.add(store_secret_name(store.platform, store.url))
    return names


def _secret_names(saved: Settings) -> set[str]:
    return _orderdesk_secret_names(saved) | _store_secret_names(saved.stores)


def forget_profile(secrets: SecretStore, *, keep_journal: bool, path: Path | None = None) -> None:
    """Disconnect: delete the saved secrets and settings, and the journal unless asked to keep it.

    Keeping the journal means a later reconnection to the same store sends no order twice.
    """
    target = path if path is not None else settings_path()
    for name in sorted(_secret_names(load_settings(target))):
        secrets.delete(name)
    target.unlink(missing_ok=True)
    if not keep_journal:
        journal = journal_path()
        # SQLite in WAL mode keeps two companion files next to the database.
        for companion in (journal, Path(f"{journal}-wal"), Path(f"{journal}-shm")):
            companion.unlink(missing_ok=True)

"""One connection between a store and Order Desk: saved settings and secrets, overridable by env."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.secrets import (
    SecretStore,
    orderdesk_api_key_name,
    store_key_name,
    store_secret_name,
)
from desktop_sync.app.settings import (
    DEFAULT_ORDERDESK_API_URL,
    Settings,
    load_settings,
    save_settings,
)
from desktop_sync.errors import DesktopSyncError

__all__ = [
    "ENV_VARS",
    "KNOWN_PLATFORMS",
    "Profile",
    "ProfileIncomplete",
    "forget_profile",
    "load_profile",
    "save_profile",
]

KNOWN_PLATFORMS = ("bigcommerce", "shopify", "woocommerce")
# WooCommerce signs every request with a consumer key and secret; the others accept a token alone.
_SECRET_REQUIRED = frozenset({"woocommerce"})

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


@dataclass(frozen=True, kw_only=True)
class Profile:
    """Everything the engine needs to run one store against one Order Desk store."""

    orderdesk_store_id: str
    orderdesk_api_key: str = field(repr=False)
    orderdesk_api_url: str = DEFAULT_ORDERDESK_API_URL
    orderdesk_folder_id: int | None = None
    """The folder new orders go to, when chosen by id; else ``orderdesk_folder_name`` is used."""
    orderdesk_folder_name: str = "New"
    store_platform: str
    store_url: str
    store_key: str = field(repr=False)
    store_secret: str = field(default="", repr=False)
    push_interval_seconds: int = 120
    pull_interval_seconds: int = 300
    overlap_minutes: int = 10
    woocommerce_statuses: tuple[str, ...] = ("processing", "on-hold")
    sync_since: datetime | None = None
    """UTC start of the first order scan; None means "from the moment sync first runs"."""

    @property
    def folder(self) -> int | str:
        """The chosen folder: its id when known, else its name."""
        return (
            self.orderdesk_folder_id
            if self.orderdesk_folder_id is not None
            else (self.orderdesk_folder_name)
        )


def _env(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _parse_folder(value: str) -> tuple[int | None, str]:
    return (int(value), "") if value.isdigit() else (None, value)


def _parse_since(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ProfileIncomplete(
            f'The saved start date for syncing ("{value}") is not a date. Choose the date again '
            "in Settings, or run the setup wizard."
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def load_profile(
    env: Mapping[str, str] = os.environ,
    *,
    secrets: SecretStore | None = None,
    settings: Settings | None = None,
) -> Profile:
    """The profile to run, each piece from its environment variable when set, else as saved.

    The keyring is opened only for secrets the environment does not supply. ``STORE_KEY`` and
    ``STORE_SECRET`` come as a pair: when ``STORE_KEY`` is set, the secret is taken only from
    ``STORE_SECRET``. Raises ``ProfileIncomplete`` (naming what is missing) and, when a secret
    has to come from the keyring and none works, ``KeyringUnavailable``.
    """
    saved = settings if settings is not None else load_settings()
    store_id = _env(env, "ORDERDESK_STORE_ID") or saved.orderdesk_store_id.strip()
    api_url = _env(env, "ORDERDESK_API_URL") or saved.orderdesk_api_url.strip()
    platform = (_env(env, "STORE_PLATFORM") or saved.store_platform).strip().lower()
    store_url = _env(env, "STORE_URL") or saved.store_url.strip()
    folder_env = _env(env, "ORDERDESK_FOLDER")
    if folder_env:
        folder_id, folder_name = _parse_folder(folder_env)
    else:
        folder_id, folder_name = saved.orderdesk_folder_id, saved.orderdesk_folder_name.strip()
    if folder_id is None and not folder_name:
        folder_name = "New"

    if platform and platform not in KNOWN_PLATFORMS:
        raise ProfileIncomplete(
            f'The store platform "{platform}" is not one Desktop Sync supports. Choose '
            f"{', '.join(KNOWN_PLATFORMS[:-1])} or {KNOWN_PLATFORMS[-1]} in the setup wizard, "
            "or in STORE_PLATFORM.",
            ("STORE_PLATFORM",),
        )

    opened: list[SecretStore] = []

    def keyring_value(name: str) -> str:
        # Opened on first need, so a profile given wholly by the environment never touches it.
        if not opened:
            opened.append(secrets if secrets is not None else SecretStore())
        return (opened[0].get(name) or "").strip()

    api_key = _env(env, "ORDERDESK_API_KEY")
    if not api_key and store_id:
        api_key = keyring_value(orderdesk_api_key_name(store_id))
    store_key = _env(env, "STORE_KEY")
    store_secret = _env(env, "STORE_SECRET")
    if not store_key and platform and store_url:
        store_key = keyring_value(store_key_name(platform, store_url))
        if not store_secret:
            store_secret = keyring_value(store_secret_name(platform, store_url))

    present = {
        "ORDERDESK_STORE_ID": store_id,
        "ORDERDESK_API_KEY": api_key,
        "STORE_PLATFORM": platform,
        "STORE_URL": store_url,
        "STORE_KEY": store_key,
    }
    if platform in _SECRET_REQUIRED:
        present["STORE_SECRET"] = store_secret
    missing = tuple(name for name, value in present.items() if not value)
    if missing:
        raise ProfileIncomplete(_missing_message(missing), missing)

    return Profile(
        orderdesk_store_id=store_id,
        orderdesk_api_key=api_key,
        orderdesk_api_url=api_url or DEFAULT_ORDERDESK_API_URL,
        orderdesk_folder_id=folder_id,
        orderdesk_folder_name=folder_name,
        store_platform=platform,
        store_url=store_url,
        store_key=store_key,
        store_secret=store_secret,
        push_interval_seconds=saved.push_interval_seconds,
        pull_interval_seconds=saved.pull_interval_seconds,
        overlap_minutes=saved.overlap_minutes,
        woocommerce_statuses=saved.woocommerce_statuses,
        sync_since=_parse_since(saved.sync_since),
    )


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
    """Save ``profile``: its secrets to ``secrets``, the rest to the settings file.

    Secrets go first, so a keyring failure leaves the settings as they were. Secrets of a
    previous store or Order Desk account are removed so none linger in the keyring.
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
    for stale in _secret_names(previous) - current_names:
        secrets.delete(stale)

    since = profile.sync_since
    save_settings(
        dataclasses.replace(
            previous,
            orderdesk_store_id=profile.orderdesk_store_id,
            orderdesk_api_url=profile.orderdesk_api_url,
            orderdesk_folder_id=profile.orderdesk_folder_id,
            orderdesk_folder_name=profile.orderdesk_folder_name,
            store_platform=profile.store_platform,
            store_url=profile.store_url,
            push_interval_seconds=profile.push_interval_seconds,
            pull_interval_seconds=profile.pull_interval_seconds,
            overlap_minutes=profile.overlap_minutes,
            woocommerce_statuses=profile.woocommerce_statuses,
            sync_since=since.astimezone(UTC).isoformat() if since is not None else "",
        ),
        target,
    )


def _secret_names(saved: Settings) -> set[str]:
    names: set[str] = set()
    if saved.orderdesk_store_id.strip():
        names.add(orderdesk_api_key_name(saved.orderdesk_store_id))
    if saved.store_platform.strip() and saved.store_url.strip():
        names.add(store_key_name(saved.store_platform, saved.store_url))
        names.add(store_secret_name(saved.store_platform, saved.store_url))
    return names


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

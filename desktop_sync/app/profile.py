"""One connection between a store and Order Desk: saved settings and secrets, overridable by env.

A ``Profile`` is a ``Settings`` (its connection fields; the defaults live there alone) and the
``Credentials`` that go with it. The keys are cleaned as they enter (``app.credentials``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_sync.app.credentials import Credentials, clean_credentials, clean_text
from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.platforms import NAMES, Platform, find_platform
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
from desktop_sync.errors import DesktopSyncError

__all__ = [
    "ENV_VARS",
    "Credentials",
    "Profile",
    "ProfileIncomplete",
    "forget_profile",
    "load_profile",
    "save_profile",
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

_CREDENTIAL_FIELDS = frozenset(f.name for f in dataclasses.fields(Credentials))
_SETTING_FIELDS = frozenset(CONNECTION_FIELDS)


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


@dataclass(frozen=True, init=False)
class Profile:
    """Everything the engine needs to run one store against one Order Desk store.

    Built either from its parts, ``Profile(settings=..., credentials=...)``, or from the
    fields by name (``Profile(orderdesk_store_id=..., store_key=..., ...)``): each name goes to
    ``Settings`` or ``Credentials``, and what is not given keeps the ``Settings`` default.
    ``UnusableKey`` when a key holds a character no key can hold.
    """

    settings: Settings
    credentials: Credentials

    def __init__(
        self,
        settings: Settings | None = None,
        credentials: Credentials | None = None,
        **fields: Any,
    ) -> None:
        if "woocommerce_statuses" in fields:  # the older name, still given by the window
            fields["order_statuses"] = fields.pop("woocommerce_statuses")
        unknown = set(fields) - _CREDENTIAL_FIELDS - _SETTING_FIELDS
        if unknown:
            raise TypeError(f"Profile has no field {', '.join(sorted(unknown))}")
        secrets = {k: v for k, v in fields.items() if k in _CREDENTIAL_FIELDS}
        chosen = {k: v for k, v in fields.items() if k in _SETTING_FIELDS}
        since = chosen.get("sync_since")
        if isinstance(since, datetime):
            chosen["sync_since"] = since.astimezone(UTC).isoformat()
        elif since is None and "sync_since" in chosen:
            chosen["sync_since"] = ""
        if "order_statuses" in chosen:
            chosen["order_statuses"] = tuple(chosen["order_statuses"])
        base = dataclasses.replace(settings or Settings(), **chosen)
        base = dataclasses.replace(
            base,
            orderdesk_store_id=clean_text(base.orderdesk_store_id),
            orderdesk_api_url=clean_text(base.orderdesk_api_url),
            store_platform=base.store_platform.strip().lower(),
            store_url=clean_text(base.store_url),
        )
        keys = dataclasses.replace(credentials or Credentials(), **secrets)
        object.__setattr__(self, "settings", base)
        object.__setattr__(self, "credentials", clean_credentials(base.store_platform, keys))

    # The settings and credentials by name, as the engine, the window and the CLI read them.
    @property
    def orderdesk_store_id(self) -> str:
        return self.settings.orderdesk_store_id

    @property
    def orderdesk_api_url(self) -> str:
        return self.settings.orderdesk_api_url

    @property
    def orderdesk_folder_id(self) -> int | None:
        return self.settings.orderdesk_folder_id

    @property
    def orderdesk_folder_name(self) -> str:
        return self.settings.orderdesk_folder_name

    @property
    def cancel_folder(self) -> str:
        """The Order Desk folder for orders cancelled in the store after the push."""
        return self.settings.cancel_folder_name.strip() or Settings().cancel_folder_name

    @property
    def store_platform(self) -> str:
        return self.settings.store_platform

    @property
    def store_url(self) -> str:
        return self.settings.store_url

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
        """The statuses chosen in Settings; empty: the platform's own rule."""
        return self.settings.order_statuses

    @property
    def woocommerce_statuses(self) -> tuple[str, ...]:
        """The older name of ``order_statuses``."""
        return self.settings.order_statuses

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
        text = self.settings.sync_since.strip()
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


def load_profile(
    env: Mapping[str, str] = os.environ,
    *,
    secrets: SecretStore | None = None,
    settings: Settings | None = None,
) -> Profile:
    """The profile to run, each piece from its environment variable when set, else as saved.

    The keyring is opened only for secrets the environment does not supply. ``STORE_KEY`` and
    ``STORE_SECRET`` come as a pair: when ``STORE_KEY`` is set, the secret is taken only from
    ``STORE_SECRET``. Raises ``ProfileIncomplete`` (naming what is missing), ``UnusableKey``
    (a key that holds a character no key has) and, when a secret has to come from the keyring
    and none works, ``KeyringUnavailable``.
    """
    saved = settings if settings is not None else load_settings()
    store_id = clean_text(_env(env, "ORDERDESK_STORE_ID") or saved.orderdesk_store_id)
    api_url = _env(env, "ORDERDESK_API_URL") or saved.orderdesk_api_url.strip()
    platform = (_env(env, "STORE_PLATFORM") or saved.store_platform).strip().lower()
    store_url = clean_text(_env(env, "STORE_URL") or saved.store_url)
    folder_env = _env(env, "ORDERDESK_FOLDER")
    if folder_env:
        folder_id, folder_name = _parse_folder(folder_env)
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
    since = _checked_since(saved.sync_since)

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

    credentials = Credentials(api_key, store_key, store_secret)
    connection = dataclasses.replace(
        Settings(),
        **{name: getattr(saved, name) for name in CONNECTION_FIELDS},
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

    connection = {name: getattr(profile.settings, name) for name in CONNECTION_FIELDS}
    save_settings(dataclasses.replace(previous, **connection), target)


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

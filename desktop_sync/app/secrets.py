"""Credentials in the system keyring, or in memory for this run when the merchant asks."""

from __future__ import annotations

import logging
import sys

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
from keyring.backend import KeyringBackend

from desktop_sync.errors import DesktopSyncError

__all__ = [
    "SERVICE_NAME",
    "KeyringUnavailable",
    "MemorySecretStore",
    "SecretStore",
    "orderdesk_api_key_name",
    "store_key_name",
    "store_secret_name",
    "unavailable_message",
    "usable_backend",
]

log = logging.getLogger(__name__)

SERVICE_NAME = "desktop-sync"


def orderdesk_api_key_name(store_id: str) -> str:
    return f"orderdesk_api_key:{store_id.strip()}"


def _store_ref(platform: str, url: str) -> str:
    # A trailing slash or stray space must not hide a saved key.
    return f"{platform.strip().lower()}:{url.strip().rstrip('/')}"


def store_key_name(platform: str, url: str) -> str:
    return f"store_key:{_store_ref(platform, url)}"


def store_secret_name(platform: str, url: str) -> str:
    return f"store_secret:{_store_ref(platform, url)}"


class KeyringUnavailable(DesktopSyncError):
    """No usable keyring: the message says what to install or unlock, never a secret."""

    title = "Keyring unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _advice(platform: str = sys.platform) -> str:
    if platform.startswith("linux") or "bsd" in platform:
        return (
            "install and unlock a keyring that offers the Secret Service (GNOME Keyring, KWallet, "
            "or KeePassXC with Secret Service integration turned on)"
        )
    if platform == "darwin":
        return "unlock your login keychain in Keychain Access"
    if platform == "win32":
        return "make sure Windows Credential Manager is running for your account"
    return "install a keyring supported by the Python 'keyring' package"


def unavailable_message(
    detail: str = "", platform: str = sys.platform, *, session_only: bool = True
) -> str:
    """The sentence shown when no keyring can be used (``detail`` is the backend's own words;
    ``session_only``: the window offers to keep the passwords for this session instead)."""
    reason = f" ({detail.rstrip('.')})" if detail else ""
    choice = "; or choose to keep the passwords for this session only" if session_only else ""
    return (
        f"Desktop Sync cannot keep your passwords safe because no system keyring is available"
        f"{reason}. To fix this, {_advice(platform)}, then try again{choice}."
    )


def _is_placeholder(backend: KeyringBackend) -> bool:
    # The fail keyring raises on every call and the null keyring silently forgets: neither keeps
    # a secret, so both mean "no keyring".
    return isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring)


def _backend_label(backend: KeyringBackend) -> str:
    name = getattr(type(backend), "name", "")
    return name if isinstance(name, str) and name else type(backend).__name__


class SecretStore:
    """Named secrets in the keyring under service ``desktop-sync``; values are never logged."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        try:
            self._backend = backend if backend is not None else keyring.get_keyring()
        except (keyring.errors.KeyringError, RuntimeError) as exc:
            raise KeyringUnavailable(unavailable_message(_short(exc))) from exc
        self.backend_name = _backend_label(self._backend)
        self._placeholder = _is_placeholder(self._backend)
        log.debug("Secrets are kept in the %s keyring backend", self.backend_name)

    @property
    def usable(self) -> bool:
        """Whether secrets can be kept here (False: the keyring is only a placeholder)."""
        return not self._placeholder

    def _check(self) -> None:
        if self._placeholder:
            raise KeyringUnavailable(unavailable_message())

    def get(self, name: str) -> str | None:
        self._check()
        try:
            value = self._backend.get_password(SERVICE_NAME, name)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(unavailable_message(_short(exc))) from exc
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str) -> None:
        self._check()
        try:
            self._backend.set_password(SERVICE_NAME, name, value)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(unavailable_message(_short(exc))) from exc
        log.debug("Saved secret %s in %s", name, self.backend_name)

    def delete(self, name: str) -> None:
        """Remove the secret; nothing happens when there is none."""
        self._check()
        try:
            self._backend.delete_password(SERVICE_NAME, name)
        except keyring.errors.PasswordDeleteError:
            return
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(unavailable_message(_short(exc))) from exc


def _short(exc: BaseException) -> str:
    # The backend's first sentence only: enough to diagnose, short enough to read.
    text = str(exc).strip()
    return text.split(". ")[0][:200] if text else type(exc).__name__


class MemorySecretStore(SecretStore):
    """Secrets for this run only: chosen by the merchant when no keyring works, never silently."""

    def __init__(self) -> None:
        self.backend_name = "memory (this session only)"
        self._values: dict[str, str] = {}

    @property
    def usable(self) -> bool:
        return True

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


def usable_backend(backend: KeyringBackend | None = None) -> bool:
    """Whether a real keyring is in use (not the fail or null placeholder), without reading it."""
    try:
        chosen = backend if backend is not None else keyring.get_keyring()
    except (keyring.errors.KeyringError, RuntimeError):
        return False
    return not _is_placeholder(chosen)

"""Secrets in the keyring (the in-memory test backend), and a clear error when there is none."""

from __future__ import annotations

import logging

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

from desktop_sync.app.secrets import (
    SERVICE_NAME,
    KeyringUnavailable,
    MemorySecretStore,
    SecretStore,
    orderdesk_api_key_name,
    store_key_name,
    store_secret_name,
    unavailable_message,
    usable_backend,
)
from tests.memory_keyring import MemoryKeyring


class RaisingKeyring(KeyringBackend):
    """A backend that fails every call the way a locked or broken keyring does."""

    priority = 0.5

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


def test_key_names_follow_the_documented_scheme() -> None:
    assert orderdesk_api_key_name("12345") == "orderdesk_api_key:12345"
    assert store_key_name("woocommerce", "https://shop.example.com") == (
        "store_key:woocommerce:https://shop.example.com"
    )
    assert store_secret_name("shopify", "https://x.myshopify.com") == (
        "store_secret:shopify:https://x.myshopify.com"
    )


def test_a_trailing_slash_or_capitals_do_not_hide_a_saved_key() -> None:
    assert store_key_name(" WooCommerce", "https://shop.example.com/ ") == store_key_name(
        "woocommerce", "https://shop.example.com"
    )


def test_set_get_delete_go_through_the_keyring_under_the_app_service() -> None:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    store = SecretStore()

    store.set("orderdesk_api_key:12345", "od-key-value")

    assert backend.passwords == {(SERVICE_NAME, "orderdesk_api_key:12345"): "od-key-value"}
    assert store.get("orderdesk_api_key:12345") == "od-key-value"
    store.delete("orderdesk_api_key:12345")
    assert store.get("orderdesk_api_key:12345") is None
    assert backend.passwords == {}


def test_getting_a_missing_secret_gives_none() -> None:
    assert SecretStore().get("store_key:shopify:https://nowhere") is None


def test_deleting_a_missing_secret_is_not_an_error() -> None:
    SecretStore().delete("store_secret:woocommerce:https://nowhere")


def test_the_backend_in_use_is_recorded() -> None:
    assert SecretStore().backend_name == MemoryKeyring.name
    assert SecretStore(MemoryKeyring()).backend_name == MemoryKeyring.name
    assert usable_backend()


def test_values_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="desktop_sync"):
        store = SecretStore()
        store.set("orderdesk_api_key:1", "very-secret-value")
        store.get("orderdesk_api_key:1")
        store.delete("orderdesk_api_key:1")
    assert caplog.records, "the store should say which backend it uses"
    assert "very-secret-value" not in caplog.text


@pytest.mark.parametrize(
    "backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()]
)
def test_the_fail_and_null_keyrings_are_unavailable(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    assert not usable_backend()
    store = SecretStore()
    for attempt in (
        lambda: store.get("orderdesk_api_key:1"),
        lambda: store.set("orderdesk_api_key:1", "x"),
        lambda: store.delete("orderdesk_api_key:1"),
    ):
        with pytest.raises(KeyringUnavailable) as caught:
            attempt()
        assert "GNOME Keyring" in str(caught.value) or "keychain" in str(caught.value).lower()


@pytest.mark.parametrize(
    "error",
    [
        keyring.errors.NoKeyringError("No recommended backend was available"),
        keyring.errors.KeyringLocked("Failed to unlock the collection!"),
        keyring.errors.InitError("Failed to create the collection: Prompt dismissed.."),
        keyring.errors.PasswordSetError("Prompt dismissed"),
    ],
)
def test_keyring_errors_become_keyring_unavailable(error: Exception) -> None:
    store = SecretStore(RaisingKeyring(error))
    with pytest.raises(KeyringUnavailable) as caught:
        store.set("orderdesk_api_key:1", "value-that-must-not-leak")
    message = str(caught.value)
    assert "value-that-must-not-leak" not in message
    assert str(error).split(".")[0] in message
    with pytest.raises(KeyringUnavailable):
        store.get("orderdesk_api_key:1")


def test_delete_of_a_missing_secret_in_a_real_backend_is_quiet() -> None:
    store = SecretStore(RaisingKeyring(keyring.errors.PasswordDeleteError("not found")))
    store.delete("orderdesk_api_key:1")


@pytest.mark.parametrize(
    ("platform", "advice"),
    [
        ("linux", "GNOME Keyring, KWallet, or KeePassXC"),
        ("darwin", "keychain"),
        ("win32", "Credential Manager"),
    ],
)
def test_the_message_says_what_to_install_or_unlock(platform: str, advice: str) -> None:
    message = unavailable_message("Failed to unlock", platform)
    assert advice in message
    assert "(Failed to unlock)" in message
    assert "this session only" in message
    assert message.endswith(".")


def test_memory_store_keeps_secrets_for_this_run_only() -> None:
    store = MemorySecretStore()
    store.set("store_key:shopify:https://x", "token")
    assert store.get("store_key:shopify:https://x") == "token"
    assert MemorySecretStore().get("store_key:shopify:https://x") is None
    store.delete("store_key:shopify:https://x")
    store.delete("store_key:shopify:https://x")
    assert store.get("store_key:shopify:https://x") is None
    assert "session" in store.backend_name
    assert keyring.get_keyring().passwords == {}  # type: ignore[attr-defined]


def test_memory_store_works_even_without_any_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = MemorySecretStore()
    store.set("orderdesk_api_key:1", "k")
    assert store.get("orderdesk_api_key:1") == "k"

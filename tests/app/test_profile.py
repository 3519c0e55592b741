"""The profile the engine runs: saved settings and keyring secrets, overridden by env vars."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from desktop_sync.app.paths import journal_path, settings_path
from desktop_sync.app.profile import (
    Profile,
    ProfileIncomplete,
    forget_profile,
    load_profile,
    save_profile,
)
from desktop_sync.app.secrets import KeyringUnavailable, MemorySecretStore, SecretStore
from desktop_sync.app.settings import Settings, load_settings, save_settings
from desktop_sync.app.stores import StoreSettings
from tests.memory_keyring import MemoryKeyring

FULL_ENV = {
    "ORDERDESK_API_URL": "http://127.0.0.1:8123/api/v2",
    "ORDERDESK_STORE_ID": "12345",
    "ORDERDESK_API_KEY": "env-od-key",
    "ORDERDESK_FOLDER": "Ready",
    "STORE_PLATFORM": "woocommerce",
    "STORE_URL": "http://127.0.0.1:9000",
    "STORE_KEY": "ck_env",
    "STORE_SECRET": "cs_env",
}

SAVED = Profile(
    orderdesk_store_id="777",
    orderdesk_api_key="saved-od-key",
    orderdesk_folder_id=1004,
    orderdesk_folder_name="",
    store_platform="shopify",
    store_url="https://demo.myshopify.com",
    store_key="shpat_saved",
    store_secret="",
    push_interval_seconds=60,
    pull_interval_seconds=240,
    overlap_minutes=20,
    sync_since=datetime(2026, 11, 1, 9, 0, tzinfo=UTC),
)


class CountingSecrets(SecretStore):
    """A secret store that records every name it is asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.backend_name = "counting"

    def get(self, name: str) -> str | None:
        self.asked.append(name)
        return None

    def set(self, name: str, value: str) -> None:
        raise AssertionError("nothing should be saved")

    def delete(self, name: str) -> None:
        raise AssertionError("nothing should be deleted")


def memory_keyring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


def test_environment_alone_gives_a_full_profile_without_touching_the_keyring() -> None:
    # The fail keyring raises on any access: the test proves none happens.
    keyring.set_keyring(keyring.backends.fail.Keyring())
    secrets = CountingSecrets()

    profile = load_profile(FULL_ENV, secrets=secrets)
    assert secrets.asked == []
    assert load_profile(FULL_ENV) == profile

    assert profile.orderdesk_api_url == "http://127.0.0.1:8123/api/v2"
    assert profile.orderdesk_store_id == "12345"
    assert profile.orderdesk_api_key == "env-od-key"
    assert (profile.orderdesk_folder_id, profile.orderdesk_folder_name) == (None, "Ready")
    assert profile.folder == "Ready"
    assert (profile.store_platform, profile.store_url) == ("woocommerce", "http://127.0.0.1:9000")
    assert (profile.store_key, profile.store_secret) == ("ck_env", "cs_env")
    assert profile.order_statuses == ()  # the platform's own rule
    assert profile.sync_since is None


def test_a_saved_profile_loads_back_from_settings_and_keyring() -> None:
    save_profile(SAVED, SecretStore())
    assert load_profile({}) == SAVED


def test_saving_puts_secrets_in_the_keyring_and_nowhere_else() -> None:
    save_profile(SAVED, SecretStore())

    assert memory_keyring().passwords == {
        ("desktop-sync", "orderdesk_api_key:777"): "saved-od-key",
        ("desktop-sync", "store_key:shopify:https://demo.myshopify.com"): "shpat_saved",
    }
    text = settings_path().read_text(encoding="utf-8")
    assert "saved-od-key" not in text and "shpat_saved" not in text
    assert load_settings().sync_since == "2026-11-01T09:00:00+00:00"


def test_saving_keeps_the_merchants_other_preferences() -> None:
    save_settings(Settings(notify_shipments=False, start_minimized=True))
    save_profile(SAVED, SecretStore())
    saved = load_settings()
    assert (saved.notify_shipments, saved.start_minimized) == (False, True)


def test_saving_a_new_store_removes_the_old_stores_secrets() -> None:
    save_profile(SAVED, SecretStore())
    moved = Profile(
        orderdesk_store_id="888",
        orderdesk_api_key="new-od-key",
        store_platform="woocommerce",
        store_url="https://shop.example.com",
        store_key="ck_new",
        store_secret="cs_new",
    )
    save_profile(moved, SecretStore())
    assert set(memory_keyring().passwords) == {
        ("desktop-sync", "orderdesk_api_key:888"),
        ("desktop-sync", "store_key:woocommerce:https://shop.example.com"),
        ("desktop-sync", "store_secret:woocommerce:https://shop.example.com"),
    }
    assert load_profile({}) == moved


@pytest.mark.parametrize(
    ("name", "value", "field", "expected"),
    [
        ("ORDERDESK_API_URL", "http://127.0.0.1:1/api/v2", "orderdesk_api_url", None),
        ("ORDERDESK_STORE_ID", "999", "orderdesk_store_id", None),
        ("ORDERDESK_API_KEY", "env-key", "orderdesk_api_key", None),
        ("STORE_URL", "https://other.myshopify.com", "store_url", None),
        ("STORE_KEY", "shpat_env", "store_key", None),
        ("STORE_PLATFORM", " BigCommerce ", "store_platform", "bigcommerce"),
        ("ORDERDESK_FOLDER", "2002", "orderdesk_folder_id", 2002),
        ("ORDERDESK_FOLDER", "Wholesale", "orderdesk_folder_name", "Wholesale"),
    ],
)
def test_an_environment_variable_overrides_the_saved_value(
    name: str, value: str, field: str, expected: object
) -> None:
    save_profile(SAVED, SecretStore())
    env = {name: value}
    if name in ("ORDERDESK_STORE_ID",):
        env["ORDERDESK_API_KEY"] = "key-for-999"
    if name in ("STORE_URL", "STORE_PLATFORM"):
        env["STORE_KEY"] = "token-for-other-store"

    profile = load_profile(env)

    assert getattr(profile, field) == (value if expected is None else expected)
    # Everything else still comes from the saved profile.
    assert profile.push_interval_seconds == 60
    assert profile.orderdesk_api_key == env.get("ORDERDESK_API_KEY", "saved-od-key")


def test_numeric_folder_in_the_environment_is_a_folder_id() -> None:
    env = {**FULL_ENV, "ORDERDESK_FOLDER": "1004"}
    profile = load_profile(env)
    assert (profile.orderdesk_folder_id, profile.folder) == (1004, 1004)


def test_folder_defaults_to_new() -> None:
    env = {k: v for k, v in FULL_ENV.items() if k != "ORDERDESK_FOLDER"}
    assert load_profile(env).folder == "New"


def test_api_url_defaults_to_the_real_order_desk() -> None:
    env = {k: v for k, v in FULL_ENV.items() if k != "ORDERDESK_API_URL"}
    assert load_profile(env).orderdesk_api_url == "https://app.orderdesk.me/api/v2"


def test_store_key_from_the_environment_takes_its_secret_from_the_environment_only() -> None:
    save_profile(
        Profile(
            orderdesk_store_id="1",
            orderdesk_api_key="k",
            store_platform="woocommerce",
            store_url="https://shop.example.com",
            store_key="ck_saved",
            store_secret="cs_saved",
        ),
        SecretStore(),
    )
    with pytest.raises(ProfileIncomplete) as caught:
        load_profile({"STORE_KEY": "ck_env"})
    assert caught.value.missing == ("STORE_SECRET",)


def test_nothing_set_up_names_everything_missing() -> None:
    with pytest.raises(ProfileIncomplete) as caught:
        load_profile({})
    assert caught.value.missing == (
        "ORDERDESK_STORE_ID",
        "ORDERDESK_API_KEY",
        "STORE_PLATFORM",
        "STORE_URL",
        "STORE_KEY",
    )
    assert str(caught.value) == (
        "Desktop Sync is not fully set up: the Order Desk store ID, the Order Desk API key, "
        "the store platform, the store address (URL) and the store API key are missing. "
        "Run the setup wizard (open Desktop Sync), or set ORDERDESK_STORE_ID, "
        "ORDERDESK_API_KEY, STORE_PLATFORM, STORE_URL and STORE_KEY."
    )


@pytest.mark.parametrize(
    ("dropped", "message"),
    [
        (
            "ORDERDESK_API_KEY",
            "Desktop Sync is not fully set up: the Order Desk API key is missing. Run the setup "
            "wizard (open Desktop Sync), or set ORDERDESK_API_KEY.",
        ),
        (
            "STORE_SECRET",
            "Desktop Sync is not fully set up: the store API secret is missing. Run the setup "
            "wizard (open Desktop Sync), or set STORE_SECRET.",
        ),
        (
            "STORE_URL",
            "Desktop Sync is not fully set up: the store address (URL) is missing. Run the setup "
            "wizard (open Desktop Sync), or set STORE_URL.",
        ),
    ],
)
def test_one_missing_piece_is_named_exactly(dropped: str, message: str) -> None:
    env = {k: v for k, v in FULL_ENV.items() if k != dropped}
    with pytest.raises(ProfileIncomplete) as caught:
        load_profile(env)
    assert str(caught.value) == message
    assert caught.value.missing == (dropped,)


@pytest.mark.parametrize("platform", ["shopify", "bigcommerce"])
def test_token_platforms_need_no_secret(platform: str) -> None:
    env = {k: v for k, v in FULL_ENV.items() if k != "STORE_SECRET"}
    env["STORE_PLATFORM"] = platform
    assert load_profile(env).store_secret == ""


def test_an_unsupported_platform_is_named() -> None:
    with pytest.raises(ProfileIncomplete) as caught:
        load_profile({**FULL_ENV, "STORE_PLATFORM": "magento"})
    assert str(caught.value) == (
        'The store platform "magento" is not one Desktop Sync supports. Choose bigcommerce, '
        "shopify or woocommerce in the setup wizard, or in STORE_PLATFORM."
    )


def test_a_damaged_sync_start_date_is_reported_not_guessed() -> None:
    settings = Settings(stores=(StoreSettings(sync_since="yesterday"),))
    with pytest.raises(ProfileIncomplete, match="start date"):
        load_profile(FULL_ENV, settings=settings)


def test_sync_since_is_read_as_utc() -> None:
    settings = Settings(stores=(StoreSettings(sync_since="2026-11-01T10:00:00+01:00"),))
    assert load_profile(FULL_ENV, settings=settings).sync_since == datetime(
        2026, 11, 1, 9, 0, tzinfo=UTC
    )


def test_a_secret_needed_from_a_missing_keyring_says_so() -> None:
    save_settings(Settings(orderdesk_store_id="1"))
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable):
        load_profile({k: v for k, v in FULL_ENV.items() if k != "ORDERDESK_API_KEY"})


def test_secrets_kept_for_this_session_only_work_without_a_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    session = MemorySecretStore()
    save_profile(SAVED, session)
    assert load_profile({}, secrets=session) == SAVED


def test_the_repr_shows_no_secret() -> None:
    text = repr(SAVED) + str(SAVED)
    assert "777" in text and "shopify" in text
    for secret in ("saved-od-key", "shpat_saved"):
        assert secret not in text
    env_profile = load_profile(FULL_ENV)
    assert "env-od-key" not in repr(env_profile) and "cs_env" not in repr(env_profile)


@pytest.mark.parametrize("keep_journal", [True, False])
def test_forgetting_removes_settings_and_secrets(keep_journal: bool) -> None:
    save_profile(SAVED, SecretStore())
    journal = journal_path()
    for path in (journal, Path(f"{journal}-wal"), Path(f"{journal}-shm")):
        path.write_bytes(b"journal")

    forget_profile(SecretStore(), keep_journal=keep_journal)

    assert memory_keyring().passwords == {}
    assert not settings_path().exists()
    assert journal.exists() is keep_journal
    assert Path(f"{journal}-wal").exists() is keep_journal
    with pytest.raises(ProfileIncomplete):
        load_profile({})


def test_forgetting_twice_is_harmless() -> None:
    forget_profile(SecretStore(), keep_journal=False)
    forget_profile(SecretStore(), keep_journal=False)

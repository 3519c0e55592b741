"""A profile is one Order Desk account and any number of stores: saved, upgraded, loaded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import keyring
import pytest

from desktop_sync.app.paths import config_dir, settings_path
from desktop_sync.app.profile import (
    Profile,
    StoreNotFound,
    load_profile,
    load_profiles,
    save_profile,
)
from desktop_sync.app.secrets import SecretStore, store_key_name
from desktop_sync.app.settings import SCHEMA_VERSION, Settings, load_settings, save_settings
from desktop_sync.app.stores import (
    FIRST_STORE_ID,
    StoreSettings,
    default_store_name,
    new_store_id,
    source_name_for_new_store,
)
from desktop_sync.app.upgrade import migrate_on_start

SINGLE_STORE_FILE = {
    "schema_version": 1,
    "orderdesk_store_id": "4242",
    "orderdesk_folder_name": "Ready",
    "store_platform": "bigcommerce",
    "store_url": "https://api.bigcommerce.com/stores/abc123",
    "sync_since": "2026-11-01T09:00:00+00:00",
    "order_statuses": ["Awaiting Fulfillment"],
    "push_interval_seconds": 60,
}

SHOP_A = StoreSettings(id="1", name="Shop A", platform="shopify", url="https://a.myshopify.com")
SHOP_B = StoreSettings(
    id="b7",
    name="Shop B",
    platform="shopify",
    url="https://b.myshopify.com",
    source_name="Desktop Sync (Shop B)",
    folder_name="Wholesale",
    order_statuses=("paid",),
    cancel_folder_name="Annulé",
    sync_since="2026-10-01T00:00:00+00:00",
)


def _keys(*pairs: tuple[str, str]) -> None:
    store = SecretStore()
    store.set("orderdesk_api_key:4242", "od-key")
    for url, key in pairs:
        store.set(store_key_name("shopify", url), key)


def test_a_single_store_settings_file_opens_as_a_profile_with_one_store() -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text(json.dumps(SINGLE_STORE_FILE), encoding="utf-8")

    notes = migrate_on_start()

    backups = list(config_dir().glob("settings.json.bak-*"))
    assert len(backups) == 1  # the old file kept, as every upgrade keeps it
    assert json.loads(backups[0].read_text(encoding="utf-8")) == SINGLE_STORE_FILE
    assert any("kept as" in line for line in notes)
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert saved["schema_version"] == SCHEMA_VERSION == 2
    assert "store_platform" not in saved
    (store,) = load_settings().stores
    assert store == StoreSettings(
        id=FIRST_STORE_ID,
        platform="bigcommerce",
        url="https://api.bigcommerce.com/stores/abc123",
        sync_since="2026-11-01T09:00:00+00:00",
    )
    # Its source name is the one the earlier version sent with, so nothing is sent twice.
    assert store.order_desk_source_name == "Desktop Sync (BigCommerce)"
    assert store.label == "api.bigcommerce.com/stores/abc123"
    assert load_settings().order_statuses == ("Awaiting Fulfillment",)


def test_every_store_loads_with_its_own_keys_and_the_profile_defaults() -> None:
    save_settings(
        Settings(orderdesk_store_id="4242", orderdesk_folder_name="New", stores=(SHOP_A, SHOP_B))
    )
    _keys(("https://a.myshopify.com", "shpat_a"), ("https://b.myshopify.com", "shpat_b"))

    first, second = load_profiles({})

    assert (first.store_id, first.store_key, second.store_key) == ("1", "shpat_a", "shpat_b")
    assert first.orderdesk_api_key == second.orderdesk_api_key == "od-key"
    # The first store takes the profile's folder, statuses and cancel folder ...
    assert (first.folder, first.order_statuses, first.cancel_folder) == ("New", (), "Canceled")
    assert first.source_name == "Desktop Sync (Shopify)"
    # ... the second has its own.
    assert (second.folder, second.order_statuses, second.cancel_folder) == (
        "Wholesale",
        ("paid",),
        "Annulé",
    )
    assert second.source_name == "Desktop Sync (Shop B)"
    assert second.sync_since == datetime(2026, 10, 1, tzinfo=UTC)
    assert load_profiles({}, store="shop b") == (second,)


def test_asking_for_a_store_the_profile_lacks_names_the_stores_it_has() -> None:
    save_settings(Settings(orderdesk_store_id="4242", stores=(SHOP_A, SHOP_B)))
    with pytest.raises(StoreNotFound) as caught:
        load_profiles({}, store="Shop C")
    assert str(caught.value) == (
        'This profile has no store called "Shop C". Its stores: "Shop A", "Shop B". '
        "See them with 'desktop-sync store list'."
    )


def test_the_environment_still_describes_one_store_as_before() -> None:
    save_settings(Settings(orderdesk_store_id="4242", stores=(SHOP_A, SHOP_B)))
    env = {
        "ORDERDESK_API_KEY": "od-env",
        "STORE_PLATFORM": "shopify",
        "STORE_URL": "https://b.myshopify.com/",
        "STORE_KEY": "shpat_env",
    }
    (only,) = load_profiles(env)
    # The saved store at that address: its journal rows and source name stay its own.
    assert (only.store_id, only.store_key, only.source_name) == (
        "b7",
        "shpat_env",
        SHOP_B.source_name,
    )
    elsewhere = load_profile({**env, "STORE_URL": "https://c.myshopify.com"})
    assert (elsewhere.store_id, elsewhere.store_url) == ("1", "https://c.myshopify.com")


def test_saving_one_store_keeps_the_others_and_their_secrets() -> None:
    save_settings(Settings(orderdesk_store_id="4242", stores=(SHOP_A, SHOP_B)))
    _keys(("https://a.myshopify.com", "shpat_a"), ("https://b.myshopify.com", "shpat_b"))
    first = load_profile({})

    moved = Profile(first.settings, first.credentials, store_url="https://a2.myshopify.com")
    save_profile(moved, SecretStore())

    assert [s.url for s in load_settings().stores] == [
        "https://a2.myshopify.com",
        "https://b.myshopify.com",
    ]
    passwords = keyring.get_keyring().passwords  # type: ignore[attr-defined]
    names = {name for (_, name) in passwords}
    assert store_key_name("shopify", "https://a.myshopify.com") not in names
    assert store_key_name("shopify", "https://b.myshopify.com") in names
    assert store_key_name("shopify", "https://a2.myshopify.com") in names


def test_a_new_store_gets_an_id_and_a_source_name_no_other_store_has() -> None:
    assert new_store_id([]) == FIRST_STORE_ID
    assert new_store_id([SHOP_A, SHOP_B]) not in {"1", "b7"}
    assert source_name_for_new_store("Shop C", "shopify", []) == ""
    assert source_name_for_new_store("Shop C", "shopify", [SHOP_A]) == "Desktop Sync (Shop C)"
    assert source_name_for_new_store("Shop B", "shopify", [SHOP_A, SHOP_B]) == (
        "Desktop Sync (Shop B) 2"
    )
    long = source_name_for_new_store("x" * 100, "shopify", [SHOP_A])
    assert len(long) == 64


def test_a_store_is_named_by_its_address_until_the_merchant_names_it() -> None:
    assert default_store_name("https://shop.example/") == "shop.example"
    assert default_store_name("a.myshopify.com") == "a.myshopify.com"
    assert default_store_name("") == ""


def test_an_unreadable_store_entry_is_reported_not_guessed() -> None:
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    data = {"schema_version": 2, "stores": [SHOP_A.to_json(), {"id": 7}]}
    settings_path().write_text(json.dumps(data), encoding="utf-8")
    warnings: list[str] = []
    assert load_settings(warn=warnings.append).stores == (SHOP_A,)
    assert "stores" in warnings[0]


def test_asking_for_a_store_before_any_is_added_says_there_is_none() -> None:
    with pytest.raises(StoreNotFound) as caught:
        load_profiles({}, store="Shop A")
    assert "Its stores: none yet." in str(caught.value)

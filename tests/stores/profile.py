"""A profile of several stores for the tests: saved settings and keyring secrets, each store
pointed at its kit's emulator on 127.0.0.1, one Order Desk emulator for them all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from desktop_sync.app.secrets import (
    SecretStore,
    orderdesk_api_key_name,
    store_key_name,
    store_secret_name,
)
from desktop_sync.app.settings import Settings, save_settings
from desktop_sync.app.stores import StoreSettings, new_store_id, source_name_for_new_store
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kit import StoreKit
from tests.contract.kits.bigcommerce import BigCommerceKit


def save_stores(
    orderdesk: OrderDeskEmulator,
    stores: Sequence[tuple[str, StoreKit, str]],
    *,
    since: datetime,
    push_interval: int = 120,
    pull_interval: int = 300,
) -> tuple[StoreSettings, ...]:
    """Save a profile with these stores (name, kit, its own folder or ""), as ``store add``
    would: each with a new id and a source name of its own, its keys in the keyring."""
    secrets = SecretStore()
    secrets.set(orderdesk_api_key_name(orderdesk.store_id), orderdesk.api_key)
    saved: list[StoreSettings] = []
    for name, kit, folder in stores:
        env = kit.env()
        platform, url = env["STORE_PLATFORM"], env["STORE_URL"]
        saved.append(
            StoreSettings(
                id=new_store_id(saved),
                name=name,
                platform=platform,
                url=url,
                source_name=source_name_for_new_store(name, platform, saved),
                folder_name=folder,
                sync_since=since.isoformat(),
            )
        )
        secrets.set(store_key_name(platform, url), env["STORE_KEY"])
        if env["STORE_SECRET"]:
            secrets.set(store_secret_name(platform, url), env["STORE_SECRET"])
    save_settings(
        Settings(
            orderdesk_store_id=orderdesk.store_id,
            orderdesk_api_url=orderdesk.api_url,
            stores=tuple(saved),
            push_interval_seconds=push_interval,
            pull_interval_seconds=pull_interval,
        )
    )
    return tuple(saved)


def placed_earlier(kit: BigCommerceKit, order_ids: Sequence[str], by: timedelta) -> None:
    """Make these BigCommerce orders placed (and last changed) ``by`` earlier: orders the store
    held before the profile's start."""
    with kit.emulator.lock:
        for order_id in order_ids:
            record = kit.emulator._orders[int(order_id)]
            record.created -= by
            record.modified -= by
            kit.emulator._stamp(record)

"""Wiring of one profile: the store platforms on offer, the verify calls the wizard makes, and
``build_engine`` that turns a ``Profile`` into a running ``SyncEngine``."""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from desktop_sync.app.paths import journal_path
from desktop_sync.app.profile import Profile
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.orderdesk.models import StoreInfo
from desktop_sync.connectors.stores.base import StoreConnector, StoreIdentity
from desktop_sync.engine.context import utc_now
from desktop_sync.engine.events import EventSink
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.errors import DesktopSyncError
from desktop_sync.state.journal import Journal

__all__ = [
    "PLATFORMS",
    "PlatformInfo",
    "UnknownPlatform",
    "build_engine",
    "make_orderdesk_client",
    "make_store_connector",
    "platform_info",
    "verify_orderdesk",
    "verify_store",
]


class UnknownPlatform(DesktopSyncError, ValueError):
    """The profile names a store platform this version does not know (still a ``ValueError``
    for callers written before the error root)."""

    title = "Unknown store platform"


@dataclass(frozen=True)
class PlatformInfo:
    """What the wizard shows for one platform, and what the headless env vars mean for it."""

    name: str
    display_name: str
    url_label: str
    key_label: str
    secret_label: str
    url_hint: str
    key_hint: str
    secret_hint: str
    secret_optional: bool


PLATFORMS: tuple[PlatformInfo, ...] = (
    PlatformInfo(
        name="shopify",
        display_name="Shopify",
        url_label="Shop address",
        key_label="Admin API access token or Client ID",
        secret_label="Client secret",
        url_hint="Your permanent shop address, e.g. my-store.myshopify.com.",
        key_hint="The Client ID of your Dev Dashboard app (dev.shopify.com > your app > "
        "Settings), with the scopes read_orders, read_products, read_locations and "
        "write_merchant_managed_fulfillment_orders. A custom app made in Shopify admin before "
        "2026: its Admin API access token (starts shpat_).",
        secret_hint="The Dev Dashboard app's Client secret (starts shpss_). Leave empty when "
        "you pasted an access token.",
        secret_optional=True,
    ),
    PlatformInfo(
        name="woocommerce",
        display_name="WooCommerce",
        url_label="Site address",
        key_label="Consumer key",
        secret_label="Consumer secret",
        url_hint="Your shop's address, e.g. https://shop.example.com (HTTPS).",
        key_hint="WordPress admin: WooCommerce > Settings > Advanced > REST API > Add key, "
        "with Read/Write permission. Starts ck_.",
        secret_hint="Shown once beside the consumer key when you create it. Starts cs_.",
        secret_optional=False,
    ),
    PlatformInfo(
        name="bigcommerce",
        display_name="BigCommerce",
        url_label="Store hash or API path",
        key_label="Access token",
        secret_label="(not used)",
        url_hint="BigCommerce control panel: Settings > Store-level API accounts. The API path "
        "looks like https://api.bigcommerce.com/stores/abc123/v3/ (abc123 is the store hash).",
        key_hint="Create a store-level API account with Orders: modify and Information & "
        "Settings: read-only; the access token is shown once.",
        secret_hint="BigCommerce needs no secret.",
        secret_optional=True,
    ),
)


def platform_info(name: str) -> PlatformInfo:
    for info in PLATFORMS:
        if info.name == name:
            return info
    known = ", ".join(p.name for p in PLATFORMS)
    raise UnknownPlatform(f"'{name}' is not a store platform this app knows (use one of {known}).")


def make_store_connector(
    platform: str, url: str, key: str, secret: str = "", **options: Any
) -> StoreConnector:
    """The connector of ``platform`` (one module per platform, each with ``from_credentials``)."""
    info = platform_info(platform)
    module = importlib.import_module(f"desktop_sync.connectors.stores.{info.name}")
    factory = cast(Callable[..., StoreConnector], module.from_credentials)
    return factory(url, key, secret, **options)


def make_orderdesk_client(store_id: str, api_key: str, api_url: str) -> OrderDeskClient:
    return OrderDeskClient(store_id, api_key, base_url=api_url)


def verify_orderdesk(store_id: str, api_key: str, api_url: str) -> StoreInfo:
    """Order Desk's ``/test``, then its folder list; raises the client's typed errors."""
    with make_orderdesk_client(store_id, api_key, api_url) as client:
        client.test()
        return client.store()


def verify_store(platform: str, url: str, key: str, secret: str = "") -> StoreIdentity:
    connector = make_store_connector(platform, url, key, secret)
    try:
        return connector.verify()
    finally:
        connector.close()


def _store_options(profile: Profile) -> dict[str, Any]:
    if profile.store_platform == "woocommerce":
        return {"statuses": profile.woocommerce_statuses}
    return {}


def build_engine(
    profile: Profile,
    *,
    sink: EventSink | None = None,
    stop: threading.Event | None = None,
    journal_file: Path | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SyncEngine:
    """A ready engine for ``profile``; call on the thread that will run it."""
    journal = Journal(journal_file or journal_path())
    orderdesk = make_orderdesk_client(
        profile.orderdesk_store_id, profile.orderdesk_api_key, profile.orderdesk_api_url
    )
    try:
        store = make_store_connector(
            profile.store_platform,
            profile.store_url,
            profile.store_key,
            profile.store_secret,
            **_store_options(profile),
        )
    except BaseException:
        orderdesk.close()
        journal.close()
        raise
    return SyncEngine(
        orderdesk=orderdesk,
        store=store,
        journal=journal,
        folder=profile.folder,
        overlap=timedelta(minutes=profile.overlap_minutes),
        start_at=profile.sync_since,
        sink=sink,
        stop=stop,
        clock=clock,
        on_close=orderdesk.close,
    )

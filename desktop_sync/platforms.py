"""The store platforms Desktop Sync speaks: one entry each, read by the profile, the wiring, the
mapping, the CLI and the wizard, so a platform's facts are written once.

===========  ===========  ==========================  =====================  ===================
name         display      Order Desk ``source_name``  credentials            statuses sent
===========  ===========  ==========================  =====================  ===================
bigcommerce  BigCommerce  Desktop Sync (BigCommerce)  access token           the connector's
shopify      Shopify      Desktop Sync (Shopify)      token, or id + secret  the connector's
woocommerce  WooCommerce  Desktop Sync (WooCommerce)  key + secret           processing, on-hold
===========  ===========  ==========================  =====================  ===================

The connector modules are imported only when a connector is built, so reading a platform's
name never loads every platform's HTTP code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_sync.errors import DesktopSyncError

if TYPE_CHECKING:
    from desktop_sync.connectors.stores.base import StoreConnector

__all__ = [
    "NAMES",
    "PLATFORMS",
    "Platform",
    "UnknownPlatform",
    "find_platform",
    "get_platform",
]

ConnectorFactory = Callable[..., "StoreConnector"]


class UnknownPlatform(DesktopSyncError, ValueError):
    """The profile names a store platform this version does not know (still a ``ValueError``
    for callers written before the error root)."""

    title = "Unknown store platform"


@dataclass(frozen=True)
class Platform:
    """One store platform: what it is called, what it needs, and how its connector is built."""

    name: str
    """The id saved in settings and given in ``STORE_PLATFORM``."""
    display_name: str
    """What the merchant calls it, in every sentence."""
    source_name: str
    """The fixed Order Desk ``source_name`` of the orders the app sends from it (<= 64 chars)."""
    secret_required: bool
    """Credential rule: whether a secret must go with the key (else it is optional or unused)."""
    default_statuses: tuple[str, ...]
    """The store statuses sent by default; empty: the connector's own rule decides."""
    url_label: str
    url_hint: str
    key_label: str
    key_hint: str
    secret_label: str
    secret_hint: str
    secret_used: bool
    """Whether a secret means anything here (BigCommerce needs none)."""
    _factory: ConnectorFactory

    @property
    def secret_optional(self) -> bool:
        return not self.secret_required

    def connector(
        self,
        url: str,
        key: str,
        secret: str = "",
        *,
        statuses: Sequence[str] | None = None,
        **options: Any,
    ) -> StoreConnector:
        """A connector for these credentials. ``statuses`` (default: ``default_statuses``)
        reaches only a platform whose connector filters by status."""
        if self.default_statuses:
            options["statuses"] = self.default_statuses if statuses is None else tuple(statuses)
        return self._factory(url, key, secret, **options)


def _bigcommerce(url: str, key: str, secret: str, **options: Any) -> StoreConnector:
    from desktop_sync.connectors.stores.bigcommerce import from_credentials

    return from_credentials(url, key, secret, **options)


def _shopify(url: str, key: str, secret: str, **options: Any) -> StoreConnector:
    from desktop_sync.connectors.stores.shopify import from_credentials

    return from_credentials(url, key, secret, **options)


def _woocommerce(url: str, key: str, secret: str, **options: Any) -> StoreConnector:
    from desktop_sync.connectors.stores.woocommerce import from_credentials

    return from_credentials(url, key, secret, **options)


# In the order the wizard offers them.
PLATFORMS: tuple[Platform, ...] = (
    Platform(
        name="shopify",
        display_name="Shopify",
        source_name="Desktop Sync (Shopify)",
        secret_required=False,
        default_statuses=(),
        url_label="Shop address",
        url_hint="Your permanent shop address, e.g. my-store.myshopify.com.",
        key_label="Admin API access token or Client ID",
        key_hint="The Client ID of your Dev Dashboard app (dev.shopify.com > your app > "
        "Settings), with the scopes read_orders, read_products, read_locations and "
        "write_merchant_managed_fulfillment_orders. A custom app made in Shopify admin before "
        "2026: its Admin API access token (starts shpat_).",
        secret_label="Client secret",
        secret_hint="The Dev Dashboard app's Client secret (starts shpss_). Leave empty when "
        "you pasted an access token.",
        secret_used=True,
        _factory=_shopify,
    ),
    Platform(
        name="woocommerce",
        display_name="WooCommerce",
        source_name="Desktop Sync (WooCommerce)",
        # WooCommerce signs every request with a consumer key and secret.
        secret_required=True,
        default_statuses=("processing", "on-hold"),
        url_label="Site address",
        url_hint="Your shop's address, e.g. https://shop.example.com (HTTPS).",
        key_label="Consumer key",
        key_hint="WordPress admin: WooCommerce > Settings > Advanced > REST API > Add key, "
        "with Read/Write permission. Starts ck_.",
        secret_label="Consumer secret",
        secret_hint="Shown once beside the consumer key when you create it. Starts cs_.",
        secret_used=True,
        _factory=_woocommerce,
    ),
    Platform(
        name="bigcommerce",
        display_name="BigCommerce",
        source_name="Desktop Sync (BigCommerce)",
        secret_required=False,
        default_statuses=(),
        url_label="Store hash or API path",
        url_hint="BigCommerce control panel: Settings > Store-level API accounts. The API path "
        "looks like https://api.bigcommerce.com/stores/abc123/v3/ (abc123 is the store hash).",
        key_label="Access token",
        key_hint="Create a store-level API account with Orders: modify and Information & "
        "Settings: read-only; the access token is shown once.",
        secret_label="(not used)",
        secret_hint="BigCommerce needs no secret.",
        secret_used=False,
        _factory=_bigcommerce,
    ),
)

NAMES: tuple[str, ...] = tuple(sorted(p.name for p in PLATFORMS))
"""Every platform's id, alphabetically (for choices and messages)."""


def find_platform(name: str) -> Platform | None:
    """The platform called ``name`` (any case, spaces ignored), or None."""
    wanted = name.strip().lower()
    return next((p for p in PLATFORMS if p.name == wanted), None)


def get_platform(name: str) -> Platform:
    """The platform called ``name``; ``UnknownPlatform`` with a sentence when there is none."""
    found = find_platform(name)
    if found is None:
        known = ", ".join(p.name for p in PLATFORMS)
        raise UnknownPlatform(
            f"'{name}' is not a store platform this app knows (use one of {known})."
        )
    return found

"""The store platforms Desktop Sync speaks: one entry each, read by the profile, the wiring, the
mapping, the CLI and the wizard, so a platform's facts are written once.

===========  ===========  ==========================  =====================
name         display      Order Desk ``source_name``  credentials
===========  ===========  ==========================  =====================
bigcommerce  BigCommerce  Desktop Sync (BigCommerce)  access token
shopify      Shopify      Desktop Sync (Shopify)      token, or id + secret
woocommerce  WooCommerce  Desktop Sync (WooCommerce)  key + secret
===========  ===========  ==========================  =====================

Each entry's ``send_rule`` says which store statuses are sent by default (the merchant's
Settings choice replaces it; see ``engine.send_rules``); the connectors filter no status, so
the engine sees every change, a cancel after the push included:

===========  ==============================================================================
bigcommerce  every status but: incomplete, pending, awaiting payment, cancelled, declined,
             refunded, disputed, manual verification required (a deny-list, so a shipped
             order already in Order Desk is still recognised after a lost journal); the
             names are BigCommerce's system names, read from ``status_id``, so a status the
             merchant renamed is still what it was
shopify      every order not cancelled (Shopify's status is its fulfilment status)
woocommerce  processing and on-hold only (never pending, failed, cancelled, refunded, trash,
             checkout-draft, completed)
===========  ==============================================================================

The connector modules are imported only when a connector is built, so reading a platform's
name never loads every platform's HTTP code.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from desktop_sync.connectors.stores.base import PAYMENT_CHOICE, PaymentState
from desktop_sync.engine.mapping import MAX_SOURCE_NAME_LENGTH, default_source_name, trim_text
from desktop_sync.engine.send_rules import SendRule
from desktop_sync.errors import DesktopSyncError

if TYPE_CHECKING:
    from desktop_sync.connectors.stores.base import StoreConnector

__all__ = [
    "NAMES",
    "PLATFORMS",
    "Platform",
    "UnknownPlatform",
    "chosen_statuses",
    "find_platform",
    "get_platform",
    "platform_display_name",
    "send_rule_for",
    "source_name_for",
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
    send_rule: SendRule
    """Which of its orders are sent by default (a Settings choice of statuses replaces it)."""
    url_label: str
    url_hint: str
    key_label: str
    key_hint: str
    secret_label: str
    secret_hint: str
    secret_used: bool
    """Whether a secret means anything here (BigCommerce needs none)."""
    _factory: ConnectorFactory
    status_is_fulfilment: bool = False
    """The order's status is its fulfilment state only (Shopify): a payment word chosen as a
    status ("paid") means that payment state."""

    @property
    def secret_optional(self) -> bool:
        return not self.secret_required

    def connector(self, url: str, key: str, secret: str = "", **options: Any) -> StoreConnector:
        """A connector for these credentials; it reads orders of every status (the engine
        applies ``send_rule``)."""
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
        send_rule=SendRule(never=frozenset({"cancelled"})),
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
        status_is_fulfilment=True,
    ),
    Platform(
        name="woocommerce",
        display_name="WooCommerce",
        source_name="Desktop Sync (WooCommerce)",
        # WooCommerce signs every request with a consumer key and secret.
        secret_required=True,
        send_rule=SendRule(
            sent=frozenset({"processing", "on-hold"}),
            never=frozenset(
                {
                    "pending",
                    "failed",
                    "cancelled",
                    "refunded",
                    "trash",
                    "checkout-draft",
                    "completed",
                }
            ),
        ),
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
        send_rule=SendRule(
            never=frozenset(
                {
                    "incomplete",
                    "pending",
                    "awaiting payment",
                    "cancelled",
                    "declined",
                    "refunded",
                    "disputed",
                    "manual verification required",
                }
            )
        ),
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


_PAYMENT_WORDS = frozenset(state.value for state in PaymentState)


def chosen_statuses(platform: str, statuses: Collection[str]) -> tuple[str, ...]:
    """The merchant's statuses as the rule reads them: lower case, each once; where the status
    is the fulfilment state only (Shopify), a payment word ("paid", saved before payment
    states could be chosen) is that payment state (``payment:paid``)."""
    entry = find_platform(platform)
    payments = entry is not None and entry.status_is_fulfilment
    chosen: dict[str, None] = {}
    for status in statuses:
        word = status.strip().lower()
        if payments and word.replace(" ", "_") in _PAYMENT_WORDS:
            word = PAYMENT_CHOICE + word.replace(" ", "_")
        if word:
            chosen.setdefault(word)
    return tuple(chosen)


def send_rule_for(platform: str, statuses: Collection[str] | None = None) -> SendRule:
    """The platform's rule (a cancelled-and-unpaid-only rule for a platform not listed), with
    the merchant's ``statuses`` (``chosen_statuses``) in place of its default when given."""
    entry = find_platform(platform)
    rule = entry.send_rule if entry is not None else SendRule()
    return rule.choosing(chosen_statuses(platform, statuses)) if statuses else rule


def platform_display_name(platform: str) -> str:
    """What the merchant calls the platform ("BigCommerce"), for messages."""
    known = find_platform(platform)
    return known.display_name if known else (platform.strip().title() or "your store")


def source_name_for(platform: str) -> str:
    """The fixed Order Desk ``source_name`` of orders from this platform (at most 64 chars)."""
    known = find_platform(platform)
    if known is not None:
        return trim_text(known.source_name, MAX_SOURCE_NAME_LENGTH)
    return default_source_name(platform.strip().title())

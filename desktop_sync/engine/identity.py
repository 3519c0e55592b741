"""Whose order an Order Desk order is: the store's identity, written with every order the app
sends and part of every match, so two stores feeding one Order Desk account never adopt, nor
ship, each other's orders.

Order Desk tells orders apart by ``source_id`` (the order number) and ``source_name``; two
stores of one platform share the source name, and their numbers collide (both start at 100),
and one store's numbers need not be unique (WooCommerce sequential-number plugins). So an
Order Desk order is this store's order ``X`` only when its ``order_metadata`` names this store
and the store order id ``X`` (the platform's id, unique where numbers are not).

The store's identity is what the platform says of itself (``platform_key``): BigCommerce's
store hash, Shopify's shop id, the WordPress site's own home address. Earlier versions wrote
the address the merchant typed (``store_key_of``); those keys are still this store's when
matching (``former`` keys), so an upgrade, a new PC or an edited address sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import StoreConnector, StoreIdentity
from desktop_sync.engine.mapping import STORE_ORDER_ID_KEY

__all__ = [
    "INSTALLATION_KEY",
    "STORE_KEY",
    "ThisComputer",
    "belongs_to",
    "comparable",
    "former_keys",
    "installation_of",
    "platform_key",
    "sent_elsewhere",
    "store_key_of",
    "store_order_id_of",
]

STORE_KEY = "store_key"
"""``order_metadata`` key holding the store's identity (``bigcommerce:abc123``,
``shopify:gid://shopify/Shop/1``, ``woocommerce:shop.example``)."""

INSTALLATION_KEY = "installation"
"""``order_metadata`` key naming the installation (one profile on one computer) that sent it."""
_TURN_KEY = "installation_chosen"
_COMPUTER_KEY = "computer"


@dataclass(frozen=True)
class ThisComputer:
    """The installation sending (``app.installation``): written with every order it sends."""

    installation: str = ""
    """Its id ("": none, as in earlier versions; nothing is written or checked)."""
    computer: str = ""
    """The computer's name, for the other computer's sentence."""
    chosen: int = 0
    """When the merchant chose this computer for the store (Unix seconds; 0: never)."""

    def written(self) -> dict[str, str]:
        """What each order it sends says of who sent it."""
        if not self.installation:
            return {}
        return {
            INSTALLATION_KEY: self.installation,
            _TURN_KEY: str(self.chosen),
            _COMPUTER_KEY: self.computer,
        }


def sent_elsewhere(order: Order, this: ThisComputer) -> str | None:
    """The name of the other computer that sent ``order`` (one of this store's) while it may
    still be syncing the store ("" when it gave none), else None.

    An order sent before installations were written, or by this one, is not another's; nor
    one sent under an earlier choice than this computer's (the merchant chose this one since).
    """
    other = installation_of(order)
    if not this.installation or not other or other == this.installation:
        return None
    turn = _text(order.order_metadata, _TURN_KEY)
    chosen = int(turn) if turn.isdigit() else 0
    if chosen < this.chosen:
        return None
    return _text(order.order_metadata, _COMPUTER_KEY)


# The address each connector keeps of its store, already normalised by the connector.
_ADDRESS_ATTRIBUTES = ("api_url", "shop_url", "site_url")


def platform_key(platform: str, identity: StoreIdentity) -> str:
    """The store's identity from what the platform said of itself ("" when it said nothing)."""
    own = identity.own_id.strip()
    return f"{platform}:{own}" if own else ""


def store_key_of(store: StoreConnector) -> str:
    """The identity earlier versions wrote: the platform and the address as typed (normalised
    by the connector). Still accepted when matching; never written."""
    for attribute in _ADDRESS_ATTRIBUTES:
        address = getattr(store, attribute, None)
        if isinstance(address, str) and address.strip():
            return f"{store.platform}:{bare_address(address)}"
    return store.platform


def former_keys(store: StoreConnector, identity: StoreIdentity | None) -> frozenset[str]:
    """Keys earlier versions may have written for this store: the typed address, and the
    address the platform gives for itself, in the typed-address form."""
    keys = {store_key_of(store)}
    if identity is not None and identity.url.strip():
        keys.add(f"{store.platform}:{bare_address(identity.url)}")
    return frozenset(keys)


def bare_address(address: str) -> str:
    """An address without its scheme, its trailing slash and its case."""
    text = address.strip().lower()
    _, _, rest = text.rpartition("://")
    return rest.rstrip("/")


def comparable(key: str) -> str:
    """A key as matched: case and a leading ``www.`` of an address do not make another store."""
    platform, colon, rest = key.strip().lower().partition(":")
    return f"{platform}{colon}{rest.removeprefix('www.')}"


def store_order_id_of(order: Order) -> str:
    """The store order id an Order Desk order was sent with ("" when it names none)."""
    return _text(order.order_metadata, STORE_ORDER_ID_KEY)


def installation_of(order: Order) -> str:
    """The installation that sent ``order`` ("" for an order sent before installations were
    written, or by another app)."""
    return _text(order.order_metadata, INSTALLATION_KEY)


def belongs_to(
    order: Order, *, store_key: str, source_name: str, former: Iterable[str] = ()
) -> bool:
    """True when this store sent ``order``: it names ``store_key`` or one of the ``former``
    keys of this store.

    An order sent before the store's identity was written (no ``store_key``) is taken as this
    store's when its source name matches: refusing it would send every such order again.
    """
    if order.source_name != source_name or not store_order_id_of(order):
        return False
    written = _text(order.order_metadata, STORE_KEY)
    if not written:
        return True
    return comparable(written) in {comparable(key) for key in (store_key, *former) if key}


def _text(metadata: Mapping[str, Any], key: str) -> str:
    value = metadata.get(key)
    return "" if value is None or isinstance(value, bool) else str(value).strip()

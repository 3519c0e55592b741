"""Whose order an Order Desk order is: the store's identity, written with every order the app
sends and part of every match, so two stores feeding one Order Desk account never adopt, nor
ship, each other's orders.

Order Desk tells orders apart by ``source_id`` (the order number) and ``source_name``; two
stores of one platform share the source name, and their numbers collide (both start at 100),
and one store's numbers need not be unique (WooCommerce sequential-number plugins). So an
Order Desk order is this store's order ``X`` only when its ``order_metadata`` names this store
and the store order id ``X`` (the platform's id, unique where numbers are not).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_sync.connectors.orderdesk.models import Order
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.engine.mapping import STORE_ORDER_ID_KEY

__all__ = ["STORE_KEY", "belongs_to", "store_key_of", "store_order_id_of"]

STORE_KEY = "store_key"
"""``order_metadata`` key holding the store's identity (``bigcommerce:api.bigcommerce.com/
stores/abc123``, ``shopify:shop.myshopify.com``, ``woocommerce:shop.example``)."""

# The address each connector keeps of its store, already normalised by the connector.
_ADDRESS_ATTRIBUTES = ("api_url", "shop_url", "site_url")


def store_key_of(store: StoreConnector) -> str:
    """The store's identity: its platform and the address its connector normalised."""
    for attribute in _ADDRESS_ATTRIBUTES:
        address = getattr(store, attribute, None)
        if isinstance(address, str) and address.strip():
            return f"{store.platform}:{_bare(address)}"
    return store.platform


def _bare(address: str) -> str:
    text = address.strip().lower()
    _, _, rest = text.rpartition("://")
    return rest.rstrip("/")


def store_order_id_of(order: Order) -> str:
    """The store order id an Order Desk order was sent with ("" when it names none)."""
    return _text(order.order_metadata, STORE_ORDER_ID_KEY)


def belongs_to(order: Order, *, store_key: str, source_name: str) -> bool:
    """True when this store sent ``order``.

    An order sent before the store's identity was written (no ``store_key``) is taken as this
    store's when its source name matches: refusing it would send every such order again.
    """
    if order.source_name != source_name or not store_order_id_of(order):
        return False
    written = _text(order.order_metadata, STORE_KEY)
    return written in ("", store_key)


def _text(metadata: Mapping[str, Any], key: str) -> str:
    value = metadata.get(key)
    return "" if value is None or isinstance(value, bool) else str(value).strip()

"""The Order Desk connector: a rate-limited REST client returning typed models."""

from desktop_sync.connectors.orderdesk.client import (
    DEFAULT_API_URL,
    DEFAULT_TIMEOUT,
    DuplicateOrder,
    OrderDeskClient,
)
from desktop_sync.connectors.orderdesk.models import (
    Address,
    Folder,
    NewOrder,
    NewOrderItem,
    NewShipment,
    Order,
    OrderItem,
    Shipment,
    ShipmentItem,
    StoreInfo,
)
from desktop_sync.connectors.orderdesk.parsing import (
    parse_datetime,
    parse_item,
    parse_order,
    parse_shipment,
    parse_store,
)
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket, limiter_for

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_TIMEOUT",
    "Address",
    "DuplicateOrder",
    "Folder",
    "NewOrder",
    "NewOrderItem",
    "NewShipment",
    "Order",
    "OrderDeskClient",
    "OrderItem",
    "Shipment",
    "ShipmentItem",
    "StoreInfo",
    "TokenBucket",
    "limiter_for",
    "parse_datetime",
    "parse_item",
    "parse_order",
    "parse_shipment",
    "parse_store",
]

"""Typed Order Desk objects (what the client returns) and drafts (what it sends).

Parsing from the API's JSON lives in ``parsing.py``; these classes only hold values.
Ids are strings: Order Desk ids exceed 2**31 and arrive as strings. Money is ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "PAYMENT_STATUSES",
    "Address",
    "Folder",
    "NewOrder",
    "NewOrderItem",
    "NewShipment",
    "Order",
    "OrderItem",
    "Shipment",
    "ShipmentItem",
    "StoreInfo",
]

# The documented values of ``payment_status`` (reference §4.1).
PAYMENT_STATUSES = (
    "Approved",
    "Authorized",
    "Captured",
    "Fully Refunded",
    "Partially Refunded",
    "Pending",
    "Rejected",
    "Voided",
)


@dataclass(frozen=True)
class Folder:
    id: int
    name: str


@dataclass(frozen=True)
class StoreInfo:
    id: str
    name: str
    timezone: str
    folders: tuple[Folder, ...]

    def folder_named(self, name: str) -> Folder | None:
        """The folder with exactly this name, else one matching case-insensitively."""
        for folder in self.folders:
            if folder.name == name:
                return folder
        lowered = name.strip().lower()
        for folder in self.folders:
            if folder.name.strip().lower() == lowered:
                return folder
        return None

    def folder_by_id(self, folder_id: int) -> Folder | None:
        return next((f for f in self.folders if f.id == folder_id), None)


@dataclass(frozen=True)
class Address:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    address4: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    phone: str = ""

    def to_payload(self) -> dict[str, str]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company": self.company,
            "address1": self.address1,
            "address2": self.address2,
            "address3": self.address3,
            "address4": self.address4,
            "city": self.city,
            "state": self.state,
            "postal_code": self.postal_code,
            "country": self.country,
            "phone": self.phone,
        }


@dataclass(frozen=True)
class OrderItem:
    id: str
    name: str
    code: str
    price: Decimal
    quantity: int
    weight: Decimal = Decimal(0)
    delivery_type: str = "ship"
    variation_list: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShipmentItem:
    """One line of a partial shipment: an Order Desk item id or a SKU, and a quantity."""

    quantity: int
    item_id: str = ""
    code: str = ""


@dataclass(frozen=True)
class Shipment:
    id: str
    order_id: str
    tracking_number: str
    carrier_code: str = ""
    shipment_method: str = ""
    tracking_url: str = ""
    date_shipped: str = ""
    date_added: datetime | None = None
    # Empty when the shipment covers the whole order (Order Desk sends "" for that).
    order_items: tuple[ShipmentItem, ...] = ()
    source: str = ""
    """Who added it: "Manual" (the Order Desk UI) in Order Desk's sample, an app's name, ..."""
    status: str = ""
    cart_shipment_id: str = ""


@dataclass(frozen=True)
class Order:
    id: str
    source_id: str
    source_name: str
    folder_id: int
    email: str
    shipping_method: str
    payment_status: str
    date_added: datetime | None
    date_updated: datetime | None
    shipping: Address
    customer: Address
    items: tuple[OrderItem, ...]
    shipments: tuple[Shipment, ...]
    order_metadata: Mapping[str, Any] = field(default_factory=dict)
    checkout_data: Mapping[str, Any] = field(default_factory=dict)
    shipping_total: Decimal = Decimal(0)
    handling_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    order_total: Decimal = Decimal(0)
    # An object of title, name, company, address1, ... in Order Desk's sample; [] when empty.
    return_address: Mapping[str, str] = field(default_factory=dict)


CENT = Decimal("0.01")


def _money(value: Decimal) -> float:
    # Order Desk takes JSON numbers; two decimals is what its UI shows.
    return float(value.quantize(CENT))


@dataclass(frozen=True)
class NewOrderItem:
    name: str
    code: str
    price: Decimal
    quantity: int
    variation_list: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    weight: Decimal = Decimal(0)
    delivery_type: str = "ship"

    def to_payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "code": self.code,
            "price": _money(self.price),
            "quantity": self.quantity,
            "weight": float(self.weight),
            "delivery_type": self.delivery_type,
            "variation_list": dict(self.variation_list),
            "metadata": dict(self.metadata),
        }


@dataclass(frozen=True)
class NewOrder:
    """An order to create with ``POST /orders`` (the settable fields of reference §4.1)."""

    source_id: str
    source_name: str
    folder_id: int | None
    email: str
    shipping_method: str
    payment_status: str
    shipping: Address
    customer: Address
    items: tuple[NewOrderItem, ...]
    date_added: datetime | None = None
    shipping_total: Decimal = Decimal(0)
    handling_total: Decimal = Decimal(0)
    tax_total: Decimal = Decimal(0)
    discount_total: Decimal = Decimal(0)
    order_metadata: Mapping[str, Any] = field(default_factory=dict)
    checkout_data: Mapping[str, Any] = field(default_factory=dict)
    discounts: tuple[tuple[str, Decimal], ...] = ()
    """Named discounts, (name, positive amount); when empty, ``discount_total`` is sent as one
    entry named "Discount"."""

    def discount_entries(self) -> tuple[tuple[str, Decimal], ...]:
        """The ``discount_list`` entries, in cents; ``discount_total`` is sent as their sum."""
        entries = self.discounts or (("Discount", self.discount_total),)
        return tuple((name, amount.quantize(CENT)) for name, amount in entries if amount)

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "source_id": self.source_id,
            "source_name": self.source_name,
            "email": self.email,
            "shipping_method": self.shipping_method,
            "payment_status": self.payment_status,
            "shipping": self.shipping.to_payload(),
            "customer": self.customer.to_payload(),
            "order_items": [item.to_payload() for item in self.items],
            "shipping_total": _money(self.shipping_total),
            "handling_total": _money(self.handling_total),
            "tax_total": _money(self.tax_total),
            "order_metadata": dict(self.order_metadata),
            "checkout_data": dict(self.checkout_data),
        }
        if self.folder_id is not None:
            payload["folder_id"] = self.folder_id
        if self.date_added is not None:
            payload["date_added"] = self.date_added.strftime("%Y-%m-%d %H:%M:%S")
        entries = self.discount_entries()
        if entries:
            payload["discount_list"] = [
                {"name": name, "amount": f"{amount}"} for name, amount in entries
            ]
        # Order Desk documents discount_total as read-only (the sum of discount_list) but may
        # take it as given: both say the same amount, so either reading gives the same total.
        payload["discount_total"] = _money(sum((amount for _, amount in entries), Decimal(0)))
        return payload


@dataclass(frozen=True)
class NewShipment:
    """A shipment to add with ``POST /orders/{id}/shipments`` (the demo's "Ship an order")."""

    tracking_number: str
    carrier_code: str = ""
    shipment_method: str = ""
    tracking_url: str = ""
    order_items: tuple[ShipmentItem, ...] = ()

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "tracking_number": self.tracking_number,
            "carrier_code": self.carrier_code,
            "shipment_method": self.shipment_method,
        }
        if self.tracking_url:
            payload["tracking_url"] = self.tracking_url
        if self.order_items:
            payload["order_items"] = [
                {"id": i.item_id, "quantity": i.quantity}
                if i.item_id
                else {"code": i.code, "quantity": i.quantity}
                for i in self.order_items
            ]
        return payload

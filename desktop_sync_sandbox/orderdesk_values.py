"""Order Desk's value conventions for the emulator: its date format, its error messages,
lenient reading of JSON fields, and the PHP habit of sending empty maps as ``[]``."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "CENT",
    "CUSTOMER_FIELDS",
    "DATETIME_FORMAT",
    "PAYMENT_STATUSES",
    "SHIPPING_FIELDS",
    "OrderNotFound",
    "OrderRejected",
    "address_field",
    "decimal_field",
    "format_datetime",
    "guess_tracking_url",
    "has_name",
    "mapping_field",
    "money",
    "parse_datetime",
    "store_payload",
    "text_field",
    "to_wire",
]

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# The documented values of an order's ``payment_status`` (reference/orderdesk-api.md §4.1),
# written here from Order Desk's reference, not read from the app's client.
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
SHIPPING_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address1",
    "address2",
    "address3",
    "address4",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
)
CUSTOMER_FIELDS = tuple(f for f in SHIPPING_FIELDS if f not in ("address3", "address4"))
CENT = Decimal("0.01")
_TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FEDEX": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}


class OrderRejected(ValueError):
    """A request the API refuses; ``str()`` is the message Order Desk's body carries."""


class OrderNotFound(LookupError):
    def __str__(self) -> str:
        return "Order not found"


def format_datetime(moment: datetime) -> str:
    """Order Desk's ``YYYY-MM-DD HH:MM:SS`` in UTC (a naive datetime is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(DATETIME_FORMAT)


def parse_datetime(text: str, zone: tzinfo = UTC) -> datetime:
    """``2015-04-15 12:05:06``, ``2015-01-01`` or ISO 8601; a value without an offset is in
    ``zone``. Returns an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise OrderRejected(
            f"The date {text!r} is not in the format YYYY-MM-DD HH:MM:SS."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def to_wire(order: Mapping[str, Any], *, history: bool = False) -> dict[str, Any]:
    """A deep copy as the API sends it: PHP serialises empty key/value maps as ``[]``."""
    out = copy.deepcopy(dict(order))
    if not history:
        out.pop("order_history", None)
    for key in ("order_metadata", "checkout_data"):
        out[key] = out[key] or []
    for item in out["order_items"]:
        item["variation_list"] = item["variation_list"] or []
        item["metadata"] = item["metadata"] or []
    return out


def store_payload(
    store_id: str, name: str, timezone: str, folders: Mapping[int, str]
) -> dict[str, Any]:
    """``GET /store``'s ``store``: folders as an object of id (a string key) to name."""
    return {
        "id": store_id,
        "name": name,
        # No api_key, smtp_* or security_* keys: secrets are not returned (reference §7).
        "settings": {
            "app_version": "2.0",
            "locale_code": "en_US",
            "timezone": timezone,
            "store_country": "US",
            "store_email": "orders@sandbox.example",
            "admin_email": "owner@sandbox.example",
            "date_format": "Y-m-d H:i:s",
            "short_date_format": "Y-m-d",
            "orders_per_page": 50,
            "store_url": "https://sandbox.example",
            "all_orders_name": "All Orders",
            "shipping_methods": [],
            "default_checkout_data_fields": [],
            "auto_update_stock_count": "",
            "auto_create_inventory_items": "",
        },
        "folders": {str(folder_id): folder for folder_id, folder in folders.items()},
    }


def text_field(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise OrderRejected(f"The field {name} must be text.")
    return str(value)


def decimal_field(value: Any, name: str) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    if isinstance(value, bool):
        raise OrderRejected(f"The field {name} must be a number.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise OrderRejected(f"The field {name} must be a number.") from None
    if not number.is_finite():
        raise OrderRejected(f"The field {name} must be a number.")
    return number


def money(value: Decimal) -> float:
    return float(value.quantize(CENT, ROUND_HALF_UP))


def mapping_field(value: Any, name: str) -> dict[str, Any]:
    # Clients that echo our own output send [] back for an empty map.
    if value is None or value == [] or value == "":
        return {}
    if not isinstance(value, Mapping):
        raise OrderRejected(f"The field {name} must be an object of names and values.")
    return copy.deepcopy(dict(value))


def address_field(value: Any, fields: Sequence[str], name: str) -> dict[str, str]:
    raw = mapping_field(value, name)
    return {f: text_field(raw.get(f), f"{name}.{f}") for f in fields}


def has_name(address: Mapping[str, str]) -> bool:
    return any(address.get(k) for k in ("first_name", "last_name", "company"))


def guess_tracking_url(carrier: str, tracking: str) -> str:
    """Order Desk fills in a tracking URL from the carrier when none is sent (reference §6.1)."""
    key = carrier.strip().upper().replace(" ", "")
    if not key and tracking.upper().startswith("1Z"):
        key = "UPS"
    template = _TRACKING_URLS.get(key)
    return template.format(tracking) if template and tracking.lower() != "n/a" else ""

"""Lenient conversion of Order Desk's JSON (strings for numbers, ``[]`` for ``{}``) into models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop_sync.connectors.orderdesk.models import (
    Address,
    Folder,
    Order,
    OrderItem,
    Shipment,
    ShipmentItem,
    StoreInfo,
)

__all__ = [
    "format_datetime",
    "parse_address",
    "parse_datetime",
    "parse_item",
    "parse_order",
    "parse_shipment",
    "parse_store",
]

_ADDRESS_FIELDS = tuple(Address.__dataclass_fields__)


def _text(value: Any) -> str:
    """A string for any scalar; ``None``, lists and dicts become ``""``."""
    if value is None or isinstance(value, list | dict):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # An id sent as 925086.0 must still read "925086".
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    """A finite Decimal from a number or numeric string ("1.70", "10", "1,234.5"); else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return result if result.is_finite() else None


def _decimal(value: Any) -> Decimal:
    """Money and weights; "" and garbage are zero."""
    number = _number(value)
    return Decimal(0) if number is None else number


def _int(value: Any, default: int = 0) -> int:
    """Quantities and folder ids: ints, numeric strings, or floats ("2", 2.0); else ``default``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value)
    return default if number is None else int(number)


def _mapping(value: Any) -> dict[str, Any]:
    """A JSON object as a dict; PHP's ``[]`` (and any non-object) as an empty dict."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return {}


def _string_mapping(value: Any) -> dict[str, str]:
    return {k: _text(v) for k, v in _mapping(value).items()}


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        # PHP sometimes sends a list as an object keyed "0", "1", ...
        return list(value.values())
    return []


def parse_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD" or ISO 8601; else None.

    Order Desk writes UTC without an offset, so a naive value is taken as UTC; an offset, when
    present, is honoured and converted.
    """
    if isinstance(value, datetime):
        parsed = value
    else:
        text = _text(value)
        if not text or text.startswith("0000-00-00"):
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            try:
                parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
            except ValueError:
                return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_datetime(value: datetime | date) -> str:
    """The "YYYY-MM-DD HH:MM:SS" UTC form Order Desk filters take (naive values are UTC)."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def parse_address(data: Any) -> Address:
    fields = _mapping(data)
    return Address(**{name: _text(fields.get(name)) for name in _ADDRESS_FIELDS})


def parse_item(data: Any) -> OrderItem:
    fields = _mapping(data)
    return OrderItem(
        id=_text(fields.get("id")),
        name=_text(fields.get("name")),
        code=_text(fields.get("code")),
        price=_decimal(fields.get("price")),
        quantity=_int(fields.get("quantity"), default=1),
        weight=_decimal(fields.get("weight")),
        delivery_type=_text(fields.get("delivery_type")) or "ship",
        variation_list=_string_mapping(fields.get("variation_list")),
        metadata=_string_mapping(fields.get("metadata")),
    )


def _parse_shipment_items(value: Any) -> tuple[ShipmentItem, ...]:
    # "" (the whole order) in Order Desk's samples; a list of {id|code, quantity} when partial.
    lines: list[ShipmentItem] = []
    for entry in _list(value):
        fields = _mapping(entry)
        item_id = _text(fields.get("id") or fields.get("item_id") or fields.get("order_item_id"))
        code = _text(fields.get("code"))
        if not item_id and not code:
            continue
        lines.append(
            ShipmentItem(
                quantity=_int(fields.get("quantity"), default=1), item_id=item_id, code=code
            )
        )
    return tuple(lines)


def parse_shipment(data: Any, order_id: str = "") -> Shipment:
    """One shipment; ``order_id`` fills in when the shipment itself omits it."""
    fields = _mapping(data)
    return Shipment(
        id=_text(fields.get("id")),
        order_id=_text(fields.get("order_id")) or order_id,
        tracking_number=_text(fields.get("tracking_number")),
        carrier_code=_text(fields.get("carrier_code")),
        shipment_method=_text(fields.get("shipment_method")),
        tracking_url=_text(fields.get("tracking_url")),
        date_shipped=_text(fields.get("date_shipped")),
        date_added=parse_datetime(fields.get("date_added")),
        order_items=_parse_shipment_items(fields.get("order_items")),
        source=_text(fields.get("source")),
        status=_text(fields.get("status")),
        cart_shipment_id=_text(fields.get("cart_shipment_id")),
    )


def parse_order(data: Any) -> Order:
    """One order. Raises ``ValueError`` only when it has no id at all."""
    fields = _mapping(data)
    order_id = _text(fields.get("id"))
    if not order_id:
        raise ValueError("Order Desk sent an order without an id.")
    customer = parse_address(fields.get("customer"))
    shipping = parse_address(fields.get("shipping"))
    return Order(
        id=order_id,
        # Order Desk uses the internal id when source_id is blank (reference §4.1).
        source_id=_text(fields.get("source_id")) or order_id,
        source_name=_text(fields.get("source_name")),
        folder_id=_int(fields.get("folder_id")),
        email=_text(fields.get("email")),
        shipping_method=_text(fields.get("shipping_method")),
        payment_status=_text(fields.get("payment_status")),
        date_added=parse_datetime(fields.get("date_added")),
        date_updated=parse_datetime(fields.get("date_updated")),
        shipping=shipping,
        customer=customer,
        items=tuple(
            parse_item(entry) for entry in _list(fields.get("order_items")) if _mapping(entry)
        ),
        shipments=tuple(
            parse_shipment(entry, order_id)
            for entry in _list(fields.get("order_shipments"))
            if _mapping(entry)
        ),
        order_metadata=_mapping(fields.get("order_metadata")),
        checkout_data=_mapping(fields.get("checkout_data")),
        shipping_total=_decimal(fields.get("shipping_total")),
        handling_total=_decimal(fields.get("handling_total")),
        tax_total=_decimal(fields.get("tax_total")),
        discount_total=_decimal(fields.get("discount_total")),
        order_total=_decimal(fields.get("order_total")),
        return_address=_string_mapping(fields.get("return_address")),
    )


def parse_store(data: Any) -> StoreInfo:
    """``GET /store``'s ``store`` object; ``folders`` maps id (a string key) to name."""
    fields = _mapping(data)
    settings = _mapping(fields.get("settings"))
    raw_folders = fields.get("folders")
    folders: list[Folder] = []
    if isinstance(raw_folders, Mapping):
        for key, name in raw_folders.items():
            folder_id = _int(key, default=-1)
            if folder_id >= 0:
                folders.append(Folder(id=folder_id, name=_text(name)))
    else:
        # Tolerate a list of {id, name} (some third-party renderings show one).
        for entry in _list(raw_folders):
            folder = _mapping(entry)
            folder_id = _int(folder.get("id"), default=-1)
            if folder_id >= 0:
                folders.append(Folder(id=folder_id, name=_text(folder.get("name"))))
    return StoreInfo(
        id=_text(fields.get("id")),
        name=_text(fields.get("name")),
        timezone=_text(settings.get("timezone")) or "UTC",
        folders=tuple(folders),
    )

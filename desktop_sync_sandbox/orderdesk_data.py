"""The Order Desk emulator's order book: orders, items and shipments kept in Order Desk's own
JSON shape, with the reference's defaults, totals, moves, shipments and splits.

Not thread-safe by itself: the emulator holds its lock around every call.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop_sync_sandbox.orderdesk_values import (
    CENT,
    CUSTOMER_FIELDS,
    PAYMENT_STATUSES,
    SHIPPING_FIELDS,
    OrderNotFound,
    OrderRejected,
    address_field,
    decimal_field,
    format_datetime,
    guess_tracking_url,
    has_name,
    mapping_field,
    money,
    parse_datetime,
    text_field,
)

__all__ = ["DUPLICATE_MESSAGE", "RETURN_ADDRESS_FIELDS", "OrderBook"]

# Our reading of the duplicate refusal (no Order Desk text gives its wording); ``{id}`` is the
# existing order's id. Clients must not depend on it: the emulator can be given any other.
DUPLICATE_MESSAGE = "Duplicate order: existing order id {id}"
# The keys of ``return_address`` in Order Desk's sample shipment notification.
RETURN_ADDRESS_FIELDS = (
    "title",
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "postal_code",
    "country",
    "phone",
)

_TEXT_FIELDS = (
    "email",
    "shipping_method",
    "cc_exp",
    "processor_response",
    "payment_type",
    "customer_id",
    "ip_address",
    "tag_color",
    "tag_name",
    "fulfillment_name",
    "fulfillment_id",
)
# Order Desk ids seen in the wild are 10 digits (reference §1); items and shipments shorter.
FIRST_ORDER_ID = 4091036031
FIRST_ITEM_ID = 781200001
FIRST_SHIPMENT_ID = 73674501


class OrderBook:
    """Every order of one store, keyed by Order Desk id, in insertion order."""

    def __init__(
        self,
        *,
        store_id: str,
        folders: Sequence[str],
        zone: tzinfo,
        now: Callable[[], datetime],
        seed: int = 0,
        reject_duplicates: bool = True,
        shipment_moves_date_updated: bool = True,
        duplicate_message: str = DUPLICATE_MESSAGE,
    ) -> None:
        if not folders:
            raise ValueError("An Order Desk store has at least one folder")
        self.store_id = store_id
        # Folder ids as in the reference's new-store sample; "New" (the first) is the default.
        self.folders: dict[int, str] = {21654 + i: name for i, name in enumerate(folders)}
        self.zone = zone
        self.now = now
        self.reject_duplicates = reject_duplicates
        # Order Desk's own sample shows an order whose date_updated is older than its
        # shipment: whether a shipment moves it is unknown, so both readings are emulated.
        self.shipment_moves_date_updated = shipment_moves_date_updated
        self.duplicate_message = duplicate_message
        # What Order Desk does with an order for a folder id it does not have (one deleted
        # since) is not documented: refuse the order ("refuse"), or file it in the first
        # folder as it does when no folder is given ("first"). Both are emulated.
        self.unknown_folder = "refuse"
        # Which date Order Desk keeps is not documented either: the order date a client sends
        # ("sent") or the moment the order reached it ("received"); and whether a split-off
        # order keeps the original's date_added ("original") or is dated when split ("split").
        self.date_added_on_create = "sent"
        self.split_date_added = "original"
        self.orders: dict[str, dict[str, Any]] = {}
        self._rng = random.Random(seed)
        self._next = {"order": FIRST_ORDER_ID, "item": FIRST_ITEM_ID, "shipment": FIRST_SHIPMENT_ID}

    # -- ids and lookups -----------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        value = self._next[kind]
        # Gaps between ids, as in a shared database, so no client assumes they are contiguous.
        self._next[kind] += self._rng.randint(1, 3)
        return str(value)

    def now_text(self) -> str:
        return format_datetime(self.now())

    def order(self, order_id: str) -> dict[str, Any]:
        try:
            return self.orders[str(order_id)]
        except KeyError:
            raise OrderNotFound(order_id) from None

    def folder_id(self, value: Any) -> int:
        try:
            folder_id = int(value)
        except (TypeError, ValueError):
            raise OrderRejected(f"The folder id {value!r} is not a number.") from None
        if folder_id not in self.folders:
            raise OrderRejected(f"Folder {folder_id} does not exist in this store.")
        return folder_id

    def _folder_for_new(self, value: Any) -> int:
        try:
            return self.folder_id(value)
        except OrderRejected:
            if self.unknown_folder == "first" and str(value).strip().isdigit():
                return next(iter(self.folders))
            raise

    def folder_named(self, name: str) -> int:
        for folder_id, folder_name in self.folders.items():
            if folder_name == name:
                return folder_id
        raise OrderRejected(f"There is no folder named {name!r} in this store.")

    def shipment_count(self) -> int:
        return sum(len(o["order_shipments"]) for o in self.orders.values())

    # -- orders --------------------------------------------------------------------------

    def create(self, payload: Any) -> dict[str, Any]:
        order = self._build(payload, previous=None)
        if self.reject_duplicates and order["source_id"]:
            for existing in self.orders.values():
                if (existing["source_id"], existing["source_name"]) == (
                    order["source_id"],
                    order["source_name"],
                ):
                    raise OrderRejected(self.duplicate_message.format(id=existing["id"]))
        order["id"] = self._new_id("order")
        order["source_id"] = order["source_id"] or order["id"]
        for item in order["order_items"]:
            item["id"] = self._new_id("item")
        email = order["email"].casefold()
        same_email = sum(
            1 for o in self.orders.values() if email and o["email"].casefold() == email
        )
        order["email_count"] = str(same_email + 1)
        self._note(order, "Order Created")
        self.orders[order["id"]] = order
        return order

    def replace(self, order_id: str, payload: Any) -> dict[str, Any]:
        """PUT: everything left out is blanked, except the id, folder, date and shipments."""
        previous = self.order(order_id)
        order = self._build(payload, previous=previous)
        known = {item["id"] for item in previous["order_items"]}
        for item in order["order_items"]:
            if item["id"] not in known:
                item["id"] = self._new_id("item")
        order["source_id"] = order["source_id"] or previous["id"]
        self._note(order, "Order Updated")
        self.orders[previous["id"]] = order
        return order

    def delete(self, order_id: str) -> None:
        self.order(order_id)
        del self.orders[str(order_id)]

    def move(self, order_id: str, folder_id: int) -> int:
        order = self.order(order_id)
        original = int(order["folder_id"])
        order["folder_id"] = folder_id
        order["date_updated"] = self.now_text()
        self._note(order, f"Order Moved to {self.folders[folder_id]} Folder")
        return original

    def add_history(self, order_id: str, note: str, source_name: str) -> dict[str, Any]:
        """``POST /orders/{id}/order-history``: one entry in the order's history."""
        order = self.order(order_id)
        order["order_history"].append(
            {"source_name": source_name, "note": note, "date_added": self.now_text()}
        )
        return order

    def _note(self, order: dict[str, Any], note: str) -> None:
        order["order_history"].append(
            {"source_name": "API", "note": note, "date_added": order["date_updated"]}
        )

    def _build(self, payload: Any, *, previous: Mapping[str, Any] | None) -> dict[str, Any]:
        if not isinstance(payload, Mapping):
            raise OrderRejected("The order must be a JSON object.")
        raw_items = payload.get("order_items")
        if not isinstance(raw_items, list) or not raw_items:
            raise OrderRejected("An order needs at least one item in order_items.")
        shipping = address_field(payload.get("shipping"), SHIPPING_FIELDS, "shipping")
        customer = address_field(payload.get("customer"), CUSTOMER_FIELDS, "customer")
        if not any(shipping.values()):
            shipping = {f: customer.get(f, "") for f in SHIPPING_FIELDS}
        if not any(customer.values()):
            customer = {f: shipping[f] for f in CUSTOMER_FIELDS}
        if not (has_name(shipping) or has_name(customer)):
            raise OrderRejected(
                "An order needs a first name, last name or company on its shipping "
                "or customer address."
            )
        source_name = text_field(payload.get("source_name"), "source_name") or "Order Desk"
        if len(source_name) > 64:
            raise OrderRejected("The source_name is longer than 64 characters.")
        payment_status = text_field(payload.get("payment_status"), "payment_status") or "Captured"
        if payment_status not in PAYMENT_STATUSES:
            raise OrderRejected(
                f"The payment_status {payment_status!r} is not one of: "
                + ", ".join(PAYMENT_STATUSES)
                + "."
            )
        if previous is not None:
            folder_id = int(previous["folder_id"])  # a PUT keeps the folder (reference §4.5)
        elif payload.get("folder_id") not in (None, "", 0):
            folder_id = self._folder_for_new(payload.get("folder_id"))
        else:
            folder_id = next(iter(self.folders))
        now = self.now_text()
        if payload.get("date_added") and (
            previous is not None or self.date_added_on_create == "sent"
        ):
            date_added = format_datetime(
                parse_datetime(text_field(payload["date_added"], "date_added"))
            )
        else:
            date_added = previous["date_added"] if previous is not None else now
        order: dict[str, Any] = {
            "id": previous["id"] if previous is not None else "",
            "source_id": text_field(payload.get("source_id"), "source_id"),
            "source_name": source_name,
            "payment_status": payment_status,
            "folder_id": folder_id,
            "date_added": date_added,
            "date_updated": now,
        }
        for name in _TEXT_FIELDS:
            order[name] = text_field(payload.get(name), name)
        cc_number = text_field(payload.get("cc_number"), "cc_number")
        masked = text_field(payload.get("cc_number_masked"), "cc_number_masked")
        if cc_number:
            masked = "x" * 12 + cc_number[-4:]
        elif not masked and previous is not None:
            masked = previous["cc_number_masked"]
        order["cc_number_masked"] = masked
        order["shipping"] = shipping
        order["customer"] = customer
        # Sent as an object with every key, as in Order Desk's sample shipment notification.
        order["return_address"] = address_field(
            payload.get("return_address"), RETURN_ADDRESS_FIELDS, "return_address"
        )
        order["checkout_data"] = mapping_field(payload.get("checkout_data"), "checkout_data")
        order["order_metadata"] = mapping_field(payload.get("order_metadata"), "order_metadata")
        order["discount_list"] = [self._discount(d) for d in payload.get("discount_list") or []]
        order["order_notes"] = [
            {
                k: text_field(v, f"order_notes.{k}")
                for k, v in mapping_field(n, "order_notes").items()
            }
            for n in payload.get("order_notes") or []
        ]
        order["order_items"] = [self._item(raw) for raw in raw_items]
        for name in ("shipping_total", "handling_total", "tax_total"):
            order[name] = money(decimal_field(payload.get(name), name))
        order["email_count"] = previous["email_count"] if previous is not None else "1"
        self._totals(order)
        order["refund_total"] = money(decimal_field(payload.get("refund_total"), "refund_total"))
        balance = payload.get("processor_balance")
        order["processor_balance"] = (
            money(decimal_field(balance, "processor_balance"))
            if balance not in (None, "")
            else order["order_total"]
        )
        order["order_shipments"] = list(previous["order_shipments"]) if previous else []
        order["order_history"] = list(previous["order_history"]) if previous else []
        return order

    def _item(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise OrderRejected("Each entry of order_items must be an object.")
        quantity = decimal_field(raw.get("quantity", 1), "quantity")
        if quantity != quantity.to_integral_value() or quantity < 0:
            raise OrderRejected("An item quantity must be a whole number, zero or more.")
        return {
            "id": text_field(raw.get("id"), "id"),
            "name": text_field(raw.get("name"), "name"),
            "price": money(decimal_field(raw.get("price"), "price")),
            "quantity": int(quantity),
            "weight": float(decimal_field(raw.get("weight"), "weight")),
            "code": text_field(raw.get("code"), "code"),
            "delivery_type": text_field(raw.get("delivery_type"), "delivery_type") or "ship",
            "category_code": text_field(raw.get("category_code"), "category_code"),
            "variation_list": {
                str(k): text_field(v, "variation_list")
                for k, v in mapping_field(raw.get("variation_list"), "variation_list").items()
            },
            "metadata": mapping_field(raw.get("metadata"), "metadata"),
            "fulfillment_method": text_field(raw.get("fulfillment_method"), "fulfillment_method"),
        }

    def _discount(self, raw: Any) -> dict[str, str]:
        entry = mapping_field(raw, "discount_list")
        amount = abs(decimal_field(entry.get("amount"), "discount_list.amount"))
        return {
            "name": text_field(entry.get("name"), "discount_list.name"),
            "code": text_field(entry.get("code"), "discount_list.code"),
            "amount": str(amount.quantize(CENT, ROUND_HALF_UP)),
        }

    @staticmethod
    def _totals(order: dict[str, Any]) -> None:
        items = order["order_items"]
        product = sum((Decimal(str(i["price"])) * i["quantity"] for i in items), Decimal(0))
        weight = sum((Decimal(str(i["weight"])) * i["quantity"] for i in items), Decimal(0))
        discount = sum((Decimal(d["amount"]) for d in order["discount_list"]), Decimal(0))
        order["quantity_total"] = sum(i["quantity"] for i in items)
        order["weight_total"] = float(weight)
        order["product_total"] = money(product)
        order["discount_total"] = money(discount)
        order["order_total"] = money(
            product
            + Decimal(str(order["shipping_total"]))
            + Decimal(str(order["handling_total"]))
            + Decimal(str(order["tax_total"]))
            - discount
        )

    # -- shipments -----------------------------------------------------------------------

    def add_shipment(self, order_id: str, fields: Any, *, source: str = "API") -> dict[str, Any]:
        """Add a shipment; ``source`` is who added it ("Manual" in the UI, as in the sample)."""
        order = self.order(order_id)
        if not isinstance(fields, Mapping):
            raise OrderRejected("The shipment must be a JSON object.")
        tracking = text_field(fields.get("tracking_number"), "tracking_number").strip()
        if not tracking:
            raise OrderRejected(
                'Shipment Not Added: a tracking_number is required ("n/a" if none).'
            )
        if any(s["tracking_number"] == tracking for s in order["order_shipments"]):
            raise OrderRejected("Shipment Not Added")
        carrier = text_field(fields.get("carrier_code"), "carrier_code")
        tracking_url = text_field(fields.get("tracking_url"), "tracking_url")
        now = self.now_text()
        shipment: dict[str, Any] = {
            "id": self._new_id("shipment"),
            "order_id": order["id"],
            "store_id": self.store_id,
            "tracking_number": tracking,
            "carrier_code": carrier,
            "shipment_method": text_field(fields.get("shipment_method"), "shipment_method"),
            "weight": text_field(fields.get("weight"), "weight"),
            "cost": text_field(fields.get("cost"), "cost"),
            "status": text_field(fields.get("status"), "status"),
            "tracking_url": tracking_url or guess_tracking_url(carrier, tracking),
            "label_format": "",
            "label_image": "",
            "print_status": "0",
            "order_items": self._shipment_items(order, fields.get("order_items")),
            "source": source,
            "cart_shipment_id": text_field(fields.get("cart_shipment_id"), "cart_shipment_id"),
            "label_shipment_id": "",
            "date_shipped": text_field(fields.get("date_shipped"), "date_shipped") or now[:10],
            "date_added": now,
        }
        order["order_shipments"].append(shipment)
        self._touch(order)
        self._note(order, f"Shipment Added: {tracking}")
        return shipment

    def _touch(self, order: dict[str, Any]) -> None:
        """A shipment changed: ``date_updated`` moves only under that reading."""
        if self.shipment_moves_date_updated:
            order["date_updated"] = self.now_text()

    def update_shipment(
        self, order_id: str, shipment_id: str, fields: Any
    ) -> dict[str, Any] | None:
        """``PUT /orders/{id}/shipments/{sid}``: tracking number, carrier and method; None when
        the order has no such shipment."""
        order = self.order(order_id)
        if not isinstance(fields, Mapping):
            raise OrderRejected("The shipment must be a JSON object.")
        for shipment in order["order_shipments"]:
            if shipment["id"] == shipment_id:
                break
        else:
            return None
        for name in ("tracking_number", "carrier_code", "shipment_method", "tracking_url"):
            if name in fields:
                shipment[name] = text_field(fields[name], name).strip()
        if not shipment["tracking_number"]:
            raise OrderRejected("A shipment needs a tracking_number.")
        self._touch(order)
        self._note(order, f"Shipment Updated: {shipment['tracking_number']}")
        return dict(copy.deepcopy(shipment))

    @staticmethod
    def _shipment_items(order: Mapping[str, Any], raw: Any) -> str | list[dict[str, str]]:
        # "" means the whole order, as in Order Desk's samples.
        if raw in (None, "", []):
            return ""
        if not isinstance(raw, list):
            raise OrderRejected("Shipment Not Added: order_items must be a list.")
        ids = {i["id"] for i in order["order_items"]}
        codes = {i["code"] for i in order["order_items"]}
        lines: list[dict[str, str]] = []
        for entry in raw:
            line = mapping_field(entry, "order_items")
            item_id = text_field(line.get("id"), "id")
            code = text_field(line.get("code"), "code")
            if (item_id and item_id not in ids) or (not item_id and code not in codes):
                raise OrderRejected(
                    f"Shipment Not Added: item {item_id or code!r} is not on this order."
                )
            quantity = text_field(line.get("quantity", 1), "quantity")
            lines.append({"id": item_id, "code": code, "quantity": quantity})
        return lines

    def delete_shipment(self, order_id: str, shipment_id: str) -> bool:
        order = self.order(order_id)
        kept = [s for s in order["order_shipments"] if s["id"] != shipment_id]
        if len(kept) == len(order["order_shipments"]):
            return False
        order["order_shipments"] = kept
        self._touch(order)
        return True

    # -- splits --------------------------------------------------------------------------

    def split(self, order_id: str, item_ids: Sequence[str], suffix: str | None) -> str:
        """Move ``item_ids`` into a new order; money is shared in proportion to item value."""
        original = self.order(order_id)
        wanted = {str(i) for i in item_ids}
        moving = [i for i in original["order_items"] if i["id"] in wanted]
        staying = [i for i in original["order_items"] if i["id"] not in wanted]
        unknown = wanted - {i["id"] for i in moving}
        if unknown:
            raise OrderRejected(f"Items {sorted(unknown)} are not on order {original['id']}.")
        if not moving or not staying:
            raise OrderRejected("A split needs some items to move and some to keep.")
        share = _share(moving, original["order_items"])
        child = copy.deepcopy(original)
        child["id"] = self._new_id("order")
        child["source_id"] = original["source_id"] + (suffix or "")
        child["order_items"] = copy.deepcopy(moving)
        child["order_shipments"] = []
        original["order_items"] = staying
        for name in ("shipping_total", "handling_total", "tax_total"):
            total = Decimal(str(original[name]))
            part = (total * share).quantize(CENT, ROUND_HALF_UP)
            child[name], original[name] = money(part), money(total - part)
        for kept, moved in zip(original["discount_list"], child["discount_list"], strict=True):
            total = Decimal(kept["amount"])
            part = (total * share).quantize(CENT, ROUND_HALF_UP)
            moved["amount"], kept["amount"] = str(part), str(total - part)
        now = self.now_text()
        if self.split_date_added == "split":
            child["date_added"] = now
        for order in (original, child):
            order["date_updated"] = now
            self._totals(order)
            order["processor_balance"] = order["order_total"]
        child["order_history"] = []
        self._note(original, f"Order Split: items moved to order {child['id']}")
        self._note(child, f"Order Split from order {original['id']}")
        self.orders[child["id"]] = child
        return str(child["id"])


def _share(part: Sequence[Mapping[str, Any]], whole: Sequence[Mapping[str, Any]]) -> Decimal:
    def value(items: Sequence[Mapping[str, Any]]) -> Decimal:
        return sum((Decimal(str(i["price"])) * i["quantity"] for i in items), Decimal(0))

    if value(whole):
        return value(part) / value(whole)
    # Free items only: share by quantity so shipping still splits sensibly.
    count = sum(i["quantity"] for i in whole)
    return Decimal(sum(i["quantity"] for i in part)) / count if count else Decimal(0)

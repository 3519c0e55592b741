"""The JSON shapes and validation rules of BigCommerce's v2 orders API, for the emulator."""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from desktop_sync_sandbox.bigcommerce_charges import NO_CHARGES, Charges, fee_data, order_total
from desktop_sync_sandbox.samples import SampleCustomer, SampleLine, SampleOrder
from desktop_sync_sandbox.server import Request, Response, json_response

__all__ = [
    "INFO_SCOPE",
    "NOT_FOUND",
    "NO_CHARGES",
    "ORDERS_READ_SCOPE",
    "ORDERS_SCOPE",
    "SORTABLE",
    "STATUS_LABELS",
    "TRACKING_FIELDS",
    "Charges",
    "address_data",
    "collection",
    "consignments_data",
    "fee_data",
    "order_counts",
    "order_data",
    "order_statuses",
    "order_total",
    "outside_bounds",
    "page_of",
    "parse_filter_date",
    "product_data",
    "refused_tracking",
    "rfc2822",
    "set_tracking",
    "shipment_data",
    "store_data",
    "v2_error",
    "wanted_items",
]

STATUS_LABELS = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
PAYMENT_STATUS = {
    "paid": "captured",
    "authorized": "authorized",
    "pending": "pending",
    "refunded": "refunded",
    "partially_refunded": "partially refunded",
    "voided": "void",
}
PROVIDERS = {
    "": ("", ""),
    "auspost": ("Australia Post", "https://auspost.com.au/mypost/track/#/details/{n}"),
    "canadapost": (
        "Canada Post",
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    ),
    "endicia": ("Endicia", ""),
    "usps": ("USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"),
    "fedex": ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={n}"),
    "royalmail": ("Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{n}"),
    "ups": ("UPS", "https://www.ups.com/track?tracknum={n}"),
    "upsready": ("UPS Ready", "https://www.ups.com/track?tracknum={n}"),
    "upsonline": ("UPS", "https://www.ups.com/track?tracknum={n}"),
    "shipperhq": ("ShipperHQ", ""),
}
NOT_FOUND = "The requested resource was not found."
PRODUCT_ID_READ_ONLY = (
    "The field 'product_id' cannot be written to. "
    "Please remove it from your request before trying again."
)
SORTABLE = {
    "id",
    "customer_id",
    "status_id",
    "channel_id",
    "date_created",
    "date_modified",
    "external_id",
}
MAX_LIMIT = 250
ORDERS_SCOPE = "store_v2_orders"
ORDERS_READ_SCOPE = "store_v2_orders_read_only"
INFO_SCOPE = "store_v2_information_read_only"


def rfc2822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0))


def money(value: Decimal) -> str:
    return f"{value:.4f}"


def v2_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """BigCommerce v2's error envelope: a JSON array of ``{status, message}``."""
    return json_response(status, [{"status": status, "message": message}], headers)


def parse_filter_date(text: str) -> datetime | None:
    """An RFC-2822 or ISO-8601 filter value in UTC; None when unreadable (then ignored)."""
    text = text.strip()
    for parse in (datetime.fromisoformat, parsedate_to_datetime):
        try:
            moment = parse(text)
        except (TypeError, ValueError, IndexError):
            continue
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


TRACKING_FIELDS = (
    "tracking_number",
    "shipping_provider",
    "tracking_carrier",
    "tracking_link",
    "comments",
)


def outside_bounds(bounds: dict[str, datetime | None], field_name: str, moment: datetime) -> bool:
    low = bounds.get(f"min_date_{field_name}")
    high = bounds.get(f"max_date_{field_name}")
    return (low is not None and moment < low) or (high is not None and moment > high)


def page_of(request: Request, items: list[Any]) -> list[Any] | Response:
    """One 1-based page; 413 above the documented maximum ``limit``."""
    limit_text = request.query.get("limit", "50")
    page_text = request.query.get("page", "1")
    limit = int(limit_text) if limit_text.isdigit() and int(limit_text) > 0 else 50
    page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
    if limit > MAX_LIMIT:
        return v2_error(413, f"The limit must not exceed {MAX_LIMIT}.")
    return items[(page - 1) * limit : page * limit]


def collection(items: list[Any]) -> Response:
    """An array, or 204 with an empty body when there is nothing to list."""
    return json_response(200, items) if items else Response(204)


def wanted_items(items: Any, order_products: list[dict[str, Any]]) -> dict[int, int] | Response:
    """``{order_product_id: quantity}`` for a shipment, or the 400 BigCommerce answers."""
    if not isinstance(items, list) or not items:
        return v2_error(400, "The field 'items' is invalid.")
    products = {product["id"]: product for product in order_products}
    wanted: dict[int, int] = {}
    for item in items:
        if not isinstance(item, dict):
            return v2_error(400, "The field 'items' is invalid.")
        if "product_id" in item:
            return v2_error(400, PRODUCT_ID_READ_ONLY)
        line_id, quantity = item.get("order_product_id"), item.get("quantity")
        if not isinstance(line_id, int) or line_id not in products:
            return v2_error(400, "The field 'order_product_id' is invalid.")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            return v2_error(400, "The field 'quantity' is invalid.")
        wanted[line_id] = wanted.get(line_id, 0) + quantity
    for line_id, quantity in wanted.items():
        product = products[line_id]
        left = product["quantity"] - product["quantity_shipped"]
        if quantity > left:
            # The live wording is not documented; this one says what was wrong.
            return v2_error(
                400,
                f"The quantity to ship for order product {line_id} ({quantity}) is more "
                f"than the quantity left to ship ({left}).",
            )
    return wanted


def refused_tracking(body: dict[str, Any]) -> Response | None:
    number = body.get("tracking_number", "")
    if not isinstance(number, str) or len(number) > 50:
        return v2_error(400, "The field 'tracking_number' must be at most 50 characters.")
    provider = body.get("shipping_provider", "")
    if not isinstance(provider, str) or not (
        provider in PROVIDERS or (provider.startswith("carrier_") and provider[8:].isdigit())
    ):
        return v2_error(400, "The field 'shipping_provider' is invalid.")
    link = body.get("tracking_link", "")
    if not isinstance(link, str) or len(link) > 500:
        return v2_error(400, "The field 'tracking_link' must be at most 500 characters.")
    return None


def set_tracking(shipment: dict[str, Any], body: dict[str, Any]) -> None:
    for key in TRACKING_FIELDS:
        shipment[key] = str(body.get(key, "") or "")
    number, provider = shipment["tracking_number"], shipment["shipping_provider"]
    carrier = shipment["tracking_carrier"]
    display, template = PROVIDERS.get(provider, (provider, ""))
    shipment["shipping_provider_display_name"] = display
    generated = ""
    # The spec: generated_tracking_link "will be empty if the custom tracking_link value is
    # provided".
    if number and (provider or carrier) and not shipment["tracking_link"]:
        # Known providers get their own page; anything else falls back to AfterShip.
        generated = (
            template.format(n=number)
            if template
            else f"https://track.aftership.com/{carrier or provider}/{number}"
        )
    shipment["generated_tracking_link"] = generated


def order_data(
    order_id: int, sample: SampleOrder, status_id: int, charges: Charges = NO_CHARGES
) -> dict[str, Any]:
    customer = sample.customer
    subtotal = sample.subtotal
    resource = f"/orders/{order_id}"
    total = order_total(sample, charges)
    tax = sample.tax_total + charges.extra_tax
    shipping_inc = sample.shipping_total + charges.shipping_tax
    base_shipping = shipping_inc if charges.tax_inclusive else sample.shipping_total
    return {
        "id": order_id,
        "customer_id": 0,
        "date_created": "",
        "date_modified": "",
        "date_shipped": "",
        "status_id": status_id,
        "status": STATUS_LABELS[status_id],
        "custom_status": STATUS_LABELS[status_id],
        "subtotal_ex_tax": money(subtotal),
        "subtotal_inc_tax": money(subtotal + sample.tax_total),
        "subtotal_tax": money(sample.tax_total),
        "base_shipping_cost": money(base_shipping),
        "shipping_cost_ex_tax": money(sample.shipping_total),
        "shipping_cost_inc_tax": money(shipping_inc),
        "shipping_cost_tax": money(charges.shipping_tax),
        "shipping_cost_tax_class_id": 0,
        "base_handling_cost": money(charges.handling),
        "handling_cost_ex_tax": money(charges.handling),
        "handling_cost_inc_tax": money(charges.handling + charges.handling_tax),
        "handling_cost_tax": money(charges.handling_tax),
        "handling_cost_tax_class_id": 0,
        "base_wrapping_cost": money(charges.wrapping),
        "wrapping_cost_ex_tax": money(charges.wrapping),
        "wrapping_cost_inc_tax": money(charges.wrapping + charges.wrapping_tax),
        "wrapping_cost_tax": money(charges.wrapping_tax),
        "wrapping_cost_tax_class_id": 0,
        "total_ex_tax": money(total - tax),
        "total_inc_tax": money(total),
        "total_tax": money(tax),
        "is_tax_inclusive_pricing": charges.tax_inclusive,
        "discount_amount": money(sample.discount_total),
        "coupon_discount": money(charges.coupon),
        "store_credit_amount": "0.0000",
        "gift_certificate_amount": "0.0000",
        "currency_id": 1,
        "default_currency_id": 1,
        "currency_exchange_rate": "1.0000000000",
        "order_is_digital": all(charges.type_of(line.sku) != "physical" for line in sample.lines),
        "shipping_address_count": 1,
        "external_id": None,
        "items_total": sum(line.quantity for line in sample.lines),
        "items_shipped": 0,
        "payment_method": "Credit Card",
        "payment_status": PAYMENT_STATUS.get(sample.payment, ""),
        "refunded_amount": "0.0000",
        "currency_code": charges.currency_code,
        "default_currency_code": charges.default_currency_code,
        "customer_message": sample.customer_note,
        "staff_notes": "",
        "is_deleted": charges.is_deleted,
        "channel_id": 1,
        "billing_address": {**_address_of(customer), "form_fields": []},
        "products": {"url": "", "resource": f"{resource}/products"},
        "shipping_addresses": {"url": "", "resource": f"{resource}/shippingaddresses"},
        "coupons": {"url": "", "resource": f"{resource}/coupons"},
        "consignments": {"url": "", "resource": f"{resource}/consignments"},
        "fees": {"url": "", "resource": f"{resource}/fees"},
    }


def consignments_data(address: dict[str, Any], products: list[dict[str, Any]]) -> dict[str, Any]:
    """``include=consignments.line_items&consignment_structure=object`` (spec
    ``orderConsignment_Get``): physical lines with their address, the rest by email."""
    shipped = [p for p in products if p["type"] == "physical"]
    digital = [p for p in products if p["type"] == "digital"]
    gifts = [p for p in products if p["type"] == "giftcertificate"]
    shipping = []
    if shipped:
        consignment = {key: value for key, value in address.items() if key != "order_id"}
        for key in ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax"):
            consignment[key] = float(consignment[key])
        shipping.append({**consignment, "line_items": copy.deepcopy(shipped)})
    email = address["email"]
    return {
        "pickups": [],
        "shipping": shipping,
        "downloads": [{"recipient_email": email, "line_items": copy.deepcopy(digital)}]
        if digital
        else [],
        "email": {
            "gift_certificates": [{"recipient_email": email, "line_items": copy.deepcopy(gifts)}]
            if gifts
            else []
        },
    }


def address_data(sample: SampleOrder, order_id: int, address_id: int) -> dict[str, Any]:
    customer = sample.customer
    return {
        "id": address_id,
        "order_id": order_id,
        **_address_of(customer),
        "items_total": sum(line.quantity for line in sample.lines),
        "items_shipped": 0,
        "shipping_method": sample.shipping_method,
        "base_cost": money(sample.shipping_total),
        "cost_ex_tax": money(sample.shipping_total),
        "cost_inc_tax": money(sample.shipping_total),
        "cost_tax": "0.0000",
        "form_fields": [],
    }


def product_data(
    line_id: int,
    order_id: int,
    address_id: int,
    line: SampleLine,
    sample: SampleOrder,
    charges: Charges = NO_CHARGES,
) -> dict[str, Any]:
    """One ``/orders/{id}/products`` element."""
    ratio = (sample.subtotal + sample.tax_total) / sample.subtotal if sample.subtotal else 1
    price_inc = (line.unit_price * ratio).quantize(Decimal("0.0001"))
    digest = hashlib.sha256(line.sku.encode()).digest()
    options = [
        {
            "id": line_id * 10 + index,
            "option_id": index + 1,
            "order_product_id": line_id,
            "product_option_id": 100 + index,
            "display_name": name,
            "display_value": value,
            "value": value,
            "type": "Multiple choice",
            "name": name,
            "display_style": "Dropdown",
        }
        for index, (name, value) in enumerate(line.options)
    ]
    return {
        "id": line_id,
        "order_id": order_id,
        "product_id": int.from_bytes(digest[:2], "big"),
        "variant_id": int.from_bytes(digest[2:4], "big"),
        "order_address_id": address_id,
        "name": line.name,
        "sku": line.sku,
        "type": charges.type_of(line.sku),
        "base_price": money(price_inc if charges.tax_inclusive else line.unit_price),
        "price_ex_tax": money(line.unit_price),
        "price_inc_tax": money(price_inc),
        "price_tax": money(price_inc - line.unit_price),
        "total_ex_tax": money(line.unit_price * line.quantity),
        "total_inc_tax": money(price_inc * line.quantity),
        "total_tax": money((price_inc - line.unit_price) * line.quantity),
        "weight": money(line.weight),
        "quantity": line.quantity,
        "quantity_shipped": 0,
        "quantity_refunded": 0,
        "is_refunded": False,
        "is_bundled_product": False,
        "product_options": options,
        "applied_discounts": [],
    }


def store_data(store_hash: str) -> dict[str, Any]:
    """``GET /v2/store`` for the sandbox store."""
    return {
        "id": store_hash,
        "domain": f"{store_hash}.example.com",
        "secure_url": f"https://store-{store_hash}.mybigcommerce.com",
        "name": "Sandbox Store",
        "status": "live",
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "decimal_places": 2,
        "weight_units": "kg",
        "timezone": {
            "name": "America/Chicago",
            "raw_offset": -21600,
            "dst_offset": -18000,
            "dst_correction": True,
        },
        "plan_name": "Standard",
        "plan_level": "Standard",
        "default_channel_id": 1,
    }


def order_statuses(custom: dict[int, str]) -> list[dict[str, Any]]:
    """``GET /v2/order_statuses`` (spec ``orderStatus_Base``): each status's id, its system
    name, and the label the merchant gave it (``custom``; the system name where none)."""
    return [
        {
            "id": status_id,
            "name": label,
            "system_label": label,
            "custom_label": custom.get(status_id, label),
            "system_description": "",
            "sort_order": status_id,
        }
        for status_id, label in STATUS_LABELS.items()
    ]


def order_counts(status_ids: list[int], custom: dict[int, str]) -> dict[str, Any]:
    """``GET /v2/orders/count``: the number of matching orders per status, and in all."""
    statuses = [
        {**status, "count": status_ids.count(status["id"])} for status in order_statuses(custom)
    ]
    return {"statuses": statuses, "count": len(status_ids)}


def shipment_data(
    shipment_id: int,
    order: dict[str, Any],
    address: dict[str, Any],
    items: list[dict[str, Any]],
    created: datetime,
    tracking: dict[str, Any],
) -> dict[str, Any]:
    """A new shipment as ``POST /v2/orders/{id}/shipments`` answers it (201)."""
    shipment: dict[str, Any] = {
        "id": shipment_id,
        "order_id": order["id"],
        "customer_id": order["customer_id"],
        "order_address_id": address["id"],
        "date_created": rfc2822(created),
        "merchant_shipping_cost": "0.0000",
        "shipping_method": "None",
        "billing_address": copy.deepcopy(order["billing_address"]),
        "shipping_address": copy.deepcopy(address),
        "items": items,
    }
    set_tracking(shipment, tracking)
    return shipment


def _address_of(customer: SampleCustomer) -> dict[str, Any]:
    """The address fields BigCommerce's billing and shipping addresses share."""
    return {
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "company": customer.company,
        "street_1": customer.address1,
        "street_2": customer.address2,
        "city": customer.city,
        "state": customer.state,
        "zip": customer.postal_code,
        "country": customer.country_name,
        "country_iso2": customer.country_code,
        "phone": customer.phone,
        "email": customer.email,
    }

"""The WooCommerce emulator's shop: orders in ``wc/v3`` JSON shape, notes, shipment trackings
and the log of customer emails WooCommerce would send.

Not thread-safe by itself: the emulator holds its lock around every call.
"""

from __future__ import annotations

import copy
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_sync_sandbox.samples import SampleCustomer, SampleOrder
from desktop_sync_sandbox.woocommerce_money import (
    WooCoupon,
    WooItem,
    WooPricing,
    price_order,
)

__all__ = [
    "ORDER_STATUSES",
    "PROVIDERS",
    "SentEmail",
    "WooShop",
    "format_wp_date",
    "parse_wp_date",
    "wc_clean",
]

ORDER_STATUSES = (
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "trash",
    "checkout-draft",
)
# WooCommerce sets ``date_paid`` when an order enters one of these (WC_Order::maybe_set_date_paid).
PAID_STATUSES = ("processing", "completed")
# A few entries of the Shipment Tracking extension's provider list: name -> link format.
PROVIDERS: dict[str, dict[str, str]] = {
    "United States": {
        "UPS": "https://www.ups.com/track?loc=en_US&tracknum=%1$s",
        "USPS": "https://tools.usps.com/go/TrackConfirmAction_input?qtc_tLabels1=%1$s",
        "FedEx": "https://www.fedex.com/apps/fedextrack/?action=track&tracknumbers=%1$s",
        "DHL US": "https://www.logistics.dhl/us-en/home/tracking.html?tracking-id=%1$s",
    },
    "Germany": {
        "DHL Intraship (DE)": "https://nolp.dhl.de/nextt-online-public/set_identcodes.do?lang=de&idc=%1$s"
    },
    "United Kingdom": {
        "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/%1$s"
    },
}
WP_DATE = "%Y-%m-%dT%H:%M:%S"
_BOUNDS = (
    ("modified_after", "modified", True),
    ("modified_before", "modified", False),
    ("after", "created", True),
    ("before", "created", False),
)


@dataclass(frozen=True)
class SentEmail:
    """One email WooCommerce sent to a customer."""

    kind: str
    """``Completed order`` or ``Customer note``, as WooCommerce > Settings > Emails names them."""
    order_id: int
    to: str
    text: str = ""


def format_wp_date(moment: datetime) -> str:
    return moment.strftime(WP_DATE)


def parse_wp_date(text: str) -> datetime:
    """A WordPress ISO-8601 date; a zone-less value is taken as given (the caller says which)."""
    parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed


_OCTET = re.compile(r"%[a-fA-F0-9]{2}")
_TAG = re.compile(r"<[^>]*>?")


def wc_clean(text: str) -> str:
    """WordPress's ``sanitize_text_field``, the parts that change a tracking field: tags and
    line breaks removed, every percent-encoded octet removed (so ``%20`` vanishes from a link),
    whitespace squeezed."""
    cleaned = _TAG.sub("", text)
    while _OCTET.search(cleaned):
        cleaned = _OCTET.sub("", cleaned)
    return re.sub(r"\s+", " ", cleaned).strip()


def _slug(text: str) -> str:
    """WordPress ``sanitize_title``, close enough: lower-case ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class WooShop:
    """Orders, notes and trackings of one WooCommerce site, plus the emails it sent."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        utc_offset: timedelta = timedelta(hours=2),
        currency: str = "USD",
    ) -> None:
        self._now = now
        self.utc_offset = utc_offset
        self.currency = currency
        self.orders: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.trackings: dict[int, list[dict[str, Any]]] = {}
        self.emails: list[SentEmail] = []
        self.products: dict[int, dict[str, Any]] = {}
        self.variations: dict[int, dict[str, Any]] = {}
        self._next_order_id = 1001
        self._next_item_id = 1
        self._next_note_id = 1

    # -- time -------------------------------------------------------------------------

    def now_gmt(self) -> datetime:
        """UTC now, naive, to the second: WordPress keeps no sub-second precision."""
        return self._now().astimezone(UTC).replace(tzinfo=None, microsecond=0)

    def _stamp(self, order: dict[str, Any], field: str, gmt: datetime | None) -> None:
        order[f"{field}_gmt"] = format_wp_date(gmt) if gmt else None
        order[field] = format_wp_date(gmt + self.utc_offset) if gmt else None

    def bump(self, order: dict[str, Any]) -> None:
        self._stamp(order, "date_modified", self.now_gmt())

    # -- orders -----------------------------------------------------------------------

    def add(self, sample: SampleOrder, status: str) -> int:
        """A seeded sample as a checkout would leave it: its discount as a coupon, its tax as
        the amount it states."""
        coupons = (
            (WooCoupon("SAVE5", amount=sample.discount_total),) if sample.discount_total else ()
        )
        pricing = WooPricing(
            items=tuple(
                WooItem(line.name, line.quantity, line.unit_price, line.sku, line.options)
                for line in sample.lines
            ),
            shipping=sample.shipping_total,
            shipping_method=sample.shipping_method,
            coupons=coupons,
            goods_tax=sample.tax_total,
        )
        return self.add_priced(
            pricing,
            sample.customer,
            status,
            payment=sample.payment,
            customer_note=sample.customer_note,
        )

    def add_priced(
        self,
        pricing: WooPricing,
        customer: SampleCustomer,
        status: str,
        *,
        payment: str = "paid",
        customer_note: str = "",
    ) -> int:
        order_id = self._next_order_id
        self._next_order_id += 1
        address = {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "company": customer.company,
            "address_1": customer.address1,
            "address_2": customer.address2,
            "city": customer.city,
            "state": customer.state,
            "postcode": customer.postal_code,
            "country": customer.country_code,
        }
        created = self.now_gmt()  # placed now; the sample's own date is for its sequence only
        paid = status in PAID_STATUSES or payment in ("paid", "partially_refunded")
        priced = price_order(pricing, self._item_id)
        priced["line_items"] = [
            self._line_item(item, line)
            for item, line in zip(pricing.items, priced["line_items"], strict=True)
        ]
        order: dict[str, Any] = {
            "id": order_id,
            "parent_id": 0,
            "number": str(order_id),
            "order_key": f"wc_order_{secrets.token_hex(6)}",
            "created_via": "checkout",
            "version": "10.3.0",
            "status": status,
            "currency": self.currency,
            "customer_id": 0,
            "customer_ip_address": "203.0.113.7",
            "customer_user_agent": "Mozilla/5.0",
            "customer_note": customer_note,
            "billing": {**address, "email": customer.email, "phone": customer.phone},
            "shipping": {**address, "phone": ""},
            "payment_method": "stripe",
            "payment_method_title": "Credit card",
            "transaction_id": "" if payment == "pending" else f"pi_{order_id:08d}",
            "cart_hash": secrets.token_hex(16),
            "needs_payment": not paid,
            "meta_data": [],
            **priced,
            "refunds": [],
        }
        if payment == "partially_refunded":
            # The documented examples name the reason "refund"; the code names it "reason".
            order["refunds"] = [
                {"id": order_id + 50000, "reason": "", "refund": "", "total": "-5.00"}
            ]
        self._stamp(order, "date_created", created)
        self._stamp(order, "date_paid", created if paid else None)
        self._stamp(order, "date_completed", None)
        self.bump(order)
        self.orders[order_id] = order
        self.notes[order_id] = []
        self.trackings[order_id] = []
        return order_id

    def _item_id(self) -> int:
        item_id = self._next_item_id
        self._next_item_id += 1
        return item_id

    def _line_item(self, item: WooItem, priced: dict[str, Any]) -> dict[str, Any]:
        item_id = self._item_id()
        meta: list[dict[str, Any]] = [
            {
                "id": item_id * 10 + index,
                "key": f"pa_{_slug(axis)}",
                "value": _slug(value),
                "display_key": axis,
                "display_value": value,
            }
            for index, (axis, value) in enumerate(item.options, start=1)
        ]
        # Real stores show this private key in line-item meta; clients must skip "_" keys.
        meta.append(
            {
                "id": item_id * 10,
                "key": "_reduced_stock",
                "value": str(item.quantity),
                "display_key": "_reduced_stock",
                "display_value": str(item.quantity),
            }
        )
        if item.backordered:
            # WooCommerce core adds this (translated) when stock ran out at checkout.
            meta.append(
                {
                    "id": item_id * 10 + 9,
                    "key": "Backordered",
                    "value": str(item.backordered),
                    "display_key": "Backordered",
                    "display_value": str(item.backordered),
                }
            )
        values = ", ".join(value for _, value in item.options)
        product_id = 90 + item_id
        variation_id = 900 + item_id if values else 0
        product = {
            "id": product_id,
            "name": item.name,
            "type": "variable" if variation_id else "simple",
            "sku": "" if variation_id else item.sku,
            "virtual": item.virtual and not variation_id,
            "downloadable": item.downloadable and not variation_id,
            "parent_id": 0,
        }
        self.products[product_id] = product
        if variation_id:
            self.variations[variation_id] = {
                "id": variation_id,
                "parent_id": product_id,
                "type": "variation",
                "sku": item.sku,
                "virtual": item.virtual,
                "downloadable": item.downloadable,
            }
        return {
            "id": item_id,
            "name": f"{item.name} - {values}" if values else item.name,
            "parent_name": item.name if values else None,
            "product_id": product_id,
            "variation_id": variation_id,
            **priced,
            "meta_data": meta,
        }

    def set_status(self, order: dict[str, Any], status: str) -> None:
        """Change the status as WooCommerce does, sending the Completed order email on the
        transition to ``completed`` (and only on a transition)."""
        previous = order["status"]
        order["status"] = status
        if status == previous:
            return
        now = self.now_gmt()
        if status in PAID_STATUSES and not order["date_paid_gmt"]:
            self._stamp(order, "date_paid", now)
            order["needs_payment"] = False
        if status == "completed":
            self._stamp(order, "date_completed", now)
            self.emails.append(SentEmail("Completed order", order["id"], order["billing"]["email"]))

    def update_meta(self, order: dict[str, Any], entries: list[dict[str, Any]]) -> None:
        """``meta_data`` of a PUT: by ``id`` when given, else by ``key`` (update or add)."""
        meta: list[dict[str, Any]] = order["meta_data"]
        for entry in entries:
            target = None
            for existing in meta:
                same_id = "id" in entry and existing["id"] == entry["id"]
                if same_id or ("id" not in entry and existing["key"] == entry.get("key")):
                    target = existing
                    break
            if target is None:
                meta.append(
                    {
                        "id": 70000 + self._item_id(),
                        "key": entry["key"],
                        "value": entry.get("value"),
                    }
                )
            elif entry.get("value") is None:
                meta.remove(target)
            else:
                target["value"] = entry["value"]

    def add_note(self, order_id: int, text: str, customer_note: bool) -> dict[str, Any]:
        now = self.now_gmt()
        note = {
            "id": self._next_note_id,
            "author": "system",
            "date_created": format_wp_date(now + self.utc_offset),
            "date_created_gmt": format_wp_date(now),
            "note": text,
            "customer_note": customer_note,
        }
        self._next_note_id += 1
        self.notes[order_id].insert(0, note)  # WooCommerce lists the newest note first
        if customer_note:
            order = self.orders[order_id]
            self.emails.append(
                SentEmail("Customer note", order_id, order["billing"]["email"], text)
            )
        self.bump(self.orders[order_id])
        return note

    def add_tracking(self, order_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """Store a tracking item as the Shipment Tracking extension does: every field through
        ``wc_clean`` (``sanitize_text_field``, which drops each ``%XX``), the provider kept as
        a slug and shown only when it is in the provider list (else no provider, no link); a
        custom provider keeps its own link."""
        order = self.orders[order_id]
        number = wc_clean(str(body["tracking_number"]))
        provider = _slug(wc_clean(str(body.get("tracking_provider") or "")))
        custom = wc_clean(str(body.get("custom_tracking_provider") or ""))
        link_format = wc_clean(str(body.get("custom_tracking_link") or ""))
        display = custom
        if not custom:
            link_format = ""
            for group in PROVIDERS.values():
                for name, url in group.items():
                    if _slug(name) == provider:
                        display, link_format = name, url
        link = (
            link_format.replace("%1$s", number)
            .replace("%2$s", order["shipping"]["postcode"])
            .replace("%3$s", order["shipping"]["country"])
        )
        item = {
            "tracking_id": secrets.token_hex(16),
            "tracking_provider": display,
            "tracking_link": link,
            "tracking_number": number,
            "date_shipped": str(body.get("date_shipped") or self.now_gmt().date().isoformat()),
        }
        self.trackings[order_id].append(item)
        self.bump(order)
        return item

    def find(
        self, statuses: list[str], bounds: dict[str, datetime], *, gmt: bool, orderby: str
    ) -> list[dict[str, Any]]:
        """Orders matching a list query, oldest first by ``orderby`` with the id as tie-break.

        ``bounds`` holds ``modified_after``/``modified_before``/``after``/``before`` as naive
        times, UTC when ``gmt`` else site-local; WordPress's date_query makes each end strict.
        """
        found = []
        for order in self.orders.values():
            if not statuses or "any" in statuses:
                if order["status"] == "trash":
                    continue
            elif order["status"] not in statuses:
                continue
            suffix = "_gmt" if gmt else ""
            moments = {
                "modified": parse_wp_date(order[f"date_modified{suffix}"]),
                "created": parse_wp_date(order[f"date_created{suffix}"]),
            }
            if all(
                (moments[field] > bounds[name]) if after else (moments[field] < bounds[name])
                for name, field, after in _BOUNDS
                if name in bounds
            ):
                found.append(order)
        sort_field = {"date": "date_created_gmt", "modified": "date_modified_gmt"}.get(orderby)
        found.sort(key=lambda o: (o[sort_field] if sort_field else "", o["id"]))
        return found

    def snapshot(self, order_id: int) -> dict[str, Any]:
        return copy.deepcopy(self.orders[order_id])

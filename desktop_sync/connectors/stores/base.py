"""The one contract every store platform implements, and the normalised store order.

A platform module (``bigcommerce.py``, ``shopify.py``, ``woocommerce.py``) turns its API's shapes
into these dataclasses, raises only the errors of ``connectors.errors``, and declares what it can
do in ``Capabilities`` so the engine never guesses.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

__all__ = [
    "PAYMENT_CHOICE",
    "Capabilities",
    "FulfillmentLine",
    "PaymentState",
    "StatusChoice",
    "StoreAddress",
    "StoreConnector",
    "StoreFulfillment",
    "StoreIdentity",
    "StoreLine",
    "StoreOrder",
    "Tracking",
]

PAYMENT_CHOICE = "payment:"
"""The start of a chosen status that is a payment state (``payment:paid``): a send rule
compares the rest with ``StoreOrder.payment_state``, the other choices with ``status``."""


class PaymentState(enum.Enum):
    """A platform's payment status, normalised. The mapping turns it into Order Desk's words."""

    PAID = "paid"
    AUTHORIZED = "authorized"
    PENDING = "pending"
    PARTIALLY_PAID = "partially_paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    DECLINED = "declined"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Capabilities:
    """What a platform's fulfillment API can express."""

    multiple_tracking_numbers: bool
    """A second tracking number can be added to an existing fulfillment."""


@dataclass(frozen=True)
class StoreIdentity:
    """What ``verify()`` (or ``identify()``) learned: enough to show "Connected to <name>",
    and the platform's own name for the store."""

    name: str
    url: str = ""
    currency: str = ""
    timezone: str = ""
    own_id: str = ""
    """What the platform calls the store, whatever address reaches it: BigCommerce's store
    hash, Shopify's shop id, the WordPress site's home address (no scheme, no ``www.``,
    lower case). "" when the platform did not say."""


@dataclass(frozen=True)
class StoreAddress:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    """ISO 3166-1 alpha-2 code where the platform gives one, else the country's name."""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class StoreLine:
    id: str
    """The platform's own line id (BigCommerce order_product_id, Shopify LineItem id, ...)."""
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    options: tuple[tuple[str, str], ...] = ()
    """Variant options as (name, value) pairs, in the platform's order."""
    weight: Decimal = Decimal(0)
    requires_shipping: bool = True


@dataclass(frozen=True)
class StoreOrder:
    """One store order, with its money in Order Desk's terms.

    The money fields obey one rule, which the mapping and the money tests hold every platform
    to: ``sum(line.unit_price * line.quantity) + shipping_total + tax_total + handling_total -
    discount_total == order_total``, to the cent. So ``unit_price`` is the line's price before
    discounts and before tax (an unrounded ``Decimal`` where the store's line total does not
    divide by its quantity), ``shipping_total`` is shipping before tax, ``tax_total`` is all
    tax (goods, shipping, handling), ``handling_total`` every other charge (handling fees, gift
    wrapping, WooCommerce fee lines; a negative fee line counts as a discount), and
    ``discount_total`` every discount (coupons, automatic discounts, shipping discounts).
    A tax-inclusive store (VAT) is converted to this form; ``prices_include_tax`` records that
    it was, for the order's metadata.
    """

    id: str
    """The platform's id, used in API paths."""
    number: str
    """The order number the merchant and customer see; becomes Order Desk's ``source_id``."""
    created_at: datetime
    updated_at: datetime
    status: str
    payment_state: PaymentState
    email: str
    shipping_address: StoreAddress
    billing_address: StoreAddress
    shipping_method: str
    lines: tuple[StoreLine, ...]
    shipping_total: Decimal
    tax_total: Decimal
    discount_total: Decimal
    order_total: Decimal
    currency: str
    customer_note: str = ""
    handling_total: Decimal = Decimal(0)
    """Charges other than goods, shipping and tax (handling, gift wrapping, fees), before tax."""
    prices_include_tax: bool = False
    """The store shows tax-inclusive prices; the money fields above are already tax-exclusive."""
    is_cancelled: bool = False
    status_label: str = ""
    """The merchant's own name for ``status`` where the platform lets them rename it
    (BigCommerce), for display; ``status`` is the platform's fixed name, which rules use."""
    problem: str = ""
    """Why the platform's data for this order cannot be read, in the merchant's words ("" when
    it was read). A connector yields such an order rather than stopping the scan on it, and
    the engine fails just this order with the reason."""
    shipping_read: bool = True
    """False when whether each line ships (``StoreLine.requires_shipping``) is not read yet:
    a WooCommerce listing leaves that (a read per product) to the orders that are sent;
    ``StoreConnector.ready_to_send`` reads it."""


@dataclass(frozen=True)
class StatusChoice:
    """One status a merchant may choose to send, as the store lists it."""

    value: str
    """What the send rule compares, lower case: ``StoreOrder.status`` (the platform's fixed
    name), or ``PAYMENT_CHOICE`` and a ``PaymentState`` value."""
    label: str
    """The store's own name for it (the merchant's, where they may rename statuses)."""
    group: str = "Order status"
    """The heading it is shown under ("Order status", "Payment", "Fulfilment")."""


@dataclass(frozen=True)
class Tracking:
    number: str
    carrier: str = ""
    url: str = ""
    method: str = ""


@dataclass(frozen=True)
class FulfillmentLine:
    line_id: str
    quantity: int


@dataclass(frozen=True)
class StoreFulfillment:
    id: str
    order_id: str
    tracking_numbers: tuple[str, ...]
    lines: tuple[FulfillmentLine, ...]


@runtime_checkable
class StoreConnector(Protocol):
    """One store platform. Implementations are synchronous and not thread-safe."""

    platform: str
    """Machine name: ``bigcommerce``, ``shopify``, ``woocommerce``."""
    display_name: str
    """What the merchant calls it: ``BigCommerce``, ``Shopify``, ``WooCommerce``."""
    capabilities: Capabilities

    def verify(self) -> StoreIdentity:
        """Check the credentials and permissions; raise ``AuthError`` with a readable reason."""
        ...

    def identify(self) -> StoreIdentity:
        """What the store says of itself (one read, no check of the key's permissions)."""
        ...

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        """Orders modified in [since, until] (UTC), each fully populated (but for whether each
        line ships, which a listing may leave to ``ready_to_send``), in no promised order
        (the engine reads the whole window before it moves its mark).

        May yield an order more than once (pages shifting under a scan); the caller dedupes.
        An order that cannot be read is yielded with ``problem`` set (``unreadable``): never
        left out, never filled with made-up values.
        """
        ...

    def get_order(self, order_id: str) -> StoreOrder:
        """One order by the platform's id."""
        ...

    def ready_to_send(self, order: StoreOrder) -> StoreOrder:
        """``order`` (as ``iter_orders`` yielded it) with all that sending it needs: whether
        each line ships, where the listing left it unread (``shipping_read``)."""
        ...

    def list_fulfillments(self, order_id: str) -> list[StoreFulfillment]:
        """The order's existing fulfillments (empty list when none)."""
        ...

    def create_fulfillment(
        self,
        order_id: str,
        lines: Sequence[FulfillmentLine],
        tracking: Tracking,
        notify: bool = True,
    ) -> StoreFulfillment:
        """Fulfil exactly ``lines`` with ``tracking``; the store emails the customer if asked."""
        ...

    def add_tracking(
        self, order_id: str, fulfillment: StoreFulfillment, tracking: Tracking
    ) -> StoreFulfillment:
        """Attach another tracking number to an existing fulfillment.

        Only called when ``capabilities.multiple_tracking_numbers`` is true.
        """
        ...

    def close(self) -> None:
        """Release the HTTP connection pool."""
        ...

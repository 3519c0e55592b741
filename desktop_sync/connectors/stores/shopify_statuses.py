"""Shopify's order states a merchant may choose to send: its payment states
(``displayFinancialStatus``) and fulfilment states (``displayFulfillmentStatus``), as the
Admin GraphQL schema's enums list them. They are fixed by the API version, not by the shop,
so they are written here (a test holds them to the schema) and no request reads them."""

from __future__ import annotations

from desktop_sync.connectors.stores.base import PAYMENT_CHOICE, StatusChoice
from desktop_sync.connectors.stores.shopify_parsing import PAYMENT_STATES

__all__ = ["STATUS_CHOICES"]

_PAYMENTS = ("PENDING", "AUTHORIZED", "PARTIALLY_PAID", "PAID", "PARTIALLY_REFUNDED")
"""``OrderDisplayFinancialStatus`` but REFUNDED, VOIDED and EXPIRED: those are never sent."""
_FULFILMENTS = (
    "UNFULFILLED",
    "PARTIALLY_FULFILLED",
    "FULFILLED",
    "IN_PROGRESS",
    "ON_HOLD",
    "OPEN",
    "PENDING_FULFILLMENT",
    "SCHEDULED",
    "REQUEST_DECLINED",
    "RESTOCKED",
    "FULFILLMENT_NOT_REQUIRED",
)
"""``OrderDisplayFulfillmentStatus``, lower case as ``StoreOrder.status`` carries it."""


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


STATUS_CHOICES: tuple[StatusChoice, ...] = tuple(
    StatusChoice(PAYMENT_CHOICE + PAYMENT_STATES[name].value, _words(name), "Payment")
    for name in _PAYMENTS
) + tuple(StatusChoice(name.lower(), _words(name), "Fulfilment") for name in _FULFILMENTS)

"""The bookkeeper's check every platform's money test makes: Order Desk's total is the store's.

Order Desk computes an order's total as products + shipping + handling + tax - discounts. Its
API names the discounts twice (``discount_list`` and ``discount_total``) and does not say which
one it adds up, so an order is whole only when both readings give the store's total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["assert_money_whole", "orderdesk_totals"]

CENT = Decimal("0.01")


def _d(value: Any) -> Decimal:
    return Decimal(str(value if value not in (None, "") else 0))


def orderdesk_totals(order: Mapping[str, Any]) -> dict[str, Decimal]:
    """Order Desk's computed total of ``order`` (its JSON), once per reading of the discounts."""
    products = sum(
        (_d(item["price"]) * int(item.get("quantity", 1)) for item in order["order_items"]),
        Decimal(0),
    )
    charges = _d(order.get("shipping_total")) + _d(order.get("handling_total"))
    charges += _d(order.get("tax_total"))
    listed = sum((abs(_d(d["amount"])) for d in order.get("discount_list") or []), Decimal(0))
    stated = abs(_d(order.get("discount_total")))
    return {
        "discount_list": (products + charges - listed).quantize(CENT),
        "discount_total": (products + charges - stated).quantize(CENT),
    }


def assert_money_whole(order: Mapping[str, Any], store_total: Decimal) -> None:
    """Fail unless Order Desk's total of ``order`` equals ``store_total`` under both readings."""
    totals = orderdesk_totals(order)
    expected = Decimal(store_total).quantize(CENT)
    assert totals == {"discount_list": expected, "discount_total": expected}, (
        f"Order Desk would total {totals}, the store says {expected}"
    )

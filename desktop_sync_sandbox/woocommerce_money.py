"""The WooCommerce emulator's till: an order's lines, coupons, fees, shipping and tax worked out
the way WooCommerce shows them in ``wc/v3`` order JSON.

What a client sees, and this module reproduces (WooCommerce's ``get_order_item_data``):

* a line's ``subtotal`` is before coupons, its ``total`` after them, both before tax (also in a
  tax-inclusive shop, where the tax is taken out of the shown price first); ``price`` is
  ``total / quantity`` as a JSON number, so it is after discounts and not rounded;
* the order's ``discount_total`` is the sum of ``subtotal - total`` over the lines (before tax,
  its tax in ``discount_tax``); fee lines (``fee_lines``) are other charges, negative for a
  discount given as a fee; ``total_tax`` is the tax of goods, fees and shipping;
* money is a string with two decimals, rounded half up as PHP's ``round`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ["WooCoupon", "WooFee", "WooItem", "WooPricing", "price_order"]

CENT = Decimal("0.01")
TAX_RATE_ID = 1


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{r2(value):.2f}"


@dataclass(frozen=True)
class WooItem:
    """One product line as the shopper bought it."""

    name: str
    quantity: int
    price: Decimal
    """The shop's price for one, tax included in a tax-inclusive shop; may have more than two
    decimals (8.333333)."""
    sku: str = ""
    options: tuple[tuple[str, str], ...] = ()
    virtual: bool = False
    downloadable: bool = False
    taxable: bool = True
    backordered: int = 0
    """How many of the quantity were on backorder (WooCommerce adds ``Backordered`` meta)."""


@dataclass(frozen=True)
class WooFee:
    name: str
    amount: Decimal
    """Before tax; negative for a discount given as a fee."""
    taxable: bool = True


@dataclass(frozen=True)
class WooCoupon:
    code: str
    percent: Decimal = Decimal(0)
    """A ``percent`` coupon's rate; 0 for a ``fixed_cart`` coupon."""
    amount: Decimal = Decimal(0)
    """A ``fixed_cart`` coupon's amount (before tax)."""


@dataclass(frozen=True)
class WooPricing:
    items: tuple[WooItem, ...]
    shipping: Decimal = Decimal(0)
    """Shipping before tax."""
    shipping_method: str = "Flat rate"
    coupons: tuple[WooCoupon, ...] = ()
    fees: tuple[WooFee, ...] = ()
    tax_rate: Decimal = Decimal(0)
    """One standard rate, in percent, on goods, fees and shipping."""
    prices_include_tax: bool = False
    goods_tax: Decimal | None = None
    """A fixed tax on the goods instead of the rate, spread over the lines (the seeded samples
    state their tax as an amount)."""


def _spread(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` in cents over ``weights`` in proportion; the last share takes the remainder."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return []
    if whole == 0:
        return [Decimal(0)] * (len(weights) - 1) + [r2(amount)]
    shares = [r2(amount * w / whole) for w in weights[:-1]]
    return [*shares, r2(amount) - sum(shares, Decimal(0))]


def price_order(pricing: WooPricing, next_id: Callable[[], int]) -> dict[str, Any]:
    """The money part of an order's JSON: its item arrays and its totals."""
    rate = pricing.tax_rate / 100
    subtotals: list[Decimal] = []
    subtotal_taxes: list[Decimal] = []
    for item in pricing.items:
        gross = item.price * item.quantity
        if pricing.prices_include_tax and item.taxable and rate:
            tax = r2(gross * rate / (1 + rate))
            subtotals.append(r2(gross) - tax)
        else:
            subtotals.append(r2(gross))
            tax = r2(subtotals[-1] * rate) if item.taxable else Decimal(0)
        subtotal_taxes.append(tax)
    discounts = [Decimal(0)] * len(subtotals)
    coupon_lines = []
    for coupon in pricing.coupons:
        if coupon.percent:
            off = [
                r2((s - d) * coupon.percent / 100)
                for s, d in zip(subtotals, discounts, strict=True)
            ]
        else:
            off = _spread(coupon.amount, [s - d for s, d in zip(subtotals, discounts, strict=True)])
        discounts = [d + o for d, o in zip(discounts, off, strict=True)]
        taxed = [o for o, item in zip(off, pricing.items, strict=True) if item.taxable]
        coupon_lines.append(
            {
                "id": next_id(),
                "code": coupon.code,
                "discount": money(sum(off, Decimal(0))),
                "discount_tax": money(sum((r2(o * rate) for o in taxed), Decimal(0))),
                "meta_data": [],
                "discount_type": "percent" if coupon.percent else "fixed_cart",
                "nominal_amount": float(coupon.percent or coupon.amount),
                "free_shipping": False,
            }
        )
    totals = [s - d for s, d in zip(subtotals, discounts, strict=True)]
    if pricing.goods_tax is not None:
        line_taxes = _spread(pricing.goods_tax, totals)
        subtotal_taxes = _spread(pricing.goods_tax, subtotals)
    else:
        line_taxes = [
            r2(t * rate) if item.taxable else Decimal(0)
            for t, item in zip(totals, pricing.items, strict=True)
        ]
    line_items = [
        _line(item, subtotal, sub_tax, total, tax)
        for item, subtotal, sub_tax, total, tax in zip(
            pricing.items, subtotals, subtotal_taxes, totals, line_taxes, strict=True
        )
    ]
    fee_lines = []
    fee_tax = Decimal(0)
    for fee in pricing.fees:
        tax = r2(fee.amount * rate) if fee.taxable and fee.amount > 0 else Decimal(0)
        fee_tax += tax
        fee_lines.append(
            {
                "id": next_id(),
                "name": fee.name,
                "tax_class": "",
                "tax_status": "taxable" if fee.taxable else "none",
                "amount": money(fee.amount),
                "total": money(fee.amount),
                "total_tax": money(tax),
                "taxes": _taxes(tax, tax),
                "meta_data": [],
            }
        )
    shipping_tax = r2(pricing.shipping * rate)
    cart_tax = sum(line_taxes, Decimal(0)) + fee_tax
    total_tax = cart_tax + shipping_tax
    total = (
        sum(totals, Decimal(0))
        + sum((f.amount for f in pricing.fees), Decimal(0))
        + pricing.shipping
        + total_tax
    )
    tax_lines = []
    if rate or pricing.goods_tax:
        tax_lines.append(
            {
                "id": next_id(),
                "rate_code": "TAX-1",
                "rate_id": TAX_RATE_ID,
                "label": "Tax",
                "compound": False,
                "tax_total": money(cart_tax),
                "shipping_tax_total": money(shipping_tax),
                "rate_percent": float(pricing.tax_rate),
                "meta_data": [],
            }
        )
    discount_tax = sum(subtotal_taxes, Decimal(0)) - sum(line_taxes, Decimal(0))
    return {
        "discount_total": money(sum(discounts, Decimal(0))),
        "discount_tax": money(max(discount_tax, Decimal(0))),
        "shipping_total": money(pricing.shipping),
        "shipping_tax": money(shipping_tax),
        "cart_tax": money(cart_tax),
        "total": money(total),
        "total_tax": money(total_tax),
        "prices_include_tax": pricing.prices_include_tax,
        "line_items": line_items,
        "tax_lines": tax_lines,
        "shipping_lines": [
            {
                "id": next_id(),
                "method_title": pricing.shipping_method,
                "method_id": "flat_rate",
                "instance_id": "1",
                "total": money(pricing.shipping),
                "total_tax": money(shipping_tax),
                "taxes": _taxes(shipping_tax, shipping_tax),
                "meta_data": [],
            }
        ],
        "fee_lines": fee_lines,
        "coupon_lines": coupon_lines,
    }


def _taxes(total: Decimal, subtotal: Decimal) -> list[dict[str, Any]]:
    if not total and not subtotal:
        return []
    return [{"id": TAX_RATE_ID, "total": money(total), "subtotal": money(subtotal)}]


def _line(
    item: WooItem, subtotal: Decimal, sub_tax: Decimal, total: Decimal, tax: Decimal
) -> dict[str, Any]:
    # Without ids: the shop gives the line, its product and its meta their ids.
    return {
        "name": item.name,
        "quantity": item.quantity,
        "tax_class": "",
        "subtotal": money(subtotal),
        "subtotal_tax": money(sub_tax),
        "total": money(total),
        "total_tax": money(tax),
        "taxes": _taxes(tax, sub_tax),
        "sku": item.sku,
        # WooCommerce: the line total after discounts over the quantity, a float.
        "price": float(total / item.quantity) if item.quantity else 0,
    }

"""The money of one emulated Shopify order as Shopify itself details it: every discount
allocated to a line or to the shipping line, tax lines per line and on shipping, and whether
the shop's prices include tax. From these the emulator states the totals Shopify would."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from desktop_sync_sandbox.samples import SampleOrder

__all__ = ["OrderMoney", "default_money", "spread"]

CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderMoney:
    """Per line (in the sample's line order): discount allocated, tax, and whether it ships.

    With ``taxes_included`` the sample's unit prices and shipping are tax-inclusive and the
    taxes are the part of them that is tax (as in a VAT shop); otherwise taxes are added.
    """

    line_discounts: tuple[Decimal, ...]
    line_taxes: tuple[Decimal, ...]
    shipping_discount: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    taxes_included: bool = False
    requires_shipping: tuple[bool, ...] = ()
    discount_title: str = "SAVE"

    def ships(self, index: int) -> bool:
        return self.requires_shipping[index] if index < len(self.requires_shipping) else True

    @property
    def tax_total(self) -> Decimal:
        return sum(self.line_taxes, Decimal(0)) + self.shipping_tax

    @property
    def discount_total(self) -> Decimal:
        return sum(self.line_discounts, Decimal(0)) + self.shipping_discount

    def subtotal(self, sample: SampleOrder) -> Decimal:
        """Shopify's ``subtotalPriceSet``: lines after discounts (tax inside when included)."""
        gross = sum((line.unit_price * line.quantity for line in sample.lines), Decimal(0))
        return gross - sum(self.line_discounts, Decimal(0))

    def total(self, sample: SampleOrder) -> Decimal:
        """Shopify's ``totalPriceSet``."""
        shipping = sample.shipping_total - self.shipping_discount
        added_tax = Decimal(0) if self.taxes_included else self.tax_total
        return self.subtotal(sample) + shipping + added_tax


def spread(amount: Decimal, weights: list[Decimal]) -> tuple[Decimal, ...]:
    """``amount`` split over ``weights`` in cents, the remainder on the last share."""
    whole = sum(weights, Decimal(0))
    if not weights:
        return ()
    if whole <= 0:
        return tuple([Decimal(0)] * (len(weights) - 1) + [amount])
    shares = [(amount * w / whole).quantize(CENT, ROUND_HALF_UP) for w in weights[:-1]]
    return (*shares, amount - sum(shares, Decimal(0)))


def default_money(sample: SampleOrder) -> OrderMoney:
    """The sample's order-level discount and tax, allocated to its lines by their value, as
    Shopify allocates an order discount."""
    weights = [line.unit_price * line.quantity for line in sample.lines]
    return OrderMoney(
        line_discounts=spread(sample.discount_total, weights),
        line_taxes=spread(sample.tax_total, weights),
    )

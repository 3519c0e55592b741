"""What a sample order lacks to be any BigCommerce order, for the emulator: tax on shipping,
handling, gift wrapping, fees, coupons, a tax-inclusive store, line types, archiving."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from desktop_sync_sandbox.samples import SampleOrder

__all__ = ["NO_CHARGES", "Charges", "fee_data", "order_total"]


@dataclass(frozen=True)
class Charges:
    """What a sample order lacks to be any BigCommerce order: tax on shipping, handling, gift
    wrapping, a tax-inclusive store, an order-level fee, line types (by SKU), archiving."""

    shipping_tax: Decimal = Decimal(0)
    handling: Decimal = Decimal(0)
    handling_tax: Decimal = Decimal(0)
    wrapping: Decimal = Decimal(0)
    wrapping_tax: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    coupon: Decimal = Decimal(0)
    tax_inclusive: bool = False
    types: tuple[tuple[str, str], ...] = ()
    """(SKU, ``physical`` | ``digital`` | ``giftcertificate``)."""
    currency_code: str = "USD"
    default_currency_code: str = "USD"
    is_deleted: bool = False

    @property
    def extra_tax(self) -> Decimal:
        return self.shipping_tax + self.handling_tax + self.wrapping_tax

    def type_of(self, sku: str) -> str:
        return dict(self.types).get(sku, "physical")


NO_CHARGES = Charges()


def order_total(sample: SampleOrder, charges: Charges) -> Decimal:
    """``total_inc_tax``: every charge with its tax, less discounts and coupons."""
    return (
        sample.total
        + charges.extra_tax
        + charges.handling
        + charges.wrapping
        + charges.fee
        - charges.coupon
    )


def fee_data(order_id: int, charges: Charges) -> list[dict[str, Any]]:
    """``/orders/{id}/fees`` (and ``include=fees``): one untaxed custom fee, or none."""
    if not charges.fee:
        return []
    return [
        {
            "id": order_id * 10,
            "type": "custom_fee",
            "display_name_customer": "Service fee",
            "display_name_merchant": "Service fee",
            "source": "AA",
            "base_cost": float(charges.fee),
            "cost_ex_tax": float(charges.fee),
            "cost_inc_tax": float(charges.fee),
            "cost_tax": 0.0,
            "tax_class_id": None,
        }
    ]

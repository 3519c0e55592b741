"""BigCommerce money: every order reaches Order Desk whole, per the StoreOrder money rule.

The shapes follow the v2 spec's fields (``orders.v2.oas2.yml``): ``total_tax`` holds the tax of
goods, shipping, handling and wrapping; each charge is carried before tax.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml

from desktop_sync.connectors.stores.bigcommerce_parsing import order_lines, parse_order
from tests.harness import map_from
from tests.money import assert_money_whole
from tests.specs import spec_path

BILLING = {
    "first_name": "Ana",
    "last_name": "Silva",
    "street_1": "123 Main St",
    "city": "Austin",
    "state": "Texas",
    "zip": "78701",
    "country": "United States",
    "country_iso2": "US",
    "email": "ana@example.com",
}
ADDRESS = {**BILLING, "id": 31, "order_id": 500, "shipping_method": "Flat Rate"}


def order(**money: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": 500,
        "date_created": "Mon, 14 Jul 2025 09:12:44 +0000",
        "date_modified": "Mon, 14 Jul 2025 09:15:02 +0000",
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "payment_status": "captured",
        "currency_code": "USD",
        "default_currency_code": "USD",
        "is_tax_inclusive_pricing": False,
        "billing_address": BILLING,
    }
    raw.update(money)
    return raw


def product(line_id: int, quantity: int, ex: str, tax: str, **extra: Any) -> dict[str, Any]:
    total_ex = Decimal(ex)
    total_tax = Decimal(tax)
    return {
        "id": line_id,
        "order_id": 500,
        "order_address_id": 31,
        "name": f"Item {line_id}",
        "sku": f"SKU-{line_id}",
        "type": "physical",
        "quantity": quantity,
        "price_ex_tax": f"{(total_ex / quantity):.4f}",
        "price_inc_tax": f"{((total_ex + total_tax) / quantity):.4f}",
        "price_tax": f"{(total_tax / quantity):.4f}",
        "total_ex_tax": f"{total_ex:.4f}",
        "total_inc_tax": f"{(total_ex + total_tax):.4f}",
        "total_tax": f"{total_tax:.4f}",
        **extra,
    }


def whole(raw: dict[str, Any], products: list[dict[str, Any]]) -> dict[str, Any]:
    store_order = parse_order(raw, products, [ADDRESS])
    assert store_order.problem == ""
    payload = map_from(store_order, "bigcommerce", folder_id=None).to_payload()
    assert_money_whole(payload, Decimal(raw["total_inc_tax"]))
    return payload


def test_shipping_tax_is_counted_once_and_handling_is_carried() -> None:
    # Goods 40.00 + 3.30 tax, shipping 10.00 + 0.80 tax, handling 2.00 + 0.40 tax: 56.50.
    raw = order(
        subtotal_ex_tax="40.0000",
        subtotal_inc_tax="43.3000",
        subtotal_tax="3.3000",
        shipping_cost_ex_tax="10.0000",
        shipping_cost_inc_tax="10.8000",
        shipping_cost_tax="0.8000",
        handling_cost_ex_tax="2.0000",
        handling_cost_inc_tax="2.4000",
        handling_cost_tax="0.4000",
        total_tax="4.5000",
        total_ex_tax="52.0000",
        total_inc_tax="56.5000",
    )
    payload = whole(raw, [product(1, 2, "40.00", "3.30")])

    assert payload["shipping_total"] == 10.0
    assert payload["handling_total"] == 2.0
    assert payload["tax_total"] == 4.5


def test_gift_wrapping_and_fees_are_handling() -> None:
    raw = order(
        shipping_cost_ex_tax="5.0000",
        shipping_cost_inc_tax="5.0000",
        wrapping_cost_ex_tax="3.5000",
        wrapping_cost_inc_tax="3.5000",
        wrapping_cost_tax="0.0000",
        fees=[{"id": 1, "type": "custom_fee", "cost_ex_tax": "1.2500", "cost_inc_tax": "1.2500"}],
        total_tax="0.0000",
        total_inc_tax="29.7500",
    )
    payload = whole(raw, [product(1, 1, "20.00", "0")])

    assert payload["handling_total"] == 4.75


def test_coupon_and_manual_discounts_both_come_off() -> None:
    raw = order(
        shipping_cost_ex_tax="5.0000",
        discount_amount="2.5000",
        coupon_discount="5.0000",
        total_tax="0.0000",
        total_inc_tax="47.5000",
    )
    payload = whole(raw, [product(1, 1, "50.00", "0")])

    assert payload["discount_total"] == 7.5


def test_a_line_total_that_does_not_divide_by_its_quantity_stays_whole() -> None:
    raw = order(shipping_cost_ex_tax="0.0000", total_tax="0.0000", total_inc_tax="50.0000")
    whole(raw, [product(1, 6, "50.00", "0")])


def test_a_tax_inclusive_store_is_carried_before_tax_and_says_so() -> None:
    # VAT 20% inclusive: goods 36.00 incl. 6.00, shipping 6.00 incl. 1.00; BigCommerce's ex-tax
    # figures are estimates there (spec is_tax_inclusive_pricing), here deliberately a cent off.
    raw = order(
        is_tax_inclusive_pricing=True,
        subtotal_inc_tax="36.0000",
        subtotal_tax="6.0000",
        shipping_cost_ex_tax="4.9900",
        shipping_cost_inc_tax="6.0000",
        shipping_cost_tax="1.0000",
        total_tax="7.0000",
        total_inc_tax="42.0000",
        currency_code="GBP",
        default_currency_code="GBP",
    )
    line = product(1, 3, "30.00", "6.00")
    line["total_ex_tax"] = "29.9900"  # an estimate; inc - tax is the actual
    payload = whole(raw, [line])

    assert payload["shipping_total"] == 5.0
    assert payload["order_metadata"]["prices_include_tax"] is True


def test_gift_certificates_and_digital_lines_are_not_goods_to_ship() -> None:
    raw = order(shipping_cost_ex_tax="4.0000", total_tax="0.0000", total_inc_tax="69.0000")
    products = [
        product(1, 1, "20.00", "0"),
        product(2, 1, "25.00", "0", type="giftcertificate"),
        product(3, 1, "20.00", "0", type="digital"),
    ]
    payload = whole(raw, products)

    kinds = [item["delivery_type"] for item in payload["order_items"]]
    assert kinds == ["ship", "noship", "noship"]


def test_the_currency_is_the_one_the_shopper_paid_in() -> None:
    raw = order(
        currency_code="EUR",  # the storefront's display currency
        default_currency_code="USD",  # the transactional currency (spec info.description)
        total_inc_tax="10.0000",
        total_tax="0",
    )
    assert parse_order(raw, [product(1, 1, "10.00", "0")], [ADDRESS]).currency == "USD"


@pytest.mark.parametrize(
    ("total", "handling", "discount"), [("40.0000", 15.0, 0.0), ("20.0000", 0.0, 5.0)]
)
def test_money_in_no_field_the_app_reads_is_carried_so_the_total_is_the_stores(
    total: str, handling: float, discount: float
) -> None:
    # Goods 20 + shipping 5 = 25: a charge of 15, or a reduction of 5, the order names nowhere.
    raw = order(shipping_cost_ex_tax="5.0000", total_tax="0.0000", total_inc_tax=total)
    payload = whole(raw, [product(1, 1, "20.00", "0")])

    assert (payload["handling_total"], payload["discount_total"]) == (handling, discount)


def test_an_archived_order_is_not_sent() -> None:
    raw = order(is_deleted=True, total_tax="0", total_inc_tax="10.0000")
    store_order = parse_order(raw, [product(1, 1, "10.00", "0")], [ADDRESS])

    assert "archived" in store_order.problem


@pytest.mark.spec
def test_the_specs_own_order_example_arrives_whole() -> None:
    spec = yaml.safe_load(spec_path("bigcommerce/orders.v2.oas2.yml").read_text(encoding="utf-8"))
    example = spec["components"]["responses"]["order_Resp"]["content"]["application/json"]
    raw = dict(example["examples"]["Response"]["value"])
    raw.pop("fees", None)  # the example's fees (12.30 + 4.00) are not in its own totals
    goods = Decimal(raw["subtotal_inc_tax"]) - Decimal(raw["subtotal_tax"])
    line = product(1, 4, f"{goods}", raw["subtotal_tax"])
    store_order = parse_order(raw, [line], [ADDRESS])

    # 4.40 on the goods + 0.91 on shipping = 5.31: shipping goes before tax.
    assert store_order.shipping_total == Decimal("11.0900")
    assert store_order.tax_total == Decimal("5.3100")
    payload = map_from(store_order, "bigcommerce", folder_id=None).to_payload()
    assert_money_whole(payload, Decimal("69.84"))


def test_an_order_answered_with_a_consignments_link_has_its_lines_read_separately() -> None:
    link = {
        "url": "https://api.example/orders/500/consignments",
        "resource": "/orders/500/consignments",
    }
    assert order_lines(order(consignments=link)) is None

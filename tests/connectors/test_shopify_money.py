"""The bookkeeper's check for Shopify, over real sockets (Shopify emulator -> connector ->
mapping -> Order Desk emulator): coupons, automatic and shipping discounts, a tax-inclusive
(VAT) shop, and lines that do not ship. Order Desk's computed total must be Shopify's total."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.connectors.stores.base import StoreOrder
from desktop_sync_sandbox.samples import SampleLine, SampleOrder, generate_orders
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.shopify_money import OrderMoney
from tests.connectors.test_shopify import connect
from tests.harness import make_engine, minute_ago, orderdesk_emulator
from tests.money import CENT, assert_money_whole

D = Decimal


def line(sku: str, quantity: int, price: str) -> SampleLine:
    return SampleLine(sku, f"Item {sku}", quantity, D(price), (), D("0.3"))


@dataclass(frozen=True)
class Case:
    lines: tuple[SampleLine, ...]
    shipping: str
    money: OrderMoney
    total: str
    """Shopify's ``totalPriceSet`` for the order, worked out by hand."""


CASES = {
    # A 10 % code on the order, allocated by Shopify to its lines; 8 % tax on 54.00.
    "coupon": Case(
        (line("TEE", 2, "25.00"), line("MUG", 1, "10.00")),
        "5.00",
        OrderMoney((D("5.00"), D("1.00")), (D("3.60"), D("0.72"))),
        "63.32",
    ),
    # An automatic discount on one line only, tax on the rest.
    "automatic": Case(
        (line("CAP", 3, "12.00"), line("PIN", 2, "2.50")),
        "6.00",
        OrderMoney((D("3.00"), D("0")), (D("2.64"), D("0.40"))),
        "47.04",
    ),
    # Free shipping as a shipping discount (allocated to the shipping line).
    "shipping discount": Case(
        (line("HAT", 1, "30.00"),),
        "7.50",
        OrderMoney((D("0"),), (D("2.40"),), shipping_discount=D("7.50")),
        "32.40",
    ),
    # A VAT shop: prices and shipping include 20 % tax; a 10 % code on the goods.
    "tax inclusive": Case(
        (line("SOCK", 2, "12.00"), line("SCARF", 1, "30.00")),
        "4.80",
        OrderMoney(
            (D("2.40"), D("3.00")),
            (D("3.60"), D("4.50")),
            shipping_tax=D("0.80"),
            taxes_included=True,
        ),
        "53.40",
    ),
    # VAT again, with a shipping discount, and a line whose pre-tax price is not whole cents.
    "tax inclusive uneven": Case(
        (line("PEN", 6, "10.00"), line("INK", 1, "7.99")),
        "6.00",
        OrderMoney(
            (D("0"), D("0")),
            (D("10.00"), D("1.33")),
            shipping_discount=D("3.00"),
            shipping_tax=D("0.50"),
            taxes_included=True,
        ),
        "70.99",
    ),
    # A gift card does not ship; the shirt does.
    "gift card": Case(
        (line("GIFT-50", 1, "50.00"), line("SHIRT", 1, "20.00")),
        "5.00",
        OrderMoney((D("0"), D("0")), (D("0"), D("1.60")), requires_shipping=(False, True)),
        "76.60",
    ),
}


@pytest.fixture
def orderdesk() -> Iterator[Any]:
    emulator = orderdesk_emulator()
    emulator.start()
    yield emulator
    emulator.stop()


def sample(case: Case) -> SampleOrder:
    return replace(
        generate_orders(1, seed=21)[0],
        lines=case.lines,
        shipping_total=D(case.shipping),
        discount_total=D(0),
        tax_total=D(0),
    )


def sent(case: Case, orderdesk: Any, tmp_path: Path) -> tuple[StoreOrder, dict[str, Any]]:
    """The order as the connector read it, and as Order Desk received it."""
    with ShopifyEmulator(time_scale=50.0) as shop:
        order_id = shop.add_order(sample(case), money=case.money)
        with connect(shop) as connector:
            store_order = connector.get_order(order_id)
            engine = make_engine(
                orderdesk, connector, tmp_path / "journal.sqlite3", start_at=minute_ago()
            )
            result = engine.run_cycle()
    assert result.push is not None and result.push.sent == 1, result.message
    (od_order,) = orderdesk.orders_with_source(store_order.number)
    return store_order, od_order


def parts_total(order: StoreOrder) -> Decimal:
    goods = sum((ln.unit_price * ln.quantity for ln in order.lines), D(0))
    return (
        goods + order.shipping_total + order.tax_total + order.handling_total - order.discount_total
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_money_of_a_shopify_order_arrives_whole(
    name: str, orderdesk: Any, tmp_path: Path
) -> None:
    case = CASES[name]
    store_order, od_order = sent(case, orderdesk, tmp_path)

    assert store_order.order_total == D(case.total)
    # StoreOrder's rule, to the cent: goods before discounts and tax, plus shipping, tax and
    # handling, less every discount, is Shopify's total.
    assert parts_total(store_order).quantize(CENT) == store_order.order_total
    assert store_order.prices_include_tax is case.money.taxes_included
    assert_money_whole(od_order, store_order.order_total)


def test_a_tax_inclusive_line_keeps_its_unrounded_pre_tax_price(
    orderdesk: Any, tmp_path: Path
) -> None:
    store_order, _ = sent(CASES["tax inclusive uneven"], orderdesk, tmp_path)

    pen = next(ln for ln in store_order.lines if ln.sku == "PEN")
    assert (pen.unit_price * pen.quantity).quantize(CENT) == D("50.00")
    assert pen.unit_price.quantize(CENT) == D("8.33")
    assert store_order.tax_total == D("11.83")


def test_a_line_that_does_not_ship_is_not_sent_as_goods_to_ship(
    orderdesk: Any, tmp_path: Path
) -> None:
    store_order, od_order = sent(CASES["gift card"], orderdesk, tmp_path)

    assert [ln.requires_shipping for ln in store_order.lines] == [False, True]
    delivery = {item["code"]: item["delivery_type"] for item in od_order["order_items"]}
    assert delivery == {"GIFT-50": "noship", "SHIRT": "ship"}


def test_a_shipping_discount_is_a_discount_not_cheaper_shipping(
    orderdesk: Any, tmp_path: Path
) -> None:
    store_order, od_order = sent(CASES["shipping discount"], orderdesk, tmp_path)

    assert store_order.shipping_total == D("7.50")
    assert store_order.discount_total == D("7.50")
    assert D(str(od_order["shipping_total"])) == D("7.50")


def random_case(rng: random.Random) -> Case:
    """Lines, discounts on some of them, a shipping discount, and taxes, VAT-style or added."""
    lines = tuple(
        line(f"R{n}", rng.randint(1, 7), f"{rng.randint(100, 9999) / 100:.2f}")
        for n in range(rng.randint(1, 4))
    )
    included = rng.random() < 0.5
    discounts = tuple(
        D(rng.randint(0, int(ln.unit_price * ln.quantity * 30))) / 100
        if rng.random() < 0.6
        else D(0)
        for ln in lines
    )
    taxes = tuple(
        ((ln.unit_price * ln.quantity - d) * D("0.2") / (D("1.2") if included else 1)).quantize(
            CENT
        )
        for ln, d in zip(lines, discounts, strict=True)
    )
    shipping = D(rng.randint(0, 1500)) / 100
    shipping_off = shipping if rng.random() < 0.3 else D(0)
    shipping_tax = ((shipping - shipping_off) * D("0.2") / (D("1.2") if included else 1)).quantize(
        CENT
    )
    money = OrderMoney(discounts, taxes, shipping_off, shipping_tax, taxes_included=included)
    return Case(lines, str(shipping), money, "0")


def test_random_orders_keep_the_money_rule_to_the_cent() -> None:
    rng = random.Random(1414)
    cases = [random_case(rng) for _ in range(40)]
    with ShopifyEmulator(time_scale=50.0) as shop:
        ids = [shop.add_order(sample(c), money=c.money) for c in cases]
        with connect(shop) as connector:
            orders = {o.id: o for o in connector.iter_orders(minute_ago())}

    for order_id, case in zip(ids, cases, strict=True):
        order = orders[order_id]
        assert order.order_total == case.money.total(sample(case))
        assert parts_total(order).quantize(CENT) == order.order_total, case
        # Pre-tax lines in a VAT shop: the line's total is whole cents.
        for ln in order.lines:
            assert (ln.unit_price * ln.quantity).quantize(D("0.000001")) % CENT == 0

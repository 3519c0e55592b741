"""The store -> Order Desk mapping, rule by rule, and one whole order against a golden payload."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from desktop_sync.app.platforms import source_name_for
from desktop_sync.connectors.orderdesk.models import PAYMENT_STATUSES
from desktop_sync.connectors.stores.base import PaymentState, StoreAddress, StoreLine, StoreOrder
from desktop_sync.engine.mapping import (
    LINE_ID_KEY,
    MAX_NOTE_LENGTH,
    MAX_SOURCE_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    PRICES_INCLUDE_TAX_KEY,
    ROUNDING_NAME,
    UnmappableOrder,
    default_source_name,
    store_line_id,
    trim_text,
)
from tests.harness import map_from
from tests.money import assert_money_whole

ANA = StoreAddress(
    first_name="Ana",
    last_name="Silva",
    address1="123 Main St",
    address2="Apt 4",
    city="Austin",
    state="TX",
    postal_code="78701",
    country="US",
    phone="+1 512 555 0100",
    email="ana.billing@example.com",
)
ZOE = StoreAddress(
    first_name="Zoë",
    last_name="Müller",
    company="Müller & Söhne GmbH",
    address1="Straße des 17. Juni 135",
    city="Berlin",
    state="BE",
    postal_code="10623",
    country="DE",
    phone="+49 30 1234567",
)
TEE = StoreLine(
    id="101",
    sku="TEE-BLAC-M",
    name="Logo Tee",
    quantity=2,
    unit_price=Decimal("20.00"),
    options=(("Color", "Black"), ("Size", "M")),
    weight=Decimal("0.40"),
)
MUG = StoreLine(
    id="102",
    sku="MUG-MATT",
    name="Café Mug 350 ml",
    quantity=1,
    unit_price=Decimal("14.50"),
    options=(("Glaze", "Matte"),),
    weight=Decimal("0.50"),
)


def make_order(**changes: Any) -> StoreOrder:
    order = StoreOrder(
        id="9001",
        number="1042",
        created_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        updated_at=datetime(2026, 11, 1, 9, 45, tzinfo=UTC),
        status="awaiting_fulfillment",
        payment_state=PaymentState.PAID,
        email="ana.silva@example.com",
        shipping_address=ZOE,
        billing_address=ANA,
        shipping_method="UPS Ground",
        lines=(TEE, MUG),
        shipping_total=Decimal("9.50"),
        tax_total=Decimal("4.36"),
        discount_total=Decimal("5.00"),
        order_total=Decimal("63.36"),
        currency="USD",
        customer_note="Please gift wrap 🎁",
    )
    return dataclasses.replace(order, **changes)


def test_full_order_matches_the_golden_payload() -> None:
    new_order = map_from(make_order(), "bigcommerce", folder_id=55)

    assert new_order.to_payload() == {
        "source_id": "1042",
        "source_name": "Desktop Sync (BigCommerce)",
        "folder_id": 55,
        "email": "ana.silva@example.com",
        "shipping_method": "UPS Ground",
        "payment_status": "Captured",
        "date_added": "2026-11-01 09:30:00",
        "shipping": {
            "first_name": "Zoë",
            "last_name": "Müller",
            "company": "Müller & Söhne GmbH",
            "address1": "Straße des 17. Juni 135",
            "address2": "",
            "address3": "",
            "address4": "",
            "city": "Berlin",
            "state": "BE",
            "postal_code": "10623",
            "country": "DE",
            "phone": "+49 30 1234567",
        },
        "customer": {
            "first_name": "Ana",
            "last_name": "Silva",
            "company": "",
            "address1": "123 Main St",
            "address2": "Apt 4",
            "address3": "",
            "address4": "",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
            "country": "US",
            "phone": "+1 512 555 0100",
        },
        "order_items": [
            {
                "name": "Logo Tee",
                "code": "TEE-BLAC-M",
                "price": 20.0,
                "quantity": 2,
                "weight": 0.4,
                "delivery_type": "ship",
                "variation_list": {"Color": "Black", "Size": "M"},
                "metadata": {"store_line_id": "101"},
            },
            {
                "name": "Café Mug 350 ml",
                "code": "MUG-MATT",
                "price": 14.5,
                "quantity": 1,
                "weight": 0.5,
                "delivery_type": "ship",
                "variation_list": {"Glaze": "Matte"},
                "metadata": {"store_line_id": "102"},
            },
        ],
        "shipping_total": 9.5,
        "handling_total": 0.0,
        "tax_total": 4.36,
        "discount_list": [{"name": "Discount", "amount": "5.00"}],
        "discount_total": 5.0,
        "order_metadata": {
            "store_platform": "bigcommerce",
            "store_order_id": "9001",
            "store_order_number": "1042",
            "currency": "USD",
            "prices_include_tax": False,
        },
        "checkout_data": {"Customer Note": "Please gift wrap 🎁"},
    }


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("bigcommerce", "Desktop Sync (BigCommerce)"),
        ("shopify", "Desktop Sync (Shopify)"),
        ("woocommerce", "Desktop Sync (WooCommerce)"),
        ("magento", "Desktop Sync (Magento)"),
        ("", "Desktop Sync"),
    ],
)
def test_source_name_is_fixed_per_platform(platform: str, expected: str) -> None:
    assert source_name_for(platform) == expected
    assert map_from(make_order(), platform, folder_id=None).source_name == expected


def test_the_default_source_name_is_made_from_the_stores_name_and_fits_order_desk() -> None:
    assert default_source_name(" Shopify ") == "Desktop Sync (Shopify)"
    assert default_source_name("") == "Desktop Sync"
    long = default_source_name("x" * 100)
    assert len(long) == MAX_SOURCE_NAME_LENGTH and long.startswith("Desktop Sync (x")


def test_source_name_of_an_odd_platform_fits_order_desk_limit() -> None:
    name = source_name_for("a-very-long-platform-name-" * 5)
    assert len(name) <= MAX_SOURCE_NAME_LENGTH
    assert name.startswith("Desktop Sync (")


@pytest.mark.parametrize(
    ("number", "order_id", "source_id"),
    [("1042", "9001", "1042"), ("#1042", "gid-1", "#1042"), ("", "9001", "9001")],
)
def test_source_id_is_the_store_order_number(number: str, order_id: str, source_id: str) -> None:
    order = make_order(number=number, id=order_id)
    assert map_from(order, "shopify", folder_id=None).source_id == source_id


@pytest.mark.parametrize("folder_id", [None, 0, 1004])
def test_folder_id_is_passed_through(folder_id: int | None) -> None:
    assert map_from(make_order(), "shopify", folder_id=folder_id).folder_id == folder_id


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (PaymentState.PAID, "Captured"),
        (PaymentState.AUTHORIZED, "Authorized"),
        (PaymentState.PENDING, "Pending"),
        (PaymentState.PARTIALLY_PAID, "Pending"),
        (PaymentState.PARTIALLY_REFUNDED, "Partially Refunded"),
        (PaymentState.REFUNDED, "Fully Refunded"),
        (PaymentState.VOIDED, "Voided"),
        (PaymentState.DECLINED, "Rejected"),
        (PaymentState.UNKNOWN, "Pending"),
    ],
)
def test_payment_state_becomes_an_order_desk_payment_status(
    state: PaymentState, status: str
) -> None:
    mapped = map_from(make_order(payment_state=state), "shopify", folder_id=None)
    assert mapped.payment_status == status
    assert mapped.payment_status in PAYMENT_STATUSES


def test_every_payment_state_has_a_status() -> None:
    for state in PaymentState:
        order = make_order(payment_state=state)
        assert map_from(order, "shopify", folder_id=None).payment_status


@pytest.mark.parametrize(
    ("shipping", "billing", "ship_to", "bill_to"),
    [
        (ZOE, ANA, "Zoë", "Ana"),
        (StoreAddress(), ANA, "Ana", "Ana"),
        (ZOE, StoreAddress(), "Zoë", "Zoë"),
        (StoreAddress(email="only@example.com"), ANA, "Ana", "Ana"),
    ],
)
def test_an_empty_address_is_filled_from_the_other(
    shipping: StoreAddress, billing: StoreAddress, ship_to: str, bill_to: str
) -> None:
    order = make_order(shipping_address=shipping, billing_address=billing)
    mapped = map_from(order, "shopify", folder_id=None)
    assert mapped.shipping.first_name == ship_to
    assert mapped.customer.first_name == bill_to


@pytest.mark.parametrize(
    ("order_email", "billing_email", "shipping_email", "expected"),
    [
        ("a@example.com", "b@example.com", "c@example.com", "a@example.com"),
        ("", "b@example.com", "c@example.com", "b@example.com"),
        ("", "", "c@example.com", "c@example.com"),
        ("", "", "", ""),
    ],
)
def test_email_falls_back_to_the_addresses(
    order_email: str, billing_email: str, shipping_email: str, expected: str
) -> None:
    order = make_order(
        email=order_email,
        billing_address=dataclasses.replace(ANA, email=billing_email),
        shipping_address=dataclasses.replace(ZOE, email=shipping_email),
    )
    assert map_from(order, "shopify", folder_id=None).email == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), {}),
        ((("Color", "Red"), ("Size", "L")), {"Color": "Red", "Size": "L"}),
        ((("Color", "Red"), ("Color", "Blue")), {"Color": "Red", "Color (2)": "Blue"}),
        (
            (("Engraving", "A"), ("Engraving", "B"), ("Engraving", "C")),
            {"Engraving": "A", "Engraving (2)": "B", "Engraving (3)": "C"},
        ),
        ((("", "Gift"),), {"Option": "Gift"}),
    ],
)
def test_options_become_a_variation_list_with_unique_names(
    options: tuple[tuple[str, str], ...], expected: dict[str, str]
) -> None:
    order = make_order(lines=(dataclasses.replace(TEE, options=options),))
    item = map_from(order, "shopify", folder_id=None).items[0]
    assert dict(item.variation_list) == expected


@pytest.mark.parametrize(
    ("line", "name", "code"),
    [
        (TEE, "Logo Tee", "TEE-BLAC-M"),
        (dataclasses.replace(TEE, name=""), "TEE-BLAC-M", "TEE-BLAC-M"),
        (dataclasses.replace(TEE, name="", sku=""), "Item 101", ""),
    ],
)
def test_item_name_and_code_come_from_the_line(line: StoreLine, name: str, code: str) -> None:
    item = map_from(make_order(lines=(line,)), "shopify", folder_id=None).items[0]
    assert (item.name, item.code, item.price, item.quantity, item.weight) == (
        name,
        code,
        line.unit_price,
        line.quantity,
        line.weight,
    )
    assert store_line_id(item.metadata) == line.id
    assert dict(item.metadata) == {LINE_ID_KEY: line.id}


@pytest.mark.parametrize(
    ("quantities", "kept"), [((2, 0, 1), ("101", "103")), ((0, 3, 0), ("102",))]
)
def test_lines_with_quantity_zero_are_dropped(
    quantities: tuple[int, ...], kept: tuple[str, ...]
) -> None:
    lines = tuple(
        dataclasses.replace(TEE, id=str(101 + i), quantity=q) for i, q in enumerate(quantities)
    )
    mapped = map_from(make_order(lines=lines), "shopify", folder_id=None)
    assert tuple(item.metadata[LINE_ID_KEY] for item in mapped.items) == kept


@pytest.mark.parametrize(("requires_shipping", "delivery"), [(True, "ship"), (False, "noship")])
def test_lines_not_requiring_shipping_are_noship(requires_shipping: bool, delivery: str) -> None:
    line = dataclasses.replace(TEE, requires_shipping=requires_shipping)
    item = map_from(make_order(lines=(line,)), "shopify", folder_id=None).items[0]
    assert item.delivery_type == delivery


@pytest.mark.parametrize(
    ("discount", "expected"),
    [(Decimal("5.00"), Decimal("5.00")), (Decimal("-5.00"), Decimal("5.00")), (Decimal(0), 0)],
)
def test_totals_are_carried_and_discounts_are_positive(
    discount: Decimal, expected: Decimal
) -> None:
    mapped = map_from(make_order(discount_total=discount), "shopify", folder_id=None)
    assert mapped.shipping_total == Decimal("9.50")
    assert mapped.tax_total == Decimal("4.36")
    assert mapped.discount_total == expected


@pytest.mark.parametrize(
    ("created_at", "expected"),
    [
        (datetime(2026, 11, 1, 9, 30, tzinfo=UTC), datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
        (
            datetime(2026, 11, 1, 4, 30, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        ),
        (datetime(2026, 11, 1, 9, 30), datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_date_added_is_the_creation_time_in_utc(created_at: datetime, expected: datetime) -> None:
    mapped = map_from(make_order(created_at=created_at), "shopify", folder_id=None)
    assert mapped.date_added == expected
    assert mapped.date_added is not None and mapped.date_added.utcoffset() == timedelta(0)


@pytest.mark.parametrize("platform", ["bigcommerce", "woocommerce"])
def test_order_metadata_remembers_where_the_order_came_from(platform: str) -> None:
    order = make_order(id="abc", number="77", currency="EUR")
    mapped = map_from(order, platform, folder_id=None)
    assert dict(mapped.order_metadata) == {
        "store_platform": platform,
        "store_order_id": "abc",
        "store_order_number": "77",
        "currency": "EUR",
        "prices_include_tax": False,
    }


@pytest.mark.parametrize(
    ("note", "checkout_data"),
    [
        ("", {}),
        ("   ", {}),
        ("Leave at the door", {"Customer Note": "Leave at the door"}),
        ("  Ring twice \n", {"Customer Note": "Ring twice"}),
    ],
)
def test_customer_note_goes_to_checkout_data(note: str, checkout_data: dict[str, str]) -> None:
    mapped = map_from(make_order(customer_note=note), "shopify", folder_id=None)
    assert dict(mapped.checkout_data) == checkout_data


def test_a_long_note_is_trimmed_to_fit_an_order_desk_note() -> None:
    mapped = map_from(make_order(customer_note="é" * 5000), "shopify", folder_id=None)
    note = mapped.checkout_data["Customer Note"]
    assert len(note) == MAX_NOTE_LENGTH
    assert note.endswith("…")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("  padded  ", 10, "padded"),
        ("abcdefghij", 5, "abcd…"),
        ("ab👍🏽cd", 4, "ab…"),  # never leave a skin tone without its emoji
        ("ab👨\u200d👩\u200d👧xyz", 5, "ab…"),  # never half a family emoji
        ("a🇩🇪🇫🇷x", 5, "a🇩🇪…"),  # never half a flag
        ("a🇩🇪🇫🇷", 4, "a🇩🇪…"),
        ("a🇩🇪🇫🇷", 3, "a…"),
        ("ae\u0301bc", 3, "a…"),  # never strip an accent from its letter
        ("山田さくら", 3, "山田…"),
    ],
)
def test_trimming_never_breaks_a_character(text: str, limit: int, expected: str) -> None:
    assert trim_text(text, limit) == expected
    assert len(trim_text(text, limit)) <= limit


def test_unicode_emoji_and_very_long_names_are_mapped_not_refused() -> None:
    long_name = "Ölçü 🧦 " * 100
    address = dataclasses.replace(ANA, first_name="さくら 🌸", last_name=long_name, city="東京都")
    line = dataclasses.replace(TEE, name="Poster — Mountains at Dawn 🏔️" * 20, sku="P" * 400)
    order = make_order(shipping_address=address, billing_address=address, lines=(line,))

    mapped = map_from(order, "shopify", folder_id=None)

    assert mapped.shipping.first_name == "さくら 🌸"
    assert mapped.shipping.city == "東京都"
    assert len(mapped.shipping.last_name) <= MAX_TEXT_LENGTH
    assert mapped.shipping.last_name.startswith("Ölçü 🧦 Ölçü")
    assert len(mapped.items[0].name) <= MAX_TEXT_LENGTH
    assert len(mapped.items[0].code) <= MAX_TEXT_LENGTH
    mapped.to_payload()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {
                "shipping_address": dataclasses.replace(
                    ZOE, first_name="", last_name="", company=""
                ),
                "billing_address": dataclasses.replace(ANA, first_name=" ", last_name=""),
            },
            "Order 1042 has no customer name or company on its shipping or billing address. "
            "Add one in BigCommerce, then press Retry.",
        ),
        (
            {"shipping_address": StoreAddress(), "billing_address": StoreAddress()},
            "Order 1042 has no customer name or company on its shipping or billing address. "
            "Add one in BigCommerce, then press Retry.",
        ),
        (
            {"lines": (dataclasses.replace(TEE, quantity=0),)},
            "Order 1042 has no items with a quantity above zero, and Order Desk needs at least "
            "one. Check the items in BigCommerce, then press Retry.",
        ),
        (
            {"lines": ()},
            "Order 1042 has no items with a quantity above zero, and Order Desk needs at least "
            "one. Check the items in BigCommerce, then press Retry.",
        ),
        (
            {"lines": (MUG, dataclasses.replace(TEE, quantity=-2))},
            'Order 1042 has a negative quantity (-2) for "Logo Tee" (SKU TEE-BLAC-M), which '
            "Order Desk cannot accept. Correct the item in BigCommerce, then press Retry.",
        ),
        (
            {"lines": (dataclasses.replace(MUG, unit_price=Decimal("-14.50")),)},
            'Order 1042 has a negative price (-14.50) for "Café Mug 350 ml" (SKU MUG-MATT), '
            "which Order Desk cannot accept. Correct the item in BigCommerce, then press Retry.",
        ),
    ],
)
def test_orders_order_desk_would_refuse_are_unmappable_with_a_reason(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnmappableOrder) as caught:
        map_from(make_order(**changes), "bigcommerce", folder_id=None)
    assert caught.value.reason == message
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("shipping", "billing"),
    [
        (StoreAddress(company="Atelier Dubois", address1="12 Rue de Rivoli"), StoreAddress()),
        (StoreAddress(address1="12 Rue de Rivoli"), StoreAddress(last_name="Dubois")),
        (StoreAddress(first_name="Chloé"), StoreAddress()),
    ],
)
def test_one_name_or_company_anywhere_is_enough(
    shipping: StoreAddress, billing: StoreAddress
) -> None:
    order = make_order(shipping_address=shipping, billing_address=billing)
    assert map_from(order, "woocommerce", folder_id=None).items


@pytest.mark.parametrize(
    ("metadata", "line_id"),
    [
        ({"store_line_id": "101"}, "101"),
        ({"store_line_id": 101}, "101"),
        ({"store_line_id": " 7 "}, "7"),
        ({"store_line_id": ""}, None),
        ({"image": "x.png"}, None),
        ({}, None),
    ],
)
def test_store_line_id_reads_back_what_the_push_wrote(
    metadata: dict[str, Any], line_id: str | None
) -> None:
    assert store_line_id(metadata) == line_id


# -- money: Order Desk's total is the store's, under every reading ---------------------------


def whole_order(**changes: Any) -> StoreOrder:
    """``make_order`` with its total recomputed by the StoreOrder money rule."""
    order = make_order(**changes)
    goods = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
    total = (
        goods
        + order.shipping_total
        + order.handling_total
        + order.tax_total
        - abs(order.discount_total)
    )
    return dataclasses.replace(order, order_total=total.quantize(Decimal("0.01")))


def test_discounts_are_sent_as_a_list_and_as_a_total_that_agree() -> None:
    payload = map_from(whole_order(), "bigcommerce", folder_id=None).to_payload()

    assert payload["discount_list"] == [{"name": "Discount", "amount": "5.00"}]
    assert payload["discount_total"] == 5.0
    assert_money_whole(payload, whole_order().order_total)


def test_handling_is_carried() -> None:
    order = whole_order(handling_total=Decimal("2.00"))
    payload = map_from(order, "bigcommerce", folder_id=None).to_payload()

    assert payload["handling_total"] == 2.0
    assert_money_whole(payload, order.order_total)


@pytest.mark.parametrize(
    ("line_total", "quantity"),
    [
        (Decimal("50.00"), 6),  # 8.333... each: rounded down per unit, 2 cents short
        (Decimal("10.00"), 3),  # 3.333... each
        (Decimal("20.00"), 3),  # 6.666... each: rounded up per unit, 2 cents over
        (Decimal("0.05"), 7),
        (Decimal("99.99"), 11),
    ],
)
def test_unit_prices_that_do_not_divide_are_rounded_and_the_total_stays_whole(
    line_total: Decimal, quantity: int
) -> None:
    line = dataclasses.replace(TEE, quantity=quantity, unit_price=line_total / quantity)
    order = whole_order(lines=(line, MUG))
    mapped = map_from(order, "woocommerce", folder_id=None)
    payload = mapped.to_payload()

    assert all(
        Decimal(str(item["price"])).as_tuple().exponent >= -2 for item in payload["order_items"]
    )
    assert all(len(d["amount"].split(".")[1]) == 2 for d in payload.get("discount_list", []))
    assert_money_whole(payload, order.order_total)


def test_rounding_over_the_total_is_a_named_discount_entry() -> None:
    line = dataclasses.replace(TEE, quantity=3, unit_price=Decimal("20.00") / 3)  # 6.67 x 3
    order = whole_order(lines=(line,), discount_total=Decimal(0))
    payload = map_from(order, "woocommerce", folder_id=None).to_payload()

    assert payload["discount_list"] == [{"name": ROUNDING_NAME, "amount": "0.01"}]
    assert payload["discount_total"] == 0.01
    assert_money_whole(payload, order.order_total)


def test_rounding_under_the_total_is_added_to_handling() -> None:
    line = dataclasses.replace(TEE, quantity=6, unit_price=Decimal("50.00") / 6)  # 8.33 x 6
    order = whole_order(lines=(line,), handling_total=Decimal("1.00"))
    payload = map_from(order, "woocommerce", folder_id=None).to_payload()

    assert payload["handling_total"] == 1.02
    assert_money_whole(payload, order.order_total)


def test_a_negative_charge_is_sent_as_a_discount() -> None:
    order = whole_order(handling_total=Decimal("-3.00"))
    payload = map_from(order, "woocommerce", folder_id=None).to_payload()

    assert payload["handling_total"] == 0.0
    assert payload["discount_total"] == 8.0
    assert_money_whole(payload, order.order_total)


def test_lines_that_do_not_ship_keep_their_money_but_are_not_goods_to_ship() -> None:
    gift = StoreLine(
        id="103",
        sku="GIFT-25",
        name="Gift Certificate",
        quantity=1,
        unit_price=Decimal("25.00"),
        requires_shipping=False,
    )
    order = whole_order(lines=(TEE, gift))
    mapped = map_from(order, "bigcommerce", folder_id=None)

    assert [item.delivery_type for item in mapped.items] == ["ship", "noship"]
    assert_money_whole(mapped.to_payload(), order.order_total)


@pytest.mark.parametrize("inclusive", [True, False])
def test_a_tax_inclusive_store_is_stated_in_the_metadata(inclusive: bool) -> None:
    order = whole_order(prices_include_tax=inclusive)
    payload = map_from(order, "shopify", folder_id=None).to_payload()

    assert payload["order_metadata"][PRICES_INCLUDE_TAX_KEY] is inclusive
    assert_money_whole(payload, order.order_total)

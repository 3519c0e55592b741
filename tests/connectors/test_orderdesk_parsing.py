"""Lenient parsing of Order Desk JSON: the quirks of the official samples never break a sync."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from desktop_sync.connectors.orderdesk.models import ShipmentItem
from desktop_sync.connectors.orderdesk.parsing import (
    format_datetime,
    parse_datetime,
    parse_item,
    parse_order,
    parse_shipment,
    parse_store,
)

# Shaped like order-desk/kb/Order_Desk_Order_Data_Array.json (reference §4.1, §2).
SAMPLE_ORDER = {
    "id": "925086",
    "email": "jane@example.com",
    "shipping_method": "Ground",
    "quantity_total": 3,
    "shipping_total": "5.00",
    "handling_total": 0,
    "tax_total": 1.2,
    "discount_total": "1.70",
    "order_total": 33.5,
    "source_id": "1001",
    "source_name": "BigCommerce",
    "folder_id": 21654,
    "payment_status": "Captured",
    "date_added": "2015-04-14 22:00:10",
    "date_updated": "2015-04-15 08:30:00",
    "email_count": "3",
    "shipping": {"first_name": "Jane", "last_name": "Doe", "address1": "1 Main St"},
    "customer": {"first_name": "Jane", "last_name": "Doe", "phone": 5551234},
    "checkout_data": [],
    "order_metadata": {"store_line_ids": "11,12"},
    "discount_list": [{"name": "Promo", "amount": "1.70"}],
    "order_items": [
        {
            "id": "1",
            "name": "Mug",
            "price": "10",
            "quantity": "2",
            "weight": "",
            "code": "MUG-1",
            "delivery_type": "ship",
            "variation_list": [],
            "metadata": {"store_line_id": 11},
        },
        {"id": 2, "name": "Shirt", "price": 12.5, "quantity": 1, "code": "SHIRT"},
    ],
    "order_shipments": [
        {
            "id": "736745",
            "order_id": "925086",
            "store_id": "11",
            "tracking_number": "1Z999",
            "carrier_code": "UPS",
            "shipment_method": "Ground",
            "weight": "3.55",
            "cost": "",
            "print_status": "0",
            "order_items": "",
            "date_shipped": "2015-04-15",
            "date_added": "2015-04-15 09:00:00",
        }
    ],
}


def test_parse_order_reads_the_official_sample_shape() -> None:
    order = parse_order(SAMPLE_ORDER)
    assert order.id == "925086"
    assert order.source_id == "1001"
    assert order.source_name == "BigCommerce"
    assert order.folder_id == 21654
    assert order.date_added == datetime(2015, 4, 14, 22, 0, 10, tzinfo=UTC)
    assert order.shipping.first_name == "Jane"
    assert order.customer.phone == "5551234"
    assert order.shipping_total == Decimal("5.00")
    assert order.discount_total == Decimal("1.70")
    assert order.tax_total == Decimal("1.2")
    assert order.order_metadata == {"store_line_ids": "11,12"}
    assert order.checkout_data == {}


def test_parse_order_reads_items_with_numbers_as_strings() -> None:
    mug, shirt = parse_order(SAMPLE_ORDER).items
    assert (mug.id, mug.price, mug.quantity, mug.weight) == ("1", Decimal(10), 2, Decimal(0))
    assert mug.variation_list == {}
    assert mug.metadata == {"store_line_id": "11"}
    assert (shirt.id, shirt.price, shirt.quantity) == ("2", Decimal("12.5"), 1)
    assert shirt.delivery_type == "ship"


def test_parse_order_reads_embedded_shipments_whose_items_are_empty_string() -> None:
    (shipment,) = parse_order(SAMPLE_ORDER).shipments
    assert shipment.id == "736745"
    assert shipment.order_id == "925086"
    assert shipment.tracking_number == "1Z999"
    assert shipment.date_shipped == "2015-04-15"
    assert shipment.date_added == datetime(2015, 4, 15, 9, 0, tzinfo=UTC)
    assert shipment.order_items == ()


def test_parse_order_with_int_id_and_nothing_else_uses_defaults() -> None:
    order = parse_order({"id": 4091036031})
    assert order.id == "4091036031"
    assert order.source_id == "4091036031", "a blank source_id means the internal id"
    assert order.folder_id == 0
    assert order.items == () and order.shipments == ()
    assert order.date_added is None
    assert order.order_total == Decimal(0)


def test_parse_order_tolerates_odd_field_types() -> None:
    order = parse_order(
        {
            "id": "7",
            "folder_id": "21655",
            "shipping": [],
            "customer": None,
            "order_items": "",
            "order_shipments": [],
            "order_metadata": "not a map",
            "shipping_total": "",
            "order_total": "abc",
            "date_added": "0000-00-00 00:00:00",
            "date_updated": "garbage",
        }
    )
    assert order.folder_id == 21655
    assert order.shipping.first_name == ""
    assert order.items == ()
    assert order.order_metadata == {}
    assert order.shipping_total == Decimal(0)
    assert order.order_total == Decimal(0)
    assert order.date_added is None and order.date_updated is None


def test_parse_order_reads_php_lists_sent_as_objects() -> None:
    order = parse_order({"id": "8", "order_items": {"0": {"id": "1", "name": "Mug"}}})
    assert [item.name for item in order.items] == ["Mug"]


def test_parse_order_without_an_id_is_the_only_error() -> None:
    with pytest.raises(ValueError):
        parse_order({"source_id": "1001"})
    with pytest.raises(ValueError):
        parse_order([])


def test_parse_item_defaults_quantity_to_one_and_ignores_garbage_numbers() -> None:
    item = parse_item({"id": "3", "quantity": "", "price": None, "weight": "1,5x"})
    assert item.quantity == 1
    assert item.price == Decimal(0)
    assert item.weight == Decimal(0)


def test_parse_shipment_reads_partial_items_by_id_or_code() -> None:
    shipment = parse_shipment(
        {
            "id": 9,
            "tracking_number": "TRK",
            "order_items": [
                {"id": "1", "quantity": "2"},
                {"code": "SHIRT", "quantity": 1},
                {"quantity": 4},
            ],
        },
        order_id="925086",
    )
    assert shipment.id == "9"
    assert shipment.order_id == "925086"
    assert shipment.order_items == (
        ShipmentItem(quantity=2, item_id="1"),
        ShipmentItem(quantity=1, code="SHIRT"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-04-14 22:00:10", datetime(2015, 4, 14, 22, 0, 10, tzinfo=UTC)),
        ("2015-04-14", datetime(2015, 4, 14, tzinfo=UTC)),
        ("2016-01-01T00:00:00", datetime(2016, 1, 1, tzinfo=UTC)),
        ("2016-01-01T00:00:00Z", datetime(2016, 1, 1, tzinfo=UTC)),
        ("2016-01-01T02:00:00+02:00", datetime(2016, 1, 1, tzinfo=UTC)),
    ],
)
def test_parse_datetime_reads_every_documented_format_as_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize("value", ["", None, "garbage", "0000-00-00", 12.5, [], {}])
def test_parse_datetime_returns_none_for_nothing_or_garbage(value: object) -> None:
    assert parse_datetime(value) is None


def test_format_datetime_sends_utc_in_order_desk_form() -> None:
    eastern = timezone(timedelta(hours=-5))
    assert format_datetime(datetime(2024, 3, 1, 19, 30, tzinfo=eastern)) == "2024-03-02 00:30:00"
    assert format_datetime(datetime(2024, 3, 1, 19, 30)) == "2024-03-01 19:30:00"
    assert format_datetime(date(2024, 3, 1)) == "2024-03-01 00:00:00"


def test_parse_store_maps_folder_ids_to_names() -> None:
    store = parse_store(
        {
            "id": "11",
            "name": "Test Store",
            "settings": {"timezone": "America/Los_Angeles"},
            "folders": {"21654": "New", "21655": "Prepared", "21656": "Closed"},
        }
    )
    assert store.id == "11"
    assert store.timezone == "America/Los_Angeles"
    assert [(f.id, f.name) for f in store.folders] == [
        (21654, "New"),
        (21655, "Prepared"),
        (21656, "Closed"),
    ]
    assert store.folder_named("prepared") is not None


def test_parse_store_tolerates_a_folder_list_and_missing_settings() -> None:
    store = parse_store({"id": 11, "settings": [], "folders": [{"id": "5", "name": "New"}]})
    assert store.id == "11"
    assert store.timezone == "UTC"
    assert [(f.id, f.name) for f in store.folders] == [(5, "New")]

"""Order Desk's own sample payloads parse unchanged through the client, and the emulator sends
the same shapes (the samples are the only machine-readable contract Order Desk publishes)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import httpx
import pytest

from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.connectors.retry import Backoff
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.harness import orderdesk_client, orderdesk_emulator
from tests.specs import spec_path

pytestmark = pytest.mark.spec


def _sample(name: str) -> dict[str, Any]:
    loaded = json.loads(spec_path(f"orderdesk/{name}").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _serving(routes: Mapping[str, Any]) -> OrderDeskClient:
    """A client whose Order Desk answers each path with the given payload, unchanged."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v2/")
        body = {"status": "success", "message": "Execution took 0.01 seconds", **routes[path]}
        return httpx.Response(200, json=body)

    return OrderDeskClient(
        "100001",
        "sample-key",
        base_url="https://app.orderdesk.me/api/v2",
        transport=httpx.MockTransport(answer),
        backoff=Backoff(base=0.0, cap=0.0, floor=0.0, attempts=1),
    )


def test_the_sample_order_parses_unchanged_through_the_client() -> None:
    raw = _sample("order_data_array.json")
    with _serving({f"orders/{raw['id']}": {"order": raw}}) as client:
        order = client.get_order(raw["id"])
    assert (order.id, order.source_id, order.source_name) == ("26211", "412218073", "Order Desk")
    assert order.email == "test@orderdesk.com" and order.folder_id == 1
    assert (order.shipping_total, order.handling_total, order.tax_total) == (
        Decimal("11.17"),
        Decimal("0.5"),
        Decimal("1.2"),
    )
    assert (order.discount_total, order.order_total) == (Decimal("1.7"), Decimal("21.17"))
    assert order.shipping.address1 == "800 Emmet St" and order.customer.city == "Knoxville"
    assert order.checkout_data == {"Gift Message": "Happy Birthday"}
    (item,) = order.items
    assert (item.id, item.code, item.price, item.quantity) == ("42286", "crzyg-554", 10, 1)
    assert item.variation_list == {"Size": "Small"} and item.metadata == {"image": "image_url_here"}
    (shipment,) = order.shipments
    assert (shipment.id, shipment.order_id, shipment.tracking_number) == (
        "369",
        "26211",
        "1Z132456789",
    )
    assert shipment.order_items == () and shipment.date_shipped == "2014-10-09"


def test_the_sample_shipment_notification_parses_unchanged_through_the_client() -> None:
    raw = _sample("sample_shipment_notification.json")
    order_raw, shipment_raw = raw["order"], raw["shipment"]
    routes = {
        f"orders/{order_raw['id']}": {"order": order_raw},
        f"orders/{order_raw['id']}/shipments": {"total_records": 1, "shipments": [shipment_raw]},
        "orders": {"total_records": 1, "records_returned": 1, "orders": [order_raw]},
    }
    with _serving(routes) as client:
        order = client.get_order(order_raw["id"])
        (listed,) = client.list_shipments(order_raw["id"])
        (paged,) = list(client.iter_orders(source_name="Order Desk"))
    assert paged == order
    # return_address is an object here; empty maps are [] (checkout_data, order_metadata).
    assert order.return_address == {
        k: "" for k in ("title", "name", "company", "address1", "address2")
    } | {k: "" for k in ("city", "state", "postal_code", "country", "phone")}
    assert order.order_metadata == {} and order.checkout_data == {}
    assert order.items[0].variation_list == {} and order.items[0].metadata == {}
    (embedded,) = order.shipments
    # The sample's two copies of the shipment differ only in shipment_method.
    assert (embedded.id, embedded.source, embedded.order_items) == (listed.id, "Manual", ())
    assert listed.shipment_method == "UPS Ground" and embedded.shipment_method == ""
    assert listed.source == "Manual" and listed.order_items == ()  # "" covers the whole order
    assert (listed.carrier_code, listed.tracking_number) == ("UPS", "1Z1233456789")
    # Order Desk's own sample: the order was last updated before its shipment was added.
    assert order.date_updated is not None and listed.date_added is not None
    assert order.date_updated < listed.date_added


@pytest.fixture
def emulator() -> Iterator[OrderDeskEmulator]:
    od = orderdesk_emulator()
    od.start()
    yield od
    od.stop()


def _kind(value: Any) -> str:
    """The JSON kind a client must read (PHP sends an empty object as [])."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict) or value == []:
        return "object-or-empty"
    return "list"


def _numeric(text: str) -> bool:
    # The samples send one field (an item's price) as "10" in one and 0 in the other.
    try:
        float(text)
    except ValueError:
        return False
    return True


def _assert_same_shape(sample: Mapping[str, Any], ours: Mapping[str, Any], where: str) -> None:
    missing = sorted(set(sample) - set(ours))
    assert not missing, f"{where}: the emulator leaves out {missing}"
    for key, value in sample.items():
        theirs = ours[key]
        if key == "order_items" and where.endswith("shipment"):
            # "" for the whole order in the samples; a list of lines for a partial shipment.
            assert theirs == "" or isinstance(theirs, list), f"{where}.{key}"
            continue
        if isinstance(value, dict) and isinstance(theirs, dict):
            _assert_same_shape(value, theirs, f"{where}.{key}")
        elif value not in ([], "") and theirs not in ([], ""):
            kinds = {_kind(value), _kind(theirs)}
            text = next((v for v in (value, theirs) if isinstance(v, str)), "")
            alike = len(kinds) == 1 or (kinds == {"number", "string"} and _numeric(text))
            assert alike, f"{where}.{key}: {value!r} vs {theirs!r}"


def test_the_emulator_sends_the_shapes_of_order_desks_samples(emulator: OrderDeskEmulator) -> None:
    created = emulator.create_order(
        {
            "source_id": "S-1",
            "source_name": "Desktop Sync (BigCommerce)",
            "shipping": {"first_name": "Jo", "last_name": "Roe"},
            "order_items": [{"name": "Mug", "code": "M", "price": 3, "quantity": 1}],
        }
    )
    emulator.add_shipment(created["id"], "1ZSHAPE0001")
    with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as http:
        order = http.get(f"/orders/{created['id']}").json()["order"]
    notification = _sample("sample_shipment_notification.json")
    data_array = _sample("order_data_array.json")
    for name, sample in (("notification", notification["order"]), ("data array", data_array)):
        top = {k: v for k, v in sample.items() if k not in ("order_items", "order_shipments")}
        _assert_same_shape(top, order, f"{name} order")
        _assert_same_shape(sample["order_items"][0], order["order_items"][0], f"{name} item")
    (shipment,) = order["order_shipments"]
    _assert_same_shape(notification["shipment"], shipment, "notification shipment")
    assert isinstance(order["return_address"], dict)
    assert shipment["source"] == "Manual" and shipment["order_items"] == ""


def test_adding_a_shipment_through_the_api_reads_it_back_from_the_documented_reply(
    emulator: OrderDeskEmulator,
) -> None:
    from desktop_sync.connectors.orderdesk.models import NewShipment

    created = emulator.create_order(
        {
            "source_id": "S-2",
            "shipping": {"first_name": "Jo"},
            "order_items": [{"name": "Mug", "code": "M", "price": 3, "quantity": 1}],
        }
    )
    with orderdesk_client(emulator) as client:
        before = client.requests_sent
        shipment = client.add_shipment(created["id"], NewShipment("1ZREREAD001", "UPS"))
        # "Shipment Added" names no shipment, so the client re-read the order's list.
        assert client.requests_sent - before == 2
    assert shipment is not None and shipment.tracking_number == "1ZREREAD001"
    assert shipment.id == emulator.get(created["id"])["order_shipments"][0]["id"]
    assert shipment.source == "API"

"""The Order Desk emulator speaks the API of /work/shared/reference/orderdesk-api.md: envelopes,
auth, folders, orders and their filters, pagination, shipments, moves and batch shipments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from desktop_sync_sandbox.orderdesk import OrderDeskEmulator

EXECUTION_TIME = re.compile(r"^\d+\.\d{4} seconds$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
START = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


class WallClock:
    """The emulator's notion of now, moved by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def wall() -> WallClock:
    return WallClock(START)


@pytest.fixture
def emulator(wall: WallClock) -> Iterator[OrderDeskEmulator]:
    emulator = OrderDeskEmulator(api_key="sandbox-key", rate_limit=False, now=wall)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def client(emulator: OrderDeskEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client:
        yield client


def order_payload(source_id: str = "1001", **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "source_id": source_id,
        "source_name": "Shopify",
        "email": "ana.silva@example.com",
        "customer": {"first_name": "Ana", "last_name": "Silva", "phone": "+1 512 555 0100"},
        "shipping": {
            "first_name": "Ana",
            "last_name": "Silva",
            "company": "Silva Goods",
            "address1": "123 Main St",
            "phone": "+1 512 555 0100",
        },
        "order_items": [
            {"name": "Logo Tee", "code": "TEE-BLK-M", "price": 20, "quantity": 2},
            {"name": "Café Mug", "code": "MUG", "price": "14.50", "quantity": 1},
        ],
        "shipping_total": 5,
        "tax_total": 4.36,
    }
    payload.update(overrides)
    return payload


def create(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    reply = client.post("/orders", json=order_payload(**overrides))
    assert reply.status_code == 200, reply.text
    order: dict[str, Any] = reply.json()["order"]
    return order


def assert_envelope(reply: httpx.Response, status: str) -> dict[str, Any]:
    body: dict[str, Any] = reply.json()
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert EXECUTION_TIME.match(body["execution_time"])
    return body


# -- transport, envelope, auth --------------------------------------------------------------


def test_test_endpoint_reports_connection_and_utc_server_time(client: httpx.Client) -> None:
    body = assert_envelope(client.get("/test"), "success")
    assert body["message"] == "Connection Successful"
    assert body["current_date_time"] == "2026-11-02 15:30:00"


def test_every_reply_carries_status_message_and_execution_time(client: httpx.Client) -> None:
    order = create(client)
    for path in ("/store", "/orders", f"/orders/{order['id']}", f"/orders/{order['id']}/shipments"):
        assert_envelope(client.get(path), "success")
    assert_envelope(client.get("/orders/1"), "error")
    assert_envelope(client.get("/no-such-route"), "error")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"ORDERDESK-STORE-ID": "100001"},
        {"ORDERDESK-API-KEY": "sandbox-key"},
        {"ORDERDESK-STORE-ID": "100001", "ORDERDESK-API-KEY": "wrong"},
        {"ORDERDESK-STORE-ID": "999", "ORDERDESK-API-KEY": "sandbox-key"},
    ],
)
def test_missing_or_wrong_credentials_get_401(
    emulator: OrderDeskEmulator, headers: dict[str, str]
) -> None:
    reply = httpx.get(f"{emulator.api_url}/test", headers=headers)
    assert reply.status_code == 401
    body = assert_envelope(reply, "error")
    assert body["message"] == "Invalid store ID or API key"


def test_gets_work_with_or_without_content_type(client: httpx.Client) -> None:
    assert client.get("/test").status_code == 200
    typed = client.get("/test", headers={"Content-Type": "application/json"})
    assert typed.status_code == 200


def test_store_lists_folders_as_an_object_of_id_to_name_and_no_secrets(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    reply = client.get("/store")
    store = assert_envelope(reply, "success")["store"]
    assert store["id"] == "100001"
    assert store["settings"]["timezone"] == "America/Los_Angeles"
    assert store["folders"] == {
        "21654": "New",
        "21655": "Prepared",
        "21656": "Closed",
        "21657": "Canceled",
    }
    secret_keys = [k for k in store["settings"] if re.search("api_key|password|smtp|security", k)]
    assert secret_keys == []
    assert emulator.api_key not in reply.text


# -- creating orders ------------------------------------------------------------------------


def test_created_order_reply_has_string_ids_int_folder_and_computed_totals(
    client: httpx.Client,
) -> None:
    reply = client.post("/orders", json=order_payload())
    body = assert_envelope(reply, "success")
    assert body["message"] == "Order Created"
    order = body["order"]
    assert isinstance(order["id"], str) and len(order["id"]) == 10
    assert all(isinstance(item["id"], str) for item in order["order_items"])
    assert order["folder_id"] == 21654
    assert (order["quantity_total"], order["product_total"]) == (3, 54.5)
    assert order["order_total"] == pytest.approx(54.5 + 5 + 4.36)
    assert order["processor_balance"] == order["order_total"]
    assert DATETIME.match(order["date_added"]) and order["date_updated"] == "2026-11-02 15:30:00"


def test_empty_maps_are_serialised_as_empty_lists(client: httpx.Client) -> None:
    order = create(client)
    assert order["order_metadata"] == [] and order["checkout_data"] == []
    assert order["order_items"][0]["variation_list"] == []
    assert order["order_items"][0]["metadata"] == []
    filled = create(
        client,
        source_id="1002",
        order_metadata={"store_order_id": "1002"},
        order_items=[{"name": "Tee", "price": 1, "variation_list": {"Size": "M"}}],
    )
    assert filled["order_metadata"] == {"store_order_id": "1002"}
    assert filled["order_items"][0]["variation_list"] == {"Size": "M"}


def test_create_fills_documented_defaults(client: httpx.Client) -> None:
    order = create(
        client,
        source_id="",
        source_name="",
        customer=None,
        shipping={"first_name": "Zoë", "city": "Berlin"},
    )
    assert order["source_name"] == "Order Desk"
    assert order["source_id"] == order["id"]
    assert order["payment_status"] == "Captured"
    assert order["customer"]["first_name"] == "Zoë" and order["customer"]["city"] == "Berlin"
    reverse = create(client, source_id="1003", shipping=None)
    assert reverse["shipping"]["last_name"] == "Silva"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"order_items": []}, "at least one item"),
        ({"order_items": None}, "at least one item"),
        ({"customer": {"city": "Austin"}, "shipping": None}, "first name, last name or company"),
        ({"payment_status": "Paid"}, "payment_status"),
        ({"folder_id": 1}, "Folder 1 does not exist"),
    ],
)
def test_invalid_orders_are_refused_with_a_readable_400(
    client: httpx.Client, overrides: dict[str, Any], words: str
) -> None:
    reply = client.post("/orders", json=order_payload(**overrides))
    assert reply.status_code == 400
    assert words in assert_envelope(reply, "error")["message"]


def test_duplicate_source_is_refused_and_names_the_existing_order(client: httpx.Client) -> None:
    first = create(client)
    reply = client.post("/orders", json=order_payload())
    assert reply.status_code == 400
    assert reply.json()["message"] == f"Duplicate order: existing order id {first['id']}"
    other_source = client.post("/orders", json=order_payload(source_name="WooCommerce"))
    assert other_source.status_code == 200


def test_duplicates_are_accepted_when_the_rule_is_off(wall: WallClock) -> None:
    with OrderDeskEmulator(reject_duplicates=False, rate_limit=False, now=wall) as emulator:
        with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client:
            ids = {create(client)["id"], create(client)["id"]}
        assert len(ids) == 2


# -- reading, replacing and deleting one order ----------------------------------------------


def test_unknown_order_is_404_order_not_found(client: httpx.Client) -> None:
    for reply in (client.get("/orders/4000000000"), client.delete("/orders/4000000000")):
        assert reply.status_code == 404
        assert reply.json()["message"] == "Order not found"


def test_put_replaces_the_order_but_keeps_folder_and_shipments(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    order = create(client)
    emulator.move_order(order["id"], "Prepared")
    emulator.add_shipment(order["id"], "1Z001")
    kept_item = order["order_items"][0]
    replacement = order_payload(
        email="",
        folder_id=21654,
        order_items=[kept_item, {"name": "Canvas Tote", "code": "TOTE", "price": 18}],
    )
    reply = client.put(f"/orders/{order['id']}", json=replacement)
    updated = assert_envelope(reply, "success")["order"]
    assert updated["folder_id"] == 21655
    assert [s["tracking_number"] for s in updated["order_shipments"]] == ["1Z001"]
    assert updated["email"] == ""
    assert updated["order_items"][0]["id"] == kept_item["id"]
    assert [i["code"] for i in updated["order_items"]] == ["TEE-BLK-M", "TOTE"]
    assert updated["product_total"] == 58.0


def test_delete_removes_the_order(client: httpx.Client) -> None:
    order = create(client)
    reply = client.delete(f"/orders/{order['id']}")
    assert assert_envelope(reply, "success")["message"] == f"Order {order['id']} Deleted"
    assert client.get(f"/orders/{order['id']}").status_code == 404


# -- searching --------------------------------------------------------------------------------


@pytest.fixture
def three_orders(
    emulator: OrderDeskEmulator, client: httpx.Client, wall: WallClock
) -> list[dict[str, Any]]:
    """Three orders an hour apart; the second is moved and edited a day later."""
    first = create(client, source_id="A1", customer_id="c-1")
    wall.advance(hours=1)
    second = create(
        client,
        source_id="A2",
        source_name="WooCommerce",
        email="zoe@example.de",
        customer={
            "first_name": "Zoë",
            "last_name": "Müller",
            "company": "Söhne GmbH",
            "address1": "Straße 1",
        },
        shipping={"first_name": "Zoë", "last_name": "Müller", "address1": "Straße 1"},
    )
    wall.advance(hours=1)
    third = create(client, source_id="A3")
    wall.advance(days=1)
    emulator.move_order(second["id"], "Closed")
    return [emulator.get(o["id"]) for o in (first, second, third)]


def found(client: httpx.Client, **params: str) -> list[str]:
    body = assert_envelope(client.get("/orders", params=params), "success")
    return sorted(o["source_id"] for o in body["orders"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"folder_id": "21656"}, ["A2"]),
        ({"folder_id": "21654,21656"}, ["A1", "A2", "A3"]),
        ({"folder_name": "New"}, ["A1", "A3"]),
        ({"folder_name": "Nope"}, []),
        ({"source_id": "A2"}, ["A2"]),
        ({"source_name": "Shopify"}, ["A1", "A3"]),
        ({"email": "ZOE@example.de"}, ["A2"]),
        ({"customer_id": "c-1"}, ["A1"]),
        ({"customer_first_name": "zoë"}, ["A2"]),
        ({"customer_last_name": "Müller"}, ["A2"]),
        ({"customer_company": "söhne"}, ["A2"]),
        ({"customer_address1": "Straße"}, ["A2"]),
        ({"customer_phone": "555 0100"}, ["A1", "A3"]),
        ({"shipping_first_name": "Ana"}, ["A1", "A3"]),
        ({"shipping_last_name": "Silva"}, ["A1", "A3"]),
        ({"shipping_company": "Silva Goods"}, ["A1", "A3"]),
        ({"shipping_address1": "Straße 1"}, ["A2"]),
        ({"shipping_phone": "+1 512"}, ["A1", "A3"]),
        ({"search_start_date": "2026-11-02 16:30:00"}, ["A2", "A3"]),
        ({"search_end_date": "2026-11-02 16:30:00"}, ["A1", "A2"]),
        ({"search_start_date": "2026-11-02", "search_end_date": "2026-11-02 15:59:59"}, ["A1"]),
        ({"search_start_date": "2026-11-02T17:30:00Z"}, ["A3"]),
        ({"search_start_date": "2026-11-02T18:30:00+02:00"}, ["A2", "A3"]),
        ({"modified_start_date": "2026-11-03 00:00:00"}, ["A2"]),
        ({"modified_end_date": "2026-11-02 23:59:59"}, ["A1", "A3"]),
        # Los Angeles is UTC-8 in November: 08:30 local is 16:30 UTC.
        ({"search_start_date_local": "2026-11-02 08:30:00"}, ["A2", "A3"]),
        ({"search_end_date_local": "2026-11-02 07:30:00"}, ["A1"]),
        ({"modified_start_date_local": "2026-11-03 09:00:00"}, ["A2"]),
    ],
)
def test_list_filters(
    client: httpx.Client,
    three_orders: list[dict[str, Any]],
    params: dict[str, str],
    expected: list[str],
) -> None:
    assert found(client, **params) == expected


def test_a_bad_date_filter_is_a_readable_400(client: httpx.Client) -> None:
    reply = client.get("/orders", params={"search_start_date": "last tuesday"})
    assert reply.status_code == 400
    assert "YYYY-MM-DD" in reply.json()["message"]


def test_list_defaults_to_newest_first_and_sorts_as_asked(
    client: httpx.Client, three_orders: list[dict[str, Any]]
) -> None:
    def order_of(**params: str) -> list[str]:
        return [o["source_id"] for o in client.get("/orders", params=params).json()["orders"]]

    assert order_of() == ["A3", "A2", "A1"]
    assert order_of(order="ASC") == ["A1", "A2", "A3"]
    assert order_of(order_by="date_updated", order="DESC")[0] == "A2"
    assert order_of(order_by="shipping_last_name", order="ASC")[0] == "A2"
    assert client.get("/orders", params={"order_by": "colour"}).status_code == 400


def test_listed_orders_are_full_objects(client: httpx.Client, emulator: OrderDeskEmulator) -> None:
    order = create(client)
    emulator.add_shipment(order["id"], "1Z002")
    listed = client.get("/orders").json()["orders"][0]
    assert len(listed["order_items"]) == 2
    assert listed["order_shipments"][0]["tracking_number"] == "1Z002"
    assert listed["shipping"]["address1"] == "123 Main St"


def test_pagination_by_offset_with_default_50_and_max_500(client: httpx.Client) -> None:
    for n in range(7):
        create(client, source_id=f"P{n}")
    page = client.get("/orders", params={"limit": "3", "offset": "6"}).json()
    assert (page["total_records"], page["records_returned"], page["offset"], page["limit"]) == (
        7,
        1,
        6,
        3,
    )
    seen: list[str] = []
    offset = 0
    while True:
        body = client.get("/orders", params={"limit": "3", "offset": str(offset)}).json()
        seen += [o["id"] for o in body["orders"]]
        offset += body["records_returned"]
        if offset >= body["total_records"]:
            break
    assert len(seen) == len(set(seen)) == 7
    assert client.get("/orders").json()["limit"] == 50
    assert client.get("/orders", params={"limit": "5000"}).json()["limit"] == 500


# -- shipments, moves and batches -------------------------------------------------------------


def test_shipment_fields_are_all_strings_and_the_reply_is_only_shipment_added(
    client: httpx.Client,
) -> None:
    order = create(client)
    reply = client.post(
        f"/orders/{order['id']}/shipments",
        json={"tracking_number": "1Z999AA1", "carrier_code": "UPS", "shipment_method": "Ground"},
    )
    body = assert_envelope(reply, "success")
    # The documented reply (reference section 6.2) names no shipment: clients re-read the list.
    assert body["message"] == "Shipment Added" and "shipment" not in body
    (shipment,) = client.get(f"/orders/{order['id']}/shipments").json()["shipments"]
    assert all(isinstance(value, str) for value in shipment.values())
    assert shipment["source"] == "API"
    assert shipment["order_id"] == order["id"] and shipment["tracking_url"].startswith("https://")
    assert DATETIME.match(shipment["date_added"]) and shipment["date_shipped"] == "2026-11-02"
    listed = client.get(f"/orders/{order['id']}/shipments").json()
    assert listed["total_records"] == 1 and listed["shipments"] == [shipment]
    one = client.get(f"/orders/{order['id']}/shipments/{shipment['id']}").json()
    assert one["shipment"] == shipment
    assert client.get(f"/orders/{order['id']}/shipments/1").status_code == 404


def test_same_tracking_number_twice_is_shipment_not_added(client: httpx.Client) -> None:
    order = create(client)
    path = f"/orders/{order['id']}/shipments"
    assert client.post(path, json={"tracking_number": "1Z1"}).status_code == 200
    again = client.post(path, json={"tracking_number": "1Z1"})
    assert again.status_code == 400
    assert assert_envelope(again, "error")["message"] == "Shipment Not Added"
    assert len(client.get(path).json()["shipments"]) == 1


def test_move_orders_by_folder_id_or_name_with_per_order_results(
    client: httpx.Client, wall: WallClock
) -> None:
    a, b = create(client, source_id="M1"), create(client, source_id="M2")
    wall.advance(minutes=5)
    reply = client.post(
        "/move-orders",
        json={"order_id_list": [int(a["id"]), int(b["id"])], "destination_folder_name": "Prepared"},
    )
    body = assert_envelope(reply, "success")
    assert body["message"] == "2 Orders Moved"
    assert body["results"] == [
        {
            "order_id": int(a["id"]),
            "message": "Order Moved to Prepared Folder",
            "original_folder_id": 21654,
        },
        {
            "order_id": int(b["id"]),
            "message": "Order Moved to Prepared Folder",
            "original_folder_id": 21654,
        },
    ]
    moved = client.get(f"/orders/{a['id']}").json()["order"]
    assert moved["folder_id"] == 21655 and moved["date_updated"] == "2026-11-02 15:35:00"
    by_id = client.post(
        "/move-orders", json={"order_id_list": [a["id"]], "destination_folder_id": 21656}
    )
    assert by_id.json()["results"][0]["original_folder_id"] == 21655
    both = client.post(
        "/move-orders",
        json={
            "order_id_list": [a["id"]],
            "destination_folder_id": 21656,
            "destination_folder_name": "New",
        },
    )
    assert both.status_code == 400


@pytest.mark.parametrize("wrapped", [False, True])
def test_batch_shipments_accepts_both_body_shapes(client: httpx.Client, wrapped: bool) -> None:
    order = create(client)
    entries = [
        {"order_id": int(order["id"]), "tracking_number": "1ZB1", "carrier_code": "UPS"},
        {"order_id": order["id"], "tracking_number": "1ZB1"},
        {"order_id": 4000000000, "tracking_number": "1ZB2"},
    ]
    body = assert_envelope(
        client.post("/batch-shipments", json={"shipments": entries} if wrapped else entries),
        "success",
    )
    assert [r["status"] for r in body["results"]] == ["success", "error", "error"]
    assert (
        body["results"][0]["shipment_id"]
        == client.get(f"/orders/{order['id']}/shipments").json()["shipments"][0]["id"]
    )
    assert all(r["message"] for r in body["results"])

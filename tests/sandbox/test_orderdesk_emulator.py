"""The Order Desk emulator's merchant actions (ship, split, rotate the key), its admin routes,
and its fault injection."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.orderdesk_values import OrderNotFound, OrderRejected
from desktop_sync_sandbox.server import Fault


class WallClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


def started(**options: Any) -> OrderDeskEmulator:
    emulator = OrderDeskEmulator(api_key="sandbox-key", rate_limit=False, **options)
    emulator.start()
    return emulator


@pytest.fixture
def emulator(wall: WallClock) -> Iterator[OrderDeskEmulator]:
    emulator = started(now=wall)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def client(emulator: OrderDeskEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as client:
        yield client


def order_payload(source_id: str = "1001") -> dict[str, Any]:
    return {
        "source_id": source_id,
        "source_name": "BigCommerce",
        "customer": {"first_name": "Ana", "last_name": "Silva"},
        "order_items": [
            {"name": "Zip Hoodie", "code": "HOOD", "price": 60, "quantity": 1},
            {"name": "Logo Tee", "code": "TEE", "price": 20, "quantity": 1},
            {"name": "Café Mug", "code": "MUG", "price": 10, "quantity": 2},
        ],
        "shipping_total": 10,
        "handling_total": 1,
        "tax_total": 7.2,
        "discount_list": [{"name": "Welcome", "amount": "9.00"}],
        "order_metadata": {"store_order_id": source_id},
        "checkout_data": {"Gift Message": "Happy birthday"},
    }


# -- splits -----------------------------------------------------------------------------------


def test_split_order_keeps_source_id_and_moves_items_with_their_ids(
    emulator: OrderDeskEmulator, wall: WallClock
) -> None:
    original = emulator.create_order(order_payload())
    hoodie, tee, mug = (item["id"] for item in original["order_items"])
    wall.advance(minutes=10)
    new_id = emulator.split_order(original["id"], [tee, mug])
    child, parent = emulator.get(new_id), emulator.get(original["id"])
    assert new_id not in (original["id"], "") and len(new_id) == 10
    assert (child["source_id"], child["source_name"]) == ("1001", "BigCommerce")
    assert [i["id"] for i in child["order_items"]] == [tee, mug]
    assert [i["id"] for i in parent["order_items"]] == [hoodie]
    assert child["order_metadata"] == {"store_order_id": "1001"}
    assert child["date_updated"] == parent["date_updated"] == "2026-11-02 15:40:00"
    assert [o["source_id"] for o in emulator.orders_with_source("1001")] == ["1001", "1001"]


def test_split_order_shares_shipping_tax_handling_and_discount_by_item_value(
    emulator: OrderDeskEmulator,
) -> None:
    original = emulator.create_order(order_payload())
    mug = original["order_items"][2]["id"]  # 20 of the 100 in item value
    child = emulator.get(emulator.split_order(original["id"], [mug]))
    parent = emulator.get(original["id"])
    assert (child["shipping_total"], parent["shipping_total"]) == (2.0, 8.0)
    assert (child["handling_total"], parent["handling_total"]) == (0.2, 0.8)
    assert (child["tax_total"], parent["tax_total"]) == (1.44, 5.76)
    assert (child["discount_total"], parent["discount_total"]) == (1.8, 7.2)
    assert child["order_total"] == pytest.approx(20 + 2 + 0.2 + 1.44 - 1.8)
    assert child["order_total"] + parent["order_total"] == pytest.approx(original["order_total"])
    assert child["processor_balance"] == child["order_total"]


def test_split_order_adds_the_configured_suffix_to_source_id() -> None:
    emulator = started(split_suffix="-1")
    try:
        original = emulator.create_order(order_payload("2002"))
        new_id = emulator.split_order(original["id"], [original["order_items"][0]["id"]])
        assert emulator.get(new_id)["source_id"] == "2002-1"
        assert emulator.get(original["id"])["source_id"] == "2002"
        assert [o["id"] for o in emulator.orders_with_source("2002-1", "BigCommerce")] == [new_id]
    finally:
        emulator.stop()


def test_split_order_needs_items_to_move_and_items_to_keep(emulator: OrderDeskEmulator) -> None:
    original = emulator.create_order(order_payload())
    all_ids = [item["id"] for item in original["order_items"]]
    with pytest.raises(OrderRejected, match="some items to move and some to keep"):
        emulator.split_order(original["id"], all_ids)
    with pytest.raises(OrderRejected, match="not on order"):
        emulator.split_order(original["id"], ["1"])
    with pytest.raises(OrderNotFound):
        emulator.split_order("4000000000", all_ids[:1])


def test_split_through_the_admin_route(emulator: OrderDeskEmulator) -> None:
    original = emulator.create_order(order_payload())
    tee = original["order_items"][1]["id"]
    url = f"{emulator.base_url}/_admin/orders/{original['id']}/split"
    reply = httpx.post(url, json={"item_ids": [tee]}).json()
    assert reply["status"] == "success"
    assert [i["id"] for i in reply["order"]["order_items"]] == [tee]
    assert reply["order_id"] == reply["order"]["id"]
    assert httpx.post(url, json={"item_ids": []}).status_code == 400


# -- shipments by the merchant ----------------------------------------------------------------


def test_add_shipment_bumps_date_updated_so_polling_finds_it(
    emulator: OrderDeskEmulator, client: httpx.Client, wall: WallClock
) -> None:
    order = emulator.create_order(order_payload())
    wall.advance(hours=2)
    shipment = emulator.add_shipment(
        order["id"], "1Z999", order_items=[{"id": order["order_items"][0]["id"], "quantity": 1}]
    )
    assert shipment["carrier_code"] == "UPS" and shipment["shipment_method"] == "Ground"
    assert shipment["order_items"] == [
        {"id": order["order_items"][0]["id"], "code": "", "quantity": "1"}
    ]
    assert emulator.get(order["id"])["date_updated"] == "2026-11-02 17:30:00"
    polled = client.get("/orders", params={"modified_start_date": "2026-11-02 17:00:00"}).json()
    assert [s["id"] for s in polled["orders"][0]["order_shipments"]] == [shipment["id"]]


def test_add_shipment_refuses_a_tracking_number_already_on_the_order(
    emulator: OrderDeskEmulator,
) -> None:
    order = emulator.create_order(order_payload())
    emulator.add_shipment(order["id"], "1Z999")
    with pytest.raises(OrderRejected, match="Shipment Not Added"):
        emulator.add_shipment(order["id"], "1Z999")
    with pytest.raises(OrderRejected, match="not on this order"):
        emulator.add_shipment(order["id"], "1Z998", order_items=[{"id": "1", "quantity": 1}])
    assert emulator.stats()["shipments"] == 1


def test_add_shipment_through_the_admin_route(emulator: OrderDeskEmulator) -> None:
    order = emulator.create_order(order_payload())
    url = f"{emulator.base_url}/_admin/orders/{order['id']}/shipments"
    reply = httpx.post(
        url, json={"tracking_number": "9400100000000000000000", "carrier_code": "USPS"}
    )
    assert reply.json()["shipment"]["tracking_url"].startswith("https://tools.usps.com/")
    assert httpx.post(url, json={"tracking_number": "9400100000000000000000"}).status_code == 400
    assert httpx.post(f"{emulator.base_url}/_admin/orders/1/shipments", json={}).status_code == 404
    listed = httpx.get(f"{emulator.base_url}/_admin/orders").json()["orders"]
    assert len(listed[0]["order_shipments"]) == 1


# -- snapshots, stats and credentials ---------------------------------------------------------


def test_snapshots_are_copies(emulator: OrderDeskEmulator) -> None:
    order = emulator.create_order(order_payload())
    emulator.orders()[0]["order_items"].clear()
    emulator.get(order["id"])["shipping"]["first_name"] = "Mallory"
    assert len(emulator.get(order["id"])["order_items"]) == 3
    assert emulator.get(order["id"])["shipping"]["first_name"] == "Ana"
    with pytest.raises(KeyError):
        emulator.get("4000000000")


def test_stats_count_requests_orders_and_shipments(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    client.post("/orders", json=order_payload())
    order_id = emulator.orders()[0]["id"]
    client.post(f"/orders/{order_id}/shipments", json={"tracking_number": "1Z1"})
    client.get("/orders")
    stats = httpx.get(f"{emulator.base_url}/_admin/stats").json()["stats"]
    assert stats == {"requests": 3, "rate_limited": 0, "orders": 1, "shipments": 1}
    assert emulator.stats() == stats


def test_set_credentials_makes_the_old_key_fail(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    assert client.get("/test").status_code == 200
    emulator.set_credentials("100001", "rotated-key")
    refused = client.get("/test")
    assert refused.status_code == 401
    assert refused.json()["message"] == "Invalid store ID or API key"
    fresh = {"ORDERDESK-STORE-ID": "100001", "ORDERDESK-API-KEY": "rotated-key"}
    assert client.get("/test", headers=fresh).status_code == 200
    httpx.post(
        f"{emulator.base_url}/_admin/credentials", json={"store_id": "7", "api_key": "again"}
    )
    assert emulator.auth_headers() == {"ORDERDESK-STORE-ID": "7", "ORDERDESK-API-KEY": "again"}
    assert client.get("/test", headers=fresh).status_code == 401


def test_concurrent_creates_get_distinct_ids(emulator: OrderDeskEmulator) -> None:
    def push(start: int) -> None:
        with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as c:
            for n in range(start, start + 5):
                assert c.post("/orders", json=order_payload(str(n))).status_code == 200

    threads = [threading.Thread(target=push, args=(k * 100,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    ids = [o["id"] for o in emulator.orders()]
    assert len(ids) == len(set(ids)) == 30


# -- faults -----------------------------------------------------------------------------------


def test_drop_after_on_create_stores_the_order_but_the_client_sees_a_lost_connection(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    emulator.faults.inject(Fault.DROP_AFTER, method="POST", path=r"/orders$")
    with pytest.raises(httpx.TransportError):
        client.post("/orders", json=order_payload("3003"))
    found = client.get("/orders", params={"source_id": "3003"}).json()
    assert found["total_records"] == 1
    assert (
        client.post("/orders", json=order_payload("3003"))
        .json()["message"]
        .startswith("Duplicate order")
    )


def test_timeout_after_store_on_create_stores_the_order_before_the_slow_reply(
    emulator: OrderDeskEmulator,
) -> None:
    emulator.faults.delay = 5
    emulator.faults.inject(Fault.TIMEOUT_AFTER_STORE, method="POST", path=r"/orders$")
    headers = emulator.auth_headers()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(
            f"{emulator.api_url}/orders", json=order_payload("4004"), headers=headers, timeout=0.5
        )
    assert len(emulator.orders_with_source("4004", "BigCommerce")) == 1


def test_drop_before_on_create_stores_nothing(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    emulator.faults.inject(Fault.DROP_BEFORE, method="POST", path=r"/orders$")
    with pytest.raises(httpx.TransportError):
        client.post("/orders", json=order_payload("5005"))
    assert emulator.orders_with_source("5005") == []


def test_faults_injected_over_http_answer_in_order_desk_shape(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    httpx.post(f"{emulator.base_url}/_admin/faults", json={"fault": "500", "count": 2})
    failed = [client.get("/test") for _ in range(2)]
    assert [r.status_code for r in failed] == [500, 500]
    assert failed[0].json()["status"] == "error" and "execution_time" in failed[0].json()
    assert "X-Tokens-Remaining" in failed[0].headers
    assert client.get("/test").status_code == 200


def test_admin_routes_refuse_unreadable_bodies_with_400(emulator: OrderDeskEmulator) -> None:
    order = emulator.create_order(order_payload())
    admin = f"{emulator.base_url}/_admin"
    assert httpx.post(f"{admin}/credentials", json={}).status_code == 400
    garbage = httpx.post(f"{admin}/orders/{order['id']}/split", content=b"{not json")
    assert garbage.status_code == 400
    assert emulator.auth_headers()["ORDERDESK-API-KEY"] == "sandbox-key"


# -- switches for what Order Desk does not document ---------------------------------------


@pytest.mark.parametrize("moves", [True, False])
def test_a_shipment_moves_date_updated_only_under_that_reading(
    wall: WallClock, moves: bool
) -> None:
    emulator = started(now=wall, shipment_moves_date_updated=moves)
    try:
        order = emulator.create_order(order_payload("D1"))
        wall.advance(days=1)
        shipment = emulator.add_shipment(order["id"], "1ZDATE0001")
        updated = emulator.get(order["id"])["date_updated"]
        assert (updated == shipment["date_added"]) is moves
        assert (updated == order["date_updated"]) is not moves
    finally:
        emulator.stop()


def test_a_shipment_is_corrected_with_put_and_an_unknown_one_is_not_found(
    emulator: OrderDeskEmulator, client: httpx.Client
) -> None:
    order = emulator.create_order(order_payload("P1"))
    shipment = emulator.add_shipment(order["id"], "1ZTYPO0001")
    path = f"/orders/{order['id']}/shipments/{shipment['id']}"
    reply = client.put(path, json={"tracking_number": "1ZRIGHT001"})
    assert reply.status_code == 200 and reply.json()["shipment"]["tracking_number"] == "1ZRIGHT001"
    (kept,) = emulator.get(order["id"])["order_shipments"]
    assert (kept["id"], kept["tracking_number"]) == (shipment["id"], "1ZRIGHT001")
    assert client.put(f"/orders/{order['id']}/shipments/1", json={}).status_code == 404


def test_a_firewall_answers_every_api_request_with_an_html_403() -> None:
    emulator = started(firewall=True)
    try:
        with httpx.Client(base_url=emulator.api_url, headers=emulator.auth_headers()) as http:
            reply = http.get("/test")
        assert reply.status_code == 403 and reply.headers["Content-Type"].startswith("text/html")
        assert "X-Tokens-Remaining" not in reply.headers
    finally:
        emulator.stop()


def test_the_duplicate_refusal_takes_any_wording() -> None:
    emulator = started(duplicate_message="Order {id} exists already")
    try:
        first = emulator.create_order(order_payload("W1"))
        with pytest.raises(OrderRejected, match=f"Order {first['id']} exists already"):
            emulator.create_order(order_payload("W1"))
    finally:
        emulator.stop()

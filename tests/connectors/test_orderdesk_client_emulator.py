"""OrderDeskClient against the local Order Desk emulator over real sockets on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected, Transient
from desktop_sync.connectors.orderdesk.client import DuplicateOrder, OrderDeskClient
from desktop_sync.connectors.orderdesk.models import (
    Address,
    NewOrder,
    NewOrderItem,
    NewShipment,
    ShipmentItem,
)
from desktop_sync.connectors.orderdesk.ratelimit import TokenBucket
from desktop_sync.connectors.retry import Backoff
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.server import Fault

STORE_ID = "100001"
API_KEY = "emulator-key-0123456789"


def start_emulator(time_scale: float) -> OrderDeskEmulator:
    emulator = OrderDeskEmulator(store_id=STORE_ID, api_key=API_KEY, time_scale=time_scale)
    emulator.start()
    return emulator


@pytest.fixture
def emulator() -> Iterator[OrderDeskEmulator]:
    # Time runs 20x faster on the emulator, so its bucket and retry-afters cost little.
    emulator = start_emulator(time_scale=20.0)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def backoff_sleeps() -> list[float]:
    return []


@pytest.fixture
def client(emulator: OrderDeskEmulator, backoff_sleeps: list[float]) -> Iterator[OrderDeskClient]:
    with OrderDeskClient(
        STORE_ID,
        API_KEY,
        base_url=emulator.api_url,
        limiter=TokenBucket(refill_per_second=60.0),  # the emulator's 3/s, at 20x
        backoff=Backoff(attempts=3),
        sleep=backoff_sleeps.append,
        timeout=httpx.Timeout(5.0, connect=2.0),
    ) as odc:
        yield odc


def new_order(source_id: str, *items: tuple[str, int]) -> NewOrder:
    lines = items or (("MUG-1", 1),)
    return NewOrder(
        source_id=source_id,
        source_name="BigCommerce",
        folder_id=None,
        email="jane@example.com",
        shipping_method="Ground",
        payment_status="Captured",
        shipping=Address(first_name="Jane", last_name="Doe", city="Portland", country="US"),
        customer=Address(first_name="Jane", last_name="Doe"),
        items=tuple(
            NewOrderItem(
                name=code.title(),
                code=code,
                price=Decimal("10.00"),
                quantity=quantity,
                metadata={"store_line_id": code},
            )
            for code, quantity in lines
        ),
        shipping_total=Decimal("5.00"),
    )


# -- the rate limit, at real speed ---------------------------------------------------------


def test_25_requests_through_the_client_never_meet_a_429() -> None:
    emulator = start_emulator(time_scale=1.0)
    try:
        with OrderDeskClient(
            STORE_ID, API_KEY, base_url=emulator.api_url, limiter=TokenBucket()
        ) as client:
            began = time.monotonic()
            for _ in range(25):
                client.test()
            elapsed = time.monotonic() - began
        assert emulator.stats()["rate_limited"] == 0
        assert emulator.stats()["requests"] == 25
        assert client.rate_limited_seen == 0
        assert client.requests_sent == 25
        # 19 go at once (one token stays spare), the other six at three per second.
        assert elapsed >= (25 - 20) / 3.0
    finally:
        emulator.stop()


def test_a_client_that_trusts_too_many_tokens_waits_out_429s_and_still_succeeds() -> None:
    # The control for the test above: this limiter refills far faster than Order Desk, so
    # only the server's X-Tokens-Remaining and 429 retry-afters keep it in line.
    emulator = start_emulator(time_scale=10.0)
    try:
        eager = TokenBucket(capacity=20, refill_per_second=1000.0, reserve=0)
        with OrderDeskClient(STORE_ID, API_KEY, base_url=emulator.api_url, limiter=eager) as client:
            times = [client.test() for _ in range(45)]
        assert len(times) == 45
        assert emulator.stats()["rate_limited"] > 0
        assert client.rate_limited_seen == emulator.stats()["rate_limited"]
    finally:
        emulator.stop()


# -- a whole round trip --------------------------------------------------------------------


def test_create_get_list_find_ship_and_move_round_trip(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    assert client.test().tzinfo is UTC
    store = client.store()
    assert store.id == STORE_ID
    assert [f.name for f in store.folders] == ["New", "Prepared", "Closed", "Canceled"]

    created = client.create_order(new_order("1001", ("MUG-1", 2), ("SHIRT", 1)))
    assert created.id
    assert created.source_id == "1001"
    assert created.source_name == "BigCommerce"
    assert created.folder_id == store.folders[0].id
    assert [(i.code, i.quantity) for i in created.items] == [("MUG-1", 2), ("SHIRT", 1)]
    assert created.items[0].metadata == {"store_line_id": "MUG-1"}

    fetched = client.get_order(created.id)
    assert fetched == created

    listed = list(client.iter_orders(source_name="BigCommerce"))
    assert [o.id for o in listed] == [created.id]
    assert [o.id for o in client.find_orders("1001", "BigCommerce")] == [created.id]
    assert client.find_orders("no-such-number") == []

    mug = created.items[0]
    shipment = client.add_shipment(
        created.id,
        NewShipment(
            tracking_number="1Z999AA10123456784",
            carrier_code="UPS",
            shipment_method="Ground",
            order_items=(ShipmentItem(quantity=2, item_id=mug.id),),
        ),
    )
    assert shipment is not None
    assert shipment.id
    assert shipment.order_id == created.id
    assert shipment.tracking_number == "1Z999AA10123456784"
    assert [s.id for s in client.list_shipments(created.id)] == [shipment.id]

    with pytest.raises(Rejected, match="Shipment Not Added"):
        client.add_shipment(created.id, NewShipment(tracking_number="1Z999AA10123456784"))

    prepared = store.folder_named("Prepared")
    assert prepared is not None
    client.move_orders([created.id], folder_name="Prepared")
    assert client.get_order(created.id).folder_id == prepared.id
    closed = store.folder_named("Closed")
    assert closed is not None
    client.move_orders([created.id], folder_id=closed.id)
    assert emulator.get(created.id)["folder_id"] == closed.id


def test_a_shipment_added_in_order_desk_shows_up_when_listing_modified_orders(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    order = client.create_order(new_order("2001"))
    since = datetime.now(UTC) - timedelta(minutes=5)
    emulator.add_shipment(order.id, "9400111899223", carrier_code="USPS")
    modified = list(client.iter_orders(modified_start_date=since, source_name="BigCommerce"))
    (seen,) = [o for o in modified if o.id == order.id]
    assert [s.tracking_number for s in seen.shipments] == ["9400111899223"]
    assert seen.shipments[0].carrier_code == "USPS"


def test_find_orders_returns_both_halves_of_a_split_order(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    order = client.create_order(new_order("3001", ("MUG-1", 1), ("SHIRT", 1)))
    shirt = order.items[1]
    new_id = emulator.split_order(order.id, [shirt.id])
    halves = {o.id: o for o in client.find_orders("3001", "BigCommerce")}
    assert set(halves) == {order.id, new_id}
    assert [i.code for i in halves[new_id].items] == ["SHIRT"]
    assert [i.code for i in halves[order.id].items] == ["MUG-1"]


def test_iter_orders_pages_through_every_order(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    ids = {client.create_order(new_order(f"P{n}")).id for n in range(7)}
    before = client.requests_sent
    assert {o.id for o in client.iter_orders(page_size=3)} == ids
    assert client.requests_sent - before == 3


def test_a_second_create_of_the_same_order_is_a_duplicate_naming_the_first(
    client: OrderDeskClient,
) -> None:
    first = client.create_order(new_order("4001"))
    with pytest.raises(DuplicateOrder) as caught:
        client.create_order(new_order("4001"))
    assert caught.value.existing_order_id == first.id


def test_unknown_order_is_rejected(client: OrderDeskClient) -> None:
    with pytest.raises(Rejected) as caught:
        client.get_order("999999999")
    assert caught.value.status_code == 404


def test_wrong_api_key_is_an_auth_error(emulator: OrderDeskEmulator) -> None:
    with (
        OrderDeskClient(
            STORE_ID, "not-the-key", base_url=emulator.api_url, limiter=TokenBucket()
        ) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.test()
    assert "not-the-key" not in str(caught.value)
    assert "Verify Connection" in str(caught.value)


# -- faults --------------------------------------------------------------------------------


def test_order_dropped_after_it_was_stored_is_ambiguous_and_exists(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    emulator.faults.inject(Fault.DROP_AFTER, method="POST", path=r"/orders$")
    with pytest.raises(Ambiguous):
        client.create_order(new_order("5001"))
    assert len(emulator.orders_with_source("5001", "BigCommerce")) == 1
    # What the engine does next: look it up rather than send it again.
    (adopted,) = client.find_orders("5001", "BigCommerce")
    assert adopted.source_id == "5001"
    assert emulator.stats()["orders"] == 1


def test_order_stored_then_answered_too_late_is_ambiguous(emulator: OrderDeskEmulator) -> None:
    emulator.faults.delay = 2.0
    emulator.faults.inject(Fault.TIMEOUT_AFTER_STORE, method="POST", path=r"/orders$")
    with (
        OrderDeskClient(
            STORE_ID,
            API_KEY,
            base_url=emulator.api_url,
            limiter=TokenBucket(),
            timeout=httpx.Timeout(0.3, connect=2.0),
        ) as client,
        pytest.raises(Ambiguous, match="may or may not"),
    ):
        client.create_order(new_order("6001"))
    assert len(emulator.orders_with_source("6001")) == 1


def test_a_dropped_post_is_never_sent_twice(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    emulator.faults.inject(Fault.DROP_BEFORE, method="POST", path=r"/shipments$")
    order = client.create_order(new_order("7001"))
    before = len(emulator.request_log)
    with pytest.raises(Ambiguous):
        client.add_shipment(order.id, NewShipment(tracking_number="T1"))
    assert emulator.get(order.id)["order_shipments"] == []
    # Nothing was logged for the dropped POST, and no second POST followed it.
    assert [entry for entry in emulator.request_log[before:] if entry[0] == "POST"] == []


def test_get_is_retried_through_server_errors_and_html_pages(
    emulator: OrderDeskEmulator, client: OrderDeskClient, backoff_sleeps: list[float]
) -> None:
    emulator.faults.inject(Fault.SERVER_ERROR, method="GET", path=r"/store$")
    emulator.faults.inject(Fault.BAD_GATEWAY_HTML, method="GET", path=r"/store$")
    assert client.store().id == STORE_ID
    assert len(backoff_sleeps) == 2


def test_get_gives_up_with_transient_and_no_html(
    emulator: OrderDeskEmulator, client: OrderDeskClient, backoff_sleeps: list[float]
) -> None:
    emulator.faults.inject(Fault.BAD_GATEWAY_HTML, 3, method="GET", path=r"/test$")
    with pytest.raises(Transient) as caught:
        client.test()
    assert "<" not in str(caught.value) and "nginx" not in str(caught.value)
    assert len(backoff_sleeps) == 2


def test_an_injected_429_on_a_post_is_waited_out_and_the_order_created_once(
    emulator: OrderDeskEmulator, client: OrderDeskClient
) -> None:
    emulator.faults.inject(Fault.RATE_LIMIT, method="POST", path=r"/orders$")
    created = client.create_order(new_order("8001"))
    assert client.rate_limited_seen == 1
    assert [o["id"] for o in emulator.orders_with_source("8001")] == [created.id]

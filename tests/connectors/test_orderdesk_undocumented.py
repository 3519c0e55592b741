"""What Order Desk does not document, and the client must survive under every reading: the
wording of its duplicate refusal, a slow account's 500-order pages, a firewall's own 403.
Each over real sockets against the emulator with the behaviour switched on."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from desktop_sync.connectors.errors import AuthError, Rejected, Transient
from desktop_sync.connectors.orderdesk.client import DuplicateOrder
from desktop_sync.connectors.orderdesk.models import Address, NewOrder, NewOrderItem
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine, minute_ago, orderdesk_client, orderdesk_emulator


def _draft(number: str, store_order_id: str) -> NewOrder:
    return NewOrder(
        source_id=number,
        source_name="Desktop Sync (BigCommerce)",
        folder_id=None,
        email="jo@example.com",
        shipping_method="Ground",
        payment_status="Captured",
        shipping=Address(first_name="Jo", last_name="Roe"),
        customer=Address(first_name="Jo", last_name="Roe"),
        items=(NewOrderItem("Mug", "M-1", Decimal("3.00"), 1),),
        order_metadata={"store_platform": "bigcommerce", "store_order_id": store_order_id},
    )


def _started(**options: object) -> OrderDeskEmulator:
    emulator = orderdesk_emulator(**options)
    emulator.start()
    return emulator


@pytest.fixture
def silent_refusal() -> Iterator[OrderDeskEmulator]:
    # A duplicate refusal that neither says "duplicate" nor names the existing order.
    emulator = _started(duplicate_message="The order could not be created.")
    yield emulator
    emulator.stop()


def test_a_duplicate_refusal_in_any_wording_is_resolved_by_a_look_up(
    silent_refusal: OrderDeskEmulator,
) -> None:
    with orderdesk_client(silent_refusal) as client:
        first = client.create_order(_draft("100", "100"))
        with pytest.raises(DuplicateOrder) as caught:
            client.create_order(_draft("100", "100"))
    assert caught.value.existing_order_id == first.id


def test_a_refused_order_that_another_store_sent_under_the_same_number_is_not_adopted(
    silent_refusal: OrderDeskEmulator,
) -> None:
    with orderdesk_client(silent_refusal) as client:
        client.create_order(_draft("100", "other-store-100"))
        with pytest.raises(Rejected) as caught:
            client.create_order(_draft("100", "100"))
    assert not isinstance(caught.value, DuplicateOrder)
    assert "could not be created" in caught.value.reason


def test_a_slow_account_still_lists_every_order_in_smaller_pages(tmp_path: Path) -> None:
    # Each order in a list page costs the server 4 ms: a page of 500 takes 2 s, past the
    # client's 1 s read timeout, every time.
    emulator = _started(rate_limit=False, list_seconds_per_order=0.004)
    try:
        made = {
            emulator.create_order(
                {
                    "source_id": f"S{n}",
                    "shipping": {"first_name": "Jo"},
                    "order_items": [{"name": "Mug", "price": 1, "quantity": 1}],
                }
            )["id"]
            for n in range(600)
        }
        with orderdesk_client(emulator, timeout=1.0) as client:
            assert {o.id for o in client.iter_orders()} == made
            assert client.list_page_size < 500
            # The smaller size is kept: the next listing has no timed-out page.
            before = client.requests_sent
            assert {o.id for o in client.iter_orders()} == made
            pages = client.requests_sent - before
        assert pages <= 600 // client.list_page_size + 2
    finally:
        emulator.stop()


def test_an_html_403_from_a_firewall_is_not_a_wrong_key(tmp_path: Path) -> None:
    emulator = _started(firewall=True)
    store = BigCommerceKit()
    store.start()
    try:
        with orderdesk_client(emulator) as client, pytest.raises(Transient) as caught:
            client.test()
        assert not isinstance(caught.value, AuthError)
        assert "firewall" in str(caught.value) and "<" not in str(caught.value)
        store.add_orders(generate_orders(1, seed=5))
        engine = make_engine(
            emulator, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
        )
        try:
            result = engine.run_cycle()
        finally:
            engine.close()
        assert result.health is Health.ORDERDESK_OFFLINE, result.message
        assert "firewall" in result.message and "API Key were checked" in result.message
    finally:
        store.stop()
        emulator.stop()

"""What every store connector promises the sync engine, checked against each platform's emulator."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from desktop_sync.connectors.errors import AuthError, Rejected, Transient
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreConnector,
    StoreOrder,
    Tracking,
)
from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kit import StoreKit

PAYMENT_STATES = {
    "paid": PaymentState.PAID,
    "authorized": PaymentState.AUTHORIZED,
    "pending": PaymentState.PENDING,
    "refunded": PaymentState.REFUNDED,
    "partially_refunded": PaymentState.PARTIALLY_REFUNDED,
    "voided": PaymentState.VOIDED,
}
UPS = Tracking("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784")


def next_second() -> datetime:
    """Wait until the wall clock enters the next whole second and return that second.

    Stores keep modification times to the second, so a mark on a second boundary cleanly
    separates orders placed before it from orders placed after it.
    """
    boundary = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    deadline = time.monotonic() + 3
    while (left := (boundary - datetime.now(UTC)).total_seconds()) > 0:
        assert time.monotonic() < deadline, "the wall clock did not advance"
        time.sleep(left)
    return boundary


def pick(predicate: Callable[[SampleOrder], bool]) -> SampleOrder:
    return next(sample for sample in generate_orders(60, seed=11) if predicate(sample))


def multi_line(sample: SampleOrder) -> bool:
    return len(sample.lines) >= 2 and any(line.options for line in sample.lines)


def place(kit: StoreKit, sample: SampleOrder) -> StoreOrder:
    (order_id,) = kit.add_orders([sample])
    return kit.connector().get_order(order_id)


def test_verify_names_the_store(kit: StoreKit) -> None:
    identity = kit.connector().verify()

    assert identity.name.strip()


def test_listing_pages_through_every_order_in_the_window_once(kit: StoreKit) -> None:
    before = kit.add_orders(generate_orders(2, seed=1))
    since = next_second()
    inside = kit.add_orders(generate_orders(5, seed=2))
    until = next_second() - timedelta(microseconds=1)
    after = kit.add_orders(generate_orders(1, seed=3))

    ids = [order.id for order in kit.connector(page_size=2).iter_orders(since, until)]

    assert sorted(ids) == sorted(inside)
    assert not set(ids) & set(before + after)


def test_overlapping_windows_deduplicated_by_id_give_each_order_once(kit: StoreKit) -> None:
    since = next_second()
    placed = kit.add_orders(generate_orders(3, seed=4))
    connector = kit.connector(page_size=2)
    first = list(connector.iter_orders(since))
    kit.touch_order(placed[1])
    second = list(connector.iter_orders(since))  # the overlap: the same window again

    seen: dict[str, StoreOrder] = {}
    for order in first + second:
        seen[order.id] = order

    assert len(first) + len(second) == 6
    assert sorted(seen) == sorted(placed)
    assert seen[placed[1]].updated_at >= seen[placed[0]].updated_at


def test_orders_are_normalised(kit: StoreKit) -> None:
    sample = pick(lambda s: multi_line(s) and not s.customer.first_name.isascii())
    since = next_second()
    placed = place(kit, sample)
    connector = kit.connector()
    (listed,) = connector.iter_orders(since)

    # A listing may leave whether each line ships to the orders that are sent (WooCommerce).
    assert connector.ready_to_send(listed) == placed
    assert placed.number
    customer = sample.customer
    assert placed.email == customer.email
    assert placed.shipping_address.first_name == customer.first_name
    assert placed.shipping_address.last_name == customer.last_name
    assert placed.shipping_address.address1 == customer.address1
    assert placed.shipping_address.city == customer.city
    assert placed.shipping_address.postal_code == customer.postal_code
    assert placed.shipping_address.country in (customer.country_code, customer.country_name)
    assert [(line.sku, line.name, line.quantity) for line in placed.lines] == [
        (line.sku, line.name, line.quantity) for line in sample.lines
    ]
    assert [line.unit_price for line in placed.lines] == [line.unit_price for line in sample.lines]
    assert [line.options for line in placed.lines] == [line.options for line in sample.lines]
    assert placed.shipping_method == sample.shipping_method
    assert placed.order_total == sample.total
    assert placed.tax_total == sample.tax_total
    assert placed.shipping_total == sample.shipping_total
    assert placed.discount_total == sample.discount_total
    assert placed.payment_state is PAYMENT_STATES[sample.payment]
    assert placed.created_at.utcoffset() == timedelta(0)
    assert placed.updated_at.utcoffset() == timedelta(0)
    assert placed.created_at >= since
    assert isinstance(placed.order_total, Decimal)


def test_fulfilling_every_line_ships_the_whole_order_and_emails_once(kit: StoreKit) -> None:
    order = place(kit, pick(multi_line))
    connector = kit.connector()

    created = connector.create_fulfillment(
        order.id, [FulfillmentLine(line.id, line.quantity) for line in order.lines], UPS
    )

    assert UPS.number in created.tracking_numbers
    assert kit.fulfillments(order.id) == [
        {"tracking_numbers": [UPS.number], "lines": {ln.id: ln.quantity for ln in order.lines}}
    ]
    assert kit.customer_emails() == 1


def test_fulfilling_some_lines_ships_only_those_lines_and_quantities(kit: StoreKit) -> None:
    order = place(kit, pick(multi_line))
    first = order.lines[0]

    kit.connector().create_fulfillment(order.id, [FulfillmentLine(first.id, 1)], UPS)

    assert kit.fulfillments(order.id) == [
        {"tracking_numbers": [UPS.number], "lines": {first.id: 1}}
    ]


def test_a_done_fulfilment_is_found_by_its_tracking_number_before_a_retry(kit: StoreKit) -> None:
    order = place(kit, pick(multi_line))
    untouched = place(kit, pick(multi_line))
    connector: StoreConnector = kit.connector()
    lines = [FulfillmentLine(line.id, line.quantity) for line in order.lines]
    connector.create_fulfillment(order.id, lines, UPS)

    existing = connector.list_fulfillments(order.id)

    assert [f for f in existing if UPS.number in f.tracking_numbers]
    assert {(ln.line_id, ln.quantity) for f in existing for ln in f.lines} == {
        (ln.line_id, ln.quantity) for ln in lines
    }
    assert connector.list_fulfillments(untouched.id) == []


def test_bad_credentials_raise_a_readable_auth_error_without_the_key(kit: StoreKit) -> None:
    with pytest.raises(AuthError) as caught:
        kit.bad_connector().verify()

    message = str(caught.value)
    assert message[0].isupper() and message.endswith(".")
    assert "\n" not in message and "Traceback" not in message
    secrets = [value for name, value in kit.env().items() if name in ("STORE_KEY", "STORE_SECRET")]
    assert not [secret for secret in secrets if secret and secret in message]


def test_a_server_error_on_a_read_is_retried(kit: StoreKit) -> None:
    kit.inject(Fault.SERVER_ERROR, 2)

    assert kit.connector().verify().name


def test_a_lasting_server_error_on_a_read_is_transient(kit: StoreKit) -> None:
    kit.inject(Fault.SERVER_ERROR, 100)

    with pytest.raises(Transient):
        kit.connector().verify()


def test_fulfilling_more_than_was_ordered_is_rejected(kit: StoreKit) -> None:
    order = place(kit, pick(multi_line))
    line = order.lines[0]

    with pytest.raises(Rejected) as caught:
        kit.connector().create_fulfillment(
            order.id, [FulfillmentLine(line.id, line.quantity + 1)], UPS
        )

    assert str(caught.value).strip()
    assert kit.fulfillments(order.id) == []
    assert kit.customer_emails() == 0

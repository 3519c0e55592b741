"""The Shopify connector at the edges its schema and Shopify's documentation set: a cursor
that repeats, failed fulfillments, more fulfillments than one read of Shopify's plain list,
tracking numbers from two carriers, and the 60 days of orders an app sees without
``read_all_orders`` (over real sockets, against the emulator)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import respx

from desktop_sync.connectors.errors import Rejected, Transient
from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.shopify import SHOPIFY_API_VERSION, ShopifyConnector
from desktop_sync_sandbox.shopify import ShopifyEmulator
from tests.connectors.test_shopify import UPS, ShopClock, connect, graphql_calls, sample_with
from tests.spec.shopify_schema import big_sample

USPS = Tracking("9400111899223100012345", "USPS", "https://tools.usps.com/go/T?tLabels=94001")


@pytest.fixture
def wall() -> ShopClock:
    return ShopClock()


@pytest.fixture
def shop(wall: ShopClock) -> Iterator[ShopifyEmulator]:
    with ShopifyEmulator(time_scale=50.0, now=wall) as emulator:
        yield emulator


@pytest.fixture
def connector(shop: ShopifyEmulator) -> Iterator[ShopifyConnector]:
    with connect(shop) as built:
        yield built


def test_a_cursor_that_repeats_stops_the_scan_with_a_sentence(
    shop: ShopifyEmulator, wall: ShopClock
) -> None:
    shop.add_sample_orders(3)
    shop.repeat_cursor = True

    with connect(shop, page_size=1) as paging, pytest.raises(Transient) as caught:
        list(paging.iter_orders(wall.now - timedelta(minutes=1)))

    assert "same page of orders twice" in str(caught.value)
    assert len(graphql_calls(shop)) <= 3  # the token is fetched apart; two pages, no more


def test_failed_and_errored_fulfillments_do_not_count(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], UPS)
    connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[1].id, 1)], USPS)
    shop.set_fulfillment_status(order.id, 0, "ERROR")
    shop.set_fulfillment_status(order.id, 1, "FAILURE")

    assert connector.list_fulfillments(order.id) == []


def test_every_fulfillment_is_listed_past_the_first_read_of_the_plain_list(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(big_sample(22)))
    for n, line in enumerate(order.lines):
        connector.create_fulfillment(
            order.id, [FulfillmentLine(line.id, 1)], Tracking(f"1ZEDGE{n:010d}", "UPS")
        )

    listed = connector.list_fulfillments(order.id)

    assert len(listed) == 22
    assert {number for f in listed for number in f.tracking_numbers} == {
        f"1ZEDGE{n:010d}" for n in range(22)
    }


def test_a_number_from_another_carrier_keeps_each_numbers_own_url_and_no_wrong_company(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    created = connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], UPS)

    connector.add_tracking(order.id, created, USPS)

    tracking = shop.fulfillments(order.id)[0]["tracking"]
    assert {t["number"]: t["url"] for t in tracking} == {UPS.number: UPS.url, USPS.number: USPS.url}
    # One company per fulfillment in Shopify: neither number is labelled with the other's.
    assert {t["company"] for t in tracking} == {None}


def test_a_number_without_a_url_leaves_the_others_their_own(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    bare = Tracking("1ZBARE0000000001", "UPS")
    created = connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], bare)

    connector.add_tracking(order.id, created, UPS)

    tracking = shop.fulfillments(order.id)[0]["tracking"]
    assert {t["number"]: t["url"] for t in tracking} == {UPS.number: UPS.url, bare.number: None}
    assert {t["company"] for t in tracking} == {"UPS"}


def test_a_backfill_past_60_days_is_announced_with_read_all_orders(
    shop: ShopifyEmulator, connector: ShopifyConnector, wall: ShopClock
) -> None:
    notice = connector.backfill_notice(wall.now - timedelta(days=90), now=wall.now)

    assert "60 days" in notice and "read_all_orders" in notice
    assert connector.backfill_notice(wall.now - timedelta(days=30), now=wall.now) == ""


def test_with_read_all_orders_a_long_backfill_needs_no_notice(
    shop: ShopifyEmulator, connector: ShopifyConnector, wall: ShopClock
) -> None:
    shop.scopes.add("read_all_orders")

    assert connector.backfill_notice(wall.now - timedelta(days=400), now=wall.now) == ""


def test_a_scan_reaching_past_60_days_is_logged_once(
    shop: ShopifyEmulator,
    connector: ShopifyConnector,
    wall: ShopClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    connector.verify()
    since = datetime.now(UTC) - timedelta(days=61)

    with caplog.at_level(logging.WARNING):
        list(connector.iter_orders(since))
        list(connector.iter_orders(since))

    assert [r.getMessage() for r in caplog.records].count(connector.backfill_notice(since)) == 1


def test_an_order_hidden_by_the_60_days_says_why(
    shop: ShopifyEmulator, connector: ShopifyConnector, wall: ShopClock
) -> None:
    old = shop.add_order(sample_with(1), created=wall.now - timedelta(days=75))

    with pytest.raises(Rejected) as caught:
        connector.get_order(old)

    assert "60 days" in str(caught.value) and "read_all_orders" in str(caught.value)


def test_an_error_shopify_repeats_for_every_order_is_said_once_with_its_count() -> None:
    errors = [{"message": "Order is archived", "extensions": {"code": "BAD_REQUEST"}}] * 21
    body = {"data": {"orders": None}, "errors": errors}

    with (
        respx.mock(base_url="https://acme-tees.myshopify.com") as router,
        ShopifyConnector("acme-tees", access_token="shpat_test0123456789") as connector,
    ):
        router.post(f"/admin/api/{SHOPIFY_API_VERSION}/graphql.json").respond(200, json=body)
        with pytest.raises(Rejected) as caught:
            list(connector.iter_orders(datetime(2026, 11, 1, tzinfo=UTC)))

    assert str(caught.value).count("Order is archived") == 1
    assert "(21 times)" in str(caught.value)

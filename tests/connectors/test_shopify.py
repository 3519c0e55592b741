"""ShopifyConnector against the Shopify emulator, over real sockets on 127.0.0.1."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import FulfillmentLine, StoreConnector, Tracking
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import ShopifyConnector, from_credentials, shop_url
from desktop_sync_sandbox.samples import SampleLine, SampleOrder, generate_orders
from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.shopify import ShopifyEmulator

FAST_BACKOFF = Backoff(base=0.01, cap=0.05, floor=0.0, attempts=3)
UPS = Tracking("1Z999AA10123456784", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456784")
SECOND = Tracking(
    "1Z999AA10123456791", "UPS", "https://www.ups.com/track?tracknum=1Z999AA10123456791"
)


class ShopClock:
    """The emulated shop's wall clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Sleeps:
    """Records every wait the connector asks for, and really waits (the emulator runs fast)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def wall() -> ShopClock:
    return ShopClock()


@pytest.fixture
def shop(wall: ShopClock) -> Iterator[ShopifyEmulator]:
    with ShopifyEmulator(time_scale=50.0, now=wall) as emulator:
        yield emulator


def connect(shop: ShopifyEmulator, **options: Any) -> ShopifyConnector:
    """A connector to ``shop``; ``options`` may hold ``HttpSettings`` fields too."""
    http = {k: options.pop(k) for k in list(options) if k in HttpSettings.__dataclass_fields__}
    settings: dict[str, Any] = {"client_id": shop.client_id, "client_secret": shop.client_secret}
    settings.update(options)
    return ShopifyConnector(
        shop.api_url, **settings, http=HttpSettings(**{"backoff": FAST_BACKOFF, **http})
    )


@pytest.fixture
def connector(shop: ShopifyEmulator) -> Iterator[ShopifyConnector]:
    with connect(shop) as built:
        yield built


def sample_with(lines: int, seed: int = 3) -> SampleOrder:
    return next(s for s in generate_orders(80, seed=seed) if len(s.lines) >= lines)


def graphql_calls(shop: ShopifyEmulator) -> list[int]:
    return [status for _, path, status in shop.request_log if path.endswith("graphql.json")]


# -- connecting -------------------------------------------------------------------------


def test_the_connector_is_a_store_connector(connector: ShopifyConnector) -> None:
    assert isinstance(connector, StoreConnector)
    assert connector.capabilities.multiple_tracking_numbers


def test_verify_names_the_shop_with_its_currency_and_time_zone(
    connector: ShopifyConnector,
) -> None:
    identity = connector.verify()

    assert identity.name == "Sandbox Shop"
    assert identity.url == "https://sandbox-shop.myshopify.com"
    assert (identity.currency, identity.timezone) == ("USD", "America/New_York")


def test_a_missing_scope_is_named_with_where_to_add_it(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    shop.scopes -= {
        "read_merchant_managed_fulfillment_orders",
        "write_merchant_managed_fulfillment_orders",
    }

    with pytest.raises(AuthError) as caught:
        connector.verify()

    message = str(caught.value)
    # Shopify's write scope includes the read scope: the one to add is the write scope.
    assert "write_merchant_managed_fulfillment_orders" in message
    assert "Dev Dashboard" in message


def test_a_write_scope_counts_as_its_read_scope(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    shop.scopes.discard("read_merchant_managed_fulfillment_orders")

    assert connector.verify().name


def test_a_wrong_access_token_says_where_to_find_one(shop: ShopifyEmulator) -> None:
    with (
        connect(shop, client_id="", client_secret="", access_token="shpat_nope") as bad,
        pytest.raises(AuthError) as caught,
    ):
        bad.verify()

    assert "Develop apps" in str(caught.value)
    assert "shpat_nope" not in str(caught.value)


def test_a_wrong_client_secret_says_where_to_find_the_right_one(shop: ShopifyEmulator) -> None:
    with (
        connect(shop, client_secret="shpss_wrong-secret") as bad,
        pytest.raises(AuthError) as caught,
    ):
        bad.verify()

    assert "Client secret" in str(caught.value)
    assert "shpss_wrong-secret" not in str(caught.value)


def test_from_credentials_reads_key_and_secret_as_token_or_client_credentials(
    shop: ShopifyEmulator,
) -> None:
    with from_credentials(shop.api_url, shop.access_token, "") as by_token:
        assert not by_token.graphql.uses_client_credentials
        assert by_token.verify().name
    with from_credentials(shop.api_url, shop.client_id, shop.client_secret) as by_client:
        assert by_client.graphql.uses_client_credentials
        assert by_client.verify().name
    assert shop.token_requests == 1


@pytest.mark.parametrize(
    "typed",
    [
        "my-store",
        "My-Store.myshopify.com",
        "https://my-store.myshopify.com/admin",
        "https://admin.shopify.com/store/my-store",
        "admin.shopify.com/store/my-store/orders",
    ],
)
def test_what_a_merchant_types_becomes_the_myshopify_address(typed: str) -> None:
    assert shop_url(typed) == "https://my-store.myshopify.com"


def test_the_emulator_address_is_kept_as_given() -> None:
    assert shop_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"


@pytest.mark.parametrize("typed", ["www.my-store.com", "http://10.0.0.5:8080", "", "my store"])
def test_an_address_that_is_not_a_shop_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(ValueError, match=r"myshopify\.com address"):
        shop_url(typed)


def test_a_different_served_api_version_is_logged_once(
    shop: ShopifyEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING),
        connect(shop, api_version="2024-01") as outdated,
    ):
        outdated.verify()
        outdated.verify()

    warnings = [r.getMessage() for r in caplog.records if "API version" in r.getMessage()]
    assert len(warnings) == 1
    assert "2026-01" in warnings[0] and "2024-01" in warnings[0]


# -- tokens ----------------------------------------------------------------------------


def test_the_token_is_renewed_five_minutes_before_it_expires(shop: ShopifyEmulator) -> None:
    now = [1000.0]
    with connect(shop, clock=lambda: now[0]) as built:
        built.verify()
        now[0] += 86399 - 301
        built.verify()
        assert shop.token_requests == 1
        now[0] += 2
        built.verify()

    assert shop.token_requests == 2
    assert 401 not in graphql_calls(shop)


def test_an_expired_token_is_renewed_once_on_401_and_the_call_sent_again(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    connector.verify()
    shop.expire_tokens()

    assert connector.verify().name

    assert shop.token_requests == 2
    assert graphql_calls(shop).count(401) == 1


# -- orders ----------------------------------------------------------------------------


def test_orders_are_listed_across_several_pages_each_once(
    shop: ShopifyEmulator, wall: ShopClock
) -> None:
    placed = shop.add_sample_orders(7)

    with connect(shop, page_size=2) as paged:
        listed = list(paged.iter_orders(wall.now - timedelta(minutes=1), wall.now))

    assert [order.id for order in listed] == placed
    assert len(graphql_calls(shop)) == 4


def test_the_window_covers_until_s_whole_second_and_nothing_after(
    shop: ShopifyEmulator, connector: ShopifyConnector, wall: ShopClock
) -> None:
    shop.add_sample_orders(1)
    wall.now += timedelta(seconds=10)
    inside = shop.add_sample_orders(2)
    wall.now += timedelta(seconds=1)
    shop.add_sample_orders(1)
    since = wall.now - timedelta(seconds=1)

    listed = connector.iter_orders(since, since + timedelta(microseconds=999_999))

    assert [order.id for order in listed] == inside


def test_an_edited_order_is_listed_again_with_its_new_time(
    shop: ShopifyEmulator, connector: ShopifyConnector, wall: ShopClock
) -> None:
    first, second = shop.add_sample_orders(2)
    since = wall.now
    wall.now += timedelta(minutes=2)
    shop.touch(first)

    listed = list(connector.iter_orders(since))

    assert [o.id for o in listed] == [second, first]
    assert listed[1].updated_at == wall.now


def test_the_order_number_is_the_name_without_its_hash(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order_id = shop.add_order()

    order = connector.get_order(order_id)

    assert order.number == "1001"
    assert order.id == order_id


def test_an_order_with_more_than_fifty_lines_is_read_in_full(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    lines = tuple(
        SampleLine(f"SKU-{n:03}", f"Part {n}", 1, Decimal("1.50"), (), Decimal(0))
        for n in range(130)
    )
    order_id = shop.add_order(replace(sample_with(1), lines=lines))

    order = connector.get_order(order_id)

    assert [line.sku for line in order.lines] == [line.sku for line in lines]
    assert all(line.options == () for line in order.lines)


def test_an_unknown_order_is_rejected(connector: ShopifyConnector) -> None:
    with pytest.raises(Rejected):
        connector.get_order("gid://shopify/Order/1")


# -- fulfillments ----------------------------------------------------------------------


def test_fulfilling_some_lines_ships_only_those_quantities(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    first = order.lines[0]

    created = connector.create_fulfillment(order.id, [FulfillmentLine(first.id, 1)], UPS)

    assert created.lines == (FulfillmentLine(first.id, 1),)
    assert shop.fulfillments(order.id)[0]["lines"] == {first.id: 1}
    assert shop.fulfillments(order.id)[0]["tracking"] == [
        {"company": "UPS", "number": UPS.number, "url": UPS.url}
    ]
    left = shop.remaining(order.id)
    assert left[first.id] == first.quantity - 1
    assert left[order.lines[1].id] == order.lines[1].quantity


def test_fulfilling_everything_closes_the_order_and_emails_once(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(3)))

    connector.create_fulfillment(
        order.id, [FulfillmentLine(line.id, line.quantity) for line in order.lines], UPS
    )

    assert set(shop.remaining(order.id).values()) == {0}
    assert connector.get_order(order.id).status == "fulfilled"
    assert [email.kind for email in shop.emails_sent] == ["Shipping confirmation"]


def test_notify_false_sends_no_email(shop: ShopifyEmulator, connector: ShopifyConnector) -> None:
    order = connector.get_order(shop.add_order(sample_with(1)))
    line = order.lines[0]

    connector.create_fulfillment(order.id, [FulfillmentLine(line.id, 1)], UPS, notify=False)

    assert shop.emails_sent == []


def test_a_shipment_across_two_locations_is_two_fulfillments_and_one_email(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    shop.split_locations = True
    order = connector.get_order(shop.add_order(sample_with(2)))
    lines = [FulfillmentLine(line.id, line.quantity) for line in order.lines]

    created = connector.create_fulfillment(order.id, lines, UPS)

    made = shop.fulfillments(order.id)
    assert len(made) == 2
    assert created.id == made[0]["id"]
    assert set(created.lines) == set(lines)
    assert len(shop.emails_sent) == 1


def test_more_than_is_left_to_ship_is_rejected_before_anything_is_sent(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    line = order.lines[0]
    connector.create_fulfillment(order.id, [FulfillmentLine(line.id, 1)], UPS)

    with pytest.raises(Rejected) as caught:
        connector.create_fulfillment(order.id, [FulfillmentLine(line.id, line.quantity)], SECOND)

    assert line.sku in str(caught.value)
    assert len(shop.fulfillments(order.id)) == 1


def test_an_order_on_hold_is_rejected_with_what_to_do(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(1)))
    shop.hold(order.id)

    with pytest.raises(Rejected) as caught:
        connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], UPS)

    assert "on hold" in str(caught.value)
    assert shop.fulfillments(order.id) == []


def test_a_second_tracking_number_keeps_the_first(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    created = connector.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], UPS)

    updated = connector.add_tracking(order.id, created, SECOND)

    assert updated.tracking_numbers == (UPS.number, SECOND.number)
    assert shop.fulfillments(order.id)[0]["tracking"] == [
        {"company": "UPS", "number": UPS.number, "url": UPS.url},
        {"company": "UPS", "number": SECOND.number, "url": SECOND.url},
    ]
    assert [e.kind for e in shop.emails_sent] == ["Shipping confirmation", "Shipping update"]
    assert connector.add_tracking(order.id, updated, SECOND) == updated


def test_a_second_tracking_number_reaches_the_twin_at_the_other_location(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    shop.split_locations = True
    order = connector.get_order(shop.add_order(sample_with(2)))
    created = connector.create_fulfillment(
        order.id, [FulfillmentLine(line.id, line.quantity) for line in order.lines], UPS
    )

    connector.add_tracking(order.id, created, SECOND)

    assert [f["tracking_numbers"] for f in shop.fulfillments(order.id)] == [
        [UPS.number, SECOND.number],
        [UPS.number, SECOND.number],
    ]
    assert len(shop.emails_sent) == 2  # the confirmation, then one update


def test_listed_fulfillments_show_their_numbers_and_lines(
    shop: ShopifyEmulator, connector: ShopifyConnector
) -> None:
    order = connector.get_order(shop.add_order(sample_with(2)))
    lines = [FulfillmentLine(order.lines[1].id, 1)]
    created = connector.create_fulfillment(order.id, lines, UPS)

    (listed,) = connector.list_fulfillments(order.id)

    assert listed == created


# -- rate limit and faults -------------------------------------------------------------


def test_pacing_waits_for_the_bucket_so_no_query_is_throttled(wall: ShopClock) -> None:
    sleeps = Sleeps()
    # A bucket barely bigger than one page of orders costs: each page must wait for refill.
    with ShopifyEmulator(bucket_max=900.0, restore_rate=100.0, time_scale=20.0, now=wall) as shop:
        placed = shop.add_sample_orders(9)
        with connect(shop, sleep=sleeps) as paced:
            listed = list(paced.iter_orders(wall.now - timedelta(minutes=1)))
            throttled = paced.graphql.throttled_seen

    assert [o.id for o in listed] == placed
    assert throttled == 0
    assert [w for w in sleeps.waits if w > 0]


@pytest.mark.parametrize("status", [200, 429])
def test_a_throttled_query_waits_out_the_deficit_and_is_sent_again(
    shop: ShopifyEmulator, status: int
) -> None:
    sleeps = Sleeps()
    shop.throttle_status = status
    shop.faults.inject(Fault.RATE_LIMIT, path="graphql")

    with connect(shop, sleep=sleeps) as patient:
        assert patient.verify().name
        assert patient.graphql.throttled_seen == 1

    # The fault reports an empty bucket: the wait is the query's cost over the restore rate.
    assert sleeps.waits and sleeps.waits[0] == pytest.approx(3 / 5000, abs=0.06)


class FaultOnMutation(httpx.BaseTransport):
    """Arms an emulator fault just before the connector's mutation leaves."""

    def __init__(self, shop: ShopifyEmulator, fault: Fault) -> None:
        self._inner = httpx.HTTPTransport()
        self._shop = shop
        self._fault = fault

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if b"mutation" in request.read():
            self._shop.faults.inject(self._fault, path="graphql")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def test_a_mutation_that_times_out_is_ambiguous_though_it_was_made(
    shop: ShopifyEmulator,
) -> None:
    shop.faults.delay = 2.0
    transport = FaultOnMutation(shop, Fault.TIMEOUT_AFTER_STORE)
    with connect(shop, transport=transport, timeout=0.5) as slow:
        order = slow.get_order(shop.add_order(sample_with(1)))
        line = order.lines[0]
        with pytest.raises(Ambiguous):
            slow.create_fulfillment(order.id, [FulfillmentLine(line.id, 1)], UPS)

        # What the engine does next: look before sending again.
        assert [f.tracking_numbers for f in slow.list_fulfillments(order.id)] == [(UPS.number,)]


def test_a_server_error_on_a_mutation_is_ambiguous_and_not_resent(shop: ShopifyEmulator) -> None:
    with connect(shop, transport=FaultOnMutation(shop, Fault.SERVER_ERROR)) as built:
        order = built.get_order(shop.add_order(sample_with(1)))
        with pytest.raises(Ambiguous):
            built.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], UPS)

    assert graphql_calls(shop)[-1] == 500
    assert shop.fulfillments(order.id) == []

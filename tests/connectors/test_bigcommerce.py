"""The BigCommerce connector: parsing the documented shapes, errors, rate limits, store forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from desktop_sync.connectors.errors import Ambiguous, AuthError, Rejected, Transient
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import (
    FulfillmentLine,
    PaymentState,
    StoreConnector,
    StoreFulfillment,
    Tracking,
)
from desktop_sync.connectors.stores.bigcommerce import (
    BigCommerceConnector,
    from_credentials,
    shipping_provider,
    store_api_url,
)
from desktop_sync.connectors.stores.bigcommerce_parsing import (
    error_message,
    parse_fulfillment,
    parse_order,
)
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.server import Fault
from tests.fakes import FakeTime

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bigcommerce"
API = "https://api.bigcommerce.com/stores/abc123/v2"
TOKEN = "secret-token-abcdef0123456789"
NO_WAIT = Backoff(base=0.0, cap=0.0, floor=0.0, attempts=3)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    """The BigCommerce API of store ``abc123``; routes are relative to ``/v2``."""
    with respx.mock(base_url=API, assert_all_called=False) as router:
        # verify()'s write probe: a token that may write is told order 0 does not exist.
        router.put("/orders/0/shipments/0").respond(
            404, json=[{"status": 404, "message": "The requested resource was not found."}]
        )
        # The shipping snapshot of a page of orders (list_fulfillments): none here, so each
        # test's own shipments route answers.
        router.get(url__regex=r"/v2/orders\?min_id=").respond(204)
        yield router


@pytest.fixture
def connector(mock: respx.MockRouter, fake_time: FakeTime) -> Iterator[BigCommerceConnector]:
    conn = BigCommerceConnector(
        "abc123",
        TOKEN,
        http=HttpSettings(sleep=fake_time.sleep, clock=fake_time.clock, backoff=NO_WAIT),
    )
    yield conn
    conn.close()


def mock_order_218(mock: respx.MockRouter) -> None:
    mock.get("/orders/218").respond(200, json=fixture("order_218.json"))
    mock.get("/orders/218/products").respond(200, json=fixture("order_218_products.json"))
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )


# -- parsing the documented shapes ----------------------------------------------------------


def test_the_documented_order_parses_into_a_store_order() -> None:
    order = parse_order(
        fixture("order_218.json"),
        fixture("order_218_products.json"),
        fixture("order_218_shipping_addresses.json"),
    )

    assert (order.id, order.number) == ("218", "218")
    assert order.created_at == datetime(2025, 7, 14, 9, 12, 44, tzinfo=UTC)
    assert order.updated_at == datetime(2025, 7, 14, 9, 15, 2, tzinfo=UTC)
    assert order.status == "Awaiting Fulfillment"
    assert order.payment_state is PaymentState.PAID
    assert order.email == "ana.silva@example.com"
    assert order.shipping_method == "Flat Rate"
    assert order.shipping_address.address2 == "Apt 4"
    assert order.shipping_address.country == "US"
    assert order.billing_address.state == "Texas"
    (line,) = order.lines
    assert (line.id, line.sku, line.name, line.quantity) == ("194", "TEE-BLK-M", "Logo Tee", 2)
    assert line.unit_price == Decimal("20.0000")
    assert line.options == (("Color", "Black"), ("Size", "M"))
    assert order.order_total == Decimal("48.3000")
    assert order.tax_total == Decimal("3.3000")
    assert order.shipping_total == Decimal("5.0000")
    assert order.discount_total == Decimal(0)
    assert order.currency == "USD"
    assert not order.is_cancelled


@pytest.mark.parametrize(
    ("payment_status", "state"),
    [
        ("captured", PaymentState.PAID),
        ("paid", PaymentState.PAID),
        ("authorized", PaymentState.AUTHORIZED),
        ("capture pending", PaymentState.PENDING),
        ("held for review", PaymentState.PENDING),
        ("declined", PaymentState.DECLINED),
        ("partially refunded", PaymentState.PARTIALLY_REFUNDED),
        ("refunded", PaymentState.REFUNDED),
        ("void", PaymentState.VOIDED),
        ("", PaymentState.UNKNOWN),
    ],
)
def test_payment_status_maps_to_a_payment_state(payment_status: str, state: PaymentState) -> None:
    raw = {**fixture("order_218.json"), "payment_status": payment_status}

    assert parse_order(raw, [], []).payment_state is state


def test_a_cancelled_order_is_marked_cancelled() -> None:
    raw = {**fixture("order_218.json"), "status_id": 5, "custom_status": "Cancelled"}

    assert parse_order(raw, [], []).is_cancelled


def test_the_documented_shipment_parses_into_a_fulfillment() -> None:
    assert parse_fulfillment(fixture("shipment_201.json")) == StoreFulfillment(
        id="11",
        order_id="218",
        tracking_numbers=("1Z999AA10123456784",),
        lines=(FulfillmentLine("194", 1),),
    )


def test_error_messages_are_read_from_v2_arrays_and_v3_objects() -> None:
    v2 = json.dumps(fixture("error_v2_product_id.json")).encode()
    v3 = json.dumps(fixture("error_v3_422.json")).encode()

    assert error_message(v2).startswith("The field 'product_id' cannot be written to.")
    assert error_message(v3) == (
        "Missing Required Fields tracking_number: The field 'tracking_number' is required."
    )
    assert error_message(b"<html>oops</html>") == ""


# -- the store, in every form a merchant may paste -------------------------------------------


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        ("abc123", "https://api.bigcommerce.com/stores/abc123"),
        (" ABC123 ", "https://api.bigcommerce.com/stores/abc123"),
        ("store-abc123.mybigcommerce.com", "https://api.bigcommerce.com/stores/abc123"),
        (
            "https://store-abc123.mybigcommerce.com/manage",
            "https://api.bigcommerce.com/stores/abc123",
        ),
        (
            "https://api.bigcommerce.com/stores/abc123/v3/",
            "https://api.bigcommerce.com/stores/abc123",
        ),
        ("http://127.0.0.1:8123/stores/sandbox1", "http://127.0.0.1:8123/stores/sandbox1"),
    ],
)
def test_the_store_may_be_a_hash_a_control_panel_address_or_an_api_path(
    store: str, expected: str
) -> None:
    assert store_api_url(store) == expected
    assert BigCommerceConnector(store, TOKEN).api_url == expected


@pytest.mark.parametrize("store", ["", "my shop", "https://example.com/"])
def test_an_unrecognised_store_is_refused_with_a_sentence(store: str) -> None:
    with pytest.raises(ValueError, match="store hash"):
        store_api_url(store)


def test_a_plain_http_store_that_is_not_this_computer_is_refused() -> None:
    with pytest.raises(ValueError, match="https://"):
        BigCommerceConnector("http://api.example.com/stores/abc123", TOKEN)


def test_from_credentials_uses_the_key_as_access_token_and_ignores_the_secret() -> None:
    with respx.mock(base_url=API) as mock:
        route = mock.get("/store").respond(200, json=fixture("store.json"))
        mock.get("/orders").respond(204)
        mock.put("/orders/0/shipments/0").respond(404, json=[{"status": 404}])
        conn = from_credentials(
            "abc123", TOKEN, "unused-secret", http=HttpSettings(backoff=NO_WAIT)
        )
        identity = conn.verify()

    assert isinstance(conn, StoreConnector)
    assert route.calls.last.request.headers["X-Auth-Token"] == TOKEN
    assert identity.name == "Acme Tees" and identity.timezone == "America/Chicago"


@pytest.mark.parametrize(
    ("carrier", "provider"),
    [
        ("UPS", "ups"),
        ("USPS", "usps"),
        ("FedEx", "fedex"),
        ("Australia Post", "auspost"),
        ("Canada Post", "canadapost"),
        ("Royal Mail", "royalmail"),
        ("DHL Express", ""),
        ("", ""),
    ],
)
def test_carrier_names_map_to_bigcommerce_shipping_providers(carrier: str, provider: str) -> None:
    assert shipping_provider(carrier) == provider


# -- requests and errors ------------------------------------------------------------------


def test_verify_sends_the_documented_headers(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    store = mock.get("/store").respond(200, json=fixture("store.json"))
    orders = mock.get("/orders").respond(204)

    connector.verify()

    request = store.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("desktop-sync/")
    assert "Content-Type" not in request.headers
    assert orders.calls.last.request.url.params["limit"] == "1"


def test_a_wrong_token_is_an_auth_error_that_says_where_to_make_one(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/store").respond(401, json=[{"status": 401, "message": "Unauthorized"}])

    with pytest.raises(AuthError) as caught:
        connector.verify()

    assert "Store-level API accounts" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_a_missing_information_scope_is_named(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    mock.get("/store").respond(403, json=[{"status": 403, "message": "Forbidden"}])

    with pytest.raises(AuthError, match="lacks the Information & Settings: read-only scope"):
        connector.verify()


def test_a_missing_orders_scope_is_named(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    mock.get("/store").respond(200, json=fixture("store.json"))
    mock.get("/orders").respond(403, json=[{"status": 403, "message": "Forbidden"}])

    with pytest.raises(AuthError, match="lacks the Orders: modify scope"):
        connector.verify()


def test_an_empty_order_list_answered_with_204_yields_nothing(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    route = mock.get("/orders").respond(204)

    assert list(connector.iter_orders(datetime(2025, 7, 14, 9, tzinfo=UTC))) == []
    assert route.call_count == 1


def test_the_window_is_sent_encoded_once_sorted_by_id_with_the_lines_included(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    route = mock.get("/orders").respond(204)

    since = datetime(2025, 7, 14, 9, 0, 0, 500, tzinfo=UTC)
    list(connector.iter_orders(since, datetime(2025, 7, 14, 10, tzinfo=UTC)))

    query = route.calls.last.request.url.query.decode()
    assert "min_date_modified=2025-07-14T09%3A00%3A00%2B00%3A00" in query
    assert "max_date_modified=2025-07-14T10%3A00%3A00%2B00%3A00" in query
    assert "%25" not in query
    assert "sort=id&" in query
    assert "include=consignments.line_items%2Cfees" in query
    assert "consignment_structure=object" in query


def test_orders_outside_the_window_are_left_out_when_the_filter_was_ignored(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    inside = fixture("order_218.json")
    older = {**inside, "id": 217, "date_modified": "Sun, 13 Jul 2025 09:15:02 +0000"}
    incomplete = {**inside, "id": 219, "status_id": 0}
    mock.get("/orders").respond(200, json=[older, inside, incomplete])
    mock_order_218(mock)

    orders = list(
        connector.iter_orders(
            datetime(2025, 7, 14, 9, tzinfo=UTC), datetime(2025, 7, 14, 10, tzinfo=UTC)
        )
    )

    assert [order.id for order in orders] == ["218"]


def test_a_full_page_asks_for_the_orders_after_its_last_id_until_a_short_page(
    fake_time: FakeTime,
) -> None:
    orders = [{**fixture("order_218.json"), "id": i} for i in (1, 2, 3)]
    with respx.mock(base_url=API) as mock:
        listing = mock.get("/orders").mock(
            side_effect=[httpx.Response(200, json=orders[:2]), httpx.Response(200, json=orders[2:])]
        )
        mock.get(url__regex=r".*/orders/\d+/products").respond(204)
        mock.get(url__regex=r".*/orders/\d+/shipping_addresses").respond(204)
        conn = BigCommerceConnector(
            "abc123", TOKEN, page_size=2, http=HttpSettings(backoff=NO_WAIT)
        )
        found = [order.id for order in conn.iter_orders(datetime(2025, 7, 14, tzinfo=UTC))]

    assert found == ["1", "2", "3"]
    assert [call.request.url.params.get("min_id") for call in listing.calls] == [None, "3"]
    assert all("page" not in call.request.url.params for call in listing.calls)


def test_a_v3_style_validation_error_is_rejected_with_its_words(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    mock.post("/orders/218/shipments").respond(422, json=fixture("error_v3_422.json"))

    with pytest.raises(Rejected) as caught:
        connector.create_fulfillment("218", [FulfillmentLine("194", 1)], Tracking("1Z"))

    assert caught.value.status_code == 422
    assert "Missing Required Fields" in str(caught.value)
    assert "tracking_number" in str(caught.value)


def test_an_unknown_order_is_rejected(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    mock.get("/orders/9").respond(
        404, json=[{"status": 404, "message": "The requested resource was not found."}]
    )

    with pytest.raises(Rejected, match="not found"):
        connector.get_order("9")


def test_a_429_waits_the_longer_of_retry_after_and_the_reset_time(
    mock: respx.MockRouter, connector: BigCommerceConnector, fake_time: FakeTime
) -> None:
    limited = {
        "X-Retry-After": "2",
        "X-Rate-Limit-Time-Reset-Ms": "5000",
        "X-Rate-Limit-Requests-Left": "0",
    }
    mock.get("/orders/218").mock(
        side_effect=[
            httpx.Response(429, headers=limited),
            httpx.Response(429, headers={**limited, "X-Retry-After": "7"}),
            httpx.Response(200, json=fixture("order_218.json")),
        ]
    )
    mock.get("/orders/218/products").respond(200, json=fixture("order_218_products.json"))
    mock.get("/orders/218/shipping_addresses").respond(204)

    assert connector.get_order("218").id == "218"
    assert fake_time.sleeps[:2] == [5.0, 7.0]


def test_requests_are_paced_when_the_quota_is_nearly_spent(
    mock: respx.MockRouter, connector: BigCommerceConnector, fake_time: FakeTime
) -> None:
    spent = {"X-Rate-Limit-Requests-Left": "1", "X-Rate-Limit-Time-Reset-Ms": "1500"}
    mock.get("/store").respond(200, json=fixture("store.json"), headers=spent)
    mock.get("/orders").respond(
        204, headers={"X-Rate-Limit-Requests-Left": "148", "X-Rate-Limit-Time-Reset-Ms": "29000"}
    )

    connector.verify()
    connector.verify()

    assert fake_time.sleeps == [1.5, 1.5]


def test_a_server_error_on_a_read_is_retried_then_succeeds(
    mock: respx.MockRouter, connector: BigCommerceConnector, fake_time: FakeTime
) -> None:
    mock.get("/store").mock(
        side_effect=[
            httpx.Response(503),
            httpx.ConnectError("down"),
            httpx.Response(200, json=fixture("store.json")),
        ]
    )
    mock.get("/orders").respond(204)

    assert connector.verify().name == "Acme Tees"
    assert len(fake_time.sleeps) == 2


def test_a_lasting_server_error_on_a_read_is_transient(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    route = mock.get("/store").respond(
        500, json=[{"status": 500, "message": "Internal Server Error"}]
    )

    with pytest.raises(Transient, match="try again"):
        connector.verify()
    assert route.call_count == NO_WAIT.attempts


def test_a_server_error_after_sending_a_shipment_is_ambiguous_and_not_repeated(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    post = mock.post("/orders/218/shipments").respond(502)

    with pytest.raises(Ambiguous):
        connector.create_fulfillment("218", [FulfillmentLine("194", 1)], Tracking("1Z", "UPS"))
    assert post.call_count == 1


def test_a_shipment_that_could_not_be_sent_at_all_is_transient(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    mock.post("/orders/218/shipments").mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(Transient):
        connector.create_fulfillment("218", [FulfillmentLine("194", 1)], Tracking("1Z", "UPS"))


def test_a_shipment_posts_the_lines_and_the_mapped_provider(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))

    created = connector.create_fulfillment(
        "218", [FulfillmentLine("194", 1)], Tracking("1Z999AA10123456784", "UPS", "https://x")
    )

    sent = json.loads(post.calls.last.request.content)
    assert sent == {
        "order_address_id": 131,
        "tracking_number": "1Z999AA10123456784",
        "shipping_provider": "ups",
        "tracking_carrier": "",
        "tracking_link": "",
        "items": [{"order_product_id": 194, "quantity": 1}],
    }
    assert post.calls.last.request.headers["Content-Type"] == "application/json"
    assert created.tracking_numbers == ("1Z999AA10123456784",)


def test_an_unknown_carrier_sends_the_tracking_url_as_a_custom_link(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))

    connector.create_fulfillment(
        "218",
        [FulfillmentLine("194", 1)],
        Tracking("JD0001", "Speedy Parcels Ltd", "https://speedy.example/JD0001"),
    )

    sent = json.loads(post.calls.last.request.content)
    assert (sent["shipping_provider"], sent["tracking_carrier"], sent["tracking_link"]) == (
        "",
        "",
        "https://speedy.example/JD0001",
    )


@pytest.mark.parametrize(
    ("carrier", "slug"), [("DHL", "dhl"), ("DPD", "dpd"), ("GLS", "gls"), ("Evri", "hermes")]
)
def test_a_known_carrier_without_a_provider_gets_its_tracking_carrier(
    mock: respx.MockRouter, connector: BigCommerceConnector, carrier: str, slug: str
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))

    connector.create_fulfillment(
        "218", [FulfillmentLine("194", 1)], Tracking("JD0001", carrier, "https://x.example/1")
    )

    sent = json.loads(post.calls.last.request.content)
    assert (sent["shipping_provider"], sent["tracking_carrier"], sent["tracking_link"]) == (
        "",
        slug,
        "",
    )


def test_a_tracking_link_over_500_characters_is_left_out_and_the_shipment_sent(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=fixture("order_218_shipping_addresses.json")
    )
    post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))
    link = "https://speedy.example/track?" + "x" * 500

    connector.create_fulfillment(
        "218", [FulfillmentLine("194", 1)], Tracking("JD0001", "Speedy Parcels", link)
    )

    sent = json.loads(post.calls.last.request.content)
    assert (sent["tracking_number"], sent["tracking_link"]) == ("JD0001", "")


def test_shipping_addresses_past_the_first_page_are_read(fake_time: FakeTime) -> None:
    first = fixture("order_218_shipping_addresses.json")[0]
    pages = [
        [{**first, "id": 1}, {**first, "id": 2}],
        [{**first, "id": 131}],
    ]
    products = [{**fixture("order_218_products.json")[0], "order_address_id": 131}]
    with respx.mock(base_url=API) as mock:
        listing = mock.get("/orders/218/shipping_addresses").mock(
            side_effect=[httpx.Response(200, json=page) for page in pages]
        )
        mock.get("/orders/218/products").respond(200, json=products)
        post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))
        conn = BigCommerceConnector(
            "abc123", TOKEN, page_size=2, http=HttpSettings(backoff=NO_WAIT)
        )
        conn.create_fulfillment("218", [FulfillmentLine("194", 1)], Tracking("1Z9", "UPS"))

    assert [call.request.url.params["page"] for call in listing.calls] == ["1", "2"]
    assert json.loads(post.calls.last.request.content)["order_address_id"] == 131


def test_a_multi_address_order_ships_to_the_lines_own_address(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    addresses = fixture("order_218_shipping_addresses.json")
    products = fixture("order_218_products.json")
    second = {**products[0], "id": 195, "order_address_id": 132}
    mock.get("/orders/218/shipping_addresses").respond(
        200, json=[*addresses, {**addresses[0], "id": 132}]
    )
    mock.get("/orders/218/products").respond(200, json=[*products, second])
    post = mock.post("/orders/218/shipments").respond(201, json=fixture("shipment_201.json"))

    connector.create_fulfillment("218", [FulfillmentLine("195", 1)], Tracking("1Z", "UPS"))
    with pytest.raises(Rejected, match="different shipping addresses"):
        connector.create_fulfillment(
            "218", [FulfillmentLine("194", 1), FulfillmentLine("195", 1)], Tracking("1Z", "UPS")
        )

    assert json.loads(post.calls.last.request.content)["order_address_id"] == 132
    assert post.call_count == 1


def test_a_tracking_number_over_50_characters_is_rejected_before_sending(
    mock: respx.MockRouter,
    connector: BigCommerceConnector,
) -> None:
    with pytest.raises(Rejected, match="50 characters"):
        connector.create_fulfillment("218", [FulfillmentLine("194", 1)], Tracking("9" * 51, "UPS"))

    assert not mock.calls


def test_no_shipments_answered_with_204_is_an_empty_list(
    mock: respx.MockRouter, connector: BigCommerceConnector
) -> None:
    mock.get("/orders/218/shipments").respond(204)

    assert connector.list_fulfillments("218") == []


def test_a_second_tracking_number_cannot_be_added(connector: BigCommerceConnector) -> None:
    shipment = parse_fulfillment(fixture("shipment_201.json"))

    with pytest.raises(Rejected, match="one tracking number per shipment"):
        connector.add_tracking("218", shipment, Tracking("1Z2"))
    assert not BigCommerceConnector.capabilities.multiple_tracking_numbers


# -- against the emulator -----------------------------------------------------------------


def test_a_shipment_whose_answer_is_lost_is_ambiguous_and_then_found() -> None:
    with BigCommerceEmulator(access_token=TOKEN) as store:
        assert isinstance(store, BigCommerceEmulator)
        order_id = str(store.add_order())
        conn = BigCommerceConnector(store.api_url, TOKEN, http=HttpSettings(backoff=NO_WAIT))
        order = conn.get_order(order_id)
        store.faults.inject(Fault.DROP_AFTER, method="POST", path="/shipments")
        lines = [FulfillmentLine(line.id, line.quantity) for line in order.lines]

        with pytest.raises(Ambiguous):
            conn.create_fulfillment(order_id, lines, Tracking("1Z999", "UPS"))
        found = conn.list_fulfillments(order_id)
        conn.close()

    assert [f.tracking_numbers for f in found] == [("1Z999",)]
    assert len(store.emails_sent) == 1


def test_pacing_from_the_headers_keeps_a_sync_clear_of_429s() -> None:
    # A quota of 4 per 30 s, with 30 s passing in one real second.
    with BigCommerceEmulator(access_token=TOKEN, quota=4, time_scale=30.0) as store:
        assert isinstance(store, BigCommerceEmulator)
        store.add_sample_orders(7)
        conn = BigCommerceConnector(
            store.api_url, TOKEN, page_size=1, rate_reserve=0, http=HttpSettings(backoff=NO_WAIT)
        )
        orders = list(conn.iter_orders(datetime(2000, 1, 1, tzinfo=UTC)))
        conn.close()
        statuses = [status for _, _, status in store.request_log]

    assert len(orders) == 7
    assert len(statuses) == 8 and 429 not in statuses


def test_a_sub_resource_that_repeats_its_pages_stops_with_a_sentence(fake_time: FakeTime) -> None:
    products = fixture("order_218_products.json")
    full = [{**products[0], "id": 194 + i} for i in range(2)]
    with respx.mock(base_url=API) as mock:
        listing = mock.get("/orders/218/products").respond(200, json=full)  # page ignored
        mock.get("/orders/218").respond(200, json=fixture("order_218.json"))
        conn = BigCommerceConnector(
            "abc123", TOKEN, page_size=2, http=HttpSettings(backoff=NO_WAIT)
        )
        with pytest.raises(Transient, match="same page of products twice"):
            conn.get_order("218")

    assert listing.call_count == 2

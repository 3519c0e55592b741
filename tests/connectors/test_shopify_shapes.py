"""ShopifyConnector on the documented response shapes (tests/fixtures/shopify), including the
ones the emulator does not produce: Shopify's own error bodies, status codes and oddities."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
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
    StoreAddress,
    StoreIdentity,
    StoreLine,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import SHOPIFY_API_VERSION, ShopifyConnector
from desktop_sync.connectors.stores.shopify_parsing import parse_fulfillment, parse_order
from tests.fakes import FakeTime

FIXTURES = Path(__file__).parent.parent / "fixtures" / "shopify"
SHOP = "https://acme-tees.myshopify.com"
GRAPHQL = f"/admin/api/{SHOPIFY_API_VERSION}/graphql.json"
TOKEN = "shpat_static0123456789abcdef"
ORDER_ID = "gid://shopify/Order/5678901234567"
UPS = Tracking("1Z999AA10123456784", "UPS")


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def order_node() -> dict[str, Any]:
    node: dict[str, Any] = fixture("order_1042.json")["data"]["orders"]["nodes"][0]
    return node


def parsed(node: dict[str, Any]) -> StoreOrder:
    return parse_order(node, node["lineItems"]["nodes"])


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime(start=100.0)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=SHOP, assert_all_called=False) as router:
        yield router


def build(fake_time: FakeTime, **options: Any) -> ShopifyConnector:
    settings: dict[str, Any] = {"access_token": TOKEN}
    settings.update(options)
    return ShopifyConnector(
        "acme-tees",
        **settings,
        http=HttpSettings(
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            backoff=Backoff(base=0.01, cap=0.02, floor=0.0, attempts=2),
        ),
    )


@pytest.fixture
def connector(mock: respx.MockRouter, fake_time: FakeTime) -> Iterator[ShopifyConnector]:
    with build(fake_time) as built:
        yield built


def sent(call: Any) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(call.request.content)
    return body


# -- parsing ---------------------------------------------------------------------------


def test_the_documented_order_node_parses_into_a_store_order() -> None:
    address = StoreAddress(
        first_name="Ana",
        last_name="Silva",
        address1="123 Main St",
        address2="Apt 4",
        city="Austin",
        state="TX",
        postal_code="78701",
        country="US",
        phone="+15125550100",
        email="ana.silva@example.com",
    )

    assert parsed(order_node()) == StoreOrder(
        id=ORDER_ID,
        number="1042",
        created_at=datetime(2025, 7, 14, 9, 12, 44, tzinfo=UTC),
        updated_at=datetime(2025, 7, 14, 9, 15, 2, tzinfo=UTC),
        status="unfulfilled",
        payment_state=PaymentState.PAID,
        email="ana.silva@example.com",
        shipping_address=address,
        billing_address=StoreAddress(**{**address.__dict__, "phone": ""}),
        shipping_method="Standard Shipping",
        lines=(
            StoreLine(
                id="gid://shopify/LineItem/13579246801357",
                sku="TEE-BLK-M",
                name="Logo Tee",
                quantity=2,
                unit_price=Decimal("20.0"),
                options=(("Color", "Black"), ("Size", "M")),
            ),
        ),
        shipping_total=Decimal("5.0"),
        tax_total=Decimal("3.6"),
        discount_total=Decimal("0.0"),
        order_total=Decimal("48.6"),
        currency="USD",
    )


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("PAID", PaymentState.PAID),
        ("AUTHORIZED", PaymentState.AUTHORIZED),
        ("PENDING", PaymentState.PENDING),
        ("PARTIALLY_PAID", PaymentState.PARTIALLY_PAID),
        ("PARTIALLY_REFUNDED", PaymentState.PARTIALLY_REFUNDED),
        ("REFUNDED", PaymentState.REFUNDED),
        ("VOIDED", PaymentState.VOIDED),
        ("EXPIRED", PaymentState.VOIDED),
        (None, PaymentState.UNKNOWN),
    ],
)
def test_display_financial_status_maps_to_a_payment_state(
    status: str | None, state: PaymentState
) -> None:
    assert parsed({**order_node(), "displayFinancialStatus": status}).payment_state is state


def test_a_cancelled_order_is_marked_cancelled() -> None:
    order = parsed({**order_node(), "cancelledAt": "2025-07-15T10:00:00Z"})

    assert order.is_cancelled
    assert order.status == "cancelled"


def test_current_quantity_is_what_ships_and_fully_removed_lines_are_left_out() -> None:
    node = order_node()
    kept = {**node["lineItems"]["nodes"][0], "quantity": 3, "currentQuantity": 1}
    removed = {**kept, "id": "gid://shopify/LineItem/2", "currentQuantity": 0}

    order = parse_order(node, [kept, removed])

    assert [(line.id, line.quantity) for line in order.lines] == [(kept["id"], 1)]


@pytest.mark.parametrize(("name", "number"), [("#1042", "1042"), ("EU-1042-X", "EU-1042-X")])
def test_the_order_number_is_the_name_without_a_leading_hash(name: str, number: str) -> None:
    assert parsed({**order_node(), "name": name}).number == number


def test_a_missing_address_and_shipping_line_give_empty_values() -> None:
    order = parsed({**order_node(), "shippingAddress": None, "shippingLine": None, "note": "Hi"})

    assert order.shipping_address == StoreAddress(email="ana.silva@example.com")
    assert order.shipping_method == ""
    assert order.customer_note == "Hi"


# -- requests and answers --------------------------------------------------------------


def test_orders_are_asked_for_with_the_window_and_the_token(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    route = mock.post(GRAPHQL).respond(200, json=fixture("order_1042.json"))

    (order,) = connector.iter_orders(
        datetime(2025, 7, 14, 9, 0, 0, 250_000, tzinfo=UTC),
        datetime(2025, 7, 14, 9, 59, 59, 999_999, tzinfo=UTC),
    )

    assert order.number == "1042"
    request = route.calls.last.request
    assert request.headers["X-Shopify-Access-Token"] == TOKEN
    variables = sent(route.calls.last)["variables"]
    assert variables["q"] == (
        "updated_at:>='2025-07-14T09:00:00Z' AND updated_at:<'2025-07-14T10:00:00Z'"
    )
    assert variables["first"] == 3 and variables["after"] is None


def test_an_order_outside_the_window_is_not_yielded_even_if_returned(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("order_1042.json"))

    assert list(connector.iter_orders(datetime(2025, 7, 14, 9, 16, tzinfo=UTC))) == []


def test_a_query_over_the_cost_cap_is_asked_again_with_a_smaller_page(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    route = mock.post(GRAPHQL)
    route.side_effect = [
        httpx.Response(200, json=fixture("max_cost_exceeded.json")),
        httpx.Response(200, json=fixture("order_1042.json")),
    ]

    with build(fake_time, page_size=10) as connector:
        orders = list(connector.iter_orders(datetime(2025, 7, 14, tzinfo=UTC)))

    assert len(orders) == 1
    # 2642 points for 10 orders: about 264 each, so 3 fit under 90 % of 1,000.
    assert [sent(call)["variables"]["first"] for call in route.calls] == [10, 3]


def test_verify_reads_the_shop_and_counts_write_scopes_as_read(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("verify_shop.json"))

    assert connector.verify() == StoreIdentity(
        "Acme Tees", "https://acme-tees.myshopify.com", "USD", "America/New_York"
    )


@pytest.mark.parametrize("status", [200, 429])
def test_throttled_waits_the_cost_deficit_over_the_restore_rate(
    mock: respx.MockRouter, connector: ShopifyConnector, fake_time: FakeTime, status: int
) -> None:
    route = mock.post(GRAPHQL)
    route.side_effect = [
        httpx.Response(status, json=fixture("throttled.json")),
        httpx.Response(200, json=fixture("verify_shop.json")),
    ]

    assert connector.verify().name == "Acme Tees"

    assert fake_time.sleeps[0] == pytest.approx((752 - 552) / 100.0)
    assert route.call_count == 2


@pytest.mark.parametrize("dated", [False, True])
def test_a_429_with_retry_after_waits_what_it_says_in_seconds_or_as_a_date(
    mock: respx.MockRouter, connector: ShopifyConnector, fake_time: FakeTime, dated: bool
) -> None:
    told = format_datetime(datetime.now(UTC) + timedelta(seconds=9), usegmt=True) if dated else "9"
    route = mock.post(GRAPHQL)
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": told}),
        httpx.Response(200, json=fixture("verify_shop.json")),
    ]

    assert connector.verify().name == "Acme Tees"

    assert fake_time.sleeps[0] == pytest.approx(9.0, abs=1.5)
    assert route.call_count == 2


def test_pacing_holds_a_known_query_until_the_bucket_can_pay_for_it(
    mock: respx.MockRouter, connector: ShopifyConnector, fake_time: FakeTime
) -> None:
    low = fixture("verify_shop.json")
    low["extensions"]["cost"]["requestedQueryCost"] = 300
    low["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] = 100
    mock.post(GRAPHQL).respond(200, json=low)

    connector.verify()
    assert fake_time.sleeps == []
    connector.verify()

    assert fake_time.sleeps == [pytest.approx((300 - 100) / 100.0)]


def test_user_errors_are_rejected_in_shopifys_words(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    fos = {
        "data": {
            "order": {
                "id": ORDER_ID,
                "name": "#1042",
                "fulfillmentOrders": {
                    "pageInfo": {"hasNextPage": False, "endCursor": None},
                    "nodes": [
                        {
                            "id": "gid://shopify/FulfillmentOrder/6543210987654",
                            "status": "OPEN",
                            "supportedActions": [{"action": "CREATE_FULFILLMENT"}],
                            "assignedLocation": {
                                "name": "Shop location",
                                "location": {"id": "gid://shopify/Location/1"},
                            },
                            "lineItems": {
                                "pageInfo": {"hasNextPage": False, "endCursor": None},
                                "nodes": [
                                    {
                                        "id": "gid://shopify/FulfillmentOrderLineItem/13579135791",
                                        "remainingQuantity": 2,
                                        "lineItem": {
                                            "id": "gid://shopify/LineItem/13579246801357",
                                            "sku": "TEE-BLK-M",
                                        },
                                    }
                                ],
                            },
                        }
                    ],
                },
            }
        }
    }
    route = mock.post(GRAPHQL)
    route.side_effect = [
        httpx.Response(200, json=fos),
        httpx.Response(200, json=fixture("fulfillment_create_user_errors.json")),
    ]

    with pytest.raises(Rejected) as caught:
        connector.create_fulfillment(
            ORDER_ID, [FulfillmentLine("gid://shopify/LineItem/13579246801357", 2)], UPS
        )

    assert "Invalid fulfillment order line item quantity requested" in str(caught.value)
    mutation = sent(route.calls.last)["variables"]["fulfillment"]
    assert mutation == {
        "notifyCustomer": True,
        "trackingInfo": {"number": UPS.number, "company": "UPS"},
        "lineItemsByFulfillmentOrder": [
            {
                "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/6543210987654",
                "fulfillmentOrderLineItems": [
                    {"id": "gid://shopify/FulfillmentOrderLineItem/13579135791", "quantity": 2}
                ],
            }
        ],
    }


def test_a_resource_not_found_error_is_rejected_with_its_message(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("fulfillment_create_resource_not_found.json"))

    with pytest.raises(Rejected, match="invalid id"):
        connector.verify()


def test_access_denied_names_the_scope(mock: respx.MockRouter, connector: ShopifyConnector) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("access_denied.json"))

    with pytest.raises(AuthError, match="read_orders"):
        list(connector.iter_orders(datetime(2025, 7, 14, tzinfo=UTC)))


def test_an_internal_error_is_transient_on_a_read(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("internal_error.json"))

    with pytest.raises(Transient) as caught:
        connector.verify()

    assert "\n" not in str(caught.value)


def test_an_internal_error_on_a_change_is_ambiguous(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, json=fixture("internal_error.json"))

    with pytest.raises(Ambiguous):
        connector.graphql.run(
            "mutation { fulfillmentCreate { userErrors { message } } }", write=True
        )


def test_a_garbled_answer_to_a_change_is_ambiguous(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(200, content=b'{"data": {"fulfillmentCre')

    with pytest.raises(Ambiguous):
        connector.graphql.run(
            "mutation { fulfillmentCreate { userErrors { message } } }", write=True
        )


def test_a_refused_static_token_is_an_auth_error_without_the_token(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(401, json=fixture("invalid_token.json"))

    with pytest.raises(AuthError) as caught:
        connector.verify()

    assert TOKEN not in str(caught.value)
    assert "Admin API access token" in str(caught.value)


def test_a_frozen_store_is_an_auth_error_saying_so(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    mock.post(GRAPHQL).respond(402, json={"errors": "Unavailable Shop"})

    with pytest.raises(AuthError, match="unavailable"):
        connector.verify()


def test_the_token_request_sends_the_client_credentials(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    grant = mock.post("/admin/oauth/access_token").respond(200, json=fixture("access_token.json"))
    query = mock.post(GRAPHQL).respond(200, json=fixture("verify_shop.json"))

    with build(fake_time, access_token="", client_id="cid", client_secret="shpss_s") as built:
        built.verify()

    assert sent(grant.calls.last) == {
        "client_id": "cid",
        "client_secret": "shpss_s",
        "grant_type": "client_credentials",
    }
    assert (
        query.calls.last.request.headers["X-Shopify-Access-Token"]
        == fixture("access_token.json")["access_token"]
    )


def test_an_app_not_installed_says_to_install_it(
    mock: respx.MockRouter, fake_time: FakeTime
) -> None:
    mock.post("/admin/oauth/access_token").respond(
        400, json=fixture("token_app_not_installed.json")
    )

    with (
        build(fake_time, access_token="", client_id="cid", client_secret="shpss_s") as built,
        pytest.raises(AuthError) as caught,
    ):
        built.verify()

    assert "not installed" in str(caught.value)
    assert "shpss_s" not in str(caught.value)


def test_a_second_tracking_number_sends_the_whole_list(
    mock: respx.MockRouter, connector: ShopifyConnector
) -> None:
    existing = {
        "id": "gid://shopify/Fulfillment/255858046",
        "status": "SUCCESS",
        "trackingInfo": [{"company": "UPS", "number": UPS.number, "url": "https://u/1"}],
        "fulfillmentLineItems": {
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "nodes": [{"quantity": 1, "lineItem": {"id": "gid://shopify/LineItem/1"}}],
        },
    }
    listed = {"data": {"order": {"name": "#1042", "fulfillments": [existing]}}}
    updated = copy.deepcopy(existing)
    updated["trackingInfo"].append({"company": "UPS", "number": "1Z2", "url": None})
    answer = {"data": {"fulfillmentTrackingInfoUpdate": {"fulfillment": updated, "userErrors": []}}}
    route = mock.post(GRAPHQL)
    route.side_effect = [httpx.Response(200, json=listed), httpx.Response(200, json=answer)]
    current = parse_fulfillment(existing, ORDER_ID, existing["fulfillmentLineItems"]["nodes"])

    result = connector.add_tracking(ORDER_ID, current, Tracking("1Z2", "UPS"))

    assert result.tracking_numbers == (UPS.number, "1Z2")
    variables = sent(route.calls.last)["variables"]
    # Shopify pairs urls with numbers by position: the numbers with a url come first, and
    # the first number keeps its own url.
    assert variables["trackingInfoInput"] == {
        "numbers": [UPS.number, "1Z2"],
        "urls": ["https://u/1"],
        "company": "UPS",
    }
    assert variables["notifyCustomer"] is True

"""The Shopify emulator answers as the GraphQL Admin API documents it (reference §1, §4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from desktop_sync_sandbox.samples import SampleLine, SampleOrder, generate_orders
from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.shopify import (
    INVALID_TOKEN,
    ShopifyEmulator,
    served_version,
    supported_versions,
)
from desktop_sync_sandbox.shopify_graphql import parse_operation, requested_cost

GRAPHQL = "/admin/api/2026-10/graphql.json"
ORDERS = """
query($first: Int!, $after: String, $q: String!) {
  orders(first: $first, after: $after, query: $q, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id name updatedAt lineItems(first: 5) { nodes { id sku } } }
  }
}
"""
FULFILLMENT_ORDERS = """
query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes {
  id status supportedActions { action } assignedLocation { location { id } }
  lineItems(first: 20) { nodes { id totalQuantity remainingQuantity lineItem { id } } } } } } }
"""
CREATE = """
mutation($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) {
  fulfillment { id status trackingInfo(first: 5) { company number url } }
  userErrors { field message } } }
"""
UPDATE = """
mutation($id: ID!, $info: FulfillmentTrackingInput!, $notify: Boolean) {
  fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $info,
    notifyCustomer: $notify) {
  fulfillment { id trackingInfo(first: 5) { number } } userErrors { field message } } }
"""


class Clock:
    """The shop's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(clock: Clock) -> Iterator[ShopifyEmulator]:
    emulator = ShopifyEmulator(time_scale=50.0, now=clock)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def http(shop: ShopifyEmulator) -> Iterator[httpx.Client]:
    headers = {"X-Shopify-Access-Token": shop.access_token}
    with httpx.Client(base_url=shop.api_url, headers=headers, timeout=5) as client:
        yield client


def gql(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post(GRAPHQL, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def fulfillment_orders(http: httpx.Client, order_id: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = gql(http, FULFILLMENT_ORDERS, id=order_id)["data"]["order"][
        "fulfillmentOrders"
    ]["nodes"]
    return nodes


def two_line_sample() -> SampleOrder:
    return next(s for s in generate_orders(40, seed=5) if len(s.lines) >= 2)


def test_without_a_valid_token_the_api_answers_401_with_shopifys_text(
    shop: ShopifyEmulator,
) -> None:
    response = httpx.post(
        shop.api_url + GRAPHQL,
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": "shpat_wrong"},
    )

    assert response.status_code == 401
    assert response.json() == {"errors": INVALID_TOKEN}
    assert response.headers["X-Request-Id"]
    assert response.headers["X-Shopify-API-Version"] == "2026-10"


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "form"])
def test_the_client_credentials_grant_gives_a_24_hour_token(
    shop: ShopifyEmulator, as_json: bool
) -> None:
    fields = {
        "grant_type": "client_credentials",
        "client_id": shop.client_id,
        "client_secret": shop.client_secret,
    }
    url = shop.api_url + "/admin/oauth/access_token"
    response = httpx.post(url, json=fields) if as_json else httpx.post(url, data=fields)

    assert response.status_code == 200
    token = response.json()
    assert token["expires_in"] == 86399
    assert "read_orders" in token["scope"].split(",")
    shop_query = httpx.post(
        shop.api_url + GRAPHQL,
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": token["access_token"]},
    )
    assert shop_query.json()["data"]["shop"]["name"] == "Sandbox Shop"


def test_expired_tokens_are_refused_and_a_wrong_secret_gets_no_token(
    shop: ShopifyEmulator,
) -> None:
    url = shop.api_url + "/admin/oauth/access_token"
    fields = {"grant_type": "client_credentials", "client_id": shop.client_id}
    token = httpx.post(url, json={**fields, "client_secret": shop.client_secret}).json()
    shop.expire_tokens()

    expired = httpx.post(
        shop.api_url + GRAPHQL,
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": token["access_token"]},
    )
    refused = httpx.post(url, json={**fields, "client_secret": "shpss_wrong"})

    assert expired.status_code == 401
    assert refused.status_code == 400
    assert "access_token" not in refused.json()


def test_an_unsupported_version_falls_forward_to_the_oldest_supported(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    response = http.post("/admin/api/2023-01/graphql.json", json={"query": "{ shop { name } }"})

    # On 2026-11-02 Shopify supports 2026-01 to 2026-10 (twelve months each).
    assert response.headers["X-Shopify-API-Version"] == "2026-01"


def test_2025_07_left_the_support_window_on_2026_07_01() -> None:
    assert served_version("2025-07", date(2026, 6, 30)) == "2025-07"
    assert served_version("2025-07", date(2026, 7, 1)) == "2025-10"
    assert supported_versions(date(2026, 12, 1)) == ("2026-01", "2026-04", "2026-07", "2026-10")


def test_every_answer_carries_the_cost_and_the_bucket_level(http: httpx.Client) -> None:
    body = gql(
        http,
        "{ shop { name } currentAppInstallation { accessScopes { handle } } }",
    )

    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 3  # objects: shop, the installation, its scope list
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["throttleStatus"]["restoreRate"] == 100.0 * 50  # real points per real second
    assert {s["handle"] for s in body["data"]["currentAppInstallation"]["accessScopes"]} >= {
        "read_orders",
        "write_merchant_managed_fulfillment_orders",
    }


def test_connections_cost_two_plus_first_times_their_nodes() -> None:
    operation = parse_operation(ORDERS, {"first": 10})

    # orders: 2 + 10 x (order 1 + lineItems (2 + 5 x line 1))
    assert requested_cost(operation) == 2 + 10 * (1 + 2 + 5 * 1)


def test_orders_are_named_from_1001_with_unique_line_item_ids(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    shop.add_sample_orders(4)

    nodes = gql(http, ORDERS, first=10, q="")["data"]["orders"]["nodes"]

    assert [n["name"] for n in nodes] == ["#1001", "#1002", "#1003", "#1004"]
    line_ids = [line["id"] for n in nodes for line in n["lineItems"]["nodes"]]
    assert len(line_ids) == len(set(line_ids))


def test_the_updated_at_window_and_cursors_page_through_each_order_once(
    shop: ShopifyEmulator, http: httpx.Client, clock: Clock
) -> None:
    shop.add_sample_orders(2)
    clock.now += timedelta(minutes=5)
    inside = shop.add_sample_orders(5)
    clock.now += timedelta(minutes=5)
    shop.add_sample_orders(1)
    query = "updated_at:>='2026-11-02T09:05:00Z' AND updated_at:<'2026-11-02T09:10:00Z'"

    seen: list[str] = []
    after = None
    while True:
        page = gql(http, ORDERS, first=2, after=after, q=query)["data"]["orders"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == inside


def test_an_edited_order_moves_to_the_end_of_the_updated_at_order(
    shop: ShopifyEmulator, http: httpx.Client, clock: Clock
) -> None:
    first, second = shop.add_sample_orders(2)
    clock.now += timedelta(seconds=30)
    shop.touch(first)

    nodes = gql(http, ORDERS, first=10, q="")["data"]["orders"]["nodes"]

    assert [n["id"] for n in nodes] == [second, first]
    assert nodes[1]["updatedAt"] == "2026-11-02T09:00:30Z"


def test_a_product_without_options_shows_shopifys_default_title_variant(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    plain = SampleLine("TOTE", "Canvas Tote", 1, Decimal("18.00"), (), Decimal("0.3"))
    sample = SampleOrder(**{**two_line_sample().__dict__, "lines": (plain,)})
    order_id = shop.add_order(sample)

    line = gql(
        http,
        "query($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { name variantTitle "
        "variant { selectedOptions { name value } } } } } }",
        id=order_id,
    )["data"]["order"]["lineItems"]["nodes"][0]

    assert line == {
        "name": "Canvas Tote",
        "variantTitle": None,
        "variant": {"selectedOptions": [{"name": "Title", "value": "Default Title"}]},
    }


def test_fulfilling_part_of_a_fulfillment_order_lowers_its_remaining_quantity(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order(two_line_sample())
    (fo,) = fulfillment_orders(http, order_id)
    fo_line = fo["lineItems"]["nodes"][0]

    body = gql(
        http,
        CREATE,
        fulfillment={
            "notifyCustomer": False,
            "trackingInfo": {"company": "UPS", "number": "1Z1", "url": "https://ups.example/1Z1"},
            "lineItemsByFulfillmentOrder": [
                {
                    "fulfillmentOrderId": fo["id"],
                    "fulfillmentOrderLineItems": [{"id": fo_line["id"], "quantity": 1}],
                }
            ],
        },
    )

    created = body["data"]["fulfillmentCreate"]
    assert created["userErrors"] == []
    assert created["fulfillment"]["trackingInfo"] == [
        {"company": "UPS", "number": "1Z1", "url": "https://ups.example/1Z1"}
    ]
    (after,) = fulfillment_orders(http, order_id)
    assert after["status"] == "IN_PROGRESS"
    assert after["lineItems"]["nodes"][0]["remainingQuantity"] == fo_line["totalQuantity"] - 1
    assert shop.emails_sent == []


def test_a_fulfillment_order_closes_at_zero_and_then_refuses_more(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order(two_line_sample())
    (fo,) = fulfillment_orders(http, order_id)
    everything = {
        "notifyCustomer": True,
        "trackingInfo": {"number": "1Z2"},
        "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}],
    }

    first = gql(http, CREATE, fulfillment=everything)["data"]["fulfillmentCreate"]
    again = gql(http, CREATE, fulfillment=everything)["data"]["fulfillmentCreate"]

    assert first["userErrors"] == []
    (closed,) = fulfillment_orders(http, order_id)
    assert closed["status"] == "CLOSED"
    assert closed["supportedActions"] == []
    assert again == {
        "fulfillment": None,
        "userErrors": [
            {"field": ["fulfillment"], "message": "The fulfillment order is not in an open state."}
        ],
    }
    assert [(e.kind, e.tracking_numbers) for e in shop.emails_sent] == [
        ("Shipping confirmation", ("1Z2",))
    ]


def test_more_than_the_remaining_quantity_is_a_user_error_and_changes_nothing(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order(two_line_sample())
    (fo,) = fulfillment_orders(http, order_id)
    fo_line = fo["lineItems"]["nodes"][0]

    body = gql(
        http,
        CREATE,
        fulfillment={
            "trackingInfo": {"number": "1Z3"},
            "lineItemsByFulfillmentOrder": [
                {
                    "fulfillmentOrderId": fo["id"],
                    "fulfillmentOrderLineItems": [
                        {"id": fo_line["id"], "quantity": fo_line["remainingQuantity"] + 1}
                    ],
                }
            ],
        },
    )

    errors = body["data"]["fulfillmentCreate"]["userErrors"]
    assert errors[0]["message"] == "Invalid fulfillment order line item quantity requested."
    assert shop.fulfillments(order_id) == []
    assert fulfillment_orders(http, order_id) == [fo]


def test_an_unknown_fulfillment_order_is_a_top_level_not_found_error(
    http: httpx.Client,
) -> None:
    body = gql(
        http,
        CREATE,
        fulfillment={
            "lineItemsByFulfillmentOrder": [
                {"fulfillmentOrderId": "gid://shopify/FulfillmentOrder/1"}
            ]
        },
    )

    assert body["data"] == {"fulfillmentCreate": None}
    assert body["errors"][0]["message"] == "invalid id"
    assert body["errors"][0]["extensions"]["code"] == "RESOURCE_NOT_FOUND"
    assert body["errors"][0]["path"] == ["fulfillmentCreate"]


def test_split_locations_give_one_fulfillment_order_per_location(
    clock: Clock,
) -> None:
    with ShopifyEmulator(split_locations=True, now=clock) as shop:
        order_id = shop.add_order(two_line_sample())
        headers = {"X-Shopify-Access-Token": shop.access_token}
        with httpx.Client(base_url=shop.api_url, headers=headers) as http:
            fos = fulfillment_orders(http, order_id)

    locations = {fo["assignedLocation"]["location"]["id"] for fo in fos}
    assert len(fos) == 2 and len(locations) == 2


def test_tracking_info_update_replaces_the_list_and_emails_an_update(
    shop: ShopifyEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order(two_line_sample())
    (fo,) = fulfillment_orders(http, order_id)
    created = gql(
        http,
        CREATE,
        fulfillment={
            "trackingInfo": {"number": "1Z4"},
            "lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}],
        },
    )["data"]["fulfillmentCreate"]["fulfillment"]

    updated = gql(
        http,
        UPDATE,
        id=created["id"],
        info={"company": "UPS", "numbers": ["1Z4", "1Z5"]},
        notify=True,
    )["data"]["fulfillmentTrackingInfoUpdate"]

    assert updated["fulfillment"]["trackingInfo"] == [{"number": "1Z4"}, {"number": "1Z5"}]
    assert shop.fulfillments(order_id)[0]["tracking_numbers"] == ["1Z4", "1Z5"]
    assert [e.kind for e in shop.emails_sent] == ["Shipping update"]


def test_a_field_the_emulator_does_not_know_is_an_error(http: httpx.Client) -> None:
    body = gql(http, "{ shop { name billingAddress { city } } }")

    assert body["data"] == {"shop": None}
    assert body["errors"][0]["message"] == "Field 'billingAddress' doesn't exist on type 'shop'"


def test_a_missing_scope_is_access_denied(shop: ShopifyEmulator, http: httpx.Client) -> None:
    shop.scopes.discard("read_orders")

    body = gql(http, ORDERS, first=1, q="")

    assert body["data"] == {"orders": None}
    assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"


def test_a_query_over_1000_points_is_refused_before_it_runs(http: httpx.Client) -> None:
    body = gql(http, ORDERS.replace("lineItems(first: 5)", "lineItems(first: 250)"), first=10, q="")

    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["errors"][0]["extensions"]["cost"] > 1000
    assert "data" not in body


def test_a_request_the_bucket_cannot_hold_is_throttled_and_not_run(clock: Clock) -> None:
    # A clock this slow refills half a point per second: nothing comes back during the test.
    with ShopifyEmulator(bucket_max=100.0, restore_rate=50.0, time_scale=0.01, now=clock) as shop:
        shop.add_sample_orders(10)
        headers = {"X-Shopify-Access-Token": shop.access_token}
        with httpx.Client(base_url=shop.api_url, headers=headers) as http:
            first = gql(http, ORDERS, first=10, q="")  # 82 requested, refunded down to actual
            throttled = gql(http, ORDERS, first=10, q="")

    spent = first["extensions"]["cost"]
    assert spent["requestedQueryCost"] == 82
    assert spent["actualQueryCost"] < 82
    assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert "data" not in throttled
    cost = throttled["extensions"]["cost"]
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["requestedQueryCost"]
    assert cost["actualQueryCost"] is None


def test_throttled_may_be_sent_as_429(shop: ShopifyEmulator, http: httpx.Client) -> None:
    shop.throttle_status = 429
    shop.faults.inject(Fault.RATE_LIMIT)

    response = http.post(GRAPHQL, json={"query": "{ shop { name } }"})

    assert response.status_code == 429
    assert response.json()["errors"][0]["extensions"]["code"] == "THROTTLED"


def test_admin_routes_add_and_list_orders(shop: ShopifyEmulator) -> None:
    added = httpx.post(shop.base_url + "/_admin/orders", json={"count": 3}).json()["ids"]
    listed = httpx.get(shop.base_url + "/_admin/orders").json()["orders"]

    assert [o["id"] for o in listed] == added
    assert [o["name"] for o in listed] == ["#1001", "#1002", "#1003"]
    assert all(o["fulfillments"] == [] for o in listed)

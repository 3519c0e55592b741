"""The Shopify emulator withholds fields as Shopify's published schema says: a field the
token's scopes do not cover comes back null with an ``ACCESS_DENIED`` error naming its path,
and the rest of the answer is there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from desktop_sync.connectors.stores.shopify import SHOPIFY_API_VERSION
from desktop_sync_sandbox.shopify import ShopifyEmulator
from tests.spec.shopify_schema import access_schema

pytestmark = pytest.mark.spec

ORDER = """
query($id: ID!) { order(id: $id) {
  name email
  shippingAddress { firstName city }
  lineItems(first: 5) { nodes { sku variant { selectedOptions { name value } } } }
  fulfillmentOrders(first: 5) { nodes { assignedLocation { name location { id } } } }
} }
"""


@pytest.fixture
def shop() -> Iterator[ShopifyEmulator]:
    with ShopifyEmulator(schema=access_schema(SHOPIFY_API_VERSION)) as emulator:
        yield emulator


def ask(shop: ShopifyEmulator, order_id: str) -> dict[str, Any]:
    response = httpx.post(
        f"{shop.api_url}/admin/api/{SHOPIFY_API_VERSION}/graphql.json",
        json={"query": ORDER, "variables": {"id": order_id}},
        headers={"X-Shopify-Access-Token": shop.access_token},
    )
    body: dict[str, Any] = response.json()
    return body


def test_with_every_scope_the_order_comes_whole(shop: ShopifyEmulator) -> None:
    body = ask(shop, shop.add_order())

    assert "errors" not in body
    assert body["data"]["order"]["lineItems"]["nodes"][0]["variant"]["selectedOptions"]


def test_without_read_products_each_variant_is_null_with_its_path_and_the_rest_is_there(
    shop: ShopifyEmulator,
) -> None:
    shop.scopes.discard("read_products")
    order_id = shop.add_order()

    body = ask(shop, order_id)

    order = body["data"]["order"]
    lines = order["lineItems"]["nodes"]
    assert all(line["variant"] is None for line in lines)
    assert all(line["sku"] for line in lines)
    assert order["shippingAddress"]["city"]
    assert [e["path"] for e in body["errors"]] == [
        ["order", "lineItems", "nodes", n, "variant"] for n in range(len(lines))
    ]
    first = body["errors"][0]
    assert first["extensions"]["code"] == "ACCESS_DENIED"
    assert first["extensions"]["requiredAccess"] == "`read_products` access scope."


def test_without_read_locations_the_location_is_withheld(shop: ShopifyEmulator) -> None:
    shop.scopes.discard("read_locations")

    body = ask(shop, shop.add_order())

    node = body["data"]["order"]["fulfillmentOrders"]["nodes"][0]
    assert node["assignedLocation"]["name"] and node["assignedLocation"]["location"] is None
    assert "read_locations" in body["errors"][0]["extensions"]["requiredAccess"]


def test_read_inventory_also_reads_a_locations_id(shop: ShopifyEmulator) -> None:
    shop.scopes.discard("read_locations")
    shop.scopes.add("read_inventory")

    body = ask(shop, shop.add_order())

    assert "errors" not in body


def test_protected_customer_fields_are_withheld_unless_the_shop_allows_them(
    shop: ShopifyEmulator,
) -> None:
    shop.protected_data = {"address"}

    body = ask(shop, shop.add_order())

    order = body["data"]["order"]
    assert order["email"] is None and order["shippingAddress"]["firstName"] is None
    assert order["shippingAddress"]["city"]  # not a protected field
    assert {tuple(e["path"]) for e in body["errors"]} == {
        ("order", "email"),
        ("order", "shippingAddress", "firstName"),
    }


def test_without_read_all_orders_an_order_older_than_60_days_is_null(
    shop: ShopifyEmulator,
) -> None:
    from datetime import UTC, datetime, timedelta

    old = shop.add_order(created=datetime.now(UTC) - timedelta(days=61))

    assert ask(shop, old)["data"]["order"] is None
    shop.scopes.add("read_all_orders")
    assert ask(shop, old)["data"]["order"]["name"]


def test_a_field_the_schema_does_not_have_is_refused_without_data(shop: ShopifyEmulator) -> None:
    response = httpx.post(
        f"{shop.api_url}/admin/api/{SHOPIFY_API_VERSION}/graphql.json",
        json={"query": "{ shop { name totalOrders } }"},
        headers={"X-Shopify-Access-Token": shop.access_token},
    )

    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"] == "Field 'totalOrders' doesn't exist on type 'Shop'"


def test_redacted_protected_fields_stop_the_sync_with_the_reason(shop: ShopifyEmulator) -> None:
    from datetime import UTC, datetime, timedelta

    from desktop_sync.connectors.errors import AuthError
    from tests.connectors.test_shopify import connect

    shop.protected_data = {"email", "phone"}
    shop.redact_protected = True
    shop.add_order()

    with connect(shop) as connector, pytest.raises(AuthError) as caught:
        list(connector.iter_orders(datetime.now(UTC) - timedelta(minutes=5)))

    assert "protected customer data" in str(caught.value)
    assert "names and addresses" in str(caught.value)

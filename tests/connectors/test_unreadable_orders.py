"""One rule for a store order the app cannot read, on every platform: it is never sent with
made-up values (epoch dates, zero amounts); the connector yields it with ``problem`` set to a
sentence naming the order, and the scan goes on to the orders after it."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import respx

from desktop_sync.connectors.errors import Rejected
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import FulfillmentLine, StoreOrder, Tracking
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import SHOPIFY_API_VERSION, ShopifyConnector
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from tests.fakes import FakeTime

FIXTURES = Path(__file__).parent.parent / "fixtures"
SINCE = datetime(2025, 7, 14, 9, 0, tzinfo=UTC)
NO_WAIT = Backoff(base=0.01, cap=0.02, floor=0.0, attempts=2)


def fixture(platform: str, name: str) -> Any:
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def read(orders: Iterator[StoreOrder]) -> dict[str, StoreOrder]:
    return {order.number: order for order in orders}


def assert_listed_with_a_sentence(order: StoreOrder, number: str, where: str) -> None:
    assert order.problem, "an unreadable order must carry its reason"
    assert f"order {number} has data the app cannot read" in order.problem
    assert where in order.problem and order.problem.endswith("then press Retry.")
    # Nothing made up that a send could use.
    assert order.lines == ()


# -- WooCommerce -------------------------------------------------------------------------

SITE = "https://shop.example"


@pytest.fixture
def woo() -> Iterator[WooCommerceConnector]:
    with respx.mock(base_url=f"{SITE}/wp-json", assert_all_called=False) as mock:
        mock.route(path__regex=r"/wc/v3/products(/\d+/variations)?$").respond(json=[])
        connector = WooCommerceConnector(
            SITE, "ck_x", "cs_x", min_interval=0.0, now=lambda: SINCE.replace(hour=12)
        )
        connector.mock = mock  # type: ignore[attr-defined]
        yield connector
        connector.close()


@pytest.mark.parametrize(
    "garble",
    [
        {"total": "forty-four"},
        {"date_created_gmt": "yesterday"},
        {"shipping_total": "n/a"},
        {"line_items": [{"id": 311, "name": "Tee", "quantity": "two", "subtotal": "40.00"}]},
    ],
    ids=["total", "created date", "shipping", "quantity"],
)
def test_woocommerce_lists_a_garbled_order_with_a_sentence_and_reads_on(
    woo: WooCommerceConnector, garble: dict[str, Any]
) -> None:
    good = fixture("woocommerce", "order_4821.json")
    bad = {**copy.deepcopy(good), "id": 4820, "number": "WC-4820", **garble}
    woo.mock.get("/wc/v3/orders").respond(  # type: ignore[attr-defined]
        json=[bad, good], headers={"X-WP-TotalPages": "1"}
    )

    found = read(woo.iter_orders(SINCE))

    assert found["WC-4821"].problem == ""
    assert_listed_with_a_sentence(found["WC-4820"], "WC-4820", "WooCommerce")


# -- Shopify -----------------------------------------------------------------------------

SHOP = "https://acme-tees.myshopify.com"


@pytest.mark.parametrize(
    "garble",
    [
        {"updatedAt": None, "createdAt": None},
        {"totalPriceSet": {"shopMoney": {"amount": "lots", "currencyCode": "USD"}}},
        {"lineItems": {"nodes": [{"id": "gid://shopify/LineItem/1", "quantity": "two"}]}},
    ],
    ids=["dates", "total", "quantity"],
)
def test_shopify_lists_a_garbled_order_with_a_sentence_and_reads_on(
    garble: dict[str, Any],
) -> None:
    answer = fixture("shopify", "order_1042.json")
    good = answer["data"]["orders"]["nodes"][0]
    bad = {**copy.deepcopy(good), "id": "gid://shopify/Order/1", "name": "#1041", **garble}
    answer["data"]["orders"]["nodes"] = [bad, good]
    time = FakeTime(start=100.0)
    with respx.mock(base_url=SHOP) as mock:
        mock.post(f"/admin/api/{SHOPIFY_API_VERSION}/graphql.json").respond(json=answer)
        with ShopifyConnector(
            "acme-tees",
            access_token="shpat_static0123456789abcdef",
            http=HttpSettings(sleep=time.sleep, clock=time.clock, backoff=NO_WAIT),
        ) as shopify:
            found = read(shopify.iter_orders(SINCE))

    assert found["1042"].problem == ""
    assert_listed_with_a_sentence(found["1041"], "1041", "Shopify admin")


# -- BigCommerce -------------------------------------------------------------------------

API = "https://api.bigcommerce.com/stores/abc123"


def test_bigcommerce_lists_a_garbled_order_with_a_sentence_and_reads_on() -> None:
    good = fixture("bigcommerce", "order_218.json")
    bad = {**copy.deepcopy(good), "id": 217, "total_inc_tax": "lots"}
    with respx.mock(base_url=API, assert_all_called=False) as mock:
        mock.get("/v2/orders").respond(json=[bad, good])
        for order_id in (217, 218):
            mock.get(f"/v2/orders/{order_id}/products").respond(
                json=fixture("bigcommerce", "order_218_products.json")
            )
            mock.get(f"/v2/orders/{order_id}/shipping_addresses").respond(
                json=fixture("bigcommerce", "order_218_shipping_addresses.json")
            )
        connector = BigCommerceConnector(
            "abc123", "token-0123456789", http=HttpSettings(backoff=NO_WAIT)
        )
        found = read(connector.iter_orders(SINCE))
        connector.close()

    assert found["218"].problem == ""
    assert_listed_with_a_sentence(found["217"], "217", "BigCommerce control panel")


def test_woocommerce_lists_an_order_without_readable_dates_too(woo: WooCommerceConnector) -> None:
    good = fixture("woocommerce", "order_4821.json")
    bad = {**good, "id": 4820, "number": "WC-4820", "date_created_gmt": None}
    bad["date_modified_gmt"] = "not a date"
    woo.mock.get("/wc/v3/orders").respond(  # type: ignore[attr-defined]
        json=[bad, good], headers={"X-WP-TotalPages": "1"}
    )

    found = read(woo.iter_orders(SINCE))

    assert_listed_with_a_sentence(found["WC-4820"], "WC-4820", "WooCommerce")


def test_woocommerce_writes_nothing_on_an_order_it_cannot_read(
    woo: WooCommerceConnector,
) -> None:
    bad = {**fixture("woocommerce", "order_4821.json"), "total": "forty-four"}
    woo.mock.get("/wc/v3/orders/4821").respond(json=bad)  # type: ignore[attr-defined]
    writes = woo.mock.put("/wc/v3/orders/4821")  # type: ignore[attr-defined]

    with pytest.raises(Rejected, match="cannot read"):
        woo.create_fulfillment("4821", [FulfillmentLine("311", 2)], Tracking("1Z999"))

    assert not writes.called

"""WooCommerce shapes from the documentation that the emulator does not produce, served by respx."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from desktop_sync.connectors.errors import AuthError, Rejected, Transient
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import FulfillmentLine, PaymentState, Tracking
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.connectors.stores.woocommerce_orders import (
    RECORD_KEY,
    parse_order,
    payment_state,
    read_records,
)

SITE = "https://shop.example"
ORDERS = f"{SITE}/wp-json/wc/v3/orders"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "woocommerce"
NOW = datetime(2025, 7, 14, 12, 0, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def order_json(**changes: Any) -> dict[str, Any]:
    return {**fixture("order_4821.json"), **changes}


@pytest.fixture(autouse=True)
def products() -> Iterator[respx.Route]:
    """The product look-ups (virtual or not) answer with no products, so every line ships;
    the tracking plugin's provider list is empty."""
    route = respx.route(path__regex=r"/wp-json/wc/v3/products(/\d+/variations)?$").respond(json=[])
    respx.route(path__regex=r"/wp-json/.*/shipment-trackings/providers$").respond(json={})
    yield route
    respx.routes.clear()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def woo(sleeps: list[float]) -> Iterator[WooCommerceConnector]:
    connector = WooCommerceConnector(
        SITE,
        "ck_fixture",
        "cs_fixture",
        min_interval=0.0,
        now=lambda: NOW,
        http=HttpSettings(
            sleep=sleeps.append, backoff=Backoff(base=0.01, cap=0.05, floor=0.0, attempts=3)
        ),
    )
    yield connector
    connector.close()


def test_documented_order_is_normalised() -> None:
    order = parse_order(fixture("order_4821.json"))
    assert order.id == "4821" and order.number == "WC-4821"
    assert order.created_at == datetime(2025, 7, 14, 9, 12, 44, tzinfo=UTC)  # _gmt, not site time
    assert order.updated_at == datetime(2025, 7, 14, 9, 15, 2, tzinfo=UTC)
    assert order.payment_state is PaymentState.PAID
    assert order.email == "ana.silva@example.com"
    assert order.billing_address.phone == "+351210000000"
    assert order.shipping_address.country == "PT"
    assert order.shipping_method == "Flat rate"
    [line] = order.lines
    assert (line.id, line.sku, line.name, line.quantity) == ("311", "TEE-BLK-M", "Logo Tee", 2)
    assert line.options == (("Color", "Black"), ("Size", "M"))
    assert line.unit_price == Decimal(20)
    assert (order.order_total, order.shipping_total) == (Decimal("44.90"), Decimal("4.90"))
    assert order.currency == "EUR"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": "processing"}, PaymentState.PAID),
        (
            {"status": "completed", "refunds": [{"id": 1, "total": "-5.00"}]},
            PaymentState.PARTIALLY_REFUNDED,
        ),
        ({"status": "on-hold", "date_paid_gmt": None}, PaymentState.AUTHORIZED),
        ({"status": "on-hold", "date_paid_gmt": None, "transaction_id": ""}, PaymentState.PENDING),
        ({"status": "pending", "date_paid_gmt": None}, PaymentState.PENDING),
        ({"status": "refunded"}, PaymentState.REFUNDED),
        ({"status": "cancelled"}, PaymentState.VOIDED),
        ({"status": "failed", "date_paid_gmt": None}, PaymentState.DECLINED),
        ({"status": "shipped-custom"}, PaymentState.PAID),
        ({"status": "awaiting-custom", "date_paid_gmt": None}, PaymentState.UNKNOWN),
    ],
)
def test_payment_state_is_read_from_status_and_payment_date(
    changes: dict[str, Any], expected: PaymentState
) -> None:
    assert payment_state(order_json(**changes)) is expected


def test_records_are_read_from_a_json_string_or_an_array_and_garbage_is_ignored() -> None:
    entry = {"id": "t1", "tracking_numbers": ["1Z"], "lines": {"311": 1}}
    as_text = order_json(meta_data=[{"id": 1, "key": RECORD_KEY, "value": json.dumps([entry])}])
    as_array = order_json(meta_data=[{"id": 1, "key": RECORD_KEY, "value": [entry]}])
    assert read_records(as_text) == read_records(as_array)
    [record] = read_records(as_array)
    assert record.lines == (FulfillmentLine("311", 1),)
    broken = order_json(meta_data=[{"id": 1, "key": RECORD_KEY, "value": "{not json"}])
    assert read_records(broken) == []


@respx.mock
def test_basic_auth_by_default_and_the_query_string_only_when_asked(
    woo: WooCommerceConnector,
) -> None:
    route = respx.get(f"{ORDERS}/4821").respond(json=order_json())
    woo.get_order("4821")
    request = route.calls.last.request
    expected = base64.b64encode(b"ck_fixture:cs_fixture").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert "cs_fixture" not in str(request.url)
    fallback = WooCommerceConnector(SITE, "ck_fixture", "cs_fixture", auth_in_query=True)
    fallback.get_order("4821")
    request = route.calls.last.request
    assert "authorization" not in request.headers
    assert request.url.params["consumer_secret"] == "cs_fixture"


@respx.mock
def test_query_string_credentials_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    respx.get(f"{ORDERS}/4821").respond(json=order_json())
    fallback = WooCommerceConnector(SITE, "ck_fixture", "cs_fixture", auth_in_query=True)
    with caplog.at_level(logging.DEBUG):
        fallback.get_order("4821")
    assert "/wc/v3/orders/4821" in caplog.text  # httpx did log the request
    assert "cs_fixture" not in caplog.text and "ck_fixture" not in caplog.text


@respx.mock
def test_a_blog_without_woocommerce_is_rejected(woo: WooCommerceConnector) -> None:
    respx.get(f"{SITE}/wp-json/").respond(json=fixture("index_without_woocommerce.json"))
    with pytest.raises(Rejected, match="without an active WooCommerce"):
        woo.verify()


@respx.mock
def test_plain_permalinks_are_named_when_the_index_is_missing(woo: WooCommerceConnector) -> None:
    respx.get(f"{SITE}/wp-json/").respond(404, html="<html><body>Page not found</body></html>")
    with pytest.raises(Rejected, match="Permalinks"):
        woo.verify()


@respx.mock
def test_an_older_store_without_orderby_modified_is_sorted_locally(
    woo: WooCommerceConnector,
) -> None:
    later = order_json(id=2, number="2", date_modified_gmt="2025-07-14T10:30:00")
    earlier = order_json(id=1, number="1", date_modified_gmt="2025-07-14T10:10:00")
    respx.get(ORDERS, params={"orderby": "modified"}).respond(
        400, json=fixture("error_orderby_invalid.json")
    )
    by_date = respx.get(ORDERS, params={"orderby": "date"}).respond(
        json=[later, earlier], headers={"X-WP-Total": "2", "X-WP-TotalPages": "1"}
    )
    since = datetime(2025, 7, 14, 10, 0, tzinfo=UTC)
    assert [o.id for o in woo.iter_orders(since)] == ["1", "2"]
    assert by_date.call_count == 1


@respx.mock
def test_orders_outside_the_window_or_statuses_are_dropped_when_a_filter_is_ignored(
    woo: WooCommerceConnector,
) -> None:
    woo.statuses = ("processing", "on-hold")  # a narrowed scan (the default reads every status)
    old = order_json(id=1, date_modified_gmt="2025-07-01T08:00:00")
    held = order_json(id=2, date_modified_gmt="2025-07-14T10:20:00", status="pending")
    good = order_json(id=3, date_modified_gmt="2025-07-14T10:30:00")
    listing = respx.get(ORDERS).respond(json=[old, held, good], headers={"X-WP-TotalPages": "1"})
    since = datetime(2025, 7, 14, 10, 0, tzinfo=UTC)
    assert [o.id for o in woo.iter_orders(since)] == ["3"]
    sent = listing.calls.last.request.url.params
    assert sent["modified_after"] == "2025-07-14T09:59:59" and sent["dates_are_gmt"] == "true"
    assert sent["status"] == "processing,on-hold" and sent["orderby"] == "modified"


@respx.mock
def test_a_wordpress_critical_error_is_transient_after_retries(
    woo: WooCommerceConnector, sleeps: list[float]
) -> None:
    route = respx.get(f"{ORDERS}/4821").respond(500, json=fixture("error_critical.json"))
    with pytest.raises(Transient) as caught:
        woo.get_order("4821")
    assert route.call_count == 3 and len(sleeps) == 2
    assert "<p>" not in str(caught.value)


@respx.mock
def test_a_firewall_403_page_is_an_auth_error_naming_the_firewall(
    woo: WooCommerceConnector,
) -> None:
    respx.get(f"{ORDERS}/4821").respond(
        403, html="<html><body>Access denied (Wordfence)</body></html>"
    )
    with pytest.raises(AuthError, match="firewall"):
        woo.get_order("4821")


@respx.mock
def test_a_key_refused_for_the_endpoint_is_an_auth_error(woo: WooCommerceConnector) -> None:
    respx.get(f"{ORDERS}/4821").respond(401, json=fixture("error_endpoint_refused.json"))
    with pytest.raises(AuthError, match="cannot be used to access this endpoint") as caught:
        woo.get_order("4821")
    assert "cs_fixture" not in str(caught.value)


@respx.mock
def test_an_html_error_page_on_a_4xx_is_transient(woo: WooCommerceConnector) -> None:
    respx.get(f"{ORDERS}/4821").respond(418, html="<html><body>I'm a teapot</body></html>")
    with pytest.raises(Transient, match="error page"):
        woo.get_order("4821")


@respx.mock
def test_woocommerce_error_words_reach_the_merchant(woo: WooCommerceConnector) -> None:
    respx.get(f"{ORDERS}/4821").respond(json=order_json())
    respx.get(f"{SITE}/wp-json/").respond(
        json={"name": "Shop", "namespaces": ["wc/v3", "wc-shipment-tracking/v3"]}
    )
    respx.get(f"{SITE}/wp-json/wc-shipment-tracking/v3/orders/4821/shipment-trackings").respond(
        json=[]
    )
    respx.post(f"{SITE}/wp-json/wc-shipment-tracking/v3/orders/4821/shipment-trackings").respond(
        400, json=fixture("error_tracking_exists.json")
    )
    with pytest.raises(Rejected, match="Cannot create existing shipment tracking") as caught:
        woo.create_fulfillment(
            "4821", [FulfillmentLine("311", 2)], Tracking("1Z999AA10123456784", "UPS")
        )
    assert caught.value.status_code == 400


@respx.mock
def test_a_retry_after_date_is_waited_out(woo: WooCommerceConnector, sleeps: list[float]) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    respx.get(f"{ORDERS}/4821").mock(
        side_effect=[
            httpx.Response(429, html="<h1>Slow down</h1>", headers={"Retry-After": when}),
            httpx.Response(200, json=order_json()),
        ]
    )
    assert woo.get_order("4821").number == "WC-4821"
    assert len(sleeps) == 1 and 20 < sleeps[0] <= 30

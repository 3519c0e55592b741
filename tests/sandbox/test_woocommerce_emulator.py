"""The WooCommerce emulator speaks wc/v3 as the reference says: auth, errors, paging, emails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator

START = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def shop(clock: FakeClock) -> Iterator[WooCommerceEmulator]:
    emulator = WooCommerceEmulator(consumer_key="ck_test", consumer_secret="cs_test", now=clock)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def http(shop: WooCommerceEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shop.api_url, auth=("ck_test", "cs_test")) as client:
        yield client


def test_index_lists_namespaces_with_and_without_shipment_tracking(
    shop: WooCommerceEmulator,
) -> None:
    index = httpx.get(f"{shop.api_url}/wp-json/").json()
    assert {"wc/v3", "wc-shipment-tracking/v3"} <= set(index["namespaces"])
    shop.shipment_tracking = False
    index = httpx.get(f"{shop.api_url}/wp-json/").json()
    assert "wc/v3" in index["namespaces"]
    assert "wc-shipment-tracking/v3" not in index["namespaces"]
    missing = httpx.get(
        f"{shop.api_url}/wp-json/wc-shipment-tracking/v3/orders/1/shipment-trackings"
    )
    assert missing.status_code == 404 and missing.json()["code"] == "rest_no_route"


def test_requests_without_a_known_key_fail_the_permission_check(
    shop: WooCommerceEmulator,
) -> None:
    anonymous = httpx.get(f"{shop.api_url}/wp-json/wc/v3/orders")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "woocommerce_rest_cannot_view"
    unknown = httpx.get(f"{shop.api_url}/wp-json/wc/v3/orders", auth=("ck_other", "cs_test"))
    assert unknown.json()["code"] == "woocommerce_rest_cannot_view"


def test_wrong_secret_is_an_authentication_error_with_a_basic_challenge(
    shop: WooCommerceEmulator,
) -> None:
    response = httpx.get(f"{shop.api_url}/wp-json/wc/v3/orders", auth=("ck_test", "cs_nope"))
    assert response.status_code == 401
    assert response.json() == {
        "code": "woocommerce_rest_authentication_error",
        "message": "Consumer secret is invalid.",
        "data": {"status": 401},
    }
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="WooCommerce API')


def test_query_string_credentials_are_accepted(shop: WooCommerceEmulator) -> None:
    params = {"consumer_key": "ck_test", "consumer_secret": "cs_test"}
    assert httpx.get(f"{shop.api_url}/wp-json/wc/v3/orders", params=params).status_code == 200


def test_a_read_only_key_cannot_write(clock: FakeClock) -> None:
    emulator = WooCommerceEmulator(
        consumer_key="ck_r", consumer_secret="cs_r", key_permissions="read", now=clock
    ).start()
    try:
        order_id = emulator.add_order()
        url = f"{emulator.api_url}/wp-json/wc/v3/orders/{order_id}"
        assert httpx.get(url, auth=("ck_r", "cs_r")).status_code == 200
        refused = httpx.put(url, json={"status": "completed"}, auth=("ck_r", "cs_r"))
        assert refused.status_code == 401
        assert refused.json()["message"] == "The API key provided does not have write permissions."
        assert emulator.order(order_id)["status"] == "processing"
    finally:
        emulator.stop()


def test_pages_carry_totals_and_links_and_end_with_an_empty_array(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    shop.add_sample_orders(5)
    first = http.get("/wp-json/wc/v3/orders", params={"per_page": 2, "status": "any"})
    assert first.headers["X-WP-Total"] == "5" and first.headers["X-WP-TotalPages"] == "3"
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    assert len(first.json()) == 2
    past = http.get("/wp-json/wc/v3/orders", params={"per_page": 2, "page": 9, "status": "any"})
    assert past.status_code == 200 and past.json() == []


def test_per_page_above_one_hundred_is_an_invalid_param(http: httpx.Client) -> None:
    response = http.get("/wp-json/wc/v3/orders", params={"per_page": 101})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rest_invalid_param" and "per_page" in body["data"]["params"]


def test_modified_after_is_strict_and_compares_gmt_or_site_time(
    shop: WooCommerceEmulator, clock: FakeClock, http: httpx.Client
) -> None:
    first = shop.add_order()
    clock.now += timedelta(seconds=10)
    second = shop.add_order()
    stamp = shop.order(first)["date_modified_gmt"]
    gmt = {"modified_after": stamp, "dates_are_gmt": "true", "orderby": "modified"}
    assert [o["id"] for o in http.get("/wp-json/wc/v3/orders", params=gmt).json()] == [second]
    # Without dates_are_gmt the same value is site time (UTC+2 here): both orders are later.
    local = {"modified_after": stamp, "orderby": "modified", "order": "asc"}
    assert [o["id"] for o in http.get("/wp-json/wc/v3/orders", params=local).json()] == [
        first,
        second,
    ]


def test_status_filter_takes_a_comma_list(shop: WooCommerceEmulator, http: httpx.Client) -> None:
    held = shop.add_order(status="on-hold")
    shop.add_order(status="pending")
    busy = shop.add_order(status="processing")
    found = http.get("/wp-json/wc/v3/orders", params={"status": "processing,on-hold"}).json()
    assert sorted(o["id"] for o in found) == [held, busy]


def test_completing_an_order_sends_one_completed_email_per_transition(
    shop: WooCommerceEmulator, clock: FakeClock, http: httpx.Client
) -> None:
    order_id = shop.add_order()
    before = shop.order(order_id)["date_modified_gmt"]
    clock.now += timedelta(seconds=5)
    done = http.put(f"/wp-json/wc/v3/orders/{order_id}", json={"status": "completed"})
    assert done.status_code == 200 and done.json()["date_completed_gmt"]
    assert done.json()["date_modified_gmt"] > before
    http.put(f"/wp-json/wc/v3/orders/{order_id}", json={"status": "completed"})
    assert [e.kind for e in shop.emails] == ["Completed order"]
    assert shop.emails[0].to == shop.order(order_id)["billing"]["email"]


def test_customer_notes_are_emailed_and_private_notes_are_not(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order()
    path = f"/wp-json/wc/v3/orders/{order_id}/notes"
    made = http.post(path, json={"note": "Shipped via UPS", "customer_note": True})
    assert made.status_code == 201 and made.json()["customer_note"] is True
    http.post(path, json={"note": "Packed by Sam"})
    assert [e.kind for e in shop.emails] == ["Customer note"]
    customer = http.get(path, params={"type": "customer"}).json()
    assert [n["note"] for n in customer] == ["Shipped via UPS"]
    missing = http.post(path, json={"customer_note": True})
    assert missing.status_code == 400 and missing.json()["code"] == "rest_missing_callback_param"


def test_shipment_trackings_fill_links_and_validate_input(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    order_id = shop.add_order()
    path = f"/wp-json/wc-shipment-tracking/v3/orders/{order_id}/shipment-trackings"
    made = http.post(path, json={"tracking_provider": "UPS", "tracking_number": "1Z1"})
    assert made.status_code == 201 and made.headers["Location"].endswith(made.json()["tracking_id"])
    assert made.json()["tracking_link"].endswith("tracknum=1Z1")
    custom = http.post(
        path,
        json={
            "custom_tracking_provider": "Example Courier",
            "custom_tracking_link": "https://track.example/?n=%1$s",
            "tracking_number": "EX9",
        },
    ).json()
    assert custom["tracking_provider"] == "Example Courier"
    assert custom["tracking_link"] == "https://track.example/?n=EX9"
    assert [t["tracking_number"] for t in http.get(path).json()] == ["1Z1", "EX9"]
    assert http.post(path, json={"tracking_provider": "UPS"}).status_code == 400
    unknown = http.get("/wp-json/wc-shipment-tracking/v3/orders/999/shipment-trackings")
    assert unknown.json()["code"] == "woocommerce_rest_order_invalid_id"
    assert shop.emails == []  # adding tracking sends nothing by itself


def test_an_unknown_order_is_invalid_id(http: httpx.Client) -> None:
    response = http.get("/wp-json/wc/v3/orders/0")
    assert response.status_code == 404
    assert response.json()["code"] == "woocommerce_rest_shop_order_invalid_id"


def test_faults_look_like_a_host_in_front_of_wordpress(
    shop: WooCommerceEmulator, http: httpx.Client
) -> None:
    shop.faults.inject(Fault.RATE_LIMIT)
    throttled = http.get("/wp-json/wc/v3/orders")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert throttled.headers["Content-Type"].startswith("text/html")
    shop.faults.inject(Fault.SERVER_ERROR)
    down = http.get("/wp-json/wc/v3/orders")
    assert down.status_code == 503 and "maintenance" in down.text


def test_admin_routes_add_and_list_orders(shop: WooCommerceEmulator) -> None:
    added = httpx.post(f"{shop.api_url}/_admin/orders", json={"count": 3}).json()["ids"]
    listed = httpx.get(f"{shop.api_url}/_admin/orders").json()
    assert [o["id"] for o in listed["orders"]] == added
    assert listed["emails"] == []


def test_sample_orders_carry_variation_meta_and_money_as_strings(
    shop: WooCommerceEmulator,
) -> None:
    shop.add_sample_orders(10)
    orders = [shop.order(i) for i in range(1001, 1011)]
    items = [item for order in orders for item in order["line_items"]]
    variation = next(item for item in items if item["variation_id"])
    keys = [meta["key"] for meta in variation["meta_data"]]
    assert any(key.startswith("pa_") for key in keys) and "_reduced_stock" in keys
    assert all(isinstance(order["total"], str) for order in orders)
    assert orders[0]["date_created_gmt"] != orders[0]["date_created"]  # the site is UTC+2


def test_errors_and_dates_answer_as_woocommerce_and_wordpress_do(
    shop: WooCommerceEmulator, clock: FakeClock, http: httpx.Client
) -> None:
    """Issue 15, item 9: an update of an unknown order is 400 (a read is 404), notes name the
    ``shop_order`` type, a bad ``orderby`` is ``rest_not_in_enum``, and a date with a zone is
    turned into site time (UTC+2 here) even with ``dates_are_gmt``."""
    update = http.put("/wp-json/wc/v3/orders/999", json={"status": "completed"})
    assert (update.status_code, update.json()["code"]) == (
        400,
        "woocommerce_rest_shop_order_invalid_id",
    )
    notes = http.get("/wp-json/wc/v3/orders/999/notes")
    assert (notes.status_code, notes.json()["code"], notes.json()["message"]) == (
        404,
        "woocommerce_rest_shop_order_invalid_id",
        "Invalid order ID.",
    )
    orderby = http.get("/wp-json/wc/v3/orders", params={"orderby": "modified_gmt"}).json()
    assert orderby["code"] == "rest_invalid_param"
    assert orderby["data"]["details"]["orderby"]["code"] == "rest_not_in_enum"
    order_id = shop.add_order()
    stamp = shop.order(order_id)["date_modified_gmt"]
    an_hour_before = (datetime.fromisoformat(stamp) - timedelta(hours=1)).isoformat() + "+00:00"
    zoned = {"modified_after": an_hour_before, "dates_are_gmt": "true"}
    # 11:00 UTC becomes 13:00 site time, compared with the GMT column: the 12:00 order is out.
    assert http.get("/wp-json/wc/v3/orders", params=zoned).json() == []

"""The BigCommerce emulator behaves like the documented v2 orders API, over a real socket."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault

TOKEN = "emulator-test-token"
RATE_HEADERS = (
    "X-Rate-Limit-Time-Window-Ms",
    "X-Rate-Limit-Time-Reset-Ms",
    "X-Rate-Limit-Requests-Quota",
    "X-Rate-Limit-Requests-Left",
)
PRODUCT_ID_MESSAGE = (
    "The field 'product_id' cannot be written to. "
    "Please remove it from your request before trying again."
)


class FakeNow:
    """The store's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.moment = datetime(2025, 7, 14, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def now() -> FakeNow:
    return FakeNow()


@pytest.fixture
def store(now: FakeNow) -> Iterator[BigCommerceEmulator]:
    emulator = BigCommerceEmulator(access_token=TOKEN, now=now, seed=3)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def api(store: BigCommerceEmulator) -> Iterator[httpx.Client]:
    headers = {"X-Auth-Token": TOKEN, "Accept": "application/json"}
    with httpx.Client(base_url=store.api_url + "/v2/", headers=headers) as client:
        yield client


def ship(
    api: httpx.Client, order_id: int, items: list[dict[str, Any]], **extra: Any
) -> httpx.Response:
    address = api.get(f"orders/{order_id}/shipping_addresses").json()[0]["id"]
    body = {"order_address_id": address, "tracking_number": "1Z999", "shipping_provider": "ups"}
    return api.post(f"orders/{order_id}/shipments", json={**body, **extra, "items": items})


def test_a_missing_or_wrong_token_gets_401_in_the_v2_error_shape(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    wrong = api.get("store", headers={"X-Auth-Token": "nope"})
    missing = httpx.get(store.api_url + "/v2/store")

    assert wrong.status_code == missing.status_code == 401
    assert wrong.json()[0]["status"] == 401 and wrong.json()[0]["message"]


def test_another_store_hash_is_refused(store: BigCommerceEmulator, api: httpx.Client) -> None:
    response = api.get(f"{store.base_url}/stores/other1/v2/store")

    assert response.status_code == 403


def test_store_and_time_describe_the_sandbox(api: httpx.Client, now: FakeNow) -> None:
    store = api.get("store").json()

    assert store["id"] == "sandbox1" and store["name"] and store["currency"] == "USD"
    assert api.get("time").json() == {"time": int(now().timestamp())}


def test_every_response_carries_the_rate_limit_headers(api: httpx.Client) -> None:
    for response in (api.get("store"), api.get("orders/999"), api.get("orders")):
        assert all(name in response.headers for name in RATE_HEADERS)
    assert api.get("store").headers["X-Rate-Limit-Requests-Quota"] == "150"


def test_the_quota_runs_out_with_429_and_refills_after_the_window() -> None:
    emulator = BigCommerceEmulator(access_token=TOKEN, quota=3, time_scale=20.0)
    with emulator, httpx.Client(headers={"X-Auth-Token": TOKEN}) as client:
        url = emulator.api_url + "/v2/time"
        lefts = [client.get(url).headers["X-Rate-Limit-Requests-Left"] for _ in range(3)]
        refused = client.get(url)
        deadline = time.monotonic() + 5
        while (again := client.get(url)).status_code == 429:
            assert time.monotonic() < deadline, "the window never reset"
            time.sleep(0.01)

    assert lefts == ["2", "1", "0"]
    assert refused.status_code == 429
    assert float(refused.headers["X-Retry-After"]) >= 1
    assert all(name in refused.headers for name in RATE_HEADERS)
    assert again.status_code == 200


def test_orders_start_at_100_and_line_ids_are_unique_store_wide(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    ids = store.add_sample_orders(3)
    line_ids = [p["id"] for i in ids for p in api.get(f"orders/{i}/products").json()]

    assert ids == [100, 101, 102]
    assert len(line_ids) == len(set(line_ids))


def test_an_empty_order_list_is_204_with_no_body(api: httpx.Client) -> None:
    response = api.get("orders")

    assert response.status_code == 204 and response.content == b""


def test_orders_page_with_limit_and_a_1_based_page(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    store.add_sample_orders(5)

    pages = [
        [o["id"] for o in api.get("orders", params={"limit": 2, "page": n}).json()]
        for n in (1, 2, 3)
    ]
    beyond = api.get("orders", params={"limit": 2, "page": 4})

    assert pages == [[100, 101], [102, 103], [104]]
    assert beyond.status_code == 204
    assert len(api.get("orders").json()) == 5  # default limit 50


def test_a_limit_above_250_is_413(api: httpx.Client) -> None:
    assert api.get("orders", params={"limit": 251}).status_code == 413


def test_filters_by_modified_time_in_iso_or_rfc2822_and_sorts(
    store: BigCommerceEmulator, api: httpx.Client, now: FakeNow
) -> None:
    first = store.add_order()
    start = now.advance(minutes=10)
    second = store.add_order()
    now.advance(minutes=10)
    third = store.add_order()
    now.advance(minutes=10)
    store.touch(second)

    iso = api.get(
        "orders", params={"min_date_modified": start.isoformat(), "sort": "date_modified:asc"}
    )
    rfc = api.get(
        "orders",
        params={
            "min_date_modified": "Mon, 14 Jul 2025 09:10:00 +0000",
            "sort": "date_modified:desc",
        },
    )
    bounded = api.get(
        "orders",
        params={
            "max_date_modified": (start + timedelta(minutes=15)).isoformat(),
            "sort": "id:desc",
        },
    )

    assert [o["id"] for o in iso.json()] == [third, second]
    assert [o["id"] for o in rfc.json()] == [second, third]
    assert [o["id"] for o in bounded.json()] == [third, first]
    modified = parsedate_to_datetime(iso.json()[1]["date_modified"])
    assert modified == now() and iso.json()[1]["date_modified"].endswith("+0000")


def test_a_double_encoded_date_or_an_unknown_filter_is_silently_ignored(
    store: BigCommerceEmulator, api: httpx.Client, now: FakeNow
) -> None:
    store.add_sample_orders(2)
    later = (now() + timedelta(days=1)).isoformat().replace("+", "%2B").replace(":", "%3A")

    double = api.get("orders", params={"min_date_modified": later})
    unknown = api.get("orders", params={"modified_after": "2099-01-01T00:00:00+00:00"})

    assert len(double.json()) == len(unknown.json()) == 2


def test_incomplete_orders_are_left_out_unless_asked_for_by_status(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    store.add_order()
    incomplete = store.add_order(status_id=0)

    assert [o["id"] for o in api.get("orders").json()] == [100]
    assert [o["id"] for o in api.get("orders", params={"status_id": 0}).json()] == [incomplete]
    assert api.get("orders/count").json()["count"] == 1


def test_an_order_carries_documented_fields_and_its_sub_resources(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    sample = generate_orders(1, seed=5)[0]
    order_id = store.add_order(sample)

    order = api.get(f"orders/{order_id}").json()
    products = api.get(f"orders/{order_id}/products").json()
    (address,) = api.get(f"orders/{order_id}/shipping_addresses").json()

    assert order["status_id"] == 11 and order["status"] == "Awaiting Fulfillment"
    assert order["total_inc_tax"] == f"{sample.total:.4f}"
    assert order["billing_address"]["email"] == sample.customer.email
    assert order["billing_address"]["country_iso2"] == sample.customer.country_code
    assert [p["sku"] for p in products] == [line.sku for line in sample.lines]
    assert all(p["order_address_id"] == address["id"] for p in products)
    assert address["shipping_method"] == sample.shipping_method


def test_an_unknown_order_is_404_with_the_documented_message(api: httpx.Client) -> None:
    response = api.get("orders/4242")

    assert response.status_code == 404
    assert response.json() == [{"status": 404, "message": "The requested resource was not found."}]


def test_products_page_like_other_collections(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    sample = next(s for s in generate_orders(40, seed=8) if len(s.lines) >= 3)
    order_id = store.add_order(sample)

    first = api.get(f"orders/{order_id}/products", params={"limit": 2, "page": 1}).json()
    rest = api.get(f"orders/{order_id}/products", params={"limit": 2, "page": 2}).json()

    assert len(first) == 2 and len(rest) == len(sample.lines) - 2


def test_an_order_without_shipments_lists_204(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()

    assert api.get(f"orders/{order_id}/shipments").status_code == 204


def test_a_shipment_needs_an_address_and_items(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()

    no_items = api.post(f"orders/{order_id}/shipments", json={"order_address_id": 1})
    no_address = api.post(f"orders/{order_id}/shipments", json={"items": []})

    assert no_items.status_code == no_address.status_code == 400
    assert "items" in no_items.json()[0]["message"]
    assert "order_address_id" in no_address.json()[0]["message"]


def test_product_id_in_shipment_items_is_refused_with_the_documented_message(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    product = api.get(f"orders/{order_id}/products").json()[0]

    response = ship(
        api, order_id, [{"order_product_id": product["id"], "product_id": 1, "quantity": 1}]
    )

    assert response.status_code == 400
    assert response.json() == [{"status": 400, "message": PRODUCT_ID_MESSAGE}]


def test_a_shipment_cannot_ship_more_than_is_left(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    product = api.get(f"orders/{order_id}/products").json()[0]
    item = {"order_product_id": product["id"], "quantity": product["quantity"]}

    assert ship(api, order_id, [item]).status_code == 201
    again = ship(api, order_id, [{**item, "quantity": 1}])

    assert again.status_code == 400 and "left to ship" in again.json()[0]["message"]


def test_a_tracking_number_over_50_characters_is_refused(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    product = api.get(f"orders/{order_id}/products").json()[0]

    response = ship(
        api,
        order_id,
        [{"order_product_id": product["id"], "quantity": 1}],
        tracking_number="9" * 51,
    )

    assert response.status_code == 400
    assert store.shipments(order_id) == []


def test_shipping_part_then_the_rest_moves_the_order_to_partially_shipped_then_shipped(
    store: BigCommerceEmulator, api: httpx.Client, now: FakeNow
) -> None:
    sample = next(s for s in generate_orders(40, seed=9) if len(s.lines) >= 2)
    order_id = store.add_order(sample)
    products = api.get(f"orders/{order_id}/products").json()
    later = now.advance(minutes=5)

    part = ship(api, order_id, [{"order_product_id": products[0]["id"], "quantity": 1}])
    partial = store.order(order_id)
    rest = [
        {"order_product_id": p["id"], "quantity": p["quantity"] - (1 if i == 0 else 0)}
        for i, p in enumerate(products)
        if p["quantity"] - (1 if i == 0 else 0) > 0
    ]
    ship(api, order_id, rest, tracking_number="1Z888")

    assert part.status_code == 201
    created = part.json()
    assert created["items"] == [
        {
            "order_product_id": products[0]["id"],
            "product_id": products[0]["product_id"],
            "quantity": 1,
        }
    ]
    assert created["generated_tracking_link"] == "https://www.ups.com/track?tracknum=1Z999"
    assert created["tracking_link"] == "" and created["shipping_provider_display_name"] == "UPS"
    assert partial["status_id"] == 3 and partial["items_shipped"] == 1
    assert parsedate_to_datetime(partial["date_modified"]) == later
    final = store.order(order_id)
    assert final["status_id"] == 2 and final["status"] == "Shipped"
    assert final["items_shipped"] == final["items_total"]
    shipped = api.get(f"orders/{order_id}/products").json()
    assert all(p["quantity_shipped"] == p["quantity"] for p in shipped)
    assert [e["shipment_id"] for e in store.emails_sent] == [1, 2]
    assert {e["to"] for e in store.emails_sent} == {sample.customer.email}


def test_an_unknown_provider_with_a_custom_link_keeps_the_link(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    product = api.get(f"orders/{order_id}/products").json()[0]
    link = "https://track.example.com/ABC"

    created = ship(
        api,
        order_id,
        [{"order_product_id": product["id"], "quantity": 1}],
        shipping_provider="",
        tracking_link=link,
    ).json()

    assert created["tracking_link"] == link and created["generated_tracking_link"] == ""


def test_a_shipment_tracking_can_be_updated_but_not_its_items(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    product = api.get(f"orders/{order_id}/products").json()[0]
    shipment = ship(api, order_id, [{"order_product_id": product["id"], "quantity": 1}]).json()
    path = f"orders/{order_id}/shipments/{shipment['id']}"

    updated = api.put(path, json={"tracking_number": "1Z777", "shipping_provider": "ups"})
    items = api.put(path, json={"items": []})

    assert updated.status_code == 200 and updated.json()["tracking_number"] == "1Z777"
    assert items.status_code == 400
    assert api.get(f"orders/{order_id}/shipments").json()[0]["tracking_number"] == "1Z777"


def test_admin_routes_add_and_show_orders_and_emails(store: BigCommerceEmulator) -> None:
    with httpx.Client(base_url=store.base_url) as admin:
        added = admin.post("/_admin/orders", json={"count": 2}).json()["ids"]
        one_more = admin.post("/_admin/orders").json()["ids"]
        orders = admin.get("/_admin/orders").json()
        emails = admin.get("/_admin/emails").json()

    assert added == [100, 101] and one_more == [102]
    assert [o["id"] for o in orders] == [100, 101, 102]
    assert orders[0]["products"] and orders[0]["shipping_addresses"]
    assert emails == []


def test_an_injected_server_error_uses_the_v2_shape_with_rate_headers(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    store.faults.inject(Fault.SERVER_ERROR)

    response = api.get("store")

    assert response.status_code == 500 and response.json()[0]["status"] == 500
    assert all(name in response.headers for name in RATE_HEADERS)
    assert api.get("store").status_code == 200


def test_a_missing_scope_is_403(store: BigCommerceEmulator, api: httpx.Client) -> None:
    store.scopes = {"store_v2_orders_read_only"}
    order_id = store.add_order()

    assert api.get("store").status_code == 403
    assert api.get("orders").status_code == 200
    assert ship(api, order_id, [{"order_product_id": 1, "quantity": 1}]).status_code == 403


# -- where the emulator departed from orders.v2.oas2.yml -----------------------------------


def test_upsonline_is_a_provider(store: BigCommerceEmulator, api: httpx.Client) -> None:
    order_id = store.add_order()
    line = api.get(f"orders/{order_id}/products").json()[0]["id"]

    response = ship(
        api, order_id, [{"order_product_id": line, "quantity": 1}], shipping_provider="upsonline"
    )

    assert response.status_code == 201


def test_a_custom_tracking_link_generates_no_link_of_its_own(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    line = api.get(f"orders/{order_id}/products").json()[0]["id"]

    shipment = ship(
        api,
        order_id,
        [{"order_product_id": line, "quantity": 1}],
        tracking_link="https://track.example/1Z999",
    ).json()

    assert shipment["tracking_link"] == "https://track.example/1Z999"
    assert shipment["generated_tracking_link"] == ""


def test_a_shipment_update_may_name_the_orders_own_address(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    line = api.get(f"orders/{order_id}/products").json()[0]["id"]
    shipment = ship(api, order_id, [{"order_product_id": line, "quantity": 1}]).json()

    same = api.put(
        f"orders/{order_id}/shipments/{shipment['id']}",
        json={"order_address_id": shipment["order_address_id"], "tracking_number": "1Z1000"},
    )
    other = api.put(
        f"orders/{order_id}/shipments/{shipment['id']}", json={"order_address_id": 99999}
    )

    assert same.status_code == 200 and same.json()["tracking_number"] == "1Z1000"
    assert other.status_code == 400


def test_orders_sort_by_external_id_and_filter_by_id(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    ids = store.add_sample_orders(4)

    by_external = api.get("orders", params={"sort": "external_id"})
    after = api.get("orders", params={"min_id": ids[2]})
    upto = api.get("orders", params={"max_id": ids[1]})

    assert sorted(o["id"] for o in by_external.json()) == ids
    assert [o["id"] for o in after.json()] == ids[2:]
    assert [o["id"] for o in upto.json()] == ids[:2]


def test_include_puts_the_lines_addresses_and_fees_in_the_order(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    order_id = store.add_order()
    params = {"include": "consignments.line_items,fees", "consignment_structure": "object"}

    (order,) = api.get("orders", params=params).json()
    plain = api.get(f"orders/{order_id}").json()

    (shipping,) = order["consignments"]["shipping"]
    products = api.get(f"orders/{order_id}/products").json()
    assert shipping["line_items"] == products
    assert shipping["id"] == api.get(f"orders/{order_id}/shipping_addresses").json()[0]["id"]
    assert order["fees"] == []
    assert set(plain["consignments"]) == {"url", "resource"}


def test_a_proxy_that_ignores_paging_answers_the_first_page_again(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    ids = store.add_sample_orders(3)
    store.ignore_paging = True

    second = api.get("orders", params={"limit": 2, "page": 2})
    after = api.get("orders", params={"limit": 2, "min_id": ids[2]})

    assert [o["id"] for o in second.json()] == ids[:2]
    assert [o["id"] for o in after.json()] == ids[:2]


# -- the merchant's own status labels (spec: custom_label, custom_status) ------------------

GERMAN = {7: "Warten auf Zahlung", 11: "Warten auf Versand"}


def test_order_statuses_carry_the_system_name_and_the_merchants_label(
    store: BigCommerceEmulator, api: httpx.Client
) -> None:
    store.status_labels = dict(GERMAN)
    statuses = {s["id"]: s for s in api.get("order_statuses").json()}
    assert sorted(statuses) == list(range(15))
    assert statuses[7]["system_label"] == statuses[7]["name"] == "Awaiting Payment"
    assert statuses[7]["custom_label"] == "Warten auf Zahlung"
    assert statuses[2]["custom_label"] == "Shipped"  # not renamed


@pytest.mark.parametrize("carries", ["custom", "system"])
def test_an_order_shows_the_merchants_label_as_the_chosen_reading_says(
    store: BigCommerceEmulator, api: httpx.Client, carries: str
) -> None:
    store.status_labels = dict(GERMAN)
    store.status_carries = carries
    order_id = store.add_order(status_id=7)
    order = api.get(f"orders/{order_id}").json()
    assert (order["status_id"], order["custom_status"]) == (7, "Warten auf Zahlung")
    expected = "Warten auf Zahlung" if carries == "custom" else "Awaiting Payment"
    assert order["status"] == expected
    assert [listed["status"] for listed in api.get("orders").json()] == [expected]

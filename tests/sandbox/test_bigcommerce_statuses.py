"""The BigCommerce emulator serves the merchant's own status labels as the spec describes:
``custom_label`` on ``/v2/order_statuses`` and on each order (``custom_status``, and ``status``
under the reading that it carries the merchant's label)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from desktop_sync.sandbox.bigcommerce import BigCommerceEmulator

TOKEN = "emulator-status-token"
GERMAN = {7: "Warten auf Zahlung", 11: "Warten auf Versand"}


@pytest.fixture
def store() -> Iterator[BigCommerceEmulator]:
    emulator = BigCommerceEmulator(access_token=TOKEN, seed=5)
    emulator.status_labels = dict(GERMAN)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def api(store: BigCommerceEmulator) -> Iterator[httpx.Client]:
    headers = {"X-Auth-Token": TOKEN, "Accept": "application/json"}
    with httpx.Client(base_url=store.api_url + "/v2/", headers=headers) as client:
        yield client


def test_order_statuses_carry_the_system_name_and_the_merchants_label(
    api: httpx.Client,
) -> None:
    statuses = {s["id"]: s for s in api.get("order_statuses").json()}
    assert sorted(statuses) == list(range(15))
    assert statuses[7]["system_label"] == statuses[7]["name"] == "Awaiting Payment"
    assert statuses[7]["custom_label"] == "Warten auf Zahlung"
    assert statuses[2]["custom_label"] == "Shipped"  # not renamed


@pytest.mark.parametrize("carries", ["custom", "system"])
def test_an_order_shows_the_merchants_label_as_the_chosen_reading_says(
    store: BigCommerceEmulator, api: httpx.Client, carries: str
) -> None:
    store.status_carries = carries
    order_id = store.add_order(status_id=7)
    order = api.get(f"orders/{order_id}").json()
    assert (order["status_id"], order["custom_status"]) == (7, "Warten auf Zahlung")
    expected = "Warten auf Zahlung" if carries == "custom" else "Awaiting Payment"
    assert order["status"] == expected
    (listed,) = api.get("orders").json()
    assert listed["status"] == expected

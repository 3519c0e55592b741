"""Shipping snapshots: a page of orders answers "anything shipped?" for many shipments."""

from __future__ import annotations

from typing import Any

import pytest

from desktop_sync.connectors.stores.bigcommerce_shipping import ShippingSnapshots, read_shipping


def listed(order_id: int, shipped: int = 0) -> dict[str, Any]:
    line = {"id": order_id * 10, "quantity": 2, "quantity_shipped": shipped}
    line["order_address_id"] = order_id + 5000
    return {
        "id": order_id,
        "items_shipped": shipped,
        "consignments": {
            "pickups": [],
            "shipping": [{"id": order_id + 5000, "line_items": [line]}],
            "downloads": [],
            "email": {"gift_certificates": []},
        },
    }


class Store:
    """Orders 1..3000, listed a page of 250 from ``min_id`` on."""

    def __init__(self) -> None:
        self.pages: list[int] = []

    def fetch(self, first: int) -> list[Any]:
        self.pages.append(first)
        return [listed(i) for i in range(first, min(first + 250, 3001))]


@pytest.mark.parametrize("step", [10, -10])
def test_questions_in_either_direction_read_one_page_per_250_orders(step: int) -> None:
    store = Store()
    snapshots = ShippingSnapshots(store.fetch, lambda: 0.0)
    asked = list(range(1000, 3000, step)) if step > 0 else list(range(2990, 990, step))

    for order_id in asked:
        state = snapshots.get(order_id)
        assert state is not None and not state.shipped_anything
        assert state.addresses == (order_id + 5000,)

    assert len(store.pages) <= 2000 / 250 + 1


def test_an_order_with_anything_shipped_says_so() -> None:
    state = read_shipping(listed(7, shipped=1))
    assert state is not None and state.shipped_anything


def test_an_answer_without_consignments_is_no_snapshot() -> None:
    assert read_shipping({"id": 7, "items_shipped": 0, "consignments": {"url": ""}}) is None

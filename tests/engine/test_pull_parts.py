"""The pull's pure rules: what a shipment covers, and which Order Desk orders are splits."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from desktop_sync.connectors.orderdesk.models import Address, Order
from desktop_sync.engine.pull_parts import is_split_of, lines_left, plan_shipment

WHOLE = (("a", 2), ("b", 1), ("c", 3))


def test_a_shipment_naming_items_covers_exactly_those() -> None:
    covered: Counter[str] = Counter()
    plan = plan_shipment((("a", 1),), WHOLE, covered, [])
    assert plan is not None and (plan.kind, plan.lines) == ("fulfil", (("a", 1),))
    assert covered == {"a": 1}


def test_a_shipment_naming_none_covers_what_is_left_then_is_another_tracking_number() -> None:
    covered: Counter[str] = Counter({"a": 1, "c": 3})
    rest = plan_shipment(None, WHOLE, covered, [(("a", 1), ("c", 3))])
    assert rest is not None and (rest.kind, rest.lines) == ("fulfil", (("a", 1), ("b", 1)))
    extra = plan_shipment(None, WHOLE, covered, [(("a", 1), ("c", 3)), rest.lines])
    assert extra is not None and (extra.kind, extra.lines) == ("add_tracking", rest.lines)


def test_a_shipment_with_nothing_to_cover_and_no_fulfillment_has_no_plan() -> None:
    assert plan_shipment(None, (), Counter(), []) is None


def test_lines_left_subtracts_quantities() -> None:
    assert lines_left(WHOLE, {"a": 2, "c": 1}) == (("b", 1), ("c", 2))


def _order(order_id: str, source_id: str, **changes: Any) -> Order:
    fields: dict[str, Any] = {
        "id": order_id,
        "source_id": source_id,
        "source_name": "Desktop Sync (BigCommerce)",
        "folder_id": 1,
        "email": "",
        "shipping_method": "",
        "payment_status": "Captured",
        "date_added": datetime(2026, 11, 2, 9, tzinfo=UTC),
        "date_updated": None,
        "shipping": Address(),
        "customer": Address(),
        "items": (),
        "shipments": (),
        "order_metadata": {"store_order_id": "100", "store_identity": "shop-a"},
    }
    fields.update(changes)
    return Order(**fields)


def test_a_split_keeps_the_original_date_metadata_and_number() -> None:
    original = _order("1", "100")
    assert is_split_of(_order("2", "100"), original)
    assert is_split_of(_order("3", "100-1"), original)  # a suffixed source_id


def test_another_stores_order_with_the_same_number_is_not_a_split() -> None:
    original = _order("1", "100")
    other_store = {"store_order_id": "100", "store_identity": "shop-b"}
    assert not is_split_of(_order("2", "100", order_metadata=other_store), original)
    later = datetime(2026, 11, 3, 9, tzinfo=UTC)
    assert not is_split_of(_order("2", "100", date_added=later), original)
    assert not is_split_of(_order("2", "101"), original)
    assert not is_split_of(original, original)

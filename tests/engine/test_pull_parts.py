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
        "order_metadata": {"store_order_id": "100", "store_key": "bigcommerce:shop-a"},
    }
    fields.update(changes)
    return Order(**fields)


def test_a_split_keeps_the_original_metadata_and_number_whatever_its_date() -> None:
    original = _order("1", "100")
    assert is_split_of(_order("2", "100"), original)
    assert is_split_of(_order("3", "100-1"), original)  # a suffixed source_id
    # Order Desk may date the part when it was split, or not say when (no date is copied
    # for sure): what a split copies is the store's identity and the store order id.
    split_later = datetime(2026, 11, 3, 9, tzinfo=UTC)
    assert is_split_of(_order("4", "100-1", date_added=split_later), original)
    assert is_split_of(_order("5", "100", date_added=None), original)


def test_another_stores_or_another_orders_order_is_not_a_split() -> None:
    original = _order("1", "100")
    other_store = {"store_order_id": "100", "store_key": "bigcommerce:shop-b"}
    assert not is_split_of(_order("2", "100", order_metadata=other_store), original)
    other_order = {"store_order_id": "1001", "store_key": "bigcommerce:shop-a"}
    assert not is_split_of(_order("2", "1001", order_metadata=other_order), original)
    assert not is_split_of(_order("2", "100", order_metadata={}), original)  # typed by hand
    assert not is_split_of(_order("2", "100", source_name="Another app"), original)
    assert not is_split_of(_order("2", "101"), original)
    assert not is_split_of(original, original)


def test_an_order_without_this_apps_metadata_has_no_splits() -> None:
    """Two orders that both lack the store order id (not sent by this app) are not parts of
    one another, however alike."""
    original = _order("1", "100", order_metadata={})
    assert not is_split_of(_order("2", "100-1", order_metadata={}), original)


def test_a_part_of_an_order_sent_before_the_stores_identity_was_written_keeps_its_date() -> None:
    """Such an order names no store: another store's order 100 of that release carries the
    same metadata, so only a part dated like the original is taken for one."""
    unnamed = {"store_order_id": "100"}
    original = _order("1", "100", order_metadata=unnamed)
    assert is_split_of(_order("2", "100-1", order_metadata=unnamed), original)
    later = datetime(2026, 11, 3, 9, tzinfo=UTC)
    assert not is_split_of(_order("3", "100", order_metadata=unnamed, date_added=later), original)

"""Shipments come back once each, to exactly the right store lines, whatever their shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.engine.mapping import source_name_for
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.sandbox.orderdesk import OrderDeskEmulator
from desktop_sync.sandbox.samples import generate_orders
from desktop_sync.sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator


@pytest.fixture
def engine(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> Iterator[SyncEngine]:
    built = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=clock
    )
    yield built
    built.close()


def _pushed(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, count: int, seed: int
) -> list[tuple[str, dict[str, Any]]]:
    ids = store.add_orders(generate_orders(count, seed=seed))
    engine.run_cycle()
    return [(sid, orderdesk.orders_with_source(sid)[0]) for sid in ids]


def test_second_tracking_number_on_a_one_number_platform_is_logged_not_dropped(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=21)
    orderdesk.add_shipment(od["id"], "1ZFIRST0001")
    orderdesk.add_shipment(od["id"], "1ZSECOND002")
    result = engine.run_cycle()
    assert result.pull is not None
    assert (result.pull.fulfillments_created, result.pull.skipped) == (1, 1)
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZFIRST0001"]]
    warnings = [e.message for e in engine.journal.events_page(0, 50, levels=("warning",))]
    assert any("1ZSECOND002" in w and "one tracking number" in w for w in warnings)


def test_items_without_line_metadata_map_back_to_store_lines_by_sku(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=22)
    # The merchant re-created the order by hand in Order Desk: same source, no item metadata.
    original = orderdesk.get(od["id"])
    payload = {
        "source_id": original["source_id"] + "-B",
        "source_name": source_name_for("bigcommerce"),
        "shipping": original["shipping"],
        "order_metadata": {"store_order_id": sid},
        "order_items": [
            {"name": i["name"], "code": i["code"], "price": i["price"], "quantity": i["quantity"]}
            for i in original["order_items"]
        ],
    }
    copy = orderdesk.create_order(payload)
    orderdesk.add_shipment(copy["id"], "1ZBYSKU0001")
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 1
    store_order = store.connector().get_order(sid)
    (made,) = store.fulfillments(sid)
    assert made["lines"] == {line.id: line.quantity for line in store_order.lines}


def test_a_shipment_naming_some_items_covers_only_those(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    pushed = _pushed(store, orderdesk, engine, 8, seed=23)
    sid, od = next((s, o) for s, o in pushed if len(o["order_items"]) >= 2)
    first = od["order_items"][0]
    orderdesk.add_shipment(
        od["id"], "1ZPART00001", order_items=[{"id": first["id"], "quantity": 1}]
    )
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 1
    (made,) = store.fulfillments(sid)
    assert made["lines"] == {first["metadata"]["store_line_id"]: 1}


def test_shipment_on_an_order_this_app_never_sent_is_left_alone_and_reported_once(
    orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    stranger = orderdesk.create_order(
        {
            "source_id": "X-1",
            "source_name": source_name_for("bigcommerce"),
            "shipping": {"first_name": "Sam", "last_name": "Roe"},
            "order_items": [{"name": "Thing", "code": "T", "price": 1, "quantity": 1}],
        }
    )
    orderdesk.add_shipment(stranger["id"], "1ZSTRANGER1")
    for _ in range(2):
        result = engine.run_cycle()
        assert result.pull is not None and result.pull.fulfillments_created == 0
    warnings = [e.message for e in engine.journal.events_page(0, 50, levels=("warning",))]
    assert sum("did not send" in w for w in warnings) == 1


def test_a_fulfillment_whose_answer_was_lost_is_found_by_tracking_not_made_twice(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=24)
    orderdesk.add_shipment(od["id"], "1ZLOSTREPLY")
    store.emulator.faults.inject(Fault.DROP_AFTER, 1, method="POST", path=r"/shipments$")
    first = engine.run_cycle()
    assert first.pull is not None and first.pull.waiting == 1
    assert len(store.fulfillments(sid)) == 1  # the store made it; we never heard
    clock.skip()
    second = engine.run_cycle()
    assert second.pull is not None
    assert (second.pull.fulfillments_created, second.pull.adopted) == (0, 1)
    assert len(store.fulfillments(sid)) == 1
    assert engine.journal.counts().fulfillments == 1


def test_shipments_added_while_offline_are_found_after_the_overlap(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=25)
    orderdesk.faults.inject(Fault.SERVER_ERROR, 50, method="GET", path="/orders$")
    orderdesk.add_shipment(od["id"], "1ZOFFLINE01")
    outage = engine.run_cycle()
    assert outage.health.value == "orderdesk_offline"
    assert "keeps retrying" in outage.message
    orderdesk.faults.clear()
    clock.skip(hours=timedelta(minutes=5).total_seconds() / 3600)
    back = engine.run_cycle()
    assert back.health.value == "ok"
    assert back.pull is not None and back.pull.fulfillments_created == 1
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZOFFLINE01"]]


def test_a_split_whose_new_order_gets_a_suffixed_source_id_still_ships_its_own_lines(
    store: BigCommerceKit, tmp_path: Path
) -> None:
    orderdesk = orderdesk_emulator(split_suffix="-1")
    orderdesk.start()
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago()
    )
    try:
        pushed = _pushed(store, orderdesk, engine, 8, seed=26)
        sid, od = next((s, o) for s, o in pushed if len(o["order_items"]) >= 2)
        moved, kept = od["order_items"][:1], od["order_items"][1:]
        child = orderdesk.split_order(od["id"], [moved[0]["id"]])
        assert orderdesk.get(child)["source_id"] == sid + "-1"
        orderdesk.add_shipment(child, "1ZSUFFIXED01")
        orderdesk.add_shipment(od["id"], "1ZORIGINAL01")
        result = engine.run_cycle()
        assert result.pull is not None and result.pull.fulfillments_created == 2
        made = {f["tracking_numbers"][0]: f["lines"] for f in store.fulfillments(sid)}
        assert made == {
            "1ZSUFFIXED01": {i["metadata"]["store_line_id"]: i["quantity"] for i in moved},
            "1ZORIGINAL01": {i["metadata"]["store_line_id"]: i["quantity"] for i in kept},
        }
    finally:
        engine.close()
        orderdesk.stop()

"""Shipments come back once each, to exactly the right store lines, whatever their shape.

Every test here runs twice: against an Order Desk where adding a shipment moves the order's
``date_updated`` and one where it does not (Order Desk's own sample shows the second).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from desktop_sync.app.platforms import source_name_for
from desktop_sync.engine.identity import STORE_KEY
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, orderdesk_emulator


@pytest.fixture(params=[True, False], ids=["date_updated_moves", "date_updated_stays"])
def orderdesk(request: pytest.FixtureRequest, clock: Clock) -> Iterator[OrderDeskEmulator]:
    emulator = orderdesk_emulator(shipment_moves_date_updated=request.param, now=clock)
    emulator.start()
    yield emulator
    emulator.stop()


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
    # The merchant re-entered the items by hand in Order Desk: same order, no item metadata.
    original = orderdesk.get(od["id"])
    with orderdesk.lock:
        orderdesk.book.replace(
            od["id"],
            {
                **original,
                "order_items": [
                    {k: i[k] for k in ("name", "code", "price", "quantity")}
                    for i in original["order_items"]
                ],
            },
        )
    orderdesk.add_shipment(od["id"], "1ZBYSKU0001")
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
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    _pushed(store, orderdesk, engine, 1, seed=20)  # one of ours is waiting for its shipment
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
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    orderdesk.split_suffix = "-1"
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
        "1ZSUFFIXED01": _lines(moved),
        "1ZORIGINAL01": _lines(kept),
    }


@pytest.mark.parametrize("suffix", ["", "-1"])
def test_a_split_part_dated_when_it_was_split_ships_its_own_lines(
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    engine: SyncEngine,
    clock: Clock,
    suffix: str,
) -> None:
    """Order Desk may give a split-off part the date of the split, not the original's: the
    part's tracking still reaches the store, never 'left alone' as another app's order."""
    orderdesk.split_suffix = suffix
    orderdesk.book.split_date_added = "split"
    sid, od = _multi_line(store, orderdesk, engine, seed=27)
    clock.skip(hours=0.5)
    moved = od["order_items"][:1]
    part = orderdesk.split_order(od["id"], [moved[0]["id"]])
    assert orderdesk.get(part)["date_added"] != od["date_added"]
    orderdesk.add_shipment(part, "1ZSPLITLATER1")
    for _ in range(2):
        clock.skip(hours=0.1)
        engine.run_cycle()
    log = [e.message for e in engine.journal.events_page(0, 100)]
    made = {f["tracking_numbers"][0]: f["lines"] for f in store.fulfillments(sid)}
    assert made == {"1ZSPLITLATER1": _lines(moved)}
    assert not any("did not send" in m for m in log), log


def _lines(items: list[dict[str, Any]]) -> dict[str, int]:
    return {i["metadata"]["store_line_id"]: i["quantity"] for i in items}


def _multi_line(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, seed: int
) -> tuple[str, dict[str, Any]]:
    pushed = _pushed(store, orderdesk, engine, 8, seed=seed)
    return next((s, o) for s, o in pushed if len(o["order_items"]) >= 2)


# -- issue 12, item 9: a shipment found whether or not it moves date_updated ---------------


def test_a_shipment_added_a_day_after_the_push_comes_back(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=30)
    for _ in range(3):  # a day of quiet pulls moves the pull's mark on
        clock.skip(hours=8)
        engine.run_cycle()
    orderdesk.add_shipment(od["id"], "1ZNEXTDAY01")
    clock.skip(hours=0.1)
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 1
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZNEXTDAY01"]]


def test_each_pull_lists_open_orders_a_page_at_a_time_and_stops_looking_once_shipped(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    pushed = _pushed(store, orderdesk, engine, 6, seed=31)
    start = len(orderdesk.request_log)
    engine.run_cycle()
    listed = [p for m, p, _ in orderdesk.request_log[start:] if m == "GET"]
    assert listed == ["/api/v2/orders"]  # one page for the six open orders, none per order
    for n, (_, od) in enumerate(pushed):
        orderdesk.add_shipment(od["id"], f"1ZALLSHIP{n:02d}")
    clock.skip(hours=0.1)
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 6
    assert engine.journal.orders_awaiting_shipment(clock() - timedelta(days=365)) == []
    start = len(orderdesk.request_log)
    again = engine.run_cycle()
    assert again.pull is not None and again.pull.fulfillments_created == 0
    assert [p for m, p, _ in orderdesk.request_log[start:] if m == "GET"] == ["/api/v2/orders"]


# -- issue 12, item 10: what a shipment naming no items covers -----------------------------


def test_the_rest_shipped_without_items_after_a_named_part_fulfils_the_rest(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    sid, od = _multi_line(store, orderdesk, engine, seed=32)
    first, rest = od["order_items"][:1], od["order_items"][1:]
    orderdesk.add_shipment(
        od["id"], "1ZPARTONE01", order_items=[{"id": first[0]["id"], "quantity": 1}]
    )
    engine.run_cycle()
    clock.skip(hours=0.1)
    orderdesk.add_shipment(od["id"], "1ZTHEREST01")  # "the rest", no items named
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 1
    made = {f["tracking_numbers"][0]: f["lines"] for f in store.fulfillments(sid)}
    rest_lines = _lines(rest)
    if first[0]["quantity"] > 1:
        rest_lines[first[0]["metadata"]["store_line_id"]] = first[0]["quantity"] - 1
    assert made == {
        "1ZPARTONE01": {first[0]["metadata"]["store_line_id"]: 1},
        "1ZTHEREST01": rest_lines,
    }


def test_a_wrong_shipment_deleted_and_replaced_sends_only_the_replacement(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, clock: Clock
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=33)
    wrong = orderdesk.add_shipment(od["id"], "1ZWRONG0001")
    store.emulator.faults.inject(Fault.SERVER_ERROR, 1, method="POST", path=r"/shipments$")
    first = engine.run_cycle()
    assert first.pull is not None and first.pull.waiting == 1 and store.fulfillments(sid) == []
    assert orderdesk.delete_shipment(od["id"], wrong["id"])
    orderdesk.add_shipment(od["id"], "1ZRIGHT0001")
    clock.skip()
    second = engine.run_cycle()
    assert second.pull is not None
    assert (second.pull.fulfillments_created, second.pull.skipped) == (1, 1)
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZRIGHT0001"]]
    notes = [e.message for e in engine.journal.events_page(0, 50)]
    assert any("1ZWRONG0001" in n and "deleted in Order Desk" in n for n in notes)


@pytest.mark.parametrize("how", ["edited", "deleted_and_added"])
def test_a_too_long_tracking_number_corrected_in_order_desk_is_sent(
    how: str,
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    engine: SyncEngine,
    clock: Clock,
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=34)
    bad = orderdesk.add_shipment(od["id"], "1Z" + "9" * 198)
    first = engine.run_cycle()
    assert first.pull is not None and len(first.pull.failed) == 1
    assert "correct it in Order Desk" in first.pull.failed[0].reason
    if how == "edited":
        orderdesk.update_shipment(od["id"], bad["id"], tracking_number="1ZFIXED0001")
    else:
        orderdesk.delete_shipment(od["id"], bad["id"])
        orderdesk.add_shipment(od["id"], "1ZFIXED0001")
    clock.skip(hours=0.1)
    second = engine.run_cycle()
    assert second.pull is not None and second.pull.fulfillments_created == 1
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZFIXED0001"]]


# -- issue 12, item 11: split parts under one tracking number ------------------------------


def test_two_split_parts_shipped_under_one_tracking_number_are_both_fulfilled(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine
) -> None:
    sid, od = _multi_line(store, orderdesk, engine, seed=35)
    moved, kept = od["order_items"][:1], od["order_items"][1:]
    child = orderdesk.split_order(od["id"], [moved[0]["id"]])
    orderdesk.add_shipment(child, "1ZONEBOX0001")
    orderdesk.add_shipment(od["id"], "1ZONEBOX0001")
    result = engine.run_cycle()
    assert result.pull is not None
    assert (result.pull.fulfillments_created, result.pull.adopted) == (2, 0)
    made = sorted((f["lines"] for f in store.fulfillments(sid)), key=len)
    assert made == sorted([_lines(moved), _lines(kept)], key=len)


# -- issue 12, item 1 (pull side): whose order it is ---------------------------------------


@pytest.mark.parametrize("sent_by", ["this_release", "a_release_before_store_identity"])
def test_another_stores_order_with_the_same_number_is_never_fulfilled_from_this_one(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, engine: SyncEngine, sent_by: str
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=36)
    # A second store of the same platform, numbering from 100 too, feeds this Order Desk
    # account through its own profile: its order carries the same number and store order id,
    # and its own store's identity; or, both sent before the identity was written, none.
    with orderdesk.lock:
        orderdesk.book.reject_duplicates = False
        metadata = orderdesk.book.orders[od["id"]]["order_metadata"]
        if sent_by == "this_release":
            theirs_metadata = {**metadata, STORE_KEY: "bigcommerce:api.example/stores/other"}
        else:
            del metadata[STORE_KEY]
            theirs_metadata = dict(metadata)
    ours = orderdesk.get(od["id"])
    placed = datetime.fromisoformat(ours["date_added"]) + timedelta(hours=1)
    theirs = orderdesk.create_order(
        {
            "source_id": ours["source_id"],
            "source_name": ours["source_name"],
            "date_added": placed.strftime("%Y-%m-%d %H:%M:%S"),
            "shipping": {"first_name": "Other", "last_name": "Customer"},
            "order_metadata": theirs_metadata,
            "order_items": [
                {k: i[k] for k in ("name", "code", "price", "quantity", "metadata")}
                for i in ours["order_items"]
            ],
        }
    )
    orderdesk.add_shipment(theirs["id"], "1ZTHEIRS0001")
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 0
    assert store.fulfillments(sid) == [] and store.customer_emails() == 0
    orderdesk.add_shipment(od["id"], "1ZOURS000001")
    result = engine.run_cycle()
    assert result.pull is not None and result.pull.fulfillments_created == 1
    assert [f["tracking_numbers"] for f in store.fulfillments(sid)] == [["1ZOURS000001"]]


# -- issue 21, item 14: a corrected shipment leaves no failure behind -----------------------


@pytest.mark.parametrize("replaced", [True, False], ids=["replaced", "only_deleted"])
def test_a_failed_shipment_deleted_in_order_desk_no_longer_keeps_health_failing(
    replaced: bool,
    store: BigCommerceKit,
    orderdesk: OrderDeskEmulator,
    engine: SyncEngine,
    clock: Clock,
) -> None:
    ((sid, od),) = _pushed(store, orderdesk, engine, 1, seed=2141)
    bad = orderdesk.add_shipment(od["id"], "1Z" + "8" * 198)
    first = engine.run_cycle()
    assert first.health.value == "failing"
    orderdesk.delete_shipment(od["id"], bad["id"])
    if replaced:
        orderdesk.add_shipment(od["id"], "1ZFIXED0002")
    clock.skip(hours=0.1)
    second = engine.run_cycle()
    made = [f["tracking_numbers"] for f in store.fulfillments(sid)]
    assert made == ([["1ZFIXED0002"]] if replaced else [])
    assert second.health.value == "ok", second.message
    assert engine.journal.counts().shipments_failed == 0

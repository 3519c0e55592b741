"""The engine's end-to-end scenario against every store platform, over real sockets:
40 store orders reach Order Desk with every mapped field right; the merchant ships 10 and
splits 3 in two, each part with its own tracking; one pull makes exactly 16 fulfillments,
each covering exactly its own lines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from desktop_sync.app.platforms import source_name_for
from desktop_sync.connectors.stores.base import StoreOrder
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from tests.contract.kit import StoreKit
from tests.harness import make_engine, minute_ago, orderdesk_emulator, source_counts

PAYMENT = {
    "paid": "Captured",
    "authorized": "Authorized",
    "pending": "Pending",
    "partially_refunded": "Partially Refunded",
}


@pytest.fixture(params=[True, False], ids=["date_updated_moves", "date_updated_stays"])
def orderdesk(request: pytest.FixtureRequest) -> Any:
    # Order Desk does not say whether a shipment moves the order's date_updated: both ways.
    emulator = orderdesk_emulator(shipment_moves_date_updated=request.param)
    emulator.start()
    yield emulator
    emulator.stop()


def _check_mapped(
    od_order: dict[str, Any],
    sample: SampleOrder,
    store_order: StoreOrder,
    folder_id: int,
    kit: StoreKit,
) -> None:
    assert od_order["source_id"] == store_order.number
    assert od_order["source_name"] == source_name_for(kit.platform)
    assert od_order["folder_id"] == folder_id
    assert od_order["email"] == sample.customer.email
    assert od_order["shipping_method"] == sample.shipping_method
    assert od_order["payment_status"] == PAYMENT[sample.payment]
    for side in ("shipping", "customer"):
        address = od_order[side]
        assert address["first_name"] == sample.customer.first_name
        assert address["last_name"] == sample.customer.last_name
        assert address["company"] == sample.customer.company
        assert address["address1"] == sample.customer.address1
        assert address["city"] == sample.customer.city
        assert address["postal_code"] == sample.customer.postal_code
        assert address["country"] == sample.customer.country_code
    lines_by_sku = {line.sku: line for line in store_order.lines}
    items = od_order["order_items"]
    assert len(items) == len(sample.lines)
    for item, line in zip(
        sorted(items, key=lambda i: i["code"]),
        sorted(sample.lines, key=lambda ln: ln.sku),
        strict=True,
    ):
        assert item["code"] == line.sku
        assert item["quantity"] == line.quantity
        assert Decimal(str(item["price"])) == line.unit_price
        assert (item["variation_list"] or {}) == dict(line.options)
        assert item["metadata"]["store_line_id"] == lines_by_sku[line.sku].id
    assert Decimal(str(od_order["shipping_total"])) == sample.shipping_total
    assert Decimal(str(od_order["tax_total"])) == sample.tax_total
    assert od_order["order_metadata"]["store_order_id"] == store_order.id
    assert od_order["order_metadata"]["store_platform"] == kit.platform


def test_forty_orders_ten_shipped_three_split_make_sixteen_exact_fulfillments(
    kit: StoreKit, orderdesk: Any, tmp_path: Path
) -> None:
    samples = generate_orders(40, seed=11)
    start = minute_ago()
    store_ids = kit.add_orders(samples)
    connector = kit.connector()
    engine = make_engine(orderdesk, connector, tmp_path / "journal.sqlite3", start_at=start)
    try:
        first = engine.run_cycle()
        assert first.health is Health.OK, first.message
        assert first.push is not None and first.push.sent == 40

        folder_id = orderdesk.folder_ids()["New"]
        store_orders = {sid: connector.get_order(sid) for sid in store_ids}
        od_by_store: dict[str, dict[str, Any]] = {}
        for sample, sid in zip(samples, store_ids, strict=True):
            (od_order,) = orderdesk.orders_with_source(store_orders[sid].number)
            _check_mapped(od_order, sample, store_orders[sid], folder_id, kit)
            od_by_store[sid] = od_order

        # The merchant splits three multi-line orders and ships each part on its own ...
        multi = [sid for sid, s in zip(store_ids, samples, strict=True) if len(s.lines) >= 2]
        split_ids, ship_ids = multi[:3], [s for s in store_ids if s not in multi[:3]][:10]
        expected: dict[str, list[tuple[str, dict[str, int]]]] = {}
        splits: set[str] = set()
        line_of = {sid: {ln.sku: ln.id for ln in store_orders[sid].lines} for sid in store_ids}
        for n, sid in enumerate(split_ids):
            od = od_by_store[sid]
            moved, kept = od["order_items"][:1], od["order_items"][1:]
            child = orderdesk.split_order(od["id"], [moved[0]["id"]])
            splits.add(child)
            orderdesk.add_shipment(od["id"], f"1ZSPLITKEEP{n:04d}")
            orderdesk.add_shipment(child, f"1ZSPLITMOVE{n:04d}")
            expected[sid] = [
                (f"1ZSPLITKEEP{n:04d}", {line_of[sid][i["code"]]: i["quantity"] for i in kept}),
                (f"1ZSPLITMOVE{n:04d}", {line_of[sid][i["code"]]: i["quantity"] for i in moved}),
            ]
        # ... and ships ten other orders whole.
        for n, sid in enumerate(ship_ids):
            orderdesk.add_shipment(od_by_store[sid]["id"], f"1ZWHOLE{n:06d}")
            expected[sid] = [
                (f"1ZWHOLE{n:06d}", {ln.id: ln.quantity for ln in store_orders[sid].lines})
            ]

        second = engine.run_cycle()
        assert second.health is Health.OK, second.message
        assert second.pull is not None and second.pull.fulfillments_created == 16

        total = 0
        for sid in store_ids:
            made = kit.fulfillments(sid)
            total += len(made)
            want = sorted(expected.get(sid, []))
            got = sorted((f["tracking_numbers"][0], f["lines"]) for f in made)
            assert got == want, f"store order {sid}"
        assert total == 16

        # A further cycle finds nothing new and doubles nothing.
        third = engine.run_cycle()
        assert third.pull is not None and third.pull.fulfillments_created == 0
        assert sum(len(kit.fulfillments(sid)) for sid in store_ids) == 16
        counts = source_counts(orderdesk, kit.platform, splits=splits)
        assert sorted(counts.values()) == [1] * 40
    finally:
        engine.close()

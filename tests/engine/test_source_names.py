"""Each store's own Order Desk source name (issue 20): two shops of one platform that both
number from 100 stay apart in Order Desk, whether Order Desk refuses a second order with the
same number and source name or not, and each shipment reaches only the shop its order came
from. Over real sockets, both shops in one journal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_sync.engine.identity import STORE_KEY
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import make_engine, minute_ago, orderdesk_emulator

SHOP_A = "Desktop Sync (BigCommerce)"  # the first store keeps its platform's, as before
SHOP_B = "Desktop Sync (Outlet)"


@pytest.fixture
def second_store() -> Iterator[BigCommerceKit]:
    """Another BigCommerce store of the same merchant: its numbers also start at 100."""
    kit = BigCommerceKit()
    kit.emulator.store_hash = "sandbox2"
    kit.start()
    yield kit
    kit.stop()


@pytest.mark.parametrize("reject_duplicates", [True, False], ids=["refused", "accepted"])
def test_two_shops_numbering_alike_each_send_every_order_and_get_only_their_shipments(
    store: BigCommerceKit, second_store: BigCommerceKit, tmp_path: Path, reject_duplicates: bool
) -> None:
    orderdesk = orderdesk_emulator(reject_duplicates=reject_duplicates)
    orderdesk.start()
    journal = tmp_path / "journal.sqlite3"
    start = minute_ago()
    try:
        ids_a = store.add_orders(generate_orders(3, seed=31))
        ids_b = second_store.add_orders(generate_orders(3, seed=32))
        assert ids_a == ids_b == ["100", "101", "102"]
        first = make_engine(orderdesk, store.connector(), journal, start_at=start)
        second = make_engine(
            orderdesk,
            second_store.connector(),
            journal,
            start_at=start,
            source_name=SHOP_B,
            store_id="b7",
        )
        try:
            pushed_a, pushed_b = first.run_cycle(), second.run_cycle()
            assert pushed_a.push is not None and pushed_b.push is not None
            assert (pushed_a.push.sent, pushed_a.push.failed) == (3, ())
            assert (pushed_b.push.sent, pushed_b.push.failed) == (3, ())
            for number in ids_a:
                (od_a,) = orderdesk.orders_with_source(number, SHOP_A)
                (od_b,) = orderdesk.orders_with_source(number, SHOP_B)
                assert (
                    od_a["order_metadata"][STORE_KEY] == f"bigcommerce:{store.emulator.store_hash}"
                )
                assert (
                    od_b["order_metadata"][STORE_KEY]
                    == f"bigcommerce:{second_store.emulator.store_hash}"
                )

            (od_b_100,) = orderdesk.orders_with_source("100", SHOP_B)
            orderdesk.add_shipment(od_b_100["id"], "1ZSHOPB0100")
            pulled_a, pulled_b = first.run_cycle(), second.run_cycle()
        finally:
            first.close()
            second.close()
        assert pulled_a.pull is not None and pulled_a.pull.fulfillments_created == 0
        assert pulled_b.pull is not None and pulled_b.pull.fulfillments_created == 1
        assert store.fulfillments("100") == []
        assert [f["tracking_numbers"] for f in second_store.fulfillments("100")] == [
            ["1ZSHOPB0100"]
        ]
    finally:
        orderdesk.stop()

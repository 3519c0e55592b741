"""What a shipment does to a WooCommerce order's status and to the customer's inbox (issue 15,
items 1 and 2), against the WooCommerce emulator over real sockets."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_sync.connectors.errors import Rejected
from desktop_sync.connectors.stores.base import FulfillmentLine
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.connectors.test_woocommerce import (
    DHL,
    UPS,
    clock,
    shop,
    sleeps,
    two_line_order,
    woo,
)
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine.conftest import orderdesk  # noqa: F401  (the Order Desk emulator fixture)
from tests.harness import make_engine, minute_ago

__all__ = ["clock", "shop", "sleeps", "woo"]  # fixtures shared with test_woocommerce


def _all_lines(woo: WooCommerceConnector, order_id: int) -> list[FulfillmentLine]:
    return [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]


@pytest.mark.parametrize("status", ["cancelled", "refunded", "failed"])
def test_a_closed_order_is_never_completed_and_the_merchant_is_told(
    shop: WooCommerceEmulator, woo: WooCommerceConnector, status: str
) -> None:
    order_id = shop.add_order(status=status)
    lines = _all_lines(woo, order_id)
    with pytest.raises(Rejected, match=r"left it as it is.*back to Processing"):
        woo.create_fulfillment(str(order_id), lines, UPS)
    assert shop.order(order_id)["status"] == status
    assert shop.emails == [] and shop.trackings(order_id) == [] and shop.notes(order_id) == []


def test_an_order_cancelled_after_its_shipment_was_recorded_is_not_completed_on_retry(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = two_line_order(shop)
    first = _all_lines(woo, order_id)[:1]
    made = woo.create_fulfillment(str(order_id), first, UPS)
    with shop.lock:
        shop.shop.set_status(shop.shop.orders[order_id], "cancelled")
    again = woo.create_fulfillment(str(order_id), first, UPS)
    assert again == made
    assert shop.order(order_id)["status"] == "cancelled"
    with pytest.raises(Rejected, match="cancelled"):
        woo.add_tracking(str(order_id), made, DHL)
    assert "Completed order" not in [e.kind for e in shop.emails]


def test_the_last_shipment_of_an_already_completed_order_still_reaches_the_customer(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order(status="completed")
    woo.create_fulfillment(str(order_id), _all_lines(woo, order_id), UPS)
    assert [t["tracking_number"] for t in shop.trackings(order_id)] == [UPS.number]
    [email] = shop.emails
    assert email.kind == "Customer note" and UPS.number in email.text
    assert shop.order(order_id)["status"] == "completed"


def test_a_shipment_for_an_order_cancelled_meanwhile_fails_with_the_sentence_end_to_end(
    tmp_path: Path,
    orderdesk: OrderDeskEmulator,  # noqa: F811  (the fixture imported above)
) -> None:
    """Through the engine: the order reached Order Desk, the merchant cancelled it in
    WooCommerce, then Order Desk shipped it. The order stays cancelled, nobody is emailed, and
    the merchant reads why in the failed shipment."""
    kit = WooCommerceKit()
    kit.start()
    try:
        start = minute_ago()
        order_id = kit.emulator.add_order()
        engine = make_engine(orderdesk, kit.connector(), tmp_path / "j.sqlite3", start_at=start)
        try:
            assert engine.run_cycle().health is Health.OK
            with kit.emulator.lock:
                kit.emulator.shop.set_status(kit.emulator.shop.orders[order_id], "cancelled")
            (od_order,) = orderdesk.orders_with_source(str(order_id))
            orderdesk.add_shipment(od_order["id"], "1ZCANCELLED0001")
            result = engine.run_cycle()
        finally:
            engine.close()
        assert result.pull is not None and result.pull.fulfillments_created == 0
        [failure] = result.pull.failed
        assert "is cancelled, so the app left it as it is" in failure.reason
        assert kit.emulator.order(order_id)["status"] == "cancelled"
        assert kit.emulator.emails == []
    finally:
        kit.stop()

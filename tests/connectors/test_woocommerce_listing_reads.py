"""A WooCommerce listing reads the store's orders, not its products: whether each line ships
(its product's ``virtual`` and ``downloadable``) is read for the orders that are sent, when
they are sent (``ready_to_send``), once per product for a session. The slow soak's
WooCommerce run: after each restart the listing read every variable product of its 70 orders
one request at a time (50 reads, 13 s at WooCommerce's pace) before sending anything, and under
the soak's 429 bursts no run after the first ever reached its first send. (That a virtual line
sent from a listing still reaches Order Desk as "noship" is held by
``test_woocommerce_money.test_order_desk_totals_the_woocommerce_order_to_the_cent``.)"""

from __future__ import annotations

from decimal import Decimal

from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.woocommerce_money import WooPricing
from tests.connectors.test_woocommerce_money import (
    EBOOK,
    SHIRT,
    kit,  # noqa: F401  (the store fixture)
)
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine.conftest import orderdesk  # noqa: F401  (the Order Desk emulator fixture)
from tests.harness import minute_ago

D = Decimal


def product_reads(store: WooCommerceKit) -> int:
    with store.emulator.lock:
        return sum(1 for _, path, _ in store.emulator.request_log if "/products" in path)


def test_a_listing_reads_no_product_and_the_order_sent_reads_its_own(
    kit: WooCommerceKit,  # noqa: F811  (the fixture imported above)
) -> None:
    kit.add_orders(generate_orders(12, seed=2103))
    ebook_order = str(kit.emulator.add_priced_order(WooPricing((SHIRT, EBOOK), D("4.90"))))
    connector = kit.connector()
    listed = {o.id: o for o in connector.iter_orders(minute_ago())}
    assert len(listed) == 13
    assert product_reads(kit) == 0
    ready = connector.ready_to_send(listed[ebook_order])
    assert [line.requires_shipping for line in ready.lines] == [True, False]
    assert 0 < product_reads(kit) <= 2  # its own products only
    again = connector.ready_to_send(listed[ebook_order])
    assert again.lines == ready.lines
    assert product_reads(kit) <= 2  # read once per session

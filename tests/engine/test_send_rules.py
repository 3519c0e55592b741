"""Which store statuses are sent (issue 12, item 7): one rule per platform with safe defaults
and a Settings choice; an order that later enters a sent status is sent then."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from desktop_sync.app.platforms import NAMES, send_rule_for
from desktop_sync.connectors.stores.base import PaymentState, StoreAddress, StoreOrder
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.bigcommerce_shapes import STATUS_LABELS
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.harness import Clock, make_engine, minute_ago

AWAITING_FULFILLMENT, CANCELLED, DECLINED, REFUNDED, AWAITING_PAYMENT = 11, 5, 6, 4, 7


def _set_status(kit: BigCommerceKit, order_id: str, status_id: int) -> None:
    """The merchant changes the order's status in the control panel."""
    emulator = kit.emulator
    with emulator.lock:
        data = emulator._orders[int(order_id)].data
        data.update(status_id=status_id, status=STATUS_LABELS[status_id])
        data["custom_status"] = STATUS_LABELS[status_id]
    kit.touch_order(order_id)


def test_declined_refunded_cancelled_and_unpaid_orders_are_not_sent_until_they_qualify(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    samples = generate_orders(5, seed=61)
    ids = [
        str(store.emulator.add_order(sample, status_id=status))
        for sample, status in zip(
            samples,
            (AWAITING_FULFILLMENT, DECLINED, REFUNDED, CANCELLED, AWAITING_PAYMENT),
            strict=True,
        )
    ]
    ready, declined, refunded, cancelled, unpaid = ids
    clock = Clock()
    engine = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=clock
    )
    try:
        first = engine.run_cycle()
        assert first.push is not None and first.push.sent == 1
        assert {o["source_id"] for o in orderdesk.orders()} == {ready}
        skipped = {r.store_order_id for r in engine.journal.orders_in_state(OrderState.SKIPPED)}
        assert skipped == {declined, refunded, cancelled, unpaid}

        _set_status(store, cancelled, AWAITING_FULFILLMENT)  # reinstated after a cancel
        _set_status(store, unpaid, AWAITING_FULFILLMENT)  # the bank transfer arrived
        second = engine.run_cycle()
        assert second.push is not None and second.push.sent == 2
        again = engine.run_cycle()
        assert again.push is not None and again.push.sent == 0
    finally:
        engine.close()
    assert {o["source_id"] for o in orderdesk.orders()} == {ready, cancelled, unpaid}


def _order(status: str, payment: PaymentState = PaymentState.PAID) -> StoreOrder:
    nobody = StoreAddress()
    zero = Decimal(0)
    return StoreOrder(
        "1", "1", minute_ago(), minute_ago(), status, payment, "", nobody, nobody, "", (),
        zero, zero, zero, zero, "USD",
    )  # fmt: skip


@pytest.mark.parametrize("platform", NAMES)
def test_no_platform_sends_a_declined_refunded_or_voided_payment_by_default(
    platform: str,
) -> None:
    rule = send_rule_for(platform)
    for payment in (PaymentState.DECLINED, PaymentState.REFUNDED, PaymentState.VOIDED):
        assert rule.why_not_sent(_order("processing", payment)), (platform, payment)


def test_the_settings_choice_replaces_the_platform_default_but_never_sends_a_refund() -> None:
    default = send_rule_for("woocommerce")
    assert default.why_not_sent(_order("processing")) == ""
    assert "pending" in default.why_not_sent(_order("pending"))
    chosen = send_rule_for("woocommerce", ["processing"])
    assert "on-hold" in chosen.why_not_sent(_order("on-hold"))
    assert chosen.why_not_sent(_order("Processing")) == ""
    assert chosen.why_not_sent(_order("processing", PaymentState.REFUNDED))


def test_a_shopify_payment_state_can_be_chosen_beside_its_fulfilment_states() -> None:
    """Issue 22: Shopify statuses set to 'paid' held every order ('unfulfilled' is not 'paid'):
    a payment choice is compared with the payment, a fulfilment choice with the status."""
    paid_only = send_rule_for("shopify", ["payment:paid"])
    assert paid_only.why_not_sent(_order("unfulfilled")) == ""
    waiting = paid_only.why_not_sent(_order("unfulfilled", PaymentState.PENDING))
    assert "its payment in the store is 'pending'" in waiting
    assert paid_only.why_not_sent(_order("cancelled"))  # the platform's never-list still holds
    both = send_rule_for("shopify", ["payment:paid", "payment:authorized", "unfulfilled"])
    assert both.why_not_sent(_order("unfulfilled", PaymentState.AUTHORIZED)) == ""
    assert "'fulfilled'" in both.why_not_sent(_order("fulfilled"))
    assert both.why_not_sent(_order("unfulfilled", PaymentState.PENDING))


def test_a_shopify_payment_word_saved_as_a_status_is_read_as_the_payment_state() -> None:
    """Issue 22 item 2: Shopify statuses set to 'paid' (typed before payment states could be
    chosen) held every order forever, as 'unfulfilled' is not 'paid'. A Shopify status is its
    fulfilment, so a payment word there can only mean the payment."""
    rule = send_rule_for("shopify", ["Paid"])
    assert rule.why_not_sent(_order("unfulfilled")) == ""
    assert "payment" in rule.why_not_sent(_order("unfulfilled", PaymentState.PENDING))
    # Elsewhere a status is a status: WooCommerce's 'pending' stays its own.
    assert send_rule_for("woocommerce", ["pending"]).sent == {"pending"}

"""Issue 20's one rule for an order the app cannot read, end to end over real sockets: a new
WooCommerce order whose shipping total a plugin garbled is never sent with made-up values; it
fails with a sentence naming the order, is in Needs you with Retry, the orders beside it go
out; once the store's copy reads again it is sent with its real values. A sent order that
becomes unreadable tells Order Desk nothing (its made-up empty fields are no news: no "address
changed to (none)", no "Reinstated") and is listed for the merchant."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.needs_you import Action, Look, needs_you
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.woocommerce_shop import parse_wp_date
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine.test_after_push import _history
from tests.harness import Clock, make_engine, minute_ago


def _shipping_total(woo: WooCommerceKit, order_id: str, value: str) -> None:
    """What a plugin (or the merchant) writes in the order's shipping total; its modified
    date moves, as any edit's does. WordPress keeps whole seconds, so the edit waits for the
    shop's clock to pass the order's last one (two edits in one second leave one date)."""
    shop = woo.emulator.shop
    with woo.emulator.lock:
        last = parse_wp_date(shop.orders[int(order_id)]["date_modified_gmt"])
    deadline = time.monotonic() + 5
    while shop.now_gmt() <= last:
        assert time.monotonic() < deadline, "the shop's clock did not move on"
        time.sleep(0.05)
    with woo.emulator.lock:
        order = shop.orders[int(order_id)]
        order["shipping_total"] = value
        shop.bump(order)


def _cancel(woo: WooCommerceKit, order_id: str) -> None:
    with woo.emulator.lock:
        order = woo.emulator.shop.orders[int(order_id)]
        order["status"] = "cancelled"
        woo.emulator.shop.bump(order)


def _one_sent(woo: WooCommerceKit, orderdesk: OrderDeskEmulator, journal: Path) -> SyncEngine:
    engine = make_engine(orderdesk, woo.connector(), journal, start_at=minute_ago())
    assert engine.run_cycle().push.sent == 1  # type: ignore[union-attr]
    return engine


def test_an_order_that_cannot_be_read_is_never_sent_and_is_listed_with_its_sentence(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> None:
    bad, good = woo.add_orders(generate_orders(2, seed=2001))
    real = woo.emulator.order(int(bad))["shipping_total"]
    _shipping_total(woo, bad, "n/a")
    engine = make_engine(
        orderdesk, woo.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=clock
    )
    try:
        first = engine.run_cycle()
        assert [o["source_id"] for o in orderdesk.orders()] == [good]
        row = engine.journal.get_order(bad)
        assert row is not None and row.state is OrderState.FAILED
        assert f"order {bad} has data the app cannot read" in row.last_error
        assert "shipping_total" in row.last_error and row.last_error.endswith("press Retry.")
        assert [f.order_number for f in first.failures] == [bad]
        (listed,) = needs_you(engine.journal).rows
        assert listed.action is Action.RETRY and listed.order_numbers == (bad,)

        _shipping_total(woo, bad, real)  # the merchant puts it right in WooCommerce
        clock.skip(hours=0.1)
        engine.run_cycle()
        assert engine.journal.get_order(bad).state is OrderState.SENT  # type: ignore[union-attr]
        assert needs_you(engine.journal).rows == ()
    finally:
        engine.close()
    (sent,) = orderdesk.orders_with_source(bad)
    assert Decimal(str(sent["shipping_total"])) == Decimal(real)


def test_a_sent_order_that_becomes_unreadable_tells_order_desk_nothing_and_is_listed(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    """A plugin garbles a sent order's shipping total: the order reads as one with no
    address, and the warehouse must not be told "the address was changed to: (none)"."""
    (sid,) = woo.add_orders(generate_orders(1, seed=5))
    real = woo.emulator.order(int(sid))["shipping_total"]
    engine = _one_sent(woo, orderdesk, tmp_path / "j.sqlite3")
    try:
        _shipping_total(woo, sid, "n/a")
        garbled = engine.run_cycle()
        looks = [Look(f.order_number, f.reason) for f in garbled.attention]
        listed = needs_you(engine.journal, looks).rows
        _shipping_total(woo, sid, real)
        engine.run_cycle()
    finally:
        engine.close()
    (sent,) = orderdesk.orders_with_source(sid)
    assert _history(orderdesk, sent["id"]) == ["Order Created"]  # no word from the app
    (why,) = [f.reason for f in garbled.attention]
    assert f"order {sid} has data the app cannot read" in why and "shipping_total" in why
    assert "Retry" not in why  # there is nothing to retry: it was sent
    (row,) = listed
    assert row.order_numbers == (sid,) and row.reason == why


def test_a_cancelled_order_that_becomes_unreadable_is_not_reinstated_in_order_desk(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    (sid,) = woo.add_orders(generate_orders(1, seed=6))
    engine = _one_sent(woo, orderdesk, tmp_path / "j.sqlite3")
    try:
        _cancel(woo, sid)
        engine.run_cycle()
        (sent,) = orderdesk.orders_with_source(sid)
        assert sent["folder_id"] == orderdesk.folder_ids()["Canceled"]
        _shipping_total(woo, sid, "n/a")
        garbled = engine.run_cycle()
    finally:
        engine.close()
    notes = _history(orderdesk, sent["id"])
    assert not any("Reinstated" in n for n in notes), notes
    assert [f.order_number for f in garbled.attention] == [sid]

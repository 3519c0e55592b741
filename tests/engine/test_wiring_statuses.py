"""The joins of the wiring (profile -> engine), over real sockets: the statuses sent are the
registry's rule or the merchant's Settings choice, the WooCommerce connector hands the engine
every status (so a cancel after the push is seen), and the cancellations folder chosen in
Settings is where such an order goes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop_sync.app.profile import Profile
from desktop_sync.app.settings import Settings
from desktop_sync.app.wiring import build_engine
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import orderdesk_emulator


def _profile(woo: WooCommerceKit, orderdesk: OrderDeskEmulator, **settings: object) -> Profile:
    return Profile(
        dataclasses.replace(Settings(), **settings),  # type: ignore[arg-type]
        orderdesk_store_id=orderdesk.store_id,
        orderdesk_api_key=orderdesk.api_key,
        orderdesk_api_url=orderdesk.api_url,
        store_platform="woocommerce",
        store_url=woo.emulator.api_url,
        store_key=woo.emulator.consumer_key,
        store_secret=woo.emulator.consumer_secret,
        sync_since=datetime.now(UTC) - timedelta(minutes=1),
    )


def _set_status(woo: WooCommerceKit, order_id: str, status: str) -> None:
    """The merchant changes the order's status in WordPress admin."""
    shop = woo.emulator.shop
    with woo.emulator.lock:
        shop.set_status(shop.orders[int(order_id)], status)
    woo.touch_order(order_id)


def _engine(profile: Profile, tmp_path: Path) -> SyncEngine:
    return build_engine(profile, journal_file=tmp_path / "journal.sqlite3")


def test_a_woocommerce_order_cancelled_after_the_push_goes_to_canceled_and_unpaid_waits(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    paid, unpaid = generate_orders(2, seed=91)
    sent_id = str(woo.emulator.add_order(paid, status="processing"))
    waiting_id = str(woo.emulator.add_order(unpaid, status="pending"))
    engine = _engine(_profile(woo, orderdesk), tmp_path)
    try:
        first = engine.run_cycle()
        assert first.push is not None and first.push.sent == 1, first
        assert {o["source_id"] for o in orderdesk.orders()} == {sent_id}
        skipped = engine.journal.get_order(waiting_id)
        assert skipped is not None and skipped.state is OrderState.SKIPPED

        _set_status(woo, sent_id, "cancelled")
        _set_status(woo, waiting_id, "processing")  # the bank transfer arrived
        second = engine.run_cycle()
        row = engine.journal.get_order(sent_id)
    finally:
        engine.close()
    assert second.push is not None and second.push.sent == 1, second
    assert {o["source_id"] for o in orderdesk.orders()} == {sent_id, waiting_id}
    assert row is not None and row.orderdesk_order_id
    folders = orderdesk.folder_ids()
    assert orderdesk.get(row.orderdesk_order_id)["folder_id"] == folders["Canceled"]


def test_the_settings_choice_of_statuses_reaches_the_engine(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    processing, on_hold = generate_orders(2, seed=92)
    woo.emulator.add_order(processing, status="processing")
    held_id = str(woo.emulator.add_order(on_hold, status="on-hold"))
    engine = _engine(_profile(woo, orderdesk, order_statuses=("processing",)), tmp_path)
    try:
        result = engine.run_cycle()
        held = engine.journal.get_order(held_id)
    finally:
        engine.close()
    assert result.push is not None and result.push.sent == 1, result
    assert held is not None and held.state is OrderState.SKIPPED


def test_the_cancellations_folder_chosen_in_settings_is_where_a_cancel_goes(
    woo: WooCommerceKit, tmp_path: Path
) -> None:
    orderdesk = orderdesk_emulator(folders=("New", "Canceled", "Voided"))
    orderdesk.start()
    try:
        order_id = str(woo.emulator.add_order(generate_orders(1, seed=93)[0]))
        engine = _engine(_profile(woo, orderdesk, cancel_folder_name="Voided"), tmp_path)
        try:
            engine.run_cycle()
            _set_status(woo, order_id, "cancelled")
            engine.run_cycle()
            row = engine.journal.get_order(order_id)
        finally:
            engine.close()
        assert row is not None and row.orderdesk_order_id
        moved_to = orderdesk.get(row.orderdesk_order_id)["folder_id"]
        assert moved_to == orderdesk.folder_ids()["Voided"]
    finally:
        orderdesk.stop()

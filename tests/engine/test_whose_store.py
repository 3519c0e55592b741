"""Whose store it is (issue 21, item 4): the store's identity is what the platform says of
itself, never the address as typed. Over real sockets: the WordPress site says its home is
``https://www.shop.example/`` while it is reached at ``127.0.0.1`` or ``localhost`` (two ways
of typing one site, as ``shop.example`` and ``www.shop.example`` are).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.engine.events import Health
from desktop_sync.engine.identity import STORE_KEY, store_key_of
from desktop_sync.engine.sync import SyncEngine
from desktop_sync.engine.whose_store import SavedIdentity
from desktop_sync.state.states import OrderState
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.server import Fault
from tests.contract.kit import FAST_BACKOFF
from tests.contract.kits import bigcommerce, shopify, woocommerce
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator, running

HOME = "https://www.shop.example/"
KITS = {"bigcommerce": bigcommerce, "shopify": shopify, "woocommerce": woocommerce}


@pytest.fixture
def woo() -> Iterator[WooCommerceKit]:
    kit = WooCommerceKit()
    kit.emulator.home_url = HOME
    kit.start()
    yield kit
    kit.stop()


@pytest.fixture(params=[False, True], ids=["duplicates_accepted", "duplicates_refused"])
def orderdesk(request: pytest.FixtureRequest) -> Iterator[OrderDeskEmulator]:
    """Order Desk under each reading of a second order with the same number (undocumented)."""
    with running(orderdesk_emulator(reject_duplicates=request.param)) as emulator:
        yield emulator


def typed(woo: WooCommerceKit, address: str) -> WooCommerceConnector:
    """The store's connector, with its address typed as ``address`` (``{port}`` filled)."""
    return woo._keep(
        WooCommerceConnector(
            address.format(port=woo.emulator.port),
            woo.emulator.consumer_key,
            woo.emulator.consumer_secret,
            min_interval=0.0,
            http=HttpSettings(backoff=FAST_BACKOFF),
        )
    )


def _engine(
    orderdesk: OrderDeskEmulator,
    store: WooCommerceConnector,
    journal: Path,
    start: datetime,
    **options: object,
) -> SyncEngine:
    return make_engine(orderdesk, store, journal, start_at=start, **options)  # type: ignore[arg-type]


def _copies(orderdesk: OrderDeskEmulator, numbers: list[str]) -> list[int]:
    return [len(orderdesk.orders_with_source(n)) for n in numbers]


def test_a_new_pc_with_the_address_typed_otherwise_sends_nothing_twice(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    ids = woo.add_orders(generate_orders(5, seed=2141))
    first = _engine(orderdesk, typed(woo, "http://127.0.0.1:{port}"), tmp_path / "a.db", start)
    try:
        assert first.run_cycle().push.sent == 5  # type: ignore[union-attr]
    finally:
        first.close()  # the old PC is retired
    sent = {o["source_id"]: o for o in orderdesk.orders()}
    for number, order in sent.items():
        orderdesk.add_shipment(order["id"], f"1ZNEWPC{number}")
    second = _engine(orderdesk, typed(woo, "http://localhost:{port}/"), tmp_path / "b.db", start)
    try:
        result = second.run_cycle()
        again = second.run_cycle()  # the shipments of the adopted orders
    finally:
        second.close()
    assert result.push is not None
    assert (result.push.sent, result.push.adopted, result.push.failed) == (0, 5, ())
    assert again.health is Health.OK, again.message
    assert _copies(orderdesk, sorted(sent)) == [1] * 5
    assert {o["order_metadata"][STORE_KEY] for o in orderdesk.orders()} == {
        "woocommerce:shop.example"
    }
    for sid in ids:
        assert len(woo.fulfillments(sid)) == 1


def test_orders_an_earlier_version_sent_under_the_typed_address_are_not_sent_again(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    woo.add_orders(generate_orders(3, seed=2142))
    store = typed(woo, "http://127.0.0.1:{port}")
    first = _engine(orderdesk, store, tmp_path / "a.db", start)
    try:
        first.run_cycle()
    finally:
        first.close()
    with orderdesk.lock:  # as the earlier version wrote them: the address as typed
        for order in orderdesk.book.orders.values():
            order["order_metadata"][STORE_KEY] = store_key_of(store)
    upgraded = _engine(orderdesk, typed(woo, "http://127.0.0.1:{port}"), tmp_path / "b.db", start)
    try:
        result = upgraded.run_cycle()
    finally:
        upgraded.close()
    assert result.push is not None
    assert (result.push.sent, result.push.adopted) == (0, 3)


@pytest.mark.parametrize("reject", [False, True], ids=["accepted", "refused"])
def test_an_answer_lost_then_the_address_edited_sends_the_order_once(
    woo: WooCommerceKit, tmp_path: Path, clock: Clock, reject: bool
) -> None:
    with running(orderdesk_emulator(reject_duplicates=reject)) as orderdesk:
        start = minute_ago()
        (sid,) = woo.add_orders(generate_orders(1, seed=2143))
        journal = tmp_path / "j.db"
        before = _engine(
            orderdesk, typed(woo, "http://127.0.0.1:{port}"), journal, start, clock=clock
        )
        try:
            orderdesk.faults.inject(Fault.DROP_AFTER, 1, method="POST", path="/orders$")
            before.run_cycle()
            assert before.journal.get_order(sid).state is OrderState.SENDING  # type: ignore[union-attr]
        finally:
            before.close()
        edited = _engine(
            orderdesk, typed(woo, "http://localhost:{port}"), journal, start, clock=clock
        )
        try:
            for _ in range(3):
                clock.skip()
                edited.run_cycle()
            row = edited.journal.get_order(sid)
        finally:
            edited.close()
        assert row is not None and row.state is OrderState.SENT
        assert len(orderdesk.orders()) == 1


def test_a_store_reached_at_a_new_address_keeps_its_platform_id(
    orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    """BigCommerce's store hash is the identity: what was saved is the same store."""
    kit = BigCommerceKit()
    kit.start()
    try:
        kit.add_orders(generate_orders(2, seed=2144))
        learned: list[str] = []
        engine = make_engine(
            orderdesk,
            kit.connector(),
            tmp_path / "a.db",
            start_at=minute_ago(),
            on_identity=learned.append,
        )
        try:
            assert engine.run_cycle().push.sent == 2  # type: ignore[union-attr]
        finally:
            engine.close()
        assert learned == ["bigcommerce:sandbox1"]
        assert {o["order_metadata"][STORE_KEY] for o in orderdesk.orders()} == set(learned)
    finally:
        kit.stop()


def test_a_wordpress_site_that_moved_is_held_until_the_merchant_confirms(
    woo: WooCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path
) -> None:
    start = minute_ago()
    woo.add_orders(generate_orders(2, seed=2145))
    woo.emulator.home_url = "https://new-shop.example"
    saved = SavedIdentity(key="woocommerce:shop.example")
    held = _engine(orderdesk, woo.connector(), tmp_path / "a.db", start, identity=saved)
    try:
        result = held.run_cycle()
    finally:
        held.close()
    assert result.health is Health.HELD
    assert "new-shop.example" in result.message and "same store" in result.message
    assert orderdesk.orders() == []
    moved = SavedIdentity(saved.key, seen_as="woocommerce:new-shop.example")
    confirmed = _engine(orderdesk, woo.connector(), tmp_path / "a.db", start, identity=moved)
    try:
        result = confirmed.run_cycle()
    finally:
        confirmed.close()
    assert result.push is not None and result.push.sent == 2
    assert {o["order_metadata"][STORE_KEY] for o in orderdesk.orders()} == {saved.key}


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        ("bigcommerce", "sandbox1"),
        ("shopify", "gid://shopify/Shop/548380009"),
        ("woocommerce", "shop.example/store"),
    ],
)
def test_each_platform_names_the_store_by_its_own_id(platform: str, expected: str) -> None:
    """The id each platform gives of itself (BigCommerce ``/v2/store`` ``id``, Shopify
    ``shop { id }``, WordPress's ``home``: scheme, ``www.``, slash and case dropped)."""
    kit = KITS[platform].make_kit()
    if platform == "woocommerce":
        kit.emulator.home_url = "https://WWW.Shop.Example/store/"
    kit.start()
    try:
        assert kit.connector().identify().own_id == expected
        assert kit.connector().verify().own_id == expected
    finally:
        kit.stop()

"""Issue 20, done when: over real sockets, a BigCommerce and a WooCommerce store, and then two
Shopify shops, in one profile into one Order Desk emulator, under both readings of Order Desk's
duplicate rule (a second order with the same number and source name refused, and accepted):
every order exactly once, in its own store's folder; every shipment reaches only its own
store, the two shops that number alike included. The stores are added as the merchant adds
them (verified with each store), and synced through the facade as ``sync`` does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.stores import StoreSettings
from desktop_sync.engine.events import Health
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kit import StoreKit
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.shopify import ShopifyKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import orderdesk_emulator


@pytest.fixture(params=[True, False], ids=["duplicates_refused", "duplicates_accepted"])
def orderdesk(request: pytest.FixtureRequest) -> Iterator[OrderDeskEmulator]:
    emulator = orderdesk_emulator(reject_duplicates=request.param)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def kits() -> Iterator[dict[str, StoreKit]]:
    started: dict[str, StoreKit] = {
        "Main shop": BigCommerceKit(),
        "Wholesale": WooCommerceKit(),
        "EU shop": ShopifyKit(),
        "US shop": ShopifyKit(),
    }
    for kit in started.values():
        kit.start()
    yield started
    for kit in started.values():
        kit.stop()


FOLDERS = {"Main shop": "", "Wholesale": "Prepared", "EU shop": "Closed", "US shop": ""}


def _add(app: DesktopSync, name: str, kit: StoreKit) -> StoreSettings:
    env = kit.env()
    return app.add_store(
        env["STORE_PLATFORM"],
        env["STORE_URL"],
        env["STORE_KEY"],
        env["STORE_SECRET"],
        name=name,
        folder=FOLDERS[name],
    )


def _sent_by(orderdesk: OrderDeskEmulator, store: StoreSettings) -> dict[str, list[Any]]:
    """store order id -> the Order Desk orders carrying it under this store's source name."""
    found: dict[str, list[Any]] = {}
    for order in orderdesk.orders():
        if order["source_name"] == store.order_desk_source_name:
            found.setdefault(order["order_metadata"]["store_order_id"], []).append(order)
    return found


def test_four_stores_in_one_profile_each_send_every_order_once_and_get_only_their_shipments(
    orderdesk: OrderDeskEmulator, kits: dict[str, StoreKit]
) -> None:
    folder_ids = orderdesk.folder_ids()
    with DesktopSync(driver="sync") as app:
        app.connect_orderdesk(orderdesk.store_id, orderdesk.api_key, api_url=orderdesk.api_url)
        stores = {name: _add(app, name, kits[name]) for name in ("Main shop", "Wholesale")}
        placed = {
            name: kits[name].add_orders(generate_orders(3, seed=60 + i))
            for i, name in enumerate(stores)
        }
        first = app.sync_once()
        assert first.result.health is Health.OK, first.result.message

        # And then two Shopify shops, added to the same profile.
        for name in ("EU shop", "US shop"):
            stores[name] = _add(app, name, kits[name])
            placed[name] = kits[name].add_orders(generate_orders(3, seed=70))
        second = app.sync_once()
        assert second.result.health is Health.OK, second.result.message
        assert [c.store for c in second.stores] == list(stores)

        sent = {name: _sent_by(orderdesk, store) for name, store in stores.items()}
        for name, ids in placed.items():
            assert sorted(sent[name]) == sorted(ids), name  # every order ...
            assert all(len(orders) == 1 for orders in sent[name].values()), name  # ... once
            folder = folder_ids[FOLDERS[name] or "New"]
            assert {o["folder_id"] for orders in sent[name].values() for o in orders} == {folder}
        assert len(orderdesk.orders()) == sum(len(ids) for ids in placed.values())
        # The two shops number alike: the same numbers, kept apart by their source names.
        numbers = {
            name: {o[0]["source_id"] for o in sent[name].values()}
            for name in ("EU shop", "US shop")
        }
        assert numbers["EU shop"] == numbers["US shop"]
        assert len({s.order_desk_source_name for s in stores.values()}) == 4

        # Each store's first order is shipped in Order Desk, each with its own tracking.
        tracking = {name: f"1ZSTORE{n:04d}" for n, name in enumerate(stores)}
        for name, ids in placed.items():
            (order,) = sent[name][ids[0]]
            orderdesk.add_shipment(order["id"], tracking[name])
        third = app.sync_once()
        assert third.result.health is Health.OK, third.result.message
        assert third.result.pull is not None
        assert third.result.pull.fulfillments_created == 4
        again = app.sync_once()
        assert again.result.push is not None and again.result.push.sent == 0
        assert again.result.pull is not None and again.result.pull.fulfillments_created == 0
        # The month's chart: each store's own orders and shipments, today (issue 22).
        today = app.month().days[-1]
        assert [(s.store, s.sent, s.shipped) for s in today.stores] == [
            (name, len(ids), 1) for name, ids in placed.items()
        ]

    for name, ids in placed.items():
        made = {i: kits[name].fulfillments(i) for i in ids}
        assert [f["tracking_numbers"] for f in made[ids[0]]] == [[tracking[name]]], name
        assert all(made[i] == [] for i in ids[1:]), name

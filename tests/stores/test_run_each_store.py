"""Issue 20, "one scheduler": ``run`` gives each store its own entry (its own due times and
backoff), so a store whose key is refused does not hold back the others. Over real sockets;
the scheduler's clock is injected, so nothing sleeps."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from desktop_sync.app.facade import DesktopSync
from desktop_sync.app.headless import run_on_schedule
from desktop_sync.connectors.orderdesk.client import OrderDeskClient
from desktop_sync.engine.events import CycleResult, Health
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import minute_ago
from tests.stores.profile import save_stores


def test_a_store_whose_key_is_refused_waits_longer_alone_and_the_other_goes_on(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    save_stores(
        orderdesk, [("Main shop", bigcommerce, ""), ("Wholesale", woo, "")], since=minute_ago()
    )
    woo.emulator._keys.consumer_key = "ck_revoked"  # the merchant revoked the key
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    now = [start]
    stop = threading.Event()
    placed: list[str] = []

    def wait(_: threading.Event, seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)
        if not placed and now[0] - start >= timedelta(minutes=5):
            placed.extend(bigcommerce.add_orders(generate_orders(2, seed=91)))
        if now[0] - start > timedelta(minutes=10):
            stop.set()

    cycles: list[CycleResult] = []
    with DesktopSync(driver="run") as app, app.engines(stop=stop) as engines:
        last = run_on_schedule(
            engines.engines,
            push_seconds=60,
            pull_seconds=300,
            stop=stop,
            on_cycle=cycles.append,
            clock=lambda: now[0],
            wait=wait,
        )

    main_listings = [r for r in bigcommerce.emulator.request_log if "/v2/orders" in r[1]]
    woo_listings = [r for r in woo.emulator.request_log if r[1].endswith("/orders")]
    assert len([r for r in main_listings if r[0] == "GET"]) >= 11  # every minute, 0 to 10
    # At 0, 1, 3 and 7 minutes (the wait doubles), each a try in both of WooCommerce's ways
    # of passing the key.
    assert len(woo_listings) == 2 * 4
    assert len(orderdesk.orders()) == 2  # the other store's orders went on
    assert last is not None and last.health is Health.STORE_AUTH
    assert last.message.startswith("Wholesale: ")


def test_every_store_of_a_profile_spends_the_one_order_desk_bucket(
    orderdesk: OrderDeskEmulator, bigcommerce: BigCommerceKit, woo: WooCommerceKit
) -> None:
    # Order Desk limits per Order Desk store (20 tokens, 3 a second): a bucket per store of
    # the profile would spend two or three times that, and meet 429s.
    save_stores(
        orderdesk,
        [("Main shop", bigcommerce, ""), ("Wholesale", woo, ""), ("Outlet", woo, "")],
        since=minute_ago(),
    )
    with DesktopSync(driver="run") as app, app.engines() as engines:
        clients = [engine.orderdesk for _, engine in engines.engines]
        assert len(clients) == 3
        assert all(isinstance(client, OrderDeskClient) for client in clients)
        buckets = {id(client.limiter) for client in clients if isinstance(client, OrderDeskClient)}
    assert len(buckets) == 1

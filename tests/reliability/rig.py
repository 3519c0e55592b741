"""What the reliability tests share: both emulators on 127.0.0.1, engines built against them,
and the two figures every test ends on, duplicates and losses."""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from desktop_sync.app.platforms import source_name_for
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.engine.events import EventSink
from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from desktop_sync_sandbox.samples import generate_orders
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.contract.kit import FAST_BACKOFF
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.shopify import ShopifyKit, published_schema
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.engine import test_exactly_once
from tests.harness import make_engine, orderdesk_emulator

__all__ = ["Clock", "Rig", "ShortWaits", "Tally", "wait_until", "woo_connector_on"]

Clock = test_exactly_once.Clock
wait_until = test_exactly_once.wait_until
PLATFORM = "bigcommerce"
ROOT = Path(__file__).parents[2]


def woo_connector_on(emulator: WooCommerceEmulator, clock: Clock) -> WooCommerceConnector:
    """A WooCommerce connector whose scans end at ``clock``'s "now" (the store's own, in a
    test that moves time), not this computer's."""
    return WooCommerceConnector(
        emulator.api_url,
        emulator.consumer_key,
        emulator.consumer_secret,
        min_interval=0.0,
        now=clock,
        http=HttpSettings(backoff=FAST_BACKOFF),
    )


def _store_kit(platform: str, clock: Clock) -> Any:
    """The store kit of ``platform``, its emulator on the rig's clock."""
    if platform == "woocommerce":
        woo = WooCommerceKit()
        woo.emulator = WooCommerceEmulator(shipment_tracking=True, now=clock)
        return woo
    if platform == "shopify":
        shop = ShopifyKit()
        shop.emulator = ShopifyEmulator(
            client_id=shop.emulator.client_id,
            client_secret=shop.emulator.client_secret,
            time_scale=50.0,
            schema=published_schema(),
            now=clock,
        )
        return shop
    kit = BigCommerceKit()
    kit.emulator = BigCommerceEmulator(
        access_token=kit.emulator.access_token, time_scale=100.0, now=clock
    )
    return kit


class ShortWaits:
    """A monotonic clock and a sleep for a connector in which every wait takes ``scale`` of its
    real length: the connector still waits as told, and its clock says it did."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self._skipped = 0.0

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)
        self._skipped += seconds * (1.0 - self.scale)

    def clock(self) -> float:
        return time.monotonic() + self._skipped


@dataclass
class Tally:
    """What reached where: each store order in Order Desk once, each shipment once in the store."""

    orders: int = 0
    shipments: int = 0
    duplicate_orders: list[str] = field(default_factory=list)
    lost_orders: list[str] = field(default_factory=list)
    duplicate_fulfillments: list[str] = field(default_factory=list)
    lost_fulfillments: list[str] = field(default_factory=list)
    misdirected_fulfillments: list[str] = field(default_factory=list)
    """Tracking numbers found on a store order other than the one they were shipped for."""

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_orders) + len(self.duplicate_fulfillments)

    @property
    def losses(self) -> int:
        return len(self.lost_orders) + len(self.lost_fulfillments)

    def line(self) -> str:
        return (
            f"orders={self.orders} shipments={self.shipments} duplicates={self.duplicates} "
            f"losses={self.losses}"
        )


class Rig:
    """An Order Desk emulator and a store (BigCommerce unless ``platform`` says otherwise),
    both on 127.0.0.1 free ports."""

    def __init__(self, platform: str = PLATFORM, **orderdesk_options: object) -> None:
        # One clock for the engines and both emulators, so skipping past a back-off moves the
        # stores' "now" too and the sync windows stay where they would be in real life.
        self.clock = Clock()
        self.platform = platform
        self.orderdesk: OrderDeskEmulator = orderdesk_emulator(now=self.clock, **orderdesk_options)
        self.store: Any = _store_kit(platform, self.clock)
        self.store_ids: list[str] = []
        self.tracking: dict[str, str] = {}
        """tracking number -> store order id, for every shipment added in Order Desk."""
        self._next_tracking = 0

    def __enter__(self) -> Rig:
        self.orderdesk.start()
        self.store.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.stop()
        self.orderdesk.stop()

    # -- the merchant's side -------------------------------------------------------------

    def place_orders(self, count: int, seed: int) -> list[str]:
        ids = self.store.add_orders(generate_orders(count, seed=seed))
        self.store_ids.extend(ids)
        return ids

    def ship_some(self, count: int, *, rng: random.Random | None = None) -> int:
        """Add tracking in Order Desk to up to ``count`` unshipped orders this app sent,
        oldest first (in a random order with ``rng``, as a warehouse picks)."""
        name = source_name_for(self.platform)
        shipped = 0
        orders = sorted(self.orderdesk.orders(), key=lambda o: int(o["id"]))
        if rng is not None:
            rng.shuffle(orders)
        for order in orders:
            if shipped >= count:
                break
            if order["source_name"] != name or order.get("order_shipments"):
                continue
            self._next_tracking += 1
            number = f"1ZREL{self._next_tracking:09d}"
            self.orderdesk.add_shipment(order["id"], number)
            self.tracking[number] = str(order["order_metadata"]["store_order_id"])
            shipped += 1
        return shipped

    # -- building engines ----------------------------------------------------------------

    def connector(self, *, timeout: float = 30.0, sleep_scale: float = 1.0) -> StoreConnector:
        """A store connector; ``sleep_scale`` shortens its waits (the emulator's rate-limit
        window is already squeezed, but an injected 429 asks for a real second)."""
        if self.platform == "woocommerce":
            return woo_connector_on(self.store.emulator, self.clock)
        if self.platform != PLATFORM:
            return cast(StoreConnector, self.store.connector())
        waits = ShortWaits(sleep_scale)
        return BigCommerceConnector(
            self.store.emulator.api_url,
            self.store.emulator.access_token,
            http=HttpSettings(
                timeout=timeout,
                backoff=Backoff(base=0.01, cap=0.05, floor=0.0, attempts=4),
                sleep=waits.sleep,
                clock=waits.clock,
            ),
        )

    def engine(
        self,
        journal: Path,
        *,
        start_at: datetime,
        timeout: float = 10.0,
        store_timeout: float = 30.0,
        sleep_scale: float = 1.0,
        sink: EventSink | None = None,
    ) -> SyncEngine:
        return make_engine(
            self.orderdesk,
            self.connector(timeout=store_timeout, sleep_scale=sleep_scale),
            journal,
            start_at=start_at,
            timeout=timeout,
            clock=self.clock,
            sink=sink,
        )

    def child_env(self) -> dict[str, str]:
        """Environment for a child process (``tests.reliability.sync_child``) and the CLI."""
        return {
            **os.environ,
            **self.store.env(),
            "ORDERDESK_API_URL": self.orderdesk.api_url,
            "ORDERDESK_STORE_ID": self.orderdesk.store_id,
            "ORDERDESK_API_KEY": self.orderdesk.api_key,
        }

    def requests_seen(self) -> int:
        with self.orderdesk.lock, self.store.emulator.lock:
            return len(self.orderdesk.request_log) + len(self.store.emulator.request_log)

    # -- the figures ---------------------------------------------------------------------

    def tally(self) -> Tally:
        name = source_name_for(self.platform)
        counts: dict[str, int] = {}
        for order in self.orderdesk.orders():
            if order["source_name"] == name:
                sid = str(order["order_metadata"].get("store_order_id") or order["source_id"])
                counts[sid] = counts.get(sid, 0) + 1
        tally = Tally(orders=len(self.store_ids), shipments=len(self.tracking))
        tally.duplicate_orders = sorted(k for k, v in counts.items() if v > 1)
        tally.lost_orders = [sid for sid in self.store_ids if sid not in counts]
        for number, store_id in sorted(self.tracking.items()):
            found = [
                f for f in self.store.fulfillments(store_id) if number in f["tracking_numbers"]
            ]
            if not found:
                tally.lost_fulfillments.append(number)
            elif len(found) > 1:
                tally.duplicate_fulfillments.append(number)
        for store_id in self.store_ids:
            for fulfillment in self.store.fulfillments(store_id):
                tally.misdirected_fulfillments.extend(
                    n for n in fulfillment["tracking_numbers"] if self.tracking.get(n) != store_id
                )
        return tally

    def settle(self, engine: SyncEngine, *, max_cycles: int = 60) -> int:
        """Run cycles, skipping the clock past every back-off, until nothing is left to do;
        returns the cycles it took."""
        for cycle in range(1, max_cycles + 1):
            engine.run_cycle()
            counts = engine.journal.counts()
            if not counts.pending and not counts.shipments_pending and self.all_seen(engine):
                return cycle
            self.clock.skip()
        raise AssertionError(f"still work left after {max_cycles} cycles: {counts}")

    def all_seen(self, engine: SyncEngine) -> bool:
        journal = engine.journal
        if any(journal.get_order(sid) is None for sid in self.store_ids):
            return False
        shipped = {row.tracking_number for row in journal.shipments_in_state("done", "skipped")}
        return set(self.tracking) <= shipped

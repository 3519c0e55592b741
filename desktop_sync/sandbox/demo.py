"""The built-in sandbox: an Order Desk emulator and a store emulator on 127.0.0.1 with sample
orders, and a profile pointing at them, so a new user sees the whole flow with no account.

Used by ``desktop-sync --demo`` (the GUI), ``desktop-sync sandbox`` (headless) and tests.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_sync.app.platforms import NAMES as PLATFORMS
from desktop_sync.app.profile import Profile
from desktop_sync.sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync.sandbox.orderdesk import OrderDeskEmulator
from desktop_sync.sandbox.samples import generate_orders
from desktop_sync.sandbox.server import Emulator
from desktop_sync.sandbox.shopify import ShopifyEmulator
from desktop_sync.sandbox.woocommerce import WooCommerceEmulator, status_for_payment

__all__ = ["PLATFORMS", "DemoSandbox"]

_CARRIERS = (
    ("UPS", "Ground", "1Z999AA1"),
    ("USPS", "Priority Mail", "9400111"),
    ("FedEx", "Home Delivery", "7489"),
)


class DemoSandbox:
    """Both emulators, sample orders, and (optionally) a new store order every few seconds.

    ``time_scale`` speeds up the emulators' rate-limit clocks (tests); the demo runs at 1.
    """

    def __init__(
        self,
        *,
        platform: str = "bigcommerce",
        initial_orders: int = 8,
        new_order_every: float | None = 20.0,
        seed: int = 7,
        time_scale: float = 1.0,
    ) -> None:
        if platform not in PLATFORMS:
            raise ValueError(f"The sandbox has no {platform} store; use one of {PLATFORMS}.")
        self.platform = platform
        self.initial_orders = initial_orders
        self.new_order_every = new_order_every
        self.orderdesk = OrderDeskEmulator(
            store_id="100001", api_key="sandbox-" + _token(seed), time_scale=time_scale, seed=seed
        )
        self.store = _store_emulator(platform, seed, time_scale)
        self.started_at = datetime.now(UTC)
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @property
    def emulators(self) -> tuple[Emulator, Emulator]:
        return self.orderdesk, self.store

    @property
    def store_key(self) -> str:
        if isinstance(self.store, BigCommerceEmulator | ShopifyEmulator):
            return self.store.access_token
        return self.store.consumer_key

    @property
    def store_secret(self) -> str:
        return self.store.consumer_secret if isinstance(self.store, WooCommerceEmulator) else ""

    def _place_orders(self, count: int) -> None:
        if isinstance(self.store, WooCommerceEmulator):
            for sample in generate_orders(count, seed=self._rng.randrange(2**31)):
                self.store.add_order(sample, status=status_for_payment(sample.payment))
        else:
            self.store.add_sample_orders(count)

    def start(self) -> DemoSandbox:
        # A minute back, so the sample orders placed now are inside the first sync window.
        self.started_at = datetime.now(UTC) - timedelta(minutes=1)
        self.orderdesk.start()
        self.store.start()
        self._place_orders(self.initial_orders)
        if self.new_order_every:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, name="sandbox-orders", daemon=True)
            self._ticker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        self.store.stop()
        self.orderdesk.stop()

    def __enter__(self) -> DemoSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _tick(self) -> None:
        assert self.new_order_every is not None
        while not self._stop.wait(self.new_order_every):
            self._place_orders(1)

    # -- what the app and the CLI need ---------------------------------------------------

    def env(self) -> dict[str, str]:
        """The environment that points the headless CLI at this sandbox."""
        return {
            "ORDERDESK_API_URL": self.orderdesk.api_url,
            "ORDERDESK_STORE_ID": self.orderdesk.store_id,
            "ORDERDESK_API_KEY": self.orderdesk.api_key,
            "ORDERDESK_FOLDER": "New",
            "STORE_PLATFORM": self.platform,
            "STORE_URL": self.store.api_url,
            "STORE_KEY": self.store_key,
            "STORE_SECRET": self.store_secret,
        }

    def profile(self) -> Profile:
        return Profile(
            orderdesk_store_id=self.orderdesk.store_id,
            orderdesk_api_key=self.orderdesk.api_key,
            orderdesk_api_url=self.orderdesk.api_url,
            orderdesk_folder_name="New",
            store_platform=self.platform,
            store_url=self.store.api_url,
            store_key=self.store_key,
            store_secret=self.store_secret,
            push_interval_seconds=15,
            pull_interval_seconds=15,
            overlap_minutes=10,
            sync_since=self.started_at,
        )

    def describe(self) -> dict[str, Any]:
        """One JSON-able summary: URLs and working credentials of both emulators."""
        return {
            "orderdesk": {
                "url": self.orderdesk.api_url,
                "store_id": self.orderdesk.store_id,
                "api_key": self.orderdesk.api_key,
            },
            "store": {
                "platform": self.platform,
                "url": self.store.api_url,
                "key": self.store_key,
                "secret": self.store_secret,
            },
            "env": self.env(),
        }

    # -- the merchant's actions in the demo panel ----------------------------------------

    def add_store_order(self) -> str:
        self._place_orders(1)
        return "A new order was placed in the sandbox store."

    def ship_an_order(self, order_number: str | None = None) -> str:
        """Add tracking in Order Desk to one order the app sent (the oldest unshipped one)."""
        candidates = [
            o
            for o in self.orderdesk.orders()
            if not o.get("order_shipments") and (order_number in (None, o["source_id"]))
        ]
        if not candidates:
            return (
                "There is no unshipped order in the sandbox's Order Desk yet; press Sync now first."
            )
        order = min(candidates, key=lambda o: int(o["id"]))
        carrier, method, prefix = self._rng.choice(_CARRIERS)
        tracking = prefix + "".join(self._rng.choice("0123456789") for _ in range(12))
        self.orderdesk.add_shipment(
            order["id"], tracking, carrier_code=carrier, shipment_method=method
        )
        return f"Order {order['source_id']} shipped in Order Desk with {carrier} {tracking}."


def _store_emulator(
    platform: str, seed: int, time_scale: float
) -> BigCommerceEmulator | ShopifyEmulator | WooCommerceEmulator:
    token = "sandbox-" + _token(seed + 1)
    if platform == "shopify":
        return ShopifyEmulator(access_token="shpat_" + token, time_scale=time_scale, seed=seed)
    if platform == "woocommerce":
        return WooCommerceEmulator(
            consumer_key="ck_" + token,
            consumer_secret="cs_" + _token(seed + 2),
            time_scale=time_scale,
            seed=seed,
        )
    return BigCommerceEmulator(
        store_hash="sandbox1", access_token=token, time_scale=time_scale, seed=seed
    )


def _token(seed: int) -> str:
    return "".join(random.Random(seed).choice("abcdef0123456789") for _ in range(24))

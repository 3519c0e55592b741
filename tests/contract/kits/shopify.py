"""The Shopify kit for the shared store contract suite: the GraphQL emulator and its connector,
signed in through the client-credentials grant (a Dev Dashboard app's client ID and secret).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from desktop_sync.connectors.stores.shopify import ShopifyConnector
from desktop_sync.sandbox.samples import SampleOrder
from desktop_sync.sandbox.server import Fault
from desktop_sync.sandbox.shopify import ShopifyEmulator
from desktop_sync.sandbox.shopify_access import AccessSchema
from tests.contract.kit import FAST_BACKOFF, KitLifecycle


class ShopifyKit(KitLifecycle[ShopifyEmulator]):
    platform = "shopify"

    def __init__(
        self, *, schema: AccessSchema | None = None, scopes: Iterable[str] | None = None
    ) -> None:
        """``schema`` (Shopify's published one) makes the emulator check every field's
        scopes; ``scopes`` are what the shop granted (the README's list by default)."""
        super().__init__()
        # The cost bucket refills 50 times faster than a real shop's, so paging never waits long.
        self.emulator = ShopifyEmulator(
            client_id="kit-client-id-0123",
            client_secret="shpss_kit-secret-0123",
            time_scale=50.0,
            schema=schema,
        )
        if scopes is not None:
            self.emulator.scopes = set(scopes)

    def connector(self, *, page_size: int | None = None) -> ShopifyConnector:
        return self._keep(
            ShopifyConnector(
                self.emulator.api_url,
                client_id=self.emulator.client_id,
                client_secret=self.emulator.client_secret,
                page_size=page_size,
                backoff=FAST_BACKOFF,
            )
        )

    def bad_connector(self) -> ShopifyConnector:
        return self._keep(
            ShopifyConnector(
                self.emulator.api_url,
                access_token="shpat_wrong0123456789",
                backoff=FAST_BACKOFF,
            )
        )

    def env(self) -> dict[str, str]:
        return {
            "STORE_PLATFORM": self.platform,
            "STORE_URL": self.emulator.api_url,
            "STORE_KEY": self.emulator.client_id,
            "STORE_SECRET": self.emulator.client_secret,
        }

    def add_orders(self, samples: list[SampleOrder]) -> list[str]:
        return [self.emulator.add_order(sample) for sample in samples]

    def touch_order(self, order_id: str) -> None:
        self.emulator.touch(order_id)

    def inject(self, fault: Fault, count: int = 1, *, path: str | None = None) -> None:
        self.emulator.faults.inject(fault, count, path=path)

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        return [
            {"tracking_numbers": f["tracking_numbers"], "lines": f["lines"]}
            for f in self.emulator.fulfillments(order_id)
        ]

    def customer_emails(self) -> int:
        return len(self.emulator.emails_sent)


def make_kit() -> ShopifyKit:
    return ShopifyKit()

"""The Shopify kit for the shared store contract suite: the GraphQL emulator and its connector,
signed in through the client-credentials grant (a Dev Dashboard app's client ID and secret).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import ShopifyConnector
from desktop_sync_sandbox.samples import SampleOrder
from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.shopify import ShopifyEmulator
from desktop_sync_sandbox.shopify_access import AccessSchema
from tests.contract.kit import FAST_BACKOFF, KitLifecycle


@cache
def published_schema() -> AccessSchema | None:
    """Shopify's published 2026-10 schema where the specs folder is here (CI, a developer's
    checkout beside shared/), so every contract test runs with field-level scope checks;
    None elsewhere (the spec tests themselves insist on it in CI)."""
    folders = (
        [Path(os.environ["DESKTOP_SYNC_SPECS"])] if os.environ.get("DESKTOP_SYNC_SPECS") else []
    )
    folders.append(Path(__file__).resolve().parents[3].parent / "shared" / "specs")
    for folder in folders:
        path = folder / "shopify" / "admin_2026-10.json.gz"
        if path.is_file():
            return AccessSchema.load(path)
    return None


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
            schema=schema or published_schema(),
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
                http=HttpSettings(backoff=FAST_BACKOFF),
            )
        )

    def bad_connector(self) -> ShopifyConnector:
        return self._keep(
            ShopifyConnector(
                self.emulator.api_url,
                access_token="shpat_wrong0123456789",
                http=HttpSettings(backoff=FAST_BACKOFF),
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

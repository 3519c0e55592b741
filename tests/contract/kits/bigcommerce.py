"""The BigCommerce kit for the shared store contract suite: the v2 emulator and its connector."""

from __future__ import annotations

from typing import Any

from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.samples import SampleOrder
from desktop_sync_sandbox.server import Fault
from tests.contract.kit import FAST_BACKOFF, KitLifecycle


class BigCommerceKit(KitLifecycle[BigCommerceEmulator]):
    platform = "bigcommerce"

    def __init__(self) -> None:
        super().__init__()
        # A 30 s window squeezed into 0.3 s: paging tests never wait long for the quota.
        self.emulator = BigCommerceEmulator(access_token="kit-token-0123456789", time_scale=100.0)

    def connector(self, *, page_size: int | None = None) -> BigCommerceConnector:
        return self._connect(self.emulator.access_token, page_size)

    def bad_connector(self) -> BigCommerceConnector:
        return self._connect("wrong-token-9876543210", None)

    def _connect(self, token: str, page_size: int | None) -> BigCommerceConnector:
        connector = BigCommerceConnector(
            self.emulator.api_url,
            token,
            page_size=page_size or 250,
            http=HttpSettings(backoff=FAST_BACKOFF),
        )
        return self._keep(connector)

    def env(self) -> dict[str, str]:
        return {
            "STORE_PLATFORM": self.platform,
            "STORE_URL": self.emulator.api_url,
            "STORE_KEY": self.emulator.access_token,
            "STORE_SECRET": "",
        }

    def add_orders(self, samples: list[SampleOrder]) -> list[str]:
        return [str(self.emulator.add_order(sample)) for sample in samples]

    def touch_order(self, order_id: str) -> None:
        self.emulator.touch(int(order_id))

    def inject(self, fault: Fault, count: int = 1, *, path: str | None = None) -> None:
        self.emulator.faults.inject(fault, count, path=path)

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        return [
            {
                "tracking_numbers": [shipment["tracking_number"]]
                if shipment["tracking_number"]
                else [],
                "lines": {
                    str(item["order_product_id"]): item["quantity"] for item in shipment["items"]
                },
            }
            for shipment in self.emulator.shipments(int(order_id))
        ]

    def customer_emails(self) -> int:
        with self.emulator.lock:
            return len(self.emulator.emails_sent)


def make_kit() -> BigCommerceKit:
    return BigCommerceKit()

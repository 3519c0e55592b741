"""The WooCommerce kit for the shared store contract suite: the wc/v3 emulator (with the Shipment
Tracking extension) and its connector."""

from __future__ import annotations

import json
from typing import Any

from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync_sandbox.samples import SampleOrder
from desktop_sync_sandbox.server import Fault
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator, status_for_payment
from tests.contract.kit import FAST_BACKOFF, KitLifecycle

RECORD_KEY = "_desktop_sync_fulfillments"


class WooCommerceKit(KitLifecycle[WooCommerceEmulator]):
    platform = "woocommerce"

    def __init__(self, *, shipment_tracking: bool = True) -> None:
        super().__init__()
        # WooCommerce has no rate limit in core, so there is no clock to speed up.
        self.emulator = WooCommerceEmulator(shipment_tracking=shipment_tracking)

    def connector(self, *, page_size: int | None = None) -> WooCommerceConnector:
        return self._connect(self.emulator.consumer_secret, page_size)

    def bad_connector(self) -> WooCommerceConnector:
        return self._connect("cs_wrong0123456789", None)

    def _connect(self, secret: str, page_size: int | None) -> WooCommerceConnector:
        connector = WooCommerceConnector(
            self.emulator.api_url,
            self.emulator.consumer_key,
            secret,
            page_size=page_size or 100,
            min_interval=0.0,
            http=HttpSettings(backoff=FAST_BACKOFF),
        )
        return self._keep(connector)

    def env(self) -> dict[str, str]:
        return {
            "STORE_PLATFORM": self.platform,
            "STORE_URL": self.emulator.api_url,
            "STORE_KEY": self.emulator.consumer_key,
            "STORE_SECRET": self.emulator.consumer_secret,
        }

    def add_orders(self, samples: list[SampleOrder]) -> list[str]:
        return [
            str(self.emulator.add_order(sample, status=status_for_payment(sample.payment)))
            for sample in samples
        ]

    def touch_order(self, order_id: str) -> None:
        self.emulator.touch(int(order_id))

    def inject(self, fault: Fault, count: int = 1, *, path: str | None = None) -> None:
        self.emulator.faults.inject(fault, count, path=path)

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        """Tracking items the store holds, with the lines the order's record gives them.

        WooCommerce keeps no per-line shipments: the lines come from the connector's record in
        order meta, the tracking numbers only from tracking items (or customer notes) that
        really exist, so a record without its tracking shows up as an empty shipment.
        """
        order = self.emulator.order(int(order_id))
        if self.emulator.shipment_tracking:
            posted = [t["tracking_number"] for t in self.emulator.trackings(int(order_id))]
        else:
            notes = self.emulator.notes(int(order_id))
            posted = [n["note"] for n in notes if n["customer_note"]]
        found: list[dict[str, Any]] = []
        recorded: set[str] = set()
        for record in _records(order):
            numbers = [n for n in record["tracking_numbers"] if any(n in p for p in posted)]
            recorded.update(record["tracking_numbers"])
            lines = {str(k): int(v) for k, v in record["lines"].items()}
            found.append({"tracking_numbers": numbers, "lines": lines})
        if self.emulator.shipment_tracking:
            for number in posted:
                if number not in recorded:
                    found.append({"tracking_numbers": [number], "lines": {}})
        return found

    def customer_emails(self) -> int:
        return len(self.emulator.emails)


def _records(order: dict[str, Any]) -> list[dict[str, Any]]:
    for meta in order["meta_data"]:
        if meta["key"] == RECORD_KEY:
            value = meta["value"]
            records = json.loads(value) if isinstance(value, str) else value
            return list(records)
    return []


def make_kit() -> WooCommerceKit:
    return WooCommerceKit()

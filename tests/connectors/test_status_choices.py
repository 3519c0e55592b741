"""The store's own statuses, read for Settings' checkboxes (issue 22): BigCommerce's with the
merchant's labels (``/v2/order_statuses``), WooCommerce's with those plugins add (the orders
totals report lists every registered status), Shopify's payment and fulfilment states (its
schema's enums). Each against its emulator over real sockets; Shopify against the schema."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator

import pytest

from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import PAYMENT_CHOICE, StatusChoice
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync.connectors.stores.shopify import ShopifyConnector
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.connectors.test_shopify import connector, shop, wall
from tests.connectors.test_woocommerce import FakeClock, connect
from tests.specs import spec_path

__all__ = ["connector", "shop", "wall"]  # the Shopify emulator's fixtures

NO_WAIT = Backoff(base=0.01, cap=0.02, floor=0.0, attempts=2)
PLUGIN = {"awaiting-shipment": "Awaiting shipment", "wc-partial": "Partially shipped"}


@pytest.fixture
def woo_shop() -> Iterator[WooCommerceEmulator]:
    emulator = WooCommerceEmulator(now=FakeClock())
    emulator.custom_statuses = dict(PLUGIN)
    emulator.start()
    yield emulator
    emulator.stop()


def _values(choices: tuple[StatusChoice, ...]) -> dict[str, str]:
    return {choice.value: choice.label for choice in choices}


def test_woocommerce_lists_its_statuses_with_those_a_plugin_adds(
    woo_shop: WooCommerceEmulator,
) -> None:
    woo = connect(woo_shop, FakeClock())
    try:
        listed = _values(woo.status_choices())
    finally:
        woo.close()
    assert listed["processing"] == "Processing"
    assert listed["on-hold"] == "On hold"
    assert listed["awaiting-shipment"] == "Awaiting shipment"
    assert listed["wc-partial"] == "Partially shipped"
    assert "trash" not in listed  # a bin, not a status an order is placed in
    assert ("GET", "/wp-json/wc/v3/reports/orders/totals", 200) in woo_shop.request_log


def test_woocommerce_without_the_report_still_lists_its_own_statuses(
    woo_shop: WooCommerceEmulator,
) -> None:
    """A key or a security plugin that refuses the reports: the core statuses are listed
    (WooCommerce's own, documented), a plugin's cannot be known and are not made up."""
    woo_shop.reports_refused = True
    woo = connect(woo_shop, FakeClock())
    try:
        listed = _values(woo.status_choices())
    finally:
        woo.close()
    assert {"pending", "processing", "on-hold", "completed", "cancelled"} <= set(listed)
    assert "awaiting-shipment" not in listed


@pytest.fixture
def bigcommerce() -> Iterator[BigCommerceEmulator]:
    emulator = BigCommerceEmulator(access_token="status-token-0123456789", seed=9)
    emulator.status_labels = {11: "Warten auf Versand"}
    emulator.start()
    yield emulator
    emulator.stop()


def test_bigcommerce_lists_its_statuses_by_system_name_with_the_merchants_labels(
    bigcommerce: BigCommerceEmulator,
) -> None:
    connector = BigCommerceConnector(
        bigcommerce.api_url, "status-token-0123456789", http=HttpSettings(backoff=NO_WAIT)
    )
    try:
        listed = _values(connector.status_choices())
    finally:
        connector.close()
    # The value is what the send rule compares (the system name, any case); the label is
    # the merchant's own.
    assert listed["awaiting fulfillment"] == "Warten auf Versand"
    assert listed["shipped"] == "Shipped"
    assert len(listed) == 15


def _enum(name: str) -> set[str]:
    with gzip.open(spec_path("shopify/admin_2026-10.json.gz")) as handle:
        data = json.load(handle)
    types = data.get("data", data)["__schema"]["types"]
    found = next(t for t in types if t["name"] == name)
    return {value["name"] for value in found["enumValues"]}


def test_shopify_offers_its_schemas_payment_and_fulfilment_states(
    connector: ShopifyConnector,
) -> None:
    choices = connector.status_choices()
    payments = {c.value for c in choices if c.value.startswith(PAYMENT_CHOICE)}
    fulfilments = {c.value for c in choices if not c.value.startswith(PAYMENT_CHOICE)}
    assert fulfilments == {name.lower() for name in _enum("OrderDisplayFulfillmentStatus")}
    # Every payment state but those never sent (refunded, voided, expired = voided).
    offered = _enum("OrderDisplayFinancialStatus") - {"REFUNDED", "VOIDED", "EXPIRED"}
    assert payments == {PAYMENT_CHOICE + name.lower() for name in offered}
    assert {c.group for c in choices} == {"Payment", "Fulfilment"}

"""BigCommerce statuses a merchant renamed: the connector reads rules' status from the id and
keeps the merchant's label for display, and lists the store's own labels
(``/v2/order_statuses``) for the window to show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator

TOKEN = "status-token-0123456789"
NO_WAIT = Backoff(base=0.01, cap=0.02, floor=0.0, attempts=2)


@pytest.fixture(params=["custom", "system"])
def store(request: pytest.FixtureRequest) -> Iterator[BigCommerceEmulator]:
    emulator = BigCommerceEmulator(access_token=TOKEN, seed=9)
    emulator.status_labels = {7: "Warten auf Zahlung", 11: "Warten auf Versand"}
    emulator.status_carries = request.param
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def connector(store: BigCommerceEmulator) -> Iterator[BigCommerceConnector]:
    built = BigCommerceConnector(store.api_url, TOKEN, http=HttpSettings(backoff=NO_WAIT))
    yield built
    built.close()


def test_an_orders_status_is_its_system_name_and_its_label_the_merchants(
    store: BigCommerceEmulator, connector: BigCommerceConnector
) -> None:
    unpaid = store.add_order(status_id=7)
    order = connector.get_order(str(unpaid))
    assert (order.status, order.status_label) == ("Awaiting Payment", "Warten auf Zahlung")
    (listed,) = connector.iter_orders(datetime.now(UTC) - timedelta(minutes=5))
    assert listed.status == "Awaiting Payment"


def test_the_stores_own_labels_are_listed_by_system_name(
    connector: BigCommerceConnector,
) -> None:
    labels = connector.status_labels()
    assert labels["Awaiting Fulfillment"] == "Warten auf Versand"
    assert labels["Shipped"] == "Shipped"
    assert len(labels) == 15

"""Fixtures of the engine tests: a BigCommerce store and an Order Desk on 127.0.0.1, and a
clock the test can move on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_sync.engine.sync import SyncEngine
from desktop_sync_sandbox.orderdesk import OrderDeskEmulator
from tests.contract.kits.bigcommerce import BigCommerceKit
from tests.contract.kits.woocommerce import WooCommerceKit
from tests.harness import Clock, make_engine, minute_ago, orderdesk_emulator, running


@pytest.fixture
def store() -> Iterator[BigCommerceKit]:
    kit = BigCommerceKit()
    kit.start()
    yield kit
    kit.stop()


@pytest.fixture
def woo() -> Iterator[WooCommerceKit]:
    kit = WooCommerceKit()
    kit.start()
    yield kit
    kit.stop()


@pytest.fixture
def orderdesk() -> Iterator[OrderDeskEmulator]:
    emulator = orderdesk_emulator()
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def clocked_orderdesk(clock: Clock) -> Iterator[OrderDeskEmulator]:
    """An Order Desk whose clock is the test's: skipping time moves its "now" too."""
    with running(orderdesk_emulator(now=clock)) as emulator:
        yield emulator


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(
    store: BigCommerceKit, orderdesk: OrderDeskEmulator, tmp_path: Path, clock: Clock
) -> Iterator[SyncEngine]:
    """An engine on the BigCommerce store and the Order Desk of the test, on its clock."""
    built = make_engine(
        orderdesk, store.connector(), tmp_path / "j.sqlite3", start_at=minute_ago(), clock=clock
    )
    yield built
    built.close()

"""What each store platform provides to the shared contract suite and the end-to-end tests.

A kit wraps one platform's emulator (started on 127.0.0.1, a free port) and builds that
platform's connector against it. One module per platform in ``tests/contract/kits/`` exposes
``make_kit() -> StoreKit``; ``tests/contract/conftest.py`` finds them all.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, TypeVar

from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import StoreConnector
from desktop_sync_sandbox.samples import SampleOrder
from desktop_sync_sandbox.server import Emulator, Fault


class StoreKit(Protocol):
    platform: str
    emulator: Emulator

    def start(self) -> None:
        """Start the emulator (empty store, rate limits fast enough for tests)."""

    def stop(self) -> None: ...

    def connector(self, *, page_size: int | None = None) -> StoreConnector:
        """A connector with good credentials pointed at the emulator.

        ``page_size`` (when given) is the number of orders per list request, so the contract
        suite can page through a handful of orders; None keeps the connector's default.
        """

    def bad_connector(self) -> StoreConnector:
        """A connector with a wrong key."""

    def env(self) -> dict[str, str]:
        """STORE_PLATFORM, STORE_URL, STORE_KEY, STORE_SECRET for the CLI/profile."""

    def add_orders(self, samples: list[SampleOrder]) -> list[str]:
        """Create orders in the store; return their platform ids, in order."""

    def touch_order(self, order_id: str) -> None:
        """Bump the order's modified time to now (as a merchant edit would)."""

    def inject(self, fault: Fault, count: int = 1, *, path: str | None = None) -> None:
        """Make the next ``count`` API requests (matching ``path``, a regex) misbehave."""

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        """The store's fulfillments of this order, each as
        ``{"tracking_numbers": [str], "lines": {line_id: quantity}}``."""

    def customer_emails(self) -> int:
        """How many shipment emails the store has sent to customers so far."""


# Retries in tests should be quick but still real waits through the connector's own sleep.
FAST_BACKOFF = Backoff(base=0.01, cap=0.05, floor=0.0, attempts=4)


C = TypeVar("C", bound=StoreConnector)
E = TypeVar("E", bound=Emulator)


class KitLifecycle(Generic[E]):
    """What every kit does alike: start and stop its emulator, and close the connectors it
    built when it stops."""

    emulator: E

    def __init__(self) -> None:
        self._connectors: list[StoreConnector] = []

    def start(self) -> None:
        self.emulator.start()

    def stop(self) -> None:
        for connector in self._connectors:
            connector.close()
        self._connectors.clear()
        self.emulator.stop()

    def _keep(self, connector: C) -> C:
        self._connectors.append(connector)
        return connector

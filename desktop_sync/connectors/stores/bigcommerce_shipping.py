"""What BigCommerce orders have shipped so far, read for many orders at once.

Before creating a shipment the engine asks for the order's shipments (so a retry never doubles
one), and a v2 shipment must name its ``order_address_id``: two reads per shipment. One
``GET /v2/orders?min_id=N&include=consignments.line_items`` answers both questions for up to
250 orders at a time: an order none of whose items has shipped has no shipment (the spec:
a shipment's ``items`` are required), and its consignments carry the address of every line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop_sync.connectors.stores.bigcommerce_parsing import order_lines

__all__ = ["FRESH_SECONDS", "OrderShipping", "ShippingSnapshots"]

FRESH_SECONDS = 60.0
"""How long a snapshot answers for an order: another PC shipping it meanwhile is the risk, so
it is kept short; the app's own shipments drop the order's snapshot at once."""


@dataclass(frozen=True)
class OrderShipping:
    shipped_anything: bool
    """Some item of the order has shipped, so it may have shipments."""
    addresses: tuple[int, ...]
    """The order's shipping addresses (``order_address_id``), in the store's order."""
    line_addresses: dict[int, int] = field(default_factory=dict)
    """``order_product_id`` -> its ``order_address_id``."""


def read_shipping(raw: dict[str, Any]) -> OrderShipping | None:
    """The shipping state of a listed order, or None when the answer does not hold it."""
    lines = order_lines(raw)
    consignments = raw.get("consignments")
    if lines is None or not isinstance(consignments, dict):
        return None
    shipping = consignments.get("shipping")
    groups = shipping if isinstance(shipping, list) else []
    addresses = tuple(
        group["id"]
        for group in groups
        if isinstance(group, dict) and isinstance(group.get("id"), int)
    )
    shipped = _count(raw.get("items_shipped")) > 0 or any(
        _count(line.get("quantity_shipped")) > 0 for line in lines
    )
    line_addresses = {
        line["id"]: line["order_address_id"]
        for line in lines
        if isinstance(line.get("id"), int) and isinstance(line.get("order_address_id"), int)
    }
    return OrderShipping(shipped, addresses, line_addresses)


def _count(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 1.0  # unreadable: assume something shipped, so the shipments are read


class ShippingSnapshots:
    """Snapshots of orders' shipping state, fetched a page of orders at a time."""

    def __init__(
        self,
        fetch: Callable[[int], list[Any]],
        clock: Callable[[], float],
        *,
        span: int = 250,
        fresh_seconds: float = FRESH_SECONDS,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._span = span
        self._fresh = fresh_seconds
        self._known: dict[int, tuple[float, OrderShipping]] = {}
        self._last_miss: int | None = None

    def get(self, order_id: int) -> OrderShipping | None:
        """The order's state, reading its page of orders when no fresh snapshot holds it."""
        found = self.peek(order_id)
        if found is not None:
            return found
        taken = self._clock()
        for raw in self._fetch(self._first_of_page(order_id)):
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
                continue
            state = read_shipping(raw)
            if state is not None:
                self._known[raw["id"]] = (taken, state)
        return self.peek(order_id)

    def _first_of_page(self, order_id: int) -> int:
        """Where the page of ``span`` orders to read starts: the engine asks for orders in
        the order it found their shipments, newest or oldest first, so the page reaches
        ahead in the direction the questions have been going (both ways at first)."""
        last, self._last_miss = self._last_miss, order_id
        if last is None:
            ahead = self._span // 2
        elif order_id < last:
            ahead = self._span - 1  # going down: the page ends at this order
        else:
            ahead = 0  # going up: the page starts at this order
        return max(1, order_id - ahead)

    def peek(self, order_id: int) -> OrderShipping | None:
        """A fresh snapshot of the order, or None; never reads."""
        entry = self._known.get(order_id)
        if entry is None:
            return None
        if self._clock() - entry[0] > self._fresh:
            del self._known[order_id]
            return None
        return entry[1]

    def forget(self, order_id: int) -> None:
        """The order's shipping changed (or may have): the next question reads it again."""
        self._known.pop(order_id, None)

"""Which store lines an Order Desk shipment covers: its items are matched to the store order's
lines by the line id the push wrote on each item, else by SKU (the store order read once per
order per pull)."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_sync.connectors.orderdesk.models import Order, OrderItem, Shipment
from desktop_sync.engine.fulfil import Fulfiller
from desktop_sync.engine.mapping import store_line_id

__all__ = ["StoreLineMatching", "Unmatched"]


class Unmatched(Exception):
    """An Order Desk item that matches no store line."""


class StoreLineMatching:
    """The pull's matching of Order Desk items to store lines (``ShipmentPuller`` is one)."""

    fulfiller: Fulfiller
    """Its store is the one the lines are read from."""
    _store_lines: dict[str, dict[str, list[str]]]
    """store order id -> SKU -> store line ids, read this pull."""

    def _all_lines(self, order: Order, store_order_id: str) -> tuple[tuple[str, int], ...]:
        items = [i for i in order.items if i.delivery_type != "noship" and i.quantity > 0]
        return self._to_store_lines(order, [(i, i.quantity) for i in items], store_order_id)

    def _explicit_lines(
        self, order: Order, shipment: Shipment, store_order_id: str
    ) -> tuple[tuple[str, int], ...]:
        by_id = {i.id: i for i in order.items}
        by_code = {i.code: i for i in order.items if i.code}
        picked: list[tuple[OrderItem, int]] = []
        for part in shipment.order_items:
            item = by_id.get(part.item_id) or by_code.get(part.code)
            if item is None:
                raise Unmatched(
                    f"The Order Desk shipment names an item ({part.item_id or part.code}) that "
                    "is not on the order; add the tracking in the store by hand."
                )
            picked.append((item, part.quantity))
        return self._to_store_lines(order, picked, store_order_id)

    def _to_store_lines(
        self, order: Order, items: Sequence[tuple[OrderItem, int]], store_order_id: str
    ) -> tuple[tuple[str, int], ...]:
        lines: dict[str, int] = {}
        for item, quantity in items:
            line_id = store_line_id(item.metadata)
            if line_id is None:
                candidates = self._lines_by_sku(store_order_id).get(item.code) or []
                if not item.code or not candidates:
                    raise Unmatched(
                        f"The Order Desk item '{item.name}' (SKU {item.code or 'none'}) matches "
                        "no line of the store order; add its tracking in the store by hand."
                    )
                line_id = candidates[0]
            lines[line_id] = lines.get(line_id, 0) + quantity
        if not lines:
            raise Unmatched("The Order Desk order has no items to ship.")
        return tuple(lines.items())

    def _lines_by_sku(self, store_order_id: str) -> dict[str, list[str]]:
        """SKU -> store line ids, read from the store once per order per cycle."""
        if store_order_id not in self._store_lines:
            by_sku: dict[str, list[str]] = {}
            for line in self.fulfiller.store.get_order(store_order_id).lines:
                by_sku.setdefault(line.sku, []).append(line.id)
            self._store_lines[store_order_id] = by_sku
        return self._store_lines[store_order_id]

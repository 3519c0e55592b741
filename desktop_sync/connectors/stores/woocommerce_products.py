"""Which WooCommerce order lines are goods to ship: the lines do not say, their products do
(``virtual``, ``downloadable``), so the products are read, once each for a session, for the
orders that need it (one read, sent, fulfilled), not for every order a listing holds."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from desktop_sync.connectors.errors import AuthError, Rejected
from desktop_sync.connectors.stores.woocommerce_http import WooRest

__all__ = ["ProductShipping"]

log = logging.getLogger(__name__)


class ProductShipping:
    """Product or variation id -> goods to ship, read with one request per page of orders (and
    one per variable product). A product that cannot be read (deleted, or a key that may not
    read products) counts as goods to ship: shipping too much is safer than too little."""

    def __init__(self, rest: WooRest) -> None:
        self._rest = rest
        self._ships: dict[int, bool] = {}

    def shipping_of(
        self, orders: Sequence[Mapping[str, Any]]
    ) -> Callable[[Mapping[str, Any]], bool]:
        """``ships(line_item)`` for the lines of ``orders``."""
        simple: set[int] = set()
        variations: dict[int, set[int]] = {}
        for order in orders:
            for item in order.get("line_items") or ():
                if not isinstance(item, Mapping):
                    continue
                product = _int_id(item.get("product_id"))
                variation = _int_id(item.get("variation_id"))
                if variation and variation not in self._ships:
                    variations.setdefault(product, set()).add(variation)
                elif not variation and product and product not in self._ships:
                    simple.add(product)
        try:
            if simple:
                self._read("wc/v3/products", simple)
            for parent, ids in variations.items():
                self._read(f"wc/v3/products/{parent}/variations", ids)
        except (AuthError, Rejected) as exc:
            log.info("WooCommerce products could not be read (%s); counting lines as goods", exc)
        for wanted in (simple, *variations.values()):
            for missing in wanted - self._ships.keys():
                self._ships[missing] = True

        return self.as_read

    def as_read(self, item: Mapping[str, Any]) -> bool:
        """Whether the line ships, as far as its product was read (unread: it ships)."""
        return self._ships.get(_key(item), True)

    def all_read(self, order: Mapping[str, Any]) -> bool:
        """Whether the product of every line of ``order`` was read this session."""
        items = order.get("line_items") or ()
        return all(_key(i) in self._ships for i in items if isinstance(i, Mapping) and _key(i))

    def _read(self, path: str, ids: set[int]) -> None:
        ordered = sorted(ids)
        for start in range(0, len(ordered), 100):
            chunk = ordered[start : start + 100]
            params = {"include": ",".join(map(str, chunk)), "per_page": len(chunk)}
            for product in self._rest.get_json(path, params) or ():
                if isinstance(product, Mapping) and _int_id(product.get("id")):
                    virtual = product.get("virtual") is True
                    downloadable = product.get("downloadable") is True
                    self._ships[_int_id(product.get("id"))] = not (virtual or downloadable)


def _key(item: Mapping[str, Any]) -> int:
    return _int_id(item.get("variation_id")) or _int_id(item.get("product_id"))


def _int_id(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

"""A WooCommerce store, or a cache in front of it, that pages for ever (issue 16, item 4): the
scan stops with a sentence when a full page repeats or more pages come than the store's own
``X-WP-TotalPages`` allows, instead of looping until stopped."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
import respx

from desktop_sync.connectors.errors import Transient
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.connectors.test_woocommerce import START, FakeClock, clock, connect, shop
from tests.connectors.test_woocommerce_shapes import NOW, ORDERS, SITE, order_json, products

__all__ = [
    "clock",
    "products",
    "shop",
]  # the shapes tests' product look-ups, answered with no products


def test_a_cache_that_ignores_page_stops_the_scan_with_a_sentence(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    shop.add_sample_orders(25)
    shop.ignores_page = True
    woo = connect(shop, clock, page_size=10)
    with pytest.raises(Transient, match=r"page 2 came back the same as page 1.*exclude /wp-json/"):
        list(woo.iter_orders(START - timedelta(minutes=5)))
    listings = [e for e in shop.request_log if e[0] == "GET" and e[1].endswith("/orders")]
    assert len(listings) == 2


def test_without_the_cache_every_page_is_read(shop: WooCommerceEmulator, clock: FakeClock) -> None:
    ids = shop.add_sample_orders(25)
    woo = connect(shop, clock, page_size=10)
    found = {o.id for o in woo.iter_orders(START - timedelta(minutes=5))}
    assert found == {str(i) for i in ids}


@respx.mock
def test_pages_past_the_stores_own_count_stop_the_scan() -> None:
    woo = WooCommerceConnector(SITE, "ck_x", "cs_x", min_interval=0, now=lambda: NOW)
    calls = {"n": 0}

    def page(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        number = int(request.url.params["page"])
        batch = [
            order_json(id=number * 1000 + i, date_modified_gmt="2025-07-14T11:00:00")
            for i in range(100)
        ]
        # A broken cursor: always one more page than the one just sent.
        return httpx.Response(200, json=batch, headers={"X-WP-TotalPages": str(number + 1)})

    respx.get(ORDERS).mock(side_effect=page)
    with pytest.raises(Transient, match="more pages came than the 2 it counted"):
        list(woo.iter_orders(NOW - timedelta(hours=2)))
    assert calls["n"] == 4

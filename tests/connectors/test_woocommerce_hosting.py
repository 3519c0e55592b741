"""What stands between the app and WooCommerce (issue 15, items 6 and 7): a server that refuses
PUT, one that strips the ``Authorization`` header, a proxy that ends TLS, a canonical redirect
and a security plugin locking the REST API. The connector recovers by itself where it can and
says what is really wrong where it cannot."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import respx

from desktop_sync.connectors.errors import AuthError, Rejected
from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.connectors.stores.woocommerce_http import AuthMode
from desktop_sync.connectors.stores.woocommerce_tracking import TrackingPlugin
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.connectors.test_woocommerce import (
    START,
    UPS,
    FakeClock,
    clock,
    connect,
    shop,
    sleeps,
    two_line_order,
    woo,
)

__all__ = ["clock", "shop", "sleeps", "woo"]  # fixtures shared with test_woocommerce


def _ship_everything(woo: WooCommerceConnector, order_id: int) -> None:
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    woo.create_fulfillment(str(order_id), lines, UPS)


@pytest.mark.parametrize("verified_first", [True, False])
def test_a_server_refusing_put_gets_the_method_override_and_nothing_is_sent_twice(
    shop: WooCommerceEmulator, clock: FakeClock, verified_first: bool
) -> None:
    shop.refused_methods = {"PUT"}
    order_id = two_line_order(shop)
    woo = connect(shop, clock)
    if verified_first:
        woo.verify()  # finds out before any customer is emailed
    lines = woo.get_order(str(order_id)).lines
    woo.create_fulfillment(str(order_id), [FulfillmentLine(lines[0].id, lines[0].quantity)], UPS)
    rest = [FulfillmentLine(ln.id, ln.quantity) for ln in lines[1:]]
    woo.create_fulfillment(str(order_id), rest, Tracking("JD014600003828", "DHL"))
    assert shop.order(order_id)["status"] == "completed"
    assert [e.kind for e in shop.emails] == ["Customer note", "Completed order"]
    assert len(woo.list_fulfillments(str(order_id))) == 2
    assert not any(method == "PUT" and status >= 500 for method, _, status in shop.request_log)


def test_a_server_that_strips_authorization_gets_the_key_in_the_query_string(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    shop.strips_authorization = True
    order_id = shop.add_order()
    woo = connect(shop, clock)
    woo.verify()
    assert [o.id for o in woo.iter_orders(START - timedelta(minutes=5))] == [str(order_id)]
    _ship_everything(woo, order_id)
    assert woo._rest.mode is AuthMode.QUERY
    refused = [entry for entry in shop.request_log if entry[2] == 401]
    assert len(refused) == 1  # found out once, then kept for the session


def test_behind_a_proxy_that_ends_tls_the_requests_are_signed(
    shop: WooCommerceEmulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    shop.wordpress_sees_https = False
    order_id = shop.add_order()
    woo = connect(shop, clock)
    with caplog.at_level(logging.DEBUG):
        woo.verify()
        assert [o.id for o in woo.iter_orders(START - timedelta(minutes=5))] == [str(order_id)]
        _ship_everything(woo, order_id)
    assert woo._rest.mode is AuthMode.SIGNED
    assert shop.order(order_id)["status"] == "completed"
    assert shop.consumer_secret not in caplog.text


def test_behind_a_proxy_that_ends_tls_a_wrong_key_is_still_named(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    shop.wordpress_sees_https = False
    woo = connect(shop, clock, secret="cs_wrong0123456789")
    with pytest.raises(AuthError, match="signature"):
        woo.verify()


def test_a_canonical_redirect_to_another_host_names_the_address_to_enter(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    port = shop.base_url.rsplit(":", 1)[1]
    shop.canonical_host = f"127.0.0.1:{port}"
    woo = WooCommerceConnector(
        f"http://localhost:{port}", shop.consumer_key, shop.consumer_secret, min_interval=0
    )
    with pytest.raises(Rejected, match=rf"enter http://127\.0\.0\.1:{port} as the store address"):
        woo.verify()


@respx.mock
def test_a_redirect_to_the_same_site_under_www_is_followed_for_the_session() -> None:
    respx.get("https://shop.example/wp-json/").respond(
        301, headers={"Location": "https://www.shop.example/wp-json/"}
    )
    respx.get("https://www.shop.example/wp-json/").respond(
        json={"name": "Shop", "home": "https://www.shop.example", "namespaces": ["wc/v3"]}
    )
    orders = respx.get("https://www.shop.example/wp-json/wc/v3/orders").respond(json=[])
    respx.put("https://www.shop.example/wp-json/wc/v3/orders/0").respond(
        400, json={"code": "woocommerce_rest_shop_order_invalid_id", "message": "Invalid ID."}
    )
    woo = WooCommerceConnector("shop.example", "ck_x", "cs_x", min_interval=0)
    identity = woo.verify()
    assert identity.url == "https://www.shop.example" and woo.site_url == identity.url
    assert orders.called


def test_a_security_plugin_locking_the_index_does_not_stop_the_sync(
    shop: WooCommerceEmulator, clock: FakeClock
) -> None:
    shop.rest_locked = True
    order_id = shop.add_order()
    woo = connect(shop, clock)
    woo.verify()
    assert woo.tracking_plugin is not TrackingPlugin.NONE
    _ship_everything(woo, order_id)
    assert [t["tracking_number"] for t in shop.trackings(order_id)] == [UPS.number]


@respx.mock
def test_a_security_plugin_locking_woocommerce_too_is_named_not_the_key() -> None:
    locked = {"code": "rest_cannot_access", "message": "Only authenticated users can access."}
    respx.get("https://shop.example/wp-json/").respond(401, json=locked)
    respx.get("https://shop.example/wp-json/wc/v3/orders").respond(401, json=locked)
    woo = WooCommerceConnector("https://shop.example", "ck_x", "cs_x", min_interval=0)
    with pytest.raises(AuthError, match="security plugin") as caught:
        woo.verify()
    assert "create a key" not in str(caught.value)


@respx.mock
def test_a_plugin_refusing_woocommerces_routes_is_not_blamed_on_the_key() -> None:
    respx.get("https://shop.example/wp-json/").respond(
        json={"name": "Shop", "namespaces": ["wc/v3"]}
    )
    respx.get("https://shop.example/wp-json/wc/v3/orders").respond(
        403, json={"code": "rest_login_required", "message": "REST API restricted to users."}
    )
    woo = WooCommerceConnector("https://shop.example", "ck_x", "cs_x", min_interval=0)
    with pytest.raises(AuthError, match=r"security plugin.*REST API restricted to users"):
        woo.verify()

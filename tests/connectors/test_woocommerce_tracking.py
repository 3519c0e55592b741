"""Tracking numbers as WooCommerce's tracking plugins keep them (issue 15, items 3 to 5): the
provider list, links through ``sanitize_text_field``, and zorem's Advanced Shipment Tracking on
the same routes, against the emulator over real sockets."""

from __future__ import annotations

import pytest

from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.woocommerce import WooCommerceConnector
from desktop_sync.connectors.stores.woocommerce_tracking import TrackingPlugin, clean_safe_link
from desktop_sync_sandbox.woocommerce import WooCommerceEmulator
from tests.connectors.test_woocommerce import clock, shop, sleeps, woo

__all__ = ["clock", "shop", "sleeps", "woo"]  # fixtures shared with test_woocommerce


def _ship(woo: WooCommerceConnector, order_id: int, tracking: Tracking) -> None:
    lines = [FulfillmentLine(ln.id, ln.quantity) for ln in woo.get_order(str(order_id)).lines]
    woo.create_fulfillment(str(order_id), lines, tracking)


def test_a_carrier_the_extension_does_not_know_still_reaches_the_customer_with_a_link(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    _ship(woo, order_id, Tracking("00370712345678901234", "PostNord"))
    [item] = shop.trackings(order_id)
    assert item["tracking_provider"] == "PostNord"
    assert item["tracking_link"].startswith("https://tracking.postnord.com/")
    assert item["tracking_link"].endswith("00370712345678901234")


def test_a_carrier_on_the_extensions_list_is_sent_by_its_own_name(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    _ship(woo, order_id, Tracking("RM123456785GB", "royal mail"))
    [item] = shop.trackings(order_id)
    assert item["tracking_provider"] == "Royal Mail"
    assert item["tracking_link"].endswith("/tracking-results/RM123456785GB")


def test_a_percent_encoded_link_arrives_whole(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    link = "https://track.example/t/%C3%A9t%C3%A9?id=AB%20CD&lang=%7Een"
    _ship(woo, order_id, Tracking("AB CD", "Example Courier", link))
    [item] = shop.trackings(order_id)
    assert item["tracking_link"] == "https://track.example/t/été?id=AB+CD&lang=~en"


def test_a_link_that_cannot_pass_the_extension_goes_in_the_customer_note(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    link = "https://track.example/t?ref=a%26b&id=ZX1"
    _ship(woo, order_id, Tracking("ZX1", "Example Courier", link))
    [item] = shop.trackings(order_id)
    assert item["tracking_provider"] == "Example Courier" and item["tracking_link"] == ""
    notes = [e for e in shop.emails if e.kind == "Customer note"]
    assert len(notes) == 1 and link in notes[0].text


def test_a_known_carriers_unstorable_link_falls_back_to_the_extensions_own(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    order_id = shop.add_order()
    _ship(woo, order_id, Tracking("1Z9", "UPS", "https://ups.example/t?x=%2F1Z9"))
    [item] = shop.trackings(order_id)
    assert item["tracking_provider"] == "UPS" and "1Z9" in item["tracking_link"]
    assert [e.kind for e in shop.emails] == ["Completed order"]


def test_advanced_shipment_tracking_is_told_apart_and_its_rules_kept(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    shop.ast = True
    assert woo.tracking_plugin is TrackingPlugin.AST
    plain = shop.add_order()
    _ship(woo, plain, Tracking("1Z999AA10123456784", "UPS"))
    assert [t["tracking_number"] for t in shop.trackings(plain)] == ["1Z999AA10123456784"]
    # AST refuses a number with a slash; the customer gets it in a note instead.
    slashed = shop.add_order()
    _ship(woo, slashed, Tracking("AB/123/C", "Local Courier"))
    assert shop.trackings(slashed) == []
    assert any("AB/123/C" in e.text for e in shop.emails if e.order_id == slashed)
    assert shop.order(slashed)["status"] == "completed"


def test_with_custom_order_numbers_ast_could_pick_another_order_so_a_note_is_used(
    shop: WooCommerceEmulator, woo: WooCommerceConnector
) -> None:
    shop.ast = True
    other, ours = shop.add_order(), shop.add_order()
    with shop.lock:  # Custom Order Numbers: order `other` shows our order's id as its number
        shop.shop.orders[other]["number"] = str(ours)
        shop.shop.orders[ours]["number"] = "WC-0002"
    shop.custom_numbers = {str(ours): other}
    _ship(woo, ours, Tracking("1Z999AA10123456784", "UPS"))
    assert shop.trackings(other) == [] and shop.trackings(ours) == []
    assert any("1Z999AA10123456784" in e.text for e in shop.emails if e.order_id == ours)


@pytest.mark.parametrize(
    ("link", "cleaned"),
    [
        ("https://t.example/a?b=c", "https://t.example/a?b=c"),
        ("https://t.example/%7Ea?q=x%20y", "https://t.example/~a?q=x+y"),
        ("https://t.example/a%2Fb", None),
        ("https://t.example/a?q=1%2B1", None),
        ("https://t.example/a?q=%E2%82%AC", "https://t.example/a?q=€"),
    ],
)
def test_links_are_sent_in_a_form_sanitize_text_field_keeps(link: str, cleaned: str | None) -> None:
    assert clean_safe_link(link) == cleaned

"""Where the orders view's "Open in..." buttons take the browser, per platform (issue 22)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_sync.gui.order_links import open_in_orderdesk, orderdesk_folder_url, store_admin_url


@pytest.mark.parametrize(
    ("platform", "store_url", "order_id", "url"),
    [
        (
            "bigcommerce",
            "abc123",
            "101",
            "https://store-abc123.mybigcommerce.com/manage/orders/101",
        ),
        (
            "bigcommerce",
            "https://api.bigcommerce.com/stores/abc123/v3/",
            "101",
            "https://store-abc123.mybigcommerce.com/manage/orders/101",
        ),
        (
            "bigcommerce",
            "store-ABC123.mybigcommerce.com",
            "7",
            "https://store-abc123.mybigcommerce.com/manage/orders/7",
        ),
        (
            "shopify",
            "https://my-shop.myshopify.com",
            "gid://shopify/Order/5600000000006",
            "https://admin.shopify.com/store/my-shop/orders/5600000000006",
        ),
        (
            "woocommerce",
            "https://shop.example.com/store/",
            "88",
            "https://shop.example.com/store/wp-admin/post.php?post=88&action=edit",
        ),
        ("shopify", "http://127.0.0.1:8080", "gid://shopify/Order/1", ""),
        ("bigcommerce", "https://example.com/", "1", ""),
    ],
)
def test_store_admin_url_per_platform(
    platform: str, store_url: str, order_id: str, url: str
) -> None:
    assert store_admin_url(platform, store_url, order_id) == url


def test_order_desk_opens_at_the_orders_folder_on_the_server_the_profile_uses() -> None:
    # No public source shows a page of one order; a folder's page is attested
    # (app.orderdesk.me/orders?folder=ID), so that is where the browser goes.
    assert orderdesk_folder_url("4321") == "https://app.orderdesk.me/orders?folder=4321"
    assert (
        orderdesk_folder_url("9", "http://127.0.0.1:5000/api/v2")
        == "http://127.0.0.1:5000/orders?folder=9"
    )


@pytest.mark.parametrize("folder", ["", "New", "Prepared orders", "12a"])
def test_without_a_folder_id_order_desk_opens_at_its_orders_page(folder: str) -> None:
    assert orderdesk_folder_url(folder) == "https://app.orderdesk.me/orders"


def test_open_in_order_desk_opens_the_folder_and_copies_the_order_id(qtbot: QtBot) -> None:
    opened: list[QUrl] = []
    said = open_in_orderdesk("123456", "4321", opener=lambda url: opened.append(url) or True)
    assert [url.toString() for url in opened] == ["https://app.orderdesk.me/orders?folder=4321"]
    assert QGuiApplication.clipboard().text() == "123456"
    assert said == "Order Desk order 123456 copied: paste it into Order Desk's search."

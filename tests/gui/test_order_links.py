"""Where the orders view's "Open in..." buttons take the browser, per platform (issue 22)."""

from __future__ import annotations

import pytest

from desktop_sync.gui.order_links import orderdesk_order_url, store_admin_url


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


def test_orderdesk_url_is_the_order_on_the_server_the_profile_uses() -> None:
    assert orderdesk_order_url("12345") == "https://app.orderdesk.me/orders/view/12345"
    assert (
        orderdesk_order_url("9", "http://127.0.0.1:5000/api/v2")
        == "http://127.0.0.1:5000/orders/view/9"
    )

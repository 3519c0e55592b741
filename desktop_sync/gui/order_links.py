"""Where "Open in Order Desk" and "Open in the store's admin" take the browser, per platform.

No platform publishes these pages as a contract; each is the admin page the platform's own
help links to an order by: Order Desk's order view, BigCommerce's control panel
(``store-HASH.mybigcommerce.com/manage/orders/ID``), Shopify's admin
(``admin.shopify.com/store/SHOP/orders/ID``, the numeric id of the order's ``gid``) and
WordPress's edit screen for a WooCommerce order (``wp-admin/post.php?post=ID&action=edit``,
which WooCommerce forwards to its order screen whichever order storage the site uses).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

__all__ = ["orderdesk_order_url", "store_admin_url"]

_ORDERDESK_APP = "https://app.orderdesk.me"
_BIGCOMMERCE_HASH = re.compile(r"/stores/([a-z0-9]+)(?:/|$)|^store-([a-z0-9]+)\.", re.IGNORECASE)


def orderdesk_order_url(orderdesk_order_id: str, api_url: str = "") -> str:
    """Order Desk's page of one order (on the server ``api_url`` points at, when given)."""
    base = _ORDERDESK_APP
    if api_url:
        parts = urlsplit(api_url)
        if parts.scheme and parts.netloc:
            base = f"{parts.scheme}://{parts.netloc}"
    return f"{base}/orders/view/{quote(orderdesk_order_id, safe='')}"


def _numeric(store_order_id: str) -> str:
    """Shopify's ``gid://shopify/Order/123`` is order 123 in its admin."""
    return store_order_id.rsplit("/", 1)[-1]


def store_admin_url(platform: str, store_url: str, store_order_id: str) -> str:
    """The store admin's page of one order; "" when the store's address does not say where
    its admin is."""
    order = quote(_numeric(store_order_id), safe="")
    text = store_url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    if platform == "bigcommerce":
        found = _BIGCOMMERCE_HASH.search(parts.path) or _BIGCOMMERCE_HASH.search(host)
        if found is None and re.fullmatch(r"[a-z0-9]+", text, re.IGNORECASE):
            return f"https://store-{text.lower()}.mybigcommerce.com/manage/orders/{order}"
        if found is None:
            return ""
        store_hash = (found.group(1) or found.group(2)).lower()
        return f"https://store-{store_hash}.mybigcommerce.com/manage/orders/{order}"
    if platform == "shopify":
        shop = host.removesuffix(".myshopify.com") if host.endswith(".myshopify.com") else ""
        return f"https://admin.shopify.com/store/{shop}/orders/{order}" if shop else ""
    if platform == "woocommerce" and host:
        site = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        return f"{site}/wp-admin/post.php?post={order}&action=edit"
    return ""

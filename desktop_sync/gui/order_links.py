"""Where "Open in Order Desk" and "Open in the store's admin" take the browser, per platform.

No platform publishes these pages as a contract. Order Desk: no public source shows a page of
one order (an ``/orders/view/ID`` guessed earlier may not exist), while a folder's page is
attested (``app.orderdesk.me/orders?folder=FOLDER_ID``). So "Open in Order Desk" opens the
order's folder (the orders page when the journal knows no folder id) and puts the Order Desk
order id on the clipboard for Order Desk's search: right whichever way its pages behave. Both
callers (the log's row menu, an order's details) use ``open_in_orderdesk``.

The stores' pages are the admin pages each platform's own help links to an order by:
BigCommerce's control panel
(``store-HASH.mybigcommerce.com/manage/orders/ID``), Shopify's admin
(``admin.shopify.com/store/SHOP/orders/ID``, the numeric id of the order's ``gid``) and
WordPress's edit screen for a WooCommerce order (``wp-admin/post.php?post=ID&action=edit``,
which WooCommerce forwards to its order screen whichever order storage the site uses).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Protocol
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QPoint, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QToolTip, QWidget

from desktop_sync.app.facade_types import JournalError, OrderLine

__all__ = [
    "OpensInOrderDesk",
    "open_in_orderdesk",
    "orderdesk_folder_of",
    "orderdesk_folder_url",
    "say_in_window",
    "store_admin_url",
]

log = logging.getLogger(__name__)

_ORDERDESK_APP = "https://app.orderdesk.me"
_BIGCOMMERCE_HASH = re.compile(r"/stores/([a-z0-9]+)(?:/|$)|^store-([a-z0-9]+)\.", re.IGNORECASE)


def orderdesk_folder_url(folder: str, api_url: str = "") -> str:
    """Order Desk's page of a folder, by its id (on the server ``api_url`` points at, when
    given); its orders page when ``folder`` is no id (a name, or nothing known)."""
    base = _ORDERDESK_APP
    if api_url:
        parts = urlsplit(api_url)
        if parts.scheme and parts.netloc:
            base = f"{parts.scheme}://{parts.netloc}"
    folder_id = folder.strip()
    return f"{base}/orders?folder={folder_id}" if folder_id.isdecimal() else f"{base}/orders"


class OpensInOrderDesk(Protocol):
    """``open_in_orderdesk``'s shape (a view may hold None instead: the demo)."""

    def __call__(
        self,
        orderdesk_order_id: str,
        folder: str,
        api_url: str = "",
        *,
        opener: Callable[[QUrl], bool] = ...,
    ) -> str: ...


def open_in_orderdesk(
    orderdesk_order_id: str,
    folder: str,
    api_url: str = "",
    *,
    opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
) -> str:
    """Open the order's Order Desk folder (``orderdesk_folder_url``) and put its Order Desk
    id on the clipboard; the sentence that says so, for the window to show."""
    QGuiApplication.clipboard().setText(orderdesk_order_id)
    opener(QUrl(orderdesk_folder_url(folder, api_url)))
    return f"Order Desk order {orderdesk_order_id} copied: paste it into Order Desk's search."


class FindsOrders(Protocol):
    def find_orders(self, number: str, store: str = "") -> list[OrderLine]: ...


def orderdesk_folder_of(reader: FindsOrders, number: str, orderdesk_order_id: str) -> str:
    """The folder the journal knows for the order sent as ``orderdesk_order_id`` ("" when it
    knows none, or cannot be read now)."""
    try:
        lines = reader.find_orders(number)
    except JournalError as exc:
        log.info("The order's folder could not be read: %s", exc)
        return ""
    return next((line.folder for line in lines if orderdesk_order_id in line.orderdesk_ids), "")


def say_in_window(widget: QWidget, sentence: str) -> None:
    """``sentence`` on the status bar of ``widget``'s window, else beside the widget."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(sentence, 15_000)
    else:
        QToolTip.showText(widget.mapToGlobal(QPoint(0, 0)), sentence, widget)


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

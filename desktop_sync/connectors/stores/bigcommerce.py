"""The BigCommerce store connector: orders and shipments over the REST Management API v2."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from desktop_sync.connectors.errors import AuthError, BadAddress, Rejected
from desktop_sync.connectors.http import header_seconds
from desktop_sync.connectors.stores.answers import garbled, read_json
from desktop_sync.connectors.stores.base import (
    Capabilities,
    FulfillmentLine,
    StatusChoice,
    StoreFulfillment,
    StoreIdentity,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.bigcommerce_carriers import shipping_provider, tracking_carrier
from desktop_sync.connectors.stores.bigcommerce_parsing import (
    SYSTEM_STATUSES,
    error_message,
    order_addresses,
    order_lines,
    parse_fulfillment,
    parse_order,
    parse_rfc2822,
)
from desktop_sync.connectors.stores.bigcommerce_shipping import ShippingSnapshots
from desktop_sync.connectors.stores.http import PRODUCT_HTTP, HttpSettings
from desktop_sync.connectors.stores.paging import PageGuard, by_keyset, by_number
from desktop_sync.connectors.stores.refusals import Refusal, Refusals, refuse
from desktop_sync.connectors.stores.unreadable import read_order
from desktop_sync.connectors.stores.window import ScanWindow

__all__ = [
    "BigCommerceConnector",
    "from_credentials",
    "shipping_provider",
    "store_api_url",
    "tracking_carrier",
]

log = logging.getLogger(__name__)

PLATFORM = "bigcommerce"
"""This connector's platform id (the registry in ``app.platforms`` agrees; never read here)."""
SERVICE = "BigCommerce"
"""What the merchant calls the platform, in every sentence."""
MAX_TRACKING_NUMBER = 50
MAX_TRACKING_LINK = 500
_INCLUDE = {"include": "consignments.line_items,fees", "consignment_structure": "object"}
"""Products, shipping addresses and fees within the order (spec ``order_includes``)."""
_ACCOUNT_HINT = (
    "in the BigCommerce control panel go to Settings > Store-level API accounts, create an "
    "account with the scopes Orders: modify and Information & Settings: read-only, "
    "and paste its access token"
)
_REPEATED_HINT = (
    "if the store's API is reached through a caching proxy, exclude it from the cache. The "
    "sync will try again shortly."
)
_HASH = re.compile(r"^[a-z0-9]+$", re.IGNORECASE)
_CONTROL_PANEL = re.compile(r"^store-([a-z0-9]+)\.mybigcommerce\.com$", re.IGNORECASE)
_API_PATH = re.compile(r"/stores/([a-z0-9]+)(?:/|$)", re.IGNORECASE)


def store_api_url(store: str, api_base: str = "https://api.bigcommerce.com") -> str:
    """``{api}/stores/{hash}`` from what a merchant may paste as "the store".

    Accepted: the store hash (``abc123``), the control-panel address
    (``store-abc123.mybigcommerce.com``), the API path shown with the API account
    (``https://api.bigcommerce.com/stores/abc123/v3/``), or a full local emulator URL
    (``http://127.0.0.1:PORT/stores/sandbox1``), whose own host is then used.
    """
    text = store.strip()
    if _HASH.match(text):
        return f"{api_base.rstrip('/')}/stores/{text.lower()}"
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = parts.hostname or ""
    control_panel = _CONTROL_PANEL.match(host)
    if control_panel:
        return f"{api_base.rstrip('/')}/stores/{control_panel.group(1).lower()}"
    api_path = _API_PATH.search(parts.path)
    if host and api_path:
        return f"{parts.scheme}://{parts.netloc}/stores/{api_path.group(1)}"
    raise BadAddress(
        "The BigCommerce store was not recognised; enter the store hash from the API path "
        "shown with your API account (…/stores/abc123/v3/) and try again.",
        service=SERVICE,
    )


class BigCommerceConnector:
    """A BigCommerce store, reached with a store-level API account's access token.

    BigCommerce decides by itself whether creating a shipment emails the customer (the store's
    Order Notification settings), so ``notify`` cannot be honoured per request. A shipment
    holds one tracking number, so a second number is not added (the engine logs it).
    """

    platform = PLATFORM
    display_name = SERVICE
    capabilities = Capabilities(multiple_tracking_numbers=False)

    def __init__(
        self,
        store: str,
        access_token: str,
        *,
        api_base: str = "https://api.bigcommerce.com",
        page_size: int = 250,
        rate_reserve: int = 1,
        http: HttpSettings = PRODUCT_HTTP,
    ) -> None:
        if not 1 <= page_size <= 250:
            raise ValueError("page_size must be between 1 and 250 (the API's maximum)")
        self.page_size = page_size
        self.rate_reserve = rate_reserve
        self._shipping = ShippingSnapshots(self._orders_from, http.clock, span=page_size)
        self.api_url = store_api_url(store, api_base)
        self._http = http.client(
            self.api_url,
            service=SERVICE,
            headers={"X-Auth-Token": access_token.strip()},
            retry_after=_retry_after,
            on_response=self._pace,
        )

    # -- StoreConnector --------------------------------------------------------------------

    def verify(self) -> StoreIdentity:
        """``GET /v2/store`` (Information & Settings scope), one order (Orders scope), then a
        write that cannot change anything, to tell a read-only Orders token from one that may
        create shipments.

        BigCommerce says nothing of a token's scopes, and a read-only token reads orders as
        well as a full one; only a write tells them apart. ``PUT`` of shipment 0 of order 0
        names an order no store has (order ids start at 100): a token without the
        ``Orders: modify`` scope is refused (403) before the order is looked up, one with it
        is told the order does not exist (404).
        """
        identity = self.identify()
        self._get("/v2/orders", {"limit": 1}, scope="Orders: modify")
        self._probe_write()
        return identity

    def identify(self) -> StoreIdentity:
        """``GET /v2/store``: its name, and its ``id``, the store hash (the permanent id the
        API path also names), whatever domain the store has."""
        store = self._json("GET", "/v2/store", scope="Information & Settings: read-only")
        if not isinstance(store, dict):
            raise garbled(SERVICE)
        timezone = store.get("timezone")
        found = _API_PATH.search(self.api_url)
        own = str(store.get("id") or (found.group(1) if found else "")).strip().lower()
        return StoreIdentity(
            name=str(store.get("name") or ""),
            url=str(store.get("secure_url") or store.get("domain") or ""),
            currency=str(store.get("currency") or ""),
            timezone=str(timezone.get("name") or "") if isinstance(timezone, dict) else "",
            own_id=own,
        )

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        """Orders modified in [since, until], by order id; incomplete checkouts and archived
        orders skipped.

        The scan pages by order id (``min_id`` after the last id seen, sorted by ``id``), not
        by page number: an order edited during the scan moves out of the window (its new
        ``date_modified`` is past ``until``) or stays where it was, and no other order shifts
        into a page already read. The next scan's window holds the edited order. Each order
        comes with its products and shipping addresses (``include=consignments.line_items``)
        and its fees, so a page of 250 orders is one request. A store (or a proxy before it)
        that answers a page already seen stops the scan with a sentence, not a loop.

        BigCommerce silently ignores a filter it cannot read, so each order is checked against
        the window here as well, and one outside it is left out.
        """
        window = ScanWindow.of(since, until)
        params: dict[str, Any] = {
            "min_date_modified": window.since.isoformat(),
            # The spec's enum has no ":asc" though its description asks for one; "id" alone
            # is in the enum and sorts lowest first ("The default sort is by order id").
            "sort": "id",
            "limit": self.page_size,
            **_INCLUDE,
        }
        if window.until_second is not None:
            params["max_date_modified"] = window.until_second.isoformat()

        def read(after: int) -> list[dict[str, Any]]:
            page = self._list("/v2/orders", {**params, **({"min_id": after + 1} if after else {})})
            return [raw for raw in page if isinstance(raw, dict)]

        pages = by_keyset(read, size=self.page_size, key=_numeric_id, guard=self._guard("orders"))
        for page in pages:
            for raw in page:
                if raw.get("status_id") == 0:
                    continue
                if raw.get("is_deleted") is True:
                    log.info("BigCommerce order %s is archived; not sent", raw.get("id"))
                    continue
                try:
                    modified: datetime | None = parse_rfc2822(raw.get("date_modified"))
                except ValueError:
                    modified = None  # BigCommerce's own filter let it in; it is read below
                if modified is not None and not window.holds(modified):
                    log.warning("BigCommerce ignored the date filter; left out %s", raw.get("id"))
                    continue
                yield self._complete(raw)

    def status_labels(self) -> dict[str, str]:
        """The merchant's own name for each order status (``/v2/order_statuses``), by the
        system name ``StoreOrder.status`` carries: for display, never for rules."""
        listed = self._json("GET", "/v2/order_statuses", scope="Orders: read-only")
        labels: dict[str, str] = {}
        for status in listed if isinstance(listed, list) else ():
            if not isinstance(status, dict):
                continue
            known = status.get("id")
            name = SYSTEM_STATUSES.get(known, "") if isinstance(known, int) else ""
            name = name or str(status.get("name") or "")
            if name:
                labels[name] = str(status.get("custom_label") or name)
        return labels

    def status_choices(self) -> tuple[StatusChoice, ...]:
        """Every order status, its merchant's label shown, its system name chosen (rules go
        by the id, so a renamed status is still what it was)."""
        return tuple(
            StatusChoice(name.lower(), label) for name, label in self.status_labels().items()
        )

    def ready_to_send(self, order: StoreOrder) -> StoreOrder:
        """A listed order has all that sending it needs already."""
        return order

    def get_order(self, order_id: str) -> StoreOrder:
        raw = self._json("GET", f"/v2/orders/{_order_path_id(order_id)}", params=_INCLUDE)
        if not isinstance(raw, dict):
            raise garbled(SERVICE)
        return self._complete(raw)

    def list_fulfillments(self, order_id: str) -> list[StoreFulfillment]:
        """The order's shipments; none, without reading them, when a fresh snapshot of its
        page of orders shows nothing of it shipped (``bigcommerce_shipping``)."""
        path_id = _order_path_id(order_id)
        state = self._shipping.get(int(path_id))
        if state is not None and not state.shipped_anything:
            return []
        path = f"/v2/orders/{path_id}/shipments"
        return [parse_fulfillment(raw) for raw in self._all_pages(path)]

    def create_fulfillment(
        self,
        order_id: str,
        lines: Sequence[FulfillmentLine],
        tracking: Tracking,
        notify: bool = True,
    ) -> StoreFulfillment:
        """One shipment for exactly ``lines``; BigCommerce emails per the store's settings."""
        path_id = _order_path_id(order_id)
        if not lines:
            raise Rejected(
                f"There is nothing to ship on BigCommerce order {path_id}; no lines were given.",
                service=SERVICE,
            )
        if len(tracking.number) > MAX_TRACKING_NUMBER:
            raise Rejected(
                f"The tracking number for BigCommerce order {path_id} is longer than the "
                f"{MAX_TRACKING_NUMBER} characters BigCommerce accepts; correct it in Order "
                "Desk and the shipment will be sent again.",
                service=SERVICE,
            )
        if not notify:
            log.info("BigCommerce emails customers per the store's settings; notify is ignored")
        provider = shipping_provider(tracking.carrier)
        carrier = tracking_carrier(tracking.carrier)
        link = "" if provider or carrier else tracking.url
        if len(link) > MAX_TRACKING_LINK:
            # The spec caps tracking_link at 500 characters; the number still reaches the
            # customer, and a link cut short would lead nowhere.
            log.warning(
                "The tracking link for BigCommerce order %s is longer than %d characters; "
                "the shipment is sent without it",
                path_id,
                MAX_TRACKING_LINK,
            )
            link = ""
        body = {
            "order_address_id": self._address_id(path_id, lines),
            "tracking_number": tracking.number,
            "shipping_provider": provider,
            # AfterShip's slug, for carriers BigCommerce has no provider of its own for.
            "tracking_carrier": "" if provider else carrier,
            # A known provider or carrier gets its own tracking page; otherwise ours.
            "tracking_link": link,
            "items": [
                {"order_product_id": _line_id(line.line_id), "quantity": line.quantity}
                for line in lines
            ],
        }
        try:
            created = self._json("POST", f"/v2/orders/{path_id}/shipments", body=body)
        finally:
            self._shipping.forget(int(path_id))
        if not isinstance(created, dict):
            raise garbled(SERVICE, write=True)
        return parse_fulfillment(created)

    def add_tracking(
        self, order_id: str, fulfillment: StoreFulfillment, tracking: Tracking
    ) -> StoreFulfillment:
        raise Rejected(
            "BigCommerce keeps one tracking number per shipment, so another number cannot be "
            f"added to shipment {fulfillment.id}; add it by hand in the BigCommerce control panel.",
            service=SERVICE,
        )

    def close(self) -> None:
        self._http.close()

    # -- internals -------------------------------------------------------------------------

    def _complete(self, raw: dict[str, Any]) -> StoreOrder:
        """The order with its products and shipping addresses: from ``include=consignments``
        when the answer holds them, else from the two sub-resources (every page of each)."""
        order_id = _order_path_id(str(raw.get("id", "")))
        products = order_lines(raw)
        addresses = order_addresses(raw)
        if products is None or addresses is None:
            products = self._all_pages(f"/v2/orders/{order_id}/products")
            addresses = self._all_pages(f"/v2/orders/{order_id}/shipping_addresses")
        # Well-formed JSON with values that make no sense reads the same next time: this one
        # order is listed with a reason rather than stop the scan (and every order after it).
        return read_order(
            lambda: parse_order(raw, products, addresses),
            service=SERVICE,
            where="the BigCommerce control panel",
            order_id=order_id,
            number=order_id,
            dates=(raw.get("date_created"), raw.get("date_modified")),
            read_date=parse_rfc2822,
        )

    def _probe_write(self) -> None:
        response = self._http.request(
            "PUT", "/v2/orders/0/shipments/0", json={}, idempotent=True, expect_json=False
        )
        if response.status_code in (401, 403):
            _raise_for_status(response, "Orders: modify")

    def _address_id(self, order_id: str, lines: Sequence[FulfillmentLine]) -> int:
        state = self._shipping.peek(int(order_id))
        if state is not None and state.addresses:
            wanted = {state.line_addresses.get(_line_id(line.line_id)) for line in lines}
            if len(state.addresses) == 1:
                return state.addresses[0]
            if len(wanted) == 1 and None not in wanted:
                return int(next(iter(wanted)))  # type: ignore[arg-type]
        addresses = self._all_pages(f"/v2/orders/{order_id}/shipping_addresses")
        ids = [raw["id"] for raw in addresses if isinstance(raw, dict) and "id" in raw]
        if not ids:
            raise Rejected(
                f"BigCommerce order {order_id} has no shipping address, so it cannot be "
                "shipped; check the order in the BigCommerce control panel.",
                service=SERVICE,
            )
        if len(ids) == 1:
            return int(ids[0])
        # Multi-address order: the lines' own order_address_id says where they go.
        wanted = {_line_id(line.line_id) for line in lines}
        products = self._all_pages(f"/v2/orders/{order_id}/products")
        used = {p.get("order_address_id") for p in products if p.get("id") in wanted}
        address = used.pop() if len(used) == 1 else None
        if not isinstance(address, int):
            raise Rejected(
                f"The shipment for BigCommerce order {order_id} holds items for different "
                "shipping addresses; split it in Order Desk so each shipment goes to one address.",
                service=SERVICE,
            )
        return address

    def _orders_from(self, first_id: int) -> list[Any]:
        """A page of orders from ``first_id`` on, with their lines and addresses."""
        params = {"min_id": first_id, "sort": "id", "limit": self.page_size, **_INCLUDE}
        return self._list("/v2/orders", params)

    def _pace(self, response: httpx.Response) -> float | None:
        """Hold off until the window resets when the store's quota is nearly spent."""
        left = _header_number(response, "X-Rate-Limit-Requests-Left")
        reset_ms = _header_number(response, "X-Rate-Limit-Time-Reset-Ms")
        if left is None or reset_ms is None or left > self.rate_reserve:
            return None
        return reset_ms / 1000.0

    def _all_pages(self, path: str) -> list[dict[str, Any]]:
        """Every page of a sub-resource (``paging.by_number``)."""
        pages = by_number(
            lambda page: [
                raw
                for raw in self._list(path, {"limit": self.page_size, "page": page})
                if isinstance(raw, dict)
            ],
            size=self.page_size,
            guard=self._guard(path.rsplit("/", 1)[-1].replace("_", " ")),
            fingerprint=lambda batch: tuple(raw.get("id") for raw in batch),
        )
        return [raw for page in pages for raw in page]

    def _guard(self, what: str) -> PageGuard:
        return PageGuard(SERVICE, what, _REPEATED_HINT)

    def _list(self, path: str, params: dict[str, Any]) -> list[Any]:
        """A collection; BigCommerce answers 204 with no body when it is empty."""
        response = self._get(path, params)
        if response.status_code == 204 or not response.content:
            return []
        return list(read_json(response, SERVICE, shape=list))

    def _get(self, path: str, params: dict[str, Any], *, scope: str = "") -> httpx.Response:
        response = self._http.request("GET", path, params=params, idempotent=True, expect_json=True)
        _raise_for_status(response, scope)
        return response

    def _json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        scope: str = "Orders: modify",
    ) -> Any:
        reading = method == "GET"
        response = self._http.request(
            method, path, params=params, json=body, idempotent=reading, expect_json=reading
        )
        _raise_for_status(response, scope)
        return read_json(response, SERVICE, write=not reading)


def from_credentials(url: str, key: str, secret: str, **options: Any) -> BigCommerceConnector:
    """The connector from a profile's store settings: ``url`` is the store (any form that
    ``store_api_url`` accepts) and ``key`` the API account's access token. ``secret`` is
    unused: a store-level API account authenticates with its access token alone (its client
    id and secret are for apps that use OAuth)."""
    del secret
    return BigCommerceConnector(url, key, **options)


_REFUSALS = Refusals(
    SERVICE,
    {
        401: Refusal(AuthError, f"BigCommerce refused the access token; {_ACCOUNT_HINT}."),
        403: Refusal(
            AuthError,
            "BigCommerce refused access: the API account lacks the {scope} scope or belongs "
            f"to another store; {_ACCOUNT_HINT}.",
        ),
    },
    other=Refusal(Rejected, "BigCommerce refused the request: {reason}"),
)


def _raise_for_status(response: httpx.Response, scope: str = "") -> None:
    reason = error_message(response.content) or f"HTTP {response.status_code}"
    refuse(_REFUSALS, response.status_code, scope=scope or "Orders: modify", reason=reason)


def _retry_after(response: httpx.Response) -> float | None:
    """After a 429, the longer of ``X-Retry-After`` (s) and ``X-Rate-Limit-Time-Reset-Ms``."""
    waits = [
        header_seconds(response, "X-Retry-After"),
        _ms_to_s(_header_number(response, "X-Rate-Limit-Time-Reset-Ms")),
    ]
    known = [wait for wait in waits if wait is not None]
    return max(known) if known else None


def _ms_to_s(value: float | None) -> float | None:
    return None if value is None else value / 1000.0


def _header_number(response: httpx.Response, name: str) -> float | None:
    try:
        return float(response.headers[name])
    except (KeyError, ValueError):
        return None


def _numeric_id(raw: dict[str, Any]) -> int:
    value = raw.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _order_path_id(order_id: str) -> str:
    text = str(order_id).strip()
    if not text.isdigit():
        raise Rejected(f"'{text}' is not a BigCommerce order number.", service=SERVICE)
    return text


def _line_id(line_id: str) -> int:
    text = str(line_id).strip()
    if not text.isdigit():
        raise Rejected(f"'{text}' is not a BigCommerce order line id.", service=SERVICE)
    return int(text)

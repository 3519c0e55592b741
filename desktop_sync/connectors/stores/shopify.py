"""The Shopify store connector: orders and fulfillments over the GraphQL Admin API."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

import httpx

from desktop_sync.connectors import waits
from desktop_sync.connectors.errors import AuthError, Rejected, Transient
from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import (
    Capabilities,
    FulfillmentLine,
    StoreFulfillment,
    StoreIdentity,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.shopify_fulfillment import (
    plan_fulfillment,
    tracking_input,
    tracking_update_input,
)
from desktop_sync.connectors.stores.shopify_parsing import (
    format_datetime,
    order_number,
    parse_fulfillment,
    parse_order,
)
from desktop_sync.connectors.stores.shopify_queries import (
    FULFILLMENT_CREATE,
    FULFILLMENT_LINE_ITEMS,
    FULFILLMENT_ORDER_LINE_ITEMS,
    FULFILLMENT_ORDERS,
    FULFILLMENTS,
    ORDER,
    ORDER_LINE_ITEMS,
    ORDERS,
    TRACKING_UPDATE,
    VERIFY,
)
from desktop_sync.connectors.stores.shopify_transport import (
    SERVICE,
    SHOPIFY_API_VERSION,
    QueryTooCostly,
    ShopifyGraphQL,
    shop_url,
)

__all__ = [
    "REQUIRED_SCOPES",
    "SHOPIFY_API_VERSION",
    "ShopifyConnector",
    "from_credentials",
    "shop_url",
]

REQUIRED_SCOPES = (
    "read_orders",
    "read_merchant_managed_fulfillment_orders",
    "write_merchant_managed_fulfillment_orders",
)
# ORDERS costs about 2 + 264 x first points (50 line items per order); three orders stay
# under Shopify's 1,000-point cap. A "MAX_COST_EXCEEDED" answer shrinks the page further.
DEFAULT_PAGE_SIZE = 3
MAX_PAGE_SIZE = 250


class ShopifyConnector:
    """A Shopify store, reached with an Admin API access token.

    The token is either a static one pasted by the merchant (an admin-created custom app,
    ``shpat_…``), or one this connector gets itself from the app's client ID and secret (a Dev
    Dashboard app, the client-credentials grant); that token lasts 24 hours and is renewed
    five minutes before it runs out, and once on a 401, without asking the merchant.

    Shopify ships *fulfillment orders* (one per location), so one shipment may become one
    fulfillment per location; only the first of them emails the customer, so a shipment sends
    one email, as on the other platforms.
    """

    platform = "shopify"
    display_name = "Shopify"
    capabilities = Capabilities(
        per_line_fulfillments=True,
        tracking_url=True,
        multiple_tracking_numbers=True,
        notify_flag=True,
    )

    def __init__(
        self,
        shop: str,
        *,
        access_token: str = "",
        client_id: str = "",
        client_secret: str = "",
        page_size: int | None = None,
        api_version: str = SHOPIFY_API_VERSION,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = waits.sleep,
        clock: Callable[[], float] = time.monotonic,
        backoff: Backoff | None = None,
    ) -> None:
        if page_size is not None and not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError("page_size must be between 1 and 250 (the API's maximum)")
        self.page_size = page_size or DEFAULT_PAGE_SIZE
        self.graphql = ShopifyGraphQL(
            shop,
            access_token=access_token,
            client_id=client_id,
            client_secret=client_secret,
            api_version=api_version,
            timeout=timeout,
            transport=transport,
            sleep=sleep,
            clock=clock,
            backoff=backoff,
        )
        self.shop_url = self.graphql.shop_url

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        self.graphql.close()

    def __enter__(self) -> ShopifyConnector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- StoreConnector ------------------------------------------------------------------

    def verify(self) -> StoreIdentity:
        """The shop's name, currency and time zone; ``AuthError`` naming any missing scope."""
        data = self.graphql.run(VERIFY)
        shop = data.get("shop")
        if not isinstance(shop, Mapping):
            raise Transient(
                "Shopify answered without the shop's details; try Verify Connection again.",
                service=SERVICE,
            )
        installation = data.get("currentAppInstallation") or {}
        granted = {
            str(s.get("handle"))
            for s in installation.get("accessScopes") or ()
            if isinstance(s, Mapping)
        }
        # A write scope includes its read scope.
        granted |= {"read_" + h.removeprefix("write_") for h in granted if h.startswith("write_")}
        missing = [scope for scope in REQUIRED_SCOPES if scope not in granted]
        if missing:
            raise AuthError(
                f"The Shopify app is missing the permission {', '.join(missing)}; add it to the "
                "app's Admin API scopes (Dev Dashboard › your app › Versions, or Settings › Apps "
                "› Develop apps › Configuration), release or save, and install the update.",
                service=SERVICE,
            )
        domain = str(shop.get("myshopifyDomain") or "")
        return StoreIdentity(
            name=str(shop.get("name") or domain),
            url=f"https://{domain}" if domain else self.shop_url,
            currency=str(shop.get("currencyCode") or ""),
            timezone=str(shop.get("ianaTimezone") or ""),
        )

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        """Orders updated in [since, until], oldest change first, by ``updatedAt`` cursor.

        Shopify keeps times to the second, so the search runs from ``since``'s second to the
        second after ``until``'s; each order is then checked against the window itself.
        """
        low = since.replace(microsecond=0)
        high = until.replace(microsecond=0) + timedelta(seconds=1) if until else None
        query = f"updated_at:>='{format_datetime(low)}'"
        if high is not None:
            query += f" AND updated_at:<'{format_datetime(high)}'"
        after: str | None = None
        while True:
            try:
                data = self.graphql.run(
                    ORDERS, {"first": self.page_size, "after": after, "q": query}
                )
            except QueryTooCostly as exc:
                self._shrink_page(exc)
                continue
            connection = _mapping(data.get("orders"), "orders")
            for node in connection.get("nodes") or ():
                order = self._complete_order(node)
                if order.updated_at >= low and (high is None or order.updated_at < high):
                    yield order
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage") or not page.get("endCursor"):
                return
            after = str(page["endCursor"])

    def get_order(self, order_id: str) -> StoreOrder:
        data = self.graphql.run(ORDER, {"id": _order_gid(order_id)})
        node = data.get("order")
        if not isinstance(node, Mapping):
            raise Rejected(_no_order(order_id), service=SERVICE)
        return self._complete_order(node)

    def list_fulfillments(self, order_id: str) -> list[StoreFulfillment]:
        """The order's fulfillments that still stand (cancelled ones are left out)."""
        _, nodes = self._fulfillment_nodes(order_id)
        return [parse_fulfillment(node, order_id, lines) for node, lines in nodes]

    def create_fulfillment(
        self,
        order_id: str,
        lines: Sequence[FulfillmentLine],
        tracking: Tracking,
        notify: bool = True,
    ) -> StoreFulfillment:
        """Fulfil exactly ``lines``: one ``fulfillmentCreate`` per location, never more than a
        fulfillment order line has left. Nothing is sent unless every line can be covered."""
        name, fulfillment_orders = self._fulfillment_orders(order_id)
        plan = plan_fulfillment(name, fulfillment_orders, lines)
        created: list[Mapping[str, Any]] = []
        for index, (location, groups) in enumerate(plan.by_location.items()):
            payload = {
                "notifyCustomer": notify and index == 0,
                "trackingInfo": tracking_input(tracking),
                "lineItemsByFulfillmentOrder": groups,
            }
            try:
                data = self.graphql.run(FULFILLMENT_CREATE, {"fulfillment": payload}, write=True)
                created.append(_mutation_result(data, "fulfillmentCreate"))
            except Rejected as exc:
                if not created:
                    raise
                raise Rejected(
                    f"Shopify fulfilled part of order #{name} but refused the items at "
                    f"{plan.location_names.get(location, 'another location')} "
                    f"({exc.reason.rstrip('.')}); fulfil those in Shopify admin.",
                    service=SERVICE,
                ) from exc
        return StoreFulfillment(
            id=str(created[0]["id"]),
            order_id=order_id,
            tracking_numbers=(tracking.number,),
            lines=plan.lines,
        )

    def add_tracking(
        self, order_id: str, fulfillment: StoreFulfillment, tracking: Tracking
    ) -> StoreFulfillment:
        """Another tracking number on ``fulfillment`` (and on its twins at other locations),
        keeping the numbers it has; the customer gets Shopify's shipping-update email."""
        name, nodes = self._fulfillment_nodes(order_id)
        target = next(((n, ls) for n, ls in nodes if str(n["id"]) == fulfillment.id), None)
        if target is None:
            raise Rejected(
                f"Shopify order #{name} no longer has the fulfillment this shipment was "
                "recorded against, so the tracking number was not added.",
                service=SERVICE,
            )
        current = parse_fulfillment(target[0], order_id, target[1])
        if tracking.number in current.tracking_numbers:
            return current
        twins = [
            n
            for n, ls in nodes
            if n is not target[0]
            and current.tracking_numbers
            and parse_fulfillment(n, order_id, ls).tracking_numbers == current.tracking_numbers
        ]
        updated: Mapping[str, Any] = target[0]
        for index, node in enumerate([target[0], *twins]):
            variables = {
                "fulfillmentId": str(node["id"]),
                "trackingInfoInput": tracking_update_input(node.get("trackingInfo"), tracking),
                "notifyCustomer": index == 0,
            }
            data = self.graphql.run(TRACKING_UPDATE, variables, write=True)
            result = _mutation_result(data, "fulfillmentTrackingInfoUpdate")
            if index == 0:
                updated = result
        return parse_fulfillment(updated, order_id, target[1])

    # -- reads ---------------------------------------------------------------------------

    def _shrink_page(self, exc: QueryTooCostly) -> None:
        if self.page_size <= 1:
            raise Rejected(
                "Shopify refused to list even one order at a time as too costly; "
                "please report this to support.",
                service=SERVICE,
            ) from exc
        per_order = max(1.0, (exc.cost - 2) / self.page_size)
        fitting = int((exc.limit * 0.9 - 2) / per_order)
        self.page_size = max(1, min(self.page_size - 1, fitting))

    def _complete_order(self, node: Mapping[str, Any]) -> StoreOrder:
        """The order with every page of its line items (50 come with the order)."""
        connection = node.get("lineItems") or {}
        lines = list(connection.get("nodes") or ())
        lines += self._rest_of(
            ORDER_LINE_ITEMS, str(node["id"]), "order", "lineItems", connection.get("pageInfo")
        )
        return parse_order(node, lines)

    def _rest_of(
        self, document: str, owner_id: str, owner: str, field: str, page_info: Any
    ) -> list[Mapping[str, Any]]:
        """Follow-up pages of a nested connection, read through its owner's root field."""
        found: list[Mapping[str, Any]] = []
        page = page_info if isinstance(page_info, Mapping) else {}
        while page.get("hasNextPage") and page.get("endCursor"):
            data = self.graphql.run(document, {"id": owner_id, "after": page["endCursor"]})
            connection = _mapping(_mapping(data.get(owner), owner).get(field), field)
            found.extend(connection.get("nodes") or ())
            page = connection.get("pageInfo") or {}
        return found

    def _fulfillment_orders(self, order_id: str) -> tuple[str, list[dict[str, Any]]]:
        """The order's name and fulfillment orders, each with all of its line items."""
        gid = _order_gid(order_id)
        name, found, after = order_id, [], None
        while True:
            data = self.graphql.run(FULFILLMENT_ORDERS, {"id": gid, "after": after})
            order = data.get("order")
            if not isinstance(order, Mapping):
                raise Rejected(_no_order(order_id), service=SERVICE)
            name = order_number(order.get("name")) or order_id
            connection = _mapping(order.get("fulfillmentOrders"), "fulfillmentOrders")
            for node in connection.get("nodes") or ():
                items = node.get("lineItems") or {}
                lines = list(items.get("nodes") or ())
                lines += self._rest_of(
                    FULFILLMENT_ORDER_LINE_ITEMS,
                    str(node["id"]),
                    "fulfillmentOrder",
                    "lineItems",
                    items.get("pageInfo"),
                )
                found.append(dict(node, lineItems={"nodes": lines}))
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage") or not page.get("endCursor"):
                return name, found
            after = page["endCursor"]

    def _fulfillment_nodes(
        self, order_id: str
    ) -> tuple[str, list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]]:
        """The order's name and its standing fulfillments, each with all its line items."""
        data = self.graphql.run(FULFILLMENTS, {"id": _order_gid(order_id)})
        order = data.get("order")
        if not isinstance(order, Mapping):
            raise Rejected(_no_order(order_id), service=SERVICE)
        out = []
        for node in order.get("fulfillments") or ():
            if str(node.get("status", "")).upper() == "CANCELLED":
                continue
            items = node.get("fulfillmentLineItems") or {}
            lines = list(items.get("nodes") or ())
            lines += self._rest_of(
                FULFILLMENT_LINE_ITEMS,
                str(node["id"]),
                "fulfillment",
                "fulfillmentLineItems",
                items.get("pageInfo"),
            )
            out.append((node, lines))
        return order_number(order.get("name")) or order_id, out


def from_credentials(url: str, key: str, secret: str, **options: Any) -> ShopifyConnector:
    """The connector from a profile's store settings; ``url`` is the shop (any form that
    ``shop_url`` accepts).

    With an empty ``secret``, ``key`` is an Admin API access token (``shpat_…``, from an
    admin-created custom app). With a ``secret``, ``key`` is a Dev Dashboard app's client ID
    and ``secret`` its client secret (``shpss_…``): the connector then gets and renews its own
    24-hour tokens through the client-credentials grant.
    """
    if secret.strip():
        return ShopifyConnector(url, client_id=key, client_secret=secret, **options)
    return ShopifyConnector(url, access_token=key, **options)


def _order_gid(order_id: str) -> str:
    """A GID, also from the numeric id a merchant sees in an admin address."""
    text = str(order_id).strip()
    return f"gid://shopify/Order/{text}" if text.isdigit() else text


def _no_order(order_id: str) -> str:
    return f"Shopify has no order {order_id} any more; it may have been deleted."


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Transient(
            f"Shopify answered without the {what} asked for; the sync will try again shortly.",
            service=SERVICE,
        )
    return value


def _mutation_result(data: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    """The mutation's ``fulfillment``; its ``userErrors`` become ``Rejected`` in their words."""
    payload = _mapping(data.get(field), field)
    errors = [e for e in payload.get("userErrors") or () if isinstance(e, Mapping)]
    if errors:
        text = "; ".join(str(e.get("message", "")).strip().rstrip(".") for e in errors)
        raise Rejected(f"Shopify refused the fulfillment: {text}.", service=SERVICE)
    return _mapping(payload.get("fulfillment"), "fulfillment")

"""The Shopify store connector: orders and fulfillments over the GraphQL Admin API."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from desktop_sync.connectors.errors import AuthError, ConnectorError, Rejected, Transient
from desktop_sync.connectors.stores.base import (
    Capabilities,
    FulfillmentLine,
    StatusChoice,
    StoreFulfillment,
    StoreIdentity,
    StoreOrder,
    Tracking,
)
from desktop_sync.connectors.stores.http import PRODUCT_HTTP, HttpSettings
from desktop_sync.connectors.stores.paging import CursorPage, by_cursor
from desktop_sync.connectors.stores.shopify_answers import (
    mutation_result,
    order_gid,
    page_guard,
    redacted,
    required,
)
from desktop_sync.connectors.stores.shopify_errors import (
    PLATFORM,
    access_denied_sentence,
    missing_scopes_sentence,
    redacted_sentence,
)
from desktop_sync.connectors.stores.shopify_fulfillment import (
    plan_fulfillment,
    tracking_input,
    tracking_update_input,
)
from desktop_sync.connectors.stores.shopify_parsing import (
    format_datetime,
    order_number,
    parse_datetime,
    parse_fulfillment,
    parse_order,
)
from desktop_sync.connectors.stores.shopify_queries import (
    FULFILLMENT_CREATE,
    IDENTIFY,
    ORDER,
    ORDER_LINE_ITEMS,
    ORDERS,
    SCOPES,
    TRACKING_UPDATE,
    VERIFY,
)
from desktop_sync.connectors.stores.shopify_reads import (
    fulfillment_orders,
    rest_of,
    standing_fulfillments,
)
from desktop_sync.connectors.stores.shopify_scopes import (
    ALL_ORDERS_SCOPE,
    RECENT_ORDER_DAYS,
    REQUIRED_SCOPES,
    granted_scopes_of,
    history_limit_sentence,
    no_order_sentence,
    reaches_past_recent_orders,
)
from desktop_sync.connectors.stores.shopify_statuses import STATUS_CHOICES
from desktop_sync.connectors.stores.shopify_transport import (
    SERVICE,
    SHOPIFY_API_VERSION,
    QueryTooCostly,
    ShopifyGraphQL,
    shop_url,
)
from desktop_sync.connectors.stores.unreadable import read_order
from desktop_sync.connectors.stores.window import ScanWindow

__all__ = [
    "ALL_ORDERS_SCOPE",
    "RECENT_ORDER_DAYS",
    "REQUIRED_SCOPES",
    "SHOPIFY_API_VERSION",
    "ShopifyConnector",
    "from_credentials",
    "shop_url",
]

log = logging.getLogger(__name__)

# ORDERS costs about 2 + 280 x first points (20 line items per order); three orders stay
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

    platform = PLATFORM
    display_name = SERVICE
    capabilities = Capabilities(multiple_tracking_numbers=True)

    def __init__(
        self,
        shop: str,
        *,
        access_token: str = "",
        client_id: str = "",
        client_secret: str = "",
        page_size: int | None = None,
        api_version: str = SHOPIFY_API_VERSION,
        http: HttpSettings = PRODUCT_HTTP,
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
            http=http,
        )
        self.shop_url = self.graphql.shop_url
        self._granted: frozenset[str] | None = None
        self._history_warned = False

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
        """The shop's name, currency and time zone; ``AuthError`` naming any missing scope,
        or the protected customer data Shopify withholds from the app (read from the newest
        order, when there is one)."""
        denied: list[Mapping[str, Any]] = []
        data = self.graphql.run(VERIFY, denied=denied)
        shop = data.get("shop")
        if not isinstance(shop, Mapping):
            raise Transient(
                "Shopify answered without the shop's details; try Verify Connection again.",
                service=SERVICE,
            )
        granted = self._note_scopes(data)
        missing = [scope for scope in REQUIRED_SCOPES if scope not in granted]
        if missing:
            raise AuthError(missing_scopes_sentence(missing), service=SERVICE)
        if denied:
            raise AuthError(access_denied_sentence(denied), service=SERVICE)
        newest = ((data.get("orders") or {}).get("nodes") or [None])[0]
        if isinstance(newest, Mapping) and redacted(newest.get("shippingAddress")):
            raise AuthError(redacted_sentence(), service=SERVICE)
        return _identity_of(shop, self.shop_url)

    def identify(self) -> StoreIdentity:
        """The shop's ``id`` (its permanent id, whatever its domains) and name."""
        shop = self.graphql.run(IDENTIFY).get("shop")
        if not isinstance(shop, Mapping):
            raise Transient("Shopify answered without the shop's details.", service=SERVICE)
        return _identity_of(shop, self.shop_url)

    def granted_scopes(self) -> frozenset[str]:
        """The access scopes the shop granted this app (a write scope counts as its read
        scope too); read from Shopify once, and again after ``verify()``."""
        if self._granted is None:
            self._note_scopes(self.graphql.run(SCOPES))
        return self._granted or frozenset()

    def backfill_notice(self, since: datetime, *, now: datetime | None = None) -> str:
        """What a merchant should hear before a backfill from ``since``: "" when Shopify will
        show every order, else one sentence on the 60-day limit and ``read_all_orders``.

        Shopify shows an app the orders created in the last 60 days only, unless the app has
        the ``read_all_orders`` scope (which a Dev Dashboard app requests under its API access
        settings); older orders are left out of every listing without a word.
        """
        moment = now or datetime.now(UTC)
        if not reaches_past_recent_orders(since, moment):
            return ""
        if ALL_ORDERS_SCOPE in self.granted_scopes():
            return ""
        return history_limit_sentence(moment)

    def iter_orders(self, since: datetime, until: datetime | None = None) -> Iterator[StoreOrder]:
        """Orders updated in [since, until], oldest change first, by ``updatedAt`` cursor.

        Shopify keeps times to the second, so the search runs from ``since``'s second to the
        second after ``until``'s; each order is then checked against the window itself. A
        window reaching back past Shopify's 60 days without ``read_all_orders`` is logged
        once (``backfill_notice`` says it before a backfill). A cursor that does not move on
        stops the scan with ``Rejected`` instead of paging for ever.
        """
        self._warn_history(since)
        window = ScanWindow.of(since, until)
        query = f"updated_at:>='{format_datetime(window.since)}'"
        if window.after_until is not None:
            query += f" AND updated_at:<'{format_datetime(window.after_until)}'"

        def read(after: str | None) -> CursorPage:
            while True:
                try:
                    data = self.graphql.run(
                        ORDERS, {"first": self.page_size, "after": after, "q": query}
                    )
                except QueryTooCostly as exc:
                    self._shrink_page(exc)
                    continue
                return CursorPage.of(required(data.get("orders"), "orders"))

        for page in by_cursor(read, guard=page_guard("orders")):
            for node in page:
                order = self._complete_order(node)
                # Shopify's own filter let an unreadable order in; its dates may be none.
                if window.holds(order.updated_at) or order.problem:
                    yield order

    def status_choices(self) -> tuple[StatusChoice, ...]:
        """Shopify's payment and fulfilment states (its schema's; no request made)."""
        return STATUS_CHOICES

    def ready_to_send(self, order: StoreOrder) -> StoreOrder:
        """A listed order has all that sending it needs already."""
        return order

    def get_order(self, order_id: str) -> StoreOrder:
        data = self.graphql.run(ORDER, {"id": order_gid(order_id)})
        node = data.get("order")
        if not isinstance(node, Mapping):
            raise Rejected(self._no_order(order_id), service=SERVICE)
        return self._complete_order(node)

    def list_fulfillments(self, order_id: str) -> list[StoreFulfillment]:
        """The order's fulfillments that still stand (cancelled and failed ones, Shopify's
        ``CANCELLED``, ``ERROR`` and ``FAILURE``, are left out)."""
        _, nodes = standing_fulfillments(self.graphql, order_id, self._no_order)
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
        name, open_orders = fulfillment_orders(self.graphql, order_id, self._no_order)
        plan = plan_fulfillment(name, open_orders, lines)
        created: list[Mapping[str, Any]] = []
        for index, (location, groups) in enumerate(plan.by_location.items()):
            payload = {
                "notifyCustomer": notify and index == 0,
                "trackingInfo": tracking_input(tracking),
                "lineItemsByFulfillmentOrder": groups,
            }
            try:
                data = self.graphql.run(FULFILLMENT_CREATE, {"fulfillment": payload}, write=True)
                created.append(mutation_result(data, "fulfillmentCreate"))
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
        name, nodes = standing_fulfillments(self.graphql, order_id, self._no_order)
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
            result = mutation_result(data, "fulfillmentTrackingInfoUpdate")
            if index == 0:
                updated = result
        return parse_fulfillment(updated, order_id, target[1])

    # -- reads ---------------------------------------------------------------------------

    def _note_scopes(self, data: Mapping[str, Any]) -> frozenset[str]:
        self._granted = granted_scopes_of(data)
        return self._granted

    def _warn_history(self, since: datetime) -> None:
        # Only with the scopes already known (from verify()): a scan asks nothing extra.
        if self._history_warned or self._granted is None:
            return
        notice = self.backfill_notice(since)
        if notice:
            self._history_warned = True
            log.warning("%s", notice)

    def _no_order(self, order_id: str) -> str:
        """Why ``order(id:)`` came back null: deleted, or older than Shopify shows the app."""
        try:
            limited = ALL_ORDERS_SCOPE not in self.granted_scopes()
        except ConnectorError:
            limited = False
        return no_order_sentence(order_id, limited=limited)

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
        """The order with every page of its line items (20 come with the order).

        An address whose protected fields (name, street) are all empty while the rest is
        there was redacted by Shopify: no order can ship without them, so the sync stops
        with the reason rather than sending address-less orders one by one.
        """
        if redacted(node.get("shippingAddress")):
            raise AuthError(redacted_sentence(), service=SERVICE)
        connection = node.get("lineItems") or {}
        lines = list(connection.get("nodes") or ())
        lines += rest_of(
            self.graphql,
            ORDER_LINE_ITEMS,
            str(node["id"]),
            "order",
            "lineItems",
            connection.get("pageInfo"),
        )
        # Values that make no sense read the same next time: this one order is listed with
        # the reason rather than stop the scan, and every order after it.
        return read_order(
            lambda: parse_order(node, lines),
            service=SERVICE,
            where="Shopify admin",
            order_id=str(node["id"]),
            number=order_number(node.get("name")),
            dates=(node.get("createdAt"), node.get("updatedAt")),
            read_date=parse_datetime,
        )


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


def _identity_of(shop: Mapping[str, Any], shop_url: str) -> StoreIdentity:
    domain = str(shop.get("myshopifyDomain") or "")
    return StoreIdentity(
        name=str(shop.get("name") or domain),
        url=f"https://{domain}" if domain else shop_url,
        currency=str(shop.get("currencyCode") or ""),
        timezone=str(shop.get("ianaTimezone") or ""),
        own_id=str(shop.get("id") or "").strip(),
    )

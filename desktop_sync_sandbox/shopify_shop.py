"""The Shopify emulator's shop: orders, their fulfillment orders and fulfillments, as the
GraphQL Admin API shows them, and the shipping emails Shopify would send.

Not thread-safe by itself: the emulator holds its lock around every call.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from desktop_sync_sandbox.samples import SampleOrder
from desktop_sync_sandbox.shopify_graphql import GraphQLError
from desktop_sync_sandbox.shopify_money import OrderMoney, default_money
from desktop_sync_sandbox.shopify_shapes import (
    OPEN_STATES,
    FOLine,
    Fulfillment,
    FulfillmentOrder,
    LineItem,
    Order,
    SentEmail,
    cursor,
    fulfillment_order_source,
    fulfillment_source,
    gid,
    iso,
    order_source,
    page_size,
    uncursor,
)

__all__ = ["NOT_OPEN_ERROR", "QUANTITY_ERROR", "ShopifyShop"]

_SEARCH_TERM = re.compile(r"(\w+):(<=|>=|<|>)?\s*(?:'([^']*)'|\"([^\"]*)\"|(\S+))")
_BOUND_FIELDS = {"updated_at": "updated", "created_at": "created"}
_SORT_KEYS = {"UPDATED_AT": "updated", "CREATED_AT": "created", "ID": "number"}
QUANTITY_ERROR = "Invalid fulfillment order line item quantity requested."
NOT_OPEN_ERROR = "The fulfillment order is not in an open state."
RECENT_ORDERS = timedelta(days=60)
"""Without ``read_all_orders`` an app sees only orders created in the last 60 days."""


class ShopifyShop:
    """Orders of one shop; builds GraphQL source objects and applies the two mutations."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        currency: str = "USD",
        all_orders: Callable[[], bool] = lambda: False,
    ) -> None:
        self._now = now
        self._all_orders = all_orders
        self.currency = currency
        self.orders: dict[str, Order] = {}
        self.emails: list[SentEmail] = []
        self.locations = [(68_000_000_001, "Shop location"), (68_000_000_002, "Print warehouse")]
        self._counter = 5_600_000_000_000
        self._next_name = 1001

    def _take(self) -> int:
        self._counter += 1
        return self._counter

    def now(self) -> datetime:
        return self._now().astimezone(UTC).replace(microsecond=0)

    # -- the merchant's side --------------------------------------------------------------

    def add(
        self,
        sample: SampleOrder,
        *,
        split_locations: bool = False,
        money: OrderMoney | None = None,
        created: datetime | None = None,
    ) -> str:
        moment = self.now()
        cash = money or default_money(sample)
        items = [
            LineItem(
                self._take(),
                line,
                cash.line_discounts[i] if i < len(cash.line_discounts) else Decimal(0),
                cash.line_taxes[i] if i < len(cash.line_taxes) else Decimal(0),
                cash.ships(i),
            )
            for i, line in enumerate(sample.lines)
        ]
        by_location: dict[tuple[int, str], list[LineItem]] = {}
        for index, item in enumerate(items):
            location = self.locations[index % 2 if split_locations else 0]
            by_location.setdefault(location, []).append(item)
        fos = [
            FulfillmentOrder(
                self._take(),
                location,
                [FOLine(self._take(), i, i.line.quantity, i.line.quantity) for i in group],
            )
            for location, group in by_location.items()
        ]
        born = created.astimezone(UTC).replace(microsecond=0) if created else moment
        order = Order(
            self._take(), f"#{self._next_name}", sample, born, moment, items, fos, money=money
        )
        self._next_name += 1
        self.orders[order.id] = order
        return order.id

    def touch(self, order_id: str) -> None:
        self.orders[order_id].updated = self.now()

    # -- queries --------------------------------------------------------------------------

    def visible(self, order: Order) -> bool:
        """Shopify hides orders older than 60 days from apps without ``read_all_orders``."""
        return self._all_orders() or order.created >= self.now() - RECENT_ORDERS

    def order(self, order_id: str) -> dict[str, Any] | None:
        order = self.orders.get(order_id)
        if order is None or not self.visible(order):
            return None
        return order_source(order, self.currency)

    def fulfillment_order(self, fo_id: str) -> dict[str, Any] | None:
        found = self._find_fo(fo_id)
        return None if found is None else fulfillment_order_source(found[1], self.currency)

    def fulfillment(self, fulfillment_id: str) -> dict[str, Any] | None:
        for order in self.orders.values():
            for record in order.fulfillments:
                if gid("Fulfillment", record.number) == fulfillment_id:
                    return fulfillment_source(record, self.currency)
        return None

    def search(self, args: dict[str, Any]) -> dict[str, Any]:
        """``orders(first:, after:, query:, sortKey:, reverse:)``, keyset-paginated."""
        size = page_size(args, "orders")
        sort = _SORT_KEYS.get(str(args.get("sortKey") or "ID"))
        if sort is None:
            raise GraphQLError(f"Argument 'sortKey' has an invalid value ({args['sortKey']}).")
        reverse = bool(args.get("reverse"))

        def key(order: Order) -> tuple[str, int]:
            if sort == "number":
                return (str(order.number).rjust(20, "0"), order.number)
            moment: datetime = getattr(order, sort)
            return (iso(moment) or "", order.number)

        matching = sorted(
            (
                o
                for o in self.orders.values()
                if self.visible(o) and _matches(o, str(args.get("query") or ""))
            ),
            key=key,
            reverse=reverse,
        )
        if args.get("after"):
            mark = uncursor(str(args["after"]))
            last = (str(mark.get("last_value", "")), int(mark.get("last_id", 0)))
            matching = [o for o in matching if (key(o) < last if reverse else key(o) > last)]
        page = matching[:size]
        cursors = [cursor({"last_id": key(o)[1], "last_value": key(o)[0]}) for o in page]
        return {
            "pageInfo": {
                "hasNextPage": len(matching) > size,
                "hasPreviousPage": bool(args.get("after")),
                "endCursor": cursors[-1] if page else None,
                "startCursor": cursors[0] if page else None,
            },
            "nodes": [order_source(o, self.currency) for o in page],
            "edges": [
                {"cursor": c, "node": order_source(o, self.currency)}
                for c, o in zip(cursors, page, strict=True)
            ],
        }

    def fulfillment_create(self, fulfillment: dict[str, Any] | None) -> dict[str, Any]:
        """``fulfillmentCreate``: validates everything, then changes nothing or everything."""
        spec = fulfillment or {}
        groups = spec.get("lineItemsByFulfillmentOrder") or []
        tracking, tracking_error = _tracking(spec.get("trackingInfo"))
        if tracking_error:
            return _user_error(["fulfillment", "trackingInfo"], tracking_error)
        if not groups:
            return _user_error(
                ["fulfillment", "lineItemsByFulfillmentOrder"],
                "Line items by fulfillment order can't be blank.",
            )
        plan: list[tuple[FOLine, int]] = []
        owners: set[str] = set()
        locations: set[int] = set()
        for group in groups:
            found = self._find_fo(str(group.get("fulfillmentOrderId", "")))
            if found is None:
                raise GraphQLError("invalid id", "RESOURCE_NOT_FOUND")
            order, fo = found
            owners.add(order.id)
            locations.add(fo.location[0])
            if fo.status not in OPEN_STATES:
                return _user_error(["fulfillment"], NOT_OPEN_ERROR)
            wanted = group.get("fulfillmentOrderLineItems")
            if wanted is None:  # Shopify: leaving the items out fulfils everything remaining
                plan += [(fl, fl.remaining) for fl in fo.lines if fl.remaining > 0]
                continue
            for entry in wanted:
                fo_line = next(
                    (
                        candidate
                        for candidate in fo.lines
                        if gid("FulfillmentOrderLineItem", candidate.number) == entry.get("id")
                    ),
                    None,
                )
                quantity = int(entry.get("quantity") or 0)
                if fo_line is None or not 0 < quantity <= fo_line.remaining:
                    return _user_error(
                        ["fulfillment", "lineItemsByFulfillmentOrder"], QUANTITY_ERROR
                    )
                plan.append((fo_line, quantity))
        if len(locations) > 1 or len(owners) > 1:
            return _user_error(
                ["fulfillment", "lineItemsByFulfillmentOrder"],
                "All fulfillment orders must belong to the same order and location.",
            )
        if not plan:
            return _user_error(["fulfillment"], QUANTITY_ERROR)
        order = self.orders[owners.pop()]
        for fo_line, quantity in plan:
            fo_line.remaining -= quantity
        for fo in order.fulfillment_orders:
            if fo.status in OPEN_STATES:
                left = sum(fl.remaining for fl in fo.lines)
                fo.status = (
                    "CLOSED"
                    if left == 0
                    else ("IN_PROGRESS" if left < sum(fl.total for fl in fo.lines) else fo.status)
                )
        record = Fulfillment(
            self._take(),
            f"{order.name}.{len(order.fulfillments) + 1}",
            self.now(),
            tracking,
            [(self._take(), fo_line.item, q) for fo_line, q in plan],
        )
        order.fulfillments.append(record)
        order.updated = self.now()
        if spec.get("notifyCustomer"):
            self._email("Shipping confirmation", order, record)
        return {"fulfillment": fulfillment_source(record, self.currency), "userErrors": []}

    def tracking_update(
        self, fulfillment_id: Any, tracking_input: Any, notify: Any
    ) -> dict[str, Any]:
        """``fulfillmentTrackingInfoUpdate``: replaces the fulfillment's tracking info."""
        if not fulfillment_id:
            raise GraphQLError(
                "Variable $fulfillmentId of type ID! was provided invalid value", "INVALID_VARIABLE"
            )
        for order in self.orders.values():
            for record in order.fulfillments:
                if gid("Fulfillment", record.number) != fulfillment_id:
                    continue
                tracking, error = _tracking(tracking_input)
                if error:
                    return _user_error(["trackingInfoInput"], error)
                record.tracking = tracking
                order.updated = self.now()
                if notify:
                    self._email("Shipping update", order, record)
                return {"fulfillment": fulfillment_source(record, self.currency), "userErrors": []}
        raise GraphQLError("invalid id", "RESOURCE_NOT_FOUND")

    def _find_fo(self, fo_id: str) -> tuple[Order, FulfillmentOrder] | None:
        for order in self.orders.values():
            for fo in order.fulfillment_orders:
                if gid("FulfillmentOrder", fo.number) == fo_id:
                    return order, fo
        return None

    def _email(self, kind: str, order: Order, record: Fulfillment) -> None:
        numbers = tuple(str(t["number"]) for t in record.tracking if t.get("number"))
        self.emails.append(SentEmail(kind, order.id, order.sample.customer.email, numbers))


def _user_error(path: list[str] | None, message: str) -> dict[str, Any]:
    return {"fulfillment": None, "userErrors": [{"field": path, "message": message}]}


def _tracking(spec: Any) -> tuple[list[dict[str, str | None]], str]:
    """FulfillmentTrackingInput as a list of {company, number, url}, or an error message."""
    if not spec:
        return [], ""
    if ("number" in spec and "numbers" in spec) or ("url" in spec and "urls" in spec):
        return [], "Specify either a single tracking number and url or lists of them, not both."
    numbers = spec.get("numbers") or ([spec["number"]] if spec.get("number") else [])
    urls = spec.get("urls") or ([spec["url"]] if spec.get("url") else [])
    if urls and not numbers:
        return [], "A tracking url needs a tracking number."
    company = spec.get("company")
    return [
        {"company": company, "number": str(n), "url": urls[i] if i < len(urls) else None}
        for i, n in enumerate(numbers)
    ], ""


def _matches(order: Order, query: str) -> bool:
    """The ``updated_at`` / ``created_at`` bounds of a search query; other terms are ignored."""
    for match in _SEARCH_TERM.finditer(query):
        name, op = match.group(1), match.group(2) or ":"
        attribute = _BOUND_FIELDS.get(name)
        if attribute is None:
            continue
        raw = match.group(3) or match.group(4) or match.group(5) or ""
        try:
            bound = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as exc:
            raise GraphQLError(f"Invalid date in search query: {raw}") from exc
        if bound.tzinfo is None:
            bound = bound.replace(tzinfo=UTC)
        value: datetime = getattr(order, attribute)
        ok = {
            ">=": value >= bound,
            ">": value > bound,
            "<=": value <= bound,
            "<": value < bound,
            ":": value == bound,
        }[op]
        if not ok:
            return False
    return True

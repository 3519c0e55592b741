"""A local BigCommerce store (REST Management API v2 for orders) for demo mode and tests."""

from __future__ import annotations

import copy
import math
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from desktop_sync_sandbox.bigcommerce_shapes import (
    INFO_SCOPE,
    NO_CHARGES,
    NOT_FOUND,
    ORDERS_READ_SCOPE,
    ORDERS_SCOPE,
    SORTABLE,
    STATUS_LABELS,
    TRACKING_FIELDS,
    Charges,
    address_data,
    collection,
    consignments_data,
    fee_data,
    order_counts,
    order_data,
    order_statuses,
    outside_bounds,
    page_of,
    parse_filter_date,
    product_data,
    refused_tracking,
    rfc2822,
    set_tracking,
    shipment_data,
    store_data,
    v2_error,
    wanted_items,
)
from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from desktop_sync_sandbox.server import Emulator, Fault, Request, Response, json_response

__all__ = ["STATUS_LABELS", "BigCommerceEmulator"]


@dataclass
class _Order:
    data: dict[str, Any]
    created: datetime
    modified: datetime
    products: list[dict[str, Any]]
    address: dict[str, Any]
    shipments: list[dict[str, Any]] = field(default_factory=list)
    charges: Charges = NO_CHARGES


class BigCommerceEmulator(Emulator):
    """``/stores/{hash}/v2/...`` as the BigCommerce docs describe it, with sample orders.

    Durations in the rate-limit headers are real milliseconds (``ScaledClock.to_real``), so a
    client that waits as told waits the right amount when ``time_scale`` speeds the window up.
    ``scopes`` may be narrowed by a test to see the 403s of a badly configured API account.
    ``ignore_paging`` plays a caching proxy that answers every list with its first page
    (``page`` and ``min_id`` ignored).

    ``status_labels`` are the merchant's own names for the order statuses (Settings > Order
    statuses; the spec's own example renames Incomplete), served by ``/v2/order_statuses`` as
    ``custom_label`` and on every order as ``custom_status``. The spec says an order's
    ``status`` holds "one of the values defined under Order Statuses" without saying which
    label: ``status_carries`` picks the reading, ``"custom"`` (the merchant's label, the
    default) or ``"system"``.
    """

    name = "bigcommerce"

    def __init__(
        self,
        *,
        store_hash: str = "sandbox1",
        access_token: str | None = None,
        time_scale: float = 1.0,
        seed: int = 0,
        quota: int = 150,
        window_seconds: float = 30.0,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(time_scale=time_scale, seed=seed)
        self.store_hash = store_hash
        self.access_token = access_token or secrets.token_hex(16)
        self.quota = quota
        self.window_seconds = window_seconds
        self.scopes = {ORDERS_SCOPE, INFO_SCOPE}
        self.ignore_paging = False
        self.status_labels: dict[int, str] = {}
        self.status_carries = "custom"
        self.emails_sent: list[dict[str, Any]] = []
        """One entry per shipment email the store would send to the customer."""
        self._now = now or (lambda: datetime.now(UTC))
        self._rng = random.Random(seed)
        self._orders: dict[int, _Order] = {}
        self._next_order = 100
        self._next_line = 1
        self._next_address = 1
        self._next_shipment = 1
        self._window_start = self.clock.now()
        self._used = 0
        api = r"/stores/(?P<hash>[^/]+)/v2"
        order = api + r"/orders/(?P<order_id>\d+)"
        self.route("GET", api + "/store", self._store)
        self.route("GET", api + "/time", self._time)
        self.route("GET", api + "/orders", self._list_orders)
        self.route("GET", api + "/orders/count", self._count_orders)
        self.route("GET", api + "/order_statuses", self._order_statuses)
        self.route("GET", order, self._get_order)
        self.route("GET", order + "/products", self._products)
        self.route("GET", order + "/shipping_?addresses", self._addresses)
        self.route("GET", order + "/fees", self._fees)
        self.route("GET", order + "/shipments", self._list_shipments)
        self.route("POST", order + "/shipments", self._create_shipment)
        self.route("GET", order + r"/shipments/(?P<sid>\d+)", self._get_shipment)
        self.route("PUT", order + r"/shipments/(?P<sid>\d+)", self._update_shipment)
        self.route("POST", "/_admin/orders", self._admin_add_orders, admin=True)
        self.route("GET", "/_admin/orders", self._admin_orders, admin=True)
        self.route("GET", "/_admin/emails", self._admin_emails, admin=True)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/stores/{self.store_hash}"

    # -- the merchant's side (tests and the demo) ----------------------------------------------

    def add_order(
        self,
        sample: SampleOrder | None = None,
        *,
        status_id: int = 11,
        charges: Charges = NO_CHARGES,
    ) -> int:
        """Place one order (a seeded random sample when None), created and modified now;
        ``charges`` adds what a sample lacks (shipping tax, handling, wrapping, VAT, ...)."""
        if sample is None:
            sample = generate_orders(1, seed=self._rng.randrange(2**31))[0]
        with self.lock:
            now = self._now().astimezone(UTC).replace(microsecond=0)
            order_id = self._next_order
            self._next_order += 1
            address_id = self._next_address
            self._next_address += 1
            products = [
                product_data(self._take_line_id(), order_id, address_id, line, sample, charges)
                for line in sample.lines
            ]
            address = address_data(sample, order_id, address_id)
            self._orders[order_id] = _Order(
                order_data(order_id, sample, status_id, charges),
                now,
                now,
                products,
                address,
                charges=charges,
            )
            self._stamp(self._orders[order_id])
            return order_id

    def add_sample_orders(self, n: int) -> list[int]:
        return [self.add_order() for _ in range(n)]

    def touch(self, order_id: int) -> None:
        """A merchant edit: the order's ``date_modified`` becomes now."""
        with self.lock:
            record = self._orders[order_id]
            record.modified = self._now().astimezone(UTC).replace(microsecond=0)
            self._stamp(record)

    def archive(self, order_id: int) -> None:
        """The merchant archives (deletes) the order: ``is_deleted`` becomes true."""
        with self.lock:
            record = self._orders[order_id]
            record.data["is_deleted"] = True
            record.modified = self._now().astimezone(UTC).replace(microsecond=0)
            self._stamp(record)

    def order(self, order_id: int) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._orders[order_id].data)

    def shipments(self, order_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self._orders[order_id].shipments)

    def _take_line_id(self) -> int:
        self._next_line += 1
        return self._next_line - 1

    def _stamp(self, record: _Order) -> None:
        record.data["date_created"] = rfc2822(record.created)
        record.data["date_modified"] = rfc2822(record.modified)

    # -- auth, rate limit, faults -----------------------------------------------------------

    def before_request(self, request: Request) -> Response | None:
        with self.lock:
            self._roll_window()
            if self._used >= self.quota:
                wait = math.ceil(self.clock.to_real(self._reset_seconds()))
                return v2_error(429, "Too many requests.", {"X-Retry-After": str(max(1, wait))})
            self._used += 1
        if request.header("x-auth-token") != self.access_token:
            return v2_error(401, "You are not authorized to access this resource.")
        if request.params.get("hash") != self.store_hash:
            return v2_error(403, "You don't have a required scope to access the endpoint.")
        accept = request.header("accept", "*/*")
        if "json" not in accept and "*/*" not in accept:
            return v2_error(406, "The requested content type is not available.")
        if request.body and "json" not in request.header("content-type"):
            return v2_error(415, "The request body must be JSON.")
        needed = self._scope_for(request)
        if needed and not (needed & self.scopes):
            return v2_error(403, "You don't have a required scope to access the endpoint.")
        return None

    def _scope_for(self, request: Request) -> set[str]:
        if request.path.endswith(("/store", "/time")):
            return {INFO_SCOPE}
        if request.method == "GET":
            return {ORDERS_SCOPE, ORDERS_READ_SCOPE}
        return {ORDERS_SCOPE}

    def after_request(self, request: Request, response: Response) -> None:
        response.headers.update(self._rate_headers())

    def fault_response(self, fault: Fault, request: Request) -> Response:
        if fault is Fault.SERVER_ERROR:
            response = v2_error(500, "Internal Server Error")
        elif fault is Fault.RATE_LIMIT:
            response = v2_error(429, "Too many requests.", {"X-Retry-After": "1"})
        elif fault is Fault.INVALID_JSON:
            response = Response(200, b'[{"id": 100, "date_created": ', {"Content-Type": "json"})
        else:
            return super().fault_response(fault, request)
        with self.lock:
            response.headers.update(self._rate_headers())
        if fault is Fault.RATE_LIMIT:  # as if another app had just used up the store's quota
            response.headers["X-Rate-Limit-Requests-Left"] = "0"
            response.headers["X-Rate-Limit-Time-Reset-Ms"] = "1000"
        return response

    def _roll_window(self) -> None:
        if self.clock.now() - self._window_start >= self.window_seconds:
            self._window_start = self.clock.now()
            self._used = 0

    def _reset_seconds(self) -> float:
        return max(0.0, self.window_seconds - (self.clock.now() - self._window_start))

    def _rate_headers(self) -> dict[str, str]:
        with self.lock:
            self._roll_window()
            return {
                "X-Rate-Limit-Time-Window-Ms": str(
                    round(self.clock.to_real(self.window_seconds) * 1000)
                ),
                "X-Rate-Limit-Time-Reset-Ms": str(
                    round(self.clock.to_real(self._reset_seconds()) * 1000)
                ),
                "X-Rate-Limit-Requests-Quota": str(self.quota),
                "X-Rate-Limit-Requests-Left": str(max(0, self.quota - self._used)),
            }

    def error_response(self, status: int, message: str, request: Request) -> Response:
        if status == 404:
            message = NOT_FOUND
        return v2_error(status, message)

    # -- store information ---------------------------------------------------------------------

    def _store(self, request: Request) -> Response:
        return json_response(200, store_data(self.store_hash))

    def _time(self, request: Request) -> Response:
        return json_response(200, {"time": int(self._now().timestamp())})

    # -- orders ----------------------------------------------------------------------------

    def _record(self, request: Request) -> _Order | None:
        return self._orders.get(int(request.params["order_id"]))

    def _matching(self, request: Request) -> list[_Order]:
        """Orders passing the documented filters; unreadable or unknown filters are ignored."""
        query = request.query
        bounds: dict[str, datetime | None] = {
            name: parse_filter_date(query[name])
            for name in (
                "min_date_modified",
                "max_date_modified",
                "min_date_created",
                "max_date_created",
            )
            if name in query
        }
        status = query.get("status_id", "")
        ids = {name: query[name] for name in ("min_id", "max_id") if query.get(name, "").isdigit()}
        if self.ignore_paging:
            ids = {}
        found: list[_Order] = []
        for record in self._orders.values():
            order_id = record.data["id"]
            if "min_id" in ids and order_id < int(ids["min_id"]):
                continue
            if "max_id" in ids and order_id > int(ids["max_id"]):
                continue
            if status.isdigit():
                if record.data["status_id"] != int(status):
                    continue
            elif record.data["status_id"] == 0:  # incomplete checkouts stay out by default
                continue
            if outside_bounds(bounds, "modified", record.modified) or outside_bounds(
                bounds, "created", record.created
            ):
                continue
            found.append(record)
        key, _, direction = query.get("sort", "id").partition(":")
        if key not in SORTABLE:
            key, direction = "id", "asc"

        def sort_key(record: _Order) -> tuple[Any, int]:
            if key in ("date_created", "date_modified"):
                moment = record.created if key == "date_created" else record.modified
                return (moment, record.data["id"])
            value = record.data[key]
            return ("" if value is None else value, record.data["id"])

        return sorted(found, key=sort_key, reverse=direction == "desc")

    def _list_orders(self, request: Request) -> Response:
        with self.lock:
            page = self._page(request, self._matching(request))
            if isinstance(page, Response):
                return page
            return collection([self._order_json(record, request) for record in page])

    def _page(self, request: Request, items: list[Any]) -> list[Any] | Response:
        if self.ignore_paging:
            request.query.pop("page", None)
        return page_of(request, items)

    def _order_json(self, record: _Order, request: Request) -> dict[str, Any]:
        """The order, with what ``include`` asks for in place of the links (spec
        ``order_includes``; consignments as objects only with ``consignment_structure``)."""
        data = copy.deepcopy(record.data)
        wanted = set(request.query.get("include", "").split(","))
        structured = request.query.get("consignment_structure") == "object"
        if structured and wanted & {"consignments", "consignments.line_items"}:
            consignments = consignments_data(record.address, record.products)
            if "consignments.line_items" not in wanted:
                for group in consignments["shipping"]:
                    group["line_items"] = [
                        {"url": "", "resource": f"/orders/{data['id']}/products/{item['id']}"}
                        for item in group["line_items"]
                    ]
            data["consignments"] = consignments
        if "fees" in wanted:
            data["fees"] = fee_data(data["id"], record.charges)
        return self._labelled(data)

    def _labelled(self, data: dict[str, Any]) -> dict[str, Any]:
        """The order's status words as the merchant's labels make them."""
        system = STATUS_LABELS.get(data["status_id"], "")
        custom = self.status_labels.get(data["status_id"], system)
        data["custom_status"] = custom
        data["status"] = custom if self.status_carries == "custom" else system
        return data

    def _order_statuses(self, request: Request) -> Response:
        return json_response(200, order_statuses(self.status_labels))

    def _count_orders(self, request: Request) -> Response:
        with self.lock:
            found = self._matching(request)
        counted = [record.data["status_id"] for record in found]
        return json_response(200, order_counts(counted, self.status_labels))

    def _get_order(self, request: Request) -> Response:
        with self.lock:
            record = self._record(request)
            if record is None:
                return v2_error(404, NOT_FOUND)
            return json_response(200, self._order_json(record, request))

    def _products(self, request: Request) -> Response:
        return self._sub_page(request, lambda record: record.products)

    def _addresses(self, request: Request) -> Response:
        return self._sub_page(request, lambda record: [record.address])

    def _sub_page(self, request: Request, items_of: Callable[[_Order], list[Any]]) -> Response:
        """A page of one order's sub-resource (its products, addresses or shipments)."""
        with self.lock:
            record = self._record(request)
            if record is None:
                return v2_error(404, NOT_FOUND)
            page = self._page(request, items_of(record))
            return page if isinstance(page, Response) else collection(copy.deepcopy(page))

    def _fees(self, request: Request) -> Response:
        with self.lock:
            record = self._record(request)
            if record is None:
                return v2_error(404, NOT_FOUND)
            return collection(fee_data(record.data["id"], record.charges))

    # -- shipments -------------------------------------------------------------------------

    def _list_shipments(self, request: Request) -> Response:
        return self._sub_page(request, lambda record: record.shipments)

    def _get_shipment(self, request: Request) -> Response:
        with self.lock:
            shipment = self._shipment(request)
            if shipment is None:
                return v2_error(404, NOT_FOUND)
            return json_response(200, copy.deepcopy(shipment))

    def _shipment(self, request: Request) -> dict[str, Any] | None:
        record = self._record(request)
        wanted = int(request.params["sid"])
        shipments = record.shipments if record else []
        return next((shipment for shipment in shipments if shipment["id"] == wanted), None)

    def _create_shipment(self, request: Request) -> Response:
        body = request.json()
        with self.lock:
            record = self._record(request)
            if record is None:
                return v2_error(404, NOT_FOUND)
            if not isinstance(body, dict):
                return v2_error(400, "The request body must be a JSON object.")
            for required in ("order_address_id", "items"):
                if required not in body:
                    return v2_error(400, f"The required field '{required}' was not supplied.")
            if body["order_address_id"] != record.address["id"]:
                return v2_error(400, "The field 'order_address_id' is invalid.")
            wanted = wanted_items(body["items"], record.products)
            if isinstance(wanted, Response):
                return wanted
            refused = refused_tracking(body)
            if refused is not None:
                return refused
            return json_response(201, self._ship(record, body, wanted))

    def _ship(self, record: _Order, body: dict[str, Any], wanted: dict[int, int]) -> dict[str, Any]:
        now = self._now().astimezone(UTC).replace(microsecond=0)
        items = []
        for product in record.products:
            quantity = wanted.get(product["id"], 0)
            if quantity:
                product["quantity_shipped"] += quantity
                items.append(
                    {
                        "order_product_id": product["id"],
                        "product_id": product["product_id"],
                        "quantity": quantity,
                    }
                )
        shipped = sum(product["quantity_shipped"] for product in record.products)
        record.address["items_shipped"] = shipped
        data = record.data
        data["items_shipped"] = shipped
        data["status_id"] = 2 if shipped >= data["items_total"] else 3
        data["status"] = data["custom_status"] = STATUS_LABELS[data["status_id"]]
        data["date_shipped"] = rfc2822(now)
        record.modified = now
        self._stamp(record)
        shipment = shipment_data(self._next_shipment, data, record.address, items, now, body)
        self._next_shipment += 1
        record.shipments.append(shipment)
        self.emails_sent.append(
            {
                "to": data["billing_address"]["email"],
                "order_id": data["id"],
                "shipment_id": shipment["id"],
                "subject": f"Your order #{data['id']} has shipped",
            }
        )
        return copy.deepcopy(shipment)

    def _update_shipment(self, request: Request) -> Response:
        body = request.json()
        with self.lock:
            record = self._record(request)
            shipment = self._shipment(request)
            if record is None or shipment is None:
                return v2_error(404, NOT_FOUND)
            if not isinstance(body, dict):
                return v2_error(400, "The request body must be a JSON object.")
            # The spec's orderShipment_Put takes order_address_id (one of the order's own).
            if "order_address_id" in body and body["order_address_id"] != record.address["id"]:
                return v2_error(400, "The field 'order_address_id' is invalid.")
            for read_only in ("items", "product_id"):
                if read_only in body:
                    return v2_error(
                        400,
                        f"The field '{read_only}' cannot be written to. "
                        "Please remove it from your request before trying again.",
                    )
            merged = {key: shipment.get(key, "") for key in TRACKING_FIELDS}
            merged.update({key: body[key] for key in TRACKING_FIELDS if key in body})
            refused = refused_tracking(merged)
            if refused is not None:
                return refused
            set_tracking(shipment, merged)
            record.modified = self._now().astimezone(UTC).replace(microsecond=0)
            self._stamp(record)
            return json_response(200, copy.deepcopy(shipment))

    # -- admin -----------------------------------------------------------------------------

    def _admin_add_orders(self, request: Request) -> Response:
        body = request.json() or {}
        ids = self.add_sample_orders(int(body.get("count", 1)))
        return json_response(201, {"ids": ids})

    def _admin_orders(self, request: Request) -> Response:
        with self.lock:
            orders = [
                {
                    **copy.deepcopy(record.data),
                    "products": copy.deepcopy(record.products),
                    "shipping_addresses": [copy.deepcopy(record.address)],
                    "shipments": copy.deepcopy(record.shipments),
                }
                for record in self._orders.values()
            ]
        return json_response(200, orders)

    def _admin_emails(self, request: Request) -> Response:
        with self.lock:
            return json_response(200, copy.deepcopy(self.emails_sent))

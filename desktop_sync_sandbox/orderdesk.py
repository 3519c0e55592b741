"""A local Order Desk (REST API v2) for demo mode and tests, faithful to
/work/shared/reference/orderdesk-api.md: auth headers, envelopes, the leaky bucket, folders,
shipments, moves, batch shipments, and the merchant's own actions (ship, split).

Readings of the reference's open questions are listed in ``docs/emulators.md``.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from desktop_sync_sandbox.leaky_bucket import LeakyBucket
from desktop_sync_sandbox.orderdesk_data import DUPLICATE_MESSAGE, OrderBook
from desktop_sync_sandbox.orderdesk_search import search_orders
from desktop_sync_sandbox.orderdesk_values import (
    OrderNotFound,
    OrderRejected,
    store_payload,
    to_wire,
)
from desktop_sync_sandbox.server import (
    Emulator,
    Fault,
    Handler,
    Request,
    Response,
    json_response,
)

__all__ = ["API_PREFIX", "OrderDeskEmulator"]

API_PREFIX = "/api/v2"
_ORDER = r"/orders/(?P<order_id>[^/]+)"
_SHIPMENT = _ORDER + r"/shipments/(?P<shipment_id>[^/]+)"
DEFAULT_FOLDERS = ("New", "Prepared", "Closed", "Canceled")


class OrderDeskEmulator(Emulator):
    """One Order Desk store on 127.0.0.1. API routes live under ``/api/v2``."""

    name = "orderdesk"

    def __init__(
        self,
        *,
        store_id: str = "100001",
        api_key: str | None = None,
        time_scale: float = 1.0,
        seed: int = 0,
        folders: Sequence[str] = DEFAULT_FOLDERS,
        bucket_size: int = 20,
        refill_per_second: float = 3.0,
        rate_limit: bool = True,
        reject_duplicates: bool = True,
        split_suffix: str | None = None,
        store_name: str = "Sandbox Store",
        timezone: str = "America/Los_Angeles",
        now: Callable[[], datetime] | None = None,
        shipment_moves_date_updated: bool = True,
        shipment_in_reply: bool = False,
        duplicate_message: str = DUPLICATE_MESSAGE,
        list_seconds_per_order: float = 0.0,
        firewall: bool = False,
    ) -> None:
        super().__init__(time_scale=time_scale, seed=seed)
        self.store_id = store_id
        self.api_key = api_key if api_key is not None else secrets.token_hex(16)
        self.store_name = store_name
        self.timezone = timezone
        self.bucket = LeakyBucket(bucket_size, refill_per_second)
        self.rate_limit = rate_limit
        self.split_suffix = split_suffix
        # Readings Order Desk does not document, each switchable (docs/emulators.md).
        self.shipment_in_reply = shipment_in_reply
        self.list_seconds_per_order = list_seconds_per_order
        self.firewall = firewall
        self.book = OrderBook(
            store_id=store_id,
            folders=folders,
            zone=ZoneInfo(timezone),
            now=now or (lambda: datetime.now(UTC)),
            seed=seed,
            reject_duplicates=reject_duplicates,
            shipment_moves_date_updated=shipment_moves_date_updated,
            duplicate_message=duplicate_message,
        )
        self._counts = {"requests": 0, "rate_limited": 0}
        self.list_page_limit: int | None = None
        """The most orders one list page holds (Order Desk's own limit is 500); tests make
        pages small to list over several."""
        self.after_list_page: Callable[[int, list[str]], None] | None = None
        """Called with each list page's offset and order ids once it is built, before it is
        answered: a test changes the orders there, as the merchant does between two pages."""
        self.search_dates_zone = "utc"
        """How the date filters without ``_local`` are read: "utc" (the current docs) or
        "store" (the 2018 docs: in the store's time zone)."""
        self.injected_retry_after: float | None = None
        """Real seconds an injected 429 asks the client to wait (a 429 storm); by default one
        second of the emulator's clock."""
        self._started = threading.local()
        api = (
            ("GET", "/test", self._test),
            ("GET", "/store", self._store),
            ("GET", "/orders", self._list_orders),
            ("POST", "/orders", self._create_order),
            ("GET", _ORDER, self._get_order),
            ("PUT", _ORDER, self._replace_order),
            ("DELETE", _ORDER, self._delete_order),
            ("POST", _ORDER + "/order-history", self._add_history),
            ("GET", _ORDER + "/shipments", self._list_shipments),
            ("POST", _ORDER + "/shipments", self._create_shipment),
            ("GET", _SHIPMENT, self._get_shipment),
            ("PUT", _SHIPMENT, self._update_shipment),
            ("DELETE", _SHIPMENT, self._delete_shipment),
            ("POST", "/move-orders", self._move_orders),
            ("POST", "/batch-shipments", self._batch_shipments),
        )
        for method, path, handler in api:
            self.route(method, API_PREFIX + path, self._guarded(handler))
        admin = (
            ("GET", "/orders", self._admin_orders),
            ("POST", _ORDER + "/shipments", self._admin_add_shipment),
            ("POST", _ORDER + "/split", self._admin_split),
            ("GET", "/stats", self._admin_stats),
            ("POST", "/credentials", self._admin_credentials),
        )
        for method, path, handler in admin:
            self.route(method, "/_admin" + path, self._guarded(handler), admin=True)

    @property
    def api_url(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    def auth_headers(self) -> dict[str, str]:
        """The two headers a client with good credentials sends."""
        with self.lock:
            return {"ORDERDESK-STORE-ID": self.store_id, "ORDERDESK-API-KEY": self.api_key}

    # -- the merchant's actions (thread-safe) --------------------------------------------

    def create_order(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Add an order as ``POST /orders`` would (raises ``OrderRejected``); a snapshot."""
        with self.lock:
            return to_wire(self.book.create(payload))

    def add_shipment(
        self,
        order_id: str,
        tracking_number: str,
        carrier_code: str = "UPS",
        shipment_method: str = "Ground",
        tracking_url: str = "",
        order_items: Sequence[Mapping[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Ship (part of) an order in the Order Desk UI; returns the shipment.

        ``order_items`` is ``[{"id": item_id, "quantity": n}]`` for a partial shipment.
        Raises ``OrderNotFound``, or ``OrderRejected`` for a tracking number already there.
        """
        fields = {
            "tracking_number": tracking_number,
            "carrier_code": carrier_code,
            "shipment_method": shipment_method,
            "tracking_url": tracking_url,
            "order_items": list(order_items or []),
        }
        with self.lock:
            return dict(self.book.add_shipment(order_id, fields, source="Manual"))

    def delete_shipment(self, order_id: str, shipment_id: str) -> bool:
        """Delete a shipment in the Order Desk UI; False when there was none."""
        with self.lock:
            return self.book.delete_shipment(order_id, shipment_id)

    def update_shipment(self, order_id: str, shipment_id: str, **fields: str) -> dict[str, Any]:
        """Correct a shipment in the UI (``tracking_number``, ``carrier_code``, ...)."""
        with self.lock:
            shipment = self.book.update_shipment(order_id, shipment_id, fields)
        if shipment is None:
            raise KeyError(shipment_id)
        return shipment

    def split_order(self, order_id: str, item_ids: Sequence[str]) -> str:
        """Split ``item_ids`` off into a new order, as the UI's Split Order does; its id."""
        with self.lock:
            return self.book.split(order_id, item_ids, self.split_suffix)

    def move_order(self, order_id: str, folder_name: str) -> None:
        with self.lock:
            self.book.move(order_id, self.book.folder_named(folder_name))

    def orders(self) -> list[dict[str, Any]]:
        with self.lock:
            return [to_wire(order) for order in self.book.orders.values()]

    def get(self, order_id: str) -> dict[str, Any]:
        """A snapshot of one order; ``KeyError`` when there is none."""
        with self.lock:
            order = self.book.orders.get(str(order_id))
            if order is None:
                raise KeyError(order_id)
            return to_wire(order)

    def orders_with_source(
        self, source_id: str, source_name: str | None = None
    ) -> list[dict[str, Any]]:
        with self.lock:
            return [
                to_wire(o)
                for o in self.book.orders.values()
                if o["source_id"] == source_id
                and (source_name is None or o["source_name"] == source_name)
            ]

    def delete_folder(self, name: str) -> None:
        """The merchant deletes a folder in Order Desk: ``GET /store`` no longer lists it, and
        an order sent to it is refused or filed in the first folder (``unknown_folder``)."""
        with self.lock:
            del self.book.folders[self.book.folder_named(name)]

    def folder_ids(self) -> dict[str, int]:
        """Folder name -> id."""
        return {name: folder_id for folder_id, name in self.book.folders.items()}

    def set_credentials(self, store_id: str, api_key: str) -> None:
        """Rotate the key (or store id): clients holding the old pair now get 401."""
        with self.lock:
            self.store_id, self.api_key = store_id, api_key
            self.book.store_id = store_id

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {
                **self._counts,
                "orders": len(self.book.orders),
                "shipments": self.book.shipment_count(),
            }

    # -- envelope, auth and the leaky bucket ---------------------------------------------

    def dispatch(self, request: Request) -> Response:
        self._started.at = time.perf_counter()
        return super().dispatch(request)

    def _execution_time(self) -> str:
        started = getattr(self._started, "at", None)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        return f"{max(elapsed, 0.0001):.4f} seconds"

    def _reply(self, status: int, message: str, **payload: Any) -> Response:
        body = {
            "status": "success" if status < 400 else "error",
            "message": message,
            "execution_time": self._execution_time(),
            **payload,
        }
        return json_response(status, body)

    def _guarded(self, handler: Handler) -> Handler:
        """Turn the order book's refusals into Order Desk's error replies."""

        def guarded(request: Request) -> Response:
            try:
                return handler(request)
            except OrderNotFound as exc:
                return self._reply(404, str(exc))
            except OrderRejected as exc:
                return self._reply(400, str(exc))
            except (ValueError, TypeError, AttributeError) as exc:  # admin bodies are not checked
                return self._reply(400, f"Invalid request: {exc}")

        return guarded

    def _took(self) -> str:
        # The documented GET replies put the timing in the message as well.
        return f"Execution took {self._execution_time()}"

    def error_response(self, status: int, message: str, request: Request) -> Response:
        return self._reply(status, message)

    def fault_response(self, fault: Fault, request: Request) -> Response:
        with self.lock:
            self._counts["requests"] += 1
            if fault is Fault.RATE_LIMIT:
                self._counts["rate_limited"] += 1
        if fault is Fault.RATE_LIMIT:
            response = self._reply(429, "Too Many Requests")
            told = self.injected_retry_after
            response.headers["X-Retry-After"] = self._seconds(1.0) if told is None else f"{told:g}"
        elif fault is Fault.SERVER_ERROR:
            response = self._reply(500, "Internal Server Error")
        else:
            response = super().fault_response(fault, request)
        self.after_request(request, response)
        return response

    def before_request(self, request: Request) -> Response | None:
        if self.firewall:
            # A web application firewall in front of the API refuses before Order Desk sees it.
            page = (
                b"<!DOCTYPE html><html><head><title>Attention Required!</title></head><body>"
                b"<h1>Sorry, you have been blocked</h1><p>Access denied. Error 1020.</p>"
                b"</body></html>"
            )
            return Response(403, page, {"Content-Type": "text/html; charset=UTF-8"})
        store_id = request.header("ORDERDESK-STORE-ID")
        api_key = request.header("ORDERDESK-API-KEY")
        with self.lock:
            self._counts["requests"] += 1
            good = (
                bool(store_id and api_key)
                and secrets.compare_digest(store_id.encode(), self.store_id.encode())
                and secrets.compare_digest(api_key.encode(), self.api_key.encode())
            )
            if not good:
                return self._reply(401, "Invalid store ID or API key")
            now = self.clock.now()
            if not self.rate_limit:
                self.bucket.spend(store_id, now)
                return None
            wait = self.bucket.take(store_id, now)
            if wait is None:
                return None
            # A refused request spends nothing, so a client that waits as told gets through.
            self._counts["rate_limited"] += 1
        response = self._reply(429, "Too Many Requests")
        response.headers["X-Retry-After"] = self._seconds(wait)
        return response

    def after_request(self, request: Request, response: Response) -> None:
        if self.firewall:
            return
        store_id = request.header("ORDERDESK-STORE-ID")
        with self.lock:
            tokens = self.bucket.remaining(store_id, self.clock.now())
        if response.status == 429:
            tokens = 0
        response.headers["X-Tokens-Remaining"] = str(tokens)

    def _seconds(self, seconds: float) -> str:
        """A wait on the emulator's clock, in the real seconds a client should sleep."""
        if self.clock.scale == 1:
            return str(math.ceil(seconds))
        return f"{max(self.clock.to_real(seconds), 0.001):.3f}".rstrip("0").rstrip(".")

    # -- API routes ----------------------------------------------------------------------

    def _test(self, request: Request) -> Response:
        return self._reply(200, "Connection Successful", current_date_time=self.book.now_text())

    def _store(self, request: Request) -> Response:
        with self.lock:
            store = store_payload(self.store_id, self.store_name, self.timezone, self.book.folders)
        return self._reply(200, "Store Settings Found", store=store)

    def _list_orders(self, request: Request) -> Response:
        history = request.query.get("get_order_history") == "1"
        with self.lock:
            page = search_orders(
                self.book.orders.values(),
                request.query,
                folders=self.book.folders,
                zone=self.book.zone,
                plain_zone=self.book.zone if self.search_dates_zone == "store" else UTC,
            )
            listed = page.orders[: self.list_page_limit or len(page.orders)]
            orders = [to_wire(o, history=history) for o in listed]
        hook = self.after_list_page
        if hook is not None:
            hook(page.offset, [str(o["id"]) for o in orders])
        if self.list_seconds_per_order > 0:
            # A slow account: building each full order object takes the server this long.
            self._stopping.wait(self.list_seconds_per_order * len(orders))
        return self._reply(
            200,
            self._took(),
            total_records=page.total_records,
            records_returned=len(orders),
            offset=page.offset,
            limit=min(page.limit, self.list_page_limit or page.limit),
            orders=orders,
        )

    def _create_order(self, request: Request) -> Response:
        with self.lock:
            order = self.book.create(request.json())
            return self._reply(200, "Order Created", order=to_wire(order))

    def _get_order(self, request: Request) -> Response:
        return self._with_order(request, lambda o: self._reply(200, self._took(), order=o))

    def _with_order(
        self, request: Request, answer: Callable[[dict[str, Any]], Response]
    ) -> Response:
        history = request.query.get("get_order_history") == "1"
        with self.lock:
            order = self.book.order(request.params["order_id"])
            return answer(to_wire(order, history=history))

    def _replace_order(self, request: Request) -> Response:
        with self.lock:
            order = self.book.replace(request.params["order_id"], request.json())
            return self._reply(200, "Order Updated", order=to_wire(order))

    def _delete_order(self, request: Request) -> Response:
        order_id = request.params["order_id"]
        with self.lock:
            self.book.delete(order_id)
        return self._reply(200, f"Order {order_id} Deleted")

    def _add_history(self, request: Request) -> Response:
        """Reference §4.7: ``{"note", "source_name"}``; the reply carries the order's history."""
        body = request.json()
        note = str(body.get("note") or "").strip() if isinstance(body, Mapping) else ""
        if not note:
            return self._reply(400, "Send a note to add to the order's history.")
        with self.lock:
            order = self.book.add_history(
                request.params["order_id"], note, str(body.get("source_name") or "API")
            )
            return self._reply(
                200, self._took(), total_records=1, order=to_wire(order, history=True)
            )

    def _list_shipments(self, request: Request) -> Response:
        def answer(order: dict[str, Any]) -> Response:
            shipments = order["order_shipments"]
            return self._reply(200, self._took(), total_records=len(shipments), shipments=shipments)

        return self._with_order(request, answer)

    def _create_shipment(self, request: Request) -> Response:
        with self.lock:
            shipment = self.book.add_shipment(
                request.params["order_id"], request.json(), source="API"
            )
        if not self.shipment_in_reply:  # the documented reply (reference section 6.2)
            return self._reply(200, "Shipment Added")
        return self._reply(200, "Shipment Added", shipment=dict(shipment))

    def _get_shipment(self, request: Request) -> Response:
        def answer(order: dict[str, Any]) -> Response:
            for shipment in order["order_shipments"]:
                if shipment["id"] == request.params["shipment_id"]:
                    return self._reply(200, self._took(), shipment=shipment)
            return self._reply(404, "Shipment not found")

        return self._with_order(request, answer)

    def _update_shipment(self, request: Request) -> Response:
        with self.lock:
            shipment = self.book.update_shipment(
                request.params["order_id"], request.params["shipment_id"], request.json()
            )
        if shipment is None:
            return self._reply(404, "Shipment not found")
        return self._reply(200, "Shipment Updated", shipment=shipment)

    def _delete_shipment(self, request: Request) -> Response:
        shipment_id = request.params["shipment_id"]
        with self.lock:
            deleted = self.book.delete_shipment(request.params["order_id"], shipment_id)
        if not deleted:
            return self._reply(404, "Shipment not found")
        return self._reply(200, f"Shipment {shipment_id} Deleted")

    def _move_orders(self, request: Request) -> Response:
        body = request.json()
        if not isinstance(body, Mapping) or not isinstance(body.get("order_id_list"), list):
            return self._reply(400, "Send order_id_list with the ids of the orders to move.")
        by_id, by_name = body.get("destination_folder_id"), body.get("destination_folder_name")
        if (by_id is None) == (by_name is None):
            return self._reply(400, "Send either destination_folder_id or destination_folder_name.")
        with self.lock:
            folder_id = (
                self.book.folder_id(by_id)
                if by_id is not None
                else self.book.folder_named(str(by_name))
            )
            folder = self.book.folders[folder_id]
            results: list[dict[str, Any]] = []
            for raw_id in body["order_id_list"]:
                entry: dict[str, Any] = {"order_id": _echo_id(raw_id)}
                try:
                    entry["original_folder_id"] = self.book.move(str(raw_id), folder_id)
                    entry["message"] = f"Order Moved to {folder} Folder"
                except OrderNotFound as exc:
                    entry["message"] = str(exc)
                results.append(entry)
        moved = sum(1 for r in results if "original_folder_id" in r)
        return self._reply(200, f"{moved} Orders Moved", results=results)

    def _batch_shipments(self, request: Request) -> Response:
        body = request.json()
        entries = body.get("shipments") if isinstance(body, Mapping) else body
        if not isinstance(entries, list) or not entries:
            return self._reply(
                400, "Send a list of shipments, each with order_id and tracking_number."
            )
        results: list[dict[str, Any]] = []
        with self.lock:
            for entry in entries:
                order_id = entry.get("order_id") if isinstance(entry, Mapping) else None
                result: dict[str, Any] = {"order_id": _echo_id(order_id)}
                try:
                    shipment = self.book.add_shipment(str(order_id), entry)
                except (OrderNotFound, OrderRejected) as exc:
                    result.update(status="error", message=f"Shipment Not Added: {exc}")
                else:
                    result.update(status="success", message="Shipment Added")
                    result["shipment_id"] = shipment["id"]
                results.append(result)
        added = sum(1 for r in results if r["status"] == "success")
        return self._reply(200, f"{added} Shipments Added", results=results)

    # -- admin routes (no auth, no rate limit, no faults) --------------------------------

    def _admin_orders(self, request: Request) -> Response:
        return self._reply(200, "Orders", orders=self.orders())

    def _admin_stats(self, request: Request) -> Response:
        return self._reply(200, "Stats", stats=self.stats())

    def _admin_add_shipment(self, request: Request) -> Response:
        body = request.json() or {}
        shipment = self.add_shipment(
            request.params["order_id"],
            str(body.get("tracking_number", "")),
            carrier_code=str(body.get("carrier_code", "UPS")),
            shipment_method=str(body.get("shipment_method", "Ground")),
            tracking_url=str(body.get("tracking_url", "")),
            order_items=body.get("order_items"),
        )
        return self._reply(200, "Shipment Added", shipment=shipment)

    def _admin_split(self, request: Request) -> Response:
        body = request.json() or {}
        item_ids = [str(i) for i in body.get("item_ids") or []]
        new_id = self.split_order(request.params["order_id"], item_ids)
        return self._reply(200, "Order Split", order_id=new_id, order=self.get(new_id))

    def _admin_credentials(self, request: Request) -> Response:
        body = request.json() or {}
        if not (body.get("store_id") and body.get("api_key")):
            return self._reply(400, "Send store_id and api_key.")
        self.set_credentials(str(body["store_id"]), str(body["api_key"]))
        return self._reply(200, "Credentials Changed")


def _echo_id(raw: Any) -> Any:
    # The documented move reply echoes ids as integers; keep whatever is not numeric.
    text = str(raw)
    return int(text) if text.isdigit() else raw

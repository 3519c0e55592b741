"""A local WooCommerce site: the WordPress REST index, ``wc/v3`` orders and notes, the Shipment
Tracking extension, WooCommerce's API-key auth and error bodies, and a log of customer emails.

Core WooCommerce has no rate limit (store-apis.md §2.6), so this emulator has none either; hosts
and firewalls that throttle are played by the fault switches (429 and 503 HTML pages).
"""

from __future__ import annotations

import copy
import math
import re
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from desktop_sync_sandbox.server import Emulator, Fault, Request, Response, json_response
from desktop_sync_sandbox.woocommerce_auth import KeyCheck
from desktop_sync_sandbox.woocommerce_money import WooPricing
from desktop_sync_sandbox.woocommerce_shop import (
    ORDER_STATUSES,
    PROVIDERS,
    SentEmail,
    WooShop,
    parse_wp_date,
)
from desktop_sync_sandbox.woocommerce_statuses import order_totals

__all__ = ["SentEmail", "WooCommerceEmulator", "status_for_payment"]

TRACKING_NAMESPACE = "wc-shipment-tracking/v3"
_WC = r"/wp-json/wc/v3"
_TRACKING = r"/wp-json/wc-shipment-tracking/v3"
_NOT_IN_LINKS = ("page", "consumer_key", "consumer_secret")
_ORDERBY = ("date", "id", "include", "title", "slug", "modified")
_THROTTLED_PAGE = b"<html><head><title>429 Too Many Requests</title></head><body></body></html>"
_MAINTENANCE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>"
    b"Briefly unavailable for scheduled maintenance. Check back in a minute.</body></html>"
)
_PHP_NOTICE = (
    b"<br />\n<b>Notice</b>:  Undefined index: id in <b>/wp-content/plugins/x.php</b>"
    b' on line <b>12</b><br />\n[{"id":'
)
_NOT_IMPLEMENTED_PAGE = (
    b"<html><head><title>501 Method Not Implemented</title></head><body><h1>Method Not "
    b"Implemented</h1><p>PUT not supported for current URL.</p></body></html>"
)
_WRONG_SECRET_CHALLENGE = (
    'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer '
    'secret in the password field"'
)


def wp_error(status: int, code: str, message: str, **data: Any) -> Response:
    return json_response(
        status, {"code": code, "message": message, "data": {"status": status, **data}}
    )


def _invalid_param(param: str, reason: str, code: str = "rest_invalid_param") -> Response:
    """WordPress's answer to a query argument its schema refuses; ``details`` names the rule
    (``rest_not_in_enum``, ``rest_invalid_type``, ...)."""
    return wp_error(
        400,
        "rest_invalid_param",
        f"Invalid parameter(s): {param}",
        params={param: reason},
        details={param: {"code": code, "message": reason, "data": None}},
    )


class WooCommerceEmulator(Emulator):
    """A WooCommerce 10.x site with pretty permalinks, at ``base_url`` (the site root)."""

    name = "woocommerce"

    def __init__(
        self,
        *,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        key_permissions: str = "read_write",
        shipment_tracking: bool = True,
        time_scale: float = 1.0,
        seed: int = 0,
        now: Callable[[], datetime] | None = None,
        site_name: str = "Demo Woo Shop",
    ) -> None:
        super().__init__(time_scale=time_scale, seed=seed)
        self.consumer_key = consumer_key or f"ck_{secrets.token_hex(20)}"
        self.consumer_secret = consumer_secret or f"cs_{secrets.token_hex(20)}"
        self.key_permissions = key_permissions
        """``read``, ``write`` or ``read_write``, as chosen when the key was made."""
        self.shipment_tracking = shipment_tracking
        self.refused_methods: set[str] = set()
        """Methods the web server refuses with 501 before WordPress sees them (ModSecurity)."""
        self.strips_authorization = False
        """The server drops the ``Authorization`` header (some CGI/FastCGI setups)."""
        self.wordpress_sees_https = True
        """False behind a proxy that ends TLS: ``is_ssl()`` is false, so WooCommerce takes
        only an OAuth 1.0a signature for the ``http://`` address."""
        self.canonical_host = ""
        """``host:port`` WordPress redirects every other host to (apex to www)."""
        self.ignores_page = False
        """A cache in front of WordPress that drops ``page`` and answers page 1 every time."""
        self.ast = False
        """The tracking routes are zorem's Advanced Shipment Tracking (``wc-ast/v3`` listed too):
        tracking numbers only of letters, digits, dashes and spaces, and order ids read as
        order numbers of Custom Order Numbers (``custom_numbers``)."""
        self.custom_numbers: dict[str, int] = {}
        """Custom order number -> order id, as the Custom Order Numbers plugin keeps them."""
        self.rest_locked = False
        """A plugin (Disable REST API) refuses visitors everywhere but WooCommerce's routes."""
        self.home_url = ""
        """What WordPress says its home is (the index's ``home`` and ``url``, the system
        status's ``home_url``); "" is the address it is served on."""
        self.custom_statuses: dict[str, str] = {}
        """Order statuses a plugin registers (slug: name), as ``wc_get_order_statuses`` lists
        them after WooCommerce's own: orders may be in them and ``status`` may name them."""
        self.reports_refused = False
        """The reports routes refuse the key (a security plugin, or a user without
        ``view_woocommerce_reports``): 403 ``woocommerce_rest_cannot_view``."""
        self._keys = KeyCheck(self.consumer_key, self.consumer_secret)
        self._raw = threading.local()
        self.site_name = site_name
        self.shop = WooShop(now or (lambda: datetime.now(UTC)))
        self._seed = seed
        self._samples_made = 0
        self.route("GET", r"/wp-json", self._index)
        self.route("GET", rf"{_WC}/system_status", self._system_status)
        self.route("GET", rf"{_WC}/orders", self._list_orders)
        self.route("GET", rf"{_WC}/reports/orders/totals", self._order_totals)
        self.route("GET", rf"{_WC}/orders/(?P<id>\d+)", self._get_order)
        for method in ("PUT", "POST", "PATCH"):
            self.route(method, rf"{_WC}/orders/(?P<id>\d+)", self._update_order)
        self.route("GET", rf"{_WC}/products", self._list_products)
        self.route("GET", rf"{_WC}/products/(?P<id>\d+)/variations", self._list_variations)
        self.route("GET", rf"{_WC}/orders/(?P<id>\d+)/notes", self._list_notes)
        self.route("POST", rf"{_WC}/orders/(?P<id>\d+)/notes", self._create_note)
        self.route(
            "GET", rf"{_TRACKING}/orders/(?P<id>\d+)/shipment-trackings/providers", self._providers
        )
        self.route("GET", rf"{_TRACKING}/orders/(?P<id>\d+)/shipment-trackings", self._trackings)
        self.route(
            "POST", rf"{_TRACKING}/orders/(?P<id>\d+)/shipment-trackings", self._create_tracking
        )
        self.route("POST", r"/_admin/orders", self._admin_add, admin=True)
        self.route("GET", r"/_admin/orders", self._admin_list, admin=True)

    @property
    def api_url(self) -> str:
        """The site URL a merchant types into the wizard."""
        return self.base_url

    # -- the merchant's and the tests' side -------------------------------------------

    @property
    def emails(self) -> list[SentEmail]:
        with self.lock:
            return list(self.shop.emails)

    def add_order(self, sample: SampleOrder | None = None, *, status: str = "processing") -> int:
        """Create an order (the next seeded sample when none is given); return its id."""
        if status not in (*ORDER_STATUSES, *self.custom_statuses):
            raise ValueError(f"unknown WooCommerce order status {status!r}")
        with self.lock:
            if sample is None:
                self._samples_made += 1
                sample = generate_orders(self._samples_made, seed=self._seed)[-1]
            return self.shop.add(sample, status)

    def add_priced_order(self, pricing: WooPricing, *, status: str = "processing") -> int:
        """An order with the given lines, coupons, fees, shipping and tax, priced the way
        WooCommerce prices it (``woocommerce_money``), for the first sample customer."""
        if status not in (*ORDER_STATUSES, *self.custom_statuses):
            raise ValueError(f"unknown WooCommerce order status {status!r}")
        customer = generate_orders(1, seed=self._seed)[0].customer
        with self.lock:
            return self.shop.add_priced(pricing, customer, status)

    def add_sample_orders(self, count: int) -> list[int]:
        """``count`` seeded orders, each in the status its payment would give it on a real site."""
        start = self._samples_made
        self._samples_made += count
        samples = generate_orders(start + count, seed=self._seed)[start:]
        return [self.add_order(s, status=status_for_payment(s.payment)) for s in samples]

    def touch(self, order_id: int) -> None:
        """Move the order's modified date to now, as a merchant edit would."""
        with self.lock:
            self.shop.bump(self.shop.orders[order_id])

    def order(self, order_id: int) -> dict[str, Any]:
        with self.lock:
            return self.shop.snapshot(order_id)

    def notes(self, order_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.shop.notes[order_id])

    def trackings(self, order_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.shop.trackings[order_id])

    # -- the web server in front of WordPress, and WordPress's own routing ------------

    def dispatch(self, request: Request) -> Response:
        self._raw.method = request.method
        if request.method in self.refused_methods:
            return Response(501, _NOT_IMPLEMENTED_PAGE, {"Content-Type": "text/html"})
        if self.strips_authorization:
            request.headers = {k: v for k, v in request.headers.items() if k != "authorization"}
        if self.canonical_host and request.header("host") != self.canonical_host:
            query = f"?{urlencode(request.query_list)}" if request.query_list else ""
            location = f"http://{self.canonical_host}{request.path}{query}"
            return Response(301, b"", {"Location": location, "X-Redirect-By": "WordPress"})
        if request.method == "POST":  # WP_REST_Server::serve_request
            override = request.query.get("_method") or request.header("x-http-method-override")
            if override:
                request.method = override.upper()
        return super().dispatch(request)

    # -- auth, errors and faults ------------------------------------------------------

    def before_request(self, request: Request) -> Response | None:
        if request.path.startswith(_TRACKING) and not self.shipment_tracking:
            return self.error_response(404, "", request)  # WordPress routes before it checks keys
        if request.path == "/wp-json":
            return None  # the public index
        if self.rest_locked and not request.path.startswith(("/wp-json/wc/", "/wp-json/wc-")):
            return wp_error(
                401, "rest_cannot_access", "Only authenticated users can access the REST API."
            )
        found = self._keys.credentials(
            request,
            ssl=self.wordpress_sees_https,
            raw_method=getattr(self._raw, "method", request.method),
            home=self.base_url,
        )
        if found is None or not found.key:
            if found is not None:  # an OAuth request with an unknown key
                return wp_error(401, "woocommerce_rest_authentication_error", found.error)
            # An unknown key leaves the request unauthenticated; the permission check refuses it.
            return _permission_error(request)
        if found.error:
            response = wp_error(401, "woocommerce_rest_authentication_error", found.error)
            response.headers["WWW-Authenticate"] = _WRONG_SECRET_CHALLENGE
            return response
        writing = request.method in ("POST", "PUT", "PATCH", "DELETE")
        needed = "write" if writing else "read"
        if needed not in self.key_permissions:
            return wp_error(
                401,
                "woocommerce_rest_authentication_error",
                f"The API key provided does not have {needed} permissions.",
            )
        return None

    def error_response(self, status: int, message: str, request: Request) -> Response:
        if status in (404, 405):
            return wp_error(
                404, "rest_no_route", "No route was found matching the URL and request method."
            )
        if status == 400:
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        return wp_error(status, "internal_server_error", message)

    def fault_response(self, fault: Fault, request: Request) -> Response:
        # WooCommerce itself never throttles: 429s and 503s come from the host or its firewall,
        # as HTML pages.
        if fault is Fault.RATE_LIMIT:
            return Response(429, _THROTTLED_PAGE, {"Content-Type": "text/html", "Retry-After": "1"})
        if fault is Fault.SERVER_ERROR:
            return Response(
                503, _MAINTENANCE_PAGE, {"Content-Type": "text/html", "Retry-After": "1"}
            )
        if fault is Fault.INVALID_JSON:
            # A PHP notice printed before the JSON, the classic broken WordPress plugin.
            return Response(200, _PHP_NOTICE, {"Content-Type": "application/json; charset=UTF-8"})
        return super().fault_response(fault, request)

    # -- routes -----------------------------------------------------------------------

    def _index(self, request: Request) -> Response:
        namespaces = [
            "oembed/1.0",
            "wc/store/v1",
            "wc/v1",
            "wc/v2",
            "wc/v3",
            "wp/v2",
            "wp-site-health/v1",
        ]
        if self.shipment_tracking:
            namespaces.insert(0, TRACKING_NAMESPACE)
        if self.shipment_tracking and self.ast:
            namespaces.insert(0, "wc-ast/v3")
        offset_hours = self.shop.utc_offset.total_seconds() / 3600
        return json_response(
            200,
            {
                "name": self.site_name,
                "description": "Just another WordPress site",
                "url": self.home_url or self.base_url,
                "home": self.home_url or self.base_url,
                "gmt_offset": f"{offset_hours:g}",
                "timezone_string": "Europe/Berlin",
                "namespaces": namespaces,
                "authentication": {},
                "routes": {},
            },
        )

    def _system_status(self, request: Request) -> Response:
        plugins = [
            {"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": "10.3.0"}
        ]
        if self.shipment_tracking:
            plugins.append(
                {
                    "plugin": "woocommerce-shipment-tracking/woocommerce-shipment-tracking.php",
                    "name": "WooCommerce Shipment Tracking",
                    "version": "2.6.0",
                }
            )
        return json_response(
            200,
            {
                "environment": {
                    "home_url": self.home_url or self.base_url,
                    "site_url": self.home_url or self.base_url,
                    "version": "10.3.0",
                },
                "settings": {"api_enabled": True, "currency": self.shop.currency},
                "active_plugins": plugins,
            },
        )

    def _order_totals(self, request: Request) -> Response:
        if self.reports_refused:
            return wp_error(
                403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."
            )
        with self.lock:
            statuses = [order["status"] for order in self.shop.orders.values()]
        return json_response(200, order_totals(statuses, self.custom_statuses))

    def _list_orders(self, request: Request) -> Response:
        query = request.query
        try:
            per_page = int(query.get("per_page", "10"))
        except ValueError:
            return _invalid_param("per_page", "per_page is not of type integer.")
        if not 1 <= per_page <= 100:
            return _invalid_param(
                "per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"
            )
        try:
            page = 1 if self.ignores_page else int(query.get("page", "1"))
        except ValueError:
            return _invalid_param("page", "page is not of type integer.")
        if page < 1:
            return _invalid_param("page", "page must be greater than or equal to 1")
        orderby, direction = query.get("orderby", "date"), query.get("order", "desc")
        if orderby not in _ORDERBY:
            return _invalid_param(
                "orderby",
                f"orderby is not one of {', '.join(_ORDERBY[:-1])}, and {_ORDERBY[-1]}.",
                "rest_not_in_enum",
            )
        if direction not in ("asc", "desc"):
            return _invalid_param("order", "order is not one of asc and desc.", "rest_not_in_enum")
        statuses = [s for s in query.get("status", "any").split(",") if s]
        for status in statuses:
            known = (*ORDER_STATUSES, *self.custom_statuses, "any")
            if status not in known:
                return _invalid_param("status", f"status[0] is not one of {', '.join(known)}.")
        gmt = query.get("dates_are_gmt", "false").lower() in ("1", "true")
        bounds: dict[str, datetime] = {}
        for param in ("modified_after", "modified_before", "after", "before"):
            if param in query:
                try:
                    bound = parse_wp_date(query[param])
                except ValueError:
                    return _invalid_param(param, "Invalid date.")
                if bound.tzinfo is not None:
                    # WP_Date_Query turns a value with a zone into site time, and compares
                    # that with the GMT column too when dates_are_gmt is set.
                    bound = bound.astimezone(UTC).replace(tzinfo=None) + self.shop.utc_offset
                bounds[param] = bound
        with self.lock:
            matching = self.shop.find(statuses, bounds, gmt=gmt, orderby=orderby)
            if direction == "desc":
                matching.reverse()
            total = len(matching)
            start = int(query.get("offset", (page - 1) * per_page))
            chunk = [self._order_out(o) for o in matching[start : start + per_page]]
        total_pages = math.ceil(total / per_page) if total else 0
        headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(total_pages)}
        links = []
        base = [(k, v) for k, v in request.query_list if k not in _NOT_IN_LINKS]
        here = f"{self.base_url}{request.path}"
        for rel, target in (("prev", page - 1), ("next", page + 1)):
            if 1 <= target <= total_pages:
                links.append(f'<{here}?{urlencode([*base, ("page", str(target))])}>; rel="{rel}"')
        if links:
            headers["Link"] = ", ".join(links)
        return json_response(200, chunk, headers)

    def _list_products(self, request: Request) -> Response:
        with self.lock:
            return _included(request, list(self.shop.products.values()))

    def _list_variations(self, request: Request) -> Response:
        parent = int(request.params["id"])
        with self.lock:
            if parent not in self.shop.products:
                return wp_error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.")
            found = [v for v in self.shop.variations.values() if v["parent_id"] == parent]
            return _included(request, found)

    def _order_or_404(
        self,
        request: Request,
        code: str = "woocommerce_rest_shop_order_invalid_id",
        message: str = "Invalid ID.",
        status: int = 404,
    ) -> dict[str, Any] | Response:
        """The order, or WooCommerce's refusal: ``GET orders/<id>`` 404 "Invalid ID.", an
        update 400 "Invalid ID.", notes 404 "Invalid order ID." (all ``shop_order``); the
        tracking extensions say ``woocommerce_rest_order_invalid_id``."""
        order = self.shop.orders.get(int(request.params["id"]))
        if order is None:
            return wp_error(status, code, message)
        return order

    def _order_out(self, order: dict[str, Any]) -> dict[str, Any]:
        links = {
            "self": [{"href": f"{self.base_url}{_WC}/orders/{order['id']}"}],
            "collection": [{"href": f"{self.base_url}{_WC}/orders"}],
        }
        return {**copy.deepcopy(order), "_links": links}

    def _get_order(self, request: Request) -> Response:
        with self.lock:
            order = self._order_or_404(request)
            return (
                order if isinstance(order, Response) else json_response(200, self._order_out(order))
            )

    def _update_order(self, request: Request) -> Response:
        body = request.json() or {}
        if not isinstance(body, dict):
            return wp_error(400, "rest_invalid_json", "Invalid JSON body passed.")
        with self.lock:
            order = self._order_or_404(request, status=400)
            if isinstance(order, Response):
                return order
            status = body.get("status")
            if status is not None and status not in ORDER_STATUSES:
                return _invalid_param(
                    "status", f"status is not one of {', '.join(ORDER_STATUSES)}."
                )
            meta = body.get("meta_data", [])
            if not isinstance(meta, list) or not all(
                isinstance(m, dict) and ("key" in m or "id" in m) for m in meta
            ):
                return _invalid_param("meta_data", "meta_data[0][key] is a required property.")
            for field in ("billing", "shipping"):
                if isinstance(body.get(field), dict):
                    order[field].update(body[field])
            if "customer_note" in body:
                order["customer_note"] = str(body["customer_note"])
            self.shop.update_meta(order, meta)
            if status is not None:
                self.shop.set_status(order, status)
            self.shop.bump(order)
            return json_response(200, self._order_out(order))

    def _list_notes(self, request: Request) -> Response:
        kind = request.query.get("type", "any")
        if kind not in ("any", "customer", "internal"):
            return _invalid_param(
                "type", "type is not one of any, customer, and internal.", "rest_not_in_enum"
            )
        with self.lock:
            order = self._order_or_404(request, message="Invalid order ID.")
            if isinstance(order, Response):
                return order
            notes = self.shop.notes[order["id"]]
            if kind != "any":
                notes = [n for n in notes if n["customer_note"] == (kind == "customer")]
            return json_response(200, [self._note_out(order["id"], n) for n in notes])

    def _create_note(self, request: Request) -> Response:
        body = request.json() or {}
        if not isinstance(body, dict) or not str(body.get("note") or "").strip():
            return wp_error(
                400, "rest_missing_callback_param", "Missing parameter(s): note", params=["note"]
            )
        with self.lock:
            order = self._order_or_404(request, message="Invalid order ID.")
            if isinstance(order, Response):
                return order
            note = self.shop.add_note(
                order["id"], str(body["note"]), bool(body.get("customer_note"))
            )
            return json_response(201, self._note_out(order["id"], note))

    def _note_out(self, order_id: int, note: dict[str, Any]) -> dict[str, Any]:
        up = f"{self.base_url}{_WC}/orders/{order_id}"
        links = {
            "self": [{"href": f"{up}/notes/{note['id']}"}],
            "collection": [{"href": f"{up}/notes"}],
            "up": [{"href": up}],
        }
        return {**copy.deepcopy(note), "_links": links}

    def _providers(self, request: Request) -> Response:
        if not self.shipment_tracking:
            return self.error_response(404, "", request)
        return json_response(200, PROVIDERS)

    def _trackings(self, request: Request) -> Response:
        if not self.shipment_tracking:
            return self.error_response(404, "", request)
        with self.lock:
            order = self._order_or_404(
                request, "woocommerce_rest_order_invalid_id", "Invalid order ID."
            )
            if isinstance(order, Response):
                return order
            return json_response(
                200, [self._tracking_out(order["id"], t) for t in self.shop.trackings[order["id"]]]
            )

    def _create_tracking(self, request: Request) -> Response:
        if not self.shipment_tracking:
            return self.error_response(404, "", request)
        body = request.json() or {}
        if not isinstance(body, dict) or not str(body.get("tracking_number") or "").strip():
            return wp_error(
                400,
                "rest_missing_callback_param",
                "Missing parameter(s): tracking_number",
                params=["tracking_number"],
            )
        if body.get("tracking_id"):
            return wp_error(
                400,
                "woocommerce_rest_shop_order_shipment_tracking_exists",
                "Cannot create existing shipment tracking.",
            )
        if self.ast:
            number = self.custom_numbers.get(request.params["id"])
            if number is not None:  # AST's get_formated_order_id
                request.params["id"] = str(number)
            if re.search(r"[^a-z0-9- \x08]", str(body["tracking_number"]), re.IGNORECASE):
                return wp_error(
                    404,
                    "woocommerce_rest_order_invalid_id",
                    "Special character not allowd in tracking number",
                )
        with self.lock:
            order = self._order_or_404(
                request, "woocommerce_rest_order_invalid_id", "Invalid order ID."
            )
            if isinstance(order, Response):
                return order
            item = self._tracking_out(order["id"], self.shop.add_tracking(order["id"], body))
        location = item["_links"]["self"][0]["href"]
        return json_response(201, item, {"Location": location})

    def _tracking_out(self, order_id: int, item: dict[str, Any]) -> dict[str, Any]:
        collection = f"{self.base_url}{_TRACKING}/orders/{order_id}/shipment-trackings"
        links = {
            "self": [{"href": f"{collection}/{item['tracking_id']}"}],
            "collection": [{"href": collection}],
            "up": [{"href": f"{self.base_url}{_TRACKING}/orders/{order_id}"}],
        }
        return {**item, "_links": links}

    # -- admin ------------------------------------------------------------------------

    def _admin_add(self, request: Request) -> Response:
        """``{"count": 5}`` adds seeded orders; ``{"status": "on-hold"}`` adds one such order."""
        body = request.json() or {}
        if "count" in body:
            ids = self.add_sample_orders(int(body["count"]))
        else:
            ids = [self.add_order(status=str(body.get("status", "processing")))]
        return json_response(201, {"ids": ids})

    def _admin_list(self, request: Request) -> Response:
        with self.lock:
            orders = [copy.deepcopy(o) for o in self.shop.orders.values()]
            emails = [vars(e) for e in self.shop.emails]
        return json_response(200, {"orders": orders, "emails": emails})


def status_for_payment(payment: str) -> str:
    """The status a real checkout leaves an order in, for a sample's payment: card payments
    are ``processing``; authorise-only cards and unpaid bank transfers wait ``on-hold``."""
    return {
        "authorized": "on-hold",
        "pending": "on-hold",
        "refunded": "refunded",
        "voided": "cancelled",
    }.get(payment, "processing")


def _included(request: Request, records: list[dict[str, Any]]) -> Response:
    """A product list filtered by ``include`` (ids, comma separated), one page of ``per_page``."""
    wanted = {int(i) for i in request.query.get("include", "").split(",") if i.strip().isdigit()}
    per_page = int(request.query.get("per_page", "10"))
    if not 1 <= per_page <= 100:
        return _invalid_param(
            "per_page", "per_page must be between 1 (inclusive) and 100 (inclusive)"
        )
    found = [copy.deepcopy(r) for r in records if not wanted or r["id"] in wanted]
    headers = {
        "X-WP-Total": str(len(found)),
        "X-WP-TotalPages": str(math.ceil(len(found) / per_page)),
    }
    return json_response(200, found[:per_page], headers)


def _permission_error(request: Request) -> Response:
    if request.method == "GET":
        listing = request.path.endswith(("/orders", "/notes", "/shipment-trackings"))
        if listing:
            return wp_error(
                401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."
            )
        return wp_error(
            401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
        )
    if request.method == "POST" and request.path.endswith(("/notes", "/shipment-trackings")):
        return wp_error(
            401, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."
        )
    return wp_error(
        401, "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."
    )

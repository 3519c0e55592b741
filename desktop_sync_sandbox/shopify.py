"""A local Shopify shop (GraphQL Admin API and the client-credentials grant) for demo mode and
tests.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from desktop_sync_sandbox.samples import SampleOrder, generate_orders
from desktop_sync_sandbox.server import Emulator, Fault, Request, Response, json_response
from desktop_sync_sandbox.shopify_access import (
    PROTECTED_CONTENTS,
    AccessSchema,
    expand_granted,
    unknown_fields,
    withhold,
)
from desktop_sync_sandbox.shopify_cost import CostBucket
from desktop_sync_sandbox.shopify_grant import ClientCredentialsGrant
from desktop_sync_sandbox.shopify_graphql import (
    GraphQLError,
    Operation,
    actual_cost,
    parse_operation,
    requested_cost,
    resolve,
)
from desktop_sync_sandbox.shopify_money import OrderMoney
from desktop_sync_sandbox.shopify_shapes import SentEmail, gid
from desktop_sync_sandbox.shopify_shop import ShopifyShop
from desktop_sync_sandbox.shopify_versions import served_version, supported_versions

__all__ = [
    "INVALID_TOKEN",
    "REQUIRED_SCOPES",
    "ShopifyEmulator",
    "served_version",
    "supported_versions",
]

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
REQUIRED_SCOPES = (
    "read_orders",
    "read_products",
    "read_locations",
    "write_merchant_managed_fulfillment_orders",
)
"""What the README tells a merchant to grant: the shop's default grant."""
_ROOT_SCOPES = {
    "orders": "read_orders",
    "order": "read_orders",
    "fulfillmentOrder": "read_merchant_managed_fulfillment_orders",
    "fulfillment": "read_orders",
    "fulfillmentCreate": "write_merchant_managed_fulfillment_orders",
    "fulfillmentTrackingInfoUpdate": "write_merchant_managed_fulfillment_orders",
}
_GRAPHQL = r"/admin/api/(?P<version>[^/]+)/graphql\.json"


class ShopifyEmulator(Emulator):
    """``POST /admin/api/{version}/graphql.json`` for a fixed set of operations, recognised by
    their root fields, with Shopify's calculated-cost bucket and its ``THROTTLED`` answer.

    The bucket (``CostBucket``) is ``bucket_max`` points refilled at ``restore_rate`` points
    per emulated second. A request to an unknown version "falls forward" to the oldest
    supported one, as Shopify's does; ``X-Shopify-API-Version`` says which was used. The
    support window is Shopify's: each quarterly version for twelve months from its release,
    at the emulator's own date.

    With ``schema`` (Shopify's published introspection file, loaded as an ``AccessSchema``)
    every field is checked against its ``requiredAccess`` and the token's ``scopes``: a field
    the token may not read comes back null with an ``ACCESS_DENIED`` error naming its path,
    and the rest of the data is returned. Protected customer fields (names, addresses, emails,
    phones) come back the same way unless their kind is in ``protected_data`` (all of them by
    default, as for a Dev Dashboard app; an admin-created custom app's access varies by plan).
    Without ``schema`` (the demo) only the root fields' scopes are checked. Orders created
    more than 60 days ago are hidden unless ``read_all_orders`` is granted, as Shopify does.
    """

    name = "shopify"

    def __init__(
        self,
        *,
        shop: str = "sandbox-shop",
        access_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        time_scale: float = 1.0,
        seed: int = 0,
        bucket_max: float = 2000.0,
        restore_rate: float = 100.0,
        now: Callable[[], datetime] | None = None,
        split_locations: bool = False,
        schema: AccessSchema | None = None,
    ) -> None:
        super().__init__(time_scale=time_scale, seed=seed)
        self.shop = shop
        self.access_token = access_token or "shpat_" + secrets.token_hex(16)
        self.client_id = client_id or secrets.token_hex(16)
        self.client_secret = client_secret or "shpss_" + secrets.token_hex(16)
        self.split_locations = split_locations
        """Put every other line of new orders at a second location (two fulfillment orders)."""
        self.scopes: set[str] = set(REQUIRED_SCOPES)
        self.schema = schema
        self.protected_data: set[str] = set(PROTECTED_CONTENTS)
        """The protected customer fields the shop lets this app read."""
        self.redact_protected = False
        """Withheld protected fields come back null without an error (Shopify's documentation
        allows "errors or redacted data"; both are modelled)."""
        self.repeat_cursor = False
        """A misbehaving proxy: ``orders(after:)`` answers the first page again, for ever."""
        self.throttle_status = 200
        """HTTP status of a ``THROTTLED`` answer; community reports say 200, sometimes 429."""
        self.data = ShopifyShop(
            now or (lambda: datetime.now(UTC)),
            all_orders=lambda: "read_all_orders" in expand_granted(self.scopes),
        )
        self._rng = random.Random(seed)
        self.grant = ClientCredentialsGrant(
            self.client_id, self.client_secret, self.clock, lambda: self.scopes, self.lock
        )
        self.bucket = CostBucket(bucket_max, restore_rate, self.clock)
        self.route("POST", r"/admin/oauth/access_token", self.grant.answer)
        self.route("POST", _GRAPHQL, self._graphql)
        self.route("POST", "/_admin/orders", self._admin_add_orders, admin=True)
        self.route("GET", "/_admin/orders", self._admin_orders, admin=True)
        self.route("GET", "/_admin/emails", self._admin_emails, admin=True)
        self.route("POST", "/_admin/expire_tokens", self._admin_expire_tokens, admin=True)

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def domain(self) -> str:
        return f"{self.shop}.myshopify.com"

    # -- the merchant's side (tests and the demo) ----------------------------------------

    def add_order(
        self,
        sample: SampleOrder | None = None,
        *,
        money: OrderMoney | None = None,
        created: datetime | None = None,
    ) -> str:
        """Place one order (a seeded random sample when None), created (now unless given) and
        updated now; its GID. ``money`` gives Shopify's own money detail (discount
        allocations, tax lines, shipping discounts, tax-inclusive prices, lines that do not
        ship); without it the sample's discount and tax are spread over its lines."""
        if sample is None:
            sample = generate_orders(1, seed=self._rng.randrange(2**31))[0]
        with self.lock:
            return self.data.add(
                sample, split_locations=self.split_locations, money=money, created=created
            )

    def set_fulfillment_status(self, order_id: str, index: int, status: str) -> None:
        """The order's ``index``-th fulfillment gets Shopify status ``status`` (e.g. ERROR)."""
        with self.lock:
            self.data.orders[order_id].fulfillments[index].status = status

    def add_sample_orders(self, n: int) -> list[str]:
        return [self.add_order() for _ in range(n)]

    def touch(self, order_id: str) -> None:
        """A merchant edit: the order's ``updatedAt`` becomes now."""
        with self.lock:
            self.data.touch(order_id)

    def hold(self, order_id: str) -> None:
        """The merchant puts the order's open fulfillment orders on hold."""
        with self.lock:
            for fo in self.data.orders[order_id].fulfillment_orders:
                if fo.status in ("OPEN", "IN_PROGRESS"):
                    fo.status = "ON_HOLD"

    def fulfillments(self, order_id: str) -> list[dict[str, Any]]:
        """``[{"id", "tracking_numbers": [...], "lines": {line item GID: quantity}}]``."""
        with self.lock:
            out = []
            for record in self.data.orders[order_id].fulfillments:
                lines: dict[str, int] = {}
                for _, item, quantity in record.lines:
                    lines[item.id] = lines.get(item.id, 0) + quantity
                out.append(
                    {
                        "id": gid("Fulfillment", record.number),
                        "tracking_numbers": [str(t["number"]) for t in record.tracking],
                        "tracking": [dict(t) for t in record.tracking],
                        "lines": lines,
                    }
                )
            return out

    def remaining(self, order_id: str) -> dict[str, int]:
        """What is left to ship, per line item GID, across the order's fulfillment orders."""
        with self.lock:
            left: dict[str, int] = {}
            for fo in self.data.orders[order_id].fulfillment_orders:
                for fl in fo.lines:
                    left[fl.item.id] = left.get(fl.item.id, 0) + fl.remaining
            return left

    def line_ids(self, order_id: str) -> list[str]:
        with self.lock:
            return [item.id for item in self.data.orders[order_id].items]

    @property
    def emails_sent(self) -> list[SentEmail]:
        with self.lock:
            return list(self.data.emails)

    def expire_tokens(self) -> None:
        """Every token the client-credentials grant issued stops working (expired early)."""
        self.grant.expire_all()

    @property
    def token_requests(self) -> int:
        """How many times the client-credentials grant was asked for a token."""
        return self.grant.requests

    # -- auth, headers, faults -----------------------------------------------------------

    def before_request(self, request: Request) -> Response | None:
        if request.path.endswith("/graphql.json") and not self._token_ok(
            request.header("X-Shopify-Access-Token")
        ):
            return json_response(401, {"errors": INVALID_TOKEN})
        return None

    def _token_ok(self, token: str) -> bool:
        if not token:
            return False
        if secrets.compare_digest(token, self.access_token):
            return True
        return self.grant.valid(token)

    def after_request(self, request: Request, response: Response) -> None:
        response.headers["X-Request-Id"] = str(uuid.UUID(int=self._rng.getrandbits(128)))
        version = request.params.get("version")
        if version:
            response.headers["X-Shopify-API-Version"] = served_version(
                version, self.data.now().date()
            )

    def error_response(self, status: int, message: str, request: Request) -> Response:
        return json_response(status, {"errors": message})

    def fault_response(self, fault: Fault, request: Request) -> Response:
        if fault is Fault.RATE_LIMIT and request.path.endswith("/graphql.json"):
            try:
                cost = requested_cost(_operation(request))
            except (GraphQLError, ValueError):
                cost = 50
            response = self.bucket.throttled(cost, 0.0, self.throttle_status)
        elif fault is Fault.SERVER_ERROR:
            response = json_response(500, {"errors": "Internal Server Error"})
        else:
            response = super().fault_response(fault, request)
        self.after_request(request, response)
        return response

    # -- GraphQL -------------------------------------------------------------------------

    def _graphql(self, request: Request) -> Response:
        try:
            operation = _operation(request)
        except ValueError:
            return json_response(
                400, {"errors": {"query": "Required parameter missing or invalid"}}
            )
        except GraphQLError as exc:
            return json_response(200, {"errors": [_error(exc)]})
        if self.schema is not None:
            unknown = unknown_fields(self.schema, operation)
            if unknown:
                return json_response(200, {"errors": unknown})
        cost = requested_cost(operation)
        too_costly = self.bucket.too_costly(cost)
        if too_costly is not None:
            return too_costly
        with self.lock:
            if not self.bucket.spend(cost):
                return self.bucket.throttled(cost, self.bucket.available, self.throttle_status)
            data, errors = self._execute(operation)
            actual = actual_cost(operation, data)
            self.bucket.refund(cost, actual)
            payload: dict[str, Any] = {"data": data}
            if errors:
                payload["errors"] = errors
            payload["extensions"] = self.bucket.extensions(cost, actual)
        return json_response(200, payload)

    def _execute(self, operation: Operation) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        shop = self.data
        if operation.kind == "mutation":
            root: dict[str, Any] = {
                "fulfillmentCreate": lambda a: shop.fulfillment_create(a.get("fulfillment")),
                "fulfillmentTrackingInfoUpdate": lambda a: shop.tracking_update(
                    a.get("fulfillmentId"), a.get("trackingInfoInput"), a.get("notifyCustomer")
                ),
            }
            type_name = "Mutation"
        else:
            root = {
                "shop": {
                    "id": gid("Shop", 548380009),
                    "name": self.shop.replace("-", " ").title(),
                    "myshopifyDomain": self.domain,
                    "currencyCode": shop.currency,
                    "ianaTimezone": "America/New_York",
                    "email": f"owner@{self.domain}",
                },
                "currentAppInstallation": {
                    "id": gid("AppInstallation", 1),
                    "accessScopes": [{"handle": h} for h in sorted(self.scopes)],
                },
                "orders": lambda a: shop.search(dict(a, after=None) if self.repeat_cursor else a),
                "order": lambda a: shop.order(str(a.get("id"))),
                "fulfillmentOrder": lambda a: shop.fulfillment_order(str(a.get("id"))),
                "fulfillment": lambda a: shop.fulfillment(str(a.get("id"))),
            }
            type_name = "QueryRoot"
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for selected in operation.fields:
            scope = None if self.schema else _ROOT_SCOPES.get(selected.name)
            try:
                if scope and scope not in self.scopes:
                    raise GraphQLError(
                        f"Access denied for {selected.name} field. "
                        f"Required access: `{scope}` access scope.",
                        "ACCESS_DENIED",
                        requiredAccess=f"`{scope}` access scope.",
                    )
                data[selected.key] = resolve(root, (selected,), type_name)[selected.key]
            except GraphQLError as exc:
                data[selected.key] = None
                errors.append(dict(_error(exc), path=[selected.key]))
        if self.schema is not None:
            schema = self.schema
            root_type = schema.mutation_type if operation.kind == "mutation" else schema.query_type
            for denial in withhold(
                self.schema,
                root_type,
                operation.fields,
                data,
                expand_granted(self.scopes),
                frozenset(self.protected_data),
            ):
                if self.redact_protected and not denial.required_access:
                    continue
                extensions: dict[str, Any] = {
                    "code": denial.code,
                    "documentation": "https://shopify.dev/api/usage/access-scopes",
                }
                if denial.required_access:
                    extensions["requiredAccess"] = denial.required_access
                errors.append(
                    {"message": denial.message, "path": denial.path, "extensions": extensions}
                )
        return data, errors

    # -- admin ---------------------------------------------------------------------------

    def _admin_add_orders(self, request: Request) -> Response:
        body = request.json() or {}
        ids = self.add_sample_orders(int(body.get("count", 1)))
        return json_response(200, {"ids": ids})

    def _admin_orders(self, request: Request) -> Response:
        with self.lock:
            orders: list[dict[str, Any]] = [
                {"id": o.id, "name": o.name, "updatedAt": o.updated.isoformat()}
                for o in self.data.orders.values()
            ]
        for entry in orders:
            entry["fulfillments"] = self.fulfillments(entry["id"])
        return json_response(200, {"orders": orders})

    def _admin_emails(self, request: Request) -> Response:
        emails = [
            {
                "kind": e.kind,
                "order_id": e.order_id,
                "to": e.to,
                "tracking": list(e.tracking_numbers),
            }
            for e in self.emails_sent
        ]
        return json_response(200, {"emails": emails})

    def _admin_expire_tokens(self, request: Request) -> Response:
        self.expire_tokens()
        return json_response(200, {"status": "success"})


def _operation(request: Request) -> Operation:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise ValueError("no query")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    return parse_operation(body["query"], variables)


def _error(exc: GraphQLError) -> dict[str, Any]:
    return {"message": exc.message, "extensions": {"code": exc.code, **exc.extensions}}

"""The BigCommerce connector and emulator held to BigCommerce's own OpenAPI files.

The connector is driven against the emulator over real sockets through every call it makes
(verify, the order scan, one order, shipments listed and created); every exchange is recorded,
each request is validated against ``orders.v2.oas2.yml`` (``store_information.v2.yml`` for
``/store``) and each emulator answer against the operation's documented response schema.

The spec contradicts itself on ``sort``: its schema is an enum of bare field names (``id``,
``date_modified``, ...) while its description asks for ``:asc``/``:desc`` suffixes
(``sort=date_created:desc``). The requests are validated against the schema as written, so
the connector must send a bare name: it sends ``sort=id``, which both readings accept (the
description: "The default sort is by order id, from lowest to highest"). The emulator accepts
both forms, as BigCommerce does.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from desktop_sync.connectors.retry import Backoff
from desktop_sync.connectors.stores.base import FulfillmentLine, Tracking
from desktop_sync.connectors.stores.bigcommerce import BigCommerceConnector
from desktop_sync.connectors.stores.http import HttpSettings
from desktop_sync_sandbox.bigcommerce import BigCommerceEmulator
from desktop_sync_sandbox.bigcommerce_shapes import Charges
from desktop_sync_sandbox.samples import generate_orders
from tests.specs import spec_path

pytestmark = pytest.mark.spec

TOKEN = "openapi-token-0123456789abcdef"
HOST = "https://api.bigcommerce.com"
NO_WAIT = Backoff(base=0.0, cap=0.0, floor=0.0, attempts=2)


class Recorder(httpx.BaseTransport):
    """A real transport that keeps every request with its answer."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self._inner.close()


@dataclass
class SpecRequest:
    """An httpx request as openapi-core reads one, at BigCommerce's own host."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: Any

    @classmethod
    def of(cls, request: httpx.Request) -> SpecRequest:
        url = urlsplit(str(request.url))
        content = request.content or None
        return cls(
            host_url=HOST,
            path=url.path,
            method=request.method.lower(),
            body=content,
            content_type=request.headers.get("content-type", "application/json"),
            parameters=RequestParameters(
                query=ImmutableMultiDict(parse_qs(url.query, keep_blank_values=True)),
                header=Headers(dict(request.headers)),
                cookie=ImmutableMultiDict(),
            ),
        )


@dataclass
class SpecResponse:
    status_code: int
    data: bytes
    content_type: str
    headers: Headers


@dataclass
class Spec:
    raw: dict[str, Any]
    linked: OpenAPI
    """Orders answered without ``include``: consignments and fees as links."""
    included: OpenAPI
    """Orders answered with ``include=consignments.line_items,fees``."""

    def api(self, request: httpx.Request) -> OpenAPI:
        return self.included if "include" in request.url.params else self.linked

    def documents(self, request: httpx.Request, status: int) -> bool:
        """Whether the operation documents an answer with this status (or a default)."""
        path = request.url.path.split("/v2", 1)[1]
        for template, item in self.raw["paths"].items():
            pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
            if re.fullmatch(pattern, path):
                codes = set(item.get(request.method.lower(), {}).get("responses", {}))
                return str(status) in codes or "default" in codes
        return False


def load(name: str) -> Spec:
    path = spec_path(f"bigcommerce/{name}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Spec(
        raw,
        OpenAPI.from_dict(as_answered(raw, included=False)),
        OpenAPI.from_dict(as_answered(raw, included=True)),
    )


def as_answered(raw: dict[str, Any], *, included: bool) -> dict[str, Any]:
    """The spec with its second self-contradiction resolved, on a copy in memory.

    ``order_Resp.consignments`` is ``oneOf`` a link (``{url, resource}``) and the included
    object (``orderConsignment_Get``), and each consignment's ``line_items`` ``oneOf`` an
    array of links and an array of products; ``fees`` likewise. Every property of those
    schemas is optional, so any object is valid under both branches and ``oneOf`` refuses
    every answer, with ``include`` or without. The request says which shape BigCommerce
    answers with (the parameter's description), so each ``oneOf`` is narrowed to that
    branch; nothing else is changed, and the included shapes are checked in full.
    """
    spec = copy.deepcopy(raw)
    schemas = spec.get("components", {}).get("schemas", {})
    order = schemas.get("order_RespOnly", {}).get("properties", {})
    for name in ("consignments", "fees"):
        if "oneOf" in order.get(name, {}):
            branches = order[name]["oneOf"]
            link = next(b for b in branches if b.get("$ref", "").endswith("_Resource"))
            body = next(b for b in branches if b is not link)
            order[name] = body if included else link

    def narrow(node: Any) -> None:
        if isinstance(node, dict):
            items = node.get("line_items")
            if isinstance(items, dict) and "oneOf" in items:
                node["line_items"] = next(
                    branch
                    for branch in items["oneOf"]
                    if branch["items"]["$ref"].endswith("orderProducts") == included
                )
            for value in node.values():
                narrow(value)
        elif isinstance(node, list):
            for value in node:
                narrow(value)

    narrow(schemas)
    return spec


@pytest.fixture(scope="module")
def specs() -> dict[str, Spec]:
    return {"orders": load("orders.v2.oas2.yml"), "store": load("store_information.v2.yml")}


@pytest.fixture
def store() -> Iterator[BigCommerceEmulator]:
    with BigCommerceEmulator(access_token=TOKEN, time_scale=100.0) as emulator:
        assert isinstance(emulator, BigCommerceEmulator)
        yield emulator


def describe(exc: BaseException) -> str:
    """The validator's own words, down to each schema error and where it is."""
    parts = [repr(exc)]
    cause = exc.__cause__
    while cause is not None:
        parts.append(type(cause).__name__)
        for error in getattr(cause, "schema_errors", ()) or ():
            where = "/".join(str(step) for step in error.absolute_path)
            parts.append(f"  at {where}: {error.message[:300]}")
        cause = cause.__cause__
    return "\n".join(parts)


def drive(store: BigCommerceEmulator, recorder: Recorder) -> None:
    """Every call the app makes to BigCommerce, as a push and a pull would make them."""
    samples = generate_orders(6, seed=21)
    charges = [
        Charges(),
        Charges(shipping_tax=Decimal("0.80"), handling=Decimal("2.00")),
        Charges(wrapping=Decimal("3.50"), fee=Decimal("1.25")),
        Charges(types=((samples[3].lines[0].sku, "giftcertificate"),)),
        Charges(types=((samples[4].lines[0].sku, "digital"),)),
        Charges(tax_inclusive=True, shipping_tax=Decimal("1.00")),
    ]
    ids = [store.add_order(s, charges=c) for s, c in zip(samples, charges, strict=True)]
    connector = BigCommerceConnector(
        store.api_url, TOKEN, page_size=4, http=HttpSettings(backoff=NO_WAIT, transport=recorder)
    )
    trackings = [
        Tracking("1ZUPS0001", "UPS"),
        Tracking("JDDHL0001", "DHL", "https://dhl.example/JDDHL0001"),
        Tracking("SP0001", "Speedy Parcels", "https://speedy.example/SP0001"),
    ]
    try:
        connector.verify()
        orders = list(connector.iter_orders(datetime.now(UTC) - timedelta(hours=1)))
        assert sorted(int(o.id) for o in orders) == ids
        for order_id, tracking in zip(ids, trackings[:2], strict=False):
            order = connector.get_order(str(order_id))
            # The engine's look before creating: a snapshot of a page of orders.
            assert connector.list_fulfillments(order.id) == []
            line = order.lines[0]
            connector.create_fulfillment(order.id, [FulfillmentLine(line.id, 1)], tracking)
            assert connector.list_fulfillments(order.id)
    finally:
        connector.close()
    # No snapshot (a new connector): the shipment reads the order's shipping addresses.
    fresh = BigCommerceConnector(
        store.api_url, TOKEN, http=HttpSettings(backoff=NO_WAIT, transport=recorder)
    )
    try:
        order = fresh.get_order(str(ids[2]))
        fresh.create_fulfillment(order.id, [FulfillmentLine(order.lines[0].id, 1)], trackings[2])
    finally:
        fresh.close()


def test_every_request_and_answer_fits_bigcommerces_openapi(
    store: BigCommerceEmulator, specs: dict[str, Spec]
) -> None:
    recorder = Recorder()
    drive(store, recorder)

    assert recorder.exchanges
    problems: list[str] = []
    for request, response in recorder.exchanges:
        spec = specs["store" if request.url.path.endswith("/v2/store") else "orders"]
        label = f"{request.method} {request.url.path}?{request.url.query.decode()}"
        spec_request = SpecRequest.of(request)
        try:
            spec.api(request).validate_request(spec_request)
        except OpenAPIError as exc:
            problems.append(f"request {label}: {describe(exc)}")
        if response.status_code == 204:
            # BigCommerce answers an empty list with 204 and no body (documented for
            # shipments, "No Content"); there is no body to hold to a schema.
            assert not response.content, label
            continue
        if not spec.documents(request, response.status_code):
            # verify()'s write probe gets the 404 no order 0 has; lists answer 204 when empty.
            assert (response.status_code, request.method) == (404, "PUT"), label
            continue
        answer = SpecResponse(
            status_code=response.status_code,
            data=response.content,
            content_type=response.headers.get("content-type", ""),
            headers=Headers(dict(response.headers)),
        )
        try:
            spec.api(request).validate_response(spec_request, answer)
        except OpenAPIError as exc:
            problems.append(f"answer to {label}: {describe(exc)}")

    assert not problems, "\n".join(problems)


def test_the_recorded_exchanges_cover_every_call_the_connector_makes(
    store: BigCommerceEmulator,
) -> None:
    recorder = Recorder()
    drive(store, recorder)

    calls = {(r.method, r.url.path.split("/v2", 1)[1].split("?")[0]) for r, _ in recorder.exchanges}
    shapes = {
        (method, "".join("N" if p.isdigit() else p for p in path.split("/")))
        for method, path in calls
    }
    assert ("GET", "store") in shapes
    assert ("GET", "orders") in shapes
    assert ("GET", "ordersN") in shapes
    assert ("GET", "ordersNshipments") in shapes
    assert ("GET", "ordersNshipping_addresses") in shapes
    assert ("POST", "ordersNshipments") in shapes
    assert ("PUT", "ordersNshipmentsN") in shapes


@pytest.mark.parametrize(("sort", "valid"), [("id", True), ("date_modified:asc", False)])
def test_sort_is_held_to_the_specs_enum_not_its_description(
    specs: dict[str, Spec], sort: str, valid: bool
) -> None:
    request = httpx.Request(
        "GET",
        f"{HOST}/stores/abc123/v2/orders",
        params={"sort": sort},
        headers={"Accept": "application/json", "X-Auth-Token": TOKEN},
    )
    try:
        specs["orders"].api(request).validate_request(SpecRequest.of(request))
        accepted = True
    except OpenAPIError:
        accepted = False

    assert accepted is valid

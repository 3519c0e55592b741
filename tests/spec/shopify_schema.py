"""Shopify's published Admin schemas for the spec tests: graphql-core schemas to validate the
connector's documents, the emulator's ``AccessSchema`` for scopes, and a recording of every
document the connector sends in a run that reaches each of them."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import httpx
from graphql import GraphQLSchema, build_client_schema

from desktop_sync_sandbox.samples import SampleLine, SampleOrder, generate_orders
from desktop_sync_sandbox.shopify_access import AccessSchema
from tests.specs import spec_path

VERSIONS = ("2025-07", "2026-10")


def _file(version: str) -> str:
    return f"shopify/admin_{version}.json.gz"


@cache
def _introspection(version: str) -> dict[str, Any]:
    with gzip.open(spec_path(_file(version)), "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def graphql_schema(version: str) -> GraphQLSchema:
    # Shopify's schema has interface deprecation mismatches graphql-core's own schema check
    # rejects; documents still validate (shared/specs/README.md).
    return build_client_schema(_introspection(version)["data"], assume_valid=True)


@cache
def access_schema(version: str) -> AccessSchema:
    return AccessSchema(_introspection(version), version)


@dataclass(frozen=True)
class Sent:
    query: str
    variables: dict[str, Any]


class Recorder(httpx.BaseTransport):
    """A real transport that keeps every GraphQL request's query and variables."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self.sent: list[Sent] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/graphql.json"):
            body = json.loads(request.content)
            self.sent.append(Sent(body["query"], body.get("variables") or {}))
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def big_sample(lines: int, seed: int = 5) -> SampleOrder:
    """A sample order with ``lines`` distinct lines (for every follow-up page)."""
    base = generate_orders(1, seed=seed)[0]
    made = tuple(
        SampleLine(
            sku=f"BIG-{n:03d}",
            name=f"Poster {n}",
            quantity=1 + n % 2,
            unit_price=Decimal("4.25"),
            options=(("Size", "A3"),) if n % 3 else (),
            weight=Decimal("0.2"),
        )
        for n in range(lines)
    )
    return SampleOrder(
        customer=base.customer,
        lines=made,
        shipping_method=base.shipping_method,
        shipping_total=base.shipping_total,
        tax_total=Decimal("3.10"),
        discount_total=Decimal("2.00"),
        payment="paid",
        created_at=base.created_at,
    )


def documents() -> Iterator[tuple[str, str]]:
    """Every GraphQL document the connector defines, by name."""
    from desktop_sync.connectors.stores import shopify_queries

    for name in shopify_queries.__all__:
        value = getattr(shopify_queries, name)
        if isinstance(value, str):
            yield name, value
